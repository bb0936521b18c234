//! Everything said between the page, the conductor and the process workers, in one place: the
//! messages each way ([`ToConductor`], [`FromConductor`], [`ToProcess`], [`FromProcess`], each
//! one enum matched whole by its receiver), the data they carry ([`payloads`]: a run's request,
//! the engine's greeting, a model's end) and their bytes ([`wire`]). The session reads
//! [`FromConductor`] as it arrives, so nothing translates it on the way; `web::messages` only
//! wraps the bytes for `postMessage` (with the bulky buffers beside them).

pub mod payloads;
pub mod wire;

pub use payloads::{Fault, Finished, Ready, RunRequest};

use crate::core::input::workload::Step;
use crate::core::measure::trace::Span;
use crate::engine::Work;
use wire::{wire_enum, wire_struct};

/// Page → conductor.
#[derive(Clone, Debug)]
pub enum ToConductor {
    Run { request: RunRequest },
}

/// Conductor → page (and the page's own word for a conductor that failed: `Fatal`).
#[derive(Clone, Debug)]
pub enum FromConductor {
    /// Calibrated, and the thread pool started (or why not).
    Ready {
        ready: Ready,
    },
    ModelStart {
        run: u32,
        slot: u32,
    },
    /// New spans (`done`), and the spans in progress (`open`), drawn unfinished.
    Spans {
        run: u32,
        slot: u32,
        done: Vec<Span>,
        open: Vec<Span>,
    },
    ModelDone {
        run: u32,
        slot: u32,
        outcome: Result<Finished, String>,
    },
    RunDone {
        run: u32,
    },
    /// The re-check before run `run` found the device's speed moved, so the kernel was
    /// calibrated again.
    Recalibrated {
        run: u32,
        before: u64,
        after: u64,
        /// The engine's first run: its start-up calibration was taken while the page loaded.
        first: bool,
    },
    /// The pool can no longer be trusted (a job trapped or hung): the page restarts the engine.
    Broken {
        message: String,
    },
    /// The conductor failed (a panic, a bad message).
    Fatal {
        message: String,
    },
}

/// Conductor → process worker.
#[derive(Clone, Debug)]
pub enum ToProcess {
    /// A chunk of tasks (`ProcessPoolExecutor.map`'s `chunksize`; one task by default), each
    /// its number and steps, run in order; their payloads travel beside the header as one
    /// buffer (`payload`) of their sizes summed, copied, not transferred.
    Chunk {
        tasks: Vec<(u32, Vec<Step>)>,
        work: Work,
        sent: f64,
        /// Test builds only: hang on this chunk (to test that a hung process is reported).
        hang: bool,
    },
    /// One CPU step sent by an event loop (`executor`); its task's payload travels beside.
    Step {
        task: u32,
        step: u32,
        ms: u32,
        work: Work,
        sent: f64,
    },
}

/// Process worker → conductor.
#[derive(Clone, Debug)]
pub enum FromProcess {
    /// A worker started ahead (forkserver): its glue is loaded; it instantiates when told.
    Shell,
    Ready {
        at: f64,
    },
    /// A chunk's result and its spans; the output is copied back beside it (`output`).
    Result {
        checksum: u64,
        sent: f64,
        spans: Vec<Span>,
    },
    Fatal {
        message: String,
    },
}

wire_struct!(Work { calibration, seed });
wire_enum!(ToConductor, "message to the conductor" {
    0 => Run { request },
});
wire_enum!(FromConductor, "message from the conductor" {
    0 => Fatal { message },
    1 => Ready { ready },
    2 => ModelStart { run, slot },
    3 => Spans { run, slot, done, open },
    4 => ModelDone { run, slot, outcome },
    5 => RunDone { run },
    6 => Recalibrated { run, before, after, first },
    7 => Broken { message },
});
wire_enum!(ToProcess, "message to a process" {
    0 => Chunk { tasks, work, sent, hang },
    1 => Step { task, step, ms, work, sent },
});
wire_enum!(FromProcess, "message from a process" {
    0 => Fatal { message },
    1 => Shell {},
    2 => Ready { at },
    3 => Result { checksum, sent, spans },
});

//! The messages between the page, the conductor and the process workers, as types.
//!
//! Each direction is one enum, matched exhaustively by its receiver, and crosses as bytes
//! ([`Wire`]: a tag byte for the variant, then its fields in order). On the wire a message is
//! `{ns: "conpar", msg: Uint8Array, …buffers}`: the namespace tells ours from other libraries'
//! messages (wasm-bindgen-rayon's), and bulky data (spans, payloads) travels beside the header
//! as typed arrays, transferred where the sender is done with them. `Fatal` has tag 0 from
//! the conductor and from a process alike, and a process's `Shell` tag 1: www/worker.js writes
//! those two itself, before any module has loaded.

use crate::core::input::workload::Step;
use crate::core::measure::trace::{spans_from_flat, spans_to_flat, Span};
use crate::core::session::wire::{from_bytes, to_bytes, wire_enum, wire_struct, Wire};
use crate::engine::Work;
use js_sys::{Array, Float64Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub const NS: &str = "conpar";

// The page's side of the protocol is plain data the core's session builds and reads.
pub use crate::core::session::protocol::{Fault, Finished, Ready, RunRequest};

/// Page → conductor.
#[derive(Clone, Debug)]
pub enum ToConductor {
    Run { request: RunRequest },
}

/// Conductor → page.
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
    /// New spans beside the header (`spans`), and the spans in progress (`open`).
    Spans {
        run: u32,
        slot: u32,
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
    /// A chunk's result: spans beside (`spans`), and the output copied back (`output`).
    Result {
        checksum: u64,
        sent: f64,
    },
    Fatal {
        message: String,
    },
}

/// A message with its buffers, ready to post.
pub struct Envelope {
    object: Object,
    transfer: Array,
}

impl Envelope {
    /// Wraps `msg`.
    pub fn new<T: Wire>(msg: &T) -> Envelope {
        let bytes = js_sys::Uint8Array::from(to_bytes(msg).as_slice());
        let object = Object::new();
        set(&object, "ns", &JsValue::from_str(NS));
        set(&object, "msg", &bytes);
        Envelope {
            object,
            transfer: Array::new(),
        }
    }

    /// Adds spans under `key`, transferred (the sender keeps no copy).
    pub fn spans(self, key: &str, spans: &[Span]) -> Envelope {
        let flat = Float64Array::from(spans_to_flat(spans).as_slice());
        set(&self.object, key, &flat);
        self.transfer.push(&flat.buffer());
        self
    }

    /// Adds a value under `key` that is copied by the structured clone.
    pub fn with(self, key: &str, value: &JsValue) -> Envelope {
        set(&self.object, key, value);
        self
    }

    /// Posts it through `post(message, transfer)`.
    ///
    /// # Errors
    /// When the browser refuses the message.
    pub fn post(
        self,
        post: impl FnOnce(&JsValue, &JsValue) -> Result<(), JsValue>,
    ) -> Result<(), JsValue> {
        post(&self.object, &self.transfer)
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a plain data property on a fresh object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// The message in `data`, if it is one of ours: `None` for other libraries' messages,
/// `Some(Err)` for one of ours that does not have the expected shape.
pub fn decode<T: Wire>(data: &JsValue) -> Option<Result<T, String>> {
    let get = |key: &str| Reflect::get(data, &JsValue::from_str(key)).ok();
    if get("ns")?.as_string().as_deref() != Some(NS) {
        return None;
    }
    let Some(bytes) = get("msg").and_then(|m| m.dyn_into::<js_sys::Uint8Array>().ok()) else {
        return Some(Err("a malformed message: no header".into()));
    };
    Some(from_bytes(&bytes.to_vec()).map_err(|e| format!("a malformed message: {e}")))
}

/// Spans sent under `key` beside a header (none if absent).
pub fn spans(data: &JsValue, key: &str) -> Vec<Span> {
    Reflect::get(data, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.dyn_into::<Float64Array>().ok())
        .map(|a| spans_from_flat(&a.to_vec()))
        .unwrap_or_default()
}

/// A buffer sent under `key` beside a header.
pub fn buffer(data: &JsValue, key: &str) -> Option<js_sys::Uint8Array> {
    Reflect::get(data, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.dyn_into().ok())
}

wire_struct!(Work { calibration, seed });
wire_enum!(ToConductor, "message to the conductor" {
    0 => Run { request },
});
wire_enum!(FromConductor, "message from the conductor" {
    0 => Fatal { message },
    1 => Ready { ready },
    2 => ModelStart { run, slot },
    3 => Spans { run, slot },
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
    3 => Result { checksum, sent },
});

//! Inside a process worker: answers each task with its spans, checksum and output.

use crate::core::input::workload::{Step, Task};
use crate::core::measure::kernel::Checksum;
use crate::core::measure::trace::SpanState;
use crate::engine::{run_task_blocking, Clock, CpuStep, Recorder, StepRunner, Work};
use crate::web::messages::{buffer, decode, Envelope, FromProcess, ToProcess};
use crate::web::PerfClock;
use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    /// The worker's message listener, kept for its whole life.
    static LISTENER: RefCell<Option<gloo_events::EventListener>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(envelope: Envelope) {
    if let Err(e) = envelope.post(|m, t| scope().post_message_with_transfer(m, t)) {
        web_sys::console::error_2(&"conpar process: reply failed".into(), &e);
    }
}

/// Tells the conductor this process failed (also called by the panic hook).
pub fn post_fatal(message: &str) {
    post(Envelope::new(&FromProcess::Fatal {
        message: message.to_string(),
    }));
}

/// Runs inside a process worker: answers `task` messages until terminated.
///
/// # Errors
/// When the greeting cannot be sent.
pub fn start() -> Result<(), JsValue> {
    let listener = gloo_events::EventListener::new(&scope(), "message", |event| {
        let Some(event) = event.dyn_ref::<MessageEvent>() else {
            return;
        };
        let data = event.data();
        match decode::<ToProcess>(&data) {
            Some(Ok(ToProcess::Chunk {
                tasks,
                work,
                sent,
                hang,
            })) => {
                if hang && cfg!(feature = "hooks") {
                    // Test builds only: a process that never answers, as a hung one would.
                    loop {
                        std::hint::spin_loop();
                    }
                }
                let payload = buffer(&data, "payload");
                post(answer(tasks, &work, sent, payload));
            }
            Some(Ok(ToProcess::Step {
                task,
                step,
                ms,
                work,
                sent,
            })) => {
                let payload = buffer(&data, "payload");
                post(answer_step((task, step, ms), &work, sent, payload));
            }
            Some(Err(e)) => post_fatal(&e),
            None => {}
        }
    });
    LISTENER.with(|l| *l.borrow_mut() = Some(listener));
    post(Envelope::new(&FromProcess::Ready {
        at: PerfClock.now(),
    }));
    Ok(())
}

/// A process runs plain blocking code on its one thread: lane 0.
struct ProcessLane {
    recorder: Recorder,
}

impl StepRunner for ProcessLane {
    fn cpu(&self, cpu: &mut CpuStep) {
        cpu.run_whole(0, &PerfClock, &self.recorder);
    }

    fn io(&self, task: u32, step: u32, ms: u32) -> impl Future<Output = ()> {
        let begin = PerfClock.now();
        // The wait blocks this worker, as a blocking call blocks a Python process.
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
        self.recorder
            .record(0, task, step, SpanState::Io, begin, PerfClock.now());
        std::future::ready(())
    }
}

/// Runs a chunk's tasks one after another, as a pool worker runs the calls of one work item.
fn answer(
    tasks: Vec<(u32, Vec<Step>)>,
    work: &Work,
    sent: f64,
    payload: Option<js_sys::Uint8Array>,
) -> Envelope {
    let received = PerfClock.now();
    let lane = ProcessLane {
        recorder: Recorder::new(),
    };
    let first = tasks.first().map_or(0, |(id, _)| *id);
    if payload.as_ref().is_some_and(|p| p.length() > 0) {
        lane.recorder
            .record(0, first, 0, SpanState::Copy, sent, received);
    }
    let mut checksum = Checksum::default();
    for (id, steps) in tasks {
        let task = Task { steps, payload: 0 };
        checksum.merge(run_task_blocking(&lane, work, id, &task));
    }
    reply(checksum.0, &lane.recorder, payload)
}

/// The answer: the checksum, the spans recorded, and the result copied back the way the
/// payload came (a buffer of its size).
fn reply(checksum: u64, recorder: &Recorder, payload: Option<js_sys::Uint8Array>) -> Envelope {
    let reply = Envelope::new(&FromProcess::Result {
        checksum,
        sent: PerfClock.now(),
        spans: recorder.drain(),
    });
    match payload {
        Some(p) => reply.with("output", &p),
        None => reply,
    }
}

/// Computes one CPU step an event loop sent (`run_in_executor`), as a pool process runs one
/// call: the payload copied in, the step, the payload copied back with the result.
fn answer_step(
    (task, step, ms): (u32, u32, u32),
    work: &Work,
    sent: f64,
    payload: Option<js_sys::Uint8Array>,
) -> Envelope {
    let received = PerfClock.now();
    let recorder = Recorder::new();
    if payload.as_ref().is_some_and(|p| p.length() > 0) {
        recorder.record(0, task, step, SpanState::Copy, sent, received);
    }
    let mut cpu = CpuStep::new(work, task, step, ms);
    cpu.run_whole(0, &PerfClock, &recorder);
    reply(cpu.contribution(), &recorder, payload)
}

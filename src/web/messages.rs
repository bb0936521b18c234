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
use crate::core::measure::bytes::{Reader, Writer};
use crate::core::measure::trace::{spans_from_flat, spans_to_flat, Span};
use crate::core::session::wire::{from_bytes, tag, to_bytes, unknown, Wire};
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
    Run(RunRequest),
}

/// Conductor → page.
#[derive(Clone, Debug)]
pub enum FromConductor {
    /// Calibrated, and the thread pool started (or why not).
    Ready(Ready),
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
    ///
    /// # Errors
    /// When `msg` cannot be converted (a bug, not user input).
    pub fn new<T: Wire>(msg: &T) -> Result<Envelope, JsValue> {
        let bytes = js_sys::Uint8Array::from(to_bytes(msg).as_slice());
        let object = Object::new();
        set(&object, "ns", &JsValue::from_str(NS));
        set(&object, "msg", &bytes);
        Ok(Envelope {
            object,
            transfer: Array::new(),
        })
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

impl Wire for Work {
    fn put(&self, w: &mut Writer) {
        self.calibration.put(w);
        self.seed.put(w);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        Ok(Work {
            calibration: Wire::take(r)?,
            seed: Wire::take(r)?,
        })
    }
}

impl Wire for ToConductor {
    fn put(&self, w: &mut Writer) {
        let ToConductor::Run(req) = self;
        w.0.push(0);
        req.put(w);
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        match tag(r)? {
            0 => Ok(ToConductor::Run(Wire::take(r)?)),
            t => Err(unknown("message to the conductor", t)),
        }
    }
}

impl Wire for FromConductor {
    fn put(&self, w: &mut Writer) {
        match self {
            FromConductor::Fatal { message } => {
                w.0.push(0);
                message.put(w);
            }
            FromConductor::Ready(ready) => {
                w.0.push(1);
                ready.put(w);
            }
            FromConductor::ModelStart { run, slot } => {
                w.0.push(2);
                run.put(w);
                slot.put(w);
            }
            FromConductor::Spans { run, slot } => {
                w.0.push(3);
                run.put(w);
                slot.put(w);
            }
            FromConductor::ModelDone { run, slot, outcome } => {
                w.0.push(4);
                run.put(w);
                slot.put(w);
                outcome.put(w);
            }
            FromConductor::RunDone { run } => {
                w.0.push(5);
                run.put(w);
            }
            FromConductor::Recalibrated {
                run,
                before,
                after,
                first,
            } => {
                w.0.push(6);
                run.put(w);
                before.put(w);
                after.put(w);
                first.put(w);
            }
            FromConductor::Broken { message } => {
                w.0.push(7);
                message.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        Ok(match tag(r)? {
            0 => FromConductor::Fatal {
                message: Wire::take(r)?,
            },
            1 => FromConductor::Ready(Wire::take(r)?),
            2 => FromConductor::ModelStart {
                run: Wire::take(r)?,
                slot: Wire::take(r)?,
            },
            3 => FromConductor::Spans {
                run: Wire::take(r)?,
                slot: Wire::take(r)?,
            },
            4 => FromConductor::ModelDone {
                run: Wire::take(r)?,
                slot: Wire::take(r)?,
                outcome: Wire::take(r)?,
            },
            5 => FromConductor::RunDone {
                run: Wire::take(r)?,
            },
            6 => FromConductor::Recalibrated {
                run: Wire::take(r)?,
                before: Wire::take(r)?,
                after: Wire::take(r)?,
                first: Wire::take(r)?,
            },
            7 => FromConductor::Broken {
                message: Wire::take(r)?,
            },
            t => return Err(unknown("message from the conductor", t)),
        })
    }
}

impl Wire for ToProcess {
    fn put(&self, w: &mut Writer) {
        match self {
            ToProcess::Chunk {
                tasks,
                work,
                sent,
                hang,
            } => {
                w.0.push(0);
                tasks.put(w);
                work.put(w);
                sent.put(w);
                hang.put(w);
            }
            ToProcess::Step {
                task,
                step,
                ms,
                work,
                sent,
            } => {
                w.0.push(1);
                task.put(w);
                step.put(w);
                ms.put(w);
                work.put(w);
                sent.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        Ok(match tag(r)? {
            0 => ToProcess::Chunk {
                tasks: Wire::take(r)?,
                work: Wire::take(r)?,
                sent: Wire::take(r)?,
                hang: Wire::take(r)?,
            },
            1 => ToProcess::Step {
                task: Wire::take(r)?,
                step: Wire::take(r)?,
                ms: Wire::take(r)?,
                work: Wire::take(r)?,
                sent: Wire::take(r)?,
            },
            t => return Err(unknown("message to a process", t)),
        })
    }
}

impl Wire for FromProcess {
    fn put(&self, w: &mut Writer) {
        match self {
            FromProcess::Fatal { message } => {
                w.0.push(0);
                message.put(w);
            }
            FromProcess::Shell => w.0.push(1),
            FromProcess::Ready { at } => {
                w.0.push(2);
                at.put(w);
            }
            FromProcess::Result { checksum, sent } => {
                w.0.push(3);
                checksum.put(w);
                sent.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, String> {
        Ok(match tag(r)? {
            0 => FromProcess::Fatal {
                message: Wire::take(r)?,
            },
            1 => FromProcess::Shell,
            2 => FromProcess::Ready { at: Wire::take(r)? },
            3 => FromProcess::Result {
                checksum: Wire::take(r)?,
                sent: Wire::take(r)?,
            },
            t => return Err(unknown("message from a process", t)),
        })
    }
}

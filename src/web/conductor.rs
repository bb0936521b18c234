//! The conductor worker: calibrates the kernel, owns the rayon pool, runs the models one after
//! another (so they never compete for cores) and streams their spans to the page.

use super::messages::{self, ModelDone, Ready, RunRequest};
use super::timers::LoopTimers;
use super::{process, sleep_ms, PerfClock};
use crate::core::kernel::Calibration;
use crate::core::trace::{spans_to_flat, Model, Span};
use crate::core::workload::{Task, Workload};
use crate::engine::{asyncio, pool, Outcome, Recorder, RunConfig};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// How often spans are sent to the page while a model runs: about once a frame.
const FLUSH_MS: u32 = 16;

/// Pause between one model's end and the next one's start.
const BETWEEN_MODELS_MS: u32 = 120;

/// Pause between starting the pool and calibrating the kernel.
const CALIBRATION_DELAY_MS: u32 = 150;

struct Conductor {
    calibration: Calibration,
    threads: u32,
    /// Kept alive for as long as the worker lives.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

thread_local! {
    static CONDUCTOR: RefCell<Option<Rc<Conductor>>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &JsValue) {
    if let Err(e) = scope().post_message(message) {
        web_sys::console::error_2(&"conpar conductor: postMessage failed".into(), &e);
    }
}

fn post_fatal(message: &str) {
    let o = messages::object("fatal");
    messages::set(&o, "message", &JsValue::from_str(message));
    post(&o);
}

/// Starts the conductor; `config.threads` is the pool size the page wants.
pub fn start(config: JsValue) -> Result<(), JsValue> {
    let wanted = messages::get(&config, "threads").as_f64().unwrap_or(2.0) as u32;
    spawn_local(async move {
        if let Err(e) = init(wanted).await {
            post_fatal(&e.as_string().unwrap_or_else(|| format!("{e:?}")));
        }
    });
    Ok(())
}

async fn init(wanted: u32) -> Result<(), JsValue> {
    let isolated = super::cross_origin_isolated();
    let mut pool_error = None;
    let mut threads = 0;
    if isolated {
        match JsFuture::from(wasm_bindgen_rayon::init_thread_pool(wanted.max(1) as usize)).await {
            Ok(_) => threads = wanted.max(1),
            Err(e) => pool_error = Some(format!("the thread pool did not start: {e:?}")),
        }
    } else {
        pool_error = Some(
            "this page is not cross-origin isolated, so workers cannot share memory".to_string(),
        );
    }
    // Let the just-started pool workers and the page's own loading settle first: calibrating
    // while they compete for the cores would make every later `cpu` step too short.
    sleep_ms(CALIBRATION_DELAY_MS).await;
    let calibration = crate::engine::calibrate(&PerfClock);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        if messages::kind_of(&data).as_deref() == Some("run") {
            match messages::body::<RunRequest>(&data) {
                Ok(request) => spawn_local(run(request)),
                Err(e) => post_fatal(&format!("{e:?}")),
            }
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    CONDUCTOR.with(|c| {
        *c.borrow_mut() = Some(Rc::new(Conductor {
            calibration,
            threads,
            _on_message: on_message,
        }))
    });
    let ready = messages::with_body(
        "ready",
        &Ready {
            calibration,
            threads,
            isolated,
            pool_error,
        },
    )?;
    post(&ready);
    Ok(())
}

/// Sends one model's spans to the page: those recorded since the last flush, and the lanes'
/// open spans when they changed. Only what changed: each message makes the page redraw, and
/// redrawing takes CPU from the very workers being measured (see BENCHMARKS.md).
struct SpanStream {
    run: u32,
    model: Model,
    recorder: Arc<Recorder>,
    last_open: RefCell<Vec<Span>>,
}

impl SpanStream {
    fn new(run: u32, model: Model) -> SpanStream {
        SpanStream {
            run,
            model,
            recorder: Arc::new(Recorder::new()),
            last_open: RefCell::new(Vec::new()),
        }
    }

    fn flush(&self) {
        let spans = self.recorder.drain();
        let open = self.recorder.open_spans();
        let open_changed = *self.last_open.borrow() != open;
        if spans.is_empty() && !open_changed {
            return;
        }
        let o = messages::object("spans");
        messages::set(&o, "run", &JsValue::from(self.run));
        messages::set(&o, "model", &JsValue::from_str(self.model.id()));
        let flat = spans_to_flat(&spans);
        messages::set(&o, "spans", &js_sys::Float64Array::from(flat.as_slice()));
        let flat = spans_to_flat(&open);
        messages::set(&o, "open", &js_sys::Float64Array::from(flat.as_slice()));
        post(&o);
        *self.last_open.borrow_mut() = open;
    }
}

async fn run(request: RunRequest) {
    let Some(conductor) = CONDUCTOR.with(|c| c.borrow().clone()) else {
        return;
    };
    let workload = match Workload::parse(&request.workload) {
        Ok(w) => w,
        Err(e) => {
            post_fatal(&format!("workload: {e}"));
            return;
        }
    };
    let tasks = Arc::new(workload.tasks());
    let config = RunConfig {
        calibration: conductor.calibration,
        seed: request.seed,
        workers: request.workers,
        switch_ms: request.switch_ms,
    };
    for (index, &model) in request.models.iter().enumerate() {
        if index > 0 {
            // Unmeasured: the page takes in the previous model's results (table, redraw) now,
            // instead of competing with the next model's workers for the cores.
            sleep_ms(BETWEEN_MODELS_MS).await;
        }
        let start = messages::object("model-start");
        messages::set(&start, "run", &JsValue::from(request.run));
        messages::set(&start, "model", &JsValue::from_str(model.id()));
        post(&start);
        let stream = Rc::new(SpanStream::new(request.run, model));
        let recorder = &stream.recorder;
        let outcome = match model {
            Model::Sequential if conductor.threads == 0 => {
                // No pool: the plain loop runs right here (its spans arrive when it ends).
                Ok(pool::run_here(&tasks, &config, &PerfClock, recorder))
            }
            Model::Sequential | Model::Gil | Model::Threads => {
                if conductor.threads == 0 {
                    Err(format!(
                        "{model} needs a thread pool, and none could start here"
                    ))
                } else {
                    run_on_pool(&stream, tasks.clone(), config).await
                }
            }
            Model::Async => {
                let pump = Pump::start(stream.clone());
                let timers = LoopTimers::new();
                let out = asyncio::run(&tasks, &config, &PerfClock, &timers, recorder).await;
                pump.stop();
                Ok(out)
            }
            Model::Processes => {
                let pump = Pump::start(stream.clone());
                let out = process::run(&tasks, &config, recorder).await;
                pump.stop();
                out
            }
        };
        stream.flush();
        let done = match outcome {
            Ok(o) => ModelDone {
                run: request.run,
                model,
                start: o.start,
                end: o.end,
                lanes: o.lanes,
                checksum: o.checksum.hex(),
                error: None,
            },
            Err(error) => ModelDone {
                run: request.run,
                model,
                start: 0.0,
                end: 0.0,
                lanes: 0,
                checksum: String::new(),
                error: Some(error),
            },
        };
        match messages::with_body("model-done", &done) {
            Ok(m) => post(&m),
            Err(e) => post_fatal(&format!("{e:?}")),
        }
    }
    let end = messages::object("run-done");
    messages::set(&end, "run", &JsValue::from(request.run));
    post(&end);
}

/// Sends spans to the page every frame while a model that runs on this thread's event loop
/// goes on. (A CPU step of `async` blocks this loop too: the page then sees it when it ends.)
struct Pump {
    stopped: Rc<Cell<bool>>,
}

impl Pump {
    fn start(stream: Rc<SpanStream>) -> Pump {
        let stopped = Rc::new(Cell::new(false));
        let flag = stopped.clone();
        spawn_local(async move {
            while !flag.get() {
                sleep_ms(FLUSH_MS).await;
                stream.flush();
            }
        });
        Pump { stopped }
    }
    fn stop(self) {
        self.stopped.set(true);
    }
}

/// Runs a pool model on the rayon workers without blocking this thread: the pool does the
/// work, this loop forwards spans until the result appears.
async fn run_on_pool(
    stream: &SpanStream,
    tasks: Arc<Vec<Task>>,
    config: RunConfig,
) -> Result<Outcome, String> {
    let model = stream.model;
    type Slot = Arc<Mutex<Option<Result<Outcome, pool::PoolError>>>>;
    let slot: Slot = Arc::new(Mutex::new(None));
    let (slot_in, rec_in) = (slot.clone(), stream.recorder.clone());
    rayon::spawn(move || {
        let result = pool::run(model, &tasks, &config, &PerfClock, &rec_in);
        *slot_in.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
    });
    loop {
        sleep_ms(FLUSH_MS).await;
        stream.flush();
        if let Some(result) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
            return result.map_err(|e| e.to_string());
        }
    }
}

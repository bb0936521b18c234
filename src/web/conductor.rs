//! The conductor worker: calibrates the kernel, owns the rayon pool, runs the models one after
//! another (so they never compete for cores) and streams their spans to the page. A watchdog
//! ends a model that stops making progress (a pool worker that trapped or was killed), so the
//! page is never left waiting for a result that cannot come.

use super::messages::{decode, Envelope};
use super::timers::{sleep_ms, LoopTimers};
use super::{process, PerfClock};
use crate::core::analysis::plan::watchdog_ms;
use crate::core::input::scenario::StartMethod;
use crate::core::input::workload::{Step, Task};
use crate::core::measure::kernel::Calibration;
use crate::core::measure::trace::{Model, Span};
use crate::core::protocol::{Fault, Finished, FromConductor, Ready, RunRequest, ToConductor};
use crate::engine::{asyncio, pool, Clock, Outcome, Recorder, RunConfig, Work};
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

/// A stretch this long between two ticks of the conductor's loop (which ticks every
/// [`FLUSH_MS`]) means its timers did not run: the browser froze the page, or (under `async`)
/// a CPU step blocked the loop; the page tells the two apart from the trace.
const PAUSE_MS: f64 = 500.0;

struct Conductor {
    /// Re-checked before every run, and redone when the device's speed moved.
    calibration: Cell<Calibration>,
    /// Runs started, so the first recalibration is known as such.
    runs: Cell<u32>,
    threads: u32,
    /// Kept for as long as the worker lives.
    _on_message: gloo_events::EventListener,
}

thread_local! {
    static CONDUCTOR: RefCell<Option<Rc<Conductor>>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromConductor) {
    let sent = Envelope::new(message).post(|m, t| scope().post_message_with_transfer(m, t));
    if let Err(e) = sent {
        web_sys::console::error_2(&"conpar conductor: postMessage failed".into(), &e);
    }
}

/// Tells the page that the conductor failed (also called by the panic hook).
pub fn post_fatal(message: &str) {
    post(&FromConductor::Fatal {
        message: message.to_string(),
    });
}

/// Starts the conductor with a rayon pool of `threads`.
pub fn start(threads: u32) {
    spawn_local(async move {
        if let Err(e) = init(threads).await {
            post_fatal(&super::js_error(&e));
        }
    });
}

async fn init(wanted: u32) -> Result<(), JsValue> {
    let isolated = super::cross_origin_isolated();
    let shared_array_buffer = super::has_shared_array_buffer();
    let mut pool_error = None;
    let mut threads = 0;
    // No pool when none is wanted: no model shown runs on threads.
    if isolated && shared_array_buffer && wanted > 0 {
        match JsFuture::from(wasm_bindgen_rayon::init_thread_pool(wanted as usize)).await {
            Ok(_) => threads = wanted,
            Err(e) => pool_error = Some(super::js_error(&e)),
        }
    }
    // Let the just-started pool workers and the page's own loading settle first: calibrating
    // while they compete for the cores would make every later `cpu` step too short.
    sleep_ms(CALIBRATION_DELAY_MS).await;
    let calibration = crate::engine::calibrate_settled(&PerfClock);
    let on_message = gloo_events::EventListener::new(&scope(), "message", |event| {
        let Some(event) = event.dyn_ref::<MessageEvent>() else {
            return;
        };
        match decode::<ToConductor>(&event.data()) {
            Some(Ok(ToConductor::Run { request })) => spawn_local(run(request)),
            Some(Err(e)) => post_fatal(&e),
            None => {}
        }
    });
    CONDUCTOR.with(|c| {
        *c.borrow_mut() = Some(Rc::new(Conductor {
            calibration: Cell::new(calibration),
            runs: Cell::new(0),
            threads,
            _on_message: on_message,
        }))
    });
    post(&FromConductor::Ready {
        ready: Ready {
            calibration,
            threads,
            isolated,
            shared_array_buffer,
            pool_error,
        },
    });
    Ok(())
}

/// Sends one model's spans to the page: those recorded since the last flush, and the lanes'
/// open spans when they changed. Only what changed: each message makes the page redraw, and
/// redrawing takes CPU from the very workers being measured (see BENCHMARKS.md).
struct SpanStream {
    run: u32,
    slot: u32,
    model: Model,
    /// Send spans as they come (`live`), or all at once when the model ends.
    live: bool,
    recorder: Arc<Recorder>,
    /// Spans taken from the recorder and not yet sent.
    pending: RefCell<Vec<Span>>,
    last_open: RefCell<Vec<Span>>,
    /// When the model last showed progress (a span recorded, begun or ended).
    last_progress: Cell<f64>,
    /// When the loop last ticked, and the stretches when it did not (start, end).
    last_tick: Cell<f64>,
    gaps: RefCell<Vec<(f64, f64)>>,
}

impl SpanStream {
    fn new(run: u32, slot: u32, model: Model, live: bool) -> SpanStream {
        SpanStream {
            run,
            slot,
            model,
            live,
            recorder: Arc::new(Recorder::new()),
            pending: RefCell::new(Vec::new()),
            last_open: RefCell::new(Vec::new()),
            last_progress: Cell::new(PerfClock.now()),
            last_tick: Cell::new(PerfClock.now()),
            gaps: RefCell::new(Vec::new()),
        }
    }

    /// Takes what the lanes recorded (noting progress for the watchdog) and, when live, sends
    /// it.
    fn flush(&self) {
        self.tick();
        let spans = self.recorder.drain();
        let open = self.recorder.open_spans();
        let open_changed = *self.last_open.borrow() != open;
        if spans.is_empty() && !open_changed {
            return;
        }
        self.last_progress.set(PerfClock.now());
        self.pending.borrow_mut().extend(spans);
        *self.last_open.borrow_mut() = open;
        if self.live {
            self.send();
        }
    }

    /// Sends every span not yet sent (and the open ones, while the model runs).
    fn send(&self) {
        let spans = std::mem::take(&mut *self.pending.borrow_mut());
        let open = self.last_open.borrow().clone();
        post(&FromConductor::Spans {
            run: self.run,
            slot: self.slot,
            done: spans,
            open,
        });
    }

    /// The model ended: everything left goes to the page.
    fn finish(&self) {
        self.flush();
        self.last_open.borrow_mut().clear();
        self.send();
    }

    /// Notes a stretch when this loop did not run; it is no silence of the model's (a frozen
    /// worker is not a dead one), so the watchdog does not count it.
    fn tick(&self) {
        let now = PerfClock.now();
        let gap = now - self.last_tick.replace(now);
        if gap > PAUSE_MS {
            self.gaps.borrow_mut().push((now - gap, now));
            self.last_progress.set(self.last_progress.get() + gap);
        }
    }

    /// How long since the model last made progress, in ms.
    fn idle_ms(&self) -> f64 {
        PerfClock.now() - self.last_progress.get()
    }
}

/// The longest single step of `tasks`: no lane can legitimately be still for much longer.
fn longest_step_ms(tasks: &[Task]) -> f64 {
    tasks
        .iter()
        .flat_map(|t| &t.steps)
        .map(|s| match *s {
            Step::Cpu(ms) | Step::Io(ms) => f64::from(ms),
        })
        .fold(0.0, f64::max)
}

async fn run(request: RunRequest) {
    let Some(conductor) = CONDUCTOR.with(|c| c.borrow().clone()) else {
        return;
    };
    let tasks = Arc::new(request.workload.tasks());
    let longest_step = longest_step_ms(&tasks);
    let pools = (request.threads, request.processes);
    conductor.runs.set(conductor.runs.get() + 1);
    let mut calibration = recheck(&conductor, request.run);
    let fault = request.fault.filter(|_| cfg!(feature = "hooks"));
    if let Some(Fault::Busy { factor }) = fault {
        // Test builds only: more work per step than calibrated, as a busy machine would give.
        calibration.rounds_per_ms = (calibration.rounds_per_ms as f64 * factor) as u64;
    }
    let config = RunConfig {
        work: Work {
            calibration,
            seed: request.seed,
        },
        threads: request.threads,
        processes: request.processes,
        switch_ms: request.switch_ms,
        limit: request.limit,
        chunksize: request.chunksize.max(1),
    };
    for (slot, &model) in (0u32..).zip(&request.models) {
        if slot > 0 {
            // Unmeasured: the page takes in the previous model's results (table, redraw) now,
            // instead of competing with the next model's workers for the cores.
            sleep_ms(BETWEEN_MODELS_MS).await;
        }
        post(&FromConductor::ModelStart {
            run: request.run,
            slot,
        });
        let stream = Rc::new(SpanStream::new(request.run, slot, model, request.live));
        let recorder = &stream.recorder;
        let trap = fault == Some(Fault::Trap { model });
        let outcome = match model {
            Model::Sequential if conductor.threads == 0 => {
                // No pool: the plain loop runs right here (its spans arrive when it ends).
                Ok(pool::run_here(&tasks, &config, &PerfClock, recorder))
            }
            Model::Sequential | Model::Gil | Model::Threads | Model::ToThread
                if conductor.threads == 0 =>
            {
                Err(PoolFailure::Refused(format!(
                    "{model} needs a thread pool, and none could start here"
                )))
            }
            Model::Sequential | Model::Gil | Model::Threads | Model::ToThread => {
                let watchdog = watchdog_ms(model, longest_step, pools, request.cores);
                apart(run_on_pool(&stream, tasks.clone(), config, watchdog, trap)).await
            }
            Model::Async => {
                let pump = Pump::start(stream.clone());
                let timers = LoopTimers::new();
                let out = apart(asyncio::run(&tasks, &config, &PerfClock, &timers, recorder)).await;
                drop(pump);
                Ok(out)
            }
            Model::Executor => {
                let pump = Pump::start(stream.clone());
                let timers = LoopTimers::new();
                let out = apart(process::host::run_executor(
                    &tasks,
                    &config,
                    recorder,
                    &timers,
                    request.start,
                ))
                .await;
                drop(pump);
                out.map_err(PoolFailure::Refused)
            }
            Model::Processes | Model::Interpreters => {
                let pump = Pump::start(stream.clone());
                let hang = fault == Some(Fault::Hang);
                // An interpreter is created, and imports its modules, when the pool needs it:
                // a fresh worker started in the run, as spawn starts a process.
                // Its map has no chunks (it is ThreadPoolExecutor's, where chunksize does nothing).
                let (method, config) = match model {
                    Model::Interpreters => (
                        StartMethod::Spawn,
                        RunConfig {
                            chunksize: 1,
                            ..config
                        },
                    ),
                    _ => (request.start, config),
                };
                let out = apart(process::host::run(&tasks, &config, recorder, hang, method)).await;
                drop(pump);
                out.map_err(PoolFailure::Refused)
            }
        };
        stream.finish();
        let broken = matches!(&outcome, Err(PoolFailure::Wedged(_)));
        post(&FromConductor::ModelDone {
            run: request.run,
            slot,
            outcome: outcome
                .map(|o: Outcome| Finished {
                    start: o.start,
                    end: o.end,
                    lanes: o.lanes,
                    checksum: o.checksum.0,
                    // The plain loop run right here blocks this loop throughout: its
                    // silence is the model at work (the page's lifecycle events still
                    // say when the page was frozen).
                    gaps: if model == Model::Sequential && conductor.threads == 0 {
                        Vec::new()
                    } else {
                        stream.gaps.take()
                    },
                })
                .map_err(|e| e.to_string()),
        });
        if broken {
            // The pool cannot be trusted any more; later models would hang on it too.
            post(&FromConductor::RunDone { run: request.run });
            post(&FromConductor::Broken {
                message: format!("{model} stopped making progress"),
            });
            return;
        }
    }
    post(&FromConductor::RunDone { run: request.run });
}

/// `future` behind a pointer, so its `poll` stays a function of its own. Inlined, every model's
/// loop made the run's future one 19 KB function, which V8 optimised (~130 ms on a background
/// thread) in the middle of a measured run, when it had been called often enough.
fn apart<'a, T>(
    future: impl std::future::Future<Output = T> + 'a,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>> {
    Box::pin(future)
}

/// Measures the kernel once (about 25 ms) before a run; when the device's speed moved by more
/// than 10 % since the calibration, calibrates again and tells the page. Returns the calibration
/// the run uses.
fn recheck(conductor: &Conductor, run: u32) -> Calibration {
    let before = conductor.calibration.get();
    let rounds = before.check_rounds();
    let start = PerfClock.now();
    std::hint::black_box(crate::core::measure::kernel::run_rounds(
        std::hint::black_box(1),
        std::hint::black_box(rounds),
    ));
    let elapsed = PerfClock.now() - start;
    if before.drift(rounds, elapsed).is_none() {
        return before;
    }
    let after = crate::engine::calibrate_settled(&PerfClock);
    conductor.calibration.set(after);
    post(&FromConductor::Recalibrated {
        run,
        before: before.rounds_per_ms,
        after: after.rounds_per_ms,
        first: conductor.runs.get() == 1,
    });
    after
}

/// Why a model failed.
enum PoolFailure {
    /// It could not run (no pool, a bad size): the engine is fine.
    Refused(String),
    /// It stopped making progress: a pool worker trapped, was killed or hangs.
    Wedged(String),
}

impl std::fmt::Display for PoolFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolFailure::Refused(m) | PoolFailure::Wedged(m) => f.write_str(m),
        }
    }
}

/// Sends spans to the page every frame while a model that runs on this thread's event loop
/// goes on. (A CPU step of `async` blocks this loop too: the page then sees it when it ends.)
/// Stops when dropped.
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
}

impl Drop for Pump {
    fn drop(&mut self) {
        self.stopped.set(true);
    }
}

/// Runs a pool model on the rayon workers without blocking this thread: the pool does the
/// work, this loop forwards spans until the result appears, or gives up when the model has
/// been still for longer than `watchdog_ms`.
async fn run_on_pool(
    stream: &SpanStream,
    tasks: Arc<Vec<Task>>,
    config: RunConfig,
    watchdog_ms: f64,
    trap: bool,
) -> Result<Outcome, PoolFailure> {
    let model = stream.model;
    let longest = longest_step_ms(&tasks);
    type Slot = Arc<Mutex<Option<Result<Outcome, pool::PoolError>>>>;
    let slot: Slot = Arc::new(Mutex::new(None));
    let (slot_in, rec_in) = (slot.clone(), stream.recorder.clone());
    rayon::spawn(move || {
        if trap {
            // Test builds only: a pool job that traps, as a bug in the engine would.
            panic!("a forced trap in {model}'s pool job (test hook)");
        }
        let result = pool::run(model, &tasks, &config, &PerfClock, &rec_in);
        *slot_in.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
    });
    loop {
        sleep_ms(FLUSH_MS).await;
        stream.flush();
        if let Some(result) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
            return result.map_err(|e| PoolFailure::Refused(e.to_string()));
        }
        if stream.idle_ms() > watchdog_ms {
            return Err(PoolFailure::Wedged(format!(
                "{model} made no progress for {:.1} s (its longest step is {:.1} s): a pool worker trapped, was stopped or hangs",
                stream.idle_ms() / 1000.0,
                longest / 1000.0
            )));
        }
    }
}

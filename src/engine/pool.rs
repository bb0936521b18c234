//! `sequential`, `gil` and `threads`: W lanes on threads that share memory, each taking the
//! next task from one queue, as a `ThreadPoolExecutor` does.
//!
//! Lanes are threads of the current rayon pool (in the browser, wasm-bindgen-rayon's Web
//! Workers): `rayon::broadcast` runs the lane loop once on every pool thread, and threads past
//! the chosen worker count return at once. I/O steps block their thread with
//! `std::thread::sleep` (an `Atomics.wait` with a timeout in a worker).

use super::gil::Gil;
use super::{run_task_blocking, Clock, CpuStep, Outcome, Recorder, RunConfig, StepRunner};
use crate::core::input::workload::Task;
use crate::core::measure::kernel::Checksum;
use crate::core::measure::trace::{Model, SpanState};
use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// Why a pool model could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolError {
    /// The model is not one of the pool models.
    NotAPoolModel(Model),
    /// More lanes were asked for than the pool has threads.
    TooFewThreads { wanted: u32, available: u32 },
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolError::NotAPoolModel(m) => write!(f, "{m} does not run on the thread pool"),
            PoolError::TooFewThreads { wanted, available } => write!(
                f,
                "{wanted} workers were asked for, but the thread pool has only {available} threads"
            ),
        }
    }
}

/// Runs `tasks` under `model` on the current rayon pool and blocks until all are done.
/// Must not be called on a browser's main thread (it waits).
///
/// # Errors
/// [`PoolError`] when the model is not a pool model or the pool is too small.
pub fn run(
    model: Model,
    tasks: &[Task],
    config: &RunConfig,
    clock: &dyn Clock,
    recorder: &Recorder,
) -> Result<Outcome, PoolError> {
    let lanes = match model {
        Model::Sequential => 1,
        Model::Gil | Model::Threads => config.threads.max(1),
        other => return Err(PoolError::NotAPoolModel(other)),
    };
    let available = rayon::current_num_threads() as u32;
    if lanes > available {
        return Err(PoolError::TooFewThreads {
            wanted: lanes,
            available,
        });
    }
    let gil = (model == Model::Gil).then(|| Gil::new(config.switch_ms));
    let next_task = AtomicUsize::new(0);
    let checksum = AtomicU64::new(0);
    let start = clock.now();
    rayon::broadcast(|ctx| {
        let lane = ctx.index() as u32;
        if lane >= lanes {
            return;
        }
        let lane_run = Lane {
            lane,
            config,
            clock,
            recorder,
            gil: gil.as_ref(),
            holding_since: Cell::new(f64::NEG_INFINITY),
        };
        let sum = lane_run.work(tasks, &next_task);
        checksum.fetch_add(sum.0, Ordering::Relaxed);
    });
    let end = clock.now();
    Ok(Outcome {
        start,
        end,
        lanes,
        checksum: Checksum(checksum.load(Ordering::Relaxed)),
    })
}

/// Runs `tasks` one after another on the calling thread (the `sequential` model without a
/// pool: a page that is not cross-origin isolated has none). Blocks for the whole run.
pub fn run_here(
    tasks: &[Task],
    config: &RunConfig,
    clock: &dyn Clock,
    recorder: &Recorder,
) -> Outcome {
    let start = clock.now();
    let lane = Lane {
        lane: 0,
        config,
        clock,
        recorder,
        gil: None,
        holding_since: Cell::new(f64::NEG_INFINITY),
    };
    let checksum = lane.work(tasks, &AtomicUsize::new(0));
    Outcome {
        start,
        end: clock.now(),
        lanes: 1,
        checksum,
    }
}

struct Lane<'a> {
    lane: u32,
    config: &'a RunConfig,
    clock: &'a dyn Clock,
    recorder: &'a Recorder,
    gil: Option<&'a Gil>,
    /// When this lane last took the GIL, never earlier than the previous holder let it go.
    holding_since: Cell<f64>,
}

impl Lane<'_> {
    fn record(&self, task: u32, step: u32, state: SpanState, start: f64, end: f64) {
        self.recorder
            .record(self.lane, task, step, state, start, end);
        self.recorder.end(self.lane);
    }

    fn begin(&self, task: u32, step: u32, state: SpanState, start: f64) {
        self.recorder.begin(self.lane, task, step, state, start);
    }

    /// The time now, but never before this lane took the GIL: a lane's own clock may run a
    /// few microseconds behind the one that released it.
    fn now(&self) -> f64 {
        // Also never before this lane's own last reading: a browser may fuzz its clock
        // (WebKit), and a lane whose time went backwards could draw a turn ending before it
        // began, or starting before the previous holder's turn ended.
        let now = self.clock.now().max(self.holding_since.get());
        self.holding_since.set(now);
        now
    }

    /// Takes the GIL (if this model has one), recording the wait.
    fn acquire(&self, task: u32, step: u32) {
        if let Some(gil) = self.gil {
            let asked = self.clock.now();
            self.begin(task, step, SpanState::LockWait, asked);
            let (waited, released_at) = gil.take();
            let got = self.clock.now().max(released_at).max(asked);
            self.holding_since.set(got);
            if waited {
                self.record(task, step, SpanState::LockWait, asked, got);
            } else {
                self.recorder.end(self.lane);
            }
        }
    }

    fn release(&self) {
        if let Some(gil) = self.gil {
            gil.release(self.now());
        }
    }

    fn work(&self, tasks: &[Task], next_task: &AtomicUsize) -> Checksum {
        let mut sum = Checksum::default();
        // A Python thread holds the GIL whenever it runs Python code, so it takes it first.
        // Tasks are claimed from the queue while holding it, as the executor's queue.get does.
        self.acquire(crate::core::measure::trace::NO_TASK, 0);
        loop {
            let index = next_task.fetch_add(1, Ordering::Relaxed);
            let Some(task) = tasks.get(index) else { break };
            sum.merge(run_task_blocking(
                self,
                &self.config.work,
                index as u32,
                task,
            ));
        }
        self.release();
        sum
    }
}

impl StepRunner for Lane<'_> {
    /// Blocking I/O releases the GIL for the whole wait.
    fn io(&self, task: u32, step: u32, ms: u32) -> impl Future<Output = ()> {
        let start = self.now();
        self.release();
        self.begin(task, step, SpanState::Io, start);
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
        self.record(task, step, SpanState::Io, start, self.clock.now());
        self.acquire(task, step);
        std::future::ready(())
    }

    /// Runs a CPU step; under the GIL, gives it up whenever another thread asks for it.
    fn cpu(&self, cpu: &mut CpuStep) {
        let (task, step) = (cpu.task, cpu.step);
        let Some(gil) = self.gil else {
            let start = self.clock.now();
            self.begin(task, step, SpanState::Cpu, start);
            cpu.finish();
            self.record(task, step, SpanState::Cpu, start, self.clock.now());
            return;
        };
        loop {
            let start = self.now();
            self.begin(task, step, SpanState::Cpu, start);
            while !gil.drop_requested() && cpu.run_chunk() {}
            let end = self.now();
            self.record(task, step, SpanState::Cpu, start, end);
            if cpu.done() {
                return;
            }
            // Another thread asked: hand the GIL over, then queue for it again.
            self.begin(task, step, SpanState::LockWait, end);
            gil.release(end);
            let (_, released_at) = gil.take();
            let got = self.clock.now().max(released_at).max(end);
            self.holding_since.set(got);
            self.record(task, step, SpanState::LockWait, end, got);
        }
    }
}

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
        Model::ToThread => return run_to_thread(tasks, config, clock, recorder),
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

/// What `to_thread`'s event loop and its executor threads share.
#[derive(Default)]
struct Handoff {
    /// CPU steps sent by the loop, oldest first: (task, step, ms).
    jobs: std::collections::VecDeque<(u32, u32, u32)>,
    /// Steps the threads have finished, for the loop to resume their tasks.
    done: Vec<u32>,
    /// The loop has finished: the threads stop.
    closed: bool,
}

/// `to_thread`: asyncio whose CPU steps go to `asyncio.to_thread`, on the GIL build. Pool
/// thread 0 runs the event loop: it waits for its timers (a blocking wait with a timeout, as
/// asyncio's selector waits) or for a finished step, and like any Python thread it must hold
/// the GIL to run, so a loop waking while another thread computes waits for the GIL as
/// threads do. Pool threads 1…T are the default executor's; each takes the next step sent,
/// computes it under the GIL's rules (`gil`), and hands it back. Lanes: 0 the loop, 1 every
/// pending wait, 2… the executor's threads.
fn run_to_thread(
    tasks: &[Task],
    config: &RunConfig,
    clock: &dyn Clock,
    recorder: &Recorder,
) -> Result<Outcome, PoolError> {
    use std::sync::{Condvar, Mutex, PoisonError};
    let threads = config.threads.max(1);
    let available = rayon::current_num_threads() as u32;
    if threads + 1 > available {
        return Err(PoolError::TooFewThreads {
            wanted: threads + 1,
            available,
        });
    }
    let gil = Gil::new(config.switch_ms);
    let shared = Mutex::new(Handoff::default());
    let (to_loop, to_threads) = (Condvar::new(), Condvar::new());
    let checksum = AtomicU64::new(0);
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    let start = clock.now();
    rayon::broadcast(|ctx| {
        let index = ctx.index() as u32;
        if index > threads {
            return;
        }
        let lane = Lane {
            lane: if index == 0 { 0 } else { index + 1 },
            config,
            clock,
            recorder,
            gil: Some(&gil),
            holding_since: Cell::new(f64::NEG_INFINITY),
        };
        if index > 0 {
            // An executor thread: a step at a time, under the GIL.
            loop {
                let mut st = lock();
                while st.jobs.is_empty() && !st.closed {
                    st = to_threads.wait(st).unwrap_or_else(PoisonError::into_inner);
                }
                let Some((task, step, ms)) = st.jobs.pop_front() else {
                    return;
                };
                drop(st);
                let mut cpu = CpuStep::new(&config.work, task, step, ms);
                lane.acquire(task, step);
                lane.cpu(&mut cpu);
                lane.release();
                checksum.fetch_add(cpu.contribution(), Ordering::Relaxed);
                lock().done.push(task);
                to_loop.notify_one();
            }
        }
        event_loop(
            tasks,
            &lane,
            (&shared, &to_loop, &to_threads),
            clock,
            recorder,
        );
        lock().closed = true;
        to_threads.notify_all();
    });
    Ok(Outcome {
        start,
        end: clock.now(),
        lanes: threads + 2,
        checksum: Checksum(checksum.load(Ordering::Relaxed)),
    })
}

/// `to_thread`'s event loop on lane 0: resumes each task until it awaits a timer or a step
/// sent to the executor, then waits (without the GIL) for the first of them to be done.
fn event_loop(
    tasks: &[Task],
    lane: &Lane<'_>,
    (shared, to_loop, to_threads): (
        &std::sync::Mutex<Handoff>,
        &std::sync::Condvar,
        &std::sync::Condvar,
    ),
    clock: &dyn Clock,
    recorder: &Recorder,
) {
    use crate::core::input::workload::Step;
    use std::sync::PoisonError;
    let mut next_step = vec![0usize; tasks.len()];
    let mut ready: std::collections::VecDeque<u32> = (0..tasks.len() as u32).collect();
    // (wakes at, task, step, began), earliest first.
    let mut timers: Vec<(f64, u32, u32, f64)> = Vec::new();
    let mut remaining = tasks.len();
    lane.acquire(crate::core::measure::trace::NO_TASK, 0);
    while remaining > 0 {
        while let Some(task) = ready.pop_front() {
            let step = next_step[task as usize];
            match tasks[task as usize].steps.get(step) {
                None => remaining -= 1,
                Some(&Step::Io(ms)) => {
                    let now = clock.now();
                    timers.push((now + f64::from(ms), task, step as u32, now));
                }
                Some(&Step::Cpu(ms)) => {
                    let mut st = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    st.jobs.push_back((task, step as u32, ms));
                    drop(st);
                    to_threads.notify_one();
                }
            }
        }
        if remaining == 0 {
            break;
        }
        // Waiting in the selector releases the GIL.
        lane.release();
        let mut st = shared.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if !st.done.is_empty() {
                break;
            }
            let now = clock.now();
            let Some(due) = timers.iter().map(|t| t.0).reduce(f64::min) else {
                st = to_loop.wait(st).unwrap_or_else(PoisonError::into_inner);
                continue;
            };
            if due <= now {
                break;
            }
            let wait = Duration::from_secs_f64((due - now) / 1000.0);
            st = to_loop
                .wait_timeout(st, wait)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let finished = std::mem::take(&mut st.done);
        drop(st);
        let now = clock.now();
        timers.retain(|&(due, task, step, began)| {
            let expired = due <= now;
            if expired {
                recorder.record(1, task, step, SpanState::Io, began, now);
                ready.push_back(task);
            }
            !expired
        });
        ready.extend(finished);
        for &task in &ready {
            next_step[task as usize] += 1;
        }
        // Resuming the coroutines is Python code: the loop needs the GIL back first.
        lane.acquire(crate::core::measure::trace::NO_TASK, 0);
    }
    lane.release();
}

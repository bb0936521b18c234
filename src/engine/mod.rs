//! The engine: runs a workload under a model and records what happened.
//!
//! `sequential`, `gil` and `threads` are written against `std` and `rayon` only
//! ([`pool`]), so the very same code runs natively under `cargo test` on real threads and in the
//! browser on Web Workers that share one WebAssembly memory. `async` is generic over a timer
//! ([`asyncio`]). What only a browser can do (timers, `postMessage`, starting workers) lives in
//! `crate::web` and reaches the engine through the small traits here.

pub mod asyncio;
pub mod gil;
pub mod pool;

use crate::core::measure::kernel::{self, Calibration, Checksum};
use crate::core::measure::trace::{Span, SpanState};
use std::future::Future;
use std::sync::{Mutex, PoisonError};

/// Milliseconds on the clock that every lane shares. In the browser this is
/// `performance.timeOrigin + performance.now()` read in the worker itself, so lanes of different
/// workers line up; natively it is the system clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> f64;
}

/// The native clock: milliseconds since the Unix epoch, with sub-millisecond precision.
#[cfg(not(target_arch = "wasm32"))]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    }
}

/// Collects spans from every lane of a run. Writers are worker threads; the reader (the
/// conductor, also a worker) drains it while the run goes on, so the page can draw it live.
/// A plain mutex is right here: no lane holds it for more than a `Vec::push`, and the browser's
/// main thread, where blocking is forbidden, never touches it.
#[derive(Default)]
pub struct Recorder {
    spans: Mutex<Vec<Span>>,
    /// The span each lane is in right now (its `end` is its start), so a long step is visible
    /// while it lasts. Only lanes that call [`Recorder::begin`] have one.
    open: Mutex<Vec<Option<Span>>>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder::default()
    }

    pub fn record(&self, lane: u32, task: u32, step: u32, state: SpanState, start: f64, end: f64) {
        let span = Span {
            lane,
            task,
            step,
            state,
            start,
            end,
        };
        self.spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(span);
    }

    /// Takes the spans recorded since the last call.
    pub fn drain(&self) -> Vec<Span> {
        std::mem::take(&mut *self.spans.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Marks `lane` as in `state` since `start`, until [`Recorder::end`] or the next `begin`.
    pub fn begin(&self, lane: u32, task: u32, step: u32, state: SpanState, start: f64) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let index = lane as usize;
        if open.len() <= index {
            open.resize(index + 1, None);
        }
        open[index] = Some(Span {
            lane,
            task,
            step,
            state,
            start,
            end: start,
        });
    }

    /// Clears `lane`'s open span.
    pub fn end(&self, lane: u32) {
        if let Some(slot) = self
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(lane as usize)
        {
            *slot = None;
        }
    }

    /// The spans in progress now.
    pub fn open_spans(&self) -> Vec<Span> {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .flatten()
            .copied()
            .collect()
    }
}

/// Calibrates the kernel on the calling thread, timed by `clock`, so that `cpu 50` lasts about
/// 50 ms here. Every model of a run then uses this one calibration, so their checksums agree.
pub fn calibrate(clock: &dyn Clock) -> Calibration {
    Calibration::measure(|rounds| time_rounds(clock, rounds))
}

/// Milliseconds `rounds` kernel rounds take on this thread.
fn time_rounds(clock: &dyn Clock, rounds: u64) -> f64 {
    let start = clock.now();
    // Opaque inputs, not just an observed result: the kernel is pure, and calibration calls
    // this with the same `rounds` several times, so without them the compiler may compute it
    // once and every later sample measures nothing (seen in the wasm build: a sample of
    // 0 ms and a calibration 40 times too high).
    std::hint::black_box(kernel::run_rounds(
        std::hint::black_box(1),
        std::hint::black_box(rounds),
    ));
    clock.now() - start
}

/// Calibrates, then measures again until two calibrations in a row agree within 3 %: right
/// after a page loads, the kernel may still run as baseline code while its optimised code
/// compiles on a core that starting workers keep busy, and a calibration taken then reads the
/// device up to a quarter slower than every later step runs (measured: `cpu` steps at 0.79×
/// their calibrated length).
pub fn calibrate_settled(clock: &dyn Clock) -> Calibration {
    calibrate(clock).settle(|rounds| time_rounds(clock, rounds))
}

/// What a CPU step computes: the calibration (rounds per ms) and the seed. Every model of a run
/// shares it, so their checksums agree; a process worker receives it with each task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Work {
    pub calibration: Calibration,
    pub seed: u32,
}

/// The fixed inputs of a run that every model shares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunConfig {
    pub work: Work,
    /// Lanes of `gil` and `threads` (a `ThreadPoolExecutor`'s `max_workers`).
    pub threads: u32,
    /// Lanes of `processes` (a `ProcessPoolExecutor`'s `max_workers`).
    pub processes: u32,
    /// The GIL's switch interval (`sys.setswitchinterval`).
    pub switch_ms: f64,
    /// `async` tasks in flight at once, as `asyncio.Semaphore(n)` around each task; `None`:
    /// every task at once.
    pub limit: Option<u32>,
    /// Tasks per message under `processes`, as `ProcessPoolExecutor.map(chunksize=n)`.
    pub chunksize: u32,
}

/// How a lane carries out the two kinds of step; [`run_task`] is the one loop over a task's
/// steps that every model shares.
pub trait StepRunner {
    /// Computes `cpu` to the end, recording what it does (a GIL lane may hand over part-way).
    fn cpu(&self, cpu: &mut CpuStep);
    /// Waits `ms` for a simulated I/O call, recording it: a blocking sleep on a thread, an
    /// awaited timer on an event loop.
    fn io(&self, task: u32, step: u32, ms: u32) -> impl Future<Output = ()>;
}

/// Runs one task's steps in order and returns its checksum contribution.
pub async fn run_task(
    runner: &impl StepRunner,
    work: &Work,
    task_id: u32,
    task: &crate::core::input::workload::Task,
) -> Checksum {
    use crate::core::input::workload::Step;
    let mut sum = Checksum::default();
    for (index, step) in task.steps.iter().enumerate() {
        let step_id = index as u32;
        match *step {
            Step::Cpu(ms) => {
                let mut cpu = CpuStep::new(work, task_id, step_id, ms);
                runner.cpu(&mut cpu);
                sum.add(cpu.contribution());
            }
            Step::Io(ms) => runner.io(task_id, step_id, ms).await,
        }
    }
    sum
}

/// [`run_task`] for a lane whose waits block its thread: every `io` future is ready at its
/// first poll, so one poll runs the whole task.
pub fn run_task_blocking(
    runner: &impl StepRunner,
    work: &Work,
    task_id: u32,
    task: &crate::core::input::workload::Task,
) -> Checksum {
    let mut future = std::pin::pin!(run_task(runner, work, task_id, task));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        // A blocking runner never returns Pending; looping keeps a runner that does correct.
        if let std::task::Poll::Ready(sum) = future.as_mut().poll(&mut context) {
            return sum;
        }
    }
}

/// What a model's run returns besides its spans.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    pub start: f64,
    pub end: f64,
    pub lanes: u32,
    pub checksum: Checksum,
}

impl Outcome {
    /// The model's trace: this outcome with the spans its recorder collected.
    pub fn into_trace(
        self,
        model: crate::core::measure::trace::Model,
        spans: Vec<Span>,
    ) -> crate::core::measure::trace::ModelTrace {
        crate::core::measure::trace::ModelTrace {
            model,
            lanes: self.lanes,
            start: self.start,
            end: self.end,
            checksum: self.checksum.0,
            spans,
        }
    }
}

/// One CPU step, resumable: models that must give up the CPU part-way (the GIL) run it chunk
/// by chunk; the result does not depend on where it was interrupted.
pub struct CpuStep {
    state: u32,
    rounds_left: u64,
    chunk: u64,
    pub task: u32,
    pub step: u32,
}

impl CpuStep {
    pub fn new(work: &Work, task: u32, step: u32, ms: u32) -> CpuStep {
        CpuStep {
            state: kernel::step_seed(work.seed, task, step),
            rounds_left: work.calibration.rounds_for(ms),
            chunk: work.calibration.chunk_rounds(),
            task,
            step,
        }
    }

    /// Runs one chunk; false once the step is complete.
    pub fn run_chunk(&mut self) -> bool {
        let n = self.chunk.min(self.rounds_left);
        self.state = kernel::run_rounds(self.state, n);
        self.rounds_left -= n;
        self.rounds_left > 0
    }

    /// Runs to the end in one go on `lane` (nothing can interrupt it: an event loop, a
    /// process), recording it as one span.
    pub fn run_whole(&mut self, lane: u32, clock: &dyn Clock, recorder: &Recorder) {
        let begin = clock.now();
        self.finish();
        recorder.record(
            lane,
            self.task,
            self.step,
            SpanState::Cpu,
            begin,
            clock.now(),
        );
    }

    /// Runs until complete.
    pub fn finish(&mut self) {
        self.state = kernel::run_rounds(self.state, self.rounds_left);
        self.rounds_left = 0;
    }

    pub fn done(&self) -> bool {
        self.rounds_left == 0
    }

    /// The step's checksum contribution (call once done).
    pub fn contribution(&self) -> u64 {
        kernel::contribution(self.task, self.step, self.state)
    }
}

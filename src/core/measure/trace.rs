//! What a run records: spans on lanes, per model, on one clock.

use std::fmt;

/// The execution models: the five of the default view, and patterns across them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    Sequential,
    Async,
    Gil,
    Threads,
    Processes,
    /// asyncio whose CPU steps go to `asyncio.to_thread` (threads under the GIL).
    #[serde(rename = "to_thread")]
    ToThread,
    /// asyncio whose CPU steps go to a process pool through `loop.run_in_executor`.
    Executor,
    /// `concurrent.futures.InterpreterPoolExecutor` (Python 3.14, PEP 734): subinterpreters,
    /// each with its own GIL and modules, in one process. Last, so the others' wire codes stay.
    Interpreters,
}

impl Model {
    /// Every model, in the order the page shows them.
    pub const ALL: [Model; 8] = [
        Model::Sequential,
        Model::Async,
        Model::Gil,
        Model::Threads,
        Model::Processes,
        Model::ToThread,
        Model::Executor,
        Model::Interpreters,
    ];

    /// The five a page shows when the address names none: one per way of running tasks.
    pub const DEFAULT: [Model; 5] = [
        Model::Sequential,
        Model::Async,
        Model::Gil,
        Model::Threads,
        Model::Processes,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Model::Sequential => "sequential",
            Model::Async => "async",
            Model::Gil => "gil",
            Model::Threads => "threads",
            Model::Processes => "processes",
            Model::ToThread => "to_thread",
            Model::Executor => "executor",
            Model::Interpreters => "interpreters",
        }
    }

    pub fn from_id(id: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.id() == id)
    }

    /// Whether the model's workers each have a memory of their own (processes, interpreters):
    /// its pool is the `processes` setting, each worker is started, and data is copied to it.
    pub fn isolated_workers(self) -> bool {
        matches!(
            self,
            Model::Processes | Model::Executor | Model::Interpreters
        )
    }

    /// Whether the model needs one WebAssembly memory shared between workers, which browsers
    /// only allow in a cross-origin isolated page.
    pub fn needs_shared_memory(self) -> bool {
        matches!(self, Model::Gil | Model::Threads | Model::ToThread)
    }

    /// What the model stands for, checked against the Python 3.14 documentation (shown
    /// beside its panel). `tests/facts.rs` pins the facts, so a change is deliberate.
    pub fn explanation(self) -> &'static str {
        match self {
            Model::Sequential => "A plain loop: one task after another on one thread. Every wait and every computation adds up: the baseline for speedups.",
            Model::Async => "asyncio: one thread runs an event loop. Awaiting I/O (here a timer) lets other tasks run, so waits overlap; a CPU step blocks the loop, so computing never overlaps and every other task stalls meanwhile.",
            Model::Gil => "threading on the standard (GIL) build: real OS threads, but only the holder of the global interpreter lock runs Python code. A waiting thread asks for it after the switch interval (sys.getswitchinterval(), 5 ms); blocking I/O releases it, and so does C code that releases it around long work (hashlib, zlib, NumPy), which these CPU steps, like pure Python, do not.",
            Model::Threads => "threading on the free-threaded build (python3.14t: supported since Python 3.14, PEP 779; experimental in 3.13): no GIL, so threads compute on several cores at once. Its single-threaded code runs roughly 5–10 % slower than the GIL build in 3.14 (What's New In Python 3.14; about 40 % in 3.13). Here: Web Workers on one shared WebAssembly memory, running the same kernel as gil and sequential, so that cost is not in these numbers (no free-threaded build was measured for them).",
            Model::ToThread => "asyncio with its CPU work sent to threads: each CPU step is awaited as asyncio.to_thread(…), which runs it on the loop's default ThreadPoolExecutor. On the GIL build those threads take turns on the GIL, and so does the event loop's own thread: a task whose step waits for the GIL, or whose loop wakes while another thread computes, waits up to the switch interval (5 ms) for it, so the loop keeps serving the other tasks but not at once. Here the threads are workers on shared memory with one lock, as under gil; all pending waits share one row.",
            Model::Executor => "asyncio with its CPU work in a process pool: each CPU step is awaited through loop.run_in_executor with a ProcessPoolExecutor, so the event loop only waits and schedules, and serves the other tasks while processes compute. Each step pays what processes pay: the pool's start-up and a pickled copy of its arguments and result (here its task's payload, each way). All pending waits share one row; the pool's processes are workers with their own memory, as under processes.",
            Model::Interpreters => "concurrent.futures.InterpreterPoolExecutor (new in Python 3.14, PEP 734): each worker a thread running a subinterpreter with its own GIL, in one process, so they compute in parallel on the standard build. They share nothing: the function and its arguments are pickled into the worker's interpreter and the result back. Here each is a worker with its own memory, started in the run: a browser has one kind of isolated worker, so interpreters here start and copy as processes with start=spawn do, where CPython's start faster than its spawned processes and copy large arguments faster than a process pool (BENCHMARKS.md); that difference is not in these numbers.",
            Model::Processes => "multiprocessing / ProcessPoolExecutor: separate interpreters with separate memory compute in parallel, but each must be started, and every argument and result is pickled and copied (here by postMessage). Python starts them by fork (the Linux default up to 3.13), forkserver (the Linux default from 3.14) or spawn (macOS, Windows); here each is a worker with its own memory. start=forkserver: a program's first pool starts the fork server, here a fresh worker started in the run; each worker's code was loaded before it, as the fork server has imported its modules before it forks. start=spawn: each worker starts whole in the run, as spawn starts a fresh interpreter. fork copies the running parent, which no browser can do; start=fork here is forkserver's workers without the server. A fresh CPython interpreter also imports the program's modules again (asyncio alone about 30 ms), which a worker has no counterpart of: spawn and a first forkserver pool start here in about half CPython 3.14's time.",
        }
    }

    /// The Python program this model stands for.
    pub fn python(self) -> &'static str {
        match self {
            Model::Sequential => "a plain for loop",
            Model::Async => "asyncio",
            Model::Gil => "threading (GIL build)",
            Model::Threads => "threading on free-threaded 3.14t",
            Model::Processes => "multiprocessing / ProcessPoolExecutor",
            Model::ToThread => "asyncio + asyncio.to_thread (GIL build)",
            Model::Executor => "asyncio + run_in_executor(ProcessPoolExecutor)",
            Model::Interpreters => "InterpreterPoolExecutor (3.14 subinterpreters)",
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What a lane was doing during a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpanState {
    /// Computing.
    Cpu,
    /// Waiting for a (simulated) I/O call: a timer.
    Io,
    /// Waiting to acquire the GIL.
    LockWait,
    /// Starting a worker (a process).
    Spawn,
    /// Copying a payload into or out of a worker.
    Copy,
    /// Waiting to acquire a semaphore (`asyncio.Semaphore`, `limit=`): the task is queued
    /// behind the ones in flight, not waiting for its own I/O. Last, so the codes of the
    /// others stay what older traces and messages say.
    SemWait,
}

impl SpanState {
    pub const ALL: [SpanState; 6] = [
        SpanState::Cpu,
        SpanState::Io,
        SpanState::LockWait,
        SpanState::Spawn,
        SpanState::Copy,
        SpanState::SemWait,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SpanState::Cpu => "cpu",
            SpanState::Io => "io",
            SpanState::LockWait => "lock-wait",
            SpanState::Spawn => "spawn",
            SpanState::Copy => "copy",
            SpanState::SemWait => "sem-wait",
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    /// The state's colour, from the Okabe–Ito palette (distinguishable with the common
    /// colour-vision deficiencies); every state but `cpu` also has a pattern, drawn by the
    /// timeline and the SVG export alike.
    pub fn colour(self) -> &'static str {
        match self {
            SpanState::Cpu => "#0072B2",
            SpanState::Io => "#56B4E9",
            SpanState::LockWait => "#D55E00",
            SpanState::Spawn => "#999999",
            SpanState::Copy => "#CC79A7",
            SpanState::SemWait => "#009E73",
        }
    }

    pub fn from_code(code: u8) -> Option<SpanState> {
        SpanState::ALL.get(usize::from(code)).copied()
    }
}

/// Task number used by spans that belong to no task (a worker's start-up).
pub const NO_TASK: u32 = u32::MAX;

/// One interval of one lane's time. Times are milliseconds on the shared clock
/// (`performance.timeOrigin + performance.now()` in the browser), so spans from different
/// workers line up.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub lane: u32,
    pub task: u32,
    pub step: u32,
    pub state: SpanState,
    pub start: f64,
    pub end: f64,
}

impl Span {
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// The record of one model's run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelTrace {
    pub model: Model,
    /// Lanes used (threads, workers, or the event loop and its pending waits).
    pub lanes: u32,
    /// When the model started and finished, on the shared clock.
    pub start: f64,
    pub end: f64,
    pub checksum: u64,
    pub spans: Vec<Span>,
}

impl ModelTrace {
    pub fn wall_ms(&self) -> f64 {
        self.end - self.start
    }

    /// Total time spent in `state`, over all lanes.
    pub fn time_in(&self, state: SpanState) -> f64 {
        // A fold from +0.0: `sum()` of no f64 values is -0.0, which prints as "-0".
        self.spans
            .iter()
            .filter(|s| s.state == state)
            .fold(0.0, |total, s| total + s.duration())
    }

    /// The largest number of `state` spans in progress at one instant.
    pub fn max_concurrent(&self, state: SpanState) -> usize {
        let mut edges: Vec<(f64, i32)> = Vec::new();
        for s in self.spans.iter().filter(|s| s.state == state) {
            edges.push((s.start, 1));
            edges.push((s.end, -1));
        }
        // Ends sort before starts at the same instant: touching spans do not overlap.
        crate::core::sort::sort_by(&mut edges, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut most) = (0i32, 0i32);
        for (_, d) in edges {
            now += d;
            most = most.max(now);
        }
        most as usize
    }

    /// Lanes that recorded at least one span of `state`.
    pub fn lanes_with(&self, state: SpanState) -> Vec<u32> {
        let mut lanes: Vec<u32> = self
            .spans
            .iter()
            .filter(|s| s.state == state)
            .map(|s| s.lane)
            .collect();
        crate::core::sort::sort(&mut lanes);
        lanes.dedup();
        lanes
    }
}

/// Whether every model that finished computed the same checksum.
pub fn checksums_agree(traces: &[ModelTrace]) -> bool {
    traces.windows(2).all(|w| w[0].checksum == w[1].checksum)
}

/// The run of each model to show and count when every model ran several times: the one with
/// the median wall time (the lower middle of an even count), in the order the models first
/// ran; beside it, every repeat's wall time in the order they ran.
pub fn medians(traces: &[ModelTrace]) -> Vec<(ModelTrace, Vec<f64>)> {
    let mut models: Vec<Model> = Vec::new();
    for t in traces {
        if !models.contains(&t.model) {
            models.push(t.model);
        }
    }
    models
        .into_iter()
        .filter_map(|m| {
            let mut runs: Vec<&ModelTrace> = traces.iter().filter(|t| t.model == m).collect();
            let walls: Vec<f64> = runs.iter().map(|t| t.wall_ms()).collect();
            crate::core::sort::sort_by(&mut runs, |a, b| a.wall_ms().total_cmp(&b.wall_ms()));
            let median = runs.get((runs.len().max(1) - 1) / 2)?;
            Some(((*median).clone(), walls))
        })
        .collect()
}

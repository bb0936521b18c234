//! Native tests of the engine: the same model code the browser runs, on real threads.
#![cfg(not(target_arch = "wasm32"))]
// Native checks, not the module: the standard sorts are fine here (clippy.toml).
#![allow(clippy::disallowed_methods)]

use conpar::core::input::workload::Workload;
use conpar::core::measure::kernel::Calibration;
use conpar::core::measure::trace::{Model, ModelTrace, SpanState};
use conpar::engine::asyncio::{self, Timer};
use conpar::engine::{pool, Clock, Outcome, Recorder, RunConfig, SystemClock, Work};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

fn config(workers: u32) -> RunConfig {
    RunConfig {
        // Measured once per test binary: the same calibration for every model, as in the page.
        work: Work {
            calibration: calibration(),
            seed: 42,
        },
        threads: workers,
        processes: workers,
        switch_ms: 5.0,
        limit: None,
        chunksize: 1,
    }
}

fn calibration() -> Calibration {
    static CAL: std::sync::OnceLock<Calibration> = std::sync::OnceLock::new();
    *CAL.get_or_init(|| conpar::engine::calibrate(&SystemClock))
}

fn trace(model: Model, outcome: Outcome, recorder: &Recorder) -> ModelTrace {
    outcome.into_trace(model, recorder.drain())
}

fn run_pool(model: Model, text: &str, workers: u32) -> ModelTrace {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("pool");
    let tasks = Workload::parse(text).expect("valid").tasks();
    let recorder = Recorder::new();
    let cfg = config(workers);
    let outcome = threads
        .install(|| pool::run(model, &tasks, &cfg, &SystemClock, &recorder))
        .expect("runs");
    trace(model, outcome, &recorder)
}

/// A timer for the native async test: a thread per wait (tests use few waits).
struct ThreadTimer;
struct Sleep {
    state: Arc<Mutex<(bool, Option<Waker>)>>,
}
impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.state.lock().expect("lock");
        if s.0 {
            Poll::Ready(())
        } else {
            s.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}
impl Timer for ThreadTimer {
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> {
        let state = Arc::new(Mutex::new((false, None::<Waker>)));
        let s2 = state.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(u64::from(ms)));
            let mut s = s2.lock().expect("lock");
            s.0 = true;
            if let Some(w) = s.1.take() {
                w.wake();
            }
        });
        Sleep { state }
    }
}

/// Blocks on a future with a condvar-based waker (a minimal executor).
fn block_on<F: Future>(f: F) -> F::Output {
    struct Signal(Mutex<bool>, std::sync::Condvar);
    impl std::task::Wake for Signal {
        fn wake(self: Arc<Self>) {
            *self.0.lock().expect("lock") = true;
            self.1.notify_one();
        }
    }
    let signal = Arc::new(Signal(Mutex::new(false), std::sync::Condvar::new()));
    let waker = Waker::from(signal.clone());
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        let mut woken = signal.0.lock().expect("lock");
        while !*woken {
            woken = signal.1.wait(woken).expect("wait");
        }
        *woken = false;
    }
}

fn run_async(text: &str) -> ModelTrace {
    run_async_limited(text, None)
}

fn run_async_limited(text: &str, limit: Option<u32>) -> ModelTrace {
    let tasks = Workload::parse(text).expect("valid").tasks();
    let recorder = Recorder::new();
    let cfg = RunConfig { limit, ..config(1) };
    let outcome = block_on(asyncio::run(
        &tasks,
        &cfg,
        &SystemClock,
        &ThreadTimer,
        &recorder,
    ));
    trace(Model::Async, outcome, &recorder)
}

#[test]
fn sequential_never_overlaps_two_spans() {
    let t = run_pool(Model::Sequential, "3 x io 20, cpu 10", 1);
    assert_eq!(t.lanes, 1);
    assert_eq!(t.spans.len(), 6);
    let mut spans = t.spans.clone();
    spans.sort_by(|a, b| a.start.total_cmp(&b.start));
    for w in spans.windows(2) {
        assert!(w[0].end <= w[1].start, "{:?} overlaps {:?}", w[0], w[1]);
    }
    // One after another: the wall time holds every span (the waits alone are 60 ms of real
    // sleep; the CPU steps' length depends on a calibration a busy machine can skew).
    let busy: f64 = t.spans.iter().map(|s| s.duration()).sum();
    assert!(
        t.wall_ms() >= busy.max(60.0),
        "wall {} ms < {busy} ms of spans",
        t.wall_ms()
    );
}

#[test]
fn checksums_agree_across_models_and_depend_on_the_seed() {
    let text = "4 x cpu 3, io 2, cpu 2";
    let seq = run_pool(Model::Sequential, text, 1);
    let gil = run_pool(Model::Gil, text, 3);
    let threads = run_pool(Model::Threads, text, 4);
    let asynchronous = run_async(text);
    assert_ne!(seq.checksum, 0);
    assert_eq!(seq.checksum, gil.checksum);
    assert_eq!(seq.checksum, threads.checksum);
    assert_eq!(seq.checksum, asynchronous.checksum);
}

#[test]
fn gil_never_runs_two_cpu_spans_at_once_and_hands_over_at_the_interval() {
    let t = run_pool(Model::Gil, "4 x cpu 40", 2);
    assert_eq!(
        t.max_concurrent(SpanState::Cpu),
        1,
        "the GIL let two threads compute at once"
    );
    assert_eq!(
        t.lanes_with(SpanState::Cpu),
        vec![0, 1],
        "both threads computed"
    );
    let waits = t
        .spans
        .iter()
        .filter(|s| s.state == SpanState::LockWait)
        .count();
    assert!(
        waits >= 4,
        "two threads on CPU work must wait for the GIL: {waits} waits"
    );
    // With a 5 ms switch interval, 160 ms of contended work is cut into many short turns.
    let turns = t.spans.iter().filter(|s| s.state == SpanState::Cpu).count();
    assert!(
        turns >= 10,
        "only {turns} CPU turns: the GIL is not being handed over"
    );
}

#[test]
fn gil_releases_around_io() {
    let t = run_pool(Model::Gil, "4 x io 60", 4);
    assert_eq!(
        t.max_concurrent(SpanState::Io),
        4,
        "blocking I/O must release the GIL"
    );
    assert!(
        t.wall_ms() < 4.0 * 60.0 * 0.75,
        "I/O waits did not overlap: {}",
        t.wall_ms()
    );
}

#[test]
fn free_threads_overlap_cpu_on_several_lanes() {
    let t = run_pool(Model::Threads, "4 x cpu 40", 2);
    assert_eq!(t.max_concurrent(SpanState::Cpu), 2);
    assert_eq!(t.time_in(SpanState::LockWait), 0.0);
}

#[test]
fn io_bound_work_finishes_near_the_longest_task_under_threads_gil_and_async() {
    let text = "6 x io 80";
    for t in [
        run_pool(Model::Threads, text, 4),
        run_pool(Model::Gil, text, 4),
    ] {
        assert!(
            t.wall_ms() < 2.0 * 80.0 + 40.0,
            "{}: {} ms",
            t.model,
            t.wall_ms()
        );
    }
    let threads6 = rayon::ThreadPoolBuilder::new()
        .num_threads(6)
        .build()
        .expect("pool");
    let tasks = Workload::parse(text).expect("valid").tasks();
    let rec = Recorder::new();
    let out = threads6
        .install(|| pool::run(Model::Threads, &tasks, &config(6), &SystemClock, &rec))
        .expect("runs");
    assert!(
        out.end - out.start < 80.0 * 1.5,
        "6 threads, 6 waits: {}",
        out.end - out.start
    );
    let a = run_async(text);
    assert!(a.wall_ms() < 80.0 * 1.5, "async: {} ms", a.wall_ms());
}

#[test]
fn async_has_one_cpu_lane_while_its_waits_overlap() {
    let t = run_async("5 x io 40, cpu 5, io 20");
    assert_eq!(t.lanes_with(SpanState::Cpu), vec![0]);
    assert_eq!(t.max_concurrent(SpanState::Cpu), 1);
    assert!(
        t.max_concurrent(SpanState::Io) >= 4,
        "waits did not overlap"
    );
    // Pending waits are drawn on lanes 1.., never on the event loop's lane.
    assert!(t
        .spans
        .iter()
        .filter(|s| s.state == SpanState::Io)
        .all(|s| s.lane >= 1));
    for s in &t.spans {
        let overlapping_same_lane = t
            .spans
            .iter()
            .filter(|o| o.lane == s.lane && !std::ptr::eq(*o, s) && o.overlaps(s))
            .count();
        assert_eq!(
            overlapping_same_lane, 0,
            "two spans share lane {} at once",
            s.lane
        );
    }
}

#[test]
fn too_many_workers_is_an_error_not_a_hang() {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let tasks = Workload::parse("io 1").expect("valid").tasks();
    let r = threads.install(|| {
        pool::run(
            Model::Gil,
            &tasks,
            &config(3),
            &SystemClock,
            &Recorder::new(),
        )
    });
    assert_eq!(
        r.err(),
        Some(pool::PoolError::TooFewThreads {
            wanted: 3,
            available: 2
        })
    );
}

#[test]
fn the_clock_is_shared_wall_time() {
    let a = SystemClock.now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert!(SystemClock.now() - a >= 5.0);
}

#[test]
fn a_lane_shows_the_span_it_is_in_while_it_lasts() {
    let recorder = std::sync::Arc::new(Recorder::new());
    let rec = recorder.clone();
    let cfg = config(1); // calibrates (once per binary) before the clock below starts
    let worker = std::thread::spawn(move || {
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let tasks = Workload::parse("io 300").expect("valid").tasks();
        threads
            .install(|| pool::run(Model::Sequential, &tasks, &cfg, &SystemClock, &rec))
            .expect("runs")
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    let open = recorder.open_spans();
    assert_eq!(open.len(), 1, "the waiting lane shows no span in progress");
    assert_eq!((open[0].lane, open[0].state), (0, SpanState::Io));
    assert!(
        recorder.drain().is_empty(),
        "the wait was recorded before it ended"
    );
    worker.join().expect("run");
    assert!(
        recorder.open_spans().is_empty(),
        "a finished lane still shows a span in progress"
    );
    assert_eq!(recorder.drain().len(), 1);
}

/// How long `task` computed in `t`, all its CPU spans together.
fn computed_ms(t: &ModelTrace, task: u32) -> f64 {
    t.spans
        .iter()
        .filter(|s| s.task == task && s.state == SpanState::Cpu)
        .map(|s| s.duration())
        .sum()
}

/// One CPU hog beside a chatty task (many short waits, each followed by a little computing):
/// under asyncio the chatty task stalls for about the hog's length; under GIL threads only
/// for about a switch interval at a time; with free threads hardly at all.
#[test]
fn a_cpu_hog_stalls_a_chatty_task_on_the_event_loop_but_not_on_threads() {
    use conpar::core::analysis::latency::{latency, Planned};
    let chatty = ["io 10, cpu 1"; 8].join(", ");
    let text = format!("cpu 300\n{chatty}");
    let planned = Planned::of(&Workload::parse(&text).expect("valid"));
    let stall = |t: &ModelTrace| latency(t, &planned).expect("tasks").tasks[1].stall_ms;
    let asyncio = run_async(&text);
    let on_loop = stall(&asyncio);
    let gil = stall(&run_pool(Model::Gil, &text, 2));
    let free = stall(&run_pool(Model::Threads, &text, 2));
    // Against the hog as it ran (the calibration is taken while other tests load the cores, so
    // `cpu 300` may last less than 300 ms).
    let hog = computed_ms(&asyncio, 0);
    assert!(
        on_loop > 0.6 * hog,
        "asyncio: the chatty task waits for the hog ({hog} ms), {on_loop} ms"
    );
    assert!(gil < 100.0, "GIL threads hand over every 5 ms, {gil} ms");
    assert!(free < 100.0, "free threads, {free} ms");
    assert!(on_loop > 2.0 * gil.max(free), "{on_loop} vs {gil}, {free}");
}

/// The tasks in flight at each instant: from a task's first step to its last (its wait for
/// the semaphore is before it).
fn most_in_flight(t: &ModelTrace) -> usize {
    let mut range: std::collections::BTreeMap<u32, (f64, f64)> = Default::default();
    for s in t.spans.iter().filter(|s| s.state != SpanState::SemWait) {
        let r = range.entry(s.task).or_insert((s.start, s.end));
        *r = (r.0.min(s.start), r.1.max(s.end));
    }
    let mut edges: Vec<(f64, i32)> = range
        .values()
        .flat_map(|&(a, b)| [(a, 1), (b, -1)])
        .collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut n, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        n += d;
        most = most.max(n);
    }
    most as usize
}

#[test]
fn a_semaphore_keeps_at_most_limit_tasks_in_flight_first_come_first_served() {
    let free = run_async("12 x io 30, cpu 2");
    let t = run_async_limited("12 x io 30, cpu 2", Some(3));
    assert_eq!(most_in_flight(&t), 3, "{:?}", t.spans);
    assert!(
        most_in_flight(&free) > 3,
        "without a limit all start at once"
    );
    let queued: Vec<_> = t
        .spans
        .iter()
        .filter(|s| s.state == SpanState::SemWait)
        .collect();
    let mut tasks: Vec<u32> = queued.iter().map(|s| s.task).collect();
    tasks.sort_unstable();
    assert_eq!(
        tasks,
        (3..12).collect::<Vec<_>>(),
        "the first three need not wait"
    );
    for s in &queued {
        let first_step = t
            .spans
            .iter()
            .filter(|x| x.task == s.task && x.state != SpanState::SemWait)
            .map(|x| x.start)
            .fold(f64::INFINITY, f64::min);
        assert!(s.end <= first_step, "task {} ran before its permit", s.task);
        assert!(s.lane > 0, "a queued task waits on a slot, not on the loop");
    }
    // First come, first served: a task queued earlier gets its permit no later.
    let mut by_task = queued.clone();
    by_task.sort_by_key(|s| s.task);
    for w in by_task.windows(2) {
        assert!(
            w[0].end <= w[1].end,
            "task {} overtook task {}",
            w[1].task,
            w[0].task
        );
    }
    // Four rounds of three 30 ms waits at the least (real sleeps, a physical floor).
    assert!(t.wall_ms() >= 4.0 * 30.0, "{} ms", t.wall_ms());
    assert_eq!(t.checksum, free.checksum, "the same work, bounded or not");
    assert_eq!(
        t.max_concurrent(SpanState::Cpu),
        1,
        "still one loop computing"
    );
}

#[test]
fn a_limit_as_large_as_the_workload_queues_nobody() {
    let t = run_async_limited("5 x io 20", Some(5));
    assert!(t.spans.iter().all(|s| s.state != SpanState::SemWait));
    assert_eq!(t.lanes, 6, "the loop and five waits, no slot left empty");
}

/// An offload for the native test: computes each step at once on the calling thread,
/// recording it on the pool's first lane, as a process would report it.
struct Inline<'a> {
    work: Work,
    recorder: &'a Recorder,
}

impl asyncio::Offload for Inline<'_> {
    async fn cpu(&self, task: u32, step: u32, ms: u32, _payload: u32) -> Result<u64, String> {
        let mut cpu = conpar::engine::CpuStep::new(&self.work, task, step, ms);
        cpu.run_whole(asyncio::WAITS_LANE + 1, &SystemClock, self.recorder);
        Ok(cpu.contribution())
    }
}

#[test]
fn an_offloading_loop_computes_nothing_itself_and_does_the_same_work() {
    let text = "3 x io 20, cpu 5, io 10";
    let inline = run_async(text);
    let tasks = Workload::parse(text).expect("valid").tasks();
    let recorder = Recorder::new();
    let work = config(1).work;
    let offload = Inline {
        work,
        recorder: &recorder,
    };
    let outcome = block_on(asyncio::run_offloaded(
        &tasks,
        &SystemClock,
        &ThreadTimer,
        &recorder,
        (&offload, 1),
    ))
    .expect("runs");
    let t = trace(Model::Executor, outcome, &recorder);
    assert_eq!(
        t.checksum, inline.checksum,
        "the same steps, the same checksum"
    );
    assert_eq!(t.lanes, 3, "the loop, the row of waits, one process");
    assert!(
        t.spans.iter().all(|s| s.lane != 0),
        "the loop lane computes nothing"
    );
    assert!(t
        .spans
        .iter()
        .filter(|s| s.state == SpanState::Io)
        .all(|s| s.lane == asyncio::WAITS_LANE));
    assert_eq!(
        t.spans.iter().filter(|s| s.state == SpanState::Io).count(),
        6
    );
    assert_eq!(
        t.max_concurrent(SpanState::Io),
        3,
        "the waits overlap in their row"
    );
}

#[test]
fn an_offload_that_fails_ends_the_loop_with_its_reason() {
    struct Broken;
    impl asyncio::Offload for Broken {
        async fn cpu(&self, _: u32, _: u32, _: u32, _: u32) -> Result<u64, String> {
            Err("a process of the pool went away".into())
        }
    }
    let tasks = Workload::parse("2 x io 5, cpu 5").expect("valid").tasks();
    let recorder = Recorder::new();
    let got = block_on(asyncio::run_offloaded(
        &tasks,
        &SystemClock,
        &ThreadTimer,
        &recorder,
        (&Broken, 2),
    ));
    assert_eq!(
        got.err().as_deref(),
        Some("a process of the pool went away")
    );
}

#[test]
fn to_thread_keeps_the_loop_serving_while_threads_take_turns_on_the_gil() {
    use conpar::core::analysis::latency::{latency, Planned};
    let chatty = ["io 10, cpu 1"; 8].join(", ");
    let text = format!("cpu 300\n{chatty}\n2 x io 15, cpu 10");
    let planned = Planned::of(&Workload::parse(&text).expect("valid"));
    let on_loop = run_async(&text);
    let t = run_pool(Model::ToThread, &text, 2);
    assert_eq!(
        t.checksum, on_loop.checksum,
        "the same steps, the same checksum"
    );
    assert_eq!(t.lanes, 4, "the loop, the row of waits, two threads");
    assert!(
        t.spans
            .iter()
            .filter(|s| s.lane == 0)
            .all(|s| s.state == SpanState::LockWait),
        "the loop lane only ever waits for the GIL"
    );
    assert_eq!(
        t.max_concurrent(SpanState::Cpu),
        1,
        "one thread computes at a time"
    );
    assert!(t
        .spans
        .iter()
        .filter(|s| s.state == SpanState::Io)
        .all(|s| s.lane == 1));
    assert_eq!(
        t.spans.iter().filter(|s| s.state == SpanState::Io).count(),
        8 + 2
    );
    let stall = |t: &ModelTrace| latency(t, &planned).expect("tasks").tasks[1].stall_ms;
    let hog = computed_ms(&on_loop, 0);
    assert!(
        stall(&on_loop) > 0.6 * hog,
        "asyncio: {} ms",
        stall(&on_loop)
    );
    assert!(
        stall(&t) < stall(&on_loop) / 2.0,
        "to_thread: {} ms against asyncio's {} ms",
        stall(&t),
        stall(&on_loop)
    );
}

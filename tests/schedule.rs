//! Native tests of the expected schedules drawn before a run.
#![cfg(not(target_arch = "wasm32"))]

use conpar::core::analysis::schedule::expected;
use conpar::core::input::workload::Preset;
use conpar::core::measure::trace::{Model, SpanState};

fn wall(model: Model, preset: Preset, lanes: u32) -> f64 {
    expected(model, &preset.workload().tasks(), lanes, 2).wall_ms()
}

#[test]
fn the_presets_expected_times_follow_each_models_rules() {
    // Eight waits of 200 ms: one after another, all at once, six lanes at a time.
    assert_eq!(wall(Model::Sequential, Preset::Io, 1), 1600.0);
    assert_eq!(wall(Model::Async, Preset::Io, 1), 200.0);
    assert_eq!(wall(Model::Gil, Preset::Io, 6), 400.0);
    assert_eq!(wall(Model::Threads, Preset::Io, 8), 200.0);
    // Eight computations of 100 ms on two cores: one lock or one loop serialises them.
    assert_eq!(wall(Model::Sequential, Preset::Cpu, 1), 800.0);
    assert_eq!(wall(Model::Async, Preset::Cpu, 1), 800.0);
    assert_eq!(wall(Model::Gil, Preset::Cpu, 6), 800.0);
    assert_eq!(
        wall(Model::Threads, Preset::Cpu, 6),
        400.0,
        "six threads, two cores"
    );
    assert_eq!(wall(Model::Processes, Preset::Cpu, 2), 400.0);
    // Mixed: six tasks' 40 ms steps take the GIL one after another: the last ends at
    // 120 + 6 x 40 and then waits 60 ms.
    assert_eq!(wall(Model::Gil, Preset::Mixed, 6), 420.0);
}

#[test]
fn expected_schedules_keep_each_models_meaning() {
    let tasks = Preset::Mixed.workload().tasks();
    let gil = expected(Model::Gil, &tasks, 6, 2);
    assert_eq!(
        gil.max_concurrent(SpanState::Cpu),
        1,
        "the GIL lets one thread compute"
    );
    assert!(
        gil.time_in(SpanState::LockWait) > 0.0,
        "and the others wait for it"
    );
    let asyncio = expected(Model::Async, &tasks, 1, 2);
    assert_eq!(asyncio.max_concurrent(SpanState::Cpu), 1);
    assert_eq!(
        asyncio.max_concurrent(SpanState::Io),
        6,
        "all waits at once"
    );
    assert!(asyncio
        .spans
        .iter()
        .filter(|s| s.state == SpanState::Cpu)
        .all(|s| s.lane == 0));
    let threads = expected(Model::Threads, &tasks, 6, 2);
    assert_eq!(
        threads.max_concurrent(SpanState::Cpu),
        2,
        "as many at once as cores"
    );
    for t in [&gil, &asyncio, &threads] {
        let steps = t
            .spans
            .iter()
            .filter(|s| s.state != SpanState::LockWait)
            .count();
        assert_eq!(steps, 18, "every step of {} is drawn once", t.model);
    }
}

#[test]
fn ten_thousand_waits_are_simulated_at_once() {
    let tasks = conpar::core::input::workload::Workload::parse("10000 x io 100")
        .expect("valid")
        .tasks();
    let t = expected(Model::Async, &tasks, 1, 2);
    assert_eq!(t.wall_ms(), 100.0);
    assert_eq!(
        t.lanes, 10_001,
        "every wait in its own slot, beside the event loop"
    );
}

#[test]
fn a_semaphore_queues_the_rest_and_lets_each_in_as_one_ends() {
    use conpar::core::analysis::schedule::expected_bounded;
    let tasks = conpar::core::input::workload::Workload::parse("100 x io 50")
        .expect("valid")
        .tasks();
    let t = expected_bounded(Model::Async, &tasks, 1, 2, (Some(10), 1));
    assert_eq!(t.wall_ms(), 500.0, "ten rounds of ten");
    assert_eq!(t.max_concurrent(SpanState::Io), 10);
    let queued: Vec<_> = t
        .spans
        .iter()
        .filter(|s| s.state == SpanState::SemWait)
        .collect();
    assert_eq!(queued.len(), 90);
    assert!(queued.iter().all(|s| s.start == 0.0));
    let last = queued.iter().map(|s| s.end).fold(0.0, f64::max);
    assert_eq!(
        last, 450.0,
        "the last ten get their permits when the ninth round ends"
    );
    assert_eq!(
        t.lanes, 101,
        "at first, ten waits and ninety in the queue, each on a slot"
    );
    let free = expected_bounded(Model::Async, &tasks, 1, 2, (None, 1));
    assert_eq!(free.wall_ms(), 50.0);
}

#[test]
fn processes_take_a_chunk_at_a_time() {
    use conpar::core::analysis::schedule::expected_bounded;
    let tasks = conpar::core::input::workload::Workload::parse("8 x cpu 10")
        .expect("valid")
        .tasks();
    let one = expected_bounded(Model::Processes, &tasks, 2, 2, (None, 1));
    assert_eq!(one.wall_ms(), 40.0, "four each");
    // Chunks of three: 3 + 3 + 2, the third to the lane free first.
    let three = expected_bounded(Model::Processes, &tasks, 2, 2, (None, 3));
    assert_eq!(three.wall_ms(), 50.0);
    let lane_of = |task: u32| three.spans.iter().find(|s| s.task == task).map(|s| s.lane);
    assert_eq!(lane_of(0), lane_of(2), "a chunk stays on one lane");
    assert_ne!(lane_of(2), lane_of(3));
    let all = expected_bounded(Model::Processes, &tasks, 2, 2, (None, 8));
    assert_eq!(
        all.wall_ms(),
        80.0,
        "one chunk: one process computes it all"
    );
}

#[test]
fn executor_keeps_the_loop_free_and_computes_on_its_processes() {
    use conpar::core::input::workload::Preset;
    let tasks = Preset::Hog.workload().tasks();
    let on_loop = expected(Model::Async, &tasks, 1, 2);
    let offloaded = expected(Model::Executor, &tasks, 2, 2);
    // The chatty task (task 1): 25 waits of 20 ms and 25 steps of 1 ms, the hog beside it.
    let finish = |t: &conpar::core::measure::trace::ModelTrace| {
        t.spans
            .iter()
            .filter(|s| s.task == 1)
            .map(|s| s.end)
            .fold(0.0, f64::max)
    };
    assert_eq!(finish(&offloaded), 25.0 * 21.0, "never held up by the hog");
    assert!(finish(&on_loop) > 1000.0, "held up by the hog on the loop");
    assert!(
        offloaded.spans.iter().all(|s| s.lane != 0),
        "the loop computes nothing"
    );
    assert_eq!(
        offloaded.max_concurrent(SpanState::Cpu),
        2,
        "two processes at once"
    );
    assert_eq!(offloaded.lanes, 4, "the loop, the waits, two processes");
}

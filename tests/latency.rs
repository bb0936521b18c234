//! Native tests of per-task latency: finish times and the longest stretch each task stood
//! ready without running, read from traces.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{task_span, trace};
use conpar::core::analysis::latency::{latency, percentile, Planned};
use conpar::core::input::workload::Workload;
use conpar::core::measure::trace::{Model, SpanState};

#[test]
fn percentiles_are_nearest_rank() {
    let v: Vec<f64> = (1..=20).map(f64::from).collect();
    assert_eq!(percentile(&v, 50.0), 10.0);
    assert_eq!(percentile(&v, 95.0), 19.0);
    assert_eq!(percentile(&v, 100.0), 20.0);
    assert_eq!(percentile(&[7.0], 95.0), 7.0);
    assert_eq!(percentile(&[], 50.0), 0.0);
}

#[test]
fn a_wait_past_its_planned_end_is_a_stall_on_the_event_loop() {
    // asyncio: task 1 awaits 20 ms while task 0 computes 300 ms on the loop; the wait's
    // result is ready at 20 ms but the task resumes at 300 ms.
    let planned = Planned::of(&Workload::parse("cpu 300\nio 20, cpu 1").expect("valid"));
    let t = trace(
        Model::Async,
        vec![
            task_span(1, 1, 0, SpanState::Io, 0.0, 300.0),
            task_span(0, 0, 0, SpanState::Cpu, 0.0, 300.0),
            task_span(0, 1, 1, SpanState::Cpu, 300.0, 301.0),
        ],
    );
    let l = latency(&t, &planned).expect("tasks");
    assert_eq!(l.tasks[1].stall_ms, 280.0);
    assert_eq!(l.tasks[1].finish_ms, 301.0);
    assert_eq!(l.tasks[0].stall_ms, 0.0);
    assert_eq!(l.worst_task, 1);
    assert_eq!(l.stall_worst_ms, 280.0);
    // Without the plan, the wait is taken as recorded: no stall seen.
    let l = latency(&t, &Planned::unknown()).expect("tasks");
    assert_eq!(l.stall_worst_ms, 0.0);
}

#[test]
fn gil_waits_and_a_queue_are_stalls_and_adjacent_ones_add_up() {
    let planned = Planned::of(&Workload::parse("2 x cpu 10").expect("valid"));
    let t = trace(
        Model::Gil,
        vec![
            task_span(0, 0, 0, SpanState::Cpu, 0.0, 10.0),
            // Task 1 waits for a free worker 0–2 ms, then for the GIL 2–10 ms: one stall.
            task_span(1, 1, 0, SpanState::LockWait, 2.0, 10.0),
            task_span(1, 1, 0, SpanState::Cpu, 10.0, 20.0),
        ],
    );
    let l = latency(&t, &planned).expect("tasks");
    assert_eq!(l.tasks[1].stall_ms, 10.0);
    assert_eq!(l.finish_worst_ms, 20.0);
    assert_eq!(l.finish_p50_ms, 10.0);
}

#[test]
fn spans_of_no_task_do_not_count_and_an_empty_trace_has_no_latency() {
    let t = trace(
        Model::Processes,
        vec![
            task_span(0, u32::MAX, 0, SpanState::Spawn, 0.0, 40.0),
            task_span(0, 0, 0, SpanState::Copy, 40.0, 41.0),
            task_span(0, 0, 0, SpanState::Cpu, 41.0, 51.0),
        ],
    );
    let l = latency(&t, &Planned::unknown()).expect("one task");
    assert_eq!(l.tasks.len(), 1);
    assert_eq!(
        l.tasks[0].stall_ms, 40.0,
        "waiting for its process to start"
    );
    assert!(latency(&trace(Model::Sequential, vec![]), &Planned::unknown()).is_none());
}

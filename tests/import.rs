//! Native tests of reading traces from elsewhere: clear refusals for what is not a trace, and
//! a profiler's nested calls drawn as their innermost spans.
#![cfg(not(target_arch = "wasm32"))]

use conpar::core::measure::trace::SpanState;
use conpar::core::python::import::{import, MAX_TRACE_BYTES};

#[test]
fn bad_files_are_refused_with_a_reason() {
    let err = |text: &str| import(text, "f.json").expect_err("refused");
    assert!(err("hello").contains("is not JSON"));
    assert!(err("{\"a\": 1}").contains("no traceEvents"));
    assert!(err("42").contains("not a trace"));
    assert!(err("{\"traceEvents\": []}").contains("no spans"));
    assert!(err("[{\"ph\": \"B\", \"ts\": 1}]").contains("no spans"));
    let big = " ".repeat(MAX_TRACE_BYTES + 1);
    assert!(err(&big).contains("up to 32 MB"));
}

#[test]
fn a_profilers_nested_calls_become_their_innermost_spans_per_thread() {
    // viztracer-like: main() holds a loop that sleeps and computes, on two threads.
    let text = r#"{"traceEvents": [
        {"ph": "X", "name": "main", "pid": 7, "tid": 1, "ts": 0, "dur": 1000},
        {"ph": "X", "name": "time.sleep", "pid": 7, "tid": 1, "ts": 10, "dur": 300},
        {"ph": "X", "name": "parse", "pid": 7, "tid": 1, "ts": 400, "dur": 500},
        {"ph": "X", "name": "worker", "pid": 7, "tid": 2, "ts": 50, "dur": 200},
        {"ph": "M", "name": "thread_name", "pid": 7, "tid": 1, "args": {"name": "MainThread"}}
    ]}"#;
    let got = import(text, "viz.json").expect("a trace");
    assert_eq!(got.label, "viz.json");
    assert_eq!(got.model, None);
    let t = &got.trace;
    assert_eq!(t.lanes, 2);
    let summary: Vec<(u32, SpanState, f64)> =
        t.spans.iter().map(|s| (s.lane, s.state, s.start)).collect();
    assert_eq!(
        summary,
        vec![
            (0, SpanState::Io, 0.01),
            (1, SpanState::Cpu, 0.05),
            (0, SpanState::Cpu, 0.4)
        ]
    );
    assert_eq!((t.start, t.end), (0.01, 0.9));
}

#[test]
fn too_many_threads_or_spans_are_refused_with_the_cap() {
    use conpar::core::python::import::{MAX_EVENTS, MAX_LANES};
    let events: Vec<String> = (0..=MAX_LANES)
        .map(|t| {
            format!(r#"{{"ph": "X", "name": "cpu", "pid": 1, "tid": {t}, "ts": 0, "dur": 1}}"#)
        })
        .collect();
    let text = format!("[{}]", events.join(","));
    let err = import(&text, "wide.json").expect_err("refused");
    assert!(err.contains(&format!("up to {MAX_LANES}")), "{err}");
    let one = r#"{"ph": "X", "name": "cpu", "pid": 1, "tid": 1, "ts": 0, "dur": 1}"#;
    let text = format!("[{}]", vec![one; MAX_EVENTS + 1].join(","));
    let err = import(&text, "long.json").expect_err("refused");
    assert!(err.contains("record a shorter run"), "{err}");
}

/// A trace viztracer 1.1.1 wrote (CPython 3.11: three threads that sleep, compute and sleep,
/// joined by the main thread), read as it is.
#[test]
fn a_real_viztracer_trace_loads_with_a_lane_per_thread() {
    let text = include_str!("fixtures/viztracer.json");
    let got = import(text, "viztracer.json").expect("a trace");
    let t = &got.trace;
    assert_eq!(t.lanes, 4, "the main thread and three workers");
    for lane in 1..4 {
        let states: Vec<SpanState> = t
            .spans
            .iter()
            .filter(|s| s.lane == lane)
            .map(|s| s.state)
            .collect();
        assert!(states.contains(&SpanState::Io), "lane {lane}: its sleeps");
        assert!(states.contains(&SpanState::Cpu), "lane {lane}: its loop");
    }
    assert!(
        t.wall_ms() > 30.0 && t.wall_ms() < 2000.0,
        "{}",
        t.wall_ms()
    );
}

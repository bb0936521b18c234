//! Helpers the native test files share: spans, traces, results and expectations built in one
//! line each. (Each test file uses some of them.)
#![allow(dead_code)]

pub mod stories;

use conpar::core::analysis::results::ModelResult;
use conpar::core::analysis::verdict::Expectation;
use conpar::core::input::workload::Workload;
use conpar::core::measure::trace::{Model, ModelTrace, Span, SpanState};

/// A span of task 0, step 0.
pub fn span(lane: u32, state: SpanState, start: f64, end: f64) -> Span {
    task_span(lane, 0, 0, state, start, end)
}

pub fn task_span(lane: u32, task: u32, step: u32, state: SpanState, start: f64, end: f64) -> Span {
    Span {
        lane,
        task,
        step,
        state,
        start,
        end,
    }
}

/// A trace from 0 to its last span's end, on the lanes its spans use, checksum 1.
pub fn trace(model: Model, spans: Vec<Span>) -> ModelTrace {
    let end = spans.iter().map(|s| s.end).fold(0.0, f64::max);
    ModelTrace {
        model,
        lanes: spans.iter().map(|s| s.lane + 1).max().unwrap_or(1),
        start: 0.0,
        end,
        checksum: 1,
        spans,
    }
}

/// A result with only a wall time and a speedup (everything else zero or empty).
pub fn result(model: Model, wall_ms: f64, speedup: Option<f64>) -> ModelResult {
    ModelResult {
        model,
        wall_ms,
        checksum: "00000000000000aa".into(),
        speedup,
        cpu_ms: 0.0,
        io_ms: 0.0,
        lock_wait_ms: 0.0,
        sem_wait_ms: 0.0,
        spawn_ms: 0.0,
        copy_ms: 0.0,
        lanes: 1,
        max_cpu: 0,
        max_io: 0,
        utilisation: 0.0,
        cpu_stretch: None,
        disturbed: Vec::new(),
        repeats_wall_ms: Vec::new(),
        latency: None,
    }
}

/// What a run of the workload `text` may do on `cores` cores with pools of `(threads,
/// processes)`, at the default switch interval.
pub fn expect(text: &str, cores: u32, pools: (u32, u32)) -> Expectation {
    Expectation::new(&Workload::parse(text).expect("valid"), cores, pools, 5.0)
}

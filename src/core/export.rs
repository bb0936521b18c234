//! Trace export in the Chrome Trace Event format, which Perfetto and chrome://tracing open.

use super::trace::{Model, ModelResult, ModelTrace, NO_TASK};
use serde_json::{json, Value};

/// A lane's name in a model's panel and in the trace.
pub fn lane_name(model: Model, lane: u32) -> String {
    match model {
        Model::Sequential => "main".to_string(),
        Model::Async if lane == 0 => "event loop".to_string(),
        Model::Async => format!("I/O wait {lane}"),
        Model::Gil | Model::Threads => format!("thread {lane}"),
        Model::Processes => format!("process {lane}"),
    }
}

/// The whole run as a Chrome Trace Event JSON object: one `pid` per model (named by a
/// `process_name` metadata event), one `tid` per lane, complete (`X`) events with `ts`/`dur` in
/// microseconds from `origin` (the run's start on the shared clock).
pub fn chrome_trace(traces: &[ModelTrace], results: &[ModelResult], origin: f64) -> Value {
    let mut events = Vec::new();
    for (index, trace) in traces.iter().enumerate() {
        let pid = index + 1;
        events.push(json!({
            "ph": "M", "pid": pid, "tid": 0, "name": "process_name",
            "args": { "name": trace.model.id() }
        }));
        events.push(json!({
            "ph": "M", "pid": pid, "tid": 0, "name": "process_sort_index",
            "args": { "sort_index": index }
        }));
        for lane in 0..trace.lanes {
            events.push(json!({
                "ph": "M", "pid": pid, "tid": lane, "name": "thread_name",
                "args": { "name": lane_name(trace.model, lane) }
            }));
        }
        for s in &trace.spans {
            let task = if s.task == NO_TASK {
                Value::Null
            } else {
                json!(s.task)
            };
            events.push(json!({
                "ph": "X",
                "pid": pid,
                "tid": s.lane,
                "name": s.state.id(),
                "cat": s.state.id(),
                "ts": (s.start - origin) * 1000.0,
                "dur": (s.end - s.start) * 1000.0,
                "args": { "task": task, "step": s.step }
            }));
        }
    }
    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": { "tool": "conpar", "results": results }
    })
}

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

/// The results as CSV, one row per model (RFC 4180: model ids need no quoting).
pub fn results_csv(results: &[ModelResult]) -> String {
    let mut out = String::from(
        "model,wall_ms,speedup,cpu_ms,io_ms,lock_wait_ms,spawn_ms,copy_ms,lanes,utilisation,checksum\n",
    );
    for r in results {
        let speedup = r.speedup.map_or(String::new(), |s| format!("{s:.4}"));
        out.push_str(&format!(
            "{},{:.3},{},{:.3},{:.3},{:.3},{:.3},{:.3},{},{:.4},{}\n",
            r.model.id(),
            r.wall_ms,
            speedup,
            r.cpu_ms,
            r.io_ms,
            r.lock_wait_ms,
            r.spawn_ms,
            r.copy_ms,
            r.lanes,
            r.utilisation,
            r.checksum
        ));
    }
    out
}

/// Escapes text for XML.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A drawn SVG document and its size in CSS pixels.
pub struct Svg {
    pub text: String,
    pub width: f64,
    pub height: f64,
}

/// The timeline as a standalone SVG: a panel per model on one time axis, the same colours and
/// patterns as the page, lanes capped at `max_rows` (the last row gathers the rest).
pub fn timeline_svg(traces: &[ModelTrace], max_rows: u32, width: f64) -> Svg {
    use super::layout::{format_ms, TimeScale};
    use super::trace::SpanState;
    const ROW: f64 = 18.0;
    const HEAD: f64 = 22.0;
    const AXIS: f64 = 18.0;
    const GUTTER: f64 = 90.0;
    const GAP: f64 = 10.0;
    let longest = traces.iter().map(ModelTrace::wall_ms).fold(1.0, f64::max) * 1.02;
    let scale = TimeScale::new(0.0, longest, width - GUTTER - 10.0);
    let rows_of = |t: &ModelTrace| t.lanes.clamp(1, max_rows.max(1));
    let height: f64 = AXIS
        + traces
            .iter()
            .map(|t| HEAD + f64::from(rows_of(t)) * ROW + GAP)
            .sum::<f64>();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\n"
    );
    s.push_str("<title>conpar timeline</title>\n<defs>\n");
    for state in SpanState::ALL {
        // The same shapes as the page's canvas tiles, over the state's colour.
        let overlay = match state {
            SpanState::Cpu => continue,
            SpanState::Io => "<path d=\"M0 8L8 0M-4 4L4 -4M4 12L12 4\" stroke=\"#fff\" stroke-opacity=\"0.6\" stroke-width=\"1.5\"/>",
            SpanState::LockWait => "<path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#fff\" stroke-opacity=\"0.6\" stroke-width=\"1.5\"/>",
            SpanState::Spawn => "<rect x=\"1\" y=\"1\" width=\"2\" height=\"2\" fill=\"#fff\" fill-opacity=\"0.65\"/><rect x=\"5\" y=\"5\" width=\"2\" height=\"2\" fill=\"#fff\" fill-opacity=\"0.65\"/>",
            SpanState::Copy => "<rect x=\"1\" width=\"2\" height=\"8\" fill=\"#fff\" fill-opacity=\"0.65\"/><rect x=\"5\" width=\"2\" height=\"8\" fill=\"#fff\" fill-opacity=\"0.65\"/>",
        };
        s.push_str(&format!(
            "<pattern id=\"p-{}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"{}\"/>{overlay}</pattern>\n",
            state.id(),
            state.colour()
        ));
    }
    s.push_str("</defs>\n");
    s.push_str(&format!(
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"
    ));
    for t in scale.ticks(80.0) {
        let x = GUTTER + scale.x(t);
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{AXIS}\" x2=\"{x:.1}\" y2=\"{height}\" stroke=\"#e3e8ee\"/><text x=\"{:.1}\" y=\"12\" fill=\"#57606a\">{}</text>\n",
            x + 2.0,
            format_ms(t)
        ));
    }
    let mut y = AXIS;
    for t in traces {
        let rows = rows_of(t);
        s.push_str(&format!(
            "<g data-model=\"{}\"><text x=\"4\" y=\"{:.1}\" font-weight=\"600\" font-size=\"13\" fill=\"#1b1f24\">{} — {}</text>\n",
            t.model.id(),
            y + 15.0,
            t.model.id(),
            xml(&format_ms(t.wall_ms()))
        ));
        y += HEAD;
        for row in 0..rows {
            let label = if row + 1 == rows && t.lanes > rows {
                format!("+{} more", t.lanes - rows + 1)
            } else {
                lane_name(t.model, row)
            };
            s.push_str(&format!(
                "<text x=\"4\" y=\"{:.1}\" fill=\"#57606a\">{}</text>\n",
                y + f64::from(row) * ROW + 12.0,
                xml(&label)
            ));
        }
        for span in &t.spans {
            let row = span.lane.min(rows - 1);
            let x0 = GUTTER + scale.x(span.start - t.start);
            let x1 = GUTTER + scale.x(span.end - t.start);
            let fill = match span.state {
                SpanState::Cpu => span.state.colour().to_string(),
                other => format!("url(#p-{})", other.id()),
            };
            s.push_str(&format!(
                "<rect class=\"{}\" x=\"{x0:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"{fill}\"/>\n",
                span.state.id(),
                y + f64::from(row) * ROW + 3.0,
                // The page's 1 px gap between touching spans, so they stay countable.
                (x1 - x0 - 1.0).max(0.5),
                ROW - 6.0
            ));
        }
        s.push_str("</g>\n");
        y += f64::from(rows) * ROW + GAP;
    }
    s.push_str("</svg>\n");
    Svg {
        text: s,
        width,
        height,
    }
}

//! Traces from elsewhere, drawn beside conpar's own: the Chrome trace a generated Python
//! program writes (see [`crate::core::python::program`]), or any Chrome Trace Event file with complete (`X`)
//! events, such as viztracer's. Bad input is refused with a sentence, never half-drawn.

use crate::core::measure::trace::{Model, ModelTrace, Span, SpanState, NO_TASK};
use serde_json::Value;

/// The largest trace file the page reads.
pub const MAX_TRACE_BYTES: usize = 32 * 1024 * 1024;
/// The most spans drawn from one file.
pub const MAX_EVENTS: usize = 400_000;
/// The most lanes one file may have.
pub const MAX_LANES: u32 = 256;

/// A trace read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// What its panel is called: "CPython 3.11.7 · gil", or the file's name.
    pub label: String,
    /// The model it ran, when the file says (lanes are named after it).
    pub model: Option<Model>,
    pub python: Option<String>,
    /// Whether the GIL was on, when the file says.
    pub gil: Option<bool>,
    pub workers: Option<u32>,
    /// The workload text, when the file says (its planned waits measure stalls).
    pub workload: Option<String>,
    pub trace: ModelTrace,
    /// For a run recorded in a browser and carried in a link: where it was recorded (its
    /// panel's subtitle) …
    pub recorded: Option<String>,
    /// … and the row its own page computed.
    pub result: Option<crate::core::analysis::results::ModelResult>,
}

/// A span's state from an event's name: conpar's own names, else a guess (a call that waits
/// or sleeps is I/O, anything else computes).
fn state_of(name: &str) -> SpanState {
    if let Some(s) = SpanState::ALL.into_iter().find(|s| s.id() == name) {
        return s;
    }
    let lower = name.to_ascii_lowercase();
    let waits = [
        "sleep", "wait", "select", "poll", "recv", "read", "accept", "connect",
    ];
    if waits.iter().any(|w| lower.contains(w)) {
        SpanState::Io
    } else {
        SpanState::Cpu
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64).filter(|x| x.is_finite())
}

/// Reads a Chrome trace (`{"traceEvents": [...]}` or a bare array) named `name`.
///
/// # Errors
/// A sentence for the page: too large, not JSON, not a trace, no spans, too many lanes.
pub fn import(text: &str, name: &str) -> Result<Imported, String> {
    if text.len() > MAX_TRACE_BYTES {
        return Err(format!(
            "{name} is {:.1} MB; the page reads traces of up to {} MB.",
            text.len() as f64 / 1048576.0,
            MAX_TRACE_BYTES / 1048576
        ));
    }
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        format!("{name} is not JSON ({e}); a trace is a Chrome Trace Event JSON file.")
    })?;
    let (events, other) = match &doc {
        Value::Array(events) => (events, None),
        Value::Object(map) => match map.get("traceEvents") {
            Some(Value::Array(events)) => (events, map.get("otherData")),
            _ => {
                return Err(format!(
                    "{name} is JSON but not a trace: it has no traceEvents list."
                ))
            }
        },
        _ => return Err(format!("{name} is JSON but not a trace.")),
    };
    let other = other.and_then(Value::as_object);
    let field = |k: &str| other.and_then(|o| o.get(k));
    let ours = field("generator").and_then(Value::as_str) == Some("conpar");
    let model = field("model")
        .and_then(Value::as_str)
        .and_then(Model::from_id);
    let python = field("python").and_then(Value::as_str).map(str::to_string);
    // Complete events: (lane key, name, start µs, duration µs, task, step).
    let mut complete = Vec::new();
    for e in events {
        if e.get("ph").and_then(Value::as_str) != Some("X") {
            continue;
        }
        let (Some(ts), Some(dur)) = (number(e.get("ts")), number(e.get("dur"))) else {
            continue;
        };
        if complete.len() == MAX_EVENTS {
            return Err(format!(
                "{name} has more than {MAX_EVENTS} spans; record a shorter run."
            ));
        }
        let key = (
            e.get("pid").map(Value::to_string).unwrap_or_default(),
            e.get("tid").map(Value::to_string).unwrap_or_default(),
        );
        let args = e.get("args");
        let int = |k: &str| {
            args.and_then(|a| a.get(k))
                .and_then(Value::as_u64)
                .and_then(|x| u32::try_from(x).ok())
        };
        complete.push((
            key,
            e.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            ts,
            dur.max(0.0),
            int("task"),
            int("step").unwrap_or(0),
        ));
    }
    if complete.is_empty() {
        return Err(format!(
            "{name} is a trace with no spans: it needs complete (\"ph\": \"X\") events."
        ));
    }
    // Lanes: conpar's own files number them; others are numbered in the order their threads
    // first ran.
    crate::core::sort::sort_by(&mut complete, |a, b| {
        a.2.total_cmp(&b.2).then(b.3.total_cmp(&a.3))
    });
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut lane_of = |key: &(String, String)| -> u32 {
        if ours {
            if let Ok(lane) = key.1.parse::<u32>() {
                return lane;
            }
        }
        match keys.iter().position(|k| k == key) {
            Some(i) => i as u32,
            None => {
                keys.push(key.clone());
                keys.len() as u32 - 1
            }
        }
    };
    let lanes: Vec<u32> = complete.iter().map(|c| lane_of(&c.0)).collect();
    let lane_count = lanes.iter().max().map_or(1, |l| l + 1);
    if lane_count > MAX_LANES {
        return Err(format!(
            "{name} has {lane_count} threads; the page draws up to {MAX_LANES}."
        ));
    }
    // Nested calls (a profiler's trace): only the innermost are drawn, so a lane shows what
    // it was doing rather than every frame above it.
    let mut spans = Vec::new();
    for (i, c) in complete.iter().enumerate() {
        let end = c.2 + c.3;
        if !ours {
            let inner = complete[i + 1..]
                .iter()
                .zip(&lanes[i + 1..])
                .take_while(|(d, _)| d.2 < end)
                .any(|(_, &lane)| lane == lanes[i]);
            if inner {
                continue;
            }
        }
        spans.push(Span {
            lane: lanes[i],
            task: c.4.unwrap_or(NO_TASK),
            step: c.5,
            state: state_of(&c.1),
            start: c.2 / 1000.0,
            end: end / 1000.0,
        });
    }
    let first = spans.iter().map(|s| s.start).fold(f64::INFINITY, f64::min);
    let last = spans.iter().map(|s| s.end).fold(0.0, f64::max);
    let (start, end) = match number(field("wall_ms")) {
        Some(wall) if ours => (0.0, wall.max(last)),
        _ => (first, last),
    };
    let label = match (&python, model) {
        (Some(v), Some(m)) => format!(
            "{} {v} · {m}",
            match field("implementation").and_then(Value::as_str) {
                Some("cpython") | None => "CPython",
                Some(_) => "Python",
            }
        ),
        _ => name.to_string(),
    };
    Ok(Imported {
        label,
        model,
        python,
        gil: field("gil").and_then(Value::as_bool),
        workers: field("workers")
            .and_then(Value::as_u64)
            .and_then(|w| u32::try_from(w).ok()),
        workload: field("workload")
            .and_then(Value::as_str)
            .map(str::to_string),
        trace: ModelTrace {
            model: model.unwrap_or(Model::Gil),
            lanes: lane_count,
            start,
            end,
            checksum: 0,
            spans,
        },
        recorded: None,
        result: None,
    })
}

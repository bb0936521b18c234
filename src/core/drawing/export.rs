//! Trace export in the Chrome Trace Event format, which Perfetto and chrome://tracing open.

use crate::core::analysis::results::ModelResult;
use crate::core::drawing::scene::{
    longest, paint, panel_scene, pattern, plot_area, state_meaning, Anchor, Bar, Hand, HandKind,
    Label, LiveTrace, Mark, Painter, PanelScene, View, TILE,
};
use crate::core::measure::trace::SpanState;
use crate::core::measure::trace::{ModelTrace, NO_TASK};
use crate::core::measure::units::format_ms;
use serde_json::{json, Value};

pub use crate::core::drawing::scene::lane_name;

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
        // With repeats, every run of a model is its own process, labelled with its turn.
        let runs = traces.iter().filter(|t| t.model == trace.model).count();
        if runs > 1 {
            let turn = traces[..=index]
                .iter()
                .filter(|t| t.model == trace.model)
                .count();
            events.push(json!({
                "ph": "M", "pid": pid, "tid": 0, "name": "process_labels",
                "args": { "labels": format!("repeat {turn} of {runs}") }
            }));
        }
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
    // The shared clock is `performance.timeOrigin + performance.now()`, the wall clock in ms,
    // so the run's start and end line up with the traces of other frames and tabs.
    let end = traces.iter().map(|t| t.end).fold(origin, f64::max);
    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "tool": "conpar",
            "results": results,
            "start_epoch_ms": origin,
            "end_epoch_ms": end
        }
    })
}

/// The results as CSV, one row per model (RFC 4180: model ids need no quoting).
pub fn results_csv(results: &[ModelResult]) -> String {
    let mut out = String::from(
        "model,wall_ms,speedup,cpu_ms,io_ms,lock_wait_ms,spawn_ms,copy_ms,lanes,utilisation,checksum,finish_p50_ms,finish_p95_ms,finish_worst_ms,stall_p50_ms,stall_p95_ms,stall_worst_ms,worst_task,sem_wait_ms\n",
    );
    for r in results {
        let speedup = r.speedup.map_or(String::new(), |s| format!("{s:.4}"));
        let latency = r.latency.as_ref().map_or(",,,,,,".to_string(), |l| {
            format!(
                "{:.3},{:.3},{:.3},{:.3},{:.3},{:.3},{}",
                l.finish_p50_ms,
                l.finish_p95_ms,
                l.finish_worst_ms,
                l.stall_p50_ms,
                l.stall_p95_ms,
                l.stall_worst_ms,
                l.worst_task
            )
        });
        out.push_str(&format!(
            "{},{:.3},{},{:.3},{:.3},{:.3},{:.3},{:.3},{},{:.4},{},{latency},{:.3}\n",
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
            r.checksum,
            r.sem_wait_ms
        ));
    }
    out
}

/// Escapes text for XML.
pub(crate) fn xml(text: &str) -> String {
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

/// Height of a panel's title line in the SVG.
const TITLE_H: f64 = 22.0;
/// Space after each panel.
const PANEL_GAP: f64 = 10.0;
/// Height of the caption and legend lines at the top.
const CAPTION_H: f64 = 40.0;

/// The fill of a bar: plain colour for `cpu`, the state's pattern otherwise.
fn svg_fill(state: SpanState) -> String {
    if pattern(state).is_empty() {
        state.colour().to_string()
    } else {
        format!("url(#p-{})", state.id())
    }
}

/// The timeline as a standalone SVG: a caption (`caption`, e.g. the workload and the models), a
/// legend, then a panel per model on one time axis. Each panel is the same [`PanelScene`] the
/// page's canvas paints, so the two cannot disagree.
pub fn timeline_svg(traces: &[ModelTrace], caption: &str, width: f64) -> Svg {
    svg_of(traces, caption, width, Reveal::All)
}

/// How much of the run a picture shows.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reveal {
    All,
    /// Growing from the left in real time, then held (SMIL).
    Animated,
    /// As the animated picture shows it `ms` into the run: what was measured by then, and the
    /// clock's hand at its edge.
    At(f64),
}

/// Seconds an animated timeline holds its last frame before it plays again.
pub const HOLD_S: f64 = 2.0;

/// The same picture, animated for sites that take an image but no iframe: each panel's
/// timeline grows from the left as the run was measured, in real time on the shared axis (a
/// clock hand at its edge), holds its end for [`HOLD_S`] seconds and plays again. SMIL only: no
/// script and no external reference, so it plays inside an `<img>`.
pub fn animated_timeline_svg(traces: &[ModelTrace], caption: &str, width: f64) -> Svg {
    svg_of(traces, caption, width, Reveal::Animated)
}

/// The frames of the same picture for an animated GIF (for sites that take GIFs but no SVG):
/// each a still of the animated SVG at its instant, at most `max` of them, about 10 a second
/// of the run in real time, the last one the whole run; with each frame's delay in ms (the last
/// held for [`HOLD_S`]).
pub fn timeline_frames(
    traces: &[ModelTrace],
    caption: &str,
    width: f64,
    max: usize,
) -> Vec<(Svg, u32)> {
    let live: Vec<LiveTrace> = traces.iter().map(LiveTrace::finished).collect();
    let run_ms = longest(&live, 0.0).max(1.0);
    let count = ((run_ms / 100.0).ceil() as usize + 1).clamp(2, max.max(2));
    let step = run_ms / (count - 1) as f64;
    (0..count)
        .map(|i| {
            let at = step * i as f64;
            let last = i + 1 == count;
            let delay = if last {
                (HOLD_S * 1000.0) as u32
            } else {
                step.round().max(20.0) as u32
            };
            let reveal = if last { Reveal::All } else { Reveal::At(at) };
            (svg_of(traces, caption, width, reveal), delay)
        })
        .collect()
}

fn svg_of(traces: &[ModelTrace], caption: &str, width: f64, reveal: Reveal) -> Svg {
    let animated = reveal == Reveal::Animated;
    let live: Vec<LiveTrace> = traces.iter().map(LiveTrace::finished).collect();
    let longest_ms = longest(&live, 0.0);
    let view = View::default();
    let scenes: Vec<PanelScene> = live
        .iter()
        .map(|t| panel_scene(t, &view, longest_ms, 0.0, width))
        .collect();
    let height = CAPTION_H
        + scenes
            .iter()
            .map(|p| TITLE_H + p.height + PANEL_GAP)
            .sum::<f64>();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\n"
    );
    s.push_str("<title>conpar timeline</title>\n<defs>\n");
    for state in SpanState::ALL {
        if pattern(state).is_empty() {
            continue;
        }
        s.push_str(&format!(
            "<pattern id=\"p-{}\" width=\"{TILE}\" height=\"{TILE}\" patternUnits=\"userSpaceOnUse\"><rect width=\"{TILE}\" height=\"{TILE}\" fill=\"{}\"/>",
            state.id(),
            state.colour()
        ));
        for mark in pattern(state) {
            s.push_str(&match *mark {
                Mark::Line(x0, y0, x1, y1) => format!("<path d=\"M{x0} {y0}L{x1} {y1}\" stroke=\"#fff\" stroke-opacity=\"0.6\" stroke-width=\"1.5\"/>"),
                Mark::Block(x, y, w, h) => format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#fff\" fill-opacity=\"0.65\"/>"),
            });
        }
        s.push_str("</pattern>\n");
    }
    let (left, plot_w) = plot_area(width);
    // One reveal for every panel: they share the axis, so one clock uncovers them all.
    let run_s = (longest_ms / 1000.0).max(0.1);
    let total = run_s + HOLD_S;
    let grow = |attribute: &str, from: f64, to: f64| {
        format!(
            "<animate attributeName=\"{attribute}\" values=\"{from:.1};{to:.1};{to:.1}\" keyTimes=\"0;{:.4};1\" dur=\"{total:.3}s\" repeatCount=\"indefinite\"/>",
            run_s / total
        )
    };
    // A still of the growing picture: the edge `at` ms into the run.
    let edge = match reveal {
        Reveal::At(at) => Some(left + plot_w * (at / longest_ms.max(1e-9)).clamp(0.0, 1.0)),
        _ => None,
    };
    if animated {
        s.push_str(&format!(
            "<clipPath id=\"grow\"><rect x=\"0\" y=\"-1000\" width=\"{left:.1}\" height=\"100000\">{}</rect></clipPath>\n",
            grow("width", left, left + plot_w)
        ));
    } else if let Some(x) = edge {
        s.push_str(&format!(
            "<clipPath id=\"grow\"><rect x=\"0\" y=\"-1000\" width=\"{x:.1}\" height=\"100000\"/></clipPath>\n"
        ));
    }
    s.push_str("</defs>\n");
    s.push_str(&format!(
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n<text x=\"4\" y=\"14\" font-size=\"12\" fill=\"#1b1f24\">{}</text>\n",
        xml(caption)
    ));
    // The legend: every state the picture draws, with its swatch (all six would not fit on
    // one line of a narrow picture, and a state it does not draw explains nothing).
    let mut x = 4.0;
    let drawn = SpanState::ALL.into_iter().filter(|&state| {
        traces
            .iter()
            .flat_map(|t| &t.spans)
            .any(|s| s.state == state)
    });
    for state in drawn {
        let text = format!("{}: {}", state.id(), state_meaning(state));
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"24\" width=\"18\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"33\" fill=\"#57606a\">{}</text>\n",
            svg_fill(state),
            x + 22.0,
            xml(&text)
        ));
        x += 34.0 + text.chars().count() as f64 * 6.0;
    }
    let mut y = CAPTION_H;
    for (scene, trace) in scenes.iter().zip(traces) {
        s.push_str(&format!(
            "<g data-model=\"{}\"><text x=\"4\" y=\"{:.1}\" font-weight=\"600\" font-size=\"13\" fill=\"#1b1f24\">{} — {}</text>\n",
            scene.model.id(),
            y + 15.0,
            scene.model.id(),
            xml(&format_ms(trace.wall_ms()))
        ));
        y += TITLE_H;
        s.push_str(&format!("<g transform=\"translate(0 {y:.1})\">\n"));
        if animated {
            s.push_str("<g clip-path=\"url(#grow)\">\n");
            paint(scene, &mut SvgPainter(&mut s));
            // The clock's hand, at the edge of what has been measured.
            s.push_str(&format!(
                "</g><line x1=\"{left:.1}\" x2=\"{left:.1}\" y1=\"0\" y2=\"{:.1}\" stroke=\"#1b1f24\" stroke-width=\"1\">{}{}</line>\n",
                scene.height,
                grow("x1", left, left + plot_w),
                grow("x2", left, left + plot_w)
            ));
        } else if let Some(x) = edge {
            s.push_str("<g clip-path=\"url(#grow)\">\n");
            paint(scene, &mut SvgPainter(&mut s));
            s.push_str(&format!(
                "</g><line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"0\" y2=\"{:.1}\" stroke=\"#1b1f24\" stroke-width=\"1\"/>\n",
                scene.height
            ));
        } else {
            paint(scene, &mut SvgPainter(&mut s));
        }
        s.push_str("</g></g>\n");
        y += scene.height + PANEL_GAP;
    }
    s.push_str("</svg>\n");
    Svg {
        text: s,
        width,
        height,
    }
}

/// Writes a panel's scene as SVG elements, in the panel's own coordinates.
pub struct SvgPainter<'a>(pub &'a mut String);

impl Painter for SvgPainter<'_> {
    fn tick(&mut self, x: f64, bottom: f64, label: &Label) {
        let anchor = match label.anchor {
            Anchor::Start => "start",
            Anchor::End => "end",
        };
        self.0.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"2\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#e3e8ee\"/><text class=\"tick\" x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#57606a\">{}</text>\n",
            label.x,
            label.y,
            xml(&label.text)
        ));
    }

    fn lane_label(&mut self, label: &Label) {
        self.0.push_str(&format!(
            "<text class=\"lane\" x=\"{}\" y=\"{:.1}\" fill=\"#57606a\">{}</text>\n",
            label.x,
            label.y,
            xml(&label.text)
        ));
    }

    fn begin_plot(&mut self, left: f64, width: f64, height: f64) {
        // A nested SVG viewport clips the bars to the plot, as the canvas's clip rectangle does.
        self.0.push_str(&format!(
            "<svg x=\"{left}\" y=\"0\" width=\"{width:.2}\" height=\"{height:.1}\" viewBox=\"{left} 0 {width:.2} {height:.1}\" overflow=\"hidden\">\n"
        ));
    }

    fn bar(&mut self, bar: &Bar) {
        if bar.outline {
            self.0.push_str(&format!(
                "<rect class=\"outline\" x=\"{:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"none\" stroke=\"#b35c00\" stroke-width=\"2\"/>\n",
                bar.x - 1.0,
                bar.y - 1.0,
                bar.w + 2.0,
                bar.h + 2.0
            ));
            return;
        }
        self.0.push_str(&format!(
            "<rect class=\"{}\" x=\"{:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"{}\"{}/>\n",
            bar.state.id(),
            bar.x,
            bar.y,
            bar.w,
            bar.h,
            svg_fill(bar.state),
            if bar.open { " fill-opacity=\"0.55\"" } else { "" }
        ));
    }

    fn hand(&mut self, hand: &Hand, top: f64, height: f64) {
        let colour = match hand.kind {
            HandKind::Now => "#1b1f24",
            HandKind::Cursor => "#b35c00",
        };
        self.0.push_str(&format!(
            "<rect class=\"hand\" x=\"{:.2}\" y=\"{top}\" width=\"1.5\" height=\"{height}\" fill=\"{colour}\"/>\n",
            hand.x - 0.75
        ));
    }

    fn end_plot(&mut self) {
        self.0.push_str("</svg>\n");
    }
}

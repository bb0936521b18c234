//! The side-by-side timeline: one panel per model, each with a short explanation beside its own
//! canvas, all on one shared time axis (each panel's zero is its model's start, so the slower
//! run is visibly longer). A row per lane; spans coloured *and* patterned by state, so colour is
//! never the only cue. Zoom, pan, hover and scrub act on all panels at once.

use crate::core::export::lane_name;
use crate::core::layout::{format_ms, TimeScale};
use crate::core::trace::{Model, ModelResult, ModelTrace, Span, SpanState, NO_TASK};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    CanvasPattern, CanvasRenderingContext2d, Document, Element, HtmlCanvasElement, HtmlElement,
};

/// Rows drawn per panel; further lanes (thousands of pending waits under `async`) share the last.
pub const MAX_ROWS: u32 = 10;
const ROW_H: f64 = 20.0;
const AXIS_H: f64 = 18.0;
const GUTTER: f64 = 78.0;
const RIGHT_PAD: f64 = 8.0;

/// One model's spans as they arrive.
pub struct LiveTrace {
    pub model: Model,
    pub spans: Vec<Span>,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub lanes: u32,
    pub checksum: Option<u64>,
    pub error: Option<String>,
    /// Spans in progress (their `end` is their start), drawn up to the clock's hand.
    pub open: Vec<Span>,
    first_span: f64,
    last_span: f64,
}

impl LiveTrace {
    pub fn new(model: Model) -> LiveTrace {
        LiveTrace {
            model,
            spans: Vec::new(),
            start: None,
            end: None,
            lanes: 0,
            checksum: None,
            error: None,
            open: Vec::new(),
            first_span: f64::INFINITY,
            last_span: f64::NEG_INFINITY,
        }
    }

    pub fn add(&mut self, spans: Vec<Span>) {
        for s in &spans {
            self.lanes = self.lanes.max(s.lane + 1);
            self.first_span = self.first_span.min(s.start);
            self.last_span = self.last_span.max(s.end);
        }
        self.spans.extend(spans);
    }

    pub fn completed(&self) -> Option<ModelTrace> {
        Some(ModelTrace {
            model: self.model,
            lanes: self.lanes,
            start: self.start?,
            end: self.end?,
            checksum: self.checksum?,
            spans: self.spans.clone(),
        })
    }

    /// The panel's time zero: the model's start, or its first span while it runs.
    pub fn origin(&self) -> Option<f64> {
        self.start
            .or(Some(self.first_span).filter(|t| t.is_finite()))
    }

    /// How long the panel is, in ms: finished, its wall time; running, up to `now`.
    pub fn extent(&self, now: f64) -> f64 {
        match (self.origin(), self.end) {
            (Some(o), Some(e)) => e - o,
            (Some(o), None) if self.error.is_none() => now - o,
            (Some(o), None) => self.last_span - o,
            _ => 0.0,
        }
    }
}

/// Where the plot sits in a panel canvas `css_width` CSS pixels wide: its left edge and its
/// width (lane labels take the left, a small margin the right).
pub fn plot_area(css_width: f64) -> (f64, f64) {
    (
        GUTTER,
        (css_width.max(200.0) - GUTTER - RIGHT_PAD).max(40.0),
    )
}

/// The longest panel, which sets the shared axis.
pub fn longest(traces: &[LiveTrace], now: f64) -> f64 {
    traces.iter().map(|t| t.extent(now)).fold(1.0, f64::max)
}

struct Palette {
    background: &'static str,
    text: &'static str,
    muted: &'static str,
    grid: &'static str,
    cursor: &'static str,
}

const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1b1f24",
    muted: "#57606a",
    grid: "#e3e8ee",
    cursor: "#b35c00",
};
const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    muted: "#9aa5b1",
    grid: "#262c34",
    cursor: "#f0a030",
};

/// A small tile with the state's colour and its own pattern.
fn make_pattern(
    doc: &Document,
    ctx: &CanvasRenderingContext2d,
    state: SpanState,
) -> Result<Option<CanvasPattern>, JsValue> {
    let tile: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    tile.set_width(8);
    tile.set_height(8);
    let t: CanvasRenderingContext2d = tile.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
    t.set_fill_style_str(state.colour());
    t.fill_rect(0.0, 0.0, 8.0, 8.0);
    t.set_stroke_style_str("rgba(255,255,255,0.6)");
    t.set_fill_style_str("rgba(255,255,255,0.65)");
    t.set_line_width(1.5);
    match state {
        SpanState::Cpu => {}
        SpanState::Io => {
            t.begin_path();
            for (x0, y0, x1, y1) in [
                (0.0, 8.0, 8.0, 0.0),
                (-4.0, 4.0, 4.0, -4.0),
                (4.0, 12.0, 12.0, 4.0),
            ] {
                t.move_to(x0, y0);
                t.line_to(x1, y1);
            }
            t.stroke();
        }
        SpanState::LockWait => {
            t.begin_path();
            t.move_to(0.0, 0.0);
            t.line_to(8.0, 8.0);
            t.move_to(8.0, 0.0);
            t.line_to(0.0, 8.0);
            t.stroke();
        }
        SpanState::Spawn => {
            t.fill_rect(1.0, 1.0, 2.0, 2.0);
            t.fill_rect(5.0, 5.0, 2.0, 2.0);
        }
        SpanState::Copy => {
            t.fill_rect(1.0, 0.0, 2.0, 8.0);
            t.fill_rect(5.0, 0.0, 2.0, 8.0);
        }
    }
    ctx.create_pattern_with_html_canvas_element(&tile, "repeat")
}

struct Panel {
    model: Model,
    root: HtmlElement,
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    stat: Element,
    patterns: Vec<(SpanState, CanvasPattern)>,
    /// What the canvas shows now; a panel whose key did not change is not drawn again (a
    /// finished model's panel stays still while the running one grows).
    drawn: Option<DrawKey>,
}

#[derive(Clone, Debug, PartialEq)]
struct DrawKey {
    size: (u32, u32),
    window: (u64, u64),
    cursor: Option<u64>,
    spans: usize,
    open: Vec<(u32, u8, u64)>,
    /// The clock, for a panel whose model is running (its hand moves).
    now: Option<u64>,
    finished: bool,
    dark: bool,
}

impl Drop for Panel {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// The visible time window and the scrub position, shared by all panels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct View {
    /// Zoomed window as fractions (0..1) of the full axis; `None` shows everything.
    pub zoom: Option<(f64, f64)>,
    /// Scrub position in ms: spans after it are hidden. `None` shows the whole run.
    pub cursor: Option<f64>,
}

/// A span found under the pointer.
pub struct Hit {
    pub model: Model,
    pub span: Span,
    pub origin: f64,
}

pub struct Timeline {
    doc: Document,
    container: Element,
    panels: Vec<Panel>,
    pub view: View,
}

impl Timeline {
    pub fn new(doc: &Document) -> Result<Timeline, JsValue> {
        let container = doc
            .get_element_by_id("panels")
            .ok_or("the page has no #panels")?;
        Ok(Timeline {
            doc: doc.clone(),
            container,
            panels: Vec::new(),
            view: View::default(),
        })
    }

    /// Builds one panel per model (kept when the models are the same).
    pub fn set_models(&mut self, models: &[Model]) -> Result<(), JsValue> {
        if self
            .panels
            .iter()
            .map(|p| p.model)
            .eq(models.iter().copied())
        {
            return Ok(());
        }
        self.panels.clear();
        for &model in models {
            let root: HtmlElement = self.doc.create_element("article")?.dyn_into()?;
            root.set_class_name("panel");
            root.set_attribute("data-model", model.id())?;
            let head = self.doc.create_element("div")?;
            head.set_class_name("panel-head");
            let title = self.doc.create_element("h3")?;
            title.set_text_content(Some(model.id()));
            let py = self.doc.create_element("span")?;
            py.set_class_name("py");
            py.set_text_content(Some(model.python()));
            title.append_child(&py)?;
            let stat = self.doc.create_element("p")?;
            stat.set_class_name("panel-stat");
            stat.set_text_content(Some("waiting"));
            let explain = self.doc.create_element("p")?;
            explain.set_class_name("explain");
            explain.set_text_content(Some(model.explanation()));
            head.append_child(&title)?;
            head.append_child(&stat)?;
            head.append_child(&explain)?;
            let canvas: HtmlCanvasElement = self.doc.create_element("canvas")?.dyn_into()?;
            canvas.set_tab_index(0);
            canvas.set_attribute("data-model", model.id())?;
            canvas.set_attribute("role", "img")?;
            canvas.set_attribute(
                "aria-label",
                &format!("{model} timeline; the table under the timeline lists the same spans"),
            )?;
            root.append_child(&head)?;
            root.append_child(&canvas)?;
            self.container.append_child(&root)?;
            let ctx: CanvasRenderingContext2d = canvas
                .get_context("2d")?
                .ok_or("this browser gives no 2D canvas")?
                .dyn_into()?;
            let mut patterns = Vec::new();
            for s in SpanState::ALL {
                if let Some(p) = make_pattern(&self.doc, &ctx, s)? {
                    patterns.push((s, p));
                }
            }
            self.panels.push(Panel {
                model,
                root,
                canvas,
                ctx,
                stat,
                patterns,
                drawn: None,
            });
        }
        Ok(())
    }

    /// The visible window in ms for a run whose longest panel lasts `longest` ms.
    pub fn window(&self, longest: f64) -> (f64, f64) {
        let full = longest * 1.02;
        match self.view.zoom {
            Some((a, b)) => (a * full, b * full),
            None => (0.0, full),
        }
    }

    /// Zooms by `factor` (< 1 zooms in) around `centre` (0..1 of the visible window).
    pub fn zoom(&mut self, factor: f64, centre: f64) {
        let (a, b) = self.view.zoom.unwrap_or((0.0, 1.0));
        let width = ((b - a) * factor).clamp(0.002, 1.0);
        let pivot = a + (b - a) * centre.clamp(0.0, 1.0);
        let mut start = pivot - width * centre.clamp(0.0, 1.0);
        start = start.clamp(0.0, 1.0 - width);
        self.view.zoom = if width >= 1.0 {
            None
        } else {
            Some((start, start + width))
        };
    }

    /// Pans by `fraction` of the visible window (negative: earlier).
    pub fn pan(&mut self, fraction: f64) {
        if let Some((a, b)) = self.view.zoom {
            let width = b - a;
            let start = (a + width * fraction).clamp(0.0, 1.0 - width);
            self.view.zoom = Some((start, start + width));
        }
    }

    /// The plot's width in CSS pixels for a panel's canvas.
    fn plot_width(canvas: &HtmlCanvasElement) -> f64 {
        plot_area(f64::from(canvas.client_width())).1
    }

    /// The span under a point of a panel's canvas (CSS pixels from its top left).
    pub fn hit(&self, traces: &[LiveTrace], model: Model, x: f64, y: f64, now: f64) -> Option<Hit> {
        let panel = self.panels.iter().find(|p| p.model == model)?;
        let trace = traces.iter().find(|t| t.model == model)?;
        let origin = trace.origin()?;
        let (from, to) = self.window(longest(traces, now));
        let scale = TimeScale::new(from, to, Self::plot_width(&panel.canvas));
        let rows = trace.lanes.clamp(1, MAX_ROWS);
        let row = ((y - AXIS_H) / ROW_H).floor();
        if row < 0.0 || row >= f64::from(rows) || x < GUTTER {
            return None;
        }
        let row = row as u32;
        let t = scale.ms_at(x - GUTTER);
        // A tolerance of 3 px, so a 1 px span can still be pointed at.
        let slack = 3.0 * (to - from) / scale.width_px;
        trace
            .spans
            .iter()
            .filter(|s| s.lane.min(rows - 1) == row)
            .filter(|s| s.start - origin - slack <= t && t <= s.end - origin + slack)
            .min_by(|a, b| {
                let da = ((a.start + a.end) / 2.0 - origin - t).abs();
                let db = ((b.start + b.end) / 2.0 - origin - t).abs();
                da.total_cmp(&db)
            })
            .map(|s| Hit {
                model,
                span: *s,
                origin,
            })
    }

    /// Draws every panel. `now` is the shared clock, so a running model's panel grows.
    pub fn draw(
        &mut self,
        traces: &[LiveTrace],
        results: &[ModelResult],
        now: f64,
    ) -> Result<(), JsValue> {
        let win = web_sys::window().ok_or("no window")?;
        let dark = win
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let pal = if dark { &DARK } else { &LIGHT };
        let dpr = win.device_pixel_ratio().max(1.0);
        let longest_ms = longest(traces, now);
        let (from, to) = self.window(longest_ms);
        // The visible window, for scripts and tests: "from,to[,cursor]" in ms.
        let mut view = format!("{from:.2},{to:.2}");
        if let Some(c) = self.view.cursor {
            view.push_str(&format!(",{c:.2}"));
        }
        self.container.set_attribute("data-view", &view)?;
        let cursor = self.view.cursor;
        for panel in &mut self.panels {
            let trace = traces.iter().find(|t| t.model == panel.model);
            let result = results.iter().find(|r| r.model == panel.model);
            let stat = match (trace, result) {
                (Some(t), _) if t.error.is_some() => t.error.clone().unwrap_or_default(),
                (_, Some(r)) => {
                    let mut s = format_ms(r.wall_ms);
                    if let Some(x) = r.speedup.filter(|_| r.model != Model::Sequential) {
                        s.push_str(&format!(" · {x:.2}× sequential"));
                    }
                    s
                }
                (Some(t), None) if t.origin().is_some() => "running…".to_string(),
                _ => "waiting".to_string(),
            };
            if panel.stat.text_content().as_deref() != Some(stat.as_str()) {
                panel.stat.set_text_content(Some(&stat));
            }
            let rows = trace.map_or(1, |t| t.lanes.clamp(1, MAX_ROWS));
            let css_w = f64::from(panel.canvas.client_width().max(200));
            let css_h = AXIS_H + f64::from(rows) * ROW_H + 4.0;
            let (w_px, h_px) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
            let running =
                trace.is_some_and(|t| t.end.is_none() && t.error.is_none() && t.origin().is_some());
            let key = DrawKey {
                size: (w_px, h_px),
                window: (from.to_bits(), to.to_bits()),
                cursor: cursor.map(f64::to_bits),
                spans: trace.map_or(0, |t| t.spans.len()),
                open: trace.map_or(Vec::new(), |t| {
                    t.open
                        .iter()
                        .map(|s| (s.lane, s.state.code(), s.start.to_bits()))
                        .collect()
                }),
                now: running.then(|| now.to_bits()),
                finished: trace.is_some_and(|t| t.end.is_some() || t.error.is_some()),
                dark,
            };
            if panel.drawn.as_ref() == Some(&key) {
                continue;
            }
            panel.drawn = Some(key);
            if panel.canvas.width() != w_px || panel.canvas.height() != h_px {
                panel.canvas.set_width(w_px);
                panel.canvas.set_height(h_px);
                panel
                    .canvas
                    .style()
                    .set_property("height", &format!("{css_h}px"))?;
            }
            let ctx = &panel.ctx;
            ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
            ctx.set_fill_style_str(pal.background);
            ctx.fill_rect(0.0, 0.0, css_w, css_h);
            let (plot_left, plot_width) = plot_area(css_w);
            let scale = TimeScale::new(from, to, plot_width);
            ctx.set_font("11px system-ui, sans-serif");
            ctx.set_line_width(1.0);
            ctx.set_stroke_style_str(pal.grid);
            for t in scale.ticks(70.0) {
                let x = GUTTER + scale.x(t);
                ctx.set_fill_style_str(pal.muted);
                ctx.fill_text(&format_ms(t), x + 3.0, 12.0)?;
                ctx.begin_path();
                ctx.move_to(x.floor() + 0.5, 2.0);
                ctx.line_to(x.floor() + 0.5, css_h);
                ctx.stroke();
            }
            let Some(trace) = trace else { continue };
            for row in 0..rows {
                let label = if row + 1 == rows && trace.lanes > rows {
                    format!("+{} more", trace.lanes - rows + 1)
                } else {
                    lane_name(trace.model, row)
                };
                ctx.set_fill_style_str(pal.muted);
                ctx.fill_text(&label, 4.0, AXIS_H + f64::from(row) * ROW_H + 13.0)?;
            }
            let Some(origin) = trace.origin() else {
                continue;
            };
            ctx.save();
            ctx.begin_path();
            ctx.rect(plot_left, 0.0, plot_width, css_h);
            ctx.clip();
            for state in SpanState::ALL {
                match panel.patterns.iter().find(|(s, _)| *s == state) {
                    Some((_, p)) => ctx.set_fill_style_canvas_pattern(p),
                    None => ctx.set_fill_style_str(state.colour()),
                }
                // Level of detail: per row, the interval already painted in this state. A span
                // that would add less than half a pixel to it is skipped, so thousands of
                // overlapping waits in a shared row, or sub-pixel GIL turns, cost one rect each
                // pixel rather than one each span.
                let mut painted = vec![(f64::NEG_INFINITY, f64::NEG_INFINITY); rows as usize];
                for s in trace.spans.iter().filter(|s| s.state == state) {
                    let start = s.start - origin;
                    let mut end = s.end - origin;
                    if let Some(c) = cursor {
                        if start > c {
                            continue;
                        }
                        end = end.min(c);
                    }
                    if end < from || start > to {
                        continue;
                    }
                    let row = s.lane.min(rows - 1);
                    let x0 = GUTTER + scale.x(start);
                    let x1 = GUTTER + scale.x(end);
                    // 1 px gap between touching spans of a lane keeps them countable.
                    let w = (x1 - x0 - 1.0).max(1.0);
                    let (p0, p1) = &mut painted[row as usize];
                    if x0 >= *p0 && x0 + w <= *p1 + 0.5 {
                        continue;
                    }
                    if x0 <= *p1 + 0.5 && x0 >= *p0 {
                        *p1 = p1.max(x0 + w);
                    } else {
                        (*p0, *p1) = (x0, x0 + w);
                    }
                    ctx.fill_rect(x0, AXIS_H + f64::from(row) * ROW_H + 3.0, w, ROW_H - 6.0);
                }
            }
            if trace.end.is_none() && trace.error.is_none() && cursor.is_none() {
                // What each lane is doing right now, up to the clock hand, lighter.
                ctx.set_global_alpha(0.55);
                for s in &trace.open {
                    match panel.patterns.iter().find(|(st, _)| *st == s.state) {
                        Some((_, p)) => ctx.set_fill_style_canvas_pattern(p),
                        None => ctx.set_fill_style_str(s.state.colour()),
                    }
                    let row = s.lane.min(rows - 1);
                    let x0 = GUTTER + scale.x(s.start - origin);
                    let x1 = GUTTER + scale.x(now - origin);
                    ctx.fill_rect(
                        x0,
                        AXIS_H + f64::from(row) * ROW_H + 3.0,
                        (x1 - x0).max(1.0),
                        ROW_H - 6.0,
                    );
                }
                ctx.set_global_alpha(1.0);
            }
            let hand = match (cursor, trace.end, &trace.error) {
                (Some(c), _, _) => Some((c, pal.cursor)),
                (None, None, None) => Some((now - origin, pal.text)),
                _ => None,
            };
            if let Some((t, colour)) = hand {
                let x = GUTTER + scale.x(t);
                ctx.set_fill_style_str(colour);
                ctx.fill_rect(x - 0.75, AXIS_H - 2.0, 1.5, f64::from(rows) * ROW_H + 4.0);
            }
            ctx.restore();
        }
        Ok(())
    }
}

/// A span's details in words, for the tooltip and the table.
pub fn describe(hit: &Hit) -> String {
    let s = &hit.span;
    let what = match s.state {
        SpanState::Cpu => "computing",
        SpanState::Io => "waiting for I/O",
        SpanState::LockWait => "waiting for the GIL",
        SpanState::Spawn => "starting a worker",
        SpanState::Copy => "copying the payload",
    };
    let task = if s.task == NO_TASK {
        String::new()
    } else {
        format!("task {} · step {} · ", s.task, s.step)
    };
    format!(
        "{} · {}: {what}\n{task}from {} for {}",
        hit.model,
        lane_name(hit.model, s.lane),
        format_ms(s.start - hit.origin),
        format_ms(s.end - s.start)
    )
}

//! The side-by-side timeline, drawn on one canvas: a panel per model on a shared time axis
//! (each panel's zero is its own model's start, so the slower run is visibly longer), a row per
//! lane, spans coloured *and* patterned by state so colour is never the only cue.

use crate::core::export::lane_name;
use crate::core::layout::{format_ms, TimeScale};
use crate::core::trace::{Model, ModelTrace, Span, SpanState};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasPattern, CanvasRenderingContext2d, HtmlCanvasElement};

/// Rows drawn per panel; further lanes (thousands of pending waits under `async`) share the
/// last row.
const MAX_ROWS: u32 = 12;
const ROW_H: f64 = 16.0;
const HEADER_H: f64 = 24.0;
const AXIS_H: f64 = 22.0;
const GUTTER: f64 = 96.0;
const PANEL_GAP: f64 = 10.0;

/// One model's spans as they arrive.
pub struct LiveTrace {
    pub model: Model,
    pub spans: Vec<Span>,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub lanes: u32,
    pub checksum: Option<u64>,
    pub error: Option<String>,
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
    fn origin(&self) -> Option<f64> {
        self.start
            .or(Some(self.first_span).filter(|t| t.is_finite()))
    }

    /// How long the panel is, in ms: finished, its wall time; running, up to `now`.
    fn extent(&self, now: f64) -> f64 {
        match (self.origin(), self.end) {
            (Some(o), Some(e)) => e - o,
            (Some(o), None) if self.error.is_none() => now - o,
            (Some(o), None) => self.last_span - o,
            _ => 0.0,
        }
    }
}

struct Palette {
    background: &'static str,
    text: &'static str,
    muted: &'static str,
    grid: &'static str,
}

const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1b1f24",
    muted: "#57606a",
    grid: "#d8dee4",
};
const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    muted: "#9aa5b1",
    grid: "#30363d",
};

/// Okabe–Ito colours (safe for the common colour-vision deficiencies).
pub fn state_colour(state: SpanState) -> &'static str {
    match state {
        SpanState::Cpu => "#0072B2",
        SpanState::Io => "#56B4E9",
        SpanState::LockWait => "#D55E00",
        SpanState::Spawn => "#999999",
        SpanState::Copy => "#CC79A7",
    }
}

pub struct Timeline {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    patterns: Vec<(SpanState, CanvasPattern)>,
}

/// A small tile with the state's colour and its own pattern.
fn make_pattern(
    ctx: &CanvasRenderingContext2d,
    state: SpanState,
) -> Result<Option<CanvasPattern>, JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let tile: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    tile.set_width(8);
    tile.set_height(8);
    let t: CanvasRenderingContext2d = tile.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
    t.set_fill_style_str(state_colour(state));
    t.fill_rect(0.0, 0.0, 8.0, 8.0);
    t.set_stroke_style_str("rgba(255,255,255,0.55)");
    t.set_fill_style_str("rgba(255,255,255,0.6)");
    t.set_line_width(1.5);
    match state {
        SpanState::Cpu => {}
        SpanState::Io => {
            // diagonal stripes
            t.begin_path();
            t.move_to(0.0, 8.0);
            t.line_to(8.0, 0.0);
            t.move_to(-4.0, 4.0);
            t.line_to(4.0, -4.0);
            t.move_to(4.0, 12.0);
            t.line_to(12.0, 4.0);
            t.stroke();
        }
        SpanState::LockWait => {
            // cross-hatch
            t.begin_path();
            t.move_to(0.0, 0.0);
            t.line_to(8.0, 8.0);
            t.move_to(8.0, 0.0);
            t.line_to(0.0, 8.0);
            t.stroke();
        }
        SpanState::Spawn => {
            t.fill_rect(2.0, 2.0, 2.0, 2.0);
            t.fill_rect(6.0, 6.0, 2.0, 2.0);
        }
        SpanState::Copy => {
            // vertical bars
            t.fill_rect(1.0, 0.0, 2.0, 8.0);
            t.fill_rect(5.0, 0.0, 2.0, 8.0);
        }
    }
    ctx.create_pattern_with_html_canvas_element(&tile, "repeat")
}

impl Timeline {
    pub fn new(canvas: HtmlCanvasElement) -> Result<Timeline, JsValue> {
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or("this browser gives no 2D canvas")?
            .dyn_into()?;
        let mut patterns = Vec::new();
        for s in SpanState::ALL {
            if let Some(p) = make_pattern(&ctx, s)? {
                patterns.push((s, p));
            }
        }
        Ok(Timeline {
            canvas,
            ctx,
            patterns,
        })
    }

    fn fill_for(&self, state: SpanState) {
        match self.patterns.iter().find(|(s, _)| *s == state) {
            Some((_, p)) => self.ctx.set_fill_style_canvas_pattern(p),
            None => self.ctx.set_fill_style_str(state_colour(state)),
        }
    }

    fn rows(trace: &LiveTrace) -> u32 {
        trace.lanes.clamp(1, MAX_ROWS)
    }

    /// Draws the run so far. `now` is the shared clock, so a running model's panel grows.
    pub fn draw(&self, traces: &[LiveTrace], now: f64) -> Result<(), JsValue> {
        let win = web_sys::window().ok_or("no window")?;
        let dark = win
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let pal = if dark { &DARK } else { &LIGHT };
        let dpr = win.device_pixel_ratio().max(1.0);
        let css_width = self.canvas.client_width().max(280) as f64;
        let height = if traces.is_empty() {
            120.0
        } else {
            AXIS_H
                + traces
                    .iter()
                    .map(|t| HEADER_H + f64::from(Self::rows(t)) * ROW_H + PANEL_GAP)
                    .sum::<f64>()
        };
        let (w_px, h_px) = (
            (css_width * dpr).round() as u32,
            (height * dpr).round() as u32,
        );
        if self.canvas.width() != w_px || self.canvas.height() != h_px {
            self.canvas.set_width(w_px);
            self.canvas.set_height(h_px);
            let _ = self
                .canvas
                .style()
                .set_property("height", &format!("{height}px"));
        }
        let ctx = &self.ctx;
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
        ctx.set_fill_style_str(pal.background);
        ctx.fill_rect(0.0, 0.0, css_width, height);
        ctx.set_font("12px system-ui, sans-serif");
        if traces.is_empty() {
            ctx.set_fill_style_str(pal.muted);
            ctx.fill_text(
                "Press Run: each model's real run is drawn here as it happens.",
                12.0,
                60.0,
            )?;
            return Ok(());
        }
        let longest = traces.iter().map(|t| t.extent(now)).fold(1.0, f64::max);
        let plot_w = (css_width - GUTTER - 8.0).max(50.0);
        let scale = TimeScale::new(0.0, longest * 1.02, plot_w);
        // Axis and grid.
        ctx.set_fill_style_str(pal.muted);
        ctx.set_stroke_style_str(pal.grid);
        ctx.set_line_width(1.0);
        for t in scale.ticks(80.0) {
            let x = GUTTER + scale.x(t);
            ctx.fill_text(&format_ms(t), x + 2.0, 14.0)?;
            ctx.begin_path();
            ctx.move_to(x + 0.5, AXIS_H - 4.0);
            ctx.line_to(x + 0.5, height);
            ctx.stroke();
        }
        let mut y = AXIS_H;
        for trace in traces {
            let rows = Self::rows(trace);
            ctx.set_fill_style_str(pal.text);
            ctx.set_font("600 13px system-ui, sans-serif");
            let status = match (&trace.error, trace.end, trace.origin()) {
                (Some(e), _, _) => format!("{} — {e}", trace.model),
                (None, Some(end), Some(o)) => format!("{} — {}", trace.model, format_ms(end - o)),
                (None, None, Some(_)) => format!("{} — running…", trace.model),
                _ => format!("{} — waiting", trace.model),
            };
            ctx.fill_text(&status, 4.0, y + 16.0)?;
            ctx.set_font("11px system-ui, sans-serif");
            y += HEADER_H;
            for row in 0..rows {
                let label = if row + 1 == rows && trace.lanes > rows {
                    format!("+{} more", trace.lanes - rows + 1)
                } else {
                    lane_name(trace.model, row)
                };
                ctx.set_fill_style_str(pal.muted);
                ctx.fill_text(&label, 8.0, y + f64::from(row) * ROW_H + 12.0)?;
            }
            if let Some(origin) = trace.origin() {
                for state in SpanState::ALL {
                    self.fill_for(state);
                    for s in trace.spans.iter().filter(|s| s.state == state) {
                        let row = s.lane.min(rows - 1);
                        let x0 = GUTTER + scale.x(s.start - origin);
                        let x1 = GUTTER + scale.x(s.end - origin);
                        ctx.fill_rect(
                            x0,
                            y + f64::from(row) * ROW_H + 2.0,
                            (x1 - x0).max(1.0),
                            ROW_H - 4.0,
                        );
                    }
                }
                if trace.end.is_none() && trace.error.is_none() {
                    // The clock hand of the running model.
                    let x = GUTTER + scale.x(now - origin);
                    ctx.set_fill_style_str(pal.text);
                    ctx.fill_rect(x, y, 1.5, f64::from(rows) * ROW_H);
                }
            }
            y += f64::from(rows) * ROW_H + PANEL_GAP;
        }
        Ok(())
    }
}

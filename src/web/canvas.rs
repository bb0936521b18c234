//! Paints a timeline panel's [`PanelScene`](crate::core::drawing::scene::PanelScene) on a 2D canvas: the
//! canvas side of the core's `Painter`, with the page's palette (light or dark) and the state
//! patterns as canvas tiles drawn from the same marks as the SVG export's.

use crate::core::drawing::scene::{
    pattern, Anchor, Bar, Hand, HandKind, Label, Mark, Painter, TILE,
};
use crate::core::measure::trace::SpanState;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasPattern, CanvasRenderingContext2d, Document, HtmlCanvasElement};

pub struct Palette {
    pub background: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub grid: &'static str,
    pub cursor: &'static str,
}

pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1b1f24",
    muted: "#57606a",
    grid: "#e3e8ee",
    cursor: "#b35c00",
};

pub const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    muted: "#9aa5b1",
    grid: "#262c34",
    cursor: "#f0a030",
};

/// The state tiles for one canvas context.
pub struct Patterns(Vec<(SpanState, CanvasPattern)>);

thread_local! {
    /// The page's patterns, made once: a pattern copies its tile, and making them for every
    /// panel's context cost the page's start-up ~17 ms of main thread on this desktop (a
    /// pattern fills any context's shapes, whichever context made it).
    static SHARED: std::cell::OnceCell<std::rc::Rc<Patterns>> = const { std::cell::OnceCell::new() };
}

/// Draws the tile of `state`.
fn tile(doc: &Document, state: SpanState) -> Result<HtmlCanvasElement, JsValue> {
    let tile: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    tile.set_width(TILE as u32);
    tile.set_height(TILE as u32);
    let t: CanvasRenderingContext2d = tile
        .get_context("2d")?
        .ok_or("this browser gives no 2D canvas")?
        .dyn_into()?;
    t.set_fill_style_str(state.colour());
    t.fill_rect(0.0, 0.0, TILE, TILE);
    t.set_stroke_style_str("rgba(255,255,255,0.6)");
    t.set_fill_style_str("rgba(255,255,255,0.65)");
    t.set_line_width(1.5);
    t.begin_path();
    for mark in pattern(state) {
        match *mark {
            Mark::Line(x0, y0, x1, y1) => {
                t.move_to(x0, y0);
                t.line_to(x1, y1);
            }
            Mark::Block(x, y, w, h) => t.fill_rect(x, y, w, h),
        }
    }
    t.stroke();
    Ok(tile)
}

impl Patterns {
    /// The page's state patterns, made with `ctx` the first time.
    ///
    /// # Errors
    /// When the browser gives no 2D canvas for a tile.
    pub fn shared(
        doc: &Document,
        ctx: &CanvasRenderingContext2d,
    ) -> Result<std::rc::Rc<Patterns>, JsValue> {
        if let Some(p) = SHARED.with(|s| s.get().cloned()) {
            return Ok(p);
        }
        let mut out = Vec::new();
        for state in SpanState::ALL {
            if pattern(state).is_empty() {
                continue;
            }
            if let Some(p) =
                ctx.create_pattern_with_html_canvas_element(&tile(doc, state)?, "repeat")?
            {
                out.push((state, p));
            }
        }
        let made = std::rc::Rc::new(Patterns(out));
        SHARED.with(|s| {
            let _ = s.set(made.clone());
        });
        Ok(made)
    }

    fn fill(&self, ctx: &CanvasRenderingContext2d, state: SpanState) {
        match self.0.iter().find(|(s, _)| *s == state) {
            Some((_, p)) => ctx.set_fill_style_canvas_pattern(p),
            None => ctx.set_fill_style_str(state.colour()),
        }
    }
}

/// A canvas context ready to paint one panel.
pub struct CanvasPainter<'a> {
    pub ctx: &'a CanvasRenderingContext2d,
    pub patterns: &'a Patterns,
    pub palette: &'a Palette,
}

impl CanvasPainter<'_> {
    /// Clears the panel and sets the font; call before [`crate::core::drawing::scene::paint`].
    pub fn clear(
        &self,
        width: f64,
        height: f64,
        dpr: f64,
        transparent: bool,
    ) -> Result<(), JsValue> {
        self.ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)?;
        if transparent {
            self.ctx.clear_rect(0.0, 0.0, width, height);
        } else {
            self.ctx.set_fill_style_str(self.palette.background);
            self.ctx.fill_rect(0.0, 0.0, width, height);
        }
        self.ctx.set_font("11px system-ui, sans-serif");
        self.ctx.set_line_width(1.0);
        Ok(())
    }

    fn text(&self, label: &Label, colour: &str) {
        self.ctx.set_fill_style_str(colour);
        self.ctx.set_text_align(match label.anchor {
            Anchor::Start => "start",
            Anchor::End => "end",
        });
        let _ = self.ctx.fill_text(&label.text, label.x, label.y);
        self.ctx.set_text_align("start");
    }
}

impl Painter for CanvasPainter<'_> {
    fn tick(&mut self, x: f64, bottom: f64, label: &Label) {
        self.text(label, self.palette.muted);
        self.ctx.set_stroke_style_str(self.palette.grid);
        self.ctx.begin_path();
        self.ctx.move_to(x.floor() + 0.5, 2.0);
        self.ctx.line_to(x.floor() + 0.5, bottom);
        self.ctx.stroke();
    }

    fn lane_label(&mut self, label: &Label) {
        self.text(label, self.palette.muted);
    }

    fn begin_plot(&mut self, left: f64, width: f64, height: f64) {
        self.ctx.save();
        self.ctx.begin_path();
        self.ctx.rect(left, 0.0, width, height);
        self.ctx.clip();
    }

    fn bar(&mut self, bar: &Bar) {
        if bar.outline {
            self.ctx.set_stroke_style_str(self.palette.cursor);
            self.ctx.set_line_width(2.0);
            self.ctx
                .stroke_rect(bar.x - 1.0, bar.y - 1.0, bar.w + 2.0, bar.h + 2.0);
            self.ctx.set_line_width(1.0);
            return;
        }
        self.patterns.fill(self.ctx, bar.state);
        self.ctx.set_global_alpha(if bar.open { 0.55 } else { 1.0 });
        self.ctx.fill_rect(bar.x, bar.y, bar.w, bar.h);
        self.ctx.set_global_alpha(1.0);
    }

    fn hand(&mut self, hand: &Hand, top: f64, height: f64) {
        self.ctx.set_fill_style_str(match hand.kind {
            HandKind::Now => self.palette.text,
            HandKind::Cursor => self.palette.cursor,
        });
        self.ctx.fill_rect(hand.x - 0.75, top, 1.5, height);
    }

    fn end_plot(&mut self) {
        self.ctx.restore();
    }
}

//! The timeline's panels: one `<article>` per model (from the page's `panel-template`), each a
//! heading, a line of figures, an explanation and a canvas on which the core's scene for that
//! model is painted. All panels share one time axis (each panel's zero is its model's start, so
//! the slower run is visibly longer); a panel whose picture did not change is not painted
//! again.

use crate::core::analysis::results::ModelResult;
use crate::core::drawing::scene::{paint, panel_scene, LiveTrace, Rows, View};
use crate::core::measure::trace::Model;
use crate::core::measure::units::format_ms;
use crate::web::canvas::{CanvasPainter, Patterns, DARK, LIGHT};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Document, Element, HtmlCanvasElement, HtmlElement};

struct Panel {
    model: Model,
    root: Element,
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    stat: Element,
    /// The canvas's CSS height, as last set.
    height: f64,
    patterns: std::rc::Rc<Patterns>,
    /// What the canvas shows now.
    drawn: Option<DrawKey>,
}

impl Drop for Panel {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Everything a panel's picture depends on: when it is unchanged, so is the picture (a finished
/// model's panel stays still while the running one grows).
#[derive(Clone, Debug, PartialEq)]
struct DrawKey {
    size: (u32, u32),
    window: (u64, u64),
    cursor: Option<u64>,
    highlight: Option<(Model, u32)>,
    spans: usize,
    open: Vec<(u32, u8, u64)>,
    /// The clock, for a panel whose model is running (its hand moves).
    now: Option<u64>,
    finished: bool,
    dark: bool,
    expected: bool,
    transparent: bool,
}

/// What a set of panels is built for: the models, and the `limit` and `chunksize` they are
/// titled by.
/// What the panels were built for: the models, their settings, and whether they show a run
/// recorded elsewhere (their subtitles say where).
pub type PanelsKey = (Vec<Model>, (Option<u32>, u32), bool);

pub struct Panels {
    doc: Document,
    container: HtmlElement,
    template: web_sys::HtmlTemplateElement,
    panels: Vec<Panel>,
    /// Panels of traces read from files: the nth panel draws the nth trace, whatever its
    /// model (two files may both be `gil`).
    by_position: bool,
    /// The panels have been through a layout since they were built.
    laid_out: bool,
    /// The models and settings [`Panels::set_models`] built them for.
    built_for: Option<PanelsKey>,
    /// Words added to a model's numbers (an embed beside a recording: what it recorded).
    pub notes: Vec<(Model, String)>,
    /// The panels wait for the reader's guess (`predict=1`): they say so instead of a number.
    pub withheld: bool,
}

impl Panels {
    pub fn new(doc: &Document) -> Result<Panels, JsValue> {
        Panels::in_container(doc, "panels", false)
    }

    /// Panels for traces read from files, in `#cpython-panels`.
    pub fn imported(doc: &Document) -> Result<Panels, JsValue> {
        Panels::in_container(doc, "cpython-panels", true)
    }

    fn in_container(doc: &Document, id: &str, by_position: bool) -> Result<Panels, JsValue> {
        Ok(Panels {
            by_position,
            doc: doc.clone(),
            container: doc
                .get_element_by_id(id)
                .ok_or_else(|| JsValue::from_str(&format!("the page has no #{id}")))?
                .dyn_into()?,
            template: doc
                .get_element_by_id("panel-template")
                .ok_or("the page has no #panel-template")?
                .dyn_into()?,
            panels: Vec::new(),
            laid_out: false,
            built_for: None,
            notes: Vec::new(),
            withheld: false,
        })
    }

    /// Builds one panel per model, titled by `titled` (called only when the models or the
    /// settings they are titled by changed since the last build: this runs every frame).
    pub fn set_models(
        &mut self,
        key: PanelsKey,
        titled: impl FnOnce() -> Vec<(Model, String, String, String)>,
    ) -> Result<(), JsValue> {
        if self.built_for.as_ref() == Some(&key) {
            return Ok(());
        }
        self.set_panels(&titled())?;
        self.built_for = Some(key);
        Ok(())
    }

    /// Builds one panel per entry: its model (which names the lanes), title, subtitle and
    /// explanation.
    pub fn set_panels(
        &mut self,
        panels: &[(Model, String, String, String)],
    ) -> Result<(), JsValue> {
        self.panels.clear();
        self.laid_out = false;
        for (model, title, subtitle, explain) in panels {
            let model = *model;
            let fragment = self.template.content().clone_node_with_deep(true)?;
            let fragment: web_sys::DocumentFragment = fragment.dyn_into()?;
            let root = fragment
                .first_element_child()
                .ok_or("the panel template is empty")?;
            let part = |selector: &str| -> Result<Element, JsValue> {
                root.query_selector(selector)?.ok_or_else(|| {
                    JsValue::from_str(&format!("the panel template has no {selector}"))
                })
            };
            root.set_attribute("data-model", model.id())?;
            if self.by_position {
                root.set_attribute("data-source", "cpython")?;
            }
            part(".name")?.set_text_content(Some(title));
            part(".py")?.set_text_content(Some(subtitle));
            part(".explain")?.set_text_content(Some(explain));
            let stat = part(".panel-stat")?;
            let canvas: HtmlCanvasElement = part("canvas")?.dyn_into()?;
            if self.by_position {
                canvas.set_attribute("data-imported", &self.panels.len().to_string())?;
            } else {
                canvas.set_attribute("data-model", model.id())?;
            }
            canvas.set_attribute(
                "aria-label",
                &format!("{title} timeline; the results table sums it up"),
            )?;
            self.container.append_child(&fragment)?;
            let ctx: CanvasRenderingContext2d = canvas
                .get_context("2d")?
                .ok_or("this browser gives no 2D canvas")?
                .dyn_into()?;
            let patterns = Patterns::shared(&self.doc, &ctx)?;
            self.panels.push(Panel {
                model,
                root,
                canvas,
                ctx,
                stat,
                height: 0.0,
                patterns,
                drawn: None,
            });
        }
        Ok(())
    }

    /// The element the panels are in (for its listeners).
    pub fn container(&self) -> &Element {
        &self.container
    }

    /// Hides or shows the panels' container.
    pub fn set_hidden(&self, hidden: bool) {
        self.container.set_hidden(hidden);
    }

    /// The width of the nth panel's canvas in CSS px (for hit-testing).
    pub fn width_at(&self, index: usize) -> Option<f64> {
        self.panels
            .get(index)
            .map(|p| f64::from(p.canvas.client_width().max(200)))
    }

    /// The width of a model's canvas in CSS px (for hit-testing).
    pub fn width_of(&self, model: Model) -> Option<f64> {
        self.panels
            .iter()
            .find(|p| p.model == model)
            .map(|p| f64::from(p.canvas.client_width().max(200)))
    }

    /// Draws every panel whose picture changed, on an axis `longest_ms` long (the longest
    /// panel of the page). `now` is the shared clock, so a running model's panel grows.
    /// `expected` (the schedules before a run) paints one panel a frame, so loading the page is
    /// no single long task; returns whether panels are left to paint on the next frame. The
    /// container's `data-drawn` is `all` once every panel shows its picture.
    pub fn draw(
        &mut self,
        traces: &[&LiveTrace],
        results: &[ModelResult],
        view: &View,
        (now, longest_ms): (f64, f64),
        expected: bool,
    ) -> Result<bool, JsValue> {
        let win = web_sys::window().ok_or("no window")?;
        // theme=light|dark (a host page that forces one) wins over the reader's system setting.
        let forced = self
            .doc
            .document_element()
            .and_then(|r| r.get_attribute("data-theme"));
        let dark = match forced.as_deref() {
            Some("dark") => true,
            Some("light") => false,
            _ => win
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
                .is_some_and(|m| m.matches()),
        };
        let palette = if dark { &DARK } else { &LIGHT };
        // transparent=1: the canvas shows its host's background, not its own.
        let transparent = self
            .doc
            .document_element()
            .is_some_and(|r| r.class_list().contains("transparent"));
        // New panels are laid out by this frame (their heights and figures set) and painted
        // from the next: their widths read now would lay the page out within this task.
        let first_layout =
            expected && !self.laid_out && self.panels.iter().all(|p| p.drawn.is_none());
        self.laid_out = true;
        let dpr = win.device_pixel_ratio().max(1.0);
        // Every width is read before anything is written: a read after a write lays the page
        // out again, once per panel.
        let widths: Vec<f64> = self
            .panels
            .iter()
            .map(|p| {
                if first_layout {
                    0.0
                } else {
                    f64::from(p.canvas.client_width().max(200))
                }
            })
            .collect();
        let (from, to) = view.window(longest_ms);
        // The visible window, for scripts and tests: "from,to[,cursor]" in ms.
        let mut shown = format!("{from:.2},{to:.2}");
        if let Some(c) = view.cursor {
            shown.push_str(&format!(",{c:.2}"));
        }
        self.container.set_attribute("data-view", &shown)?;
        let (mut painted, mut left) = (0, false);
        for ((i, panel), css_w) in self.panels.iter_mut().enumerate().zip(widths) {
            let (trace, result) = if self.by_position {
                (traces.get(i).copied(), results.get(i))
            } else {
                (
                    traces.iter().find(|t| t.model == panel.model).copied(),
                    results.iter().find(|r| r.model == panel.model),
                )
            };
            let stat = match (trace, result) {
                _ if self.withheld => "drawn after your guess".to_string(),
                (Some(t), _) if expected => {
                    format!("expected ≈ {} · not measured", format_ms(t.extent(now)))
                }
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
            let stat = match self.notes.iter().find(|(m, _)| *m == panel.model) {
                Some((_, note)) => format!("{stat} · {note}"),
                None => stat,
            };
            if panel.stat.text_content().as_deref() != Some(stat.as_str()) {
                panel.stat.set_text_content(Some(&stat));
            }
            let rows = trace.map_or(Rows::of(1), LiveTrace::rows);
            let css_h = rows.panel_height();
            if panel.height != css_h {
                panel.height = css_h;
                panel
                    .canvas
                    .style()
                    .set_property("height", &format!("{css_h}px"))?;
            }
            if first_layout {
                left = true;
                continue;
            }
            let (w_px, h_px) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
            let key = DrawKey {
                size: (w_px, h_px),
                window: (from.to_bits(), to.to_bits()),
                cursor: view.cursor.map(f64::to_bits),
                highlight: view.highlight,
                spans: trace.map_or(0, |t| t.spans.len()),
                open: trace.map_or(Vec::new(), |t| {
                    t.open
                        .iter()
                        .map(|s| (s.lane, s.state.code(), s.start.to_bits()))
                        .collect()
                }),
                now: trace.filter(|t| t.running()).map(|_| now.to_bits()),
                finished: trace.is_some_and(|t| t.end.is_some() || t.error.is_some()),
                dark,
                expected,
                transparent,
            };
            if panel.drawn.as_ref() == Some(&key) {
                continue;
            }
            if expected && painted == 1 {
                left = true;
                continue;
            }
            painted += 1;
            panel.drawn = Some(key);
            if panel.canvas.width() != w_px || panel.canvas.height() != h_px {
                panel.canvas.set_width(w_px);
                panel.canvas.set_height(h_px);
            }
            let empty = LiveTrace::new(panel.model);
            let scene = panel_scene(trace.unwrap_or(&empty), view, longest_ms, now, css_w);
            let mut painter = CanvasPainter {
                ctx: &panel.ctx,
                patterns: &panel.patterns,
                palette,
            };
            painter.clear(css_w, css_h, dpr, transparent)?;
            paint(&scene, &mut painter);
        }
        self.container
            .set_attribute("data-drawn", if left { "partial" } else { "all" })?;
        Ok(left)
    }
}

//! Pointer and keyboard on the timeline: hover and tap for a span's details, zoom (buttons,
//! Ctrl + wheel, `+`/`-`), pan (drag, sideways wheel, arrow keys), scrub and replay.

use super::{frame, with_app, App};
use crate::core::drawing::scene::{describe, hit, longest, plot_area};
use crate::core::measure::trace::Model;
use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Which panel a canvas belongs to: a model of the run, or the nth trace read from a file.
#[derive(Clone, Copy)]
enum PanelOf {
    Model(Model),
    Imported(usize),
}

/// A pointer event on a panel's canvas: which panel, the point in the canvas's CSS pixels, the
/// point in the viewport (for the tooltip), and the canvas's plot.
struct CanvasPoint {
    panel: PanelOf,
    x: f64,
    y: f64,
    client: (f64, f64),
    plot_left: f64,
    plot_width: f64,
}

impl CanvasPoint {
    fn of(e: &web_sys::Event) -> Option<CanvasPoint> {
        let target: Element = e.target()?.dyn_into().ok()?;
        let panel = match target.get_attribute("data-model") {
            Some(id) => PanelOf::Model(Model::from_id(&id)?),
            None => PanelOf::Imported(target.get_attribute("data-imported")?.parse().ok()?),
        };
        let mouse: &web_sys::MouseEvent = e.dyn_ref()?;
        let rect = target.get_bounding_client_rect();
        let client = (f64::from(mouse.client_x()), f64::from(mouse.client_y()));
        let (plot_left, plot_width) = plot_area(rect.width());
        Some(CanvasPoint {
            panel,
            x: client.0 - rect.left(),
            y: client.1 - rect.top(),
            client,
            plot_left,
            plot_width,
        })
    }

    /// Where the point is across the plot, from 0 (left) to 1 (right).
    fn fraction(&self) -> f64 {
        ((self.x - self.plot_left) / self.plot_width).clamp(0.0, 1.0)
    }
}

/// Runs `f` on the app, then draws.
fn act(f: impl FnOnce(&mut App)) {
    with_app(f);
    frame::request();
}

pub fn bind() -> Result<Vec<EventListener>, JsValue> {
    with_app(|app| {
        let ui = &app.ui;
        let panels = &ui.panels;
        let mut out = Vec::new();
        // Pointer, wheel and keys on the run's panels and on the panels of trace files alike.
        for container in [panels, app.cpython.panels.container()] {
            out.extend(pointer_listeners(container));
        }
        out.extend([
            EventListener::new(&ui.scrub, "input", |_| act(App::on_scrub)),
            EventListener::new(&ui.replay, "click", |_| act(App::on_replay)),
            EventListener::new(&ui.table_view, "toggle", |_| {
                with_app(|app| app.show_table());
            }),
        ]);
        for (button, factor) in &ui.zoom {
            let factor = *factor;
            out.push(EventListener::new(button, "click", move |_| {
                act(|app| {
                    if factor == 0.0 {
                        app.view.zoom = None;
                    } else {
                        app.view.zoom_by(factor, 0.5);
                    }
                });
            }));
        }
        out
    })
    .ok_or_else(|| JsValue::from_str("the page is not set up"))
}

/// Hover, tap, drag, wheel and keys on the canvases inside `container`.
fn pointer_listeners(container: &Element) -> Vec<EventListener> {
    vec![
        EventListener::new(container, "pointermove", |e| {
            let Some(p) = CanvasPoint::of(e) else { return };
            with_app(|app| match app.drag_x {
                Some(last) => {
                    app.view.pan((last - p.x) / p.plot_width);
                    app.drag_x = Some(p.x);
                    app.hide_tip();
                    frame::request();
                }
                None => app.on_hover(&p),
            });
        }),
        EventListener::new(container, "pointerdown", |e| {
            let Some(p) = CanvasPoint::of(e) else { return };
            with_app(|app| {
                // A tap shows the details; a drag on a zoomed timeline pans it.
                app.on_hover(&p);
                if app.view.zoom.is_some() {
                    app.drag_x = Some(p.x);
                }
            });
        }),
        EventListener::new(container, "pointerup", |_| {
            with_app(|app| app.drag_x = None);
        }),
        EventListener::new(container, "pointercancel", |_| {
            with_app(|app| app.drag_x = None);
        }),
        EventListener::new(container, "pointerleave", |e| {
            // A finger "leaves" as soon as it lifts: a tapped span's details stay.
            let touch = e
                .dyn_ref::<web_sys::PointerEvent>()
                .is_some_and(|p| p.pointer_type() == "touch");
            with_app(|app| {
                app.drag_x = None;
                if !touch {
                    app.hide_tip();
                }
            });
        }),
        // Ctrl/⌘ + wheel zooms (a plain wheel keeps scrolling the page); sideways pans.
        EventListener::new_with_options(
            container,
            "wheel",
            EventListenerOptions::enable_prevent_default(),
            |e| {
                let (Some(p), Some(w)) = (CanvasPoint::of(e), e.dyn_ref::<web_sys::WheelEvent>())
                else {
                    return;
                };
                if w.ctrl_key() || w.meta_key() {
                    e.prevent_default();
                    let factor = if w.delta_y() < 0.0 { 0.8 } else { 1.25 };
                    act(|app| app.view.zoom_by(factor, p.fraction()));
                } else if w.delta_x().abs() > w.delta_y().abs() || w.shift_key() {
                    e.prevent_default();
                    let delta = if w.delta_x().abs() > 0.0 {
                        w.delta_x()
                    } else {
                        w.delta_y()
                    };
                    act(|app| app.view.pan(delta / p.plot_width));
                }
            },
        ),
        EventListener::new_with_options(
            container,
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            |e| {
                let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let action: Option<fn(&mut App)> = match k.key().as_str() {
                    "+" | "=" => Some(|app| app.view.zoom_by(0.5, 0.5)),
                    "-" | "_" => Some(|app| app.view.zoom_by(2.0, 0.5)),
                    "0" => Some(|app| app.view.zoom = None),
                    "ArrowLeft" => Some(|app| app.view.pan(-0.2)),
                    "ArrowRight" => Some(|app| app.view.pan(0.2)),
                    _ => None,
                };
                if let Some(action) = action {
                    e.prevent_default();
                    act(action);
                }
            },
        ),
    ]
}

impl App {
    fn now() -> f64 {
        crate::engine::Clock::now(&crate::web::PerfClock)
    }

    /// The trace each model's panel shows: the run's, or before any run the expected one.
    pub(super) fn traces(&self) -> Vec<&crate::core::drawing::scene::LiveTrace> {
        self.run
            .as_ref()
            .map_or_else(|| self.preview.iter().collect(), super::Run::shown)
    }

    /// Draws the panels (and moves a replay's cursor).
    pub(super) fn draw(&mut self) {
        let now = Self::now();
        if let Some(from) = self.replay_from {
            let longest = self.axis_ms(now);
            let speed: f64 = self.ui.replay_speed.value().parse().unwrap_or(1.0);
            let t = (now - from) * speed.clamp(0.01, 1.0);
            if t >= longest {
                self.replay_from = None;
                self.view.cursor = None;
            } else {
                self.view.cursor = Some(t);
            }
            self.show_scrub(longest);
        }
        // Disjoint fields: the traces are read while the panels are drawn.
        let expected = self.run.is_none();
        let traces: Vec<&crate::core::drawing::scene::LiveTrace> = match &self.run {
            Some(run) => run.shown(),
            None => self.preview.iter().collect(),
        };
        let axis = longest(traces.iter().copied().chain(&self.cpython.live), now);
        if let Err(e) = self
            .panels
            .draw(&traces, &self.results, &self.view, (now, axis), expected)
        {
            web_sys::console::error_2(&"conpar: drawing failed".into(), &e);
        }
        let imported: Vec<&crate::core::drawing::scene::LiveTrace> =
            self.cpython.live.iter().collect();
        if let Err(e) = self.cpython.panels.draw(
            &imported,
            &self.cpython.results,
            &self.view,
            (now, axis),
            false,
        ) {
            web_sys::console::error_2(&"conpar: drawing CPython failed".into(), &e);
        }
    }

    /// The shared axis: the longest panel, the run's or an imported trace's.
    pub(super) fn axis_ms(&self, now: f64) -> f64 {
        longest(self.traces().into_iter().chain(&self.cpython.live), now)
    }

    /// Moves the scrub slider to the view's cursor.
    fn show_scrub(&self, longest: f64) {
        let value = self
            .view
            .cursor
            .map_or(1000.0, |c| (c / longest * 1000.0).clamp(0.0, 1000.0));
        self.ui.scrub.set_value(&format!("{value:.0}"));
    }

    fn on_scrub(&mut self) {
        let value: f64 = self.ui.scrub.value().parse().unwrap_or(1000.0);
        self.replay_from = None;
        let longest = self.axis_ms(Self::now());
        self.view.cursor = (value < 1000.0).then(|| value / 1000.0 * longest);
    }

    fn on_replay(&mut self) {
        if !self.run.as_ref().is_some_and(|r| r.finished) {
            return;
        }
        if frame::reduced_motion() {
            // No animation: show the end state; the slider still scrubs by hand.
            self.view.cursor = None;
            self.replay_from = None;
        } else {
            self.replay_from = Some(Self::now());
            self.view.cursor = Some(0.0);
        }
    }

    /// Shows the span under the pointer in the tooltip.
    fn on_hover(&mut self, p: &CanvasPoint) {
        let traces = self.traces();
        let longest_ms = self.axis_ms(Self::now());
        let (trace, width) = match p.panel {
            PanelOf::Model(m) => (
                traces.iter().find(|t| t.model == m).copied(),
                self.panels.width_of(m),
            ),
            PanelOf::Imported(i) => (self.cpython.live.get(i), self.cpython.panels.width_at(i)),
        };
        let found = trace.and_then(|t| {
            let width = width?;
            let span = hit(t, &self.view, longest_ms, width, (p.x, p.y))?;
            Some(describe(t.model, &span, t.origin()?))
        });
        let tip = &self.ui.tip;
        let Some(text) = found else {
            tip.set_hidden(true);
            return;
        };
        tip.set_text_content(Some(&text));
        // The tip is positioned inside the timeline section; keep it within its width.
        let r = self.ui.timeline_section.get_bounding_client_rect();
        let left = (p.client.0 - r.left() + 12.0)
            .min(r.width() - 240.0)
            .max(0.0);
        let top = p.client.1 - r.top() + 16.0;
        let style = tip.style();
        let _ = style.set_property("left", &format!("{left}px"));
        let _ = style.set_property("top", &format!("{top}px"));
        tip.set_hidden(false);
    }

    pub(super) fn hide_tip(&self) {
        self.ui.tip.set_hidden(true);
    }
}

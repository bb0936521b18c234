//! The timeline: its panels drawn from the session, and pointer and keyboard on them — hover
//! and tap for a span's details, zoom (buttons, Ctrl + wheel, `+`/`-`), pan (drag, sideways
//! wheel, arrow keys), scrub and replay — turned into the session's inputs.

use super::{dispatch, read, App};
use crate::core::drawing::scene::{describe, hit, plot_area, LiveTrace};
use crate::core::measure::trace::Model;
use crate::core::session::TimelineInput;
use crate::core::session::{Input, Shown};
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

fn now() -> f64 {
    crate::engine::Clock::now(&crate::web::PerfClock)
}

pub fn bind(app: &App) -> Result<Vec<EventListener>, JsValue> {
    let ui = &app.ui;
    let mut out = Vec::new();
    // Pointer, wheel and keys on the run's panels and on the panels of trace files alike.
    for container in [&ui.panels, app.cpython.panels.container()] {
        out.extend(pointer_listeners(container));
    }
    let scrub = ui.scrub.clone();
    out.extend([
        EventListener::new(&ui.scrub, "input", move |_| {
            let value = scrub.value().parse().unwrap_or(1000.0);
            dispatch(Input::Timeline(TimelineInput::Scrub { value, now: now() }));
        }),
        EventListener::new(&ui.replay, "click", |_| {
            dispatch(Input::Timeline(TimelineInput::Replay {
                now: now(),
                reduced_motion: super::frame::reduced_motion(),
            }));
        }),
        EventListener::new(&ui.replay_speed, "change", |_| {
            let speed = read(|app| app.ui.replay_speed.value().parse().ok()).flatten();
            if let Some(speed) = speed {
                dispatch(Input::Timeline(TimelineInput::ReplaySpeed(speed)));
            }
        }),
        EventListener::new(&ui.table_view, "toggle", |_| {
            read(super::results::show_table);
        }),
    ]);
    for (button, factor) in &ui.zoom {
        let factor = *factor;
        out.push(EventListener::new(button, "click", move |_| {
            dispatch(if factor == 0.0 {
                Input::Timeline(TimelineInput::ZoomReset)
            } else {
                Input::Timeline(TimelineInput::Zoom {
                    factor,
                    centre: 0.5,
                })
            });
        }));
    }
    Ok(out)
}

/// Hover, tap, drag, wheel and keys on the canvases inside `container`.
fn pointer_listeners(container: &Element) -> Vec<EventListener> {
    vec![
        EventListener::new(container, "pointermove", |e| {
            let Some(p) = CanvasPoint::of(e) else { return };
            if read(|app| app.session.drag_x().is_some()) == Some(true) {
                dispatch(Input::Timeline(TimelineInput::Drag {
                    x: p.x,
                    plot_width: p.plot_width,
                }));
            } else {
                read(|app| show_tip(app, &p));
            }
        }),
        EventListener::new(container, "pointerdown", |e| {
            let Some(p) = CanvasPoint::of(e) else { return };
            // A tap shows the details; a drag on a zoomed timeline pans it.
            read(|app| show_tip(app, &p));
            dispatch(Input::Timeline(TimelineInput::PointerDown { x: p.x }));
        }),
        EventListener::new(container, "pointerup", |_| {
            dispatch(Input::Timeline(TimelineInput::PointerUp))
        }),
        EventListener::new(container, "pointercancel", |_| {
            dispatch(Input::Timeline(TimelineInput::PointerUp))
        }),
        EventListener::new(container, "pointerleave", |e| {
            // A finger "leaves" as soon as it lifts: a tapped span's details stay.
            let touch = e
                .dyn_ref::<web_sys::PointerEvent>()
                .is_some_and(|p| p.pointer_type() == "touch");
            dispatch(Input::Timeline(TimelineInput::PointerUp));
            if !touch {
                read(hide_tip);
            }
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
                    dispatch(Input::Timeline(TimelineInput::Zoom {
                        factor,
                        centre: p.fraction(),
                    }));
                } else if w.delta_x().abs() > w.delta_y().abs() || w.shift_key() {
                    e.prevent_default();
                    let delta = if w.delta_x().abs() > 0.0 {
                        w.delta_x()
                    } else {
                        w.delta_y()
                    };
                    dispatch(Input::Timeline(TimelineInput::Pan(delta / p.plot_width)));
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
                let zoom = |factor| {
                    Input::Timeline(TimelineInput::Zoom {
                        factor,
                        centre: 0.5,
                    })
                };
                let input = match k.key().as_str() {
                    "+" | "=" => zoom(0.5),
                    "-" | "_" => zoom(2.0),
                    "0" => Input::Timeline(TimelineInput::ZoomReset),
                    "ArrowLeft" => Input::Timeline(TimelineInput::Pan(-0.2)),
                    "ArrowRight" => Input::Timeline(TimelineInput::Pan(0.2)),
                    _ => return,
                };
                e.prevent_default();
                dispatch(input);
            },
        ),
    ]
}

/// Draws the panels: the run's (or the expected schedules before one) and the traces read
/// from files, on one axis.
pub fn draw(app: &mut App) {
    let now = now();
    let s = &app.session;
    let _ = app
        .ui
        .panels
        .class_list()
        .toggle_with_force("preview", !s.preview().is_empty());
    if let Err(e) = app.panels.set_models(
        (
            s.panel_models(),
            s.panel_bounds(),
            matches!(s.shown(), Shown::Recorded { .. }),
        ),
        || s.panel_titles(),
    ) {
        web_sys::console::error_2(&"conpar: panels".into(), &e);
    }
    let expected = s.run().is_none();
    // Until the reader guesses (predict=1), each panel keeps its rows and draws nothing: the
    // expected schedules, or a recording, would give the answer away.
    let withheld = s.withheld();
    let blanks = if withheld {
        s.withheld_traces()
    } else {
        Vec::new()
    };
    let traces = if withheld {
        blanks.iter().collect()
    } else {
        s.traces()
    };
    let axis = s.axis_ms(now);
    app.panels.withheld = withheld;
    app.panels.notes = if withheld {
        Vec::new()
    } else {
        s.panel_notes()
    };
    let results = if withheld {
        std::borrow::Cow::Borrowed(&[][..])
    } else {
        s.panel_results()
    };
    match app
        .panels
        .draw(&traces, &results, s.view(), (now, axis), expected)
    {
        Ok(true) => super::frame::request(),
        Ok(false) => {}
        Err(e) => web_sys::console::error_2(&"conpar: drawing failed".into(), &e),
    }
    let imported: Vec<&LiveTrace> = s.imports().live.iter().collect();
    if let Err(e) = app.cpython.panels.draw(
        &imported,
        &s.imports().results,
        s.view(),
        (now, axis),
        false,
    ) {
        web_sys::console::error_2(&"conpar: drawing CPython failed".into(), &e);
    }
}

/// Moves the scrub slider to the view's cursor.
pub fn show_scrub(app: &App) {
    let longest = app.session.axis_ms(now());
    let value = app
        .session
        .view()
        .cursor
        .map_or(1000.0, |c| (c / longest * 1000.0).clamp(0.0, 1000.0));
    app.ui.scrub.set_value(&format!("{value:.0}"));
}

/// Shows the span under the pointer in the tooltip.
fn show_tip(app: &App, p: &CanvasPoint) {
    let s = &app.session;
    if s.withheld() {
        return;
    }
    let traces = s.traces();
    let longest_ms = s.axis_ms(now());
    let (trace, width) = match p.panel {
        PanelOf::Model(m) => (
            traces.iter().find(|t| t.model == m).copied(),
            app.panels.width_of(m),
        ),
        PanelOf::Imported(i) => (s.imports().live.get(i), app.cpython.panels.width_at(i)),
    };
    let found = trace.and_then(|t| {
        let width = width?;
        let span = hit(t, s.view(), longest_ms, width, (p.x, p.y))?;
        Some(describe(t.model, &span, t.origin()?))
    });
    let tip = &app.ui.tip;
    let Some(text) = found else {
        tip.set_hidden(true);
        return;
    };
    tip.set_text_content(Some(&text));
    // The tip is positioned inside the timeline section; keep it within its width.
    let r = app.ui.timeline_section.get_bounding_client_rect();
    let left = (p.client.0 - r.left() + 12.0)
        .min(r.width() - 240.0)
        .max(0.0);
    let top = p.client.1 - r.top() + 16.0;
    let style = tip.style();
    let _ = style.set_property("left", &format!("{left}px"));
    let _ = style.set_property("top", &format!("{top}px"));
    tip.set_hidden(false);
}

pub fn hide_tip(app: &App) {
    app.ui.tip.set_hidden(true);
}

//! The page's status line and `data-status`/`data-run`, the notices overlay, the environment
//! sentence (what can run here and why), and the legend of the states this scenario draws.

use super::App;
use crate::core::analysis::summary::states_drawn;
use crate::core::session::{Pending, Shown, Status};
use wasm_bindgen::JsCast;

pub fn show_status(app: &App) {
    let s = &app.session;
    if let Some(root) = app.doc.document_element() {
        let _ = root.set_attribute("data-status", s.status().id());
        // A run recorded elsewhere: Run says it measures here (www/boot.js set this first).
        let recorded = matches!(s.shown(), Shown::Recorded { .. });
        let _ = root.class_list().toggle_with_force("recorded", recorded);
        // … and while one is beside this device's run, Run still measures on this device.
        let _ = root
            .class_list()
            .toggle_with_force("run-here", s.run_here());
        if s.runs_started() > 0 {
            let _ = root.set_attribute("data-run", &s.runs_started().to_string());
        }
    }
    app.ui.status.set_text_content(Some(s.status_text()));
    let running = s.status() == Status::Running;
    app.ui.run.set_disabled(running);
    app.sweep_view.button.set_disabled(running);
    // Stop works whenever there is something to stop: a run, or a run about to start.
    let waiting = s.status() == Status::Loading && s.pending() != Pending::None;
    app.ui.stop.set_disabled(!(running || waiting));
}

/// The notices in their overlay (a × closes it).
pub fn show_notices(app: &App) {
    let el = &app.ui.notices;
    el.set_text_content(None);
    if let Ok(close) = app.doc.create_element("button") {
        close.set_class_name("close");
        let _ = close.set_attribute("type", "button");
        let _ = close.set_attribute("aria-label", "Close the notices");
        close.set_text_content(Some("×"));
        let _ = el.append_child(&close);
    }
    for n in &app.session.notices().list {
        if let Ok(p) = app.doc.create_element("p") {
            p.set_text_content(Some(n));
            let _ = el.append_child(&p);
        }
    }
    el.set_hidden(!app.session.notices().open);
}

pub fn show_environment(app: &App) {
    let s = &app.session;
    let shared = s.shared_memory();
    let (text, whole) = s.environment_line();
    if let Some(whole) = whole {
        app.ui.env.set_title(&whole);
    } else if let Some(c) = s.calibration() {
        app.ui.env.set_title(&format!(
            "The CPU kernel is calibrated to {} rounds per ms on this device, so `cpu 50` computes for about 50 ms.",
            c.rounds_per_ms
        ));
    }
    app.ui.env.set_text_content(Some(&text));
    let reason = shared.unavailable_reason();
    for (model, input) in &app.ui.models {
        let unavailable = model.needs_shared_memory() && reason.is_some();
        input.set_disabled(unavailable);
        match (&reason, unavailable) {
            (Some(why), true) => input.set_title(&format!("{model} cannot run here: {why}")),
            _ => input.set_title(""),
        }
    }
}

/// The legend lists exactly the states this scenario can draw.
pub fn show_legend(app: &App) {
    let Ok(workload) = app.session.workload() else {
        return;
    };
    let drawn = states_drawn(
        &app.session.scenario().models,
        &workload,
        app.session.scenario().limit,
    );
    if let Ok(items) = app.doc.query_selector_all(".legend li[data-state]") {
        for i in 0..items.length() {
            let Some(item) = items
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            else {
                continue;
            };
            let state = item.get_attribute("data-state").unwrap_or_default();
            item.set_hidden(!drawn.iter().any(|s| s.id() == state));
        }
    }
}

//! The worker sweep's view: its sizes field, progress line, chart (the core's SVG), summary,
//! table and exports. The sweep itself (each pool size a normal run, sequential first as its
//! baseline) is the session's.

use super::by_id;
use super::{dispatch, read, App};
use crate::core::analysis::sweep::{chart_svg, csv, default_sizes, summary};
use crate::core::session::{sizes_text, Input, Setting};
use crate::core::session::{FormInput, NoticeInput};
use crate::web::{files, js_error};
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement};

/// The sweep section's elements.
pub struct SweepView {
    pub button: HtmlButtonElement,
    sizes: HtmlInputElement,
    section: HtmlElement,
    status: Element,
    chart: Element,
    summary: Element,
    table: Element,
    exports: Element,
}

impl SweepView {
    pub fn find(doc: &web_sys::Document) -> Result<SweepView, JsValue> {
        Ok(SweepView {
            button: by_id(doc, "sweep")?,
            sizes: by_id(doc, "sweep-sizes")?,
            section: by_id(doc, "sweep-section")?,
            status: by_id(doc, "sweep-status")?,
            chart: by_id(doc, "sweep-chart")?,
            summary: by_id(doc, "sweep-summary")?,
            table: by_id(doc, "sweep-table")?,
            exports: by_id(doc, "sweep-exports")?,
        })
    }
}

pub fn bind(app: &App) -> Result<Vec<EventListener>, JsValue> {
    let v = &app.sweep_view;
    let (sizes, field) = (v.sizes.clone(), v.sizes.clone());
    Ok(vec![
        EventListener::new(&v.button, "click", move |_| {
            dispatch(Input::Sweep(sizes.value()));
        }),
        EventListener::new(&v.sizes, "change", move |_| {
            dispatch(Input::Form(FormInput::Set(
                Setting::SweepSizes,
                field.value(),
            )));
        }),
        EventListener::new(&v.exports, "click", |e| {
            let kind = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.get_attribute("data-sweep-export"));
            if let Some(Err(notice)) = kind.and_then(|kind| read(|app| export(app, &kind))) {
                dispatch(Input::Notes(NoticeInput::Notices(vec![notice])));
            }
        }),
    ])
}

/// The sweep's sizes in their field: the scenario's, or the default as a placeholder.
pub fn show_sizes(app: &App) {
    let s = &app.session;
    let field = &app.sweep_view.sizes;
    field.set_value(&Setting::SweepSizes.value(s.scenario()));
    field.set_placeholder(&sizes_text(&default_sizes(s.env().cores)));
}

/// The chart, its summary, its table and the progress line.
pub fn show_sweep(app: &App) {
    let Some(s) = &app.session.sweep() else {
        return;
    };
    let cores = app.session.env().cores;
    let v = &app.sweep_view;
    v.section.set_hidden(false);
    if let Some(root) = app.doc.document_element() {
        let _ = root.set_attribute("data-sweep", s.state_id());
    }
    let progress = match &s.ended {
        None => format!(
            "Running pool size {} ({} of {}) for {}…",
            s.sizes.get(s.next).copied().unwrap_or(0),
            s.next + 1,
            s.sizes.len(),
            s.models.iter().map(|m| m.id()).collect::<Vec<_>>().join(", ")
        ),
        Some(end) => match end.early_reason() {
            None => format!(
                "Measured at {} pool sizes; each speedup is over the plain loop measured in the same run (the first took {}). Threads start before each run, outside the measured time; processes as the start method says (the process start setting).",
                s.sizes.len(),
                s.baseline_ms.map_or("–".into(), crate::core::measure::units::format_ms)
            ),
            Some(why) => format!("The sweep ended early: {why}. The points measured so far are drawn."),
        },
    };
    v.status.set_text_content(Some(&progress));
    v.chart.set_inner_html(&chart_svg(
        &s.points,
        &s.sizes,
        cores,
        s.baseline_ms.unwrap_or(0.0),
        false,
    ));
    let list = &v.summary;
    list.set_text_content(None);
    for line in summary(&s.points, cores) {
        if let Ok(li) = app.doc.create_element("li") {
            li.set_text_content(Some(&line));
            let _ = list.append_child(&li);
        }
    }
    // The same points as a table, for screen readers and for reading exact numbers.
    let mut html = String::from("<table><thead><tr><th scope=\"col\">model</th><th scope=\"col\">workers</th><th scope=\"col\">wall</th><th scope=\"col\">speedup</th><th scope=\"col\">ideal</th></tr></thead><tbody>");
    for p in &s.points {
        html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{:.2}×{}</td><td>{}×</td></tr>",
            p.model.id(),
            p.workers,
            crate::core::measure::units::format_ms(p.wall_ms),
            p.speedup,
            if p.disturbed { " ⚠" } else { "" },
            p.workers
        ));
    }
    html.push_str("</tbody></table>");
    v.table.set_inner_html(&html);
}

/// Offers the sweep as a file; a sentence when it cannot.
fn export(app: &App, kind: &str) -> Result<(), String> {
    let cores = app.session.env().cores;
    let Some(s) = app
        .session
        .sweep()
        .as_ref()
        .filter(|s| !s.points.is_empty())
    else {
        return Err("The sweep has no measured point yet.".into());
    };
    let svg_text = || {
        chart_svg(
            &s.points,
            &s.sizes,
            cores,
            s.baseline_ms.unwrap_or(0.0),
            true,
        )
    };
    let result = match kind {
        "csv" => files::download_text("conpar-sweep.csv", "text/csv", &csv(&s.points, cores)),
        "svg" => files::download_text("conpar-sweep.svg", "image/svg+xml", &svg_text()),
        "png" => {
            super::sharing::offer_png(
                "conpar-sweep.png",
                crate::core::drawing::export::Svg {
                    text: svg_text(),
                    width: 640.0,
                    height: 320.0,
                },
            );
            Ok(())
        }
        _ => Ok(()),
    };
    result.map_err(|e| format!("The export failed: {}", js_error(&e)))
}

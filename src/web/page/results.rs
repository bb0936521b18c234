//! The results table (one row per model of the run, filled as each finishes), the verdict and
//! checksum sentences, the advice, the span table for screen readers, scrub and replay's
//! availability, and `window.conpar.trace()`.

use super::App;
use crate::core::drawing::export::chrome_trace;
use crate::core::drawing::scene::lane_name;
use crate::core::measure::trace::NO_TASK;
use crate::core::measure::units::format_ms;
use crate::core::session::NoticeInput;
use crate::core::session::{Input, RowBody, TableRow};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

impl App {
    /// A row not measured yet: its words in the first cell, spilling over the empty others. A
    /// cell of its own for every column (no colspan), so the columns keep their widths when
    /// the numbers arrive and the hidden ones stay hidden.
    fn pending_cells(&self, row: &Element, text: &str) {
        if let Some(td) = self.cell(row, "td", text) {
            let _ = td.set_attribute("class", "pending");
        }
        for _ in 1..9 {
            self.cell(row, "td", "");
        }
    }

    fn cell(&self, row: &Element, tag: &str, text: &str) -> Option<Element> {
        let cell = self.doc.create_element(tag).ok()?;
        cell.set_text_content(Some(text));
        row.append_child(&cell).ok()?;
        Some(cell)
    }

    /// The latency cells: p50 · p95 (hidden on a phone) and the worst.
    fn spread_cells(&self, tr: &Element, spreads: &[crate::core::analysis::summary::Spread]) {
        for spread in spreads {
            if let Some(td) = self.cell(tr, "td", "") {
                if let Some(minor) = self.cell(&td, "span", &spread.typical) {
                    let _ = minor.set_attribute("class", "minor");
                }
                let _ = td.append_with_str_1(&spread.worst);
            }
        }
    }

    fn show_results(&self) {
        let view = self.session.table();
        let body = &self.ui.results_body;
        body.set_text_content(None);
        if let Some(text) = view.empty {
            if let Ok(tr) = self.doc.create_element("tr") {
                let _ = tr.set_attribute("class", "placeholder");
                if let Some(td) = self.cell(&tr, "td", text) {
                    let _ = td.set_attribute("colspan", "10");
                }
                let _ = body.append_child(&tr);
            }
        }
        for row in &view.rows {
            if let Ok(tr) = self.doc.create_element("tr") {
                self.table_row(&tr, row);
                let _ = body.append_child(&tr);
            }
        }
        self.ui.verdict.set_text_content(Some(&view.verdict));
        // The whole sentence as the tooltip: the box shows the lines it has room for.
        if view.verdict_full.is_empty() {
            let _ = self.ui.verdict.remove_attribute("title");
        } else {
            let _ = self.ui.verdict.set_attribute("title", &view.verdict_full);
        }
        self.ui.advice.set_hidden(view.advice.is_none());
        self.ui.advice.set_text_content(view.advice.as_deref());
        let checks = &self.ui.checks;
        checks.set_text_content(None);
        for check in &view.checks {
            self.cell(checks, "li", check);
        }
        self.ui.agreement.set_text_content(Some(&view.agreement));
        self.fit_notes();
    }

    /// One row of the table as the session says it.
    fn table_row(&self, tr: &Element, row: &TableRow) {
        let _ = tr.set_attribute("data-model", row.model.id());
        if let Some(source) = row.source {
            let _ = tr.set_attribute("data-source", source);
        }
        if let Some(th) = self.cell(tr, "th", &row.name) {
            let _ = th.set_attribute("scope", "row");
            if row.disturbed {
                let _ =
                    th.set_attribute("title", "these numbers are disturbed: see below the table");
                let _ = tr.set_attribute("class", "disturbed");
            }
        }
        match &row.body {
            RowBody::Numbers {
                row: numbers,
                worst,
                mark,
            } => {
                for text in &numbers.cells {
                    self.cell(tr, "td", text);
                }
                self.spread_cells(tr, &numbers.latency);
                // Pointing at (or focusing) the row outlines its worst-stalled task.
                if let Some((task, title)) = worst {
                    let _ = tr.set_attribute("data-worst-task", &task.to_string());
                    let _ = tr.set_attribute("tabindex", "0");
                    let _ = tr.set_attribute("title", title);
                }
                if let Some(td) = self.cell(tr, "td", "") {
                    if let Some((hex, _)) = &numbers.checksum {
                        // The hex is hidden on narrow screens; the mark always shows.
                        if let Some(span) = self.cell(&td, "span", hex) {
                            let _ = span.set_attribute("class", "hex");
                        }
                        let _ = td.set_attribute("title", &numbers.full_checksum);
                        let _ = td.append_with_str_1(&format!(" {mark}"));
                    } else {
                        td.set_text_content(Some(mark));
                    }
                }
            }
            RowBody::Pending(note) => self.pending_cells(tr, note),
            RowBody::Failed(error) => {
                if let Some(td) = self.cell(tr, "td", error) {
                    let _ = td.set_attribute("colspan", "9");
                    let _ = td.set_attribute("class", "failed");
                }
            }
        }
    }

    /// The notes box keeps its height whatever it holds, open in full once the reader asked
    /// (the session's `notes_open`). Whether "Show all" is offered is measured after the next
    /// layout (a measurement here would lay the page out in the middle of rendering it).
    fn fit_notes(&self) {
        let open = self.session.notes_open();
        let notes = &self.ui.notes;
        let _ = notes.class_list().toggle_with_force("open", open);
        let _ = self
            .ui
            .notes_more
            .set_attribute("aria-expanded", if open { "true" } else { "false" });
        if open {
            self.ui.notes_more.set_hidden(true);
        }
        NOTES_OBSERVER.with(|o| {
            let mut o = o.borrow_mut();
            if o.is_none() {
                *o = notes_observer(notes, &self.ui.advice, &self.ui.notes_more);
            }
            if let Some((observer, _)) = o.as_ref() {
                // Observing anew reports the box after the next layout, even at the same size.
                observer.unobserve(notes);
                observer.observe(notes);
            }
        });
    }
}

type ObserverClosure = Closure<dyn FnMut(js_sys::Array)>;

thread_local! {
    /// Measures the notes box after layout, for "Show all".
    static NOTES_OBSERVER: std::cell::RefCell<Option<(web_sys::ResizeObserver, ObserverClosure)>> =
        const { std::cell::RefCell::new(None) };
}

/// Offers "Show all" when the advice (clamped to the box) or the checks are taller than the box.
/// Without `ResizeObserver` the button is never offered and the box stays closed.
fn notes_observer(
    notes: &HtmlElement,
    advice: &HtmlElement,
    more: &HtmlElement,
) -> Option<(web_sys::ResizeObserver, ObserverClosure)> {
    let (notes, advice, more) = (notes.clone(), advice.clone(), more.clone());
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        let open = notes.class_list().contains("open");
        let over = |e: &HtmlElement| e.scroll_height() > e.client_height() + 1;
        let taller = over(&notes) || (!advice.hidden() && over(&advice));
        more.set_hidden(open || !taller);
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    Some((observer, callback))
}

/// "Show all" opens the notes box to its full height (a shift the reader asked for).
pub fn bind(app: &App) -> Result<Vec<gloo_events::EventListener>, JsValue> {
    Ok(vec![gloo_events::EventListener::new(
        &app.ui.notes_more,
        "click",
        |_| super::dispatch(Input::Notes(NoticeInput::OpenNotes)),
    )])
}

impl App {
    /// Scrub and replay work on a finished run only.
    fn show_run_tools(&self) {
        let enabled =
            !self.session.withheld() && self.session.run().as_ref().is_some_and(|r| r.finished);
        self.ui.scrub.set_disabled(!enabled);
        self.ui.replay.set_disabled(!enabled);
        self.ui.scrub.set_value("1000");
    }

    /// Fills the table view with the spans of the last run (the first 500 per model), when it
    /// is open.
    fn show_table(&self) {
        if !self.ui.table_view.has_attribute("open") {
            return;
        }
        const PER_MODEL: usize = 500;
        let target = &self.ui.span_table;
        target.set_text_content(None);
        let Ok(table) = self.doc.create_element("table") else {
            return;
        };
        let (Ok(thead), Ok(tbody), Ok(head)) = (
            self.doc.create_element("thead"),
            self.doc.create_element("tbody"),
            self.doc.create_element("tr"),
        ) else {
            return;
        };
        for title in [
            "model", "lane", "state", "task", "step", "start", "duration",
        ] {
            if let Some(th) = self.cell(&head, "th", title) {
                let _ = th.set_attribute("scope", "col");
            }
        }
        let _ = thead.append_child(&head);
        let _ = table.append_child(&thead);
        let _ = table.append_child(&tbody);
        let mut cut = Vec::new();
        let traces = if self.session.withheld() {
            Vec::new()
        } else {
            self.session.traces()
        };
        for t in traces {
            let Some(origin) = t.origin() else { continue };
            let mut spans: Vec<_> = t.spans.iter().collect();
            crate::core::sort::sort_by(&mut spans, |a, b| a.start.total_cmp(&b.start));
            if spans.len() > PER_MODEL {
                cut.push(format!("{}: first {PER_MODEL} of {}", t.model, spans.len()));
            }
            for sp in spans.into_iter().take(PER_MODEL) {
                let Ok(tr) = self.doc.create_element("tr") else {
                    continue;
                };
                if let Some(th) = self.cell(&tr, "th", t.model.id()) {
                    let _ = th.set_attribute("scope", "row");
                }
                let task = if sp.task == NO_TASK {
                    "–".to_string()
                } else {
                    sp.task.to_string()
                };
                for text in [
                    lane_name(t.model, sp.lane),
                    sp.state.id().to_string(),
                    task,
                    sp.step.to_string(),
                    format_ms(sp.start - origin),
                    format_ms(sp.duration()),
                ] {
                    self.cell(&tr, "td", &text);
                }
                let _ = tbody.append_child(&tr);
            }
        }
        let _ = target.append_child(&table);
        if !cut.is_empty() {
            if let Some(p) = self.cell(
                target,
                "p",
                &format!(
                    "Shortened ({}); the full trace is in the export.",
                    cut.join("; ")
                ),
            ) {
                let _ = p.set_attribute("class", "hint");
            }
        }
    }

    fn trace_json(&self) -> JsValue {
        let Some(run) = self.session.run().as_ref() else {
            return JsValue::NULL;
        };
        let json = chrome_trace(&run.completed(), self.session.results(), run.origin());
        js_sys::JSON::parse(&json.to_string()).unwrap_or(JsValue::NULL)
    }
}

pub fn show_results(app: &App) {
    app.show_results();
}

pub fn show_table(app: &App) {
    app.show_table();
}

/// Scrub and replay work on a finished run only.
pub fn show_run_tools(app: &App) {
    app.show_run_tools();
}

pub fn trace_json(app: &App) -> JsValue {
    app.trace_json()
}

/// On a phone the form fills the first screen: after Run, the results and the first panel
/// come into view (not in an embed, which the host page scrolls).
pub fn bring_into_view(app: &App) {
    let narrow = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 640.0);
    if narrow && !app.session.scenario().embed {
        if let Some(results) = app.doc.get_element_by_id("results-section") {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_behavior(if super::frame::reduced_motion() {
                web_sys::ScrollBehavior::Instant
            } else {
                web_sys::ScrollBehavior::Smooth
            });
            results.scroll_into_view_with_scroll_into_view_options(&options);
        }
    }
}

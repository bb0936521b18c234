//! The page's elements, looked up once into typed handles, and the form ↔ scenario mapping.
//! Every setting the form changes goes through `Scenario::set`, the same setter the URL uses,
//! so both accept and reject the same values with the same words.

use super::{with_app, App, Status};
use crate::core::input::scenario::{Scenario, Source, MAX_PROCESSES, MAX_THREADS};
use crate::core::input::workload::{Preset, Workload};
use crate::core::measure::trace::{Model, SpanState};
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlButtonElement, HtmlDialogElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement, HtmlTextAreaElement,
};

pub struct Controls {
    pub preset: HtmlSelectElement,
    pub workload: HtmlTextAreaElement,
    pub workload_error: Element,
    pub models: Vec<(Model, HtmlInputElement)>,
    /// The numeric settings, by the scenario key each one sets.
    pub settings: Vec<(&'static str, HtmlInputElement)>,
    /// How `processes` starts its workers.
    pub start: HtmlSelectElement,
    pub run: HtmlButtonElement,
    pub stop: HtmlButtonElement,
    pub status: Element,
    pub notices: HtmlElement,
    pub env: HtmlElement,
    pub open_tab: HtmlElement,
    pub full_link: Element,
    pub verdict: Element,
    pub advice: HtmlElement,
    pub checks: Element,
    pub agreement: Element,
    pub results_body: Element,
    pub panels: HtmlElement,
    pub tip: HtmlElement,
    pub timeline_section: Element,
    pub scrub: HtmlInputElement,
    pub replay: HtmlButtonElement,
    pub replay_speed: HtmlSelectElement,
    pub zoom: [(HtmlButtonElement, f64); 3],
    pub table_view: Element,
    pub span_table: Element,
    pub copy_link: Element,
    pub embed_open: Element,
    pub embed_dialog: HtmlDialogElement,
    pub embed_code: HtmlTextAreaElement,
    pub embed_copy: HtmlElement,
    pub embed_copy_frame: HtmlElement,
    pub caption: Element,
    pub embed_close: Element,
    pub export_menu: Element,
}

/// The element with `id`, as a `T`, or a sentence naming what is missing.
pub(super) fn by_id<T: JsCast>(doc: &Document, id: &str) -> Result<T, JsValue> {
    doc.get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("the page has no #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str(&format!("#{id} is not the expected element")))
}

impl Controls {
    /// Finds every element the page uses.
    ///
    /// # Errors
    /// Names the first element that is missing or of the wrong kind.
    pub fn find(doc: &Document) -> Result<Controls, JsValue> {
        let mut models = Vec::new();
        for m in Model::ALL {
            let input = doc
                .query_selector(&format!("input[name=model][value={}]", m.id()))?
                .ok_or_else(|| JsValue::from_str(&format!("the page has no {m} checkbox")))?
                .dyn_into::<HtmlInputElement>()?;
            models.push((m, input));
        }
        Ok(Controls {
            preset: by_id(doc, "preset")?,
            workload: by_id(doc, "workload")?,
            workload_error: by_id(doc, "workload-error")?,
            models,
            settings: vec![
                ("threads", by_id(doc, "threads")?),
                ("processes", by_id(doc, "processes")?),
                ("switch", by_id(doc, "switch")?),
                ("seed", by_id(doc, "seed")?),
                ("repeat", by_id(doc, "repeat")?),
            ],
            start: by_id(doc, "start")?,
            run: by_id(doc, "run")?,
            stop: by_id(doc, "stop")?,
            status: by_id(doc, "status")?,
            notices: by_id(doc, "notices")?,
            env: by_id(doc, "env")?,
            open_tab: by_id(doc, "open-tab")?,
            full_link: by_id(doc, "full-link")?,
            verdict: by_id(doc, "verdict")?,
            advice: by_id(doc, "advice")?,
            checks: by_id(doc, "checks")?,
            agreement: by_id(doc, "agreement")?,
            results_body: by_id(doc, "results-body")?,
            panels: by_id(doc, "panels")?,
            tip: by_id(doc, "tip")?,
            timeline_section: by_id(doc, "timeline-section")?,
            scrub: by_id(doc, "scrub")?,
            replay: by_id(doc, "replay")?,
            replay_speed: by_id(doc, "replay-speed")?,
            zoom: [
                (by_id(doc, "zoom-in")?, 0.5),
                (by_id(doc, "zoom-out")?, 2.0),
                (by_id(doc, "zoom-fit")?, 0.0),
            ],
            table_view: by_id(doc, "table-view")?,
            span_table: by_id(doc, "span-table")?,
            copy_link: by_id(doc, "copy-link")?,
            embed_open: by_id(doc, "embed-open")?,
            embed_dialog: by_id(doc, "embed-dialog")?,
            embed_code: by_id(doc, "embed-code")?,
            embed_copy: by_id(doc, "embed-copy")?,
            embed_copy_frame: by_id(doc, "embed-copy-frame")?,
            caption: by_id(doc, "caption")?,
            embed_close: by_id(doc, "embed-close")?,
            export_menu: by_id(doc, "export-menu")?,
        })
    }

    /// The state colours as CSS variables (`--cpu`, …) for the legend: the core's palette is
    /// the only list of them.
    pub fn set_state_colours(&self, doc: &Document) {
        if let Some(root) = doc
            .document_element()
            .and_then(|r| r.dyn_into::<HtmlElement>().ok())
        {
            for state in SpanState::ALL {
                let _ = root
                    .style()
                    .set_property(&format!("--{}", state.id()), state.colour());
            }
        }
    }

    /// Writes the scenario into the controls.
    pub fn show_scenario(&self, s: &Scenario) {
        self.preset.set_value(match &s.source {
            Source::Preset(p) => p.id(),
            Source::Text(_) => "custom",
        });
        self.workload.set_value(&s.text());
        for (key, input) in &self.settings {
            let value = match *key {
                "threads" => s.threads.to_string(),
                "processes" => s.processes.to_string(),
                "switch" => s.switch_ms.to_string(),
                "repeat" => s.repeat.to_string(),
                _ => s.seed.to_string(),
            };
            input.set_value(&value);
            match *key {
                "threads" => input.set_max(&MAX_THREADS.to_string()),
                "processes" => input.set_max(&MAX_PROCESSES.to_string()),
                _ => {}
            }
        }
        for (m, input) in &self.models {
            input.set_checked(s.models.contains(m));
        }
        self.start.set_value(s.start.id());
    }
}

/// Listens to the form.
pub fn bind() -> Result<Vec<EventListener>, JsValue> {
    let Some(mut out) = with_app(|app| {
        let ui = &app.ui;
        let mut out = vec![
            EventListener::new(&ui.preset, "change", |_| {
                with_app(App::on_preset);
            }),
            EventListener::new(&ui.workload, "input", |_| {
                with_app(App::on_edit);
            }),
            EventListener::new(&ui.workload, "keydown", |e| {
                if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                    if k.key() == "Enter" && (k.ctrl_key() || k.meta_key()) {
                        e.prevent_default();
                        with_app(App::request_run);
                    }
                }
            }),
            EventListener::new(&ui.run, "click", |e| {
                e.prevent_default();
                with_app(App::request_run);
            }),
            EventListener::new(&ui.stop, "click", |e| {
                e.prevent_default();
                with_app(App::stop_run);
            }),
            EventListener::new(&ui.start, "change", |_| {
                with_app(|app| {
                    if let Err(n) = app.scenario.set("start", &app.ui.start.value()) {
                        app.show_notices(&[n.message]);
                    }
                    app.sync_url();
                });
            }),
        ];
        for (key, input) in &ui.settings {
            let key = *key;
            out.push(EventListener::new(input, "change", move |_| {
                with_app(|app| app.on_setting(key));
            }));
        }
        for (_, input) in &ui.models {
            out.push(EventListener::new(input, "change", |_| {
                with_app(App::on_models);
            }));
        }
        out
    }) else {
        return Err(JsValue::from_str("the page is not set up"));
    };
    if let Some(form) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("controls"))
    {
        // Enter in a number field must not submit (and reload) the page.
        out.push(EventListener::new_with_options(
            &form,
            "submit",
            gloo_events::EventListenerOptions::enable_prevent_default(),
            |e| e.prevent_default(),
        ));
    }
    Ok(out)
}

impl App {
    /// Keeps the address bar in step with the controls.
    pub(super) fn sync_url(&self) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ =
                history.replace_state_with_url(&JsValue::NULL, "", Some(&self.scenario.to_query()));
        }
    }

    fn on_preset(&mut self) {
        if let Some(p) = Preset::from_id(&self.ui.preset.value()) {
            self.scenario.source = Source::Preset(p);
            self.ui.workload.set_value(p.text());
        }
        self.validate();
        self.refresh_preview();
        self.sync_url();
    }

    fn on_edit(&mut self) {
        self.scenario.set_text(self.ui.workload.value());
        self.ui.preset.set_value(match &self.scenario.source {
            Source::Preset(p) => p.id(),
            Source::Text(_) => "custom",
        });
        self.validate();
        self.refresh_preview();
        self.sync_url();
    }

    fn on_setting(&mut self, key: &'static str) {
        let Some((_, input)) = self.ui.settings.iter().find(|(k, _)| *k == key) else {
            return;
        };
        match self.scenario.set(key, &input.value()) {
            Ok(()) => self.show_notices(&[]),
            Err(notice) => {
                self.show_notices(&[notice.message]);
                self.ui.show_scenario(&self.scenario);
            }
        }
        self.refresh_preview();
        self.sync_url();
    }

    fn on_models(&mut self) {
        self.scenario.models = self
            .ui
            .models
            .iter()
            .filter(|(_, i)| i.checked())
            .map(|(m, _)| *m)
            .collect();
        if self.run.is_none() {
            let _ = self.panels.set_models(&self.scenario.models);
            self.show_results();
        }
        self.refresh_preview();
        self.sync_url();
    }

    /// Checks the workload text and shows the first error at its line.
    pub(super) fn validate(&self) -> Option<Workload> {
        match self.scenario.workload() {
            Ok(w) => {
                self.ui.workload_error.set_text_content(None);
                let _ = self.ui.workload.remove_attribute("aria-invalid");
                Some(w)
            }
            Err(e) => {
                self.ui.workload_error.set_text_content(Some(&format!(
                    "Line {}, column {}: {}",
                    e.line, e.column, e.message
                )));
                let _ = self.ui.workload.set_attribute("aria-invalid", "true");
                None
            }
        }
    }

    /// Puts the cursor on the workload's error, so it is shown where it is.
    pub(super) fn point_at_workload_error(&self) {
        if let Err(e) = self.scenario.workload() {
            let (start, end) = e.utf16_range(&self.ui.workload.value());
            let _ = self.ui.workload.focus();
            let _ = self.ui.workload.set_selection_range(start, end);
        }
        self.set_status(
            Status::Error,
            "The workload has an error (shown under the editor); nothing was run.",
        );
    }
}

//! The page's elements, looked up once into typed handles; the form's events as the session's
//! inputs, and the form drawn from the scenario. Every setting the form changes goes through
//! `Scenario::set`, the same setter the URL uses, so both accept and reject the same values
//! with the same words.

use super::{by_id, dispatch, App};
use crate::core::input::scenario::{Scenario, Source, MAX_PROCESSES, MAX_THREADS};
use crate::core::measure::trace::{Model, SpanState};
use crate::core::session::FormInput;
use crate::core::session::{Input, Setting};
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
    /// The numeric settings, by the setting each one sets.
    pub settings: Vec<(Setting, HtmlInputElement)>,
    /// How `processes` starts its workers.
    pub start: HtmlSelectElement,
    /// The Settings disclosure, and its summary of the values inside.
    pub settings_box: Element,
    pub settings_summary: Element,
    pub run: HtmlButtonElement,
    pub stop: HtmlButtonElement,
    pub status: Element,
    pub notices: HtmlElement,
    pub env: HtmlElement,
    pub open_tab: HtmlElement,
    pub full_link: Element,
    pub verdict: Element,
    pub advice: HtmlElement,
    /// The fixed-height box around the advice and the checks, and its "Show all" button.
    pub notes: HtmlElement,
    pub notes_more: HtmlElement,
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
    /// The embed dialog's choice: the last run's recording, or a live embed.
    pub embed_kind: HtmlElement,
    pub embed_recording: HtmlInputElement,
    /// The embed dialog's "ask readers to guess first" (`predict=1`).
    pub embed_predict: HtmlInputElement,
    /// The Embed dialog's form: the frame with its script, or the light element.
    pub embed_form: HtmlElement,
    pub embed_as_element: HtmlInputElement,
    pub embed_as_frame: HtmlInputElement,
    pub embed_live: HtmlInputElement,
    /// Why there is no recording to embed, when there is none.
    pub embed_recording_note: HtmlElement,
    /// The dialog's pictures for sites that take no iframe.
    pub embed_images: HtmlElement,
    pub embed_copy: HtmlElement,
    pub embed_copy_frame: HtmlElement,
    pub caption: Element,
    pub embed_close: Element,
    pub export_menu: Element,
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
            settings: Setting::NUMERIC
                .into_iter()
                .map(|s| Ok((s, by_id(doc, s.key())?)))
                .collect::<Result<_, JsValue>>()?,
            start: by_id(doc, "start")?,
            settings_box: by_id(doc, "settings")?,
            settings_summary: by_id(doc, "settings-summary")?,
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
            notes: by_id(doc, "notes")?,
            notes_more: by_id(doc, "notes-more")?,
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
            embed_kind: by_id(doc, "embed-kind")?,
            embed_recording: by_id(doc, "embed-recording")?,
            embed_predict: by_id(doc, "embed-predict")?,
            embed_form: by_id(doc, "embed-form")?,
            embed_as_element: by_id(doc, "embed-as-element")?,
            embed_as_frame: by_id(doc, "embed-as-frame")?,
            embed_live: by_id(doc, "embed-live")?,
            embed_recording_note: by_id(doc, "embed-recording-note")?,
            embed_images: by_id(doc, "embed-images")?,
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
        self.show_source(s);
        self.workload.set_value(&s.text());
        for (setting, input) in &self.settings {
            input.set_value(&setting.value(s));
            match setting {
                Setting::Threads => input.set_max(&MAX_THREADS.to_string()),
                Setting::Processes => input.set_max(&MAX_PROCESSES.to_string()),
                _ => {}
            }
        }
        for (m, input) in &self.models {
            input.set_checked(s.models.contains(m));
        }
        self.start.set_value(s.start.id());
        self.settings_summary
            .set_text_content(Some(&s.settings_summary()));
    }

    /// Opens the Settings disclosure when the scenario sets what it holds away from the
    /// defaults (the address did); never closes it: closing is the reader's.
    pub fn open_settings_if_set(&self, s: &Scenario) {
        if s.sets_more() {
            let _ = self.settings_box.set_attribute("open", "");
        }
    }

    /// The preset menu: the scenario's preset, or "custom".
    pub fn show_source(&self, s: &Scenario) {
        self.preset.set_value(match &s.source {
            Source::Preset(p) => p.id(),
            Source::Text(_) => "custom",
        });
    }
}

/// Listens to the form.
pub fn bind(app: &App) -> Result<Vec<EventListener>, JsValue> {
    let ui = &app.ui;
    let preset = ui.preset.clone();
    let workload = ui.workload.clone();
    let start = ui.start.clone();
    let mut out = vec![
        EventListener::new(&ui.preset, "change", move |_| {
            dispatch(Input::Form(FormInput::Preset(preset.value())));
        }),
        EventListener::new(&ui.workload, "input", move |_| {
            dispatch(Input::Form(FormInput::Edit(workload.value())));
        }),
        EventListener::new_with_options(
            &ui.workload,
            "keydown",
            gloo_events::EventListenerOptions::enable_prevent_default(),
            |e| {
                if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                    if k.key() == "Enter" && (k.ctrl_key() || k.meta_key()) {
                        e.prevent_default();
                        dispatch(Input::Run);
                    }
                }
            },
        ),
        EventListener::new(&ui.run, "click", |_| dispatch(Input::Run)),
        EventListener::new(&ui.stop, "click", |_| dispatch(Input::Stop)),
        EventListener::new(&ui.start, "change", move |_| {
            dispatch(Input::Form(FormInput::Set(Setting::Start, start.value())));
        }),
    ];
    for (setting, input) in &ui.settings {
        let (setting, field) = (*setting, input.clone());
        out.push(EventListener::new(input, "change", move |_| {
            dispatch(Input::Form(FormInput::Set(setting, field.value())));
        }));
    }
    for (_, input) in &ui.models {
        let models = ui.models.clone();
        out.push(EventListener::new(input, "change", move |_| {
            let chosen = models
                .iter()
                .filter(|(_, i)| i.checked())
                .map(|(m, _)| *m)
                .collect();
            dispatch(Input::Form(FormInput::Models(chosen)));
        }));
    }
    if let Some(form) = app.doc.get_element_by_id("controls") {
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

/// Keeps the address bar in step with the scenario.
pub fn sync_url(scenario: &Scenario) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&scenario.to_query()));
    }
}

/// Every control from the scenario.
pub fn show_form(app: &App) {
    app.ui.show_scenario(app.session.scenario());
    super::sweep::show_sizes(app);
}

pub fn show_preset(app: &App) {
    app.ui.show_source(app.session.scenario());
}

/// The workload's first error at its line, under the editor.
pub fn show_workload_error(app: &App) {
    let ui = &app.ui;
    match app.session.workload() {
        Ok(_) => {
            ui.workload_error.set_text_content(None);
            let _ = ui.workload.remove_attribute("aria-invalid");
        }
        Err(e) => {
            ui.workload_error.set_text_content(Some(&format!(
                "Line {}, column {}: {}",
                e.line, e.column, e.message
            )));
            let _ = ui.workload.set_attribute("aria-invalid", "true");
        }
    }
}

/// Puts the cursor on the workload's error, so it is shown where it is.
pub fn focus_workload_error(app: &App) {
    if let Err(e) = app.session.workload() {
        let (start, end) = e.utf16_range(&app.ui.workload.value());
        let _ = app.ui.workload.focus();
        let _ = app.ui.workload.set_selection_range(start, end);
    }
}

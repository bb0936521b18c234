//! The page (main thread): the [`App`] that owns everything the page shows, its start-up, its
//! status and the automation contract (`data-status`, `data-run`, `window.conpar`). It never
//! blocks: all work happens in the conductor and its workers; this thread only draws what
//! they report. One file per job:
//! - [`controls`]: the form's elements, looked up once, and form ↔ scenario;
//! - [`conductor_handle`]: starting the conductor, its messages, its failures;
//! - [`run`]: starting, following, finishing and stopping a run;
//! - [`results`]: the results table, the verdict, the span table;
//! - [`panels`]: the timeline's panels, painted from the core's scenes;
//! - [`interact`]: pointer and keyboard on the timeline, scrub, replay, the tooltip;
//! - [`frame`]: when to draw;
//! - [`sharing`]: links, the embed dialog and view, exports;
//! - [`learn`]: the worst-stalled task on the timeline, the equivalent Python;
//! - [`cpython`]: traces from real CPython drawn beside the run;
//! - [`sweep`]: the pool models at several pool sizes, and the chart of their speedups.

mod conductor_handle;
mod controls;
mod cpython;
mod frame;
mod interact;
mod learn;
mod panels;
mod results;
mod run;
mod sharing;
mod sweep;

use crate::core::analysis::results::ModelResult;
use crate::core::analysis::summary::{environment, SharedMemory};
use crate::core::drawing::scene::View;
use crate::core::input::scenario::Scenario;
use conductor_handle::Engine;
use controls::Controls;
use gloo_events::EventListener;
use panels::Panels;
use run::Run;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Document;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Loading,
    Ready,
    Running,
    Done,
    Error,
}

impl Status {
    fn id(self) -> &'static str {
        match self {
            Status::Loading => "loading",
            Status::Ready => "ready",
            Status::Running => "running",
            Status::Done => "done",
            Status::Error => "error",
        }
    }
}

pub struct App {
    doc: Document,
    ui: Controls,
    scenario: Scenario,
    cores: u32,
    isolated: bool,
    engine: Option<Engine>,
    /// Terminated engines whose listeners may still be on the stack; dropped next frame.
    retired: Vec<Engine>,
    run: Option<Run>,
    /// Runs started since the page loaded (`data-run`), so a script can wait for run k.
    runs_started: u32,
    panels: Panels,
    view: View,
    /// Where a drag on the timeline last was (CSS px), while one is in progress.
    drag_x: Option<f64>,
    /// When a replay started (page clock, ms), while one plays.
    replay_from: Option<f64>,
    /// Start the run as soon as the engine is ready (`run=1`, or Run pressed while loading).
    run_when_ready: bool,
    results: Vec<ModelResult>,
    /// Before the first run: each model's expected schedule, drawn as such.
    preview: Vec<crate::core::drawing::scene::LiveTrace>,
    /// Test builds only: the fault the next run injects.
    fault: Option<crate::web::messages::Fault>,
    embed: sharing::EmbedState,
    /// What the address got wrong, kept until the first run has shown it with its own notices.
    url_notices: Vec<String>,
    /// The page's listeners, removed when the app is dropped.
    listeners: Vec<EventListener>,
    python: learn::PythonView,
    cpython: cpython::Cpython,
    sweep: Option<sweep::Sweep>,
    sweep_view: sweep::SweepView,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// Runs `f` on the app, unless the page has crashed or the app is already in use (a handler
/// that fires while another runs, which would otherwise panic on a second borrow).
fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    if super::panic::crashed() {
        return None;
    }
    APP.with(|a| {
        let mut app = a.try_borrow_mut().ok()?;
        app.as_mut().map(f)
    })
}

/// Test builds only: the fault the next run injects.
pub fn set_fault(fault: Option<crate::web::messages::Fault>) {
    with_app(|app| app.fault = fault);
}

/// Starts the page.
///
/// # Errors
/// When the page lacks an element it needs.
pub fn start() -> Result<(), JsValue> {
    let win = web_sys::window().ok_or("no window")?;
    let doc = win.document().ok_or("no document")?;
    let cores = (win.navigator().hardware_concurrency() as u32).max(1);
    let query = win.location().search().unwrap_or_default();
    let (scenario, notices) = Scenario::from_query(&query, cores);
    let ui = Controls::find(&doc)?;
    ui.set_state_colours(&doc);
    let mut panels = Panels::new(&doc)?;
    panels.set_models(&scenario.models)?;
    let app = App {
        ui,
        run_when_ready: scenario.run,
        scenario,
        cores,
        isolated: super::cross_origin_isolated(),
        engine: None,
        retired: Vec::new(),
        run: None,
        runs_started: 0,
        panels,
        view: View::default(),
        drag_x: None,
        replay_from: None,
        results: Vec::new(),
        preview: Vec::new(),
        fault: None,
        embed: sharing::EmbedState::default(),
        url_notices: Vec::new(),
        listeners: Vec::new(),
        python: learn::PythonView::find(&doc)?,
        cpython: cpython::Cpython::find(&doc)?,
        sweep: None,
        sweep_view: sweep::SweepView::find(&doc)?,
        doc,
    };
    APP.with(|a| *a.borrow_mut() = Some(app));
    let listeners = [
        controls::bind(),
        interact::bind(),
        sharing::bind(),
        frame::bind(),
        learn::bind(),
        cpython::bind(),
        sweep::bind(),
    ]
    .into_iter()
    .collect::<Result<Vec<_>, JsValue>>()?
    .into_iter()
    .flatten()
    .collect();
    install_api(&win)?;
    with_app(|app| {
        app.listeners = listeners;
        app.ui.show_scenario(&app.scenario);
        app.url_notices = notices.into_iter().map(|n| n.message).collect();
        app.show_notices(&app.url_notices);
        app.show_environment();
        app.validate();
        app.refresh_preview();
        app.show_results();
        app.show_sweep_sizes();
        // sweep=… with run=1: the sweep runs once the workers are ready.
        if app.scenario.run && app.scenario.sweep.is_some() {
            app.start_sweep();
        }
        sharing::start_embed_or_engine(app);
        if let Some(path) = app.scenario.trace.clone() {
            wasm_bindgen_futures::spawn_local(cpython::fetch_trace(path));
        }
    });
    frame::request();
    Ok(())
}

/// `window.conpar`: `trace()` and `results()` of the last run. The closures live as long as the
/// page, so they are handed to JavaScript for good.
fn install_api(win: &web_sys::Window) -> Result<(), JsValue> {
    let api = js_sys::Object::new();
    let trace = Closure::<dyn Fn() -> JsValue>::new(|| {
        with_app(|app| app.trace_json()).unwrap_or(JsValue::NULL)
    });
    let results = Closure::<dyn Fn() -> JsValue>::new(|| {
        with_app(|app| serde_wasm_bindgen::to_value(&app.results).unwrap_or(JsValue::NULL))
            .unwrap_or(JsValue::NULL)
    });
    js_sys::Reflect::set(&api, &"trace".into(), &trace.into_js_value())?;
    js_sys::Reflect::set(&api, &"results".into(), &results.into_js_value())?;
    let sweep = Closure::<dyn Fn() -> JsValue>::new(|| {
        with_app(|app| app.sweep_json()).unwrap_or(JsValue::NULL)
    });
    js_sys::Reflect::set(&api, &"sweep".into(), &sweep.into_js_value())?;
    // Imported traces' results, beside the run's.
    let imported = Closure::<dyn Fn() -> JsValue>::new(|| {
        with_app(|app| serde_wasm_bindgen::to_value(&app.cpython.results).unwrap_or(JsValue::NULL))
            .unwrap_or(JsValue::NULL)
    });
    js_sys::Reflect::set(&api, &"imported".into(), &imported.into_js_value())?;
    js_sys::Reflect::set(win, &"conpar".into(), &api)?;
    Ok(())
}

impl App {
    fn set_status(&self, status: Status, text: &str) {
        if let Some(root) = self.doc.document_element() {
            let _ = root.set_attribute("data-status", status.id());
        }
        self.ui.status.set_text_content(Some(text));
        let running = status == Status::Running;
        self.ui.run.set_disabled(running);
        self.sweep_view.button.set_disabled(running);
        // Stop works whenever there is something to stop: a run, or a run about to start.
        self.ui
            .stop
            .set_disabled(!(running || (status == Status::Loading && self.run_when_ready)));
    }

    /// Shows `notices` in their overlay, replacing the previous ones (a × closes it).
    fn show_notices(&self, notices: &[String]) {
        let el = &self.ui.notices;
        el.set_text_content(None);
        if let Ok(close) = self.doc.create_element("button") {
            close.set_class_name("close");
            let _ = close.set_attribute("type", "button");
            let _ = close.set_attribute("aria-label", "Close the notices");
            close.set_text_content(Some("×"));
            let _ = el.append_child(&close);
        }
        for n in notices {
            if let Ok(p) = self.doc.create_element("p") {
                p.set_text_content(Some(n));
                let _ = el.append_child(&p);
            }
        }
        el.set_hidden(notices.is_empty());
    }

    /// Adds a notice below the ones shown.
    fn add_notice(&self, notice: &str) {
        if let Ok(p) = self.doc.create_element("p") {
            p.set_text_content(Some(notice));
            let _ = self.ui.notices.append_child(&p);
        }
        self.ui.notices.set_hidden(false);
    }

    /// The legend lists exactly the states this scenario can draw.
    fn show_legend(&self) {
        let Ok(workload) = self.scenario.workload() else {
            return;
        };
        let drawn = crate::core::analysis::summary::states_drawn(&self.scenario.models, &workload);
        if let Ok(items) = self.doc.query_selector_all(".legend li[data-state]") {
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

    /// Before the first run: each selected model's expected schedule for this workload.
    fn refresh_preview(&mut self) {
        self.show_legend();
        self.show_python();
        self.preview.clear();
        if self.run.is_some() {
            let _ = self.ui.panels.class_list().remove_1("preview");
            return;
        }
        if let Ok(workload) = self.scenario.workload() {
            let tasks = workload.tasks();
            let pools = (self.scenario.threads, self.scenario.processes);
            self.preview = self
                .scenario
                .models
                .iter()
                .map(|&m| {
                    let lanes = crate::core::analysis::plan::lanes(m, pools);
                    let trace =
                        crate::core::analysis::schedule::expected(m, &tasks, lanes, self.cores);
                    crate::core::drawing::scene::LiveTrace::finished(&trace)
                })
                .collect();
        }
        let _ = self
            .ui
            .panels
            .class_list()
            .toggle_with_force("preview", !self.preview.is_empty());
        frame::request();
    }

    /// What can share memory here, as far as the page knows.
    fn shared_memory(&self) -> SharedMemory {
        if !self.isolated {
            return SharedMemory::NotIsolated;
        }
        if !super::has_shared_array_buffer() {
            return SharedMemory::NoSharedArrayBuffer;
        }
        match self.engine.as_ref().and_then(|e| e.ready.as_ref()) {
            None => SharedMemory::Starting,
            Some(r) if r.threads > 0 => SharedMemory::Pool(r.threads),
            Some(r) => SharedMemory::PoolFailed(
                r.pool_error
                    .clone()
                    .unwrap_or_else(|| "no thread started".into()),
            ),
        }
    }

    fn show_environment(&self) {
        let shared = self.shared_memory();
        let mut text = environment(&shared, self.cores, self.scenario.embed);
        if let Some(r) = self.engine.as_ref().and_then(|e| e.ready.as_ref()) {
            self.ui.env.set_title(&format!(
                "The CPU kernel is calibrated to {} rounds per ms on this device, so `cpu 50` computes for about 50 ms.",
                r.calibration.rounds_per_ms
            ));
        }
        if !self.scenario.embed && shared == SharedMemory::Starting {
            text.push_str(" Starting the workers…");
        }
        self.ui.env.set_text_content(Some(&text));
        let reason = shared.unavailable_reason();
        for (model, input) in &self.ui.models {
            let unavailable = model.needs_shared_memory() && reason.is_some();
            input.set_disabled(unavailable);
            match (&reason, unavailable) {
                (Some(why), true) => input.set_title(&format!("{model} cannot run here: {why}")),
                _ => input.set_title(""),
            }
        }
    }
}

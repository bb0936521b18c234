//! The page (main thread): controls, the URL, the conductor's life cycle, results, and the
//! automation contract (`data-status`, `window.conpar`). It never blocks: all work happens in
//! the conductor and its workers; this thread only draws what they report.

use super::messages::{self, ModelDone, Ready, RunRequest};
use super::timeline::{LiveTrace, Timeline};
use crate::core::export::chrome_trace;
use crate::core::layout::format_ms;
use crate::core::scenario::{Scenario, Source, MAX_WORKERS};
use crate::core::trace::{
    checksums_agree, results, spans_from_flat, Model, ModelResult, ModelTrace,
};
use crate::core::workload::{Preset, Workload};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
    MessageEvent, Worker,
};

/// How long the conductor may take to calibrate and start its pool before the page says so.
const ENGINE_START_TIMEOUT_MS: u32 = 30_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
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

struct Engine {
    worker: Worker,
    ready: Option<Ready>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        // Ends the conductor and, with it, the pool and process workers it started.
        self.worker.terminate();
    }
}

/// One run as the page sees it.
struct Run {
    id: u32,
    traces: Vec<LiveTrace>,
    finished: bool,
}

impl Run {
    fn trace_mut(&mut self, model: Model) -> Option<&mut LiveTrace> {
        self.traces.iter_mut().find(|t| t.model == model)
    }

    /// Finished models as core traces, in the order they ran.
    fn completed(&self) -> Vec<ModelTrace> {
        self.traces
            .iter()
            .filter_map(LiveTrace::completed)
            .collect()
    }

    /// The first instant of the run on the shared clock.
    fn origin(&self) -> f64 {
        self.traces
            .iter()
            .filter_map(|t| t.start)
            .fold(f64::INFINITY, f64::min)
    }
}

struct App {
    doc: Document,
    scenario: Scenario,
    cores: u32,
    pool_threads: u32,
    isolated: bool,
    engine: Option<Engine>,
    run: Option<Run>,
    next_run: u32,
    timeline: Timeline,
    /// Terminated engines whose closures may still be on the stack; dropped next frame.
    retired: Vec<Engine>,
    /// Counts engines started, so a watchdog can tell whether its engine is still current.
    engine_generation: u32,
    /// Where a drag on the timeline last was (CSS px), while one is in progress.
    drag_x: Option<f64>,
    /// When a replay started (page clock, ms), while one plays.
    replay_from: Option<f64>,
    /// Reports this page's height to an embedding page (embed view only).
    _height_reporter: Option<super::share::HeightReporter>,
    /// Watches for an embed to scroll into view before starting its workers.
    visibility: Option<(web_sys::IntersectionObserver, ObserverClosure)>,
    /// The observer's callback after it fired, until the next frame.
    spent_observer: Option<ObserverClosure>,
    /// Start the run as soon as the engine is ready (`run=1`, or Run pressed while loading).
    run_when_ready: bool,
    last_results: Vec<ModelResult>,
}

type EventClosure = Closure<dyn FnMut(web_sys::Event)>;
type FrameClosure = Closure<dyn FnMut(f64)>;
type ObserverClosure = Closure<dyn FnMut(js_sys::Array)>;

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
    /// Closures the page keeps for its whole life (one each, created once at start-up).
    static LISTENERS: RefCell<Vec<EventClosure>> = const { RefCell::new(Vec::new()) };
    static FRAME: RefCell<Option<FrameClosure>> = const { RefCell::new(None) };
    /// The closures behind `window.conpar`, kept for the page's life.
    static API: RefCell<Vec<Closure<dyn Fn() -> JsValue>>> = const { RefCell::new(Vec::new()) };
    static HAND_TIMER: RefCell<Option<Closure<dyn FnMut()>>> = const { RefCell::new(None) };
    static HAND_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static FRAME_REQUESTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static DIRTY: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
    static LAST_DRAW: std::cell::Cell<f64> = const { std::cell::Cell::new(f64::NEG_INFINITY) };
}

fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    APP.with(|a| a.borrow_mut().as_mut().map(f))
}

fn by_id<T: JsCast>(doc: &Document, id: &str) -> Result<T, JsValue> {
    doc.get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("the page has no #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str(&format!("#{id} is not the expected element")))
}

fn set_text(doc: &Document, id: &str, text: &str) {
    if let Some(e) = doc.get_element_by_id(id) {
        e.set_text_content(Some(text));
    }
}

fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| JsValue::from_str("no window"))
}

pub fn start() -> Result<(), JsValue> {
    let win = window()?;
    let doc = win.document().ok_or("no document")?;
    let cores = (win.navigator().hardware_concurrency() as u32).max(1);
    let pool_threads = cores.clamp(2, MAX_WORKERS);
    let isolated = super::cross_origin_isolated();
    let query = win.location().search().unwrap_or_default();
    let (scenario, notices) = Scenario::from_query(&query, cores);
    let mut timeline = Timeline::new(&doc)?;
    timeline.set_models(&scenario.models)?;
    let app = App {
        doc: doc.clone(),
        run_when_ready: scenario.run,
        scenario,
        cores,
        pool_threads,
        isolated,
        engine: None,
        run: None,
        next_run: 1,
        timeline,
        retired: Vec::new(),
        engine_generation: 0,
        drag_x: None,
        replay_from: None,
        _height_reporter: None,
        visibility: None,
        spent_observer: None,
        last_results: Vec::new(),
    };
    APP.with(|a| *a.borrow_mut() = Some(app));
    with_app(|app| {
        app.show_scenario();
        app.show_notices(
            &notices
                .iter()
                .map(|n| n.message.clone())
                .collect::<Vec<_>>(),
        );
        app.show_environment();
        app.validate();
    });
    bind_controls(&doc)?;
    bind_share(&doc)?;
    install_api(&win)?;
    let (embed, run) =
        with_app(|app| (app.scenario.embed, app.scenario.run)).unwrap_or((false, false));
    with_app(|app| app.show_links());
    if embed {
        let reporter = super::share::report_height()?;
        with_app(|app| app._height_reporter = Some(reporter));
    }
    if embed && !run {
        // An embed spends no CPU until the reader scrolls to it.
        watch_visibility(&doc)?;
        with_app(|app| {
            app.set_status(
                Status::Loading,
                "The workers start when this comes into view…",
            )
        });
    } else {
        let engine = spawn_engine(pool_threads)?;
        with_app(|app| app.set_engine(engine));
    }
    request_frame();
    Ok(())
}

fn listen(
    target: &web_sys::EventTarget,
    event: &str,
    f: impl FnMut(web_sys::Event) + 'static,
) -> Result<(), JsValue> {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())?;
    LISTENERS.with(|l| l.borrow_mut().push(closure));
    Ok(())
}

fn bind_controls(doc: &Document) -> Result<(), JsValue> {
    let preset: HtmlSelectElement = by_id(doc, "preset")?;
    listen(&preset, "change", |_| {
        with_app(|app| app.on_preset());
    })?;
    let text: HtmlTextAreaElement = by_id(doc, "workload")?;
    listen(&text, "input", |_| {
        with_app(|app| app.on_edit());
    })?;
    listen(&text, "keydown", |e| {
        if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
            if k.key() == "Enter" && (k.ctrl_key() || k.meta_key()) {
                e.prevent_default();
                with_app(App::request_run);
            }
        }
    })?;
    for id in ["workers", "switch", "seed"] {
        let input: HtmlInputElement = by_id(doc, id)?;
        listen(&input, "change", |_| {
            with_app(|app| app.on_settings());
        })?;
    }
    let models = doc.query_selector_all("input[name=model]")?;
    for i in 0..models.length() {
        if let Some(node) = models.item(i) {
            listen(&node, "change", |_| {
                with_app(|app| app.on_settings());
            })?;
        }
    }
    let run: HtmlElement = by_id(doc, "run")?;
    listen(&run, "click", |e| {
        e.prevent_default();
        with_app(App::request_run);
    })?;
    let stop: HtmlElement = by_id(doc, "stop")?;
    listen(&stop, "click", |e| {
        e.prevent_default();
        stop_run();
    })?;
    bind_timeline(doc)?;
    let win = window()?;
    listen(&win, "resize", |_| request_frame())?;
    if let Ok(Some(scheme)) = win.match_media("(prefers-color-scheme: dark)") {
        listen(&scheme, "change", |_| request_frame())?;
    }
    Ok(())
}

/// Starts the engine once the timeline is on screen (embeds only).
fn watch_visibility(doc: &Document) -> Result<(), JsValue> {
    let target: Element = by_id(doc, "panels")?;
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
        let visible = entries.iter().any(|e| {
            e.dyn_into::<web_sys::IntersectionObserverEntry>()
                .is_ok_and(|e| e.is_intersecting())
        });
        if !visible {
            return;
        }
        with_app(|app| {
            if let Some((observer, callback)) = app.visibility.take() {
                observer.disconnect();
                // This closure is running: it is dropped on the next frame, like retired engines.
                app.spent_observer = Some(callback);
            }
            if app.engine.is_none() {
                match spawn_engine(app.pool_threads) {
                    Ok(engine) => app.set_engine(engine),
                    Err(e) => {
                        app.set_status(Status::Error, &format!("The engine could not start: {e:?}"))
                    }
                }
            }
        });
    });
    let observer = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref())?;
    observer.observe(&target);
    with_app(|app| app.visibility = Some((observer, callback)));
    Ok(())
}

fn bind_share(doc: &Document) -> Result<(), JsValue> {
    let copy: Element = by_id(doc, "copy-link")?;
    listen(&copy, "click", |_| {
        let Some(url) = with_app(|app| super::share::address(&app.full_query())) else {
            return;
        };
        let Ok(url) = url else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let text = match super::share::copy(&url).await {
                Ok(()) => "Link copied: it reproduces this scenario.".to_string(),
                Err(_) => format!("Copy this link: {url}"),
            };
            with_app(|app| app.show_notices(&[text]));
        });
    })?;
    let dialog: web_sys::HtmlDialogElement = by_id(doc, "embed-dialog")?;
    let open: Element = by_id(doc, "embed-open")?;
    let d = dialog.clone();
    listen(&open, "click", move |_| {
        with_app(|app| {
            let mut embed = app.scenario.clone();
            embed.embed = true;
            let models: Vec<&str> = embed.models.iter().map(|m| m.id()).collect();
            let title = format!(
                "conpar: {} under {}",
                embed.text().replace('\n', "; "),
                models.join(", ")
            );
            if let (Ok(src), Ok(area)) = (
                super::share::address(&embed.to_query()),
                by_id::<HtmlTextAreaElement>(&app.doc, "embed-code"),
            ) {
                area.set_value(&super::share::embed_snippet(&src, &title));
            }
        });
        let _ = d.show_modal();
    })?;
    let close: Element = by_id(doc, "embed-close")?;
    let d = dialog.clone();
    listen(&close, "click", move |_| d.close())?;
    let copy_code: Element = by_id(doc, "embed-copy")?;
    listen(&copy_code, "click", |_| {
        let Some(code) = with_app(|app| {
            by_id::<HtmlTextAreaElement>(&app.doc, "embed-code")
                .map(|a| a.value())
                .ok()
        })
        .flatten() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let label = if super::share::copy(&code).await.is_ok() {
                "Copied"
            } else {
                "Select and copy the code"
            };
            with_app(|app| set_text(&app.doc, "embed-copy", label));
        });
    })?;
    let menu: Element = by_id(doc, "export-menu")?;
    listen(&menu, "click", |e| {
        let Some(kind) = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.get_attribute("data-export"))
        else {
            return;
        };
        with_app(|app| {
            if let Some(m) = app.doc.get_element_by_id("export-menu") {
                let _ = m.remove_attribute("open");
            }
            app.export(&kind);
        });
    })?;
    Ok(())
}

/// A pointer event on a panel's canvas: which model, the point in the canvas's CSS pixels, the
/// point in the viewport (for the tooltip), and where the canvas's plot is.
struct CanvasPoint {
    model: Model,
    x: f64,
    y: f64,
    client: (f64, f64),
    plot_left: f64,
    plot_width: f64,
}

impl CanvasPoint {
    fn of(e: &web_sys::Event) -> Option<CanvasPoint> {
        let target: Element = e.target()?.dyn_into().ok()?;
        let model = Model::from_id(&target.get_attribute("data-model")?)?;
        let mouse: web_sys::MouseEvent = e.clone().dyn_into().ok()?;
        let rect = target.get_bounding_client_rect();
        let client = (f64::from(mouse.client_x()), f64::from(mouse.client_y()));
        let (plot_left, plot_width) = super::timeline::plot_area(rect.width());
        Some(CanvasPoint {
            model,
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

fn bind_timeline(doc: &Document) -> Result<(), JsValue> {
    let panels: Element = by_id(doc, "panels")?;
    listen(&panels, "pointermove", |e| {
        let Some(p) = CanvasPoint::of(&e) else {
            return;
        };
        let dragged = with_app(|app| match app.drag_x {
            Some(last) => {
                app.timeline.pan((last - p.x) / p.plot_width);
                app.drag_x = Some(p.x);
                app.hide_tip();
                true
            }
            None => {
                app.on_hover(p.model, p.x, p.y, p.client);
                false
            }
        });
        if dragged == Some(true) {
            request_frame();
        }
    })?;
    listen(&panels, "pointerdown", |e| {
        let Some(p) = CanvasPoint::of(&e) else {
            return;
        };
        with_app(|app| {
            // A tap shows the details; a drag on a zoomed timeline pans it.
            app.on_hover(p.model, p.x, p.y, p.client);
            if app.timeline.view.zoom.is_some() {
                app.drag_x = Some(p.x);
            }
        });
    })?;
    for end in ["pointerup", "pointercancel"] {
        listen(&panels, end, |_| {
            with_app(|app| app.drag_x = None);
        })?;
    }
    listen(&panels, "pointerleave", |e| {
        // A finger "leaves" as soon as it lifts: a tapped span's details stay until the next tap.
        let touch = e
            .dyn_ref::<web_sys::PointerEvent>()
            .is_some_and(|p| p.pointer_type() == "touch");
        with_app(|app| {
            app.drag_x = None;
            if !touch {
                app.hide_tip();
            }
        });
    })?;
    // Ctrl/⌘ + wheel zooms (plain wheel keeps scrolling the page); a sideways wheel pans.
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(false);
    let wheel = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        let Some(p) = CanvasPoint::of(&e) else {
            return;
        };
        let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() else {
            return;
        };
        let centre = p.fraction();
        if w.ctrl_key() || w.meta_key() {
            e.prevent_default();
            with_app(|app| {
                app.timeline
                    .zoom(if w.delta_y() < 0.0 { 0.8 } else { 1.25 }, centre)
            });
            request_frame();
        } else if w.delta_x().abs() > w.delta_y().abs() || w.shift_key() {
            e.prevent_default();
            let delta = if w.delta_x().abs() > 0.0 {
                w.delta_x()
            } else {
                w.delta_y()
            };
            with_app(|app| app.timeline.pan(delta / p.plot_width));
            request_frame();
        }
    });
    panels.add_event_listener_with_callback_and_add_event_listener_options(
        "wheel",
        wheel.as_ref().unchecked_ref(),
        &options,
    )?;
    LISTENERS.with(|l| l.borrow_mut().push(wheel));
    listen(&panels, "keydown", |e| {
        let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        let handled = with_app(|app| {
            match k.key().as_str() {
                "+" | "=" => app.timeline.zoom(0.5, 0.5),
                "-" | "_" => app.timeline.zoom(2.0, 0.5),
                "0" => app.timeline.view.zoom = None,
                "ArrowLeft" => app.timeline.pan(-0.2),
                "ArrowRight" => app.timeline.pan(0.2),
                _ => return false,
            }
            true
        })
        .unwrap_or(false);
        if handled {
            e.prevent_default();
            request_frame();
        }
    })?;
    for (id, action) in [("zoom-in", 0.5), ("zoom-out", 2.0), ("zoom-fit", 0.0)] {
        let button: Element = by_id(doc, id)?;
        listen(&button, "click", move |_| {
            with_app(|app| {
                if action == 0.0 {
                    app.timeline.view.zoom = None;
                } else {
                    app.timeline.zoom(action, 0.5);
                }
            });
            request_frame();
        })?;
    }
    let scrub: Element = by_id(doc, "scrub")?;
    listen(&scrub, "input", |_| {
        with_app(App::on_scrub);
        request_frame();
    })?;
    let replay: Element = by_id(doc, "replay")?;
    listen(&replay, "click", |_| {
        with_app(App::on_replay);
        request_frame();
    })?;
    let details: Element = by_id(doc, "table-view")?;
    listen(&details, "toggle", |_| {
        with_app(|app| app.show_table());
    })?;
    Ok(())
}

/// `window.conpar`: `trace()` and `results()` of the last run.
fn install_api(win: &web_sys::Window) -> Result<(), JsValue> {
    let api = js_sys::Object::new();
    let trace = Closure::<dyn Fn() -> JsValue>::new(|| {
        with_app(|app| app.trace_json()).unwrap_or(JsValue::NULL)
    });
    let results = Closure::<dyn Fn() -> JsValue>::new(|| {
        with_app(|app| serde_wasm_bindgen::to_value(&app.last_results).unwrap_or(JsValue::NULL))
            .unwrap_or(JsValue::NULL)
    });
    js_sys::Reflect::set(&api, &"trace".into(), trace.as_ref())?;
    js_sys::Reflect::set(&api, &"results".into(), results.as_ref())?;
    js_sys::Reflect::set(win, &"conpar".into(), &api)?;
    API.with(|a| *a.borrow_mut() = vec![trace, results]);
    Ok(())
}

/// Starts a conductor worker. Touches no page state, so it can be called from anywhere.
fn spawn_engine(threads: u32) -> Result<Engine, JsValue> {
    let config = js_sys::Object::new();
    messages::set(&config, "threads", &JsValue::from(threads));
    let worker = super::start_worker(
        "conductor",
        &super::glue_url(),
        &wasm_bindgen::module(),
        &config,
    )?;
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| on_conductor_message(e.data()));
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(|e: web_sys::ErrorEvent| {
        e.prevent_default();
        engine_failed(&format!("the engine worker stopped: {}", e.message()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Engine {
        worker,
        ready: None,
        _on_message: on_message,
        _on_error: on_error,
    })
}

fn engine_failed(message: &str) {
    let message = message.to_string();
    with_app(move |app| {
        app.retire_engine();
        if let Some(run) = app.run.as_mut() {
            run.finished = true;
        }
        app.set_status(
            Status::Error,
            &format!("The engine failed: {message}. Press Run to start it again."),
        );
    });
    request_frame();
}

fn stop_run() {
    let running = with_app(|app| app.run.as_ref().is_some_and(|r| !r.finished)).unwrap_or(false);
    if !running {
        return;
    }
    // Terminating the conductor stops every worker at once, whatever it is doing (a CPU step
    // cannot be interrupted any other way within the frame). A fresh engine starts right away.
    with_app(|app| {
        app.retire_engine();
        if let Some(run) = app.run.as_mut() {
            run.finished = true;
            for t in &mut run.traces {
                if t.end.is_none() && t.error.is_none() {
                    t.error = Some("stopped".into());
                }
            }
        }
        app.run_when_ready = false;
        app.set_run_tools(true);
        match spawn_engine(app.pool_threads) {
            Ok(engine) => {
                app.set_engine(engine);
                app.set_status(Status::Loading, "Stopped. Restarting the workers…");
            }
            Err(e) => app.set_status(
                Status::Error,
                &format!("Stopped, but the workers could not restart: {e:?}"),
            ),
        }
    });
    request_frame();
}

fn on_conductor_message(data: JsValue) {
    let Some(kind) = messages::kind_of(&data) else {
        return;
    };
    match kind.as_str() {
        "ready" => match messages::body::<Ready>(&data) {
            Ok(ready) => {
                with_app(|app| {
                    if let Some(engine) = app.engine.as_mut() {
                        engine.ready = Some(ready);
                    }
                    app.show_environment();
                    app.set_status(Status::Ready, "Ready. Press Run.");
                    if app.run_when_ready {
                        app.run_when_ready = false;
                        app.request_run();
                    }
                });
            }
            Err(e) => engine_failed(&format!("{e:?}")),
        },
        "model-start" => {
            let run = messages::get(&data, "run").as_f64().unwrap_or(-1.0) as u32;
            let model = messages::get(&data, "model")
                .as_string()
                .and_then(|m| Model::from_id(&m));
            with_app(|app| {
                if let (Some(r), Some(m)) = (app.run.as_mut(), model) {
                    if r.id == run {
                        app.set_status(Status::Running, &format!("Running {m}…"));
                    }
                }
            });
        }
        "spans" => {
            let run = messages::get(&data, "run").as_f64().unwrap_or(-1.0) as u32;
            let model = messages::get(&data, "model")
                .as_string()
                .and_then(|m| Model::from_id(&m));
            let floats = |key: &str| {
                messages::get(&data, key)
                    .dyn_into::<js_sys::Float64Array>()
                    .map(|a| a.to_vec())
                    .unwrap_or_default()
            };
            let (flat, open) = (floats("spans"), floats("open"));
            with_app(|app| {
                if let (Some(r), Some(m)) = (app.run.as_mut(), model) {
                    if r.id == run {
                        if let Some(t) = r.trace_mut(m) {
                            t.add(spans_from_flat(&flat));
                            t.open = spans_from_flat(&open);
                        }
                    }
                }
            });
            request_frame();
        }
        "model-done" => {
            if let Ok(done) = messages::body::<ModelDone>(&data) {
                with_app(|app| app.model_done(done));
                request_frame();
            }
        }
        "run-done" => {
            let run = messages::get(&data, "run").as_f64().unwrap_or(-1.0) as u32;
            with_app(|app| app.run_done(run));
            request_frame();
        }
        "fatal" => {
            let message = messages::get(&data, "message")
                .as_string()
                .unwrap_or_default();
            engine_failed(&message);
        }
        _ => {}
    }
}

/// Something changed: draw it on the next frame.
fn request_frame() {
    DIRTY.with(|d| d.set(true));
    schedule_frame();
}

/// How often the running model's clock hand moves when no new spans arrive. Redrawing the
/// whole canvas every frame would take CPU from the very workers being measured.
const CLOCK_HAND_MS: f64 = 100.0;

fn schedule_frame() {
    if FRAME_REQUESTED.with(|f| f.replace(true)) {
        return;
    }
    FRAME.with(|f| {
        let mut f = f.borrow_mut();
        if f.is_none() {
            *f = Some(Closure::<dyn FnMut(f64)>::new(|t: f64| {
                FRAME_REQUESTED.with(|f| f.set(false));
                let hand_due = LAST_DRAW.with(|l| t - l.get() >= CLOCK_HAND_MS);
                let dirty = DIRTY.with(|d| d.replace(false));
                let (running, replaying) = with_app(|app| {
                    app.retired.clear();
                    app.spent_observer = None;
                    let running = app.run.as_ref().is_some_and(|r| !r.finished);
                    let replaying = app.replay_from.is_some();
                    if dirty || (running && hand_due) || replaying {
                        app.draw();
                        LAST_DRAW.with(|l| l.set(t));
                    }
                    (running, replaying)
                })
                .unwrap_or((false, false));
                if replaying {
                    // A replay is an animation: every frame.
                    schedule_frame();
                } else if running {
                    // A run moves the clock hand every CLOCK_HAND_MS; a timer wakes the page for
                    // it, so the browser's frame pipeline idles in between.
                    schedule_hand();
                }
            }));
        }
        if let (Some(cb), Ok(win)) = (f.as_ref(), window()) {
            let _ = win.request_animation_frame(cb.as_ref().unchecked_ref());
        }
    });
}

/// Draws again after CLOCK_HAND_MS (at most one timer pending).
fn schedule_hand() {
    if HAND_PENDING.with(|p| p.replace(true)) {
        return;
    }
    HAND_TIMER.with(|h| {
        let mut h = h.borrow_mut();
        let timer = h.get_or_insert_with(|| {
            Closure::<dyn FnMut()>::new(|| {
                HAND_PENDING.with(|p| p.set(false));
                request_frame();
            })
        });
        if let Ok(win) = window() {
            let _ = win.set_timeout_with_callback_and_timeout_and_arguments_0(
                timer.as_ref().unchecked_ref(),
                CLOCK_HAND_MS as i32,
            );
        }
    });
}

impl App {
    fn set_engine(&mut self, engine: Engine) {
        self.retire_engine();
        self.engine = Some(engine);
        self.engine_generation += 1;
        self.set_status(
            Status::Loading,
            "Starting workers and calibrating the CPU kernel…",
        );
        let generation = self.engine_generation;
        wasm_bindgen_futures::spawn_local(async move {
            super::sleep_ms(ENGINE_START_TIMEOUT_MS).await;
            let stuck = with_app(|app| {
                app.engine_generation == generation
                    && app.engine.as_ref().is_some_and(|e| e.ready.is_none())
            });
            if stuck == Some(true) {
                engine_failed(&format!(
                    "the workers did not start within {} s",
                    ENGINE_START_TIMEOUT_MS / 1000
                ));
            }
        });
    }

    /// Stops the current engine's workers now; its closures are dropped on the next frame,
    /// because this may run inside one of them.
    fn retire_engine(&mut self) {
        if let Some(engine) = self.engine.take() {
            engine.worker.terminate();
            self.retired.push(engine);
            request_frame();
        }
    }

    /// The scenario's query for the full playground (no embed view, no auto-run).
    fn full_query(&self) -> String {
        let mut full = self.scenario.clone();
        full.embed = false;
        full.to_query()
    }

    /// Points the "full playground" and "new tab" links at this scenario.
    fn show_links(&self) {
        let Ok(url) = super::share::address(&self.full_query()) else {
            return;
        };
        for id in ["full-link", "open-tab"] {
            if let Some(a) = self.doc.get_element_by_id(id) {
                let _ = a.set_attribute("href", &url);
            }
        }
        if let Some(root) = self.doc.document_element() {
            let _ = root
                .class_list()
                .toggle_with_force("embed", self.scenario.embed);
        }
        // In a frame of a page that is not isolated, a tab of our own can be.
        if !self.isolated && super::share::in_frame() {
            if let Some(a) = self.doc.get_element_by_id("open-tab") {
                let _ = a.remove_attribute("hidden");
            }
        }
    }

    /// Offers the last run as a file.
    fn export(&self, kind: &str) {
        let Some(run) = self.run.as_ref().filter(|r| r.finished) else {
            self.show_notices(&[
                "Run a scenario first: exports contain measured runs only.".to_string()
            ]);
            return;
        };
        let traces = run.completed();
        if traces.is_empty() {
            self.show_notices(&["This run has no finished model to export.".to_string()]);
            return;
        }
        let svg = || crate::core::export::timeline_svg(&traces, super::timeline::MAX_ROWS, 1000.0);
        let result = match kind {
            "trace" => {
                let json = chrome_trace(&traces, &self.last_results, run.origin());
                super::share::download_text(
                    "conpar-trace.json",
                    "application/json",
                    &json.to_string(),
                )
            }
            "svg" => {
                super::share::download_text("conpar-timeline.svg", "image/svg+xml", &svg().text)
            }
            "csv" => super::share::download_text(
                "conpar-results.csv",
                "text/csv",
                &crate::core::export::results_csv(&self.last_results),
            ),
            "json" => match serde_json::to_string_pretty(&self.last_results) {
                Ok(text) => {
                    super::share::download_text("conpar-results.json", "application/json", &text)
                }
                Err(e) => Err(JsValue::from_str(&e.to_string())),
            },
            "png" => {
                let svg = svg();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(e) = super::share::download_png("conpar-timeline.png", &svg).await {
                        with_app(|app| {
                            app.show_notices(&[format!("The PNG could not be made: {e:?}")])
                        });
                    }
                });
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.show_notices(&[format!("The export failed: {e:?}")]);
        }
    }

    /// Scrub and replay work on a finished run only.
    fn set_run_tools(&self, enabled: bool) {
        for id in ["scrub", "replay"] {
            if let Some(e) = self.doc.get_element_by_id(id) {
                let _ = if enabled {
                    e.remove_attribute("disabled")
                } else {
                    e.set_attribute("disabled", "")
                };
            }
        }
        if let Ok(input) = by_id::<HtmlInputElement>(&self.doc, "scrub") {
            input.set_value("1000");
        }
    }

    fn set_status(&self, status: Status, text: &str) {
        if let Some(root) = self.doc.document_element() {
            let _ = root.set_attribute("data-status", status.id());
        }
        set_text(&self.doc, "status", text);
        let running = status == Status::Running;
        if let Ok(b) = by_id::<web_sys::HtmlButtonElement>(&self.doc, "stop") {
            b.set_disabled(!running);
        }
        if let Ok(b) = by_id::<web_sys::HtmlButtonElement>(&self.doc, "run") {
            b.set_disabled(running);
        }
    }

    fn show_notices(&self, notices: &[String]) {
        if let Some(el) = self.doc.get_element_by_id("notices") {
            el.set_text_content(None);
            for n in notices {
                if let Ok(p) = self.doc.create_element("p") {
                    p.set_text_content(Some(n));
                    let _ = el.append_child(&p);
                }
            }
            let _ = if notices.is_empty() {
                el.set_attribute("hidden", "")
            } else {
                el.remove_attribute("hidden")
            };
        }
    }

    fn show_environment(&self) {
        let ready = self.engine.as_ref().and_then(|e| e.ready.as_ref());
        let mut text = if self.isolated {
            format!("Cross-origin isolated: all five models run here, on up to {} workers ({} cores reported).", self.pool_threads, self.cores)
        } else {
            format!(
                "Not cross-origin isolated ({} cores): sequential, async and processes run here; gil and threads need workers that share memory, which browsers allow only in an isolated page.",
                self.cores
            )
        };
        if self.scenario.embed {
            // One line in an embed.
            text = if self.isolated {
                "All five models run here; I/O is simulated with timers.".to_string()
            } else {
                "This page is not cross-origin isolated, so gil and threads cannot run in it."
                    .to_string()
            };
        } else if let Some(r) = ready {
            if let Some(err) = r.pool_error.as_ref().filter(|_| self.isolated) {
                text = format!(
                    "The thread pool could not start ({err}); gil and threads are unavailable."
                );
            }
            text.push_str(&format!(
                " Kernel calibrated: {} rounds per ms. I/O is simulated with timers.",
                r.calibration.rounds_per_ms
            ));
        }
        set_text(&self.doc, "env", &text);
        let available = |m: Model| {
            !m.needs_shared_memory() || (self.isolated && ready.is_none_or(|r| r.threads > 0))
        };
        for m in Model::ALL {
            if let Ok(Some(input)) = self
                .doc
                .query_selector(&format!("input[name=model][value={}]", m.id()))
            {
                if let Ok(input) = input.dyn_into::<HtmlInputElement>() {
                    input.set_disabled(!available(m));
                    let _ = if available(m) {
                        input.remove_attribute("title")
                    } else {
                        input.set_attribute("title", "needs a cross-origin isolated page")
                    };
                }
            }
        }
    }

    /// Writes the scenario into the controls.
    fn show_scenario(&self) {
        let s = &self.scenario;
        if let Ok(sel) = by_id::<HtmlSelectElement>(&self.doc, "preset") {
            sel.set_value(match &s.source {
                Source::Preset(p) => p.id(),
                Source::Text(_) => "custom",
            });
        }
        if let Ok(t) = by_id::<HtmlTextAreaElement>(&self.doc, "workload") {
            t.set_value(&s.text());
        }
        if let Ok(i) = by_id::<HtmlInputElement>(&self.doc, "workers") {
            i.set_max(&self.pool_threads.to_string());
            i.set_value(&s.workers.to_string());
        }
        if let Ok(i) = by_id::<HtmlInputElement>(&self.doc, "switch") {
            i.set_value(&s.switch_ms.to_string());
        }
        if let Ok(i) = by_id::<HtmlInputElement>(&self.doc, "seed") {
            i.set_value(&s.seed.to_string());
        }
        for m in Model::ALL {
            if let Ok(Some(input)) = self
                .doc
                .query_selector(&format!("input[name=model][value={}]", m.id()))
            {
                if let Ok(input) = input.dyn_into::<HtmlInputElement>() {
                    input.set_checked(s.models.contains(&m));
                }
            }
        }
    }

    /// Keeps the address bar in step with the controls.
    fn sync_url(&self) {
        if let Ok(win) = window() {
            if let Ok(history) = win.history() {
                let _ = history.replace_state_with_url(
                    &JsValue::NULL,
                    "",
                    Some(&self.scenario.to_query()),
                );
            }
        }
    }

    fn on_preset(&mut self) {
        let Ok(sel) = by_id::<HtmlSelectElement>(&self.doc, "preset") else {
            return;
        };
        if let Some(p) = Preset::from_id(&sel.value()) {
            self.scenario.source = Source::Preset(p);
            if let Ok(t) = by_id::<HtmlTextAreaElement>(&self.doc, "workload") {
                t.set_value(p.text());
            }
        }
        self.validate();
        self.sync_url();
    }

    fn on_edit(&mut self) {
        let Ok(t) = by_id::<HtmlTextAreaElement>(&self.doc, "workload") else {
            return;
        };
        let text = t.value();
        self.scenario.source = match Preset::ALL.into_iter().find(|p| p.text() == text) {
            Some(p) => Source::Preset(p),
            None => Source::Text(text),
        };
        if let Ok(sel) = by_id::<HtmlSelectElement>(&self.doc, "preset") {
            sel.set_value(match &self.scenario.source {
                Source::Preset(p) => p.id(),
                Source::Text(_) => "custom",
            });
        }
        self.validate();
        self.sync_url();
    }

    fn on_settings(&mut self) {
        let mut notices = Vec::new();
        if let Ok(i) = by_id::<HtmlInputElement>(&self.doc, "workers") {
            match i.value().parse::<u32>() {
                Ok(n) if (1..=self.pool_threads).contains(&n) => self.scenario.workers = n,
                _ => {
                    notices.push(format!("Workers must be from 1 to {}.", self.pool_threads));
                    i.set_value(&self.scenario.workers.to_string());
                }
            }
        }
        if let Ok(i) = by_id::<HtmlInputElement>(&self.doc, "switch") {
            match i.value().parse::<f64>() {
                Ok(v) if (0.1..=1000.0).contains(&v) => self.scenario.switch_ms = v,
                _ => {
                    notices.push("The switch interval must be from 0.1 to 1000 ms.".to_string());
                    i.set_value(&self.scenario.switch_ms.to_string());
                }
            }
        }
        if let Ok(i) = by_id::<HtmlInputElement>(&self.doc, "seed") {
            match i.value().parse::<u32>() {
                Ok(v) => self.scenario.seed = v,
                _ => {
                    notices.push("The seed must be a whole number.".to_string());
                    i.set_value(&self.scenario.seed.to_string());
                }
            }
        }
        let mut models = Vec::new();
        for m in Model::ALL {
            if let Ok(Some(input)) = self
                .doc
                .query_selector(&format!("input[name=model][value={}]", m.id()))
            {
                if input
                    .dyn_into::<HtmlInputElement>()
                    .is_ok_and(|i| i.checked())
                {
                    models.push(m);
                }
            }
        }
        self.scenario.models = models;
        if self.run.is_none() {
            let _ = self.timeline.set_models(&self.scenario.models);
        }
        self.show_notices(&notices);
        self.sync_url();
    }

    /// Checks the workload text and shows the first error at its line.
    fn validate(&self) -> Option<Workload> {
        match self.scenario.workload() {
            Ok(w) => {
                set_text(&self.doc, "workload-error", "");
                if let Ok(t) = by_id::<Element>(&self.doc, "workload") {
                    let _ = t.remove_attribute("aria-invalid");
                }
                Some(w)
            }
            Err(e) => {
                set_text(
                    &self.doc,
                    "workload-error",
                    &format!("Line {}, column {}: {}", e.line, e.column, e.message),
                );
                if let Ok(t) = by_id::<Element>(&self.doc, "workload") {
                    let _ = t.set_attribute("aria-invalid", "true");
                }
                None
            }
        }
    }

    fn request_run(&mut self) {
        if self.run.as_ref().is_some_and(|r| !r.finished) {
            return;
        }
        let Some(workload) = self.validate() else {
            // Put the cursor on the error, so it is shown where it is.
            if let (Ok(area), Err(e)) = (
                by_id::<HtmlTextAreaElement>(&self.doc, "workload"),
                self.scenario.workload(),
            ) {
                let (start, end) = e.utf16_range(&area.value());
                let _ = area.focus();
                let _ = area.set_selection_range(start, end);
            }
            self.set_status(
                Status::Error,
                "The workload has an error (shown under the editor); nothing was run.",
            );
            return;
        };
        let ready = self.engine.as_ref().and_then(|e| e.ready.clone());
        let Some(ready) = ready else {
            if self.engine.is_none() {
                match spawn_engine(self.pool_threads) {
                    Ok(engine) => self.set_engine(engine),
                    Err(e) => {
                        self.set_status(
                            Status::Error,
                            &format!("The engine could not start: {e:?}"),
                        );
                        return;
                    }
                }
            }
            self.run_when_ready = true;
            self.set_status(
                Status::Loading,
                "Starting workers; the run begins as soon as they are ready…",
            );
            return;
        };
        let pool_missing = ready
            .pool_error
            .clone()
            .unwrap_or_else(|| "no thread pool started".into());
        let shared = if ready.threads > 0 {
            Ok(())
        } else {
            Err(pool_missing.as_str())
        };
        let plan = crate::core::summary::plan(
            &self.scenario.models,
            &workload,
            self.scenario.workers,
            shared,
        );
        let (models, skipped) = (plan.run, plan.skipped);
        self.show_notices(&skipped);
        if models.is_empty() {
            self.set_status(
                Status::Error,
                "No model can run this scenario here; choose another model or a smaller workload.",
            );
            return;
        }
        let id = self.next_run;
        self.next_run += 1;
        let request = RunRequest {
            run: id,
            workload: workload.to_text(),
            models: models.clone(),
            workers: self.scenario.workers,
            switch_ms: self.scenario.switch_ms,
            seed: self.scenario.seed,
        };
        let sent = messages::with_body("run", &request).and_then(|m| {
            self.engine
                .as_ref()
                .ok_or(JsValue::NULL)
                .and_then(|e| e.worker.post_message(&m))
        });
        if let Err(e) = sent {
            self.set_status(Status::Error, &format!("Could not start the run: {e:?}"));
            return;
        }
        self.run = Some(Run {
            id,
            traces: models.iter().map(|&m| LiveTrace::new(m)).collect(),
            finished: false,
        });
        self.last_results.clear();
        self.replay_from = None;
        self.timeline.view = Default::default();
        if let Err(e) = self.timeline.set_models(&models) {
            web_sys::console::error_2(&"conpar: panels".into(), &e);
        }
        self.show_results();
        self.set_run_tools(false);
        self.set_status(Status::Running, "Running…");
        self.sync_url();
        request_frame();
    }

    fn model_done(&mut self, done: ModelDone) {
        let Some(run) = self.run.as_mut().filter(|r| r.id == done.run) else {
            return;
        };
        if let Some(t) = run.trace_mut(done.model) {
            t.open.clear();
            if let Some(err) = done.error {
                t.error = Some(err);
            } else {
                t.start = Some(done.start);
                t.end = Some(done.end);
                t.lanes = done.lanes;
                t.checksum = u64::from_str_radix(&done.checksum, 16).ok();
            }
        }
        self.last_results = results(&run.completed());
        self.show_results();
    }

    fn run_done(&mut self, id: u32) {
        let Some(run) = self.run.as_mut().filter(|r| r.id == id) else {
            return;
        };
        run.finished = true;
        let failed: Vec<String> = run
            .traces
            .iter()
            .filter_map(|t| t.error.as_ref().map(|e| format!("{}: {e}", t.model)))
            .collect();
        self.last_results = results(&run.completed());
        self.set_run_tools(true);
        self.show_table();
        self.show_results();
        if failed.is_empty() {
            self.set_status(Status::Done, "Done.");
        } else {
            self.show_notices(&failed);
            self.set_status(
                Status::Error,
                &format!("Finished with errors: {}", failed.join("; ")),
            );
        }
    }

    fn show_results(&self) {
        let Some(body) = self.doc.get_element_by_id("results-body") else {
            return;
        };
        body.set_text_content(None);
        if self.last_results.is_empty() {
            let text = if self.run.is_some() {
                "Running…"
            } else {
                "No run yet."
            };
            body.set_inner_html(&format!(
                "<tr class=\"placeholder\"><td colspan=\"7\">{text}</td></tr>"
            ));
        }
        let completed = self.run.as_ref().map(Run::completed).unwrap_or_default();
        let agree = checksums_agree(&completed);
        for r in &self.last_results {
            let Ok(row) = self.doc.create_element("tr") else {
                continue;
            };
            let ms_or_dash = |ms: f64| {
                if ms > 0.0 {
                    format_ms(ms)
                } else {
                    "–".into()
                }
            };
            let cells = [
                r.model.id().to_string(),
                format_ms(r.wall_ms),
                r.speedup.map_or("–".into(), |s| format!("{s:.2}×")),
                format!("{:.0}%", r.utilisation * 100.0),
                ms_or_dash(r.lock_wait_ms),
                ms_or_dash(r.spawn_ms + r.copy_ms),
                if r.cpu_ms == 0.0 {
                    // No computation, nothing to check.
                    "– ".to_string()
                } else {
                    format!(
                        "{} {}",
                        &r.checksum[..8],
                        if agree { "✓" } else { "✗ differs" }
                    )
                },
            ];
            for (i, c) in cells.iter().enumerate() {
                if let Ok(td) = self.doc.create_element(if i == 0 { "th" } else { "td" }) {
                    if i == cells.len() - 1 {
                        // The hex is hidden on narrow screens; the mark always shows.
                        let (hex, mark) = c.split_once(' ').unwrap_or((c, ""));
                        td.set_inner_html(&format!("<span class=\"hex\">{hex}</span> {mark}"));
                        let _ = td.set_attribute("title", &r.checksum);
                    } else {
                        td.set_text_content(Some(c));
                    }
                    if i == 0 {
                        let _ = td.set_attribute("scope", "row");
                    }
                    let _ = row.append_child(&td);
                }
            }
            let _ = row.set_attribute("data-model", r.model.id());
            let _ = body.append_child(&row);
        }
        let verdict = crate::core::summary::verdict(&self.last_results, agree);
        set_text(&self.doc, "verdict", &verdict);
        let agreement = crate::core::summary::agreement(&self.last_results, agree);
        set_text(&self.doc, "agreement", &agreement);
    }

    fn trace_json(&self) -> JsValue {
        let Some(run) = self.run.as_ref() else {
            return JsValue::NULL;
        };
        let traces = run.completed();
        let json = chrome_trace(&traces, &self.last_results, run.origin());
        js_sys::JSON::parse(&json.to_string()).unwrap_or(JsValue::NULL)
    }

    fn now() -> f64 {
        crate::engine::Clock::now(&super::PerfClock)
    }

    fn traces(&self) -> &[LiveTrace] {
        self.run
            .as_ref()
            .map(|r| r.traces.as_slice())
            .unwrap_or(&[])
    }

    fn draw(&mut self) {
        let now = Self::now();
        if let Some(from) = self.replay_from {
            let longest = super::timeline::longest(self.traces(), now);
            let t = now - from;
            if t >= longest {
                self.replay_from = None;
                self.timeline.view.cursor = None;
            } else {
                self.timeline.view.cursor = Some(t);
            }
            self.show_scrub(longest);
        }
        let traces = self
            .run
            .as_ref()
            .map(|r| r.traces.as_slice())
            .unwrap_or(&[]);
        if let Err(e) = self.timeline.draw(traces, &self.last_results, now) {
            web_sys::console::error_2(&"conpar: drawing failed".into(), &e);
        }
    }

    /// Moves the scrub slider to the view's cursor.
    fn show_scrub(&self, longest: f64) {
        if let Ok(input) = by_id::<HtmlInputElement>(&self.doc, "scrub") {
            let value = self
                .timeline
                .view
                .cursor
                .map_or(1000.0, |c| (c / longest * 1000.0).clamp(0.0, 1000.0));
            input.set_value(&format!("{value:.0}"));
        }
    }

    fn run_finished(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.finished)
    }

    fn on_scrub(&mut self) {
        let Ok(input) = by_id::<HtmlInputElement>(&self.doc, "scrub") else {
            return;
        };
        let value: f64 = input.value().parse().unwrap_or(1000.0);
        self.replay_from = None;
        let longest = super::timeline::longest(self.traces(), Self::now());
        self.timeline.view.cursor = (value < 1000.0).then(|| value / 1000.0 * longest);
    }

    fn on_replay(&mut self) {
        if !self.run_finished() {
            return;
        }
        if reduced_motion() {
            // No animation: show the end state; the slider still scrubs by hand.
            self.timeline.view.cursor = None;
            self.replay_from = None;
        } else {
            self.replay_from = Some(Self::now());
            self.timeline.view.cursor = Some(0.0);
        }
    }

    /// Shows the span under the pointer in the tooltip.
    fn on_hover(&mut self, model: Model, x: f64, y: f64, (client_x, client_y): (f64, f64)) {
        let hit = self.timeline.hit(self.traces(), model, x, y, Self::now());
        let Ok(tip) = by_id::<HtmlElement>(&self.doc, "tip") else {
            return;
        };
        match hit {
            Some(h) => {
                tip.set_text_content(Some(&super::timeline::describe(&h)));
                // The tip is positioned inside the timeline section; keep it within its width.
                let (left, top) = match self.doc.get_element_by_id("timeline-section") {
                    Some(section) => {
                        let r = section.get_bounding_client_rect();
                        let x = (client_x - r.left() + 12.0).min(r.width() - 240.0).max(0.0);
                        (x, client_y - r.top() + 16.0)
                    }
                    None => (client_x, client_y),
                };
                let style = tip.style();
                let _ = style.set_property("left", &format!("{left}px"));
                let _ = style.set_property("top", &format!("{top}px"));
                tip.set_hidden(false);
            }
            None => tip.set_hidden(true),
        }
    }

    fn hide_tip(&self) {
        if let Ok(tip) = by_id::<HtmlElement>(&self.doc, "tip") {
            tip.set_hidden(true);
        }
    }

    /// Fills the table view with the spans of the last run (the first 500 per model).
    fn show_table(&self) {
        let Some(target) = self.doc.get_element_by_id("span-table") else {
            return;
        };
        let open = self
            .doc
            .get_element_by_id("table-view")
            .is_some_and(|d| d.has_attribute("open"));
        if !open {
            return;
        }
        const PER_MODEL: usize = 500;
        let mut html = String::from(
            "<table><thead><tr><th scope=\"col\">model</th><th scope=\"col\">lane</th><th scope=\"col\">state</th><th scope=\"col\">task</th><th scope=\"col\">step</th><th scope=\"col\">start</th><th scope=\"col\">duration</th></tr></thead><tbody>",
        );
        let mut cut = Vec::new();
        for t in self.traces() {
            let Some(origin) = t.origin() else { continue };
            let mut spans: Vec<&crate::core::trace::Span> = t.spans.iter().collect();
            spans.sort_by(|a, b| a.start.total_cmp(&b.start));
            if spans.len() > PER_MODEL {
                cut.push(format!("{}: first {PER_MODEL} of {}", t.model, spans.len()));
            }
            for sp in spans.into_iter().take(PER_MODEL) {
                let task = if sp.task == crate::core::trace::NO_TASK {
                    "–".to_string()
                } else {
                    sp.task.to_string()
                };
                html.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    t.model,
                    crate::core::export::lane_name(t.model, sp.lane),
                    sp.state.id(),
                    task,
                    sp.step,
                    format_ms(sp.start - origin),
                    format_ms(sp.end - sp.start)
                ));
            }
        }
        html.push_str("</tbody></table>");
        if !cut.is_empty() {
            html.push_str(&format!(
                "<p class=\"hint\">Shortened ({}); the full trace is in the export.</p>",
                cut.join("; ")
            ));
        }
        target.set_inner_html(&html);
    }
}

fn reduced_motion() -> bool {
    window()
        .ok()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

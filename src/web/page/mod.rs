//! The page (main thread). What the page knows lives in the core's [`Session`]; this file owns
//! it, beside the browser objects that show it, and is the one place that changes either:
//! every listener calls [`dispatch`] with an [`Input`], the session answers with effects (start
//! or retire the conductor, send a run, keep the address in step) and the parts to render, and
//! the views below render those parts by reading the session. The page never blocks: all work
//! happens in the conductor and its workers; this thread only draws what they report.
//!
//! The views, one file per job (none of them changes the session):
//! - [`controls`]: the form's elements, looked up once, and the form drawn from the scenario;
//! - [`status`]: the status line, the notices, the environment sentence, the legend;
//! - [`worker`]: the conductor's worker, its messages and failures turned into inputs;
//! - [`results`]: the results table, the verdict, the span table, the run tools;
//! - [`panels`] and [`timeline`]: the timeline's panels, painted from the core's scenes, and
//!   pointer and keyboard on them;
//! - [`frame`]: when to draw;
//! - [`lifecycle`]: the page hidden, frozen or resumed;
//! - [`sharing`]: links, the embed dialog and view, exports;
//! - [`claims`]: the Claims view's cards, each judged by its own run;
//! - [`predict`]: the question before the run, the guess and the answer (`predict=1`);
//! - [`python`]: the worst-stalled task on the timeline, the equivalent Python;
//! - [`imported`]: traces read from files (real CPython's, recordings) drawn beside the run;
//! - [`sweep`]: the chart of the pool sizes' speedups;
//! - [`turns`]: one measured run at a time per browser, through the Web Locks API.

mod claims;
mod controls;
mod frame;
mod imported;
mod lifecycle;
mod panels;
mod predict;
mod python;
mod results;
mod sharing;
mod status;
mod sweep;
mod timeline;
mod turns;
mod worker;

use crate::core::session::{Effect, Environment, Input, Parts, Session, Update};
use crate::core::session::{TimelineInput, TurnInput};
use crate::web::js_error;
use crate::web::messages::ToConductor;
use controls::Controls;
use gloo_events::EventListener;
use panels::Panels;
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use web_sys::Document;
use worker::ConductorWorker;

/// The session and the browser objects that show it.
pub struct App {
    pub session: Session,
    doc: Document,
    ui: Controls,
    panels: Panels,
    python: python::PythonView,
    claims: claims::ClaimsView,
    predict: predict::PredictView,
    cpython: imported::CpythonView,
    sweep_view: sweep::SweepView,
    engine: Option<ConductorWorker>,
    /// Terminated engines whose listeners may still be on the stack; dropped next frame.
    retired: Vec<ConductorWorker>,
    embed: sharing::EmbedState,
    /// The browser's one turn to measure, and to start the engine.
    turn: turns::Turns,
    start_turn: turns::Turns,
    /// The page's listeners, removed when the app is dropped.
    _listeners: Vec<EventListener>,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
    /// Inputs not yet handled: one that arrives while another is handled (an event the
    /// browser fires synchronously while the page renders) waits here for its turn.
    static QUEUE: RefCell<VecDeque<Input>> = const { RefCell::new(VecDeque::new()) };
}

/// Hands `input` to the session and carries out what it asks; the only way the page's state
/// changes. Does nothing once the page has crashed.
pub fn dispatch(input: Input) {
    QUEUE.with(|q| q.borrow_mut().push_back(input));
    drain();
}

/// Handles every queued input, unless the app is in use (then its user drains them after).
fn drain() {
    if super::panic::crashed() {
        return;
    }
    APP.with(|a| {
        let Ok(mut guard) = a.try_borrow_mut() else {
            return;
        };
        let Some(app) = guard.as_mut() else { return };
        while let Some(input) = QUEUE.with(|q| q.borrow_mut().pop_front()) {
            let frame = matches!(input, Input::Timeline(TimelineInput::Frame { .. }));
            let out = app.session.handle(input);
            app.apply(out);
            if frame {
                app.on_frame();
            }
        }
    });
}

/// Runs `f` on the app to read it (views, exports, the automation API), unless the page has
/// crashed or the app is being changed.
pub fn read<R>(f: impl FnOnce(&App) -> R) -> Option<R> {
    if super::panic::crashed() {
        return None;
    }
    let result = APP.with(|a| a.try_borrow().ok()?.as_ref().map(f));
    // Whatever arrived while it read is handled now.
    drain();
    result
}

/// Test builds only: the fault the next run injects.
pub fn set_fault(fault: Option<crate::core::protocol::Fault>) {
    dispatch(Input::SetFault(fault));
}

/// Starts the page.
///
/// # Errors
/// When the page lacks an element it needs.
pub fn start() -> Result<(), JsValue> {
    let win = web_sys::window().ok_or("no window")?;
    let doc = win.document().ok_or("no document")?;
    let env = Environment {
        cores: (win.navigator().hardware_concurrency() as u32).max(1),
        isolated: super::cross_origin_isolated(),
        shared_array_buffer: super::has_shared_array_buffer(),
    };
    let location = win.location();
    let session = Session::new(&location.search().unwrap_or_default(), env)
        .with_fragment(&location.hash().unwrap_or_default());
    let ui = Controls::find(&doc)?;
    ui.set_state_colours(&doc);
    ui.open_settings_if_set(session.scenario());
    let app = App {
        embed: sharing::EmbedState::new(session.scenario().embed),
        session,
        panels: Panels::new(&doc)?,
        python: python::PythonView::find(&doc)?,
        claims: claims::ClaimsView::find(&doc)?,
        predict: predict::PredictView::find(&doc)?,
        cpython: imported::CpythonView::find(&doc)?,
        sweep_view: sweep::SweepView::find(&doc)?,
        ui,
        engine: None,
        retired: Vec::new(),
        turn: turns::Turns::new(
            |h| Input::Turn(TurnInput::TurnWaiting(h)),
            |g| Input::Turn(TurnInput::TurnGranted(g)),
        ),
        start_turn: turns::Turns::new(
            |h| Input::Turn(TurnInput::StartTurnWaiting(h)),
            |g| Input::Turn(TurnInput::StartTurnGranted(g)),
        ),
        _listeners: Vec::new(),
        doc,
    };
    let listeners: Vec<EventListener> = [
        controls::bind(&app),
        timeline::bind(&app),
        sharing::bind(&app),
        frame::bind(),
        python::bind(&app),
        claims::bind(&app),
        predict::bind(&app),
        imported::bind(&app),
        sweep::bind(&app),
        results::bind(&app),
        lifecycle::bind(&app.doc),
    ]
    .into_iter()
    .collect::<Result<Vec<_>, JsValue>>()?
    .into_iter()
    .flatten()
    .collect();
    APP.with(|a| {
        *a.borrow_mut() = Some(App {
            _listeners: listeners,
            ..app
        });
    });
    install_api(&win)?;
    // The first render is a task of its own: compiling the module, finding the page's elements
    // and rendering it in one task kept a phone's main thread busy for ~200 ms at once.
    gloo_timers::callback::Timeout::new(0, || dispatch(Input::Start)).forget();
    Ok(())
}

/// A function of `window.conpar`.
type ApiFunction = Closure<dyn Fn() -> JsValue>;

/// `window.conpar`: `trace()`, `results()`, `sweep()`, `imported()`, `recording()` (the link
/// that carries it), `animatedSvg()` and `gif()` (a promise of its bytes) of the last run,
/// `claims()`, and `prediction()` (the
/// question before the run, the guess and the answer; null without `predict=1`). The
/// closures live as long as the page, so they are handed to JavaScript for good.
fn install_api(win: &web_sys::Window) -> Result<(), JsValue> {
    let api = js_sys::Object::new();
    let value = |v: Option<JsValue>| v.unwrap_or(JsValue::NULL);
    let functions: [(&str, ApiFunction); 9] = [
        (
            "gif",
            Closure::new(move || {
                value(read(|app| match sharing::gif(app) {
                    Ok(promise) => promise.into(),
                    Err(why) => js_sys::Promise::reject(&why.into()).into(),
                }))
            }),
        ),
        (
            "prediction",
            Closure::new(move || value(read(|app| to_js(&app.session.prediction())))),
        ),
        (
            "trace",
            Closure::new(move || value(read(results::trace_json))),
        ),
        (
            "results",
            Closure::new(move || value(read(|app| to_js(&app.session.results())))),
        ),
        (
            "sweep",
            Closure::new(move || {
                value(read(|app| {
                    app.session
                        .sweep()
                        .as_ref()
                        .map_or(JsValue::NULL, |s| to_js(&s.points))
                }))
            }),
        ),
        (
            "claims",
            Closure::new(move || value(read(claims::claims_json))),
        ),
        (
            "recording",
            Closure::new(move || {
                value(read(|app| {
                    sharing::recording_link(app).map_or(JsValue::NULL, |l| l.into())
                }))
            }),
        ),
        (
            "animatedSvg",
            Closure::new(move || {
                value(read(|app| {
                    sharing::animated_svg(app).map_or(JsValue::NULL, |t| t.into())
                }))
            }),
        ),
        (
            "imported",
            Closure::new(move || value(read(|app| to_js(&app.session.imports().results)))),
        ),
    ];
    for (name, f) in functions {
        js_sys::Reflect::set(&api, &name.into(), &f.into_js_value())?;
    }
    js_sys::Reflect::set(win, &"conpar".into(), &api)?;
    Ok(())
}

/// `value` as the plain object its JSON describes (`null` for `None`, as JSON has it).
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

impl App {
    /// Carries out the session's effects, then renders what it names.
    #[inline(never)]
    fn apply(&mut self, out: Update) {
        for effect in out.effects {
            match effect {
                Effect::StartEngine { threads } => {
                    self.retire_engine();
                    match ConductorWorker::spawn(threads) {
                        Ok(engine) => self.engine = Some(engine),
                        Err(e) => later(Input::EngineNotStarted(js_error(&e))),
                    }
                }
                Effect::RetireEngine => self.retire_engine(),
                Effect::Send(request) => {
                    let sent = match &self.engine {
                        Some(engine) => engine
                            .send(&ToConductor::Run { request })
                            .map_err(|e| js_error(&e)),
                        None => Err("no engine is running".into()),
                    };
                    if let Err(why) = sent {
                        later(Input::SendFailed(why));
                    }
                }
                Effect::AskTurn => self.turn.ask(),
                Effect::ReleaseTurn => self.turn.release(),
                Effect::AskStartTurn => self.start_turn.ask(),
                Effect::ReleaseStartTurn => self.start_turn.release(),
                Effect::WatchForView => sharing::watch_for_view(self),
                Effect::FetchTrace(path) => {
                    wasm_bindgen_futures::spawn_local(imported::fetch_trace(path));
                }
                Effect::SyncUrl => controls::sync_url(self.session.scenario()),
                Effect::FocusWorkloadError => controls::focus_workload_error(self),
                Effect::ScrollToResults => results::bring_into_view(self),
            }
        }
        self.render(out.render);
    }

    #[inline(never)]
    fn render(&mut self, parts: Parts) {
        let has = |p: Parts| parts.contains(p);
        if has(Parts::FORM) {
            controls::show_form(self);
        }
        if has(Parts::PRESET) {
            controls::show_preset(self);
        }
        if has(Parts::WORKLOAD_ERROR) {
            controls::show_workload_error(self);
        }
        if has(Parts::LINKS) {
            sharing::show_links(self);
        }
        if has(Parts::STATUS) {
            status::show_status(self);
        }
        if has(Parts::NOTICES) {
            status::show_notices(self);
        }
        if has(Parts::ENVIRONMENT) {
            status::show_environment(self);
        }
        if has(Parts::SCENARIO_VIEWS) {
            status::show_legend(self);
        }
        if has(Parts::SCENARIO_VIEWS) || has(Parts::PYTHON) {
            python::show_python(self);
        }
        if has(Parts::EMBED_DIALOG) {
            sharing::show_embed_dialog(self);
        }
        if has(Parts::IMPORTED) {
            imported::show_imported(self);
        }
        if has(Parts::RESULTS) {
            results::show_results(self);
        }
        if has(Parts::SPAN_TABLE) {
            results::show_table(self);
        }
        if has(Parts::RUN_TOOLS) {
            results::show_run_tools(self);
        }
        if has(Parts::SWEEP) {
            sweep::show_sweep(self);
        }
        // The cards' Run buttons follow the status as the playground's does.
        if has(Parts::CLAIMS) || has(Parts::STATUS) {
            claims::show_claims(self);
        }
        // Whether the reader may guess follows the status too (not while a run is on); the
        // Claims view's score follows its cards.
        if has(Parts::PREDICTION) || has(Parts::RESULTS) || has(Parts::STATUS) || has(Parts::CLAIMS)
        {
            predict::show(self);
        }
        if has(Parts::SCRUB) {
            timeline::show_scrub(self);
        }
        if has(Parts::HIDE_TIP) {
            timeline::hide_tip(self);
        }
        if has(Parts::TIMELINE) {
            frame::request();
        } else if has(Parts::TIMELINE_LATER) {
            frame::spans_arrived();
        }
    }

    /// Stops the current engine's workers now; its listeners are dropped on the next frame,
    /// because this may run inside one of them.
    fn retire_engine(&mut self) {
        if let Some(engine) = self.engine.take() {
            engine.terminate();
            self.retired.push(engine);
            frame::request();
        }
    }

    /// An animation frame: draws, and drops the engines the last frame retired.
    #[inline(never)]
    fn on_frame(&mut self) {
        // Listeners of engines retired during the last frame are no longer on the stack.
        self.retired.clear();
        timeline::draw(self);
    }
}

/// Queues `input` to be handled after the one in progress.
fn later(input: Input) {
    QUEUE.with(|q| q.borrow_mut().push_back(input));
}

/// The element with `id`, as a `T`, or a sentence naming what is missing.
fn by_id<T: wasm_bindgen::JsCast>(doc: &web_sys::Document, id: &str) -> Result<T, JsValue> {
    doc.get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("the page has no #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str(&format!("#{id} is not the expected element")))
}

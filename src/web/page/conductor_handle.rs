//! The page's handle on the conductor worker: starting it, a deadline for its start-up, its
//! messages, and what happens when it fails or reports a broken pool.

use super::{frame, with_app, App, Status};
use crate::web::js_error;
use crate::web::messages::{decode, spans, Envelope, FromConductor, Ready, ToConductor};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// How long the conductor may take to calibrate and start its pool before the page says so.
const START_TIMEOUT_MS: u32 = 30_000;

pub struct Engine {
    worker: Worker,
    /// Its greeting, once it has calibrated and started its pool.
    pub ready: Option<Ready>,
    /// Threads its pool was asked for.
    pub threads: u32,
    _listeners: [EventListener; 2],
    /// Fires if the conductor never says it is ready; cleared when dropped.
    _start_deadline: Timeout,
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Ends the conductor and, with it, the pool and process workers it started.
        self.worker.terminate();
    }
}

impl Engine {
    /// Starts a conductor whose pool has `threads` threads.
    ///
    /// # Errors
    /// When the browser refuses to start a worker.
    pub fn spawn(threads: u32) -> Result<Engine, JsValue> {
        let worker = crate::web::start_worker("conductor", threads)?;
        let on_message = EventListener::new(&worker, "message", |e| {
            if let Some(e) = e.dyn_ref::<MessageEvent>() {
                on_message(&e.data());
            }
        });
        let on_error = EventListener::new_with_options(
            &worker,
            "error",
            gloo_events::EventListenerOptions::enable_prevent_default(),
            |e| {
                e.prevent_default();
                let why = e
                    .dyn_ref::<web_sys::ErrorEvent>()
                    .map(web_sys::ErrorEvent::message)
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "it could not load its code".into());
                failed(&format!("the engine worker stopped: {why}"));
            },
        );
        let worker_id = worker.clone();
        let deadline = Timeout::new(START_TIMEOUT_MS, move || {
            let current = with_app(|app| {
                app.engine
                    .as_ref()
                    .is_some_and(|e| e.worker == worker_id && e.ready.is_none())
            });
            if current == Some(true) {
                failed(&format!(
                    "the workers did not start within {} s",
                    START_TIMEOUT_MS / 1000
                ));
            }
        });
        Ok(Engine {
            worker,
            ready: None,
            threads,
            _listeners: [on_message, on_error],
            _start_deadline: deadline,
        })
    }

    /// Sends a message to the conductor.
    ///
    /// # Errors
    /// When the browser refuses it.
    pub fn send(&self, message: &ToConductor) -> Result<(), JsValue> {
        Envelope::new(message)?.post(|m, _| self.worker.post_message(m))
    }
}

impl App {
    /// Starts a conductor for the scenario's pool size, replacing any current one.
    pub(super) fn start_engine(&mut self) {
        self.retire_engine();
        match Engine::spawn(self.pool_wanted()) {
            Ok(engine) => {
                self.engine = Some(engine);
                self.set_status(
                    Status::Loading,
                    "Starting workers and calibrating the CPU kernel…",
                );
            }
            Err(e) => self.set_status(
                Status::Error,
                &format!("The engine could not start: {}", js_error(&e)),
            ),
        }
        self.show_environment();
    }

    /// Stops the current engine's workers now; its listeners are dropped on the next frame,
    /// because this may run inside one of them.
    pub(super) fn retire_engine(&mut self) {
        if let Some(engine) = self.engine.take() {
            engine.worker.terminate();
            self.retired.push(engine);
            frame::request();
        }
    }

    /// Uses the kernel's new calibration, taken before run `run`; says so when the device's
    /// speed moved between runs. Before an engine's first run it is routine (the start-up
    /// calibration was taken while the page loaded), so only the tooltip says it.
    fn recalibrated(&mut self, run: u32, before: u64, after: u64, first: bool) {
        if let Some(ready) = self.engine.as_mut().and_then(|e| e.ready.as_mut()) {
            ready.calibration.rounds_per_ms = after;
        }
        if !first && self.run.as_ref().is_some_and(|r| r.id == run) {
            let change = (after as f64 / before as f64 - 1.0) * 100.0;
            self.add_notice(&format!(
                "The CPU kernel was calibrated again before this run: this device's speed had moved by {change:+.0} % since the last calibration."
            ));
        }
        self.show_environment();
    }

    fn on_ready(&mut self, ready: Ready) {
        if let Some(engine) = self.engine.as_mut() {
            engine.ready = Some(ready);
        }
        self.show_environment();
        if self.run_when_ready {
            self.run_when_ready = false;
            self.request_run();
        } else if self.ui.notices.hidden() || self.run.is_none() {
            self.set_status(Status::Ready, "Ready. Press Run.");
        } else {
            // After a failure: say it is ready again, keep the notice that says what failed.
            self.set_status(Status::Ready, "Ready again. Press Run.");
        }
    }
}

fn on_message(data: &JsValue) {
    let message = match decode::<FromConductor>(data) {
        None => return,
        Some(Err(e)) => {
            failed(&e);
            return;
        }
        Some(Ok(m)) => m,
    };
    match message {
        FromConductor::Ready(ready) => {
            with_app(|app| app.on_ready(ready));
        }
        FromConductor::ModelStart { run, slot } => {
            with_app(|app| app.model_started(run, slot));
        }
        FromConductor::Spans { run, slot } => {
            let (done, open) = (spans(data, "spans"), spans(data, "open"));
            with_app(|app| app.add_spans(run, slot, done, open));
            frame::spans_arrived();
        }
        FromConductor::ModelDone { run, slot, outcome } => {
            with_app(|app| app.model_done(run, slot, outcome));
            frame::request();
        }
        FromConductor::Recalibrated {
            run,
            before,
            after,
            first,
        } => {
            with_app(|app| app.recalibrated(run, before, after, first));
        }
        FromConductor::RunDone { run } => {
            with_app(|app| app.run_done(run));
            frame::request();
        }
        FromConductor::Broken { message } => {
            with_app(|app| {
                // Its pool cannot be trusted: a fresh conductor for the next run.
                app.start_engine();
                app.show_notices(&[format!("{message}: its workers were restarted.")]);
                app.set_status(
                    Status::Error,
                    &format!("{message}. The workers were restarted; press Run to try again."),
                );
            });
        }
        FromConductor::Fatal { message } => failed(&message),
    }
}

/// The conductor failed: say so, end the run, and leave Run able to start a new engine.
fn failed(message: &str) {
    with_app(|app| {
        app.retire_engine();
        app.end_run_with("the engine failed");
        app.show_notices(&[format!("The engine failed: {message}.")]);
        app.set_status(
            Status::Error,
            &format!("The engine failed: {message}. Press Run to start it again."),
        );
    });
    frame::request();
}

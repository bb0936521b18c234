//! The page's handle on the conductor worker: starting it, a deadline for its start-up, and
//! its messages and failures turned into the session's inputs.

use super::dispatch;
use crate::core::session::{Input, ENGINE_START_TIMEOUT_MS};
use crate::web::messages::{decode, Envelope, FromConductor, ToConductor};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

pub struct ConductorWorker {
    worker: Worker,
    _listeners: [EventListener; 2],
    /// Fires if the conductor never says it is ready; cleared when dropped (a retired engine's
    /// deadline never fires).
    _start_deadline: Timeout,
}

impl Drop for ConductorWorker {
    fn drop(&mut self) {
        // Ends the conductor and, with it, the pool and process workers it started.
        self.worker.terminate();
    }
}

impl ConductorWorker {
    /// Starts a conductor whose pool has `threads` threads.
    ///
    /// # Errors
    /// When the browser refuses to start a worker.
    pub fn spawn(threads: u32) -> Result<ConductorWorker, JsValue> {
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
                report(FromConductor::Fatal {
                    message: format!("the engine worker stopped: {why}"),
                });
            },
        );
        // The session ignores it if the engine became ready in the meantime.
        let deadline = Timeout::new(ENGINE_START_TIMEOUT_MS, || {
            dispatch(Input::EngineStartTimedOut);
        });
        Ok(ConductorWorker {
            worker,
            _listeners: [on_message, on_error],
            _start_deadline: deadline,
        })
    }

    /// Sends a message to the conductor.
    ///
    /// # Errors
    /// When the browser refuses it.
    pub fn send(&self, message: &ToConductor) -> Result<(), JsValue> {
        Envelope::new(message).post(|m, _| self.worker.post_message(m))
    }

    /// Stops its workers now (its listeners stay until it is dropped).
    pub fn terminate(&self) {
        self.worker.terminate();
    }
}

fn report(report: FromConductor) {
    dispatch(Input::Engine(report));
}

/// A message from the conductor goes to the session as it came; one it cannot read is the
/// conductor failing.
fn on_message(data: &JsValue) {
    match decode::<FromConductor>(data) {
        None => {}
        Some(Err(message)) => report(FromConductor::Fatal { message }),
        Some(Ok(message)) => report(message),
    }
}

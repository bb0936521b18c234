//! What the browser does to the page — hides it (another tab), freezes it (a background tab,
//! a phone saving power), resumes it — as the session's inputs, with the instant on the shared
//! clock, so a run that went on meanwhile is marked instead of measured silently.

use super::dispatch;
use crate::core::session::{Input, Visibility};
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;

fn now() -> f64 {
    crate::engine::Clock::now(&crate::web::PerfClock)
}

fn shown(doc: &web_sys::Document) -> Visibility {
    if doc.hidden() {
        Visibility::Hidden
    } else {
        Visibility::Visible
    }
}

pub fn bind(doc: &web_sys::Document) -> Result<Vec<EventListener>, JsValue> {
    let (d1, d2) = (doc.clone(), doc.clone());
    // A page may already be hidden when it loads (opened in a background tab).
    if doc.hidden() {
        dispatch(Input::Visibility {
            state: Visibility::Hidden,
            at: now(),
        });
    }
    Ok(vec![
        EventListener::new(doc, "visibilitychange", move |_| {
            dispatch(Input::Visibility {
                state: shown(&d1),
                at: now(),
            });
        }),
        EventListener::new(doc, "freeze", |_| {
            dispatch(Input::Visibility {
                state: Visibility::Frozen,
                at: now(),
            });
        }),
        EventListener::new(doc, "resume", move |_| {
            dispatch(Input::Visibility {
                state: shown(&d2),
                at: now(),
            });
        }),
    ])
}

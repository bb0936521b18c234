//! When to draw. After something the person did: on the next animation frame. While a run
//! goes on: at one fixed cadence, [`RUN_CADENCE_MS`], whatever the model and however often its
//! spans arrive, so every model pays the same for being watched (a model whose spans stream
//! every frame must not be slowed by more redrawing than one that blocks its event loop); with
//! `live=0`, not at all until each model ends. Every frame during a replay.

use super::{dispatch, read};
use crate::core::session::Input;
use crate::core::session::TimelineInput;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How often the timeline is redrawn while a run goes on.
const RUN_CADENCE_MS: u32 = 100;

#[derive(Default)]
struct Frames {
    /// The frame callback, made once and reused.
    callback: Option<Closure<dyn FnMut(f64)>>,
    requested: bool,
    dirty: bool,
    last_draw: f64,
    /// The pending clock-hand timer, if any.
    hand: Option<Timeout>,
}

thread_local! {
    static FRAMES: RefCell<Frames> = RefCell::new(Frames::default());
}

/// Something changed: draw it on the next frame.
pub fn request() {
    FRAMES.with(|f| f.borrow_mut().dirty = true);
    schedule();
}

/// New spans arrived during a run: they are drawn at the run's next cadence tick.
pub fn spans_arrived() {
    FRAMES.with(|f| f.borrow_mut().dirty = true);
}

fn schedule() {
    let Some(win) = web_sys::window() else { return };
    FRAMES.with(|f| {
        let mut f = f.borrow_mut();
        if f.requested {
            return;
        }
        f.requested = true;
        let callback = f
            .callback
            .get_or_insert_with(|| Closure::<dyn FnMut(f64)>::new(on_frame));
        let _ = win.request_animation_frame(callback.as_ref().unchecked_ref());
    });
}

fn on_frame(t: f64) {
    let (dirty, hand_due) = FRAMES.with(|f| {
        let mut f = f.borrow_mut();
        f.requested = false;
        let dirty = std::mem::take(&mut f.dirty);
        (dirty, t - f.last_draw >= f64::from(RUN_CADENCE_MS))
    });
    let watching = || {
        read(|app| {
            let s = &app.session;
            let running = s.running() && s.run().as_ref().is_some_and(|r| r.live);
            (running, s.replay_from().is_some())
        })
        .unwrap_or((false, false))
    };
    let (running, replaying) = watching();
    if dirty || (running && hand_due) || replaying {
        let now = crate::engine::Clock::now(&crate::web::PerfClock);
        dispatch(Input::Timeline(TimelineInput::Frame { now }));
        FRAMES.with(|f| f.borrow_mut().last_draw = t);
    }
    let (running, replaying) = watching();
    if replaying {
        // A replay is an animation: every frame.
        schedule();
    } else if running {
        FRAMES.with(|f| {
            let mut f = f.borrow_mut();
            if f.hand.is_none() {
                f.hand = Some(Timeout::new(RUN_CADENCE_MS, || {
                    FRAMES.with(|f| f.borrow_mut().hand = None);
                    request();
                }));
            }
        });
    }
}

/// Redraws when the window's size or colour scheme changes.
pub fn bind() -> Result<Vec<EventListener>, JsValue> {
    let win = web_sys::window().ok_or("no window")?;
    let mut out = vec![EventListener::new(&win, "resize", |_| request())];
    if let Ok(Some(scheme)) = win.match_media("(prefers-color-scheme: dark)") {
        out.push(EventListener::new(&scheme, "change", |_| request()));
    }
    Ok(out)
}

pub fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

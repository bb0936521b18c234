//! When to draw: on the next animation frame after something changed; while a model runs, its
//! clock hand moves every [`CLOCK_HAND_MS`] by a timer (so the browser's frame pipeline idles
//! in between and takes no CPU from the workers being measured); every frame during a replay.

use super::with_app;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How often the running model's clock hand moves when no new spans arrive.
const CLOCK_HAND_MS: u32 = 100;

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
        (dirty, t - f.last_draw >= f64::from(CLOCK_HAND_MS))
    });
    let (running, replaying) = with_app(|app| {
        // Listeners of engines retired during the last frame are no longer on the stack.
        app.retired.clear();
        app.embed.spent_observer = None;
        let running = app.running();
        if dirty || (running && hand_due) || app.replay_from.is_some() {
            app.draw();
            FRAMES.with(|f| f.borrow_mut().last_draw = t);
        }
        (running, app.replay_from.is_some())
    })
    .unwrap_or((false, false));
    if replaying {
        // A replay is an animation: every frame.
        schedule();
    } else if running {
        FRAMES.with(|f| {
            let mut f = f.borrow_mut();
            if f.hand.is_none() {
                f.hand = Some(Timeout::new(CLOCK_HAND_MS, || {
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

//! One measured run at a time. The page asks `www/turns.js` (`window.conparTurns`, loaded before
//! the module because the loader takes a turn to compile) for its turn before it starts the
//! engine and before it measures: among the frames of its page through messages, which work
//! whatever the browser lets a third-party frame store, and across the browser through the Web
//! Lock `conpar-measured-run` where the browser grants it. Without `conparTurns` (the
//! wasm-bindgen test runner's page), every turn is granted at once.

use super::{dispatch, later};
use crate::core::session::{Guard, Holder, Input};
use js_sys::{Function, Object, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type Callback = Closure<dyn FnMut(JsValue)>;

/// This page's turn: asked for, waited for, or held. One for starting the engine and one for
/// measuring: both take the same turn, so a page's start-up (calibration, pool warm-up) never
/// overlaps another page's measured run either.
pub struct Turns {
    /// What to report while waiting, and once granted.
    waiting: fn(Holder) -> Input,
    granted: fn(Guard) -> Input,
    /// Counts the asks, so a callback of an earlier one says nothing.
    generation: Rc<Cell<u32>>,
    /// The ask's handle (`release()` gives the turn back or stops waiting).
    handle: Option<JsValue>,
    /// The callbacks of the current ask (turns.js may call them until it is released).
    callbacks: Vec<Callback>,
}

impl Turns {
    pub fn new(waiting: fn(Holder) -> Input, granted: fn(Guard) -> Input) -> Turns {
        Turns {
            waiting,
            granted,
            generation: Rc::default(),
            handle: None,
            callbacks: Vec::new(),
        }
    }
}

/// `window.conparTurns.ask`, where the page loaded turns.js.
fn ask_function() -> Option<(JsValue, Function)> {
    let turns = Reflect::get(&js_sys::global(), &"conparTurns".into()).ok()?;
    let ask = Reflect::get(&turns, &"ask".into()).ok()?.dyn_into().ok()?;
    Some((turns, ask))
}

fn holder(where_: &JsValue) -> Holder {
    if where_.as_string().as_deref() == Some("page") {
        Holder::ThisPage
    } else {
        Holder::Elsewhere
    }
}

fn guard(value: &JsValue) -> Guard {
    match value.as_string().as_deref() {
        Some("browser") => Guard::Browser,
        Some("page") => Guard::Page,
        _ => Guard::Nothing,
    }
}

impl Turns {
    /// Asks for the turn: `granted` when this page may measure, `waiting` first if another
    /// page holds it.
    pub fn ask(&mut self) {
        self.release();
        let (waiting, granted) = (self.waiting, self.granted);
        let Some((turns, ask)) = ask_function() else {
            later(granted(Guard::Nothing));
            return;
        };
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let current = {
            let g = self.generation.clone();
            move || g.get() == generation
        };
        let now = current.clone();
        let on_wait = Callback::new(move |where_: JsValue| {
            if now() {
                dispatch(waiting(holder(&where_)));
            }
        });
        let on_grant = Callback::new(move |value: JsValue| {
            if current() {
                dispatch(granted(guard(&value)));
            }
        });
        let options = Object::new();
        let _ = Reflect::set(&options, &"onWait".into(), on_wait.as_ref());
        let _ = Reflect::set(&options, &"onGrant".into(), on_grant.as_ref());
        match ask.call1(&turns, &options) {
            Ok(handle) => self.handle = Some(handle),
            // turns.js threw: measure without taking turns rather than never.
            Err(_) => later(granted(Guard::Nothing)),
        }
        self.callbacks = vec![on_wait, on_grant];
    }

    /// Gives the turn back (once the page has painted what the turn ended with), or stops
    /// waiting for it.
    pub fn release(&mut self) {
        // Callbacks of this ask that turns.js still calls say nothing.
        self.generation.set(self.generation.get() + 1);
        if let Some(handle) = self.handle.take() {
            let release = Reflect::get(&handle, &"release".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok());
            if let Some(release) = release {
                after_paint(move || {
                    let _ = release.call0(&handle);
                });
            }
        }
    }
}

/// Calls `release` once the page has drawn two more frames (the results of the run that just
/// ended, the ready page after a start): that work would otherwise share the cores with the
/// next page's measured run. At most 300 ms later in a tab that draws nothing.
fn after_paint(release: impl FnOnce() + 'static) {
    let done = Rc::new(Cell::new(None::<Box<dyn FnOnce()>>));
    done.set(Some(Box::new(release)));
    let fire = move || {
        if let Some(release) = done.take() {
            release();
        }
    };
    let soon = fire.clone();
    gloo_timers::callback::Timeout::new(300, soon).forget();
    let Some(win) = web_sys::window() else { return };
    let second = Closure::once_into_js(move |_: f64| {
        gloo_timers::callback::Timeout::new(0, fire).forget();
    });
    let first = Closure::once_into_js(move |_: f64| {
        if let Some(win) = web_sys::window() {
            let _ = win.request_animation_frame(second.unchecked_ref());
        }
    });
    let _ = win.request_animation_frame(first.unchecked_ref());
}

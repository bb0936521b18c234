//! One measured run at a time per browser. Runs of conpar in any frame or tab of its origin
//! take turns through the Web Locks API (shared by same-origin frames and tabs, whatever page
//! embeds them), so three embeds in one post never share the cores while they measure. Where
//! the browser has no Web Locks (an insecure origin), every run gets its turn at once.

use super::{dispatch, later};
use crate::core::session::Input;
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The lock every conpar page asks for before it measures.
const LOCK: &str = "conpar-measured-run";

type LockCallback = Closure<dyn FnMut(JsValue) -> JsValue>;

/// This page's turn: asked for, waited for, or held. One for starting the engine and one for
/// measuring: both take the same lock, so a page's start-up (calibration, pool warm-up) never
/// overlaps another page's measured run either.
pub struct Turns {
    /// What to report while waiting, and once granted.
    waiting: Input,
    granted: Input,
    /// Counts the asks, so a callback of an earlier one says nothing.
    generation: Rc<Cell<u32>>,
    /// Resolving it releases the lock held (the lock lasts as long as this promise).
    release: Option<Function>,
    /// Aborts a request still waiting for the lock.
    abort: Option<web_sys::AbortController>,
    /// The lock callbacks of the current ask (the browser may call them until it is over).
    callbacks: Vec<LockCallback>,
    /// Swallows the rejection of an aborted request (it is no error).
    ignore: Option<Closure<dyn FnMut(JsValue)>>,
}

impl Turns {
    pub fn new(waiting: Input, granted: Input) -> Turns {
        Turns {
            waiting,
            granted,
            generation: Rc::default(),
            release: None,
            abort: None,
            callbacks: Vec::new(),
            ignore: None,
        }
    }
}

/// `navigator.locks`, where the browser has it.
fn lock_manager() -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    locks.is_object().then_some(locks)
}

/// `locks.request(LOCK, options, callback)`.
fn request(locks: &JsValue, options: &Object, callback: &JsValue) -> Option<Promise> {
    let f: Function = Reflect::get(locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    f.call3(locks, &LOCK.into(), options, callback)
        .ok()?
        .dyn_into()
        .ok()
}

/// `promise.catch(handler)`: an aborted request's rejection is expected, not an error to log.
fn swallow(promise: &Promise, handler: &JsValue) {
    if let Ok(catch) = Reflect::get(promise, &"catch".into()).and_then(|f| f.dyn_into::<Function>())
    {
        let _ = catch.call1(promise, handler);
    }
}

impl Turns {
    /// Asks for the turn: `TurnGranted` when this page may measure, `TurnWaiting` first if
    /// another page holds it.
    pub fn ask(&mut self) {
        self.release();
        let Some(locks) = lock_manager() else {
            later(self.granted.clone());
            return;
        };
        let (waiting, granted, granted_now, refused) = (
            self.waiting.clone(),
            self.granted.clone(),
            self.granted.clone(),
            self.granted.clone(),
        );
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let mut resolve = None;
        let hold = Promise::new(&mut |ok, _| resolve = Some(ok));
        self.release = resolve;
        let abort = web_sys::AbortController::new().ok();
        let signal = abort.as_ref().map(web_sys::AbortController::signal);
        self.abort = abort;
        let ignore: JsValue = {
            let f = self
                .ignore
                .get_or_insert_with(|| Closure::new(|_: JsValue| {}));
            AsRef::<JsValue>::as_ref(&*f).clone()
        };
        let current = {
            let g = self.generation.clone();
            move || g.get() == generation
        };
        // Granted after waiting: the lock is held until `hold` resolves.
        let (held, now) = (hold.clone(), current.clone());
        let waited = LockCallback::new(move |_lock: JsValue| -> JsValue {
            if now() {
                dispatch(granted.clone());
            }
            held.clone().into()
        });
        let waited_fn: JsValue = waited.as_ref().clone();
        let (locks_again, catch) = (locks.clone(), ignore.clone());
        // First, only if no other page holds it; else say so and wait in line.
        let first = LockCallback::new(move |lock: JsValue| -> JsValue {
            if !current() {
                return JsValue::UNDEFINED;
            }
            if !lock.is_null() {
                dispatch(granted_now.clone());
                return hold.clone().into();
            }
            dispatch(waiting.clone());
            let options = Object::new();
            if let Some(signal) = &signal {
                let _ = Reflect::set(&options, &"signal".into(), signal);
            }
            if let Some(p) = request(&locks_again, &options, &waited_fn) {
                swallow(&p, &catch);
            }
            JsValue::UNDEFINED
        });
        let options = Object::new();
        let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
        match request(&locks, &options, first.as_ref()) {
            Some(p) => swallow(&p, &ignore),
            // The browser refused the request: measure without taking turns.
            None => later(refused),
        }
        self.callbacks = vec![first, waited];
    }

    /// Gives the turn back (once the page has painted what the turn ended with), or stops
    /// waiting for it.
    pub fn release(&mut self) {
        // Callbacks of this ask that the browser still calls say nothing.
        self.generation.set(self.generation.get() + 1);
        if let Some(release) = self.release.take() {
            after_paint(release);
        }
        if let Some(abort) = self.abort.take() {
            abort.abort();
        }
    }
}

/// Calls `release` once the page has drawn two more frames (the results of the run that just
/// ended, the ready page after a start): that work would otherwise share the cores with the
/// next page's measured run. At most 300 ms later in a tab that draws nothing.
fn after_paint(release: Function) {
    let done = Rc::new(Cell::new(false));
    let fire = move || {
        if !done.replace(true) {
            let _ = release.call0(&JsValue::NULL);
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

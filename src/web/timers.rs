//! Timers. [`sleep_ms`] is a plain wait that clears its browser timer if dropped early.
//! [`LoopTimers`] are the `async` model's timers, kept the way asyncio's event loop keeps
//! them: a heap of deadlines, and one browser `setTimeout` armed for the earliest. Ten
//! thousand pending waits then cost ten thousand heap entries, not ten thousand promises and
//! closures.

use super::PerfClock;
use crate::engine::asyncio::Timer;
use crate::engine::Clock;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // The global functions, so this works on the page and in workers alike.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Waits `ms` milliseconds on this thread's event loop; dropping the future clears the timer.
pub async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Longest stretch between two ticks of [`awake_ms`] that counts in full; a longer one means
/// this worker's timers did not run (the browser froze the page), and counts as one tick.
const AWAKE_TICK_MS: u32 = 250;

/// Sleeps until `ms` of time this worker was awake have passed: a stretch when its timers did
/// not run — a frozen page — does not count, so a deadline does not expire the moment the page
/// resumes, before the message it waits for can arrive.
pub async fn awake_ms(ms: u32) {
    let clock = crate::web::PerfClock;
    let mut left = f64::from(ms);
    while left > 0.0 {
        let tick = left.min(f64::from(AWAKE_TICK_MS));
        let before = crate::engine::Clock::now(&clock);
        sleep_ms(tick.ceil() as u32).await;
        let slept = crate::engine::Clock::now(&clock) - before;
        left -= if slept > 4.0 * f64::from(AWAKE_TICK_MS) {
            tick
        } else {
            slept
        };
    }
}

#[derive(Default)]
struct Heap {
    /// (deadline in µs on the shared clock, timer id), earliest first.
    deadlines: BinaryHeap<Reverse<(u64, u64)>>,
    /// Timers not yet due, with the waker of the task awaiting each.
    pending: HashMap<u64, Option<Waker>>,
    next_id: u64,
    /// Deadline the armed `setTimeout` is for (µs), and its id, if one is armed.
    armed_for: Option<u64>,
    armed_id: JsValue,
}

impl Drop for Heap {
    /// A run that ends (or is dropped) with waits pending leaves no timer behind.
    fn drop(&mut self) {
        if self.armed_for.is_some() {
            clear_timeout(&self.armed_id);
        }
    }
}

/// A timer source for one event loop (one `async` run).
#[derive(Clone, Default)]
pub struct LoopTimers {
    heap: Rc<RefCell<Heap>>,
}

fn now_us() -> u64 {
    (PerfClock.now() * 1000.0) as u64
}

impl LoopTimers {
    pub fn new() -> LoopTimers {
        LoopTimers::default()
    }

    /// Makes sure a browser timeout will fire by `deadline`.
    fn arm(heap: &Rc<RefCell<Heap>>, deadline: u64) {
        let mut h = heap.borrow_mut();
        if h.armed_for.is_some_and(|armed| armed <= deadline) {
            return;
        }
        if h.armed_for.is_some() {
            clear_timeout(&h.armed_id);
        }
        h.armed_for = Some(deadline);
        let weak = Rc::downgrade(heap);
        // Frees itself once called; a cleared one is the only thing a run can leave behind.
        let fire = Closure::once_into_js(move || Self::fire(&weak));
        let delay_ms = deadline.saturating_sub(now_us()).div_ceil(1000);
        h.armed_id = set_timeout(&fire, delay_ms.min(i32::MAX as u64) as i32);
    }

    /// Wakes every timer that is due, then arms for the next one.
    fn fire(weak: &Weak<RefCell<Heap>>) {
        let Some(heap) = weak.upgrade() else { return };
        let now = now_us();
        let mut wake = Vec::new();
        let next = {
            let mut h = heap.borrow_mut();
            h.armed_for = None;
            while let Some(&Reverse((deadline, id))) = h.deadlines.peek() {
                if deadline > now {
                    break;
                }
                h.deadlines.pop();
                if let Some(Some(w)) = h.pending.remove(&id) {
                    wake.push(w);
                }
            }
            h.deadlines.peek().map(|Reverse((d, _))| *d)
        };
        if let Some(deadline) = next {
            Self::arm(&heap, deadline);
        }
        for w in wake {
            w.wake();
        }
    }
}

enum SleepState {
    Start(u32),
    Waiting(u64),
}

pub struct Sleep {
    heap: Rc<RefCell<Heap>>,
    state: SleepState,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.state {
            SleepState::Start(ms) => {
                let deadline = now_us() + u64::from(ms) * 1000;
                let id = {
                    let mut h = self.heap.borrow_mut();
                    let id = h.next_id;
                    h.next_id += 1;
                    h.deadlines.push(Reverse((deadline, id)));
                    h.pending.insert(id, Some(cx.waker().clone()));
                    id
                };
                self.state = SleepState::Waiting(id);
                LoopTimers::arm(&self.heap, deadline);
                Poll::Pending
            }
            SleepState::Waiting(id) => {
                let mut h = self.heap.borrow_mut();
                match h.pending.get_mut(&id) {
                    Some(w) => {
                        *w = Some(cx.waker().clone());
                        Poll::Pending
                    }
                    None => Poll::Ready(()),
                }
            }
        }
    }
}

impl Timer for LoopTimers {
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> {
        Sleep {
            heap: self.heap.clone(),
            state: SleepState::Start(ms),
        }
    }
}

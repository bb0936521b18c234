//! A global interpreter lock with CPython's hand-over rules (Python/ceval_gil.c):
//!
//! - a thread that wants the GIL while another holds it waits up to the switch interval
//!   (`sys.setswitchinterval`, 5 ms by default); if no switch happened meanwhile it sets
//!   `gil_drop_request`, then keeps waiting;
//! - the holder checks that request between bytecodes (here: between kernel chunks of about
//!   50 µs), releases the GIL and, with FORCE_SWITCHING, waits until another thread has taken
//!   it, so it cannot grab it straight back;
//! - blocking I/O releases the GIL for the whole wait, without a request.
//!
//! It is a real lock in shared memory: in the browser the waits are `Atomics.wait` in workers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

pub struct Gil {
    state: Mutex<GilState>,
    /// Signalled when the GIL is released.
    released: Condvar,
    /// Signalled when a thread takes the GIL (for FORCE_SWITCHING).
    switched: Condvar,
    /// CPython's `gil_drop_request`, read by the holder between chunks without the mutex.
    drop_request: AtomicBool,
    interval: Duration,
}

struct GilState {
    locked: bool,
    /// Incremented on every acquisition; a waiter whose timeout passes without a change asks
    /// the holder to drop the GIL.
    switch_number: u64,
    waiting: u32,
    /// The releasing thread's clock reading at its last release. Lanes read clocks of their
    /// own (one per worker), which can disagree by a few microseconds; the next holder starts
    /// no earlier than this, so spans respect the order the lock really imposed.
    released_at: f64,
}

impl Gil {
    pub fn new(switch_interval_ms: f64) -> Gil {
        Gil {
            state: Mutex::new(GilState {
                locked: false,
                switch_number: 0,
                waiting: 0,
                released_at: f64::NEG_INFINITY,
            }),
            released: Condvar::new(),
            switched: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval: Duration::from_secs_f64(switch_interval_ms.max(0.01) / 1000.0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, GilState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the GIL, waiting as long as needed. Returns whether it had to wait, and the
    /// previous holder's release time.
    pub fn take(&self) -> (bool, f64) {
        let mut st = self.lock();
        let waited = st.locked;
        if st.locked {
            st.waiting += 1;
            while st.locked {
                let seen = st.switch_number;
                let (guard, timeout) = self
                    .released
                    .wait_timeout(st, self.interval)
                    .unwrap_or_else(PoisonError::into_inner);
                st = guard;
                if timeout.timed_out() && st.locked && st.switch_number == seen {
                    self.drop_request.store(true, Ordering::Release);
                }
            }
            st.waiting -= 1;
        }
        st.locked = true;
        st.switch_number += 1;
        // The new holder starts with a clean request; remaining waiters will ask again after
        // their own interval.
        self.drop_request.store(false, Ordering::Release);
        self.switched.notify_all();
        (waited, st.released_at)
    }

    /// Whether another thread has asked the holder to drop the GIL.
    pub fn drop_requested(&self) -> bool {
        self.drop_request.load(Ordering::Acquire)
    }

    /// Releases the GIL at `at` (the caller's clock). When it is released because of a drop
    /// request, waits until another thread has taken it (FORCE_SWITCHING), as CPython does.
    pub fn release(&self, at: f64) {
        let forced = self.drop_requested();
        let mut st = self.lock();
        st.locked = false;
        st.released_at = at;
        self.released.notify_one();
        if forced && st.waiting > 0 {
            let seen = st.switch_number;
            while st.switch_number == seen && !st.locked {
                st = self
                    .switched
                    .wait(st)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }
}

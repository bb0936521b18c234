//! `async`: one thread's event loop. Every task is a future; an I/O step awaits a timer, so the
//! waits of all tasks overlap; a CPU step runs inline inside `poll` and blocks the loop, so no
//! other task moves meanwhile. That is asyncio's bargain, measured.
//!
//! Lane 0 is the event loop. A pending wait has no thread of its own; each one is drawn on the
//! lowest free "I/O wait" lane (1, 2, …) so overlapping waits stay visible.

use super::{Clock, CpuStep, Outcome, Recorder, RunConfig};
use crate::core::kernel::Checksum;
use crate::core::trace::SpanState;
use crate::core::workload::{Step, Task};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::future::Future;

/// Something that can wait without blocking the thread: `setTimeout` in the browser.
pub trait Timer {
    fn sleep(&self, ms: u32) -> impl Future<Output = ()>;
}

/// Lowest-free-first lane numbers for pending waits.
#[derive(Default)]
struct WaitLanes {
    free: BTreeSet<u32>,
    used: u32,
}

impl WaitLanes {
    fn take(&mut self) -> u32 {
        if let Some(lane) = self.free.pop_first() {
            lane
        } else {
            self.used += 1;
            self.used
        }
    }
    fn give_back(&mut self, lane: u32) {
        self.free.insert(lane);
    }
}

/// Runs `tasks` concurrently on the calling thread's event loop; resolves when all are done.
pub async fn run<T: Timer>(
    tasks: &[Task],
    config: &RunConfig,
    clock: &dyn Clock,
    timer: &T,
    recorder: &Recorder,
) -> Outcome {
    let wait_lanes = RefCell::new(WaitLanes::default());
    let checksum = Cell::new(Checksum::default());
    let start = clock.now();
    let futures = tasks.iter().enumerate().map(|(index, task)| {
        let wait_lanes = &wait_lanes;
        let checksum = &checksum;
        async move {
            let task_id = index as u32;
            for (step_index, step) in task.steps.iter().enumerate() {
                let step_id = step_index as u32;
                match *step {
                    Step::Cpu(ms) => {
                        let mut cpu = CpuStep::new(config, task_id, step_id, ms);
                        let begin = clock.now();
                        cpu.finish();
                        recorder.record(0, task_id, step_id, SpanState::Cpu, begin, clock.now());
                        let mut sum = checksum.get();
                        sum.add(cpu.contribution());
                        checksum.set(sum);
                    }
                    Step::Io(ms) => {
                        let lane = wait_lanes.borrow_mut().take();
                        let begin = clock.now();
                        timer.sleep(ms).await;
                        recorder.record(lane, task_id, step_id, SpanState::Io, begin, clock.now());
                        wait_lanes.borrow_mut().give_back(lane);
                    }
                }
            }
        }
    });
    join_all(futures.collect()).await;
    let end = clock.now();
    let lanes = 1 + wait_lanes.borrow().used;
    Outcome {
        start,
        end,
        lanes,
        checksum: checksum.get(),
    }
}

/// Polls all futures on this thread until every one is done (asyncio.gather). Each poll of the
/// group polls only the futures that were woken, so 10,000 pending timers cost nothing while
/// they wait.
async fn join_all<F: Future<Output = ()>>(futures: Vec<F>) {
    use std::pin::Pin;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex, PoisonError};
    use std::task::{Context, Poll, Wake, Waker};

    /// Marks one future as woken and wakes the group.
    struct Flag {
        woken: AtomicBool,
        index: usize,
        queue: Arc<Mutex<Vec<usize>>>,
        parent: Mutex<Option<Waker>>,
    }
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            if !self.woken.swap(true, Ordering::AcqRel) {
                self.queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(self.index);
                if let Some(w) = self
                    .parent
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .as_ref()
                {
                    w.wake_by_ref();
                }
            }
        }
    }

    let mut futures: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    let queue = Arc::new(Mutex::new((0..futures.len()).collect::<Vec<_>>()));
    let flags: Vec<Arc<Flag>> = (0..futures.len())
        .map(|index| {
            Arc::new(Flag {
                woken: AtomicBool::new(true),
                index,
                queue: queue.clone(),
                parent: Mutex::new(None),
            })
        })
        .collect();
    let mut remaining = futures.len();
    std::future::poll_fn(move |cx| {
        loop {
            let ready: Vec<usize> =
                std::mem::take(&mut *queue.lock().unwrap_or_else(PoisonError::into_inner));
            if ready.is_empty() {
                break;
            }
            for index in ready {
                let flag = &flags[index];
                *flag.parent.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(cx.waker().clone());
                flag.woken.store(false, Ordering::Release);
                if let Some(fut) = futures[index].as_mut() {
                    let waker = Waker::from(flag.clone());
                    if fut
                        .as_mut()
                        .poll(&mut Context::from_waker(&waker))
                        .is_ready()
                    {
                        futures[index] = None;
                        remaining -= 1;
                    }
                }
            }
        }
        if remaining == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
}

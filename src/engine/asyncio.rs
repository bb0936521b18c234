//! `async`: one thread's event loop. Every task is a future; an I/O step awaits a timer, so the
//! waits of all tasks overlap; a CPU step runs inline inside `poll` and blocks the loop, so no
//! other task moves meanwhile. That is asyncio's bargain, measured.
//!
//! Lane 0 is the event loop. A pending wait has no thread of its own; each one is drawn on the
//! lowest free wait slot (lanes 1, 2, …) so overlapping waits stay visible; a slot is not a task.
//!
//! With a `limit`, each task holds an `asyncio.Semaphore(limit)` from its first step to its
//! last, so at most `limit` are in flight; a task queued for it waits on a slot too, in its own
//! state (`sem-wait`), and the queue is first come, first served, as asyncio's is.

use super::{run_task, Clock, CpuStep, Outcome, Recorder, RunConfig, StepRunner};
use crate::core::input::workload::Task;
use crate::core::measure::kernel::Checksum;
use crate::core::measure::trace::SpanState;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};

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

/// A queued acquirer of the [`Semaphore`]: granted its permit by a release, then woken.
#[derive(Default)]
struct Queued {
    granted: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

/// `asyncio.Semaphore` on one thread: a release hands its permit to the longest-waiting
/// acquirer, so none can overtake the queue.
struct Semaphore {
    permits: Cell<u32>,
    queue: RefCell<VecDeque<Rc<Queued>>>,
}

impl Semaphore {
    fn new(permits: u32) -> Semaphore {
        Semaphore {
            permits: Cell::new(permits),
            queue: RefCell::new(VecDeque::new()),
        }
    }

    /// Takes a permit if one is free and nobody queues for it.
    fn try_acquire(&self) -> bool {
        let free = self.permits.get() > 0 && self.queue.borrow().is_empty();
        if free {
            self.permits.set(self.permits.get() - 1);
        }
        free
    }

    /// Queues for a permit; resolves when a release hands one over.
    async fn queue_for_permit(&self) {
        let me = Rc::new(Queued::default());
        self.queue.borrow_mut().push_back(me.clone());
        std::future::poll_fn(|cx| {
            if me.granted.get() {
                Poll::Ready(())
            } else {
                *me.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
    }

    fn release(&self) {
        let next = self.queue.borrow_mut().pop_front();
        match next {
            Some(next) => {
                next.granted.set(true);
                if let Some(waker) = next.waker.borrow_mut().take() {
                    waker.wake();
                }
            }
            None => self.permits.set(self.permits.get() + 1),
        }
    }
}

/// One event loop's way of running steps: CPU inline on lane 0 (blocking the loop), waits on
/// the timer, drawn on the lowest free wait lane.
struct LoopLane<'a, T> {
    clock: &'a dyn Clock,
    timer: &'a T,
    recorder: &'a Recorder,
    wait_lanes: RefCell<WaitLanes>,
}

impl<T: Timer> StepRunner for LoopLane<'_, T> {
    fn cpu(&self, cpu: &mut CpuStep) {
        cpu.run_whole(0, self.clock, self.recorder);
    }

    async fn io(&self, task: u32, step: u32, ms: u32) {
        let lane = self.wait_lanes.borrow_mut().take();
        let begin = self.clock.now();
        self.timer.sleep(ms).await;
        self.recorder
            .record(lane, task, step, SpanState::Io, begin, self.clock.now());
        self.wait_lanes.borrow_mut().give_back(lane);
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
    let checksum = Cell::new(Checksum::default());
    let start = clock.now();
    let runner = LoopLane {
        clock,
        timer,
        recorder,
        wait_lanes: RefCell::new(WaitLanes::default()),
    };
    let gate = config.limit.map(|n| Semaphore::new(n.max(1)));
    let futures = tasks.iter().enumerate().map(|(index, task)| {
        let (runner, checksum, gate) = (&runner, &checksum, gate.as_ref());
        async move {
            if let Some(gate) = gate.filter(|g| !g.try_acquire()) {
                // `async with semaphore:` when all permits are out: queued, on a wait slot.
                let lane = runner.wait_lanes.borrow_mut().take();
                let begin = clock.now();
                gate.queue_for_permit().await;
                let task = index as u32;
                recorder.record(lane, task, 0, SpanState::SemWait, begin, clock.now());
                runner.wait_lanes.borrow_mut().give_back(lane);
            }
            let sum = run_task(runner, &config.work, index as u32, task).await;
            if let Some(gate) = gate {
                gate.release();
            }
            let mut total: Checksum = checksum.get();
            total.merge(sum);
            checksum.set(total);
        }
    });
    join_all(futures.collect()).await;
    let end = clock.now();
    let lanes = 1 + runner.wait_lanes.borrow().used;
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

/// Where an event loop sends its CPU steps instead of running them (`loop.run_in_executor`).
pub trait Offload {
    /// Computes `cpu ms` of `task`'s step `step` elsewhere and returns its checksum
    /// contribution, or why it could not.
    fn cpu(
        &self,
        task: u32,
        step: u32,
        ms: u32,
        payload: u32,
    ) -> impl Future<Output = Result<u64, String>>;
}

/// The lane every pending wait of an offloading loop is drawn on; lane 0 is the loop, and the
/// lanes after this one are the pool's.
pub const WAITS_LANE: u32 = 1;

/// Runs `tasks` concurrently on this thread's event loop, awaiting each CPU step from
/// `offload` (`await loop.run_in_executor(pool, …)`), so the loop never computes and keeps
/// serving the other tasks meanwhile. `pool_lanes` are the lanes the offload draws on.
///
/// # Errors
/// The first step the offload could not compute.
pub async fn run_offloaded<T: Timer, O: Offload>(
    tasks: &[Task],
    clock: &dyn Clock,
    timer: &T,
    recorder: &Recorder,
    (offload, pool_lanes): (&O, u32),
) -> Result<Outcome, String> {
    use crate::core::input::workload::Step;
    let checksum = Cell::new(Checksum::default());
    let failure: RefCell<Option<String>> = RefCell::new(None);
    let start = clock.now();
    let futures = tasks.iter().enumerate().map(|(index, task)| {
        let (checksum, failure) = (&checksum, &failure);
        async move {
            let task_id = index as u32;
            for (step, s) in (0u32..).zip(&task.steps) {
                match *s {
                    Step::Io(ms) => {
                        let begin = clock.now();
                        timer.sleep(ms).await;
                        let at = (WAITS_LANE, task_id, step);
                        recorder.record(at.0, at.1, at.2, SpanState::Io, begin, clock.now());
                    }
                    Step::Cpu(ms) => match offload.cpu(task_id, step, ms, task.payload).await {
                        Ok(contribution) => {
                            let mut total = checksum.get();
                            total.add(contribution);
                            checksum.set(total);
                        }
                        Err(e) => {
                            failure.borrow_mut().get_or_insert(e);
                            return;
                        }
                    },
                }
                if failure.borrow().is_some() {
                    return;
                }
            }
        }
    });
    join_all(futures.collect()).await;
    if let Some(e) = failure.take() {
        return Err(e);
    }
    Ok(Outcome {
        start,
        end: clock.now(),
        lanes: WAITS_LANE + 1 + pool_lanes,
        checksum: checksum.get(),
    })
}

//! The schedule each model would follow on an ideal machine: what the page draws before a run,
//! clearly marked as expected, not measured. A small simulation: lanes take the next task when
//! free, waits take no CPU, computing needs a CPU slot (one for the plain loop, the event loop
//! and the GIL; one per core for free threads and processes). Start-up and copies are left out.

use crate::core::input::workload::{Step, Task};
use crate::core::measure::trace::{Model, ModelTrace, Span, SpanState};
use std::collections::BinaryHeap;

/// The expected trace of `model` running `tasks` with `lanes` lanes on `cores` cores.
pub fn expected(model: Model, tasks: &[Task], lanes: u32, cores: u32) -> ModelTrace {
    expected_bounded(model, tasks, lanes, cores, (None, 1))
}

/// [`expected`] with `async` bounded to `limit` tasks in flight (`asyncio.Semaphore`) and
/// `processes` handed its tasks `chunksize` at a time (`ProcessPoolExecutor.map`).
pub fn expected_bounded(
    model: Model,
    tasks: &[Task],
    lanes: u32,
    cores: u32,
    (limit, chunksize): (Option<u32>, u32),
) -> ModelTrace {
    let spans = match model {
        Model::Async => event_loop(tasks, limit),
        Model::Sequential => blocking(tasks, 1, (1, 1), false),
        Model::Gil => blocking(tasks, lanes, (1, 1), true),
        Model::Threads => blocking(tasks, lanes, (lanes.min(cores), 1), false),
        Model::Processes => blocking(tasks, lanes, (lanes.min(cores), chunksize), false),
        Model::Interpreters => blocking(tasks, lanes, (lanes.min(cores), 1), false),
        Model::Executor => offloaded(tasks, lanes, cores),
        // The same loop with its steps on threads, one computing at a time (the GIL).
        Model::ToThread => offloaded(tasks, lanes, 1),
    };
    let end = spans.iter().map(|s| s.end).fold(0.0, f64::max);
    ModelTrace {
        model,
        lanes: spans.iter().map(|s| s.lane + 1).max().unwrap_or(1),
        start: 0.0,
        end,
        checksum: 0,
        spans,
    }
}

fn span(lane: u32, task: usize, step: usize, state: SpanState, start: f64, end: f64) -> Span {
    Span {
        lane,
        task: task as u32,
        step: step as u32,
        state,
        start,
        end,
    }
}

/// Earliest first, for a min-heap of times.
#[derive(PartialEq)]
struct Time(f64);
impl Eq for Time {}
impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Time {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.total_cmp(&self.0)
    }
}

/// Lanes whose waits block them (a plain loop, threads, processes), each taking `chunk` tasks
/// at a time. With `gil`, a lane that waits for the CPU slot is waiting for the lock, and that
/// is drawn.
fn blocking(tasks: &[Task], lanes: u32, (cpu_slots, chunk): (u32, u32), gil: bool) -> Vec<Span> {
    let chunk = chunk.max(1) as usize;
    let lanes = lanes.max(1) as usize;
    let mut spans = Vec::new();
    let mut lane_free = vec![0.0f64; lanes];
    let mut slots: BinaryHeap<Time> = (0..cpu_slots.max(1)).map(|_| Time(0.0)).collect();
    // Each task (each chunk of them) goes to the lane free first, as an executor's queue hands
    // them out; its steps then run in order on that lane.
    let mut lane = 0;
    for (index, task) in tasks.iter().enumerate() {
        if index % chunk == 0 {
            lane = (0..lanes)
                .min_by(|&a, &b| lane_free[a].total_cmp(&lane_free[b]))
                .unwrap_or(0);
        }
        let mut t = lane_free[lane];
        for (step_index, step) in task.steps.iter().enumerate() {
            match *step {
                Step::Io(ms) => {
                    let end = t + f64::from(ms);
                    spans.push(span(lane as u32, index, step_index, SpanState::Io, t, end));
                    t = end;
                }
                Step::Cpu(ms) => {
                    // With a CPU slot for every lane nobody waits for one (the slots are
                    // taken in task order, which chunks take out of time order).
                    let free = slots.pop().map_or(0.0, |s| s.0);
                    let start = if cpu_slots as usize >= lanes {
                        t
                    } else {
                        t.max(free)
                    };
                    if gil && start > t {
                        spans.push(span(
                            lane as u32,
                            index,
                            step_index,
                            SpanState::LockWait,
                            t,
                            start,
                        ));
                    }
                    let end = start + f64::from(ms);
                    spans.push(span(
                        lane as u32,
                        index,
                        step_index,
                        SpanState::Cpu,
                        start,
                        end,
                    ));
                    slots.push(Time(end));
                    t = end;
                }
            }
        }
        lane_free[lane] = t;
    }
    spans
}

/// One event loop: every task starts at once (with a `limit`, that many, and each later one as
/// soon as one ends, first come first served); computing holds the loop, waits overlap, each
/// drawn in the lowest free wait slot (lane 1, 2, …), a wait for the semaphore too.
fn event_loop(tasks: &[Task], limit: Option<u32>) -> Vec<Span> {
    let mut spans = Vec::new();
    let first = limit.map_or(tasks.len(), |n| (n.max(1) as usize).min(tasks.len()));
    let mut queued = first..tasks.len();
    // (ready at in µs, task, next step), earliest and then first-written first: a min-heap, so
    // ten thousand waiting tasks cost n log n. Steps are whole milliseconds, so µs are exact.
    let mut ready: BinaryHeap<std::cmp::Reverse<(u64, usize, usize)>> =
        (0..first).map(|i| std::cmp::Reverse((0, i, 0))).collect();
    let mut loop_free = 0.0f64;
    let mut waits: Vec<(f64, f64, usize, usize, SpanState)> = Vec::new();
    while let Some(std::cmp::Reverse((at, task, step))) = ready.pop() {
        let t = at as f64 / 1000.0;
        let Some(s) = tasks[task].steps.get(step) else {
            continue;
        };
        let end = match *s {
            Step::Io(ms) => {
                waits.push((t, t + f64::from(ms), task, step, SpanState::Io));
                t + f64::from(ms)
            }
            Step::Cpu(ms) => {
                let start = t.max(loop_free);
                loop_free = start + f64::from(ms);
                spans.push(span(0, task, step, SpanState::Cpu, start, loop_free));
                loop_free
            }
        };
        let end_us = (end * 1000.0).round() as u64;
        if step + 1 < tasks[task].steps.len() {
            ready.push(std::cmp::Reverse((end_us, task, step + 1)));
        } else if let Some(next) = queued.next() {
            // The semaphore's permit passes to the task queued longest.
            waits.push((0.0, end, next, 0, SpanState::SemWait));
            ready.push(std::cmp::Reverse((end_us, next, 0)));
        }
    }
    // Wait slots: interval partitioning, lowest free slot first (free slots in a min-heap).
    crate::core::sort::sort_by(&mut waits, |a, b| a.0.total_cmp(&b.0));
    let mut busy: BinaryHeap<std::cmp::Reverse<(u64, usize)>> = BinaryHeap::new();
    let mut free: BinaryHeap<std::cmp::Reverse<usize>> = BinaryHeap::new();
    let mut slots = 0;
    for (start, end, task, step, state) in waits {
        let start_us = (start * 1000.0).round() as u64;
        while let Some(std::cmp::Reverse((until, slot))) = busy.peek().copied() {
            if until > start_us {
                break;
            }
            busy.pop();
            free.push(std::cmp::Reverse(slot));
        }
        let slot = free.pop().map_or_else(
            || {
                slots += 1;
                slots - 1
            },
            |std::cmp::Reverse(s)| s,
        );
        busy.push(std::cmp::Reverse(((end * 1000.0).round() as u64, slot)));
        spans.push(span(slot as u32 + 1, task, step, state, start, end));
    }
    spans
}

/// One event loop whose CPU steps go to `processes` workers (`run_in_executor`): every task
/// starts at once, its waits overlap in one row (lane 1), and each CPU step runs on the
/// process free first (lanes 2, 3, …), at most one per core at a time; the loop itself
/// computes nothing.
fn offloaded(tasks: &[Task], processes: u32, cores: u32) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut ready: BinaryHeap<std::cmp::Reverse<(u64, usize, usize)>> = (0..tasks.len())
        .map(|i| std::cmp::Reverse((0, i, 0)))
        .collect();
    let mut process_free = vec![0.0f64; processes.max(1) as usize];
    let mut slots: BinaryHeap<Time> = (0..processes.max(1).min(cores.max(1)))
        .map(|_| Time(0.0))
        .collect();
    let contended = cores < processes;
    while let Some(std::cmp::Reverse((at, task, step))) = ready.pop() {
        let t = at as f64 / 1000.0;
        let Some(s) = tasks[task].steps.get(step) else {
            continue;
        };
        let end = match *s {
            Step::Io(ms) => {
                spans.push(span(1, task, step, SpanState::Io, t, t + f64::from(ms)));
                t + f64::from(ms)
            }
            Step::Cpu(ms) => {
                let lane = (0..process_free.len())
                    .min_by(|&a, &b| process_free[a].total_cmp(&process_free[b]))
                    .unwrap_or(0);
                let core = slots.pop().map_or(0.0, |s| s.0);
                let start = if contended {
                    t.max(process_free[lane]).max(core)
                } else {
                    t.max(process_free[lane])
                };
                let end = start + f64::from(ms);
                spans.push(span(
                    lane as u32 + 2,
                    task,
                    step,
                    SpanState::Cpu,
                    start,
                    end,
                ));
                process_free[lane] = end;
                slots.push(Time(end));
                end
            }
        };
        if step + 1 < tasks[task].steps.len() {
            ready.push(std::cmp::Reverse((
                (end * 1000.0).round() as u64,
                task,
                step + 1,
            )));
        }
    }
    spans
}

//! How each task was served: when it finished and how long it stood ready to run without
//! running. Wall time says how long the whole batch took; a service cares about its slowest
//! request, and that is where the models differ most (a CPU step on asyncio's event loop stalls
//! every other task until it ends).
//!
//! A task is ready from the model's start (every task is submitted at once) until it finishes,
//! except while it computes, copies its payload or waits for its I/O. Its I/O wait lasts the
//! planned time: a simulated call completes then, so if the task resumes later (the event loop
//! was busy) the rest is a stall, as it is for a real socket that has data nobody reads. GIL
//! waits, a queue with no free worker and a process still starting are stalls too.

use crate::core::input::workload::{Step, Workload};
use crate::core::measure::trace::{ModelTrace, SpanState, NO_TASK};

/// One task's service.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaskLatency {
    pub task: u32,
    /// From the model's start to the task's last span's end, ms.
    pub finish_ms: f64,
    /// The longest stretch the task was ready but not running, ms.
    pub stall_ms: f64,
}

/// Every task's service and its percentiles (nearest rank).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Latency {
    pub finish_p50_ms: f64,
    pub finish_p95_ms: f64,
    pub finish_worst_ms: f64,
    pub stall_p50_ms: f64,
    pub stall_p95_ms: f64,
    pub stall_worst_ms: f64,
    /// The task with the longest stall (the first such, on a tie).
    pub worst_task: u32,
    pub tasks: Vec<TaskLatency>,
}

/// The `p`th percentile (0–100) of sorted values, by nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A lookup of each step's planned length (ms) by task and step.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned(Vec<Vec<Step>>);

impl Planned {
    pub fn of(workload: &Workload) -> Planned {
        Planned(workload.tasks().into_iter().map(|t| t.steps).collect())
    }

    /// Nothing planned is known (a trace from elsewhere): waits count as they were recorded.
    pub fn unknown() -> Planned {
        Planned(Vec::new())
    }

    fn io_ms(&self, task: u32, step: u32) -> Option<f64> {
        match self.0.get(task as usize)?.get(step as usize)? {
            Step::Io(ms) => Some(f64::from(*ms)),
            Step::Cpu(_) => None,
        }
    }
}

/// Each task's finish and longest stall in `trace`, with percentiles; `None` without tasks.
pub fn latency(trace: &ModelTrace, planned: &Planned) -> Option<Latency> {
    // Per task: the intervals it was not ready (running, copying, waiting for its I/O).
    let mut busy: std::collections::BTreeMap<u32, Vec<(f64, f64)>> = Default::default();
    let mut finish: std::collections::BTreeMap<u32, f64> = Default::default();
    for s in trace.spans.iter().filter(|s| s.task != NO_TASK) {
        let end = finish.entry(s.task).or_insert(s.end);
        *end = end.max(s.end);
        let interval = match s.state {
            SpanState::Cpu | SpanState::Copy => (s.start, s.end),
            SpanState::Io => {
                let planned_end = planned
                    .io_ms(s.task, s.step)
                    .map_or(s.end, |ms| s.start + ms);
                (s.start, s.end.min(planned_end))
            }
            // Queued for the GIL or for a semaphore: ready, held back by the model.
            SpanState::LockWait | SpanState::SemWait | SpanState::Spawn => continue,
        };
        busy.entry(s.task).or_default().push(interval);
    }
    let mut tasks: Vec<TaskLatency> = finish
        .iter()
        .map(|(&task, &end)| {
            let mut intervals = busy.remove(&task).unwrap_or_default();
            crate::core::sort::sort_by(&mut intervals, |a, b| a.0.total_cmp(&b.0));
            let (mut covered, mut stall) = (trace.start, 0.0f64);
            for (from, to) in intervals {
                stall = stall.max(from - covered);
                covered = covered.max(to);
            }
            stall = stall.max(end - covered);
            TaskLatency {
                task,
                finish_ms: end - trace.start,
                stall_ms: stall.max(0.0),
            }
        })
        .collect();
    if tasks.is_empty() {
        return None;
    }
    crate::core::sort::sort_by_key(&mut tasks, |t| t.task);
    let mut finishes: Vec<f64> = tasks.iter().map(|t| t.finish_ms).collect();
    let mut stalls: Vec<f64> = tasks.iter().map(|t| t.stall_ms).collect();
    crate::core::sort::sort_by(&mut finishes, f64::total_cmp);
    crate::core::sort::sort_by(&mut stalls, f64::total_cmp);
    let worst = tasks.iter().fold(
        tasks[0],
        |w, t| if t.stall_ms > w.stall_ms { *t } else { w },
    );
    Some(Latency {
        finish_p50_ms: percentile(&finishes, 50.0),
        finish_p95_ms: percentile(&finishes, 95.0),
        finish_worst_ms: finishes[finishes.len() - 1],
        stall_p50_ms: percentile(&stalls, 50.0),
        stall_p95_ms: percentile(&stalls, 95.0),
        stall_worst_ms: stalls[stalls.len() - 1],
        worst_task: worst.task,
        tasks,
    })
}

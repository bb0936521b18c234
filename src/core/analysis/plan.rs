//! Which models a run includes, and the shortest time each can take: one bound shared by the
//! plan that skips too-long models and the physics every result is checked against.

use crate::core::input::workload::Workload;
use crate::core::measure::trace::Model;
use crate::core::measure::units::format_ms;

/// Longest a model may be expected to run; a model whose ideal time is longer is skipped with a
/// message (sequential on 10,000 waits of 100 ms would take 17 minutes).
pub const MAX_MODEL_MS: u64 = 120_000;

/// The shortest time any run of `model` can take, with `in_flight` tasks in progress at once
/// ([`in_flight`]) on `cores` cores, for a workload of `cpu_ms` calibrated computing, whose
/// longest task lasts `longest_ms` and whose steps add up to `serial_ms`. One bound for both
/// its users: which models are too long to run, and the physics every result is checked
/// against.
pub fn ideal_ms(
    model: Model,
    (cpu_ms, longest_ms, serial_ms): (f64, f64, f64),
    in_flight: u32,
    cores: u32,
) -> f64 {
    let lanes_f = f64::from(in_flight.max(1));
    let cores_f = f64::from(in_flight.max(1).min(cores.max(1)));
    match model {
        Model::Sequential => serial_ms,
        // One loop computes everything; at most `in_flight` tasks wait at once.
        Model::Async => cpu_ms.max(longest_ms).max(serial_ms / lanes_f),
        Model::Gil => cpu_ms.max(longest_ms).max(serial_ms / lanes_f),
        Model::Threads | Model::Processes | Model::Interpreters => {
            (cpu_ms / cores_f).max(longest_ms).max(serial_ms / lanes_f)
        }
        // Every task is a coroutine (waits overlap without bound); `in_flight` processes
        // compute, at most one per core.
        Model::Executor => (cpu_ms / cores_f).max(longest_ms),
        // Waits overlap without bound; the GIL lets one thread compute at a time.
        Model::ToThread => cpu_ms.max(longest_ms),
    }
}

/// [`ideal_ms`] for a parsed workload.
pub fn estimate_ms(model: Model, workload: &Workload, in_flight: u32, cores: u32) -> u64 {
    let totals = (
        workload.total_cpu_ms() as f64,
        workload.longest_task_ms() as f64,
        workload.serial_ms() as f64,
    );
    ideal_ms(model, totals, in_flight, cores).ceil() as u64
}

/// The models a run will include, and why the others were left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub run: Vec<Model>,
    pub skipped: Vec<String>,
}

/// The lanes `model` runs on with pools of `threads` and `processes`.
pub fn lanes(model: Model, (threads, processes): (u32, u32)) -> u32 {
    match model {
        Model::Sequential | Model::Async => 1,
        Model::Gil | Model::Threads | Model::ToThread => threads.max(1),
        Model::Processes | Model::Executor | Model::Interpreters => processes.max(1),
    }
}

/// How many tasks `model` can have in progress at once: its lanes, or under `async` the
/// semaphore's `limit` (without one, every task).
pub fn in_flight(model: Model, pools: (u32, u32), limit: Option<u32>) -> u32 {
    match (model, limit) {
        (Model::Async, Some(n)) => n.max(1),
        (Model::Async, None) => u32::MAX,
        _ => lanes(model, pools),
    }
}

/// Decides which of `models` can run with pools of `(threads, processes)` on `cores` cores.
/// `shared_memory` is `Err(reason)` where workers cannot share memory (no cross-origin
/// isolation, or no thread pool).
pub fn plan(
    models: &[Model],
    workload: &Workload,
    (pools, limit): ((u32, u32), Option<u32>),
    cores: u32,
    shared_memory: Result<(), &str>,
) -> Plan {
    let mut run = Vec::new();
    let mut skipped = Vec::new();
    for &m in models {
        let estimate = estimate_ms(m, workload, in_flight(m, pools, limit), cores);
        if let (true, Err(reason)) = (m.needs_shared_memory(), shared_memory) {
            skipped.push(format!("{m} is unavailable here: {reason}."));
        } else if estimate > MAX_MODEL_MS {
            skipped.push(format!(
                "{m} skipped: this workload would take at least {} under it (the limit is {}).",
                format_ms(estimate as f64),
                format_ms(MAX_MODEL_MS as f64)
            ));
        } else {
            run.push(m);
        }
    }
    Plan { run, skipped }
}

/// Grace a model gets beyond its steps before the conductor calls it dead: starting lanes,
/// scheduling, a loaded machine.
pub const WATCHDOG_GRACE_MS: f64 = 2000.0;

/// How long `model` may show no progress (no span begun or ended) before the conductor
/// declares it dead: twice its longest step as it runs here, plus a grace. A step runs
/// longer when more of the model's lanes compute than there are cores — sixteen threads on two
/// cores each get an eighth of one — so the bound is stretched by lanes per core; a time the
/// page was frozen does not count (the conductor leaves it out).
pub fn watchdog_ms(model: Model, longest_step_ms: f64, pools: (u32, u32), cores: u32) -> f64 {
    let share = (f64::from(lanes(model, pools)) / f64::from(cores.max(1))).max(1.0);
    2.0 * longest_step_ms * share + WATCHDOG_GRACE_MS
}

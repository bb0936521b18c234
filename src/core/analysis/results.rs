//! Each model's results, built whole in one place ([`ModelResult::new`]) from its trace and
//! what the analysis found in it: the physics checks, per-task latency, the repeats.

use crate::core::analysis::latency::{latency, Latency, Planned};
use crate::core::analysis::verdict::{check, Expectation, Facts};
use crate::core::measure::kernel::Checksum;
use crate::core::measure::trace::{Model, ModelTrace, SpanState};

/// What one model's run measured, as shown in the page and returned by
/// `window.conpar.results()`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelResult {
    pub model: Model,
    pub wall_ms: f64,
    pub checksum: String,
    /// Sequential wall time over this model's, when sequential ran too.
    pub speedup: Option<f64>,
    pub cpu_ms: f64,
    pub io_ms: f64,
    pub lock_wait_ms: f64,
    /// Time tasks spent queued for `async`'s semaphore (`limit=`), summed over tasks.
    #[serde(default)]
    pub sem_wait_ms: f64,
    pub spawn_ms: f64,
    pub copy_ms: f64,
    pub lanes: u32,
    /// The most CPU spans in progress at once (2 or more: the model computed in parallel).
    #[serde(default)]
    pub max_cpu: usize,
    /// The most I/O waits in progress at once.
    #[serde(default)]
    pub max_io: usize,
    /// CPU busy time over (wall time × lanes that computed): how much of the computing
    /// capacity the model used.
    pub utilisation: f64,
    /// Core-time spent computing over the calibrated CPU work: 1.0 when steps lasted as
    /// calibrated (none without CPU work).
    #[serde(default)]
    pub cpu_stretch: Option<f64>,
    /// Why these numbers cannot be trusted, if they cannot.
    #[serde(default)]
    pub disturbed: Vec<String>,
    /// With repeats: every repeat's wall time, in the order they ran (`wall_ms` is their
    /// median). Empty for a single run.
    #[serde(default)]
    pub repeats_wall_ms: Vec<f64>,
    /// Each task's finish and longest stall, with percentiles (against the planned waits).
    #[serde(default)]
    pub latency: Option<Latency>,
}

impl ModelResult {
    /// A model's result from its trace. `baseline_ms` is sequential's wall time in the same
    /// run (for the speedup); `facts`, the physics checks of this trace, when it was checked;
    /// `latency`, its tasks' finish and stall times; `repeats_wall_ms`, every repeat's wall
    /// time when it ran more than once; `checksum`, whether the trace's checksum means
    /// anything (a trace read from a file has none).
    pub fn new(
        trace: &ModelTrace,
        baseline_ms: Option<f64>,
        facts: Option<&Facts>,
        latency: Option<Latency>,
        repeats_wall_ms: Vec<f64>,
        checksum: bool,
    ) -> ModelResult {
        let wall = trace.wall_ms();
        let cpu = trace.time_in(SpanState::Cpu);
        let cpu_lanes = trace.lanes_with(SpanState::Cpu).len().max(1) as f64;
        ModelResult {
            model: trace.model,
            wall_ms: wall,
            checksum: if checksum {
                Checksum(trace.checksum).hex()
            } else {
                String::new()
            },
            speedup: baseline_ms.filter(|_| wall > 0.0).map(|s| s / wall),
            cpu_ms: cpu,
            io_ms: trace.time_in(SpanState::Io),
            lock_wait_ms: trace.time_in(SpanState::LockWait),
            sem_wait_ms: trace.time_in(SpanState::SemWait),
            spawn_ms: trace.time_in(SpanState::Spawn),
            copy_ms: trace.time_in(SpanState::Copy),
            lanes: trace.lanes,
            max_cpu: trace.max_concurrent(SpanState::Cpu),
            max_io: trace.max_concurrent(SpanState::Io),
            utilisation: if wall > 0.0 {
                (cpu / (wall * cpu_lanes)).min(1.0)
            } else {
                0.0
            },
            cpu_stretch: facts.and_then(|f| f.stretch),
            disturbed: facts.map(|f| f.disturbed.clone()).unwrap_or_default(),
            repeats_wall_ms,
            latency,
        }
    }
}

/// Sequential's wall time among `traces`, the baseline of every speedup.
fn baseline<'a>(traces: impl IntoIterator<Item = &'a ModelTrace>) -> Option<f64> {
    traces
        .into_iter()
        .find(|t| t.model == Model::Sequential)
        .map(ModelTrace::wall_ms)
}

/// Per-model results with nothing but their traces (speedups against `sequential` when it is
/// among them): for tests, tools and benchmarks that check no physics.
pub fn results(traces: &[ModelTrace]) -> Vec<ModelResult> {
    let base = baseline(traces);
    traces
        .iter()
        .map(|t| ModelResult::new(t, base, None, None, Vec::new(), true))
        .collect()
}

/// A run's results: each model's counted run (its median, with every repeat's wall time
/// beside it) checked against the physics of `expect`, with its tasks' latency against the
/// `planned` steps. `outside` gives, per counted run, what happened to it outside its trace
/// (the page hidden or frozen): where there is something, it is the reason its numbers are
/// disturbed, and the only one. Returns the facts the checks found too (the verdict reads
/// them).
pub fn of_run(
    counted: &[(ModelTrace, Vec<f64>)],
    expect: &Expectation,
    planned: &Planned,
    repeated: bool,
    outside: &[Vec<String>],
) -> (Vec<ModelResult>, Vec<Facts>) {
    let traces: Vec<ModelTrace> = counted.iter().map(|(t, _)| t.clone()).collect();
    let mut facts = check(&traces, expect);
    for (f, reasons) in facts.iter_mut().zip(outside) {
        if !reasons.is_empty() {
            f.disturbed = reasons.clone();
        }
    }
    let base = baseline(&traces);
    let results = counted
        .iter()
        .map(|(t, walls)| {
            ModelResult::new(
                t,
                base,
                facts.iter().find(|f| f.model == t.model),
                latency(t, planned),
                if repeated { walls.clone() } else { Vec::new() },
                true,
            )
        })
        .collect();
    (results, facts)
}

/// Results of traces read from files, each with the steps its own workload planned (unknown
/// when it named none): no checksum, no physics (the machine that ran them is not this one).
pub fn of_imported(traces: &[(ModelTrace, Planned)]) -> Vec<ModelResult> {
    let base = baseline(traces.iter().map(|(t, _)| t));
    traces
        .iter()
        .map(|(t, planned)| ModelResult::new(t, base, None, latency(t, planned), Vec::new(), false))
        .collect()
}

//! What the page says about a scenario and its results, decided here rather than in the glue:
//! the sentences and table rows that sum the numbers up, and where the run can happen.

use crate::core::analysis::results::ModelResult;
use crate::core::input::workload::Workload;
use crate::core::measure::trace::Model;
use crate::core::measure::units::format_ms;

/// One sentence on the checksums.
pub fn agreement(results: &[ModelResult], agree: bool) -> String {
    if !results.is_empty() && results.iter().all(|r| r.cpu_ms == 0.0) {
        return "This workload has no CPU steps, so there is no computation to checksum."
            .to_string();
    }
    match results {
        [] => String::new(),
        [one] => format!(
            "Checksum {}: the work really was done. It depends on this page's calibration, so another load gives another one.",
            one.checksum
        ),
        all if agree => format!(
            "All {} models computed the same checksum, {}: each did the same work. It depends on this page's calibration, so compare it within a run, not across loads.",
            all.len(),
            all[0].checksum
        ),
        _ => "The checksums differ: a model computed something else. Please report this.".to_string(),
    }
}

/// A results-table row, formatted: the page shows the cells as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow {
    pub model: Model,
    /// Wall time, speedup, CPU use, CPU steps against calibrated, lock waits, spawn + copy.
    pub cells: [String; 6],
    /// When tasks finished and their longest stalls, each p50 · p95 · worst.
    pub latency: [Spread; 2],
    /// The numbers are disturbed (the reasons are in the result).
    pub disturbed: bool,
    /// The checksum's first eight hex digits and whether every model agreed, when the model
    /// computed anything (no computation, nothing to check).
    pub checksum: Option<(String, bool)>,
    /// The whole checksum, for a tooltip.
    pub full_checksum: String,
}

/// A p50 · p95 · worst cell: the worst apart, so a narrow screen can show it alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spread {
    /// "p50 · p95 · ", or nothing.
    pub typical: String,
    pub worst: String,
}

impl Spread {
    fn of(p50: f64, p95: f64, worst: f64) -> Spread {
        Spread {
            typical: format!("{} · {} · ", format_ms(p50), format_ms(p95)),
            worst: format_ms(worst),
        }
    }

    fn none() -> Spread {
        Spread {
            typical: String::new(),
            worst: "–".into(),
        }
    }
}

/// The results table's rows.
pub fn result_rows(results: &[ModelResult], agree: bool) -> Vec<ResultRow> {
    let ms_or_dash = |ms: f64| {
        if ms > 0.0 {
            format_ms(ms)
        } else {
            "–".into()
        }
    };
    results
        .iter()
        .map(|r| ResultRow {
            model: r.model,
            cells: [
                match r
                    .repeats_wall_ms
                    .iter()
                    .copied()
                    .reduce(f64::min)
                    .zip(r.repeats_wall_ms.iter().copied().reduce(f64::max))
                {
                    Some((lo, hi)) if r.repeats_wall_ms.len() > 1 => {
                        format!(
                            "{} ({}–{})",
                            format_ms(r.wall_ms),
                            format_ms(lo),
                            format_ms(hi)
                        )
                    }
                    _ => format_ms(r.wall_ms),
                },
                r.speedup.map_or("–".into(), |s| format!("{s:.2}×")),
                format!("{:.0}%", r.utilisation * 100.0),
                r.cpu_stretch.map_or("–".into(), |x| format!("{x:.2}×")),
                // The GIL's queue, or the semaphore's: both are waits for a lock.
                ms_or_dash(r.lock_wait_ms + r.sem_wait_ms),
                ms_or_dash(r.spawn_ms + r.copy_ms),
            ],
            latency: match &r.latency {
                Some(l) => [
                    Spread::of(l.finish_p50_ms, l.finish_p95_ms, l.finish_worst_ms),
                    Spread::of(l.stall_p50_ms, l.stall_p95_ms, l.stall_worst_ms),
                ],
                None => [Spread::none(), Spread::none()],
            },
            checksum: (r.cpu_ms > 0.0).then(|| (r.checksum.chars().take(8).collect(), agree)),
            full_checksum: r.checksum.clone(),
            disturbed: !r.disturbed.is_empty(),
        })
        .collect()
}

/// Whether workers can share memory here, and if not, why not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SharedMemory {
    /// The page is not cross-origin isolated (a blog's frame, a host without the headers).
    NotIsolated,
    /// Isolated, but this browser gives no `SharedArrayBuffer` (WebKitGTK without
    /// `JSC_useSharedArrayBuffer=1`).
    NoSharedArrayBuffer,
    /// The thread pool is still starting.
    Starting,
    /// The thread pool failed to start.
    PoolFailed(String),
    /// A pool of this many threads runs.
    Pool(u32),
}

impl SharedMemory {
    /// Why `gil` and `threads` cannot run, if they cannot.
    pub fn unavailable_reason(&self) -> Option<String> {
        match self {
            SharedMemory::NotIsolated => Some(
                "this page is not cross-origin isolated, so workers cannot share memory".into(),
            ),
            SharedMemory::NoSharedArrayBuffer => Some(
                "this browser gives no SharedArrayBuffer, even though the page is cross-origin isolated"
                    .into(),
            ),
            SharedMemory::PoolFailed(e) => Some(format!("the thread pool failed to start: {e}")),
            SharedMemory::Starting | SharedMemory::Pool(_) => None,
        }
    }
}

/// The environment line: what can run here and why, in plain words.
pub fn environment(shared: &SharedMemory, cores: u32, embed: bool) -> String {
    let threads_ok = shared.unavailable_reason().is_none();
    if embed {
        return match shared.unavailable_reason() {
            None => "Every model runs here; I/O is simulated with timers.".to_string(),
            Some(why) => format!("gil, threads and to_thread cannot run here: {why}."),
        };
    }
    let mut text = if threads_ok {
        format!("{cores} cores reported: every model runs here.")
    } else {
        format!(
            "{cores} cores reported: sequential, async, processes, executor and interpreters run here; gil, threads and to_thread cannot, because {}.",
            shared.unavailable_reason().unwrap_or_default()
        )
    };
    text.push_str(" I/O is simulated with timers; CPU work is real.");
    text
}

/// The span states a run of `models` on `workload` can draw, for the legend: waits only with
/// I/O, computing only with CPU work, lock waits only under the GIL with computing, start-ups
/// only with processes, copies only with processes and a payload, semaphore waits only under
/// asyncio with a `limit` below the task count.
pub fn states_drawn(
    models: &[Model],
    workload: &Workload,
    limit: Option<u32>,
) -> Vec<crate::core::measure::trace::SpanState> {
    use crate::core::measure::trace::SpanState;
    let cpu = workload.total_cpu_ms() > 0;
    let io = workload.serial_ms() > workload.total_cpu_ms();
    let payload = workload.tasks().iter().any(|t| t.payload > 0);
    let has = |m: Model| models.contains(&m);
    // Models whose workers have memories of their own: started, and copied to.
    let isolated = models.iter().any(|m| m.isolated_workers());
    SpanState::ALL
        .into_iter()
        .filter(|s| match s {
            SpanState::Cpu => cpu,
            SpanState::Io => io,
            SpanState::LockWait => cpu && (has(Model::Gil) || has(Model::ToThread)),
            SpanState::Spawn => isolated,
            SpanState::Copy => payload && isolated,
            SpanState::SemWait => {
                has(Model::Async) && limit.is_some_and(|n| n < workload.task_count())
            }
        })
        .collect()
}

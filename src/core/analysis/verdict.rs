//! What a run's numbers may claim. Each model's trace is read for what happened (CPU spans at
//! once, waits at once, what blocked, what it cost) and checked against what cannot happen
//! (a speedup above what its lanes and the cores allow, CPU work done faster than the
//! calibrated kernel can, steps stretched far past their calibrated length, GIL waits far past
//! the switch interval). The sentence about the run is built from those facts, never picked by
//! the winner, and claims no winner from disturbed numbers.

use crate::core::input::workload::Workload;
use crate::core::measure::trace::{Model, ModelTrace, SpanState};
use crate::core::measure::units::format_ms;

/// CPU steps lasting this much longer than calibrated mean the machine was busy.
pub const BUSY_STRETCH: f64 = 1.3;
/// CPU work done this much faster than calibrated means the calibration was taken while busy.
pub const FAST_STRETCH: f64 = 0.85;
/// Slack on the physical limit of a speedup (timer resolution, scheduling, a kernel a few per
/// cent faster in one worker than in another).
pub const SLACK: f64 = 1.05;
/// Slack on the hardest limit of all: without waits, no model computes more than its lanes
/// on the cores at once, so a speedup above that count is beyond physics however it came
/// about (2.06× on two processes is flagged). The slack is what two runs of the same work on
/// one lane differ by on a quiet machine: async against sequential on CPU-only steps read
/// 0.984–1.016× over 14 runs in one page and up to 1.02× (once 1.04×) in the first run of a
/// fresh page; at 1 %, one clean run in four was told "sequential was slowed".
pub const LANES_SLACK: f64 = 1.025;

/// What the run was asked to do, on how many cores: the physics its results must obey.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// CPU work of the whole workload, in calibrated ms.
    pub cpu_ms: f64,
    /// The longest task, waits and computing, in ms.
    pub longest_task_ms: f64,
    /// All steps of all tasks one after another, in ms.
    pub serial_ms: f64,
    pub io: bool,
    pub tasks: u32,
    pub cores: u32,
    pub threads: u32,
    pub processes: u32,
    pub switch_ms: f64,
    /// `async` tasks in flight at once (`limit=`).
    pub limit: Option<u32>,
    /// Tasks per message under `processes` (`chunksize=`).
    pub chunksize: u32,
    /// Each distinct task's waiting and computing ms, to rescale the bounds to the speed the
    /// kernel really ran at.
    pub shapes: Vec<(f64, f64)>,
}

impl Expectation {
    pub fn new(
        workload: &Workload,
        cores: u32,
        (threads, processes): (u32, u32),
        switch_ms: f64,
    ) -> Expectation {
        Expectation {
            cpu_ms: workload.total_cpu_ms() as f64,
            longest_task_ms: workload.longest_task_ms() as f64,
            serial_ms: workload.serial_ms() as f64,
            io: workload.serial_ms() > workload.total_cpu_ms(),
            tasks: workload.task_count(),
            cores: cores.max(1),
            threads: threads.max(1),
            processes: processes.max(1),
            switch_ms,
            limit: None,
            chunksize: 1,
            shapes: workload
                .groups()
                .map(|(_, t)| ((t.total_ms() - t.cpu_ms()) as f64, t.cpu_ms() as f64))
                .collect(),
        }
    }

    fn lanes(&self, model: Model) -> u32 {
        crate::core::analysis::plan::lanes(model, (self.threads, self.processes))
    }

    /// This expectation with `async` bounded to `limit` tasks in flight and `processes`
    /// sent `chunksize` tasks a message.
    pub fn bounded(self, (limit, chunksize): (Option<u32>, u32)) -> Expectation {
        Expectation {
            limit,
            chunksize,
            ..self
        }
    }

    /// No run of `model` can be shorter than this (calibrated CPU, real waits).
    pub fn lower_bound_ms(&self, model: Model) -> f64 {
        self.lower_bound_at(model, 1.0)
    }

    /// [`Expectation::lower_bound_ms`] with every CPU step lasting `speed` times its calibrated
    /// length (the speed a run's kernel really ran at).
    pub fn lower_bound_at(&self, model: Model, speed: f64) -> f64 {
        let longest = self
            .shapes
            .iter()
            .map(|(io, cpu)| io + cpu * speed)
            .fold(0.0, f64::max);
        let longest = if self.shapes.is_empty() {
            self.longest_task_ms
        } else {
            longest
        };
        crate::core::analysis::plan::ideal_ms(
            model,
            (
                self.cpu_ms * speed,
                longest,
                self.serial_ms + self.cpu_ms * (speed - 1.0),
            ),
            crate::core::analysis::plan::in_flight(
                model,
                (self.threads, self.processes),
                self.limit,
            ),
            self.cores,
        )
    }
}

/// What one model's trace shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub model: Model,
    pub wall_ms: f64,
    /// Core-milliseconds spent computing: at each instant, the CPU spans in progress, at most
    /// one per core, sharing the cores with start-up and copies in progress.
    pub cpu_core_ms: f64,
    /// `cpu_core_ms` over the calibrated CPU work: 1 when steps lasted as calibrated.
    pub stretch: Option<f64>,
    pub max_cpu: usize,
    pub max_io: usize,
    pub lock_wait_ms: f64,
    pub longest_lock_wait_ms: f64,
    pub start_and_copy_ms: f64,
    /// What makes these numbers untrustworthy, in words.
    pub disturbed: Vec<String>,
}

/// Core-milliseconds the CPU spans of `trace` had on `cores` cores: at each instant the `n`
/// CPU spans in progress share the cores with the `m` threads that start-up and copy spans in
/// progress keep busy, so they had `min(n, cores × n / (n + m))` cores. A worker starting
/// keeps one thread busy; a payload's copy two (the structured clone out of the sender and
/// into the receiver, which also compete for memory). Without start-up or copies that is
/// `min(n, cores)`. Measured: `4 x cpu 10 payload 16mb` on 2 processes, 2 cores, had steps
/// of 10–17 ms beside the copies, 1.25–1.34× counted per core alone.
fn cpu_core_ms(trace: &ModelTrace, cores: usize) -> f64 {
    cpu_core_ms_beside(trace, cores, (1, 2))
}

/// [`cpu_core_ms`] with `weights` busy threads per start-up and per copy span in progress.
fn cpu_core_ms_beside(trace: &ModelTrace, cores: usize, (spawn, copy): (i32, i32)) -> f64 {
    let mut edges: Vec<(f64, i32, i32)> = Vec::new();
    for s in &trace.spans {
        let (cpu, other) = match s.state {
            SpanState::Cpu => (1, 0),
            SpanState::Spawn => (0, spawn),
            SpanState::Copy => (0, copy),
            _ => continue,
        };
        edges.push((s.start, cpu, other));
        edges.push((s.end, -cpu, -other));
    }
    crate::core::sort::sort_by(&mut edges, |a, b| {
        a.0.total_cmp(&b.0).then((a.1 + a.2).cmp(&(b.1 + b.2)))
    });
    let (mut n, mut m, mut last, mut total) = (0i32, 0i32, 0.0, 0.0);
    let cores = cores as f64;
    for (t, dn, dm) in edges {
        if n > 0 {
            let (n_f, busy) = (f64::from(n), f64::from(n + m.max(0)));
            total += n_f.min(cores * n_f / busy) * (t - last);
        }
        n += dn;
        m += dm;
        last = t;
    }
    total
}

/// Reads `trace` for what happened and checks it against `expect`.
pub fn facts(trace: &ModelTrace, expect: &Expectation) -> Facts {
    let m = trace.model;
    let cpu_core_ms = cpu_core_ms(trace, expect.cores as usize);
    let stretch = (expect.cpu_ms > 0.0).then(|| cpu_core_ms / expect.cpu_ms);
    // How much the steps shared the cores with start-up and copies is an estimate; where it
    // moves the core-time by more than a tenth, the steps' length cannot tell a busy machine
    // from the model's own copying (16 MB payloads beside 10 ms steps read 0.77–1.34×
    // calibrated from run to run), so the stretch is shown but not judged.
    let alone = cpu_core_ms_beside(trace, expect.cores as usize, (0, 0));
    let judged = alone <= cpu_core_ms * 1.1;
    let longest_lock_wait_ms = trace
        .spans
        .iter()
        .filter(|s| s.state == SpanState::LockWait)
        .map(|s| s.duration())
        .fold(0.0, f64::max);
    let mut disturbed = Vec::new();
    match stretch.filter(|_| judged) {
        Some(x) if x > BUSY_STRETCH => disturbed.push(format!(
            "the machine was busy during {m}: its CPU steps took {x:.1}× their calibrated time"
        )),
        Some(x) if x < FAST_STRETCH => disturbed.push(format!(
            "{m} computed {:.1}× faster than the kernel was calibrated: the calibration was taken while the machine was busy",
            1.0 / x
        )),
        _ => {}
    }
    // The bound is in calibrated time, and a calibration may be off by as much as the stretch
    // check tolerates; below that, the numbers are wrong.
    let bound = expect.lower_bound_ms(m);
    if trace.wall_ms() < bound * FAST_STRETCH {
        disturbed.push(format!(
            "{m} finished in {}, faster than the {} its work needs at the calibrated speed",
            format_ms(trace.wall_ms()),
            format_ms(bound)
        ));
    }
    // One waiter gets the GIL within a switch interval and a kernel chunk; far longer means the
    // holder's worker was not scheduled.
    let one_waiter_limit = 10.0 * expect.switch_ms + 5.0;
    if m == Model::Gil && expect.threads == 2 && longest_lock_wait_ms > one_waiter_limit {
        disturbed.push(format!(
            "the machine was busy during gil: a thread waited {} for the GIL with a {} switch interval",
            format_ms(longest_lock_wait_ms),
            format_ms(expect.switch_ms)
        ));
    }
    Facts {
        model: m,
        wall_ms: trace.wall_ms(),
        cpu_core_ms,
        stretch,
        max_cpu: trace.max_concurrent(SpanState::Cpu),
        max_io: trace.max_concurrent(SpanState::Io),
        lock_wait_ms: trace.time_in(SpanState::LockWait),
        longest_lock_wait_ms,
        start_and_copy_ms: trace.time_in(SpanState::Spawn) + trace.time_in(SpanState::Copy),
        disturbed,
    }
}

/// Every model's facts, with the speedups checked against sequential's: a model cannot beat
/// sequential by more than the two runs' physical limits allow; when it seems to, sequential
/// was slowed.
pub fn check(traces: &[ModelTrace], expect: &Expectation) -> Vec<Facts> {
    let mut all: Vec<Facts> = traces.iter().map(|t| facts(t, expect)).collect();
    let Some(seq) = all.iter().position(|f| f.model == Model::Sequential) else {
        return all;
    };
    let seq_wall = all[seq].wall_ms;
    // Both bounds at the speed sequential's kernel really ran: a calibration a few per cent
    // off moves both alike and is no reason to doubt sequential; a sequential run slowed by a
    // busy machine still shows (its steps stretched, so the model's scaled bound is beaten).
    let speed = all[seq].stretch.unwrap_or(1.0);
    // Sequential runs every step one after another, so its time as measured is what its steps
    // really cost: its waits as long as browser timers let them last
    // and the cost of each step, which thousands of short steps add up. Against
    // that, a model can be faster only by what its lanes allow at the same kernel speed.
    let seq_bound = expect
        .lower_bound_at(Model::Sequential, speed)
        .max(seq_wall);
    let mut slowed = Vec::new();
    for f in all.iter().filter(|f| f.model != Model::Sequential) {
        let speedup = seq_wall / f.wall_ms.max(1e-9);
        let limit = seq_bound / expect.lower_bound_at(f.model, speed).max(1e-9);
        let computing = f64::from(expect.lanes(f.model).min(expect.cores));
        let beyond_lanes = !expect.io && speedup > computing * LANES_SLACK;
        if speedup > limit * SLACK || beyond_lanes {
            slowed.push(format!(
                "{}'s {speedup:.2}× is above the {limit:.2}× its lanes allow on {} cores: sequential was slowed",
                f.model, expect.cores
            ));
        }
    }
    all[seq].disturbed.extend(slowed);
    all
}

/// What the fastest model's trace shows it did that the others could not, in words.
pub fn how(f: &Facts, expect: &Expectation) -> Vec<String> {
    let mut parts = Vec::new();
    if expect.io && f.max_io > 1 {
        parts.push(format!("its waits overlapped (up to {} at once)", f.max_io));
    }
    if expect.cpu_ms > 0.0 && f.max_cpu > 1 {
        parts.push(format!(
            "it computed on {} lanes at once",
            f.max_cpu.min(expect.cores as usize).max(2)
        ));
    }
    if f.model == Model::Async && expect.io && expect.cpu_ms > 0.0 {
        parts.push(format!(
            "though its CPU steps held the event loop for {}",
            format_ms(f.cpu_core_ms)
        ));
    }
    if f.start_and_copy_ms > 0.0 {
        parts.push(format!(
            "after {} of starting processes and copying data",
            format_ms(f.start_and_copy_ms)
        ));
    }
    parts
}

/// One or two sentences on what the run showed, computed from its facts.
pub fn verdict(facts: &[Facts], expect: &Expectation, agree: bool) -> String {
    let mut s = verdict_body(facts, expect);
    if !agree && facts.len() > 1 {
        s.push_str(" Warning: the models' checksums differ.");
    }
    s
}

/// What a speedup is against: sequential when it ran (the plain loop is what a speedup
/// means), otherwise the slowest model that did.
fn baseline<'a>(facts: &'a [Facts], fastest: &'a Facts) -> &'a Facts {
    facts
        .iter()
        .find(|f| f.model == Model::Sequential)
        .unwrap_or_else(|| {
            facts
                .iter()
                .max_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms))
                .unwrap_or(fastest)
        })
}

/// The verdict in a few words, for the embed's two lines: the winner and its ratio, or that
/// no winner is claimed and why in one word. The full sentence stays in the playground.
pub fn headline(facts: &[Facts], agree: bool) -> String {
    let mut s = headline_body(facts);
    if !agree && facts.len() > 1 {
        s.push_str(" The checksums differ.");
    }
    s
}

fn headline_body(facts: &[Facts]) -> String {
    let disturbed: Vec<String> = facts
        .iter()
        .filter(|f| !f.disturbed.is_empty())
        .map(|f| f.model.to_string())
        .collect();
    if !disturbed.is_empty() {
        return format!(
            "Disturbed ({}): no winner is claimed. Rerun, or open the full playground for why.",
            disturbed.join(", ")
        );
    }
    let Some(fastest) = facts.iter().min_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms)) else {
        return String::new();
    };
    if facts.len() == 1 {
        return format!("{} took {}.", fastest.model, format_ms(fastest.wall_ms));
    }
    let baseline = baseline(facts, fastest);
    let ratio = baseline.wall_ms / fastest.wall_ms.max(1e-9);
    if ratio < 1.1 {
        return format!("No model beat {} by more than 10 % here.", baseline.model);
    }
    format!(
        "{} was fastest, {ratio:.1}× faster than {}.",
        fastest.model, baseline.model
    )
}

fn verdict_body(facts: &[Facts], expect: &Expectation) -> String {
    let disturbed: Vec<&String> = facts.iter().flat_map(|f| &f.disturbed).collect();
    if let Some(first) = disturbed.first() {
        // The conclusion first: a box that shows only its first lines still says it.
        return format!(
            "No winner is claimed, because these numbers are disturbed: {first}{}. Rerun, or add repeats.",
            if disturbed.len() > 1 {
                format!(" (and {} more)", disturbed.len() - 1)
            } else {
                String::new()
            }
        );
    }
    let Some(fastest) = facts.iter().min_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms)) else {
        return String::new();
    };
    let what = |f: &Facts| {
        let how = how(f, expect);
        if how.is_empty() {
            String::new()
        } else {
            format!(": {}", how.join(", "))
        }
    };
    if facts.len() == 1 {
        return format!(
            "{} took {}{}.",
            fastest.model,
            format_ms(fastest.wall_ms),
            what(fastest)
        );
    }
    // Against sequential when it ran (the plain loop is what a speedup means), otherwise
    // against the slowest model that did.
    let baseline = baseline(facts, fastest);
    let ratio = baseline.wall_ms / fastest.wall_ms.max(1e-9);
    if ratio < 1.1 {
        let why = if expect.tasks <= 1 {
            "there is only one task, so nothing can overlap"
        } else if !expect.io && facts.iter().all(|f| f.max_cpu <= 1) {
            "computing overlaps only on several cores, and no model here computed on more than one"
        } else {
            "the overlap there was did not pay for its cost"
        };
        return format!(
            "No model beat {} by more than 10 % here: {why}.",
            baseline.model
        );
    }
    format!(
        "{} was fastest, {ratio:.1}× faster than {}{}.",
        fastest.model,
        baseline.model,
        what(fastest)
    )
}

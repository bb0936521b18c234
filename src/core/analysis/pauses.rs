//! What happened to a run outside its own trace: the browser hid or froze the page, or the
//! conductor's timers did not run for a while. A model that ran through one is marked
//! disturbed with that reason instead of any other — its stretched steps are the pause, not a
//! busy machine — and nothing is claimed from it.

use crate::core::measure::trace::{Model, ModelTrace, SpanState};
use crate::core::measure::units::format_ms;

/// A stretch of the conductor's loop that no CPU step of its own thread explains, longer than
/// this, means its timers were stopped.
pub const UNEXPLAINED_GAP_MS: f64 = 400.0;

/// How long after a freeze ends the page is still catching up (queued messages, redrawing,
/// workers resuming): measured, a model that started right after a 2.5 s freeze ran its steps
/// 1.5× their calibrated length.
pub const RESUME_MS: f64 = 1000.0;

/// What the browser did to the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PauseKind {
    /// The page was hidden (another tab, a minimised window): a browser may throttle it.
    Hidden,
    /// The browser froze the page (a background tab, a phone saving power): its timers and
    /// workers stopped.
    Frozen,
}

/// A stretch of a run when the page was hidden or frozen (`to` is `None` while it lasts), on
/// the shared clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pause {
    pub kind: PauseKind,
    pub from: f64,
    pub to: Option<f64>,
}

/// Length of the part of `(from, to)` inside `(start, end)`.
fn overlap((from, to): (f64, f64), (start, end): (f64, f64)) -> f64 {
    (to.min(end) - from.max(start)).max(0.0)
}

/// How much of `gap` no CPU span of lane 0 covers. Under `async` the event loop is the
/// conductor's own loop, so its CPU steps block it: that stretch is the model at work.
fn unexplained(trace: &ModelTrace, gap: (f64, f64)) -> f64 {
    let length = gap.1 - gap.0;
    if trace.model != Model::Async {
        return length;
    }
    let mut busy: Vec<(f64, f64)> = trace
        .spans
        .iter()
        .filter(|s| s.state == SpanState::Cpu && s.lane == 0)
        .map(|s| (s.start.max(gap.0), s.end.min(gap.1)))
        .filter(|(a, b)| b > a)
        .collect();
    crate::core::sort::sort_by(&mut busy, |a, b| a.0.total_cmp(&b.0));
    let (mut covered, mut reach) = (0.0, gap.0);
    for (a, b) in busy {
        let a = a.max(reach);
        if b > a {
            covered += b - a;
            reach = b;
        }
    }
    length - covered
}

/// Why `trace` cannot be trusted because of what happened outside it: the `pauses` of the page
/// that overlap its run, and the conductor's loop `gaps` that its own work does not explain.
/// Empty when nothing did.
pub fn reasons(trace: &ModelTrace, gaps: &[(f64, f64)], pauses: &[Pause]) -> Vec<String> {
    let m = trace.model;
    let run = (trace.start, trace.end);
    let mut out = Vec::new();
    let frozen = pauses.iter().filter(|p| p.kind == PauseKind::Frozen);
    let after: f64 = frozen
        .map(|p| p.to.map_or(0.0, |to| overlap((to, to + RESUME_MS), run)))
        .sum();
    for kind in [PauseKind::Frozen, PauseKind::Hidden] {
        let ms: f64 = pauses
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| overlap((p.from, p.to.unwrap_or(f64::INFINITY)), run))
            .sum();
        if kind == PauseKind::Frozen && ms == 0.0 && after > 0.0 {
            out.push(format!(
                "{m} started as the page resumed from a freeze: a page catches up then, so these numbers may be slowed"
            ));
        }
        if ms > 0.0 {
            out.push(match kind {
                PauseKind::Frozen => format!(
                    "the browser froze the page for {} while {m} ran: its timers and workers stopped, so these numbers include the pause",
                    format_ms(ms)
                ),
                PauseKind::Hidden => format!(
                    "the page was hidden for {} while {m} ran: a browser may slow a hidden page's timers and workers, so these numbers may not be this device's",
                    format_ms(ms)
                ),
            });
        }
    }
    let stopped: f64 = gaps
        .iter()
        .map(|&g| unexplained(trace, g))
        .filter(|&ms| ms > UNEXPLAINED_GAP_MS)
        .sum();
    if stopped > 0.0 && !out.iter().any(|r| r.starts_with("the browser froze")) {
        out.push(format!(
            "the engine's timers stopped for {} while {m} ran (the browser paused the page): these numbers include the pause",
            format_ms(stopped)
        ));
    }
    out
}

//! A worker sweep as the page knows it: the selected pool models run at each pool size in turn
//! (sequential first in every run, as that run's baseline), and the points measured so far.

use crate::core::analysis::results::ModelResult;
use crate::core::analysis::sweep::Point;
use crate::core::input::scenario::MAX_PROCESSES;
use crate::core::measure::trace::Model;

/// Why a sweep is no longer running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SweepEnd {
    /// Every pool size was measured.
    Done,
    Stopped,
    /// A run of the sweep had a model fail.
    ModelFailed,
    /// The plan left no model to run.
    NothingCouldRun,
    /// Sequential did not run, so no point has a baseline.
    NoBaseline,
}

impl SweepEnd {
    /// Why it ended early, in words (`None` when it did not end early).
    pub fn early_reason(&self) -> Option<&'static str> {
        match self {
            SweepEnd::Done => None,
            SweepEnd::Stopped => Some("stopped"),
            SweepEnd::ModelFailed => Some("a model failed"),
            SweepEnd::NothingCouldRun => Some("nothing could run"),
            SweepEnd::NoBaseline => Some("sequential did not run, so there is no baseline"),
        }
    }
}

/// A sweep in progress, or the last one.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub sizes: Vec<u32>,
    pub models: Vec<Model>,
    /// The pool size being run (an index into `sizes`).
    pub next: usize,
    /// The plain loop's wall time in the first run, for the chart's title. Every point's
    /// speedup is against the one measured in its own run, so a machine that changes speed
    /// between runs cannot bend the curve.
    pub baseline_ms: Option<f64>,
    pub points: Vec<Point>,
    /// Set once it is no longer running.
    pub ended: Option<SweepEnd>,
}

impl Sweep {
    pub fn new(sizes: Vec<u32>, models: Vec<Model>) -> Sweep {
        Sweep {
            sizes,
            models,
            next: 0,
            baseline_ms: None,
            points: Vec::new(),
            ended: None,
        }
    }

    pub fn running(&self) -> bool {
        self.ended.is_none()
    }

    /// The next run: its models and pools, while the sweep goes on.
    pub fn step(&self) -> Option<(Vec<Model>, (u32, u32))> {
        if !self.running() {
            return None;
        }
        let size = *self.sizes.get(self.next)?;
        let mut models: Vec<Model> = self
            .models
            .iter()
            .copied()
            // A pool of processes or interpreters has at most MAX_PROCESSES workers.
            .filter(|m| !m.isolated_workers() || size <= MAX_PROCESSES)
            .collect();
        models.insert(0, Model::Sequential);
        Some((models, (size, size.min(MAX_PROCESSES))))
    }

    /// Takes the points of a finished run of the current size and moves on. Returns whether
    /// another size is left to run.
    pub fn take(&mut self, results: &[ModelResult]) -> bool {
        let Some(&size) = self.sizes.get(self.next).filter(|_| self.running()) else {
            return false;
        };
        let this_run = results
            .iter()
            .find(|r| r.model == Model::Sequential)
            .map(|r| r.wall_ms);
        self.baseline_ms = self.baseline_ms.or(this_run);
        let Some(base) = this_run else {
            self.ended = Some(SweepEnd::NoBaseline);
            return false;
        };
        for r in results.iter().filter(|r| self.models.contains(&r.model)) {
            self.points.push(Point {
                model: r.model,
                workers: size,
                wall_ms: r.wall_ms,
                speedup: base / r.wall_ms.max(1e-9),
                disturbed: !r.disturbed.is_empty(),
            });
        }
        self.next += 1;
        if self.next >= self.sizes.len() {
            self.ended = Some(SweepEnd::Done);
            return false;
        }
        true
    }

    /// Ends it, unless it already ended.
    pub fn end(&mut self, why: SweepEnd) {
        if self.running() {
            self.ended = Some(why);
        }
    }

    /// `running`, `done` or `ended` (`data-sweep`).
    pub fn state_id(&self) -> &'static str {
        match self.ended {
            None => "running",
            Some(SweepEnd::Done) => "done",
            Some(_) => "ended",
        }
    }
}

// The sweep as the session runs it: each size a run, then the chart.
use super::*;

impl Session {
    pub(super) fn start_sweep(&mut self, sizes_field: &str) {
        if self.running() {
            return;
        }
        let models = swept(&self.scenario.models);
        if models.is_empty() {
            self.show_notices(vec![
                "A sweep varies the pool size: select gil, threads or processes.".into(),
            ]);
            return;
        }
        let sizes = match sizes_field.trim() {
            "" => self
                .scenario
                .sweep
                .clone()
                .unwrap_or_else(|| default_sizes(self.env.cores)),
            text => match parse_sizes(text, MAX_THREADS) {
                Ok(s) => s,
                Err(e) => {
                    self.show_notices(vec![e]);
                    return;
                }
            },
        };
        self.sweep = Some(Sweep::new(sizes, models));
        self.render(Parts::SWEEP);
        self.request_run();
    }

    /// A run of the sweep finished: its points are taken, and the next size starts.
    pub(super) fn sweep_step_done(&mut self) {
        let Some(sweep) = self.sweep.as_mut().filter(|s| s.running()) else {
            return;
        };
        let more = sweep.take(&self.results);
        if more {
            self.request_run();
        } else if sweep.ended == Some(SweepEnd::Done) {
            self.set_status(Status::Done, "Sweep done: measured in this browser.".into());
        }
        self.render(Parts::SWEEP);
    }

    pub(super) fn end_sweep(&mut self, why: SweepEnd) {
        if let Some(s) = self.sweep.as_mut().filter(|s| s.running()) {
            s.end(why);
            self.render(Parts::SWEEP);
        }
    }

    // ---- the form ----
}

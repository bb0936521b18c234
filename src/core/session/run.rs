//! A run as the page knows it: one live trace per slot (each model, each repeat), filled as the
//! conductor reports, and what its finished models showed.

use crate::core::analysis::latency::Planned;
use crate::core::analysis::pauses::{reasons, Pause};
use crate::core::analysis::verdict::{Expectation, Facts};
use crate::core::drawing::scene::LiveTrace;
use crate::core::input::workload::Workload;
use crate::core::measure::recording::Recording;
use crate::core::measure::trace::{medians, Model, ModelTrace};

#[derive(Clone, Debug)]
pub struct Run {
    pub id: u32,
    /// One per slot: the models in the order they run, each repeat its own trace.
    pub traces: Vec<LiveTrace>,
    /// The models, once each, in their order.
    pub models: Vec<Model>,
    pub repeat: u32,
    pub finished: bool,
    /// Drawn while it runs (`live`), or as each model ends.
    pub live: bool,
    /// The physics its numbers are checked against.
    pub expectation: Expectation,
    /// What each finished model's trace showed.
    pub facts: Vec<Facts>,
    /// Each step's planned length, for the tasks' stalls.
    pub planned: Planned,
    /// The recording it came from, for a run carried in the link instead of measured here.
    pub recorded: Option<Recording>,
    /// The scenario it ran, as a link's query (its pools and models, not a sweep's range).
    pub query: String,
    /// Per slot: stretches when the conductor's loop did not run while that model ran.
    pub gaps: Vec<Vec<(f64, f64)>>,
    /// When the page was hidden or frozen while the run went on.
    pub pauses: Vec<Pause>,
    /// The claim this run tests, with the workload it ran (the criterion reads its steps).
    pub claim: Option<(&'static str, Workload)>,
}

impl Run {
    /// Finished runs of every model, every repeat, in the order they ran.
    pub fn completed(&self) -> Vec<ModelTrace> {
        self.traces
            .iter()
            .filter_map(LiveTrace::completed)
            .collect()
    }

    /// The trace each model's panel shows: its median run once all its repeats are done;
    /// before that, its latest run that has started (or its first).
    pub fn shown(&self) -> Vec<&LiveTrace> {
        let completed = self.completed();
        let median = medians(&completed);
        self.models
            .iter()
            .filter_map(|&m| {
                let mine: Vec<&LiveTrace> = self.traces.iter().filter(|t| t.model == m).collect();
                let all_done = mine.iter().all(|t| t.end.is_some() || t.error.is_some());
                let chosen = median
                    .iter()
                    .find(|(t, _)| t.model == m && all_done)
                    .and_then(|(t, _)| mine.iter().find(|l| l.start == Some(t.start)));
                chosen
                    .or_else(|| mine.iter().rev().find(|t| t.origin().is_some()))
                    .or_else(|| mine.first())
                    .copied()
            })
            .collect()
    }

    /// The first failure of `model`'s runs, if any failed.
    pub fn error_of(&self, model: Model) -> Option<&String> {
        self.traces
            .iter()
            .filter(|t| t.model == model)
            .find_map(|t| t.error.as_ref())
    }

    /// The first instant of the run on the shared clock.
    pub fn origin(&self) -> f64 {
        self.traces
            .iter()
            .filter_map(LiveTrace::origin)
            .fold(f64::INFINITY, f64::min)
    }

    /// Per counted run (as [`medians`] gives them), why it is disturbed from outside its
    /// trace: the page hidden or frozen, the conductor's timers stopped.
    pub fn outside(&self, counted: &[(ModelTrace, Vec<f64>)]) -> Vec<Vec<String>> {
        counted
            .iter()
            .map(|(t, _)| {
                let slot = self
                    .traces
                    .iter()
                    .position(|l| l.model == t.model && l.start == Some(t.start));
                let gaps = slot
                    .and_then(|i| self.gaps.get(i))
                    .map_or(&[][..], Vec::as_slice);
                reasons(t, gaps, &self.pauses)
            })
            .collect()
    }
}

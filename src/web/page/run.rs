//! A run as the page sees it: starting one (after checking what can run here), taking in the
//! conductor's spans and results, finishing, and Stop.

use super::{frame, App, Status};
use crate::core::analysis::plan::plan;
use crate::core::analysis::results::of_run;
use crate::core::analysis::verdict::{Expectation, Facts};
use crate::core::drawing::scene::LiveTrace;
use crate::core::measure::trace::{checksums_agree, medians, Model, ModelTrace, Span};
use crate::web::js_error;
use crate::web::messages::{Finished, RunRequest, ToConductor};

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
    pub planned: crate::core::analysis::latency::Planned,
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
}

impl App {
    pub(super) fn running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| !r.finished)
    }

    pub(super) fn request_run(&mut self) {
        // A sweep in progress runs its next pool size; otherwise the scenario as it is.
        if let Some((models, pools)) = self.sweep.as_ref().and_then(super::sweep::Sweep::step) {
            self.request_run_with(models, pools);
        } else {
            self.request_run_with(
                self.scenario.models.clone(),
                (self.scenario.threads, self.scenario.processes),
            );
        }
    }

    /// Runs `models` with pools of `(threads, processes)` on the scenario's workload.
    fn request_run_with(&mut self, models: Vec<Model>, (threads, processes): (u32, u32)) {
        if self.running() {
            return;
        }
        let Some(workload) = self.validate() else {
            self.point_at_workload_error();
            return;
        };
        // A pool smaller than the threads asked for means a new conductor with a bigger one:
        // its workers start before the run, outside the measured window.
        let pool_too_small = self
            .engine
            .as_ref()
            .and_then(|e| e.ready.as_ref().map(|r| (r.threads, e.threads)))
            .is_some_and(|(running, asked)| running > 0 && asked < threads);
        if self.engine.is_none() || pool_too_small {
            self.start_engine();
        }
        let Some(engine) = self.engine.as_ref().filter(|e| e.ready.is_some()) else {
            self.run_when_ready = true;
            self.set_status(
                Status::Loading,
                "Starting workers; the run begins as soon as they are ready…",
            );
            return;
        };
        let reason = self.shared_memory().unavailable_reason();
        let plan = plan(
            &models,
            &workload,
            (threads, processes),
            self.cores,
            reason.as_deref().map_or(Ok(()), Err),
        );
        // The address's own notices stay up through the first run (run=1 would hide them).
        let mut notices = std::mem::take(&mut self.url_notices);
        notices.extend(plan.skipped.iter().cloned());
        self.show_notices(&notices);
        if plan.run.is_empty() {
            self.end_sweep("nothing could run");
            self.set_status(
                Status::Error,
                "No model can run this scenario here; choose another model or a smaller workload.",
            );
            return;
        }
        let id = self.runs_started + 1;
        let repeat = self.scenario.repeat.max(1);
        // Interleaved (ABCABC…), so a slow spell of the machine touches every model alike.
        let slots: Vec<Model> = (0..repeat).flat_map(|_| plan.run.iter().copied()).collect();
        let request = RunRequest {
            run: id,
            workload,
            models: slots.clone(),
            threads,
            processes,
            switch_ms: self.scenario.switch_ms,
            seed: self.scenario.seed,
            live: self.scenario.live,
            start: self.scenario.start,
            fault: self.fault.take(),
        };
        let expectation = Expectation::new(
            &request.workload,
            self.cores,
            (request.threads, request.processes),
            request.switch_ms,
        );
        // Each panel starts with the rows its model is expected to use, so the page does not
        // grow lane by lane while the run fills it.
        let tasks = request.workload.tasks();
        let planned = crate::core::analysis::latency::Planned::of(&request.workload);
        let pools = (request.threads, request.processes);
        let expected_lanes: Vec<(Model, u32)> = plan
            .run
            .iter()
            .map(|&m| {
                let lanes = crate::core::analysis::plan::lanes(m, pools);
                let expected =
                    crate::core::analysis::schedule::expected(m, &tasks, lanes, self.cores);
                (m, expected.lanes)
            })
            .collect();
        if let Err(e) = engine.send(&ToConductor::Run(request)) {
            self.set_status(
                Status::Error,
                &format!("Could not start the run: {}", js_error(&e)),
            );
            return;
        }
        self.runs_started = id;
        if let Some(root) = self.doc.document_element() {
            let _ = root.set_attribute("data-run", &id.to_string());
        }
        let expected_lanes = |m: Model| {
            expected_lanes
                .iter()
                .find(|(model, _)| *model == m)
                .map_or(1, |(_, lanes)| *lanes)
        };
        let traces = slots
            .iter()
            .map(|&m| {
                let mut t = LiveTrace::new(m);
                t.lanes = expected_lanes(m);
                t
            })
            .collect();
        self.run = Some(Run {
            id,
            traces,
            models: plan.run.clone(),
            repeat,
            finished: false,
            live: self.scenario.live,
            expectation,
            facts: Vec::new(),
            planned,
        });
        self.results.clear();
        self.refresh_preview();
        self.replay_from = None;
        self.view = Default::default();
        if let Err(e) = self.panels.set_models(&plan.run) {
            web_sys::console::error_2(&"conpar: panels".into(), &e);
        }
        self.show_results();
        self.set_run_tools(false);
        self.set_status(Status::Running, "Running…");
        self.sync_url();
        self.bring_results_into_view();
        frame::request();
    }

    /// On a phone the form fills the first screen: after Run, the results and the first panel
    /// come into view (not in an embed, which the host page scrolls).
    fn bring_results_into_view(&self) {
        let narrow = web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w < 640.0);
        if narrow && !self.scenario.embed {
            if let Some(results) = self.doc.get_element_by_id("results-section") {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_behavior(if frame::reduced_motion() {
                    web_sys::ScrollBehavior::Instant
                } else {
                    web_sys::ScrollBehavior::Smooth
                });
                results.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    }

    fn current_run(&mut self, id: u32) -> Option<&mut super::Run> {
        self.run.as_mut().filter(|r| r.id == id && !r.finished)
    }

    pub(super) fn model_started(&mut self, run: u32, slot: u32) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        let Some(model) = r.traces.get(slot as usize).map(|t| t.model) else {
            return;
        };
        let text = if r.repeat > 1 {
            let turn = slot as usize / r.models.len().max(1) + 1;
            format!("Running {model} ({turn} of {})…", r.repeat)
        } else {
            format!("Running {model}…")
        };
        self.set_status(Status::Running, &text);
    }

    pub(super) fn add_spans(&mut self, run: u32, slot: u32, done: Vec<Span>, open: Vec<Span>) {
        if let Some(t) = self
            .current_run(run)
            .and_then(|r| r.traces.get_mut(slot as usize))
        {
            t.add(done);
            t.open = open;
        }
    }

    pub(super) fn model_done(&mut self, run: u32, slot: u32, outcome: Result<Finished, String>) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        if let Some(t) = r.traces.get_mut(slot as usize) {
            t.open.clear();
            match outcome {
                Ok(f) => {
                    t.start = Some(f.start);
                    t.end = Some(f.end);
                    t.lanes = t.lanes.max(f.lanes);
                    t.checksum = Some(f.checksum);
                }
                Err(e) => t.error = Some(e),
            }
        }
        self.refresh_results();
        self.show_results();
    }

    /// Results and facts of the finished models (each model's median run, with every
    /// repeat's wall time beside it), checked against physics.
    fn refresh_results(&mut self) {
        let Some(r) = self.run.as_mut() else { return };
        let median = medians(&r.completed());
        let (results, facts) = of_run(&median, &r.expectation, &r.planned, r.repeat > 1);
        self.results = results;
        r.facts = facts;
    }

    pub(super) fn run_done(&mut self, run: u32) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        r.finished = true;
        for t in &mut r.traces {
            if t.end.is_none() && t.error.is_none() {
                t.error = Some("not run: an earlier model failed".to_string());
            }
        }
        let failed: Vec<String> = r
            .traces
            .iter()
            .filter_map(|t| t.error.as_ref().map(|e| format!("{}: {e}", t.model)))
            .collect();
        self.refresh_results();
        self.set_run_tools(true);
        self.show_table();
        self.show_results();
        if failed.is_empty() {
            self.set_status(Status::Done, "Done: measured in this browser.");
            self.sweep_step_done();
        } else {
            self.end_sweep("a model failed");
            self.show_notices(&failed);
            self.set_status(
                Status::Error,
                &format!("Finished with errors: {}", failed.join("; ")),
            );
        }
    }

    /// Ends the current run where it is: every model that had not finished says `why`.
    pub(super) fn end_run_with(&mut self, why: &str) {
        if let Some(r) = self.run.as_mut().filter(|r| !r.finished) {
            r.finished = true;
            for t in &mut r.traces {
                if t.end.is_none() && t.error.is_none() {
                    t.error = Some(why.to_string());
                    t.open.clear();
                }
            }
        }
        self.set_run_tools(true);
        self.show_results();
    }

    pub(super) fn stop_run(&mut self) {
        if !self.running() && !self.run_when_ready {
            return;
        }
        // Terminating the conductor stops every worker at once, whatever it is doing (a CPU
        // step cannot be interrupted any other way within the frame). A fresh engine starts
        // right away.
        self.run_when_ready = false;
        self.end_sweep("stopped");
        self.end_run_with("stopped");
        self.start_engine();
        self.set_status(Status::Loading, "Stopped. Restarting the workers…");
        frame::request();
    }

    /// The checksums of every finished run agree.
    pub(super) fn agree(&self) -> bool {
        checksums_agree(
            &self
                .run
                .as_ref()
                .map(super::Run::completed)
                .unwrap_or_default(),
        )
    }
}

//! A run: planning it (which models, which pools, what to expect), the request sent to the
//! conductor, each model's start and end, the run's end or stop, and the turn it held.

use super::*;

impl Session {
    pub(super) fn request_run(&mut self) {
        // A sweep in progress runs its next pool size; otherwise the scenario as it is.
        let (models, pools) = match self.sweep.as_ref().and_then(Sweep::step) {
            Some(step) => step,
            None => (
                self.scenario.models.clone(),
                (self.scenario.threads, self.scenario.processes),
            ),
        };
        self.request_run_with(models, pools);
    }

    /// Runs `models` with pools of `(threads, processes)` on the scenario's workload.
    pub(super) fn request_run_with(
        &mut self,
        models: Vec<Model>,
        (threads, processes): (u32, u32),
    ) {
        if self.running() || self.pending == Pending::Turn {
            return;
        }
        let workload = match self.scenario.workload() {
            Ok(w) => w,
            Err(_) => {
                self.render(Parts::WORKLOAD_ERROR);
                self.effect(Effect::FocusWorkloadError);
                self.set_status(
                    Status::Error,
                    "The workload has an error (shown under the editor); nothing was run.".into(),
                );
                return;
            }
        };
        // A pool smaller than the threads asked for means a new conductor with a bigger one:
        // its workers start before the run, outside the measured window.
        // (An engine started without a pool, none being needed, gets one the same way.)
        let needed = if models.contains(&Model::ToThread) {
            // Its executor's threads and its event loop's.
            threads + 1
        } else if models
            .iter()
            .any(|m| matches!(m, Model::Gil | Model::Threads))
        {
            threads
        } else {
            0
        };
        let pool_too_small = matches!(&self.engine,
            Conductor::Ready { threads: asked, ready }
                if *asked < needed && (ready.threads > 0 || *asked == 0));
        if self.engine == Conductor::Off || pool_too_small {
            self.start_engine();
        }
        if self.ready().is_none() {
            self.pending = Pending::Engine;
            self.set_status(
                Status::Loading,
                "Starting workers; the run begins as soon as they are ready…".into(),
            );
            return;
        }
        if !self.has_turn {
            // One measured run at a time per browser: conpar in other frames and tabs takes
            // turns with this page, so two runs never share the cores.
            self.pending = Pending::Turn;
            self.effect(Effect::AskTurn);
            return;
        }
        let cores = self.env.cores;
        let reason = self.shared_memory().unavailable_reason();
        let plan = plan(
            &models,
            &workload,
            ((threads, processes), self.scenario.limit),
            cores,
            reason.as_deref().map_or(Ok(()), Err),
        );
        // The address's own notices stay up through the first run (run=1 would hide them).
        let mut notices = std::mem::take(&mut self.url_notices);
        notices.extend(plan.skipped.iter().cloned());
        self.show_notices(notices);
        if plan.run.is_empty() {
            self.end_sweep(SweepEnd::NothingCouldRun);
            self.set_status(
                Status::Error,
                "No model can run this scenario here; choose another model or a smaller workload."
                    .into(),
            );
            return;
        }
        let id = self.runs_started + 1;
        let repeat = self.scenario.repeat.max(1);
        // Interleaved (ABCABC…), so a slow spell of the machine touches every model alike.
        let slots: Vec<Model> = (0..repeat).flat_map(|_| plan.run.iter().copied()).collect();
        let pools = (threads, processes);
        let bounds = (self.scenario.limit, self.scenario.chunksize);
        let expectation =
            Expectation::new(&workload, cores, pools, self.scenario.switch_ms).bounded(bounds);
        // Each panel starts with the rows its model is expected to use, so the page does not
        // grow lane by lane while the run fills it.
        let tasks = workload.tasks();
        let traces = slots
            .iter()
            .map(|&m| {
                let mut t = LiveTrace::new(m);
                t.lanes = expected_bounded(m, &tasks, lanes(m, pools), cores, bounds).lanes;
                t
            })
            .collect();
        let planned = Planned::of(&workload);
        // A sweep's runs vary the pool; the claim is judged on the scenario's own run.
        let claim_tested = self
            .scenario
            .claim
            .filter(|_| self.sweep.as_ref().is_none_or(|s| !s.running()))
            .map(|c| (c, workload.clone()));
        let fault = self.fault.take();
        let slots_count = slots.len();
        self.effect(Effect::Send(RunRequest {
            run: id,
            workload,
            models: slots,
            threads,
            processes,
            cores,
            switch_ms: self.scenario.switch_ms,
            seed: self.scenario.seed,
            live: self.scenario.live,
            start: self.scenario.start,
            limit: self.scenario.limit,
            chunksize: self.scenario.chunksize,
            fault,
        }));
        self.runs_started = id;
        self.keep_recording_beside();
        let mut query = self.scenario.clone();
        (query.models, query.threads, query.processes) = (plan.run.clone(), threads, processes);
        (query.run, query.embed, query.claims) = (false, false, false);
        (query.sweep, query.trace) = (None, None);
        self.run = Some(Run {
            id,
            query: query.to_query(),
            traces,
            models: plan.run,
            repeat,
            finished: false,
            live: self.scenario.live,
            expectation,
            facts: Vec::new(),
            planned,
            recorded: None,
            gaps: vec![Vec::new(); slots_count],
            pauses: match self.visibility {
                // A run started in a page already hidden is hidden from its first instant.
                Visibility::Hidden => vec![Pause {
                    kind: PauseKind::Hidden,
                    from: f64::NEG_INFINITY,
                    to: None,
                }],
                _ => Vec::new(),
            },
            claim: claim_tested,
        });
        // A sweep's steps vary the pool: the question is answered by a run of the scenario.
        if self.sweep.as_ref().is_none_or(|s| !s.running()) {
            self.ask_with(id);
        }
        if let Some(claim) = self
            .run
            .as_ref()
            .and_then(|r| r.claim.as_ref())
            .map(|c| c.0)
        {
            self.judged.retain(|j| j.id != claim);
            self.judged.push(Judged {
                id: claim,
                run: id,
                judgement: None,
            });
            self.render(Parts::CLAIMS);
        }
        self.results.clear();
        self.notes_open = false;
        self.refresh_preview();
        self.replay_from = None;
        self.view = View::default();
        self.render(Parts::RESULTS | Parts::RUN_TOOLS | Parts::TIMELINE);
        self.set_status(Status::Running, "Running…".into());
        self.effect(Effect::SyncUrl);
        if !std::mem::take(&mut self.stay_in_place) {
            self.effect(Effect::ScrollToResults);
        }
    }

    /// Gives the turn to measure back, or stops asking for it.
    pub(super) fn release_turn(&mut self) {
        if self.has_turn || self.pending == Pending::Turn {
            self.effect(Effect::ReleaseTurn);
        }
        self.has_turn = false;
        if self.pending == Pending::Turn {
            self.pending = Pending::None;
        }
    }

    pub(super) fn current_run(&mut self, id: u32) -> Option<&mut Run> {
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
        self.set_status(Status::Running, text);
    }

    pub(super) fn model_done(&mut self, run: u32, slot: u32, outcome: Result<Finished, String>) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        if let Some(t) = r.traces.get_mut(slot as usize) {
            t.open.clear();
            match outcome {
                Ok(f) => {
                    if let Some(gaps) = r.gaps.get_mut(slot as usize) {
                        *gaps = f.gaps;
                    }
                    t.start = Some(f.start);
                    t.end = Some(f.end);
                    t.lanes = t.lanes.max(f.lanes);
                    t.checksum = Some(f.checksum);
                }
                Err(e) => t.error = Some(e),
            }
        }
        self.refresh_results();
        self.render(Parts::RESULTS | Parts::TIMELINE);
    }

    /// Results and facts of the finished models (each model's median run, with every
    /// repeat's wall time beside it), checked against physics.
    pub(super) fn refresh_results(&mut self) {
        let Some(r) = self.run.as_mut() else { return };
        let median = medians(&r.completed());
        let outside = r.outside(&median);
        let (results, facts) = of_run(&median, &r.expectation, &r.planned, r.repeat > 1, &outside);
        r.facts = facts;
        self.results = results;
        self.notes_open = false;
    }

    pub(super) fn run_done(&mut self, run: u32) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        r.finished = true;
        self.release_turn();
        let Some(r) = self.run.as_mut() else { return };
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
        self.render(Parts::RUN_TOOLS | Parts::SPAN_TABLE | Parts::RESULTS | Parts::TIMELINE);
        if failed.is_empty() {
            self.judge_run();
        } else {
            self.judge_unfinished(&format!("a model failed ({})", failed.join("; ")));
        }
        if failed.is_empty() {
            self.set_status(Status::Done, "Done: measured in this browser.".into());
            self.sweep_step_done();
        } else {
            self.end_sweep(SweepEnd::ModelFailed);
            self.set_status(
                Status::Error,
                format!("Finished with errors: {}", failed.join("; ")),
            );
            self.show_notices(failed);
        }
    }

    /// Ends the current run where it is: every model that had not finished says `why`.
    pub(super) fn end_run_with(&mut self, why: &str) {
        if self.running() {
            self.judge_unfinished(why);
        }
        self.release_turn();
        if let Some(r) = self.run.as_mut().filter(|r| !r.finished) {
            r.finished = true;
            for t in &mut r.traces {
                if t.end.is_none() && t.error.is_none() {
                    t.error = Some(why.to_string());
                    t.open.clear();
                }
            }
        }
        self.render(Parts::RUN_TOOLS | Parts::RESULTS);
    }

    pub(super) fn stop(&mut self) {
        if !self.can_stop() {
            return;
        }
        // Terminating the conductor stops every worker at once, whatever it is doing (a CPU
        // step cannot be interrupted any other way within the frame). A fresh engine starts
        // right away.
        self.release_turn();
        self.pending = Pending::None;
        self.end_sweep(SweepEnd::Stopped);
        self.end_run_with("stopped");
        self.start_engine();
        self.set_status(Status::Loading, "Stopped. Restarting the workers…".into());
        self.render(Parts::TIMELINE);
    }

    /// Run pressed: a fresh run (its view follows it).
    pub(super) fn run_pressed(&mut self) {
        self.stay_in_place = false;
        self.request_run();
    }

    pub(super) fn on_send_failed(&mut self, why: &str) {
        self.end_run_with("the run could not be sent to the engine");
        self.set_status(Status::Error, format!("Could not start the run: {why}"));
    }
}

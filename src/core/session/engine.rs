//! The engine as the page sees it: starting the conductor in this browser's turn, its
//! calibration and pool, what it reports, and the tab hidden or frozen beneath it.

use super::*;

impl Session {
    /// A run has started and not finished.
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| !r.finished)
    }

    /// Stop can stop something: a run, or one about to start.
    pub fn can_stop(&self) -> bool {
        self.running() || self.pending != Pending::None
    }

    /// The engine's greeting, once it is ready.
    pub fn ready(&self) -> Option<&Ready> {
        match &self.engine {
            Conductor::Ready { ready, .. } => Some(ready),
            _ => None,
        }
    }

    pub fn calibration(&self) -> Option<Calibration> {
        self.ready().map(|r| r.calibration)
    }

    /// What can share memory here, as far as the page knows.
    pub fn shared_memory(&self) -> SharedMemory {
        if !self.env.isolated {
            return SharedMemory::NotIsolated;
        }
        if !self.env.shared_array_buffer {
            return SharedMemory::NoSharedArrayBuffer;
        }
        let asked_none = matches!(self.engine, Conductor::Ready { threads: 0, .. });
        match self.ready() {
            None => SharedMemory::Starting,
            Some(r) if r.threads > 0 || (asked_none && r.pool_error.is_none()) => {
                SharedMemory::Pool(r.threads)
            }
            Some(r) => SharedMemory::PoolFailed(
                r.pool_error
                    .clone()
                    .unwrap_or_else(|| "no thread started".into()),
            ),
        }
    }

    /// The pool the engine should start with: the scenario's, or a running sweep's largest; none
    /// when no model shown runs on threads (an embed of sequential, async and processes starts
    /// no pool workers; its plain loop runs on the conductor, as without isolation).
    pub fn pool_wanted(&self) -> u32 {
        let sweep = self
            .sweep
            .as_ref()
            .filter(|s| s.running())
            .and_then(|s| s.sizes.last().copied())
            .unwrap_or(0);
        let models = &self.scenario.models;
        let threaded = models
            .iter()
            .any(|m| matches!(m, Model::Gil | Model::Threads | Model::ToThread));
        // to_thread's event loop is a pool thread of its own, beside its executor's.
        let event_loop = u32::from(models.contains(&Model::ToThread));
        if threaded {
            (self.scenario.threads + event_loop).max(sweep)
        } else {
            sweep
        }
    }

    pub(super) fn start(&mut self) {
        self.render(Parts::ALL);
        let recorded = self.open_recording();
        let notices = self.url_notices.clone();
        self.show_notices(notices);
        self.refresh_preview();
        if recorded {
            // Drawn at once from the link; nothing starts until Run on this device.
            if let Some(path) = self.scenario.trace.clone() {
                self.effect(Effect::FetchTrace(path));
            }
            return;
        }
        // sweep=… with run=1: the sweep runs once the workers are ready.
        if self.scenario.run && self.scenario.sweep.is_some() {
            self.start_sweep("");
        }
        if self.scenario.embed && !self.scenario.run {
            // An embed spends no CPU until the reader scrolls to it.
            self.effect(Effect::WatchForView);
            self.set_status(
                Status::Loading,
                "The workers start when this comes into view…".into(),
            );
        } else if self.engine == Conductor::Off {
            self.start_engine();
        }
        if let Some(path) = self.scenario.trace.clone() {
            self.effect(Effect::FetchTrace(path));
        }
    }

    /// Starts a conductor for the pool wanted, replacing any current one.
    /// (It starts once this page has the turn to: [`Conductor::Queued`].)
    pub(super) fn start_engine(&mut self) {
        if matches!(
            self.engine,
            Conductor::Starting { .. } | Conductor::Ready { .. }
        ) {
            self.effect(Effect::RetireEngine);
        }
        let threads = self.pool_wanted();
        self.engine = Conductor::Queued { threads };
        self.effect(Effect::AskStartTurn);
        self.set_status(
            Status::Loading,
            "Starting workers and calibrating the CPU kernel…".into(),
        );
        self.render(Parts::ENVIRONMENT);
    }

    /// The engine no longer needs the turn to start: it is ready, or gone.
    pub(super) fn release_start_turn(&mut self) {
        if matches!(
            self.engine,
            Conductor::Queued { .. } | Conductor::Starting { .. }
        ) {
            self.effect(Effect::ReleaseStartTurn);
        }
    }

    pub(super) fn on_report(&mut self, report: FromConductor) {
        match report {
            FromConductor::Ready { ready } => self.on_ready(ready),
            FromConductor::ModelStart { run, slot } => self.model_started(run, slot),
            FromConductor::Spans {
                run,
                slot,
                done,
                open,
            } => {
                if let Some(t) = self
                    .current_run(run)
                    .and_then(|r| r.traces.get_mut(slot as usize))
                {
                    t.add(done);
                    t.open = open;
                    self.render(Parts::TIMELINE_LATER);
                }
            }
            FromConductor::ModelDone { run, slot, outcome } => self.model_done(run, slot, outcome),
            FromConductor::RunDone { run } => self.run_done(run),
            FromConductor::Recalibrated {
                run,
                before,
                after,
                first,
            } => self.recalibrated(run, before, after, first),
            FromConductor::Broken { message } => {
                // Its pool cannot be trusted: a fresh conductor for the next run.
                self.start_engine();
                self.show_notices(vec![format!("{message}: its workers were restarted.")]);
                self.set_status(
                    Status::Error,
                    format!("{message}. The workers were restarted; press Run to try again."),
                );
            }
            FromConductor::Fatal { message } => {
                self.release_start_turn();
                if self.engine != Conductor::Off {
                    self.effect(Effect::RetireEngine);
                }
                self.engine = Conductor::Off;
                self.release_turn();
                self.pending = Pending::None;
                self.end_run_with("the engine failed");
                self.show_notices(vec![format!("The engine failed: {message}.")]);
                self.set_status(
                    Status::Error,
                    format!("The engine failed: {message}. Press Run to start it again."),
                );
                self.render(Parts::ENVIRONMENT | Parts::TIMELINE);
            }
        }
    }

    pub(super) fn on_ready(&mut self, ready: Ready) {
        let threads = match self.engine {
            Conductor::Starting { threads } | Conductor::Ready { threads, .. } => threads,
            // A greeting from an engine the page no longer has.
            Conductor::Off | Conductor::Queued { .. } => return,
        };
        self.release_start_turn();
        self.engine = Conductor::Ready { threads, ready };
        self.render(Parts::ENVIRONMENT);
        // A pool that failed to start takes gil and threads out of the preview.
        if self.run.is_none() {
            self.refresh_preview();
        }
        if self.pending == Pending::Engine {
            self.pending = Pending::None;
            self.request_run();
        } else if matches!(self.shown(), Shown::Recorded { .. }) {
            // Run on this device was stopped before it began: the recording is still shown.
            let text = self.recorded_status();
            self.set_status(Status::Ready, text);
        } else if !self.notices.open || self.run.is_none() {
            self.set_status(Status::Ready, "Ready. Press Run.".into());
        } else {
            // After a failure: say it is ready again, keep the notice that says what failed.
            self.set_status(Status::Ready, "Ready again. Press Run.".into());
        }
    }

    /// Uses the kernel's new calibration, taken before run `run`; says so when the device's
    /// speed moved between runs. Before an engine's first run it is routine (the start-up
    /// calibration was taken while the page loaded), so only the tooltip says it.
    pub(super) fn recalibrated(&mut self, run: u32, before: u64, after: u64, first: bool) {
        if let Conductor::Ready { ready, .. } = &mut self.engine {
            ready.calibration.rounds_per_ms = after;
        }
        if !first && self.run.as_ref().is_some_and(|r| r.id == run) {
            let change = (after as f64 / before.max(1) as f64 - 1.0) * 100.0;
            self.add_notice(format!(
                "The CPU kernel was calibrated again before this run: this device's speed had moved by {change:+.0} % since the last calibration."
            ));
        }
        self.render(Parts::ENVIRONMENT);
    }

    // ---- a run ----

    /// The page was hidden, frozen or shown again: a run in progress keeps when, so the models
    /// that ran through it are marked.
    pub(super) fn on_visibility(&mut self, state: Visibility, at: f64) {
        self.visibility = state;
        let Some(run) = self.run.as_mut().filter(|r| !r.finished) else {
            return;
        };
        // Whatever pause was open ends now; a new one starts unless the page is visible.
        if let Some(open) = run.pauses.iter_mut().find(|p| p.to.is_none()) {
            open.to = Some(at);
        }
        let kind = match state {
            Visibility::Visible => return,
            Visibility::Hidden => PauseKind::Hidden,
            Visibility::Frozen => PauseKind::Frozen,
        };
        run.pauses.push(Pause {
            kind,
            from: at,
            to: None,
        });
    }

    // ---- the sweep ----

    /// An embed scrolled into view: its conductor starts now.
    pub(super) fn on_embed_visible(&mut self) {
        if self.engine == Conductor::Off {
            self.start_engine();
        }
    }

    pub(super) fn on_engine_not_started(&mut self, why: &str) {
        self.release_start_turn();
        self.engine = Conductor::Off;
        self.release_turn();
        self.pending = Pending::None;
        self.set_status(Status::Error, format!("The engine could not start: {why}"));
        self.render(Parts::ENVIRONMENT);
    }

    pub(super) fn on_engine_start_timed_out(&mut self) {
        if matches!(self.engine, Conductor::Starting { .. }) {
            self.on_report(FromConductor::Fatal {
                message: format!(
                    "the workers did not start within {} s",
                    ENGINE_START_TIMEOUT_MS / 1000
                ),
            });
        }
    }

    pub(super) fn on_turn_waiting(&mut self, holder: Holder) {
        if self.pending == Pending::Turn {
            self.set_status(Status::Loading, holder.waiting_text().into());
        }
    }

    pub(super) fn on_turn_granted(&mut self, guard: Guard) {
        self.guarded(guard);
        if self.pending == Pending::Turn {
            self.pending = Pending::None;
            self.has_turn = true;
            self.request_run();
            if !self.running() {
                // It could not start after all (the engine must grow first, or nothing can
                // run): the turn goes back until it can.
                self.release_turn();
            }
        }
    }

    pub(super) fn on_start_turn_waiting(&mut self, holder: Holder) {
        if matches!(self.engine, Conductor::Queued { .. }) {
            self.set_status(Status::Loading, holder.waiting_text().into());
        }
    }

    pub(super) fn on_start_turn_granted(&mut self, guard: Guard) {
        match self.guarded(guard).engine {
            Conductor::Queued { threads } => {
                self.engine = Conductor::Starting { threads };
                self.effect(Effect::StartEngine { threads });
                // An error said meanwhile (a broken pool) stays up until the engine is ready.
                if self.status == Status::Loading {
                    self.set_status(
                        Status::Loading,
                        "Starting workers and calibrating the CPU kernel…".into(),
                    );
                }
            }
            _ => self.effect(Effect::ReleaseStartTurn),
        }
    }

    pub(super) fn on_turn(&mut self, input: TurnInput) {
        match input {
            TurnInput::TurnWaiting(holder) => self.on_turn_waiting(holder),
            TurnInput::TurnGranted(guard) => self.on_turn_granted(guard),
            TurnInput::StartTurnWaiting(holder) => self.on_start_turn_waiting(holder),
            TurnInput::StartTurnGranted(guard) => self.on_start_turn_granted(guard),
        }
    }
}

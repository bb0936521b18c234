//! The timeline: what it shows (a preview, a run, a recording), its panels and axis, and
//! the frames and replays that move it.

use super::*;

impl Session {
    /// What the timeline shows now.
    pub fn shown(&self) -> Shown {
        match &self.run {
            None => Shown::Preview,
            Some(r) => match &r.recorded {
                Some(rec) => Shown::Recorded { label: rec.label() },
                None => Shown::Measured,
            },
        }
    }

    /// The trace each model's panel shows: the run's, or before any run the expected one.
    pub fn traces(&self) -> Vec<&LiveTrace> {
        let shown = self
            .run
            .as_ref()
            .map_or_else(|| self.preview.iter().collect(), Run::shown);
        if !self.embed_beside() {
            return shown;
        }
        // An embed keeps one panel per recorded model: this device's run where it has one,
        // else the recording's (a model that cannot run here).
        self.recorded_beside()
            .map(|(i, live)| {
                shown
                    .iter()
                    .copied()
                    .find(|t| t.model == i.trace.model)
                    .unwrap_or(live)
            })
            .collect()
    }

    /// The models the panels show: the run's, or before one the selected ones that can run
    /// here (a frame without isolation never shows gil and threads, so nothing disappears when
    /// Run is pressed).
    pub fn panel_models(&self) -> Vec<Model> {
        if self.embed_beside() {
            return self.recorded_beside().map(|(i, _)| i.trace.model).collect();
        }
        match &self.run {
            Some(r) => r.models.clone(),
            None => self.runnable_models(),
        }
    }

    /// The settings the panels are titled by: the run's once there is one, else the scenario's
    /// (`limit`, `chunksize`).
    pub fn panel_bounds(&self) -> (Option<u32>, u32) {
        match &self.run {
            Some(r) => (r.expectation.limit, r.expectation.chunksize),
            None => (self.scenario.limit, self.scenario.chunksize),
        }
    }

    /// Each panel's title, subtitle and explanation: the run's settings once there is a run
    /// (a limit changed since does not relabel what was measured), else the scenario's.
    pub fn panel_titles(&self) -> Vec<(Model, String, String, String)> {
        let bounds = self.panel_bounds();
        let recorded = match self.shown() {
            Shown::Recorded { label } => Some(label),
            _ => None,
        };
        self.panel_models()
            .into_iter()
            .map(|m| {
                let (mut subtitle, explanation) = titles(m, bounds);
                if let Some(label) = &recorded {
                    subtitle = format!("{subtitle} · {label}");
                }
                (m, m.id().to_string(), subtitle, explanation)
            })
            .collect()
    }

    /// The selected models, less those that cannot run here for want of shared memory.
    pub(super) fn runnable_models(&self) -> Vec<Model> {
        let unavailable = self.shared_memory().unavailable_reason().is_some();
        self.scenario
            .models
            .iter()
            .copied()
            .filter(|m| !(unavailable && m.needs_shared_memory()))
            .collect()
    }

    /// The shared axis: the longest panel, the run's or an imported trace's.
    pub fn axis_ms(&self, now: f64) -> f64 {
        longest(self.traces().into_iter().chain(&self.imports.live), now)
    }

    /// The checksums of every finished run agree.
    pub fn agree(&self) -> bool {
        checksums_agree(&self.run.as_ref().map(Run::completed).unwrap_or_default())
    }

    /// The workload as parsed, or its first error.
    pub fn workload(&self) -> Result<Workload, WorkloadError> {
        self.scenario.workload()
    }

    pub(super) fn replay(&mut self, now: f64, reduced_motion: bool) {
        if !self.run.as_ref().is_some_and(|r| r.finished) {
            return;
        }
        if reduced_motion {
            // No animation: show the end state; the slider still scrubs by hand.
            self.view.cursor = None;
            self.replay_from = None;
        } else {
            self.replay_from = Some(now);
            self.view.cursor = Some(0.0);
        }
        self.render(Parts::TIMELINE | Parts::SCRUB);
    }

    /// A frame: a replay moves its cursor.
    pub(super) fn frame(&mut self, now: f64, speed: f64) {
        if let Some(from) = self.replay_from {
            let longest = self.axis_ms(now);
            let t = (now - from) * speed.clamp(0.01, 1.0);
            if t >= longest {
                self.replay_from = None;
                self.view.cursor = None;
            } else {
                self.view.cursor = Some(t);
            }
            self.render(Parts::SCRUB);
        }
    }

    pub(super) fn on_zoom(&mut self, factor: f64, centre: f64) {
        self.view.zoom_by(factor, centre);
        self.render(Parts::TIMELINE);
    }

    pub(super) fn on_zoom_reset(&mut self) {
        self.view.zoom = None;
        self.render(Parts::TIMELINE);
    }

    pub(super) fn on_pan(&mut self, fraction: f64) {
        self.view.pan(fraction);
        self.render(Parts::TIMELINE);
    }

    /// A drag on a zoomed timeline pans it.
    pub(super) fn on_pointer_down(&mut self, x: f64) {
        if self.view.zoom.is_some() {
            self.drag_x = Some(x);
        }
    }

    pub(super) fn on_drag(&mut self, x: f64, plot_width: f64) {
        if let Some(last) = self.drag_x {
            self.view.pan((last - x) / plot_width.max(1.0));
            self.drag_x = Some(x);
            self.render(Parts::TIMELINE | Parts::HIDE_TIP);
        }
    }

    pub(super) fn on_highlight(&mut self, target: Option<(Model, u32)>) {
        if self.view.highlight != target {
            self.view.highlight = target;
            self.render(Parts::TIMELINE);
        }
    }

    pub(super) fn on_scrub(&mut self, value: f64, now: f64) {
        self.replay_from = None;
        let longest = self.axis_ms(now);
        self.view.cursor = (value < 1000.0).then(|| value / 1000.0 * longest);
        self.render(Parts::TIMELINE);
    }

    /// The Replay speed menu: a speed it cannot offer changes nothing.
    pub(super) fn on_replay_speed(&mut self, speed: f64) {
        if speed.is_finite() && speed > 0.0 {
            self.replay_speed = speed.min(1.0);
        }
    }

    pub(super) fn on_timeline(&mut self, input: TimelineInput) {
        match input {
            TimelineInput::Zoom { factor, centre } => self.on_zoom(factor, centre),
            TimelineInput::ZoomReset => self.on_zoom_reset(),
            TimelineInput::Pan(fraction) => self.on_pan(fraction),
            TimelineInput::PointerDown { x } => self.on_pointer_down(x),
            TimelineInput::Drag { x, plot_width } => self.on_drag(x, plot_width),
            TimelineInput::PointerUp => self.drag_x = None,
            TimelineInput::Highlight(target) => self.on_highlight(target),
            TimelineInput::Scrub { value, now } => self.on_scrub(value, now),
            TimelineInput::Replay {
                now,
                reduced_motion,
            } => self.replay(now, reduced_motion),
            TimelineInput::Frame { now } => self.frame(now, self.replay_speed),
            TimelineInput::ReplaySpeed(speed) => self.on_replay_speed(speed),
        }
    }
}

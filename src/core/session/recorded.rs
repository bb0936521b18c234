//! Runs carried in a link (`#rec=…`): a recorded link opens as a finished run measured
//! elsewhere, with nothing started here; Run on this device measures the same scenario here and
//! keeps the recording beside it, each labelled; the last run, measured or opened, becomes a
//! recording again for the link, the Embed dialog and `window.conpar.recording()`.

use super::run::Run;
use super::{Judged, Parts, Session, Status};
use crate::core::analysis::latency::Planned;
use crate::core::analysis::results::{of_run, ModelResult};
use crate::core::analysis::verdict::Expectation;
use crate::core::drawing::scene::LiveTrace;
use crate::core::input::scenario::Scenario;
use crate::core::measure::recording::{RecordedModel, Recording};
use crate::core::measure::trace::{medians, Model};
use crate::core::measure::units::format_ms;
use crate::core::python::import::Imported;
use std::borrow::Cow;

/// The fragment's key for a recording: `#rec=…`.
pub const FRAGMENT_KEY: &str = "rec=";

impl Session {
    /// The session for a page whose address has `fragment` (`location.hash`, `#` included or
    /// not): a recording there is opened at [`super::Input::Start`].
    pub fn with_fragment(mut self, fragment: &str) -> Session {
        let text = fragment.strip_prefix('#').unwrap_or(fragment);
        self.fragment = text.strip_prefix(FRAGMENT_KEY).map(str::to_string);
        self
    }

    /// At start: the address's recording shown as the run, or a notice saying why it cannot
    /// be (the page stays live). True when a recording is shown.
    pub(super) fn open_recording(&mut self) -> bool {
        let Some(text) = self.fragment.take() else {
            return false;
        };
        match Recording::from_link_text(&text).and_then(|r| self.show_recording(r)) {
            Ok(()) => true,
            Err(why) => {
                self.url_notices.push(format!(
                    "This link's recording could not be opened: {why}. The page is live: press Run to measure here."
                ));
                false
            }
        }
    }

    /// Shows `rec` as the page's run: its scenario becomes the page's (what Run on this device
    /// measures), its results are computed from its spans as a run's are, and its flags are
    /// the ones its own page raised.
    fn show_recording(&mut self, rec: Recording) -> Result<(), String> {
        let (run, results, recorded) = recorded_run(rec, self.scenario.claim)?;
        let s = &mut self.scenario;
        s.source = recorded.source.clone();
        s.models = run.models.clone();
        (s.threads, s.processes) = (recorded.threads, recorded.processes);
        (s.switch_ms, s.seed, s.repeat) = (recorded.switch_ms, recorded.seed, recorded.repeat);
        (s.start, s.limit, s.chunksize) = (recorded.start, recorded.limit, recorded.chunksize);
        s.claim = run.claim.as_ref().map(|c| c.0);
        s.run = false;
        let id = run.id;
        self.run = Some(run);
        self.results = results;
        self.ask_with(id);
        if let Some(id) = self.scenario.claim {
            self.judged.retain(|j| j.id != id);
            self.judged.push(Judged {
                id,
                run: 0,
                judgement: None,
            });
            self.judge_run();
        }
        self.pending = super::Pending::None;
        let mut status = self.recorded_status();
        if let Some(why) = self.shared_memory().unavailable_reason() {
            if self.scenario.models.iter().any(|m| m.needs_shared_memory()) {
                status.push_str(&format!(
                    " A run on this device would skip the models that share memory: {why}."
                ));
            }
        }
        self.set_status(Status::Done, status);
        self.render(Parts::ALL);
        Ok(())
    }

    /// The environment line, and its tooltip when it is not the whole story: an embed showing a
    /// recording says where it was recorded first (its one line has room for little more).
    pub fn environment_line(&self) -> (String, Option<String>) {
        let shared = self.shared_memory();
        let line = crate::core::analysis::summary::environment(
            &shared,
            self.env.cores,
            self.scenario.embed,
        );
        match self.run.as_ref().and_then(|r| r.recorded.as_ref()) {
            Some(rec) if self.scenario.embed => {
                let label = crate::core::measure::units::capitalised(&rec.label());
                let here = match shared.unavailable_reason() {
                    Some(_) => "gil, threads and to_thread cannot run here",
                    None => "I/O is simulated with timers",
                };
                (format!("{label}; {here}."), Some(self.status_text.clone()))
            }
            _ => (line, None),
        }
    }

    pub(super) fn recorded_status(&self) -> String {
        let Some(rec) = self.run.as_ref().and_then(|r| r.recorded.as_ref()) else {
            return String::new();
        };
        let label = crate::core::measure::units::capitalised(&rec.label());
        format!(
            "{label} ({}); nothing was measured here. Run on this device measures it here.",
            rec.precision()
        )
    }

    /// An embed measuring on this device beside a recording: it has no room for a second set
    /// of panels, so its panels stay the recording's models, each showing this device's run
    /// where it has one and saying what the recording measured (the table, in the full page,
    /// has both sets of rows).
    pub fn embed_beside(&self) -> bool {
        self.scenario.embed
            && self.run.as_ref().is_some_and(|r| r.recorded.is_none())
            && self.recorded_beside().next().is_some()
    }

    /// Run measures "on this device": a recording is shown, or beside this device's run.
    pub fn run_here(&self) -> bool {
        matches!(self.shown(), super::Shown::Recorded { .. })
            || self.imports.traces.iter().any(|i| i.recorded.is_some())
    }

    /// The recordings beside the run, with their drawn traces.
    pub(super) fn recorded_beside(&self) -> impl Iterator<Item = (&Imported, &LiveTrace)> {
        self.imports
            .traces
            .iter()
            .zip(&self.imports.live)
            .filter(|(i, _)| i.recorded.is_some())
    }

    /// The rows the panels read: this device's, and in an embed beside a recording, the
    /// recording's for the models that did not run here.
    /// Borrowed, as the results are, unless rows must be added (it is read every frame).
    pub fn panel_results(&self) -> Cow<'_, [ModelResult]> {
        if !self.embed_beside() {
            return Cow::Borrowed(&self.results);
        }
        let mut rows = self.results.clone();
        let beside = self
            .recorded_beside()
            .filter_map(|(i, _)| i.result.as_ref());
        for r in beside {
            if !rows.iter().any(|x| x.model == r.model) {
                rows.push(r.clone());
            }
        }
        Cow::Owned(rows)
    }

    /// What each panel adds to its numbers in an embed beside a recording: the recorded wall
    /// time, or that the recording's is shown because this page cannot run the model.
    pub fn panel_notes(&self) -> Vec<(Model, String)> {
        if !self.embed_beside() {
            return Vec::new();
        }
        let ran = self.run.as_ref().map_or(&[][..], |r| r.models.as_slice());
        self.recorded_beside()
            .filter_map(|(i, _)| {
                let r = i.result.as_ref()?;
                Some(if ran.contains(&r.model) {
                    (r.model, format!("recorded {}", format_ms(r.wall_ms)))
                } else {
                    (r.model, "recorded; cannot run here".to_string())
                })
            })
            .collect()
    }

    /// A run of this device's is starting: the recording shown so far goes beside it, as
    /// panels and rows of its own, each labelled with where it was recorded.
    pub(super) fn keep_recording_beside(&mut self) {
        let Some(r) = self.run.take_if(|r| r.recorded.is_some()) else {
            return;
        };
        let results = std::mem::take(&mut self.results);
        if let Some(rec) = r.recorded {
            self.add_recorded(&rec, &results);
        }
    }

    /// A recording read from a file (Export → Recording), drawn beside the run.
    pub(super) fn add_recording_file(&mut self, text: &str, name: &str) {
        let text = text.trim();
        let text = text.rsplit_once(FRAGMENT_KEY).map_or(text, |(_, t)| t);
        match Recording::from_link_text(text).and_then(|rec| {
            let (_, results, _) = recorded_run(rec.clone(), None)?;
            Ok((rec, results))
        }) {
            Ok((rec, results)) => self.add_recorded(&rec, &results),
            Err(why) => self.add_notice(format!("{name} could not be read as a recording: {why}.")),
        }
    }

    fn add_recorded(&mut self, rec: &Recording, results: &[ModelResult]) {
        let (recorded, _) = Scenario::from_query(&rec.query, rec.cores);
        let workload = recorded.workload().ok().map(|w| w.to_text());
        let label = rec.label();
        for m in &rec.models {
            let result = results.iter().find(|x| x.model == m.trace.model).cloned();
            self.imports.traces.push(Imported {
                label: format!("{} · recorded", m.trace.model),
                model: Some(m.trace.model),
                python: None,
                gil: None,
                workers: None,
                workload: workload.clone(),
                trace: m.trace.clone(),
                recorded: Some(format!("{label} ({})", rec.precision())),
                result,
            });
        }
        self.refresh_imported();
    }

    /// Whether the last run is claim `id`'s, finished and judged with a verdict: its card's
    /// embed can carry it as a recording (a stopped or disturbed run is better embedded live).
    pub fn judged_run_of_claim(&self, id: &str) -> bool {
        let Some(run) = self.run.as_ref().filter(|r| r.finished) else {
            return false;
        };
        run.claim.as_ref().is_some_and(|(c, _)| *c == id)
            && self.judged.iter().any(|j| {
                j.id == id
                    && j.run == run.id
                    && j.judgement.as_ref().is_some_and(|j| j.verdict.is_some())
            })
    }

    /// The last run as a recording made in `browser` on `date` (a recording opened from a link
    /// is given back as it came), or why there is none to give.
    pub fn recording(&self, browser: &str, date: &str) -> Result<Recording, String> {
        let run = self
            .run
            .as_ref()
            .filter(|r| r.finished)
            .ok_or("Run a scenario first: a recording keeps a finished run.")?;
        if let Some(rec) = &run.recorded {
            return Ok(rec.clone());
        }
        let counted = medians(&run.completed());
        if counted.is_empty() {
            return Err("This run has no finished model to record.".into());
        }
        let models = counted
            .into_iter()
            .map(|(trace, _)| {
                let result = self.results.iter().find(|x| x.model == trace.model);
                RecordedModel {
                    repeats_wall_ms: result
                        .map(|x| x.repeats_wall_ms.clone())
                        .unwrap_or_default(),
                    disturbed: result.map(|x| x.disturbed.clone()).unwrap_or_default(),
                    trace,
                }
            })
            .collect();
        Ok(Recording {
            conpar: env!("CARGO_PKG_VERSION").into(),
            browser: browser.into(),
            cores: run.expectation.cores,
            date: date.into(),
            query: run.query.clone(),
            quantum_us: crate::core::measure::recording::QUANTA_US[0],
            merged: false,
            models,
        })
    }
}

/// A recording as a finished run with its results and the scenario it ran (the claim it
/// tests, or `claim` when its link names none). Its results are computed from its spans as a
/// run's are, against the physics of the machine that recorded it; its flags are the ones
/// its own page raised, exactly (the spans' rounding may not move a check either way).
fn recorded_run(
    rec: Recording,
    claim: Option<&'static str>,
) -> Result<(Run, Vec<ModelResult>, Scenario), String> {
    let (recorded, _) = Scenario::from_query(&rec.query, rec.cores);
    let workload = recorded
        .workload()
        .map_err(|e| format!("its workload does not read ({})", e.message))?;
    let expectation = Expectation::new(
        &workload,
        rec.cores,
        (recorded.threads, recorded.processes),
        recorded.switch_ms,
    )
    .bounded((recorded.limit, recorded.chunksize));
    let planned = Planned::of(&workload);
    let counted: Vec<_> = rec
        .models
        .iter()
        .map(|m| (m.trace.clone(), m.repeats_wall_ms.clone()))
        .collect();
    let flags: Vec<Vec<String>> = rec.models.iter().map(|m| m.disturbed.clone()).collect();
    let repeated = rec.models.iter().any(|m| !m.repeats_wall_ms.is_empty());
    let (mut results, mut facts) = of_run(&counted, &expectation, &planned, repeated, &flags);
    for ((r, f), d) in results.iter_mut().zip(facts.iter_mut()).zip(&flags) {
        r.disturbed = d.clone();
        f.disturbed = d.clone();
    }
    let claim = recorded.claim.or(claim).map(|c| (c, workload.clone()));
    let n = rec.models.len();
    let run = Run {
        id: 0,
        traces: rec
            .models
            .iter()
            .map(|m| LiveTrace::finished(&m.trace))
            .collect(),
        models: rec.models.iter().map(|m| m.trace.model).collect(),
        repeat: 1,
        finished: true,
        live: false,
        expectation,
        facts,
        planned,
        query: rec.query.clone(),
        recorded: Some(rec),
        gaps: vec![Vec::new(); n],
        pauses: Vec::new(),
        claim,
    };
    Ok((run, results, recorded))
}

/// The scenario a recording's link opens: the one it ran, dressed as `like` is (theme,
/// caption, background), as an embed or as the playground.
pub fn recorded_scenario(rec: &Recording, like: &Scenario, embed: bool) -> Scenario {
    let (mut s, _) = Scenario::from_query(&rec.query, rec.cores);
    s.theme = like.theme;
    s.caption = like.caption.clone();
    s.transparent = like.transparent;
    s.predict = like.predict;
    s.embed = embed;
    s.run = false;
    s
}

/// Whether a file's text is a recording (its link, or the link text alone) rather than a
/// trace: a trace is JSON.
pub fn is_recording(text: &str) -> bool {
    let t = text.trim_start();
    // "cp" and a format byte below 64 begin "Y3A" in base64url, whatever the format: a file of
    // another format is read as a recording, and says so.
    !t.starts_with('{') && !t.starts_with('[') && (t.contains("#rec=") || t.starts_with("Y3A"))
}

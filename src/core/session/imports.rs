//! Traces read from files (CPython's, or any Chrome trace): added, checked and drawn.

use super::*;

impl Session {
    /// The panels of the traces read from files: model, title, subtitle, explanation.
    pub fn imported_panels(&self) -> Vec<(Model, String, String, String)> {
        let current = self.scenario.workload().ok().map(|w| w.to_text());
        self.imports
            .traces
            .iter()
            .map(|i| {
                let mut explain = format!(
                    "Measured by {} on the machine that ran it{}{}, drawn on the browser's axis.",
                    i.python.as_deref().map_or("the program that wrote this trace".to_string(), |v| format!("Python {v}")),
                    if i.gil == Some(false) { " without the GIL (free-threaded)" } else { "" },
                    i.workers.map_or(String::new(), |w| format!(", {w} workers")),
                );
                if i.gil != Some(false) && matches!(i.model, Some(Model::Gil | Model::Threads)) {
                    explain.push_str(" Python cannot see a thread waiting for the GIL, so those waits are inside its CPU spans.");
                }
                if let (Some(w), Some(now)) = (&i.workload, &current) {
                    if w != now {
                        explain.push_str(&format!(
                            " Recorded for another workload: {}.",
                            w.replace('\n', "; ")
                        ));
                    }
                }
                if let Some(recorded) = &i.recorded {
                    let model = i.model.unwrap_or(Model::Gil);
                    return (
                        model,
                        i.label.clone(),
                        recorded.clone(),
                        format!("The run this link carries, as its author's browser measured it, drawn beside this device's on the same axis. {}", model.explanation()),
                    );
                }
                (
                    i.model.unwrap_or(Model::Gil),
                    i.label.clone(),
                    "real CPython, from a trace file".to_string(),
                    explain,
                )
            })
            .collect()
    }

    // ---- start-up and the engine ----

    pub(super) fn add_trace(&mut self, text: &str, name: &str) {
        if self.imports.traces.len() >= MAX_IMPORTED {
            self.add_notice(format!(
                "{name} was not added: the page draws up to {MAX_IMPORTED} traces; remove some first."
            ));
            return;
        }
        match import(text, name) {
            Ok(t) => {
                self.imports.traces.push(t);
                self.refresh_imported();
            }
            Err(e) => self.add_notice(e),
        }
    }

    /// Panels, results and latency of the imported traces; speedups against an imported
    /// sequential run, when there is one.
    pub(super) fn refresh_imported(&mut self) {
        let traces: Vec<_> = self
            .imports
            .traces
            .iter()
            .map(|i| {
                let planned = i
                    .workload
                    .as_deref()
                    .and_then(|w| Workload::parse(w).ok())
                    .map_or_else(Planned::unknown, |w| Planned::of(&w));
                (i.trace.clone(), planned)
            })
            .collect();
        self.imports.live = traces.iter().map(|(t, _)| LiveTrace::finished(t)).collect();
        self.imports.results = of_imported(&traces);
        // A recording's rows are the ones its own page computed (speedups and flags included).
        for (r, i) in self.imports.results.iter_mut().zip(&self.imports.traces) {
            if let Some(recorded) = &i.result {
                *r = recorded.clone();
            }
        }
        // The status renders Run's words, which follow whether a recording is beside the run.
        self.render(Parts::IMPORTED | Parts::RESULTS | Parts::TIMELINE | Parts::STATUS);
    }

    // ---- the timeline ----

    /// A file read: a recording of a run, or a trace to draw beside this page's run.
    pub(super) fn on_trace_read(&mut self, name: &str, text: &str) {
        if recorded::is_recording(text) {
            self.add_recording_file(text, name);
        } else {
            self.add_trace(text, name);
        }
    }

    pub(super) fn clear_imported(&mut self) {
        self.imports.traces.clear();
        self.refresh_imported();
    }
}

//! What the results table and the sentences around it say, decided here and drawn by
//! `web::page::results`: a row per model of the run (or of the form, before one), each with its
//! numbers, why it has none yet, or why it failed; the traces read from files beside them; the
//! verdict's lines, the advice, the failed checks and the checksum's sentence.

use super::*;
use crate::core::analysis::advice::recommend;
use crate::core::analysis::summary::{agreement, result_rows, ResultRow};
use crate::core::analysis::verdict::{headline, verdict};
use crate::core::measure::units::format_ms;

/// The results table and its sentences, as the page shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct TableView {
    /// One row per model of the run (or selected), in order, then one per trace read.
    pub rows: Vec<TableRow>,
    /// No model at all: the table's one line.
    pub empty: Option<&'static str>,
    /// The verdict's lines, and the whole sentence for a tooltip when the lines hold less.
    pub verdict: String,
    pub verdict_full: String,
    /// "For this workload: …", once a run has finished.
    pub advice: Option<String>,
    /// Each check a model failed, in words, once the run is over.
    pub checks: Vec<String>,
    /// Whether the models computed the same checksum, in a sentence.
    pub agreement: String,
}

/// A row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub model: Model,
    /// The row's heading: the model (marked ⚠ when disturbed), or a trace's label.
    pub name: String,
    /// `recorded` or `cpython` for a trace read from a file; `None` for this page's run.
    pub source: Option<&'static str>,
    pub disturbed: bool,
    pub body: RowBody,
}

/// What a row holds beyond its heading.
#[derive(Clone, Debug, PartialEq)]
pub enum RowBody {
    /// Measured (or read): its numbers.
    Numbers {
        row: Box<ResultRow>,
        /// The task that stalled longest and a sentence on it (the row outlines it).
        worst: Option<(u32, String)>,
        /// The checksum's mark: ✓, ✗ differs, or – when nothing was computed.
        mark: String,
    },
    /// Not measured yet: why, across the empty cells.
    Pending(String),
    /// The model failed: why, across the row.
    Failed(String),
}

impl Session {
    /// The results table and its sentences, from what the session holds.
    pub fn table(&self) -> TableView {
        let agree = self.agree();
        // predict=1: the numbers wait for the reader's guess, as the timeline does.
        let withheld = self.withheld();
        let shown = if withheld { &[][..] } else { &self.results[..] };
        let rows = result_rows(shown, agree);
        // A row per model from the start (before a run, the selected ones), so the table does
        // not grow while a run fills it.
        let models: Vec<(Model, Option<String>)> = match &self.run {
            Some(run) if withheld => run
                .models
                .iter()
                .map(|&m| (m, Some("shown after your guess".to_string())))
                .collect(),
            Some(run) => run
                .models
                .iter()
                .map(|&m| (m, run.error_of(m).cloned()))
                .collect(),
            None => self
                .scenario
                .models
                .iter()
                .map(|&m| (m, Some("not run yet: press Run".to_string())))
                .collect(),
        };
        let mut table = Vec::new();
        for (model, error) in &models {
            let row = rows.iter().find(|r| r.model == *model);
            let disturbed = row.is_some_and(|r| r.disturbed);
            let body = match (row, error) {
                (Some(row), _) => {
                    let worst = self
                        .results
                        .iter()
                        .find(|r| r.model == *model)
                        .and_then(|r| r.latency.as_ref())
                        .map(|l| {
                            (l.worst_task, format!(
                                "Task {} stalled longest under {model} ({}): outlined on the timeline while this row is pointed at or focused",
                                l.worst_task,
                                format_ms(l.stall_worst_ms)
                            ))
                        });
                    RowBody::Numbers {
                        row: Box::new(row.clone()),
                        worst,
                        mark: checksum_mark(row),
                    }
                }
                (None, Some(note)) if self.run.is_none() => RowBody::Pending(note.clone()),
                (None, Some(error)) => RowBody::Failed(error.clone()),
                (None, None) if self.running() => RowBody::Pending("running…".into()),
                (None, None) => RowBody::Pending("–".into()),
            };
            table.push(TableRow {
                model: *model,
                name: if disturbed {
                    format!("{model} ⚠")
                } else {
                    model.id().to_string()
                },
                source: None,
                disturbed,
                body,
            });
        }
        // Traces read from files, beside the browser's rows.
        let imported = result_rows(&self.imports.results, true);
        for (row, t) in imported.iter().zip(&self.imports.traces) {
            table.push(TableRow {
                model: row.model,
                name: t.label.clone(),
                source: Some(if t.recorded.is_some() {
                    "recorded"
                } else {
                    "cpython"
                }),
                disturbed: false,
                // A trace read from a file is checked against nothing here.
                body: RowBody::Numbers {
                    row: Box::new(ResultRow {
                        checksum: None,
                        ..row.clone()
                    }),
                    worst: None,
                    mark: "–".into(),
                },
            });
        }
        let (verdict, verdict_full) = self.verdict_lines(withheld, agree);
        let advice = self
            .run
            .as_ref()
            .filter(|r| r.finished)
            .and_then(|r| recommend(&self.results, &r.expectation))
            .map(|a| format!("For this workload: {a}"));
        // Listed once the run is over (a list that grew mid-run would push the timeline down);
        // meanwhile each disturbed row's ⚠ carries its reasons.
        let checks = if self.running() {
            Vec::new()
        } else {
            self.results
                .iter()
                .flat_map(|r| &r.disturbed)
                .map(|reason| format!("⚠ {reason}."))
                .collect()
        };
        TableView {
            rows: table,
            empty: models.is_empty().then_some("No run yet: press Run."),
            verdict,
            verdict_full,
            advice,
            checks,
            agreement: agreement(&self.results, agree),
        }
    }

    /// The verdict's lines and the whole sentence (the same when it fits). The embed has two
    /// lines for it, a fixed height so nothing moves: the short form, the whole as a tooltip.
    fn verdict_lines(&self, withheld: bool, agree: bool) -> (String, String) {
        let embed = self.scenario.embed;
        let claim_line = self.claim_line().filter(|_| embed);
        // An embed that asked says the answer on its two lines.
        let answer = self.answer().filter(|_| embed).map(|a| a.text);
        let (sentence, full) = match &self.run {
            _ if withheld => (self.withheld_line(), String::new()),
            _ if answer.is_some() => (answer.unwrap_or_default(), String::new()),
            _ if claim_line.is_some() => (claim_line.unwrap_or_default(), String::new()),
            Some(r) if embed => (
                headline(&r.facts, agree),
                verdict(&r.facts, &r.expectation, agree),
            ),
            Some(r) => (verdict(&r.facts, &r.expectation, agree), String::new()),
            None if !self.preview.is_empty() && embed => (
                "Press Run to measure. Faded below: each model's expected schedule.".to_string(),
                String::new(),
            ),
            None if !self.preview.is_empty() => (
                "Press Run to measure. Faded below: each model's schedule, expected, not measured."
                    .to_string(),
                String::new(),
            ),
            None => (String::new(), String::new()),
        };
        let full = if full.is_empty() {
            sentence.clone()
        } else {
            full
        };
        (sentence, full)
    }

    /// What the verdict's lines say while the timeline waits for the reader's guess.
    fn withheld_line(&self) -> String {
        // A claim's embed says the claim, which is what the question asks about.
        if let Some(c) = self.scenario.claim.and_then(|id| self.claim_view(id)) {
            return format!("Claim: {} Guess, then press Run to test it.", c.text);
        }
        let line = match (self.scenario.embed, self.run.is_some()) {
            (true, true) => "Guess, and the recorded run appears; or press Run on this device.",
            (true, false) => "Guess, then press Run: the timeline draws the answer.",
            (false, true) => "Guess first: the recorded run is drawn below once you have, or press Run on this device to measure it here.",
            (false, false) => "Guess first, then press Run: the timeline stays empty until then, so it does not give the answer away (you may also just press Run).",
        };
        line.to_string()
    }
}

/// ✓ when every model computed the same checksum, ✗ when this one differs, – when it computed
/// nothing.
fn checksum_mark(row: &ResultRow) -> String {
    match &row.checksum {
        None => "–",
        Some((_, true)) => "✓",
        Some((_, false)) => "✗ differs",
    }
    .to_string()
}

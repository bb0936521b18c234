//! Predict, then run (`predict=1`): the page asks its question before the run, takes the
//! reader's guess, keeps the timeline's answer out of sight until the reader guesses or runs,
//! and answers from the run that followed (or the recording shown); the Claims view asks on
//! every card and keeps a score. Nothing here is stored beyond the page.

use super::{Parts, Pending, Session};
use crate::core::analysis::claims::{claim, Verdict, CLAIMS};
use crate::core::analysis::predict::{
    self, answer, answer_claim, Answer, Choice, Measured, Question,
};
use crate::core::drawing::scene::LiveTrace;

/// The question as the page and `window.conpar.prediction()` show it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PredictionView {
    pub question: String,
    pub choices: Vec<Choice>,
    /// The reader's guess (a choice's id), if any.
    pub chosen: Option<String>,
    /// What the run said to it, once a run that followed the question finished.
    pub answer: Option<String>,
    /// Whether the run bore the guess out (null: no guess, or no answer).
    pub correct: Option<bool>,
    /// The choices the run bears out.
    pub measured: Vec<String>,
    /// The reader can guess now (nothing runs, and no answered guess stands).
    pub open: bool,
}

/// A guess, with the question it answered: a question that changed voids it.
#[derive(Clone, Debug, Default)]
pub struct Guesses {
    guess: Option<(Question, String)>,
    /// The question, and the run (its id) that answers it.
    asked: Option<(Question, u32)>,
    /// Each claim guessed in the Claims view, in the order guessed.
    claims: Vec<(&'static str, Verdict)>,
}

impl Session {
    /// The question the page asks, if it asks one: `predict=1`, outside the Claims view (whose
    /// cards ask), with something to guess.
    pub fn question(&self) -> Option<Question> {
        if !self.scenario.predict || self.scenario.claims {
            return None;
        }
        predict::question(&self.scenario, &self.panel_models())
    }

    /// The reader's guess at the question asked now.
    pub fn chosen(&self) -> Option<String> {
        let q = self.question()?;
        let (asked, id) = self.guesses.guess.as_ref()?;
        (*asked == q).then(|| id.clone())
    }

    /// What the run that followed the question (or the recording shown) says to the guess; None
    /// before that run has finished.
    pub fn answer(&self) -> Option<Answer> {
        // A recording waiting for the guess says nothing yet.
        if self.withheld() {
            return None;
        }
        let q = self.question()?;
        // A claim judged from a source answers a guess at once: no run can change it.
        if let predict::Ask::Claim(id) = q.ask {
            if claim(id).is_some_and(|c| c.standing().is_some()) {
                let chosen = self.chosen()?;
                let v = self.claim_view(id)?;
                return Some(answer_claim(
                    v.verdict,
                    ("the source", v.because.as_deref().unwrap_or_default()),
                    Some(&chosen),
                ));
            }
        }
        let (asked, id) = self.guesses.asked.as_ref()?;
        let r = self
            .run
            .as_ref()
            .filter(|r| *asked == q && r.id == *id && r.finished)?;
        let chosen = self.chosen();
        if let Some((model, why)) = r
            .traces
            .iter()
            .find_map(|t| Some((t.model, t.error.as_ref()?)))
        {
            return Some(Answer::nothing(&format!("{model} did not finish ({why})")));
        }
        match q.ask {
            predict::Ask::Claim(id) => {
                let v = self.claim_view(id).filter(|v| !v.running)?;
                Some(answer_claim(
                    v.verdict,
                    ("the run", v.because.as_deref().unwrap_or_default()),
                    chosen.as_deref(),
                ))
            }
            _ => Some(answer(
                &q,
                chosen.as_deref(),
                Measured {
                    facts: &r.facts,
                    expect: &r.expectation,
                    results: &self.results,
                },
            )),
        }
    }

    /// The reader may guess now: a question is asked, nothing runs or waits to, and no guess
    /// stands answered (a new scenario asks anew).
    pub fn guess_open(&self) -> bool {
        self.question().is_some()
            && !self.running()
            && self.pending == Pending::None
            && !(self.chosen().is_some() && self.answer().is_some())
    }

    /// The timeline and the numbers wait for the reader's guess (or Run): the expected
    /// schedules and a recording would give the answer away.
    pub fn withheld(&self) -> bool {
        self.question().is_some()
            && self.chosen().is_none()
            && self.run.as_ref().is_none_or(|r| r.recorded.is_some())
    }

    /// The traces drawn while [`Session::withheld`]: each panel's rows, empty.
    pub fn withheld_traces(&self) -> Vec<LiveTrace> {
        self.traces()
            .into_iter()
            .map(|t| {
                let mut blank = LiveTrace::new(t.model);
                blank.lanes = t.lanes;
                blank
            })
            .collect()
    }

    pub fn prediction(&self) -> Option<PredictionView> {
        let q = self.question()?;
        let answer = self.answer();
        Some(PredictionView {
            question: q.text,
            choices: q.choices,
            chosen: self.chosen(),
            correct: answer.as_ref().and_then(|a| a.correct),
            measured: answer
                .as_ref()
                .map(|a| a.measured.clone())
                .unwrap_or_default(),
            answer: answer.map(|a| a.text),
            open: self.guess_open(),
        })
    }

    /// The reader chose `id`. A recording on show answers at once; a run already measured here
    /// does not (its answer was seen): the next run does.
    pub(super) fn on_guess(&mut self, id: &str) {
        let Some(q) = self.question().filter(|q| q.choice(id).is_some()) else {
            return;
        };
        if !self.guess_open() {
            return;
        }
        self.guesses.guess = Some((q.clone(), id.to_string()));
        self.guesses.asked = match self.run.as_ref() {
            Some(r) if r.recorded.is_some() => Some((q, r.id)),
            _ => None,
        };
        self.render(
            Parts::PREDICTION
                | Parts::RESULTS
                | Parts::SPAN_TABLE
                | Parts::TIMELINE
                | Parts::RUN_TOOLS,
        );
    }

    /// A run (not a sweep's step) or a recording is shown: it answers the question asked now.
    pub(super) fn ask_with(&mut self, run: u32) {
        self.guesses.asked = self.question().map(|q| (q, run));
        self.render(Parts::PREDICTION);
    }

    // ---- the Claims view as a quiz ----

    /// The Claims view asks on every card.
    pub fn quiz(&self) -> bool {
        self.scenario.predict && self.scenario.claims
    }

    /// The reader's guess at claim `id`.
    pub fn claim_guess(&self, id: &str) -> Option<Verdict> {
        self.guesses
            .claims
            .iter()
            .find(|(c, _)| *c == id)
            .map(|g| g.1)
    }

    /// The reader guessed `choice` (a verdict's id) for claim `id`: once per claim.
    pub(super) fn on_claim_guess(&mut self, id: &str, choice: &str) {
        let Some(c) = claim(id).filter(|_| self.quiz()) else {
            return;
        };
        let verdict = [Verdict::True, Verdict::False, Verdict::Depends]
            .into_iter()
            .find(|v| v.id() == choice);
        if let (Some(v), None) = (verdict, self.claim_guess(id)) {
            self.guesses.claims.push((c.id, v));
            self.render(Parts::CLAIMS);
        }
    }

    /// The score line: claims guessed, judged, and borne out.
    pub fn quiz_score(&self) -> Option<String> {
        if !self.quiz() {
            return None;
        }
        let guessed = self.guesses.claims.len();
        let judged: Vec<bool> = self
            .guesses
            .claims
            .iter()
            .filter_map(|(id, g)| Some(self.claim_view(id)?.verdict? == *g))
            .collect();
        let right = judged.iter().filter(|r| **r).count();
        Some(match guessed {
            0 => format!(
                "Guess each claim before its run: 0 of {} guessed.",
                CLAIMS.len()
            ),
            _ => format!(
                "{guessed} of {} claims guessed; {} judged so far, {right} as you guessed.",
                CLAIMS.len(),
                judged.len()
            ),
        })
    }
}

//! The Claims view: a claim's experiment run, its verdict judged from the run's numbers,
//! and what each card says.

use super::*;

impl Session {
    /// The finished run's claim, judged from its results.
    pub(super) fn judge_run(&mut self) {
        let Some(r) = self.run.as_ref() else { return };
        let Some((id, workload)) = &r.claim else {
            return;
        };
        let Some(c) = claim(id) else { return };
        // A recorded run ran where it ran: what this page cannot run does not matter to it.
        let unavailable = match r.recorded {
            Some(_) => None,
            None => self.shared_memory().unavailable_reason(),
        };
        let evidence = Evidence {
            results: &self.results,
            workload,
            cores: r.expectation.cores,
            threads: r.expectation.threads,
            processes: r.expectation.processes,
            switch_ms: r.expectation.switch_ms,
            agree: self.agree(),
            unavailable: unavailable.as_deref(),
        };
        let judgement = c.judge(&evidence);
        self.set_judgement(r.id, judgement);
    }

    /// The run's claim gets no verdict: the run did not finish, `why`.
    pub(super) fn judge_unfinished(&mut self, why: &str) {
        if let Some(r) = self.run.as_ref().filter(|r| r.claim.is_some()) {
            let judgement = Judgement {
                verdict: None,
                because: format!("No verdict: the run did not finish: {why}."),
            };
            self.set_judgement(r.id, judgement);
        }
    }

    pub(super) fn set_judgement(&mut self, run: u32, judgement: Judgement) {
        if let Some(j) = self.judged.iter_mut().find(|j| j.run == run) {
            j.judgement = Some(judgement);
            self.render(Parts::CLAIMS);
        }
    }

    /// A claim's card asked for its experiment: the scenario becomes it, and it runs.
    pub(super) fn run_claim(&mut self, id: &str) {
        let Some(c) = claim(id).filter(|c| c.experiment().is_some()) else {
            return;
        };
        if self.running() || self.pending == Pending::Turn {
            return;
        }
        self.end_sweep(SweepEnd::Stopped);
        self.scenario.apply_claim(c, self.env.cores);
        self.render(Parts::FORM | Parts::CLAIMS | Parts::LINKS);
        self.scenario_changed();
        // The card shows the verdict where the reader pressed Run: the page stays there, also
        // when the run starts later, in its turn.
        self.stay_in_place = true;
        self.request_run();
    }

    /// Every claim as its card shows it.
    pub fn claim_views(&self) -> Vec<ClaimView> {
        CLAIMS.iter().map(|c| self.view_of(c)).collect()
    }

    /// Claim `id` as its card shows it.
    pub fn claim_view(&self, id: &str) -> Option<ClaimView> {
        claim(id).map(|c| self.view_of(c))
    }

    pub(super) fn view_of(&self, c: &'static Claim) -> ClaimView {
        let judged = self.judged.iter().find(|j| j.id == c.id);
        let judgement = judged
            .and_then(|j| j.judgement.clone())
            .or_else(|| c.standing());
        ClaimView {
            id: c.id,
            text: c.text,
            heard: c.heard,
            design: c.design,
            experiment: c.experiment(),
            verdict: judgement.as_ref().and_then(|j| j.verdict),
            because: judgement.map(|j| j.because),
            run: judged.map(|j| j.run),
            running: judged.is_some_and(|j| j.judgement.is_none()),
            link: format!("?claim={}", c.id),
            source: c.source(),
            current: self.scenario.claim == Some(c.id),
            guess: self.claim_guess(c.id),
            asks: self.quiz() && self.claim_guess(c.id).is_none(),
        }
    }

    /// A claim's embed: the two verdict lines say the claim before its run and what its run
    /// found after it (the caption line has room for the claim's start only); None while it
    /// runs, or without a claim, when the lines are the run's own.
    pub fn claim_line(&self) -> Option<String> {
        let c = self.claim_view(self.scenario.claim?)?;
        match (c.verdict, c.because) {
            _ if c.running => None,
            (Some(v), Some(because)) => Some(format!("{}. {because}", v.label())),
            (None, Some(because)) => Some(because),
            _ if self.run.is_none() => Some(format!("Claim: {} Press Run to test it.", c.text)),
            _ => None,
        }
    }
}

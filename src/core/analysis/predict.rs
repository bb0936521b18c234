//! Predict, then run: the question a page asks before its run (`predict=1`), derived from the
//! scenario and the models shown, its choices, and the answer this run's numbers give a guess.
//!
//! The question is one of four: which model finishes first; how much faster than sequential
//! the one other model is; under which model the hog preset's chatty task waits least; or, for
//! a claim, its verdict. The answer is computed from the run's facts as the verdict is, and a
//! run whose numbers are disturbed, or that did not finish, answers nothing.

use crate::core::analysis::claims::{claim, Verdict};
use crate::core::analysis::results::ModelResult;
use crate::core::analysis::verdict::{how, Expectation, Facts};
use crate::core::input::scenario::{Scenario, Source};
use crate::core::input::workload::Preset;
use crate::core::measure::trace::Model;
use crate::core::measure::units::format_ms;

/// Two models finish "together" when the slower took at most this much longer: the verdict
/// claims no winner inside it either.
pub const TIE: f64 = 1.1;

/// A speedup bucket's edges are this much wide on each side: a run that lands next to an edge
/// bears out the guesses on both sides of it.
pub const EDGE: f64 = 1.05;

/// The speedup buckets: an id, the words on its button, and its range (lower edge inclusive).
pub const BUCKETS: [(&str, &str, f64, f64); 4] = [
    ("same", "about 1×", 0.0, 1.2),
    ("up-to-2", "up to 2×", 1.2, 2.0),
    ("2-to-4", "2–4×", 2.0, 4.0),
    ("more", "over 4×", 4.0, f64::INFINITY),
];

/// What a question asks.
#[derive(Clone, Debug, PartialEq)]
pub enum Ask {
    /// Which of the models finishes first.
    Winner,
    /// How much faster than sequential this model is.
    Speedup(Model),
    /// Under which model task `task` (the chatty one) waits least at a time.
    Stall { task: u32 },
    /// A claim's verdict.
    Claim(&'static str),
}

/// One answer a reader can give: an id for automation and the words on its button.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

impl Choice {
    fn new(id: &str, label: &str) -> Choice {
        Choice {
            id: id.to_string(),
            label: label.to_string(),
        }
    }

    fn model(m: Model) -> Choice {
        Choice::new(m.id(), m.id())
    }
}

/// A question, its words and its choices, and the scenario it is about (as its link's query):
/// another workload or pool is another question, though its words be the same.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub ask: Ask,
    pub text: String,
    pub choices: Vec<Choice>,
    pub about: String,
}

impl Question {
    /// The choice `id`, if it is one of this question's.
    pub fn choice(&self, id: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.id == id)
    }
}

/// The question for `scenario` with `models` shown, or None when there is nothing to guess
/// (one model alone, with no claim).
pub fn question(scenario: &Scenario, models: &[Model]) -> Option<Question> {
    let mut about = scenario.clone();
    (about.run, about.embed, about.models) = (false, false, models.to_vec());
    let about = about.to_query();
    if let Some(c) = scenario.claim.and_then(claim) {
        return Some(Question {
            ask: Ask::Claim(c.id),
            text: "Is the claim true?".into(),
            choices: [Verdict::True, Verdict::False, Verdict::Depends]
                .into_iter()
                .map(|v| Choice::new(v.id(), v.label()))
                .collect(),
            about,
        });
    }
    let pick = |text: &str, ask: Ask| Question {
        ask,
        text: text.into(),
        choices: models.iter().map(|&m| Choice::model(m)).collect(),
        about: about.clone(),
    };
    if models.len() < 2 {
        return None;
    }
    if scenario.source == Source::Preset(Preset::Hog) {
        let task = chatty_task(scenario)?;
        return Some(pick(
            "Under which model does the chatty task wait least?",
            Ask::Stall { task },
        ));
    }
    let others: Vec<Model> = models
        .iter()
        .copied()
        .filter(|&m| m != Model::Sequential)
        .collect();
    if let ([other], true) = (others.as_slice(), models.contains(&Model::Sequential)) {
        return Some(Question {
            ask: Ask::Speedup(*other),
            text: format!("How much faster than sequential is {other}?"),
            choices: BUCKETS
                .iter()
                .map(|(id, label, ..)| Choice::new(id, label))
                .collect(),
            about,
        });
    }
    Some(pick("Which model will finish first?", Ask::Winner))
}

/// The task with the most steps (the first such): the chatty one beside a hog.
fn chatty_task(scenario: &Scenario) -> Option<u32> {
    let tasks = scenario.workload().ok()?.tasks();
    let most = tasks.iter().map(|t| t.steps.len()).max()?;
    tasks
        .iter()
        .position(|t| t.steps.len() == most)
        .map(|i| i as u32)
}

/// What a run said to a guess: the sentence, whether the guess was borne out (None: no guess,
/// or the run answers nothing), and the choices the run bears out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    pub text: String,
    pub correct: Option<bool>,
    pub measured: Vec<String>,
}

impl Answer {
    /// No answer from this run, and why.
    pub fn nothing(why: &str) -> Answer {
        Answer {
            text: format!("This run answers nothing: {why}. Press Run again."),
            correct: None,
            measured: Vec::new(),
        }
    }

    fn of(text: String, chosen: Option<&str>, measured: Vec<String>) -> Answer {
        Answer {
            correct: chosen.map(|c| measured.iter().any(|m| m == c)),
            text,
            measured,
        }
    }
}

/// What a finished run measured, as the answer reads it.
#[derive(Clone, Copy, Debug)]
pub struct Measured<'a> {
    pub facts: &'a [Facts],
    pub expect: &'a Expectation,
    pub results: &'a [ModelResult],
}

/// The answer `run` gives the guess `chosen` (None: the reader ran without guessing) to `q`.
/// A claim's question is answered by [`answer_claim`].
pub fn answer(q: &Question, chosen: Option<&str>, run: Measured) -> Answer {
    if let Some(f) = run.facts.iter().find(|f| !f.disturbed.is_empty()) {
        return Answer::nothing(&format!(
            "its numbers were disturbed ({})",
            f.disturbed.join("; ")
        ));
    }
    let chosen = chosen.filter(|c| q.choice(c).is_some());
    match &q.ask {
        Ask::Winner => winner(q, chosen, run),
        Ask::Speedup(m) => speedup(*m, chosen, run),
        Ask::Stall { task } => stall(q, *task, chosen, run),
        Ask::Claim(_) => Answer::nothing("a claim is answered by its verdict"),
    }
}

/// The answer a claim's verdict gives the guess `chosen`: `by` is what judged it ("the run",
/// "the source"); `because`, why the verdict is what it is, or why there is none.
pub fn answer_claim(
    verdict: Option<Verdict>,
    (by, because): (&str, &str),
    chosen: Option<&str>,
) -> Answer {
    let Some(v) = verdict else {
        let why = because
            .trim_start_matches("No verdict: ")
            .trim_end_matches('.');
        return Answer::nothing(&lower_first(why));
    };
    let measured = vec![v.id().to_string()];
    let said = v.label().to_lowercase();
    let text = match chosen {
        None => format!("No guess; {by} says {said}. {because}"),
        Some(c) if c == v.id() => format!("Right: {by} says {said}. {because}"),
        Some(c) => format!("You guessed {}; {by} says {said}. {because}", label_of(c)),
    };
    Answer::of(text, chosen, measured)
}

fn label_of(verdict_id: &str) -> String {
    [Verdict::True, Verdict::False, Verdict::Depends]
        .into_iter()
        .find(|v| v.id() == verdict_id)
        .map_or_else(String::new, |v| v.label().to_lowercase())
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The models whose numbers answer, in the question's order, by `key` (less is better): every
/// model within `band` of the best.
fn best<T: Copy>(
    items: &[(Model, T)],
    key: impl Fn(T) -> f64,
    band: impl Fn(f64) -> f64,
) -> Vec<&(Model, T)> {
    let least = items.iter().map(|x| key(x.1)).fold(f64::INFINITY, f64::min);
    items.iter().filter(|x| key(x.1) <= band(least)).collect()
}

/// "threads'", "async's".
fn possessive(m: Model) -> String {
    if m.id().ends_with('s') {
        format!("{m}'")
    } else {
        format!("{m}'s")
    }
}

/// "a", "a and b", "a, b and c".
fn listed(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn winner(q: &Question, chosen: Option<&str>, run: Measured) -> Answer {
    let walls: Vec<(Model, f64)> = q
        .choices
        .iter()
        .filter_map(|c| run.facts.iter().find(|f| f.model.id() == c.id))
        .map(|f| (f.model, f.wall_ms))
        .collect();
    if walls.len() < 2 {
        return Answer::nothing("fewer than two of its models ran");
    }
    // A model this device could not run (an embed beside a recording made elsewhere) is
    // neither right nor wrong: the models that ran answer among themselves.
    let chosen_ran = chosen.filter(|c| walls.iter().any(|(m, _)| m.id() == *c));
    let sequential = walls
        .iter()
        .find(|(m, _)| *m == Model::Sequential)
        .map(|x| x.1);
    let won = best(&walls, |w| w, |least| least * TIE);
    let names: Vec<String> = won.iter().map(|(m, _)| m.to_string()).collect();
    let measured: Vec<String> = won.iter().map(|(m, _)| m.id().to_string()).collect();
    // How fast a model was, against sequential when it ran, else in time.
    let pace = |m: Model, w: f64| match sequential {
        Some(s) if m != Model::Sequential => format!("{:.1}× faster than sequential", s / w),
        _ => format!("in {}", format_ms(w)),
    };
    let (first, first_wall) = *won[0];
    let tied = if won.len() > 1 { " (within 10 %)" } else { "" };
    let did = format!("{}{tied}", listed(&names));
    let why = match won.as_slice() {
        [(m, _)] => run
            .facts
            .iter()
            .find(|f| f.model == *m)
            .map(|f| how(f, run.expect))
            .filter(|h| !h.is_empty())
            .map_or(String::new(), |h| format!(": {}", h.join(", "))),
        _ => String::new(),
    };
    let text = match chosen {
        None => format!(
            "No guess: {did} finished first, {}{why}.",
            pace(first, first_wall)
        ),
        Some(c) if chosen_ran.is_none() => {
            let text = format!(
                "You expected {c} to finish first, but it could not run here; of the models that did, {did} finished first, {}.",
                pace(first, first_wall)
            );
            return Answer {
                text,
                correct: None,
                measured,
            };
        }
        Some(c) if measured.iter().any(|m| m == c) => {
            let (m, w) = walls
                .iter()
                .copied()
                .find(|(m, _)| m.id() == c)
                .unwrap_or((first, first_wall));
            let with: Vec<String> = names.iter().filter(|n| *n != c).cloned().collect();
            let with = if with.is_empty() {
                String::new()
            } else {
                format!(", tied with {} (within 10 %)", listed(&with))
            };
            format!("Right: {m} finished first{with}, {}{why}.", pace(m, w))
        }
        Some(c) => {
            let (m, w) = walls
                .iter()
                .copied()
                .find(|(m, _)| m.id() == c)
                .unwrap_or((first, first_wall));
            let theirs = match sequential {
                Some(s) if m != Model::Sequential => format!("{} {:.1}×", possessive(m), s / w),
                _ => format!("{} {}", possessive(m), format_ms(w)),
            };
            format!(
                "You expected {m} to finish first; {did} did, {} to {theirs}{why}.",
                pace(first, first_wall)
            )
        }
    };
    Answer::of(text, chosen, measured)
}

/// The buckets a speedup of `x` bears out: its own, and a neighbour it lies within [`EDGE`] of.
pub fn buckets_of(x: f64) -> Vec<String> {
    BUCKETS
        .iter()
        .filter(|(_, _, lo, hi)| x >= lo / EDGE && x < hi * EDGE)
        .map(|(id, ..)| id.to_string())
        .collect()
}

fn speedup(m: Model, chosen: Option<&str>, run: Measured) -> Answer {
    let wall = |model: Model| run.facts.iter().find(|f| f.model == model);
    let (Some(seq), Some(f)) = (wall(Model::Sequential), wall(m)) else {
        return Answer::nothing(&format!("sequential and {m} did not both run"));
    };
    let x = seq.wall_ms / f.wall_ms.max(1e-9);
    let mut why = how(f, run.expect);
    if x < 1.2 && !run.expect.io && f.max_cpu <= 1 && run.expect.cpu_ms > 0.0 {
        why.push("it never computed on more than one core at once".into());
    }
    let why = if why.is_empty() {
        String::new()
    } else {
        format!(": {}", why.join(", "))
    };
    let measured = buckets_of(x);
    let ran = format!("{m} ran {x:.1}× as fast as sequential{why}");
    let text = match chosen {
        None => format!("No guess: {ran}."),
        Some(c) if measured.iter().any(|b| b == c) => format!("Right: {ran}."),
        Some(c) => {
            let label = BUCKETS.iter().find(|b| b.0 == c).map_or(c, |b| b.1);
            format!("You expected {label}; {ran}.")
        }
    };
    Answer::of(text, chosen, measured)
}

fn stall(q: &Question, task: u32, chosen: Option<&str>, run: Measured) -> Answer {
    let stalls: Vec<(Model, f64)> = q
        .choices
        .iter()
        .filter_map(|c| run.results.iter().find(|r| r.model.id() == c.id))
        .filter_map(|r| {
            let l = r.latency.as_ref()?;
            let t = l.tasks.iter().find(|t| t.task == task)?;
            Some((r.model, t.stall_ms))
        })
        .collect();
    if stalls.len() < 2 {
        return Answer::nothing("fewer than two of its models ran");
    }
    // Stalls of a few ms are the timers' own jitter: within 10 ms of the least is as good.
    let won = best(&stalls, |s| s, |least| (least * TIE).max(least + 10.0));
    let names: Vec<String> = won.iter().map(|(m, _)| m.to_string()).collect();
    let measured: Vec<String> = won.iter().map(|(m, _)| m.id().to_string()).collect();
    let (first, least) = *won[0];
    let at_most = |m: Model, s: f64| match s {
        s if s < 0.5 => format!("under {m} the chatty task never waited"),
        s => format!(
            "under {m} the chatty task waited at most {} at a time",
            format_ms(s)
        ),
    };
    let others = if won.len() > 1 {
        format!(" ({} within 10 ms of it)", listed(&names[1..]))
    } else {
        String::new()
    };
    let text = match chosen {
        None => format!("No guess: {}{others}.", at_most(first, least)),
        Some(c) if !stalls.iter().any(|(m, _)| m.id() == c) => {
            let text = format!(
                "You expected {c}, but it could not run here; {}{others}.",
                at_most(first, least)
            );
            return Answer {
                text,
                correct: None,
                measured,
            };
        }
        Some(c) if measured.iter().any(|m| m == c) => {
            let (m, s) = stalls
                .iter()
                .copied()
                .find(|(m, _)| m.id() == c)
                .unwrap_or((first, least));
            format!("Right: {}, as little as any model.", at_most(m, s))
        }
        Some(c) => {
            let (m, s) = stalls
                .iter()
                .copied()
                .find(|(m, _)| m.id() == c)
                .unwrap_or((first, least));
            format!(
                "You expected {m}; {}{others}, and {}.",
                at_most(first, least),
                at_most(m, s)
            )
        }
    };
    Answer::of(text, chosen, measured)
}

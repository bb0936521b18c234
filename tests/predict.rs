//! Predict, then run (`predict=1`): the question each preset and claim asks, a guess and the
//! answer the run gives it, a skipped question, a disturbed run that answers nothing, a
//! recording that answers from its spans, and the Claims view as a quiz with its score.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::stories::*;
use conpar::core::session::FormInput;

use conpar::core::analysis::claims::{Verdict, CLAIMS};
use conpar::core::analysis::predict::{buckets_of, question, Ask};
use conpar::core::input::scenario::Scenario;
use conpar::core::measure::trace::Model;
use conpar::core::protocol::FromConductor;
use conpar::core::protocol::{Finished, RunRequest};
use conpar::core::session::{Input, Session, GUESS_FIRST};

const WINNER: &str = "Which model will finish first?";

/// The question `query` asks on a machine of 2 cores, with the scenario's models shown.
fn asked(query: &str) -> Option<(Ask, String, Vec<String>)> {
    let (s, notices) = Scenario::from_query(query, 2);
    assert!(notices.is_empty(), "{notices:?}");
    question(&s, &s.models).map(|q| (q.ask, q.text, q.choices.into_iter().map(|c| c.id).collect()))
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_preset_and_claim_asks_a_question_of_its_own() {
    let five = ids(&["sequential", "async", "gil", "threads", "processes"]);
    for preset in ["io", "cpu", "mixed"] {
        assert_eq!(
            asked(&format!("?preset={preset}&predict=1")),
            Some((Ask::Winner, WINNER.into(), five.clone())),
            "{preset}"
        );
    }
    // Beside a hog, wall times hide the difference: the chatty task's stalls show it.
    assert_eq!(
        asked("?preset=hog&predict=1"),
        Some((
            Ask::Stall { task: 1 },
            "Under which model does the chatty task wait least?".into(),
            five
        ))
    );
    // Sequential and one other: how much faster, in buckets.
    assert_eq!(
        asked("?preset=cpu&models=sequential,threads&predict=1"),
        Some((
            Ask::Speedup(Model::Threads),
            "How much faster than sequential is threads?".into(),
            ids(&["same", "up-to-2", "2-to-4", "more"])
        ))
    );
    // Two models without sequential: which is first.
    assert_eq!(
        asked("?preset=io&models=async,threads&predict=1").map(|q| q.0),
        Some(Ask::Winner)
    );
    // One model: nothing to guess.
    assert_eq!(asked("?preset=io&models=async&predict=1"), None);
    // Every claim asks for its verdict, whatever its experiment's models.
    for c in CLAIMS {
        assert_eq!(
            asked(&format!("?claim={}&predict=1", c.id)),
            Some((
                Ask::Claim(c.id),
                "Is the claim true?".into(),
                ids(&["true", "false", "depends"])
            )),
            "{}",
            c.id
        );
    }
    // Without predict=1 a page asks nothing, and a link keeps the question.
    let (s, _) = started("?preset=io", ISOLATED);
    assert!(s.prediction().is_none());
    let (s, _) = Scenario::from_query("?preset=io&predict=1", 2);
    assert!(s.to_query().contains("predict=1"), "{}", s.to_query());
}

#[test]
fn a_speedup_next_to_a_buckets_edge_bears_out_both_sides() {
    assert_eq!(buckets_of(0.6), ids(&["same"]));
    assert_eq!(buckets_of(1.16), ids(&["same", "up-to-2"]));
    assert_eq!(buckets_of(1.5), ids(&["up-to-2"]));
    assert_eq!(buckets_of(1.98), ids(&["up-to-2", "2-to-4"]));
    assert_eq!(buckets_of(3.0), ids(&["2-to-4"]));
    assert_eq!(buckets_of(7.9), ids(&["more"]));
}

#[test]
fn a_guess_is_answered_by_the_run_that_follows_it_and_holds_until_the_scenario_changes() {
    let (mut s, _) = started("?preset=io&predict=1", ISOLATED);
    greet(&mut s);
    // Before a guess, the expected schedules would give the answer away: each panel keeps its
    // rows, and draws nothing.
    assert!(s.withheld());
    let blank = s.withheld_traces();
    assert_eq!(blank.len(), 5);
    assert!(blank.iter().all(|t| t.spans.is_empty()));
    assert_eq!(
        blank.iter().map(|t| t.lanes).collect::<Vec<_>>(),
        s.traces().iter().map(|t| t.lanes).collect::<Vec<_>>()
    );
    let p = s.prediction().expect("it asks");
    assert_eq!((p.question.as_str(), p.open), (WINNER, true));
    assert_eq!((p.chosen, p.answer), (None, None));
    // Not a choice: nothing happens.
    go(&mut s, Input::Guess("rust".into()));
    assert_eq!(s.chosen(), None);
    go(&mut s, Input::Guess("async".into()));
    go(&mut s, Input::Guess("processes".into()));
    assert_eq!(
        s.chosen().as_deref(),
        Some("processes"),
        "changed before the run"
    );
    assert!(!s.withheld());
    let req = sent(&go(&mut s, Input::Run)).expect("it runs");
    assert!(!s.guess_open(), "a running run keeps the guess");
    go(&mut s, Input::Guess("async".into()));
    assert_eq!(s.chosen().as_deref(), Some("processes"));
    assert!(s.answer().is_none(), "no answer before the run ends");
    finish(&mut s, &req);
    let p = s.prediction().expect("it asks");
    assert_eq!(
        p.answer.as_deref(),
        Some("You expected processes to finish first; async did, 8.0× faster than sequential to processes' 2.0×: its waits overlapped (up to 8 at once).")
    );
    assert_eq!((p.correct, p.measured), (Some(false), ids(&["async"])));
    assert!(!p.open, "an answered guess stands");
    go(&mut s, Input::Guess("async".into()));
    assert_eq!(s.chosen().as_deref(), Some("processes"));
    // Run again: the same guess, answered again by the new run.
    let req = sent(&go(&mut s, Input::Run)).expect("it runs again");
    assert!(s.answer().is_none());
    finish(&mut s, &req);
    assert_eq!(s.answer().and_then(|a| a.correct), Some(false));
    // Another workload asks anew.
    go(&mut s, Input::Form(FormInput::Preset("cpu".into())));
    let p = s.prediction().expect("it asks");
    assert_eq!((p.chosen, p.answer, p.open), (None, None, true));
    go(&mut s, Input::Guess("threads".into()));
    let req = sent(&go(&mut s, Input::Run)).expect("it runs");
    finish(&mut s, &req);
    let a = s.answer().expect("answered");
    assert_eq!(a.correct, Some(true), "{}", a.text);
    assert_eq!(
        a.text,
        "Right: threads finished first, tied with processes (within 10 %), 2.0× faster than sequential."
    );
}

#[test]
fn a_reader_who_skips_the_question_gets_what_was_measured() {
    let (mut s, _) = started("?preset=cpu&models=sequential,gil&predict=1", ISOLATED);
    greet(&mut s);
    let req = sent(&go(&mut s, Input::Run)).expect("Run needs no guess");
    assert!(!s.withheld(), "a run shows itself");
    finish(&mut s, &req);
    let a = s.answer().expect("answered");
    assert_eq!(
        a.text,
        "No guess: gil ran 1.0× as fast as sequential: it never computed on more than one core at once."
    );
    assert_eq!((a.correct, a.measured), (None, ids(&["same"])));
    // A guess now is for the next run: this one's answer was seen.
    assert!(s.guess_open());
    go(&mut s, Input::Guess("same".into()));
    assert!(s.answer().is_none());
    let req = sent(&go(&mut s, Input::Run)).expect("it runs");
    finish(&mut s, &req);
    assert_eq!(s.answer().and_then(|a| a.correct), Some(true));
}

/// Feeds `req` as [`finish`] does, with `slow`'s spans stretched threefold: a machine busy
/// while it ran.
fn finish_with_busy(s: &mut Session, req: &RunRequest, slow: Model) {
    let mut at = 1000.0;
    for slot in 0..req.models.len() as u32 {
        let k = if req.models[slot as usize] == slow {
            3.0
        } else {
            1.0
        };
        for mut r in slot_reports(req, slot, at) {
            match &mut r {
                FromConductor::Spans { done, .. } => {
                    for sp in done.iter_mut() {
                        sp.start = at + (sp.start - at) * k;
                        sp.end = at + (sp.end - at) * k;
                    }
                }
                FromConductor::ModelDone {
                    outcome: Ok(Finished { end, .. }),
                    ..
                } => *end = at + (*end - at) * k,
                _ => {}
            }
            s.handle(Input::Engine(r));
        }
        at += 10_000.0;
    }
    go(s, Input::Engine(FromConductor::RunDone { run: req.run }));
}

#[test]
fn a_disturbed_run_answers_nothing_and_says_why() {
    let (mut s, _) = started(
        "?preset=cpu&models=sequential,threads&threads=2&predict=1",
        ISOLATED,
    );
    greet(&mut s);
    go(&mut s, Input::Guess("up-to-2".into()));
    let req = sent(&go(&mut s, Input::Run)).expect("it runs");
    finish_with_busy(&mut s, &req, Model::Threads);
    let a = s.answer().expect("it says why");
    assert!(
        a.text.starts_with("This run answers nothing: its numbers were disturbed (the machine was busy during threads"),
        "{}",
        a.text
    );
    assert!(a.text.ends_with("Press Run again."), "{}", a.text);
    assert_eq!((a.correct, a.measured.len()), (None, 0));
    // The guess stands for the next run, which answers it.
    assert_eq!(s.chosen().as_deref(), Some("up-to-2"));
    let req = sent(&go(&mut s, Input::Run)).expect("Run again");
    finish(&mut s, &req);
    let a = s.answer().expect("answered");
    assert_eq!(a.correct, Some(true), "{}", a.text);
    // A stopped run answers nothing either.
    let req = sent(&go(&mut s, Input::Run)).expect("it runs");
    s.handle(Input::Engine(slot_reports(&req, 0, 0.0).remove(0)));
    go(&mut s, Input::Stop);
    let a = s.answer().expect("it says why");
    assert!(
        a.text
            .starts_with("This run answers nothing: sequential did not finish"),
        "{}",
        a.text
    );
}

#[test]
fn a_recording_answers_from_its_spans_and_a_run_here_answers_again() {
    let query = "?preset=cpu&models=sequential,threads&threads=2&processes=2&predict=1&run=1";
    let (_, text) = recorded_link(query, ISOLATED);
    let mut s = Session::new(query, ISOLATED).with_fragment(&format!("#rec={text}"));
    go(&mut s, Input::Start);
    assert!(s.withheld(), "the recording waits for the guess");
    assert!(s.answer().is_none(), "and says nothing of it");
    assert!(s.withheld_traces().iter().all(|t| t.spans.is_empty()));
    assert!(s.traces().iter().all(|t| !t.spans.is_empty()));
    go(&mut s, Input::Guess("2-to-4".into()));
    assert!(!s.withheld());
    let a = s.answer().expect("the recording answers at once");
    assert_eq!(
        a.text,
        "Right: threads ran 2.0× as fast as sequential: it computed on 2 lanes at once."
    );
    assert_eq!(a.correct, Some(true));
    // Run on this device answers again, from the reader's run.
    let out = go(&mut s, Input::Run);
    let req = sent(&out)
        .or_else(|| sent(&greet(&mut s)))
        .expect("it runs here");
    assert!(s.answer().is_none());
    finish(&mut s, &req);
    assert_eq!(s.answer().and_then(|a| a.correct), Some(true));
}

#[test]
fn a_claim_asks_for_its_verdict_and_a_sourced_one_answers_at_once() {
    let (mut s, _) = started("?claim=gil-cpu&predict=1", ISOLATED);
    greet(&mut s);
    go(&mut s, Input::Guess("false".into()));
    let req = sent(&go(&mut s, Input::Run)).expect("it runs");
    finish(&mut s, &req);
    let a = s.answer().expect("judged");
    assert!(
        a.text.starts_with(
            "You guessed false; the run says true. Its threads never computed at once"
        ),
        "{}",
        a.text
    );
    assert_eq!((a.correct, a.measured), (Some(false), ids(&["true"])));
    // A claim no browser can run is answered from its source, with no run.
    let (mut s, _) = started("?claim=java-gil&predict=1", ISOLATED);
    assert!(s.answer().is_none());
    go(&mut s, Input::Guess("false".into()));
    let a = s.answer().expect("answered from its source");
    assert!(
        a.text
            .starts_with("Right: the source says false. No run in a browser can test Java."),
        "{}",
        a.text
    );
    assert_eq!(a.correct, Some(true));
}

#[test]
fn the_claims_view_asks_on_every_card_and_keeps_the_score() {
    let (mut s, _) = started("?claims=1&predict=1", ISOLATED);
    greet(&mut s);
    assert!(
        s.prediction().is_none(),
        "the cards ask, not the playground"
    );
    assert_eq!(
        s.quiz_score().as_deref(),
        Some("Guess each claim before its run: 0 of 12 guessed.")
    );
    for v in s.claim_views() {
        assert!(v.asks, "{}", v.id);
        assert_eq!(v.card_text(), (None, GUESS_FIRST.to_string()), "{}", v.id);
    }
    // A claim from a source: its verdict shows as soon as the guess is in.
    go(
        &mut s,
        Input::GuessClaim {
            id: "java-gil".into(),
            choice: "true".into(),
        },
    );
    let v = claim_view(&s, "java-gil");
    assert_eq!(v.card_text().0, Some(Verdict::False));
    assert!(
        v.card_text().1.starts_with("You guessed true. No run"),
        "{}",
        v.card_text().1
    );
    // A guess is once per claim.
    go(
        &mut s,
        Input::GuessClaim {
            id: "java-gil".into(),
            choice: "false".into(),
        },
    );
    assert_eq!(claim_view(&s, "java-gil").guess, Some(Verdict::True));
    // A claim to run: the guess, then its run judges it.
    go(
        &mut s,
        Input::GuessClaim {
            id: "threads-io".into(),
            choice: "true".into(),
        },
    );
    assert_eq!(
        claim_view(&s, "threads-io").card_text(),
        (None, "You guessed true. Press Run to test it.".to_string())
    );
    let out = go(&mut s, Input::RunClaim("threads-io".into()));
    let req = sent(&out)
        .or_else(|| sent(&greet(&mut s)))
        .expect("it runs, once the engine has its pool");
    finish(&mut s, &req);
    let (verdict, text) = claim_view(&s, "threads-io").card_text();
    assert_eq!(verdict, Some(Verdict::True));
    assert!(text.starts_with("As you guessed."), "{text}");
    go(
        &mut s,
        Input::GuessClaim {
            id: "gil-cpu".into(),
            choice: "depends".into(),
        },
    );
    assert_eq!(
        s.quiz_score().as_deref(),
        Some("3 of 12 claims guessed; 2 judged so far, 1 as you guessed.")
    );
    let out = go(&mut s, Input::RunClaim("gil-cpu".into()));
    let req = sent(&out)
        .or_else(|| sent(&greet(&mut s)))
        .expect("it runs, once the engine has its pool");
    finish(&mut s, &req);
    assert_eq!(
        s.quiz_score().as_deref(),
        Some("3 of 12 claims guessed; 3 judged so far, 1 as you guessed.")
    );
    // Without predict=1 the cards say their verdicts as before.
    let (s, _) = started("?claims=1", ISOLATED);
    assert!(s.quiz_score().is_none());
    assert!(s.claim_views().iter().all(|v| !v.asks));
}

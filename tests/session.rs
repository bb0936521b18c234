//! Native tests of the page's state machine: whole stories driven through `Session::handle`
//! with a fake conductor that answers run requests with the expected schedule of each model
//! (as a real conductor would report a run on an ideal machine).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::stories::*;
use conpar::core::session::{FormInput, NoticeInput, TimelineInput, TurnInput};

use conpar::core::measure::trace::Model;
use conpar::core::protocol::FromConductor;
use conpar::core::session::sweep::SweepEnd;
use conpar::core::session::{
    Conductor, Effect, EmbedDialog, Environment, Guard, Holder, Input, Parts, Pending, Session,
    Setting, Status, UNGUARDED,
};

#[test]
fn run_on_load_goes_from_loading_to_done_with_checked_results() {
    let (mut s, out) = started("?preset=io&models=sequential,async,gil&run=1", ISOLATED);
    assert_eq!(engine_started(&out), Some(6), "min(32, cores + 4) threads");
    assert_eq!(s.status(), Status::Loading);
    assert_eq!(s.pending(), Pending::Engine);
    assert!(out.render.contains(Parts::ALL));
    let out = greet(&mut s);
    let req = sent(&out).expect("the run starts once the engine is ready");
    assert_eq!(
        req.models,
        vec![Model::Sequential, Model::Async, Model::Gil]
    );
    assert_eq!((req.run, s.runs_started()), (1, 1));
    assert_eq!(s.status(), Status::Running);
    assert!(out.effects.contains(&Effect::SyncUrl));
    // A report names its slot: the status says which model runs.
    go(&mut s, Input::Engine(slot_reports(&req, 1, 0.0).remove(0)));
    assert_eq!(s.status_text(), "Running async…");
    let out = finish(&mut s, &req);
    assert_eq!(s.status(), Status::Done);
    assert!(out.render.contains(Parts::RESULTS | Parts::RUN_TOOLS));
    assert!(!s.running());
    assert_eq!(s.results().len(), 3);
    let speedup = |m: Model| {
        s.results()
            .iter()
            .find(|r| r.model == m)
            .and_then(|r| r.speedup)
    };
    assert!(
        speedup(Model::Async).is_some_and(|x| x > 5.0),
        "waits overlap"
    );
    assert!(
        s.results().iter().all(|r| r.disturbed.is_empty()),
        "an ideal run is clean"
    );
    assert!(s.results().iter().all(|r| r.latency.is_some()));
    assert!(s.agree());
}

#[test]
fn run_pressed_while_loading_starts_when_ready_and_stop_cancels_it() {
    let (mut s, out) = started("?preset=cpu&models=sequential,threads", ISOLATED);
    assert!(engine_started(&out).is_some());
    assert_eq!(s.pending(), Pending::None);
    let out = go(&mut s, Input::Run);
    assert!(
        sent(&out).is_none(),
        "nothing is sent before the engine is ready"
    );
    assert_eq!(s.pending(), Pending::Engine);
    assert_eq!(s.status(), Status::Loading);
    assert!(s.can_stop());
    // Stop before it started: nothing runs when the engine becomes ready.
    go(&mut s, Input::Stop);
    assert_eq!(s.pending(), Pending::None);
    let out = greet(&mut s);
    assert!(sent(&out).is_none());
    assert_eq!(s.status(), Status::Ready);
    // Pressed again once ready: it runs at once.
    let out = go(&mut s, Input::Run);
    assert_eq!(sent(&out).map(|r| r.run), Some(1));
}

#[test]
fn stop_mid_run_restarts_the_engine_and_ignores_the_old_runs_reports() {
    let (mut s, _) = started("?preset=cpu&models=sequential,threads&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("sent");
    for r in slot_reports(&req, 0, 0.0) {
        go(&mut s, Input::Engine(r));
    }
    let out = go(&mut s, Input::Stop);
    assert!(out.effects.contains(&Effect::RetireEngine));
    assert!(engine_started(&out).is_some());
    assert_eq!(s.status(), Status::Loading);
    let run = s.run().as_ref().expect("the run is kept");
    assert!(run.finished);
    assert_eq!(
        run.error_of(Model::Threads).map(String::as_str),
        Some("stopped")
    );
    assert_eq!(s.results().len(), 1, "sequential's result stays");
    // A late report of the stopped run changes nothing.
    let before = s.status_text().clone();
    go(
        &mut s,
        Input::Engine(FromConductor::RunDone { run: req.run }),
    );
    assert_eq!(*s.status_text(), before);
    // The fresh engine greets: ready again, and the next run is run 2.
    greet(&mut s);
    assert_eq!(s.status(), Status::Ready);
    assert_eq!(sent(&go(&mut s, Input::Run)).map(|r| r.run), Some(2));
}

#[test]
fn stop_mid_repeat_keeps_the_finished_repeats() {
    let (mut s, _) = started(
        "?workload=2%20x%20cpu%2050&models=sequential,async&repeat=3&run=1",
        ISOLATED,
    );
    let req = sent(&greet(&mut s)).expect("sent");
    assert_eq!(req.models.len(), 6, "three repeats interleaved");
    assert_eq!(&req.models[..2], &[Model::Sequential, Model::Async]);
    for slot in 0..3 {
        for r in slot_reports(&req, slot, f64::from(slot) * 1000.0) {
            go(&mut s, Input::Engine(r));
        }
    }
    assert_eq!(s.status_text(), "Running sequential (2 of 3)…");
    go(&mut s, Input::Stop);
    let run = s.run().as_ref().expect("run");
    assert_eq!(run.completed().len(), 3);
    assert_eq!(
        run.traces.iter().filter(|t| t.error.is_some()).count(),
        3,
        "every unfinished repeat says it was stopped"
    );
    assert_eq!(s.results().len(), 2);
    let seq = &s.results()[0];
    assert_eq!(
        seq.repeats_wall_ms.len(),
        2,
        "the repeats that ran are kept"
    );
}

#[test]
fn a_sweep_runs_each_size_with_its_own_baseline_and_stop_ends_it() {
    let (mut s, _) = started("?preset=cpu&models=threads", ISOLATED);
    greet(&mut s);
    let out = go(&mut s, Input::Sweep("1,2".into()));
    let first = sent(&out).expect("the first size runs");
    assert_eq!(first.models, vec![Model::Sequential, Model::Threads]);
    assert_eq!(first.threads, 1);
    let out = finish(&mut s, &first);
    let second = sent(&out).expect("the next size follows");
    assert_eq!((second.threads, second.run), (2, 2));
    let sweep = s.sweep().as_ref().expect("sweep");
    assert_eq!(sweep.points.len(), 1);
    assert!(sweep.running());
    finish(&mut s, &second);
    let sweep = s.sweep().as_ref().expect("sweep");
    assert_eq!(sweep.ended, Some(SweepEnd::Done));
    assert_eq!(sweep.points.len(), 2);
    assert!(sweep.points[1].speedup > sweep.points[0].speedup);
    assert_eq!(s.status_text(), "Sweep done: measured in this browser.");

    // A second sweep stopped after its first size: it ends there, and nothing more is sent.
    let first = sent(&go(&mut s, Input::Sweep("1,2,4".into()))).expect("runs");
    go(&mut s, Input::Stop);
    assert_eq!(
        s.sweep().as_ref().and_then(|s| s.ended.clone()),
        Some(SweepEnd::Stopped)
    );
    let out = go(
        &mut s,
        Input::Engine(FromConductor::RunDone { run: first.run }),
    );
    assert!(sent(&out).is_none());
    // Bad sizes: a notice, no sweep.
    greet(&mut s);
    let out = go(&mut s, Input::Sweep("0,x".into()));
    assert!(sent(&out).is_none());
    assert!(s.notices().open && s.notices().list[0].contains("sweep sizes"));
}

#[test]
fn a_moved_calibration_is_used_and_said() {
    let (mut s, _) = started("?preset=cpu&models=sequential&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("sent");
    // Before the engine's first run it is routine: no notice.
    go(
        &mut s,
        Input::Engine(FromConductor::Recalibrated {
            run: req.run,
            before: 1000,
            after: 1200,
            first: true,
        }),
    );
    assert!(!s.notices().open);
    let out = go(
        &mut s,
        Input::Engine(FromConductor::Recalibrated {
            run: req.run,
            before: 1000,
            after: 800,
            first: false,
        }),
    );
    assert_eq!(s.calibration().map(|c| c.rounds_per_ms), Some(800));
    assert!(out.render.contains(Parts::ENVIRONMENT | Parts::NOTICES));
    assert!(s.notices().list.iter().any(|n| n.contains("-20 %")));
}

#[test]
fn a_dead_engine_ends_the_run_in_words_and_run_starts_a_new_one() {
    let (mut s, _) = started("?preset=mixed&models=sequential,processes&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("sent");
    let out = go(
        &mut s,
        Input::Engine(FromConductor::Fatal {
            message: "a process worker sent no `result` within 2.4 s".into(),
        }),
    );
    assert!(out.effects.contains(&Effect::RetireEngine));
    assert_eq!(*s.engine(), Conductor::Off);
    assert_eq!(s.status(), Status::Error);
    assert!(s
        .status_text()
        .starts_with("The engine failed: a process worker"));
    assert!(s.notices().open);
    let run = s.run().as_ref().expect("run");
    assert!(run.finished);
    assert_eq!(
        run.error_of(Model::Sequential).map(String::as_str),
        Some("the engine failed")
    );
    // Run starts a fresh engine and runs once it is ready.
    let out = go(&mut s, Input::Run);
    assert!(engine_started(&out).is_some());
    let next = sent(&greet(&mut s)).expect("runs");
    assert_eq!(next.run, req.run + 1);

    // A broken pool: the run had ended (RunDone came first); a fresh engine starts now.
    finish(&mut s, &next);
    let out = go(
        &mut s,
        Input::Engine(FromConductor::Broken {
            message: "threads stopped making progress".into(),
        }),
    );
    assert!(engine_started(&out).is_some());
    assert_eq!(s.status(), Status::Error);
    greet(&mut s);
    assert_eq!(s.status_text(), "Ready again. Press Run.");
    // The engine could not even start: said, and Run tries again.
    let out = go(&mut s, Input::EngineNotStarted("SecurityError".into()));
    assert!(out.render.contains(Parts::STATUS));
    assert_eq!(s.status(), Status::Error);
    assert!(engine_started(&go(&mut s, Input::Run)).is_some());
}

#[test]
fn a_setting_changed_during_a_run_applies_to_the_next_one() {
    let (mut s, _) = started("?preset=cpu&models=sequential,threads&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("sent");
    assert_eq!(req.threads, 6);
    let out = go(
        &mut s,
        Input::Form(FormInput::Set(Setting::Threads, "2".into())),
    );
    assert!(out.effects.contains(&Effect::SyncUrl));
    assert!(sent(&out).is_none(), "the run in progress goes on");
    assert!(s.running());
    assert_eq!(s.scenario().threads, 2);
    // An out-of-range value: a notice, the old value kept and shown.
    let out = go(
        &mut s,
        Input::Form(FormInput::Set(Setting::Threads, "100".into())),
    );
    assert_eq!(s.scenario().threads, 2);
    assert!(out.render.contains(Parts::FORM | Parts::NOTICES));
    assert!(s.notices().open);
    // Run while running does nothing.
    assert!(sent(&go(&mut s, Input::Run)).is_none());
    finish(&mut s, &req);
    let next = sent(&go(&mut s, Input::Run)).expect("runs");
    assert_eq!(next.threads, 2);
    // More threads than the pool has: a bigger engine first, then the run.
    go(
        &mut s,
        Input::Form(FormInput::Set(Setting::Threads, "16".into())),
    );
    finish(&mut s, &next);
    let out = go(&mut s, Input::Run);
    assert_eq!(engine_started(&out), Some(16));
    assert!(sent(&out).is_none());
    assert_eq!(sent(&greet(&mut s)).map(|r| r.threads), Some(16));
}

#[test]
fn a_bad_address_gives_notices_and_defaults_and_a_bad_workload_runs_nothing() {
    let (mut s, out) = started("?threads=abc&models=sequential,bogus&preset=nope", ISOLATED);
    assert!(out.render.contains(Parts::NOTICES));
    assert!(s.notices().open);
    assert!(s.notices().list.len() >= 2, "{:?}", s.notices().list);
    assert_eq!(s.scenario().threads, 6);
    // The address's notices stay up through the first run.
    greet(&mut s);
    let out = go(&mut s, Input::Run);
    assert!(sent(&out).is_some());
    assert!(s.notices().list.iter().any(|n| n.contains("bogus")));

    let (mut s, _) = started("?workload=io%20x&run=1", ISOLATED);
    let out = greet(&mut s);
    assert!(sent(&out).is_none());
    assert!(out.effects.contains(&Effect::FocusWorkloadError));
    assert_eq!(s.status(), Status::Error);
    assert_eq!(s.runs_started(), 0);
    // Fixing it in the editor makes Run work.
    go(&mut s, Input::Form(FormInput::Edit("io 10".into())));
    assert!(sent(&go(&mut s, Input::Run)).is_some());
}

#[test]
fn runs_wait_for_their_turn_and_stop_works_while_waiting() {
    let (mut s, _) = started("?preset=io&models=sequential,async", ISOLATED);
    greet(&mut s);
    // Another page measures: Run asks for the turn and waits, saying so.
    let out = s.handle(Input::Run);
    assert!(out.effects.contains(&Effect::AskTurn));
    assert!(sent(&out).is_none(), "no run while another page measures");
    assert_eq!(s.pending(), Pending::Turn);
    let out = s.handle(Input::Turn(TurnInput::TurnWaiting(Holder::ThisPage)));
    assert_eq!(s.status(), Status::Loading);
    assert_eq!(
        s.status_text(),
        "Waiting: another conpar demo on this page is measuring…"
    );
    assert!(out.render.contains(Parts::STATUS));
    assert!(s.can_stop());
    assert!(s.handle(Input::Run).effects.is_empty(), "asked once");
    // Granted: it runs, holding the turn until it is done.
    let out = s.handle(Input::Turn(TurnInput::TurnGranted(Guard::Browser)));
    let req = sent(&out).expect("runs when granted");
    assert!(s.has_turn());
    let out = finish(&mut s, &req);
    assert!(out.effects.contains(&Effect::ReleaseTurn));
    assert!(!s.has_turn());
    // Waiting again, then stopped: the request is withdrawn, and a late grant starts nothing.
    s.handle(Input::Run);
    let out = s.handle(Input::Stop);
    assert!(out.effects.contains(&Effect::ReleaseTurn));
    assert_eq!(s.pending(), Pending::None);
    greet(&mut s);
    assert!(sent(&s.handle(Input::Turn(TurnInput::TurnGranted(Guard::Browser)))).is_none());
    // A run stopped midway gives the turn back too.
    go(&mut s, Input::Run);
    assert!(s.running());
    assert!(s.handle(Input::Stop).effects.contains(&Effect::ReleaseTurn));
}

#[test]
fn without_isolation_only_the_models_that_can_run_honestly_run() {
    let env = Environment {
        cores: 2,
        isolated: false,
        shared_array_buffer: false,
    };
    let (mut s, _) = started(
        "?preset=cpu&models=sequential,async,gil,threads,processes&run=1",
        env,
    );
    let req = sent(&greet(&mut s)).expect("sent");
    assert_eq!(
        req.models,
        vec![Model::Sequential, Model::Async, Model::Processes]
    );
    assert!(s
        .notices()
        .list
        .iter()
        .any(|n| n.starts_with("gil is unavailable here")));
    assert!(s
        .notices()
        .list
        .iter()
        .any(|n| n.starts_with("threads is unavailable here")));
}

#[test]
fn an_embed_starts_its_engine_when_it_comes_into_view() {
    let (mut s, out) = started("?preset=io&embed=1", ISOLATED);
    assert!(out.effects.contains(&Effect::WatchForView));
    assert!(engine_started(&out).is_none());
    assert_eq!(*s.engine(), Conductor::Off);
    let out = go(&mut s, Input::EmbedVisible);
    assert!(engine_started(&out).is_some());
    // Seen again: no second engine.
    assert!(engine_started(&go(&mut s, Input::EmbedVisible)).is_none());
    // With run=1 it starts at once.
    let (_, out) = started("?preset=io&embed=1&run=1", ISOLATED);
    assert!(engine_started(&out).is_some());
}

#[test]
fn replay_moves_the_cursor_frame_by_frame_until_the_end() {
    let (mut s, _) = started("?workload=io%20100&models=sequential&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("sent");
    // Before the run ends Replay does nothing.
    go(
        &mut s,
        Input::Timeline(TimelineInput::Replay {
            now: 0.0,
            reduced_motion: false,
        }),
    );
    assert!(s.replay_from().is_none());
    finish(&mut s, &req);
    go(
        &mut s,
        Input::Timeline(TimelineInput::Replay {
            now: 0.0,
            reduced_motion: false,
        }),
    );
    assert_eq!(s.view().cursor, Some(0.0));
    go(&mut s, Input::Timeline(TimelineInput::Frame { now: 50.0 }));
    assert_eq!(s.view().cursor, Some(50.0));
    go(
        &mut s,
        Input::Timeline(TimelineInput::Frame { now: 1000.0 }),
    );
    assert_eq!(
        (s.view().cursor, s.replay_from()),
        (None, None),
        "done at the end"
    );
    // At a quarter of the speed chosen in the menu, 200 ms of page time draw 50 ms of the run;
    // a speed the menu cannot offer changes nothing.
    go(&mut s, Input::Timeline(TimelineInput::ReplaySpeed(0.25)));
    go(
        &mut s,
        Input::Timeline(TimelineInput::ReplaySpeed(f64::NAN)),
    );
    go(&mut s, Input::Timeline(TimelineInput::ReplaySpeed(-3.0)));
    assert_eq!(s.replay_speed(), 0.25);
    go(
        &mut s,
        Input::Timeline(TimelineInput::Replay {
            now: 2000.0,
            reduced_motion: false,
        }),
    );
    go(
        &mut s,
        Input::Timeline(TimelineInput::Frame { now: 2200.0 }),
    );
    assert_eq!(s.view().cursor, Some(50.0));
    // Reduced motion: no animation, the end state.
    go(
        &mut s,
        Input::Timeline(TimelineInput::Replay {
            now: 0.0,
            reduced_motion: true,
        }),
    );
    assert!(s.replay_from().is_none());
}

#[test]
fn the_python_section_shows_the_model_chosen_once_it_is_open() {
    let (mut s, _) = started("?preset=io", ISOLATED);
    assert_eq!((s.python_model(), s.python_open()), (Model::Gil, false));
    let out = go(
        &mut s,
        Input::Form(FormInput::PythonModel(Model::Interpreters)),
    );
    assert!(out.render.contains(Parts::PYTHON));
    let out = go(&mut s, Input::Form(FormInput::PythonOpen(true)));
    assert!(out.render.contains(Parts::PYTHON));
    assert_eq!(
        (s.python_model(), s.python_open()),
        (Model::Interpreters, true)
    );
}

#[test]
fn the_embed_dialog_is_the_sessions_open_or_closed_with_the_writers_choices() {
    let (mut s, _) = started("?preset=io", ISOLATED);
    assert_eq!(
        s.embed_dialog(),
        EmbedDialog::default(),
        "closed, the frame, live"
    );
    let chosen = EmbedDialog {
        open: true,
        element: true,
        recording: false,
        predict: true,
    };
    let out = go(&mut s, Input::Form(FormInput::EmbedDialog(chosen)));
    assert!(out.render.contains(Parts::EMBED_DIALOG));
    assert_eq!(s.embed_dialog(), chosen);
    // Closed, it keeps the writer's choices for the next time.
    go(
        &mut s,
        Input::Form(FormInput::EmbedDialog(EmbedDialog {
            open: false,
            ..chosen
        })),
    );
    assert!(!s.embed_dialog().open && s.embed_dialog().element && s.embed_dialog().predict);
}

#[test]
fn a_page_that_can_take_turns_with_nobody_says_so_once_with_its_first_run() {
    // A frame whose Web Locks are denied still takes turns with its page's frames: no notice.
    let mut s = Session::new("?preset=io&models=sequential,async", ISOLATED);
    s.handle(Input::Start);
    s.handle(Input::Turn(TurnInput::StartTurnGranted(Guard::Page)));
    greet(&mut s);
    s.handle(Input::Run);
    s.handle(Input::Turn(TurnInput::TurnGranted(Guard::Page)));
    assert!(!s.notices().list.iter().any(|n| n == UNGUARDED));
    // A top-level page without Web Locks: said with the first run, and not again.
    let mut s = Session::new("?preset=io&models=sequential,async", ISOLATED);
    s.handle(Input::Start);
    s.handle(Input::Turn(TurnInput::StartTurnGranted(Guard::Nothing)));
    greet(&mut s);
    s.handle(Input::Run);
    let req = sent(&s.handle(Input::Turn(TurnInput::TurnGranted(Guard::Nothing))))
        .expect("it runs all the same");
    assert_eq!(
        s.notices().list.iter().filter(|n| *n == UNGUARDED).count(),
        1,
        "{:?}",
        s.notices().list
    );
    finish(&mut s, &req);
    s.handle(Input::Run);
    let req =
        sent(&s.handle(Input::Turn(TurnInput::TurnGranted(Guard::Nothing)))).expect("runs again");
    finish(&mut s, &req);
    assert!(!s.notices().list.iter().any(|n| n == UNGUARDED));
}

#[test]
fn the_engine_starts_only_in_its_turn_and_gives_the_turn_back_when_ready() {
    let mut s = Session::new("?preset=cpu&models=sequential,threads&run=1", ISOLATED);
    let out = s.handle(Input::Start);
    // Its calibration would load the cores another page is measuring on: it asks first.
    assert!(out.effects.contains(&Effect::AskStartTurn));
    assert_eq!(engine_started(&out), None);
    s.handle(Input::Turn(TurnInput::StartTurnWaiting(Holder::Elsewhere)));
    assert_eq!(
        s.status_text(),
        "Waiting: conpar is measuring in another tab…"
    );
    let out = s.handle(Input::Turn(TurnInput::StartTurnGranted(Guard::Browser)));
    assert_eq!(engine_started(&out), Some(6));
    let out = s.handle(Input::Engine(FromConductor::Ready { ready: ready(6) }));
    let release = out
        .effects
        .iter()
        .position(|e| *e == Effect::ReleaseStartTurn);
    let ask = out.effects.iter().position(|e| *e == Effect::AskTurn);
    assert!(
        release.is_some() && release < ask,
        "the start turn goes back before the run asks for its own: {:?}",
        out.effects
    );
    // A failure while starting gives it back too.
    let mut s = Session::new("?preset=cpu", ISOLATED);
    s.handle(Input::Start);
    s.handle(Input::Turn(TurnInput::StartTurnGranted(Guard::Browser)));
    let out = s.handle(Input::EngineStartTimedOut);
    assert!(out.effects.contains(&Effect::ReleaseStartTurn));
    assert_eq!(s.status(), Status::Error);
}

#[test]
fn a_scenario_without_threads_starts_no_pool_until_a_threaded_model_is_picked() {
    // sequential, async and processes: no model runs on the pool, so none starts.
    let (mut s, out) = started(
        "?preset=cpu&models=sequential,async,processes&run=1",
        ISOLATED,
    );
    assert_eq!(engine_started(&out), Some(0));
    let out = go(
        &mut s,
        Input::Engine(FromConductor::Ready { ready: ready(0) }),
    );
    let req = sent(&out).expect("runs without a pool");
    // Everything that needs no pool still counts as available, not as a failed pool.
    assert_eq!(s.shared_memory().unavailable_reason(), None);
    finish(&mut s, &req);
    // A second run reuses the engine.
    let again = go(&mut s, Input::Run);
    assert_eq!(engine_started(&again), None);
    let req = sent(&again).expect("runs again");
    finish(&mut s, &req);
    // Picking threads: the next run starts an engine with the scenario's pool first.
    go(
        &mut s,
        Input::Form(FormInput::Models(vec![
            Model::Sequential,
            Model::Threads,
            Model::Processes,
        ])),
    );
    let out = go(&mut s, Input::Run);
    assert_eq!(engine_started(&out), Some(6));
    assert!(sent(&out).is_none());
    let req = sent(&greet(&mut s)).expect("then the run");
    assert_eq!(
        req.models,
        vec![Model::Sequential, Model::Threads, Model::Processes]
    );
}

#[test]
fn the_notes_box_opens_when_asked_and_closes_for_the_next_runs_notes() {
    let (mut s, _) = started("?preset=io&models=sequential,async&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("the run starts");
    finish(&mut s, &req);
    assert_eq!(s.status(), Status::Done);
    assert!(!s.notes_open(), "closed after a run");
    let out = go(&mut s, Input::Notes(NoticeInput::OpenNotes));
    assert!(s.notes_open());
    assert!(out.render.contains(Parts::RESULTS), "the box is drawn open");
    // Another run: its notes are new, so the box is closed again from its start.
    let out = go(&mut s, Input::Run);
    let req = sent(&out).expect("the second run starts");
    assert!(!s.notes_open(), "closed when the run starts");
    go(&mut s, Input::Notes(NoticeInput::OpenNotes));
    finish(&mut s, &req);
    assert!(!s.notes_open(), "closed when the new results arrive");
}

#[test]
fn a_run_keeps_the_semaphore_and_chunks_it_ran_with() {
    let (mut s, _) = started(
        "?workload=12+x+io+20&models=async,processes&limit=3&chunksize=4&run=1",
        ISOLATED,
    );
    let req = sent(&greet(&mut s)).expect("sent");
    assert_eq!(
        (req.limit, req.chunksize),
        (Some(3), 4),
        "the request carries both"
    );
    let titles = s.panel_titles();
    assert_eq!(titles[0].2, "asyncio · Semaphore(3)");
    assert!(
        titles[0].3.contains("at most 3 are in flight"),
        "{}",
        titles[0].3
    );
    assert_eq!(
        titles[1].2,
        "multiprocessing / ProcessPoolExecutor · map(chunksize=4)"
    );
    finish(&mut s, &req);
    // A change after the run relabels nothing that was measured, only the next run.
    go(
        &mut s,
        Input::Form(FormInput::Set(Setting::Limit, String::new())),
    );
    go(
        &mut s,
        Input::Form(FormInput::Set(Setting::Chunksize, "1".into())),
    );
    assert_eq!(s.scenario().limit, None, "an empty field lifts the bound");
    assert_eq!(s.panel_titles()[0].2, "asyncio · Semaphore(3)");
    let next = sent(&go(&mut s, Input::Run)).expect("runs");
    assert_eq!((next.limit, next.chunksize), (None, 1));
    assert_eq!(s.panel_titles()[0].2, "asyncio");
    assert_eq!(
        s.panel_titles()[1].2,
        "multiprocessing / ProcessPoolExecutor"
    );
}

#[test]
fn to_thread_asks_for_a_pool_thread_for_its_event_loop_beside_its_executor() {
    let (mut s, out) = started(
        "?preset=hog&models=async,to_thread&threads=3&run=1",
        ISOLATED,
    );
    assert_eq!(
        engine_started(&out),
        Some(4),
        "three executor threads and the loop"
    );
    let req = sent(&greet(&mut s)).expect("runs");
    assert_eq!(req.threads, 3, "the executor keeps the size asked for");
    finish(&mut s, &req);
    // An engine with just the executor's threads is too small: a bigger one starts first.
    let (mut s, _) = started("?preset=hog&models=gil&threads=3&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("runs");
    finish(&mut s, &req);
    go(
        &mut s,
        Input::Form(FormInput::Models(vec![Model::Gil, Model::ToThread])),
    );
    let out = go(&mut s, Input::Run);
    assert_eq!(engine_started(&out), Some(4));
    assert!(sent(&out).is_none(), "not on the pool of three");
    // executor needs no pool at all.
    let (_, out) = started("?preset=hog&models=async,executor&run=1", ISOLATED);
    assert_eq!(engine_started(&out), Some(0));
}

/// The view of claim `id` in `s`.
#[test]
fn a_claims_link_runs_its_experiment_and_its_verdict_follows_the_run() {
    use conpar::core::analysis::claims::Verdict;
    let (mut s, _) = started("?claim=threads-io&run=1", ISOLATED);
    assert_eq!(claim_view(&s, "threads-io").verdict, None, "not run yet");
    assert_eq!(
        claim_view(&s, "java-gil").verdict,
        Some(Verdict::False),
        "from its source, without a run"
    );
    let req = sent(&greet(&mut s)).expect("the experiment runs on load");
    assert_eq!(req.models, vec![Model::Sequential, Model::Gil]);
    assert_eq!(req.threads, 8);
    assert!(claim_view(&s, "threads-io").running);
    let out = finish(&mut s, &req);
    assert!(out.render.contains(Parts::CLAIMS));
    let v = claim_view(&s, "threads-io");
    assert_eq!(v.verdict, Some(Verdict::True), "{:?}", v.because);
    assert_eq!((v.run, v.running, v.current), (Some(1), false, true));
    assert!(v.because.is_some_and(|b| b.contains("8 threads")));

    // The same claim with one thread: the numbers, and the verdict, change.
    let (mut s, _) = started("?claim=threads-io&threads=1&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("runs");
    assert_eq!(req.threads, 1);
    finish(&mut s, &req);
    let v = claim_view(&s, "threads-io");
    assert_eq!(v.verdict, Some(Verdict::Depends), "{:?}", v.because);
}

#[test]
fn a_claims_run_button_sets_its_experiment_and_a_stopped_run_judges_nothing() {
    use conpar::core::analysis::claims::Verdict;
    let (mut s, _) = started("?claims=1", ISOLATED);
    assert!(s.claim_views().iter().all(|c| !c.current));
    go(&mut s, Input::Run);
    let req = sent(&greet(&mut s)).expect("Run runs the scenario");
    finish(&mut s, &req);
    assert!(
        s.judged().is_empty(),
        "a run of no claim judges none: {:?}",
        s.judged()
    );
    assert!(!s.judged_run_of_claim("gil-cpu"));
    let out = go(&mut s, Input::RunClaim("gil-cpu".into()));
    assert!(out.effects.contains(&Effect::SyncUrl));
    assert!(
        !out.effects.contains(&Effect::ScrollToResults),
        "the card that was pressed stays in view, also when the run starts in its turn"
    );
    assert!(s
        .scenario()
        .to_query()
        .starts_with("?claims=1&claim=gil-cpu&preset=cpu"));
    let req = sent(&out).expect("the experiment runs");
    assert_eq!(
        (req.models.clone(), req.threads),
        (vec![Model::Sequential, Model::Gil], 4)
    );
    assert!(!s.judged_run_of_claim("gil-cpu"), "not while it runs");
    finish(&mut s, &req);
    let v = claim_view(&s, "gil-cpu");
    assert_eq!(v.verdict, Some(Verdict::True), "{:?}", v.because);
    assert!(v.current);
    // Its card's embed can now be this run, recorded; another card's cannot.
    assert!(s.judged_run_of_claim("gil-cpu"));
    assert!(!s.judged_run_of_claim("free-threads"));

    // Another claim's run, stopped: that claim has no verdict, the first keeps its own.
    let out = go(&mut s, Input::RunClaim("free-threads".into()));
    assert!(sent(&out).is_some());
    go(&mut s, Input::Stop);
    let v = claim_view(&s, "free-threads");
    assert_eq!(v.verdict, None);
    assert!(v.because.is_some_and(|b| b.contains("stopped")));
    assert!(!v.running);
    assert_eq!(claim_view(&s, "gil-cpu").verdict, Some(Verdict::True));
    // Neither card embeds a recording now: the last run is free-threads', and it was stopped.
    assert!(!s.judged_run_of_claim("free-threads"));
    assert!(!s.judged_run_of_claim("gil-cpu"));
    // A claim no run tests, or no claim at all, starts nothing.
    let out = go(&mut s, Input::RunClaim("java-gil".into()));
    assert!(sent(&out).is_none());
}

#[test]
fn a_claims_embed_says_the_claim_then_its_verdict_and_a_card_its_state() {
    let (mut s, _) = started("?claim=gil-cpu&embed=1", ISOLATED);
    let line = s.claim_line().expect("a line before the run");
    assert!(line.starts_with("Claim: Under the GIL") && line.ends_with("Press Run to test it."));
    let card = claim_view(&s, "gil-cpu").card_text();
    assert_eq!(
        card,
        (None, conpar::core::drawing::cards::NOT_RUN.to_string())
    );
    go(&mut s, Input::Run);
    let req = sent(&greet(&mut s)).expect("runs");
    assert_eq!(s.claim_line(), None, "while it runs, the run's own lines");
    assert!(claim_view(&s, "gil-cpu")
        .card_text()
        .1
        .starts_with("Running"));
    finish(&mut s, &req);
    let line = s.claim_line().expect("the verdict");
    assert!(line.starts_with("True. "), "{line}");
    let (verdict, text) = claim_view(&s, "gil-cpu").card_text();
    assert_eq!(verdict, Some(conpar::core::analysis::claims::Verdict::True));
    assert_eq!(format!("True. {text}"), line);
    // Without a claim, the lines are the run's.
    let (s, _) = started("?preset=io&embed=1", ISOLATED);
    assert_eq!(s.claim_line(), None);
}

/// A finished run of `query` in `env`, and its recording's link text.
#[test]
fn a_recorded_link_shows_the_run_at_once_and_starts_nothing() {
    let query =
        "?preset=mixed&models=sequential,async,gil,threads,processes&threads=2&processes=2&run=1";
    let (measured, text) = recorded_link(query, ISOLATED);
    let rec = measured
        .recording("Chrome 156", "2026-12-01")
        .expect("it works");
    assert_eq!(rec.models.len(), 5);
    assert!(!rec.query.contains("run=1"), "{}", rec.query);
    // Opened on a phone of 8 cores, with run=1 in the address: shown, not run.
    let phone = Environment {
        cores: 8,
        ..ISOLATED
    };
    let mut s = Session::new(query, phone).with_fragment(&format!("#rec={text}"));
    let out = go(&mut s, Input::Start);
    assert!(out.effects.is_empty(), "nothing starts: {:?}", out.effects);
    assert_eq!(*s.engine(), Conductor::Off);
    assert_eq!((s.status(), s.runs_started()), (Status::Done, 0));
    assert!(
        s.status_text()
            .starts_with("Recorded in Chrome 156 on 2 cores, 2026-12-01 (times to 0.01 ms)"),
        "{}",
        s.status_text()
    );
    assert!(matches!(
        s.shown(),
        conpar::core::session::Shown::Recorded { .. }
    ));
    assert_eq!(s.results().len(), 5);
    for (a, b) in measured.results().iter().zip(s.results()) {
        assert_eq!(a.model, b.model);
        assert!(
            (a.wall_ms - b.wall_ms).abs() <= 0.01,
            "{} against {}",
            a.wall_ms,
            b.wall_ms
        );
        assert_eq!(a.checksum, b.checksum);
        assert_eq!(a.disturbed, b.disturbed);
        match (a.speedup, b.speedup) {
            (Some(x), Some(y)) => assert!((x - y).abs() < 1e-3),
            (x, y) => assert_eq!(x, y),
        }
    }
    // Its physics is that of the machine that recorded it: 2 cores, not this phone's 8.
    assert_eq!(s.run().as_ref().expect("it works").expectation.cores, 2);
    // Giving it back gives the same recording.
    assert_eq!(
        s.recording("Firefox 128", "2027-01-01").expect("it works"),
        Recording::from_link_text(&text).expect("it works")
    );
}

use conpar::core::measure::recording::Recording;

/// `query` run and recorded here, then opened (started) from its link, the recording after
/// `key` in the fragment.
fn opened_here(query: &str, key: &str) -> Session {
    let (_, text) = recorded_link(query, ISOLATED);
    let mut s = Session::new(query, ISOLATED).with_fragment(&format!("{key}{text}"));
    go(&mut s, Input::Start);
    s
}

#[test]
fn run_on_this_device_puts_the_recording_beside_the_new_run_each_labelled() {
    // The fragment as `location.hash` gives it, or without its `#`.
    let mut s = opened_here(
        "?preset=io&models=sequential,async,processes&processes=2",
        "rec=",
    );
    let out = go(&mut s, Input::Run);
    assert_eq!(engine_started(&out), Some(0), "the engine starts only now");
    let out = greet(&mut s);
    let req = sent(&out).expect("the run starts once the engine is ready");
    assert_eq!(
        req.models,
        vec![Model::Sequential, Model::Async, Model::Processes]
    );
    assert_eq!(s.runs_started(), 1);
    assert_eq!(s.shown(), conpar::core::session::Shown::Measured);
    let panels = s.imported_panels();
    assert_eq!(
        panels.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(),
        [
            "sequential · recorded",
            "async · recorded",
            "processes · recorded"
        ]
    );
    assert!(panels.iter().all(|p| p
        .2
        .starts_with("recorded in Chrome 156 on 2 cores, 2026-12-01")));
    assert_eq!(s.imports().results.len(), 3);
    assert!(
        s.imports().results.iter().all(|r| !r.checksum.is_empty()),
        "its own rows, checksums and all"
    );
    finish(&mut s, &req);
    assert_eq!(s.results().len(), 3);
    assert_eq!(
        s.imports().results.len(),
        3,
        "the recording stays beside the run"
    );
    assert!(
        s.run_here(),
        "Run still measures on this device, beside the recording"
    );
    go(&mut s, Input::ClearImported);
    assert!(!s.run_here());
}

#[test]
fn a_recording_shows_what_this_page_cannot_run_and_says_why() {
    let query = "?preset=cpu&models=sequential,gil,threads&threads=2";
    let (_, text) = recorded_link(query, ISOLATED);
    let frame = Environment {
        isolated: false,
        ..ISOLATED
    };
    let mut s =
        Session::new(&format!("{query}&embed=1"), frame).with_fragment(&format!("#rec={text}"));
    let out = go(&mut s, Input::Start);
    assert!(
        !out.effects.contains(&Effect::WatchForView),
        "an embed of a recording waits for nothing"
    );
    assert_eq!(
        s.panel_models(),
        vec![Model::Sequential, Model::Gil, Model::Threads]
    );
    assert!(
        s.status_text().contains(
            "would skip the models that share memory: this page is not cross-origin isolated"
        ),
        "{}",
        s.status_text()
    );
    // The embed's one line says where it was recorded; its tooltip, the whole status.
    let (line, whole) = s.environment_line();
    assert_eq!(
        line,
        "Recorded in Chrome 156 on 2 cores, 2026-12-01; gil, threads and to_thread cannot run here."
    );
    assert_eq!(whole.as_deref(), Some(s.status_text().as_str()));
    // Run on this device runs what it can here.
    go(&mut s, Input::Run);
    let req = sent(&greet(&mut s)).expect("it runs what it can");
    assert_eq!(req.models, vec![Model::Sequential]);
    finish(&mut s, &req);
    // The embed keeps its three panels (its height): this device's sequential, and the
    // recording's gil and threads, each saying so.
    assert!(s.embed_beside());
    let three = vec![Model::Sequential, Model::Gil, Model::Threads];
    assert_eq!(s.panel_models(), three);
    assert_eq!(
        s.traces().iter().map(|t| t.model).collect::<Vec<_>>(),
        three
    );
    // This device's run is on its clock (the fake starts at 1000 ms); a recording at 0.
    assert_eq!(
        s.traces()[0].start,
        Some(1000.0),
        "sequential is this device's run"
    );
    assert_eq!(s.traces()[1].start, Some(0.0), "gil is the recording's");
    let notes = s.panel_notes();
    assert!(notes[0].1.starts_with("recorded "), "{notes:?}");
    assert_eq!(
        notes[1],
        (Model::Gil, "recorded; cannot run here".to_string())
    );
    assert_eq!(
        s.panel_results()
            .iter()
            .map(|r| r.model)
            .collect::<Vec<_>>(),
        three
    );
}

#[test]
fn a_bad_recording_gives_a_notice_and_the_live_page() {
    let (_, text) = recorded_link("?preset=io&models=sequential,async", ISOLATED);
    for (fragment, says) in [
        (
            format!("#rec={}", &text[..(text.len() / 2) & !3]),
            "damaged",
        ),
        ("#rec=%%%".to_string(), "not base64url"),
        (format!("#rec={}", "A".repeat(1 << 20)), "KB long"),
    ] {
        let mut s =
            Session::new("?preset=io&models=sequential,async", ISOLATED).with_fragment(&fragment);
        let out = go(&mut s, Input::Start);
        assert!(
            engine_started(&out).is_some() || matches!(s.engine(), Conductor::Starting { .. }),
            "the live page starts"
        );
        assert_eq!(s.runs_started(), 0);
        assert!(s.run().is_none());
        assert!(s.notices().open);
        assert!(
            s.notices().list.iter().any(|n| n
                .starts_with("This link's recording could not be opened")
                && n.contains(says)),
            "{:?}",
            s.notices().list
        );
    }
    // Other fragments are not recordings, and say nothing.
    let mut s = Session::new("?preset=io", ISOLATED).with_fragment("#results");
    go(&mut s, Input::Start);
    assert!(s.notices().list.is_empty());
}

#[test]
fn run_on_this_device_stopped_before_it_begins_keeps_the_recording_shown() {
    let mut s = opened_here("?preset=io&models=sequential,async", "#rec=");
    go(&mut s, Input::Run);
    assert_eq!(s.pending(), Pending::Engine);
    go(&mut s, Input::Stop);
    greet(&mut s);
    assert_eq!(s.status(), Status::Ready);
    assert!(
        s.status_text().starts_with("Recorded in Chrome 156"),
        "{}",
        s.status_text()
    );
    assert!(matches!(
        s.shown(),
        conpar::core::session::Shown::Recorded { .. }
    ));
    assert_eq!((s.runs_started(), s.results().len()), (0, 2));
}

#[test]
fn a_recorded_claim_is_judged_from_the_recording() {
    let query = "?claim=gil-cpu&threads=2&processes=2";
    let (measured, text) = recorded_link(query, ISOLATED);
    let judged = |s: &Session| {
        let v = claim_view(s, "gil-cpu");
        (v.verdict, v.because)
    };
    // (The fake conductor's gil hands the lock over only between tasks, which its checks flag:
    // "no verdict" is what this run says, and the recording must say the same.)
    let before = judged(&measured);
    assert!(before.1.is_some());
    // Opened outside isolation, where gil could not run: judged as it ran there, not refused.
    let frame = Environment {
        isolated: false,
        ..ISOLATED
    };
    let mut s =
        Session::new(&format!("{query}&embed=1"), frame).with_fragment(&format!("#rec={text}"));
    go(&mut s, Input::Start);
    assert_eq!(judged(&s), before);
    assert!(s.claim_line().is_some());
}

/// A sweep's size past the process pool's cap leaves out every model whose pool is processes
/// (interpreters too): a point drawn at 64 must have run on 64 workers.
#[test]
fn a_sweep_past_the_process_cap_leaves_out_processes_and_interpreters() {
    use conpar::core::input::scenario::MAX_PROCESSES;
    use conpar::core::session::sweep::Sweep;
    let big = MAX_PROCESSES * 2;
    let sweep = Sweep::new(
        vec![big],
        vec![Model::Threads, Model::Processes, Model::Interpreters],
    );
    assert_eq!(
        sweep.step(),
        Some((
            vec![Model::Sequential, Model::Threads],
            (big, MAX_PROCESSES)
        ))
    );
    let sweep = Sweep::new(vec![2], vec![Model::Interpreters]);
    assert_eq!(
        sweep.step(),
        Some((vec![Model::Sequential, Model::Interpreters], (2, 2)))
    );
}

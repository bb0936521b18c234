//! Native tests of what the page decides and says: which models run, and the sentences.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::result;
use conpar::core::analysis::plan::{estimate_ms, plan, MAX_MODEL_MS};
use conpar::core::analysis::summary::agreement;
use conpar::core::input::workload::Workload;
use conpar::core::measure::trace::Model;

#[test]
fn estimates_are_each_models_ideal_time() {
    let w = Workload::parse("4 x io 100, cpu 50").expect("valid");
    assert_eq!(estimate_ms(Model::Sequential, &w, 2, 4), 600);
    assert_eq!(
        estimate_ms(Model::Async, &w, u32::MAX, 4),
        200,
        "CPU adds up on one loop"
    );
    assert_eq!(
        estimate_ms(Model::Async, &w, 2, 4),
        300,
        "a semaphore of two: two tasks' steps at a time, like two threads"
    );
    assert_eq!(
        estimate_ms(Model::Gil, &w, 2, 4),
        300,
        "two threads, half the serial time"
    );
    assert_eq!(
        estimate_ms(Model::Threads, &w, 4, 4),
        150,
        "the longest task"
    );
}

#[test]
fn plan_skips_what_cannot_run_here_and_what_would_take_too_long() {
    let all = Model::ALL;
    let many = Workload::parse("10000 x io 100").expect("valid");
    // Ten thousand waits: only the event loops overlap them all; four threads would need 250 s.
    let p = plan(&all, &many, ((4, 4), None), 4, Ok(()));
    assert_eq!(p.run, vec![Model::Async, Model::ToThread, Model::Executor]);
    assert_eq!(p.skipped.len(), 5, "{:?}", p.skipped);
    assert_eq!(
        p.skipped[0],
        "sequential skipped: this workload would take at least 1000.0 s under it (the limit is 120.0 s)."
    );
    assert!(p.skipped[1].starts_with("gil skipped") && p.skipped[1].contains("250.0 s"));
    // A semaphore of one makes async a plain loop of waits: too long as well.
    let p = plan(&[Model::Async], &many, ((4, 4), Some(1)), 4, Ok(()));
    assert!(p.run.is_empty());
    assert!(p.skipped[0].starts_with("async skipped") && p.skipped[0].contains("1000.0 s"));
    let p = plan(&[Model::Async], &many, ((4, 4), Some(100)), 4, Ok(()));
    assert_eq!(p.run, vec![Model::Async], "a hundred at a time: 10 s");

    let small = Workload::parse("io 10").expect("valid");
    let p = plan(
        &all,
        &small,
        ((2, 2), None),
        2,
        Err("this page is not cross-origin isolated"),
    );
    assert_eq!(
        p.run,
        vec![
            Model::Sequential,
            Model::Async,
            Model::Processes,
            Model::Executor,
            Model::Interpreters
        ],
        "processes and interpreters need no shared memory, under an event loop or not"
    );
    assert_eq!(
        p.skipped,
        vec![
            "gil is unavailable here: this page is not cross-origin isolated.".to_string(),
            "threads is unavailable here: this page is not cross-origin isolated.".to_string(),
            "to_thread is unavailable here: this page is not cross-origin isolated.".to_string(),
        ]
    );
    assert_eq!(MAX_MODEL_MS, 120_000);
}

#[test]
fn agreement_says_whether_the_same_work_was_done() {
    let mut rs = [
        result(Model::Sequential, 1.0, None),
        result(Model::Async, 1.0, None),
    ];
    // Waiting only: a checksum of nothing proves nothing, and the sentence says so.
    assert!(agreement(&rs, true).starts_with("This workload has no CPU steps"));
    for r in &mut rs {
        r.cpu_ms = 5.0;
    }
    assert!(agreement(&rs, true)
        .starts_with("All 2 models computed the same checksum, 00000000000000aa"));
    assert!(agreement(&rs, false).starts_with("The checksums differ"));
    assert_eq!(agreement(&[], true), "");
}

#[test]
fn result_rows_are_formatted_once_in_the_core() {
    use conpar::core::analysis::summary::result_rows;
    let mut r = result(Model::Threads, 500.0, Some(1.9));
    r.cpu_ms = 900.0;
    r.utilisation = 0.9;
    let mut none = result(Model::Async, 100.0, None);
    none.latency = conpar::core::analysis::latency::latency(
        &conpar::core::measure::trace::ModelTrace {
            model: Model::Async,
            lanes: 1,
            start: 0.0,
            end: 100.0,
            checksum: 0,
            spans: vec![conpar::core::measure::trace::Span {
                lane: 1,
                task: 0,
                step: 0,
                state: conpar::core::measure::trace::SpanState::Io,
                start: 40.0,
                end: 100.0,
            }],
        },
        &conpar::core::analysis::latency::Planned::unknown(),
    );
    let rows = result_rows(&[r, none], true);
    assert_eq!(
        rows[0].cells,
        ["500 ms", "1.90×", "90%", "–", "–", "–"].map(String::from)
    );
    assert_eq!(
        (
            rows[0].latency[1].typical.as_str(),
            rows[0].latency[1].worst.as_str()
        ),
        ("", "–")
    );
    let done = &rows[1].latency[0];
    assert_eq!(
        (done.typical.as_str(), done.worst.as_str()),
        ("100 ms · 100 ms · ", "100 ms")
    );
    let stall = &rows[1].latency[1];
    assert_eq!(
        (stall.typical.as_str(), stall.worst.as_str()),
        ("40 ms · 40 ms · ", "40 ms")
    );
    assert_eq!(rows[0].checksum, Some(("00000000".to_string(), true)));
    assert_eq!(rows[1].checksum, None, "no CPU work, nothing to check");
    assert_eq!(rows[1].cells[1], "–");
}

#[test]
fn the_environment_line_names_the_real_reason() {
    use conpar::core::analysis::summary::{environment, SharedMemory};
    assert!(environment(&SharedMemory::Pool(6), 2, false).contains("every model runs here"));
    let not = environment(&SharedMemory::NotIsolated, 2, false);
    assert!(not.contains("not cross-origin isolated"), "{not}");
    let no_sab = environment(&SharedMemory::NoSharedArrayBuffer, 2, false);
    assert!(no_sab.contains("no SharedArrayBuffer") && no_sab.contains("is cross-origin isolated"));
    let failed = environment(&SharedMemory::PoolFailed("DataCloneError".into()), 2, true);
    assert!(
        failed.contains("failed to start: DataCloneError"),
        "{failed}"
    );
    assert!(
        !failed.contains("All five"),
        "an embed never claims five models it cannot run"
    );
}

#[test]
fn the_legend_names_exactly_the_states_a_run_can_draw() {
    use conpar::core::analysis::summary::states_drawn;
    use conpar::core::measure::trace::SpanState;
    let mixed = Workload::parse("6 x io 120, cpu 40, io 60 payload 64kb").expect("valid");
    let all_but_queued: Vec<SpanState> = SpanState::ALL
        .into_iter()
        .filter(|&s| s != SpanState::SemWait)
        .collect();
    assert_eq!(states_drawn(&Model::ALL, &mixed, None), all_but_queued);
    assert_eq!(
        states_drawn(&Model::ALL, &mixed, Some(2)),
        SpanState::ALL.to_vec(),
        "a semaphore below the task count queues tasks"
    );
    assert_eq!(
        states_drawn(&Model::ALL, &mixed, Some(6)),
        all_but_queued,
        "a semaphore with a permit for every task queues none"
    );
    let io = Workload::parse("8 x io 200").expect("valid");
    assert_eq!(
        states_drawn(&[Model::Sequential, Model::Gil], &io, Some(2)),
        vec![SpanState::Io],
        "no lock waits without computing"
    );
    let cpu = Workload::parse("4 x cpu 10").expect("valid");
    assert_eq!(
        states_drawn(&[Model::Gil, Model::Processes], &cpu, None),
        vec![SpanState::Cpu, SpanState::LockWait, SpanState::Spawn],
        "no copies without a payload"
    );
    assert_eq!(
        states_drawn(&[Model::ToThread, Model::Executor], &cpu, None),
        vec![SpanState::Cpu, SpanState::LockWait, SpanState::Spawn],
        "to_thread's threads queue for the GIL, executor's processes start"
    );
}

#[test]
fn sweep_and_trace_keys_round_trip_and_refuse_other_sites() {
    use conpar::core::input::scenario::Scenario;
    let (s, notices) = Scenario::from_query("?sweep=4,1,2&trace=traces/gil.trace.json", 2);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.sweep, Some(vec![1, 2, 4]));
    assert_eq!(s.trace.as_deref(), Some("traces/gil.trace.json"));
    let (back, _) = Scenario::from_query(&s.to_query(), 2);
    assert_eq!(back, s);
    for bad in [
        "https://evil.example/t.json",
        "//evil.example/t.json",
        "javascript:alert(1)",
        "a\\b",
    ] {
        let (s, notices) = Scenario::from_query(
            &format!(
                "?trace={}",
                conpar::core::input::scenario::encode_component(bad)
            ),
            2,
        );
        assert_eq!(s.trace, None, "{bad}");
        assert!(
            notices[0]
                .message
                .starts_with("trace must be a file on this site"),
            "{bad}"
        );
    }
    let (s, notices) = Scenario::from_query("?sweep=0,99", 2);
    assert_eq!(s.sweep, None);
    assert!(notices[0].message.contains("no sweep set"));
    // `transparent=1` is written once.
    let (s, _) = Scenario::from_query("?transparent=1", 2);
    assert_eq!(s.to_query().matches("transparent=1").count(), 1);
}

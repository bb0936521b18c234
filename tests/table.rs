//! The results table's words, decided by the session and only drawn by the page: the rows
//! before a run, while it runs, after it (numbers, the checksum's mark, the worst-stalled task),
//! a model that failed, and the sentences around the table.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::stories::*;

use conpar::core::measure::trace::Model;
use conpar::core::protocol::FromConductor;
use conpar::core::session::{Input, RowBody};

#[test]
fn before_a_run_each_selected_model_has_a_row_that_says_to_press_run() {
    let (s, _) = started("?preset=io&models=sequential,async", ISOLATED);
    let t = s.table();
    assert_eq!(t.empty, None);
    let rows: Vec<_> = t.rows.iter().map(|r| (r.model, &r.body)).collect();
    assert_eq!(
        rows,
        vec![
            (
                Model::Sequential,
                &RowBody::Pending("not run yet: press Run".into())
            ),
            (
                Model::Async,
                &RowBody::Pending("not run yet: press Run".into())
            ),
        ]
    );
    assert!(
        t.verdict
            .starts_with("Press Run to measure. Faded below: each model's schedule"),
        "{}",
        t.verdict
    );
    assert_eq!(t.verdict_full, t.verdict, "the tooltip is the whole line");
    assert_eq!((t.advice, t.checks), (None, Vec::<String>::new()));
    // In an embed, the short form.
    let (s, _) = started("?preset=io&models=async&embed=1", ISOLATED);
    assert_eq!(
        s.table().verdict,
        "Press Run to measure. Faded below: each model's expected schedule."
    );
}

#[test]
fn a_run_fills_its_rows_in_turn_and_ends_with_numbers_marks_and_advice() {
    let (mut s, _) = started("?preset=mixed&models=sequential,async&run=1", ISOLATED);
    let out = greet(&mut s);
    let req = sent(&out).expect("a run");
    // The first model has ended; the second has not started: running….
    for r in slot_reports(&req, 0, 0.0) {
        go(&mut s, Input::Engine(r));
    }
    let t = s.table();
    assert!(matches!(t.rows[0].body, RowBody::Numbers { .. }));
    assert_eq!(t.rows[1].body, RowBody::Pending("running…".into()));
    assert!(t.checks.is_empty() && t.advice.is_none());
    finish(&mut s, &req);
    let t = s.table();
    for row in &t.rows {
        let RowBody::Numbers {
            row: numbers,
            worst,
            mark,
        } = &row.body
        else {
            panic!("{:?} has no numbers", row.model);
        };
        assert_eq!(mark, "✓", "every model computed the same checksum");
        assert!(
            numbers.cells[0].ends_with('s') && numbers.cells[1].ends_with('×'),
            "wall time and speedup: {:?}",
            numbers.cells
        );
        let (task, title) = worst.as_ref().expect("a worst-stalled task");
        assert!(title.starts_with(&format!("Task {task} stalled longest under {}", row.model)));
        // A disturbed model is marked, and its reasons listed under the table once it ends.
        let marked = format!("{} ⚠", row.model);
        assert_eq!(
            row.name,
            if row.disturbed {
                marked.as_str()
            } else {
                row.model.id()
            }
        );
        assert!(row.source.is_none());
    }
    let reasons: usize = s.results().iter().map(|r| r.disturbed.len()).sum();
    assert_eq!(t.checks.len(), reasons);
    assert!(t
        .checks
        .iter()
        .all(|c| c.starts_with("⚠ ") && c.ends_with('.')));
    assert_eq!(
        t.rows.iter().any(|r| r.disturbed),
        reasons > 0,
        "a row is marked exactly when a reason is listed"
    );
    // Advice only from clean numbers.
    assert_eq!(t.advice.is_some(), reasons == 0, "{:?}", t.advice);
    assert!(t.agreement.contains("same checksum"), "{}", t.agreement);
    assert!(!t.verdict.is_empty());
    // A clean run of waits: advice, and no checksum to mark (nothing was computed).
    let (mut s, _) = started("?preset=io&models=sequential,async&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("a run");
    finish(&mut s, &req);
    let t = s.table();
    assert!(t.checks.is_empty(), "{:?}", t.checks);
    assert!(
        t.advice
            .as_deref()
            .is_some_and(|a| a.starts_with("For this workload: asyncio")),
        "{:?}",
        t.advice
    );
    assert!(t
        .rows
        .iter()
        .all(|r| matches!(&r.body, RowBody::Numbers { mark, .. } if mark == "–")));
}

#[test]
fn a_model_that_failed_says_why_across_its_row() {
    let (mut s, _) = started("?preset=io&models=sequential,async&run=1", ISOLATED);
    let req = sent(&greet(&mut s)).expect("a run");
    for r in slot_reports(&req, 0, 0.0) {
        go(&mut s, Input::Engine(r));
    }
    go(
        &mut s,
        Input::Engine(FromConductor::ModelStart {
            run: req.run,
            slot: 1,
        }),
    );
    go(
        &mut s,
        Input::Engine(FromConductor::ModelDone {
            run: req.run,
            slot: 1,
            outcome: Err("a process worker failed: out of memory".into()),
        }),
    );
    go(
        &mut s,
        Input::Engine(FromConductor::RunDone { run: req.run }),
    );
    let t = s.table();
    match &t.rows[1].body {
        RowBody::Failed(why) => assert!(why.contains("out of memory"), "{why}"),
        other => panic!("the failed model's row: {other:?}"),
    }
}

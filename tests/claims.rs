//! Native tests of the claims: each criterion on synthetic results, its edges (a tie, one
//! core, a disturbed model, a model missing), the experiments and the links.
#![cfg(not(target_arch = "wasm32"))]
// Native checks, not the module: the standard sorts are fine here (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod common;

use conpar::core::analysis::claims::{claim, Evidence, Judgement, Test, Verdict, CLAIMS, TIE};
use conpar::core::analysis::latency::Latency;
use conpar::core::analysis::results::ModelResult;
use conpar::core::input::scenario::Scenario;
use conpar::core::input::workload::{Preset, Workload};
use conpar::core::measure::trace::Model;

/// A result: wall time, speed over sequential's `base` ms, CPU and I/O spans at once.
fn row(model: Model, wall_ms: f64, base: f64, (max_cpu, max_io): (usize, usize)) -> ModelResult {
    ModelResult {
        max_cpu,
        max_io,
        ..common::result(model, wall_ms, Some(base / wall_ms))
    }
}

fn stalled(r: ModelResult, stall_worst_ms: f64) -> ModelResult {
    ModelResult {
        latency: Some(Latency {
            finish_p50_ms: 0.0,
            finish_p95_ms: 0.0,
            finish_worst_ms: r.wall_ms,
            stall_p50_ms: 0.0,
            stall_p95_ms: 0.0,
            stall_worst_ms,
            worst_task: 1,
            tasks: Vec::new(),
        }),
        ..r
    }
}

fn disturbed(r: ModelResult) -> ModelResult {
    ModelResult {
        disturbed: vec!["the machine was busy".into()],
        ..r
    }
}

/// Judges claim `id` on `results` of `text` with pools `(threads, processes)` on `cores`.
fn judge(
    id: &str,
    results: &[ModelResult],
    text: &str,
    cores: u32,
    (threads, processes): (u32, u32),
) -> Judgement {
    let workload = Workload::parse(text).expect("valid workload");
    let e = Evidence {
        results,
        workload: &workload,
        cores,
        threads,
        processes,
        switch_ms: 5.0,
        agree: true,
        unavailable: None,
    };
    claim(id).expect("a claim").judge(&e)
}

fn verdict(j: &Judgement) -> Option<Verdict> {
    j.verdict
}

/// The sentence carries the run's numbers.
fn has_numbers(j: &Judgement) -> bool {
    j.because.chars().any(|c| c.is_ascii_digit())
}

/// The hog preset: two tasks.
fn hog() -> &'static str {
    Preset::Hog.text()
}
const CPU: &str = "8 x cpu 100 payload 256kb";
const IO: &str = "8 x io 200";

#[test]
fn there_are_ten_claims_a_run_tests_and_ids_are_unique() {
    let runs = CLAIMS.iter().filter(|c| c.experiment().is_some()).count();
    assert!(runs >= 10, "{runs} claims are tested by a run");
    let mut ids: Vec<&str> = CLAIMS.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CLAIMS.len());
    for c in &CLAIMS {
        assert!(
            c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
            "{} is a plain id for a URL",
            c.id
        );
        assert!(c.text.ends_with('.'), "{} is a sentence", c.id);
        if let Test::Source { source, .. } = c.test {
            assert!(source.starts_with("https://"));
        }
    }
}

#[test]
fn every_experiment_is_a_valid_scenario_that_only_sets_what_a_link_always_writes() {
    for c in CLAIMS.iter().filter(|c| c.experiment().is_some()) {
        let experiment = c.experiment().unwrap_or_default();
        for pair in experiment.split('&') {
            let key = pair.split('=').next().unwrap_or_default();
            assert!(
                ["preset", "workload", "models", "threads", "processes"].contains(&key),
                "{}: {key} is not always in the page's link, so the link could not override it",
                c.id
            );
        }
        let (s, notices) = Scenario::from_query(&format!("?claim={}", c.id), 2);
        assert!(notices.is_empty(), "{}: {notices:?}", c.id);
        assert_eq!(s.claim, Some(c.id));
        assert!(s.workload().is_ok(), "{}", c.id);
        // The page's own link gives back the same scenario.
        let again = Scenario::from_query(&s.to_query(), 2).0;
        assert_eq!(again, s, "{}", c.id);
        assert!(s.to_query().starts_with(&format!("?claim={}&", c.id)));
    }
}

#[test]
fn a_claims_link_overrides_its_experiment_in_any_order() {
    let (s, _) = Scenario::from_query("?threads=1&claim=threads-io", 2);
    assert_eq!(
        s.threads, 1,
        "the address's value wins over the experiment's 8"
    );
    assert_eq!(s.models, vec![Model::Sequential, Model::Gil]);
    let (s, _) = Scenario::from_query("?claim=multiprocessing-best&preset=cpu", 2);
    assert_eq!(s.workload().ok(), Some(Preset::Cpu.workload()));
    let (s, notices) = Scenario::from_query("?claim=no-such-claim&claims=1", 2);
    assert_eq!(s.claim, None);
    assert!(s.claims);
    assert!(notices[0].message.contains("unknown claim"));
    // A card's Run sets its experiment whatever the page had: the pools, and what changes how
    // a model runs; the link's own values still win.
    let (mut s, _) =
        Scenario::from_query("?preset=mixed&limit=3&chunksize=4&switch=50&repeat=3", 2);
    s.apply_claim(claim("hog-stalls").expect("claim"), 2);
    assert_eq!(
        (s.limit, s.chunksize, s.switch_ms, s.repeat, s.threads),
        (None, 1, 5.0, 3, 2)
    );
    let (s, _) = Scenario::from_query("?claim=hog-stalls&switch=50", 2);
    assert_eq!(s.switch_ms, 50.0);
    // The caption of a claim's embed is the claim.
    let (s, _) = Scenario::from_query("?claim=gil-cpu&embed=1", 2);
    assert!(s.caption_or_default().starts_with("Claim: Under the GIL"));
}

#[test]
fn cooperative_threads_are_false_when_gil_preempts_and_depend_on_a_long_switch() {
    let pools = (2, 2);
    let preempted = [
        stalled(row(Model::Async, 1500.0, 1500.0, (1, 1)), 990.0),
        stalled(row(Model::Gil, 1100.0, 1500.0, (1, 1)), 9.0),
    ];
    let j = judge("threads-cooperative", &preempted, hog(), 2, pools);
    assert_eq!(verdict(&j), Some(Verdict::False), "{}", j.because);
    assert!(j.because.contains("9.0 ms") && j.because.contains("990 ms"));
    let late = [stalled(row(Model::Gil, 1500.0, 1500.0, (1, 1)), 980.0)];
    let j = judge("threads-cooperative", &late, hog(), 2, pools);
    assert_eq!(verdict(&j), Some(Verdict::Depends), "{}", j.because);
    // One thread for two tasks: the wait is for a thread, so nothing is judged.
    let j = judge("threads-cooperative", &late, hog(), 2, (1, 2));
    assert_eq!(verdict(&j), None);
    assert!(j.because.contains("1 threads for 2 tasks"), "{}", j.because);
    // Short steps only: nothing to give way from.
    let j = judge("threads-cooperative", &preempted, IO, 2, (8, 2));
    assert_eq!(verdict(&j), None);
}

#[test]
fn a_disturbed_or_missing_model_judges_nothing() {
    let hog_rows = [
        stalled(row(Model::Async, 1500.0, 1500.0, (1, 1)), 990.0),
        disturbed(stalled(row(Model::Gil, 1100.0, 1500.0, (1, 1)), 9.0)),
    ];
    // A disturbed model beside the ones read is read too, when the criterion compares it.
    let io_rows = [
        row(Model::Gil, 210.0, 1600.0, (1, 8)),
        disturbed(row(Model::Async, 205.0, 1600.0, (0, 8))),
        row(Model::Processes, 900.0, 1600.0, (0, 2)),
    ];
    let no_baseline = [ModelResult {
        speedup: None,
        ..io_rows[0].clone()
    }];
    // Without sequential in the run, a result has no speedup.
    let interpreters_alone = [ModelResult {
        speedup: None,
        ..row(Model::Interpreters, 470.0, 800.0, (2, 0))
    }];
    // (claim, results, workload, cores, (threads, processes), what the sentence says)
    type Case<'a> = (
        &'a str,
        &'a [ModelResult],
        &'a str,
        u32,
        (u32, u32),
        &'a str,
    );
    let cases: [Case; 6] = [
        (
            "threads-cooperative",
            &hog_rows,
            hog(),
            2,
            (2, 2),
            "No verdict: gil's numbers were disturbed",
        ),
        (
            "multiprocessing-best",
            &io_rows,
            IO,
            2,
            (8, 2),
            "async's numbers were disturbed",
        ),
        ("gil-cpu", &no_baseline, CPU, 2, (4, 2), "sequential"),
        (
            "free-threads",
            &io_rows[..1],
            CPU,
            2,
            (4, 2),
            "threads, which this run did not measure",
        ),
        (
            "one-core",
            &interpreters_alone,
            CPU,
            2,
            (2, 2),
            "sequential",
        ),
        ("one-core", &interpreters_alone, CPU, 1, (2, 2), "one core"),
    ];
    for (id, results, workload, cores, pools, says) in cases {
        let j = judge(id, results, workload, cores, pools);
        assert_eq!(verdict(&j), None, "{id}: {}", j.because);
        assert!(j.because.contains(says), "{id}: {}", j.because);
    }
    // Checksums that differ: a model did not do the work.
    let workload = Workload::parse(CPU).expect("valid");
    let both = [
        row(Model::Sequential, 800.0, 800.0, (1, 0)),
        row(Model::Gil, 800.0, 800.0, (1, 0)),
    ];
    let e = Evidence {
        results: &both,
        workload: &workload,
        cores: 2,
        threads: 4,
        processes: 2,
        switch_ms: 5.0,
        agree: false,
        unavailable: None,
    };
    let j = claim("gil-cpu").expect("claim").judge(&e);
    assert_eq!(j.verdict, None);
    assert!(j.because.contains("checksums differ"));
}

#[test]
fn multiprocessing_wins_on_cpu_loses_on_waits_and_ties_within_the_margin() {
    let io = [
        row(Model::Async, 205.0, 1600.0, (0, 8)),
        row(Model::Gil, 210.0, 1600.0, (0, 8)),
        ModelResult {
            spawn_ms: 60.0,
            ..row(Model::Processes, 880.0, 1600.0, (0, 2))
        },
    ];
    let j = judge("multiprocessing-best", &io, IO, 2, (8, 2));
    assert_eq!(verdict(&j), Some(Verdict::False), "{}", j.because);
    assert!(j
        .because
        .starts_with("Not here: under async the work finished in 205 ms"));
    let cpu = [
        row(Model::Async, 810.0, 800.0, (1, 0)),
        row(Model::Gil, 820.0, 800.0, (1, 0)),
        row(Model::Processes, 470.0, 800.0, (2, 0)),
    ];
    let j = judge("multiprocessing-best", &cpu, CPU, 2, (8, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    // A tie: within the margin either way.
    let close = 470.0 * TIE * 0.99;
    let tie = [
        row(Model::Threads, close, 800.0, (2, 0)),
        row(Model::Processes, 470.0, 800.0, (2, 0)),
    ];
    let j = judge("multiprocessing-best", &tie, CPU, 2, (8, 2));
    assert_eq!(verdict(&j), Some(Verdict::Depends), "{}", j.because);
    assert!(has_numbers(&j));
    let alone = [row(Model::Processes, 470.0, 800.0, (2, 0))];
    assert_eq!(
        verdict(&judge("multiprocessing-best", &alone, CPU, 2, (8, 2))),
        None
    );
}

#[test]
fn fast_io_goes_to_whichever_pool_finishes_first() {
    let text = "100 x io 5";
    let asyncio = [
        row(Model::Async, 8.0, 520.0, (0, 100)),
        row(Model::Gil, 90.0, 520.0, (0, 6)),
    ];
    let j = judge("fast-io-threads", &asyncio, text, 2, (6, 2));
    assert_eq!(verdict(&j), Some(Verdict::False), "{}", j.because);
    let threads = [
        row(Model::Async, 30.0, 520.0, (0, 100)),
        row(Model::Gil, 12.0, 520.0, (0, 100)),
    ];
    assert_eq!(
        verdict(&judge("fast-io-threads", &threads, text, 2, (100, 2))),
        Some(Verdict::True)
    );
    let tie = [
        row(Model::Async, 10.0, 520.0, (0, 100)),
        row(Model::Gil, 10.5, 520.0, (0, 100)),
    ];
    assert_eq!(
        verdict(&judge("fast-io-threads", &tie, text, 2, (100, 2))),
        Some(Verdict::Depends)
    );
    assert_eq!(
        verdict(&judge("fast-io-threads", &tie, CPU, 2, (100, 2))),
        None,
        "no waits"
    );
}

#[test]
fn coroutines_depend_on_an_executor_and_asyncio_alone_computes_one_step_at_a_time() {
    let seq = row(Model::Sequential, 800.0, 800.0, (1, 0));
    let asyncio = row(Model::Async, 805.0, 800.0, (1, 0));
    let executor = row(Model::Executor, 480.0, 800.0, (2, 0));
    let with = [seq.clone(), asyncio.clone(), executor.clone()];
    let j = judge("coroutines-cpu", &with, CPU, 2, (6, 2));
    assert_eq!(verdict(&j), Some(Verdict::Depends), "{}", j.because);
    assert!(j.because.contains("run_in_executor"));
    // One process: the executor computes one step at a time too.
    let one = [
        seq.clone(),
        asyncio.clone(),
        row(Model::Executor, 860.0, 800.0, (1, 0)),
    ];
    assert_eq!(
        verdict(&judge("coroutines-cpu", &one, CPU, 2, (6, 1))),
        Some(Verdict::True)
    );
    let plain = [seq.clone(), asyncio.clone()];
    assert_eq!(
        verdict(&judge("coroutines-cpu", &plain, CPU, 2, (6, 2))),
        Some(Verdict::True)
    );
    let j = judge("asyncio-cpu", &plain, CPU, 2, (6, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    // Two CPU spans at once under async would be a broken engine, and the claim false.
    let broken = [seq, row(Model::Async, 400.0, 800.0, (2, 0))];
    assert_eq!(
        verdict(&judge("asyncio-cpu", &broken, CPU, 2, (6, 2))),
        Some(Verdict::False)
    );
    assert_eq!(
        verdict(&judge("asyncio-cpu", &plain, IO, 2, (6, 2))),
        None,
        "no computing"
    );
}

#[test]
fn threads_help_io_with_several_threads_and_not_with_one() {
    let eight = [
        row(Model::Sequential, 1600.0, 1600.0, (0, 1)),
        row(Model::Gil, 205.0, 1600.0, (0, 8)),
    ];
    let j = judge("threads-io", &eight, IO, 2, (8, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    assert!(j.because.contains("7.80×"));
    let one = [
        row(Model::Sequential, 1600.0, 1600.0, (0, 1)),
        row(Model::Gil, 1605.0, 1600.0, (0, 1)),
    ];
    let j = judge("threads-io", &one, IO, 2, (1, 2));
    assert_eq!(verdict(&j), Some(Verdict::Depends), "{}", j.because);
    assert_eq!(
        verdict(&judge("threads-io", &one, IO, 2, (8, 2))),
        Some(Verdict::False)
    );
}

#[test]
fn free_threads_compute_in_parallel_except_on_one_core() {
    let two = [
        row(Model::Sequential, 800.0, 800.0, (1, 0)),
        row(Model::Gil, 810.0, 800.0, (1, 0)),
        row(Model::Threads, 420.0, 800.0, (2, 0)),
    ];
    let j = judge("free-threads", &two, CPU, 2, (6, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    assert!(j.because.contains("where gil ran at 0.99×"));
    let one_core = [
        row(Model::Sequential, 800.0, 800.0, (1, 0)),
        row(Model::Threads, 810.0, 800.0, (2, 0)),
    ];
    let j = judge("free-threads", &one_core, CPU, 1, (5, 1));
    assert_eq!(verdict(&j), Some(Verdict::Depends), "{}", j.because);
    assert!(j.because.starts_with("On one core"));
    assert_eq!(
        verdict(&judge("free-threads", &one_core, CPU, 2, (6, 2))),
        Some(Verdict::False)
    );
}

/// Python 3.14's interpreters compute in parallel on the standard build: the claim that only
/// processes or free threads can is false where they did, and a run that cannot show it (one
/// core, one interpreter, too little work) says so rather than judge.
#[test]
fn interpreters_compute_on_several_cores_without_processes_or_free_threads() {
    let two = [
        row(Model::Sequential, 800.0, 800.0, (1, 0)),
        row(Model::Gil, 810.0, 800.0, (1, 0)),
        row(Model::Interpreters, 470.0, 800.0, (2, 0)),
    ];
    let j = judge("one-core", &two, CPU, 2, (2, 2));
    assert_eq!(verdict(&j), Some(Verdict::False), "{}", j.because);
    assert!(j.because.contains("on 2 interpreters at once") && j.because.contains("1.70×"));
    assert!(
        j.because.contains("where GIL threads went at 0.99×"),
        "{}",
        j.because
    );
    // Starting and copying outweighed the work: no speedup shown, and the sentence says why.
    let slow = [
        row(Model::Sequential, 100.0, 100.0, (1, 0)),
        row(Model::Interpreters, 95.0, 100.0, (2, 0)),
    ];
    let j = judge("one-core", &slow, "4 x cpu 25", 2, (2, 2));
    assert_eq!(verdict(&j), Some(Verdict::Depends), "{}", j.because);
    assert!(j.because.contains("try longer computations"));
    for (cores, processes, why) in [(1, 2, "one core"), (2, 1, "one interpreter")] {
        let j = judge("one-core", &two, CPU, cores, (2, processes));
        assert_eq!(verdict(&j), None, "{}", j.because);
        assert!(j.because.contains(why), "{}", j.because);
    }
    let j = judge("one-core", &two[..2], CPU, 2, (2, 2));
    assert!(
        j.because
            .contains("interpreters, which this run did not measure"),
        "{}",
        j.because
    );
}

#[test]
fn processes_pay_to_start_and_to_copy_and_without_payload_only_to_start() {
    let paid = [ModelResult {
        spawn_ms: 80.0,
        copy_ms: 12.0,
        ..row(Model::Processes, 520.0, 800.0, (2, 0))
    }];
    let j = judge("processes-cost", &paid, CPU, 2, (6, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    assert!(j.because.contains("80 ms") && j.because.contains("12 ms"));
    let started = [ModelResult {
        spawn_ms: 80.0,
        ..row(Model::Processes, 520.0, 800.0, (2, 0))
    }];
    assert_eq!(
        verdict(&judge("processes-cost", &started, "8 x cpu 100", 2, (6, 2))),
        Some(Verdict::Depends)
    );
    let unseen = judge("processes-cost", &started, CPU, 2, (6, 2));
    assert_eq!(verdict(&unseen), None, "data to copy and no copy recorded");
    assert!(unseen.because.contains("does not record copies"));
    let free = [row(Model::Processes, 420.0, 800.0, (2, 0))];
    assert_eq!(
        verdict(&judge("processes-cost", &free, CPU, 2, (6, 2))),
        Some(Verdict::False)
    );
}

#[test]
fn a_hog_stalls_the_loop_and_a_thread_does_not() {
    let rows = [
        stalled(row(Model::Async, 1500.0, 1500.0, (1, 1)), 995.0),
        stalled(row(Model::ToThread, 1000.0, 1500.0, (1, 1)), 14.0),
    ];
    let j = judge("hog-stalls", &rows, hog(), 2, (2, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    assert!(j.because.contains("995 ms") && j.because.contains("14 ms"));
    let none = [stalled(row(Model::Async, 1500.0, 1500.0, (1, 1)), 3.0)];
    assert_eq!(
        verdict(&judge("hog-stalls", &none, hog(), 2, (2, 2))),
        Some(Verdict::False)
    );
    assert_eq!(
        verdict(&judge("hog-stalls", &none, IO, 2, (2, 2))),
        None,
        "no hog"
    );
}

#[test]
fn gil_threads_do_not_speed_up_computing_but_do_overlap_waits() {
    let cpu = [
        row(Model::Sequential, 800.0, 800.0, (1, 0)),
        row(Model::Gil, 815.0, 800.0, (1, 0)),
    ];
    let j = judge("gil-cpu", &cpu, CPU, 2, (4, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    let mixed = [
        row(Model::Sequential, 1400.0, 1400.0, (1, 1)),
        row(Model::Gil, 500.0, 1400.0, (1, 6)),
    ];
    let text = Preset::Mixed.text();
    assert_eq!(
        verdict(&judge("gil-cpu", &mixed, text, 2, (6, 2))),
        Some(Verdict::Depends)
    );
    let faster = [
        row(Model::Sequential, 800.0, 800.0, (1, 0)),
        row(Model::Gil, 420.0, 800.0, (2, 0)),
    ];
    assert_eq!(
        verdict(&judge("gil-cpu", &faster, CPU, 2, (4, 2))),
        Some(Verdict::False)
    );
    // CPython's traces time whole steps, GIL waits inside them: steps overlap, speed decides.
    let cpython = [
        row(Model::Sequential, 800.0, 800.0, (1, 0)),
        row(Model::Gil, 1200.0, 800.0, (4, 0)),
    ];
    let j = judge("gil-cpu", &cpython, CPU, 2, (4, 2));
    assert_eq!(verdict(&j), Some(Verdict::True), "{}", j.because);
    assert!(j
        .because
        .starts_with("No faster for running on several threads: under gil the run went at 0.67×"));
}

#[test]
fn the_claim_no_browser_can_run_has_its_verdict_and_source_without_a_run() {
    let c = claim("java-gil").expect("claim");
    assert!(c.experiment().is_none());
    let j = c.standing().expect("a verdict from its source");
    assert_eq!(j.verdict, Some(Verdict::False));
    assert!(c.source().is_some_and(|s| s.contains("jls")));
    assert!(CLAIMS
        .iter()
        .filter(|c| c.id != "java-gil")
        .all(|c| c.standing().is_none()));
}

#[test]
fn a_disturbed_baseline_judges_no_speedup() {
    let rows = [
        disturbed(row(Model::Sequential, 1600.0, 1600.0, (0, 1))),
        row(Model::Gil, 205.0, 1600.0, (0, 8)),
    ];
    let j = judge("threads-io", &rows, IO, 2, (8, 2));
    assert_eq!(verdict(&j), None);
    assert!(j.because.contains("sequential's numbers were disturbed"));
}

#[test]
fn a_model_that_cannot_run_here_is_named_with_the_reason() {
    let workload = Workload::parse(hog()).expect("valid");
    let rows = [stalled(row(Model::Async, 1500.0, 1500.0, (1, 1)), 990.0)];
    let e = Evidence {
        results: &rows,
        workload: &workload,
        cores: 2,
        threads: 2,
        processes: 2,
        switch_ms: 5.0,
        agree: true,
        unavailable: Some("this page is not cross-origin isolated"),
    };
    let j = claim("threads-cooperative").expect("claim").judge(&e);
    assert_eq!(j.verdict, None);
    assert!(
        j.because.contains(
            "gil, which cannot run in this page (this page is not cross-origin isolated)"
        ),
        "{}",
        j.because
    );
}

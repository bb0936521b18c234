//! The generated Python programs, run with this machine's `python3`: each runs its workload,
//! writes a Chrome trace, and the page's importer reads that trace back as the model it ran,
//! with one lane per thread or process and the workload's steps.
#![cfg(not(target_arch = "wasm32"))]

use conpar::core::analysis::latency::{latency, Planned};
use conpar::core::input::workload::Workload;
use conpar::core::measure::trace::{Model, SpanState};
use conpar::core::python::import::import;
use conpar::core::python::program::{file_name, program, program_bounded};
use std::process::Command;

fn run(
    model: Model,
    workload: &Workload,
    pools: (u32, u32),
) -> conpar::core::python::import::Imported {
    run_bounded(model, workload, pools, (None, 1))
}

/// The Python that runs `model`'s program: `interpreters` needs 3.14 (`PYTHON314`, which
/// `scripts/test.sh` sets from `scripts/py314.sh`), the others this machine's `python3`.
fn python_for(model: Model) -> Option<String> {
    match model {
        Model::Interpreters => std::env::var("PYTHON314").ok(),
        _ => Some("python3".to_string()),
    }
}

/// Writes `model`'s program for `workload` in a directory of its own and runs it with
/// `python`: its output, and the trace it wrote (if it wrote one).
fn execute(
    python: &str,
    model: Model,
    workload: &Workload,
    pools: (u32, u32),
    bounds: (Option<u32>, u32),
) -> (std::process::Output, Option<String>) {
    // One directory a program: tests in this file run at once, often the same model.
    static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "conpar-py-{}-{}-{run}",
        model.id(),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let script = dir.join(file_name(model));
    std::fs::write(&script, program_bounded(model, workload, pools, bounds))
        .expect("write program");
    let trace = dir.join("trace.json");
    let out = Command::new(python)
        .arg(&script)
        .arg(&trace)
        .current_dir(&dir)
        .output()
        .expect("python3 must be installed (scripts/setup.sh installs it through pyenv)");
    let text = std::fs::read_to_string(&trace).ok();
    let _ = std::fs::remove_dir_all(&dir);
    (out, text)
}

fn run_bounded(
    model: Model,
    workload: &Workload,
    pools: (u32, u32),
    bounds: (Option<u32>, u32),
) -> conpar::core::python::import::Imported {
    let python = python_for(model).expect("a Python for this model");
    let (out, text) = execute(&python, model, workload, pools, bounds);
    assert!(
        out.status.success(),
        "{model}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with(&format!("{model}: ")), "{stdout}");
    let text = text.expect("the program wrote its trace");
    import(&text, "trace.json").expect("the page reads it")
}

#[test]
fn every_generated_program_runs_and_its_trace_loads_back() {
    let text = "4 x io 30, cpu 10\ncpu 20 payload 1kb";
    let w = Workload::parse(text).expect("valid");
    for model in Model::ALL {
        if python_for(model).is_none() {
            // Checked below: without 3.14 the interpreter pool's program says what it needs.
            continue;
        }
        let got = run(model, &w, (3, 2));
        assert_eq!(got.model, Some(model));
        assert!(
            got.label.starts_with("CPython 3.") && got.label.ends_with(model.id()),
            "{}",
            got.label
        );
        assert_eq!(got.workload.as_deref(), Some(w.to_text().as_str()));
        let t = &got.trace;
        let cpu = t.spans.iter().filter(|s| s.state == SpanState::Cpu).count();
        let io = t.spans.iter().filter(|s| s.state == SpanState::Io).count();
        assert_eq!((cpu, io), (5, 4), "{model}: every step once");
        // 60 ms of calibrated computing in all: the program really ran it. (Not a timing claim:
        // CPython's own calibration on a shared machine may be some per cent off, hence 0.8.)
        assert!(t.wall_ms() >= 0.8 * 60.0, "{model}: {} ms", t.wall_ms());
        let most = match model {
            Model::Sequential => 1,
            Model::Async => 1 + 4,
            Model::Gil | Model::Threads => 3,
            Model::Processes | Model::Interpreters => 2,
            // The loop, one row of waits, two processes (three threads).
            Model::Executor => 4,
            Model::ToThread => 5,
        };
        assert!(
            t.lanes >= 1 && t.lanes <= most,
            "{model}: {} lanes",
            t.lanes
        );
        if matches!(model, Model::Processes | Model::Interpreters) {
            assert!(
                t.spans.iter().any(|s| s.state == SpanState::Spawn),
                "start-up drawn"
            );
        }
        // Under asyncio, CPU steps are on the event loop only, one at a time.
        if model == Model::Async {
            assert!(t
                .spans
                .iter()
                .filter(|s| s.state == SpanState::Cpu)
                .all(|s| s.lane == 0));
            assert_eq!(t.max_concurrent(SpanState::Cpu), 1);
        }
        let planned = Planned::of(&w);
        let l = latency(t, &planned).expect("tasks");
        assert_eq!(l.tasks.len(), 5);
    }
}

#[test]
fn a_program_is_python_with_the_pool_sizes_asked_for() {
    let w = Workload::parse("8 x io 200").expect("valid");
    let gil = program(Model::Gil, &w, (32, 2));
    assert!(gil.starts_with("#!/usr/bin/env python3\n\"\"\""));
    assert!(gil.contains("ThreadPoolExecutor(max_workers=32)"));
    assert!(gil.contains("main(GROUPS, WORKLOAD, \"gil\", workers=32)"));
    assert!(gil.contains("    (8, [(\"io\", 200)], 0),\n"));
    let p = program(Model::Processes, &w, (32, 2));
    assert!(p.contains("ProcessPoolExecutor(max_workers=2)") && p.contains("workers=2)"));
    assert!(program(Model::Async, &w, (32, 2)).contains("workers=None)"));
    assert!(program(Model::Threads, &w, (4, 2)).contains("python3.14t"));
}

#[test]
fn a_semaphore_and_a_chunksize_run_in_python_as_in_the_page() {
    let w = Workload::parse("9 x io 20, cpu 2").expect("valid");
    let t = run_bounded(Model::Async, &w, (3, 2), (Some(3), 1)).trace;
    let queued: Vec<u32> = t
        .spans
        .iter()
        .filter(|s| s.state == SpanState::SemWait)
        .map(|s| s.task)
        .collect();
    assert_eq!(
        queued,
        (3..9).collect::<Vec<_>>(),
        "the first three go at once"
    );
    assert!(
        t.max_concurrent(SpanState::Io) <= 3,
        "asyncio.Semaphore(3): three waits at a time"
    );
    let p = program_bounded(Model::Async, &w, (3, 2), (Some(3), 1));
    assert!(p.contains("asyncio.Semaphore(3)") && p.contains("limit=3)"));

    let w = Workload::parse("8 x cpu 5").expect("valid");
    let t = run_bounded(Model::Processes, &w, (3, 2), (None, 4)).trace;
    let lane_of = |task: u32| {
        t.spans
            .iter()
            .find(|s| s.task == task && s.state == SpanState::Cpu)
            .map(|s| s.lane)
    };
    for chunk in [0u32, 4] {
        assert!(
            (chunk..chunk + 4).all(|task| lane_of(task) == lane_of(chunk)),
            "map(chunksize=4) runs each chunk in one process: {:?}",
            (0..8).map(lane_of).collect::<Vec<_>>()
        );
    }
    let p = program_bounded(Model::Processes, &w, (3, 2), (None, 4));
    assert!(p.contains("chunksize=4") && p.contains("pool.map"));
}

/// The interpreter pool's program: on Python 3.14 (`PYTHON314`) its interpreters compute at
/// once, each started in the run; on an older `python3` it stops with what it needs rather
/// than a traceback.
#[test]
fn the_interpreter_pool_program_runs_on_314_and_says_what_it_needs_elsewhere() {
    let w = Workload::parse("4 x cpu 40 payload 4kb").expect("valid");
    let old = Command::new("python3")
        .args(["-c", "import sys; print(sys.version_info >= (3, 14))"])
        .output()
        .expect("python3");
    if String::from_utf8_lossy(&old.stdout).trim() == "False" {
        let (out, trace) = execute("python3", Model::Interpreters, &w, (1, 2), (None, 1));
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("interpreters needs Python 3.14"), "{err}");
        assert!(trace.is_none());
    }
    let Some(_) = python_for(Model::Interpreters) else {
        eprintln!("PYTHON314 not set: the interpreter pool was not run (scripts/test.sh sets it)");
        return;
    };
    let got = run(Model::Interpreters, &w, (1, 2));
    let t = &got.trace;
    assert_eq!(t.lanes, 2, "two interpreters");
    assert_eq!(
        t.spans
            .iter()
            .filter(|s| s.state == SpanState::Spawn)
            .count(),
        2,
        "each interpreter's start drawn"
    );
    // Each with its own GIL: two compute at once (on a machine of two cores or more).
    assert_eq!(t.max_concurrent(SpanState::Cpu), 2);
}

//! Native tests of the recommendation and the worker sweep's arithmetic.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use conpar::core::analysis::advice::recommend;
use conpar::core::analysis::latency::Latency;
use conpar::core::analysis::results::ModelResult;
use conpar::core::analysis::sweep::{
    amdahl, chart_svg, csv, default_sizes, fit_serial_fraction, fits, Point,
};
use conpar::core::analysis::verdict::Expectation;
use conpar::core::input::scenario::parse_sizes;
use conpar::core::input::workload::{Preset, Workload};
use conpar::core::measure::trace::Model;

fn result(model: Model, wall_ms: f64, base: f64, stall_worst_ms: f64) -> ModelResult {
    ModelResult {
        checksum: String::new(),
        latency: Some(Latency {
            finish_p50_ms: 0.0,
            finish_p95_ms: 0.0,
            finish_worst_ms: wall_ms,
            stall_p50_ms: 0.0,
            stall_p95_ms: 0.0,
            stall_worst_ms,
            worst_task: 0,
            tasks: Vec::new(),
        }),
        ..common::result(model, wall_ms, Some(base / wall_ms))
    }
}

fn expect(text: &str, cores: u32) -> Expectation {
    Expectation::new(
        &Workload::parse(text).expect("valid"),
        cores,
        (6, cores),
        5.0,
    )
}

#[test]
fn io_only_recommends_overlapping_waits_with_the_async_caveat() {
    let e = expect(Preset::Io.text(), 2);
    let r = [
        result(Model::Sequential, 1600.0, 1600.0, 1400.0),
        result(Model::Async, 201.0, 1600.0, 0.0),
        result(Model::Gil, 203.0, 1600.0, 0.0),
    ];
    let s = recommend(&r, &e).expect("a recommendation");
    assert!(s.starts_with("asyncio or a thread pool"), "{s}");
    assert!(s.contains("async (8.0×") && s.contains("gil (7.9×"), "{s}");
    assert!(s.contains("async libraries"), "{s}");
}

#[test]
fn cpu_only_recommends_the_faster_parallel_model_with_its_cost() {
    let e = expect(Preset::Cpu.text(), 2);
    let r = [
        result(Model::Sequential, 800.0, 800.0, 700.0),
        result(Model::Gil, 820.0, 800.0, 10.0),
        result(Model::Threads, 430.0, 800.0, 0.0),
        result(Model::Processes, 520.0, 800.0, 0.0),
    ];
    let s = recommend(&r, &e).expect("a recommendation");
    assert!(s.starts_with("threads: the work is CPU-bound"), "{s}");
    assert!(s.contains("python3.14t"), "{s}");
    let r = [
        result(Model::Sequential, 800.0, 800.0, 700.0),
        result(Model::Processes, 520.0, 800.0, 0.0),
    ];
    let s = recommend(&r, &e).expect("a recommendation");
    assert!(
        s.starts_with("processes:") && s.contains("a program's first pool also starts the server"),
        "{s}"
    );
    // Interpreters are the other parallel model of the standard build.
    let r = [
        result(Model::Sequential, 800.0, 800.0, 700.0),
        result(Model::Processes, 520.0, 800.0, 0.0),
        result(Model::Interpreters, 470.0, 800.0, 0.0),
    ];
    let s = recommend(&r, &e).expect("a recommendation");
    assert!(
        s.starts_with("interpreters:") && s.contains("its own GIL"),
        "{s}"
    );
    let one_core = expect(Preset::Cpu.text(), 1);
    assert!(recommend(&r, &one_core).expect("said").contains("one core"));
}

#[test]
fn a_hog_on_the_event_loop_is_named_with_its_stall() {
    let e = expect("cpu 1000\nio 20, cpu 1, io 20, cpu 1", 2);
    let r = [
        result(Model::Sequential, 1050.0, 1050.0, 1000.0),
        result(Model::Async, 1010.0, 1050.0, 985.0),
        result(Model::Gil, 1012.0, 1050.0, 6.0),
        result(Model::Threads, 1001.0, 1050.0, 0.4),
    ];
    let s = recommend(&r, &e).expect("a recommendation");
    assert!(s.starts_with("threads: the fastest here"), "{s}");
    assert!(s.contains("one task stalled 985 ms"), "{s}");
    assert!(s.contains("against 0.4 ms under threads"), "{s}");
    assert!(s.contains("keep them off it"), "{s}");
}

#[test]
fn no_recommendation_from_disturbed_numbers_or_a_single_model_and_none_needed_for_one_task() {
    let e = expect(Preset::Cpu.text(), 2);
    let mut r = vec![
        result(Model::Sequential, 800.0, 800.0, 700.0),
        result(Model::Threads, 430.0, 800.0, 0.0),
    ];
    assert!(recommend(&r[..1], &e).is_none());
    r[1].disturbed.push("the machine was busy".into());
    assert!(recommend(&r, &e).is_none());
    let one = expect("cpu 100", 2);
    r[1].disturbed.clear();
    assert!(recommend(&r, &one).expect("said").starts_with("One task"));
}

#[test]
fn amdahl_is_fitted_where_it_applies() {
    assert_eq!(amdahl(0.0, 4.0), 4.0);
    assert_eq!(amdahl(1.0, 4.0), 1.0);
    let s = 0.1;
    let points: Vec<(u32, f64)> = [1, 2, 4, 8]
        .iter()
        .map(|&n| (n, amdahl(s, f64::from(n))))
        .collect();
    let fitted = fit_serial_fraction(&points).expect("fits");
    assert!((fitted - s).abs() < 0.002, "{fitted}");
    assert!(
        fit_serial_fraction(&[(2, 1.8)]).is_none(),
        "one size fits nothing"
    );
    // Beyond the cores, and disturbed points, are left out of the fit.
    let p = |model, workers, speedup, disturbed| Point {
        model,
        workers,
        wall_ms: 800.0 / speedup,
        speedup,
        disturbed,
    };
    let points = [
        p(Model::Threads, 1, 1.0, false),
        p(Model::Threads, 2, 2.0, false),
        p(Model::Threads, 4, 2.0, false),
        p(Model::Gil, 1, 1.0, false),
        p(Model::Gil, 2, 1.0, false),
        p(Model::Gil, 4, 5.0, true),
    ];
    let f = fits(&points, 2);
    assert_eq!(
        f,
        vec![(Model::Gil, Some(1.0)), (Model::Threads, Some(0.0))]
    );
    let text = csv(&points, 2);
    assert_eq!(text.lines().count(), 7);
    assert!(text
        .starts_with("model,workers,wall_ms,speedup,ideal,amdahl_fit,serial_fraction,disturbed\n"));
    assert!(
        text.contains("\nthreads,4,400.000,2.0000,4,4.0000,0.000,false\n"),
        "{text}"
    );
    let svg = chart_svg(&points, &[1, 2, 4], 2, 800.0, false);
    assert!(!svg.contains("#ffffff"), "in the page, the page's theme");
    let file = chart_svg(&points, &[1, 2, 4], 2, 800.0, true);
    assert!(
        file.contains("color=\"#1b1f24\"") && file.contains("fill=\"#ffffff\""),
        "a file has its own colours"
    );
    assert!(
        svg.starts_with("<svg") && svg.contains("2 cores") && svg.contains("Amdahl, s = 100 %")
    );
    assert_eq!(svg.matches("<circle").count(), 6);
}

#[test]
fn sweep_sizes_default_to_powers_of_two_and_reject_junk() {
    assert_eq!(default_sizes(2), vec![1, 2, 4]);
    assert_eq!(default_sizes(8), vec![1, 2, 4, 8, 16]);
    assert_eq!(default_sizes(64), vec![1, 2, 4, 8, 16, 32, 64]);
    assert_eq!(parse_sizes("4, 1,2,2", 64), Ok(vec![1, 2, 4]));
    assert!(parse_sizes("0,2", 64).is_err());
    assert!(parse_sizes("65", 64).is_err());
    assert!(parse_sizes("a", 64).is_err());
    assert!(parse_sizes("", 64).is_err());
    assert!(parse_sizes("1,2,3,4,5,6,7,8,9", 64).is_err());
}

#[test]
fn the_mixed_preset_names_its_fastest_model_and_the_loops_stalls() {
    let e = expect(Preset::Mixed.text(), 2);
    let r = [
        result(Model::Sequential, 1320.0, 1320.0, 1100.0),
        result(Model::Async, 415.0, 1320.0, 200.0),
        result(Model::Gil, 433.0, 1320.0, 45.0),
        result(Model::Threads, 400.0, 1320.0, 20.0),
        result(Model::Processes, 720.0, 1320.0, 90.0),
    ];
    let s = recommend(&r, &e).expect("a recommendation");
    assert!(
        s.starts_with("threads: the fastest here (3.3× the plain loop)"),
        "{s}"
    );
    assert!(
        s.contains("stalled 200 ms waiting for the event loop, against 20 ms under threads"),
        "{s}"
    );
    // Stalls alike everywhere: no warning.
    let calm = [
        result(Model::Sequential, 1320.0, 1320.0, 1100.0),
        result(Model::Async, 415.0, 1320.0, 30.0),
        result(Model::Gil, 433.0, 1320.0, 25.0),
    ];
    let s = recommend(&calm, &e).expect("a recommendation");
    assert!(
        s.starts_with("async: the fastest here") && !s.contains("stalled"),
        "{s}"
    );
    assert!(s.contains("async libraries"), "{s}");
}

#[test]
fn the_sweep_summary_says_what_it_fitted_in_words() {
    use conpar::core::analysis::sweep::summary;
    let p = |model, workers, speedup| Point {
        model,
        workers,
        wall_ms: 800.0 / speedup,
        speedup,
        disturbed: false,
    };
    let lines = summary(
        &[
            p(Model::Gil, 1, 1.0),
            p(Model::Gil, 2, 0.95),
            p(Model::Processes, 4, 1.5),
        ],
        2,
    );
    assert_eq!(
        lines[0],
        "gil: best 1.00× with 1 worker; Amdahl's law fits a serial fraction of 100 % (limit 1.0× on any number of cores)."
    );
    assert_eq!(
        lines[1],
        "processes: best 1.50× with 4 workers; too few sizes within the 2 cores to fit Amdahl's law."
    );
}

#[test]
fn a_sweep_that_scales_with_no_serial_part_never_prints_an_infinite_limit() {
    // The mixed preset's waits overlap beyond the cores: Amdahl fits no serial part.
    let points: Vec<Point> = [1, 2, 4, 8]
        .into_iter()
        .map(|w| Point {
            model: Model::Threads,
            workers: w,
            wall_ms: 800.0 / f64::from(w),
            speedup: f64::from(w),
            disturbed: false,
        })
        .collect();
    let lines = conpar::core::analysis::sweep::summary(&points, 2);
    assert_eq!(lines.len(), 1);
    assert!(!lines[0].contains("inf"), "{}", lines[0]);
    assert!(lines[0].contains("sets no limit"), "{}", lines[0]);
}

#[test]
fn the_advice_names_the_semaphore_and_the_chunks_that_ran() {
    let e = expect("100 x io 50", 2).bounded((Some(10), 1));
    let r = [
        result(Model::Sequential, 5030.0, 5030.0, 4980.0),
        result(Model::Async, 511.0, 5030.0, 461.0),
    ];
    let s = recommend(&r, &e).expect("a recommendation");
    assert!(
        s.contains("asyncio.Semaphore(10) kept 10 of the 100 tasks in flight"),
        "{s}"
    );
    let free = recommend(&r, &expect("100 x io 50", 2)).expect("a recommendation");
    assert!(!free.contains("Semaphore"), "{free}");

    let small = || {
        [
            result(Model::Sequential, 2000.0, 2000.0, 1990.0),
            result(Model::Processes, 1900.0, 2000.0, 10.0),
        ]
    };
    let one = recommend(&small(), &expect("2000 x cpu 1", 2)).expect("a recommendation");
    assert!(one.contains("map(..., chunksize=n)"), "{one}");
    let chunked = recommend(&small(), &expect("2000 x cpu 1", 2).bounded((None, 100)))
        .expect("a recommendation");
    assert!(
        chunked.contains("chunksize=100 sent that many tasks"),
        "{chunked}"
    );
    let big = recommend(&small(), &expect("8 x cpu 100", 2)).expect("a recommendation");
    assert!(
        !big.contains("chunksize"),
        "eight big tasks need no chunks: {big}"
    );
}

#[test]
fn the_hogs_advice_points_at_executors_own_row_when_it_ran() {
    let e = expect(Preset::Hog.text(), 2);
    let mut r = vec![
        result(Model::Sequential, 1540.0, 1540.0, 1000.0),
        result(Model::Async, 1560.0, 1540.0, 1020.0),
        result(Model::Gil, 1040.0, 1540.0, 9.3),
    ];
    let without = recommend(&r, &e).expect("a recommendation");
    assert!(without.contains("loop.run_in_executor)."), "{without}");
    r.push(result(Model::Executor, 1007.0, 1540.0, 11.0));
    let with = recommend(&r, &e).expect("a recommendation");
    assert!(
        with.contains("executor, which does the latter, stalled at most 11 ms"),
        "{with}"
    );
    r[2] = result(Model::Gil, 1040.0, 1540.0, 30.0);
    let named = recommend(&r, &e).expect("a recommendation");
    assert!(
        named.contains("against 11 ms under executor") && named.contains(", as executor does)."),
        "{named}"
    );
}

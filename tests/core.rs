//! Native tests of the pure core: the workload language, kernel, scenario URL, metrics, export.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::span;
use conpar::core::analysis::results::results;
use conpar::core::drawing::export::chrome_trace;
use conpar::core::drawing::layout::TimeScale;
use conpar::core::input::scenario::{Scenario, Source};
use conpar::core::input::workload::{Preset, Step, Workload, LIMITS};
use conpar::core::measure::kernel::{run_rounds, Calibration};
use conpar::core::measure::trace::{
    spans_from_flat, spans_to_flat, Model, ModelTrace, Span, SpanState,
};
use conpar::core::measure::units::format_ms;

fn err(text: &str) -> (u32, u32, String) {
    match Workload::parse(text) {
        Ok(w) => panic!("`{text}` parsed as {w:?}"),
        Err(e) => (e.line, e.column, e.message),
    }
}

#[test]
fn presets_parse_and_round_trip() {
    for p in Preset::ALL {
        let w = p.workload();
        assert_eq!(
            Workload::parse(&w.to_text()).ok(),
            Some(w.clone()),
            "{}",
            p.id()
        );
        // Enough tasks to overlap; the hog preset is about two tasks' latency.
        assert!(w.task_count() >= 6 || p == Preset::Hog);
    }
    let hog = Preset::Hog.workload().tasks();
    assert_eq!(hog.len(), 2);
    assert_eq!(
        (hog[0].cpu_ms(), hog[1].steps.len(), hog[1].total_ms()),
        (1000, 50, 525)
    );
    assert_eq!(Preset::Io.workload().total_cpu_ms(), 0);
    assert_eq!(Preset::Cpu.workload().total_cpu_ms(), 800);
}

#[test]
fn count_shorthand_and_steps() {
    let w = Workload::parse("8 x io 200\nio 100, cpu 20, io 100 payload 64kb").expect("valid");
    let tasks = w.tasks();
    assert_eq!(tasks.len(), 9);
    assert_eq!(tasks[0].steps, vec![Step::Io(200)]);
    assert_eq!(
        tasks[8].steps,
        vec![Step::Io(100), Step::Cpu(20), Step::Io(100)]
    );
    assert_eq!(tasks[8].payload, 64 * 1024);
    assert_eq!(w.longest_task_ms(), 220);
    assert_eq!(w.serial_ms(), 8 * 200 + 220);
}

#[test]
fn variants_of_writing_are_accepted_and_printed_canonically() {
    let w = Workload::parse("  3X CPU 5ms ; 2 × io 7 # comment ; not parsed\n\n# only a comment")
        .expect("valid");
    assert_eq!(w.to_text(), "3 x cpu 5\n2 x io 7");
    let again = Workload::parse(&w.to_text()).expect("canonical text parses");
    assert_eq!(again, w);
}

#[test]
fn errors_name_line_column_and_expectation() {
    let (line, column, message) = err("io 100\ncpu fast");
    assert_eq!((line, column), (2, 5));
    assert!(message.contains("expected a duration"), "{message}");

    let (line, column, message) = err("io 100, wait 5");
    assert_eq!((line, column), (1, 9));
    assert!(message.contains("expected a step"), "{message}");

    let (_, column, message) = err("io 100 cpu 5");
    assert_eq!(column, 8);
    assert!(message.contains("expected `,`"), "{message}");

    let (_, _, message) = err("io");
    assert!(
        message.contains("expected a duration in milliseconds after `io`"),
        "{message}"
    );

    let (_, column, message) = err("io 10,");
    assert_eq!(column, 7);
    assert!(message.contains("expected a step"), "{message}");

    let (_, _, message) = err("io 0");
    assert!(message.contains("at least 1 ms"), "{message}");

    let (_, _, message) = err("0 x io 5");
    assert!(message.contains("at least 1"), "{message}");

    let (_, _, message) = err("io 5 payload lots");
    assert!(message.contains("expected a size"), "{message}");

    let (_, _, message) = err("io 5 payload 1kb io 5");
    assert!(message.contains("end of the line"), "{message}");

    let (_, _, message) = err("");
    assert!(message.contains("empty"), "{message}");

    let (_, _, message) = err("io 99999999999999999999999");
    assert!(message.contains("too large"), "{message}");
}

#[test]
fn limits_reject_what_would_hang_or_exhaust_the_tab() {
    assert!(
        Workload::parse("10000 x io 100").is_ok(),
        "10,000 I/O tasks must stay possible"
    );
    assert!(err("10001 x io 100").2.contains("at most 10000 tasks"));
    // A limit over the whole workload points at the task that went past it.
    let (line, column, message) = err("6000 x io 1\n  6000 x io 1");
    assert!(message.contains("12000 tasks in all"), "{message}");
    assert_eq!((line, column), (2, 3));
    // The text limit counts characters, not bytes: 4,007 CJK characters are short enough.
    let cjk = format!("io 1 # {}", "漢".repeat(4000));
    assert!(Workload::parse(&cjk).is_ok());
    // A size in a unit conpar does not know is named whole.
    assert!(err("io 1 payload 1gb").2.contains("found `1gb`"));
    assert!(err("io 60001").2.contains("longer than the 60000 ms"));
    assert!(err("3 x cpu 10000").2.contains("ms of CPU work in all"));
    assert!(err("io 1 payload 17mb").2.contains("at most 16mb"));
    assert!(err("5 x io 1 payload 16mb")
        .2
        .contains("MB of payload in all"));
    let many_steps = vec!["io 1"; 65].join(", ");
    assert!(err(&many_steps).2.contains("at most 64 steps"));
    assert!(err(&"x".repeat(20_000)).2.contains("longer than"));
    assert!(err("2000 x io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1").2.contains("steps in all"));
    assert_eq!(LIMITS.max_tasks, 10_000);
}

#[test]
fn kernel_is_deterministic_and_chunking_does_not_change_it() {
    let whole = run_rounds(12345, 10_000);
    let mut x = 12345;
    for _ in 0..10 {
        x = run_rounds(x, 1_000);
    }
    assert_eq!(whole, x);
    assert_ne!(run_rounds(12345, 10_000), run_rounds(12346, 10_000));
}

#[test]
fn calibration_doubles_until_long_enough_and_takes_the_median() {
    let mut calls = Vec::new();
    // A pretend device doing 1,000 rounds per ms.
    let c = Calibration::measure(|rounds| {
        calls.push(rounds);
        rounds as f64 / 1000.0
    });
    assert_eq!(c.rounds_per_ms, 1000);
    assert!(calls.iter().all(|r| r.is_power_of_two()));
    let last = *calls.last().expect("sampled");
    assert!(last as f64 / 1000.0 >= Calibration::MIN_SAMPLE_MS);
    assert_eq!(
        calls.iter().filter(|r| **r == last).count(),
        Calibration::SAMPLES + 1,
        "the sample that ended the doubling, then SAMPLES fresh ones"
    );

    // Of the final samples, one is cut short by a coarse clock (it would win "the fastest")
    // and one is lengthened by a neighbour's burst: the median ignores both.
    let mut n = 0;
    let c = Calibration::measure(|rounds| {
        n += 1;
        let ms = rounds as f64 / 1000.0;
        match n {
            3 => ms * 0.6,
            5 => ms * 2.0,
            _ => ms,
        }
    });
    assert_eq!(c.rounds_per_ms, 1000, "the median of 5, not the fastest");
    assert_eq!(c.rounds_for(50), 50_000);
}

#[test]
fn a_recheck_recalibrates_only_when_the_speed_moved_more_than_ten_percent() {
    let c = Calibration {
        rounds_per_ms: 1000,
    };
    assert_eq!(c.check_rounds(), 25_000);
    assert_eq!(c.drift(25_000, 26.0), None, "4 % slower: within noise");
    assert_eq!(c.drift(25_000, 23.5), None);
    let slower = c.drift(25_000, 40.0).expect("a busy machine");
    assert!((slower - 0.625).abs() < 1e-9);
    assert!(c.drift(25_000, 20.0).is_some_and(|r| r > 1.2));
    assert_eq!(
        c.drift(25_000, 0.0),
        None,
        "a reading of nothing is not a speed"
    );
}

#[test]
fn an_address_escaped_twice_by_a_cms_is_read_as_its_author_wrote_it() {
    let once = "?preset=cpu&models=sequential,threads&threads=4&processes=2&embed=1";
    let (want, notices) = Scenario::from_query(once, 2);
    assert!(notices.is_empty());
    let twice = once.replace('&', "&amp;");
    let (got, notices) = Scenario::from_query(&twice, 2);
    assert_eq!(got.to_query(), want.to_query());
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].message.contains("escaped twice"), "{notices:?}");
    // An unknown key is still named, without its `amp;`.
    let (_, notices) = Scenario::from_query("?preset=io&amp;colour=red", 2);
    assert!(
        notices.iter().any(|n| n.message.contains("`colour`")),
        "{notices:?}"
    );
}

#[test]
fn the_settings_disclosure_opens_for_what_a_newcomer_does_not_need_and_its_summary_hides_nothing() {
    let (s, _) = Scenario::from_query("?preset=io&models=sequential,gil&threads=8&processes=2", 2);
    assert!(
        !s.sets_more(),
        "pool sizes are in every link: they do not open it"
    );
    assert_eq!(s.settings_summary(), "8 threads · 2 processes");
    let (s, _) = Scenario::from_query("?threads=1&processes=1", 2);
    assert_eq!(s.settings_summary(), "1 thread · 1 process");
    for (query, shown) in [
        ("start=spawn", "spawn start"),
        ("start=fork", "fork start"),
        ("limit=10", "async limit 10"),
        ("chunksize=4", "chunksize 4"),
        ("switch=2.5", "GIL switch 2.5 ms"),
        ("repeat=3", "repeat 3"),
        ("sweep=1,2,4", "sweep 1,2,4"),
        ("seed=7", "seed 7"),
    ] {
        let (s, notices) = Scenario::from_query(&format!("?threads=2&processes=2&{query}"), 2);
        assert!(notices.is_empty(), "{notices:?}");
        assert!(s.sets_more(), "{query} opens the disclosure");
        assert_eq!(
            s.settings_summary(),
            format!("2 threads · 2 processes · {shown}")
        );
    }
    // Set to their defaults, they leave it closed.
    let (s, _) = Scenario::from_query("?start=forkserver&chunksize=1&switch=5&repeat=1&seed=1", 2);
    assert!(!s.sets_more());
}

#[test]
fn scenario_reads_and_writes_the_url() {
    let (s, notices) =
        Scenario::from_query("?preset=cpu&models=threads,sequential&workers=2&run=1", 2);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.source, Source::Preset(Preset::Cpu));
    assert_eq!(s.models, vec![Model::Sequential, Model::Threads]);
    assert_eq!(
        (s.threads, s.processes, s.run),
        (2, 2, true),
        "workers= sets both"
    );
    let (back, _) = Scenario::from_query(&s.to_query(), 2);
    assert_eq!(back.models, s.models);
    assert_eq!(back.source, s.source);

    // Pool sizes as in Python: ThreadPoolExecutor's min(32, cores + 4), ProcessPoolExecutor's
    // cores; threads may exceed the cores.
    let (d, _) = Scenario::from_query("", 2);
    assert_eq!((d.threads, d.processes), (6, 2));
    let (d, _) = Scenario::from_query("", 64);
    assert_eq!((d.threads, d.processes), (32, 32));
    let (s, notices) = Scenario::from_query("threads=64&processes=32", 2);
    assert!(notices.is_empty());
    assert_eq!((s.threads, s.processes), (64, 32));
    let (s, notices) = Scenario::from_query("threads=65&processes=33", 2);
    assert_eq!(notices.len(), 2);
    assert!(
        notices[0].message.contains("from 1 to 64; using 6"),
        "{notices:?}"
    );
    assert_eq!((s.threads, s.processes), (6, 2));
    assert!(s.to_query().contains("threads=6&processes=2"));

    // The form writes through the same setter as the URL.
    let mut form = Scenario::default_for(2);
    assert!(form.set("switch", "0.05").is_err());
    assert_eq!(form.switch_ms, 5.0);
    form.set("switch", "2.5").expect("in range");
    assert_eq!(form.switch_ms, 2.5);
    // Percent-encoded keys are decoded like values.
    let (s, notices) = Scenario::from_query("wor%6Bload=io+5", 2);
    assert!(notices.is_empty());
    assert_eq!(s.text(), "io 5");

    let text = "4 x io 50, cpu 5\ncpu 10 payload 1kb";
    let custom = Scenario {
        source: Source::Text(text.into()),
        ..s.clone()
    };
    let (restored, notices) = Scenario::from_query(&custom.to_query(), 2);
    assert!(notices.is_empty());
    assert_eq!(restored.text(), text);
}

#[test]
fn bad_url_values_give_notices_and_safe_defaults() {
    let (s, notices) = Scenario::from_query(
        "preset=nope&models=fast,,gil&workers=99&switch=-1&seed=x&what=1&workload",
        4,
    );
    let fields: Vec<&str> = notices.iter().map(|n| n.field).collect();
    assert_eq!(
        fields,
        vec!["preset", "models", "workers", "switch", "seed", "query"]
    );
    assert_eq!(s.models, vec![Model::Gil]);
    assert_eq!((s.threads, s.processes), (8, 4), "the defaults for 4 cores");
    assert_eq!(s.switch_ms, 5.0);
    // An empty workload is kept so the editor can show its error.
    assert!(s.workload().is_err());
    let (s, notices) = Scenario::from_query("models=nothing&workload=io%2&run=yes", 4);
    assert_eq!(s.models.len(), 5);
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].message.ends_with("showing the default five"));
    assert!(notices[1].message.contains("run must be 1 or 0"));
    assert_eq!(s.text(), "io%2");
}

/// A model's trace with `lanes`, running over `(start, end)`.
fn model_trace(
    model: Model,
    lanes: u32,
    (start, end): (f64, f64),
    checksum: u64,
    spans: Vec<Span>,
) -> ModelTrace {
    ModelTrace {
        model,
        lanes,
        start,
        end,
        checksum,
        spans,
    }
}

#[test]
fn results_and_overlap_measures() {
    let seq = model_trace(
        Model::Sequential,
        1,
        (0.0, 100.0),
        7,
        vec![
            span(0, SpanState::Cpu, 0.0, 50.0),
            span(0, SpanState::Cpu, 50.0, 100.0),
        ],
    );
    let par = model_trace(
        Model::Threads,
        2,
        (0.0, 50.0),
        7,
        vec![
            span(0, SpanState::Cpu, 0.0, 50.0),
            span(1, SpanState::Cpu, 0.0, 50.0),
        ],
    );
    assert_eq!(
        seq.max_concurrent(SpanState::Cpu),
        1,
        "touching spans do not overlap"
    );
    assert_eq!(par.max_concurrent(SpanState::Cpu), 2);
    let r = results(&[seq.clone(), par.clone()]);
    assert_eq!(r[1].speedup, Some(2.0));
    assert_eq!(r[0].utilisation, 1.0);
    assert_eq!(r[1].cpu_ms, 100.0);
    assert_eq!(r[0].checksum, "0000000000000007");

    let flat = spans_to_flat(&par.spans);
    assert_eq!(spans_from_flat(&flat), par.spans);
}

#[test]
fn chrome_trace_has_names_lanes_and_microseconds() {
    let t = model_trace(
        Model::Gil,
        2,
        (1000.0, 1010.0),
        1,
        vec![span(1, SpanState::LockWait, 1002.0, 1003.5)],
    );
    let json = chrome_trace(
        std::slice::from_ref(&t),
        &results(std::slice::from_ref(&t)),
        1000.0,
    );
    let events = json["traceEvents"].as_array().expect("events");
    let name = events
        .iter()
        .find(|e| e["name"] == "process_name")
        .expect("process name");
    assert_eq!(name["args"]["name"], "gil");
    let x = events
        .iter()
        .find(|e| e["ph"] == "X")
        .expect("a complete event");
    assert_eq!(x["cat"], "lock-wait");
    assert_eq!(x["ts"], 2000.0);
    assert_eq!(x["dur"], 1500.0);
    assert_eq!(x["tid"], 1);
    assert_eq!(x["args"]["task"], 0);
    assert_eq!(
        events.iter().filter(|e| e["name"] == "thread_name").count(),
        2
    );
}

#[test]
fn time_scale_and_ticks() {
    let s = TimeScale::new(0.0, 1000.0, 500.0);
    assert_eq!(s.x(500.0), 250.0);
    assert_eq!(s.ms_at(250.0), 500.0);
    let ticks = s.ticks(80.0);
    assert_eq!(ticks, vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
    assert_eq!(format_ms(850.0), "850 ms");
    assert_eq!(format_ms(1250.0), "1.25 s");
}

#[test]
fn results_csv_has_a_header_and_a_row_per_model() {
    let t = model_trace(
        Model::Async,
        2,
        (0.0, 40.0),
        255,
        vec![
            span(0, SpanState::Cpu, 0.0, 10.0),
            span(1, SpanState::Io, 0.0, 30.0),
        ],
    );
    let csv = conpar::core::drawing::export::results_csv(&results(std::slice::from_ref(&t)));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    let header: Vec<&str> = lines[0].split(',').collect();
    let row: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(header.len(), row.len());
    assert_eq!(row[0], "async");
    assert_eq!(row[1], "40.000");
    assert_eq!(row[2], "", "no speedup without sequential");
    assert_eq!(row[10], "00000000000000ff");
}

#[test]
fn timeline_svg_draws_every_span_with_its_state() {
    let t = model_trace(
        Model::Gil,
        2,
        (100.0, 150.0),
        1,
        vec![
            span(0, SpanState::Cpu, 100.0, 120.0),
            span(1, SpanState::LockWait, 100.0, 120.0),
            span(1, SpanState::Cpu, 120.0, 150.0),
        ],
    );
    let drawn = conpar::core::drawing::export::timeline_svg(&[t], "2 x cpu 25 under gil", 800.0);
    assert_eq!(drawn.width, 800.0);
    // A 40 px caption and legend, a 22 px heading, the panel (18 px axis, two 20 px rows and
    // 4 px) and a 10 px gap.
    assert_eq!(drawn.height, 40.0 + 22.0 + (18.0 + 2.0 * 20.0 + 4.0) + 10.0);
    assert!(drawn.text.contains(&format!("height=\"{}\"", drawn.height)));
    let svg = drawn.text;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<rect class=\"cpu\"").count(), 2);
    assert_eq!(svg.matches("<rect class=\"lock-wait\"").count(), 1);
    assert!(svg.contains("fill=\"url(#p-lock-wait)\""));
    assert!(svg.contains(">thread 1<"));
    assert!(svg.contains(">2 x cpu 25 under gil<"), "the caption");
    for state in SpanState::ALL {
        let drawn = matches!(state, SpanState::Cpu | SpanState::LockWait);
        assert_eq!(
            svg.contains(&format!(">{}: ", state.id())),
            drawn,
            "the legend names exactly the states drawn: {state:?}"
        );
    }
    assert!(svg.contains("gil — 50 ms"));
}

#[test]
fn an_error_points_at_its_word_in_the_text() {
    let text = "io 100\ncpu fast, io 5";
    let e = Workload::parse(text).expect_err("invalid");
    let (a, b) = e.utf16_range(text);
    assert_eq!(&text[a as usize..b as usize], "fast");
    // Past the end of the text (a missing duration): the last character.
    let text = "io 5, cpu";
    let e = Workload::parse(text).expect_err("invalid");
    let (a, b) = e.utf16_range(text);
    assert_eq!((a, b), (8, 9));
    // Non-ASCII before the error counts in UTF-16 units, as the browser does.
    let text = "2 × io 5, wait 3";
    let e = Workload::parse(text).expect_err("invalid");
    let (a, b) = e.utf16_range(text);
    let units: Vec<u16> = text.encode_utf16().collect();
    assert_eq!(
        String::from_utf16_lossy(&units[a as usize..b as usize]),
        "wait"
    );
}

#[test]
fn a_model_without_cpu_work_uses_zero_not_negative_zero() {
    let t = model_trace(
        Model::Async,
        2,
        (0.0, 100.0),
        0,
        vec![span(1, SpanState::Io, 0.0, 100.0)],
    );
    let r = &results(&[t])[0];
    assert!(r.cpu_ms.is_sign_positive() && r.cpu_ms == 0.0);
    assert_eq!(format!("{:.0}%", r.utilisation * 100.0), "0%");
}

#[test]
fn calibration_ignores_samples_that_measured_nothing() {
    let mut calls = 0;
    // 1,000 rounds per ms, but every sample after the doubling reads 0 ms (the work was not done).
    let c = Calibration::measure(|rounds| {
        calls += 1;
        let ms = rounds as f64 / 1000.0;
        if ms >= Calibration::MIN_SAMPLE_MS && calls > 2 {
            0.0
        } else {
            ms
        }
    });
    assert_eq!(c.rounds_per_ms, 1000);
}

/// The facts each model's explanation states, as of Python 3.14. A change to them is a change
/// to what conpar teaches, so it must be made here too, on purpose.
#[test]
fn explanations_state_pythons_facts_as_of_3_14() {
    let text = |m: Model| m.explanation();
    for fact in [
        "sys.getswitchinterval()",
        "5 ms",
        "blocking I/O releases it",
        "hashlib, zlib, NumPy",
    ] {
        assert!(text(Model::Gil).contains(fact), "gil: {fact}");
    }
    for fact in [
        "python3.14t",
        "supported since Python 3.14, PEP 779",
        "experimental in 3.13",
        "no GIL",
        // Its single-thread cost, with its source, and that these numbers do not include it.
        "roughly 5–10 % slower than the GIL build in 3.14 (What's New In Python 3.14; about 40 % in 3.13)",
        "so that cost is not in these numbers",
    ] {
        assert!(text(Model::Threads).contains(fact), "threads: {fact}");
    }
    for fact in [
        "pickled",
        "fork (the Linux default up to 3.13)",
        "forkserver (the Linux default from 3.14)",
        "spawn (macOS, Windows)",
        "as spawn starts a fresh interpreter",
        "as the fork server has imported its modules before it forks",
        "fork copies the running parent",
        // 3.14's default as a program's first pool pays it: the server first.
        "a program's first pool starts the fork server",
        "start=fork here is forkserver's workers without the server",
        // What a worker cannot cost, said rather than faked.
        "imports the program's modules again",
        "start here in about half CPython 3.14's time",
    ] {
        assert!(text(Model::Processes).contains(fact), "processes: {fact}");
    }
    assert!(text(Model::Async).contains("blocks the loop"));
    for fact in ["loop.run_in_executor", "ProcessPoolExecutor", "pickled"] {
        assert!(text(Model::Executor).contains(fact), "executor: {fact}");
    }
    for fact in [
        "concurrent.futures.InterpreterPoolExecutor (new in Python 3.14, PEP 734)",
        "with its own GIL",
        "in one process",
        "pickled into the worker's interpreter",
        // What a browser cannot show, said rather than faked.
        "interpreters here start and copy as processes with start=spawn do",
        "that difference is not in these numbers",
    ] {
        assert!(
            text(Model::Interpreters).contains(fact),
            "interpreters: {fact}"
        );
    }
    assert!(!Model::ALL
        .iter()
        .any(|m| text(*m).contains("3.13t") || m.python().contains("3.13t")));
}

#[test]
fn repeats_count_each_models_median_run_and_keep_them_all() {
    use conpar::core::measure::trace::medians;
    let run = |model, wall: f64| {
        model_trace(
            model,
            1,
            (0.0, wall),
            1,
            vec![span(0, SpanState::Cpu, 0.0, wall)],
        )
    };
    // ABCABCABC, as the conductor interleaves them.
    let traces = vec![
        run(Model::Sequential, 800.0),
        run(Model::Threads, 420.0),
        run(Model::Sequential, 950.0),
        run(Model::Threads, 400.0),
        run(Model::Sequential, 790.0),
        run(Model::Threads, 700.0),
    ];
    let m = medians(&traces);
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].0.model, m[0].0.wall_ms()), (Model::Sequential, 800.0));
    assert_eq!(
        m[0].1,
        vec![800.0, 950.0, 790.0],
        "every repeat, in the order they ran"
    );
    assert_eq!((m[1].0.model, m[1].0.wall_ms()), (Model::Threads, 420.0));
    // The trace export carries every repeat, each labelled.
    let json = chrome_trace(&traces, &[], 0.0);
    let labels: Vec<&str> = json["traceEvents"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["name"] == "process_labels")
        .filter_map(|e| e["args"]["labels"].as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "repeat 1 of 3",
            "repeat 1 of 3",
            "repeat 2 of 3",
            "repeat 2 of 3",
            "repeat 3 of 3",
            "repeat 3 of 3"
        ]
    );
    let (s, notices) = Scenario::from_query("repeat=3", 2);
    assert!(notices.is_empty());
    assert_eq!(s.repeat, 3);
    assert!(s.to_query().ends_with("&repeat=3"));
    assert_eq!(Scenario::from_query("repeat=10", 2).1.len(), 1, "1 to 9");
}

#[test]
fn embed_keys_round_trip_and_reject_junk() {
    use conpar::core::input::scenario::Theme;
    let (s, notices) = Scenario::from_query(
        "preset=io&embed=1&theme=dark&transparent=1&caption=My+post%27s+demo",
        2,
    );
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!((s.theme, s.transparent), (Theme::Dark, true));
    assert_eq!(s.caption_or_default(), "My post's demo");
    let (back, notices) = Scenario::from_query(&s.to_query(), 2);
    assert!(notices.is_empty());
    assert_eq!(
        (back.theme, back.transparent, back.caption),
        (s.theme, s.transparent, s.caption.clone())
    );
    // Without a caption, the workload and models in words.
    let (plain, _) = Scenario::from_query("preset=cpu&models=threads,gil", 2);
    assert_eq!(
        plain.caption_or_default(),
        "CPU-bound: 8 computations, 100 ms each, under gil, threads"
    );
    let (bad, notices) = Scenario::from_query("theme=neon&transparent=maybe", 2);
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert_eq!((bad.theme, bad.transparent), (Theme::Auto, false));
}

#[test]
fn a_calibration_settles_once_two_in_a_row_agree() {
    use conpar::core::measure::kernel::Calibration;
    // A kernel that runs at 1000 rounds/ms for its first 9 samples (unoptimised), then at
    // 1300: the first calibration reads slow; settling follows the speed up and stops.
    let mut calls = 0;
    let mut measure = |rounds: u64| {
        calls += 1;
        rounds as f64 / if calls <= 9 { 1000.0 } else { 1300.0 }
    };
    let first = Calibration::measure(&mut measure);
    assert_eq!(first.rounds_per_ms, 1000);
    let settled = first.settle(&mut measure);
    assert_eq!(settled.rounds_per_ms, 1300);
    // A steady kernel settles at once: one more calibration's samples.
    let mut steady = 0;
    let c = Calibration::from_sample(25_000, 25.0).settle(|r| {
        steady += 1;
        r as f64 / 1000.0
    });
    assert_eq!((c.rounds_per_ms, steady), (1000, Calibration::SAMPLES));
}

#[test]
fn invisible_and_look_alike_characters_are_named_with_their_code_points() {
    use conpar::core::input::workload::Workload;
    // A byte order mark before the text (some editors write one) is not part of it.
    assert!(Workload::parse("\u{feff}8 x io 200").is_ok());
    let cases = [
        ("io 2\u{200b}00", 1, 5, "a zero-width space (U+200B)"),
        ("io 10\ncpu 5\u{2060}0", 2, 6, "a word joiner (U+2060)"),
        (
            "８ x io 200",
            1,
            1,
            "a full-width digit `８` (U+FF18): write `8` instead",
        ),
        (
            "io 100， cpu 20",
            1,
            7,
            "a full-width comma `，` (U+FF0C): write `,` instead",
        ),
        ("іo 100", 1, 1, "`і` (U+0456) is not a Latin letter"),
        (
            "io 1\u{feff}00",
            1,
            5,
            "a zero-width no-break space (U+FEFF)",
        ),
        ("io 100 \u{7}", 1, 8, "a control character (U+0007)"),
    ];
    for (text, line, column, message) in cases {
        let e = Workload::parse(text).expect_err(text);
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e:?}");
        assert!(e.message.contains(message), "{text:?}: {}", e.message);
    }
    // Anything goes in a comment, and `×` is the multiplication sign.
    assert!(Workload::parse("8 × io 200   # ８ tâches, ça va").is_ok());
    // A no-break space is a space.
    assert!(Workload::parse("8 x\u{a0}io 200").is_ok());
}

#[test]
fn the_watchdog_waits_as_long_as_lanes_sharing_the_cores_need() {
    use conpar::core::analysis::plan::{watchdog_ms, WATCHDOG_GRACE_MS};
    // 16 threads on 2 cores: a cpu 500 step lasts 4 s, so silence of 4 s is not death.
    let sixteen = watchdog_ms(Model::Threads, 500.0, (16, 2), 2);
    assert!(sixteen > 16.0 / 2.0 * 500.0, "{sixteen}");
    // 64 x cpu 200 on 64 threads: 6.4 s per step.
    assert!(watchdog_ms(Model::Threads, 200.0, (64, 2), 2) > 6400.0);
    // 8 x cpu 2100 on the default 6 threads: 6.3 s per step.
    assert!(watchdog_ms(Model::Gil, 2100.0, (6, 2), 2) > 6300.0);
    // One lane per core or fewer: twice the step and the grace, as before.
    assert_eq!(
        watchdog_ms(Model::Sequential, 500.0, (16, 2), 2),
        1000.0 + WATCHDOG_GRACE_MS
    );
    assert_eq!(
        watchdog_ms(Model::Threads, 500.0, (2, 2), 4),
        1000.0 + WATCHDOG_GRACE_MS
    );
}

#[test]
fn limit_and_chunksize_round_trip_and_refuse_nonsense() {
    use conpar::core::input::scenario::Scenario;
    let (s, notices) = Scenario::from_query("?workload=100+x+io+50&limit=10&chunksize=25", 2);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!((s.limit, s.chunksize), (Some(10), 25));
    let again = Scenario::from_query(&s.to_query(), 2).0;
    assert_eq!(again, s);
    let (d, _) = Scenario::from_query("?preset=io", 2);
    assert_eq!(
        (d.limit, d.chunksize),
        (None, 1),
        "unbounded, one task a message"
    );
    assert!(!d.to_query().contains("limit") && !d.to_query().contains("chunksize"));
    for bad in [
        "limit=0",
        "limit=-3",
        "limit=10001",
        "limit=ten",
        "chunksize=0",
        "chunksize=1e9",
    ] {
        let (s, notices) = Scenario::from_query(&format!("?limit=4&chunksize=5&{bad}"), 2);
        assert_eq!(notices.len(), 1, "{bad}: {notices:?}");
        assert_eq!(
            (s.limit, s.chunksize),
            (Some(4), 5),
            "{bad} keeps the value before it"
        );
        assert!(
            notices[0].message.contains("from 1 to 10000"),
            "{}",
            notices[0].message
        );
    }
    let (s, notices) = Scenario::from_query("?limit=4&limit=none", 2);
    assert!(notices.is_empty());
    assert_eq!(s.limit, None, "none lifts the bound");
}

#[test]
fn the_animated_timeline_grows_on_the_runs_clock_holds_its_end_and_needs_nothing_outside() {
    use conpar::core::analysis::plan::lanes;
    use conpar::core::analysis::schedule::expected;
    use conpar::core::drawing::export::{animated_timeline_svg, timeline_svg, HOLD_S};
    for preset in Preset::ALL {
        let tasks = preset.workload().tasks();
        let traces: Vec<ModelTrace> = Model::DEFAULT
            .into_iter()
            .map(|m| expected(m, &tasks, lanes(m, (4, 4)), 2))
            .collect();
        let longest = traces.iter().map(ModelTrace::wall_ms).fold(0.0, f64::max);
        let still = timeline_svg(&traces, "caption", 1000.0).text;
        let moving = animated_timeline_svg(&traces, "caption", 1000.0).text;
        assert!(
            moving.len() <= 200 * 1024,
            "{preset:?}: {} bytes",
            moving.len()
        );
        // The same picture, revealed: every bar of the still one is in it.
        assert_eq!(
            moving.matches("<rect class=").count(),
            still.matches("<rect class=").count()
        );
        assert_eq!(
            moving.matches("clip-path=\"url(#grow)\"").count(),
            traces.len()
        );
        // It plays for as long as the longest model ran, then holds its end.
        let total = longest / 1000.0 + HOLD_S;
        assert!(
            moving.contains(&format!("dur=\"{total:.3}s\"")),
            "{preset:?}"
        );
        assert!(moving.contains("repeatCount=\"indefinite\""));
        // Self-contained: no script, no reference to anything outside the document.
        assert!(!moving.contains("<script"));
        for (i, _) in moving.match_indices("url(") {
            assert!(moving[i..].starts_with("url(#"), "an external reference");
        }
        assert!(!moving.contains("href"));
        assert_eq!(moving.matches("<g").count(), moving.matches("</g>").count());
    }
}

//! What a run records and how it is measured and exported: results and overlap, repeats, Chrome traces, the time scale, CSV, the SVG timeline and its animation, the watchdog.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::span;
use conpar::core::analysis::results::results;
use conpar::core::drawing::export::chrome_trace;
use conpar::core::drawing::layout::TimeScale;
use conpar::core::input::scenario::Scenario;
use conpar::core::input::workload::Preset;
use conpar::core::measure::trace::{Model, ModelTrace, Span, SpanState};
use conpar::core::measure::units::format_ms;

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

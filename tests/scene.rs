//! Native tests of the timeline's scene: what every painter draws, hit-testing and the view.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::task_span;
use conpar::core::drawing::export::{timeline_svg, SvgPainter};
use conpar::core::drawing::scene::{
    hit, paint, panel_scene, Anchor, Bar, Hand, HandKind, Label, LiveTrace, Painter, View, AXIS_H,
    GUTTER, MAX_ROWS, ROW_H,
};
use conpar::core::measure::trace::{Model, ModelTrace, Span, SpanState};

/// A span of the task named after its lane.
fn span(lane: u32, state: SpanState, start: f64, end: f64) -> Span {
    task_span(lane, lane, 0, state, start, end)
}

fn gil_trace() -> ModelTrace {
    ModelTrace {
        model: Model::Gil,
        lanes: 2,
        start: 1000.0,
        end: 1200.0,
        checksum: 7,
        spans: vec![
            span(0, SpanState::Cpu, 1000.0, 1100.0),
            span(1, SpanState::LockWait, 1000.0, 1100.0),
            span(1, SpanState::Cpu, 1100.0, 1200.0),
        ],
    }
}

/// Records what a painter is asked to draw, as the canvas would receive it.
#[derive(Default)]
struct Recording {
    ticks: Vec<(f64, String)>,
    lanes: Vec<String>,
    bars: Vec<Bar>,
    hands: Vec<Hand>,
    clipped: bool,
}

impl Painter for Recording {
    fn tick(&mut self, x: f64, _bottom: f64, label: &Label) {
        self.ticks.push((x, label.text.clone()));
    }
    fn lane_label(&mut self, label: &Label) {
        self.lanes.push(label.text.clone());
    }
    fn begin_plot(&mut self, _: f64, _: f64, _: f64) {
        self.clipped = true;
    }
    fn bar(&mut self, bar: &Bar) {
        assert!(self.clipped, "bars are drawn inside the plot's clip");
        self.bars.push(*bar);
    }
    fn hand(&mut self, hand: &Hand, _: f64, _: f64) {
        self.hands.push(*hand);
    }
    fn end_plot(&mut self) {
        self.clipped = false;
    }
}

#[test]
fn canvas_and_svg_paint_the_same_scene() {
    let trace = gil_trace();
    let live = LiveTrace::finished(&trace);
    let scene = panel_scene(&live, &View::default(), trace.wall_ms(), 0.0, 800.0);
    let mut recorded = Recording::default();
    paint(&scene, &mut recorded);
    let mut svg = String::new();
    paint(&scene, &mut SvgPainter(&mut svg));

    assert_eq!(recorded.lanes, ["thread 0", "thread 1"]);
    assert_eq!(recorded.bars.len(), 3);
    assert!(
        recorded.hands.is_empty(),
        "a finished run has no clock hand"
    );
    // Every bar the canvas receives is a rect of the SVG, at the same place and size.
    for bar in &recorded.bars {
        let rect = format!(
            "<rect class=\"{}\" x=\"{:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\"",
            bar.state.id(),
            bar.x,
            bar.y,
            bar.w,
            bar.h
        );
        assert!(svg.contains(&rect), "the SVG lacks {rect}");
    }
    for (_, label) in &recorded.ticks {
        assert!(svg.contains(&format!(">{label}</text>")), "tick {label}");
    }
    for lane in &recorded.lanes {
        assert!(svg.contains(&format!(">{lane}</text>")));
    }
    // The whole export draws the panel from the same scene.
    let export = timeline_svg(&[trace], "caption", 800.0).text;
    assert!(
        export.contains(&svg),
        "the export holds the panel as painted"
    );
}

#[test]
fn bars_follow_time_and_lanes() {
    let trace = gil_trace();
    let live = LiveTrace::finished(&trace);
    let scene = panel_scene(&live, &View::default(), 200.0, 0.0, 800.0);
    let (left, width) = scene.plot;
    assert_eq!(left, GUTTER);
    let cpu0 = scene
        .bars
        .iter()
        .find(|b| b.state == SpanState::Cpu && b.y < AXIS_H + ROW_H)
        .expect("lane 0");
    // 0–100 ms of a 204 ms axis (2 % headroom), less the 1 px gap.
    let expected = 100.0 / 204.0 * width;
    assert!((cpu0.x - left).abs() < 1e-9);
    assert!((cpu0.w - (expected - 1.0)).abs() < 1e-9);
    let wait = scene
        .bars
        .iter()
        .find(|b| b.state == SpanState::LockWait)
        .expect("a wait");
    assert!(wait.y > AXIS_H + ROW_H, "lane 1 is the second row");
}

#[test]
fn tick_labels_stay_inside_the_panel() {
    for width in [320.0, 390.0, 700.0, 1000.0, 1280.0] {
        for longest in [1.0, 37.0, 800.0, 1600.0, 5009.7, 12_345.0] {
            let mut live = LiveTrace::new(Model::Sequential);
            live.add(vec![span(0, SpanState::Cpu, 0.0, longest)]);
            live.start = Some(0.0);
            live.end = Some(longest);
            let scene = panel_scene(&live, &View::default(), longest, 0.0, width);
            let extents: Vec<(f64, f64)> = scene
                .ticks
                .iter()
                .map(|t| {
                    let w = t.text.chars().count() as f64 * 6.5;
                    match t.anchor {
                        Anchor::Start => (t.x, t.x + w),
                        Anchor::End => (t.x - w, t.x),
                    }
                })
                .collect();
            for pair in extents.windows(2) {
                assert!(
                    pair[0].1 <= pair[1].0,
                    "tick labels overlap at {width} px, {longest} ms: {pair:?}"
                );
            }
            for tick in &scene.ticks {
                let text_w = tick.text.chars().count() as f64 * 6.5;
                let (x0, x1) = match tick.anchor {
                    Anchor::Start => (tick.x, tick.x + text_w),
                    Anchor::End => (tick.x - text_w, tick.x),
                };
                assert!(
                    x0 >= 0.0 && x1 <= width,
                    "{} at {width} px runs out ({x0}..{x1})",
                    tick.text
                );
            }
        }
    }
}

#[test]
fn running_panels_show_open_spans_and_the_clock_hand() {
    let mut live = LiveTrace::new(Model::Threads);
    live.add(vec![span(0, SpanState::Cpu, 0.0, 50.0)]);
    live.open = vec![span(1, SpanState::Cpu, 20.0, 20.0)];
    let scene = panel_scene(&live, &View::default(), 100.0, 100.0, 600.0);
    let open: Vec<&Bar> = scene.bars.iter().filter(|b| b.open).collect();
    assert_eq!(open.len(), 1, "the span in progress is drawn");
    let hand = scene.hand.expect("a running model has a clock hand");
    assert_eq!(hand.kind, HandKind::Now);
    assert!(
        (open[0].x + open[0].w - hand.x).abs() < 1e-9,
        "it reaches the hand"
    );
}

#[test]
fn sixty_four_threads_get_a_row_each_and_countable_labels() {
    let mut live = LiveTrace::new(Model::Gil);
    live.add((0..64).map(|l| span(l, SpanState::Io, 0.0, 10.0)).collect());
    live.start = Some(0.0);
    live.end = Some(10.0);
    let scene = panel_scene(&live, &View::default(), 10.0, 0.0, 600.0);
    assert_eq!(
        scene.rows.count, 64,
        "no lane is hidden behind a \"+N more\" row"
    );
    let ys: std::collections::BTreeSet<u64> = scene.bars.iter().map(|b| b.y.to_bits()).collect();
    assert_eq!(ys.len(), 64, "one row each");
    assert!(
        scene.bars.iter().all(|b| b.h >= 2.0),
        "every bar stays visible"
    );
    assert!(
        scene.height <= 300.0,
        "64 lanes fit a screen: {}",
        scene.height
    );
    // Labels do not collide: consecutive labels are at least a line apart.
    for pair in scene.lanes.windows(2) {
        assert!(pair[1].y - pair[0].y >= 13.0, "{pair:?}");
    }
    assert_eq!(scene.lanes[0].text, "thread 0");
    // The pointer finds each lane's own row.
    let last = scene
        .bars
        .iter()
        .max_by(|a, b| a.y.total_cmp(&b.y))
        .expect("bars");
    let found = hit(
        &live,
        &View::default(),
        10.0,
        600.0,
        (last.x + 1.0, last.y + last.h / 2.0),
    )
    .expect("a hit");
    assert_eq!(found.lane, 63);
}

#[test]
fn thousands_of_waits_share_the_last_row() {
    let mut live = LiveTrace::new(Model::Async);
    live.add(
        (0..400)
            .map(|l| span(l, SpanState::Io, 0.0, 10.0))
            .collect(),
    );
    live.start = Some(0.0);
    live.end = Some(10.0);
    let scene = panel_scene(&live, &View::default(), 10.0, 0.0, 600.0);
    assert_eq!(scene.rows.count, MAX_ROWS);
    assert_eq!(
        scene.lanes.last().map(|l| l.text.as_str()),
        Some("+337 more")
    );
    // Level of detail: the 337 identical waits of the last row are one bar.
    let last_row_y = scene.rows.top(MAX_ROWS - 1);
    assert_eq!(scene.bars.iter().filter(|b| b.y >= last_row_y).count(), 1);
}
#[test]
fn hit_testing_finds_the_span_under_the_pointer() {
    let trace = gil_trace();
    let live = LiveTrace::finished(&trace);
    let view = View::default();
    let scene = panel_scene(&live, &view, 200.0, 0.0, 800.0);
    for bar in &scene.bars {
        let found = hit(
            &live,
            &view,
            200.0,
            800.0,
            (bar.x + bar.w / 2.0, bar.y + 2.0),
        )
        .expect("a bar is hit");
        assert_eq!(found.state, bar.state);
    }
    assert_eq!(
        hit(&live, &view, 200.0, 800.0, (10.0, AXIS_H + 5.0)),
        None,
        "the gutter"
    );
    assert_eq!(
        hit(&live, &view, 200.0, 800.0, (300.0, 2.0)),
        None,
        "the axis"
    );
}

#[test]
fn zoom_and_pan_stay_inside_the_run() {
    let mut view = View::default();
    view.zoom_by(0.5, 1.0);
    assert_eq!(view.zoom, Some((0.5, 1.0)));
    view.pan(0.5);
    assert_eq!(view.zoom, Some((0.5, 1.0)), "cannot pan past the end");
    view.pan(-4.0);
    assert_eq!(view.zoom, Some((0.0, 0.5)));
    view.zoom_by(4.0, 0.5);
    assert_eq!(
        view.zoom, None,
        "zooming out past everything shows everything"
    );
    assert_eq!(view.window(100.0), (0.0, 102.0));
}

#[test]
fn a_highlighted_task_is_outlined_in_its_models_panel_only() {
    let live = LiveTrace::finished(&gil_trace());
    let outlines = |view: &View| {
        panel_scene(&live, view, 200.0, 0.0, 600.0)
            .bars
            .into_iter()
            .filter(|b| b.outline)
            .collect::<Vec<Bar>>()
    };
    assert!(outlines(&View::default()).is_empty());
    // Task 1 (lane 1): its lock wait and its computing, outlined over their bars.
    let view = View {
        highlight: Some((Model::Gil, 1)),
        ..View::default()
    };
    let marked = outlines(&view);
    assert_eq!(marked.len(), 2);
    let row1 = panel_scene(&live, &View::default(), 200.0, 0.0, 600.0)
        .bars
        .into_iter()
        .filter(|b| b.state == SpanState::Cpu)
        .max_by(|a, b| a.y.total_cmp(&b.y))
        .expect("lane 1 computes");
    assert!(marked.iter().all(|b| b.y == row1.y));
    // Another model's highlight leaves this panel alone.
    let elsewhere = View {
        highlight: Some((Model::Async, 1)),
        ..View::default()
    };
    assert!(outlines(&elsewhere).is_empty());
}

#[test]
fn a_gifs_frames_are_stills_of_the_animated_picture_and_the_last_is_the_whole_run() {
    use conpar::core::drawing::export::{timeline_frames, HOLD_S};
    let traces = [
        common::trace(Model::Sequential, vec![span(0, SpanState::Cpu, 0.0, 800.0)]),
        common::trace(
            Model::Threads,
            vec![
                span(0, SpanState::Cpu, 0.0, 400.0),
                span(1, SpanState::Cpu, 0.0, 400.0),
            ],
        ),
    ];
    let frames = timeline_frames(&traces, "8 x cpu 100", 600.0, 90);
    // About ten a second of the run, the first at its start.
    assert_eq!(frames.len(), 9);
    assert!(frames.iter().all(|(svg, _)| svg.width == 600.0));
    assert_eq!(frames[0].1, 100);
    assert_eq!(frames.last().map(|f| f.1), Some((HOLD_S * 1000.0) as u32));
    // The last frame is the still picture; the ones before it reveal more and more.
    assert_eq!(
        frames.last().map(|f| &f.0.text),
        Some(&timeline_svg(&traces, "8 x cpu 100", 600.0).text)
    );
    let edge = |svg: &str| -> f64 {
        let needle = "<clipPath id=\"grow\"><rect x=\"0\" y=\"-1000\" width=\"";
        let at = svg.find(needle).expect("a still of the reveal") + needle.len();
        svg[at..]
            .split('"')
            .next()
            .and_then(|w| w.parse().ok())
            .expect("a width")
    };
    let edges: Vec<f64> = frames[..frames.len() - 1]
        .iter()
        .map(|(svg, _)| edge(&svg.text))
        .collect();
    assert!(edges.windows(2).all(|w| w[1] > w[0]), "{edges:?}");
    assert_ne!(frames[1].0.text, frames[5].0.text);
    // A long run keeps to the most frames asked for, each longer.
    let long = [common::trace(
        Model::Sequential,
        vec![span(0, SpanState::Cpu, 0.0, 60_000.0)],
    )];
    let frames = timeline_frames(&long, "", 600.0, 90);
    assert_eq!(frames.len(), 90);
    assert!(frames[0].1 > 600);
}

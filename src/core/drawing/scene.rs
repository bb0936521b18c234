//! What the timeline shows, decided once: a [`PanelScene`] per model (rectangles with their
//! state, lane labels, ticks, the clock hand) built from a trace and a [`View`]. The page's
//! canvas and the SVG export both paint these, so they cannot drift apart; hit-testing and span
//! descriptions read the same geometry. Pure, so it is tested natively.

use crate::core::drawing::layout::TimeScale;
use crate::core::measure::trace::{Model, ModelTrace, Span, SpanState, NO_TASK};
use crate::core::measure::units::format_ms;

/// Rows drawn per panel: one per lane for every pool size a scenario may ask for (64 threads);
/// further lanes (thousands of pending waits under `async`) share the last.
pub const MAX_ROWS: u32 = 64;
/// Height of one lane's row while a panel has few lanes, CSS px.
pub const ROW_H: f64 = 20.0;
/// Up to this many rows keep the full height; more get thinner, sharing [`DENSE_H`].
const FULL_ROWS: u32 = 10;
/// The height many rows share, so 64 lanes fit a screen and stay countable.
const DENSE_H: f64 = 256.0;
/// A label needs this much height.
const LABEL_H: f64 = 13.0;
/// Height of the tick labels above the rows.
pub const AXIS_H: f64 = 18.0;
/// Width of the lane labels left of the plot.
pub const GUTTER: f64 = 78.0;
/// Margin right of the plot.
pub const RIGHT_PAD: f64 = 8.0;
/// Space between tick labels.
pub const TICK_GAP: f64 = 70.0;
/// Width of one character of the 11 px label font, generously, for keeping labels inside.
const CHAR_W: f64 = 6.5;

/// A lane's name in a model's panel and in the trace.
pub fn lane_name(model: Model, lane: u32) -> String {
    match model {
        Model::Sequential => "main".to_string(),
        Model::Async if lane == 0 => "event loop".to_string(),
        // Not tasks: a pending wait has no thread; each is drawn in the lowest free slot.
        Model::Async => format!("awaiting I/O, slot {lane}"),
        Model::Gil | Model::Threads => format!("thread {lane}"),
        Model::Processes => format!("process {lane}"),
        Model::Interpreters => format!("interpreter {lane}"),
        Model::Executor | Model::ToThread if lane == 0 => "event loop".to_string(),
        // One row for every pending wait (a wait has no thread), then the pool's lanes.
        Model::Executor | Model::ToThread if lane == 1 => "awaiting I/O".to_string(),
        Model::Executor => format!("process {}", lane - 2),
        Model::ToThread => format!("thread {}", lane - 2),
    }
}

/// One model's spans as they arrive during a run (a finished one has a start, an end and a
/// checksum, and becomes a [`ModelTrace`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LiveTrace {
    pub model: Model,
    pub spans: Vec<Span>,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub lanes: u32,
    pub checksum: Option<u64>,
    pub error: Option<String>,
    /// Spans in progress (their `end` is their start), drawn up to the clock's hand.
    pub open: Vec<Span>,
    first_span: f64,
    last_span: f64,
}

impl LiveTrace {
    pub fn new(model: Model) -> LiveTrace {
        LiveTrace {
            model,
            spans: Vec::new(),
            start: None,
            end: None,
            lanes: 0,
            checksum: None,
            error: None,
            open: Vec::new(),
            first_span: f64::INFINITY,
            last_span: f64::NEG_INFINITY,
        }
    }

    /// A finished trace, as the SVG export and tests draw it.
    pub fn finished(trace: &ModelTrace) -> LiveTrace {
        let mut live = LiveTrace::new(trace.model);
        live.add(trace.spans.clone());
        live.start = Some(trace.start);
        live.end = Some(trace.end);
        live.lanes = live.lanes.max(trace.lanes);
        live.checksum = Some(trace.checksum);
        live
    }

    pub fn add(&mut self, spans: Vec<Span>) {
        for s in &spans {
            self.lanes = self.lanes.max(s.lane + 1);
            self.first_span = self.first_span.min(s.start);
            self.last_span = self.last_span.max(s.end);
        }
        self.spans.extend(spans);
    }

    pub fn completed(&self) -> Option<ModelTrace> {
        Some(ModelTrace {
            model: self.model,
            lanes: self.lanes,
            start: self.start?,
            end: self.end?,
            checksum: self.checksum?,
            spans: self.spans.clone(),
        })
    }

    pub fn running(&self) -> bool {
        self.end.is_none() && self.error.is_none() && self.origin().is_some()
    }

    /// The panel's time zero: the model's start, or its first span while it runs.
    pub fn origin(&self) -> Option<f64> {
        self.start
            .or(Some(self.first_span).filter(|t| t.is_finite()))
    }

    /// How long the panel is, in ms: finished, its wall time; running, up to `now`.
    pub fn extent(&self, now: f64) -> f64 {
        match (self.origin(), self.end) {
            (Some(o), Some(e)) => e - o,
            (Some(o), None) if self.error.is_none() => now - o,
            (Some(o), None) => self.last_span - o,
            _ => 0.0,
        }
    }

    /// Its panel's rows.
    pub fn rows(&self) -> Rows {
        Rows::of(self.lanes)
    }
}

/// The longest panel, which sets the shared axis.
pub fn longest<'a>(traces: impl IntoIterator<Item = &'a LiveTrace>, now: f64) -> f64 {
    traces
        .into_iter()
        .map(|t| t.extent(now))
        .fold(1.0, f64::max)
}

/// Where the plot sits in a panel `width` CSS pixels wide: its left edge and its width.
pub fn plot_area(width: f64) -> (f64, f64) {
    (GUTTER, (width.max(200.0) - GUTTER - RIGHT_PAD).max(40.0))
}

/// How a panel's lanes become rows: one row per lane up to [`MAX_ROWS`]; past [`FULL_ROWS`]
/// rows get thinner and only every few carries a label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rows {
    pub count: u32,
    /// Height of one row, CSS px.
    pub h: f64,
    /// Every how many rows a lane label is drawn.
    pub label_every: u32,
}

impl Rows {
    pub fn of(lanes: u32) -> Rows {
        let count = lanes.clamp(1, MAX_ROWS);
        let h = if count <= FULL_ROWS {
            ROW_H
        } else {
            (DENSE_H / f64::from(count)).clamp(4.0, ROW_H)
        };
        Rows {
            count,
            h,
            label_every: (LABEL_H / h).ceil().max(1.0) as u32,
        }
    }

    /// The top of `row`.
    pub fn top(&self, row: u32) -> f64 {
        AXIS_H + f64::from(row) * self.h
    }

    /// The space a bar leaves free above and below inside its row.
    fn inset(&self) -> f64 {
        (self.h * 0.15).clamp(0.5, 3.0)
    }

    /// The row `y` falls in, if any.
    pub fn at(&self, y: f64) -> Option<u32> {
        let row = ((y - AXIS_H) / self.h).floor();
        (row >= 0.0 && row < f64::from(self.count)).then_some(row as u32)
    }

    /// The panel's height.
    pub fn panel_height(&self) -> f64 {
        self.top(self.count) + 4.0
    }
}

/// The visible time window and the scrub position, shared by all panels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct View {
    /// Zoomed window as fractions (0..1) of the full axis; `None` shows everything.
    pub zoom: Option<(f64, f64)>,
    /// Scrub position in ms: spans after it are hidden. `None` shows the whole run.
    pub cursor: Option<f64>,
    /// A task whose spans are outlined in its model's panel (the results table's row pointed
    /// at: that model's worst-stalled task).
    pub highlight: Option<(Model, u32)>,
}

impl View {
    /// The visible window in ms for a run whose longest panel lasts `longest` ms.
    pub fn window(&self, longest: f64) -> (f64, f64) {
        let full = longest * 1.02;
        match self.zoom {
            Some((a, b)) => (a * full, b * full),
            None => (0.0, full),
        }
    }

    /// Zooms by `factor` (< 1 zooms in) around `centre` (0..1 of the visible window).
    pub fn zoom_by(&mut self, factor: f64, centre: f64) {
        let (a, b) = self.zoom.unwrap_or((0.0, 1.0));
        let centre = centre.clamp(0.0, 1.0);
        let width = ((b - a) * factor).clamp(0.002, 1.0);
        let pivot = a + (b - a) * centre;
        let start = (pivot - width * centre).clamp(0.0, 1.0 - width);
        self.zoom = (width < 1.0).then_some((start, start + width));
    }

    /// Pans by `fraction` of the visible window (negative: earlier).
    pub fn pan(&mut self, fraction: f64) {
        if let Some((a, b)) = self.zoom {
            let width = b - a;
            let start = (a + width * fraction).clamp(0.0, 1.0 - width);
            self.zoom = Some((start, start + width));
        }
    }
}

/// A span's bar, in panel coordinates (CSS px).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub state: SpanState,
    /// A span still in progress (drawn lighter, up to the clock hand).
    pub open: bool,
    /// An outline over a span of the highlighted task.
    pub outline: bool,
}

/// Text anchored at its start or its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub x: f64,
    /// Baseline.
    pub y: f64,
    pub text: String,
    pub anchor: Anchor,
}

/// A vertical line across the rows: the running clock or the scrub cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandKind {
    Now,
    Cursor,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hand {
    pub x: f64,
    pub kind: HandKind,
}

/// Everything one panel shows, in its own CSS-pixel coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelScene {
    pub model: Model,
    pub width: f64,
    pub height: f64,
    pub rows: Rows,
    /// The plot's left edge and width; bars are clipped to it.
    pub plot: (f64, f64),
    /// Tick positions (x) with their labels above the rows.
    pub ticks: Vec<Label>,
    pub lanes: Vec<Label>,
    pub bars: Vec<Bar>,
    pub hand: Option<Hand>,
}

/// Builds one panel of `width` CSS px for `trace`, on the shared window of `view` (the longest
/// panel lasts `longest` ms), at clock reading `now`.
pub fn panel_scene(
    trace: &LiveTrace,
    view: &View,
    longest: f64,
    now: f64,
    width: f64,
) -> PanelScene {
    let (from, to) = view.window(longest);
    let (plot_left, plot_width) = plot_area(width);
    let scale = TimeScale::new(from, to, plot_width);
    let rows = trace.rows();
    let height = rows.panel_height();
    let plot_right = plot_left + plot_width;
    let mut ticks: Vec<Label> = Vec::new();
    for t in scale.ticks(TICK_GAP) {
        let x = plot_left + scale.x(t);
        let text = format_ms(t);
        let width = text.chars().count() as f64 * CHAR_W;
        // A label that would run past the plot is right-aligned to its tick instead.
        let fits = x + 3.0 + width <= plot_right + RIGHT_PAD;
        let label = Label {
            x: if fits { x + 3.0 } else { x - 3.0 },
            y: 12.0,
            text,
            anchor: if fits { Anchor::Start } else { Anchor::End },
        };
        // A right-aligned last label may reach back over the one before: that one gives way.
        let left = if fits { label.x } else { label.x - width };
        if let Some(prev) = ticks.last() {
            let prev_right = prev.x + prev.text.chars().count() as f64 * CHAR_W;
            if prev.anchor == Anchor::Start && prev_right + 4.0 > left {
                ticks.pop();
            }
        }
        ticks.push(label);
    }
    let overflow = trace.lanes > rows.count;
    let lanes = (0..rows.count)
        .filter_map(|row| {
            let last = row + 1 == rows.count;
            let text = if last && overflow {
                format!("+{} more", trace.lanes - rows.count + 1)
            } else if trace.model == Model::Async && row >= 1 {
                // The wait slots under the event loop are one group, named once.
                if row != 1 {
                    return None;
                }
                "awaiting I/O".to_string()
            } else if row % rows.label_every == 0 {
                lane_name(trace.model, row)
            } else {
                return None;
            };
            // A label sits on its row's baseline, or centred on a row thinner than the text.
            let y = rows.top(row) + (rows.h + 9.0).min(13.0).max(rows.h / 2.0 + 4.0);
            Some(Label {
                x: 4.0,
                y,
                text,
                anchor: Anchor::Start,
            })
        })
        .collect();
    let mut scene = PanelScene {
        model: trace.model,
        width,
        height,
        rows,
        plot: (plot_left, plot_width),
        ticks,
        lanes,
        bars: Vec::new(),
        hand: None,
    };
    let Some(origin) = trace.origin() else {
        return scene;
    };
    let cursor = view.cursor;
    let last_row = rows.count - 1;
    let inset = rows.inset();
    let bar_h = rows.h - 2.0 * inset;
    let row_y = |lane: u32| rows.top(lane.min(last_row)) + inset;
    for state in SpanState::ALL {
        // Level of detail: per row, the interval already painted in this state. A span that
        // would add less than half a pixel to it is skipped, so thousands of overlapping waits
        // in a shared row, or sub-pixel GIL turns, cost one bar each pixel rather than one
        // each span.
        let mut painted = vec![(f64::NEG_INFINITY, f64::NEG_INFINITY); rows.count as usize];
        for s in trace.spans.iter().filter(|s| s.state == state) {
            let start = s.start - origin;
            let mut end = s.end - origin;
            if let Some(c) = cursor {
                if start > c {
                    continue;
                }
                end = end.min(c);
            }
            if end < from || start > to {
                continue;
            }
            let x0 = plot_left + scale.x(start);
            let x1 = plot_left + scale.x(end);
            // A 1 px gap between touching spans of a lane keeps them countable.
            let w = (x1 - x0 - 1.0).max(1.0);
            let (p0, p1) = &mut painted[s.lane.min(last_row) as usize];
            if x0 >= *p0 && x0 + w <= *p1 + 0.5 {
                continue;
            }
            if x0 <= *p1 + 0.5 && x0 >= *p0 {
                *p1 = p1.max(x0 + w);
            } else {
                (*p0, *p1) = (x0, x0 + w);
            }
            scene.bars.push(Bar {
                x: x0,
                y: row_y(s.lane),
                w,
                h: bar_h,
                state,
                open: false,
                outline: false,
            });
        }
    }
    // A bar from `start` to `end` (ms from the origin) on `lane`, at least a pixel wide.
    let bar = |lane: u32, state: SpanState, (start, end): (f64, f64), open: bool, outline: bool| {
        let x0 = plot_left + scale.x(start);
        Bar {
            x: x0,
            y: row_y(lane),
            w: (plot_left + scale.x(end) - x0).max(1.0),
            h: bar_h,
            state,
            open,
            outline,
        }
    };
    // The highlighted task: an outline over each of its spans, drawn last so it shows over
    // the bars of other tasks sharing the row.
    if let Some((_, task)) = view.highlight.filter(|(m, _)| *m == trace.model) {
        for s in trace.spans.iter().filter(|s| s.task == task) {
            let (start, end) = (s.start - origin, s.end - origin);
            if end >= from && start <= to {
                scene
                    .bars
                    .push(bar(s.lane, s.state, (start, end), false, true));
            }
        }
    }
    let running = trace.end.is_none() && trace.error.is_none();
    if running && cursor.is_none() {
        // What each lane is doing right now, up to the clock hand.
        for s in &trace.open {
            let during = (s.start - origin, now - origin);
            scene.bars.push(bar(s.lane, s.state, during, true, false));
        }
    }
    scene.hand = match (cursor, running) {
        (Some(c), _) => Some(Hand {
            x: plot_left + scale.x(c),
            kind: HandKind::Cursor,
        }),
        (None, true) => Some(Hand {
            x: plot_left + scale.x(now - origin),
            kind: HandKind::Now,
        }),
        _ => None,
    };
    scene
}

/// The span under a point of a panel (CSS px from its top left), with a tolerance of 3 px so a
/// 1 px bar can still be pointed at.
pub fn hit(
    trace: &LiveTrace,
    view: &View,
    longest: f64,
    width: f64,
    (x, y): (f64, f64),
) -> Option<Span> {
    let origin = trace.origin()?;
    let (from, to) = view.window(longest);
    let (plot_left, plot_width) = plot_area(width);
    let scale = TimeScale::new(from, to, plot_width);
    let rows = trace.rows();
    let row = rows.at(y).filter(|_| x >= plot_left)?;
    let t = scale.ms_at(x - plot_left);
    let slack = 3.0 * (to - from) / scale.width_px;
    trace
        .spans
        .iter()
        .filter(|s| s.lane.min(rows.count - 1) == row)
        .filter(|s| s.start - origin - slack <= t && t <= s.end - origin + slack)
        .min_by(|a, b| {
            let da = ((a.start + a.end) / 2.0 - origin - t).abs();
            let db = ((b.start + b.end) / 2.0 - origin - t).abs();
            da.total_cmp(&db)
        })
        .copied()
}

/// A span's details in words, for the tooltip; `origin` is its model's start.
pub fn describe(model: Model, span: &Span, origin: f64) -> String {
    let what = match span.state {
        SpanState::Cpu => "computing",
        SpanState::Io => "waiting for I/O",
        SpanState::LockWait => "waiting for the GIL",
        SpanState::Spawn => "starting a worker",
        SpanState::Copy => "copying the payload",
        SpanState::SemWait => "waiting for the semaphore (queued behind the tasks in flight)",
    };
    let task = if span.task == NO_TASK {
        String::new()
    } else {
        format!("task {} · step {} · ", span.task, span.step)
    };
    format!(
        "{model} · {}: {what}\n{task}from {} for {}",
        lane_name(model, span.lane),
        format_ms(span.start - origin),
        format_ms(span.duration())
    )
}

/// Side of a pattern tile, px.
pub const TILE: f64 = 8.0;

/// One mark of a state's pattern, drawn in translucent white over the state's colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    /// A stroked line from (x0, y0) to (x1, y1).
    Line(f64, f64, f64, f64),
    /// A filled rectangle (x, y, w, h).
    Block(f64, f64, f64, f64),
}

/// The pattern that tells a state apart without its colour (every state but `cpu` has one).
pub fn pattern(state: SpanState) -> &'static [Mark] {
    use Mark::{Block, Line};
    match state {
        SpanState::Cpu => &[],
        SpanState::Io => &[
            Line(0.0, 8.0, 8.0, 0.0),
            Line(-4.0, 4.0, 4.0, -4.0),
            Line(4.0, 12.0, 12.0, 4.0),
        ],
        SpanState::LockWait => &[Line(0.0, 0.0, 8.0, 8.0), Line(8.0, 0.0, 0.0, 8.0)],
        SpanState::Spawn => &[Block(1.0, 1.0, 2.0, 2.0), Block(5.0, 5.0, 2.0, 2.0)],
        SpanState::Copy => &[Block(1.0, 0.0, 2.0, 8.0), Block(5.0, 0.0, 2.0, 8.0)],
        SpanState::SemWait => &[Block(0.0, 1.0, 8.0, 2.0), Block(0.0, 5.0, 8.0, 2.0)],
    }
}

/// What a state means, for legends.
pub fn state_meaning(state: SpanState) -> &'static str {
    match state {
        SpanState::Cpu => "computing",
        SpanState::Io => "waiting (a timer)",
        SpanState::LockWait => "waiting for the GIL",
        SpanState::Spawn => "starting a worker",
        SpanState::Copy => "payload copied",
        SpanState::SemWait => "waiting for the semaphore",
    }
}

/// The drawing operations a timeline needs; the page's canvas and the SVG export implement it,
/// and [`paint`] walks a scene through it, so both draw the same things in the same order.
pub trait Painter {
    /// A tick's grid line at `x`, from the top of the panel to `bottom`, and its label.
    fn tick(&mut self, x: f64, bottom: f64, label: &Label);
    /// A lane's name, left of the plot.
    fn lane_label(&mut self, label: &Label);
    /// From here until [`Painter::end_plot`], drawing is clipped to the plot.
    fn begin_plot(&mut self, left: f64, width: f64, height: f64);
    fn bar(&mut self, bar: &Bar);
    /// The clock hand or scrub cursor, from `top` for `height`.
    fn hand(&mut self, hand: &Hand, top: f64, height: f64);
    fn end_plot(&mut self);
}

/// Paints `scene` with `painter`.
pub fn paint(scene: &PanelScene, painter: &mut impl Painter) {
    for tick in &scene.ticks {
        let x = match tick.anchor {
            Anchor::Start => tick.x - 3.0,
            Anchor::End => tick.x + 3.0,
        };
        painter.tick(x, scene.height, tick);
    }
    for lane in &scene.lanes {
        painter.lane_label(lane);
    }
    painter.begin_plot(scene.plot.0, scene.plot.1, scene.height);
    for bar in &scene.bars {
        painter.bar(bar);
    }
    if let Some(hand) = &scene.hand {
        painter.hand(
            hand,
            AXIS_H - 2.0,
            scene.rows.top(scene.rows.count) - AXIS_H + 4.0,
        );
    }
    painter.end_plot();
}

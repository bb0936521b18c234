//! The page as one state machine: everything the page knows (the scenario, the engine as the
//! page sees it, the run in progress with its repeats and sweep steps, the results, the
//! notices, the timeline's view, traces read from files) lives in one [`Session`], and only
//! [`Session::handle`] changes it. An [`Input`] goes in (Run pressed, a setting changed, a
//! message from the conductor, a frame, the tab hidden…); what the page must do comes out as
//! [`Effect`]s (start or retire an engine, send a run, keep the address in step) and the
//! [`Parts`] of the page to render again. The web layer dispatches every event here and renders
//! views that only read the session; the whole story runs under native `cargo test`.

pub mod predict;
pub mod protocol;
pub mod recorded;
pub mod run;
pub mod sweep;
pub mod wire;

use crate::core::analysis::claims::{claim, Claim, Evidence, Judgement, Verdict, CLAIMS};
use crate::core::analysis::latency::Planned;
use crate::core::analysis::pauses::{Pause, PauseKind};
use crate::core::analysis::plan::{lanes, plan};
use crate::core::analysis::results::{of_imported, of_run, ModelResult};
use crate::core::analysis::schedule::expected_bounded;
use crate::core::analysis::summary::SharedMemory;
use crate::core::analysis::sweep::{default_sizes, swept};
use crate::core::analysis::verdict::Expectation;
use crate::core::drawing::scene::{longest, LiveTrace, View};
use crate::core::input::scenario::{parse_sizes, Scenario, Source, MAX_THREADS};
use crate::core::input::workload::{Preset, Workload, WorkloadError};
use crate::core::measure::kernel::Calibration;
use crate::core::measure::trace::{checksums_agree, medians, Model, Span};
use crate::core::python::import::{import, Imported};
use protocol::{Fault, Finished, Ready, RunRequest};
use run::Run;
use sweep::{Sweep, SweepEnd};

/// The most traces read from files drawn at once.
pub const MAX_IMPORTED: usize = 8;

/// How long the conductor may take to calibrate and start its pool before the page says so.
pub const ENGINE_START_TIMEOUT_MS: u32 = 30_000;

/// `data-status`: what the page is doing, for people and for scripts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Loading,
    Ready,
    Running,
    Done,
    Error,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Loading => "loading",
            Status::Ready => "ready",
            Status::Running => "running",
            Status::Done => "done",
            Status::Error => "error",
        }
    }
}

/// The browser the page runs in, as far as it matters here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Environment {
    pub cores: u32,
    /// `crossOriginIsolated`.
    pub isolated: bool,
    /// Whether `SharedArrayBuffer` exists at all (WebKitGTK hides it).
    pub shared_array_buffer: bool,
}

/// The conductor worker as the page knows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Engine {
    /// None started (an embed not yet scrolled into view), or the last one failed.
    Off,
    /// Waiting for this browser's turn to start one: its calibration and pool warm-up load the
    /// cores, so they never overlap another conpar page's measured run.
    Queued { threads: u32 },
    /// Started with a pool of `threads`; calibrating and starting its workers.
    Starting { threads: u32 },
    /// Calibrated, its pool started (or why not).
    Ready { threads: u32, ready: Ready },
}

/// A run asked for that has not started yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    None,
    /// It starts as soon as the engine is ready (`run=1`, or Run pressed while loading).
    Engine,
    /// It waits for another conpar page's measured run to end (runs take turns per browser);
    /// it starts when the turn is granted.
    Turn,
}

/// Whether the page can be seen, as the browser says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Visible,
    Hidden,
    /// The browser froze the page: its timers and workers may have stopped.
    Frozen,
}

/// What the page shows in its timeline and table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Before any run: each model's expected schedule.
    Preview,
    /// A run measured on this page.
    Measured,
    /// A run recorded elsewhere and carried in the link (nothing was measured here).
    Recorded { label: String },
}

/// A setting of the form, by the scenario key it sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Threads,
    Processes,
    Switch,
    Seed,
    Repeat,
    Start,
    SweepSizes,
    Limit,
    Chunksize,
}

impl Setting {
    pub const NUMERIC: [Setting; 7] = [
        Setting::Threads,
        Setting::Processes,
        Setting::Switch,
        Setting::Seed,
        Setting::Repeat,
        Setting::Limit,
        Setting::Chunksize,
    ];

    /// The scenario's (and the URL's) key.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Threads => "threads",
            Setting::Processes => "processes",
            Setting::Switch => "switch",
            Setting::Seed => "seed",
            Setting::Repeat => "repeat",
            Setting::Start => "start",
            Setting::SweepSizes => "sweep",
            Setting::Limit => "limit",
            Setting::Chunksize => "chunksize",
        }
    }

    /// Its value in `s`, as the form shows it.
    pub fn value(self, s: &Scenario) -> String {
        match self {
            Setting::Threads => s.threads.to_string(),
            Setting::Processes => s.processes.to_string(),
            Setting::Switch => s.switch_ms.to_string(),
            Setting::Seed => s.seed.to_string(),
            Setting::Repeat => s.repeat.to_string(),
            Setting::Start => s.start.id().to_string(),
            Setting::SweepSizes => s.sweep.as_deref().map(sizes_text).unwrap_or_default(),
            // Empty: no bound (the field's placeholder says so).
            Setting::Limit => s.limit.map(|n| n.to_string()).unwrap_or_default(),
            Setting::Chunksize => s.chunksize.to_string(),
        }
    }
}

/// A model's subtitle and explanation, with the pattern its settings add: a semaphore around
/// each asyncio task, chunks for the process pool.
pub fn titles(model: Model, (limit, chunksize): (Option<u32>, u32)) -> (String, String) {
    let (python, explanation) = (model.python(), model.explanation());
    match (model, limit) {
        (Model::Async, Some(n)) => (
            format!("{python} · Semaphore({n})"),
            format!("{explanation} Here with limit={n}: each task holds an asyncio.Semaphore({n}) from its first step to its last, so at most {n} are in flight; the others queue for it, first come first served (sem-wait)."),
        ),
        (Model::Processes, _) if chunksize > 1 => (
            format!("{python} · map(chunksize={chunksize})"),
            format!("{explanation} Here with chunksize={chunksize}, as ProcessPoolExecutor.map(..., chunksize={chunksize}): each message carries {chunksize} tasks (and their payloads) to a process, which runs them in turn and answers once, so the pool pays per chunk, not per task."),
        ),
        _ => (python.to_string(), explanation.to_string()),
    }
}

/// Pool sizes as the sweep field shows them: `1,2,4`.
pub fn sizes_text(sizes: &[u32]) -> String {
    sizes
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// What the conductor reported.
#[derive(Clone, Debug)]
pub enum Report {
    Ready(Ready),
    ModelStart {
        run: u32,
        slot: u32,
    },
    Spans {
        run: u32,
        slot: u32,
        done: Vec<Span>,
        open: Vec<Span>,
    },
    ModelDone {
        run: u32,
        slot: u32,
        outcome: Result<Finished, String>,
    },
    RunDone {
        run: u32,
    },
    Recalibrated {
        run: u32,
        before: u64,
        after: u64,
        first: bool,
    },
    /// Its pool can no longer be trusted (a job trapped or hung).
    Broken(String),
    /// It failed: a panic, a bad message, a worker that could not load, no greeting in time.
    Failed(String),
}

/// Where the conpar page runs whose turn this page waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// Another frame of the page this one is in (another demo of the same post).
    ThisPage,
    /// Another tab, or a frame of another page.
    Elsewhere,
}

impl Holder {
    /// What the status line says while the page waits: what for, in few enough words that a
    /// narrow embed's one status line does not grow (it ends in an ellipsis there).
    pub fn waiting_text(self) -> &'static str {
        match self {
            Holder::ThisPage => "Waiting: another conpar demo on this page is measuring…",
            Holder::Elsewhere => "Waiting: conpar is measuring in another tab…",
        }
    }
}

/// Which other conpar pages take turns with this one: what the browser allowed (www/turns.js).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Every page of this browser (the Web Lock was granted).
    Browser,
    /// The frames of the page this one is in (the browser denies this frame its Web Locks, as
    /// Chromium does a third-party frame when third-party storage is blocked).
    Page,
    /// None: a top-level page without Web Locks (an insecure origin, an opaque one).
    Nothing,
}

/// The notice of a page that could take turns with nobody.
pub const UNGUARDED: &str = "This browser gives conpar no Web Locks here, so it cannot take turns with other conpar pages: one measuring at the same time would share the cores with it.";

/// Everything that can happen to the page.
#[derive(Clone, Debug)]
pub enum Input {
    /// The page has loaded and its listeners are in place.
    Start,
    Run,
    Stop,
    /// Sweep pressed, with the sizes field's text.
    Sweep(String),
    Preset(String),
    /// The workload text was edited.
    Edit(String),
    Set(Setting, String),
    Models(Vec<Model>),
    /// The embed scrolled into view.
    EmbedVisible,
    Engine(Report),
    /// The browser refused to start the conductor.
    EngineNotStarted(String),
    /// The conductor's start-up deadline passed ([`ENGINE_START_TIMEOUT_MS`]).
    EngineStartTimedOut,
    /// The run request could not be posted.
    SendFailed(String),
    /// Another page holds the turn to measure; this page's run waits.
    TurnWaiting(Holder),
    /// This page holds the turn, taken with the pages `Guard` says.
    TurnGranted(Guard),
    /// The same, for starting the engine.
    StartTurnWaiting(Holder),
    StartTurnGranted(Guard),
    /// The page became visible, hidden or frozen, at `at` on the shared clock.
    Visibility {
        state: Visibility,
        at: f64,
    },
    /// A trace file's text, read or fetched, and its name.
    TraceRead {
        name: String,
        text: String,
    },
    ClearImported,
    /// Replaces the notices (`Notices`) or adds one below them (`Notice`).
    Notices(Vec<String>),
    Notice(String),
    CloseNotices,
    /// "Show all" under the advice or the checks.
    OpenNotes,
    Zoom {
        factor: f64,
        centre: f64,
    },
    ZoomReset,
    Pan(f64),
    PointerDown {
        x: f64,
    },
    /// The pointer moved while dragging: pans by the distance over the plot's width.
    Drag {
        x: f64,
        plot_width: f64,
    },
    PointerUp,
    Highlight(Option<(Model, u32)>),
    /// The scrub slider's value (0–1000).
    Scrub {
        value: f64,
        now: f64,
    },
    Replay {
        now: f64,
        reduced_motion: bool,
    },
    /// An animation frame the timeline is drawn on, with the replay speed chosen.
    Frame {
        now: f64,
        replay_speed: f64,
    },
    /// Test builds only: the fault the next run injects.
    SetFault(Option<Fault>),
    /// Run a claim's experiment (its card's Run): the scenario becomes the experiment.
    RunClaim(String),
    /// The reader's guess at the page's question (`predict=1`): a choice's id.
    Guess(String),
    /// The reader's guess at a claim in the Claims view: its id and a verdict's id.
    GuessClaim {
        id: String,
        choice: String,
    },
}

/// What the page must do besides rendering.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Retire the current conductor (if any) and start one with a pool of `threads`.
    StartEngine {
        threads: u32,
    },
    /// Stop the current conductor's workers now.
    RetireEngine,
    Send(RunRequest),
    /// Ask for this browser's one turn to measure (report `TurnWaiting` if another page of
    /// conpar holds it, then `TurnGranted`). Another frame of the same page counts, whatever
    /// the browser allows the frame to store.
    AskTurn,
    /// Give the turn back (or stop asking for it).
    ReleaseTurn,
    /// Ask for the turn to start the engine (report `StartTurnWaiting`, `StartTurnGranted`).
    AskStartTurn,
    ReleaseStartTurn,
    /// Start the engine once the embed scrolls into view (report `EmbedVisible`).
    WatchForView,
    /// Fetch a trace file on this site and report `TraceRead`.
    FetchTrace(String),
    /// Keep the address bar in step with the scenario.
    SyncUrl,
    /// Put the cursor on the workload's error.
    FocusWorkloadError,
    /// On a phone, bring the results into view.
    ScrollToResults,
}

/// The parts of the page to render again from the session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parts(u32);

impl Parts {
    pub const STATUS: Parts = Parts(1);
    pub const NOTICES: Parts = Parts(1 << 1);
    /// Every control of the form, the workload text included.
    pub const FORM: Parts = Parts(1 << 2);
    /// The preset menu only (the workload text is being typed).
    pub const PRESET: Parts = Parts(1 << 3);
    pub const WORKLOAD_ERROR: Parts = Parts(1 << 4);
    pub const ENVIRONMENT: Parts = Parts(1 << 5);
    /// What depends on the scenario's workload and models: the legend, the Python program.
    pub const SCENARIO_VIEWS: Parts = Parts(1 << 6);
    pub const RESULTS: Parts = Parts(1 << 7);
    pub const SPAN_TABLE: Parts = Parts(1 << 8);
    pub const RUN_TOOLS: Parts = Parts(1 << 9);
    pub const SWEEP: Parts = Parts(1 << 10);
    pub const IMPORTED: Parts = Parts(1 << 11);
    /// Links, theme and caption.
    pub const LINKS: Parts = Parts(1 << 12);
    /// The timeline, on the next frame.
    pub const TIMELINE: Parts = Parts(1 << 13);
    /// The timeline, at the running run's next drawing tick (new spans arrived).
    pub const TIMELINE_LATER: Parts = Parts(1 << 14);
    pub const HIDE_TIP: Parts = Parts(1 << 15);
    /// The scrub slider's position.
    pub const SCRUB: Parts = Parts(1 << 16);
    /// The claims' cards and their verdicts.
    pub const CLAIMS: Parts = Parts(1 << 17);
    /// The question before the run, the guess and the answer (`predict=1`).
    pub const PREDICTION: Parts = Parts(1 << 18);
    pub const ALL: Parts = Parts((1 << 19) - 1);

    pub fn contains(self, other: Parts) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn add(&mut self, other: Parts) {
        self.0 |= other.0;
    }
}

impl std::ops::BitOr for Parts {
    type Output = Parts;
    fn bitor(self, other: Parts) -> Parts {
        Parts(self.0 | other.0)
    }
}

/// What one input asks of the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub render: Parts,
}

/// The notices overlay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notices {
    pub list: Vec<String>,
    /// Shown (a × closes it without forgetting what it said).
    pub open: bool,
}

/// Traces read from files, drawn beside the run.
#[derive(Clone, Debug, Default)]
pub struct Imports {
    pub traces: Vec<Imported>,
    pub live: Vec<LiveTrace>,
    pub results: Vec<ModelResult>,
}

/// A claim's latest run and what it said of the claim.
#[derive(Clone, Debug, PartialEq)]
pub struct Judged {
    pub id: &'static str,
    /// The run (`data-run`) that tests it.
    pub run: u32,
    /// None while that run is in progress.
    pub judgement: Option<Judgement>,
}

/// A claim as its card and `window.conpar.claims()` show it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ClaimView {
    pub id: &'static str,
    pub text: &'static str,
    pub heard: &'static str,
    /// The experiment in words, and as a query.
    pub design: &'static str,
    pub experiment: Option<&'static str>,
    /// `true`, `false` or `depends`; null before a run, or when the run judged nothing.
    pub verdict: Option<Verdict>,
    /// Why, with the run's numbers; null before a run.
    pub because: Option<String>,
    /// The run that judged it (`data-run`).
    pub run: Option<u32>,
    /// Its run is in progress.
    pub running: bool,
    /// The claim's own page (relative to the playground).
    pub link: String,
    /// For a claim no browser can run: where its verdict comes from.
    pub source: Option<&'static str>,
    /// It is the claim the scenario tests now.
    pub current: bool,
    /// The reader's guess (the Claims view with `predict=1`).
    pub guess: Option<Verdict>,
    /// The card asks for a guess first: its verdict waits for one.
    pub asks: bool,
}

impl ClaimView {
    /// What its card's verdict box says: the verdict (none while its run is in progress, or
    /// when the run judged nothing) and the words after it.
    pub fn card_text(&self) -> (Option<Verdict>, String) {
        if self.asks {
            return (None, GUESS_FIRST.into());
        }
        let guessed = self
            .guess
            .map(|g| format!("You guessed {}.", g.label().to_lowercase()));
        if self.running {
            return (
                None,
                "Running its experiment… (the timeline below draws it)".into(),
            );
        }
        let text = match (self.because.clone(), guessed) {
            (Some(because), Some(_)) if self.verdict == self.guess => {
                format!("As you guessed. {because}")
            }
            (Some(because), Some(g)) => format!("{g} {because}"),
            (Some(because), None) => because,
            (None, Some(g)) => format!("{g} Press Run to test it."),
            (None, None) => crate::core::drawing::cards::NOT_RUN.into(),
        };
        (self.verdict, text)
    }
}

/// What a card of the Claims view says until the reader guesses (`predict=1`).
pub const GUESS_FIRST: &str = "Your guess first: true, false, or it depends?";

/// Everything the page knows. Read it freely; change it only through [`Session::handle`].
#[derive(Clone, Debug)]
pub struct Session {
    pub scenario: Scenario,
    pub env: Environment,
    pub engine: Engine,
    pub pending: Pending,
    /// This page holds the browser's one turn to measure.
    pub has_turn: bool,
    pub visibility: Visibility,
    pub run: Option<Run>,
    /// Runs started since the page loaded (`data-run`), so a script can wait for run k.
    pub runs_started: u32,
    pub results: Vec<ModelResult>,
    /// The reader opened the notes box (the advice or the checks) in full; new results close
    /// it again, since what it held is gone.
    pub notes_open: bool,
    /// Before the first run: each model's expected schedule, drawn as such.
    pub preview: Vec<LiveTrace>,
    pub status: Status,
    pub status_text: String,
    pub notices: Notices,
    /// What the address got wrong, kept until the first run has shown it with its own notices.
    url_notices: Vec<String>,
    pub sweep: Option<Sweep>,
    pub view: View,
    /// Where a drag on the timeline last was (CSS px), while one is in progress.
    pub drag_x: Option<f64>,
    /// When a replay started (page clock, ms), while one plays.
    pub replay_from: Option<f64>,
    pub imports: Imports,
    /// Each claim judged since the page loaded, by its latest run.
    pub judged: Vec<Judged>,
    /// The next run was asked for by a claim's card: the page does not scroll to the results.
    stay_in_place: bool,
    /// The page has said that it takes turns with no other page ([`UNGUARDED`]).
    unguarded_said: bool,
    /// The address's recording (`#rec=…`), until the page starts and opens it.
    fragment: Option<String>,
    /// Test builds only: the fault the next run injects.
    fault: Option<Fault>,
    /// The reader's guesses (`predict=1`).
    guesses: predict::Guesses,
    out: Outcome,
}

impl Session {
    /// The session for the page at `query` (the URL's search part) in `env`. Nothing happens
    /// until [`Input::Start`].
    pub fn new(query: &str, env: Environment) -> Session {
        let (scenario, notices) = Scenario::from_query(query, env.cores);
        Session {
            pending: if scenario.run {
                Pending::Engine
            } else {
                Pending::None
            },
            scenario,
            env,
            engine: Engine::Off,
            has_turn: false,
            visibility: Visibility::Visible,
            run: None,
            runs_started: 0,
            results: Vec::new(),
            notes_open: false,
            preview: Vec::new(),
            status: Status::Loading,
            status_text: "Loading…".into(),
            notices: Notices::default(),
            url_notices: notices.into_iter().map(|n| n.message).collect(),
            sweep: None,
            view: View::default(),
            drag_x: None,
            replay_from: None,
            imports: Imports::default(),
            judged: Vec::new(),
            stay_in_place: false,
            unguarded_said: false,
            fragment: None,
            fault: None,
            guesses: predict::Guesses::default(),
            out: Outcome::default(),
        }
    }

    /// Takes in `input`; returns what the page must do and render.
    // Never inlined into its caller: one 35 KB function (the page's dispatch loop with all of
    // this inside) took V8 ~90 ms to optimise, on a core another page's measured run was using.
    #[inline(never)]
    pub fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Start => self.start(),
            Input::Run => {
                self.stay_in_place = false;
                self.request_run();
            }
            Input::Stop => self.stop(),
            Input::Sweep(sizes) => self.start_sweep(&sizes),
            Input::Preset(id) => self.on_preset(&id),
            Input::Edit(text) => self.on_edit(text),
            Input::Set(setting, value) => self.on_setting(setting, &value),
            Input::Models(models) => self.on_models(models),
            Input::EmbedVisible => {
                if self.engine == Engine::Off {
                    self.start_engine();
                }
            }
            Input::Engine(report) => self.on_report(report),
            Input::EngineNotStarted(why) => {
                self.release_start_turn();
                self.engine = Engine::Off;
                self.release_turn();
                self.pending = Pending::None;
                self.set_status(Status::Error, format!("The engine could not start: {why}"));
                self.render(Parts::ENVIRONMENT);
            }
            Input::EngineStartTimedOut => {
                if matches!(self.engine, Engine::Starting { .. }) {
                    self.on_report(Report::Failed(format!(
                        "the workers did not start within {} s",
                        ENGINE_START_TIMEOUT_MS / 1000
                    )));
                }
            }
            Input::SendFailed(why) => {
                self.end_run_with("the run could not be sent to the engine");
                self.set_status(Status::Error, format!("Could not start the run: {why}"));
            }
            Input::TurnWaiting(holder) => {
                if self.pending == Pending::Turn {
                    self.set_status(Status::Loading, holder.waiting_text().into());
                }
            }
            Input::TurnGranted(guard) => {
                self.guarded(guard);
                if self.pending == Pending::Turn {
                    self.pending = Pending::None;
                    self.has_turn = true;
                    self.request_run();
                    if !self.running() {
                        // It could not start after all (the engine must grow first, or
                        // nothing can run): the turn goes back until it can.
                        self.release_turn();
                    }
                }
            }
            Input::StartTurnWaiting(holder) => {
                if matches!(self.engine, Engine::Queued { .. }) {
                    self.set_status(Status::Loading, holder.waiting_text().into());
                }
            }
            Input::StartTurnGranted(guard) => match self.guarded(guard).engine {
                Engine::Queued { threads } => {
                    self.engine = Engine::Starting { threads };
                    self.effect(Effect::StartEngine { threads });
                    // An error said meanwhile (a broken pool) stays up until the engine is ready.
                    if self.status == Status::Loading {
                        self.set_status(
                            Status::Loading,
                            "Starting workers and calibrating the CPU kernel…".into(),
                        );
                    }
                }
                _ => self.effect(Effect::ReleaseStartTurn),
            },
            Input::Visibility { state, at } => self.on_visibility(state, at),
            Input::TraceRead { name, text } => {
                if recorded::is_recording(&text) {
                    self.add_recording_file(&text, &name);
                } else {
                    self.add_trace(&text, &name);
                }
            }
            Input::ClearImported => {
                self.imports.traces.clear();
                self.refresh_imported();
            }
            Input::Notices(list) => self.show_notices(list),
            Input::Notice(text) => self.add_notice(text),
            Input::CloseNotices => {
                self.notices.open = false;
                self.render(Parts::NOTICES);
            }
            Input::OpenNotes => {
                self.notes_open = true;
                self.render(Parts::RESULTS);
            }
            Input::Zoom { factor, centre } => {
                self.view.zoom_by(factor, centre);
                self.render(Parts::TIMELINE);
            }
            Input::ZoomReset => {
                self.view.zoom = None;
                self.render(Parts::TIMELINE);
            }
            Input::Pan(fraction) => {
                self.view.pan(fraction);
                self.render(Parts::TIMELINE);
            }
            Input::PointerDown { x } => {
                // A drag on a zoomed timeline pans it.
                if self.view.zoom.is_some() {
                    self.drag_x = Some(x);
                }
            }
            Input::Drag { x, plot_width } => {
                if let Some(last) = self.drag_x {
                    self.view.pan((last - x) / plot_width.max(1.0));
                    self.drag_x = Some(x);
                    self.render(Parts::TIMELINE | Parts::HIDE_TIP);
                }
            }
            Input::PointerUp => self.drag_x = None,
            Input::Highlight(target) => {
                if self.view.highlight != target {
                    self.view.highlight = target;
                    self.render(Parts::TIMELINE);
                }
            }
            Input::Scrub { value, now } => {
                self.replay_from = None;
                let longest = self.axis_ms(now);
                self.view.cursor = (value < 1000.0).then(|| value / 1000.0 * longest);
                self.render(Parts::TIMELINE);
            }
            Input::Replay {
                now,
                reduced_motion,
            } => self.replay(now, reduced_motion),
            Input::Frame { now, replay_speed } => self.frame(now, replay_speed),
            Input::SetFault(fault) => self.fault = fault,
            Input::RunClaim(id) => self.run_claim(&id),
            Input::Guess(id) => self.on_guess(&id),
            Input::GuessClaim { id, choice } => self.on_claim_guess(&id, &choice),
        }
        std::mem::take(&mut self.out)
    }

    fn effect(&mut self, effect: Effect) {
        self.out.effects.push(effect);
    }

    fn render(&mut self, parts: Parts) {
        self.out.render.add(parts);
    }

    fn set_status(&mut self, status: Status, text: String) {
        self.status = status;
        self.status_text = text;
        self.render(Parts::STATUS);
    }

    /// Replaces the notices.
    fn show_notices(&mut self, list: Vec<String>) {
        self.notices.open = !list.is_empty();
        self.notices.list = list;
        self.render(Parts::NOTICES);
    }

    /// A turn was granted with `guard`: a page that takes turns with nobody says so, once,
    /// with the notices of the next run.
    fn guarded(&mut self, guard: Guard) -> &mut Session {
        if guard == Guard::Nothing && !self.unguarded_said {
            self.unguarded_said = true;
            self.url_notices.push(UNGUARDED.into());
        }
        self
    }

    /// Adds a notice below the ones shown.
    fn add_notice(&mut self, text: String) {
        if !self.notices.open {
            self.notices.list.clear();
        }
        self.notices.list.push(text);
        self.notices.open = true;
        self.render(Parts::NOTICES);
    }

    // ---- reading ----

    /// A run has started and not finished.
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| !r.finished)
    }

    /// Stop can stop something: a run, or one about to start.
    pub fn can_stop(&self) -> bool {
        self.running() || self.pending != Pending::None
    }

    /// The engine's greeting, once it is ready.
    pub fn ready(&self) -> Option<&Ready> {
        match &self.engine {
            Engine::Ready { ready, .. } => Some(ready),
            _ => None,
        }
    }

    pub fn calibration(&self) -> Option<Calibration> {
        self.ready().map(|r| r.calibration)
    }

    /// What can share memory here, as far as the page knows.
    pub fn shared_memory(&self) -> SharedMemory {
        if !self.env.isolated {
            return SharedMemory::NotIsolated;
        }
        if !self.env.shared_array_buffer {
            return SharedMemory::NoSharedArrayBuffer;
        }
        let asked_none = matches!(self.engine, Engine::Ready { threads: 0, .. });
        match self.ready() {
            None => SharedMemory::Starting,
            Some(r) if r.threads > 0 || (asked_none && r.pool_error.is_none()) => {
                SharedMemory::Pool(r.threads)
            }
            Some(r) => SharedMemory::PoolFailed(
                r.pool_error
                    .clone()
                    .unwrap_or_else(|| "no thread started".into()),
            ),
        }
    }

    /// What the timeline shows now.
    pub fn shown(&self) -> Shown {
        match &self.run {
            None => Shown::Preview,
            Some(r) => match &r.recorded {
                Some(rec) => Shown::Recorded { label: rec.label() },
                None => Shown::Measured,
            },
        }
    }

    /// The trace each model's panel shows: the run's, or before any run the expected one.
    pub fn traces(&self) -> Vec<&LiveTrace> {
        let shown = self
            .run
            .as_ref()
            .map_or_else(|| self.preview.iter().collect(), Run::shown);
        if !self.embed_beside() {
            return shown;
        }
        // An embed keeps one panel per recorded model: this device's run where it has one,
        // else the recording's (a model that cannot run here).
        self.recorded_beside()
            .map(|(i, live)| {
                shown
                    .iter()
                    .copied()
                    .find(|t| t.model == i.trace.model)
                    .unwrap_or(live)
            })
            .collect()
    }

    /// The models the panels show: the run's, or before one the selected ones that can run
    /// here (a frame without isolation never shows gil and threads, so nothing disappears when
    /// Run is pressed).
    pub fn panel_models(&self) -> Vec<Model> {
        if self.embed_beside() {
            return self.recorded_beside().map(|(i, _)| i.trace.model).collect();
        }
        match &self.run {
            Some(r) => r.models.clone(),
            None => self.runnable_models(),
        }
    }

    /// The settings the panels are titled by: the run's once there is one, else the scenario's
    /// (`limit`, `chunksize`).
    pub fn panel_bounds(&self) -> (Option<u32>, u32) {
        match &self.run {
            Some(r) => (r.expectation.limit, r.expectation.chunksize),
            None => (self.scenario.limit, self.scenario.chunksize),
        }
    }

    /// Each panel's title, subtitle and explanation: the run's settings once there is a run
    /// (a limit changed since does not relabel what was measured), else the scenario's.
    pub fn panel_titles(&self) -> Vec<(Model, String, String, String)> {
        let bounds = self.panel_bounds();
        let recorded = match self.shown() {
            Shown::Recorded { label } => Some(label),
            _ => None,
        };
        self.panel_models()
            .into_iter()
            .map(|m| {
                let (mut subtitle, explanation) = titles(m, bounds);
                if let Some(label) = &recorded {
                    subtitle = format!("{subtitle} · {label}");
                }
                (m, m.id().to_string(), subtitle, explanation)
            })
            .collect()
    }

    /// The selected models, less those that cannot run here for want of shared memory.
    fn runnable_models(&self) -> Vec<Model> {
        let unavailable = self.shared_memory().unavailable_reason().is_some();
        self.scenario
            .models
            .iter()
            .copied()
            .filter(|m| !(unavailable && m.needs_shared_memory()))
            .collect()
    }

    /// The shared axis: the longest panel, the run's or an imported trace's.
    pub fn axis_ms(&self, now: f64) -> f64 {
        longest(self.traces().into_iter().chain(&self.imports.live), now)
    }

    /// The checksums of every finished run agree.
    pub fn agree(&self) -> bool {
        checksums_agree(&self.run.as_ref().map(Run::completed).unwrap_or_default())
    }

    /// The workload as parsed, or its first error.
    pub fn workload(&self) -> Result<Workload, WorkloadError> {
        self.scenario.workload()
    }

    /// The pool the engine should start with: the scenario's, or a running sweep's largest; none
    /// when no model shown runs on threads (an embed of sequential, async and processes starts
    /// no pool workers; its plain loop runs on the conductor, as without isolation).
    pub fn pool_wanted(&self) -> u32 {
        let sweep = self
            .sweep
            .as_ref()
            .filter(|s| s.running())
            .and_then(|s| s.sizes.last().copied())
            .unwrap_or(0);
        let models = &self.scenario.models;
        let threaded = models
            .iter()
            .any(|m| matches!(m, Model::Gil | Model::Threads | Model::ToThread));
        // to_thread's event loop is a pool thread of its own, beside its executor's.
        let event_loop = u32::from(models.contains(&Model::ToThread));
        if threaded {
            (self.scenario.threads + event_loop).max(sweep)
        } else {
            sweep
        }
    }

    /// The panels of the traces read from files: model, title, subtitle, explanation.
    pub fn imported_panels(&self) -> Vec<(Model, String, String, String)> {
        let current = self.scenario.workload().ok().map(|w| w.to_text());
        self.imports
            .traces
            .iter()
            .map(|i| {
                let mut explain = format!(
                    "Measured by {} on the machine that ran it{}{}, drawn on the browser's axis.",
                    i.python.as_deref().map_or("the program that wrote this trace".to_string(), |v| format!("Python {v}")),
                    if i.gil == Some(false) { " without the GIL (free-threaded)" } else { "" },
                    i.workers.map_or(String::new(), |w| format!(", {w} workers")),
                );
                if i.gil != Some(false) && matches!(i.model, Some(Model::Gil | Model::Threads)) {
                    explain.push_str(" Python cannot see a thread waiting for the GIL, so those waits are inside its CPU spans.");
                }
                if let (Some(w), Some(now)) = (&i.workload, &current) {
                    if w != now {
                        explain.push_str(&format!(
                            " Recorded for another workload: {}.",
                            w.replace('\n', "; ")
                        ));
                    }
                }
                if let Some(recorded) = &i.recorded {
                    let model = i.model.unwrap_or(Model::Gil);
                    return (
                        model,
                        i.label.clone(),
                        recorded.clone(),
                        format!("The run this link carries, as its author's browser measured it, drawn beside this device's on the same axis. {}", model.explanation()),
                    );
                }
                (
                    i.model.unwrap_or(Model::Gil),
                    i.label.clone(),
                    "real CPython, from a trace file".to_string(),
                    explain,
                )
            })
            .collect()
    }

    // ---- start-up and the engine ----

    fn start(&mut self) {
        self.render(Parts::ALL);
        let recorded = self.open_recording();
        let notices = self.url_notices.clone();
        self.show_notices(notices);
        self.refresh_preview();
        if recorded {
            // Drawn at once from the link; nothing starts until Run on this device.
            if let Some(path) = self.scenario.trace.clone() {
                self.effect(Effect::FetchTrace(path));
            }
            return;
        }
        // sweep=… with run=1: the sweep runs once the workers are ready.
        if self.scenario.run && self.scenario.sweep.is_some() {
            self.start_sweep("");
        }
        if self.scenario.embed && !self.scenario.run {
            // An embed spends no CPU until the reader scrolls to it.
            self.effect(Effect::WatchForView);
            self.set_status(
                Status::Loading,
                "The workers start when this comes into view…".into(),
            );
        } else if self.engine == Engine::Off {
            self.start_engine();
        }
        if let Some(path) = self.scenario.trace.clone() {
            self.effect(Effect::FetchTrace(path));
        }
    }

    /// Starts a conductor for the pool wanted, replacing any current one.
    /// (It starts once this page has the turn to: [`Engine::Queued`].)
    fn start_engine(&mut self) {
        if matches!(self.engine, Engine::Starting { .. } | Engine::Ready { .. }) {
            self.effect(Effect::RetireEngine);
        }
        let threads = self.pool_wanted();
        self.engine = Engine::Queued { threads };
        self.effect(Effect::AskStartTurn);
        self.set_status(
            Status::Loading,
            "Starting workers and calibrating the CPU kernel…".into(),
        );
        self.render(Parts::ENVIRONMENT);
    }

    /// The engine no longer needs the turn to start: it is ready, or gone.
    fn release_start_turn(&mut self) {
        if matches!(self.engine, Engine::Queued { .. } | Engine::Starting { .. }) {
            self.effect(Effect::ReleaseStartTurn);
        }
    }

    fn on_report(&mut self, report: Report) {
        match report {
            Report::Ready(ready) => self.on_ready(ready),
            Report::ModelStart { run, slot } => self.model_started(run, slot),
            Report::Spans {
                run,
                slot,
                done,
                open,
            } => {
                if let Some(t) = self
                    .current_run(run)
                    .and_then(|r| r.traces.get_mut(slot as usize))
                {
                    t.add(done);
                    t.open = open;
                    self.render(Parts::TIMELINE_LATER);
                }
            }
            Report::ModelDone { run, slot, outcome } => self.model_done(run, slot, outcome),
            Report::RunDone { run } => self.run_done(run),
            Report::Recalibrated {
                run,
                before,
                after,
                first,
            } => self.recalibrated(run, before, after, first),
            Report::Broken(message) => {
                // Its pool cannot be trusted: a fresh conductor for the next run.
                self.start_engine();
                self.show_notices(vec![format!("{message}: its workers were restarted.")]);
                self.set_status(
                    Status::Error,
                    format!("{message}. The workers were restarted; press Run to try again."),
                );
            }
            Report::Failed(message) => {
                self.release_start_turn();
                if self.engine != Engine::Off {
                    self.effect(Effect::RetireEngine);
                }
                self.engine = Engine::Off;
                self.release_turn();
                self.pending = Pending::None;
                self.end_run_with("the engine failed");
                self.show_notices(vec![format!("The engine failed: {message}.")]);
                self.set_status(
                    Status::Error,
                    format!("The engine failed: {message}. Press Run to start it again."),
                );
                self.render(Parts::ENVIRONMENT | Parts::TIMELINE);
            }
        }
    }

    fn on_ready(&mut self, ready: Ready) {
        let threads = match self.engine {
            Engine::Starting { threads } | Engine::Ready { threads, .. } => threads,
            // A greeting from an engine the page no longer has.
            Engine::Off | Engine::Queued { .. } => return,
        };
        self.release_start_turn();
        self.engine = Engine::Ready { threads, ready };
        self.render(Parts::ENVIRONMENT);
        // A pool that failed to start takes gil and threads out of the preview.
        if self.run.is_none() {
            self.refresh_preview();
        }
        if self.pending == Pending::Engine {
            self.pending = Pending::None;
            self.request_run();
        } else if matches!(self.shown(), Shown::Recorded { .. }) {
            // Run on this device was stopped before it began: the recording is still shown.
            let text = self.recorded_status();
            self.set_status(Status::Ready, text);
        } else if !self.notices.open || self.run.is_none() {
            self.set_status(Status::Ready, "Ready. Press Run.".into());
        } else {
            // After a failure: say it is ready again, keep the notice that says what failed.
            self.set_status(Status::Ready, "Ready again. Press Run.".into());
        }
    }

    /// Uses the kernel's new calibration, taken before run `run`; says so when the device's
    /// speed moved between runs. Before an engine's first run it is routine (the start-up
    /// calibration was taken while the page loaded), so only the tooltip says it.
    fn recalibrated(&mut self, run: u32, before: u64, after: u64, first: bool) {
        if let Engine::Ready { ready, .. } = &mut self.engine {
            ready.calibration.rounds_per_ms = after;
        }
        if !first && self.run.as_ref().is_some_and(|r| r.id == run) {
            let change = (after as f64 / before.max(1) as f64 - 1.0) * 100.0;
            self.add_notice(format!(
                "The CPU kernel was calibrated again before this run: this device's speed had moved by {change:+.0} % since the last calibration."
            ));
        }
        self.render(Parts::ENVIRONMENT);
    }

    // ---- a run ----

    fn request_run(&mut self) {
        // A sweep in progress runs its next pool size; otherwise the scenario as it is.
        let (models, pools) = match self.sweep.as_ref().and_then(Sweep::step) {
            Some(step) => step,
            None => (
                self.scenario.models.clone(),
                (self.scenario.threads, self.scenario.processes),
            ),
        };
        self.request_run_with(models, pools);
    }

    /// Runs `models` with pools of `(threads, processes)` on the scenario's workload.
    fn request_run_with(&mut self, models: Vec<Model>, (threads, processes): (u32, u32)) {
        if self.running() || self.pending == Pending::Turn {
            return;
        }
        let workload = match self.scenario.workload() {
            Ok(w) => w,
            Err(_) => {
                self.render(Parts::WORKLOAD_ERROR);
                self.effect(Effect::FocusWorkloadError);
                self.set_status(
                    Status::Error,
                    "The workload has an error (shown under the editor); nothing was run.".into(),
                );
                return;
            }
        };
        // A pool smaller than the threads asked for means a new conductor with a bigger one:
        // its workers start before the run, outside the measured window.
        // (An engine started without a pool, none being needed, gets one the same way.)
        let needed = if models.contains(&Model::ToThread) {
            // Its executor's threads and its event loop's.
            threads + 1
        } else if models
            .iter()
            .any(|m| matches!(m, Model::Gil | Model::Threads))
        {
            threads
        } else {
            0
        };
        let pool_too_small = matches!(&self.engine,
            Engine::Ready { threads: asked, ready }
                if *asked < needed && (ready.threads > 0 || *asked == 0));
        if self.engine == Engine::Off || pool_too_small {
            self.start_engine();
        }
        if self.ready().is_none() {
            self.pending = Pending::Engine;
            self.set_status(
                Status::Loading,
                "Starting workers; the run begins as soon as they are ready…".into(),
            );
            return;
        }
        if !self.has_turn {
            // One measured run at a time per browser: conpar in other frames and tabs takes
            // turns with this page, so two runs never share the cores.
            self.pending = Pending::Turn;
            self.effect(Effect::AskTurn);
            return;
        }
        let cores = self.env.cores;
        let reason = self.shared_memory().unavailable_reason();
        let plan = plan(
            &models,
            &workload,
            ((threads, processes), self.scenario.limit),
            cores,
            reason.as_deref().map_or(Ok(()), Err),
        );
        // The address's own notices stay up through the first run (run=1 would hide them).
        let mut notices = std::mem::take(&mut self.url_notices);
        notices.extend(plan.skipped.iter().cloned());
        self.show_notices(notices);
        if plan.run.is_empty() {
            self.end_sweep(SweepEnd::NothingCouldRun);
            self.set_status(
                Status::Error,
                "No model can run this scenario here; choose another model or a smaller workload."
                    .into(),
            );
            return;
        }
        let id = self.runs_started + 1;
        let repeat = self.scenario.repeat.max(1);
        // Interleaved (ABCABC…), so a slow spell of the machine touches every model alike.
        let slots: Vec<Model> = (0..repeat).flat_map(|_| plan.run.iter().copied()).collect();
        let pools = (threads, processes);
        let bounds = (self.scenario.limit, self.scenario.chunksize);
        let expectation =
            Expectation::new(&workload, cores, pools, self.scenario.switch_ms).bounded(bounds);
        // Each panel starts with the rows its model is expected to use, so the page does not
        // grow lane by lane while the run fills it.
        let tasks = workload.tasks();
        let traces = slots
            .iter()
            .map(|&m| {
                let mut t = LiveTrace::new(m);
                t.lanes = expected_bounded(m, &tasks, lanes(m, pools), cores, bounds).lanes;
                t
            })
            .collect();
        let planned = Planned::of(&workload);
        // A sweep's runs vary the pool; the claim is judged on the scenario's own run.
        let claim_tested = self
            .scenario
            .claim
            .filter(|_| self.sweep.as_ref().is_none_or(|s| !s.running()))
            .map(|c| (c, workload.clone()));
        let fault = self.fault.take();
        let slots_count = slots.len();
        self.effect(Effect::Send(RunRequest {
            run: id,
            workload,
            models: slots,
            threads,
            processes,
            cores,
            switch_ms: self.scenario.switch_ms,
            seed: self.scenario.seed,
            live: self.scenario.live,
            start: self.scenario.start,
            limit: self.scenario.limit,
            chunksize: self.scenario.chunksize,
            fault,
        }));
        self.runs_started = id;
        self.keep_recording_beside();
        let mut query = self.scenario.clone();
        (query.models, query.threads, query.processes) = (plan.run.clone(), threads, processes);
        (query.run, query.embed, query.claims) = (false, false, false);
        (query.sweep, query.trace) = (None, None);
        self.run = Some(Run {
            id,
            query: query.to_query(),
            traces,
            models: plan.run,
            repeat,
            finished: false,
            live: self.scenario.live,
            expectation,
            facts: Vec::new(),
            planned,
            recorded: None,
            gaps: vec![Vec::new(); slots_count],
            pauses: match self.visibility {
                // A run started in a page already hidden is hidden from its first instant.
                Visibility::Hidden => vec![Pause {
                    kind: PauseKind::Hidden,
                    from: f64::NEG_INFINITY,
                    to: None,
                }],
                _ => Vec::new(),
            },
            claim: claim_tested,
        });
        // A sweep's steps vary the pool: the question is answered by a run of the scenario.
        if self.sweep.as_ref().is_none_or(|s| !s.running()) {
            self.ask_with(id);
        }
        if let Some(claim) = self
            .run
            .as_ref()
            .and_then(|r| r.claim.as_ref())
            .map(|c| c.0)
        {
            self.judged.retain(|j| j.id != claim);
            self.judged.push(Judged {
                id: claim,
                run: id,
                judgement: None,
            });
            self.render(Parts::CLAIMS);
        }
        self.results.clear();
        self.notes_open = false;
        self.refresh_preview();
        self.replay_from = None;
        self.view = View::default();
        self.render(Parts::RESULTS | Parts::RUN_TOOLS | Parts::TIMELINE);
        self.set_status(Status::Running, "Running…".into());
        self.effect(Effect::SyncUrl);
        if !std::mem::take(&mut self.stay_in_place) {
            self.effect(Effect::ScrollToResults);
        }
    }

    /// Gives the turn to measure back, or stops asking for it.
    fn release_turn(&mut self) {
        if self.has_turn || self.pending == Pending::Turn {
            self.effect(Effect::ReleaseTurn);
        }
        self.has_turn = false;
        if self.pending == Pending::Turn {
            self.pending = Pending::None;
        }
    }

    fn current_run(&mut self, id: u32) -> Option<&mut Run> {
        self.run.as_mut().filter(|r| r.id == id && !r.finished)
    }

    fn model_started(&mut self, run: u32, slot: u32) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        let Some(model) = r.traces.get(slot as usize).map(|t| t.model) else {
            return;
        };
        let text = if r.repeat > 1 {
            let turn = slot as usize / r.models.len().max(1) + 1;
            format!("Running {model} ({turn} of {})…", r.repeat)
        } else {
            format!("Running {model}…")
        };
        self.set_status(Status::Running, text);
    }

    fn model_done(&mut self, run: u32, slot: u32, outcome: Result<Finished, String>) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        if let Some(t) = r.traces.get_mut(slot as usize) {
            t.open.clear();
            match outcome {
                Ok(f) => {
                    if let Some(gaps) = r.gaps.get_mut(slot as usize) {
                        *gaps = f.gaps;
                    }
                    t.start = Some(f.start);
                    t.end = Some(f.end);
                    t.lanes = t.lanes.max(f.lanes);
                    t.checksum = Some(f.checksum);
                }
                Err(e) => t.error = Some(e),
            }
        }
        self.refresh_results();
        self.render(Parts::RESULTS | Parts::TIMELINE);
    }

    /// Results and facts of the finished models (each model's median run, with every
    /// repeat's wall time beside it), checked against physics.
    fn refresh_results(&mut self) {
        let Some(r) = self.run.as_mut() else { return };
        let median = medians(&r.completed());
        let outside = r.outside(&median);
        let (results, facts) = of_run(&median, &r.expectation, &r.planned, r.repeat > 1, &outside);
        r.facts = facts;
        self.results = results;
        self.notes_open = false;
    }

    fn run_done(&mut self, run: u32) {
        let Some(r) = self.current_run(run) else {
            return;
        };
        r.finished = true;
        self.release_turn();
        let Some(r) = self.run.as_mut() else { return };
        for t in &mut r.traces {
            if t.end.is_none() && t.error.is_none() {
                t.error = Some("not run: an earlier model failed".to_string());
            }
        }
        let failed: Vec<String> = r
            .traces
            .iter()
            .filter_map(|t| t.error.as_ref().map(|e| format!("{}: {e}", t.model)))
            .collect();
        self.refresh_results();
        self.render(Parts::RUN_TOOLS | Parts::SPAN_TABLE | Parts::RESULTS | Parts::TIMELINE);
        if failed.is_empty() {
            self.judge_run();
        } else {
            self.judge_unfinished(&format!("a model failed ({})", failed.join("; ")));
        }
        if failed.is_empty() {
            self.set_status(Status::Done, "Done: measured in this browser.".into());
            self.sweep_step_done();
        } else {
            self.end_sweep(SweepEnd::ModelFailed);
            self.set_status(
                Status::Error,
                format!("Finished with errors: {}", failed.join("; ")),
            );
            self.show_notices(failed);
        }
    }

    /// The finished run's claim, judged from its results.
    fn judge_run(&mut self) {
        let Some(r) = self.run.as_ref() else { return };
        let Some((id, workload)) = &r.claim else {
            return;
        };
        let Some(c) = claim(id) else { return };
        // A recorded run ran where it ran: what this page cannot run does not matter to it.
        let unavailable = match r.recorded {
            Some(_) => None,
            None => self.shared_memory().unavailable_reason(),
        };
        let evidence = Evidence {
            results: &self.results,
            workload,
            cores: r.expectation.cores,
            threads: r.expectation.threads,
            processes: r.expectation.processes,
            switch_ms: r.expectation.switch_ms,
            agree: self.agree(),
            unavailable: unavailable.as_deref(),
        };
        let judgement = c.judge(&evidence);
        self.set_judgement(r.id, judgement);
    }

    /// The run's claim gets no verdict: the run did not finish, `why`.
    fn judge_unfinished(&mut self, why: &str) {
        if let Some(r) = self.run.as_ref().filter(|r| r.claim.is_some()) {
            let judgement = Judgement {
                verdict: None,
                because: format!("No verdict: the run did not finish: {why}."),
            };
            self.set_judgement(r.id, judgement);
        }
    }

    fn set_judgement(&mut self, run: u32, judgement: Judgement) {
        if let Some(j) = self.judged.iter_mut().find(|j| j.run == run) {
            j.judgement = Some(judgement);
            self.render(Parts::CLAIMS);
        }
    }

    /// A claim's card asked for its experiment: the scenario becomes it, and it runs.
    fn run_claim(&mut self, id: &str) {
        let Some(c) = claim(id).filter(|c| c.experiment().is_some()) else {
            return;
        };
        if self.running() || self.pending == Pending::Turn {
            return;
        }
        self.end_sweep(SweepEnd::Stopped);
        self.scenario.apply_claim(c, self.env.cores);
        self.render(Parts::FORM | Parts::CLAIMS | Parts::LINKS);
        self.scenario_changed();
        // The card shows the verdict where the reader pressed Run: the page stays there, also
        // when the run starts later, in its turn.
        self.stay_in_place = true;
        self.request_run();
    }

    /// Every claim as its card shows it.
    pub fn claim_views(&self) -> Vec<ClaimView> {
        CLAIMS.iter().map(|c| self.view_of(c)).collect()
    }

    /// Claim `id` as its card shows it.
    pub fn claim_view(&self, id: &str) -> Option<ClaimView> {
        claim(id).map(|c| self.view_of(c))
    }

    fn view_of(&self, c: &'static Claim) -> ClaimView {
        let judged = self.judged.iter().find(|j| j.id == c.id);
        let judgement = judged
            .and_then(|j| j.judgement.clone())
            .or_else(|| c.standing());
        ClaimView {
            id: c.id,
            text: c.text,
            heard: c.heard,
            design: c.design,
            experiment: c.experiment(),
            verdict: judgement.as_ref().and_then(|j| j.verdict),
            because: judgement.map(|j| j.because),
            run: judged.map(|j| j.run),
            running: judged.is_some_and(|j| j.judgement.is_none()),
            link: format!("?claim={}", c.id),
            source: c.source(),
            current: self.scenario.claim == Some(c.id),
            guess: self.claim_guess(c.id),
            asks: self.quiz() && self.claim_guess(c.id).is_none(),
        }
    }

    /// A claim's embed: the two verdict lines say the claim before its run and what its run
    /// found after it (the caption line has room for the claim's start only); None while it
    /// runs, or without a claim, when the lines are the run's own.
    pub fn claim_line(&self) -> Option<String> {
        let c = self.claim_view(self.scenario.claim?)?;
        match (c.verdict, c.because) {
            _ if c.running => None,
            (Some(v), Some(because)) => Some(format!("{}. {because}", v.label())),
            (None, Some(because)) => Some(because),
            _ if self.run.is_none() => Some(format!("Claim: {} Press Run to test it.", c.text)),
            _ => None,
        }
    }

    /// Ends the current run where it is: every model that had not finished says `why`.
    fn end_run_with(&mut self, why: &str) {
        if self.running() {
            self.judge_unfinished(why);
        }
        self.release_turn();
        if let Some(r) = self.run.as_mut().filter(|r| !r.finished) {
            r.finished = true;
            for t in &mut r.traces {
                if t.end.is_none() && t.error.is_none() {
                    t.error = Some(why.to_string());
                    t.open.clear();
                }
            }
        }
        self.render(Parts::RUN_TOOLS | Parts::RESULTS);
    }

    fn stop(&mut self) {
        if !self.can_stop() {
            return;
        }
        // Terminating the conductor stops every worker at once, whatever it is doing (a CPU
        // step cannot be interrupted any other way within the frame). A fresh engine starts
        // right away.
        self.release_turn();
        self.pending = Pending::None;
        self.end_sweep(SweepEnd::Stopped);
        self.end_run_with("stopped");
        self.start_engine();
        self.set_status(Status::Loading, "Stopped. Restarting the workers…".into());
        self.render(Parts::TIMELINE);
    }

    /// The page was hidden, frozen or shown again: a run in progress keeps when, so the models
    /// that ran through it are marked.
    fn on_visibility(&mut self, state: Visibility, at: f64) {
        self.visibility = state;
        let Some(run) = self.run.as_mut().filter(|r| !r.finished) else {
            return;
        };
        // Whatever pause was open ends now; a new one starts unless the page is visible.
        if let Some(open) = run.pauses.iter_mut().find(|p| p.to.is_none()) {
            open.to = Some(at);
        }
        let kind = match state {
            Visibility::Visible => return,
            Visibility::Hidden => PauseKind::Hidden,
            Visibility::Frozen => PauseKind::Frozen,
        };
        run.pauses.push(Pause {
            kind,
            from: at,
            to: None,
        });
    }

    // ---- the sweep ----

    fn start_sweep(&mut self, sizes_field: &str) {
        if self.running() {
            return;
        }
        let models = swept(&self.scenario.models);
        if models.is_empty() {
            self.show_notices(vec![
                "A sweep varies the pool size: select gil, threads or processes.".into(),
            ]);
            return;
        }
        let sizes = match sizes_field.trim() {
            "" => self
                .scenario
                .sweep
                .clone()
                .unwrap_or_else(|| default_sizes(self.env.cores)),
            text => match parse_sizes(text, MAX_THREADS) {
                Ok(s) => s,
                Err(e) => {
                    self.show_notices(vec![e]);
                    return;
                }
            },
        };
        self.sweep = Some(Sweep::new(sizes, models));
        self.render(Parts::SWEEP);
        self.request_run();
    }

    /// A run of the sweep finished: its points are taken, and the next size starts.
    fn sweep_step_done(&mut self) {
        let Some(sweep) = self.sweep.as_mut().filter(|s| s.running()) else {
            return;
        };
        let more = sweep.take(&self.results);
        if more {
            self.request_run();
        } else if sweep.ended == Some(SweepEnd::Done) {
            self.set_status(Status::Done, "Sweep done: measured in this browser.".into());
        }
        self.render(Parts::SWEEP);
    }

    fn end_sweep(&mut self, why: SweepEnd) {
        if let Some(s) = self.sweep.as_mut().filter(|s| s.running()) {
            s.end(why);
            self.render(Parts::SWEEP);
        }
    }

    // ---- the form ----

    fn on_preset(&mut self, id: &str) {
        if let Some(p) = Preset::from_id(id) {
            self.scenario.source = Source::Preset(p);
            self.render(Parts::FORM);
        }
        self.scenario_changed();
    }

    fn on_edit(&mut self, text: String) {
        self.scenario.set_text(text);
        self.render(Parts::PRESET);
        self.scenario_changed();
    }

    fn on_setting(&mut self, setting: Setting, value: &str) {
        let result = if setting == Setting::SweepSizes && value.trim().is_empty() {
            self.scenario.sweep = None;
            Ok(())
        } else {
            self.scenario.set(setting.key(), value)
        };
        match result {
            Ok(()) => self.show_notices(Vec::new()),
            Err(notice) => {
                self.show_notices(vec![notice.message]);
                // The field shows the value kept.
                self.render(Parts::FORM);
            }
        }
        if setting == Setting::SweepSizes {
            self.render(Parts::FORM);
        }
        self.refresh_preview();
        self.effect(Effect::SyncUrl);
    }

    fn on_models(&mut self, models: Vec<Model>) {
        self.scenario.models = models;
        if self.run.is_none() {
            self.render(Parts::RESULTS | Parts::TIMELINE);
        }
        self.refresh_preview();
        self.effect(Effect::SyncUrl);
    }

    /// The workload or its source changed.
    fn scenario_changed(&mut self) {
        self.render(Parts::WORKLOAD_ERROR);
        self.refresh_preview();
        self.effect(Effect::SyncUrl);
    }

    /// Before the first run: each selected model's expected schedule for this workload.
    fn refresh_preview(&mut self) {
        self.render(Parts::SCENARIO_VIEWS | Parts::TIMELINE | Parts::RESULTS);
        self.preview.clear();
        if self.run.is_some() {
            return;
        }
        if let Ok(workload) = self.scenario.workload() {
            let tasks = workload.tasks();
            let pools = (self.scenario.threads, self.scenario.processes);
            let cores = self.env.cores;
            let bounds = (self.scenario.limit, self.scenario.chunksize);
            self.preview = self
                .runnable_models()
                .into_iter()
                .map(|m| expected_bounded(m, &tasks, lanes(m, pools), cores, bounds))
                .map(|t| LiveTrace::finished(&t))
                .collect();
        }
    }

    // ---- traces read from files ----

    fn add_trace(&mut self, text: &str, name: &str) {
        if self.imports.traces.len() >= MAX_IMPORTED {
            self.add_notice(format!(
                "{name} was not added: the page draws up to {MAX_IMPORTED} traces; remove some first."
            ));
            return;
        }
        match import(text, name) {
            Ok(t) => {
                self.imports.traces.push(t);
                self.refresh_imported();
            }
            Err(e) => self.add_notice(e),
        }
    }

    /// Panels, results and latency of the imported traces; speedups against an imported
    /// sequential run, when there is one.
    fn refresh_imported(&mut self) {
        let traces: Vec<_> = self
            .imports
            .traces
            .iter()
            .map(|i| {
                let planned = i
                    .workload
                    .as_deref()
                    .and_then(|w| Workload::parse(w).ok())
                    .map_or_else(Planned::unknown, |w| Planned::of(&w));
                (i.trace.clone(), planned)
            })
            .collect();
        self.imports.live = traces.iter().map(|(t, _)| LiveTrace::finished(t)).collect();
        self.imports.results = of_imported(&traces);
        // A recording's rows are the ones its own page computed (speedups and flags included).
        for (r, i) in self.imports.results.iter_mut().zip(&self.imports.traces) {
            if let Some(recorded) = &i.result {
                *r = recorded.clone();
            }
        }
        // The status renders Run's words, which follow whether a recording is beside the run.
        self.render(Parts::IMPORTED | Parts::RESULTS | Parts::TIMELINE | Parts::STATUS);
    }

    // ---- the timeline ----

    fn replay(&mut self, now: f64, reduced_motion: bool) {
        if !self.run.as_ref().is_some_and(|r| r.finished) {
            return;
        }
        if reduced_motion {
            // No animation: show the end state; the slider still scrubs by hand.
            self.view.cursor = None;
            self.replay_from = None;
        } else {
            self.replay_from = Some(now);
            self.view.cursor = Some(0.0);
        }
        self.render(Parts::TIMELINE | Parts::SCRUB);
    }

    /// A frame: a replay moves its cursor.
    fn frame(&mut self, now: f64, speed: f64) {
        if let Some(from) = self.replay_from {
            let longest = self.axis_ms(now);
            let t = (now - from) * speed.clamp(0.01, 1.0);
            if t >= longest {
                self.replay_from = None;
                self.view.cursor = None;
            } else {
                self.view.cursor = Some(t);
            }
            self.render(Parts::SCRUB);
        }
    }
}

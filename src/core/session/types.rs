//! The types in and out of the session: what it is told ([`Input`], from the page and the
//! conductor), what it asks for ([`Effect`], [`Parts`]), and the states it reports.

use super::*;

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
pub enum Conductor {
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

/// Everything that can happen to the page, nested by concern as the session's files are.
#[derive(Clone, Debug)]
pub enum Input {
    /// The page has loaded and its listeners are in place.
    Start,
    Run,
    Stop,
    /// Sweep pressed, with the sizes field's text.
    Sweep(String),
    /// The embed scrolled into view.
    EmbedVisible,
    Engine(FromConductor),
    /// The browser refused to start the conductor.
    EngineNotStarted(String),
    /// The conductor's start-up deadline passed ([`ENGINE_START_TIMEOUT_MS`]).
    EngineStartTimedOut,
    /// The run request could not be posted.
    SendFailed(String),
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
    /// The form and the page's other choices.
    Form(FormInput),
    /// Taking turns with the browser's other conpar pages.
    Turn(TurnInput),
    /// The notices and the notes under the table.
    Notes(NoticeInput),
    /// The timeline: zoom, pan, pointer, scrub, replay, frames.
    Timeline(TimelineInput),
}

/// What the writer or reader chose in the form, the Python section or the Embed dialog.
#[derive(Clone, Debug)]
pub enum FormInput {
    Preset(String),
    /// The workload text was edited.
    Edit(String),
    Set(Setting, String),
    Models(Vec<Model>),
    /// The Python section: the model whose program it shows, and whether it is open.
    PythonModel(Model),
    PythonOpen(bool),
    /// The Embed dialog as the writer left it: opened, a choice changed, or closed.
    EmbedDialog(EmbedDialog),
}

/// The browser's turns: one measured run (and one engine start) at a time per browser.
#[derive(Clone, Copy, Debug)]
pub enum TurnInput {
    /// Another page holds the turn to measure; this page's run waits.
    TurnWaiting(Holder),
    /// This page holds the turn, taken with the pages `Guard` says.
    TurnGranted(Guard),
    /// The same, for starting the engine.
    StartTurnWaiting(Holder),
    StartTurnGranted(Guard),
}

/// The notices above the page and the notes under the table.
#[derive(Clone, Debug)]
pub enum NoticeInput {
    /// Replaces the notices (`Notices`) or adds one below them (`Notice`).
    Notices(Vec<String>),
    Notice(String),
    CloseNotices,
    /// "Show all" under the advice or the checks.
    OpenNotes,
}

/// The timeline's own inputs.
#[derive(Clone, Debug)]
pub enum TimelineInput {
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
    /// An animation frame the timeline is drawn on.
    Frame {
        now: f64,
    },
    /// The Replay speed menu: 1 as measured, less to slow the replay down.
    ReplaySpeed(f64),
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
    /// The Python section's program.
    pub const PYTHON: Parts = Parts(1 << 19);
    /// The Embed dialog: whether it is open, its choices and its code.
    pub const EMBED_DIALOG: Parts = Parts(1 << 20);
    pub const ALL: Parts = Parts((1 << 21) - 1);

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
pub struct Update {
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

/// The Embed dialog's state: open or not, and what the writer chose in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmbedDialog {
    pub open: bool,
    /// The light element (`<conpar-embed>`) rather than the frame.
    pub element: bool,
    /// The last run's recording rather than a live demo (when there is one to record).
    pub recording: bool,
    /// Readers guess before they run (`predict=1`).
    pub predict: bool,
}

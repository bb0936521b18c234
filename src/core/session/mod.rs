//! The page as one state machine: everything the page knows (the scenario, the engine as the
//! page sees it, the run in progress with its repeats and sweep steps, the results, the
//! notices, the timeline's view, traces read from files) lives in one [`Session`], and only
//! [`Session::handle`] changes it. An [`Input`] goes in (Run pressed, a setting changed, a
//! message from the conductor, a frame, the tab hidden…); what the page must do comes out as
//! [`Effect`]s (start or retire an engine, send a run, keep the address in step) and the
//! [`Parts`] of the page to render again. The web layer dispatches every event here and renders
//! views that only read the session; the whole story runs under native `cargo test`.

pub mod predict;
pub mod recorded;
pub mod run;
pub mod sweep;

mod claims;
mod engine;
mod form;
mod imports;
mod running;
mod table;
mod timeline;
mod types;

pub use table::{RowBody, TableRow, TableView};
pub use types::*;

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
use crate::core::measure::trace::{checksums_agree, medians, Model};
use crate::core::protocol::{Fault, Finished, FromConductor, Ready, RunRequest};
use crate::core::python::import::{import, Imported};
use run::Run;
use sweep::{Sweep, SweepEnd};

/// The most traces read from files drawn at once.
pub const MAX_IMPORTED: usize = 8;

/// How long the conductor may take to calibrate and start its pool before the page says so.
pub const ENGINE_START_TIMEOUT_MS: u32 = 30_000;

/// Everything the page knows. Read it freely; change it only through [`Session::handle`].
#[derive(Clone, Debug)]
pub struct Session {
    scenario: Scenario,
    env: Environment,
    engine: Conductor,
    pending: Pending,
    /// This page holds the browser's one turn to measure.
    has_turn: bool,
    visibility: Visibility,
    run: Option<Run>,
    /// Runs started since the page loaded (`data-run`), so a script can wait for run k.
    runs_started: u32,
    results: Vec<ModelResult>,
    /// The reader opened the notes box (the advice or the checks) in full; new results close
    /// it again, since what it held is gone.
    notes_open: bool,
    /// Before the first run: each model's expected schedule, drawn as such.
    preview: Vec<LiveTrace>,
    status: Status,
    status_text: String,
    notices: Notices,
    /// What the address got wrong, kept until the first run has shown it with its own notices.
    url_notices: Vec<String>,
    sweep: Option<Sweep>,
    view: View,
    /// Where a drag on the timeline last was (CSS px), while one is in progress.
    drag_x: Option<f64>,
    /// When a replay started (page clock, ms), while one plays.
    replay_from: Option<f64>,
    /// How fast a replay plays (1: as measured; the Replay speed menu).
    replay_speed: f64,
    /// The model whose program the Python section shows, and whether the section is open.
    python_model: Model,
    python_open: bool,
    embed_dialog: EmbedDialog,
    imports: Imports,
    /// Each claim judged since the page loaded, by its latest run.
    judged: Vec<Judged>,
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
    out: Update,
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
            engine: Conductor::Off,
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
            replay_speed: 1.0,
            python_model: Model::Gil,
            python_open: false,
            embed_dialog: EmbedDialog::default(),
            imports: Imports::default(),
            judged: Vec::new(),
            stay_in_place: false,
            unguarded_said: false,
            fragment: None,
            fault: None,
            guesses: predict::Guesses::default(),
            out: Update::default(),
        }
    }

    /// Takes in `input`; returns what the page must do and render.
    // Never inlined into its caller: one 35 KB function (the page's dispatch loop with all of
    // this inside) took V8 ~90 ms to optimise, on a core another page's measured run was using.
    #[inline(never)]
    pub fn handle(&mut self, input: Input) -> Update {
        match input {
            // The run (running.rs), the sweep (sweep.rs), claims (claims.rs, predict.rs).
            Input::Run => self.run_pressed(),
            Input::Stop => self.stop(),
            Input::Sweep(sizes) => self.start_sweep(&sizes),
            Input::RunClaim(id) => self.run_claim(&id),
            Input::Guess(id) => self.on_guess(&id),
            Input::GuessClaim { id, choice } => self.on_claim_guess(&id, &choice),
            // The conductor and the tab (engine.rs).
            Input::Start => self.start(),
            Input::EmbedVisible => self.on_embed_visible(),
            Input::Engine(message) => self.on_report(message),
            Input::EngineNotStarted(why) => self.on_engine_not_started(&why),
            Input::EngineStartTimedOut => self.on_engine_start_timed_out(),
            Input::SendFailed(why) => self.on_send_failed(&why),
            Input::Visibility { state, at } => self.on_visibility(state, at),
            Input::SetFault(fault) => self.fault = fault,
            // Traces read from files (imports.rs, recorded.rs).
            Input::TraceRead { name, text } => self.on_trace_read(&name, &text),
            Input::ClearImported => self.clear_imported(),
            // Each concern's own inputs, each its own table.
            Input::Form(input) => self.on_form(input),
            Input::Turn(input) => self.on_turn(input),
            Input::Notes(input) => self.on_notes(input),
            Input::Timeline(input) => self.on_timeline(input),
        }
        std::mem::take(&mut self.out)
    }

    fn on_notes(&mut self, input: NoticeInput) {
        match input {
            NoticeInput::Notices(list) => self.show_notices(list),
            NoticeInput::Notice(text) => self.add_notice(text),
            NoticeInput::CloseNotices => {
                self.notices.open = false;
                self.render(Parts::NOTICES);
            }
            NoticeInput::OpenNotes => {
                self.notes_open = true;
                self.render(Parts::RESULTS);
            }
        }
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
}

/// What the session holds, read by the views and the tests; only [`Session::handle`] changes it.
impl Session {
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn env(&self) -> &Environment {
        &self.env
    }

    pub fn engine(&self) -> &Conductor {
        &self.engine
    }

    pub fn pending(&self) -> Pending {
        self.pending
    }

    pub fn has_turn(&self) -> bool {
        self.has_turn
    }

    pub fn visibility(&self) -> Visibility {
        self.visibility
    }

    pub fn run(&self) -> &Option<Run> {
        &self.run
    }

    pub fn runs_started(&self) -> u32 {
        self.runs_started
    }

    pub fn results(&self) -> &[ModelResult] {
        &self.results
    }

    pub fn notes_open(&self) -> bool {
        self.notes_open
    }

    pub fn preview(&self) -> &[LiveTrace] {
        &self.preview
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn status_text(&self) -> &String {
        &self.status_text
    }

    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    pub fn sweep(&self) -> &Option<Sweep> {
        &self.sweep
    }

    pub fn view(&self) -> &View {
        &self.view
    }

    pub fn drag_x(&self) -> Option<f64> {
        self.drag_x
    }

    pub fn replay_from(&self) -> Option<f64> {
        self.replay_from
    }

    pub fn imports(&self) -> &Imports {
        &self.imports
    }

    pub fn judged(&self) -> &[Judged] {
        &self.judged
    }

    pub fn replay_speed(&self) -> f64 {
        self.replay_speed
    }

    pub fn python_model(&self) -> Model {
        self.python_model
    }

    pub fn python_open(&self) -> bool {
        self.python_open
    }

    pub fn embed_dialog(&self) -> EmbedDialog {
        self.embed_dialog
    }
}

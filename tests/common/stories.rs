//! The page's state machine driven as a page drives it, with a fake conductor that answers run
//! requests with the expected schedule of each model (as a real conductor would report a run
//! on an ideal machine): the stories of tests/session.rs and tests/predict.rs share it.

use conpar::core::analysis::plan::lanes;
use conpar::core::analysis::schedule::expected;
use conpar::core::measure::kernel::Calibration;
use conpar::core::protocol::FromConductor;
use conpar::core::protocol::{Finished, Ready, RunRequest};
use conpar::core::session::TurnInput;
use conpar::core::session::{
    ClaimView, Conductor, Effect, Environment, Guard, Input, Session, Update,
};

pub const ISOLATED: Environment = Environment {
    cores: 2,
    isolated: true,
    shared_array_buffer: true,
};

pub fn ready(threads: u32) -> Ready {
    Ready {
        calibration: Calibration {
            rounds_per_ms: 1000,
        },
        threads,
        isolated: true,
        shared_array_buffer: true,
        pool_error: None,
    }
}

/// A session for `query`, started.
pub fn started(query: &str, env: Environment) -> (Session, Update) {
    let mut s = Session::new(query, env);
    let out = go(&mut s, Input::Start);
    (s, out)
}

pub fn sent(out: &Update) -> Option<RunRequest> {
    out.effects.iter().find_map(|e| match e {
        Effect::Send(r) => Some(r.clone()),
        _ => None,
    })
}

pub fn engine_started(out: &Update) -> Option<u32> {
    out.effects.iter().find_map(|e| match e {
        Effect::StartEngine { threads } => Some(*threads),
        _ => None,
    })
}

/// Handles `input` in a browser where no other page measures: a turn asked for is granted at
/// once, and the outcome includes what the grant did.
pub fn go(s: &mut Session, input: Input) -> Update {
    let mut out = s.handle(input);
    for (asked, grant) in [
        (
            Effect::AskStartTurn,
            Input::Turn(TurnInput::StartTurnGranted(Guard::Browser)),
        ),
        (
            Effect::AskTurn,
            Input::Turn(TurnInput::TurnGranted(Guard::Browser)),
        ),
    ] {
        if out.effects.contains(&asked) {
            let granted = s.handle(grant);
            out.effects.extend(granted.effects);
            out.render.add(granted.render);
        }
    }
    out
}

/// The engine greets the page with a pool of the threads it was asked for.
pub fn greet(s: &mut Session) -> Update {
    if matches!(s.engine(), Conductor::Queued { .. }) {
        s.handle(Input::Turn(TurnInput::StartTurnGranted(Guard::Browser)));
    }
    let threads = match s.engine() {
        Conductor::Starting { threads } => *threads,
        ref other => panic!("no engine is starting: {other:?}"),
    };
    go(
        s,
        Input::Engine(FromConductor::Ready {
            ready: ready(threads),
        }),
    )
}

/// The fake conductor's reports for one slot of `req`: the model starts, its expected
/// schedule arrives as spans, and it ends.
pub fn slot_reports(req: &RunRequest, slot: u32, at: f64) -> Vec<FromConductor> {
    let model = req.models[slot as usize];
    let tasks = req.workload.tasks();
    let mut t = expected(model, &tasks, lanes(model, (req.threads, req.processes)), 2);
    for sp in &mut t.spans {
        sp.start += at;
        sp.end += at;
    }
    let (run, end) = (req.run, at + t.wall_ms());
    vec![
        FromConductor::ModelStart { run, slot },
        FromConductor::Spans {
            run,
            slot,
            done: t.spans.clone(),
            open: Vec::new(),
        },
        FromConductor::ModelDone {
            run,
            slot,
            outcome: Ok(Finished {
                start: at,
                end,
                lanes: t.lanes,
                checksum: 42,
                gaps: Vec::new(),
            }),
        },
    ]
}

/// Feeds every slot of `req`, then `RunDone`; returns the last outcome.
pub fn finish(s: &mut Session, req: &RunRequest) -> Update {
    let mut at = 1000.0;
    for slot in 0..req.models.len() as u32 {
        for r in slot_reports(req, slot, at) {
            s.handle(Input::Engine(r));
        }
        at += 10_000.0;
    }
    go(s, Input::Engine(FromConductor::RunDone { run: req.run }))
}

pub fn claim_view(s: &Session, id: &str) -> ClaimView {
    s.claim_views()
        .into_iter()
        .find(|c| c.id == id)
        .expect("a claim of that id")
}

pub fn recorded_link(query: &str, env: Environment) -> (Session, String) {
    let (mut s, _) = started(query, env);
    let out = greet(&mut s);
    let req = sent(&out)
        .or_else(|| sent(&go(&mut s, Input::Run)))
        .expect("it runs");
    finish(&mut s, &req);
    let rec = s
        .recording("Chrome 156", "2026-12-01")
        .expect("a finished run records");
    let text = rec
        .to_link_text(conpar::core::measure::recording::MAX_LINK_CHARS)
        .expect("it fits");
    (s, text)
}

//! The conductor's side of `processes`: starts P workers before handing out tasks, sends each
//! task with a copy of its payload, and records what multiprocessing costs (`spawn`, `copy`).

use crate::core::input::scenario::StartMethod;
use crate::core::input::workload::Task;
use crate::core::measure::kernel::Checksum;
use crate::core::measure::trace::{SpanState, NO_TASK};
use crate::engine::{Clock, Outcome, Recorder, RunConfig};
use crate::web::messages::{decode, Envelope, FromProcess, ToProcess};
use crate::web::timers::awake_ms;
use crate::web::{js_error, start_worker_with, PerfClock};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// How long a worker may take to load its module before the run gives up on it.
const SPAWN_TIMEOUT_MS: u32 = 20_000;

/// Beyond a task's own length (stretched by how many processes share each core), how long a
/// process may stay silent before it is reported as dead or hung.
const GRACE_MS: f64 = 2_000.0;

/// The cores the browser reports (navigator.hardwareConcurrency), at least 1.
fn cores() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("hardwareConcurrency")))
        .ok()
        .and_then(|c| c.as_f64())
        .unwrap_or(1.0)
        .max(1.0)
}

/// What a process worker said, or that it failed.
enum Incoming {
    Message(JsValue),
    Failed(String),
}

/// A started worker; its listeners go and the worker is terminated when dropped.
struct ProcessWorker {
    worker: Worker,
    inbox: mpsc::UnboundedReceiver<Incoming>,
    _listeners: [gloo_events::EventListener; 2],
}

impl Drop for ProcessWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

impl ProcessWorker {
    /// Starts a process worker; a `shell` loads its glue and waits for [`ProcessWorker::go`].
    fn start(shell: bool) -> Result<ProcessWorker, String> {
        let worker = start_worker_with("process", 0, shell)
            .map_err(|e| format!("a process worker could not start: {}", js_error(&e)))?;
        let (tx, rx) = mpsc::unbounded();
        let on_message = {
            let tx = tx.clone();
            gloo_events::EventListener::new(&worker, "message", move |e| {
                if let Some(e) = e.dyn_ref::<MessageEvent>() {
                    let _ = tx.unbounded_send(Incoming::Message(e.data()));
                }
            })
        };
        let on_error = gloo_events::EventListener::new(&worker, "error", move |e| {
            // An `ErrorEvent` when its code threw; a plain `Event` when it could not even load.
            let message = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(web_sys::ErrorEvent::message)
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the worker could not load its code".to_string());
            let _ = tx.unbounded_send(Incoming::Failed(message));
        });
        Ok(ProcessWorker {
            worker,
            inbox: rx,
            _listeners: [on_message, on_error],
        })
    }

    /// Tells a shell to instantiate the module and start.
    fn go(&self) -> Result<(), String> {
        let go = js_sys::Object::new();
        for (key, value) in [("ns", crate::web::messages::NS), ("kind", "go")] {
            js_sys::Reflect::set(&go, &JsValue::from_str(key), &JsValue::from_str(value))
                .map_err(|e| js_error(&e))?;
        }
        self.worker
            .post_message(&go)
            .map_err(|e| format!("could not start a process: {}", js_error(&e)))
    }

    /// The next message from the worker, or an error if it failed or took too long.
    async fn receive(&mut self, expected: &str, timeout_ms: u32) -> Result<FromProcess, String> {
        // Cleared when this returns, so a finished wait leaves no timer behind.
        let mut deadline = Box::pin(awake_ms(timeout_ms).fuse());
        loop {
            let next = futures::select! {
                m = self.inbox.next() => m,
                () = deadline => return Err(format!(
                    "a process worker sent no `{expected}` within {:.1} s: it died or hangs",
                    f64::from(timeout_ms) / 1000.0
                )),
            };
            let data = match next {
                Some(Incoming::Message(data)) => data,
                Some(Incoming::Failed(why)) => {
                    return Err(format!("a process worker failed: {why}"))
                }
                None => return Err("a process worker went away".to_string()),
            };
            match decode::<FromProcess>(&data) {
                Some(Ok(FromProcess::Fatal { message })) => {
                    return Err(format!("a process worker failed: {message}"))
                }
                Some(Ok(message)) => return Ok(message),
                Some(Err(e)) => return Err(e),
                None => {}
            }
        }
    }
}

/// Starts `n` workers ahead, each with its glue loaded, waiting to instantiate: what Python's
/// fork server has done before it forks (imported the modules), outside the measured run.
///
/// # Errors
/// When a worker cannot start or load.
async fn prepare(n: u32) -> Result<Vec<ProcessWorker>, String> {
    let mut shells = Vec::new();
    for _ in 0..n {
        shells.push(ProcessWorker::start(true)?);
    }
    for shell in &mut shells {
        match shell.receive("shell", SPAWN_TIMEOUT_MS).await? {
            FromProcess::Shell => {}
            _ => return Err("a process worker spoke before it was loaded".to_string()),
        }
    }
    Ok(shells)
}

/// Starts `n` workers as `method` has them before the run: with `fork` and `forkserver`, shells
/// whose thread and glue are loaded (what a forked worker inherits); with `spawn`, none.
async fn before_run(method: StartMethod, n: u32) -> Result<Vec<ProcessWorker>, String> {
    match method {
        StartMethod::Forkserver | StartMethod::Fork => prepare(n).await,
        StartMethod::Spawn => Ok(Vec::new()),
    }
}

/// What `forkserver` does when a program's first pool asks for a worker: it starts the server,
/// a fresh interpreter that imports the program's modules, before it can fork any. Here a fresh
/// worker that loads and instantiates the module, inside the measured run; the pool's workers
/// start after it is ready, and it is ended with the pool.
///
/// # Errors
/// When the server cannot start or load.
async fn start_server(method: StartMethod) -> Result<Option<ProcessWorker>, String> {
    if method != StartMethod::Forkserver {
        return Ok(None);
    }
    let mut server = ProcessWorker::start(false)?;
    match server.receive("ready", SPAWN_TIMEOUT_MS).await? {
        FromProcess::Ready { .. } => Ok(Some(server)),
        _ => Err("the fork server spoke before it was ready".to_string()),
    }
}

/// Runs the workload on `config.processes` process workers, each a fresh instance with its own
/// memory, started as `method` starts them ([`before_run`], [`start_server`]).
///
/// # Errors
/// When a worker cannot start, dies, or answers nonsense; the message says which.
/// `hang` (test builds only) makes the process that takes the first task hang on it.
pub async fn run(
    tasks: &[Task],
    config: &RunConfig,
    recorder: &Recorder,
    hang: bool,
    method: StartMethod,
) -> Result<Outcome, String> {
    let lanes = config.processes.max(1);
    let mut shells = before_run(method, lanes).await?;
    let start = PerfClock.now();
    let _server = start_server(method).await?;
    let next = Cell::new(0usize);
    let lane_runs = (0..lanes).map(|lane| {
        let shell = shells.pop();
        run_lane(lane, (shell, start), tasks, config, recorder, &next, hang)
    });
    let sums = futures::future::join_all(lane_runs).await;
    let end = PerfClock.now();
    let mut checksum = Checksum::default();
    for s in sums {
        checksum.merge(s?);
    }
    Ok(Outcome {
        start,
        end,
        lanes,
        checksum,
    })
}

/// Starts lane `lane`'s process (a shell started ahead, or a fresh worker) and records its
/// start-up, from when the pool asked for it (`asked`: the run's start, before any fork server
/// it waited for) until it said it was ready.
async fn start_on(
    lane: u32,
    (shell, asked): (Option<ProcessWorker>, f64),
    recorder: &Recorder,
) -> Result<ProcessWorker, String> {
    let mut worker = match shell {
        Some(shell) => {
            shell.go()?;
            shell
        }
        None => ProcessWorker::start(false)?,
    };
    let ready_at = match worker.receive("ready", SPAWN_TIMEOUT_MS).await? {
        FromProcess::Ready { at } => at,
        _ => return Err("a process worker spoke before it was ready".to_string()),
    };
    recorder.record(lane, NO_TASK, 0, SpanState::Spawn, asked, ready_at);
    Ok(worker)
}

async fn run_lane(
    lane: u32,
    shell: (Option<ProcessWorker>, f64),
    tasks: &[Task],
    config: &RunConfig,
    recorder: &Recorder,
    next: &Cell<usize>,
    hang: bool,
) -> Result<Checksum, String> {
    let clock = PerfClock;
    let mut worker = start_on(lane, shell, recorder).await?;
    let mut checksum = Checksum::default();
    let chunksize = config.chunksize.max(1) as usize;
    loop {
        // The next chunk of the queue, as `map(..., chunksize=n)` cuts it.
        let first = next.get();
        let chunk = tasks.get(first..(first + chunksize).min(tasks.len()));
        let Some(chunk) = chunk.filter(|c| !c.is_empty()) else {
            break;
        };
        next.set(first + chunk.len());
        // The payloads are copied (structured clone), not transferred: that copy is the cost.
        let bytes: u32 = chunk.iter().map(|t| t.payload).sum();
        let payload = js_sys::Uint8Array::new_with_length(bytes);
        payload.fill(0xA5, 0, bytes);
        let numbered = (first as u32..).zip(chunk.iter().map(|t| t.steps.clone()));
        Envelope::new(&ToProcess::Chunk {
            tasks: numbered.collect(),
            work: config.work,
            sent: clock.now(),
            hang: hang && first == 0,
        })
        .with("payload", &payload)
        .post(|m, _| worker.worker.post_message(m))
        .map_err(|e| format!("could not send a task: {}", js_error(&e)))?;
        // A chunk may take as long as its steps, slower when several processes share a core;
        // twice that and a grace later, the process is dead or hung and the run says so.
        let share = (f64::from(config.processes) / cores()).max(1.0);
        let steps_ms: u64 = chunk.iter().map(Task::total_ms).sum();
        let budget = (2.0 * steps_ms as f64 * share + GRACE_MS).min(f64::from(u32::MAX)) as u32;
        let reply = worker.receive("result", budget).await?;
        let received = clock.now();
        let FromProcess::Result {
            checksum: sum,
            sent,
            spans,
        } = reply
        else {
            return Err("a process worker answered a task with something else".to_string());
        };
        for s in spans {
            recorder.record(lane, s.task, s.step, s.state, s.start, s.end);
        }
        if bytes > 0 {
            let last = chunk.len() - 1;
            recorder.record(
                lane,
                (first + last) as u32,
                chunk[last].steps.len() as u32,
                SpanState::Copy,
                sent,
                received,
            );
        }
        checksum.merge(Checksum(sum));
    }
    Ok(checksum)
}

/// One CPU step waiting for a process, and where its answer goes.
struct Job {
    task: u32,
    step: u32,
    ms: u32,
    payload: u32,
    answer: futures::channel::oneshot::Sender<Result<u64, String>>,
}

/// `executor`'s process pool as the event loop sees it: a step goes to an idle process at
/// once, or waits in the pool's queue for the first to be free, as `ProcessPoolExecutor`
/// hands out calls.
struct Pool {
    lanes: Vec<mpsc::UnboundedSender<Job>>,
    idle: std::cell::RefCell<Vec<usize>>,
    queue: std::cell::RefCell<std::collections::VecDeque<Job>>,
}

impl Pool {
    fn submit(&self, job: Job) {
        match self.idle.borrow_mut().pop() {
            Some(lane) => {
                let _ = self.lanes[lane].unbounded_send(job);
            }
            None => self.queue.borrow_mut().push_back(job),
        }
    }
}

impl crate::engine::asyncio::Offload for Pool {
    async fn cpu(&self, task: u32, step: u32, ms: u32, payload: u32) -> Result<u64, String> {
        let (answer, answered) = futures::channel::oneshot::channel();
        self.submit(Job {
            task,
            step,
            ms,
            payload,
            answer,
        });
        answered
            .await
            .unwrap_or_else(|_| Err("a process of the pool went away".to_string()))
    }
}

/// Runs `tasks` on an event loop (the conductor's) whose CPU steps go to `config.processes`
/// process workers, each step a message with a copy of its task's payload, started as
/// `processes` starts them: `asyncio` with `loop.run_in_executor(ProcessPoolExecutor(…))`.
///
/// # Errors
/// When a process cannot start, dies or answers nonsense; the message says which.
pub async fn run_executor<T: crate::engine::asyncio::Timer>(
    tasks: &[Task],
    config: &RunConfig,
    recorder: &Recorder,
    timer: &T,
    method: StartMethod,
) -> Result<Outcome, String> {
    use crate::engine::asyncio::{run_offloaded, WAITS_LANE};
    let processes = config.processes.max(1);
    let mut shells = before_run(method, processes).await?;
    let mut receivers = Vec::new();
    let mut senders = Vec::new();
    for _ in 0..processes {
        let (tx, rx) = mpsc::unbounded();
        senders.push(tx);
        receivers.push(rx);
    }
    let pool = Pool {
        lanes: senders,
        idle: std::cell::RefCell::new(Vec::new()),
        queue: Default::default(),
    };
    let start = PerfClock.now();
    let first_lane = WAITS_LANE + 1;
    let lanes = receivers.into_iter().enumerate().map(|(index, jobs)| {
        let shell = shells.pop();
        serve_steps(
            index,
            first_lane + index as u32,
            (shell, start),
            jobs,
            &pool,
            config,
            recorder,
        )
    });
    // The loop runs meanwhile; the pool's processes wait for a fork server, if they need one,
    // which lives as long as they do.
    let lanes = async {
        let _server = start_server(method).await?;
        futures::future::try_join_all(lanes).await
    };
    let event_loop = run_offloaded(tasks, &PerfClock, timer, recorder, (&pool, processes));
    futures::pin_mut!(lanes, event_loop);
    match futures::future::select(event_loop, lanes).await {
        futures::future::Either::Left((done, _)) => done.map(|o| Outcome { start, ..o }),
        futures::future::Either::Right((Err(e), _)) => Err(e),
        futures::future::Either::Right((Ok(_), _)) => {
            Err("the process pool ended before the event loop".to_string())
        }
    }
}

/// One process of `executor`'s pool: starts, then computes the steps it is handed until the
/// event loop is done; an idle process takes the pool's oldest queued step.
async fn serve_steps(
    index: usize,
    lane: u32,
    shell: (Option<ProcessWorker>, f64),
    mut jobs: mpsc::UnboundedReceiver<Job>,
    pool: &Pool,
    config: &RunConfig,
    recorder: &Recorder,
) -> Result<(), String> {
    let clock = PerfClock;
    let mut worker = start_on(lane, shell, recorder).await?;
    let share = (f64::from(config.processes) / cores()).max(1.0);
    loop {
        let queued = pool.queue.borrow_mut().pop_front();
        let job = match queued {
            Some(job) => job,
            None => {
                pool.idle.borrow_mut().push(index);
                match jobs.next().await {
                    Some(job) => job,
                    None => return Ok(()),
                }
            }
        };
        let payload = js_sys::Uint8Array::new_with_length(job.payload);
        payload.fill(0xA5, 0, job.payload);
        let posted = Envelope::new(&ToProcess::Step {
            task: job.task,
            step: job.step,
            ms: job.ms,
            work: config.work,
            sent: clock.now(),
        })
        .with("payload", &payload)
        .post(|m, _| worker.worker.post_message(m))
        .map_err(|e| format!("could not send a step: {}", js_error(&e)));
        if let Err(e) = posted {
            let _ = job.answer.send(Err(e.clone()));
            return Err(e);
        }
        let budget = (2.0 * f64::from(job.ms) * share + GRACE_MS).min(f64::from(u32::MAX)) as u32;
        let reply = match worker.receive("result", budget).await {
            Ok(got) => got,
            Err(e) => {
                let _ = job.answer.send(Err(e.clone()));
                return Err(e);
            }
        };
        let received = clock.now();
        let FromProcess::Result {
            checksum: contribution,
            sent,
            spans,
        } = reply
        else {
            return Err("a process worker answered a step with something else".to_string());
        };
        for s in spans {
            recorder.record(lane, s.task, s.step, s.state, s.start, s.end);
        }
        if job.payload > 0 {
            recorder.record(lane, job.task, job.step, SpanState::Copy, sent, received);
        }
        let _ = job.answer.send(Ok(contribution));
    }
}

//! `processes`: W workers, each with its own wasm instance and memory, like a
//! `ProcessPoolExecutor`. Nothing is shared: each task's steps and payload are copied in by
//! `postMessage`, its spans and output copied back. Starting the workers (`spawn`) and the
//! copies (`copy`) are recorded, because they are what multiprocessing costs.

use super::messages;
use super::{start_worker, PerfClock};
use crate::core::kernel::{Calibration, Checksum};
use crate::core::trace::{spans_from_flat, spans_to_flat, SpanState, NO_TASK};
use crate::core::workload::{Step, Task};
use crate::engine::{Clock, CpuStep, Outcome, Recorder, RunConfig};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, MessageEvent, Worker};

/// How long a worker may take to load its module before the run gives up on it.
const SPAWN_TIMEOUT_MS: u32 = 20_000;

/// Messages from one worker, received asynchronously.
#[derive(Default)]
struct Mailbox {
    queue: RefCell<VecDeque<JsValue>>,
    waker: RefCell<Option<Waker>>,
}

impl Mailbox {
    fn push(&self, message: JsValue) {
        self.queue.borrow_mut().push_back(message);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }
}

struct Recv<'a>(&'a Mailbox);

impl Future for Recv<'_> {
    type Output = JsValue;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        if let Some(m) = self.0.queue.borrow_mut().pop_front() {
            return Poll::Ready(m);
        }
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A started worker; terminated and unhooked when dropped.
struct ProcessWorker {
    worker: Worker,
    mailbox: Rc<Mailbox>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Drop for ProcessWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl ProcessWorker {
    fn start() -> Result<ProcessWorker, String> {
        let worker = start_worker(
            "process",
            &super::glue_url(),
            &wasm_bindgen::module(),
            &JsValue::UNDEFINED,
        )
        .map_err(|e| format!("a process worker could not start: {e:?}"))?;
        let mailbox = Rc::new(Mailbox::default());
        let inbox = mailbox.clone();
        let on_message =
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| inbox.push(e.data()));
        let inbox = mailbox.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            let o = messages::object("fatal");
            messages::set(&o, "message", &JsValue::from_str(&e.message()));
            inbox.push(o.into());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(ProcessWorker {
            worker,
            mailbox,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// The next message of ours, or an error if the worker failed or took too long.
    async fn receive(&self, expected: &str, timeout_ms: u32) -> Result<JsValue, String> {
        let timed_out = Rc::new(Cell::new(false));
        let flag = timed_out.clone();
        let mailbox = self.mailbox.clone();
        wasm_bindgen_futures::spawn_local(async move {
            super::sleep_ms(timeout_ms).await;
            flag.set(true);
            mailbox.push(JsValue::NULL);
        });
        loop {
            let m = Recv(&self.mailbox).await;
            if timed_out.get() {
                return Err(format!(
                    "a process worker sent no `{expected}` within {} s",
                    timeout_ms / 1000
                ));
            }
            match messages::kind_of(&m).as_deref() {
                Some(k) if k == expected => return Ok(m),
                Some("fatal") => {
                    return Err(format!(
                        "a process worker failed: {}",
                        messages::get(&m, "message").as_string().unwrap_or_default()
                    ))
                }
                _ => {}
            }
        }
    }
}

/// Runs the workload on `config.workers` fresh process workers.
///
/// # Errors
/// When a worker cannot start, dies, or answers nonsense; the message says which.
pub async fn run(
    tasks: &[Task],
    config: &RunConfig,
    recorder: &Recorder,
) -> Result<Outcome, String> {
    let clock = PerfClock;
    let lanes = config.workers.max(1);
    let start = clock.now();
    let next = Cell::new(0usize);
    let lane_runs = (0..lanes).map(|lane| run_lane(lane, tasks, config, recorder, &next));
    let sums = futures_join(lane_runs.collect()).await;
    let end = clock.now();
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

async fn run_lane(
    lane: u32,
    tasks: &[Task],
    config: &RunConfig,
    recorder: &Recorder,
    next: &Cell<usize>,
) -> Result<Checksum, String> {
    let clock = PerfClock;
    let asked = clock.now();
    let worker = ProcessWorker::start()?;
    let ready = worker.receive("ready", SPAWN_TIMEOUT_MS).await?;
    let ready_at = messages::get(&ready, "at")
        .as_f64()
        .unwrap_or_else(|| clock.now());
    recorder.record(lane, NO_TASK, 0, SpanState::Spawn, asked, ready_at);
    let mut checksum = Checksum::default();
    loop {
        let index = next.get();
        let Some(task) = tasks.get(index) else { break };
        next.set(index + 1);
        let message = messages::with_body(
            "task",
            &TaskMessage {
                task: index as u32,
                steps: task.steps.clone(),
                calibration: config.calibration,
                seed: config.seed,
            },
        )
        .map_err(|e| format!("{e:?}"))?;
        // The payload is copied (structured clone), not transferred: that copy is the cost.
        let payload = js_sys::Uint8Array::new_with_length(task.payload);
        payload.fill(0xA5, 0, task.payload);
        messages::set(&message, "payload", &payload);
        messages::set(&message, "sent", &JsValue::from(clock.now()));
        worker
            .worker
            .post_message(&message)
            .map_err(|e| format!("could not send a task: {e:?}"))?;
        // A task may legitimately take as long as its steps; allow that plus a margin.
        let budget = task
            .total_ms()
            .saturating_add(SPAWN_TIMEOUT_MS as u64)
            .min(u32::MAX as u64) as u32;
        let reply = worker.receive("result", budget).await?;
        let received = clock.now();
        let sent = messages::get(&reply, "sent").as_f64().unwrap_or(received);
        let flat: Vec<f64> = messages::get(&reply, "spans")
            .dyn_into::<js_sys::Float64Array>()
            .map(|a| a.to_vec())
            .map_err(|_| "a process worker sent a result without spans".to_string())?;
        for s in spans_from_flat(&flat) {
            recorder.record(lane, s.task, s.step, s.state, s.start, s.end);
        }
        if task.payload > 0 {
            recorder.record(
                lane,
                index as u32,
                task.steps.len() as u32,
                SpanState::Copy,
                sent,
                received,
            );
        }
        let sum = messages::get(&reply, "checksum")
            .as_string()
            .and_then(|h| u64::from_str_radix(&h, 16).ok())
            .ok_or("a process worker sent a result without a checksum")?;
        checksum.merge(Checksum(sum));
    }
    Ok(checksum)
}

/// Polls all lane futures together on this thread.
async fn futures_join<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (f, out) in futures.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *out = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(outputs.iter_mut().filter_map(Option::take).collect())
        }
    })
    .await
}

/// One task, as a process worker receives it.
#[derive(serde::Serialize, serde::Deserialize)]
struct TaskMessage {
    task: u32,
    steps: Vec<Step>,
    calibration: Calibration,
    seed: u32,
}

// ---- the worker side ----

type MessageClosure = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    static ON_MESSAGE: RefCell<Option<MessageClosure>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Runs inside a process worker: answers `task` messages until terminated.
pub fn start() -> Result<(), JsValue> {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        if messages::kind_of(&data).as_deref() != Some("task") {
            return;
        }
        let reply = match handle_task(&data) {
            Ok(r) => r,
            Err(e) => {
                let o = messages::object("fatal");
                messages::set(&o, "message", &e);
                o
            }
        };
        if let Err(e) = scope().post_message(&reply) {
            web_sys::console::error_2(&"conpar process: reply failed".into(), &e);
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ON_MESSAGE.with(|m| *m.borrow_mut() = Some(on_message));
    let ready = messages::object("ready");
    messages::set(&ready, "at", &JsValue::from(PerfClock.now()));
    scope().post_message(&ready)
}

fn handle_task(data: &JsValue) -> Result<js_sys::Object, JsValue> {
    let clock = PerfClock;
    let received = clock.now();
    let task: TaskMessage = messages::body(data)?;
    let sent = messages::get(data, "sent").as_f64().unwrap_or(received);
    let payload = messages::get(data, "payload")
        .dyn_into::<js_sys::Uint8Array>()
        .ok();
    let recorder = Recorder::new();
    let payload_len = payload.as_ref().map_or(0, js_sys::Uint8Array::length);
    if payload_len > 0 {
        recorder.record(0, task.task, 0, SpanState::Copy, sent, received);
    }
    let config = RunConfig {
        calibration: task.calibration,
        seed: task.seed,
        workers: 1,
        switch_ms: 5.0,
    };
    let mut checksum = Checksum::default();
    for (i, step) in task.steps.iter().enumerate() {
        let begin = clock.now();
        match *step {
            Step::Cpu(ms) => {
                let mut cpu = CpuStep::new(&config, task.task, i as u32, ms);
                cpu.finish();
                checksum.add(cpu.contribution());
                recorder.record(0, task.task, i as u32, SpanState::Cpu, begin, clock.now());
            }
            Step::Io(ms) => {
                // A process runs plain blocking code: the wait blocks this worker.
                std::thread::sleep(Duration::from_millis(u64::from(ms)));
                recorder.record(0, task.task, i as u32, SpanState::Io, begin, clock.now());
            }
        }
    }
    let reply = messages::object("result");
    let flat = spans_to_flat(&recorder.drain());
    messages::set(
        &reply,
        "spans",
        &js_sys::Float64Array::from(flat.as_slice()),
    );
    messages::set(&reply, "checksum", &JsValue::from_str(&checksum.hex()));
    if let Some(p) = payload {
        // The result travels back the same way: a buffer of the payload's size.
        messages::set(&reply, "output", &p);
    }
    messages::set(&reply, "sent", &JsValue::from(clock.now()));
    Ok(reply)
}

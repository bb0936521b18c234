//! Browser tests of the engine: headless Chromium, threads on, run inside a dedicated worker
//! (blocking waits are allowed there, as in conpar's own workers).
#![cfg(target_arch = "wasm32")]
// The module is not built from this file: the standard sorts are fine here (clippy.toml).
#![allow(clippy::disallowed_methods)]

use conpar::core::input::scenario::StartMethod;
use conpar::core::input::workload::Workload;
use conpar::core::measure::trace::{Model, ModelTrace, Span, SpanState};
use conpar::engine::{asyncio, pool, Clock, Outcome, Recorder, RunConfig, Work};
use conpar::web::timers::{sleep_ms, LoopTimers};
use conpar::web::{cross_origin_isolated, process, PerfClock};
use rayon::prelude::*;
use std::cell::Cell;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const THREADS: usize = 2;

thread_local! {
    static POOL_STARTED: Cell<bool> = const { Cell::new(false) };
}

/// Starts the rayon pool once per test instance (`init_thread_pool` may run only once).
async fn pool() {
    if !POOL_STARTED.with(Cell::get) {
        JsFuture::from(conpar::web::exports::init_thread_pool(THREADS))
            .await
            .expect("the rayon pool starts");
        POOL_STARTED.with(|p| p.set(true));
    }
}

fn config(workers: u32) -> RunConfig {
    let calibration = conpar::engine::calibrate(&PerfClock);
    RunConfig {
        work: Work {
            calibration,
            seed: 7,
        },
        threads: workers,
        processes: workers,
        switch_ms: 5.0,
        limit: None,
        chunksize: 1,
    }
}

fn trace(model: Model, outcome: Outcome, recorder: &Recorder) -> ModelTrace {
    outcome.into_trace(model, recorder.drain())
}

#[wasm_bindgen_test]
fn the_test_page_is_cross_origin_isolated() {
    assert!(cross_origin_isolated(), "threads need crossOriginIsolated");
}

#[wasm_bindgen_test]
async fn rayon_pool_has_two_threads_and_work_lands_on_more_than_one() {
    pool().await;
    assert!(rayon::current_num_threads() >= 2);
    let mut indices: Vec<usize> = (0..64)
        .into_par_iter()
        .map(|i| {
            // Enough work per item that one thread cannot take them all before the other wakes.
            std::hint::black_box(conpar::core::measure::kernel::run_rounds(i, 200_000));
            rayon::current_thread_index().expect("runs on the pool")
        })
        .collect();
    indices.sort_unstable();
    indices.dedup();
    assert!(indices.len() >= 2, "all work ran on thread(s) {indices:?}");
}

#[wasm_bindgen_test]
async fn timers_awaited_together_take_the_longest_not_the_sum() {
    let start = PerfClock.now();
    let waits = [100u32, 200, 300];
    let all = futures_join(waits.iter().map(|&ms| sleep_ms(ms)).collect()).await;
    let elapsed = PerfClock.now() - start;
    assert_eq!(all, 3);
    assert!(elapsed >= 295.0, "timers fired early: {elapsed} ms");
    assert!(
        elapsed < 450.0,
        "timers ran one after another: {elapsed} ms (sum is 600)"
    );
}

/// Awaits futures concurrently (a tiny join, so the test needs no extra crate).
async fn futures_join<F: std::future::Future<Output = ()>>(futures: Vec<F>) -> usize {
    let mut futures: Vec<_> = futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    let count = futures.len();
    std::future::poll_fn(|cx| {
        for slot in futures.iter_mut() {
            if let Some(f) = slot {
                if f.as_mut().poll(cx).is_ready() {
                    *slot = None;
                }
            }
        }
        if futures.iter().all(Option::is_none) {
            std::task::Poll::Ready(count)
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

#[wasm_bindgen_test]
async fn gil_serialises_cpu_on_workers_and_threads_do_not() {
    pool().await;
    let tasks = Workload::parse("4 x cpu 30").expect("valid").tasks();
    let cfg = config(2);
    let rec = Recorder::new();
    let gil = trace(
        Model::Gil,
        pool::run(Model::Gil, &tasks, &cfg, &PerfClock, &rec).expect("runs"),
        &rec,
    );
    assert_eq!(
        gil.max_concurrent(SpanState::Cpu),
        1,
        "two workers computed at once under the GIL"
    );
    assert!(
        gil.time_in(SpanState::LockWait) > 0.0,
        "no lock waits with two workers on CPU work"
    );
    let threads = trace(
        Model::Threads,
        pool::run(Model::Threads, &tasks, &cfg, &PerfClock, &rec).expect("runs"),
        &rec,
    );
    assert_eq!(
        threads.max_concurrent(SpanState::Cpu),
        2,
        "free threads did not overlap"
    );
    assert_eq!(threads.lanes_with(SpanState::Cpu), vec![0, 1]);
    assert_eq!(gil.checksum, threads.checksum);
}

#[wasm_bindgen_test]
async fn async_overlaps_waits_on_one_cpu_lane() {
    let tasks = Workload::parse("6 x io 150, cpu 5").expect("valid").tasks();
    let cfg = config(1);
    let rec = Recorder::new();
    let out = asyncio::run(&tasks, &cfg, &PerfClock, &LoopTimers::new(), &rec).await;
    let t = trace(Model::Async, out, &rec);
    for s in t.spans.iter().filter(|s| s.state == SpanState::Io) {
        assert!(
            s.duration() >= 149.9,
            "a 150 ms wait ended after {} ms",
            s.duration()
        );
    }
    assert_eq!(t.lanes_with(SpanState::Cpu), vec![0]);
    assert_eq!(t.max_concurrent(SpanState::Cpu), 1);
    assert_eq!(t.max_concurrent(SpanState::Io), 6);
    assert!(
        t.wall_ms() < 150.0 * 2.0,
        "six 150 ms waits took {} ms",
        t.wall_ms()
    );
}

#[wasm_bindgen_test]
async fn processes_run_in_their_own_instances_in_parallel_and_agree() {
    pool().await;
    // Enough work that the second process is running before the first could finish it all,
    // even where starting a process is slow (WebKitGTK): 8 x 100 ms on two lanes.
    let tasks = Workload::parse("8 x cpu 100 payload 1mb")
        .expect("valid")
        .tasks();
    let cfg = config(2);
    let rec2 = Recorder::new();
    let seq = pool::run(Model::Sequential, &tasks, &cfg, &PerfClock, &rec2).expect("runs");
    // Every start method: a server started in the run and workers started ahead (forkserver),
    // every worker inside the run (spawn), workers started ahead alone (fork).
    for method in [
        StartMethod::Forkserver,
        StartMethod::Spawn,
        StartMethod::Fork,
    ] {
        let rec = Recorder::new();
        let out = process::host::run(&tasks, &cfg, &rec, false, method)
            .await
            .expect("processes run");
        let p = trace(Model::Processes, out, &rec);
        assert_eq!(
            p.lanes_with(SpanState::Spawn),
            vec![0, 1],
            "{method:?}: each process is started and shown"
        );
        assert!(
            p.time_in(SpanState::Copy) > 0.0,
            "{method:?}: payload copies are recorded"
        );
        assert_eq!(
            p.max_concurrent(SpanState::Cpu),
            2,
            "{method:?}: processes did not compute in parallel"
        );
        assert_eq!(
            p.checksum, seq.checksum.0,
            "{method:?}: processes computed a different checksum"
        );
    }
}

#[wasm_bindgen_test]
async fn a_calibrated_cpu_step_lasts_about_its_milliseconds() {
    pool().await;
    let tasks = Workload::parse("3 x cpu 100").expect("valid").tasks();
    let cfg = config(1);
    let rec = Recorder::new();
    let t = trace(
        Model::Sequential,
        pool::run(Model::Sequential, &tasks, &cfg, &PerfClock, &rec).expect("runs"),
        &rec,
    );
    // Loose on purpose (a shared machine): this catches a calibration that is wrong by a factor,
    // not a few percent of noise.
    for s in &t.spans {
        assert!(
            (40.0..400.0).contains(&s.duration()),
            "cpu 100 lasted {} ms",
            s.duration()
        );
    }
}

/// Every kind of message crosses as the page and the workers post it (bytes beside its
/// buffers) and comes back equal: a checksum keeps all 64 bits, a model's outcome its error, a
/// run request its workload and fault; another library's message is not taken for ours, and
/// one of ours that is damaged says so.
#[wasm_bindgen_test]
fn messages_cross_the_wire_unchanged() {
    use conpar::core::protocol::{Fault, Finished, RunRequest};
    use conpar::web::messages::ToProcess;
    use conpar::web::messages::{decode, Envelope, FromConductor, FromProcess, ToConductor};
    fn round<T: conpar::core::protocol::wire::Wire>(msg: &T) -> T {
        let mut posted = wasm_bindgen::JsValue::UNDEFINED;
        Envelope::new(msg)
            .post(|m, _| {
                posted = m.clone();
                Ok(())
            })
            .expect("it posts");
        decode::<T>(&posted)
            .expect("it is ours")
            .expect("it decodes")
    }
    let done = FromConductor::ModelDone {
        run: 3,
        slot: 1,
        outcome: Ok(Finished {
            start: 1.5,
            end: 20.25,
            lanes: 4,
            checksum: u64::MAX - 1,
            gaps: vec![(2.0, 3.5)],
        }),
    };
    let back = round(&done);
    match back {
        FromConductor::ModelDone {
            run: 3,
            slot: 1,
            outcome: Ok(f),
        } => {
            assert_eq!(f.checksum, u64::MAX - 1);
            assert_eq!(f.gaps, vec![(2.0, 3.5)]);
        }
        other => panic!("came back as {other:?}"),
    }
    match round(&FromConductor::ModelDone {
        run: 1,
        slot: 0,
        outcome: Err("a worker died".into()),
    }) {
        FromConductor::ModelDone {
            outcome: Err(e), ..
        } => assert_eq!(e, "a worker died"),
        other => panic!("came back as {other:?}"),
    }
    let request = RunRequest {
        run: 9,
        workload: Workload::parse("3 x io 20, cpu 5 payload 1kb").expect("a workload"),
        models: vec![Model::Async, Model::Processes],
        threads: 2,
        processes: 3,
        cores: 2,
        switch_ms: 5.0,
        seed: 11,
        live: true,
        start: StartMethod::Spawn,
        limit: Some(2),
        chunksize: 4,
        fault: Some(Fault::Busy { factor: 1.5 }),
    };
    match round(&ToConductor::Run {
        request: request.clone(),
    }) {
        ToConductor::Run { request: back } => assert_eq!(back, request),
    }
    let chunk = ToProcess::Chunk {
        tasks: vec![(4, request.workload.tasks()[0].steps.clone())],
        work: Work {
            calibration: conpar::core::measure::kernel::Calibration {
                rounds_per_ms: 1234,
            },
            seed: 5,
        },
        sent: 7.5,
        hang: false,
    };
    assert_eq!(format!("{:?}", round(&chunk)), format!("{chunk:?}"));
    // A result carries its spans in its bytes.
    let spans = vec![Span {
        lane: 1,
        task: 3,
        step: 0,
        state: SpanState::Copy,
        start: 2.5,
        end: 4.0,
    }];
    match round(&FromProcess::Result {
        checksum: u64::MAX,
        sent: 1.0,
        spans: spans.clone(),
    }) {
        FromProcess::Result {
            checksum: u64::MAX,
            spans: back,
            ..
        } => assert_eq!(back, spans),
        other => panic!("came back as {other:?}"),
    }
    // As www/worker.js writes its two messages.
    let from_js = |bytes: &[u8]| {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &"ns".into(), &"conpar".into()).expect("set");
        let msg = js_sys::Uint8Array::from(bytes);
        js_sys::Reflect::set(&o, &"msg".into(), &msg).expect("set");
        decode::<FromProcess>(&o.into())
    };
    assert!(matches!(from_js(&[1]), Some(Ok(FromProcess::Shell))));
    assert!(matches!(
        from_js(&[0, 4, b'b', b'o', b'o', b'm']),
        Some(Ok(FromProcess::Fatal { message })) if message == "boom"
    ));
    // The conductor's boot failure is written by the same worker.js: its Fatal has the same tag.
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"ns".into(), &"conpar".into()).expect("set");
    js_sys::Reflect::set(
        &o,
        &"msg".into(),
        &js_sys::Uint8Array::from(&[0u8, 2, b'n', b'o'][..]),
    )
    .expect("set");
    assert!(matches!(
        decode::<FromConductor>(&o.into()),
        Some(Ok(FromConductor::Fatal { message })) if message == "no"
    ));
    assert!(matches!(from_js(&[9]), Some(Err(_))), "an unknown tag");
    assert!(matches!(from_js(&[0, 40, b'x']), Some(Err(_))), "cut short");
    assert!(
        matches!(from_js(&[1, 1]), Some(Err(_))),
        "bytes after its end"
    );
    let theirs = js_sys::Object::new();
    assert!(decode::<FromProcess>(&theirs.into()).is_none());
}

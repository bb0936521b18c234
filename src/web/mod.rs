//! Browser glue (wasm32 only). It adapts the engine to workers, timers and the DOM; it does not
//! decide anything the core or engine could.
//!
//! Threads: the page's main thread only renders and handles input. It starts one *conductor*
//! worker (its own wasm instance and memory) that owns the rayon pool (wasm-bindgen-rayon
//! workers sharing the conductor's memory), runs the `async` model on its own event loop, and
//! starts the `processes` workers (each its own instance). Spans travel to the page in batches
//! by `postMessage`.

pub mod conductor;
pub mod messages;
pub mod page;
pub mod process;
pub mod share;
pub mod timeline;
pub mod timers;

use crate::engine::Clock;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: web_sys::Performance;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;

    #[wasm_bindgen(thread_local_v2, js_name = crossOriginIsolated)]
    static CROSS_ORIGIN_ISOLATED: JsValue;

    // The URL of this glue module, so workers can import it (as wasm-bindgen-rayon does).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// The shared clock: `performance.timeOrigin + performance.now()` of whichever worker reads it.
/// Each worker has its own time origin; adding it puts every lane on one clock.
pub struct PerfClock;

impl Clock for PerfClock {
    fn now(&self) -> f64 {
        PERFORMANCE.with(|p| p.time_origin() + p.now())
    }
}

/// Whether this context may share memory between workers.
pub fn cross_origin_isolated() -> bool {
    CROSS_ORIGIN_ISOLATED.with(|v| v.as_bool().unwrap_or(false))
}

pub fn glue_url() -> String {
    GLUE_URL.with(Clone::clone)
}

/// Waits `ms` milliseconds on this thread's event loop.
pub async fn sleep_ms(ms: u32) {
    let ms = ms.min(i32::MAX as u32) as i32;
    let promise = Promise::new(&mut |resolve, _reject| {
        let _ = set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

const BOOTSTRAP: &str = include_str!("../../www/worker.js");

/// Starts one of conpar's workers: a module worker from the bootstrap above, told to import the
/// glue at `glue` and run `role`.
///
/// # Errors
/// When the browser refuses to create the worker.
pub fn start_worker(
    role: &str,
    glue: &str,
    module: &JsValue,
    config: &JsValue,
) -> Result<web_sys::Worker, JsValue> {
    let parts = Array::of1(&JsValue::from_str(BOOTSTRAP));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let worker_options = web_sys::WorkerOptions::new();
    worker_options.set_type(web_sys::WorkerType::Module);
    worker_options.set_name(&format!("conpar {role}"));
    let worker = web_sys::Worker::new_with_options(&url, &worker_options);
    web_sys::Url::revoke_object_url(&url)?;
    let worker = worker?;
    let boot = messages::object("boot");
    messages::set(&boot, "glue", &JsValue::from_str(glue));
    messages::set(&boot, "module", module);
    messages::set(&boot, "role", &JsValue::from_str(role));
    messages::set(&boot, "config", config);
    worker.post_message(&boot)?;
    Ok(worker)
}

/// Entry point of every conpar worker, called by the bootstrap once the module is loaded.
#[wasm_bindgen(js_name = workerMain)]
pub fn worker_main(role: &str, config: JsValue) -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    match role {
        "conductor" => conductor::start(config),
        "process" => process::start(),
        other => Err(JsValue::from_str(&format!("unknown worker role `{other}`"))),
    }
}

/// Starts the page (called from index.html once trunk has loaded the module).
#[wasm_bindgen(js_name = startPage)]
pub fn start_page() -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    page::start()
}

/// The rayon pool's start, exported so wasm-bindgen-rayon's worker helper can reach it.
pub use wasm_bindgen_rayon::init_thread_pool;

/// Benchmark hook: runs the kernel and returns its result (the benchmark checks that its
/// JavaScript twin computes the same value).
#[wasm_bindgen(js_name = kernelRounds)]
pub fn kernel_rounds(state: u32, rounds: f64) -> u32 {
    crate::core::kernel::run_rounds(state, rounds.max(0.0) as u64)
}

/// Benchmark hook: milliseconds that `rounds` kernel rounds take on this thread.
#[wasm_bindgen(js_name = benchKernel)]
pub fn bench_kernel(rounds: f64) -> f64 {
    let start = PerfClock.now();
    let rounds = std::hint::black_box(rounds.max(0.0) as u64);
    std::hint::black_box(crate::core::kernel::run_rounds(
        std::hint::black_box(1),
        rounds,
    ));
    PerfClock.now() - start
}

/// Benchmark hook: microseconds the tracer adds per span, from `spans` recordings: what a lane
/// does for each span (two clock reads, marking it open, recording it, closing it).
#[wasm_bindgen(js_name = benchTracer)]
pub fn bench_tracer(spans: u32) -> f64 {
    use crate::core::trace::SpanState;
    let recorder = crate::engine::Recorder::new();
    let start = PerfClock.now();
    for i in 0..spans {
        let a = PerfClock.now();
        recorder.begin(0, i, 0, SpanState::Cpu, a);
        let b = PerfClock.now();
        recorder.record(0, i, 0, SpanState::Cpu, a, b);
        recorder.end(0);
    }
    let elapsed = PerfClock.now() - start;
    std::hint::black_box(recorder.drain().len());
    elapsed * 1000.0 / f64::from(spans.max(1))
}

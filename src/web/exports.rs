//! Everything exported to JavaScript, in one place: the page's and the workers' entry points,
//! the rayon pool's start-up, and (in `hooks` builds only) what the benchmark and the crash
//! tests call.

use wasm_bindgen::prelude::*;

/// Starts the page (called by `www/loader.js` once the module is instantiated).
///
/// # Errors
/// When the page lacks an element it needs; the loader shows the message.
#[wasm_bindgen(js_name = startPage)]
pub fn start_page() -> Result<(), JsValue> {
    super::panic::install_for_page();
    super::page::start()
}

/// Entry point of every conpar worker, called by `www/worker.js` once the module is loaded.
///
/// # Errors
/// An unknown role; the bootstrap reports it to the worker's parent.
#[wasm_bindgen(js_name = workerMain)]
pub fn worker_main(role: &str, threads: u32) -> Result<(), JsValue> {
    match role {
        "conductor" => {
            super::panic::install_for_worker(super::conductor::post_fatal);
            super::conductor::start(threads);
            Ok(())
        }
        "process" => {
            super::panic::install_for_worker(super::process::worker::post_fatal);
            super::process::worker::start()
        }
        other => Err(JsValue::from_str(&format!("unknown worker role `{other}`"))),
    }
}

/// The rayon pool's start, exported so wasm-bindgen-rayon's worker helper can reach it.
pub use wasm_bindgen_rayon::init_thread_pool;

/// Benchmark hook: runs the kernel and returns its result (the benchmark checks that its
/// JavaScript twin computes the same value).
#[cfg(feature = "hooks")]
#[wasm_bindgen(js_name = kernelRounds)]
pub fn kernel_rounds(state: u32, rounds: f64) -> u32 {
    crate::core::measure::kernel::run_rounds(state, rounds.max(0.0) as u64)
}

/// Benchmark hook: milliseconds that `rounds` kernel rounds take on this thread.
#[cfg(feature = "hooks")]
#[wasm_bindgen(js_name = benchKernel)]
pub fn bench_kernel(rounds: f64) -> f64 {
    use crate::engine::Clock;
    let clock = super::PerfClock;
    let start = clock.now();
    let rounds = std::hint::black_box(rounds.max(0.0) as u64);
    std::hint::black_box(crate::core::measure::kernel::run_rounds(
        std::hint::black_box(1),
        rounds,
    ));
    clock.now() - start
}

/// Benchmark hook: microseconds the tracer adds per span, from `spans` recordings: what a lane
/// does for each span (two clock reads, marking it open, recording it, closing it).
#[cfg(feature = "hooks")]
#[wasm_bindgen(js_name = benchTracer)]
pub fn bench_tracer(spans: u32) -> f64 {
    use crate::core::measure::trace::SpanState;
    use crate::engine::Clock;
    let clock = super::PerfClock;
    let recorder = crate::engine::Recorder::new();
    let start = clock.now();
    for i in 0..spans {
        let a = clock.now();
        recorder.begin(0, i, 0, SpanState::Cpu, a);
        let b = clock.now();
        recorder.record(0, i, 0, SpanState::Cpu, a, b);
        recorder.end(0);
    }
    let elapsed = clock.now() - start;
    std::hint::black_box(recorder.drain().len());
    elapsed * 1000.0 / f64::from(spans.max(1))
}

/// Crash-test hook: panics on the page's main thread.
#[cfg(feature = "hooks")]
#[wasm_bindgen(js_name = forcePanic)]
pub fn force_panic() {
    panic!("a forced panic (test hook)");
}

/// Crash-test hook: the next run's `model` traps inside its pool job.
#[cfg(feature = "hooks")]
#[wasm_bindgen(js_name = forceTrap)]
pub fn force_trap(model: &str) {
    let fault = crate::core::measure::trace::Model::from_id(model)
        .map(|model| crate::core::protocol::Fault::Trap { model });
    super::page::set_fault(fault);
}

/// Test hook: every CPU step of the next run does `factor` times its calibrated work, as on a
/// machine that busy.
#[cfg(feature = "hooks")]
#[wasm_bindgen(js_name = forceBusy)]
pub fn force_busy(factor: f64) {
    super::page::set_fault(Some(crate::core::protocol::Fault::Busy { factor }));
}

/// Test hook: in the next run, the process that takes the first task hangs on it.
#[cfg(feature = "hooks")]
#[wasm_bindgen(js_name = forceHang)]
pub fn force_hang() {
    super::page::set_fault(Some(crate::core::protocol::Fault::Hang));
}

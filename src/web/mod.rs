//! Browser glue (wasm32 only). It adapts the engine to workers, timers and the DOM; it does not
//! decide anything the core or engine could.
//!
//! Threads: the page's main thread only renders and handles input ([`page`]). It starts one
//! *conductor* worker ([`conductor`], its own wasm instance and memory) that owns the rayon
//! pool (wasm-bindgen-rayon workers sharing the conductor's memory), runs the `async` model on
//! its own event loop, and starts the `processes` workers ([`process`], each its own instance).
//! They talk in [`messages`]; spans travel to the page in batches.

pub mod canvas;
pub mod conductor;
pub mod embedding;
pub mod exports;
pub mod files;
pub mod messages;
pub mod page;
pub mod panic;
pub mod process;
pub mod timers;

use crate::engine::Clock;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: web_sys::Performance;

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

/// Whether this browser has `SharedArrayBuffer` at all (WebKitGTK hides it unless told not to).
pub fn has_shared_array_buffer() -> bool {
    // Looked up as a property: naming a global that does not exist would throw.
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("SharedArrayBuffer"))
        .is_ok_and(|v| v.is_function())
}

pub fn glue_url() -> String {
    GLUE_URL.with(Clone::clone)
}

/// A JavaScript error as words a person can read: its `message` (an `Error`), the text itself
/// (a string), or what `String(value)` gives; never the `JsValue(…)` debug form.
pub fn js_error(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    if let Some(event) = value.dyn_ref::<web_sys::ErrorEvent>() {
        return event.message();
    }
    String::from(js_sys::JsString::from(value.clone()))
}

const BOOTSTRAP: &str = include_str!("../../www/worker.js");

/// Starts one of conpar's workers: a classic worker from the bootstrap above, told to import the
/// glue (a dynamic `import()`, which classic workers have) and instantiate the already-compiled
/// module, then run `role`. Classic, not a module worker: a frame sandboxed with `allow-scripts`
/// alone (an opaque origin, as WordPress frames unknown embeds) cannot start a module worker
/// from a blob URL in Chromium ("error" and nothing else), and can start a classic one.
///
/// # Errors
/// When the browser refuses to create the worker.
pub fn start_worker(role: &str, threads: u32) -> Result<web_sys::Worker, JsValue> {
    start_worker_with(role, threads, false)
}

/// [`start_worker`], or with `shell` a worker that loads its glue and then waits for a `go`
/// message before it instantiates the module (a process started ahead).
///
/// # Errors
/// When the browser refuses to create the worker.
pub fn start_worker_with(
    role: &str,
    threads: u32,
    shell: bool,
) -> Result<web_sys::Worker, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(BOOTSTRAP));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let worker_options = web_sys::WorkerOptions::new();
    worker_options.set_name(&format!("conpar {role}"));
    let worker = web_sys::Worker::new_with_options(&url, &worker_options);
    web_sys::Url::revoke_object_url(&url)?;
    let worker = worker?;
    let boot = js_sys::Object::new();
    for (key, value) in [
        ("ns", JsValue::from_str(messages::NS)),
        ("kind", JsValue::from_str("boot")),
        ("glue", JsValue::from_str(&glue_url())),
        // The compiled module: a worker instantiates it instead of compiling it again.
        ("module", wasm_bindgen::module()),
        ("role", JsValue::from_str(role)),
        ("threads", JsValue::from(threads)),
        ("shell", JsValue::from(shell)),
        // A process started whole in the run compiles the module itself (www/worker.js), from
        // the address the page loaded it from (set by www/loader.js, passed on to each worker).
        ("fresh", JsValue::from(role == "process" && !shell)),
        (
            "wasm",
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("conparWasm"))
                .unwrap_or(JsValue::UNDEFINED),
        ),
    ] {
        js_sys::Reflect::set(&boot, &JsValue::from_str(key), &value)?;
    }
    worker.post_message(&boot)?;
    Ok(worker)
}

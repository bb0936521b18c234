//! Typed, namespaced worker messages. Every message is an object with `ns: "conpar"` and a
//! `kind`; anything else that arrives (another library's messages) is ignored.

use js_sys::{Object, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

pub const NS: &str = "conpar";

pub fn object(kind: &str) -> Object {
    let o = Object::new();
    set(&o, "ns", &JsValue::from_str(NS));
    set(&o, "kind", &JsValue::from_str(kind));
    o
}

pub fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a plain data property on a fresh object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

pub fn get(source: &JsValue, key: &str) -> JsValue {
    Reflect::get(source, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The message's kind, if it is one of ours.
pub fn kind_of(data: &JsValue) -> Option<String> {
    if get(data, "ns").as_string().as_deref() != Some(NS) {
        return None;
    }
    get(data, "kind").as_string()
}

/// A message whose body is a serde value under `body`.
///
/// # Errors
/// When the value cannot be converted (a bug, not user input).
pub fn with_body<T: Serialize>(kind: &str, body: &T) -> Result<Object, JsValue> {
    let o = object(kind);
    let value =
        serde_wasm_bindgen::to_value(body).map_err(|e| JsValue::from_str(&e.to_string()))?;
    set(&o, "body", &value);
    Ok(o)
}

/// Reads `body` back.
///
/// # Errors
/// When the body does not have the expected shape.
pub fn body<T: DeserializeOwned>(data: &JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(get(data, "body"))
        .map_err(|e| JsValue::from_str(&format!("malformed message: {e}")))
}

/// What the page asks the conductor to run.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RunRequest {
    pub run: u32,
    pub workload: String,
    pub models: Vec<crate::core::trace::Model>,
    pub workers: u32,
    pub switch_ms: f64,
    pub seed: u32,
}

/// The conductor's greeting once calibrated and (if possible) its thread pool started.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Ready {
    pub calibration: crate::core::kernel::Calibration,
    /// Threads in the rayon pool (0 when the page is not cross-origin isolated).
    pub threads: u32,
    pub isolated: bool,
    /// Why the pool could not start, if it could not.
    pub pool_error: Option<String>,
}

/// A model finished (or failed).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ModelDone {
    pub run: u32,
    pub model: crate::core::trace::Model,
    pub start: f64,
    pub end: f64,
    pub lanes: u32,
    /// Hex, because a u64 does not survive a JavaScript number.
    pub checksum: String,
    pub error: Option<String>,
}

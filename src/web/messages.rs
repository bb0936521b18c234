//! The protocol's messages (`core::protocol`) as `postMessage` carries them.
//!
//! Each direction is one enum, matched exhaustively by its receiver, and crosses as bytes
//! ([`Wire`]: a tag byte for the variant, then its fields in order, spans included). On the wire
//! a message is `{ns: "conpar", msg: Uint8Array, …buffers}`: the namespace tells ours from other
//! libraries' messages (wasm-bindgen-rayon's); the bytes are transferred (the sender is done with
//! them), and a task's payload and its copy back travel beside them as buffers, copied, which is
//! the cost they stand for. `Fatal` has tag 0 from
//! the conductor and from a process alike, and a process's `Shell` tag 1: www/worker.js writes
//! those two itself, before any module has loaded.

use crate::core::protocol::wire::{from_bytes, to_bytes, Wire};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub const NS: &str = "conpar";

// The messages themselves are the core's (core::protocol); this module puts them on the wire.
pub use crate::core::protocol::{FromConductor, FromProcess, ToConductor, ToProcess};

/// A message with its buffers, ready to post.
pub struct Envelope {
    object: Object,
    transfer: Array,
}

impl Envelope {
    /// Wraps `msg`.
    pub fn new<T: Wire>(msg: &T) -> Envelope {
        let bytes = js_sys::Uint8Array::from(to_bytes(msg).as_slice());
        let object = Object::new();
        set(&object, "ns", &JsValue::from_str(NS));
        set(&object, "msg", &bytes);
        Envelope {
            object,
            // A fresh buffer only this message holds: moved, not copied, where the sender
            // posts with a transfer list.
            transfer: Array::of1(&bytes.buffer()),
        }
    }

    /// Adds a value under `key` that is copied by the structured clone.
    pub fn with(self, key: &str, value: &JsValue) -> Envelope {
        set(&self.object, key, value);
        self
    }

    /// Posts it through `post(message, transfer)`.
    ///
    /// # Errors
    /// When the browser refuses the message.
    pub fn post(
        self,
        post: impl FnOnce(&JsValue, &JsValue) -> Result<(), JsValue>,
    ) -> Result<(), JsValue> {
        post(&self.object, &self.transfer)
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a plain data property on a fresh object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// The message in `data`, if it is one of ours: `None` for other libraries' messages,
/// `Some(Err)` for one of ours that does not have the expected shape.
pub fn decode<T: Wire>(data: &JsValue) -> Option<Result<T, String>> {
    let get = |key: &str| Reflect::get(data, &JsValue::from_str(key)).ok();
    if get("ns")?.as_string().as_deref() != Some(NS) {
        return None;
    }
    let Some(bytes) = get("msg").and_then(|m| m.dyn_into::<js_sys::Uint8Array>().ok()) else {
        return Some(Err("a malformed message: no header".into()));
    };
    Some(from_bytes(&bytes.to_vec()).map_err(|e| format!("a malformed message: {e}")))
}

/// A buffer sent under `key` beside a header.
pub fn buffer(data: &JsValue, key: &str) -> Option<js_sys::Uint8Array> {
    Reflect::get(data, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.dyn_into().ok())
}

//! This page as an embed: its address for a link or a frame, the height messages an embedding
//! page sizes its frame by, and whether it is in a frame at all.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The page's address with `query` (which starts with `?`).
pub fn address(query: &str) -> Result<String, JsValue> {
    let location = web_sys::window().ok_or("no window")?.location();
    Ok(format!(
        "{}{}{}",
        location.origin()?,
        location.pathname()?,
        query
    ))
}

/// Tells the embedding page how tall this page's content is, whenever that changes. The body is
/// measured, not the document: the document is never shorter than the frame, so it could only
/// ever grow.
///
/// # Errors
/// When the browser has no `ResizeObserver`.
pub fn report_height() -> Result<HeightReporter, JsValue> {
    let win = web_sys::window().ok_or("no window")?;
    let body = win.document().and_then(|d| d.body()).ok_or("no body")?;
    let last = std::cell::Cell::new(0.0f64);
    let measured = body.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        let Some(win) = web_sys::window() else { return };
        let height =
            (measured.get_bounding_client_rect().bottom() + win.scroll_y().unwrap_or(0.0)).ceil();
        if (height - last.get()).abs() < 1.0 {
            return;
        }
        last.set(height);
        if let Ok(Some(parent)) = win.parent() {
            if !js_sys::Object::is(&parent, &win) {
                // The embedding page's protocol (www/embed.js reads it): kept flat on purpose,
                // since pages in the wild have that script.
                let message = js_sys::Object::new();
                for (key, value) in [
                    ("ns", JsValue::from_str(super::messages::NS)),
                    ("kind", JsValue::from_str("height")),
                    ("height", JsValue::from(height)),
                ] {
                    let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), &value);
                }
                // Only a number is sent, so any embedding origin may read it.
                let _ = parent.post_message(&message, "*");
            }
        }
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref())?;
    observer.observe(&body);
    Ok(HeightReporter {
        observer,
        _callback: callback,
    })
}

/// Keeps the height reports going; stops them when dropped.
pub struct HeightReporter {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for HeightReporter {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Whether this page is inside a frame.
pub fn in_frame() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.top()
                .ok()
                .flatten()
                .map(|top| !js_sys::Object::is(&top, &w))
        })
        .unwrap_or(false)
}

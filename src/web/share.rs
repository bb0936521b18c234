//! Sharing and exporting: links, the embed snippet, height messages for an embedding page, and
//! downloads (trace, SVG, PNG, CSV, JSON).

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};

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

/// Copies text to the clipboard.
///
/// # Errors
/// When the browser refuses (no permission, not a secure context).
pub async fn copy(text: &str) -> Result<(), JsValue> {
    let clipboard = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text)).await.map(|_| ())
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

fn blob(parts: &JsValue, mime: &str) -> Result<Blob, JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_blob_sequence_and_options(&Array::of1(parts), &options)
}

fn save_blob(name: &str, blob: &Blob) -> Result<(), JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let url = Url::create_object_url_with_blob(blob)?;
    let a: HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The download has started from the click; the URL can go once the event loop turns.
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000);
    }
    Ok(())
}

/// Offers `text` as a file download.
///
/// # Errors
/// When the browser refuses to create the file.
pub fn download_bytes(name: &str, mime: &str, bytes: &JsValue) -> Result<(), JsValue> {
    save_blob(name, &blob(bytes, mime)?)
}

/// Offers `text` as a file named `name`.
///
/// # Errors
/// When the browser refuses to make the file.
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    save_blob(name, &blob(&JsValue::from_str(text), mime)?)
}

/// Renders an SVG into a PNG (at twice its size, for sharp images) and offers it as a download.
///
/// # Errors
/// When the image cannot be decoded or encoded.
pub async fn download_png(
    name: &str,
    svg: &crate::core::drawing::export::Svg,
) -> Result<(), JsValue> {
    let (width, height) = (svg.width, svg.height);
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let url =
        Url::create_object_url_with_blob(&blob(&JsValue::from_str(&svg.text), "image/svg+xml")?)?;
    let img = HtmlImageElement::new()?;
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    Url::revoke_object_url(&url)?;
    decoded?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    let scale = 2.0;
    canvas.set_width((width * scale) as u32);
    canvas.set_height((height * scale) as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    ctx.scale(scale, scale)?;
    ctx.draw_image_with_html_image_element(&img, 0.0, 0.0)?;
    let data_url = canvas.to_data_url_with_type("image/png")?;
    let a: HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&data_url);
    a.set_download(name);
    a.click();
    Ok(())
}

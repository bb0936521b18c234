//! Files and the clipboard: downloads (trace, SVG, PNG, GIF, CSV, JSON, Python) and copying text.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};

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

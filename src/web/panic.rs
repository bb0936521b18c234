//! Panics a person can see. The hook prints the panic to the console (with its location) and
//! then tells the person: on the page, a "conpar has crashed" box and `data-status=error`; in a
//! worker, a `Fatal` message to whoever started it, so the page can say which worker died and
//! restart it. After a panic the page's own state may be half-updated (this build aborts
//! rather than unwinds), so every handler checks [`crashed`] first and does nothing, as
//! eframe's web runner does.

use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::JsCast;

static CRASHED: AtomicBool = AtomicBool::new(false);

/// Whether this instance has panicked.
pub fn crashed() -> bool {
    CRASHED.load(Ordering::Relaxed)
}

/// Installs the hook for the page (main thread).
pub fn install_for_page() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        CRASHED.store(true, Ordering::Relaxed);
        show_crash(&panic_message(info));
    }));
}

/// Installs the hook for a worker: `post` tells its parent what happened.
pub fn install_for_worker(post: fn(&str)) {
    std::panic::set_hook(Box::new(move |info| {
        console_error_panic_hook::hook(info);
        CRASHED.store(true, Ordering::Relaxed);
        post(&panic_message(info));
    }));
}

fn panic_message(info: &std::panic::PanicHookInfo<'_>) -> String {
    let what = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unknown error".to_string());
    match info.location() {
        Some(at) => format!("{what} (at {}:{})", at.file(), at.line()),
        None => what,
    }
}

/// Shows the crash box without touching any of the page's state.
fn show_crash(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("data-status", "error");
    }
    if let Some(status) = doc.get_element_by_id("status") {
        status.set_text_content(Some("conpar has crashed; reload the page to start again."));
    }
    if let Some(box_) = doc
        .get_element_by_id("fatal")
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
    {
        if let Ok(Some(title)) = box_.query_selector("h2") {
            title.set_text_content(Some("conpar has crashed"));
        }
        if let Ok(Some(p)) = box_.query_selector("p") {
            p.set_text_content(Some(&format!(
                "{message}. Reload the page to start again; if it happens again, please report it with this message."
            )));
        }
        box_.set_hidden(false);
    }
    for id in ["run", "stop"] {
        if let Some(b) = doc
            .get_element_by_id(id)
            .and_then(|b| b.dyn_into::<web_sys::HtmlButtonElement>().ok())
        {
            b.set_disabled(true);
        }
    }
}

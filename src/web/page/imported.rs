//! Real CPython beside the browser: traces read from files (the file input, a drop on the
//! timeline, or `trace=` for a file on this site) are drawn as extra panels on the same axis
//! and listed in the results table, labelled with the Python that recorded them. Bad files
//! get a sentence, never a broken page.

use super::by_id;
use super::panels::Panels;
use crate::core::session::NoticeInput;

use super::{dispatch, App};
use crate::core::python::import::MAX_TRACE_BYTES;
use crate::core::session::Input;
use crate::web::js_error;
use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlElement, HtmlInputElement};

/// The trace files' controls and panels.
pub struct CpythonView {
    input: HtmlInputElement,
    clear: HtmlElement,
    pub panels: Panels,
}

impl CpythonView {
    pub fn find(doc: &web_sys::Document) -> Result<CpythonView, JsValue> {
        Ok(CpythonView {
            input: by_id(doc, "trace-file")?,
            clear: by_id(doc, "trace-clear")?,
            panels: Panels::imported(doc)?,
        })
    }
}

/// Reads `file` and adds it, or says why not (a file too large is refused before reading).
async fn read_file(file: web_sys::File) {
    let name = file.name();
    if file.size() > MAX_TRACE_BYTES as f64 {
        dispatch(Input::Notes(NoticeInput::Notice(format!(
            "{name} is {:.1} MB; the page reads traces of up to {} MB.",
            file.size() / 1048576.0,
            MAX_TRACE_BYTES / 1048576
        ))));
        return;
    }
    let text = JsFuture::from(file.text()).await;
    dispatch(match text.ok().and_then(|t| t.as_string()) {
        Some(text) => Input::TraceRead { name, text },
        None => Input::Notes(NoticeInput::Notice(format!("{name} could not be read."))),
    });
}

/// Fetches `path` (a file on this site) and adds it.
pub async fn fetch_trace(path: String) {
    let result: Result<String, String> = async {
        let win = web_sys::window().ok_or("no window")?;
        let here = win.location().href().map_err(|e| js_error(&e))?;
        let url = web_sys::Url::new_with_base(&path, &here).map_err(|e| js_error(&e))?;
        let origin = win.location().origin().map_err(|e| js_error(&e))?;
        if url.origin() != origin {
            return Err("it is not on this site".into());
        }
        let response: web_sys::Response = JsFuture::from(win.fetch_with_str(&url.href()))
            .await
            .map_err(|e| js_error(&e))?
            .dyn_into()
            .map_err(|_| "no response")?;
        if !response.ok() {
            return Err(format!("the server answered {}", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(|e| js_error(&e))?)
            .await
            .map_err(|e| js_error(&e))?;
        text.as_string().ok_or_else(|| "it is not text".to_string())
    }
    .await;
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    dispatch(match result {
        Ok(text) => Input::TraceRead { name, text },
        Err(e) => Input::Notes(NoticeInput::Notice(format!(
            "The trace {path} could not be loaded: {e}."
        ))),
    });
}

fn read_files(files: Option<web_sys::FileList>) {
    let Some(files) = files else { return };
    for i in 0..files.length() {
        if let Some(file) = files.item(i) {
            wasm_bindgen_futures::spawn_local(read_file(file));
        }
    }
}

pub fn bind(app: &App) -> Result<Vec<EventListener>, JsValue> {
    let c = &app.cpython;
    let zone = &app.ui.timeline_section;
    let stop = EventListenerOptions::enable_prevent_default();
    let dropping = |zone: &web_sys::Element, on: bool| {
        let _ = zone.class_list().toggle_with_force("dropping", on);
    };
    let (over, left, dropped) = (zone.clone(), zone.clone(), zone.clone());
    Ok(vec![
        EventListener::new(&c.input, "change", |e| {
            let input = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
            if let Some(input) = input {
                read_files(input.files());
                input.set_value("");
            }
        }),
        EventListener::new(&c.clear, "click", |_| dispatch(Input::ClearImported)),
        EventListener::new_with_options(zone, "dragover", stop, move |e| {
            e.prevent_default();
            dropping(&over, true);
        }),
        EventListener::new(zone, "dragleave", move |_| dropping(&left, false)),
        EventListener::new_with_options(zone, "drop", stop, move |e| {
            e.prevent_default();
            dropping(&dropped, false);
            let files = e
                .dyn_ref::<web_sys::DragEvent>()
                .and_then(web_sys::DragEvent::data_transfer)
                .and_then(|d| d.files());
            read_files(files);
        }),
    ])
}

/// The panels of the traces read from files, and their Clear button.
pub fn show_imported(app: &mut App) {
    let titled = app.session.imported_panels();
    let c = &mut app.cpython;
    if let Err(e) = c.panels.set_panels(&titled) {
        web_sys::console::error_2(&"conpar: CPython panels".into(), &e);
    }
    c.clear.set_hidden(titled.is_empty());
    // An embed beside a recording says what it recorded in its own panels (no room for more).
    c.panels.set_hidden(app.session.embed_beside());
    if let Some(root) = app.doc.document_element() {
        let _ = root.set_attribute("data-imported", &titled.len().to_string());
    }
}

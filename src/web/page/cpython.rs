//! Real CPython beside the browser: traces read from files (the file input, a drop on the
//! timeline, or `trace=` for a file on this site) are drawn as extra panels on the same axis
//! and listed in the results table, labelled with the Python that recorded them. Bad files
//! get a sentence, never a broken page.

use super::controls::by_id;
use super::panels::Panels;
use super::{frame, with_app, App};
use crate::core::analysis::latency::Planned;
use crate::core::analysis::results::{of_imported, ModelResult};
use crate::core::drawing::scene::LiveTrace;
use crate::core::input::workload::Workload;
use crate::core::python::import::{import, Imported, MAX_TRACE_BYTES};
use crate::web::js_error;
use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlElement, HtmlInputElement};

/// The most traces drawn at once.
pub const MAX_IMPORTED: usize = 8;

/// The imported traces and what shows them.
pub struct Cpython {
    input: HtmlInputElement,
    clear: HtmlElement,
    pub panels: Panels,
    pub traces: Vec<Imported>,
    pub live: Vec<LiveTrace>,
    pub results: Vec<ModelResult>,
}

impl Cpython {
    pub fn find(doc: &web_sys::Document) -> Result<Cpython, JsValue> {
        Ok(Cpython {
            input: by_id(doc, "trace-file")?,
            clear: by_id(doc, "trace-clear")?,
            panels: Panels::imported(doc)?,
            traces: Vec::new(),
            live: Vec::new(),
            results: Vec::new(),
        })
    }
}

/// Reads `file` and adds it, or says why not (a file too large is refused before reading).
async fn read_file(file: web_sys::File) {
    let name = file.name();
    if file.size() > MAX_TRACE_BYTES as f64 {
        with_app(|app| {
            app.add_notice(&format!(
                "{name} is {:.1} MB; the page reads traces of up to {} MB.",
                file.size() / 1048576.0,
                MAX_TRACE_BYTES / 1048576
            ))
        });
        return;
    }
    let text = JsFuture::from(file.text()).await;
    with_app(|app| match text.ok().and_then(|t| t.as_string()) {
        Some(text) => app.add_trace(&text, &name),
        None => app.add_notice(&format!("{name} could not be read.")),
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
    with_app(|app| match result {
        Ok(text) => app.add_trace(&text, &name),
        Err(e) => app.add_notice(&format!("The trace {path} could not be loaded: {e}.")),
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

pub fn bind() -> Result<Vec<EventListener>, JsValue> {
    with_app(|app| {
        let c = &app.cpython;
        let zone = &app.ui.timeline_section;
        let stop = EventListenerOptions::enable_prevent_default();
        vec![
            EventListener::new(&c.input, "change", |e| {
                let input = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
                if let Some(input) = input {
                    read_files(input.files());
                    input.set_value("");
                }
            }),
            EventListener::new(&c.clear, "click", |_| {
                with_app(|app| {
                    app.cpython.traces.clear();
                    app.refresh_imported();
                });
            }),
            EventListener::new_with_options(zone, "dragover", stop, |e| {
                e.prevent_default();
                with_app(|app| {
                    let _ = app.ui.timeline_section.class_list().add_1("dropping");
                });
            }),
            EventListener::new(zone, "dragleave", |_| {
                with_app(|app| {
                    let _ = app.ui.timeline_section.class_list().remove_1("dropping");
                });
            }),
            EventListener::new_with_options(zone, "drop", stop, |e| {
                e.prevent_default();
                with_app(|app| {
                    let _ = app.ui.timeline_section.class_list().remove_1("dropping");
                });
                let files = e
                    .dyn_ref::<web_sys::DragEvent>()
                    .and_then(web_sys::DragEvent::data_transfer)
                    .and_then(|d| d.files());
                read_files(files);
            }),
        ]
    })
    .ok_or_else(|| JsValue::from_str("the page is not set up"))
}

impl App {
    /// Reads a trace file's text and draws it, or says why it cannot.
    fn add_trace(&mut self, text: &str, name: &str) {
        if self.cpython.traces.len() >= MAX_IMPORTED {
            self.add_notice(&format!(
                "{name} was not added: the page draws up to {MAX_IMPORTED} traces; remove some first."
            ));
            return;
        }
        match import(text, name) {
            Ok(t) => {
                self.cpython.traces.push(t);
                self.refresh_imported();
            }
            Err(e) => self.add_notice(&e),
        }
    }

    /// Panels, results and latency of the imported traces; speedups against an imported
    /// sequential run, when there is one.
    fn refresh_imported(&mut self) {
        let c = &mut self.cpython;
        let traces: Vec<_> = c.traces.iter().map(|i| i.trace.clone()).collect();
        c.live = traces.iter().map(LiveTrace::finished).collect();
        let planned: Vec<_> = c
            .traces
            .iter()
            .map(|i| {
                let planned = i
                    .workload
                    .as_deref()
                    .and_then(|w| Workload::parse(w).ok())
                    .map_or_else(Planned::unknown, |w| Planned::of(&w));
                (i.trace.clone(), planned)
            })
            .collect();
        c.results = of_imported(&planned);
        let current = self.scenario.workload().ok().map(|w| w.to_text());
        let titled: Vec<_> = c
            .traces
            .iter()
            .map(|i| {
                let mut explain = format!(
                    "Measured by {} on the machine that ran it{}{}, drawn on the browser's axis.",
                    i.python.as_deref().map_or("the program that wrote this trace".to_string(), |v| format!("Python {v}")),
                    if i.gil == Some(false) { " without the GIL (free-threaded)" } else { "" },
                    i.workers.map_or(String::new(), |w| format!(", {w} workers")),
                );
                if i.gil != Some(false)
                    && matches!(i.model, Some(crate::core::measure::trace::Model::Gil | crate::core::measure::trace::Model::Threads))
                {
                    explain.push_str(" Python cannot see a thread waiting for the GIL, so those waits are inside its CPU spans.");
                }
                if let (Some(w), Some(now)) = (&i.workload, &current) {
                    if w != now {
                        explain.push_str(&format!(
                            " Recorded for another workload: {}.",
                            w.replace('\n', "; ")
                        ));
                    }
                }
                (
                    i.model.unwrap_or(crate::core::measure::trace::Model::Gil),
                    i.label.clone(),
                    "real CPython, from a trace file".to_string(),
                    explain,
                )
            })
            .collect();
        if let Err(e) = c.panels.set_panels(&titled) {
            web_sys::console::error_2(&"conpar: CPython panels".into(), &e);
        }
        c.clear.set_hidden(c.traces.is_empty());
        if let Some(root) = self.doc.document_element() {
            let _ = root.set_attribute("data-imported", &c.traces.len().to_string());
        }
        self.show_results();
        frame::request();
    }
}

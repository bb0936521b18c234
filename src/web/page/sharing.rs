//! Sharing: Copy link, the embed dialog, the embed view (height reports to the embedding page,
//! workers started only once it scrolls into view) and the exports.

use super::{with_app, App, Status};
use crate::core::drawing::export::{chrome_trace, results_csv, timeline_svg};
use crate::web::js_error;
use crate::web::share::{self, HeightReporter};
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

type ObserverClosure = Closure<dyn FnMut(js_sys::Array)>;

/// What the embed view keeps alive.
#[derive(Default)]
pub struct EmbedState {
    /// Reports this page's height to an embedding page.
    height: Option<HeightReporter>,
    /// Watches for the embed to scroll into view before starting its workers.
    visibility: Option<(web_sys::IntersectionObserver, ObserverClosure)>,
    /// The observer's callback after it fired, until the next frame (it may be running).
    pub spent_observer: Option<ObserverClosure>,
}

/// Starts the engine now, or (an embed that is not told to run) once it comes into view.
pub fn start_embed_or_engine(app: &mut App) {
    app.show_links();
    if app.scenario.embed {
        match share::report_height() {
            Ok(reporter) => app.embed.height = Some(reporter),
            Err(e) => web_sys::console::warn_2(&"conpar: no height reports".into(), &e),
        }
    }
    if !app.scenario.embed || app.scenario.run {
        app.start_engine();
        return;
    }
    // An embed spends no CPU until the reader scrolls to it.
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
        let visible = entries.iter().any(|e| {
            e.dyn_into::<web_sys::IntersectionObserverEntry>()
                .is_ok_and(|e| e.is_intersecting())
        });
        if visible {
            with_app(|app| {
                if let Some((observer, callback)) = app.embed.visibility.take() {
                    observer.disconnect();
                    app.embed.spent_observer = Some(callback);
                }
                if app.engine.is_none() {
                    app.start_engine();
                }
            });
        }
    });
    match web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()) {
        Ok(observer) => {
            observer.observe(&app.ui.panels);
            app.embed.visibility = Some((observer, callback));
            app.set_status(
                Status::Loading,
                "The workers start when this comes into view…",
            );
        }
        Err(_) => app.start_engine(),
    }
}

pub fn bind() -> Result<Vec<EventListener>, JsValue> {
    with_app(|app| {
        let ui = &app.ui;
        vec![
            EventListener::new(&ui.copy_link, "click", |_| {
                let Some(Ok(url)) = with_app(|app| share::address(&app.full_query())) else {
                    return;
                };
                wasm_bindgen_futures::spawn_local(async move {
                    let text = match share::copy(&url).await {
                        Ok(()) => "Link copied: it reproduces this scenario.".to_string(),
                        Err(_) => format!("Copy this link: {url}"),
                    };
                    with_app(|app| app.show_notices(&[text]));
                });
            }),
            EventListener::new(&ui.embed_open, "click", |_| {
                with_app(|app| {
                    app.fill_embed_code();
                    let _ = app.ui.embed_dialog.show_modal();
                });
            }),
            EventListener::new(&ui.embed_close, "click", |_| {
                with_app(|app| app.ui.embed_dialog.close());
            }),
            EventListener::new(&ui.embed_copy, "click", |_| {
                if let Some(code) = with_app(|app| app.ui.embed_code.value()) {
                    copy_and_say(code, |app| &app.ui.embed_copy, "Copied");
                }
            }),
            EventListener::new(&ui.embed_copy_frame, "click", |_| {
                if let Some(code) = with_app(|app| app.embed_codes().map(|(_, frame)| frame)) {
                    copy_and_say(
                        code.unwrap_or_default(),
                        |app| &app.ui.embed_copy_frame,
                        "Copied the iframe",
                    );
                }
            }),
            EventListener::new(&ui.notices, "click", |e| {
                let closing = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .is_some_and(|t| t.class_name() == "close");
                if closing {
                    with_app(|app| app.ui.notices.set_hidden(true));
                }
            }),
            EventListener::new(&ui.export_menu, "click", |e| {
                let Some(kind) = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.get_attribute("data-export"))
                else {
                    return;
                };
                with_app(|app| {
                    let _ = app.ui.export_menu.remove_attribute("open");
                    app.export(&kind);
                });
            }),
        ]
    })
    .ok_or_else(|| JsValue::from_str("the page is not set up"))
}

/// Offers `svg` as a PNG file (drawn asynchronously); a failure is said in a notice.
pub(super) fn offer_png(name: &'static str, svg: crate::core::drawing::export::Svg) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = share::download_png(name, &svg).await {
            with_app(|app| {
                app.show_notices(&[format!("The PNG could not be made: {}", js_error(&e))])
            });
        }
    });
}

/// Copies `text` and says on `button` whether it worked.
fn copy_and_say(text: String, button: fn(&App) -> &web_sys::HtmlElement, done: &'static str) {
    wasm_bindgen_futures::spawn_local(async move {
        let label = if share::copy(&text).await.is_ok() {
            done
        } else {
            "Select and copy the code"
        };
        with_app(|app| button(app).set_text_content(Some(label)));
    });
}

impl App {
    /// The scenario's query for the full playground (no embed view, no auto-run).
    pub(super) fn full_query(&self) -> String {
        let mut full = self.scenario.clone();
        full.embed = false;
        full.to_query()
    }

    /// Points the "full playground" and "new tab" links at this scenario; sets the theme and
    /// the embed's caption.
    fn show_links(&self) {
        if let Some(root) = self.doc.document_element() {
            let _ = match self.scenario.theme {
                crate::core::input::scenario::Theme::Auto => root.remove_attribute("data-theme"),
                theme => root.set_attribute("data-theme", theme.id()),
            };
            let _ = root
                .class_list()
                .toggle_with_force("transparent", self.scenario.transparent);
        }
        self.ui
            .caption
            .set_text_content(Some(&self.scenario.caption_or_default()));
        let Ok(url) = share::address(&self.full_query()) else {
            return;
        };
        let _ = self.ui.full_link.set_attribute("href", &url);
        let _ = self.ui.open_tab.set_attribute("href", &url);
        if let Some(root) = self.doc.document_element() {
            let _ = root
                .class_list()
                .toggle_with_force("embed", self.scenario.embed);
        }
        // In a frame of a page that is not isolated, a tab of our own can be.
        self.ui
            .open_tab
            .set_hidden(self.isolated || !share::in_frame());
    }

    /// The embed's snippet (iframe and sizing script) and its iframe alone.
    fn embed_codes(&self) -> Option<(String, String)> {
        let mut embed = self.scenario.clone();
        embed.embed = true;
        let title = format!("conpar: {}", embed.caption_or_default());
        let src = share::address(&embed.to_query()).ok()?;
        Some((
            share::embed_snippet(&src, &title),
            share::embed_iframe(&src, &title),
        ))
    }

    fn fill_embed_code(&self) {
        if let Some((snippet, _)) = self.embed_codes() {
            self.ui.embed_code.set_value(&snippet);
        }
    }

    /// A caption for exports: the workload and the models.
    fn caption(&self) -> String {
        let models: Vec<&str> = self.traces().iter().map(|t| t.model.id()).collect();
        format!(
            "conpar · {} · {} · measured in a browser",
            self.scenario.text().replace('\n', "; "),
            models.join(", ")
        )
    }

    /// Offers the last run as a file.
    fn export(&self, kind: &str) {
        let Some(run) = self.run.as_ref().filter(|r| r.finished) else {
            self.show_notices(&[
                "Run a scenario first: exports contain measured runs only.".to_string()
            ]);
            return;
        };
        let traces = run.completed();
        if traces.is_empty() {
            self.show_notices(&["This run has no finished model to export.".to_string()]);
            return;
        }
        // The picture shows each model's median run; the trace file carries every repeat.
        let shown: Vec<_> = crate::core::measure::trace::medians(&traces)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let svg = || timeline_svg(&shown, &self.caption(), 1000.0);
        let result = match kind {
            "trace" => share::download_text(
                "conpar-trace.json",
                "application/json",
                &chrome_trace(&traces, &self.results, run.origin()).to_string(),
            ),
            "svg" => share::download_text("conpar-timeline.svg", "image/svg+xml", &svg().text),
            "csv" => share::download_text(
                "conpar-results.csv",
                "text/csv",
                &results_csv(&self.results),
            ),
            "json" => match serde_json::to_string_pretty(&self.results) {
                Ok(text) => share::download_text("conpar-results.json", "application/json", &text),
                Err(e) => Err(JsValue::from_str(&e.to_string())),
            },
            "png" => {
                offer_png("conpar-timeline.png", svg());
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.show_notices(&[format!("The export failed: {}", js_error(&e))]);
        }
    }
}

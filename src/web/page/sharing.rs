//! Sharing: Copy link, the embed dialog, the embed view (height reports to the embedding page,
//! workers started only once it scrolls into view) and the exports.

use super::{dispatch, read, App};
use crate::core::drawing::export::{
    animated_timeline_svg, chrome_trace, results_csv, timeline_frames, timeline_svg,
};
use crate::core::drawing::snippet;
use crate::core::input::scenario::Scenario;
use crate::core::measure::recording::{browser_name, MAX_LINK_CHARS};
use crate::core::session::recorded::{recorded_scenario, FRAGMENT_KEY};
use crate::core::session::{EmbedDialog, Input, Shown};
use crate::core::session::{FormInput, NoticeInput};
use crate::web::embedding::{self, HeightReporter};
use crate::web::files;
use crate::web::js_error;
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

type ObserverClosure = Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>;

/// What the embed view keeps alive.
#[derive(Default)]
pub struct EmbedState {
    /// Reports this page's height to an embedding page.
    _height: Option<HeightReporter>,
    /// Watches for the embed to scroll into view before starting its workers.
    visibility: Option<(web_sys::IntersectionObserver, ObserverClosure)>,
}

impl EmbedState {
    /// For an embed, its height reports start now.
    pub fn new(embed: bool) -> EmbedState {
        let height = embed
            .then(|| match embedding::report_height() {
                Ok(reporter) => Some(reporter),
                Err(e) => {
                    web_sys::console::warn_2(&"conpar: no height reports".into(), &e);
                    None
                }
            })
            .flatten();
        EmbedState {
            _height: height,
            visibility: None,
        }
    }
}

impl Drop for EmbedState {
    fn drop(&mut self) {
        if let Some((observer, _)) = &self.visibility {
            observer.disconnect();
        }
    }
}

/// Reports `EmbedVisible` once the panels scroll into view (at once if the browser cannot
/// tell).
pub fn watch_for_view(app: &mut App) {
    let callback = ObserverClosure::new(
        |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
            let visible = entries.iter().any(|e| {
                e.dyn_into::<web_sys::IntersectionObserverEntry>()
                    .is_ok_and(|e| e.is_intersecting())
            });
            if visible {
                observer.disconnect();
                dispatch(Input::EmbedVisible);
            }
        },
    );
    match web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()) {
        Ok(observer) => {
            observer.observe(&app.ui.panels);
            app.embed.visibility = Some((observer, callback));
        }
        Err(_) => super::later(Input::EmbedVisible),
    }
}

pub fn bind(app: &App) -> Result<Vec<EventListener>, JsValue> {
    let ui = &app.ui;
    Ok(vec![
        EventListener::new(&ui.copy_link, "click", |_| {
            let Some(Ok(url)) = read(|app| embedding::address(&full_query(app))) else {
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let text = match files::copy(&url).await {
                    Ok(()) => "Link copied: it reproduces this scenario.".to_string(),
                    Err(_) => format!("Copy this link: {url}"),
                };
                dispatch(Input::Notes(NoticeInput::Notices(vec![text])));
            });
        }),
        EventListener::new(&ui.embed_open, "click", |_| {
            let opened = read(|app| EmbedDialog {
                open: true,
                element: app.session.embed_dialog().element,
                // The run just made, recorded, when there is one: readers see it at once.
                recording: recorded(app, true).is_ok(),
                predict: app.session.scenario().predict,
            });
            if let Some(dialog) = opened {
                dispatch(Input::Form(FormInput::EmbedDialog(dialog)));
            }
        }),
        EventListener::new(&ui.embed_kind, "change", |_| embed_choices_changed()),
        EventListener::new(&ui.embed_close, "click", |_| embed_closed()),
        // Closed by the browser too (Escape).
        EventListener::new(&ui.embed_dialog, "close", |_| embed_closed()),
        EventListener::new(&ui.embed_copy, "click", |_| {
            if let Some(code) = read(chosen_code).flatten() {
                copy_and_say(code, |app| &app.ui.embed_copy, "Copied");
            }
        }),
        EventListener::new(&ui.embed_copy_frame, "click", |_| {
            if let Some(code) = read(|app| embed_codes(app).map(|c| c.iframe)) {
                copy_and_say(
                    code.unwrap_or_default(),
                    |app| &app.ui.embed_copy_frame,
                    "Copied the iframe",
                );
            }
        }),
        EventListener::new(&ui.embed_form, "change", |_| embed_choices_changed()),
        EventListener::new(&ui.notices, "click", |e| {
            let closing = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|t| t.class_name() == "close");
            if closing {
                dispatch(Input::Notes(NoticeInput::CloseNotices));
            }
        }),
        EventListener::new(&ui.export_menu, "click", export_clicked),
        EventListener::new(&ui.embed_images, "click", export_clicked),
    ])
}

/// A click in the Export menu or the embed dialog's images: the file its button names.
fn export_clicked(e: &web_sys::Event) {
    let Some(kind) = e
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.get_attribute("data-export"))
    else {
        return;
    };
    if let Some(Err(notice)) = read(|app| {
        let _ = app.ui.export_menu.remove_attribute("open");
        export(app, &kind)
    }) {
        dispatch(Input::Notes(NoticeInput::Notices(vec![notice])));
    }
}

/// The last run's timeline as an animated SVG (for `window.conpar.animatedSvg()`), or why
/// there is none.
pub fn animated_svg(app: &App) -> Result<String, String> {
    let shown = shown_traces(app)?;
    Ok(animated_timeline_svg(&shown, &caption(app), 1000.0).text)
}

/// Each model's counted run of the last finished run: what the pictures show.
fn shown_traces(app: &App) -> Result<Vec<crate::core::measure::trace::ModelTrace>, String> {
    let Some(run) = app.session.run().as_ref().filter(|r| r.finished) else {
        return Err("Run a scenario first: exports contain measured runs only.".into());
    };
    let traces = run.completed();
    if traces.is_empty() {
        return Err("This run has no finished model to export.".into());
    }
    Ok(crate::core::measure::trace::medians(&traces)
        .into_iter()
        .map(|(t, _)| t)
        .collect())
}

/// Offers `svg` as a PNG file (drawn asynchronously); a failure is said in a notice.
pub(super) fn offer_png(name: &'static str, svg: crate::core::drawing::export::Svg) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = files::download_png(name, &svg).await {
            dispatch(Input::Notes(NoticeInput::Notices(vec![format!(
                "The PNG could not be made: {}",
                js_error(&e)
            )])));
        }
    });
}

/// Copies `text` and says on `button` whether it worked.
fn copy_and_say(text: String, button: fn(&App) -> &web_sys::HtmlElement, done: &'static str) {
    wasm_bindgen_futures::spawn_local(async move {
        let label = if files::copy(&text).await.is_ok() {
            done
        } else {
            "Select and copy the code"
        };
        read(|app| button(app).set_text_content(Some(label)));
    });
}

/// The scenario's query for the full playground (no embed view, no auto-run).
fn full_query(app: &App) -> String {
    let mut full = app.session.scenario().clone();
    full.embed = false;
    full.to_query()
}

/// Points the "full playground" and "new tab" links at this scenario; sets the theme and the
/// embed's caption.
pub fn show_links(app: &App) {
    let scenario = &app.session.scenario();
    if let Some(root) = app.doc.document_element() {
        let _ = match scenario.theme {
            crate::core::input::scenario::Theme::Auto => root.remove_attribute("data-theme"),
            theme => root.set_attribute("data-theme", theme.id()),
        };
        let _ = root
            .class_list()
            .toggle_with_force("transparent", scenario.transparent);
        let _ = root
            .class_list()
            .toggle_with_force("claims-view", scenario.claims);
        let _ = root
            .class_list()
            .toggle_with_force("asking", scenario.predict);
        let _ = match scenario.claim {
            Some(id) => root.set_attribute("data-claim", id),
            None => root.remove_attribute("data-claim"),
        };
    }
    app.ui
        .caption
        .set_text_content(Some(&scenario.caption_or_default()));
    // A recording opened from the link goes on to the playground (and a tab of its own) with it.
    let recorded = matches!(app.session.shown(), Shown::Recorded { .. });
    let url = match recorded.then(|| recording_link(app)) {
        Some(Ok(link)) => Ok(link),
        _ => embedding::address(&full_query(app)),
    };
    let Ok(url) = url else {
        return;
    };
    let _ = app.ui.full_link.set_attribute("href", &url);
    let _ = app.ui.open_tab.set_attribute("href", &url);
    if let Some(root) = app.doc.document_element() {
        let _ = root.class_list().toggle_with_force("embed", scenario.embed);
    }
    // In a frame of a page that is not isolated, a tab of our own can be.
    app.ui
        .open_tab
        .set_hidden(app.session.env().isolated || !embedding::in_frame());
}

/// The writer changed a choice of the Embed dialog: the session keeps it.
fn embed_choices_changed() {
    let chosen = read(|app| EmbedDialog {
        element: app.ui.embed_as_element.checked(),
        recording: app.ui.embed_recording.checked(),
        predict: app.ui.embed_predict.checked(),
        ..app.session.embed_dialog()
    });
    if let Some(dialog) = chosen {
        dispatch(Input::Form(FormInput::EmbedDialog(dialog)));
    }
}

fn embed_closed() {
    let open = read(|app| app.session.embed_dialog()).filter(|d| d.open);
    if let Some(dialog) = open {
        dispatch(Input::Form(FormInput::EmbedDialog(EmbedDialog {
            open: false,
            ..dialog
        })));
    }
}

/// The Embed dialog as the session has it: open or closed, its choices, and the code for them
/// (the recording of the last run, or live; the frame or the light element).
pub fn show_embed_dialog(app: &App) {
    let dialog = app.session.embed_dialog();
    let ui = &app.ui;
    if dialog.open {
        let recorded = recorded(app, true);
        ui.embed_recording.set_disabled(recorded.is_err());
        ui.embed_recording_note
            .set_text_content(Some(&recorded.err().unwrap_or_default()));
    }
    ui.embed_recording.set_checked(dialog.recording);
    ui.embed_live.set_checked(!dialog.recording);
    ui.embed_predict.set_checked(dialog.predict);
    ui.embed_as_element.set_checked(dialog.element);
    ui.embed_as_frame.set_checked(!dialog.element);
    if dialog.open {
        if let Some(code) = chosen_code(app) {
            ui.embed_code.set_value(&code);
        }
        if !ui.embed_dialog.open() {
            let _ = ui.embed_dialog.show_modal();
        }
    } else if ui.embed_dialog.open() {
        ui.embed_dialog.close();
    }
}

/// The code for what the Embed dialog has chosen: the light element or the frame with its script.
fn chosen_code(app: &App) -> Option<String> {
    let codes = embed_codes(app)?;
    Some(if app.session.embed_dialog().element {
        codes.element
    } else {
        codes.snippet
    })
}

/// What the Embed dialog offers: the iframe with `embed.js`, the iframe alone, and the light
/// element that loads the frame when the reader presses it.
pub struct Codes {
    pub snippet: String,
    pub iframe: String,
    pub element: String,
}

/// The embed's snippet (iframe and sizing script) and its iframe alone: of the last run's
/// recording when the dialog says so, else live.
fn embed_codes(app: &App) -> Option<Codes> {
    let dialog = app.session.embed_dialog();
    let predict = dialog.predict;
    if dialog.recording {
        if let Some(codes) = recorded_embed_codes(app, predict) {
            return Some(codes);
        }
    }
    let mut scenario = app.session.scenario().clone();
    scenario.predict = predict;
    embed_codes_of(&scenario, app.session.env().cores)
}

/// The snippet and the iframe that embed the last run as its recording, if it can be one;
/// asking its readers to guess first when `predict`.
pub fn recorded_embed_codes(app: &App, predict: bool) -> Option<Codes> {
    let (text, mut scenario, cores) = recorded(app, true).ok()?;
    scenario.predict = predict;
    // The element's poster: the recorded run's timeline, as the PNG poster draws it; none
    // when the demo asks its readers to guess first (the picture would be the answer).
    let poster = shown_traces(app).ok().filter(|_| !predict).map(|shown| {
        let svg = crate::core::drawing::export::timeline_svg(&shown, &caption(app), 600.0);
        snippet::svg_data_uri(&svg.text)
    });
    embed_codes_with(&scenario, cores, &format!("#{FRAGMENT_KEY}{text}"), poster)
}

/// The snippet and the iframe that embed `scenario`, at its height on `cores` cores.
pub fn embed_codes_of(scenario: &Scenario, cores: u32) -> Option<Codes> {
    embed_codes_with(scenario, cores, "", None)
}

/// The same, with `fragment` after the address (a recording's).
fn embed_codes_with(
    scenario: &Scenario,
    cores: u32,
    fragment: &str,
    poster: Option<String>,
) -> Option<Codes> {
    let mut embed = scenario.clone();
    embed.embed = true;
    embed.claims = false;
    let title = format!("conpar: {}", embed.caption_or_default());
    let src = embedding::address(&embed.to_query()).ok()? + fragment;
    let mut full = embed.clone();
    full.embed = false;
    let link = embedding::address(&full.to_query()).ok()? + fragment;
    let height = crate::core::drawing::embed::scenario_height(&embed, cores);
    Some(Codes {
        snippet: snippet::snippet(&src, &title, height),
        iframe: snippet::iframe(&src, &title, height),
        element: snippet::element(&src, &title, height, poster.as_deref(), &link),
    })
}

/// The last run's recording as link text, with the scenario its link opens (an embed or the
/// playground) and the cores it ran on; or why there is none.
fn recorded(app: &App, embed: bool) -> Result<(String, Scenario, u32), String> {
    let rec = app.session.recording(&browser(), &today())?;
    let text = rec
        .to_link_text(MAX_LINK_CHARS)
        .map_err(|why| format!("This run cannot be recorded in a link: {why}."))?;
    let scenario = recorded_scenario(&rec, app.session.scenario(), embed);
    Ok((text, scenario, rec.cores))
}

/// The link that opens the last run's recording in the playground, for
/// `window.conpar.recording()`; or why there is none.
pub fn recording_link(app: &App) -> Result<String, String> {
    let (text, scenario, _) = recorded(app, false)?;
    let address = embedding::address(&scenario.to_query()).map_err(|e| js_error(&e))?;
    Ok(format!("{address}#{FRAGMENT_KEY}{text}"))
}

/// This browser and its major version, as a recording names it.
fn browser() -> String {
    let ua = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    browser_name(&ua)
}

/// Today's date where the reader is not asked: UTC, as `2026-12-01`.
fn today() -> String {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    iso.get(..10).unwrap_or("").to_string()
}

/// A caption for exports: the workload and the models.
fn caption(app: &App) -> String {
    let models: Vec<&str> = app.session.traces().iter().map(|t| t.model.id()).collect();
    let place = match app.session.shown() {
        Shown::Recorded { label } => label,
        _ => "measured in a browser".to_string(),
    };
    format!(
        "conpar · {} · {} · {place}",
        app.session.scenario().text().replace('\n', "; "),
        models.join(", ")
    )
}

/// The most frames an animated GIF has (about ten a second of the run; a longer run's frames
/// each last longer): 90 frames of 600 px keep a run's GIF well under 2 MB.
const MAX_GIF_FRAMES: usize = 90;

/// The last run as an animated GIF, 600 px wide: a promise of its bytes (a `Uint8Array`),
/// made by www/gif.js, which the page loads only now; or why there is none.
pub fn gif(app: &App) -> Result<js_sys::Promise, String> {
    let shown = shown_traces(app)?;
    let frames = timeline_frames(&shown, &caption(app), 600.0, MAX_GIF_FRAMES);
    let (width, height) = frames
        .first()
        .map(|(svg, _)| (svg.width, svg.height))
        .ok_or("This run has no frame to draw.")?;
    let list = js_sys::Array::new();
    let set = |o: &js_sys::Object, k: &str, v: JsValue| js_sys::Reflect::set(o, &k.into(), &v);
    let fail = |e: JsValue| format!("The GIF could not be made: {}", js_error(&e));
    for (svg, delay) in frames {
        let frame = js_sys::Object::new();
        set(&frame, "svg", svg.text.into()).map_err(fail)?;
        set(&frame, "delay", delay.into()).map_err(fail)?;
        list.push(&frame);
    }
    let options = js_sys::Object::new();
    set(&options, "frames", list.into()).map_err(fail)?;
    set(&options, "width", width.ceil().into()).map_err(fail)?;
    set(&options, "height", height.ceil().into()).map_err(fail)?;
    let window = web_sys::window().ok_or("no window")?;
    let encode = js_sys::Reflect::get(&window, &"conparGif".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("The GIF encoder is not on this page.")?;
    encode
        .call1(&JsValue::NULL, &options)
        .map_err(fail)?
        .dyn_into::<js_sys::Promise>()
        .map_err(|_| "The GIF encoder gave no promise.".to_string())
}

/// Offers the last run as a file; a sentence when it cannot.
fn export(app: &App, kind: &str) -> Result<(), String> {
    // The picture shows each model's median run; the trace file carries every repeat.
    let shown = shown_traces(app)?;
    let Some(run) = app.session.run().as_ref() else {
        return Err("Run a scenario first: exports contain measured runs only.".into());
    };
    let traces = run.completed();
    let results = &app.session.results();
    let svg = || timeline_svg(&shown, &caption(app), 1000.0);
    let result = match kind {
        "gif" => {
            let made = gif(app)?;
            wasm_bindgen_futures::spawn_local(async move {
                let saved = wasm_bindgen_futures::JsFuture::from(made)
                    .await
                    .and_then(|bytes| {
                        files::download_bytes("conpar-timeline.gif", "image/gif", &bytes)
                    });
                if let Err(e) = saved {
                    dispatch(Input::Notes(NoticeInput::Notices(vec![format!(
                        "The GIF could not be made: {}",
                        js_error(&e)
                    )])));
                }
            });
            Ok(())
        }
        "recording" => {
            let link = recording_link(app)?;
            files::download_text("conpar-recording.txt", "text/plain", &format!("{link}\n"))
        }
        "animated-svg" => files::download_text(
            "conpar-timeline-animated.svg",
            "image/svg+xml",
            &animated_timeline_svg(&shown, &caption(app), 1000.0).text,
        ),
        "trace" => files::download_text(
            "conpar-trace.json",
            "application/json",
            &chrome_trace(&traces, results, run.origin()).to_string(),
        ),
        "svg" => files::download_text("conpar-timeline.svg", "image/svg+xml", &svg().text),
        "csv" => files::download_text("conpar-results.csv", "text/csv", &results_csv(results)),
        "json" => match serde_json::to_string_pretty(results) {
            Ok(text) => files::download_text("conpar-results.json", "application/json", &text),
            Err(e) => Err(JsValue::from_str(&e.to_string())),
        },
        "png" => {
            offer_png("conpar-timeline.png", svg());
            Ok(())
        }
        _ => Ok(()),
    };
    result.map_err(|e| format!("The export failed: {}", js_error(&e)))
}

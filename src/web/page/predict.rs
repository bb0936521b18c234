//! The question before the run (`predict=1`): its line, a button per choice (pressed: the
//! reader's guess; ✓: what the run bore out) and the answer, all from the session's
//! [`PredictionView`](crate::core::session::predict::PredictionView); a press or a number key is
//! the session's `Guess`. The Claims view's score line is drawn here too.

use super::by_id;
use super::{dispatch, App};
use crate::core::session::Input;
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlElement, KeyboardEvent};

/// What a page with `predict=1` shows when there is nothing to guess.
const NOTHING_TO_GUESS: &str = "Nothing to guess with one model: press Run to measure it.";

pub struct PredictView {
    block: HtmlElement,
    question: HtmlElement,
    choices: HtmlElement,
    answer: HtmlElement,
    score: HtmlElement,
    /// The choices drawn, by id, so they are built once per question.
    drawn: std::cell::RefCell<Vec<String>>,
}

impl PredictView {
    pub fn find(doc: &web_sys::Document) -> Result<PredictView, JsValue> {
        Ok(PredictView {
            block: by_id(doc, "predict")?,
            question: by_id(doc, "predict-question")?,
            choices: by_id(doc, "predict-choices")?,
            answer: by_id(doc, "predict-answer")?,
            score: by_id(doc, "quiz-score")?,
            drawn: std::cell::RefCell::new(Vec::new()),
        })
    }
}

/// Sets `el`'s text and its tooltip (the whole text: the line may cut it short).
fn set_line(el: &HtmlElement, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
    let _ = if text.is_empty() {
        el.remove_attribute("title")
    } else {
        el.set_attribute("title", text)
    };
}

/// The question, its choices and the answer, as the session has them.
pub fn show(app: &App) {
    let v = &app.predict;
    let s = &app.session;
    if let Some(score) = s.quiz_score() {
        set_line(&v.score, &score);
    }
    if !s.scenario().predict || s.scenario().claims {
        return;
    }
    let Some(p) = s.prediction() else {
        set_line(&v.question, NOTHING_TO_GUESS);
        v.choices.set_text_content(None);
        v.drawn.borrow_mut().clear();
        set_line(&v.answer, "");
        return;
    };
    set_line(&v.question, &p.question);
    let ids: Vec<String> = p.choices.iter().map(|c| c.id.clone()).collect();
    if *v.drawn.borrow() != ids {
        v.choices.set_text_content(None);
        for (i, c) in p.choices.iter().enumerate() {
            let Ok(b) = app.doc.create_element("button") else {
                continue;
            };
            let _ = b.set_attribute("type", "button");
            let _ = b.set_attribute("data-choice", &c.id);
            let _ = b.set_attribute("aria-keyshortcuts", &(i + 1).to_string());
            b.set_text_content(Some(&c.label));
            let _ = v.choices.append_child(&b);
        }
        *v.drawn.borrow_mut() = ids;
    }
    let Ok(buttons) = v.choices.query_selector_all("button") else {
        return;
    };
    for i in 0..buttons.length() {
        let Some(b) = buttons
            .item(i)
            .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok())
        else {
            continue;
        };
        let id = b.get_attribute("data-choice").unwrap_or_default();
        let chosen = p.chosen.as_deref() == Some(id.as_str());
        let _ = b.set_attribute("aria-pressed", if chosen { "true" } else { "false" });
        let measured = p.answer.is_some() && p.measured.contains(&id);
        let _ = b.class_list().toggle_with_force("measured", measured);
        // A button keeps its focus when it cannot be pressed again (aria-disabled, not
        // disabled), so a keyboard reader is not thrown back to the top of the page.
        let _ = b.set_attribute("aria-disabled", if p.open { "false" } else { "true" });
    }
    set_line(&v.answer, p.answer.as_deref().unwrap_or_default());
    let _ = v.block.set_attribute(
        "data-correct",
        match p.correct {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        },
    );
}

/// The choice `el` or an element inside it stands for.
fn choice_of(target: Option<web_sys::EventTarget>) -> Option<String> {
    target?
        .dyn_into::<Element>()
        .ok()?
        .closest("[data-choice]")
        .ok()??
        .get_attribute("data-choice")
}

/// A press on a choice, or a number key while the question has the focus, is a guess.
pub fn bind(app: &App) -> Result<Vec<EventListener>, JsValue> {
    let choices = app.predict.choices.clone();
    Ok(vec![
        EventListener::new(&app.predict.choices, "click", |e| {
            if let Some(id) = choice_of(e.target()) {
                dispatch(Input::Guess(id));
            }
        }),
        EventListener::new_with_options(
            &app.predict.block,
            "keydown",
            gloo_events::EventListenerOptions::enable_prevent_default(),
            move |e| {
                let Some(key) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if key.ctrl_key() || key.meta_key() || key.alt_key() {
                    return;
                }
                let Ok(n) = key.key().parse::<u32>() else {
                    return;
                };
                let nth = n
                    .checked_sub(1)
                    .and_then(|i| choices.query_selector_all("button").ok()?.item(i))
                    .and_then(|b| b.dyn_into::<Element>().ok()?.get_attribute("data-choice"));
                if let Some(id) = nth {
                    e.prevent_default();
                    dispatch(Input::Guess(id));
                }
            },
        ),
    ])
}

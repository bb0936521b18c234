//! The Claims view: the cards index.html holds (src/core/drawing/cards.rs writes them), each
//! filled from the session's claims: its verdict and why, Run (the card's experiment, run by
//! the playground below), and its embed snippet; `window.conpar.claims()`.

use super::{dispatch, read, sharing, App};
use crate::core::analysis::claims::Verdict;
use crate::core::input::scenario::Scenario;
use crate::core::session::{ClaimView, Input};
use crate::web::embedding;
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlTextAreaElement};

/// One card's elements.
struct Card {
    id: String,
    card: Element,
    verdict: Element,
    run: Option<HtmlButtonElement>,
    embed: Option<HtmlTextAreaElement>,
    /// Its guess buttons (shown with `predict=1`).
    guesses: Vec<Element>,
}

/// The section and its cards.
pub struct ClaimsView {
    section: Element,
    cards: Vec<Card>,
}

impl ClaimsView {
    pub fn find(doc: &web_sys::Document) -> Result<ClaimsView, JsValue> {
        let section = super::by_id::<Element>(doc, "claims-section")?;
        let found = section.query_selector_all("article.claim")?;
        let mut cards = Vec::new();
        for i in 0..found.length() {
            let Some(card) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let Some(id) = card.get_attribute("data-claim") else {
                continue;
            };
            let Some(verdict) = card.query_selector(".claim-verdict")? else {
                continue;
            };
            let found = card.query_selector_all("[data-guess]")?;
            let guesses = (0..found.length())
                .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok())
                .collect();
            cards.push(Card {
                id,
                guesses,
                verdict,
                run: card
                    .query_selector("[data-run-claim]")?
                    .and_then(|e| e.dyn_into().ok()),
                embed: card
                    .query_selector("textarea")?
                    .and_then(|e| e.dyn_into().ok()),
                card,
            });
        }
        Ok(ClaimsView { section, cards })
    }
}

/// The `data-claim` of the card around `target`, or of the closest `selector` inside one.
fn claim_of(target: Option<web_sys::EventTarget>, selector: &str) -> Option<String> {
    let el = target?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()??;
    el.closest("[data-claim]")
        .ok()??
        .get_attribute("data-claim")
}

/// A card's Run, and its embed snippet written when the reader opens it (not at start-up: each
/// snippet lays out its claim's expected schedules to size the frame), by delegation on the
/// section (`toggle` does not bubble, so it is caught on its way down).
pub fn bind(app: &App) -> Result<Vec<EventListener>, JsValue> {
    let section = &app.claims.section;
    Ok(vec![
        EventListener::new(section, "click", |e| {
            if let Some(id) = claim_of(e.target(), "[data-run-claim]") {
                dispatch(Input::RunClaim(id));
            }
            let choice = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("[data-guess]").ok().flatten())
                .and_then(|el| el.get_attribute("data-guess"));
            if let (Some(choice), Some(id)) = (choice, claim_of(e.target(), "[data-guess]")) {
                dispatch(Input::GuessClaim { id, choice });
            }
        }),
        EventListener::new_with_options(
            section,
            "toggle",
            gloo_events::EventListenerOptions::run_in_capture_phase(),
            |e| {
                if let Some(id) = claim_of(e.target(), "details.claim-embed") {
                    read(|app| fill_embed(app, &id));
                }
            },
        ),
    ])
}

/// Writes claim `id`'s embed snippet into its card as the card opens: the recording of its run
/// when the last run is its own and judged (the embed shows that run and its verdict until its
/// reader runs it), else the live experiment.
fn fill_embed(app: &App, id: &str) {
    let card = app.claims.cards.iter().find(|c| c.id == id);
    if let Some(embed) = card.and_then(|c| c.embed.as_ref()) {
        let recorded = app
            .session
            .judged_run_of_claim(id)
            .then(|| sharing::recorded_embed_codes(app, app.session.quiz()).map(|c| c.snippet))
            .flatten();
        let code = recorded
            .or_else(|| embed_code(id, app.session.env().cores, app.session.quiz()))
            .unwrap_or_default();
        if embed.value() != code {
            embed.set_value(&code);
        }
    }
}

/// Fills every card from the session (the Claims view is shown or not by the root's class
/// and `data-claim`, set in [`sharing::show_links`]).
pub fn show_claims(app: &App) {
    let scenario = &app.session.scenario();
    if !scenario.claims && scenario.claim.is_none() {
        return;
    }
    let views = app.session.claim_views();
    let running = app.session.running();
    let quiz = app.session.quiz();
    for card in &app.claims.cards {
        let Some(v) = views.iter().find(|v| v.id == card.id) else {
            continue;
        };
        // A claim from a source says its verdict in the page already, unless it asks first.
        if v.experiment.is_some() || quiz {
            show_verdict(app, &card.verdict, v);
        }
        for b in &card.guesses {
            let pressed = v
                .guess
                .is_some_and(|g| b.get_attribute("data-guess").as_deref() == Some(g.id()));
            let _ = b.set_attribute("aria-pressed", if pressed { "true" } else { "false" });
            let _ = b.set_attribute(
                "aria-disabled",
                if v.guess.is_some() { "true" } else { "false" },
            );
        }
        let _ = if v.current {
            card.card.set_attribute("aria-current", "true")
        } else {
            card.card.remove_attribute("aria-current")
        };
        if let Some(run) = &card.run {
            run.set_disabled(running);
        }
    }
}

/// A card's verdict box: the verdict in bold and why, why there is none, or that its run is
/// in progress.
/// Rewritten only when it changes, so a box the reader is scrolling keeps its place while
/// the status changes around it.
fn show_verdict(app: &App, el: &Element, v: &ClaimView) {
    let (verdict, text) = v.card_text();
    let label = verdict.map(|v| format!("{}.", v.label()));
    let whole = match &label {
        Some(label) => format!("{label} {text}"),
        None => text.clone(),
    };
    let id = verdict.map_or("", Verdict::id);
    if el.get_attribute("data-verdict").as_deref() == Some(id)
        && el.text_content().as_deref() == Some(whole.as_str())
    {
        return;
    }
    let _ = el.set_attribute("data-verdict", id);
    el.set_text_content(None);
    if let Some(label) = label {
        if let Ok(strong) = app.doc.create_element("strong") {
            strong.set_text_content(Some(&label));
            let _ = el.append_child(&strong);
        }
        let _ = el.append_with_str_1(&format!(" {text}"));
    } else {
        let _ = el.append_with_str_1(&text);
    }
}

/// The snippet that embeds claim `id`'s experiment (asking for a guess first when `predict`).
fn embed_code(id: &str, cores: u32, predict: bool) -> Option<String> {
    let (mut scenario, _) = Scenario::from_query(&format!("?claim={id}&embed=1"), cores);
    scenario.predict = predict;
    sharing::embed_codes_of(&scenario, cores).map(|c| c.snippet)
}

/// `window.conpar.claims()`: every claim with its verdict (null before a run), why, and its
/// link as an address.
pub fn claims_json(app: &App) -> JsValue {
    let views: Vec<ClaimView> = app
        .session
        .claim_views()
        .into_iter()
        .map(|mut v| {
            if let Ok(url) = embedding::address(&v.link) {
                v.link = url;
            }
            v
        })
        .collect();
    // As JSON has it: a claim not yet judged has `verdict: null`, not a missing field.
    super::to_js(&views)
}

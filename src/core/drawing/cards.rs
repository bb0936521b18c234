//! The claims' cards as index.html holds them before the module loads, and the stylesheet's
//! rules that show the cards a URL asks for (`claims=1`: all; `claim=<id>`: that one, through
//! the `data-claim` attribute www/boot.js puts on the root before the first paint). Written in
//! the page, so a claim is readable at once and nothing moves when the module starts; a native
//! test checks the page and the stylesheet against these (`CONPAR_BLESS=1` rewrites them).

use super::export::xml;
use crate::core::analysis::claims::{Claim, Test, Verdict, CLAIMS};
use crate::core::measure::units::capitalised;

/// The line before the generated block, and the one after it (in both files).
pub const BEGIN: &str = "generated from src/core/analysis/claims.rs by tests/cards.rs";
pub const END: &str = "end of the generated claims";

/// What a card's verdict box says before its claim's run.
pub const NOT_RUN: &str = "Not tested yet in this browser: press Run.";

fn card(c: &Claim) -> String {
    let id = c.id;
    let (design, verdict, tools) = match c.test {
        Test::Run { .. } => (
            format!("<span class=\"hint\">Experiment:</span> {}.", xml(c.design)),
            format!("<p class=\"claim-verdict\" data-verdict=\"\" tabindex=\"0\" aria-live=\"polite\">{NOT_RUN}</p>"),
            format!(
                "<button type=\"button\" class=\"primary\" data-run-claim=\"{id}\" disabled>Run</button> \
                 <a href=\"?claim={id}\">Link</a> \
                 <details class=\"claim-embed\"><summary>Embed</summary>\
                 <textarea rows=\"3\" readonly spellcheck=\"false\" aria-label=\"Embed code for this claim\"></textarea></details>"
            ),
        ),
        Test::Source {
            verdict,
            because,
            source,
        } => (
            "<span class=\"hint\">Experiment:</span> none a browser can run; the verdict is from a source.".to_string(),
            format!(
                "<p class=\"claim-verdict\" data-verdict=\"{}\" tabindex=\"0\"><strong>{}.</strong> {}</p>",
                verdict.id(),
                verdict.label(),
                xml(&capitalised(because))
            ),
            format!(
                "<a href=\"{}\" rel=\"noopener\">Source</a> <a href=\"?claim={id}\">Link</a>",
                xml(source)
            ),
        ),
    };
    format!(
        "<article class=\"claim\" id=\"claim-{id}\" data-claim=\"{id}\" aria-labelledby=\"claim-{id}-text\">\n\
         <h3 class=\"claim-text\" id=\"claim-{id}-text\">{}</h3>\n\
         <p class=\"claim-heard\">Heard in {}.</p>\n\
         <p class=\"claim-design\">{design}</p>\n\
         {guess}\n\
         {verdict}\n\
         <div class=\"claim-tools\">{tools}</div>\n\
         </article>",
        xml(c.text),
        xml(c.heard),
        guess = guess(id),
    )
}

/// A card's guess (the Claims view with `predict=1`): one button per verdict.
fn guess(id: &str) -> String {
    let buttons: Vec<String> = [Verdict::True, Verdict::False, Verdict::Depends]
        .iter()
        .map(|v| {
            format!(
                "<button type=\"button\" data-guess=\"{}\" aria-pressed=\"false\">{}</button>",
                v.id(),
                v.label()
            )
        })
        .collect();
    format!(
        "<div class=\"claim-guess\" role=\"group\" aria-label=\"Your guess\" data-for=\"{id}\">{}</div>",
        buttons.join(" ")
    )
}

/// The cards, one after another, as index.html holds them.
pub fn cards_html() -> String {
    CLAIMS.iter().map(card).collect::<Vec<_>>().join("\n")
}

/// The rule that shows the one card `claim=<id>` asks for.
pub fn cards_css() -> String {
    let selectors: Vec<String> = CLAIMS
        .iter()
        .map(|c| format!("html[data-claim=\"{0}\"] #claim-{0}", c.id))
        .collect();
    format!("{} {{ display: block; }}", selectors.join(",\n"))
}

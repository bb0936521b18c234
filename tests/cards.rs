//! The claims' cards in index.html and the rule in www/style.css that shows one of them are
//! the core's own (src/core/drawing/cards.rs): this test fails when they drift apart, and
//! with `CONPAR_BLESS=1` writes them anew.
#![cfg(not(target_arch = "wasm32"))]

use conpar::core::drawing::cards::{cards_css, cards_html, BEGIN, END};
use std::fs;

/// `text` with the lines between the markers (`open` + marker + `close`) replaced by `block`.
fn with_block(text: &str, (open, close): (&str, &str), block: &str) -> Option<String> {
    let begin = format!("{open}{BEGIN}{close}");
    let end = format!("{open}{END}{close}");
    let from = text.find(&begin)? + begin.len();
    let to = from + text[from..].find(&end)?;
    // The block keeps the indentation of its end marker's line.
    let indent: String = text[..to]
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let lines: Vec<String> = block.lines().map(|l| format!("{indent}{l}")).collect();
    Some(format!(
        "{}\n{}\n{indent}{}",
        &text[..from],
        lines.join("\n"),
        &text[to..]
    ))
}

fn check(path: &str, markers: (&str, &str), block: &str) {
    let text = fs::read_to_string(path).expect("readable");
    let wanted = with_block(&text, markers, block)
        .unwrap_or_else(|| panic!("{path} has no block between `{BEGIN}` and `{END}`"));
    if std::env::var("CONPAR_BLESS").is_ok_and(|v| v == "1") {
        fs::write(path, &wanted).expect("writable");
    } else {
        assert!(
            wanted == text,
            "{path}'s claims differ from src/core/analysis/claims.rs: run `CONPAR_BLESS=1 cargo test --test cards` and review the diff"
        );
    }
}

#[test]
fn the_pages_cards_are_the_cores_claims() {
    check("index.html", ("<!-- ", " -->"), &cards_html());
}

#[test]
fn the_stylesheet_shows_the_card_each_claim_asks_for() {
    check("www/style.css", ("/* ", " */"), &cards_css());
}

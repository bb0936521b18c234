//! Native tests of the embed's height, which the snippet's iframe starts at: it follows the
//! scenario (one panel per model, as many rows as its expected schedule uses) and nothing else.
#![cfg(not(target_arch = "wasm32"))]

use conpar::core::drawing::embed::{height, scenario_height};
use conpar::core::drawing::scene::Rows;
use conpar::core::input::scenario::Scenario;

fn scenario(query: &str) -> Scenario {
    let (s, notices) = Scenario::from_query(query, 2);
    assert!(notices.is_empty(), "{notices:?}");
    s
}

#[test]
fn each_panel_adds_its_frame_and_its_rows() {
    let none = height(&[]);
    let one = height(&[Rows::of(1)]);
    let two = height(&[Rows::of(1), Rows::of(1)]);
    assert!(one > none);
    // The second panel adds the first's height and the gap between them.
    assert_eq!(two - one, one - none + 6);
    // More lanes, more rows: a taller panel.
    assert!(height(&[Rows::of(6)]) > one);
}

#[test]
fn the_height_follows_the_models_and_their_pools() {
    let three = scenario_height(
        &scenario("preset=cpu&models=sequential,threads,processes&threads=6&processes=2&embed=1"),
        2,
    );
    let fewer_threads = scenario_height(
        &scenario("preset=cpu&models=sequential,threads,processes&threads=2&processes=2&embed=1"),
        2,
    );
    assert!(three > fewer_threads, "{three} vs {fewer_threads}");
    let one = scenario_height(&scenario("preset=cpu&models=sequential&embed=1"), 2);
    assert!(one < fewer_threads);
    // The caption, the theme and auto-run change no height.
    let captioned = scenario_height(&scenario("preset=cpu&models=sequential,threads,processes&threads=6&processes=2&embed=1&caption=Eight%20computations&theme=dark&run=1"), 2);
    assert_eq!(captioned, three);
}

/// A rule of the stylesheet: its selectors, and its declarations as (property, value).
type Rule = (Vec<String>, Vec<(String, String)>);

/// The stylesheet's rules, innermost blocks only, so a rule inside `@media` is read as well.
fn rules(css: &str) -> Vec<Rule> {
    let mut text = String::new();
    let mut rest = css;
    while let Some(at) = rest.find("/*") {
        text.push_str(&rest[..at]);
        rest = rest[at..]
            .find("*/")
            .map_or("", |end| &rest[at + end + 2..]);
    }
    text.push_str(rest);
    let mut out = Vec::new();
    for block in text.split('}') {
        let Some((head, body)) = block.rsplit_once('{') else {
            continue;
        };
        let head = head.rsplit(['{', '}']).next().unwrap_or(head);
        let selectors = head.split(',').map(|s| s.trim().to_string()).collect();
        let declarations = body
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(p, v)| (p.trim().to_string(), v.trim().to_string()))
            .collect();
        out.push((selectors, declarations));
    }
    out
}

#[test]
fn every_length_the_height_adds_is_the_stylesheets_own() {
    use conpar::core::drawing::embed::CSS;
    let sheet = rules(include_str!("../www/style.css"));
    for d in CSS {
        let values: Vec<&String> = sheet
            .iter()
            .filter(|(selectors, _)| selectors.iter().any(|s| s == d.selector))
            .flat_map(|(_, decls)| decls.iter().filter(|(p, _)| p == d.property))
            .map(|(_, v)| v)
            .collect();
        assert!(
            values.iter().any(|v| *v == d.value),
            "www/style.css has no `{} {{ {}: {} }}` (it has {values:?}); src/core/drawing/embed.rs adds it to the embed's height",
            d.selector,
            d.property,
            d.value
        );
        // No other rule for the same element (at some width, say) sets it otherwise.
        assert!(
            values.iter().all(|v| *v == d.value),
            "`{}` sets {} to {values:?} in www/style.css; the embed's height counts {}",
            d.selector,
            d.property,
            d.value
        );
        assert!(!d.lengths().is_empty(), "{d:?} gives no length");
    }
    // The collapsing margin adds nothing only while it is the smaller of the two.
    let px = |selector: &str, property: &str| {
        CSS.iter()
            .find(|d| d.selector == selector && d.property == property)
            .map(|d| d.lengths()[0])
            .expect("a declaration of the table")
    };
    assert!(px("html.embed #results-section", "margin-top") <= px("html.embed .verdict", "margin"));
}

#[test]
fn the_sum_is_the_layouts() {
    // What the page test measured at four widths when the lengths were written as numbers.
    assert_eq!(height(&[]), 224);
    assert_eq!(
        height(&[Rows::of(1)]) - height(&[]),
        32 + Rows::of(1).panel_height().ceil() as u32
    );
}

#[test]
fn a_question_before_the_run_adds_its_line_and_its_choices() {
    let plain = scenario_height(&scenario("preset=io&embed=1"), 2);
    let asking = scenario_height(&scenario("preset=io&embed=1&predict=1"), 2);
    assert_eq!(asking - plain, 6 + 20 + 30);
    // The same for a claim, and for one model alone (the block says there is nothing to guess).
    let one = scenario_height(&scenario("preset=io&models=async&embed=1"), 2);
    let one_asking = scenario_height(&scenario("preset=io&models=async&embed=1&predict=1"), 2);
    assert_eq!(one_asking - one, 56);
}

#[test]
fn the_snippets_say_the_address_the_height_and_the_script() {
    use conpar::core::drawing::snippet::{element, iframe, snippet, svg_data_uri};
    let src = "https://conpar.example/play/?preset=cpu&embed=1#rec=Y3AB";
    let title = "conpar: 8 computations <fast> & \"slow\"";
    assert_eq!(
        iframe(src, title, 718),
        "<iframe src=\"https://conpar.example/play/?preset=cpu&amp;embed=1#rec=Y3AB\" title=\"conpar: 8 computations &lt;fast> &amp; &quot;slow&quot;\" width=\"100%\" height=\"718\" loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>"
    );
    assert!(snippet(src, title, 718)
        .ends_with("\n<script src=\"https://conpar.example/play/embed.js\" defer></script>"));
    // The element reserves the frame's height before its script runs, and is a link without it.
    let poster =
        svg_data_uri("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>50 % #1</text></svg>");
    assert_eq!(
        poster,
        "data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3Ctext%3E50 %25 %231%3C/text%3E%3C/svg%3E"
    );
    let e = element(
        src,
        title,
        718,
        Some(&poster),
        "https://conpar.example/play/?preset=cpu#rec=Y3AB",
    );
    assert!(
        e.starts_with(
            "<conpar-embed src=\"https://conpar.example/play/?preset=cpu&amp;embed=1#rec=Y3AB\""
        ),
        "{e}"
    );
    assert!(e.contains(" height=\"718\""), "{e}");
    assert!(e.contains(" style=\"display:block;height:718px\""), "{e}");
    assert!(e.contains(&format!(" poster=\"{poster}\"")), "{e}");
    assert!(e.contains("><a href=\"https://conpar.example/play/?preset=cpu#rec=Y3AB\">conpar: 8 computations &lt;fast> &amp; \"slow\" (opens the demo)</a></conpar-embed>"), "{e}");
    assert!(e.ends_with("<script src=\"https://conpar.example/play/embed.js\" defer></script>"));
    // Without a poster, no attribute for one.
    assert!(!element(src, title, 718, None, src).contains("poster="));
}

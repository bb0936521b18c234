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

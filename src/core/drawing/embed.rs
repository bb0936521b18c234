//! The embed's height, from its scenario alone: the snippet's iframe starts at it, so the post
//! around an embed does not move when the embed loads, runs or reports its size.
//!
//! Each number is a fixed height in www/style.css's embed view (the block that begins "Embed
//! view"), which keeps every row to one height at every width; a page test compares this sum
//! with the embed's real height at four widths, before and after a run.

use super::scene::Rows;
use crate::core::analysis::plan::lanes;
use crate::core::analysis::schedule::expected;
use crate::core::input::scenario::Scenario;

/// `html.embed body`: 6 px above, 8 px below.
const BODY_PADDING: f64 = 6.0 + 8.0;
/// The caption line (20 px, 2 px under it) and the environment line (18 px, 6 px under it).
const HEADER: f64 = 20.0 + 2.0 + 18.0 + 6.0;
/// The controls' row: Run, Stop and the status.
const CONTROLS: f64 = 48.0;
/// The verdict's two 20 px lines, 6 px under the controls (`#results-section`'s 4 px margin
/// collapses into the verdict's 6).
const VERDICT: f64 = 6.0 + 40.0;
/// `#timeline-section` 6 px above; its 34 px bar; the 18 px legend with 6 px either side.
const TIMELINE_HEAD: f64 = 6.0 + 34.0 + 6.0 + 18.0 + 6.0;
/// A panel around its canvas: 1 px border and 4 px padding above and below, its 20 px head
/// line and the 2 px under it.
const PANEL_FRAME: f64 = 2.0 + 8.0 + 20.0 + 2.0;
/// Between two panels.
const PANEL_GAP: f64 = 6.0;

/// The embed's height in CSS px for panels with these rows.
pub fn height(panels: &[Rows]) -> u32 {
    let panels_h: f64 = panels
        .iter()
        .map(|r| PANEL_FRAME + r.panel_height())
        .sum::<f64>()
        + PANEL_GAP * panels.len().saturating_sub(1) as f64;
    (BODY_PADDING + HEADER + CONTROLS + VERDICT + TIMELINE_HEAD + panels_h).ceil() as u32
}

/// The height of `scenario`'s embed on a machine of `cores` cores: one panel per model, each
/// with the rows its expected schedule uses (what the page draws before and during a run). A
/// workload that does not parse shows no panels.
pub fn scenario_height(scenario: &Scenario, cores: u32) -> u32 {
    let pools = (scenario.threads, scenario.processes);
    let rows: Vec<Rows> = match scenario.workload() {
        Ok(workload) => {
            let tasks = workload.tasks();
            scenario
                .models
                .iter()
                .map(|&m| Rows::of(expected(m, &tasks, lanes(m, pools), cores).lanes))
                .collect()
        }
        Err(_) => Vec::new(),
    };
    height(&rows)
}

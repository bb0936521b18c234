//! The embed's height, from its scenario alone: the snippet's iframe starts at it, so the post
//! around an embed does not move when the embed loads, runs or reports its size.
//!
//! Each length below is a fixed length of www/style.css's embed view (the block that begins
//! "Embed view"), which keeps every row to one height at every width; [`CSS`] names the
//! declaration each comes from, and a native test reads the stylesheet and checks them all, so
//! the two cannot drift apart. A page test compares the sum with the embed's real height at
//! four widths, before and after a run.

use super::scene::Rows;
use crate::core::analysis::plan::lanes;
use crate::core::analysis::schedule::expected_bounded;
use crate::core::input::scenario::Scenario;

/// A declaration of www/style.css that the embed's height is made of: the rule's selector, the
/// property and its value, as written there, and which of its lengths the height counts.
#[derive(Clone, Copy, Debug)]
pub struct Declaration {
    pub selector: &'static str,
    pub property: &'static str,
    pub value: &'static str,
    pub counts: Counts,
}

/// Which length of a declaration the embed's height counts, and how often.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counts {
    /// Once: the whole value (a height), its top or bottom, or both (CSS shorthand order).
    Once(Edge),
    /// Once for every panel.
    PerPanel(Edge),
    /// Once between every two panels.
    BetweenPanels,
    /// Nothing: a top margin that collapses into the larger one of the element inside it.
    Collapses,
    /// Once, when the embed asks its question before the run (`predict=1`).
    Asks(Edge),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Whole,
    Top,
    Bottom,
    TopAndBottom,
}

use Counts::{Asks, BetweenPanels, Collapses, Once, PerPanel};
use Edge::{Bottom, Top, TopAndBottom, Whole};

const fn css(
    selector: &'static str,
    property: &'static str,
    value: &'static str,
    counts: Counts,
) -> Declaration {
    Declaration {
        selector,
        property,
        value,
        counts,
    }
}

/// The embed from top to bottom: the body's padding, the caption and environment lines, the
/// controls, the question and its choices (`predict=1`), the two-line verdict, the timeline's
/// bar and legend, and each panel's frame and head above its canvas (the canvas's own height is
/// its rows').
#[rustfmt::skip]
pub const CSS: [Declaration; 21] = [
    css("html.embed body", "padding", "6px 8px 8px", Once(TopAndBottom)),
    css("html.embed .embed-title", "height", "20px", Once(Whole)),
    css("html.embed .embed-title", "margin", "0 0 2px", Once(Bottom)),
    css("html.embed header.top .env", "height", "18px", Once(Whole)),
    css("html.embed header.top .env", "margin", "0 0 6px", Once(Bottom)),
    css("html.embed .controls", "height", "48px", Once(Whole)),
    css("html.embed #results-section", "margin-top", "4px", Collapses),
    css("html.embed .predict", "margin", "6px 0 0", Asks(Top)),
    css("html.embed .predict-question", "height", "20px", Asks(Whole)),
    css("html.embed .predict-choices", "height", "30px", Asks(Whole)),
    css("html.embed .verdict", "height", "40px", Once(Whole)),
    css("html.embed .verdict", "margin", "6px 0 0", Once(Top)),
    css("html.embed #timeline-section", "margin-top", "6px", Once(Whole)),
    css("html.embed .timeline-bar", "height", "34px", Once(Whole)),
    css("html.embed .legend", "height", "18px", Once(Whole)),
    css("html.embed .legend", "margin", "6px 0", Once(TopAndBottom)),
    css("html.embed #panels", "gap", "6px", BetweenPanels),
    css(".panel", "border", "1px solid var(--line)", PerPanel(TopAndBottom)),
    css("html.embed .panel", "padding", "4px 6px", PerPanel(TopAndBottom)),
    css("html.embed .panel-head", "height", "20px", PerPanel(Whole)),
    css("html.embed .panel-head", "margin-bottom", "2px", PerPanel(Whole)),
];

impl Declaration {
    /// The value's lengths in px, in order (its words that are not lengths count for none).
    pub fn lengths(&self) -> Vec<f64> {
        self.value
            .split_whitespace()
            .filter_map(|w| match w {
                "0" => Some(0.0),
                _ => w.strip_suffix("px")?.parse().ok(),
            })
            .collect()
    }

    /// The px this declaration adds where it counts.
    pub fn px(&self) -> f64 {
        let l = self.lengths();
        let at = |i: usize| l.get(i).copied().unwrap_or(0.0);
        // CSS shorthand: one or two lengths give the top and the bottom the first; three or
        // four give the top first and the bottom third.
        let (top, bottom) = if l.len() > 2 {
            (at(0), at(2))
        } else {
            (at(0), at(0))
        };
        let edge = match self.counts {
            Once(e) | PerPanel(e) | Asks(e) => e,
            BetweenPanels => Whole,
            Collapses => return 0.0,
        };
        match edge {
            Whole => at(0),
            Top => top,
            Bottom => bottom,
            TopAndBottom => top + bottom,
        }
    }
}

/// What the declarations that count as `which` add up to.
fn sum(which: fn(Counts) -> bool) -> f64 {
    CSS.iter()
        .filter(|d| which(d.counts))
        .map(Declaration::px)
        .sum()
}

/// The embed's height in CSS px for panels with these rows, without a question.
pub fn height(panels: &[Rows]) -> u32 {
    height_asking(panels, false)
}

/// The same, with the question before the run when `asks`.
pub fn height_asking(panels: &[Rows], asks: bool) -> u32 {
    let once = sum(|c| matches!(c, Once(_)))
        + if asks {
            sum(|c| matches!(c, Asks(_)))
        } else {
            0.0
        };
    let frame = sum(|c| matches!(c, PerPanel(_)));
    let gap = sum(|c| c == BetweenPanels);
    let panels_h: f64 = panels.iter().map(|r| frame + r.panel_height()).sum::<f64>()
        + gap * panels.len().saturating_sub(1) as f64;
    (once + panels_h).ceil() as u32
}

/// The height of `scenario`'s embed on a machine of `cores` cores: one panel per model, each
/// with the rows its expected schedule uses (what the page draws before and during a run). A
/// workload that does not parse shows no panels.
pub fn scenario_height(scenario: &Scenario, cores: u32) -> u32 {
    let pools = (scenario.threads, scenario.processes);
    let bounds = (scenario.limit, scenario.chunksize);
    let rows: Vec<Rows> = match scenario.workload() {
        Ok(workload) => {
            let tasks = workload.tasks();
            scenario
                .models
                .iter()
                .map(|&m| expected_bounded(m, &tasks, lanes(m, pools), cores, bounds))
                .map(|t| Rows::of(t.lanes))
                .collect()
        }
        Err(_) => Vec::new(),
    };
    // The block is there whenever the address asks (it says so when there is nothing to
    // guess), so a reader's browser that runs fewer models does not change the height.
    height_asking(&rows, scenario.predict && !scenario.claims)
}

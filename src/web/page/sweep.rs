//! The worker sweep: the selected pool models run at each pool size in turn (sequential once,
//! first, as the baseline), each step a normal run drawn on the timeline, and their speedups
//! drawn against the pool size as the core's chart, with a table view and exports.

use super::controls::by_id;
use super::{with_app, App, Status};
use crate::core::analysis::sweep::{chart_svg, csv, default_sizes, summary, swept, Point};
use crate::core::input::scenario::MAX_PROCESSES;
use crate::core::measure::trace::Model;
use crate::web::{js_error, share};
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement};

/// A sweep in progress, or the last one.
pub struct Sweep {
    pub sizes: Vec<u32>,
    models: Vec<Model>,
    /// The pool size being run (an index into `sizes`).
    next: usize,
    /// The plain loop's wall time in each run (every point's speedup is against the one
    /// measured in its own run, so a machine that changes speed between runs cannot bend the
    /// curve); the first, for the chart's title.
    baseline_ms: Option<f64>,
    pub points: Vec<Point>,
    /// Why it ended, once it has.
    pub ended: Option<String>,
}

impl Sweep {
    /// The next run: its models and pools, while the sweep goes on.
    pub fn step(&self) -> Option<(Vec<Model>, (u32, u32))> {
        if self.ended.is_some() {
            return None;
        }
        let size = *self.sizes.get(self.next)?;
        let mut models: Vec<Model> = self
            .models
            .iter()
            .copied()
            .filter(|m| *m != Model::Processes || size <= MAX_PROCESSES)
            .collect();
        models.insert(0, Model::Sequential);
        Some((models, (size, size.min(MAX_PROCESSES))))
    }
}

/// The sweep section's elements.
pub struct SweepView {
    pub button: HtmlButtonElement,
    sizes: HtmlInputElement,
    section: HtmlElement,
    status: Element,
    chart: Element,
    summary: Element,
    table: Element,
    exports: Element,
}

impl SweepView {
    pub fn find(doc: &web_sys::Document) -> Result<SweepView, JsValue> {
        Ok(SweepView {
            button: by_id(doc, "sweep")?,
            sizes: by_id(doc, "sweep-sizes")?,
            section: by_id(doc, "sweep-section")?,
            status: by_id(doc, "sweep-status")?,
            chart: by_id(doc, "sweep-chart")?,
            summary: by_id(doc, "sweep-summary")?,
            table: by_id(doc, "sweep-table")?,
            exports: by_id(doc, "sweep-exports")?,
        })
    }
}

pub fn bind() -> Result<Vec<EventListener>, JsValue> {
    with_app(|app| {
        let v = &app.sweep_view;
        vec![
            EventListener::new(&v.button, "click", |e| {
                e.prevent_default();
                with_app(App::start_sweep);
            }),
            EventListener::new(&v.sizes, "change", |_| {
                with_app(|app| {
                    let text = app.sweep_view.sizes.value();
                    if text.trim().is_empty() {
                        app.scenario.sweep = None;
                    } else if let Err(n) = app.scenario.set("sweep", &text) {
                        app.show_notices(&[n.message]);
                    }
                    app.show_sweep_sizes();
                    app.sync_url();
                });
            }),
            EventListener::new(&v.exports, "click", |e| {
                let kind = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.get_attribute("data-sweep-export"));
                if let Some(kind) = kind {
                    with_app(|app| app.export_sweep(&kind));
                }
            }),
        ]
    })
    .ok_or_else(|| JsValue::from_str("the page is not set up"))
}

impl App {
    /// The pool the engine should start with: the scenario's, or a sweep's largest size.
    pub(super) fn pool_wanted(&self) -> u32 {
        let sweep = self
            .sweep
            .as_ref()
            .filter(|s| s.ended.is_none())
            .and_then(|s| s.sizes.last().copied())
            .unwrap_or(0);
        self.scenario.threads.max(sweep)
    }

    /// The sweep's sizes in their field: the scenario's, or the default as a placeholder.
    pub(super) fn show_sweep_sizes(&self) {
        let text = |sizes: &[u32]| {
            sizes
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        self.sweep_view
            .sizes
            .set_value(&self.scenario.sweep.as_deref().map(text).unwrap_or_default());
        self.sweep_view
            .sizes
            .set_placeholder(&text(&default_sizes(self.cores)));
    }

    pub(super) fn start_sweep(&mut self) {
        if self.running() {
            return;
        }
        let models = swept(&self.scenario.models);
        if models.is_empty() {
            self.show_notices(&[
                "A sweep varies the pool size: select gil, threads or processes.".into(),
            ]);
            return;
        }
        let sizes = match self.sweep_view.sizes.value().trim() {
            "" => self
                .scenario
                .sweep
                .clone()
                .unwrap_or_else(|| default_sizes(self.cores)),
            text => match crate::core::input::scenario::parse_sizes(
                text,
                crate::core::input::scenario::MAX_THREADS,
            ) {
                Ok(s) => s,
                Err(e) => {
                    self.show_notices(&[e]);
                    return;
                }
            },
        };
        self.sweep = Some(Sweep {
            sizes,
            models,
            next: 0,
            baseline_ms: None,
            points: Vec::new(),
            ended: None,
        });
        self.sweep_view.section.set_hidden(false);
        self.show_sweep();
        self.request_run();
    }

    /// A run of the sweep finished: its points are taken, and the next size starts.
    pub(super) fn sweep_step_done(&mut self) {
        let Some(sweep) = self.sweep.as_mut().filter(|s| s.ended.is_none()) else {
            return;
        };
        let Some(&size) = sweep.sizes.get(sweep.next) else {
            return;
        };
        let this_run = self
            .results
            .iter()
            .find(|r| r.model == Model::Sequential)
            .map(|r| r.wall_ms);
        sweep.baseline_ms = sweep.baseline_ms.or(this_run);
        let Some(base) = this_run else {
            self.end_sweep("sequential did not run, so there is no baseline");
            return;
        };
        for r in self
            .results
            .iter()
            .filter(|r| sweep.models.contains(&r.model))
        {
            sweep.points.push(Point {
                model: r.model,
                workers: size,
                wall_ms: r.wall_ms,
                speedup: base / r.wall_ms.max(1e-9),
                disturbed: !r.disturbed.is_empty(),
            });
        }
        sweep.next += 1;
        if sweep.next >= sweep.sizes.len() {
            sweep.ended = Some("done".into());
            self.set_status(Status::Done, "Sweep done: measured in this browser.");
        } else {
            self.request_run();
        }
        self.show_sweep();
    }

    /// Ends a sweep in progress, saying why.
    pub(super) fn end_sweep(&mut self, why: &str) {
        if let Some(s) = self.sweep.as_mut().filter(|s| s.ended.is_none()) {
            s.ended = Some(why.to_string());
            self.show_sweep();
        }
    }

    /// The chart, its summary, its table and the progress line.
    fn show_sweep(&self) {
        let Some(s) = &self.sweep else { return };
        let state = match s.ended.as_deref() {
            None => "running",
            Some("done") => "done",
            Some(_) => "ended",
        };
        if let Some(root) = self.doc.document_element() {
            let _ = root.set_attribute("data-sweep", state);
        }
        let progress = match s.ended.as_deref() {
            None => format!(
                "Running pool size {} ({} of {}) for {}…",
                s.sizes.get(s.next).copied().unwrap_or(0),
                s.next + 1,
                s.sizes.len(),
                s.models.iter().map(|m| m.id()).collect::<Vec<_>>().join(", ")
            ),
            Some("done") => format!(
                "Measured at {} pool sizes; each speedup is over the plain loop measured in the same run (the first took {}). Threads start before each run, outside the measured time; processes as the start method says (the process start setting).",
                s.sizes.len(),
                s.baseline_ms.map_or("–".into(), crate::core::measure::units::format_ms)
            ),
            Some(why) => format!("The sweep ended early: {why}. The points measured so far are drawn."),
        };
        self.sweep_view.status.set_text_content(Some(&progress));
        self.sweep_view.chart.set_inner_html(&chart_svg(
            &s.points,
            &s.sizes,
            self.cores,
            s.baseline_ms.unwrap_or(0.0),
            false,
        ));
        let list = &self.sweep_view.summary;
        list.set_text_content(None);
        for line in summary(&s.points, self.cores) {
            if let Ok(li) = self.doc.create_element("li") {
                li.set_text_content(Some(&line));
                let _ = list.append_child(&li);
            }
        }
        // The same points as a table, for screen readers and for reading exact numbers.
        let mut html = String::from("<table><thead><tr><th scope=\"col\">model</th><th scope=\"col\">workers</th><th scope=\"col\">wall</th><th scope=\"col\">speedup</th><th scope=\"col\">ideal</th></tr></thead><tbody>");
        for p in &s.points {
            html.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{:.2}×{}</td><td>{}×</td></tr>",
                p.model.id(),
                p.workers,
                crate::core::measure::units::format_ms(p.wall_ms),
                p.speedup,
                if p.disturbed { " ⚠" } else { "" },
                p.workers
            ));
        }
        html.push_str("</tbody></table>");
        self.sweep_view.table.set_inner_html(&html);
    }

    fn export_sweep(&self, kind: &str) {
        let Some(s) = self.sweep.as_ref().filter(|s| !s.points.is_empty()) else {
            self.show_notices(&["The sweep has no measured point yet.".into()]);
            return;
        };
        let svg_text = || {
            chart_svg(
                &s.points,
                &s.sizes,
                self.cores,
                s.baseline_ms.unwrap_or(0.0),
                true,
            )
        };
        let result = match kind {
            "csv" => {
                share::download_text("conpar-sweep.csv", "text/csv", &csv(&s.points, self.cores))
            }
            "svg" => share::download_text("conpar-sweep.svg", "image/svg+xml", &svg_text()),
            "png" => {
                super::sharing::offer_png(
                    "conpar-sweep.png",
                    crate::core::drawing::export::Svg {
                        text: svg_text(),
                        width: 640.0,
                        height: 320.0,
                    },
                );
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.show_notices(&[format!("The export failed: {}", js_error(&e))]);
        }
    }

    /// The sweep's points, for `window.conpar.sweep()`.
    pub(super) fn sweep_json(&self) -> JsValue {
        self.sweep
            .as_ref()
            .and_then(|s| serde_wasm_bindgen::to_value(&s.points).ok())
            .unwrap_or(JsValue::NULL)
    }
}

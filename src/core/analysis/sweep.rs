//! The worker sweep: the pool models run at several pool sizes, and their speedups over the
//! plain loop drawn against the number of workers, beside the ideal line and Amdahl's law
//! fitted to the measured points. Drawn here as SVG, so the page and the export are one
//! picture.

use crate::core::input::scenario::MAX_SIZES;
use crate::core::measure::trace::Model;
use crate::core::measure::units::format_ms;

/// One measured point.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub model: Model,
    pub workers: u32,
    pub wall_ms: f64,
    /// The plain loop's wall time over this one's.
    pub speedup: f64,
    /// The run's numbers were disturbed (a busy machine): drawn hollow, not fitted.
    pub disturbed: bool,
}

/// The models a sweep varies: those with a pool.
pub fn swept(models: &[Model]) -> Vec<Model> {
    models
        .iter()
        .copied()
        .filter(|m| {
            matches!(
                m,
                Model::Gil | Model::Threads | Model::Processes | Model::Interpreters
            )
        })
        .collect()
}

/// Sizes to try when none are given: powers of two up to twice the cores (at least 4), within
/// the thread pool's cap.
pub fn default_sizes(cores: u32) -> Vec<u32> {
    let top = (2 * cores).clamp(4, 64);
    let mut sizes = vec![1];
    while sizes[sizes.len() - 1] * 2 <= top && sizes.len() < MAX_SIZES {
        sizes.push(sizes[sizes.len() - 1] * 2);
    }
    sizes
}

/// Amdahl's law: the speedup on `n` workers of a program whose serial fraction is `s`.
pub fn amdahl(s: f64, n: f64) -> f64 {
    1.0 / (s + (1.0 - s) / n.max(1.0))
}

/// The serial fraction that best fits `points` (workers, speedup) in least squares, to 0.001;
/// `None` with fewer than two pool sizes to fit.
pub fn fit_serial_fraction(points: &[(u32, f64)]) -> Option<f64> {
    let mut sizes: Vec<u32> = points.iter().map(|p| p.0).collect();
    crate::core::sort::sort(&mut sizes);
    sizes.dedup();
    if sizes.len() < 2 {
        return None;
    }
    let error = |s: f64| {
        points
            .iter()
            .map(|&(n, x)| (x - amdahl(s, f64::from(n))).powi(2))
            .sum::<f64>()
    };
    (0..=1000)
        .map(|i| f64::from(i) / 1000.0)
        .min_by(|a, b| error(*a).total_cmp(&error(*b)))
}

/// Each swept model's fitted serial fraction, from its undisturbed points with no more
/// workers than cores (Amdahl's law is about processors: workers beyond the cores add none).
pub fn fits(points: &[Point], cores: u32) -> Vec<(Model, Option<f64>)> {
    let mut models: Vec<Model> = points.iter().map(|p| p.model).collect();
    crate::core::sort::sort(&mut models);
    models.dedup();
    models
        .into_iter()
        .map(|m| {
            let mine: Vec<(u32, f64)> = points
                .iter()
                .filter(|p| p.model == m && !p.disturbed && p.workers <= cores.max(1))
                .map(|p| (p.workers, p.speedup))
                .collect();
            (m, fit_serial_fraction(&mine))
        })
        .collect()
}

/// The sweep as CSV: every point, with the ideal and the fitted curve at its size.
pub fn csv(points: &[Point], cores: u32) -> String {
    let fitted = fits(points, cores);
    let mut out =
        String::from("model,workers,wall_ms,speedup,ideal,amdahl_fit,serial_fraction,disturbed\n");
    for p in points {
        let s = fitted
            .iter()
            .find(|(m, _)| *m == p.model)
            .and_then(|(_, s)| *s);
        out.push_str(&format!(
            "{},{},{:.3},{:.4},{},{},{},{}\n",
            p.model.id(),
            p.workers,
            p.wall_ms,
            p.speedup,
            p.workers,
            s.map_or(String::new(), |s| format!(
                "{:.4}",
                amdahl(s, f64::from(p.workers))
            )),
            s.map_or(String::new(), |s| format!("{s:.3}")),
            p.disturbed
        ));
    }
    out
}

/// A model's line colour in the chart (Okabe–Ito, apart from the span states' blue).
pub fn colour(model: Model) -> &'static str {
    match model {
        Model::Gil | Model::ToThread => "#D55E00",
        Model::Threads => "#009E73",
        Model::Processes | Model::Executor => "#CC79A7",
        Model::Interpreters => "#E69F00",
        Model::Sequential | Model::Async => "#999999",
    }
}

/// One sentence per model on what the sweep found.
pub fn summary(points: &[Point], cores: u32) -> Vec<String> {
    fits(points, cores)
        .into_iter()
        .map(|(m, s)| {
            let best = points
                .iter()
                .filter(|p| p.model == m)
                .max_by(|a, b| a.speedup.total_cmp(&b.speedup));
            let best = best.map_or(String::new(), |b| {
                format!(
                    "best {:.2}× with {} worker{}",
                    b.speedup,
                    b.workers,
                    if b.workers == 1 { "" } else { "s" }
                )
            });
            match s {
                // Below half a per cent the limit 1/s is a number nobody can reach or read.
                Some(s) if s < 0.005 => format!(
                    "{m}: {best}; Amdahl's law fits no serial part, so it sets no limit here: the cores bound the computing and the number of tasks bounds the waiting."
                ),
                Some(s) => format!(
                    "{m}: {best}; Amdahl's law fits a serial fraction of {:.0} % (limit {:.1}× on any number of cores).",
                    s * 100.0,
                    1.0 / s
                ),
                None => format!("{m}: {best}; too few sizes within the {cores} cores to fit Amdahl's law."),
            }
        })
        .collect()
}

/// The chart: speedup (y) against workers (x, on a log₂ scale), a line and dots per model,
/// the ideal (speedup = workers) dashed, the fitted Amdahl curve dotted, the core count marked.
/// Colours of text and axes follow `currentColor`, so the page's theme applies; a
/// `standalone` chart (a file) has a white background and dark text of its own.
pub fn chart_svg(
    points: &[Point],
    sizes: &[u32],
    cores: u32,
    baseline_ms: f64,
    standalone: bool,
) -> String {
    let (w, h) = (640.0, 320.0);
    let (left, right, top, bottom) = (48.0, 150.0, 16.0, 40.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let max_n = f64::from(sizes.iter().copied().max().unwrap_or(1).max(2));
    let log = |n: f64| n.max(1.0).log2();
    let x = |n: f64| left + log(n) / log(max_n) * pw;
    let top_speedup = points
        .iter()
        .map(|p| p.speedup)
        .fold(f64::from(cores).min(max_n), f64::max)
        .max(2.0)
        * 1.1;
    let y = |s: f64| top + ph - s / top_speedup * ph;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"system-ui, sans-serif\" font-size=\"11\" fill=\"currentColor\"{} role=\"img\" aria-labelledby=\"sweep-svg-title\">\n<title id=\"sweep-svg-title\">Speedup over the plain loop ({}) against pool size</title>\n",
        if standalone { " color=\"#1b1f24\"" } else { "" },
        format_ms(baseline_ms)
    );
    if standalone {
        s.push_str(&format!(
            "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n"
        ));
    }
    // Axes, grid and labels.
    let mut tick = 0.0;
    let step = if top_speedup > 20.0 {
        5.0
    } else if top_speedup > 8.0 {
        2.0
    } else {
        1.0
    };
    while tick <= top_speedup {
        s.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill-opacity=\"0.7\">{tick}×</text>\n",
            left + pw,
            y(tick),
            y(tick),
            left - 6.0,
            y(tick) + 4.0
        ));
        tick += step;
    }
    for &n in sizes {
        let n = f64::from(n);
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill-opacity=\"0.7\">{n}</text>\n",
            x(n),
            top + ph + 16.0
        ));
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">workers in the pool</text>\n<text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">speedup</text>\n",
        left + pw / 2.0,
        h - 6.0,
        top + ph / 2.0,
        top + ph / 2.0
    ));
    // Lines leave the plot at its top rather than bend along it (a flat ideal would lie).
    s.push_str(&format!(
        "<clipPath id=\"sweep-plot\"><rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\"/></clipPath>\n"
    ));
    // The cores.
    if f64::from(cores) <= max_n {
        let cx = x(f64::from(cores));
        s.push_str(&format!(
            "<line x1=\"{cx:.1}\" x2=\"{cx:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.5\" stroke-dasharray=\"2 3\"/><text x=\"{:.1}\" y=\"{:.1}\" fill-opacity=\"0.7\">{cores} cores</text>\n",
            top + ph,
            cx + 4.0,
            top + 10.0
        ));
    }
    // The ideal: speedup = workers.
    let curve = |f: &dyn Fn(f64) -> f64| {
        (0..=60)
            .map(|i| {
                let n = 2f64.powf(log(max_n) * f64::from(i) / 60.0);
                format!("{:.1},{:.1}", x(n), y(f(n)))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    s.push_str(&format!(
        "<polyline class=\"ideal\" clip-path=\"url(#sweep-plot)\" points=\"{}\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.6\" stroke-dasharray=\"6 4\"/>\n",
        curve(&|n| n)
    ));
    let fitted = fits(points, cores);
    let mut legend_y = top + 4.0;
    let legend_x = left + pw + 16.0;
    let mut legend = |s: &mut String, text: &str, colour: &str, dash: &str| {
        s.push_str(&format!(
            "<line x1=\"{legend_x}\" x2=\"{:.1}\" y1=\"{legend_y:.1}\" y2=\"{legend_y:.1}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/><text x=\"{:.1}\" y=\"{:.1}\">{text}</text>\n",
            legend_x + 22.0,
            legend_x + 28.0,
            legend_y + 4.0
        ));
        legend_y += 18.0;
    };
    legend(&mut s, "ideal (= workers)", "currentColor", "6 4");
    for (model, fraction) in &fitted {
        let c = colour(*model);
        let mut mine: Vec<&Point> = points.iter().filter(|p| p.model == *model).collect();
        crate::core::sort::sort_by_key(&mut mine, |p| p.workers);
        let line: Vec<String> = mine
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(f64::from(p.workers)), y(p.speedup)))
            .collect();
        s.push_str(&format!(
            "<g data-model=\"{}\"><polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"/>\n",
            model.id(),
            line.join(" ")
        ));
        for p in &mine {
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{}\" stroke=\"{c}\" stroke-width=\"2\"><title>{} with {} workers: {:.2}× ({}){}</title></circle>\n",
                x(f64::from(p.workers)),
                y(p.speedup),
                if p.disturbed { "none" } else { c },
                model.id(),
                p.workers,
                p.speedup,
                format_ms(p.wall_ms),
                if p.disturbed { ", disturbed" } else { "" }
            ));
        }
        if let Some(f) = fraction {
            s.push_str(&format!(
                "<polyline class=\"amdahl\" clip-path=\"url(#sweep-plot)\" points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-opacity=\"0.8\" stroke-dasharray=\"1 3\" stroke-width=\"2\"/>\n",
                curve(&|n| amdahl(*f, n))
            ));
        }
        s.push_str("</g>\n");
        legend(&mut s, model.id(), c, "none");
        if let Some(f) = fraction {
            legend(&mut s, &format!("Amdahl, s = {:.0} %", f * 100.0), c, "1 3");
        }
    }
    s.push_str("</svg>\n");
    s
}

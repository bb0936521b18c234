//! Timeline layout: time to pixels and readable tick marks.

/// Maps a time window onto a pixel width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeScale {
    /// Milliseconds at the left edge, relative to the run's start.
    pub from_ms: f64,
    /// Milliseconds at the right edge.
    pub to_ms: f64,
    pub width_px: f64,
}

impl TimeScale {
    pub fn new(from_ms: f64, to_ms: f64, width_px: f64) -> TimeScale {
        let to_ms = if to_ms > from_ms {
            to_ms
        } else {
            from_ms + 1.0
        };
        TimeScale {
            from_ms,
            to_ms,
            width_px: width_px.max(1.0),
        }
    }

    pub fn x(&self, ms: f64) -> f64 {
        (ms - self.from_ms) / (self.to_ms - self.from_ms) * self.width_px
    }

    pub fn ms_at(&self, x: f64) -> f64 {
        self.from_ms + x / self.width_px * (self.to_ms - self.from_ms)
    }

    /// Tick positions: a 1-2-5 step that leaves at least `min_gap_px` between labels.
    pub fn ticks(&self, min_gap_px: f64) -> Vec<f64> {
        let span = self.to_ms - self.from_ms;
        let wanted = (self.width_px / min_gap_px.max(1.0)).max(1.0);
        let raw = span / wanted;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let first = (self.from_ms / step).ceil() * step;
        let mut out = Vec::new();
        let mut t = first;
        while t <= self.to_ms + step * 1e-9 && out.len() < 1000 {
            out.push(t);
            t += step;
        }
        out
    }
}

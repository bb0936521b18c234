//! The CPU kernel every model runs, and its calibration.
//!
//! The kernel is a serial chain of 32-bit mixing rounds: each round depends on the previous
//! one, so no compiler can vectorise, hoist or skip it, and its result is a checksum that
//! proves the work was done. It uses only 32-bit operations so the same kernel written in
//! JavaScript (`Math.imul`, `>>> 0`) is a fair comparison in the benchmark.

/// One mixing round (xorshift followed by a multiply-rotate).
#[inline(always)]
fn round(mut x: u32) -> u32 {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    x.wrapping_mul(0x9E37_79B1).rotate_left(7) ^ 0x7F4A_7C15
}

/// Runs `rounds` rounds from `state`. Callers split long computations into chunks so they can
/// stop or yield between them; chunking does not change the result.
#[inline(never)]
pub fn run_rounds(state: u32, rounds: u64) -> u32 {
    let mut x = state;
    for _ in 0..rounds {
        x = round(x);
    }
    x
}

/// The state a step starts from: depends on the seed, the task and the step, never zero.
pub fn step_seed(seed: u32, task: u32, step: u32) -> u32 {
    let mut h = seed ^ 0x85EB_CA6B;
    h = mix32(h ^ task.wrapping_mul(0xC2B2_AE35));
    h = mix32(h ^ step.wrapping_mul(0x27D4_EB2F));
    if h == 0 {
        1
    } else {
        h
    }
}

/// murmur3's finaliser.
pub fn mix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^ (h >> 16)
}

/// A step's contribution to a run's checksum. Contributions are added, so the checksum does not
/// depend on the order in which a model finishes its steps.
pub fn contribution(task: u32, step: u32, output: u32) -> u64 {
    let hi = u64::from(mix32(output ^ task.rotate_left(16) ^ step));
    (hi << 32) | u64::from(mix32(output.wrapping_add(task).wrapping_add(step << 8)))
}

/// The checksum of a run, accumulated from step contributions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum(pub u64);

impl Checksum {
    pub fn add(&mut self, contribution: u64) {
        self.0 = self.0.wrapping_add(contribution);
    }
    pub fn merge(&mut self, other: Checksum) {
        self.0 = self.0.wrapping_add(other.0);
    }
    /// Sixteen hex digits, as shown in the page and the results.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// How many kernel rounds take one millisecond on this device.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Calibration {
    pub rounds_per_ms: u64,
}

impl Calibration {
    /// Shortest measurement that counts: shorter ones are dominated by timer resolution
    /// (100 µs in an isolated page, 1 ms in Firefox and WebKit without isolation).
    pub const MIN_SAMPLE_MS: f64 = 25.0;

    /// Samples of the final size; their median counts.
    pub const SAMPLES: usize = 5;

    /// How far the device's speed may move before a run recalibrates.
    pub const DRIFT: f64 = 0.10;
    /// Two calibrations this close in a row: the kernel's speed has settled.
    pub const SETTLED: f64 = 0.03;

    /// Rounds for a step of `ms` milliseconds.
    pub fn rounds_for(self, ms: u32) -> u64 {
        self.rounds_per_ms.saturating_mul(u64::from(ms))
    }

    /// Rounds in one chunk: about 1/20 ms, so a model checks for a lock hand-over or a stop
    /// request every 50 µs at negligible cost.
    pub fn chunk_rounds(self) -> u64 {
        (self.rounds_per_ms / 20).max(64)
    }

    /// Calibrates with `measure(rounds) -> elapsed ms`: doubles the rounds until one sample
    /// lasts [`Self::MIN_SAMPLE_MS`], then takes the median of [`Self::SAMPLES`] fresh samples
    /// of that size. The median, not the fastest: one sample cut short by a coarse clock or
    /// lengthened by a neighbour's burst moves it not at all, and a machine that stays busy
    /// calibrates to the speed its runs will really have (the runs' step-time ratio shows it).
    ///
    /// A sample of zero or less cannot be a measurement (a coarse clock, or work the compiler
    /// removed); it is ignored rather than allowed to set an absurd calibration.
    pub fn measure(mut measure: impl FnMut(u64) -> f64) -> Calibration {
        let mut rounds: u64 = 1 << 14;
        let mut elapsed = measure(rounds);
        while elapsed < Self::MIN_SAMPLE_MS && rounds < (1 << 40) {
            rounds *= 2;
            elapsed = measure(rounds);
        }
        let mut samples: Vec<f64> = (0..Self::SAMPLES)
            .map(|_| measure(rounds))
            .filter(|ms| *ms > 0.0)
            .collect();
        if samples.is_empty() {
            samples.push(elapsed);
        }
        crate::core::sort::sort_by(&mut samples, f64::total_cmp);
        Self::from_sample(rounds, samples[samples.len() / 2])
    }

    /// Measures again at this calibration's sample size until two calibrations in a row agree
    /// within [`Self::SETTLED`] (at most five more): a kernel still running unoptimised code,
    /// or a machine still busy starting workers, reads slow at first and settles after.
    pub fn settle(self, mut measure: impl FnMut(u64) -> f64) -> Calibration {
        let mut last = self;
        for _ in 0..5 {
            let rounds = last.check_rounds();
            let mut samples: Vec<f64> = (0..Self::SAMPLES)
                .map(|_| measure(rounds))
                .filter(|ms| *ms > 0.0)
                .collect();
            if samples.is_empty() {
                return last;
            }
            crate::core::sort::sort_by(&mut samples, f64::total_cmp);
            let next = Self::from_sample(rounds, samples[samples.len() / 2]);
            let ratio = next.rounds_per_ms as f64 / last.rounds_per_ms.max(1) as f64;
            last = next;
            if (ratio - 1.0).abs() <= Self::SETTLED {
                break;
            }
        }
        last
    }

    /// The rounds a quick re-check measures: about [`Self::MIN_SAMPLE_MS`] of work.
    pub fn check_rounds(self) -> u64 {
        self.rounds_for(Self::MIN_SAMPLE_MS as u32)
    }

    /// The device's speed from a re-check of `rounds` that took `elapsed_ms`, relative to this
    /// calibration, when it moved by more than [`Self::DRIFT`] (then the run recalibrates).
    pub fn drift(self, rounds: u64, elapsed_ms: f64) -> Option<f64> {
        if elapsed_ms <= 0.0 {
            return None;
        }
        let ratio = rounds as f64 / elapsed_ms / self.rounds_per_ms as f64;
        ((ratio - 1.0).abs() > Self::DRIFT).then_some(ratio)
    }

    /// Rounds per millisecond from one sample, at least 1.
    pub fn from_sample(rounds: u64, elapsed_ms: f64) -> Calibration {
        let per_ms = if elapsed_ms > 0.0 {
            (rounds as f64 / elapsed_ms).round() as u64
        } else {
            rounds
        };
        Calibration {
            rounds_per_ms: per_ms.max(1),
        }
    }
}

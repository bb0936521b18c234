//! The CPU kernel and its calibration: deterministic, chunk-independent, settled from medians, re-checked only when the device's speed moved.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use conpar::core::measure::kernel::{run_rounds, Calibration};

#[test]
fn kernel_is_deterministic_and_chunking_does_not_change_it() {
    let whole = run_rounds(12345, 10_000);
    let mut x = 12345;
    for _ in 0..10 {
        x = run_rounds(x, 1_000);
    }
    assert_eq!(whole, x);
    assert_ne!(run_rounds(12345, 10_000), run_rounds(12346, 10_000));
}

#[test]
fn calibration_doubles_until_long_enough_and_takes_the_median() {
    let mut calls = Vec::new();
    // A pretend device doing 1,000 rounds per ms.
    let c = Calibration::measure(|rounds| {
        calls.push(rounds);
        rounds as f64 / 1000.0
    });
    assert_eq!(c.rounds_per_ms, 1000);
    assert!(calls.iter().all(|r| r.is_power_of_two()));
    let last = *calls.last().expect("sampled");
    assert!(last as f64 / 1000.0 >= Calibration::MIN_SAMPLE_MS);
    assert_eq!(
        calls.iter().filter(|r| **r == last).count(),
        Calibration::SAMPLES + 1,
        "the sample that ended the doubling, then SAMPLES fresh ones"
    );

    // Of the final samples, one is cut short by a coarse clock (it would win "the fastest")
    // and one is lengthened by a neighbour's burst: the median ignores both.
    let mut n = 0;
    let c = Calibration::measure(|rounds| {
        n += 1;
        let ms = rounds as f64 / 1000.0;
        match n {
            3 => ms * 0.6,
            5 => ms * 2.0,
            _ => ms,
        }
    });
    assert_eq!(c.rounds_per_ms, 1000, "the median of 5, not the fastest");
    assert_eq!(c.rounds_for(50), 50_000);
}

#[test]
fn a_recheck_recalibrates_only_when_the_speed_moved_more_than_ten_percent() {
    let c = Calibration {
        rounds_per_ms: 1000,
    };
    assert_eq!(c.check_rounds(), 25_000);
    assert_eq!(c.drift(25_000, 26.0), None, "4 % slower: within noise");
    assert_eq!(c.drift(25_000, 23.5), None);
    let slower = c.drift(25_000, 40.0).expect("a busy machine");
    assert!((slower - 0.625).abs() < 1e-9);
    assert!(c.drift(25_000, 20.0).is_some_and(|r| r > 1.2));
    assert_eq!(
        c.drift(25_000, 0.0),
        None,
        "a reading of nothing is not a speed"
    );
}

#[test]
fn calibration_ignores_samples_that_measured_nothing() {
    let mut calls = 0;
    // 1,000 rounds per ms, but every sample after the doubling reads 0 ms (the work was not done).
    let c = Calibration::measure(|rounds| {
        calls += 1;
        let ms = rounds as f64 / 1000.0;
        if ms >= Calibration::MIN_SAMPLE_MS && calls > 2 {
            0.0
        } else {
            ms
        }
    });
    assert_eq!(c.rounds_per_ms, 1000);
}

#[test]
fn a_calibration_settles_once_two_in_a_row_agree() {
    use conpar::core::measure::kernel::Calibration;
    // A kernel that runs at 1000 rounds/ms for its first 9 samples (unoptimised), then at
    // 1300: the first calibration reads slow; settling follows the speed up and stops.
    let mut calls = 0;
    let mut measure = |rounds: u64| {
        calls += 1;
        rounds as f64 / if calls <= 9 { 1000.0 } else { 1300.0 }
    };
    let first = Calibration::measure(&mut measure);
    assert_eq!(first.rounds_per_ms, 1000);
    let settled = first.settle(&mut measure);
    assert_eq!(settled.rounds_per_ms, 1300);
    // A steady kernel settles at once: one more calibration's samples.
    let mut steady = 0;
    let c = Calibration::from_sample(25_000, 25.0).settle(|r| {
        steady += 1;
        r as f64 / 1000.0
    });
    assert_eq!((c.rounds_per_ms, steady), (1000, Calibration::SAMPLES));
}

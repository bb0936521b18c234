//! What is measured: the CPU kernel and its calibration, spans and traces, durations in words.

pub mod kernel;
pub mod trace;
pub mod units;

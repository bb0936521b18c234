//! What is measured: the CPU kernel and its calibration, spans and traces, recordings of runs,
//! durations in words.

pub mod kernel;
pub mod recording;
pub mod trace;
pub mod units;

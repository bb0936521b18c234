//! What is measured: the CPU kernel and its calibration, spans and traces, recordings of runs
//! (and the bytes they and the workers' messages are written in), durations in words.

pub mod bytes;
pub mod kernel;
pub mod recording;
pub mod trace;
pub mod units;

//! The pure core: no browser, no threads. Tested natively. Grouped by what each part does; each
//! group uses only the groups above it in this list:
//! - [`sort`]: the one sort every part uses (in a module that phones download, small beats fast);
//! - [`measure`]: the CPU kernel and its calibration, spans and traces, durations in words;
//! - [`input`]: the workload language and its limits, the scenario and its URL;
//! - [`analysis`]: what a run's traces say — results, latency, physics checks, verdict,
//!   advice, expected schedules, the worker sweep;
//! - [`drawing`]: time → pixels, the timeline's scene and its painters, file exports;
//! - [`python`]: the equivalent CPython programs, and traces that real CPython wrote;
//! - [`session`]: the page's one state machine: inputs in, effects out.

pub mod analysis;
pub mod drawing;
pub mod input;
pub mod measure;
pub mod protocol;
pub mod python;
pub mod session;
pub mod sort;

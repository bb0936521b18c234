//! The pure core: no browser, no threads. The workload language and its limits, the CPU kernel
//! and its calibration, spans and traces, metrics, layout and export. Tested natively.

pub mod advice;
pub mod export;
pub mod import;
pub mod kernel;
pub mod latency;
pub mod layout;
pub mod python;
pub mod scenario;
pub mod scene;
pub mod schedule;
pub mod summary;
pub mod sweep;
pub mod trace;
pub mod verdict;
pub mod workload;

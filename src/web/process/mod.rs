//! `processes`: P workers, each with its own wasm instance and memory, like a
//! `ProcessPoolExecutor`. Nothing is shared: each task's steps and payload are copied in by
//! `postMessage`, its spans and output copied back. [`host`] is the conductor's side (start the
//! workers, hand out tasks, record `spawn` and `copy`); [`worker`] runs inside each process.

pub mod host;
pub mod worker;

//! What a person gives: the workload language and its limits, and the scenario (every setting,
//! read from and written to the URL query).

pub mod scenario;
pub mod workload;

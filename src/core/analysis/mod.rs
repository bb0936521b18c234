//! What a run's traces say: each model's results (built whole in [`results`]), per-task
//! latency, the physics checks and the verdict, advice, the claims judged by a run, the
//! expected schedules drawn before a run, and the worker sweep.

pub mod advice;
pub mod claims;
pub mod latency;
pub mod pauses;
pub mod plan;
pub mod predict;
pub mod results;
pub mod schedule;
pub mod summary;
pub mod sweep;
pub mod verdict;

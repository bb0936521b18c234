//! Real CPython beside the browser: the stdlib program each model stands for, and traces that
//! such programs (or any Chrome-trace profiler) wrote, read back.

pub mod import;
pub mod program;

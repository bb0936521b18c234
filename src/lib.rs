//! conpar: concurrency and parallelism side by side, measured for real.
//!
//! Three layers, one folder each: [`core`] is pure Rust (workload language, kernel, traces,
//! metrics, layout, export); [`engine`] runs the execution models on real threads (`std` +
//! `rayon`, so it runs natively in tests too); `web` is the browser glue, compiled for wasm32
//! only.

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
compile_error!(
    "conpar's wasm build needs threads: build with the flags in .cargo/config.toml \
     (+atomics,+bulk-memory and the shared-memory linker arguments)"
);

pub mod core;
pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod web;

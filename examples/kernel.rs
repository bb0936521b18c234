//! Native speed of the CPU kernel (release build), for the benchmark's wasm/JS/native table:
//! prints the fastest of five runs as JSON.
use conpar::core::measure::kernel::run_rounds;
use std::time::Instant;

fn main() {
    let rounds: u64 = 50_000_000;
    let mut best = f64::INFINITY;
    let mut out = 0;
    for _ in 0..5 {
        let t = Instant::now();
        out = std::hint::black_box(run_rounds(std::hint::black_box(1), rounds));
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "{{\"rounds\":{rounds},\"ms\":{best:.3},\"rounds_per_ms\":{:.0},\"result\":{out}}}",
        rounds as f64 / best
    );
}

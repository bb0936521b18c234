//! The machine's own ceiling for parallel speedup: the kernel on one thread, then on two at once
//! (native threads, no browser). Prints JSON.
use conpar::core::measure::kernel::run_rounds;
use std::time::Instant;

fn main() {
    let rounds: u64 = 40_000_000;
    let time = |threads: u64| {
        let t = Instant::now();
        std::thread::scope(|s| {
            for i in 0..threads {
                s.spawn(move || {
                    std::hint::black_box(run_rounds(std::hint::black_box(i as u32 + 1), rounds))
                });
            }
        });
        t.elapsed().as_secs_f64()
    };
    let mut one = f64::INFINITY;
    let mut two = f64::INFINITY;
    for _ in 0..5 {
        one = one.min(time(1));
        two = two.min(time(2));
    }
    // Two threads do twice the work: their speedup over one is 2 × one / two.
    println!(
        "{{\"one_s\":{one:.4},\"two_s\":{two:.4},\"ceiling\":{:.3}}}",
        2.0 * one / two
    );
}

//! Judges a claim on traces from real CPython, with the criterion the page uses on its own
//! runs: `cargo run --release --example judge -- <claim> <threads> <processes> <cores>
//! <trace.json>...` (the traces `tools/cpython_check.py --traces DIR` writes, one per model;
//! their workload is read from them). Prints `{"verdict": …, "because": …}`. scripts/claims.mjs
//! puts this beside the page's verdict on the same experiment.
use conpar::core::analysis::claims::{claim, Evidence};
use conpar::core::analysis::latency::Planned;
use conpar::core::analysis::results::of_imported;
use conpar::core::input::workload::Workload;
use conpar::core::python::import::import;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [id, threads, processes, cores, files @ ..] = args.as_slice() else {
        return Err("usage: judge <claim> <threads> <processes> <cores> <trace.json>...".into());
    };
    let c = claim(id).ok_or(format!("no claim {id}"))?;
    let number = |s: &str| s.parse::<u32>().map_err(|e| format!("{s}: {e}"));
    let mut traces = Vec::new();
    let mut text = None;
    for f in files {
        let body = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        let imported = import(&body, f)?;
        let workload = imported
            .workload
            .clone()
            .ok_or(format!("{f} names no workload"))?;
        let parsed = Workload::parse(&workload).map_err(|e| e.to_string())?;
        text = Some(workload);
        traces.push((imported.trace, Planned::of(&parsed)));
    }
    let workload = Workload::parse(&text.ok_or("no trace given")?).map_err(|e| e.to_string())?;
    let results = of_imported(&traces);
    let e = Evidence {
        results: &results,
        workload: &workload,
        cores: number(cores)?,
        threads: number(threads)?,
        processes: number(processes)?,
        switch_ms: 5.0,
        agree: true,
        unavailable: None,
    };
    let j = c.judge(&e);
    let out = serde_json::json!({
        "verdict": j.verdict.map(|v| v.id()),
        "because": j.because,
    });
    println!("{out}");
    Ok(())
}

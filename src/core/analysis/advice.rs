//! The learner's question, answered for this workload: which model, why, and the caveat that
//! matters, in one or two sentences computed from the measured results and per-task latency.
//! Disturbed numbers get no recommendation.

use crate::core::analysis::results::ModelResult;
use crate::core::analysis::verdict::Expectation;
use crate::core::measure::trace::Model;
use crate::core::measure::units::{capitalised, format_ms};

/// A stall this much longer than another model's worst (and at least [`STALL_MS`]) is worth a
/// warning.
const STALL_RATIO: f64 = 3.0;
const STALL_MS: f64 = 50.0;

/// What to keep in mind when choosing `model`.
fn caveat(model: Model, expect: &Expectation) -> String {
    match model {
        Model::Sequential => "nothing here gains from running tasks at once".into(),
        Model::Async => {
            let base = "asyncio needs async libraries (aiohttp, asyncpg) for its waits; with blocking ones, use a thread pool";
            match expect.limit.filter(|&n| n < expect.tasks) {
                Some(n) => format!("{base}. Here asyncio.Semaphore({n}) kept {n} of the {} tasks in flight at once, as a server's rate limit or a connection pool asks; the rest queued for it", expect.tasks),
                None => base.into(),
            }
        }
        Model::Gil => format!(
            "a thread pool works with blocking libraries; size it to the calls in flight (here {} threads for {} tasks)",
            expect.threads, expect.tasks
        ),
        Model::Threads => "free threads need the free-threaded build (python3.14t); on the standard build threads compute one at a time, as gil shows".into(),
        Model::ToThread => "to_thread keeps the loop serving other tasks while a thread computes, but on the GIL build its threads and the loop take turns on the GIL, so a task still waits up to a switch interval at a time".into(),
        Model::Executor => "run_in_executor keeps the loop free while processes compute, and pays what processes pay: the pool's start-up and a pickled copy of every argument and result".into(),
        Model::Interpreters => "interpreters compute in parallel on the standard build, each with its own GIL, and share nothing: every argument and result is pickled across, and each interpreter imports its modules when it starts; a C extension imports in one only if it declares support for subinterpreters".into(),
        Model::Processes => {
            let base = "each process costs a start-up (cheap with fork; with forkserver, Linux's default from 3.14, a program's first pool also starts the server; dearer with spawn on macOS and Windows) and a pickled copy of its data";
            let per_task_ms = expect.cpu_ms / f64::from(expect.tasks.max(1));
            if expect.chunksize > 1 {
                format!("{base}, paid per message: chunksize={} sent that many tasks in each", expect.chunksize)
            } else if expect.tasks >= 20 * expect.processes && per_task_ms <= 5.0 {
                format!("{base}, paid per message: with {} tasks this small, map(..., chunksize=n) sends many in each", expect.tasks)
            } else {
                base.into()
            }
        }
    }
}

fn speedup(r: &ModelResult) -> String {
    r.speedup
        .map_or(String::new(), |s| format!(" ({s:.1}× the plain loop)"))
}

/// One or two sentences recommending a model for this workload, or `None` when the numbers
/// cannot carry one (disturbed, or fewer than two models measured).
pub fn recommend(results: &[ModelResult], expect: &Expectation) -> Option<String> {
    if results.len() < 2 || results.iter().any(|r| !r.disturbed.is_empty()) {
        return None;
    }
    let find = |m: Model| results.iter().find(|r| r.model == m);
    let fastest = results
        .iter()
        .min_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms))?;
    let cpu = expect.cpu_ms > 0.0;
    if expect.tasks <= 1 {
        return Some("One task: nothing can overlap, so a plain loop is as good as any model. Split the work into several tasks to gain from asyncio, threads or processes.".into());
    }
    // Async's slowest-served task against the best other model's, when it stalled far longer.
    let stall_warning = find(Model::Async)
        .and_then(|a| a.latency.as_ref())
        .map(|l| l.stall_worst_ms)
        .and_then(|worst| {
            let other = results
                .iter()
                .filter(|r| r.model != Model::Async && r.model != Model::Sequential)
                .filter_map(|r| Some((r.model, r.latency.as_ref()?.stall_worst_ms)))
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            // Where the fix itself ran, its own row says what it did.
            let offloaded = match find(Model::Executor).and_then(|r| r.latency.as_ref()) {
                Some(_) if other.0 == Model::Executor => ", as executor does".to_string(),
                Some(l) => format!(
                    "; executor, which does the latter, stalled at most {}",
                    format_ms(l.stall_worst_ms)
                ),
                None => String::new(),
            };
            (cpu && worst >= STALL_MS && worst > STALL_RATIO * other.1).then(|| {
                format!(
                    " Under asyncio one task stalled {} waiting for the event loop, against {} under {}: CPU steps block the loop, so keep them off it (asyncio.to_thread, or a ProcessPoolExecutor through loop.run_in_executor{offloaded}).",
                    format_ms(worst),
                    format_ms(other.1),
                    other.0
                )
            })
        })
        .unwrap_or_default();
    if !cpu {
        let waits: Vec<String> = [Model::Async, Model::Gil]
            .into_iter()
            .filter_map(find)
            .map(|r| format!("{}{}", r.model, speedup(r)))
            .collect();
        if waits.is_empty() {
            return Some(
                "Every task only waits: run async or gil to see the waits overlap.".into(),
            );
        }
        return Some(format!(
            "asyncio or a thread pool: every task only waits, and overlapping the waits is what counts ({}). {}.",
            waits.join(", "),
            capitalised(&caveat(Model::Async, expect)),
        ));
    }
    if expect.cores <= 1 && !expect.io {
        return Some("This device reports one core, so no model computes in parallel: a plain loop is as fast as any for CPU-bound work.".into());
    }
    if !expect.io {
        let parallel = [Model::Processes, Model::Threads, Model::Interpreters]
            .into_iter()
            .filter_map(find)
            .min_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
        return Some(match parallel {
            Some(p) => format!(
                "{}: the work is CPU-bound, and only processes, interpreters or free threads compute on several cores{}; asyncio and GIL threads cannot. But {}.",
                p.model,
                speedup(p),
                caveat(p.model, expect)
            ),
            None => "The work is CPU-bound: run processes or threads to see it spread over the cores; asyncio and GIL threads cannot.".into(),
        });
    }
    Some(format!(
        "{}: the fastest here{}, for a workload that both waits and computes. Keep in mind: {}.{stall_warning}",
        fastest.model,
        speedup(fastest),
        caveat(fastest.model, expect)
    ))
}

//! The Python program each model stands for, generated from the workload: stdlib only,
//! runnable as it is with `python3`. Each embeds conpar's runner (`tools/conpar_runner.py`,
//! which the CPython check imports too, so there is one runner), times itself and writes a
//! Chrome trace that the page draws beside its own panels.

use crate::core::input::workload::{Step, Workload};
use crate::core::measure::trace::Model;

/// The runner every program embeds, as it is in the repository.
pub const RUNNER: &str = include_str!("../../../tools/conpar_runner.py");

/// The file a model's program is saved as.
pub fn file_name(model: Model) -> String {
    format!("conpar_{}.py", model.id())
}

/// The file the program writes its trace to, unless told another.
pub fn trace_name(model: Model) -> String {
    format!("conpar-{}.trace.json", model.id())
}

/// What the program does, in Python's own terms, and the lines that matter.
fn gist(
    model: Model,
    (threads, processes): (u32, u32),
    (limit, chunksize): (Option<u32>, u32),
) -> (String, String) {
    match model {
        Model::Async if limit.is_some() => {
            let n = limit.unwrap_or(1);
            (
                format!("asyncio with at most {n} tasks in flight: asyncio.Semaphore({n}) around each coroutine"),
                format!("semaphore = asyncio.Semaphore({n})\n    async def bounded(steps):\n        async with semaphore: await task(steps)\n    await asyncio.gather(*(bounded(steps) for steps in TASKS))"),
            )
        }
        Model::Processes if chunksize > 1 => (
            format!("multiprocessing: ProcessPoolExecutor(max_workers={processes}).map with chunksize={chunksize}, so each message carries {chunksize} tasks; the platform's start method (fork up to 3.13 and forkserver from 3.14 on Linux, spawn on macOS and Windows); each payload is pickled to its worker and back"),
            format!("with ProcessPoolExecutor(max_workers={processes}) as pool:\n        pool.map(run_task, TASKS, chunksize={chunksize})"),
        ),
        Model::Sequential => (
            "a plain loop: one task after another".into(),
            "for steps in TASKS:\n        run_task(steps)   # time.sleep for io, a pure-Python loop for cpu".into(),
        ),
        Model::Async => (
            "asyncio: one event loop, every task a coroutine".into(),
            "await asyncio.gather(*(task(steps) for steps in TASKS))   # asyncio.sleep for io".into(),
        ),
        Model::Gil => (
            format!("threading on the standard (GIL) build: ThreadPoolExecutor(max_workers={threads})"),
            format!("with ThreadPoolExecutor(max_workers={threads}) as pool:\n        for steps in TASKS: pool.submit(run_task, steps)"),
        ),
        Model::Threads => (
            format!("threading on the free-threaded build: ThreadPoolExecutor(max_workers={threads}); run it with python3.14t (the same code on the GIL build is the `gil` model)"),
            format!("with ThreadPoolExecutor(max_workers={threads}) as pool:\n        for steps in TASKS: pool.submit(run_task, steps)"),
        ),
        Model::ToThread => (
            format!("asyncio with its CPU work on threads: each cpu step is awaited as asyncio.to_thread(spin, rounds), on a default executor of ThreadPoolExecutor(max_workers={threads}); run it on the GIL build (python3) to see the threads and the loop take turns"),
            format!("loop.set_default_executor(ThreadPoolExecutor(max_workers={threads}))\n    await asyncio.gather(*(task(steps) for steps in TASKS))\n    # in each task, a cpu step is: await asyncio.to_thread(spin, rounds)"),
        ),
        Model::Executor => (
            format!("asyncio with its CPU work in a process pool: each cpu step is awaited through loop.run_in_executor on a ProcessPoolExecutor(max_workers={processes}), so the event loop keeps serving the other tasks"),
            format!("with ProcessPoolExecutor(max_workers={processes}) as pool:\n        await asyncio.gather(*(task(steps) for steps in TASKS))\n    # in each task, a cpu step is: await loop.run_in_executor(pool, spin, rounds)"),
        ),
        Model::Interpreters => (
            format!("Python 3.14's InterpreterPoolExecutor(max_workers={processes}): each worker a subinterpreter with its own GIL in this one process; each payload is pickled into it and back. It needs Python 3.14 or newer"),
            format!("with InterpreterPoolExecutor(max_workers={processes}) as pool:\n        pool.map(run_task, TASKS)"),
        ),
        Model::Processes => (
            format!("multiprocessing: ProcessPoolExecutor(max_workers={processes}) with the platform's start method (fork up to 3.13 and forkserver from 3.14 on Linux, spawn on macOS and Windows); each payload is pickled to its worker and back"),
            format!("with ProcessPoolExecutor(max_workers={processes}) as pool:\n        for steps, payload in TASKS: pool.submit(run_task, steps, bytes(payload))"),
        ),
    }
}

/// A Python literal for a step list: `[("io", 200), ("cpu", 20)]`.
fn steps_literal(steps: &[Step]) -> String {
    let items: Vec<String> = steps
        .iter()
        .map(|s| match s {
            Step::Io(ms) => format!("(\"io\", {ms})"),
            Step::Cpu(ms) => format!("(\"cpu\", {ms})"),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// The program for `model` on `workload`, with pools of `threads` and `processes`.
pub fn program(model: Model, workload: &Workload, pools: (u32, u32)) -> String {
    program_bounded(model, workload, pools, (None, 1))
}

/// [`program`] with asyncio bounded to `limit` tasks in flight and `ProcessPoolExecutor.map`
/// given `chunksize`.
pub fn program_bounded(
    model: Model,
    workload: &Workload,
    (threads, processes): (u32, u32),
    (limit, chunksize): (Option<u32>, u32),
) -> String {
    let (what, core) = gist(model, (threads, processes), (limit, chunksize));
    let bounds = match (model, limit) {
        (Model::Async, Some(n)) => format!(", limit={n}"),
        (Model::Processes, _) if chunksize > 1 => format!(", chunksize={chunksize}"),
        _ => String::new(),
    };
    let workers = match model {
        Model::Gil | Model::Threads => threads.to_string(),
        Model::Processes | Model::Executor | Model::Interpreters => processes.to_string(),
        Model::ToThread => threads.to_string(),
        Model::Sequential | Model::Async => "None".to_string(),
    };
    let mut groups = String::new();
    for (count, task) in workload.groups() {
        groups.push_str(&format!(
            "    ({count}, {}, {}),\n",
            steps_literal(&task.steps),
            task.payload
        ));
    }
    // The canonical workload text holds digits, letters, commas and newlines only.
    let text = workload.to_text().replace('\n', "\\n");
    format!(
        r#"#!/usr/bin/env python3
"""conpar's workload as {what}.

Generated by conpar. Standard library only; Python {version} or newer. Run it:

    python3 {file}

It calibrates a pure-Python CPU loop on this machine (`cpu 50` computes for about 50 ms),
runs the workload (`io` steps are sleeps, as conpar's are timers), prints the wall time and
writes {trace}, a Chrome trace: open it in conpar ("Open a CPython trace") to see it beside
the browser's run, or in https://ui.perfetto.dev. What it runs, without the timing:

    {core}
"""
{RUNNER}

# The workload as written in conpar: (count, steps, payload bytes) per line.
WORKLOAD = "{text}"
GROUPS = [
{groups}]

if __name__ == "__main__":
    main(GROUPS, WORKLOAD, "{id}", workers={workers}{bounds})
"#,
        version = if model == Model::Interpreters {
            "3.14"
        } else {
            "3.8"
        },
        file = file_name(model),
        trace = trace_name(model),
        id = model.id(),
    )
}

#!/usr/bin/env python3
"""Runs a conpar workload under real CPython, for comparison with what conpar measures.

The same workload (conpar's workload language) runs as a plain loop, with asyncio.gather,
with ThreadPoolExecutor(threads) and with ProcessPoolExecutor(processes) (the platform's
default start method, and spawn). `io <ms>` is a blocking time.sleep (asyncio.sleep under
asyncio); `cpu <ms>` is a pure-Python loop calibrated on this machine to last about that long
on one core, so it holds the GIL as conpar's `gil` model assumes. A payload is pickled to the
worker and back under processes.

Prints JSON shaped like conpar's `window.conpar.results()`:
    [{"model": "sequential", "wall_ms": ..., "speedup": 1.0, "finish_ms": [per task], ...}, ...]
(`async` is asyncio, `gil` is ThreadPoolExecutor, `processes` is ProcessPoolExecutor with the
default start method, `processes-spawn` with spawn, `executor` asyncio whose cpu steps go to a
ProcessPoolExecutor through loop.run_in_executor, `to_thread` asyncio whose cpu steps go to
asyncio.to_thread on a default executor of `--threads` threads, `interpreters` Python 3.14's
InterpreterPoolExecutor of `--processes` subinterpreters, `processes-forkserver` and
`processes-fork` the other start methods). `--table` prints a table instead.

Standard library only: python3 tools/cpython_check.py --workload "8 x io 200" --threads 8
"""

import argparse
import json
import multiprocessing as mp
import os
import re
import sys

# The runner the page's generated Python programs embed: one runner, two users.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conpar_runner import calibrate, chrome_trace, gil_enabled, run_model  # noqa: E402

PRESETS = {
    "io": "8 x io 200",
    "cpu": "8 x cpu 100 payload 256kb",
    "mixed": "6 x io 120, cpu 40, io 60 payload 64kb",
    "hog": "cpu 1000\n" + ", ".join(["io 20, cpu 1"] * 25),
}
UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024 * 1024}


def parse(text):
    """conpar's workload language: one task per line or `;`, `N x` repeats, steps separated by
    commas (`io <ms>`, `cpu <ms>`), an optional `payload <size>`; `#` starts a comment.
    Returns a list of (steps, payload bytes), one per task."""
    tasks = []
    for number, line in enumerate(re.split(r"[;\n]", text), start=1):
        line = line.split("#", 1)[0].strip().lower()
        if not line:
            continue
        count = 1
        m = re.match(r"^(\d+)\s*[x×]\s*(.*)$", line)
        if m:
            count, line = int(m.group(1)), m.group(2)
        payload = 0
        m = re.search(r"\bpayload\s+(\d+)\s*(mb|kb|b)?\s*$", line)
        if m:
            payload = int(m.group(1)) * UNITS[m.group(2) or ""]
            line = line[: m.start()]
        steps = []
        for part in filter(None, (p.strip() for p in line.split(","))):
            m = re.match(r"^(io|cpu)\s+(\d+)\s*(ms)?$", part)
            if not m:
                raise SystemExit(f"line {number}: cannot read step `{part}`")
            steps.append((m.group(1), int(m.group(2))))
        if not steps:
            raise SystemExit(f"line {number}: a task needs at least one step")
        tasks.extend([(steps, payload)] * count)
    if not tasks:
        raise SystemExit("the workload has no tasks")
    return tasks


def timed(model, tasks, per_ms, workers=None, method=None, trace=None, limit=None, chunksize=1):
    """Wall ms of one run; with `trace` (a path and the run's facts), its Chrome trace too, as
    the page's generated programs write it. `limit` bounds asyncio (a Semaphore), `chunksize`
    is ProcessPoolExecutor.map's."""
    begin, end, spans = run_model(model, tasks, per_ms, workers, method, limit, chunksize)
    if trace:
        path, info = trace
        with open(path, "w") as f:
            json.dump(chrome_trace(model, begin, end, spans, dict(info, workers=workers, start_method=method)), f)
    # When each task finished, from the start (spans: lane, task, step, kind, ms, start, end).
    finish = {}
    for s in spans:
        if s[1] >= 0:
            finish[s[1]] = max(finish.get(s[1], 0.0), (s[6] - begin) * 1000)
    return (end - begin) * 1000, [finish[t] for t in sorted(finish)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", default="io", help="workload text, or a preset: io, cpu, mixed")
    parser.add_argument("--threads", type=int, default=None, help="ThreadPoolExecutor max_workers (default: Python's own)")
    parser.add_argument("--processes", type=int, default=None, help="ProcessPoolExecutor max_workers (default: Python's own)")
    parser.add_argument("--limit", type=int, default=None, help="asyncio: at most this many tasks in flight (asyncio.Semaphore), as conpar's limit=")
    parser.add_argument("--chunksize", type=int, default=1, help="processes: ProcessPoolExecutor.map's chunksize, as conpar's chunksize=")
    parser.add_argument("--models", default="sequential,async,gil,processes,processes-spawn")
    parser.add_argument("--later", action="store_true", help="run each model once unmeasured first, so each pool measured is its program's later pool (a fork server already started)")
    parser.add_argument("--table", action="store_true", help="print a table instead of JSON")
    parser.add_argument("--traces", metavar="DIR", help="also write each run's Chrome trace to DIR/<model>.json (conpar opens them)")
    args = parser.parse_args()
    tasks = parse(PRESETS.get(args.workload, args.workload))
    per_ms = calibrate()
    cores = mp.cpu_count()
    threads = args.threads or min(32, cores + 4)
    processes = args.processes or cores
    default_method = mp.get_start_method()
    text = PRESETS.get(args.workload, args.workload)
    facts = {"generator": "conpar", "implementation": sys.implementation.name,
             "python": sys.version.split()[0], "gil": gil_enabled(), "cores": cores,
             "workload": text, "rounds_per_ms": per_ms}

    def trace(name):
        return (os.path.join(args.traces, f"{name}.json"), facts) if args.traces else None

    runs = {
        "sequential": lambda: timed("sequential", tasks, per_ms, trace=trace("sequential")),
        "async": lambda: timed("async", tasks, per_ms, trace=trace("async"), limit=args.limit),
        "gil": lambda: timed("gil", tasks, per_ms, threads, trace=trace("gil")),
        "processes": lambda: timed("processes", tasks, per_ms, processes, default_method, trace("processes"), chunksize=args.chunksize),
        "to_thread": lambda: timed("to_thread", tasks, per_ms, threads, trace=trace("to_thread")),
        "executor": lambda: timed("executor", tasks, per_ms, processes, default_method, trace("executor")),
        "processes-spawn": lambda: timed("processes", tasks, per_ms, processes, "spawn", trace("processes-spawn"), chunksize=args.chunksize),
        "processes-forkserver": lambda: timed("processes", tasks, per_ms, processes, "forkserver", trace("processes-forkserver"), chunksize=args.chunksize),
        "processes-fork": lambda: timed("processes", tasks, per_ms, processes, "fork", trace("processes-fork"), chunksize=args.chunksize),
        "interpreters": lambda: timed("interpreters", tasks, per_ms, processes, trace=trace("interpreters")),
    }
    wanted = [m.strip() for m in args.models.split(",") if m.strip()]
    results = []
    for model in wanted:
        if model not in runs:
            raise SystemExit(f"unknown model `{model}`; use {', '.join(runs)}")
        if args.later:
            runs[model]()
        wall, finish = runs[model]()
        results.append({"model": model, "wall_ms": wall, "finish_ms": finish})
    base = next((r["wall_ms"] for r in results if r["model"] == "sequential"), None)
    for r in results:
        r["speedup"] = base / r["wall_ms"] if base else None
    info = {
        "python": sys.version.split()[0],
        "start_method": default_method,
        "threads": threads,
        "processes": processes,
        "cores": cores,
        "limit": args.limit,
        "chunksize": args.chunksize,
    }
    if args.table:
        bounds = (f", limit={args.limit}" if args.limit else "") + (f", chunksize={args.chunksize}" if args.chunksize > 1 else "")
        print(f"CPython {info['python']}, {cores} cores, threads={threads}, processes={processes} ({default_method}){bounds}")
        for r in results:
            speedup = f"{r['speedup']:.2f}x" if r["speedup"] else "–"
            print(f"  {r['model']:<16} {r['wall_ms']:9.1f} ms  {speedup}")
    else:
        print(json.dumps({"cpython": info, "results": results}))


if __name__ == "__main__":
    main()

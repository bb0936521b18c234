# conpar's runner: one workload under one of Python's models, timed, written out as a Chrome
# trace that conpar draws beside its own panels. Standard library only. The page's "Python"
# programs embed this file as it is, and tools/cpython_check.py imports it, so what a user runs
# at home and what the benchmark compares are the same code.
import asyncio
import concurrent.futures as cf
import json
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time

MODELS = ("sequential", "async", "gil", "threads", "processes", "to_thread", "executor",
          "interpreters")
_started = None  # when this worker process started (set by the pool's initializer)


def spin(rounds):
    """The CPU kernel: a serial chain of integer operations in pure Python, so it holds the
    GIL for as long as it runs, as conpar's `gil` model assumes."""
    x = 1
    for _ in range(rounds):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    return x


def calibrate():
    """Rounds of `spin` per millisecond here: the median of five samples of at least 25 ms,
    as conpar calibrates its kernel, after half a second of warm-up (a fresh process's first
    reading can be 40 % slow while the CPU comes up to speed)."""
    warm_until = time.perf_counter() + 0.5
    while time.perf_counter() < warm_until:
        spin(10_000)
    rounds = 1 << 12
    while True:
        start = time.perf_counter()
        spin(rounds)
        if (time.perf_counter() - start) * 1000 >= 25:
            break
        rounds *= 2
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        spin(rounds)
        samples.append((time.perf_counter() - start) * 1000)
    return rounds / statistics.median(samples)


def expand(groups):
    """[(count, steps, payload bytes)] as written → one (steps, payload) per task."""
    return [(steps, payload) for count, steps, payload in groups for _ in range(count)]


def _process_started():
    global _started
    _started = time.perf_counter()


def run_task(task, steps, per_ms, payload=b""):
    """One task with blocking waits (a plain loop, a thread, a process). Returns where it ran,
    when that process started, its spans (task, step, kind, planned ms, start, end) and the
    payload (so a process pickles it back)."""
    spans = []
    for step, (kind, ms) in enumerate(steps):
        start = time.perf_counter()
        if kind == "cpu":
            spin(int(per_ms * ms))
        else:
            time.sleep(ms / 1000)
        spans.append((task, step, kind, ms, start, time.perf_counter()))
    return (os.getpid(), threading.get_ident()), _started, spans, payload


def _with_asyncio(tasks, per_ms, limit=None):
    spans = []
    free, used = [], [0]

    def slot():
        # A pending wait has no thread: drawn on the lowest free slot, as conpar does.
        free.sort()
        lane = free.pop(0) if free else used[0] + 1
        used[0] = max(used[0], lane)
        return lane

    async def one(task, steps, semaphore):
        if semaphore is None:
            await steps_of(task, steps)
        elif not semaphore.locked():
            async with semaphore:
                await steps_of(task, steps)
        else:
            # Queued behind the tasks in flight: its own state, on a wait slot.
            lane, start = slot(), time.perf_counter()
            async with semaphore:
                spans.append((lane, task, 0, "sem-wait", 0, start, time.perf_counter()))
                free.append(lane)
                await steps_of(task, steps)

    async def steps_of(task, steps):
        for step, (kind, ms) in enumerate(steps):
            start = time.perf_counter()
            if kind == "cpu":
                spin(int(per_ms * ms))  # blocks the event loop, as CPU work under asyncio does
                spans.append((0, task, step, kind, ms, start, time.perf_counter()))
            else:
                lane = slot()
                await asyncio.sleep(ms / 1000)
                spans.append((lane, task, step, kind, ms, start, time.perf_counter()))
                free.append(lane)

    async def main():
        # asyncio.Semaphore(limit) around each task bounds how many are in flight.
        semaphore = asyncio.Semaphore(limit) if limit else None
        await asyncio.gather(*(one(i, steps, semaphore) for i, (steps, _) in enumerate(tasks)))

    asyncio.run(main())
    return spans


def _timed_spin(rounds, payload=b""):
    """A cpu step sent to a pool process: where and when it ran, and the payload back."""
    start = time.perf_counter()
    spin(rounds)
    return os.getpid(), _started, start, time.perf_counter(), payload


def _with_executor(tasks, per_ms, workers, method, begin):
    """asyncio whose cpu steps are awaited through loop.run_in_executor on a process pool.
    Lanes: 0 the event loop (it computes nothing), 1 every pending wait, 2… the processes in
    the order they first computed, each with its start-up."""
    spans, first = [], {}

    async def one(pool, task, steps, payload):
        loop = asyncio.get_running_loop()
        for step, (kind, ms) in enumerate(steps):
            start = time.perf_counter()
            if kind == "cpu":
                pid, started, a, b, _ = await loop.run_in_executor(
                    pool, _timed_spin, int(per_ms * ms), bytes(payload))
                first.setdefault(pid, (a, started))
                spans.append((pid, task, step, kind, ms, a, b))
            else:
                await asyncio.sleep(ms / 1000)
                spans.append((None, task, step, kind, ms, start, time.perf_counter()))

    async def main():
        context = mp.get_context(method)
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                    initializer=_process_started) as pool:
            await asyncio.gather(*(one(pool, i, steps, size) for i, (steps, size) in enumerate(tasks)))

    asyncio.run(main())
    lane = {pid: 2 + i for i, pid in enumerate(sorted(first, key=lambda p: first[p][0]))}
    out = [(1 if pid is None else lane[pid],) + tuple(rest) for pid, *rest in spans]
    for pid, (_, started) in first.items():
        out.append((lane[pid], -1, 0, "spawn", 0, begin, max(begin, started or begin)))
    return out


def _timed_spin_here(rounds):
    """A cpu step sent to a thread: which thread, and when it ran."""
    start = time.perf_counter()
    spin(rounds)
    return threading.get_ident(), start, time.perf_counter()


def _with_to_thread(tasks, per_ms, workers):
    """asyncio whose cpu steps are awaited through asyncio.to_thread on a default executor of
    `workers` threads. Lanes: 0 the event loop, 1 every pending wait, 2… the threads in the
    order they first computed."""
    spans, first = [], {}

    async def one(task, steps):
        loop = asyncio.get_running_loop()
        for step, (kind, ms) in enumerate(steps):
            start = time.perf_counter()
            if kind == "cpu":
                # asyncio.to_thread (3.9+) is run_in_executor on the default executor.
                where, a, b = await loop.run_in_executor(None, _timed_spin_here, int(per_ms * ms))
                first.setdefault(where, a)
                spans.append((where, task, step, kind, ms, a, b))
            else:
                await asyncio.sleep(ms / 1000)
                spans.append((None, task, step, kind, ms, start, time.perf_counter()))

    async def main():
        pool = cf.ThreadPoolExecutor(max_workers=workers)
        asyncio.get_running_loop().set_default_executor(pool)
        await asyncio.gather(*(one(i, steps) for i, (steps, _) in enumerate(tasks)))
        pool.shutdown()

    asyncio.run(main())
    lane = {t: 2 + i for i, t in enumerate(sorted(first, key=first.get))}
    return [(1 if where is None else lane[where],) + tuple(rest) for where, *rest in spans]


def _lanes(results, begin):
    """Numbers the threads or processes tasks ran on in the order they first started, and
    returns spans (lane, task, step, kind, ms, start, end) with a start-up span per process."""
    first = {}
    for where, started, spans, _ in results:
        for s in spans:
            first[where] = min(first.get(where, s[4]), s[4])
    lane_of = {where: lane for lane, where in enumerate(sorted(first, key=first.get))}
    out, spawned = [], {}
    for where, started, spans, _ in results:
        if started is not None:
            spawned[lane_of[where]] = started
        out.extend((lane_of[where],) + tuple(s) for s in spans)
    for lane, started in spawned.items():
        out.append((lane, -1, 0, "spawn", 0, begin, max(begin, started)))
    return out


def _run_star(args):
    return run_task(*args)


def run_model(model, tasks, per_ms, workers=None, method=None, limit=None, chunksize=1):
    """Runs `tasks` ([(steps, payload)]) under `model` with a pool of `workers`, and returns
    (start, end, spans). Pools start inside the timed window: Python's threads start in
    microseconds; a process pool's start-up is part of what multiprocessing costs. `limit`
    bounds asyncio with a Semaphore; `chunksize` is ProcessPoolExecutor.map's."""
    begin = time.perf_counter()
    if model == "sequential":
        spans = [(0,) + tuple(s) for i, (steps, _) in enumerate(tasks)
                 for s in run_task(i, steps, per_ms)[2]]
    elif model == "async":
        spans = _with_asyncio(tasks, per_ms, limit)
    elif model in ("gil", "threads"):
        with cf.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(run_task, i, steps, per_ms) for i, (steps, _) in enumerate(tasks)]
            spans = _lanes([f.result() for f in futures], begin)
    elif model == "processes":
        context = mp.get_context(method)
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                    initializer=_process_started) as pool:
            calls = ((i, steps, per_ms, bytes(size)) for i, (steps, size) in enumerate(tasks))
            spans = _lanes(list(pool.map(_run_star, calls, chunksize=chunksize or 1)), begin)
    elif model == "interpreters":
        # Python 3.14's pool of subinterpreters (PEP 734): each worker a thread running an
        # interpreter of its own (its own GIL and modules) in this process; the function and
        # its arguments are pickled into it and the result pickled back.
        pool_type = getattr(cf, "InterpreterPoolExecutor", None)
        if pool_type is None:
            raise SystemExit("interpreters needs Python 3.14 or newer "
                             "(concurrent.futures.InterpreterPoolExecutor)")
        with pool_type(max_workers=workers, initializer=_process_started) as pool:
            calls = ((i, steps, per_ms, bytes(size)) for i, (steps, size) in enumerate(tasks))
            spans = _lanes(list(pool.map(_run_star, calls)), begin)
    elif model == "to_thread":
        spans = _with_to_thread(tasks, per_ms, workers)
    elif model == "executor":
        spans = _with_executor(tasks, per_ms, workers, method, begin)
    else:
        raise SystemExit(f"unknown model `{model}`; use {', '.join(MODELS)}")
    return begin, time.perf_counter(), spans


def gil_enabled():
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def chrome_trace(model, begin, end, spans, info):
    """A Chrome Trace Event document: one `tid` per lane, `X` events named by state (`cpu`,
    `io`, `spawn`) with the task, step and planned ms in `args`, microseconds from the start;
    `otherData` says which Python ran what."""
    names = {"sequential": "main", "async": "event loop", "processes": "process",
             "interpreters": "interpreter"}
    events = [{"ph": "M", "pid": 1, "tid": 0, "name": "process_name",
               "args": {"name": f"CPython {info['python']} · {model}"}}]
    for lane in sorted({s[0] for s in spans}):
        if model == "async":
            name = "event loop" if lane == 0 else f"awaiting I/O, slot {lane}"
        elif model in ("executor", "to_thread"):
            pool = "process" if model == "executor" else "thread"
            name = ("event loop", "awaiting I/O")[lane] if lane < 2 else f"{pool} {lane - 2}"
        elif model == "sequential":
            name = "main"
        else:
            name = f"{names.get(model, 'thread')} {lane}"
        events.append({"ph": "M", "pid": 1, "tid": lane, "name": "thread_name",
                       "args": {"name": name}})
    for lane, task, step, kind, ms, start, stop in sorted(spans, key=lambda s: s[5]):
        args = {"step": step, "ms": ms}
        if task >= 0:
            args["task"] = task
        events.append({"ph": "X", "pid": 1, "tid": lane, "name": kind, "cat": kind,
                       "ts": round((start - begin) * 1e6, 1),
                       "dur": round((stop - start) * 1e6, 1), "args": args})
    return {"traceEvents": events, "displayTimeUnit": "ms",
            "otherData": dict(info, model=model, wall_ms=(end - begin) * 1000)}


def main(groups, workload, model, workers=None, limit=None, chunksize=1):
    """Runs the workload under `model`, prints its wall time and writes its trace to the file
    named on the command line (default conpar-<model>.trace.json)."""
    out = sys.argv[1] if len(sys.argv) > 1 else f"conpar-{model}.trace.json"
    tasks = expand(groups)
    per_ms = calibrate()
    begin, end, spans = run_model(model, tasks, per_ms, workers, limit=limit, chunksize=chunksize)
    info = {"generator": "conpar", "implementation": sys.implementation.name,
            "python": sys.version.split()[0], "gil": gil_enabled(), "workers": workers,
            "start_method": mp.get_start_method() if model in ("processes", "executor") else None,
            "cores": os.cpu_count(), "workload": workload, "rounds_per_ms": per_ms,
            "limit": limit, "chunksize": chunksize}
    with open(out, "w") as f:
        json.dump(chrome_trace(model, begin, end, spans, info), f)
    print(f"{model}: {(end - begin) * 1000:.1f} ms on {sys.implementation.name} "
          f"{info['python']}{'' if info['gil'] else ' (free-threaded)'}; trace in {out}")

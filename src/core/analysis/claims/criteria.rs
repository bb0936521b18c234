//! Each claim's criterion: what a run's numbers say of it, and the helpers they share.

use super::*;

/// A model's speed against sequential in the same run (whose numbers must be clean too).
pub(super) fn speedup(e: &Evidence, r: &ModelResult) -> Result<f64, String> {
    e.present(Model::Sequential)?;
    r.speedup.ok_or_else(|| {
        "the claim compares against sequential, which this run did not measure: add it to the models".to_string()
    })
}

/// The longest any task stood ready without running under `r`.
pub(super) fn worst_stall(r: &ModelResult) -> Result<f64, String> {
    r.latency
        .as_ref()
        .map(|l| l.stall_worst_ms)
        .ok_or_else(|| format!("{}'s tasks' stalls were not measured", r.model))
}

/// `"; {what} {stall}"` with `model`'s longest stall, when it ran beside the one judged.
pub(super) fn stall_beside(e: &Evidence, model: Model, what: &str) -> Result<String, String> {
    Ok(match e.present(model)? {
        Some(r) => format!("; {what} {}", ms(worst_stall(r)?)),
        None => String::new(),
    })
}

pub(super) fn x(ratio: f64) -> String {
    format!("{ratio:.2}×")
}

pub(super) fn needs_computing(e: &Evidence) -> Result<(), String> {
    if e.computes() {
        Ok(())
    } else {
        Err("this workload computes nothing (no cpu step), so it cannot test a claim about computing".into())
    }
}

pub(super) fn needs_waits(e: &Evidence) -> Result<(), String> {
    if e.waits() {
        Ok(())
    } else {
        Err(
            "this workload waits for nothing (no io step), so it cannot test a claim about I/O"
                .into(),
        )
    }
}

/// "Threads are cooperative": a thread computing a long step would keep the others waiting
/// for all of it. Under CPython's GIL it is made to let go every switch interval.
pub(super) fn cooperative(e: &Evidence) -> Found {
    let step = e.longest_cpu_step();
    if step < 50.0 {
        return Err(format!(
            "no step here computes for long (the longest, {}), so there is nothing to give way from: the claim needs a long CPU step beside other tasks, like the hog preset's",
            ms(step)
        ));
    }
    let tasks = e.tasks();
    if tasks < 2 {
        return Err("one task has no other to give way to".into());
    }
    if e.threads < tasks {
        return Err(format!(
            "with {} threads for {tasks} tasks a task waits for a free thread, not for the GIL, so this run cannot tell: give every task a thread",
            e.threads
        ));
    }
    let stall = worst_stall(e.model(Model::Gil)?)?;
    let contrast = stall_beside(
        e,
        Model::Async,
        "under async, which is cooperative, a task waited",
    )?;
    let switch = ms(e.switch_ms);
    Ok(if stall <= step / 4.0 {
        (Verdict::False, format!(
            "CPython preempts its threads: under gil no task waited longer than {}, though one step computed for {}; every {switch} (the switch interval) the running thread was made to give up the GIL{contrast}.",
            ms(stall), ms(step)
        ))
    } else if stall >= step * 0.75 {
        (Verdict::Depends, format!(
            "preempted, but too late to show: a task waited {} under gil, nearly all of the {} step, with a {switch} switch interval{contrast}.",
            ms(stall), ms(step)
        ))
    } else {
        (Verdict::Depends, format!(
            "preempted, but only every {switch}: a task waited {} under gil beside a {} step{contrast}.",
            ms(stall), ms(step)
        ))
    })
}

/// "Multiprocessing is better than async or threading": whether processes beat every other
/// concurrent model on this workload.
pub(super) fn multiprocessing_best(e: &Evidence) -> Found {
    let p = e.model(Model::Processes)?;
    let mut others = Vec::new();
    for m in [
        Model::Async,
        Model::Gil,
        Model::Threads,
        Model::ToThread,
        Model::Executor,
        Model::Interpreters,
    ] {
        if let Some(r) = e.present(m)? {
            others.push(r);
        }
    }
    let best = others
        .into_iter()
        .min_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms))
        .ok_or("the claim compares processes with asyncio or threads; this run measured neither")?;
    let cost = p.spawn_ms + p.copy_ms;
    Ok(if p.wall_ms * TIE < best.wall_ms {
        (Verdict::True, format!(
            "here, yes: processes finished in {}, ahead of every other model (the best, {}, took {}), though they spent {} starting and copying. They win where there is CPU work to split across cores; on waits alone they lose (try the I/O preset).",
            ms(p.wall_ms), best.model, ms(best.wall_ms), ms(cost)
        ))
    } else if p.wall_ms > best.wall_ms * TIE {
        (Verdict::False, format!(
            "not here: under {} the work finished in {}, under processes in {}, {} of it starting workers and copying data. Processes win only where there is CPU work to split across cores (try the CPU preset): which is better depends on the workload.",
            best.model, ms(best.wall_ms), ms(p.wall_ms), ms(cost)
        ))
    } else {
        (
            Verdict::Depends,
            format!(
                "a tie here: processes ({}) and {} ({}) finished within {:.0} % of each other.",
                ms(p.wall_ms),
                best.model,
                ms(best.wall_ms),
                (TIE - 1.0) * 100.0
            ),
        )
    })
}

/// "Fast I/O should go to threads": whether a thread pool beats the event loop on this
/// workload's waits.
pub(super) fn fast_io_threads(e: &Evidence) -> Found {
    needs_waits(e)?;
    let a = e.model(Model::Async)?;
    let g = e.model(Model::Gil)?;
    let tasks = e.tasks();
    Ok(if g.wall_ms * TIE < a.wall_ms {
        (
            Verdict::True,
            format!(
                "here, threads were faster: {} threads finished the waits in {}, async in {}.",
                e.threads,
                ms(g.wall_ms),
                ms(a.wall_ms)
            ),
        )
    } else if a.wall_ms * TIE < g.wall_ms {
        (Verdict::False, format!(
            "short waits suit asyncio too: under async the {tasks} tasks' waits ended in {}, under {} threads in {}; the event loop had every wait in flight at once, the pool {} at a time.",
            ms(a.wall_ms), e.threads, ms(g.wall_ms), e.threads.min(tasks)
        ))
    } else {
        (Verdict::Depends, format!(
            "no difference here: under async ({}) and under {} threads ({}) the waits ended within {:.0} % of each other.",
            ms(a.wall_ms), e.threads, ms(g.wall_ms), (TIE - 1.0) * 100.0
        ))
    })
}

/// Async's CPU steps one at a time, and its speed over sequential.
pub(super) fn async_alone<'a>(e: &Evidence<'a>) -> Result<(&'a ModelResult, f64), String> {
    needs_computing(e)?;
    let a = e.model(Model::Async)?;
    Ok((a, speedup(e, a)?))
}

/// "You cannot run CPU-intensive tasks side by side with coroutines": true of coroutines on
/// their own; an event loop that hands its steps to a process pool does.
pub(super) fn coroutines_cpu(e: &Evidence) -> Found {
    let (a, sa) = async_alone(e)?;
    if a.max_cpu > 1 {
        return Ok((
            Verdict::False,
            format!("under async, {} CPU steps ran at once.", a.max_cpu),
        ));
    }
    Ok(match e.present(Model::Executor)? {
        Some(ex) => {
            let sx = speedup(e, ex)?;
            if ex.max_cpu >= 2 && sx >= 1.2 {
                (Verdict::Depends, format!(
                    "not in the coroutines, but beside them: coroutines alone never ran two CPU steps at once (async: {} sequential's speed); the same event loop handing its steps to {} processes with run_in_executor computed {} at once ({}).",
                    x(sa), e.processes, ex.max_cpu.min(e.cores as usize), x(sx)
                ))
            } else {
                (Verdict::True, format!(
                    "under async no two CPU steps ran at once ({} sequential's speed), and run_in_executor gained nothing here either ({} on {} processes and {} cores).",
                    x(sa), x(sx), e.processes, e.cores
                ))
            }
        }
        None => (
            Verdict::True,
            format!(
                "under async no two CPU steps ran at once ({} sequential's speed).",
                x(sa)
            ),
        ),
    })
}

/// "asyncio cannot run CPU work side by side".
pub(super) fn asyncio_cpu(e: &Evidence) -> Found {
    let (a, sa) = async_alone(e)?;
    Ok(if a.max_cpu <= 1 {
        (Verdict::True, format!(
            "its coroutines took turns: under async no two CPU steps ran at once, and its {} of computing went one step after another on the event loop ({} sequential's speed{}).",
            ms(a.cpu_ms), x(sa),
            if e.waits() { ", what it gained from overlapping waits" } else { "" }
        ))
    } else {
        (
            Verdict::False,
            format!("under async, {} CPU steps ran at once.", a.max_cpu),
        )
    })
}

/// "Threads help I/O-bound code even under the GIL".
pub(super) fn threads_io(e: &Evidence) -> Found {
    needs_waits(e)?;
    let g = e.model(Model::Gil)?;
    let s = speedup(e, g)?;
    Ok(if g.max_io >= 2 && s >= 1.25 {
        (Verdict::True, format!(
            "a thread waiting for I/O does not hold the GIL: with {} threads under it the waits overlapped (up to {} at once), {} sequential's speed.",
            e.threads, g.max_io, x(s)
        ))
    } else if e.threads == 1 || e.tasks() == 1 {
        (
            Verdict::Depends,
            format!(
            "only with several threads: with one {} nothing could overlap ({} sequential's speed).",
            if e.threads == 1 { "thread" } else { "task" }, x(s)
        ),
        )
    } else {
        (
            Verdict::False,
            format!(
                "with {} threads under the GIL the run went at {} sequential's speed (waits up to {} at once).",
                e.threads,
                x(s),
                g.max_io
            ),
        )
    })
}

/// "Free threads compute in parallel on python3.14t".
pub(super) fn free_threads(e: &Evidence) -> Found {
    needs_computing(e)?;
    let t = e.model(Model::Threads)?;
    let s = speedup(e, t)?;
    let gil = match e.present(Model::Gil)? {
        Some(g) => format!(", where gil ran at {}", x(speedup(e, g)?)),
        None => String::new(),
    };
    Ok(if t.max_cpu >= 2 && s >= 1.3 {
        (
            Verdict::True,
            format!(
                "free threads computed on {} lanes at once: {} sequential's speed{gil}.",
                t.max_cpu.min(e.cores as usize),
                x(s)
            ),
        )
    } else if e.cores == 1 || e.threads == 1 || e.tasks() == 1 {
        let what = if e.cores == 1 {
            "on one core"
        } else if e.threads == 1 {
            "with one thread"
        } else {
            "with one task"
        };
        (Verdict::Depends, format!(
            "{what} nothing computes in parallel ({} sequential's speed): free threads need several cores and several tasks.",
            x(s)
        ))
    } else {
        (
            Verdict::False,
            format!(
                "free threads ran at {} sequential's speed with {} threads on {} cores.",
                x(s),
                e.threads,
                e.cores
            ),
        )
    })
}

/// "Creating processes costs extra, and each needs a copy of its data".
pub(super) fn processes_cost(e: &Evidence) -> Found {
    let p = e.model(Model::Processes)?;
    let (spawn, copy) = (p.spawn_ms, p.copy_ms);
    Ok(if spawn > 0.0 && copy > 0.0 {
        (Verdict::True, format!(
            "starting the workers took {} and copying the tasks' data in and out {} (summed over the workers), time no other model spends; processes finished in {}.",
            ms(spawn), ms(copy), ms(p.wall_ms)
        ))
    } else if spawn > 0.0 && e.payload() == 0 {
        (Verdict::Depends, format!(
            "starting the workers took {}; this workload sends no data (no payload), so nothing was copied. Real Python still pickles every argument.",
            ms(spawn)
        ))
    } else if spawn > 0.0 {
        return Err(format!(
            "the workers took {} to start, but the run shows no copying though its tasks carry data: its trace does not record copies (a trace of real CPython pickles inside the pool's calls)",
            ms(spawn)
        ));
    } else {
        (
            Verdict::False,
            format!(
                "processes spent nothing starting their workers ({} copying).",
                ms(copy)
            ),
        )
    })
}

/// "A CPU hog on the event loop stalls every other task".
pub(super) fn hog_stalls(e: &Evidence) -> Found {
    let step = e.longest_cpu_step();
    if step < 20.0 || e.tasks() < 2 {
        return Err(format!(
            "the claim needs a long CPU step beside other tasks (here the longest step computes {} among {} tasks), like the hog preset's",
            ms(step), e.tasks()
        ));
    }
    let stall = worst_stall(e.model(Model::Async)?)?;
    let contrast = stall_beside(
        e,
        Model::ToThread,
        "sent to a thread with asyncio.to_thread, the longest wait was",
    )?;
    Ok(if stall >= step * 0.75 {
        (
            Verdict::True,
            format!(
                "under async a task waited {} while the {} step held the event loop{contrast}.",
                ms(stall),
                ms(step)
            ),
        )
    } else if stall <= step / 4.0 {
        (
            Verdict::False,
            format!(
                "under async no task waited longer than {} beside a {} step.",
                ms(stall),
                ms(step)
            ),
        )
    } else {
        (Verdict::Depends, format!(
            "under async a task waited {} beside a {} step: the other tasks were not ready for all of it{contrast}.",
            ms(stall), ms(step)
        ))
    })
}

/// "Under the GIL, threads do not make CPU-bound code faster".
pub(super) fn gil_cpu(e: &Evidence) -> Found {
    needs_computing(e)?;
    let g = e.model(Model::Gil)?;
    let s = speedup(e, g)?;
    // conpar's own gil lanes never compute at once (a trace of real CPython's threads times
    // whole steps, GIL waits inside them included, so its steps overlap): the speed decides.
    let apart = if g.max_cpu <= 1 {
        "its threads never computed at once"
    } else {
        "no faster for running on several threads"
    };
    // A trace of real CPython records no GIL waits; conpar's does.
    let waits = if g.lock_wait_ms > 0.0 {
        format!(
            ", and their waits for the GIL added up to {}",
            ms(g.lock_wait_ms)
        )
    } else {
        String::new()
    };
    Ok(if s <= TIE {
        (
            Verdict::True,
            format!(
                "{apart}: under gil the run went at {} sequential's speed with {} threads{waits}.",
                x(s),
                e.threads
            ),
        )
    } else if e.waits() {
        (Verdict::Depends, format!(
            "faster only by waiting together: under gil the run went at {} sequential's speed by overlapping this workload's waits, while computing one thread at a time.",
            x(s)
        ))
    } else {
        (Verdict::False, format!(
            "under gil the run went at {} sequential's speed, its threads computing up to {} at once.",
            x(s), g.max_cpu
        ))
    })
}

/// "Without multiprocessing (or the free-threaded build), Python computes on one core": not
/// since 3.14's interpreter pool, whose interpreters each have a GIL of their own.
pub(super) fn one_core(e: &Evidence) -> Found {
    needs_computing(e)?;
    let i = e.model(Model::Interpreters)?;
    let lanes = e.processes.min(e.cores);
    if lanes < 2 || e.tasks() < 2 {
        let what = if e.cores < 2 {
            "this device reports one core, so"
        } else if e.processes < 2 {
            "with one interpreter"
        } else {
            "with one task"
        };
        return Err(format!("{what} nothing can compute in parallel here: the claim needs two cores, two interpreters and two tasks"));
    }
    let s = speedup(e, i)?;
    let gil = match e.present(Model::Gil)? {
        Some(g) => format!(", where GIL threads went at {}", x(speedup(e, g)?)),
        None => String::new(),
    };
    Ok(if i.max_cpu >= 2 && s >= 1.3 {
        (Verdict::False, format!(
            "not since Python 3.14: its InterpreterPoolExecutor computed on {} interpreters at once, each with its own GIL, at {} sequential's speed{gil}. They share nothing: arguments and results are pickled across.",
            i.max_cpu.min(e.cores as usize), x(s)
        ))
    } else {
        (Verdict::Depends, format!(
            "not in principle (interpreters each have their own GIL), but not measurably here: the interpreter pool went at {} sequential's speed{gil}; starting interpreters and copying data outweighed computing so little (try longer computations).",
            x(s)
        ))
    })
}

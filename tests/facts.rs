//! The facts each model's explanation states about Python, pinned.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use conpar::core::measure::trace::Model;

/// The facts each model's explanation states, as of Python 3.14. A change to them is a change
/// to what conpar teaches, so it must be made here too, on purpose.
#[test]
fn explanations_state_pythons_facts_as_of_3_14() {
    let text = |m: Model| m.explanation();
    for fact in [
        "sys.getswitchinterval()",
        "5 ms",
        "blocking I/O releases it",
        "hashlib, zlib, NumPy",
    ] {
        assert!(text(Model::Gil).contains(fact), "gil: {fact}");
    }
    for fact in [
        "python3.14t",
        "supported since Python 3.14, PEP 779",
        "experimental in 3.13",
        "no GIL",
        // Its single-thread cost, with its source, and that these numbers do not include it.
        "roughly 5–10 % slower than the GIL build in 3.14 (What's New In Python 3.14; about 40 % in 3.13)",
        "so that cost is not in these numbers",
    ] {
        assert!(text(Model::Threads).contains(fact), "threads: {fact}");
    }
    for fact in [
        "pickled",
        "fork (the Linux default up to 3.13)",
        "forkserver (the Linux default from 3.14)",
        "spawn (macOS, Windows)",
        "as spawn starts a fresh interpreter",
        "as the fork server has imported its modules before it forks",
        "fork copies the running parent",
        // 3.14's default as a program's first pool pays it: the server first.
        "a program's first pool starts the fork server",
        "start=fork here is forkserver's workers without the server",
        // What a worker cannot cost, said rather than faked.
        "imports the program's modules again",
        "start here in about half CPython 3.14's time",
    ] {
        assert!(text(Model::Processes).contains(fact), "processes: {fact}");
    }
    assert!(text(Model::Async).contains("blocks the loop"));
    for fact in ["loop.run_in_executor", "ProcessPoolExecutor", "pickled"] {
        assert!(text(Model::Executor).contains(fact), "executor: {fact}");
    }
    for fact in [
        "concurrent.futures.InterpreterPoolExecutor (new in Python 3.14, PEP 734)",
        "with its own GIL",
        "in one process",
        "pickled into the worker's interpreter",
        // What a browser cannot show, said rather than faked.
        "interpreters here start and copy as processes with start=spawn do",
        "that difference is not in these numbers",
    ] {
        assert!(
            text(Model::Interpreters).contains(fact),
            "interpreters: {fact}"
        );
    }
    assert!(!Model::ALL
        .iter()
        .any(|m| text(*m).contains("3.13t") || m.python().contains("3.13t")));
}

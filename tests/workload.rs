//! The workload language: presets, shorthand, canonical text, errors that point at their place, and limits that keep a tab alive.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use conpar::core::input::workload::{Preset, Step, Workload, LIMITS};

fn err(text: &str) -> (u32, u32, String) {
    match Workload::parse(text) {
        Ok(w) => panic!("`{text}` parsed as {w:?}"),
        Err(e) => (e.line, e.column, e.message),
    }
}

#[test]
fn presets_parse_and_round_trip() {
    for p in Preset::ALL {
        let w = p.workload();
        assert_eq!(
            Workload::parse(&w.to_text()).ok(),
            Some(w.clone()),
            "{}",
            p.id()
        );
        // Enough tasks to overlap; the hog preset is about two tasks' latency.
        assert!(w.task_count() >= 6 || p == Preset::Hog);
    }
    let hog = Preset::Hog.workload().tasks();
    assert_eq!(hog.len(), 2);
    assert_eq!(
        (hog[0].cpu_ms(), hog[1].steps.len(), hog[1].total_ms()),
        (1000, 50, 525)
    );
    assert_eq!(Preset::Io.workload().total_cpu_ms(), 0);
    assert_eq!(Preset::Cpu.workload().total_cpu_ms(), 800);
}

#[test]
fn count_shorthand_and_steps() {
    let w = Workload::parse("8 x io 200\nio 100, cpu 20, io 100 payload 64kb").expect("valid");
    let tasks = w.tasks();
    assert_eq!(tasks.len(), 9);
    assert_eq!(tasks[0].steps, vec![Step::Io(200)]);
    assert_eq!(
        tasks[8].steps,
        vec![Step::Io(100), Step::Cpu(20), Step::Io(100)]
    );
    assert_eq!(tasks[8].payload, 64 * 1024);
    assert_eq!(w.longest_task_ms(), 220);
    assert_eq!(w.serial_ms(), 8 * 200 + 220);
}

#[test]
fn variants_of_writing_are_accepted_and_printed_canonically() {
    let w = Workload::parse("  3X CPU 5ms ; 2 × io 7 # comment ; not parsed\n\n# only a comment")
        .expect("valid");
    assert_eq!(w.to_text(), "3 x cpu 5\n2 x io 7");
    let again = Workload::parse(&w.to_text()).expect("canonical text parses");
    assert_eq!(again, w);
}

#[test]
fn errors_name_line_column_and_expectation() {
    let (line, column, message) = err("io 100\ncpu fast");
    assert_eq!((line, column), (2, 5));
    assert!(message.contains("expected a duration"), "{message}");

    let (line, column, message) = err("io 100, wait 5");
    assert_eq!((line, column), (1, 9));
    assert!(message.contains("expected a step"), "{message}");

    let (_, column, message) = err("io 100 cpu 5");
    assert_eq!(column, 8);
    assert!(message.contains("expected `,`"), "{message}");

    let (_, _, message) = err("io");
    assert!(
        message.contains("expected a duration in milliseconds after `io`"),
        "{message}"
    );

    let (_, column, message) = err("io 10,");
    assert_eq!(column, 7);
    assert!(message.contains("expected a step"), "{message}");

    let (_, _, message) = err("io 0");
    assert!(message.contains("at least 1 ms"), "{message}");

    let (_, _, message) = err("0 x io 5");
    assert!(message.contains("at least 1"), "{message}");

    let (_, _, message) = err("io 5 payload lots");
    assert!(message.contains("expected a size"), "{message}");

    let (_, _, message) = err("io 5 payload 1kb io 5");
    assert!(message.contains("end of the line"), "{message}");

    let (_, _, message) = err("");
    assert!(message.contains("empty"), "{message}");

    let (_, _, message) = err("io 99999999999999999999999");
    assert!(message.contains("too large"), "{message}");
}

#[test]
fn limits_reject_what_would_hang_or_exhaust_the_tab() {
    assert!(
        Workload::parse("10000 x io 100").is_ok(),
        "10,000 I/O tasks must stay possible"
    );
    assert!(err("10001 x io 100").2.contains("at most 10000 tasks"));
    // A limit over the whole workload points at the task that went past it.
    let (line, column, message) = err("6000 x io 1\n  6000 x io 1");
    assert!(message.contains("12000 tasks in all"), "{message}");
    assert_eq!((line, column), (2, 3));
    // The text limit counts characters, not bytes: 4,007 CJK characters are short enough.
    let cjk = format!("io 1 # {}", "漢".repeat(4000));
    assert!(Workload::parse(&cjk).is_ok());
    // A size in a unit conpar does not know is named whole.
    assert!(err("io 1 payload 1gb").2.contains("found `1gb`"));
    assert!(err("io 60001").2.contains("longer than the 60000 ms"));
    assert!(err("3 x cpu 10000").2.contains("ms of CPU work in all"));
    assert!(err("io 1 payload 17mb").2.contains("at most 16mb"));
    assert!(err("5 x io 1 payload 16mb")
        .2
        .contains("MB of payload in all"));
    let many_steps = vec!["io 1"; 65].join(", ");
    assert!(err(&many_steps).2.contains("at most 64 steps"));
    assert!(err(&"x".repeat(20_000)).2.contains("longer than"));
    assert!(err("2000 x io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1, io 1").2.contains("steps in all"));
    assert_eq!(LIMITS.max_tasks, 10_000);
}

#[test]
fn an_error_points_at_its_word_in_the_text() {
    let text = "io 100\ncpu fast, io 5";
    let e = Workload::parse(text).expect_err("invalid");
    let (a, b) = e.utf16_range(text);
    assert_eq!(&text[a as usize..b as usize], "fast");
    // Past the end of the text (a missing duration): the last character.
    let text = "io 5, cpu";
    let e = Workload::parse(text).expect_err("invalid");
    let (a, b) = e.utf16_range(text);
    assert_eq!((a, b), (8, 9));
    // Non-ASCII before the error counts in UTF-16 units, as the browser does.
    let text = "2 × io 5, wait 3";
    let e = Workload::parse(text).expect_err("invalid");
    let (a, b) = e.utf16_range(text);
    let units: Vec<u16> = text.encode_utf16().collect();
    assert_eq!(
        String::from_utf16_lossy(&units[a as usize..b as usize]),
        "wait"
    );
}

#[test]
fn invisible_and_look_alike_characters_are_named_with_their_code_points() {
    use conpar::core::input::workload::Workload;
    // A byte order mark before the text (some editors write one) is not part of it.
    assert!(Workload::parse("\u{feff}8 x io 200").is_ok());
    let cases = [
        ("io 2\u{200b}00", 1, 5, "a zero-width space (U+200B)"),
        ("io 10\ncpu 5\u{2060}0", 2, 6, "a word joiner (U+2060)"),
        (
            "８ x io 200",
            1,
            1,
            "a full-width digit `８` (U+FF18): write `8` instead",
        ),
        (
            "io 100， cpu 20",
            1,
            7,
            "a full-width comma `，` (U+FF0C): write `,` instead",
        ),
        ("іo 100", 1, 1, "`і` (U+0456) is not a Latin letter"),
        (
            "io 1\u{feff}00",
            1,
            5,
            "a zero-width no-break space (U+FEFF)",
        ),
        ("io 100 \u{7}", 1, 8, "a control character (U+0007)"),
    ];
    for (text, line, column, message) in cases {
        let e = Workload::parse(text).expect_err(text);
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e:?}");
        assert!(e.message.contains(message), "{text:?}: {}", e.message);
    }
    // Anything goes in a comment, and `×` is the multiplication sign.
    assert!(Workload::parse("8 × io 200   # ８ tâches, ça va").is_ok());
    // A no-break space is a space.
    assert!(Workload::parse("8 x\u{a0}io 200").is_ok());
}

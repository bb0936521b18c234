//! Property tests: whatever a person types or a link carries, the workload language and the
//! URL reader never panic, keep their limits, and print what they accept canonically.
#![cfg(not(target_arch = "wasm32"))]
// Native checks, not the module: the standard sorts are fine here (clippy.toml).
#![allow(clippy::disallowed_methods)]

use conpar::core::input::scenario::{Scenario, MAX_PROCESSES, MAX_REPEAT, MAX_THREADS};
use conpar::core::input::workload::{Workload, LIMITS};
use proptest::prelude::*;

/// One step as a person might write it.
fn step() -> impl Strategy<Value = String> {
    (
        prop_oneof!["io", "cpu", "IO", "Cpu"],
        1u32..2000,
        any::<bool>(),
    )
        .prop_map(|(kind, ms, suffix)| format!("{kind} {ms}{}", if suffix { "ms" } else { "" }))
}

/// One line: an optional count, steps, an optional payload, an optional comment.
fn line() -> impl Strategy<Value = String> {
    (
        prop::option::of((1u32..50, prop_oneof![" x ", "x ", " × ", " X "])),
        prop::collection::vec(step(), 1..5),
        prop::option::of((1u32..17, prop_oneof!["b", "kb", "KB", "mb"])),
        prop::option::of("[a-z ]{0,12}"),
    )
        .prop_map(|(count, steps, payload, comment)| {
            let mut s = count.map_or(String::new(), |(n, x)| format!("{n}{x}"));
            s.push_str(&steps.join(", "));
            if let Some((n, unit)) = payload {
                s.push_str(&format!(" payload {n}{unit}"));
            }
            if let Some(c) = comment {
                s.push_str(&format!(" # {c}"));
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_and_errors_point_inside_it(text in "\\PC{0,200}") {
        if let Err(e) = Workload::parse(&text) {
            let lines = text.split('\n').count() as u32;
            prop_assert!(e.line >= 1 && e.line <= lines.max(1), "{e:?} for {text:?}");
            prop_assert!(e.column >= 1);
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn an_invisible_or_full_width_character_is_named_where_it_is(
        text in line(),
        at in 0usize..40,
        odd in prop::sample::select(vec!['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{00ad}', '\u{202e}', '\u{ff10}', '\u{ff18}', '\u{ff0c}', '\u{ff49}', '\u{3001}', '\u{0456}', '\u{0661}']),
    ) {
        // Put it anywhere in the code but the very start (where a byte order mark is allowed);
        // a comment may hold anything.
        let chars: Vec<char> = text.chars().collect();
        let code = chars.iter().position(|&c| c == '#').unwrap_or(chars.len());
        let at = 1 + at % code.max(1);
        let mut spoiled: String = chars[..at.min(chars.len())].iter().collect();
        spoiled.push(odd);
        spoiled.extend(&chars[at.min(chars.len())..]);
        let e = Workload::parse(&spoiled).expect_err("a foreign character is refused");
        let code = format!("U+{:04X}", u32::from(odd));
        prop_assert!(e.message.contains(&code), "{e:?} for {spoiled:?}");
        prop_assert_eq!(e.column as usize, at + 1, "{:?} for {:?}", e, spoiled);
        // A byte order mark before the text is not part of it.
        let bom = format!("\u{feff}{text}");
        prop_assert_eq!(Workload::parse(&bom).is_ok(), Workload::parse(&text).is_ok());
    }

    #[test]
    fn accepted_workloads_print_canonically_and_read_back_the_same(
        lines in prop::collection::vec(line(), 1..6),
        separator in prop_oneof!["\n", "; ", " ;\n"],
    ) {
        let text = lines.join(&separator);
        match Workload::parse(&text) {
            Ok(w) => {
                let canonical = w.to_text();
                let again = Workload::parse(&canonical).expect("the canonical text parses");
                prop_assert_eq!(&again, &w);
                prop_assert_eq!(again.to_text(), canonical, "printing is stable");
            }
            // Only a limit over the whole workload may refuse text of this shape.
            Err(e) => prop_assert!(e.message.contains("in all"), "{e:?} for {text:?}"),
        }
    }

    #[test]
    fn whatever_parses_is_inside_the_limits(text in "([0-9]{1,5} x )?(io|cpu) [0-9]{1,6}(, (io|cpu) [0-9]{1,6}){0,3}( payload [0-9]{1,6}kb)?(\n([0-9]{1,5} x )?(io|cpu) [0-9]{1,6}){0,3}") {
        if let Ok(w) = Workload::parse(&text) {
            prop_assert!(w.task_count() <= LIMITS.max_tasks);
            prop_assert!(w.total_cpu_ms() <= LIMITS.max_total_cpu_ms);
            prop_assert!(w.tasks().iter().all(|t| t.steps.len() as u32 <= LIMITS.max_steps_per_task
                && t.payload <= LIMITS.max_payload
                && t.steps.iter().all(|s| s.ms() >= 1 && s.ms() <= LIMITS.max_step_ms)));
        }
    }

    #[test]
    fn any_query_gives_a_working_scenario_that_round_trips(query in "\\PC{0,160}", cores in 1u32..129) {
        let (s, _notices) = Scenario::from_query(&query, cores);
        prop_assert!(!s.models.is_empty());
        prop_assert!((1..=MAX_THREADS).contains(&s.threads));
        prop_assert!((1..=MAX_PROCESSES).contains(&s.processes));
        prop_assert!((1..=MAX_REPEAT).contains(&s.repeat));
        prop_assert!(s.switch_ms > 0.0);
        let (back, notices) = Scenario::from_query(&s.to_query(), cores);
        prop_assert!(notices.is_empty(), "its own query gives notices: {notices:?}");
        prop_assert_eq!(back.text(), s.text());
        prop_assert_eq!(back.models, s.models);
        prop_assert_eq!((back.threads, back.processes, back.repeat, back.seed), (s.threads, s.processes, s.repeat, s.seed));
    }

    #[test]
    fn a_semaphore_never_lets_more_than_its_limit_in_and_costs_what_it_must(
        lines in prop::collection::vec(line(), 1..4),
        limit in 1u32..12,
    ) {
        use conpar::core::analysis::schedule::expected_bounded;
        use conpar::core::measure::trace::{Model, SpanState};
        let Ok(w) = Workload::parse(&lines.join("\n")) else { return Ok(()) };
        prop_assume!(w.task_count() <= 400);
        let tasks = w.tasks();
        let t = expected_bounded(Model::Async, &tasks, 1, 2, (Some(limit), 1));
        // In flight: from a task's first step to its last.
        let mut edges: Vec<(f64, i32)> = Vec::new();
        for task in 0..tasks.len() as u32 {
            let mine = t.spans.iter().filter(|s| s.task == task && s.state != SpanState::SemWait);
            let (a, b) = mine.fold((f64::INFINITY, 0.0f64), |(a, b), s| (a.min(s.start), b.max(s.end)));
            edges.extend([(a, 1), (b, -1)]);
        }
        edges.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let (mut n, mut most) = (0, 0);
        for (_, d) in edges { n += d; most = most.max(n); }
        prop_assert!(most <= limit as i32, "{most} in flight under limit {limit}");
        let queued = t.spans.iter().filter(|s| s.state == SpanState::SemWait).count();
        prop_assert_eq!(queued, tasks.len().saturating_sub(limit as usize), "every task past the limit queues once");
        // No faster than physics allows: the serial time over the limit, all the computing on
        // one loop, the longest task. (Not than the unbounded loop: a semaphore changes the
        // order tasks compute in, which can end a run sooner.)
        let bound = (w.serial_ms() as f64 / f64::from(limit))
            .max(w.total_cpu_ms() as f64)
            .max(w.longest_task_ms() as f64);
        prop_assert!(t.wall_ms() + 1e-6 >= bound, "{} ms under {bound} ms", t.wall_ms());
    }

    #[test]
    fn hostile_keys_and_values_only_give_notices(pairs in prop::collection::vec(("[a-z%0-9]{0,12}", "\\PC{0,40}"), 0..6)) {
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let (s, notices) = Scenario::from_query(&query.join("&"), 4);
        prop_assert!(notices.iter().all(|n| n.message.chars().count() <= 200), "{notices:?}");
        prop_assert!(!s.models.is_empty());
    }
}

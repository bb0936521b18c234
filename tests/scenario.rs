//! The scenario's URL: read and written, doubly escaped addresses, bad values turned into notices, the settings disclosure, embed keys, limit and chunksize.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use conpar::core::input::scenario::{Scenario, Source};
use conpar::core::input::workload::Preset;
use conpar::core::measure::trace::Model;

#[test]
fn an_address_escaped_twice_by_a_cms_is_read_as_its_author_wrote_it() {
    let once = "?preset=cpu&models=sequential,threads&threads=4&processes=2&embed=1";
    let (want, notices) = Scenario::from_query(once, 2);
    assert!(notices.is_empty());
    let twice = once.replace('&', "&amp;");
    let (got, notices) = Scenario::from_query(&twice, 2);
    assert_eq!(got.to_query(), want.to_query());
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].message.contains("escaped twice"), "{notices:?}");
    // An unknown key is still named, without its `amp;`.
    let (_, notices) = Scenario::from_query("?preset=io&amp;colour=red", 2);
    assert!(
        notices.iter().any(|n| n.message.contains("`colour`")),
        "{notices:?}"
    );
}

#[test]
fn the_settings_disclosure_opens_for_what_a_newcomer_does_not_need_and_its_summary_hides_nothing() {
    let (s, _) = Scenario::from_query("?preset=io&models=sequential,gil&threads=8&processes=2", 2);
    assert!(
        !s.sets_more(),
        "pool sizes are in every link: they do not open it"
    );
    assert_eq!(s.settings_summary(), "8 threads · 2 processes");
    let (s, _) = Scenario::from_query("?threads=1&processes=1", 2);
    assert_eq!(s.settings_summary(), "1 thread · 1 process");
    for (query, shown) in [
        ("start=spawn", "spawn start"),
        ("start=fork", "fork start"),
        ("limit=10", "async limit 10"),
        ("chunksize=4", "chunksize 4"),
        ("switch=2.5", "GIL switch 2.5 ms"),
        ("repeat=3", "repeat 3"),
        ("sweep=1,2,4", "sweep 1,2,4"),
        ("seed=7", "seed 7"),
    ] {
        let (s, notices) = Scenario::from_query(&format!("?threads=2&processes=2&{query}"), 2);
        assert!(notices.is_empty(), "{notices:?}");
        assert!(s.sets_more(), "{query} opens the disclosure");
        assert_eq!(
            s.settings_summary(),
            format!("2 threads · 2 processes · {shown}")
        );
    }
    // Set to their defaults, they leave it closed.
    let (s, _) = Scenario::from_query("?start=forkserver&chunksize=1&switch=5&repeat=1&seed=1", 2);
    assert!(!s.sets_more());
}

#[test]
fn scenario_reads_and_writes_the_url() {
    let (s, notices) =
        Scenario::from_query("?preset=cpu&models=threads,sequential&workers=2&run=1", 2);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.source, Source::Preset(Preset::Cpu));
    assert_eq!(s.models, vec![Model::Sequential, Model::Threads]);
    assert_eq!(
        (s.threads, s.processes, s.run),
        (2, 2, true),
        "workers= sets both"
    );
    let (back, _) = Scenario::from_query(&s.to_query(), 2);
    assert_eq!(back.models, s.models);
    assert_eq!(back.source, s.source);

    // Pool sizes as in Python: ThreadPoolExecutor's min(32, cores + 4), ProcessPoolExecutor's
    // cores; threads may exceed the cores.
    let (d, _) = Scenario::from_query("", 2);
    assert_eq!((d.threads, d.processes), (6, 2));
    let (d, _) = Scenario::from_query("", 64);
    assert_eq!((d.threads, d.processes), (32, 32));
    let (s, notices) = Scenario::from_query("threads=64&processes=32", 2);
    assert!(notices.is_empty());
    assert_eq!((s.threads, s.processes), (64, 32));
    let (s, notices) = Scenario::from_query("threads=65&processes=33", 2);
    assert_eq!(notices.len(), 2);
    assert!(
        notices[0].message.contains("from 1 to 64; using 6"),
        "{notices:?}"
    );
    assert_eq!((s.threads, s.processes), (6, 2));
    assert!(s.to_query().contains("threads=6&processes=2"));

    // The form writes through the same setter as the URL.
    let mut form = Scenario::default_for(2);
    assert!(form.set("switch", "0.05").is_err());
    assert_eq!(form.switch_ms, 5.0);
    form.set("switch", "2.5").expect("in range");
    assert_eq!(form.switch_ms, 2.5);
    // Percent-encoded keys are decoded like values.
    let (s, notices) = Scenario::from_query("wor%6Bload=io+5", 2);
    assert!(notices.is_empty());
    assert_eq!(s.text(), "io 5");

    let text = "4 x io 50, cpu 5\ncpu 10 payload 1kb";
    let custom = Scenario {
        source: Source::Text(text.into()),
        ..s.clone()
    };
    let (restored, notices) = Scenario::from_query(&custom.to_query(), 2);
    assert!(notices.is_empty());
    assert_eq!(restored.text(), text);
}

#[test]
fn bad_url_values_give_notices_and_safe_defaults() {
    let (s, notices) = Scenario::from_query(
        "preset=nope&models=fast,,gil&workers=99&switch=-1&seed=x&what=1&workload",
        4,
    );
    let fields: Vec<&str> = notices.iter().map(|n| n.field).collect();
    assert_eq!(
        fields,
        vec!["preset", "models", "workers", "switch", "seed", "query"]
    );
    assert_eq!(s.models, vec![Model::Gil]);
    assert_eq!((s.threads, s.processes), (8, 4), "the defaults for 4 cores");
    assert_eq!(s.switch_ms, 5.0);
    // An empty workload is kept so the editor can show its error.
    assert!(s.workload().is_err());
    let (s, notices) = Scenario::from_query("models=nothing&workload=io%2&run=yes", 4);
    assert_eq!(s.models.len(), 5);
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].message.ends_with("showing the default five"));
    assert!(notices[1].message.contains("run must be 1 or 0"));
    assert_eq!(s.text(), "io%2");
}

#[test]
fn embed_keys_round_trip_and_reject_junk() {
    use conpar::core::input::scenario::Theme;
    let (s, notices) = Scenario::from_query(
        "preset=io&embed=1&theme=dark&transparent=1&caption=My+post%27s+demo",
        2,
    );
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!((s.theme, s.transparent), (Theme::Dark, true));
    assert_eq!(s.caption_or_default(), "My post's demo");
    let (back, notices) = Scenario::from_query(&s.to_query(), 2);
    assert!(notices.is_empty());
    assert_eq!(
        (back.theme, back.transparent, back.caption),
        (s.theme, s.transparent, s.caption.clone())
    );
    // Without a caption, the workload and models in words.
    let (plain, _) = Scenario::from_query("preset=cpu&models=threads,gil", 2);
    assert_eq!(
        plain.caption_or_default(),
        "CPU-bound: 8 computations, 100 ms each, under gil, threads"
    );
    let (bad, notices) = Scenario::from_query("theme=neon&transparent=maybe", 2);
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert_eq!((bad.theme, bad.transparent), (Theme::Auto, false));
}

#[test]
fn limit_and_chunksize_round_trip_and_refuse_nonsense() {
    use conpar::core::input::scenario::Scenario;
    let (s, notices) = Scenario::from_query("?workload=100+x+io+50&limit=10&chunksize=25", 2);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!((s.limit, s.chunksize), (Some(10), 25));
    let again = Scenario::from_query(&s.to_query(), 2).0;
    assert_eq!(again, s);
    let (d, _) = Scenario::from_query("?preset=io", 2);
    assert_eq!(
        (d.limit, d.chunksize),
        (None, 1),
        "unbounded, one task a message"
    );
    assert!(!d.to_query().contains("limit") && !d.to_query().contains("chunksize"));
    for bad in [
        "limit=0",
        "limit=-3",
        "limit=10001",
        "limit=ten",
        "chunksize=0",
        "chunksize=1e9",
    ] {
        let (s, notices) = Scenario::from_query(&format!("?limit=4&chunksize=5&{bad}"), 2);
        assert_eq!(notices.len(), 1, "{bad}: {notices:?}");
        assert_eq!(
            (s.limit, s.chunksize),
            (Some(4), 5),
            "{bad} keeps the value before it"
        );
        assert!(
            notices[0].message.contains("from 1 to 10000"),
            "{}",
            notices[0].message
        );
    }
    let (s, notices) = Scenario::from_query("?limit=4&limit=none", 2);
    assert!(notices.is_empty());
    assert_eq!(s.limit, None, "none lifts the bound");
}

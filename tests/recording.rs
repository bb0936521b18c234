//! Recordings in a link: a run encodes to a few kilobytes and decodes to the same run to the
//! encoding's stated precision; whatever text a link carries, the decoder returns a recording
//! or a sentence, never a panic, and never allocates past what the text can hold.
#![cfg(not(target_arch = "wasm32"))]
// Native checks, not the module: the standard sorts are fine here (clippy.toml).
#![allow(clippy::disallowed_methods)]

use conpar::core::measure::recording::{
    base64url, browser_name, from_base64url, quantised, seal, RecordedModel, Recording, FORMAT,
    MAX_LINK_CHARS,
};
use conpar::core::measure::trace::{Model, ModelTrace, Span, SpanState, NO_TASK};
use proptest::prelude::*;

fn span(lane: u32, task: u32, state: SpanState, start: f64, end: f64) -> Span {
    Span {
        lane,
        task,
        step: 0,
        state,
        start,
        end,
    }
}

/// A run of `model` on the page's clock (far from 0, as `performance.timeOrigin + now()`).
fn trace(model: Model, spans: Vec<Span>) -> ModelTrace {
    let base = 1.764e12;
    let end = spans.iter().map(|s| s.end).fold(0.0, f64::max);
    ModelTrace {
        model,
        lanes: spans.iter().map(|s| s.lane + 1).max().unwrap_or(1),
        start: base,
        end: base + end + 0.5,
        checksum: 0x0123_4567_89ab_cdef,
        spans: spans
            .into_iter()
            .map(|s| Span {
                start: base + s.start,
                end: base + s.end,
                ..s
            })
            .collect(),
    }
}

fn recording(models: Vec<RecordedModel>) -> Recording {
    Recording {
        conpar: "0.1.0".into(),
        browser: "Chrome 156".into(),
        cores: 2,
        date: "2026-12-01".into(),
        query: "?preset=mixed&models=sequential,async,gil,threads,processes&threads=2&processes=2"
            .into(),
        quantum_us: 10,
        merged: false,
        models,
    }
}

fn recorded(t: ModelTrace) -> RecordedModel {
    RecordedModel {
        trace: t,
        repeats_wall_ms: Vec::new(),
        disturbed: Vec::new(),
    }
}

fn sample() -> Recording {
    let io = trace(
        Model::Async,
        (0..6)
            .map(|t| span(t + 1, t, SpanState::Io, 0.003 * f64::from(t), 120.123_456))
            .chain([span(0, 0, SpanState::Cpu, 120.2, 160.25)])
            .collect(),
    );
    let mut gil = recorded(trace(
        Model::Gil,
        vec![
            span(0, 0, SpanState::Cpu, 0.0, 5.004),
            span(1, 1, SpanState::LockWait, 0.0, 5.004),
            span(1, 1, SpanState::Cpu, 5.004, 10.0),
            span(0, NO_TASK, SpanState::Spawn, 10.0, 10.0),
        ],
    ));
    gil.disturbed = vec![
        "the machine was busy during gil: its CPU steps took 1.6× their calibrated time".into(),
    ];
    gil.repeats_wall_ms = vec![10.5, 11.25, 9.75];
    recording(vec![recorded(io), gil])
}

/// `a` and `b` hold the same spans, each time within `tolerance` ms.
fn same_spans(a: &ModelTrace, b: &ModelTrace, tolerance: f64) {
    assert_eq!(a.spans.len(), b.spans.len());
    let key = |s: &Span| (s.lane, s.task, s.step, s.state.code());
    let (mut a, mut b) = (a.spans.clone(), b.spans.clone());
    for v in [&mut a, &mut b] {
        v.sort_by(|x, y| key(x).cmp(&key(y)).then(x.start.total_cmp(&y.start)));
    }
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(key(x), key(y));
        assert!(
            (x.start - y.start).abs() <= tolerance,
            "{x:?} against {y:?}"
        );
        assert!((x.end - y.end).abs() <= tolerance, "{x:?} against {y:?}");
    }
}

#[test]
fn a_run_comes_back_to_ten_microseconds_with_its_flags_and_where_it_ran() {
    let r = sample();
    let text = r.to_link_text(MAX_LINK_CHARS).expect("it works");
    assert!(text.len() < 500, "{} characters", text.len());
    assert!(text
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    let back = Recording::from_link_text(&text).expect("it works");
    assert_eq!((back.quantum_us, back.merged), (10, false));
    assert_eq!(
        back.label(),
        "recorded in Chrome 156 on 2 cores, 2026-12-01"
    );
    assert_eq!(back.precision(), "times to 0.01 ms");
    assert_eq!((&back.query, &back.conpar), (&r.query, &r.conpar));
    for (a, b) in r.models.iter().zip(&back.models) {
        assert_eq!(b.trace.model, a.trace.model);
        assert_eq!(b.trace.lanes, a.trace.lanes);
        assert_eq!(b.trace.checksum, a.trace.checksum);
        assert_eq!(b.trace.start, 0.0);
        assert!((b.trace.wall_ms() - a.trace.wall_ms()).abs() <= 0.005 + 1e-9);
        assert_eq!(b.disturbed, a.disturbed);
        assert_eq!(b.repeats_wall_ms, a.repeats_wall_ms);
        let shifted = ModelTrace {
            spans: a
                .trace
                .spans
                .iter()
                .map(|s| Span {
                    start: s.start - a.trace.start,
                    end: s.end - a.trace.start,
                    ..*s
                })
                .collect(),
            ..a.trace.clone()
        };
        same_spans(&shifted, &b.trace, 0.005 + 1e-6);
    }
}

/// A hand-over under the GIL: each span ends where the next begins. Read back, they still touch
/// and never overlap: a recorded gil run must not show two threads computing at once (an end
/// rebuilt as start + length, in floating point, could land an ulp past the next start).
#[test]
fn spans_that_touch_still_touch_when_read_back() {
    let mut spans = Vec::new();
    let mut at = 0.0;
    for i in 0..400u32 {
        let length = 0.01 * f64::from(1 + (i * 7) % 23) + 0.000_3 * f64::from(i % 5);
        spans.push(span(i % 2, i, SpanState::Cpu, at, at + length));
        at += length;
    }
    let live = trace(Model::Gil, spans);
    assert_eq!(live.max_concurrent(SpanState::Cpu), 1);
    let text = recording(vec![recorded(live)])
        .to_link_text(MAX_LINK_CHARS)
        .expect("it fits");
    let back = Recording::from_link_text(&text).expect("it reads back");
    let t = &back.models[0].trace;
    assert_eq!(
        t.max_concurrent(SpanState::Cpu),
        1,
        "two threads computed at once"
    );
    for pair in t.spans.windows(2) {
        assert!(
            pair[0].end <= pair[1].start,
            "{:?} overlaps {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn a_run_too_long_for_the_finest_precision_is_coarsened_and_says_so() {
    // 4000 short computing spans on four lanes, each touching the next: ~10 bytes apiece at
    // 10 µs, too many for 16 KB of link.
    let spans: Vec<Span> = (0..4000)
        .map(|i| {
            let lane = i % 4;
            let at = f64::from(i / 4) * 0.5;
            Span {
                step: 0,
                ..span(lane, 7, SpanState::Cpu, at + 0.0123, at + 0.5123)
            }
        })
        .collect();
    let r = recording(vec![recorded(trace(Model::Threads, spans))]);
    let text = r.to_link_text(MAX_LINK_CHARS).expect("it works");
    assert!(text.len() <= MAX_LINK_CHARS);
    let back = Recording::from_link_text(&text).expect("it works");
    assert!(back.merged || back.quantum_us > 10, "{back:?}");
    assert!(back.precision().contains("merged") || back.quantum_us > 10);
    // Merging joins what touched: each lane is one computing span from first to last.
    let t = &back.models[0].trace;
    let cpu: f64 = t.time_in(SpanState::Cpu);
    assert!(
        (cpu - 4000.0 * 0.5).abs() < 4.0 * 0.5 + 0.01 * 4000.0,
        "cpu {cpu}"
    );
    // Nothing fits a budget of a few characters: a sentence, not a panic.
    let e = r.to_link_text(100).expect_err("an error");
    assert!(e.contains("do not fit in a link"), "{e}");
}

#[test]
fn quantising_rounds_to_the_quantum_and_merging_joins_only_touching_spans_of_a_lane() {
    let t = trace(
        Model::Gil,
        vec![
            span(0, 0, SpanState::Cpu, 0.0, 1.04),
            span(0, 0, SpanState::Cpu, 1.04, 2.0),
            span(0, 0, SpanState::Cpu, 2.5, 3.0),
            span(1, 0, SpanState::Cpu, 3.0, 4.0),
        ],
    );
    let q = quantised(&t, 1000, false);
    assert_eq!(q.spans.len(), 4);
    assert!(q
        .spans
        .iter()
        .all(|s| s.start.fract() == 0.0 && s.end.fract() == 0.0));
    let m = quantised(&t, 1000, true);
    assert_eq!(
        m.spans
            .iter()
            .map(|s| (s.lane, s.start, s.end))
            .collect::<Vec<_>>(),
        // 2.5 rounds to 3 (half away from zero), so it touches nothing and stays apart.
        vec![(0, 0.0, 2.0), (0, 3.0, 3.0), (1, 3.0, 4.0)]
    );
}

#[test]
fn hostile_fragments_get_a_sentence() {
    let good = sample().to_link_text(MAX_LINK_CHARS).expect("it works");
    // Cut short anywhere.
    for n in 0..good.len() {
        let e = Recording::from_link_text(&good[..n]);
        assert!(
            e.is_err(),
            "a recording cut at {n} of {} decoded",
            good.len()
        );
    }
    // A newer format.
    let mut bytes = from_base64url(&good).expect("it works");
    bytes[2] = FORMAT + 1;
    let e = Recording::from_link_text(&base64url(&bytes)).expect_err("an error");
    bytes[2] = FORMAT;
    assert!(
        e.contains("format 2") && e.contains("reads format 1"),
        "{e}"
    );
    // Another program's bytes.
    let e = Recording::from_link_text(&base64url(b"PK\x03\x04 not ours")).expect_err("an error");
    assert!(e.contains("not a recording of conpar's"), "{e}");
    // Nonsense text, and text far too long.
    let e = Recording::from_link_text("hello world!").expect_err("an error");
    assert!(e.contains("not base64url"), "{e}");
    let e = Recording::from_link_text(&"A".repeat(1 << 20)).expect_err("an error");
    assert!(e.contains("1024 KB long"), "{e}");
    // Any byte altered: its check says so.
    for i in 3..bytes.len() {
        let mut b = from_base64url(&good).expect("it works");
        b[i] ^= 0xa5;
        let e = Recording::from_link_text(&base64url(&b)).expect_err("an error");
        assert!(e.contains("check does not match"), "byte {i}: {e}");
    }
    // Altered and sealed again (the check passes): the parser decodes it or says why not,
    // whatever the byte.
    let body = &bytes[..bytes.len() - 4];
    for i in 3..body.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut b = body.to_vec();
            b[i] ^= flip;
            let _ = Recording::from_link_text(&seal(b));
        }
    }
    // Bytes after the end.
    let mut b = body.to_vec();
    b.push(0);
    let e = Recording::from_link_text(&seal(b)).expect_err("an error");
    assert!(e.contains("after its end"), "{e}");
}

#[test]
fn a_link_pasted_into_prose_keeps_its_recording() {
    let good = sample().to_link_text(MAX_LINK_CHARS).expect("it works");
    let want = Recording::from_link_text(&good).expect("it works");
    for tail in [
        ".", ",", ")", "]", "\"", "'", ">", ").", "\".", "%2E", "%2c", "%29", "%5D", "%22", "%27",
        "%3E", "%29.", " ", "%20",
    ] {
        let got = Recording::from_link_text(&format!("{good}{tail}"))
            .unwrap_or_else(|e| panic!("{good}{tail}: {e}"));
        assert_eq!(got.query, want.query, "after {tail:?}");
        assert_eq!(got.models.len(), want.models.len(), "after {tail:?}");
    }
    // What base64url itself contains stays: a cut or added letter is still an error.
    for tail in ["A", "-", "_", "%41"] {
        assert!(
            Recording::from_link_text(&format!("{good}{tail}")).is_err(),
            "{tail}"
        );
    }
}

#[test]
fn browsers_are_named_with_their_major_version() {
    let cases = [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.7000.1 Safari/537.36", "Chrome 156"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari 18"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0", "Edge 130"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)", "WebKit 605"),
        ("", "a browser"),
    ];
    for (ua, name) in cases {
        assert_eq!(browser_name(ua), name, "{ua}");
    }
}

fn any_state() -> impl Strategy<Value = SpanState> {
    (0usize..SpanState::ALL.len()).prop_map(|i| SpanState::ALL[i])
}

fn any_trace() -> impl Strategy<Value = RecordedModel> {
    (
        0usize..Model::ALL.len(),
        prop::collection::vec(
            (
                0u32..8,
                prop::option::of(0u32..50),
                0u32..4,
                any_state(),
                0.0f64..5000.0,
                0.0f64..300.0,
            ),
            0..200,
        ),
        prop::collection::vec(0.0f64..9000.0, 0..4),
        prop::collection::vec("\\PC{0,40}", 0..3),
        any::<u64>(),
    )
        .prop_map(|(m, spans, repeats, disturbed, checksum)| {
            let spans = spans
                .into_iter()
                .map(|(lane, task, step, state, start, length)| Span {
                    lane,
                    task: task.unwrap_or(NO_TASK),
                    step,
                    state,
                    start,
                    end: start + length,
                })
                .collect();
            let mut t = trace(Model::ALL[m], spans);
            t.lanes = 8;
            t.checksum = checksum;
            RecordedModel {
                trace: t,
                repeats_wall_ms: repeats,
                disturbed,
            }
        })
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = Recording::from_link_text(&text);
    }

    #[test]
    fn arbitrary_bytes_after_the_header_never_panic(tail in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = b"cp".to_vec();
        bytes.push(FORMAT);
        bytes.extend(tail);
        let _ = Recording::from_link_text(&seal(bytes));
    }

    #[test]
    fn base64url_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
        prop_assert_eq!(from_base64url(&base64url(&bytes)), Some(bytes));
    }

    #[test]
    fn encode_then_decode_gives_back_the_run_to_its_precision(m in any_trace()) {
        let r = recording(vec![m.clone()]);
        let text = r.to_link_text(usize::MAX).expect("it works");
        let back = Recording::from_link_text(&text).expect("it works");
        prop_assert_eq!(back.quantum_us, 10);
        let b = &back.models[0];
        prop_assert_eq!(b.trace.model, m.trace.model);
        prop_assert_eq!(b.trace.checksum, m.trace.checksum);
        prop_assert_eq!(&b.disturbed, &m.disturbed);
        prop_assert_eq!(b.repeats_wall_ms.len(), m.repeats_wall_ms.len());
        for (x, y) in b.repeats_wall_ms.iter().zip(&m.repeats_wall_ms) {
            prop_assert!((x - y).abs() <= 0.005 + 1e-6);
        }
        let shifted = ModelTrace {
            spans: m.trace.spans.iter().map(|s| Span { start: s.start - m.trace.start, end: s.end - m.trace.start, ..*s }).collect(),
            ..m.trace.clone()
        };
        // Rounded to 0.01 ms on the page's clock far from 0: within half a quantum and the
        // clock's own float error.
        same_spans(&shifted, &b.trace, 0.005 + 1e-3);
    }
}

#[test]
fn the_posts_recordings_read_in_this_format_and_hold_the_models_their_addresses_name() {
    // Written by scripts/record-post.mjs; a change of format must record the post again.
    let post = include_str!("../examples/post/index.html");
    let mut seen = 0;
    // Each demo of the post is a light element, the recording in its address.
    for src in post.split("<conpar-embed src=\"").skip(1) {
        let src = &src[..src.find('"').expect("a closed attribute")];
        let (query, text) = src
            .split_once("#rec=")
            .expect("every embed of the post is recorded");
        let rec = Recording::from_link_text(text).expect("it reads");
        let models = query
            .split("&amp;")
            .find_map(|kv| kv.strip_prefix("models="))
            .expect("the address names its models");
        let recorded: Vec<&str> = rec.models.iter().map(|m| m.trace.model.id()).collect();
        assert_eq!(recorded.join(","), models, "{query}");
        assert!(
            rec.label().starts_with("recorded in Chrome "),
            "{}",
            rec.label()
        );
        assert!(text.len() <= MAX_LINK_CHARS);
        seen += 1;
    }
    assert!(seen >= 4, "{seen} embeds");
}

//! A run kept as a recording: its traces, the flags its page raised and where it ran, packed
//! into a few kilobytes that travel in a link's fragment (`#rec=…`), so a reader sees the run
//! the author wrote about without measuring anything.
//!
//! The format: `cp`, a format byte, then variable-length integers (LEB128) and strings, then a
//! 32-bit FNV-1a check of everything before it (a link altered or cut short is refused, not
//! misread), the whole in unpadded base64url. Times are whole multiples of a quantum (10 µs unless the run
//! does not fit; then 100 µs, then 1 ms, merging touching spans of one lane), relative to each
//! model's start. The decoder takes any text: whatever it is given, it returns a recording or
//! a sentence saying why not, and it allocates no more than the text's length allows.

use crate::core::measure::bytes::{Reader, Writer, SHORT};
use crate::core::measure::trace::{Model, ModelTrace, Span, SpanState, NO_TASK};

/// The format this build writes and reads.
pub const FORMAT: u8 = 1;
/// The most characters a recording may take in a link (`#rec=` excluded).
pub const MAX_LINK_CHARS: usize = 16 * 1024;
/// Longer fragments are refused before they are decoded.
pub const MAX_FRAGMENT_CHARS: usize = 64 * 1024;
/// The quanta tried, in microseconds, finest first.
pub const QUANTA_US: [u32; 3] = [10, 100, 1000];
const MAGIC: &[u8; 2] = b"cp";
/// The most of anything a decoder accepts: models, strings, flags, repeats.
const MAX_MODELS: usize = Model::ALL.len();
const MAX_FLAGS: usize = 16;
const MAX_REPEATS: usize = 32;

/// One model's recorded run: its counted trace (start at 0), every repeat's wall time, and
/// why its page said its numbers were disturbed.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedModel {
    pub trace: ModelTrace,
    pub repeats_wall_ms: Vec<f64>,
    pub disturbed: Vec<String>,
}

/// A recorded run and where it ran.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    /// The conpar that recorded it (`CARGO_PKG_VERSION`).
    pub conpar: String,
    /// "Chrome 156", as [`browser_name`] reads the user agent.
    pub browser: String,
    pub cores: u32,
    /// "2026-12-01".
    pub date: String,
    /// The scenario it ran, as a link's query (`?preset=mixed&models=…`).
    pub query: String,
    /// The precision of its times, in microseconds.
    pub quantum_us: u32,
    /// Spans of one lane that touched at that precision were merged to fit a link.
    pub merged: bool,
    pub models: Vec<RecordedModel>,
}

/// `text` without what prose around a pasted link adds to its end: a sentence's `.` or `,`, a
/// closing `)` or `]`, a quote or `>`, or one of these percent-encoded. base64url has none of
/// them, so nothing of a recording is lost.
pub fn without_prose(text: &str) -> &str {
    const PROSE: &[u8] = b".,)]\"'>";
    let mut t = text.trim_end();
    loop {
        let b = t.as_bytes();
        let n = b.len();
        if n > 0 && PROSE.contains(&b[n - 1]) {
            t = &t[..n - 1];
        } else if n >= 3
            && b[n - 3] == b'%'
            && std::str::from_utf8(&b[n - 2..])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .is_some_and(|c| PROSE.contains(&c) || c == b' ')
        {
            t = &t[..n - 3];
        } else {
            return t;
        }
    }
}

impl Recording {
    /// "recorded in Chrome 156 on 2 cores, 2026-12-01".
    pub fn label(&self) -> String {
        let cores = if self.cores == 1 { "core" } else { "cores" };
        format!(
            "recorded in {} on {} {cores}, {}",
            self.browser, self.cores, self.date
        )
    }

    /// What the encoding did to its times, in words.
    pub fn precision(&self) -> String {
        let q = f64::from(self.quantum_us) / 1000.0;
        let mut s = format!("times to {q} ms");
        if self.merged {
            s.push_str(", touching spans of a lane merged to fit the link");
        }
        s
    }

    /// The recording as link text at the finest precision that fits `max_chars`, or why it
    /// cannot fit.
    pub fn to_link_text(&self, max_chars: usize) -> Result<String, String> {
        let mut spans = 0;
        for q in QUANTA_US {
            for merged in [false, true] {
                let fitted = Recording {
                    quantum_us: q,
                    merged,
                    models: self
                        .models
                        .iter()
                        .map(|m| RecordedModel {
                            trace: quantised(&m.trace, q, merged),
                            ..m.clone()
                        })
                        .collect(),
                    ..self.clone()
                };
                spans = fitted.models.iter().map(|m| m.trace.spans.len()).sum();
                let text = seal(fitted.to_bytes());
                if text.len() <= max_chars {
                    return Ok(text);
                }
            }
        }
        Err(format!(
            "its {spans} spans do not fit in a link even at 1 ms"
        ))
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.0.extend_from_slice(MAGIC);
        w.0.push(FORMAT);
        for s in [&self.conpar, &self.browser, &self.date, &self.query] {
            w.text(s);
        }
        w.uint(u64::from(self.cores));
        w.uint(u64::from(self.quantum_us));
        w.0.push(u8::from(self.merged));
        w.uint(self.models.len() as u64);
        let q = f64::from(self.quantum_us) / 1000.0;
        let units = |ms: f64| (ms / q).round().max(0.0) as u64;
        for m in &self.models {
            let t = &m.trace;
            w.0.push(model_code(t.model));
            w.uint(u64::from(t.lanes));
            w.uint(units(t.wall_ms()));
            w.0.extend_from_slice(&t.checksum.to_le_bytes());
            w.uint(m.repeats_wall_ms.len() as u64);
            for &r in &m.repeats_wall_ms {
                w.uint(units(r));
            }
            w.uint(m.disturbed.len() as u64);
            for d in &m.disturbed {
                w.text(d);
            }
            let mut spans = t.spans.clone();
            crate::core::sort::sort_by(&mut spans, |a, b| a.start.total_cmp(&b.start));
            w.uint(spans.len() as u64);
            let mut last = 0i64;
            for s in &spans {
                let start = ((s.start - t.start) / q).round() as i64;
                let end = ((s.end - t.start) / q).round() as i64;
                w.uint(u64::from(s.lane) << 3 | u64::from(s.state.code()));
                w.uint(if s.task == NO_TASK {
                    0
                } else {
                    u64::from(s.task) + 1
                });
                w.uint(u64::from(s.step));
                w.int(start - last);
                w.uint((end - start).max(0) as u64);
                last = start;
            }
        }
        w.0
    }

    /// Reads a recording from link text, or says why it cannot.
    pub fn from_link_text(text: &str) -> Result<Recording, String> {
        let text = without_prose(text);
        if text.len() > MAX_FRAGMENT_CHARS {
            return Err(format!(
                "it is {} KB long; a recording takes at most {} KB",
                text.len() / 1024,
                MAX_FRAGMENT_CHARS / 1024
            ));
        }
        let bytes = from_base64url(text).ok_or("it is not a recording (not base64url text)")?;
        if bytes.get(..2) != Some(&MAGIC[..]) {
            return Err("it is not a recording of conpar's".into());
        }
        match bytes.get(2) {
            Some(&FORMAT) => {}
            Some(format) => {
                return Err(format!(
                    "it was written in recording format {format}, and this conpar reads format {FORMAT}"
                ))
            }
            None => return Err(SHORT.into()),
        }
        let body = bytes
            .len()
            .checked_sub(4)
            .filter(|&n| n >= 3)
            .ok_or(SHORT)?;
        if fnv1a(&bytes[..body]).to_le_bytes()[..] != bytes[body..] {
            return Err(format!("{SHORT} (its check does not match)"));
        }
        let mut r = Reader::new(&bytes[3..body]);
        let (conpar, browser, date, query) = (r.text()?, r.text()?, r.text()?, r.text()?);
        // Shown in the page as they are: a label, not an essay.
        if conpar.len() > 32 || browser.len() > 64 || date.len() > 32 {
            return Err("it is damaged (where it ran is too long to be a name)".into());
        }
        let cores = r.count(1024, "cores")? as u32;
        let quantum_us = r.uint()?;
        if !QUANTA_US.iter().any(|&q| u64::from(q) == quantum_us) {
            return Err(format!(
                "its precision ({quantum_us} µs) is not one conpar writes"
            ));
        }
        let quantum_us = quantum_us as u32;
        let merged = match r.byte()? {
            0 => false,
            1 => true,
            _ => return Err("it is damaged (a flag that is neither 0 nor 1)".into()),
        };
        let q = f64::from(quantum_us) / 1000.0;
        let n = r.count(MAX_MODELS, "models")?;
        let mut models = Vec::with_capacity(n);
        for _ in 0..n {
            let model = Model::ALL
                .get(usize::from(r.byte()?))
                .copied()
                .ok_or("it names a model this conpar does not know")?;
            if models
                .iter()
                .any(|m: &RecordedModel| m.trace.model == model)
            {
                return Err(format!("it has {model} twice"));
            }
            let lanes = r.count(1024, "lanes")? as u32;
            let wall = r.uint()? as f64 * q;
            let mut checksum = [0u8; 8];
            checksum.copy_from_slice(r.take(8)?);
            let repeats = r.count(MAX_REPEATS, "repeats")?;
            let repeats_wall_ms = (0..repeats)
                .map(|_| r.uint().map(|u| u as f64 * q))
                .collect::<Result<Vec<_>, _>>()?;
            let flags = r.count(MAX_FLAGS, "flags")?;
            let disturbed = (0..flags)
                .map(|_| r.text())
                .collect::<Result<Vec<_>, _>>()?;
            // A span takes five bytes at least: the count cannot promise more than are left.
            let count = r.count(r.left() / 5, "spans")?;
            let mut spans = Vec::with_capacity(count);
            let mut at = 0i64;
            for _ in 0..count {
                let lane_state = r.uint()?;
                let state = SpanState::from_code((lane_state & 7) as u8)
                    .ok_or("it is damaged (a span of no known state)")?;
                let lane = u32::try_from(lane_state >> 3)
                    .ok()
                    .filter(|&l| l < lanes.max(1))
                    .ok_or("it is damaged (a span on a lane its model does not have)")?;
                let task = match r.uint()? {
                    0 => NO_TASK,
                    t => u32::try_from(t - 1).map_err(|_| "it is damaged (a task number)")?,
                };
                let step = u32::try_from(r.uint()?).map_err(|_| "it is damaged (a step)")?;
                at = at
                    .checked_add(r.int()?)
                    .filter(|a| a.abs() < 1 << 40)
                    .ok_or("it is damaged (a span's time)")?;
                let length = r.uint()?;
                if length > 1 << 40 {
                    return Err("it is damaged (a span's length)".into());
                }
                // Both ends from whole quanta, multiplied once: a span that ended where the
                // next began still does (start + length × q could land an ulp past it).
                spans.push(Span {
                    lane,
                    task,
                    step,
                    state,
                    start: at as f64 * q,
                    end: (at + length as i64) as f64 * q,
                });
            }
            models.push(RecordedModel {
                trace: ModelTrace {
                    model,
                    lanes,
                    start: 0.0,
                    end: wall,
                    checksum: u64::from_le_bytes(checksum),
                    spans,
                },
                repeats_wall_ms,
                disturbed,
            });
        }
        if r.left() != 0 {
            return Err("it is damaged (bytes after its end)".into());
        }
        if models.is_empty() {
            return Err("it holds no model's run".into());
        }
        Ok(Recording {
            conpar,
            browser,
            cores,
            date,
            query,
            quantum_us,
            merged,
            models,
        })
    }
}

fn model_code(m: Model) -> u8 {
    Model::ALL.iter().position(|&x| x == m).unwrap_or(0) as u8
}

/// `trace` with its times on multiples of `quantum_us` (relative to its start, which becomes
/// 0) and, if `merge`, each lane's spans of one state, task and step that touch at that
/// precision joined into one.
pub fn quantised(trace: &ModelTrace, quantum_us: u32, merge: bool) -> ModelTrace {
    let q = f64::from(quantum_us) / 1000.0;
    let at = |ms: f64| ((ms - trace.start) / q).round() * q;
    let mut spans: Vec<Span> = trace
        .spans
        .iter()
        .map(|s| {
            let start = at(s.start);
            Span {
                start,
                end: at(s.end).max(start),
                ..*s
            }
        })
        .collect();
    crate::core::sort::sort_by(&mut spans, |a, b| {
        a.lane.cmp(&b.lane).then(a.start.total_cmp(&b.start))
    });
    if merge {
        let mut out: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match out.last_mut() {
                Some(p)
                    if p.lane == s.lane
                        && p.state == s.state
                        && p.task == s.task
                        && p.step == s.step
                        && s.start <= p.end =>
                {
                    p.end = p.end.max(s.end);
                }
                _ => out.push(s),
            }
        }
        spans = out;
    }
    crate::core::sort::sort_by(&mut spans, |a, b| a.start.total_cmp(&b.start));
    ModelTrace {
        start: 0.0,
        end: at(trace.end),
        spans,
        ..trace.clone()
    }
}

/// The browser a user agent names, with its major version: "Chrome 156", "Firefox 128",
/// "Safari 18", "Edge 130"; else "a browser".
pub fn browser_name(ua: &str) -> String {
    let version = |key: &str| {
        ua.split(key)
            .nth(1)
            .map(|v| v.split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let named = |name: &str, v: Option<String>| v.map(|v| format!("{name} {v}"));
    named("Edge", version("Edg/"))
        .or_else(|| named("Firefox", version("Firefox/")))
        .or_else(|| named("Chrome", version("Chrome/")))
        .or_else(|| {
            ua.contains("Safari/")
                .then(|| named("Safari", version("Version/")))
                .flatten()
        })
        .or_else(|| named("WebKit", version("AppleWebKit/")))
        .unwrap_or_else(|| "a browser".into())
}

/// `bytes` with their check appended, as link text: what [`Recording::from_link_text`] reads.
pub fn seal(mut bytes: Vec<u8>) -> String {
    let check = fnv1a(&bytes);
    bytes.extend_from_slice(&check.to_le_bytes());
    base64url(&bytes)
}

/// 32-bit FNV-1a: a check against accidents (a link cut or mistyped), not against forgery.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url (RFC 4648 §5): safe in a link's fragment as it is.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The inverse of [`base64url`]; None for any other text.
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

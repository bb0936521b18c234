//! The scenario: everything a run depends on, read from and written to the URL query.

use super::trace::Model;
use super::workload::{Preset, Workload, WorkloadError};

pub const DEFAULT_SWITCH_MS: f64 = 5.0;
pub const MIN_SWITCH_MS: f64 = 0.1;
pub const MAX_SWITCH_MS: f64 = 1000.0;
pub const MAX_WORKERS: u32 = 16;

/// Where the workload came from: a preset keeps its short name in the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Preset(Preset),
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub source: Source,
    pub models: Vec<Model>,
    pub workers: u32,
    pub switch_ms: f64,
    pub seed: u32,
    pub run: bool,
    pub embed: bool,
}

/// A problem with the URL, shown to the user; the scenario falls back to a safe default.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub field: &'static str,
    pub message: String,
}

impl Scenario {
    pub fn default_for(cores: u32) -> Scenario {
        Scenario {
            source: Source::Preset(Preset::Io),
            models: vec![
                Model::Sequential,
                Model::Async,
                Model::Gil,
                Model::Threads,
                Model::Processes,
            ],
            workers: cores.clamp(2, 4),
            switch_ms: DEFAULT_SWITCH_MS,
            seed: 1,
            run: false,
            embed: false,
        }
    }

    pub fn text(&self) -> String {
        match &self.source {
            Source::Preset(p) => p.text().to_string(),
            Source::Text(t) => t.clone(),
        }
    }

    /// The parsed workload.
    ///
    /// # Errors
    /// The workload text's first problem.
    pub fn workload(&self) -> Result<Workload, WorkloadError> {
        Workload::parse(&self.text())
    }

    /// Reads a URL query (`?a=b&c=d`, with or without the `?`). Unknown keys and bad values
    /// produce notices and leave the defaults in place, so any URL gives a working page.
    pub fn from_query(query: &str, cores: u32) -> (Scenario, Vec<Notice>) {
        let mut s = Scenario::default_for(cores);
        let mut notices = Vec::new();
        let mut bad =
            |field: &'static str, message: String| notices.push(Notice { field, message });
        let max_workers = cores.clamp(2, MAX_WORKERS);
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode_component(raw);
            match key {
                "preset" => match Preset::from_id(&value) {
                    Some(p) => s.source = Source::Preset(p),
                    None => bad("preset", format!("unknown preset `{value}`; use io, cpu or mixed")),
                },
                "workload" => {
                    // Kept even when invalid, so the editor can show the error where it is.
                    s.source = Source::Text(value);
                }
                "models" => {
                    let mut models = Vec::new();
                    for id in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                        match Model::from_id(id) {
                            Some(m) if !models.contains(&m) => models.push(m),
                            Some(_) => {}
                            None => bad(
                                "models",
                                format!("unknown model `{id}`; use sequential, async, gil, threads or processes"),
                            ),
                        }
                    }
                    if models.is_empty() {
                        bad("models", "no known model chosen; showing all five".into());
                    } else {
                        models.sort();
                        s.models = models;
                    }
                }
                "workers" => match value.parse::<u32>() {
                    Ok(n) if (1..=max_workers).contains(&n) => s.workers = n,
                    _ => bad(
                        "workers",
                        format!("workers must be a whole number from 1 to {max_workers}; using {}", s.workers),
                    ),
                },
                "switch" => match value.parse::<f64>() {
                    Ok(v) if (MIN_SWITCH_MS..=MAX_SWITCH_MS).contains(&v) => s.switch_ms = v,
                    _ => bad(
                        "switch",
                        format!("switch must be a number of milliseconds from {MIN_SWITCH_MS} to {MAX_SWITCH_MS}; using {DEFAULT_SWITCH_MS}"),
                    ),
                },
                "seed" => match value.parse::<u32>() {
                    Ok(n) => s.seed = n,
                    Err(_) => bad("seed", format!("seed must be a whole number from 0 to {}; using 1", u32::MAX)),
                },
                "run" => s.run = value == "1" || value == "true",
                "embed" => s.embed = value == "1" || value == "true",
                // Read by the loader (coi=0: no isolation service worker), not by the scenario.
                "coi" => {}
                _ => bad("query", format!("unknown setting `{key}` ignored")),
            }
        }
        (s, notices)
    }

    /// The URL query that restores this scenario (without `run`).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        match &self.source {
            Source::Preset(p) => parts.push(format!("preset={}", p.id())),
            Source::Text(t) => parts.push(format!("workload={}", encode_component(t))),
        }
        let ids: Vec<&str> = self.models.iter().map(|m| m.id()).collect();
        parts.push(format!("models={}", ids.join(",")));
        parts.push(format!("workers={}", self.workers));
        if self.switch_ms != DEFAULT_SWITCH_MS {
            parts.push(format!("switch={}", self.switch_ms));
        }
        if self.seed != 1 {
            parts.push(format!("seed={}", self.seed));
        }
        if self.embed {
            parts.push("embed=1".into());
        }
        format!("?{}", parts.join("&"))
    }
}

/// Percent-decoding for query values (`+` is a space); invalid escapes are kept as written.
pub fn decode_component(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding that keeps the workload readable in the address bar.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

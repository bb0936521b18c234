//! The scenario: everything a run depends on, read from and written to the URL query.

use crate::core::analysis::claims::{claim, Claim};
use crate::core::input::workload::{Preset, Workload, WorkloadError};
use crate::core::measure::trace::Model;

pub const DEFAULT_SWITCH_MS: f64 = 5.0;
pub const MIN_SWITCH_MS: f64 = 0.1;
pub const MAX_SWITCH_MS: f64 = 1000.0;
/// Most threads a scenario may ask for: twice `ThreadPoolExecutor`'s own cap of 32, so
/// oversubscription can be shown; every one is a real Web Worker.
pub const MAX_THREADS: u32 = 64;
/// Most processes: each is a worker with a wasm instance and memory of its own.
pub const MAX_PROCESSES: u32 = 32;
/// Most repeats of a run (each model runs this many times, interleaved).
pub const MAX_REPEAT: u32 = 9;

/// The most pool sizes one sweep runs.
pub const MAX_SIZES: usize = 8;

/// Largest `limit=` and `chunksize=`: a workload's most tasks.
pub const MAX_TASKS: u32 = crate::core::input::workload::LIMITS.max_tasks;

/// Longest caption kept, in characters.
pub const MAX_CAPTION: usize = 160;

/// The page's colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn id(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_id(id: &str) -> Option<Theme> {
        [Theme::Auto, Theme::Light, Theme::Dark]
            .into_iter()
            .find(|t| t.id() == id)
    }
}

/// How `processes` starts its workers, after Python's start methods (`start=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartMethod {
    /// Python's Linux default from 3.14: a program's first pool starts a server (a fresh
    /// interpreter that imports the modules), which then forks each worker. Here: the run
    /// starts a fresh worker as the server and waits for it, then each worker, its thread and
    /// glue code started before the run, pays for a fresh instance with its own memory.
    #[default]
    Forkserver,
    /// macOS's and Windows's default: a fresh interpreter that imports its modules. Here: the
    /// whole worker start is inside the measured run.
    Spawn,
    /// Linux's default up to 3.13: each worker a copy of the running parent, modules and all.
    /// No browser copies a running worker; the nearest is forkserver's workers without the
    /// server: thread and glue started before the run, a fresh instance in it.
    Fork,
}

impl StartMethod {
    pub fn id(self) -> &'static str {
        match self {
            StartMethod::Forkserver => "forkserver",
            StartMethod::Spawn => "spawn",
            StartMethod::Fork => "fork",
        }
    }

    pub fn from_id(id: &str) -> Option<StartMethod> {
        [
            StartMethod::Forkserver,
            StartMethod::Spawn,
            StartMethod::Fork,
        ]
        .into_iter()
        .find(|m| m.id() == id)
    }
}

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
    /// Lanes of `gil` and `threads`, as `ThreadPoolExecutor(max_workers=…)`.
    pub threads: u32,
    /// Lanes of `processes`, as `ProcessPoolExecutor(max_workers=…)`.
    pub processes: u32,
    pub switch_ms: f64,
    pub seed: u32,
    /// How many times each model runs, interleaved (ABCABC…); the median run counts.
    pub repeat: u32,
    pub run: bool,
    pub embed: bool,
    /// The embed's caption (`caption=`); empty: the workload in words.
    pub caption: String,
    /// The colour scheme (`theme=auto|light|dark`): auto follows the reader's system, light
    /// and dark match a host page that forces one.
    pub theme: Theme,
    /// No background of its own (`transparent=1`), so an embed takes its host page's.
    pub transparent: bool,
    /// Draw the timeline while models run (`live=0`: only when each model ends, so nothing
    /// the page does competes with the work being measured).
    pub live: bool,
    /// Pool sizes for the worker sweep (`sweep=1,2,4,8`); with `run=1` the sweep runs.
    pub sweep: Option<Vec<u32>>,
    /// A trace file on this site to draw beside the run (`trace=traces/gil.json`).
    pub trace: Option<String>,
    /// How `processes` starts its workers (`start=forkserver|spawn`).
    pub start: StartMethod,
    /// At most this many `async` tasks in flight (`limit=`), as `asyncio.Semaphore(n)` held
    /// around each task; `None`: all at once, as a plain `asyncio.gather`.
    pub limit: Option<u32>,
    /// Tasks per message under `processes` (`chunksize=`), as
    /// `ProcessPoolExecutor.map(..., chunksize=n)`; 1 (the default) sends each on its own.
    pub chunksize: u32,
    /// The claim a run judges (`claim=<id>`): its experiment set the workload, models and
    /// pools before the address's own values, and its card is shown.
    pub claim: Option<&'static str>,
    /// The Claims view (`claims=1`): every claim's card, each with Run.
    pub claims: bool,
    /// Ask the reader to guess before the run answers (`predict=1`): which model finishes
    /// first, how much faster, or a claim's verdict.
    pub predict: bool,
}

/// A problem with a setting, shown to the user; the setting keeps its previous value.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub field: &'static str,
    pub message: String,
}

impl Notice {
    fn new(field: &'static str, message: String) -> Notice {
        Notice { field, message }
    }
}

/// `ThreadPoolExecutor`'s default `max_workers`: `min(32, os.cpu_count() + 4)`.
pub fn default_threads(cores: u32) -> u32 {
    (cores.max(1) + 4).min(32)
}

/// `ProcessPoolExecutor`'s default `max_workers`: `os.cpu_count()`.
pub fn default_processes(cores: u32) -> u32 {
    cores.clamp(1, MAX_PROCESSES)
}

fn whole(value: &str, field: &'static str, range: (u32, u32), now: u32) -> Result<u32, Notice> {
    match value.trim().parse::<u32>() {
        Ok(n) if (range.0..=range.1).contains(&n) => Ok(n),
        _ => Err(Notice::new(
            field,
            format!(
                "{field} must be a whole number from {} to {}; using {now}",
                range.0, range.1
            ),
        )),
    }
}

/// A value as a notice quotes it: at most 40 characters, so a 100 KB value cannot become a
/// notice wider than the page.
fn quoted(value: &str) -> String {
    let shown: String = value.chars().take(40).collect();
    let more = if shown.len() < value.len() { "…" } else { "" };
    format!("`{shown}{more}`")
}

/// A path on this site (`traces/run.json`, `/t.json`): no scheme, no other host.
fn same_site_path(value: &str) -> Result<String, Notice> {
    let v = value.trim();
    let scheme = v
        .split_once(':')
        .is_some_and(|(before, _)| !before.contains('/'));
    if v.is_empty() || v.len() > 300 || scheme || v.starts_with("//") || v.contains('\\') {
        return Err(Notice::new(
            "trace",
            format!(
                "trace must be a file on this site, like traces/run.json; {} was not loaded",
                quoted(value)
            ),
        ));
    }
    Ok(v.to_string())
}

fn flag(value: &str, field: &'static str) -> Result<bool, Notice> {
    match value {
        "1" | "true" => Ok(true),
        "0" | "false" | "" => Ok(false),
        _ => Err(Notice::new(
            field,
            format!("{field} must be 1 or 0; using 0"),
        )),
    }
}

impl Scenario {
    pub fn default_for(cores: u32) -> Scenario {
        Scenario {
            source: Source::Preset(Preset::Io),
            models: Model::DEFAULT.to_vec(),
            threads: default_threads(cores),
            processes: default_processes(cores),
            switch_ms: DEFAULT_SWITCH_MS,
            seed: 1,
            repeat: 1,
            run: false,
            embed: false,
            caption: String::new(),
            theme: Theme::Auto,
            transparent: false,
            live: true,
            sweep: None,
            trace: None,
            start: StartMethod::Forkserver,
            limit: None,
            chunksize: 1,
            claim: None,
            claims: false,
            predict: false,
        }
    }

    /// Sets the workload, models and pools to `claim`'s experiment, and what changes how a
    /// model runs (switch interval, start method, semaphore, chunks) to its defaults, and makes
    /// it the claim a run judges; how the page shows and repeats runs (theme, embed, repeat…)
    /// stays.
    pub fn apply_claim(&mut self, claim: &'static Claim, cores: u32) {
        if let Some(experiment) = claim.experiment() {
            let fresh = Scenario::default_for(cores);
            (self.models, self.threads, self.processes) =
                (fresh.models, fresh.threads, fresh.processes);
            (self.switch_ms, self.start, self.limit, self.chunksize) =
                (fresh.switch_ms, fresh.start, fresh.limit, fresh.chunksize);
            for pair in experiment.split('&') {
                let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
                // The experiments are this crate's own, and a native test sets each one.
                let _ = self.set(key, &decode_component(raw));
            }
        }
        self.claim = Some(claim.id);
    }

    /// The caption an embed shows: the one given, or the workload and models in words.
    pub fn caption_or_default(&self) -> String {
        if !self.caption.is_empty() {
            return self.caption.clone();
        }
        if let Some(c) = self.claim.and_then(claim) {
            return format!("Claim: {}", c.text);
        }
        let models: Vec<&str> = self.models.iter().map(|m| m.id()).collect();
        let workload = match &self.source {
            Source::Preset(p) => p.label().to_string(),
            Source::Text(t) => t.replace('\n', "; "),
        };
        format!("{workload}, under {}", models.join(", "))
    }

    /// The settings behind the page's Settings disclosure that a newcomer does not need, each
    /// that is away from its default (the address set it), in the words of its summary.
    fn more_settings(&self) -> Vec<String> {
        let mut set = Vec::new();
        if self.start != StartMethod::Forkserver {
            set.push(format!("{} start", self.start.id()));
        }
        if let Some(n) = self.limit {
            set.push(format!("async limit {n}"));
        }
        if self.chunksize != 1 {
            set.push(format!("chunksize {}", self.chunksize));
        }
        if self.switch_ms != DEFAULT_SWITCH_MS {
            set.push(format!("GIL switch {} ms", self.switch_ms));
        }
        if self.repeat != 1 {
            set.push(format!("repeat {}", self.repeat));
        }
        if let Some(sizes) = &self.sweep {
            let sizes: Vec<String> = sizes.iter().map(u32::to_string).collect();
            set.push(format!("sweep {}", sizes.join(",")));
        }
        if self.seed != 1 {
            set.push(format!("seed {}", self.seed));
        }
        set
    }

    /// One of those settings is away from its default: the disclosure opens by itself.
    pub fn sets_more(&self) -> bool {
        !self.more_settings().is_empty()
    }

    /// The Settings disclosure's summary: the pools' sizes, which every run of gil, threads and
    /// processes depends on, and whatever else is away from its default, so nothing that
    /// shapes a run is hidden behind the closed disclosure.
    pub fn settings_summary(&self) -> String {
        fn s(n: u32, plural: &'static str) -> &'static str {
            if n == 1 {
                ""
            } else {
                plural
            }
        }
        let mut parts = vec![
            format!("{} thread{}", self.threads, s(self.threads, "s")),
            format!("{} process{}", self.processes, s(self.processes, "es")),
        ];
        parts.extend(self.more_settings());
        parts.join(" · ")
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

    /// Sets the workload text; a text equal to a preset's becomes that preset.
    pub fn set_text(&mut self, text: String) {
        self.source = match Preset::ALL.into_iter().find(|p| p.text() == text) {
            Some(p) => Source::Preset(p),
            None => Source::Text(text),
        };
    }

    /// Sets one setting from its text, as the URL query and the form both write them. A bad
    /// value leaves the setting as it was and says why.
    ///
    /// # Errors
    /// A [`Notice`] naming the setting and the values it takes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), Notice> {
        match key {
            "preset" => match Preset::from_id(value) {
                Some(p) => self.source = Source::Preset(p),
                None => {
                    return Err(Notice::new(
                        "preset",
                        format!("unknown preset {}; use io, cpu, mixed or hog", quoted(value)),
                    ))
                }
            },
            // Kept even when invalid, so the editor can show the error where it is.
            "workload" => self.set_text(value.to_string()),
            "models" => {
                let mut models = Vec::new();
                let mut unknown = Vec::new();
                for id in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                    match Model::from_id(id) {
                        Some(m) if !models.contains(&m) => models.push(m),
                        Some(_) => {}
                        None if unknown.len() < 3 => unknown.push(quoted(id)),
                        None => {}
                    }
                }
                let keep = !models.is_empty();
                if keep {
                    crate::core::sort::sort(&mut models);
                    self.models = models;
                }
                if !unknown.is_empty() || !keep {
                    let mut message = if unknown.is_empty() {
                        "no model chosen".to_string()
                    } else {
                        format!(
                            "unknown model {}; use sequential, async, gil, threads, processes, to_thread, executor or interpreters",
                            unknown.join(", ")
                        )
                    };
                    if !keep {
                        message.push_str("; showing the default five");
                        self.models = Model::DEFAULT.to_vec();
                    }
                    return Err(Notice::new("models", message));
                }
            }
            "threads" => self.threads = whole(value, "threads", (1, MAX_THREADS), self.threads)?,
            "processes" => {
                self.processes = whole(value, "processes", (1, MAX_PROCESSES), self.processes)?
            }
            // Links from before threads and processes were separate set both.
            "workers" => {
                let n = whole(value, "workers", (1, MAX_PROCESSES), self.processes)?;
                (self.threads, self.processes) = (n, n);
            }
            "switch" => match value.trim().parse::<f64>() {
                Ok(v) if (MIN_SWITCH_MS..=MAX_SWITCH_MS).contains(&v) => self.switch_ms = v,
                _ => return Err(Notice::new(
                    "switch",
                    format!("switch must be a number of milliseconds from {MIN_SWITCH_MS} to {MAX_SWITCH_MS}; using {}", self.switch_ms),
                )),
            },
            "seed" => self.seed = whole(value, "seed", (0, u32::MAX), self.seed)?,
            "repeat" => self.repeat = whole(value, "repeat", (1, MAX_REPEAT), self.repeat)?,
            "run" => self.run = flag(value, "run")?,
            "embed" => self.embed = flag(value, "embed")?,
            "live" => self.live = value.is_empty() || flag(value, "live")?,
            "transparent" => self.transparent = flag(value, "transparent")?,
            "caption" => self.caption = value.chars().take(MAX_CAPTION).collect(),
            "theme" => match Theme::from_id(value) {
                Some(t) => self.theme = t,
                None => {
                    return Err(Notice::new(
                        "theme",
                        format!("unknown theme {}; use auto, light or dark", quoted(value)),
                    ))
                }
            },
            "sweep" => {
                self.sweep = Some(
                    parse_sizes(value, MAX_THREADS)
                        .map_err(|e| Notice::new("sweep", format!("{e}; no sweep set")))?,
                )
            }
            "trace" => self.trace = Some(same_site_path(value)?),
            "start" => match StartMethod::from_id(value) {
                Some(m) => self.start = m,
                None => {
                    return Err(Notice::new(
                        "start",
                        format!(
                            "unknown start method {}; use forkserver, spawn or fork",
                            quoted(value)
                        ),
                    ))
                }
            },
            "limit" => {
                self.limit = match value.trim() {
                    "" | "none" => None,
                    v => match v.parse::<u32>() {
                        Ok(n) if (1..=MAX_TASKS).contains(&n) => Some(n),
                        _ => {
                            let now = self.limit.map_or("none".to_string(), |n| n.to_string());
                            return Err(Notice::new(
                                "limit",
                                format!("limit must be a whole number from 1 to {MAX_TASKS} (async tasks in flight at once), or none; using {now}"),
                            ));
                        }
                    },
                }
            }
            "chunksize" => {
                self.chunksize = whole(value, "chunksize", (1, MAX_TASKS), self.chunksize)?
            }
            "claim" => match claim(value.trim()) {
                Some(c) => self.claim = Some(c.id),
                None => {
                    return Err(Notice::new(
                        "claim",
                        format!(
                            "unknown claim {}; the Claims view (?claims=1) lists them all",
                            quoted(value)
                        ),
                    ))
                }
            },
            "claims" => self.claims = flag(value, "claims")?,
            "predict" => self.predict = flag(value, "predict")?,
            // Read by the loader (coi=0: no isolation service worker), not by the scenario.
            "coi" => {}
            _ => {
                return Err(Notice::new(
                    "query",
                    format!("unknown setting {} ignored", quoted(key)),
                ))
            }
        }
        Ok(())
    }

    /// Reads a URL query (`?a=b&c=d`, with or without the `?`). Unknown keys and bad values
    /// produce notices and leave the defaults in place, so any URL gives a working page.
    pub fn from_query(query: &str, cores: u32) -> (Scenario, Vec<Notice>) {
        let mut s = Scenario::default_for(cores);
        let mut notices = Vec::new();
        // A snippet escaped twice by a CMS reaches the address as `a=1&amp;b=2`: its keys are
        // read as the author wrote them.
        let pairs = || {
            query
                .trim_start_matches('?')
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
                .map(|(key, raw)| (key.strip_prefix("amp;").unwrap_or(key), raw))
        };
        if query.contains("&amp;") {
            notices.push(Notice::new(
                "query",
                "This address was escaped twice (`&amp;` where `&` belongs), as some sites do to pasted links: it is read as its author wrote it.".into(),
            ));
        }
        // A claim's experiment first, so the address's own values override it.
        if let Some(c) = pairs()
            .filter(|(key, _)| decode_component(key) == "claim")
            .find_map(|(_, raw)| claim(decode_component(raw).trim()))
        {
            s.apply_claim(c, cores);
        }
        for (key, raw) in pairs() {
            if let Err(n) = s.set(&decode_component(key), &decode_component(raw)) {
                notices.push(n);
            }
        }
        (s, notices)
    }

    /// The URL query that restores this scenario (without `run`). Pool sizes are always
    /// written: their defaults depend on the reader's cores, and a link should mean one thing.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        match &self.source {
            Source::Preset(p) => parts.push(format!("preset={}", p.id())),
            Source::Text(t) => parts.push(format!("workload={}", encode_component(t))),
        }
        let ids: Vec<&str> = self.models.iter().map(|m| m.id()).collect();
        parts.push(format!("models={}", ids.join(",")));
        parts.push(format!("threads={}", self.threads));
        parts.push(format!("processes={}", self.processes));
        if self.switch_ms != DEFAULT_SWITCH_MS {
            parts.push(format!("switch={}", self.switch_ms));
        }
        if self.seed != 1 {
            parts.push(format!("seed={}", self.seed));
        }
        if self.repeat != 1 {
            parts.push(format!("repeat={}", self.repeat));
        }
        if !self.live {
            parts.push("live=0".into());
        }
        if self.theme != Theme::Auto {
            parts.push(format!("theme={}", self.theme.id()));
        }
        if self.transparent {
            parts.push("transparent=1".into());
        }
        if let Some(sizes) = &self.sweep {
            let sizes: Vec<String> = sizes.iter().map(u32::to_string).collect();
            parts.push(format!("sweep={}", sizes.join(",")));
        }
        if self.start != StartMethod::Forkserver {
            parts.push(format!("start={}", self.start.id()));
        }
        if let Some(n) = self.limit {
            parts.push(format!("limit={n}"));
        }
        if self.chunksize != 1 {
            parts.push(format!("chunksize={}", self.chunksize));
        }
        if let Some(trace) = &self.trace {
            parts.push(format!("trace={}", encode_component(trace)));
        }
        if self.claims {
            parts.insert(0, "claims=1".into());
        }
        if let Some(id) = self.claim {
            // First, as the reader expects of a link to a claim; what follows overrides its
            // experiment, whatever order a link gives them in.
            parts.insert(usize::from(self.claims), format!("claim={id}"));
        }
        if !self.caption.is_empty() {
            parts.push(format!("caption={}", encode_component(&self.caption)));
        }
        if self.predict {
            parts.push("predict=1".into());
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

/// Reads `1,2,4,8`: whole numbers from 1 to `max`, at most [`MAX_SIZES`], sorted, once each.
///
/// # Errors
/// A sentence saying what is wrong.
pub fn parse_sizes(text: &str, max: u32) -> Result<Vec<u32>, String> {
    let mut sizes = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => sizes.push(n),
            _ => {
                return Err(format!(
                "sweep sizes are whole numbers from 1 to {max}, like 1,2,4,8; `{part}` is not one"
            ))
            }
        }
    }
    crate::core::sort::sort(&mut sizes);
    sizes.dedup();
    if sizes.is_empty() {
        return Err("a sweep needs at least one pool size, like 1,2,4".into());
    }
    if sizes.len() > MAX_SIZES {
        return Err(format!("a sweep runs at most {MAX_SIZES} pool sizes"));
    }
    Ok(sizes)
}

//! The workload language: what a run executes.
//!
//! One task per line (or per `;`), steps separated by commas, an optional repeat count and an
//! optional payload size:
//!
//! ```text
//! # eight downloads
//! 8 x io 200
//! io 100, cpu 20, io 100
//! 4 x cpu 50 payload 256kb
//! ```
//!
//! `io <ms>` waits (a simulated I/O call: a timer), `cpu <ms>` computes (the calibrated kernel),
//! `payload <size>` is how much data the `processes` model copies into and out of its worker.
//! Parsing never panics and rejects anything over the [`Limits`], so nothing typed can hang the
//! tab.

mod parse;

pub use parse::format_size;
use parse::*;
use std::fmt;

/// What one step of a task does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "ms")]
pub enum Step {
    /// Waits this many milliseconds without using the CPU (a simulated network or disk call).
    Io(u32),
    /// Computes for about this many milliseconds on this device.
    Cpu(u32),
}

impl Step {
    pub fn ms(self) -> u32 {
        match self {
            Step::Io(ms) | Step::Cpu(ms) => ms,
        }
    }
}

/// One task: its steps run in order; tasks are what the models run concurrently.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Task {
    pub steps: Vec<Step>,
    /// Bytes copied into the worker and back under `processes`.
    pub payload: u32,
}

impl Task {
    pub fn cpu_ms(&self) -> u64 {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Cpu(ms) => u64::from(*ms),
                Step::Io(_) => 0,
            })
            .sum()
    }
    pub fn total_ms(&self) -> u64 {
        self.steps.iter().map(|s| u64::from(s.ms())).sum()
    }
}

/// A group of identical tasks, as written on one line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Group {
    count: u32,
    task: Task,
}

/// A parsed workload. Kept as written (groups) so it prints back the same way; [`Workload::tasks`]
/// expands it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Workload {
    groups: Vec<Group>,
}

/// Hard limits: any workload inside them runs to completion in a bounded time and memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Tasks in all (10,000 keeps the "ten thousand concurrent waits" demonstration possible).
    pub max_tasks: u32,
    /// Steps in one task.
    pub max_steps_per_task: u32,
    /// Steps in all, after expanding counts.
    pub max_total_steps: u32,
    /// One step's duration.
    pub max_step_ms: u32,
    /// CPU time of the whole workload, summed over tasks: the sequential run's computing time.
    pub max_total_cpu_ms: u64,
    /// One task's payload.
    pub max_payload: u32,
    /// Payload summed over all tasks (each byte is copied twice under `processes`).
    pub max_total_payload: u64,
}

pub const LIMITS: Limits = Limits {
    max_tasks: 10_000,
    max_steps_per_task: 64,
    max_total_steps: 100_000,
    max_step_ms: 60_000,
    max_total_cpu_ms: 20_000,
    max_payload: 16 * 1024 * 1024,
    max_total_payload: 64 * 1024 * 1024,
};

/// What the groups read so far add up to, against the limits over the whole workload.
#[derive(Default)]
struct Totals {
    tasks: u64,
    steps: u64,
    cpu_ms: u64,
    payload: u64,
}

impl Totals {
    fn add(&mut self, group: &Group, limits: &Limits) -> Result<(), String> {
        let n = u64::from(group.count);
        self.tasks += n;
        self.steps += n * group.task.steps.len() as u64;
        self.cpu_ms += n * group.task.cpu_ms();
        self.payload += n * u64::from(group.task.payload);
        if self.tasks > u64::from(limits.max_tasks) {
            return Err(format!(
                "{} tasks in all; at most {} are allowed",
                self.tasks, limits.max_tasks
            ));
        }
        if self.steps > u64::from(limits.max_total_steps) {
            return Err(format!(
                "{} steps in all; at most {} are allowed",
                self.steps, limits.max_total_steps
            ));
        }
        if self.cpu_ms > limits.max_total_cpu_ms {
            return Err(format!(
                "{} ms of CPU work in all; at most {} ms are allowed",
                self.cpu_ms, limits.max_total_cpu_ms
            ));
        }
        if self.payload > limits.max_total_payload {
            return Err(format!(
                "{} MB of payload in all; at most {} MB are allowed",
                self.payload / (1024 * 1024),
                limits.max_total_payload / (1024 * 1024)
            ));
        }
        Ok(())
    }
}

/// Longest workload text accepted, before any parsing.
pub const MAX_TEXT_LEN: usize = 10_000;

/// Why a workload was rejected, with the position (1-based line and column) it refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for WorkloadError {}

impl WorkloadError {
    /// Where the error is in `text`, as a range of UTF-16 code units (what a browser's text
    /// selection counts): from its line and column to the end of the word there, at least one
    /// unit long, clamped to the text.
    pub fn utf16_range(&self, text: &str) -> (u32, u32) {
        let mut units = 0u32;
        let mut start = None;
        let mut end = None;
        let (mut line, mut column) = (1u32, 1u32);
        for c in text.chars() {
            if start.is_none() && line == self.line && column == self.column {
                start = Some(units);
            }
            if start.is_some()
                && end.is_none()
                && (c.is_whitespace() || c == ',' || c == ';')
                && Some(units) != start
            {
                end = Some(units);
            }
            units += c.len_utf16() as u32;
            if c == '\n' {
                if line == self.line && start.is_none() {
                    // The column is past the end of this line: point at its end.
                    start = Some(units - 1);
                }
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        let start = start.unwrap_or(units);
        let end = end.unwrap_or(units).max(start);
        if end == start && start > 0 && start == units {
            (start - 1, start)
        } else if end == start {
            (start, (start + 1).min(units))
        } else {
            (start, end)
        }
    }
}

impl Workload {
    /// Parses workload text.
    ///
    /// # Errors
    /// A [`WorkloadError`] naming the line and column of the first problem, or the limit that
    /// the whole workload exceeds.
    pub fn parse(text: &str) -> Result<Workload, WorkloadError> {
        Self::parse_with(text, &LIMITS)
    }

    /// Parses against explicit limits (tests use small ones).
    ///
    /// # Errors
    /// As [`Workload::parse`].
    pub fn parse_with(text: &str, limits: &Limits) -> Result<Workload, WorkloadError> {
        // Characters, not bytes: 4,000 CJK characters are as short a text as 4,000 Latin ones.
        if text.chars().count() > MAX_TEXT_LEN {
            return Err(WorkloadError {
                line: 1,
                column: 1,
                message: format!("the workload text is longer than {MAX_TEXT_LEN} characters"),
            });
        }
        let mut groups = Vec::new();
        let mut totals = Totals::default();
        for (index, raw_line) in text.split('\n').enumerate() {
            let line_no = index as u32 + 1;
            let mut column = 1u32;
            for part in raw_line.split(';') {
                let part_columns = part.chars().count() as u32;
                let code = part.split('#').next().unwrap_or("");
                // A byte order mark that some editors put before the text is not part of it.
                let skip = usize::from(index == 0 && column == 1 && code.starts_with(BOM));
                if let Some((at, c)) = code
                    .chars()
                    .enumerate()
                    .skip(skip)
                    .find(|(_, c)| foreign(*c))
                {
                    return Err(WorkloadError {
                        line: line_no,
                        column: column + at as u32,
                        message: describe_foreign(c),
                    });
                }
                let code = if skip == 1 {
                    &code[BOM.len_utf8()..]
                } else {
                    code
                };
                let tokens = tokenize(code, line_no, column + skip as u32);
                if let Some(first) = tokens.first() {
                    let group = parse_group(&tokens, limits)?;
                    // A limit over the whole workload points at the task that went past it.
                    totals
                        .add(&group, limits)
                        .map_err(|message| WorkloadError {
                            line: first.line,
                            column: first.column,
                            message,
                        })?;
                    groups.push(group);
                }
                column += part_columns + 1;
                if part.contains('#') {
                    break; // the comment runs to the end of the line, past any `;`
                }
            }
        }
        if groups.is_empty() {
            return Err(WorkloadError {
                line: 1,
                column: 1,
                message: "the workload is empty: write at least one task, like `io 100`".into(),
            });
        }
        Ok(Workload { groups })
    }

    /// The tasks, with counts expanded, in the order written.
    pub fn tasks(&self) -> Vec<Task> {
        let mut out = Vec::new();
        for g in &self.groups {
            for _ in 0..g.count {
                out.push(g.task.clone());
            }
        }
        out
    }

    /// The groups as written: how many times each task repeats.
    pub fn groups(&self) -> impl Iterator<Item = (u32, &Task)> {
        self.groups.iter().map(|g| (g.count, &g.task))
    }

    /// The workload `groups` gave: one that crossed to a worker, parsed and checked by the page.
    pub fn from_groups(groups: Vec<(u32, Task)>) -> Workload {
        Workload {
            groups: groups
                .into_iter()
                .map(|(count, task)| Group { count, task })
                .collect(),
        }
    }

    pub fn task_count(&self) -> u32 {
        self.groups.iter().map(|g| g.count).sum()
    }

    /// CPU milliseconds of the whole workload.
    pub fn total_cpu_ms(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| u64::from(g.count) * g.task.cpu_ms())
            .sum()
    }

    /// Milliseconds the longest single task needs on its own: no model can finish sooner.
    pub fn longest_task_ms(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| g.task.total_ms())
            .max()
            .unwrap_or(0)
    }

    /// Milliseconds of all steps one after another: the sequential run's ideal time.
    pub fn serial_ms(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| u64::from(g.count) * g.task.total_ms())
            .sum()
    }

    /// The canonical text: one group per line, `parse(w.to_text()) == w`.
    pub fn to_text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            if g.count != 1 {
                write!(f, "{} x ", g.count)?;
            }
            for (j, s) in g.task.steps.iter().enumerate() {
                if j > 0 {
                    write!(f, ", ")?;
                }
                match s {
                    Step::Io(ms) => write!(f, "io {ms}")?,
                    Step::Cpu(ms) => write!(f, "cpu {ms}")?,
                }
            }
            if g.task.payload > 0 {
                write!(f, " payload {}", format_size(g.task.payload))?;
            }
        }
        Ok(())
    }
}

/// The built-in scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Io,
    Cpu,
    Mixed,
    /// One long CPU task beside a chatty one (25 short waits, each followed by a little
    /// computing): wall time hides the difference; the chatty task's stalls show it.
    Hog,
}

/// The hog preset's text: `cpu 1000`, then one task of 25 × (`io 20, cpu 1`).
const HOG: &str = "cpu 1000\nio 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1";

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::Io, Preset::Cpu, Preset::Mixed, Preset::Hog];

    pub fn id(self) -> &'static str {
        match self {
            Preset::Io => "io",
            Preset::Cpu => "cpu",
            Preset::Mixed => "mixed",
            Preset::Hog => "hog",
        }
    }

    pub fn from_id(id: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The preset in words, as the page's menu and an embed's caption name it.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Io => "I/O-bound: 8 downloads, 200 ms each",
            Preset::Cpu => "CPU-bound: 8 computations, 100 ms each",
            Preset::Mixed => "Mixed: 6 × fetch, parse, store",
            Preset::Hog => "A CPU hog beside a chatty task (latency)",
        }
    }

    /// The preset in the workload language.
    pub fn text(self) -> &'static str {
        match self {
            Preset::Io => "8 x io 200",
            Preset::Cpu => "8 x cpu 100 payload 256kb",
            Preset::Mixed => "6 x io 120, cpu 40, io 60 payload 64kb",
            Preset::Hog => HOG,
        }
    }

    pub fn workload(self) -> Workload {
        // The preset texts are constants inside the limits; a failure here is a bug, caught by
        // the unit test below, never by a user.
        Workload::parse(self.text()).unwrap_or_else(|e| panic!("preset {}: {e}", self.id()))
    }
}

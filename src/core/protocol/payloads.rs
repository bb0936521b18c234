//! What the page and the conductor say to each other, as plain data: the session builds run
//! requests and reads the conductor's reports; `web::messages` puts them on the wire as
//! [`super::wire`] writes them.

use crate::core::input::scenario::StartMethod;
use crate::core::input::workload::Workload;
use crate::core::measure::trace::Model;

/// What the page asks the conductor to run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRequest {
    pub run: u32,
    /// Parsed once, by the page; the conductor runs it as it is.
    pub workload: Workload,
    /// The models in the order they run; with repeats, interleaved (ABCABC…). A model's place
    /// in this list is its *slot*, which the conductor's messages name.
    pub models: Vec<Model>,
    pub threads: u32,
    pub processes: u32,
    /// The page's core count, which the conductor's watchdog scales by.
    pub cores: u32,
    pub switch_ms: f64,
    pub seed: u32,
    /// Stream spans while models run (false: each model's spans arrive when it ends).
    pub live: bool,
    /// How `processes` starts its workers.
    pub start: StartMethod,
    /// `async` tasks in flight at once (`asyncio.Semaphore`); `None`: no bound.
    pub limit: Option<u32>,
    /// Tasks per message under `processes` (`ProcessPoolExecutor.map`'s `chunksize`).
    pub chunksize: u32,
    /// Test builds only (`hooks`): a fault to inject, to test what the page says about it.
    pub fault: Option<Fault>,
}

/// A fault a test build can inject into a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    /// This model's pool job traps (the watchdog must end it).
    Trap { model: Model },
    /// Every CPU step does `factor` times its calibrated work, as on a machine that busy.
    Busy { factor: f64 },
    /// The process that takes the first task hangs on it (its host must notice).
    Hang,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ready {
    pub calibration: crate::core::measure::kernel::Calibration,
    /// Threads in the rayon pool (0 when none could start).
    pub threads: u32,
    pub isolated: bool,
    /// Whether this browser has `SharedArrayBuffer` at all.
    pub shared_array_buffer: bool,
    /// Why the pool could not start, if it could not.
    pub pool_error: Option<String>,
}

/// A model's successful end.
#[derive(Clone, Debug)]
pub struct Finished {
    pub start: f64,
    pub end: f64,
    pub lanes: u32,
    pub checksum: u64,
    /// Stretches when the conductor's loop did not run while the model ran (start, end on
    /// the shared clock): a frozen page, or an `async` CPU step that blocked the loop.
    pub gaps: Vec<(f64, f64)>,
}

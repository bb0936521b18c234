//! Claims commonly made about Python concurrency, each with the experiment that tests it and
//! the criterion that judges a run of it. A verdict is computed from the run's own numbers
//! (never stored with the claim): open a claim with another workload or pool size and its
//! numbers, and where they should its verdict, change. A run whose numbers are disturbed, or
//! that lacks a model the criterion reads, judges nothing and says why.

mod criteria;

use crate::core::analysis::results::ModelResult;
use crate::core::input::workload::{Step, Workload};
use crate::core::measure::trace::Model;
use crate::core::measure::units::{capitalised, format_ms as ms};
use criteria::*;

/// Two wall times within this ratio of each other are a tie: a shared machine moves runs of
/// the same work by a few per cent, so a closer "win" means nothing.
pub const TIE: f64 = 1.1;

/// What a run says of a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    True,
    False,
    /// True under some conditions and not others; the sentence says which held here.
    Depends,
}

impl Verdict {
    pub fn id(self) -> &'static str {
        match self {
            Verdict::True => "true",
            Verdict::False => "false",
            Verdict::Depends => "depends",
        }
    }

    /// The verdict as a reader sees it, capitalised.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::True => "True",
            Verdict::False => "False",
            Verdict::Depends => "It depends",
        }
    }
}

/// A verdict and why, or (no verdict) why the run cannot judge.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    pub verdict: Option<Verdict>,
    pub because: String,
}

/// How a claim is tested.
#[derive(Clone, Copy, Debug)]
pub enum Test {
    /// By a run of this scenario (a URL query of the keys `to_query` always writes: the
    /// workload, the models and the pool sizes, so the page's own link overrides each one),
    /// judged by this criterion.
    Run {
        experiment: &'static str,
        criterion: fn(&Evidence) -> Found,
    },
    /// By nothing a browser can run: a verdict from a source.
    Source {
        verdict: Verdict,
        because: &'static str,
        source: &'static str,
    },
}

/// One claim.
#[derive(Clone, Copy, Debug)]
pub struct Claim {
    pub id: &'static str,
    /// The claim in a sentence, as it is commonly put.
    pub text: &'static str,
    /// Where it is commonly heard.
    pub heard: &'static str,
    /// The experiment in words, for the card.
    pub design: &'static str,
    pub test: Test,
}

/// What a criterion reads: the run's results and what the run was asked to do.
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    pub results: &'a [ModelResult],
    pub workload: &'a Workload,
    pub cores: u32,
    pub threads: u32,
    pub processes: u32,
    pub switch_ms: f64,
    /// Every model computed the same checksum.
    pub agree: bool,
    /// Why the models that need shared memory cannot run in this page, when they cannot.
    pub unavailable: Option<&'a str>,
}

/// A criterion's finding: a verdict with its sentence, or why the run cannot judge.
pub type Found = Result<(Verdict, String), String>;

impl<'a> Evidence<'a> {
    /// The result of `model`, which the criterion needs: absent or disturbed, no verdict.
    fn model(&self, model: Model) -> Result<&'a ModelResult, String> {
        self.present(model)?.ok_or_else(|| match self.unavailable {
            Some(why) if model.needs_shared_memory() => format!(
                "the claim is judged on {model}, which cannot run in this page ({why}): open the claim in a tab of its own"
            ),
            _ => format!("the claim is judged on {model}, which this run did not measure: add it to the models"),
        })
    }

    /// The result of `model` if it ran; an error if it ran disturbed (its numbers would be
    /// read).
    fn present(&self, model: Model) -> Result<Option<&'a ModelResult>, String> {
        match self.results.iter().find(|r| r.model == model) {
            Some(r) if !r.disturbed.is_empty() => Err(format!(
                "{model}'s numbers were disturbed ({}), so this run judges nothing: run it again",
                r.disturbed.join("; ")
            )),
            found => Ok(found),
        }
    }

    fn steps(&self) -> impl Iterator<Item = Step> + '_ {
        self.workload
            .groups()
            .flat_map(|(_, task)| task.steps.iter().copied())
    }

    /// The longest single CPU step, ms.
    fn longest_cpu_step(&self) -> f64 {
        self.steps()
            .filter_map(|s| match s {
                Step::Cpu(ms) => Some(f64::from(ms)),
                Step::Io(_) => None,
            })
            .fold(0.0, f64::max)
    }

    fn waits(&self) -> bool {
        self.steps().any(|s| matches!(s, Step::Io(_)))
    }

    fn computes(&self) -> bool {
        self.workload.total_cpu_ms() > 0
    }

    fn tasks(&self) -> u32 {
        self.workload.task_count()
    }

    fn payload(&self) -> u64 {
        self.workload
            .groups()
            .map(|(n, t)| u64::from(n) * u64::from(t.payload))
            .sum()
    }
}

/// The claims, in the order the Claims view lists them.
pub const CLAIMS: [Claim; 12] = [
    Claim {
        id: "threads-cooperative",
        text: "Python threads are cooperative: a thread runs until it gives the others a turn.",
        heard: "articles that contrast threading with asyncio",
        design: "a CPU hog (one 1 s step) beside a chatty task, under asyncio and GIL threads, a thread for each task",
        test: Test::Run {
            experiment: "preset=hog&models=async,gil&threads=2",
            criterion: cooperative,
        },
    },
    Claim {
        id: "java-gil",
        text: "Java has a global interpreter lock too, so only one of its threads runs at a time.",
        heard: "articles that compare Python's threads with other languages'",
        design: "none a browser can run",
        test: Test::Source {
            verdict: Verdict::False,
            because: "no run in a browser can test Java. The Java Language Specification's chapter on threads and locks defines threads that run concurrently and locks that each object owns; there is no interpreter-wide lock, and the JVM runs Java threads on every core at once. A global interpreter lock is CPython's (and PyPy's), not Java's.",
            source: "https://docs.oracle.com/javase/specs/jls/se21/html/jls-17.html",
        },
    },
    Claim {
        id: "multiprocessing-best",
        text: "Multiprocessing is better than asyncio or threading.",
        heard: "blog posts and forum answers that rank the three",
        design: "eight 200 ms downloads under asyncio, GIL threads (8) and processes (the default pool, a process per core)",
        test: Test::Run {
            experiment: "preset=io&models=async,gil,processes&threads=8",
            criterion: multiprocessing_best,
        },
    },
    Claim {
        id: "fast-io-threads",
        text: "asyncio suits long I/O waits; short, fast I/O calls are better sent to threads.",
        heard: "guides to choosing between asyncio and threading",
        design: "a hundred 5 ms waits under asyncio and a thread pool of the default size (cores + 4)",
        test: Test::Run {
            experiment: "workload=100 x io 5&models=async,gil",
            criterion: fast_io_threads,
        },
    },
    Claim {
        id: "coroutines-cpu",
        text: "You cannot run CPU-intensive tasks side by side with coroutines.",
        heard: "asyncio tutorials",
        design: "eight 100 ms computations under sequential, asyncio, and asyncio handing each step to a process pool with run_in_executor",
        test: Test::Run {
            experiment: "preset=cpu&models=sequential,async,executor",
            criterion: coroutines_cpu,
        },
    },
    Claim {
        id: "asyncio-cpu",
        text: "asyncio cannot run CPU work side by side: its coroutines take turns on one thread.",
        heard: "the asyncio documentation and talks on the event loop",
        design: "eight 100 ms computations under sequential and asyncio",
        test: Test::Run {
            experiment: "preset=cpu&models=sequential,async",
            criterion: asyncio_cpu,
        },
    },
    Claim {
        id: "threads-io",
        text: "Threads help I/O-bound code, even under the GIL.",
        heard: "the threading documentation and answers about the GIL",
        design: "eight 200 ms downloads under sequential and eight GIL threads",
        test: Test::Run {
            experiment: "preset=io&models=sequential,gil&threads=8",
            criterion: threads_io,
        },
    },
    Claim {
        id: "free-threads",
        text: "On the free-threaded build (python3.14t), threads compute in parallel.",
        heard: "PEP 703 and the Python 3.14 release notes",
        design: "eight 100 ms computations under sequential, GIL threads and free threads (the default pool)",
        test: Test::Run {
            experiment: "preset=cpu&models=sequential,gil,threads",
            criterion: free_threads,
        },
    },
    Claim {
        id: "processes-cost",
        text: "Starting processes costs extra, and each one needs its own copy of the data.",
        heard: "the multiprocessing documentation and articles about it",
        design: "eight 100 ms computations with 256 KB of data each, under sequential and processes",
        test: Test::Run {
            experiment: "preset=cpu&models=sequential,processes",
            criterion: processes_cost,
        },
    },
    Claim {
        id: "hog-stalls",
        text: "A CPU hog on the event loop stalls every other task.",
        heard: "asyncio's documentation on blocking calls",
        design: "a CPU hog beside a chatty task under asyncio, and under asyncio sending the hog to a thread (to_thread)",
        test: Test::Run {
            experiment: "preset=hog&models=async,to_thread&threads=2",
            criterion: hog_stalls,
        },
    },
    Claim {
        id: "gil-cpu",
        text: "Under the GIL, threads do not make CPU-bound Python faster.",
        heard: "nearly every explanation of the GIL",
        design: "eight 100 ms computations under sequential and four GIL threads",
        test: Test::Run {
            experiment: "preset=cpu&models=sequential,gil&threads=4",
            criterion: gil_cpu,
        },
    },
    Claim {
        id: "one-core",
        text: "Without multiprocessing or the free-threaded build, a Python program computes on one core at a time.",
        heard: "explanations of the GIL written before Python 3.14",
        design: "eight 100 ms computations under sequential, two GIL threads and Python 3.14's pool of two subinterpreters",
        test: Test::Run {
            experiment: "preset=cpu&models=sequential,gil,interpreters&threads=2&processes=2",
            criterion: one_core,
        },
    },
];

/// The claim of this id.
pub fn claim(id: &str) -> Option<&'static Claim> {
    CLAIMS.iter().find(|c| c.id == id)
}

impl Claim {
    /// The experiment's query, if a run tests the claim.
    pub fn experiment(&self) -> Option<&'static str> {
        match self.test {
            Test::Run { experiment, .. } => Some(experiment),
            Test::Source { .. } => None,
        }
    }

    /// What the evidence says of the claim.
    pub fn judge(&self, e: &Evidence) -> Judgement {
        let found = match self.test {
            Test::Source {
                verdict, because, ..
            } => Ok((verdict, because.to_string())),
            Test::Run { criterion, .. } if e.agree => criterion(e),
            Test::Run { .. } => Err(
                "the models' checksums differ, so some model did not do the work: this run judges nothing"
                    .into(),
            ),
        };
        match found {
            Ok((verdict, because)) => Judgement {
                verdict: Some(verdict),
                because: capitalised(&because),
            },
            Err(why) => Judgement {
                verdict: None,
                because: format!("No verdict: {why}."),
            },
        }
    }

    /// The verdict a claim tested by a source has without any run.
    pub fn standing(&self) -> Option<Judgement> {
        match self.test {
            Test::Source {
                verdict, because, ..
            } => Some(Judgement {
                verdict: Some(verdict),
                because: capitalised(because),
            }),
            Test::Run { .. } => None,
        }
    }

    pub fn source(&self) -> Option<&'static str> {
        match self.test {
            Test::Source { source, .. } => Some(source),
            Test::Run { .. } => None,
        }
    }
}

//! What a search reports: per target and in all, built once by the search
//! context at the end; and the progress it shows while it runs.

use super::StopReason;
use crate::propose::ProposerStats;
use serde::Serialize;
use std::time::Duration;

/// What the search found for one target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetReport {
    /// The target's name.
    pub name: String,
    /// Does `program` pass every visible test?
    pub solved: bool,
    /// The best program found (passing every visible test when `solved`).
    pub program: Option<String>,
    /// The proposer that made it.
    pub proposer: Option<String>,
    /// The model's log-probability of the solution's completion (model proposer).
    pub logprob: Option<f32>,
    /// Visible tests the program passes, of how many.
    pub visible_passed: usize,
    /// Visible tests.
    pub visible_total: usize,
    /// Hidden tests the program passes (run only on a solution).
    pub hidden_passed: usize,
    /// Hidden tests.
    pub hidden_total: usize,
    /// The first hidden test the solution fails, if any.
    pub hidden_failure: Option<String>,
    /// Z3's final verdict on the solution, for a target with a `[spec]`
    /// (`proved for loops up to 8 iterations`, `unknown (timeout)`, ...).
    pub verdict: Option<String>,
    /// The counterexamples found on the way (each became a visible test),
    /// as calls with the expected result.
    pub counterexamples: Vec<String>,
    /// Constants mined from the examples that the program uses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constants: Vec<String>,
}

impl TargetReport {
    /// A target without a solution: `best` is its best program, with the
    /// proposer that made it and the visible tests it passes.
    pub fn unsolved(
        name: &str,
        best: Option<(String, String, usize)>,
        visible_total: usize,
        hidden_total: usize,
    ) -> TargetReport {
        let (program, proposer, visible_passed) = match best {
            Some((program, proposer, passed)) => (Some(program), Some(proposer), passed),
            None => (None, None, 0),
        };
        TargetReport {
            name: name.to_string(),
            solved: false,
            program,
            proposer,
            logprob: None,
            visible_passed,
            visible_total,
            hidden_passed: 0,
            hidden_total,
            hidden_failure: None,
            verdict: None,
            counterexamples: Vec::new(),
            constants: Vec::new(),
        }
    }
}

/// The result of a search.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The problem's name.
    pub problem: String,
    /// Did every target get a program passing its visible tests?
    pub solved: bool,
    /// The programs found (every target's `def`), when solved.
    pub program: Option<String>,
    /// Why the search ended.
    pub stop_reason: StopReason,
    /// The strategy that ran.
    pub strategy: String,
    /// Candidates tried: distinct programs checked against the visible tests
    /// (the enumerator keeps one per output vector), plus seeds.
    pub candidates: u64,
    /// Expressions the enumerator evaluated, equivalent ones included, and
    /// other proposers' candidates tested.
    pub evaluated: u64,
    /// Candidates put in the sandbox.
    pub sandbox_runs: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Visible tests passed, over all targets.
    pub visible_passed: usize,
    /// Visible tests, over all targets.
    pub visible_total: usize,
    /// Hidden tests passed, over all targets.
    pub hidden_passed: usize,
    /// Hidden tests, over all targets.
    pub hidden_total: usize,
    /// Per target.
    pub targets: Vec<TargetReport>,
    /// Every proposer that ran, over all targets, in the order they were named.
    pub proposers: Vec<ProposerStats>,
    /// What the model proposer did (when it ran).
    pub model: Option<ModelStats>,
}

/// What the model proposer did, over all targets.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ModelStats {
    /// Completions sampled.
    pub completions: u64,
    /// Completions that do not parse as a function body.
    pub syntax_errors: u64,
    /// Completions that parse but do not type-check.
    pub type_errors: u64,
    /// Completions identical to a body already tried.
    pub duplicates: u64,
    /// Completions run in the sandbox.
    pub tested: u64,
    /// Completions left unexamined because one of their round solved the target.
    pub skipped: u64,
    /// Tokens sampled.
    pub tokens: u64,
    /// Seconds spent sampling.
    pub seconds: f64,
    /// Why the model stopped proposing early, if it failed.
    pub error: Option<String>,
}

impl From<&ProposerStats> for ModelStats {
    fn from(s: &ProposerStats) -> ModelStats {
        ModelStats {
            completions: s.proposed,
            syntax_errors: s.syntax_errors,
            type_errors: s.type_errors,
            duplicates: s.duplicates,
            tested: s.tested,
            skipped: s.skipped,
            tokens: s.tokens,
            seconds: s.seconds,
            error: s.error.clone(),
        }
    }
}

/// Progress of a running search, for status lines.
#[derive(Clone, Debug)]
pub struct Progress {
    /// Candidates counted so far.
    pub candidates: u64,
    /// Expressions evaluated so far.
    pub evaluated: u64,
    /// Best visible tests passed so far (this target), and of how many.
    pub best: (usize, usize),
    /// Time since the start.
    pub elapsed: Duration,
    /// The proposers' own words (`size 7`, `model 16/64 samples`).
    pub statuses: Vec<String>,
}

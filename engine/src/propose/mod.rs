//! The proposer seam: a proposer makes candidate bodies for one target in
//! slices (a [`Proposer::step`] under a [`Quota`], after which it yields or
//! says it is exhausted), hears what became of each candidate it made
//! ([`Proposer::feedback`]) and reports its statistics in one shared shape.
//! A [`ProposerFactory`] makes a target's proposer; a new proposer is a new
//! file here and a name in [`ProposerName`].

pub mod enumerate;
pub mod model;
pub mod seed;

use crate::db::ProgramId;
use crate::place::Rejection;
use crate::problem::{Problem, Target};
use crate::score::Score;
use crate::search::SearchOptions;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use synth_verifiers::{TestCase, Verdict};

/// A proposed implementation of one target.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The function's body, as source lines without the `def`'s indentation
    /// (e.g. `return s[:s.find(" ")]`).
    pub body: String,
    /// A language model's log-probability of the completion it came from.
    pub logprob: Option<f32>,
    /// The programs it was made from (mutation, repair); none for fresh ones.
    pub parents: Vec<ProgramId>,
}

impl Candidate {
    /// A fresh candidate with this body.
    pub fn new(body: impl Into<String>) -> Candidate {
        Candidate { body: body.into(), logprob: None, parents: Vec::new() }
    }
}

/// How much one step may do. A proposer checks it as often as it
/// cheaply can; a step that makes a batch (a model's round) may overrun.
#[derive(Clone, Debug)]
pub struct Quota {
    /// When the step should yield.
    pub deadline: Instant,
    /// The most candidates the step may count against the budget.
    pub candidates: u64,
    /// Set when the user interrupts the search: yield at once.
    pub interrupt: Arc<AtomicBool>,
}

impl Quota {
    /// Has the step's time run out, or the user interrupted?
    pub fn expired(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }
}

/// Why a proposer has nothing more to propose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exhausted {
    /// Everything it could make was made (e.g. every expression up to the size limit).
    Searched,
    /// Its store reached the memory budget.
    Memory,
    /// It failed (a model that cannot run); the message is in its statistics.
    Failed,
}

/// What one step made.
#[derive(Clone, Debug, Default)]
pub struct Step {
    /// The candidates, in the order they should be tested.
    pub candidates: Vec<Candidate>,
    /// Set when the proposer is done (after these candidates).
    pub end: Option<Exhausted>,
}

/// What became of a candidate.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The same body was seen before (the program it duplicates).
    Duplicate(ProgramId),
    /// It could not be placed.
    Rejected(Rejection),
    /// Its verdict on the visible tests.
    Tested(Box<Verdict>),
    /// Never examined: another candidate of its step solved the target first.
    NotExamined,
}

/// The feedback a proposer gets on one of its candidates.
#[derive(Clone, Copy, Debug)]
pub struct Feedback<'a> {
    /// The candidate.
    pub candidate: &'a Candidate,
    /// Its record in the program database (none when not examined).
    pub id: Option<ProgramId>,
    /// What became of it.
    pub outcome: &'a Outcome,
    /// Its score, when it was tested.
    pub score: Option<&'a Score>,
}

/// A proposer's statistics, one shape for all of them (fields that do not
/// apply stay zero).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ProposerStats {
    /// The proposer's name.
    pub name: String,
    /// Candidates counted against the search's candidate budget (the
    /// enumerator counts every distinct expression it checked itself).
    pub candidates: u64,
    /// Units of work: expressions evaluated, candidates tested.
    pub evaluated: u64,
    /// Candidates made (a model's completions).
    pub proposed: u64,
    /// Candidates that did not parse as a function body.
    pub syntax_errors: u64,
    /// Candidates that parse but do not type-check.
    pub type_errors: u64,
    /// Candidates identical to a body already tried.
    pub duplicates: u64,
    /// Candidates run on the visible tests.
    pub tested: u64,
    /// Candidates left unexamined because one of their step solved the target.
    pub skipped: u64,
    /// Tokens sampled (models).
    pub tokens: u64,
    /// Seconds spent proposing.
    pub seconds: f64,
    /// Why the proposer stopped early, if it failed.
    pub error: Option<String>,
    /// Constants the enumerator mined from the examples, as source text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mined_constants: Vec<String>,
}

impl ProposerStats {
    /// Empty statistics of proposer `name`.
    pub fn named(name: &str) -> ProposerStats {
        ProposerStats { name: name.to_string(), ..ProposerStats::default() }
    }

    /// Counts an outcome of one of its candidates.
    pub fn record(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Duplicate(_) => self.duplicates += 1,
            Outcome::Rejected(Rejection::Syntax) => self.syntax_errors += 1,
            Outcome::Rejected(Rejection::Type) => self.type_errors += 1,
            Outcome::Tested(_) => self.tested += 1,
            Outcome::NotExamined => self.skipped += 1,
        }
    }

    /// Adds another target's statistics of the same proposer.
    pub fn add(&mut self, other: &ProposerStats) {
        self.candidates += other.candidates;
        self.evaluated += other.evaluated;
        self.proposed += other.proposed;
        self.syntax_errors += other.syntax_errors;
        self.type_errors += other.type_errors;
        self.duplicates += other.duplicates;
        self.tested += other.tested;
        self.skipped += other.skipped;
        self.tokens += other.tokens;
        self.seconds += other.seconds;
        if self.error.is_none() {
            self.error.clone_from(&other.error);
        }
        for c in &other.mined_constants {
            if !self.mined_constants.contains(c) {
                self.mined_constants.push(c.clone());
            }
        }
    }
}

/// A proposer for one target.
pub trait Proposer {
    /// Its name in reports (`enumerate`, `model`, `seed`, ...).
    fn name(&self) -> &'static str;

    /// Makes the next candidates, within `quota`.
    fn step(&mut self, quota: &Quota) -> Step;

    /// Hears what became of one of its candidates (every candidate of a
    /// step gets exactly one feedback). By default, nothing is done with it.
    fn feedback(&mut self, feedback: &Feedback<'_>) {
        let _ = feedback;
    }

    /// Its statistics so far.
    fn stats(&self) -> ProposerStats;

    /// A few words for status lines (`size 7`, `model 16/64 samples`).
    fn status(&self) -> Option<String> {
        None
    }
}

/// What a factory knows when it makes a target's proposer.
#[derive(Clone, Copy)]
pub struct Setup<'a> {
    /// The problem.
    pub problem: &'a Problem,
    /// The target.
    pub target: &'a Target,
    /// The target's index among the problem's targets.
    pub index: usize,
    /// The target's visible tests (a proposer never sees hidden ones).
    pub visible: &'a [TestCase],
    /// Inputs where the spec must hold but no one result is expected.
    pub spec_cases: &'a [Vec<synth_dsl::value::Frozen>],
    /// The search's settings.
    pub options: &'a SearchOptions,
}

/// Makes the proposer of each target in turn; holds what outlives a target
/// (a loaded model).
pub trait ProposerFactory {
    /// The proposer's name.
    fn name(&self) -> &'static str;

    /// The proposer for `setup.target`.
    fn build<'a>(&'a mut self, setup: Setup<'a>) -> Box<dyn Proposer + 'a>;
}

/// The proposers synth has, by the names problem files and `--proposer` use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposerName {
    /// The target's own body, when the program gives one (always first).
    Seed,
    /// The bottom-up grammar enumerator.
    Enumerate,
    /// The language model.
    Model,
}

impl ProposerName {
    /// Its name in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposerName::Seed => "seed",
            ProposerName::Enumerate => "enumerate",
            ProposerName::Model => "model",
        }
    }
}

impl std::fmt::Display for ProposerName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a comma-separated list of proposer names (`enumerate,model`);
/// `all` is every proposer (the model first: its candidates are few and
/// often good).
pub fn parse_proposers(s: &str) -> Result<Vec<ProposerName>, String> {
    let mut names = Vec::new();
    for part in s.split(',').map(str::trim) {
        let add: &[ProposerName] = match part {
            "seed" => &[ProposerName::Seed],
            "enumerate" => &[ProposerName::Enumerate],
            "model" => &[ProposerName::Model],
            "all" => &[ProposerName::Model, ProposerName::Enumerate],
            _ => {
                return Err(format!(
                    "unknown proposer `{part}`: expected enumerate, model or all, or a comma-separated list of them"
                ));
            }
        };
        for name in add {
            if !names.contains(name) {
                names.push(*name);
            }
        }
    }
    Ok(names)
}

/// The proposers of a search that names none: the model too when there is one.
pub fn default_proposers(has_model: bool) -> Vec<ProposerName> {
    if has_model { vec![ProposerName::Model, ProposerName::Enumerate] } else { vec![ProposerName::Enumerate] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposer_lists_parse_in_order_without_repeats() {
        use ProposerName::*;
        assert_eq!(parse_proposers("enumerate,model"), Ok(vec![Enumerate, Model]));
        assert_eq!(parse_proposers(" model , enumerate "), Ok(vec![Model, Enumerate]));
        assert_eq!(parse_proposers("all"), Ok(vec![Model, Enumerate]));
        assert_eq!(parse_proposers("enumerate,all"), Ok(vec![Enumerate, Model]));
        assert!(parse_proposers("llm").unwrap_err().contains("unknown proposer `llm`"));
        assert_eq!(default_proposers(false), [Enumerate]);
    }
}

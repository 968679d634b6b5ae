//! The verifier seam: a verifier takes a placed program and a goal (one of
//! its functions) and returns a [`Verdict`]: how many checks passed, the
//! first failure with its arguments, expected and actual values, and room
//! for what later verifiers add (a counterexample, a score vector). The
//! example verifier (`examples.rs`), which runs test cases in the sandbox,
//! is the first.

use std::fmt;
use synth_dsl::interp::RunError;
use synth_dsl::tir::{FuncId, Program};
use synth_dsl::types::Type;
use synth_dsl::value::{Frozen, Value};

/// What a program is checked against: one of its functions.
#[derive(Clone, Debug)]
pub struct Goal {
    /// The function's index in the program.
    pub func: FuncId,
    /// Its name (for messages).
    pub name: String,
    /// Its parameter types.
    pub params: Vec<Type>,
    /// Its return type.
    pub ret: Type,
}

/// Where a test case came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseOrigin {
    /// A `[[tests]]` entry of a problem file, at this line.
    File {
        /// The line of its header.
        line: usize,
    },
    /// Added during the search (a verifier's counterexample, say).
    Found,
}

/// One test: a call's arguments and the value it must return. Converted
/// once where it enters (a problem file, a counterexample); `Send`, so a
/// strategy can keep, extend and share its cases across threads.
#[derive(Clone, Debug)]
pub struct TestCase {
    /// One value per parameter.
    pub args: Vec<Frozen>,
    /// The expected result (compared with Python's `==`).
    pub expect: Frozen,
    /// Where it came from.
    pub origin: CaseOrigin,
}

impl TestCase {
    /// The call as Python source, e.g. `f('Ada', 3)`.
    pub fn call_text(&self, name: &str) -> String {
        let args: Vec<String> = self.args.iter().map(Frozen::repr).collect();
        format!("{name}({})", args.join(", "))
    }

    /// The arguments as fresh values (a run may mutate its lists).
    pub fn arg_values(&self) -> Vec<Value> {
        self.args.iter().map(Frozen::thaw).collect()
    }
}

/// What a failing check returned instead of the expected value.
#[derive(Clone, Debug)]
pub enum Actual {
    /// A value, not equal to the expected one.
    Value(Frozen),
    /// A runtime error or a budget stop.
    Error(RunError),
    /// The backend could not run the call (a bug in synth, reported).
    Internal(String),
}

/// Why a program failed its verification.
#[derive(Clone, Debug)]
pub enum Failure {
    /// A test case failed.
    Case {
        /// Its index among the cases given.
        index: usize,
        /// The call, as source (`f(1, 'a')`).
        call: String,
        /// Its arguments.
        args: Vec<Frozen>,
        /// What it should return.
        expected: Frozen,
        /// What it did.
        actual: Actual,
    },
    /// The program could not be run at all (it did not compile for the backend).
    Unrunnable(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Case { call, expected, actual, .. } => match actual {
                Actual::Value(v) => write!(f, "{call} == {}, got {}", expected.repr(), v.repr()),
                Actual::Error(e) => write!(f, "{call} == {}, got {e}", expected.repr()),
                Actual::Internal(e) => write!(f, "{call}: {e}"),
            },
            Failure::Unrunnable(e) => write!(f, "{e}"),
        }
    }
}

/// The result of verifying one program.
#[derive(Clone, Debug, Default)]
pub struct Verdict {
    /// Checks passed.
    pub passed: usize,
    /// Checks made.
    pub total: usize,
    /// The first failure, in the order of the cases.
    pub failure: Option<Failure>,
    /// An input on which the program is wrong, found by the verifier
    /// itself (a solver's counterexample); none from the example verifier,
    /// whose failures are among the cases it was given.
    pub counterexample: Option<TestCase>,
    /// Scores a scoring verifier measured (one per input); empty otherwise.
    pub scores: Vec<f64>,
}

impl Verdict {
    /// Did every check pass (and was there at least one)?
    pub fn all_passed(&self) -> bool {
        self.total > 0 && self.passed == self.total
    }
}

/// Checks placed programs. Implementations must be shareable across the
/// engine's threads and never panic on a candidate: whatever the program
/// does is a verdict.
pub trait Verifier: Send + Sync {
    /// Its name in reports (`examples`, later `z3`, `score`).
    fn name(&self) -> &'static str;

    /// Verifies `goal` of `program` against `cases`.
    fn verify(&self, program: &Program, goal: &Goal, cases: &[TestCase]) -> Verdict;
}

//! Custom scoring in Rust: the third way to score a candidate (beside a
//! `@score` function in synth's language and an external WebAssembly
//! module). A [`Scorer`] gets the candidate, whose functions it may call
//! in the sandbox (each call under the problem's time and memory limits),
//! and one score input (typed by the `@score` function's parameters, whose
//! body is then not run). `engine/examples/custom_scorer.rs` is an example.

use super::evaluate::Status;
use synth_dsl::interp::{ErrorKind, RunError};
use synth_dsl::tir::Program;
use synth_dsl::value::Value;
use synth_verifiers::WasmRunner;

/// Scores candidates of an evolution problem.
pub trait Scorer: Send + Sync {
    /// The score of `candidate` on one score input.
    fn score(&self, candidate: &Candidate<'_>, input: &[Value]) -> Result<f64, ScoreError>;
}

/// Why a scorer gave no score.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreError {
    /// The outcome it is recorded with.
    pub status: Status,
    /// What happened.
    pub message: String,
}

impl ScoreError {
    /// A failure of the candidate (recorded as `error`).
    pub fn new(message: impl Into<String>) -> ScoreError {
        ScoreError { status: Status::Error, message: message.into() }
    }
}

impl From<RunError> for ScoreError {
    fn from(e: RunError) -> ScoreError {
        let status = match e.kind {
            ErrorKind::OutOfFuel => Status::Timeout,
            ErrorKind::OutOfMemory => Status::OutOfMemory,
            _ => Status::Error,
        };
        ScoreError { status, message: e.to_string() }
    }
}

/// A candidate program, compiled and ready to call.
pub struct Candidate<'a> {
    pub(crate) runner: &'a WasmRunner,
    pub(crate) program: &'a Program,
}

impl Candidate<'_> {
    /// Calls function `name` of the candidate's program with `args` in the
    /// sandbox: its value, or its error (a budget stop included).
    pub fn call(&self, name: &str, args: &[Value]) -> Result<Value, RunError> {
        let Some((func, _)) = self.program.function(name) else {
            return Err(RunError {
                kind: ErrorKind::TypeError,
                message: format!("the program has no function `{name}`"),
                span: Default::default(),
            });
        };
        match self.runner.call(func, args) {
            Ok(out) => out.result,
            Err(e) => Err(RunError { kind: ErrorKind::TypeError, message: e.to_string(), span: Default::default() }),
        }
    }

    /// The candidate's checked program.
    pub fn program(&self) -> &Program {
        self.program
    }
}

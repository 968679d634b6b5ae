//! The verifier seam: a verifier takes a placed program and a goal (one of
//! its functions) and returns a [`Verdict`]: how many checks passed, the
//! first failure with its arguments, expected and actual values, and room
//! for what later verifiers add (a counterexample, a score vector). The
//! example verifier, which runs test cases in the sandbox, is the first.

use crate::{Backend, WasmRunner};
use rayon::prelude::*;
use std::fmt;
use std::time::Duration;
use synth_dsl::interp::{Interpreter, Limits, RunError};
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

/// Runs test cases: a case passes when the call returns a value equal
/// (Python's `==`) to the expected one; an error or a budget stop fails it.
#[derive(Clone, Copy, Debug)]
pub struct ExampleVerifier {
    /// The step, allocation and depth budget of one call. By default a
    /// million steps.
    pub limits: Limits,
    /// The wall-clock limit of one call. By default two seconds.
    pub time: Duration,
    /// Which backend runs the calls. By default the Wasm sandbox, the cases
    /// in parallel (rayon).
    pub backend: Backend,
}

impl Default for ExampleVerifier {
    fn default() -> ExampleVerifier {
        ExampleVerifier {
            limits: Limits { fuel: 1_000_000, ..Limits::default() },
            time: Duration::from_secs(2),
            backend: Backend::Wasm,
        }
    }
}

impl ExampleVerifier {
    fn judge(goal: &Goal, index: usize, case: &TestCase, result: Result<Value, Actual>) -> Option<Failure> {
        let expected = case.expect.thaw();
        let actual = match result {
            Ok(v) if v == expected => return None,
            Ok(v) => Actual::Value(v.freeze()),
            Err(a) => a,
        };
        Some(Failure::Case {
            index,
            call: case.call_text(&goal.name),
            args: case.args.clone(),
            expected: case.expect.clone(),
            actual,
        })
    }

    fn verdict(total: usize, failures: Vec<Option<Failure>>) -> Verdict {
        Verdict {
            passed: failures.iter().filter(|f| f.is_none()).count(),
            total,
            failure: failures.into_iter().flatten().next(),
            ..Verdict::default()
        }
    }
}

impl Verifier for ExampleVerifier {
    fn name(&self) -> &'static str {
        "examples"
    }

    fn verify(&self, program: &Program, goal: &Goal, cases: &[TestCase]) -> Verdict {
        match self.backend {
            Backend::Wasm => {
                let runner = match WasmRunner::new(program, None, self.limits) {
                    Ok(r) => r.with_time_limit(self.time),
                    Err(e) => {
                        tracing::warn!(error = %e, "a checked candidate did not compile to Wasm");
                        return Verdict {
                            total: cases.len(),
                            failure: Some(Failure::Unrunnable(e.to_string())),
                            ..Verdict::default()
                        };
                    }
                };
                let failures: Vec<Option<Failure>> = cases
                    .par_iter()
                    .enumerate()
                    .map(|(i, case)| {
                        let result = match runner.call(goal.func, &case.arg_values()) {
                            Ok(outcome) => outcome.result.map_err(Actual::Error),
                            Err(e) => Err(Actual::Internal(e.to_string())),
                        };
                        Self::judge(goal, i, case, result)
                    })
                    .collect();
                Self::verdict(cases.len(), failures)
            }
            Backend::Interp => {
                let failures = cases
                    .iter()
                    .enumerate()
                    .map(|(i, case)| {
                        let result = Interpreter::new(program, self.limits)
                            .and_then(|mut interp| interp.call(goal.func, case.arg_values()))
                            .map_err(Actual::Error);
                        Self::judge(goal, i, case, result)
                    })
                    .collect();
                Self::verdict(cases.len(), failures)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal_of(program: &Program, name: &str) -> Goal {
        let func = program.functions.iter().position(|f| f.name == name).expect("the function");
        let f = &program.functions[func];
        Goal { func, name: f.name.clone(), params: f.params.iter().map(|p| p.ty.clone()).collect(), ret: f.ret.clone() }
    }

    fn case(args: &[Value], expect: Value) -> TestCase {
        TestCase { args: args.iter().map(Value::freeze).collect(), expect: expect.freeze(), origin: CaseOrigin::Found }
    }

    #[test]
    fn both_backends_give_the_same_verdict_and_first_failure() {
        let compiled = synth_dsl::compile("def f(xs: list[int]) -> int:\n    return xs[0] + 1\n");
        assert!(!compiled.has_errors());
        let goal = goal_of(&compiled.program, "f");
        let cases = vec![
            case(&[Value::list(vec![Value::Int(1)])], Value::Int(2)),
            case(&[Value::list(vec![Value::Int(5)])], Value::Int(7)),
            case(&[Value::list(vec![])], Value::Int(0)),
        ];
        for backend in [Backend::Wasm, Backend::Interp] {
            let v = ExampleVerifier { backend, ..ExampleVerifier::default() }.verify(&compiled.program, &goal, &cases);
            assert_eq!((v.passed, v.total), (1, 3), "{backend:?}");
            assert!(!v.all_passed());
            let failure = v.failure.expect("a failure");
            assert_eq!(failure.to_string(), "f([5]) == 7, got 6", "{backend:?}");
            let Failure::Case { index, args, .. } = failure else { panic!("a case failed") };
            assert_eq!(index, 1);
            assert_eq!(args[0].repr(), "[5]");
        }
    }

    #[test]
    fn errors_and_budget_stops_fail_a_case() {
        let compiled = synth_dsl::compile("def f(n: int) -> int:\n    while True:\n        n += 1\n    return n\n");
        assert!(!compiled.has_errors());
        let goal = goal_of(&compiled.program, "f");
        let v = ExampleVerifier::default().verify(&compiled.program, &goal, &[case(&[Value::Int(1)], Value::Int(1))]);
        assert_eq!((v.passed, v.total), (0, 1));
        let message = v.failure.expect("a failure").to_string();
        assert!(message.starts_with("f(1) == 1, got OutOfFuel"), "{message}");
    }
}

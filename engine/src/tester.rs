//! Runs a placed candidate's tests in the Wasm sandbox, in parallel. A test
//! passes when the call returns a value equal (Python's `==`) to the
//! expected one; an error or a budget stop fails it.

use crate::candidate::Placed;
use crate::problem::{Problem, Target, Test};
use rayon::prelude::*;
use std::time::Duration;
use synth_dsl::Limits;
use synth_verifiers::WasmRunner;

/// The result of one candidate's tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestReport {
    /// Tests passed.
    pub passed: usize,
    /// Tests run.
    pub total: usize,
    /// The first failure, as `f(args) == expected, got ...`, for messages.
    pub first_failure: Option<String>,
}

/// Limits of one test run: a million steps and two seconds by default.
#[derive(Clone, Copy, Debug)]
pub struct TestLimits {
    /// The step budget.
    pub limits: Limits,
    /// The wall-clock limit of one call.
    pub time: Duration,
}

impl Default for TestLimits {
    fn default() -> TestLimits {
        TestLimits { limits: Limits { fuel: 1_000_000, ..Limits::default() }, time: Duration::from_secs(2) }
    }
}

/// Runs `target`'s visible (or hidden) tests on `placed` in the sandbox.
pub fn run_tests(problem: &Problem, target: &Target, placed: &Placed, hidden: bool, limits: TestLimits) -> TestReport {
    let tests: Vec<&Test> = problem.tests_of(target.func, hidden).collect();
    let runner = match WasmRunner::new(&placed.program, None, limits.limits) {
        Ok(r) => r.with_time_limit(limits.time),
        Err(e) => {
            tracing::warn!(error = %e, "a checked candidate did not compile to Wasm");
            return TestReport { passed: 0, total: tests.len(), first_failure: Some(e.to_string()) };
        }
    };
    let results: Vec<Option<String>> = tests
        .par_iter()
        .map(|t| {
            let args = t.args(&target.params);
            let expect = t.expect(&target.ret);
            let call = format!("{}({})", target.name, t.args_text(&target.params));
            match runner.call(target.func, &args) {
                Ok(outcome) => match outcome.result {
                    Ok(v) if v == expect => None,
                    Ok(v) => Some(format!("{call} == {}, got {}", expect.repr(), v.repr())),
                    Err(e) => Some(format!("{call} == {}, got {e}", expect.repr())),
                },
                Err(e) => Some(format!("{call}: {e}")),
            }
        })
        .collect();
    TestReport {
        passed: results.iter().filter(|r| r.is_none()).count(),
        total: results.len(),
        first_failure: results.into_iter().flatten().next(),
    }
}

//! The example verifier: runs a goal's test cases on the Wasm sandbox (in
//! parallel) or the interpreter; a case passes when the call returns a
//! value equal (Python's `==`) to the expected one.

use crate::verify::{Actual, Failure, Goal, TestCase, Verdict, Verifier};
use crate::{Backend, WasmRunner};
use rayon::prelude::*;
use std::time::Duration;
use synth_dsl::interp::{Interpreter, Limits};
use synth_dsl::tir::Program;
use synth_dsl::value::Value;

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
    use crate::verify::CaseOrigin;

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

//! synth's execution and verification backends. Every way of running a
//! candidate goes through here, so that callers pick a backend and get the
//! same outcome type whichever runs it. Today the reference interpreter;
//! the Wasm sandbox and the Z3 checker join it in later issues.

pub mod sandbox;

use synth_dsl::interp::{Interpreter, Limits, RunError, Stats};

use synth_dsl::tir::{Expr, Program};
use synth_dsl::value::Value;

/// Which engine runs a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Backend {
    /// The reference interpreter (`synth_dsl::interp`).
    #[default]
    Interp,
}

/// The result of one run: a value, or a runtime error or budget stop
/// (see [`RunError::kind`]), with the counters of the run.
#[derive(Debug)]
pub struct Outcome {
    /// The value, or why there is none.
    pub result: Result<Value, RunError>,
    /// Fuel and allocation used; whether an int wrapped.
    pub stats: Stats,
}

/// Evaluates a closed expression (e.g. `f(1, "a")`) against a checked program.
pub fn eval(program: &Program, expr: &Expr, limits: Limits, backend: Backend) -> Outcome {
    match backend {
        Backend::Interp => match Interpreter::new(program, limits) {
            Ok(mut interp) => {
                let result = interp.eval_expr(expr);
                Outcome { result, stats: interp.stats() }
            }
            Err(e) => Outcome { result: Err(e), stats: Stats::default() },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_dsl::check::check_expression;
    use synth_dsl::parser::parse_expression;

    #[test]
    fn interp_backend_evaluates_a_call() {
        let compiled = synth_dsl::compile("def f(x: int) -> int:\n    return x * 2\n");
        assert!(!compiled.has_errors());
        let (ast, diags) = parse_expression("f(21)");
        assert!(diags.is_empty());
        let (expr, diags) = check_expression(&compiled.program, &ast);
        assert!(diags.is_empty());
        let out = eval(&compiled.program, &expr.expect("checked"), Limits::default(), Backend::Interp);
        assert_eq!(out.result.map(|v| v.repr()), Ok("42".to_string()));
    }
}

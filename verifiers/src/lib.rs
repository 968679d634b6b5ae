//! synth's execution and verification backends. Every way of running a
//! candidate goes through here, so that callers pick a backend and get the
//! same outcome type whichever runs it: the reference interpreter, or the
//! Wasm code generator in the wasmtime sandbox; Z3 checks specifications
//! (`smt`).

pub mod capset;
mod examples;
mod runner;
pub mod sandbox;
pub mod scorer;
pub mod smt;
pub mod verify;

pub use examples::ExampleVerifier;
pub use runner::WasmRunner;
pub use verify::{Failure, Goal, TestCase, Verdict, Verifier};

use std::sync::OnceLock;
use synth_dsl::interp::{Interpreter, Limits, RunError, Stats};
use synth_dsl::span::Span;
use synth_dsl::tir::{Expr, Program};
use synth_dsl::value::Value;
use synth_dsl::wasm;

/// Which engine runs a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Backend {
    /// The reference interpreter (`synth_dsl::interp`).
    #[default]
    Interp,
    /// Compiled to WebAssembly and run in the wasmtime sandbox.
    Wasm,
}

/// The result of one run: a value, or a runtime error or budget stop
/// (see [`RunError::kind`]), with the counters of the run.
#[derive(Debug)]
pub struct Outcome {
    /// The value, or why there is none.
    pub result: Result<Value, RunError>,
    /// Fuel and allocation used; whether an int wrapped (interpreter only).
    pub stats: Stats,
}

/// A backend could not run the program at all (not an outcome of running it).
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The Wasm backend does not compile this construct yet.
    #[error("{message}")]
    Unsupported {
        /// What is missing.
        message: String,
        /// Where it is in the source.
        span: Span,
    },
    /// The sandbox or the runtime failed; a bug in synth, reported, not panicked.
    #[error("internal error in the Wasm backend: {0}")]
    Internal(String),
}

/// The metering cells of every module synth's code generator makes.
pub const SYNTH_METER: sandbox::MeterCells = sandbox::MeterCells {
    fuel: wasm::meter::FUEL_ADDR,
    deadline: wasm::meter::DEADLINE_ADDR,
    loop_site: Some((wasm::meter::LOOP_SPAN_ADDR, wasm::meter::LOOP_FN_ADDR)),
};

/// Wasm instructions granted per interpreter step of `Limits::fuel`, so one
/// `--fuel` serves both backends.
pub const WASM_FUEL_PER_STEP: u64 = 100;

/// Evaluates a closed expression (e.g. `f(1, "a")`) against a checked program.
pub fn eval(program: &Program, expr: &Expr, limits: Limits, backend: Backend) -> Result<Outcome, BackendError> {
    match backend {
        Backend::Interp => Ok(match Interpreter::new(program, limits) {
            Ok(mut interp) => {
                let result = interp.eval_expr(expr);
                Outcome { result, stats: interp.stats() }
            }
            Err(e) => Outcome { result: Err(e), stats: Stats::default() },
        }),
        Backend::Wasm => eval_wasm(program, expr, limits),
    }
}

static SHARED_LIMITS: OnceLock<sandbox::SandboxLimits> = OnceLock::new();

/// Sets the limits the process-wide sandbox is made with (its memory cap
/// is the most any run may have); only before its first use. Returns
/// whether they were taken.
pub fn configure_shared_sandbox(limits: sandbox::SandboxLimits) -> bool {
    SHARED_LIMITS.set(limits).is_ok()
}

/// The process-wide sandbox (one engine and ticker thread for every run).
pub fn shared_sandbox() -> Result<&'static sandbox::Sandbox, BackendError> {
    static SANDBOX: OnceLock<Result<sandbox::Sandbox, String>> = OnceLock::new();
    SANDBOX
        .get_or_init(|| {
            let limits = *SHARED_LIMITS.get_or_init(sandbox::SandboxLimits::default);
            sandbox::Sandbox::new(limits).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| BackendError::Internal(e.clone()))
}

/// How `synth exec` runs a call: the budgets of [`Limits`], plus a wall
/// clock limit and a memory cap for both backends, and the interpreter's
/// outside stops (the Wasm sandbox has its own deadline).
#[derive(Clone, Debug)]
pub struct ExecLimits {
    /// Steps, allocation and depth budgets.
    pub limits: Limits,
    /// Wall-clock limit of the run.
    pub time: std::time::Duration,
    /// Memory cap in bytes (the Wasm backend's linear memory; the
    /// interpreter's through `watch`).
    pub memory_bytes: usize,
    /// The interpreter's watch (a stop flag, a memory probe).
    pub watch: Option<synth_dsl::interp::Watch>,
}

/// Evaluates a closed expression under [`ExecLimits`].
pub fn eval_with(
    program: &Program,
    expr: &Expr,
    limits: &ExecLimits,
    backend: Backend,
) -> Result<Outcome, BackendError> {
    match backend {
        Backend::Interp => Ok(match Interpreter::new(program, limits.limits) {
            Ok(mut interp) => {
                if let Some(w) = &limits.watch {
                    interp.set_watch(w.clone());
                }
                let result = interp.eval_expr(expr);
                Outcome { result, stats: interp.stats() }
            }
            Err(e) => Outcome { result: Err(e), stats: Stats::default() },
        }),
        Backend::Wasm => WasmRunner::new(program, Some(expr), limits.limits)?
            .with_time_limit(limits.time)
            .with_memory_limit(limits.memory_bytes)
            .run_entry(),
    }
}

fn eval_wasm(program: &Program, expr: &Expr, limits: Limits) -> Result<Outcome, BackendError> {
    WasmRunner::new(program, Some(expr), limits)?.run_entry()
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_dsl::check::check_expression;
    use synth_dsl::parser::parse_expression;

    #[test]
    fn both_backends_evaluate_a_call() {
        let compiled = synth_dsl::compile("def f(x: int) -> int:\n    return x * 2\n");
        assert!(!compiled.has_errors());
        let (ast, diags) = parse_expression("f(21)");
        assert!(diags.is_empty());
        let (expr, diags) = check_expression(&compiled.program, &ast);
        assert!(diags.is_empty());
        let expr = expr.expect("checked");
        for backend in [Backend::Interp, Backend::Wasm] {
            let out = eval(&compiled.program, &expr, Limits::default(), backend).expect("runs");
            assert_eq!(out.result.map(|v| v.repr()), Ok("42".to_string()), "{backend:?}");
        }
    }
}

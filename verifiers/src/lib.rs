//! synth's execution and verification backends. Every way of running a
//! candidate goes through here, so that callers pick a backend and get the
//! same outcome type whichever runs it: the reference interpreter, or the
//! Wasm code generator in the wasmtime sandbox (the Z3 checker joins later).

pub mod sandbox;

use std::sync::OnceLock;
use std::time::Duration;
use synth_dsl::interp::{ErrorKind, Interpreter, Limits, RunError, Stats};
use synth_dsl::span::Span;
use synth_dsl::tir::{Expr, Program};
use synth_dsl::types::Type;
use synth_dsl::value::Value;
use synth_dsl::wasm::{self, CodegenError};

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

/// The process-wide sandbox (one engine and ticker thread for every run).
pub fn shared_sandbox() -> Result<&'static sandbox::Sandbox, BackendError> {
    static SANDBOX: OnceLock<Result<sandbox::Sandbox, String>> = OnceLock::new();
    SANDBOX
        .get_or_init(|| sandbox::Sandbox::new(sandbox::SandboxLimits::default()).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| BackendError::Internal(e.clone()))
}

fn eval_wasm(program: &Program, expr: &Expr, limits: Limits) -> Result<Outcome, BackendError> {
    WasmRunner::new(program, Some(expr), limits)?.run_entry()
}

/// A program compiled to Wasm and loaded in the shared sandbox, ready to
/// run its entry expression or call its functions many times.
pub struct WasmRunner {
    module: wasm::WasmModule,
    compiled: std::sync::Arc<sandbox::SandboxModule>,
    limits: sandbox::SandboxLimits,
    param_types: Vec<Vec<Type>>,
    ret_types: Vec<Type>,
    names: Vec<String>,
    entry_span: Span,
}

impl WasmRunner {
    /// Compiles `program` (with an entry expression, if given) for runs under `limits`.
    pub fn new(program: &Program, entry: Option<&Expr>, limits: Limits) -> Result<WasmRunner, BackendError> {
        let options = wasm::Options { max_depth: limits.max_depth.min(u32::MAX as usize) as u32, holes: None };
        let module = wasm::compile(program, entry, &options).map_err(|e| match e {
            CodegenError::Unsupported { span, .. } => BackendError::Unsupported { message: e.to_string(), span },
            other => BackendError::Internal(other.to_string()),
        })?;
        let sb = shared_sandbox()?;
        let compiled = sb.compile(&module.bytes).map_err(|e| BackendError::Internal(e.to_string()))?;
        let limits = sandbox::SandboxLimits {
            fuel: limits.fuel.saturating_mul(WASM_FUEL_PER_STEP),
            time_limit: Duration::from_secs(10),
            memory_bytes: sb.limits().memory_bytes,
            stack_bytes: sb.limits().stack_bytes,
        };
        Ok(WasmRunner {
            module,
            compiled,
            limits,
            param_types: program.functions.iter().map(|f| f.params.iter().map(|p| p.ty.clone()).collect()).collect(),
            ret_types: program.functions.iter().map(|f| f.ret.clone()).collect(),
            names: program.functions.iter().map(|f| f.name.clone()).collect(),
            entry_span: entry.map_or(Span::default(), |e| e.span),
        })
    }

    /// Runs the entry expression.
    pub fn run_entry(&self) -> Result<Outcome, BackendError> {
        let ty = self.module.entry_ty.clone().unwrap_or(Type::None);
        self.run(wasm::ENTRY_EXPORT, Vec::new(), &ty)
    }

    /// Calls function `func` of the program with `args`.
    pub fn call(&self, func: usize, args: &[Value]) -> Result<Outcome, BackendError> {
        let (Some(types), Some(ret), Some(name)) =
            (self.param_types.get(func), self.ret_types.get(func), self.names.get(func))
        else {
            return Err(BackendError::Internal(format!("no function {func}")));
        };
        let vals = args.iter().zip(types).map(|(v, t)| to_wasm(t, v)).collect::<Result<Vec<_>, _>>()?;
        self.run(name, vals, ret)
    }

    fn run(&self, export: &str, args: Vec<wasmtime::Val>, ret: &Type) -> Result<Outcome, BackendError> {
        let sb = shared_sandbox()?;
        let n_results = usize::from(*ret != Type::None);
        let outcome = sb.run_limited(&self.compiled, self.limits, |g| {
            g.call(wasm::INIT_EXPORT, &[], 0)?;
            g.call(export, &args, n_results)
        });
        let span = self.entry_span;
        let result = match outcome {
            sandbox::Outcome::Ok(vals) => Ok(from_wasm(ret, vals.first())?),
            sandbox::Outcome::RuntimeError(e) => {
                let kind = ErrorKind::from_code(e.kind)
                    .ok_or_else(|| BackendError::Internal(format!("unknown error kind {}", e.kind)))?;
                let message = match e.message {
                    sandbox::GuestMessage::Text(t) => t,
                    sandbox::GuestMessage::Id(i) => self.module.messages.get(i as usize).cloned().unwrap_or_default(),
                };
                Err(RunError { kind, message, span: Span { start: e.span.0, end: e.span.1 } })
            }
            sandbox::Outcome::Timeout(sandbox::TimeoutKind::Fuel) => Err(RunError {
                kind: ErrorKind::OutOfFuel,
                message: format!("instruction budget of {} exhausted", self.limits.fuel),
                span,
            }),
            sandbox::Outcome::Timeout(sandbox::TimeoutKind::Deadline) => Err(RunError {
                kind: ErrorKind::OutOfFuel,
                message: format!("time limit of {:?} exceeded", self.limits.time_limit),
                span,
            }),
            sandbox::Outcome::OutOfMemory => Err(RunError {
                kind: ErrorKind::OutOfMemory,
                message: format!("memory cap of {} bytes exceeded", self.limits.memory_bytes),
                span,
            }),
            sandbox::Outcome::StackOverflow => Err(RunError {
                kind: ErrorKind::RecursionError,
                message: "maximum recursion depth exceeded (Wasm stack exhausted)".into(),
                span,
            }),
            sandbox::Outcome::Trap(t) => return Err(BackendError::Internal(t)),
        };
        Ok(Outcome { result, stats: Stats::default() })
    }
}

/// A value as a Wasm argument of its static type.
fn to_wasm(ty: &Type, v: &Value) -> Result<wasmtime::Val, BackendError> {
    use wasmtime::Val;
    Ok(match (ty, v) {
        (Type::Int, Value::Int(i)) => Val::I64(*i),
        (Type::Float, Value::Float(f)) => Val::F64(f.to_bits()),
        (Type::Bool, Value::Bool(b)) => Val::I32(*b as i32),
        (ty, _) => {
            return Err(BackendError::Unsupported {
                message: format!("the Wasm backend does not support arguments of type `{ty}` yet"),
                span: Span::default(),
            });
        }
    })
}

/// A Wasm result as a value of its static type.
fn from_wasm(ty: &Type, val: Option<&wasmtime::Val>) -> Result<Value, BackendError> {
    use wasmtime::Val;
    Ok(match (ty, val) {
        (Type::None, _) => Value::None,
        (Type::Int, Some(Val::I64(i))) => Value::Int(*i),
        (Type::Float, Some(Val::F64(bits))) => Value::Float(f64::from_bits(*bits)),
        (Type::Bool, Some(Val::I32(b))) => Value::Bool(*b != 0),
        (ty, v) => return Err(BackendError::Internal(format!("cannot read a `{ty}` result from {v:?}"))),
    })
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

//! Running a checked program in the Wasm sandbox: compile it once, then
//! run its entry expression or call its functions many times, writing heap
//! arguments into the guest's memory and reading heap results back by their
//! static type. Sandbox outcomes become the interpreter's `RunError` kinds,
//! so both backends report alike.

use crate::{BackendError, Outcome, SYNTH_METER, WASM_FUEL_PER_STEP, sandbox, shared_sandbox};
use std::time::Duration;
use synth_dsl::interp::{ErrorKind, Limits, RunError, Stats};
use synth_dsl::span::Span;
use synth_dsl::tir::{Expr, Program};
use synth_dsl::types::Type;
use synth_dsl::value::Value;
use synth_dsl::wasm::{self, CodegenError};

/// A program compiled to Wasm and loaded in the shared sandbox, ready to
/// run its entry expression or call its functions many times.
pub struct WasmRunner {
    module: wasm::WasmModule,
    compiled: std::sync::Arc<sandbox::SandboxModule>,
    limits: sandbox::SandboxLimits,
    /// The step budget the caller gave (`Limits::fuel`), for messages.
    steps: u64,
    param_types: Vec<Vec<Type>>,
    ret_types: Vec<Type>,
    names: Vec<String>,
    def_spans: Vec<Span>,
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
        let compiled =
            sb.compile_metered(&module.bytes, SYNTH_METER).map_err(|e| BackendError::Internal(e.to_string()))?;
        let limits_steps = limits.fuel;
        let limits = sandbox::SandboxLimits {
            fuel: limits.fuel.saturating_mul(WASM_FUEL_PER_STEP),
            time_limit: Duration::from_secs(10),
            memory_bytes: sb.limits().memory_bytes,
            stack_bytes: sb.limits().stack_bytes,
        };
        Ok(WasmRunner {
            steps: limits_steps,
            module,
            compiled,
            limits,
            param_types: program.functions.iter().map(|f| f.params.iter().map(|p| p.ty.clone()).collect()).collect(),
            ret_types: program.functions.iter().map(|f| f.ret.clone()).collect(),
            names: program.functions.iter().map(|f| f.name.clone()).collect(),
            def_spans: program.functions.iter().map(|f| f.span).collect(),
            entry_span: entry.map_or(Span::default(), |e| e.span),
        })
    }

    /// Lowers the memory cap of this runner's runs (the sandbox's cap is the most).
    pub fn with_memory_limit(mut self, bytes: usize) -> WasmRunner {
        self.limits.memory_bytes = bytes;
        self
    }

    /// Sets the wall-clock limit of this runner's runs (10 s by default).
    pub fn with_time_limit(mut self, limit: Duration) -> WasmRunner {
        self.limits.time_limit = limit;
        self
    }

    /// Runs the entry expression.
    pub fn run_entry(&self) -> Result<Outcome, BackendError> {
        let ty = self.module.entry_ty.clone().unwrap_or(Type::None);
        self.run(wasm::ENTRY_EXPORT, Vec::new(), &ty)
    }

    /// Starts a run: the memory cap for the allocator, poisoning of freed
    /// blocks when asked (a reference-count bug then shows up as a wrong
    /// value), then the constants.
    fn start(&self, g: &mut sandbox::Guest, sb: &sandbox::Sandbox, poison: bool) -> wasmtime::Result<()> {
        let cap = u32::try_from(self.limits.memory_bytes.min(sb.limits().memory_bytes)).unwrap_or(u32::MAX);
        g.write(self.module.mem_cap_addr as usize, &cap.to_le_bytes())?;
        if poison {
            g.write(self.module.poison_addr as usize, &1u32.to_le_bytes())?;
        }
        g.call(wasm::INIT_EXPORT, &[], 0)?;
        Ok(())
    }

    /// Runs the entry expression, drops its result in the guest and returns
    /// how many bytes are still allocated beyond what the constants hold:
    /// 0 unless a reference leaked. `None` when the run does not finish
    /// with a value. For tests of the reference counts.
    pub fn entry_leak(&self) -> Result<Option<i64>, BackendError> {
        let ty = self.module.entry_ty.clone().unwrap_or(Type::None);
        let sb = shared_sandbox()?;
        let live = |g: &mut sandbox::Guest, at: u32| read_u32(g, at as usize).map(i64::from);
        let outcome = sb.run_limited(&self.compiled, self.limits, |g| {
            self.start(g, sb, true)?;
            let before = live(g, self.module.live_bytes_addr)?;
            let out = g.call(wasm::ENTRY_EXPORT, &[], usize::from(ty != Type::None))?;
            if ty.is_heap()
                && let Some(v) = out.first()
            {
                g.call(wasm::DECREF_EXPORT, std::slice::from_ref(v), 0)?;
            }
            Ok(live(g, self.module.live_bytes_addr)? - before)
        });
        match outcome {
            sandbox::Outcome::Ok(n) => Ok(Some(n)),
            sandbox::Outcome::Trap(t) => Err(BackendError::Internal(t)),
            _ => Ok(None),
        }
    }

    /// Runs the entry expression and measures memory: the linear memory's
    /// peak size and the bytes allocated and not freed when it returned.
    /// `None` when the run does not finish with a value.
    pub fn entry_memory(&self) -> Result<Option<(usize, u32)>, BackendError> {
        let ty = self.module.entry_ty.clone().unwrap_or(Type::None);
        let sb = shared_sandbox()?;
        let outcome = sb.run_limited(&self.compiled, self.limits, |g| {
            self.start(g, sb, false)?;
            g.call(wasm::ENTRY_EXPORT, &[], usize::from(ty != Type::None))?;
            Ok((g.memory_size()?, read_u32(g, self.module.live_bytes_addr as usize)?))
        });
        match outcome {
            sandbox::Outcome::Ok(m) => Ok(Some(m)),
            sandbox::Outcome::Trap(t) => Err(BackendError::Internal(t)),
            _ => Ok(None),
        }
    }

    /// Calls function `func` of the program with `args`.
    pub fn call(&self, func: usize, args: &[Value]) -> Result<Outcome, BackendError> {
        let (Some(types), Some(ret), Some(name)) =
            (self.param_types.get(func), self.ret_types.get(func), self.names.get(func))
        else {
            return Err(BackendError::Internal(format!("no function {func}")));
        };
        if args.len() != types.len() {
            return Err(BackendError::Internal(format!("`{name}` takes {} arguments", types.len())));
        }
        let args: Vec<(Type, Value)> = types.iter().cloned().zip(args.iter().cloned()).collect();
        self.run(name, args, ret)
    }

    /// Where a budget stop happened: the innermost program function on
    /// the stack (" in `f`") and the span of the loop it was running (the
    /// module's record, when it is that function's), else of its `def`.
    fn stop_site(&self, site: &sandbox::StopSite) -> Option<(String, Span)> {
        site.frames.iter().find_map(|name| {
            let i = self.names.iter().position(|n| n == name)?;
            let shown = name.split('#').next().unwrap_or(name);
            let span = match site.loop_site {
                Some((f, packed)) if f as usize == i + 1 => Span { start: packed as u32, end: (packed >> 32) as u32 },
                _ => self.def_spans[i],
            };
            Some((format!(" in `{shown}`"), span))
        })
    }

    fn run(&self, export: &str, args: Vec<(Type, Value)>, ret: &Type) -> Result<Outcome, BackendError> {
        let sb = shared_sandbox()?;
        let n_results = usize::from(*ret != Type::None);
        let outcome = sb.run_limited(&self.compiled, self.limits, |g| {
            self.start(g, sb, poison())?;
            let vals = args.iter().map(|(t, v)| to_wasm(g, t, v)).collect::<wasmtime::Result<Vec<_>>>()?;
            let out = g.call(export, &vals, n_results)?;
            from_wasm(g, ret, out.first())
        });
        let span = self.entry_span;
        let result = match outcome {
            sandbox::Outcome::Ok(v) => Ok(v),
            sandbox::Outcome::RuntimeError(e) => {
                let kind = ErrorKind::from_code(e.kind)
                    .ok_or_else(|| BackendError::Internal(format!("unknown error kind {}", e.kind)))?;
                let message = match e.message {
                    sandbox::GuestMessage::Text(t) => t,
                    sandbox::GuestMessage::Id(i) => self.module.messages.get(i as usize).cloned().unwrap_or_default(),
                };
                Err(RunError { kind, message, span: Span { start: e.span.0, end: e.span.1 } })
            }
            sandbox::Outcome::Timeout(kind, frames) => {
                let (inside, span) = self.stop_site(&frames).unwrap_or((String::new(), span));
                let message = match kind {
                    // Fuel is granted per interpreter step, so the budget reads the same.
                    sandbox::TimeoutKind::Fuel => format!("step budget of {} exhausted{inside}", self.steps),
                    sandbox::TimeoutKind::Deadline => {
                        format!("time limit of {:?} exceeded{inside}", self.limits.time_limit)
                    }
                };
                Err(RunError { kind: ErrorKind::OutOfFuel, message, span })
            }
            sandbox::Outcome::OutOfMemory(frames) => {
                let (inside, span) = self.stop_site(&frames).unwrap_or((String::new(), span));
                let message = format!("memory cap of {} bytes exceeded{inside}", self.limits.memory_bytes);
                Err(RunError { kind: ErrorKind::OutOfMemory, message, span })
            }
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

/// Are freed guest blocks overwritten? In debug builds, or with
/// `SYNTH_WASM_POISON` set.
fn poison() -> bool {
    static POISON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *POISON.get_or_init(|| cfg!(debug_assertions) || std::env::var_os("SYNTH_WASM_POISON").is_some())
}

fn guest_err(message: impl Into<String>) -> wasmtime::Error {
    wasmtime::Error::msg(message.into())
}

/// Allocates an `n`-byte value in the guest, with the header of a value
/// that is never freed (the host holds its arguments for the whole run), or
/// raw item storage when `raw`.
fn guest_alloc(g: &mut sandbox::Guest, n: usize, raw: bool) -> wasmtime::Result<usize> {
    let n = i32::try_from(n).map_err(|_| guest_err("argument too large for the guest"))?;
    let args = [wasmtime::Val::I32(n), wasmtime::Val::I32(raw as i32)];
    Ok(g.call(wasm::ALLOC_EXPORT, &args, 1)?[0].unwrap_i32() as u32 as usize)
}

/// A value as a Wasm argument of its static type; heap values are written
/// into the guest's memory in the layout of `dsl/runtime/rt.h`.
fn to_wasm(g: &mut sandbox::Guest, ty: &Type, v: &Value) -> wasmtime::Result<wasmtime::Val> {
    use wasmtime::Val;
    Ok(match (ty, v) {
        (Type::Int, Value::Int(i)) => Val::I64(*i),
        (Type::Float, Value::Float(f)) => Val::F64(f.to_bits()),
        (Type::Bool, Value::Bool(b)) => Val::I32(*b as i32),
        _ => Val::I32(to_slot(g, ty, v)? as u32 as i32),
    })
}

/// A value as an 8-byte slot (heap values are written to the guest first).
fn to_slot(g: &mut sandbox::Guest, ty: &Type, v: &Value) -> wasmtime::Result<u64> {
    let item_ty = |i: usize| match ty {
        Type::Tuple(ts) => ts.get(i).cloned().unwrap_or(Type::Int),
        other => other.elem().unwrap_or(Type::Int),
    };
    Ok(match v {
        Value::Int(i) => *i as u64,
        Value::Float(f) => f.to_bits(),
        Value::Bool(b) => *b as u64,
        Value::None => 0,
        Value::Str(s) => {
            let addr = guest_alloc(g, 8 + s.len(), false)?;
            let mut bytes = Vec::with_capacity(8 + s.len());
            bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&(s.chars().count() as u32).to_le_bytes());
            bytes.extend_from_slice(s.as_bytes());
            g.write(addr, &bytes)?;
            addr as u64
        }
        Value::List(l) => {
            let items = l.borrow().clone();
            let slots = items
                .iter()
                .enumerate()
                .map(|(i, x)| to_slot(g, &item_ty(i), x))
                .collect::<wasmtime::Result<Vec<_>>>()?;
            let data = if slots.is_empty() { 0 } else { guest_alloc(g, 8 * slots.len(), true)? };
            g.write(data, &slots.iter().flat_map(|s| s.to_le_bytes()).collect::<Vec<_>>())?;
            let addr = guest_alloc(g, 12, false)?;
            let n = slots.len() as u32;
            g.write(addr, &[n.to_le_bytes(), n.to_le_bytes(), (data as u32).to_le_bytes()].concat())?;
            addr as u64
        }
        Value::Tuple(t) => {
            let slots =
                t.iter().enumerate().map(|(i, x)| to_slot(g, &item_ty(i), x)).collect::<wasmtime::Result<Vec<_>>>()?;
            let addr = guest_alloc(g, 8 + 8 * slots.len(), false)?;
            let mut bytes = Vec::with_capacity(8 + 8 * slots.len());
            bytes.extend_from_slice(&(slots.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&0u32.to_le_bytes());
            bytes.extend(slots.iter().flat_map(|s| s.to_le_bytes()));
            g.write(addr, &bytes)?;
            addr as u64
        }
    })
}

fn read_u32(g: &mut sandbox::Guest, addr: usize) -> wasmtime::Result<u32> {
    let b = g.read(addr, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A Wasm result as a value of its static type.
fn from_wasm(g: &mut sandbox::Guest, ty: &Type, val: Option<&wasmtime::Val>) -> wasmtime::Result<Value> {
    use wasmtime::Val;
    match (ty, val) {
        (Type::None, _) => Ok(Value::None),
        (Type::Int, Some(Val::I64(i))) => Ok(Value::Int(*i)),
        (Type::Float, Some(Val::F64(bits))) => Ok(Value::Float(f64::from_bits(*bits))),
        (Type::Bool, Some(Val::I32(b))) => Ok(Value::Bool(*b != 0)),
        (_, Some(Val::I32(p))) => from_slot(g, ty, *p as u32 as u64),
        (ty, v) => Err(guest_err(format!("cannot read a `{ty}` result from {v:?}"))),
    }
}

/// Reads a value of type `ty` from its slot.
fn from_slot(g: &mut sandbox::Guest, ty: &Type, slot: u64) -> wasmtime::Result<Value> {
    let addr = slot as u32 as usize;
    let slots = |g: &mut sandbox::Guest, at: usize, n: usize| -> wasmtime::Result<Vec<u64>> {
        let bytes = g.read(at, n.checked_mul(8).ok_or_else(|| guest_err("bad length"))?)?;
        Ok(bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect())
    };
    let item_ty = |i: usize| match ty {
        Type::Tuple(ts) => ts.get(i).cloned().unwrap_or(Type::Int),
        other => other.elem().unwrap_or(Type::Int),
    };
    Ok(match ty {
        Type::Int => Value::Int(slot as i64),
        Type::Float => Value::Float(f64::from_bits(slot)),
        Type::Bool => Value::Bool(slot & 1 != 0),
        Type::None => Value::None,
        Type::Str => {
            let len = read_u32(g, addr)? as usize;
            let bytes = g.read(addr + 8, len)?;
            Value::str(String::from_utf8(bytes).map_err(|_| guest_err("a result string is not UTF-8"))?)
        }
        Type::List(_) => {
            let len = read_u32(g, addr)? as usize;
            let data = read_u32(g, addr + 8)? as usize;
            let raw = slots(g, data, len)?;
            Value::list(
                raw.into_iter()
                    .enumerate()
                    .map(|(i, s)| from_slot(g, &item_ty(i), s))
                    .collect::<wasmtime::Result<_>>()?,
            )
        }
        Type::Tuple(_) | Type::TupleOf(_) => {
            let len = read_u32(g, addr)? as usize;
            let raw = slots(g, addr + 8, len)?;
            Value::tuple(
                raw.into_iter()
                    .enumerate()
                    .map(|(i, s)| from_slot(g, &item_ty(i), s))
                    .collect::<wasmtime::Result<_>>()?,
            )
        }
    })
}

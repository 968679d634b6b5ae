//! The reference interpreter: the executable definition of the language's
//! semantics, which the Wasm backend and the Z3 encoding must match. It
//! walks the typed IR with a step budget (fuel), an allocation budget and a
//! recursion limit, and returns a value, a Python-named runtime error with
//! its source span, or a budget stop. It never panics and never overflows
//! the host stack (deep recursion grows it on the heap).

mod builtins;
mod expr;
mod iter;
mod methods;
mod stmt;

use crate::ast::{BinOp, BoolOp, CmpOp, UnaryOp};
use crate::span::Span;
use crate::strings;
use crate::tir::{Builtin, Clause, Expr, ExprKind as K, FuncId, Method, Program, Stmt, Target};
use crate::value::{Value, py_cmp, py_eq, py_lt};
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

/// Resource limits of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Work units: one per statement, loop iteration and call, plus one per
    /// element for bulk operations. By default 10,000,000.
    pub fuel: u64,
    /// Cumulative allocation, in elements (list/tuple items, string bytes).
    /// By default 2^26 (64 Mi).
    pub alloc: u64,
    /// Maximum call depth, as Python's recursion limit. By default 1000.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { fuel: 10_000_000, alloc: 1 << 26, max_depth: 1000 }
    }
}

/// What went wrong in a run. Python's exception names, plus budget stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub enum ErrorKind {
    ZeroDivisionError,
    IndexError,
    ValueError,
    AssertionError,
    OverflowError,
    TypeError,
    RecursionError,
    UnboundLocalError,
    /// A call of a function whose body is `...` (a synthesis target).
    NotImplementedError,
    /// A `??` hole that has no value.
    HoleError,
    /// The step budget ran out (a budget stop, not a program error).
    OutOfFuel,
    /// The allocation budget ran out (a budget stop, not a program error).
    OutOfMemory,
}

impl ErrorKind {
    /// The name printed for it (Python's exception name for real errors).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::ZeroDivisionError => "ZeroDivisionError",
            ErrorKind::IndexError => "IndexError",
            ErrorKind::ValueError => "ValueError",
            ErrorKind::AssertionError => "AssertionError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::RecursionError => "RecursionError",
            ErrorKind::UnboundLocalError => "UnboundLocalError",
            ErrorKind::NotImplementedError => "NotImplementedError",
            ErrorKind::HoleError => "HoleError",
            ErrorKind::OutOfFuel => "OutOfFuel",
            ErrorKind::OutOfMemory => "OutOfMemory",
        }
    }

    /// Is this a budget stop rather than an error of the program?
    pub fn is_budget(self) -> bool {
        matches!(self, ErrorKind::OutOfFuel | ErrorKind::OutOfMemory)
    }

    /// Every kind, in code order.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::ZeroDivisionError,
        ErrorKind::IndexError,
        ErrorKind::ValueError,
        ErrorKind::AssertionError,
        ErrorKind::OverflowError,
        ErrorKind::TypeError,
        ErrorKind::RecursionError,
        ErrorKind::UnboundLocalError,
        ErrorKind::NotImplementedError,
        ErrorKind::HoleError,
        ErrorKind::OutOfFuel,
        ErrorKind::OutOfMemory,
    ];

    /// The non-zero code compiled code reports this kind with.
    pub fn code(self) -> u32 {
        ErrorKind::ALL.iter().position(|k| *k == self).map_or(0, |i| i as u32 + 1)
    }

    /// The kind for a code from compiled code.
    pub fn from_code(code: u32) -> Option<ErrorKind> {
        ErrorKind::ALL.get((code as usize).checked_sub(1)?).copied()
    }
}

/// A run that did not produce a value.
#[derive(Clone, Debug, PartialEq)]
pub struct RunError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// Python's message (e.g. `list index out of range`).
    pub message: String,
    /// Where in the source.
    pub span: Span,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.kind.name())
        } else {
            write!(f, "{}: {}", self.kind.name(), self.message)
        }
    }
}

impl std::error::Error for RunError {}

/// Errors are boxed inside the interpreter: every evaluation returns a
/// `Result`, and a small one (a value or a pointer) is what keeps the hot
/// path fast. The public functions return `Result<_, RunError>`.
type R<T> = Result<T, Box<RunError>>;

fn err<T>(kind: ErrorKind, message: impl Into<String>, span: Span) -> R<T> {
    Err(Box::new(RunError { kind, message: message.into(), span }))
}

/// Counters of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Fuel used.
    pub fuel_used: u64,
    /// Elements allocated.
    pub allocated: u64,
    /// Did a value leave what synth represents exactly (an `int` wrapped
    /// around 64 bits, a float too large for `int`, a surrogate `chr`)? Then
    /// CPython's result differs by design.
    pub overflowed: bool,
}

enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

type Frame = Vec<Option<Value>>;

/// Runs functions of one checked program.
pub struct Interpreter<'p> {
    program: &'p Program,
    consts: Vec<Value>,
    holes: Vec<Option<i64>>,
    limits: Limits,
    fuel: u64,
    alloc: u64,
    depth: usize,
    overflowed: bool,
    /// The functions being run, innermost last (for error messages).
    fn_stack: Vec<FuncId>,
    /// Outside stops (see [`Watch`]), checked every `WATCH_EVERY` steps.
    watch: Option<Watch>,
    until_watch: u32,
    /// Expression nesting, for the stack checks (`eval`).
    nest: u32,
    /// Watch checks so far.
    watch_checks: u32,
    /// Calls being recorded (see [`Interpreter::record_calls`]).
    recording: Option<Box<Recording>>,
}

/// The arguments of calls of some functions, as a run made them.
struct Recording {
    funcs: Vec<FuncId>,
    per_func: usize,
    calls: Vec<(FuncId, Vec<Value>)>,
}

/// What a caller watches a run with: a flag another thread sets to stop it
/// (a deadline, Ctrl-C), and a cap on the memory the process uses, read
/// through a probe (the interpreter does no IO; the caller knows how to
/// measure, e.g. a counting global allocator).
#[derive(Clone, Debug)]
pub struct Watch {
    /// Non-zero stops the run; the value picks the message (`STOP_*`).
    pub stop: std::sync::Arc<std::sync::atomic::AtomicU8>,
    /// The most bytes the process may use, and how to measure them (read
    /// every few thousand steps and before large allocations).
    pub memory: Option<(u64, fn() -> u64)>,
}

/// [`Watch::stop`] values.
pub const STOP_TIME: u8 = 1;
/// Stopped by the user (Ctrl-C).
pub const STOP_INTERRUPT: u8 = 2;
const WATCH_EVERY: u32 = 4096;

impl<'p> Interpreter<'p> {
    /// An interpreter for `program`; evaluates its constants (which may fail).
    pub fn new(program: &'p Program, limits: Limits) -> Result<Interpreter<'p>, RunError> {
        let mut it = Interpreter {
            program,
            consts: Vec::new(),
            holes: vec![None; program.n_holes],
            limits,
            fuel: limits.fuel,
            alloc: limits.alloc,
            depth: 0,
            overflowed: false,
            fn_stack: Vec::new(),
            watch: None,
            until_watch: WATCH_EVERY,
            nest: 0,
            watch_checks: 0,
            recording: None,
        };
        for c in &program.consts {
            let mut frame = Frame::new();
            let v = it.eval(&mut frame, &c.value).map_err(|e| *e)?;
            it.consts.push(v);
        }
        Ok(it)
    }

    /// Watches the runs from now on (see [`Watch`]).
    pub fn set_watch(&mut self, watch: Watch) {
        self.watch = Some(watch);
    }

    /// Where a budget stop happens: " in `f`" for the innermost function.
    fn stopped_in(&self) -> String {
        match self.fn_stack.last().and_then(|f| self.program.functions.get(*f)) {
            Some(f) => format!(" in `{}`", f.name.split('#').next().unwrap_or(&f.name)),
            None => String::new(),
        }
    }

    /// The outside checks of a `Watch`, every `WATCH_EVERY` steps.
    #[cold]
    fn check_watch(&mut self, span: Span) -> R<()> {
        self.until_watch = WATCH_EVERY;
        let Some(w) = &self.watch else { return Ok(()) };
        let stop = w.stop.load(std::sync::atomic::Ordering::Relaxed);
        if stop != 0 {
            let why = if stop == STOP_INTERRUPT { "interrupted (Ctrl-C)" } else { "time limit exceeded" };
            return err(ErrorKind::OutOfFuel, format!("{why}{}", self.stopped_in()), span);
        }
        // The memory probe may be a system call: every 16th check.
        self.watch_checks = self.watch_checks.wrapping_add(1);
        if let Some((cap, probe)) = w.memory
            && self.watch_checks.is_multiple_of(16)
            && probe() > cap
        {
            return err(
                ErrorKind::OutOfMemory,
                format!("memory cap of {cap} bytes exceeded{}", self.stopped_in()),
                span,
            );
        }
        Ok(())
    }

    /// Records the arguments of the first `per_func` calls of each of
    /// `funcs` from now on (read them with [`Interpreter::take_recorded`]):
    /// the inputs a program really passes to a function, e.g. probes for
    /// comparing candidates' behaviour.
    pub fn record_calls(&mut self, funcs: &[FuncId], per_func: usize) {
        self.recording = Some(Box::new(Recording { funcs: funcs.to_vec(), per_func, calls: Vec::new() }));
    }

    /// The calls recorded so far (function, arguments), in call order; stops recording.
    pub fn take_recorded(&mut self) -> Vec<(FuncId, Vec<Value>)> {
        self.recording.take().map(|r| r.calls).unwrap_or_default()
    }

    /// Gives the `??` holes values (hole `i` gets `values[i]`).
    pub fn set_holes(&mut self, values: &[i64]) {
        for (slot, v) in self.holes.iter_mut().zip(values) {
            *slot = Some(*v);
        }
    }

    /// Resets the budgets to the full limits (the counters restart).
    pub fn reset_budget(&mut self) {
        self.fuel = self.limits.fuel;
        self.alloc = self.limits.alloc;
        self.overflowed = false;
    }

    /// The counters since the last reset.
    pub fn stats(&self) -> Stats {
        Stats {
            fuel_used: self.limits.fuel - self.fuel,
            allocated: self.limits.alloc - self.alloc,
            overflowed: self.overflowed,
        }
    }

    /// Calls function `func` with `args` (one per parameter).
    pub fn call(&mut self, func: FuncId, args: Vec<Value>) -> Result<Value, RunError> {
        let span = self.program.functions.get(func).map_or(Span::default(), |f| f.span);
        self.call_function(func, args, span).map_err(|e| *e)
    }

    /// Evaluates a closed expression (no locals), e.g. `f(1, "a")`.
    pub fn eval_expr(&mut self, e: &Expr) -> Result<Value, RunError> {
        let mut frame: Frame = vec![None; crate::tir::local_slots(e)];
        self.eval(&mut frame, e).map_err(|e| *e)
    }

    /// Evaluates an expression whose local slot `i` holds `locals[i]`
    /// (`None`: unbound). Expressions from
    /// [`check_expression_with_locals`](crate::check::check_expression_with_locals).
    pub fn eval_with_locals(&mut self, e: &Expr, locals: &mut Vec<Option<Value>>) -> Result<Value, RunError> {
        self.eval(locals, e).map_err(|e| *e)
    }

    // --------------------------------------------------------------- budgets

    fn tick(&mut self, n: u64, span: Span) -> R<()> {
        if self.fuel < n {
            self.fuel = 0;
            let inside = self.stopped_in();
            return err(ErrorKind::OutOfFuel, format!("step budget of {} exhausted{inside}", self.limits.fuel), span);
        }
        self.fuel -= n;
        self.until_watch -= 1;
        if self.until_watch == 0 {
            return self.check_watch(span);
        }
        Ok(())
    }

    /// Charges an allocation of `n` elements (and as much fuel).
    fn allocate(&mut self, n: u64, span: Span) -> R<()> {
        // Large allocations are checked against the memory cap at once
        // (small ones at the next watch check).
        if n >= 1 << 14
            && let Some((cap, probe)) = self.watch.as_ref().and_then(|w| w.memory)
            && probe().saturating_add(n.saturating_mul(std::mem::size_of::<Value>() as u64)) > cap
        {
            let inside = self.stopped_in();
            return err(ErrorKind::OutOfMemory, format!("memory cap of {cap} bytes exceeded{inside}"), span);
        }
        if self.alloc < n {
            self.alloc = 0;
            return err(
                ErrorKind::OutOfMemory,
                format!("allocation budget of {} elements exhausted", self.limits.alloc),
                span,
            );
        }
        self.alloc -= n;
        self.tick(n / 8, span)
    }

    fn new_str(&mut self, s: String, span: Span) -> R<Value> {
        self.allocate(s.len() as u64, span)?;
        Ok(Value::str(s))
    }

    fn new_list(&mut self, items: Vec<Value>, span: Span) -> R<Value> {
        self.allocate(items.len() as u64 + 1, span)?;
        Ok(Value::list(items))
    }

    fn new_tuple(&mut self, items: Vec<Value>, span: Span) -> R<Value> {
        self.allocate(items.len() as u64 + 1, span)?;
        Ok(Value::tuple(items))
    }

    fn wrap(&mut self, (v, overflow): (i64, bool)) -> i64 {
        self.overflowed |= overflow;
        v
    }

    // ----------------------------------------------------------------- calls

    fn call_function(&mut self, id: FuncId, args: Vec<Value>, span: Span) -> R<Value> {
        let Some(f) = self.program.functions.get(id) else {
            return err(ErrorKind::TypeError, "no such function", span);
        };
        if f.is_stub {
            return err(
                ErrorKind::NotImplementedError,
                format!("`{}` has no body yet (it is a synthesis target)", f.name),
                span,
            );
        }
        if self.depth >= self.limits.max_depth {
            return err(ErrorKind::RecursionError, "maximum recursion depth exceeded", span);
        }
        self.tick(1, span)?;
        if let Some(r) = &mut self.recording
            && r.funcs.contains(&id)
            && r.calls.iter().filter(|(g, _)| *g == id).count() < r.per_func
        {
            r.calls.push((id, args.iter().map(Value::deep_clone).collect()));
        }
        let mut frame: Frame = vec![None; f.locals.len()];
        for (slot, a) in frame.iter_mut().zip(args) {
            *slot = Some(a);
        }
        self.depth += 1;
        self.fn_stack.push(id);
        let r = stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.exec_block(&mut frame, &f.body));
        self.depth -= 1;
        self.fn_stack.pop();
        match r? {
            Flow::Return(v) => Ok(v),
            _ => Ok(Value::None),
        }
    }
}

/// `x in seq` / `seq.count(x)` equality: identity-or-equal in CPython,
/// which for values without identity is item equality.
fn item_matches(x: &Value, needle: &Value) -> bool {
    py_eq(x, needle)
}

/// Python's three-argument `pow` on ints: the result takes the modulus's
/// sign; a negative exponent needs the base to be invertible.
fn pow_mod(base: i64, exp: i64, m: i64, span: Span) -> R<i64> {
    if m == 0 {
        return err(ErrorKind::ValueError, "pow() 3rd argument cannot be 0", span);
    }
    let modulus = m.unsigned_abs() as i128;
    let mut b = (base as i128).rem_euclid(modulus);
    if exp < 0 {
        // Modular inverse by the extended Euclidean algorithm.
        let (mut r0, mut r1, mut s0, mut s1) = (b, modulus, 1i128, 0i128);
        while r1 != 0 {
            let q = r0 / r1;
            (r0, r1) = (r1, r0 - q * r1);
            (s0, s1) = (s1, s0 - q * s1);
        }
        if r0 != 1 {
            return err(ErrorKind::ValueError, "base is not invertible for the given modulus", span);
        }
        b = s0.rem_euclid(modulus);
    }
    let mut e = exp.unsigned_abs();
    let mut result: i128 = 1 % modulus;
    while e > 0 {
        if e & 1 == 1 {
            result = result * b % modulus;
        }
        b = b * b % modulus;
        e >>= 1;
    }
    let r = if m < 0 && result != 0 { result - modulus } else { result };
    Ok(r as i64)
}

fn norm_index(i: i64, len: usize) -> Option<usize> {
    let n = len as i64;
    let k = if i < 0 { i.checked_add(n)? } else { i };
    (0..n).contains(&k).then_some(k as usize)
}

fn range_len(a: i64, z: i64, s: i64) -> i64 {
    let (a, z, s) = (a as i128, z as i128, s as i128);
    let n = if s > 0 {
        if z > a { (z - a - 1) / s + 1 } else { 0 }
    } else if a > z {
        (a - z - 1) / (-s) + 1
    } else {
        0
    };
    n as i64
}

fn as_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        _ => 0,
    }
}

fn as_str(v: &Value) -> &str {
    match v {
        Value::Str(s) => s,
        _ => "",
    }
}

/// `min`/`max` as CPython computes them: the first item, replaced by each
/// later item that is strictly smaller (larger).
fn extremum(items: Vec<Value>, min: bool) -> Value {
    let mut it = items.into_iter();
    let mut best = it.next().unwrap_or(Value::None);
    for x in it {
        let better = if min { py_lt(&x, &best) } else { py_lt(&best, &x) };
        if better {
            best = x;
        }
    }
    best
}

/// `int / int` correctly rounded, as CPython computes it (not the double
/// rounding of converting both operands to float first).
fn int_true_div(x: i64, y: i64) -> f64 {
    const EXACT: u64 = 1 << 53;
    let (n, d) = (x.unsigned_abs(), y.unsigned_abs());
    let negative = (x < 0) != (y < 0);
    if n <= EXACT && d <= EXACT {
        return x as f64 / y as f64;
    }
    // Scale so the quotient has at least 55 bits, then fold the remainder
    // into a sticky bit: converting that to f64 rounds exactly once.
    let bits = |v: u64| 64 - v.leading_zeros() as i32;
    let shift = (55 + bits(d) - bits(n)).max(0);
    let num = (n as u128) << shift;
    let q = num / d as u128;
    let sticky = (!num.is_multiple_of(d as u128)) as u128;

    let mag = ((q | sticky) as f64) * 2f64.powi(-shift);
    if negative { -mag } else { mag }
}

fn float_op(op: BinOp, x: f64, y: f64, span: Span) -> R<f64> {
    Ok(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return err(ErrorKind::ZeroDivisionError, "float division by zero", span);
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return err(ErrorKind::ZeroDivisionError, "float floor division by zero", span);
            }
            float_divmod(x, y).0
        }
        BinOp::Mod => {
            if y == 0.0 {
                return err(ErrorKind::ZeroDivisionError, "float modulo", span);
            }
            float_divmod(x, y).1
        }
        BinOp::Pow => float_pow(x, y, span)?,
        _ => {
            return err(ErrorKind::TypeError, format!("unsupported operand types for {}: 'float'", op.as_str()), span);
        }
    })
}

/// CPython's `float_divmod`: floor quotient and a remainder with the sign of the divisor.
fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// CPython's `float ** float`, with its errors.
fn float_pow(x: f64, y: f64, span: Span) -> R<f64> {
    if y == 0.0 {
        return Ok(1.0);
    }
    if x.is_nan() {
        return Ok(if y == 0.0 { 1.0 } else { x });
    }
    if y.is_nan() {
        return Ok(if x == 1.0 { 1.0 } else { y });
    }
    if x == 0.0 && y < 0.0 && y.is_finite() {
        return err(ErrorKind::ZeroDivisionError, "0.0 cannot be raised to a negative power", span);
    }
    if x < 0.0 && x.is_finite() && y.is_finite() && y.fract() != 0.0 {
        // Python returns a complex number here; synth has none.
        return err(ErrorKind::ValueError, "negative number cannot be raised to a fractional power", span);
    }
    // fdlibm's pow (the `libm` crate), not the host's: the same bits on every
    // machine, and the Wasm runtime has the same algorithm (runtime/num.c).
    let r = libm::pow(x, y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return err(ErrorKind::OverflowError, "(34, 'Numerical result out of range')", span);
    }
    Ok(r)
}

/// CPython's `round(x, n)` for floats: the decimal value correctly rounded
/// (half to even on the exact binary value) to `n` places.
fn round_float(x: f64, n: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if n > 323 {
        return x;
    }
    if n >= 0 {
        // Rust's fixed-precision formatting rounds the exact binary value
        // half to even, as CPython's dtoa-based rounding does.
        let s = format!("{:.*}", n as usize, x);
        let r: f64 = s.parse().unwrap_or(x);
        return if r == 0.0 { 0.0f64.copysign(x) } else { r };
    }
    if n < -308 {
        return 0.0f64.copysign(x);
    }
    let m = 10f64.powi((-n) as i32);
    let r = (x / m).round_ties_even() * m;
    if r.is_infinite() {
        return x;
    }
    if r == 0.0 { 0.0f64.copysign(x) } else { r }
}

/// Python's `float(str)`: whitespace around, an optional sign, digits with
/// single underscores between them, `inf`/`infinity`/`nan` in any case.
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim_matches(strings::is_space);
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    // One sign only: Rust's parser would accept a second one ("+-1").
    if body.starts_with(['+', '-']) {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    let bytes = body.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-' => {}
            b'_' => {
                let ok = i > 0 && i + 1 < bytes.len() && bytes[i - 1].is_ascii_digit() && bytes[i + 1].is_ascii_digit();
                if !ok {
                    return None;
                }
            }
            _ => return None,
        }
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    // Rust accepts forms Python rejects ("inf" was handled; "e5" and "." are errors in both).
    if !clean.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    clean.parse::<f64>().ok().map(|v| sign * v)
}

//! The reference interpreter: the executable definition of the language's
//! semantics, which the Wasm backend and the Z3 encoding must match. It
//! walks the typed IR with a step budget (fuel), an allocation budget and a
//! recursion limit, and returns a value, a Python-named runtime error with
//! its source span, or a budget stop. It never panics and never overflows
//! the host stack (deep recursion grows it on the heap).

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

type R<T> = Result<T, RunError>;

fn err<T>(kind: ErrorKind, message: impl Into<String>, span: Span) -> R<T> {
    Err(RunError { kind, message: message.into(), span })
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
}

impl<'p> Interpreter<'p> {
    /// An interpreter for `program`; evaluates its constants (which may fail).
    pub fn new(program: &'p Program, limits: Limits) -> R<Interpreter<'p>> {
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
        };
        for c in &program.consts {
            let mut frame = Frame::new();
            let v = it.eval(&mut frame, &c.value)?;
            it.consts.push(v);
        }
        Ok(it)
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
    pub fn call(&mut self, func: FuncId, args: Vec<Value>) -> R<Value> {
        let span = self.program.functions.get(func).map_or(Span::default(), |f| f.span);
        self.call_function(func, args, span)
    }

    /// Evaluates a closed expression (no locals), e.g. `f(1, "a")`.
    pub fn eval_expr(&mut self, e: &Expr) -> R<Value> {
        let mut frame = Frame::new();
        self.eval(&mut frame, e)
    }

    /// Evaluates an expression whose local slot `i` holds `locals[i]`
    /// (`None`: unbound). Expressions from
    /// [`check_expression_with_locals`](crate::check::check_expression_with_locals).
    pub fn eval_with_locals(&mut self, e: &Expr, locals: &mut Vec<Option<Value>>) -> R<Value> {
        self.eval(locals, e)
    }

    // --------------------------------------------------------------- budgets

    fn tick(&mut self, n: u64, span: Span) -> R<()> {
        if self.fuel < n {
            self.fuel = 0;
            return err(ErrorKind::OutOfFuel, format!("step budget of {} exhausted", self.limits.fuel), span);
        }
        self.fuel -= n;
        Ok(())
    }

    /// Charges an allocation of `n` elements (and as much fuel).
    fn allocate(&mut self, n: u64, span: Span) -> R<()> {
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

    // ------------------------------------------------------------ statements

    fn exec_block(&mut self, frame: &mut Frame, stmts: &[Stmt]) -> R<Flow> {
        for s in stmts {
            match self.exec(frame, s)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, frame: &mut Frame, s: &Stmt) -> R<Flow> {
        match s {
            Stmt::Expr(e) => {
                self.tick(1, e.span)?;
                self.eval(frame, e)?;
            }
            Stmt::Assign { targets, value, span } => {
                self.tick(1, *span)?;
                let v = self.eval(frame, value)?;
                for t in targets {
                    self.assign(frame, t, v.clone())?;
                }
            }
            Stmt::AugAssign { target, op, value, span } => {
                self.tick(1, *span)?;
                self.aug_assign(frame, target, *op, value, *span)?;
            }
            Stmt::Return(e, span) => {
                self.tick(1, *span)?;
                let v = match e {
                    Some(e) => self.eval(frame, e)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            Stmt::If(c, a, b) => {
                self.tick(1, c.span)?;
                let branch = if self.eval_bool(frame, c)? { a } else { b };
                return self.exec_block(frame, branch);
            }
            Stmt::While(c, body) => loop {
                self.tick(1, c.span)?;
                if !self.eval_bool(frame, c)? {
                    break;
                }
                match self.exec_block(frame, body)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            },
            Stmt::For { target, iter, body, span } => {
                let mut result = Flow::Normal;
                self.for_each(frame, iter, &mut |this, frame, item| {
                    this.tick(1, *span)?;
                    this.assign(frame, target, item)?;
                    match this.exec_block(frame, body)? {
                        Flow::Break => Ok(false),
                        Flow::Return(v) => {
                            result = Flow::Return(v);
                            Ok(false)
                        }
                        Flow::Normal | Flow::Continue => Ok(true),
                    }
                })?;
                return Ok(result);
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Assert(c, msg, span) => {
                self.tick(1, *span)?;
                if !self.eval_bool(frame, c)? {
                    let m = match msg {
                        Some(m) => self.eval(frame, m)?.to_str(),
                        None => String::new(),
                    };
                    return err(ErrorKind::AssertionError, m, *span);
                }
            }
        }
        Ok(Flow::Normal)
    }

    fn assign(&mut self, frame: &mut Frame, t: &Target, v: Value) -> R<()> {
        match t {
            Target::Local(id) => {
                if let Some(slot) = frame.get_mut(*id) {
                    *slot = Some(v);
                }
                Ok(())
            }
            Target::Index { seq, index, span } => {
                let s = self.eval(frame, seq)?;
                let i = self.eval_int(frame, index)?;
                self.set_item(&s, i, v, *span)
            }
            Target::Unpack(targets, span) => {
                let items = self.unpack_items(&v, targets.len(), *span)?;
                for (t, item) in targets.iter().zip(items) {
                    self.assign(frame, t, item)?;
                }
                Ok(())
            }
        }
    }

    fn unpack_items(&mut self, v: &Value, n: usize, span: Span) -> R<Vec<Value>> {
        let items: Vec<Value> = match v {
            Value::Tuple(t) => t.to_vec(),
            Value::List(l) => l.borrow().clone(),
            Value::Str(s) => s.chars().map(|c| Value::str(c.to_string())).collect(),
            _ => return err(ErrorKind::TypeError, "cannot unpack a non-sequence", span),
        };
        if items.len() > n {
            return err(ErrorKind::ValueError, format!("too many values to unpack (expected {n})"), span);
        }
        if items.len() < n {
            return err(
                ErrorKind::ValueError,
                format!("not enough values to unpack (expected {n}, got {})", items.len()),
                span,
            );
        }
        Ok(items)
    }

    fn set_item(&mut self, s: &Value, i: i64, v: Value, span: Span) -> R<()> {
        let Value::List(l) = s else {
            return err(ErrorKind::TypeError, "object does not support item assignment", span);
        };
        let mut l = l.borrow_mut();
        let Some(k) = norm_index(i, l.len()) else {
            return err(ErrorKind::IndexError, "list assignment index out of range", span);
        };
        l[k] = v;
        Ok(())
    }

    fn aug_assign(&mut self, frame: &mut Frame, target: &Target, op: BinOp, value: &Expr, span: Span) -> R<()> {
        // Evaluate the target's container and index once, as Python does.
        let (container, index) = match target {
            Target::Index { seq, index, .. } => {
                let s = self.eval(frame, seq)?;
                let i = self.eval_int(frame, index)?;
                (Some(s), i)
            }
            _ => (None, 0),
        };
        let current = match (target, &container) {
            (Target::Local(id), _) => self.read_local(frame, *id, span)?,
            (Target::Index { span: ispan, .. }, Some(s)) => self.get_item(s, index, *ispan)?,
            _ => {
                return err(ErrorKind::TypeError, "invalid augmented assignment target", span);
            }
        };
        let rhs = self.eval(frame, value)?;
        let new = match (&current, op) {
            // Lists are updated in place (`list.__iadd__`, `list.__imul__`).
            (Value::List(l), BinOp::Add) => {
                let items = self.collect_value(&rhs, span)?;
                self.allocate(items.len() as u64, span)?;
                l.borrow_mut().extend(items);
                current.clone()
            }
            (Value::List(l), BinOp::Mul) => {
                let n = as_int(&rhs).max(0) as u64;
                let len = l.borrow().len() as u64;
                self.allocate(len.saturating_mul(n.saturating_sub(1)), span)?;
                let items = l.borrow().clone();
                let mut out = Vec::with_capacity((len * n) as usize);
                for _ in 0..n {
                    out.extend(items.iter().cloned());
                }
                *l.borrow_mut() = out;
                current.clone()
            }
            _ => self.binary(op, current.clone(), rhs, span)?,
        };
        match (target, container) {
            (Target::Local(id), _) => {
                if let Some(slot) = frame.get_mut(*id) {
                    *slot = Some(new);
                }
                Ok(())
            }
            (Target::Index { span: ispan, .. }, Some(s)) => self.set_item(&s, index, new, *ispan),
            _ => Ok(()),
        }
    }

    // ------------------------------------------------------------ iteration

    /// Calls `f` on each item of an iterable expression, lazily for
    /// `range`/`enumerate`/`zip`/`reversed` and comprehensions; `f` returns
    /// false to stop.
    fn for_each(
        &mut self,
        frame: &mut Frame,
        iter: &Expr,
        f: &mut dyn FnMut(&mut Self, &mut Frame, Value) -> R<bool>,
    ) -> R<()> {
        match &iter.kind {
            K::Builtin(Builtin::Range, args) => {
                let start = self.eval_int(frame, &args[0])?;
                let stop = self.eval_int(frame, &args[1])?;
                let step = self.eval_int(frame, &args[2])?;
                if step == 0 {
                    return err(ErrorKind::ValueError, "range() arg 3 must not be zero", iter.span);
                }
                let mut i = start;
                while (step > 0 && i < stop) || (step < 0 && i > stop) {
                    if !f(self, frame, Value::Int(i))? {
                        break;
                    }
                    match i.checked_add(step) {
                        Some(n) => i = n,
                        None => break,
                    }
                }
                Ok(())
            }
            K::Builtin(Builtin::Enumerate, args) => {
                let mut n = self.eval_int(frame, &args[1])?;
                let span = iter.span;
                self.for_each(frame, &args[0], &mut |this, frame, item| {
                    let pair = this.new_tuple(vec![Value::Int(n), item], span)?;
                    n = n.wrapping_add(1);
                    f(this, frame, pair)
                })
            }
            K::Builtin(Builtin::Zip, args) => {
                let mut cols = Vec::new();
                for a in args {
                    cols.push(self.collect(frame, a)?);
                }
                let n = cols.iter().map(Vec::len).min().unwrap_or(0);
                for i in 0..n {
                    let row: Vec<Value> = cols.iter().map(|c| c[i].clone()).collect();
                    let t = self.new_tuple(row, iter.span)?;
                    if !f(self, frame, t)? {
                        break;
                    }
                }
                Ok(())
            }
            K::Builtin(Builtin::Reversed, args) => {
                let items = self.collect(frame, &args[0])?;
                for item in items.into_iter().rev() {
                    if !f(self, frame, item)? {
                        break;
                    }
                }
                Ok(())
            }
            K::Comprehension(elt, clauses) => {
                let mut keep_going = true;
                self.comprehension(frame, elt, clauses, 0, &mut |this, frame, v| {
                    keep_going = f(this, frame, v)?;
                    Ok(keep_going)
                })?;
                Ok(())
            }
            _ => {
                let v = self.eval(frame, iter)?;
                self.for_each_value(frame, &v, iter.span, f)
            }
        }
    }

    fn for_each_value(
        &mut self,
        frame: &mut Frame,
        v: &Value,
        span: Span,
        f: &mut dyn FnMut(&mut Self, &mut Frame, Value) -> R<bool>,
    ) -> R<()> {
        match v {
            Value::List(l) => {
                // Python's list iterator re-checks the length at every step,
                // so appending while iterating is seen (and may not end).
                let mut i = 0;
                loop {
                    let item = {
                        let b = l.borrow();
                        match b.get(i) {
                            Some(x) => x.clone(),
                            None => break,
                        }
                    };
                    if !f(self, frame, item)? {
                        break;
                    }
                    i += 1;
                }
                Ok(())
            }
            Value::Tuple(t) => {
                for item in t.iter() {
                    if !f(self, frame, item.clone())? {
                        break;
                    }
                }
                Ok(())
            }
            Value::Str(s) => {
                for c in s.chars() {
                    let item = self.new_str(c.to_string(), span)?;
                    if !f(self, frame, item)? {
                        break;
                    }
                }
                Ok(())
            }
            _ => err(ErrorKind::TypeError, "object is not iterable", span),
        }
    }

    /// Runs the clauses of a comprehension from `depth` on, calling `emit`
    /// with each element; `emit` returns false to stop.
    fn comprehension(
        &mut self,
        frame: &mut Frame,
        elt: &Expr,
        clauses: &[Clause],
        depth: usize,
        emit: &mut dyn FnMut(&mut Self, &mut Frame, Value) -> R<bool>,
    ) -> R<bool> {
        let Some(clause) = clauses.get(depth) else {
            let v = self.eval(frame, elt)?;
            return emit(self, frame, v);
        };
        let mut go_on = true;
        self.for_each(frame, &clause.iter, &mut |this, frame, item| {
            this.tick(1, clause.iter.span)?;
            this.assign(frame, &clause.target, item)?;
            for cond in &clause.ifs {
                if !this.eval_bool(frame, cond)? {
                    return Ok(true);
                }
            }
            go_on = this.comprehension(frame, elt, clauses, depth + 1, emit)?;
            Ok(go_on)
        })?;
        Ok(go_on)
    }

    /// All items of an iterable expression.
    fn collect(&mut self, frame: &mut Frame, iter: &Expr) -> R<Vec<Value>> {
        let mut out = Vec::new();
        let span = iter.span;
        self.for_each(frame, iter, &mut |this, _, v| {
            this.allocate(1, span)?;
            out.push(v);
            Ok(true)
        })?;
        Ok(out)
    }

    fn collect_value(&mut self, v: &Value, span: Span) -> R<Vec<Value>> {
        let mut out = Vec::new();
        let mut frame = Frame::new();
        self.for_each_value(&mut frame, v, span, &mut |_, _, item| {
            out.push(item);
            Ok(true)
        })?;
        Ok(out)
    }

    // ----------------------------------------------------------- expressions

    fn eval_bool(&mut self, frame: &mut Frame, e: &Expr) -> R<bool> {
        Ok(self.eval(frame, e)?.truthy())
    }

    fn eval_int(&mut self, frame: &mut Frame, e: &Expr) -> R<i64> {
        Ok(as_int(&self.eval(frame, e)?))
    }

    fn read_local(&self, frame: &Frame, id: usize, span: Span) -> R<Value> {
        match frame.get(id) {
            Some(Some(v)) => Ok(v.clone()),
            _ => {
                let name = self.local_name(id);
                err(
                    ErrorKind::UnboundLocalError,
                    format!("cannot access local variable '{name}' where it is not associated with a value"),
                    span,
                )
            }
        }
    }

    fn local_name(&self, id: usize) -> String {
        self.fn_stack
            .last()
            .and_then(|f| self.program.functions.get(*f))
            .and_then(|f| f.locals.get(id))
            .map_or_else(String::new, |l| l.name.clone())
    }

    fn eval(&mut self, frame: &mut Frame, e: &Expr) -> R<Value> {
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.eval_inner(frame, e))
    }

    fn eval_inner(&mut self, frame: &mut Frame, e: &Expr) -> R<Value> {
        let span = e.span;
        Ok(match &e.kind {
            K::Int(v) => Value::Int(*v),
            K::Float(v) => Value::Float(*v),
            K::Bool(b) => Value::Bool(*b),
            K::Str(s) => Value::str(s.as_str()),
            K::None => Value::None,
            K::Local(id) => self.read_local(frame, *id, span)?,
            K::Const(id) => self.consts.get(*id).cloned().unwrap_or(Value::None),
            K::Hole(i) => match self.holes.get(*i).copied().flatten() {
                Some(v) => Value::Int(v),
                None => {
                    return err(ErrorKind::HoleError, "the program still has an unfilled hole `??`", span);
                }
            },
            K::IntToFloat(x) => Value::Float(as_int(&self.eval(frame, x)?) as f64),
            K::Truthy(x) => Value::Bool(self.eval(frame, x)?.truthy()),
            K::Binary(op, l, r) => {
                let a = self.eval(frame, l)?;
                let b = self.eval(frame, r)?;
                self.binary(*op, a, b, span)?
            }
            K::Unary(op, x) => {
                let v = self.eval(frame, x)?;
                match (op, v) {
                    (UnaryOp::Not, v) => Value::Bool(!v.truthy()),
                    (UnaryOp::Neg, Value::Int(i)) => Value::Int(self.wrap(i.overflowing_neg())),
                    (UnaryOp::Neg, Value::Float(f)) => Value::Float(-f),
                    (UnaryOp::Pos, v) => v,
                    (UnaryOp::Invert, Value::Int(i)) => Value::Int(!i),
                    _ => {
                        return err(ErrorKind::TypeError, "bad operand type for unary operator", span);
                    }
                }
            }
            K::Compare(first, rest) => {
                let mut left = self.eval(frame, first)?;
                for (i, (op, r)) in rest.iter().enumerate() {
                    if let (CmpOp::In | CmpOp::NotIn, K::Builtin(Builtin::Range, args)) = (op, &r.kind)
                        && i + 1 == rest.len()
                    {
                        let found = self.in_range(frame, &left, args, r.span)?;
                        return Ok(Value::Bool(found == (*op == CmpOp::In)));
                    }
                    let right = self.eval_compare_operand(frame, *op, r)?;
                    let ok = self.compare(*op, &left, &right, r.span)?;
                    if !ok {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            K::BoolOp(op, values) => {
                let mut last = Value::None;
                for v in values {
                    last = self.eval(frame, v)?;
                    let t = last.truthy();
                    if (*op == BoolOp::And && !t) || (*op == BoolOp::Or && t) {
                        return Ok(last);
                    }
                }
                last
            }
            K::IfExp(c, a, b) => {
                if self.eval_bool(frame, c)? {
                    self.eval(frame, a)?
                } else {
                    self.eval(frame, b)?
                }
            }
            K::Call(id, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(frame, a)?);
                }
                self.call_function(*id, vals, span)?
            }
            K::Builtin(b, args) => self.builtin(frame, *b, args, e)?,
            K::Method(m, args) => self.method(frame, *m, args, span)?,
            K::Index(s, i) => {
                let sv = self.eval(frame, s)?;
                let iv = self.eval_int(frame, i)?;
                self.get_item(&sv, iv, span)?
            }
            K::Slice(s, lo, hi, st) => {
                let sv = self.eval(frame, s)?;
                let mut bound = |this: &mut Self, b: &Option<Box<Expr>>| -> R<Option<i64>> {
                    match b {
                        Some(b) => Ok(Some(this.eval_int(frame, b)?)),
                        None => Ok(None),
                    }
                };
                let lo = bound(self, lo)?;
                let hi = bound(self, hi)?;
                let st = bound(self, st)?.unwrap_or(1);
                if st == 0 {
                    return err(ErrorKind::ValueError, "slice step cannot be zero", span);
                }
                self.slice(&sv, lo, hi, st, span)?
            }
            K::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(frame, i)?);
                }
                self.new_list(out, span)?
            }
            K::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(frame, i)?);
                }
                self.new_tuple(out, span)?
            }
            K::Comprehension(elt, clauses) => {
                let mut out = Vec::new();
                self.comprehension(frame, elt, clauses, 0, &mut |this, _, v| {
                    this.allocate(1, span)?;
                    out.push(v);
                    Ok(true)
                })?;
                Value::list(out)
            }
        })
    }

    /// `needle in range(start, stop, step)`, by arithmetic as CPython does
    /// (so `x in range(10**12)` costs nothing).
    fn in_range(&mut self, frame: &mut Frame, needle: &Value, args: &[Expr], span: Span) -> R<bool> {
        let (a, b, s) =
            (self.eval_int(frame, &args[0])?, self.eval_int(frame, &args[1])?, self.eval_int(frame, &args[2])?);
        if s == 0 {
            return err(ErrorKind::ValueError, "range() arg 3 must not be zero", span);
        }
        // Range items are ints: a float is in it only when integral and equal to one.
        let x = match needle {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64,
            Value::Float(f) if f.fract() == 0.0 && (-9.2e18..9.2e18).contains(f) => *f as i64,
            _ => return Ok(false),
        };
        let (x, a, b, s) = (x as i128, a as i128, b as i128, s as i128);
        Ok(if s > 0 { a <= x && x < b && (x - a) % s == 0 } else { b < x && x <= a && (a - x) % (-s) == 0 })
    }

    /// The right operand of a comparison; a lazy `range` on the right of an
    /// `in` in the middle of a chain is materialised (at the end of a chain,
    /// `in_range` answers without it).
    fn eval_compare_operand(&mut self, frame: &mut Frame, op: CmpOp, r: &Expr) -> R<Value> {
        if matches!(op, CmpOp::In | CmpOp::NotIn) && matches!(r.kind, K::Builtin(Builtin::Range, _)) {
            let items = self.collect(frame, r)?;
            return Ok(Value::list(items));
        }
        self.eval(frame, r)
    }

    fn compare(&mut self, op: CmpOp, a: &Value, b: &Value, span: Span) -> R<bool> {
        Ok(match op {
            CmpOp::Eq => py_eq(a, b),
            CmpOp::Ne => !py_eq(a, b),
            CmpOp::Lt => py_lt(a, b),
            CmpOp::Gt => py_lt(b, a),
            CmpOp::Le => matches!(py_cmp(a, b), Some(Ordering::Less | Ordering::Equal)),
            CmpOp::Ge => matches!(py_cmp(b, a), Some(Ordering::Less | Ordering::Equal)),
            CmpOp::In | CmpOp::NotIn => {
                let found = self.contains(b, a, span)?;
                if op == CmpOp::In { found } else { !found }
            }
        })
    }

    fn contains(&mut self, hay: &Value, needle: &Value, span: Span) -> R<bool> {
        match (hay, needle) {
            (Value::Str(h), Value::Str(n)) => {
                self.tick(h.len() as u64 / 8, span)?;
                Ok(h.contains(n.as_ref()))
            }
            (Value::List(l), _) => {
                let items = l.borrow().clone();
                self.tick(items.len() as u64, span)?;
                Ok(items.iter().any(|x| item_matches(x, needle)))
            }
            (Value::Tuple(t), _) => {
                self.tick(t.len() as u64, span)?;
                Ok(t.iter().any(|x| item_matches(x, needle)))
            }
            _ => err(ErrorKind::TypeError, "argument is not iterable", span),
        }
    }

    fn get_item(&mut self, s: &Value, i: i64, span: Span) -> R<Value> {
        match s {
            Value::List(l) => {
                let l = l.borrow();
                match norm_index(i, l.len()) {
                    Some(k) => Ok(l[k].clone()),
                    None => err(ErrorKind::IndexError, "list index out of range", span),
                }
            }
            Value::Tuple(t) => match norm_index(i, t.len()) {
                Some(k) => Ok(t[k].clone()),
                None => err(ErrorKind::IndexError, "tuple index out of range", span),
            },
            Value::Str(st) => {
                let n = strings::char_len(st);
                match norm_index(i, n).and_then(|k| strings::char_at(st, k)) {
                    Some(c) => self.new_str(c.to_string(), span),
                    None => err(ErrorKind::IndexError, "string index out of range", span),
                }
            }
            _ => err(ErrorKind::TypeError, "object is not subscriptable", span),
        }
    }

    fn slice(&mut self, s: &Value, lo: Option<i64>, hi: Option<i64>, st: i64, span: Span) -> R<Value> {
        match s {
            Value::Str(x) => {
                let out = strings::slice(x, lo, hi, st);
                self.new_str(out, span)
            }
            Value::List(l) => {
                let items = self.slice_items(&l.borrow(), lo, hi, st);
                self.new_list(items, span)
            }
            Value::Tuple(t) => {
                let items = self.slice_items(t, lo, hi, st);
                self.new_tuple(items, span)
            }
            _ => err(ErrorKind::TypeError, "object is not subscriptable", span),
        }
    }

    fn slice_items(&self, items: &[Value], lo: Option<i64>, hi: Option<i64>, st: i64) -> Vec<Value> {
        let (a, b, step) = strings::slice_indices(items.len(), lo, hi, st);
        strings::slice_positions(a, b, step).map(|i| items[i].clone()).collect()
    }

    // ------------------------------------------------------------ arithmetic

    fn binary(&mut self, op: BinOp, a: Value, b: Value, span: Span) -> R<Value> {
        use Value::*;
        Ok(match (op, a, b) {
            (_, Int(x), Int(y)) => self.int_op(op, x, y, span)?,
            (_, Float(x), Float(y)) => Float(float_op(op, x, y, span)?),
            // Mixed int/float only reaches here through augmented assignment
            // of a float target, where the checker promoted the value.
            (_, Int(x), Float(y)) => Float(float_op(op, x as f64, y, span)?),
            (_, Float(x), Int(y)) => Float(float_op(op, x, y as f64, span)?),
            (BinOp::BitAnd, Bool(x), Bool(y)) => Bool(x & y),
            (BinOp::BitOr, Bool(x), Bool(y)) => Bool(x | y),
            (BinOp::BitXor, Bool(x), Bool(y)) => Bool(x ^ y),
            // Python's bool is an int (`sum` over bools reaches here).
            (_, Bool(x), y @ (Int(_) | Float(_) | Bool(_))) => return self.binary(op, Int(x as i64), y, span),
            (_, x @ (Int(_) | Float(_)), Bool(y)) => return self.binary(op, x, Int(y as i64), span),

            (BinOp::Add, Str(x), Str(y)) => {
                self.allocate((x.len() + y.len()) as u64, span)?;
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(&x);
                s.push_str(&y);
                Value::str(s)
            }
            (BinOp::Add, List(x), List(y)) => {
                let mut items = x.borrow().clone();
                items.extend(y.borrow().iter().cloned());
                self.new_list(items, span)?
            }
            (BinOp::Add, Tuple(x), Tuple(y)) => {
                let items: Vec<Value> = x.iter().chain(y.iter()).cloned().collect();
                self.new_tuple(items, span)?
            }
            (BinOp::Mul, Int(n), seq) | (BinOp::Mul, seq, Int(n)) => self.repeat(&seq, n, span)?,
            _ => {
                return err(ErrorKind::TypeError, format!("unsupported operand types for {}", op.as_str()), span);
            }
        })
    }

    fn repeat(&mut self, seq: &Value, n: i64, span: Span) -> R<Value> {
        // An empty sequence repeated any number of times is empty (CPython
        // answers `[] * 2**62` at once); no loop over `n`.
        let empty = match seq {
            Value::Str(s) => s.is_empty(),
            Value::List(l) => l.borrow().is_empty(),
            Value::Tuple(t) => t.is_empty(),
            _ => false,
        };
        let n = if empty { 0 } else { n.max(0) as u64 };
        match seq {
            Value::Str(s) => {
                self.allocate((s.len() as u64).saturating_mul(n), span)?;
                Ok(Value::str(s.repeat(n as usize)))
            }
            Value::List(l) => {
                let items = l.borrow().clone();
                self.allocate((items.len() as u64).saturating_mul(n), span)?;
                let mut out = Vec::with_capacity(items.len() * n as usize);
                for _ in 0..n {
                    out.extend(items.iter().cloned());
                }
                Ok(Value::list(out))
            }
            Value::Tuple(t) => {
                self.allocate((t.len() as u64).saturating_mul(n), span)?;
                let mut out = Vec::with_capacity(t.len() * n as usize);
                for _ in 0..n {
                    out.extend(t.iter().cloned());
                }
                Ok(Value::tuple(out))
            }
            _ => err(ErrorKind::TypeError, "can't multiply sequence by non-int", span),
        }
    }

    fn int_op(&mut self, op: BinOp, x: i64, y: i64, span: Span) -> R<Value> {
        Ok(Value::Int(match op {
            BinOp::Add => self.wrap(x.overflowing_add(y)),
            BinOp::Sub => self.wrap(x.overflowing_sub(y)),
            BinOp::Mul => self.wrap(x.overflowing_mul(y)),
            BinOp::FloorDiv => {
                if y == 0 {
                    return err(ErrorKind::ZeroDivisionError, "integer division or modulo by zero", span);
                }
                let q = self.wrap(x.overflowing_div(y));
                if x.wrapping_rem(y) != 0 && ((x < 0) != (y < 0)) { q - 1 } else { q }
            }
            BinOp::Mod => {
                if y == 0 {
                    return err(ErrorKind::ZeroDivisionError, "integer division or modulo by zero", span);
                }
                let r = x.wrapping_rem(y);
                if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }
            }
            BinOp::Div => {
                if y == 0 {
                    return err(ErrorKind::ZeroDivisionError, "division by zero", span);
                }
                return Ok(Value::Float(int_true_div(x, y)));
            }
            BinOp::Pow => {
                if y < 0 {
                    return err(
                        ErrorKind::ValueError,
                        "negative exponent for int ** int (Python would return a float; write float(x) ** y)",
                        span,
                    );
                }
                let mut result: i64 = 1;
                let mut base = x;
                let mut e = y as u64;
                let mut overflow = false;
                while e > 0 {
                    if e & 1 == 1 {
                        let (r, o) = result.overflowing_mul(base);
                        result = r;
                        overflow |= o;
                    }
                    e >>= 1;
                    if e > 0 {
                        let (b, o) = base.overflowing_mul(base);
                        base = b;
                        // An overflowing base only matters if it is used again.
                        overflow |= o && e > 0 && (x != 0 && x != 1 && x != -1);
                    }
                }
                self.overflowed |= overflow;
                result
            }
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            BinOp::LShift => {
                if y < 0 {
                    return err(ErrorKind::ValueError, "negative shift count", span);
                }
                if y >= 64 {
                    self.overflowed |= x != 0;
                    0
                } else {
                    let r = x.wrapping_shl(y as u32);
                    self.overflowed |= (r >> y) != x;
                    r
                }
            }
            BinOp::RShift => {
                if y < 0 {
                    return err(ErrorKind::ValueError, "negative shift count", span);
                }
                if y >= 64 { if x < 0 { -1 } else { 0 } } else { x >> y }
            }
        }))
    }

    // -------------------------------------------------------------- builtins

    fn builtin(&mut self, frame: &mut Frame, b: Builtin, args: &[Expr], e: &Expr) -> R<Value> {
        let span = e.span;
        match b {
            Builtin::Range | Builtin::Enumerate | Builtin::Zip | Builtin::Reversed => {
                let items = self.collect(frame, e)?;
                Ok(Value::list(items))
            }
            Builtin::Len => {
                if let K::Builtin(Builtin::Range, r) = &args[0].kind {
                    let (a, z, s) =
                        (self.eval_int(frame, &r[0])?, self.eval_int(frame, &r[1])?, self.eval_int(frame, &r[2])?);
                    if s == 0 {
                        return err(ErrorKind::ValueError, "range() arg 3 must not be zero", span);
                    }
                    return Ok(Value::Int(range_len(a, z, s)));
                }
                let v = self.eval(frame, &args[0])?;
                Ok(Value::Int(match &v {
                    Value::Str(s) => strings::char_len(s) as i64,
                    Value::List(l) => l.borrow().len() as i64,
                    Value::Tuple(t) => t.len() as i64,
                    _ => {
                        let n = self.collect_value(&v, span)?.len();
                        n as i64
                    }
                }))
            }
            Builtin::Abs => match self.eval(frame, &args[0])? {
                Value::Int(i) => Ok(Value::Int(self.wrap(i.overflowing_abs()))),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                _ => err(ErrorKind::TypeError, "bad operand type for abs()", span),
            },
            Builtin::MinIter | Builtin::MaxIter => {
                let items = self.collect(frame, &args[0])?;
                let name = if b == Builtin::MinIter { "min" } else { "max" };
                if items.is_empty() {
                    return match args.get(1) {
                        Some(d) => self.eval(frame, d),
                        None => err(ErrorKind::ValueError, format!("{name}() arg is an empty sequence"), span),
                    };
                }
                self.tick(items.len() as u64, span)?;
                Ok(extremum(items, b == Builtin::MinIter))
            }
            Builtin::MinArgs | Builtin::MaxArgs => {
                let mut items = Vec::new();
                for a in args {
                    items.push(self.eval(frame, a)?);
                }
                Ok(extremum(items, b == Builtin::MinArgs))
            }
            Builtin::Sum => {
                let mut acc = self.eval(frame, &args[1])?;
                let span = args[0].span;
                self.for_each(frame, &args[0], &mut |this, _, v| {
                    acc = this.binary(BinOp::Add, acc.clone(), v, span)?;
                    Ok(true)
                })?;
                Ok(acc)
            }
            Builtin::Sorted => {
                let mut items = self.collect(frame, &args[0])?;
                let rev = self.eval_bool(frame, &args[1])?;
                self.sort(&mut items, rev, span)?;
                Ok(Value::list(items))
            }
            Builtin::Any | Builtin::All => {
                let want = b == Builtin::Any;
                let mut result = !want;
                self.for_each(frame, &args[0], &mut |_, _, v| {
                    if v.truthy() == want {
                        result = want;
                        return Ok(false);
                    }
                    Ok(true)
                })?;
                Ok(Value::Bool(result))
            }
            Builtin::Round => {
                let x = self.eval(frame, &args[0])?;
                match args.get(1) {
                    None => match x {
                        Value::Int(i) => Ok(Value::Int(i)),
                        Value::Float(f) => self.float_to_int(f.round_ties_even(), span),
                        _ => err(ErrorKind::TypeError, "bad operand for round()", span),
                    },
                    Some(n) => {
                        let n = self.eval_int(frame, n)?;
                        match x {
                            Value::Int(i) => Ok(Value::Int(self.round_int(i, n))),
                            Value::Float(f) => Ok(Value::Float(round_float(f, n))),
                            _ => err(ErrorKind::TypeError, "bad operand for round()", span),
                        }
                    }
                }
            }
            Builtin::Str => {
                let v = self.eval(frame, &args[0])?;
                let s = v.to_str();
                self.new_str(s, span)
            }
            Builtin::Repr => {
                let v = self.eval(frame, &args[0])?;
                let s = v.repr();
                self.new_str(s, span)
            }
            Builtin::Int => {
                let v = self.eval(frame, &args[0])?;
                let base = match args.get(1) {
                    Some(b) => Some(self.eval_int(frame, b)?),
                    None => None,
                };
                match v {
                    Value::Int(i) => Ok(Value::Int(i)),
                    Value::Bool(b) => Ok(Value::Int(b as i64)),
                    Value::Float(f) => self.float_to_int(f.trunc(), span),
                    Value::Str(s) => self.parse_int(&s, base, span),
                    _ => err(ErrorKind::TypeError, "int() argument must be a string or a number", span),
                }
            }
            Builtin::Float => match self.eval(frame, &args[0])? {
                Value::Int(i) => Ok(Value::Float(i as f64)),
                Value::Bool(b) => Ok(Value::Float(b as i64 as f64)),
                Value::Float(f) => Ok(Value::Float(f)),
                Value::Str(s) => match parse_float(&s) {
                    Some(f) => Ok(Value::Float(f)),
                    None => err(
                        ErrorKind::ValueError,
                        format!("could not convert string to float: {}", crate::value::str_repr(&s)),
                        span,
                    ),
                },
                _ => err(ErrorKind::TypeError, "float() argument must be a string or a number", span),
            },
            Builtin::Bool => Ok(Value::Bool(self.eval(frame, &args[0])?.truthy())),
            Builtin::List => {
                let items = self.collect(frame, &args[0])?;
                Ok(Value::list(items))
            }
            Builtin::Tuple => {
                let items = self.collect(frame, &args[0])?;
                Ok(Value::tuple(items))
            }
            Builtin::Ord => {
                let v = self.eval(frame, &args[0])?;
                let Value::Str(s) = &v else {
                    return err(ErrorKind::TypeError, "ord() expected string", span);
                };
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Ok(Value::Int(c as i64)),
                    _ => err(
                        ErrorKind::TypeError,
                        format!("ord() expected a character, but string of length {} found", strings::char_len(s)),
                        span,
                    ),
                }
            }
            Builtin::Chr => {
                let i = self.eval_int(frame, &args[0])?;
                if !(0..=0x10FFFF).contains(&i) {
                    return err(ErrorKind::ValueError, "chr() arg not in range(0x110000)", span);
                }
                match char::from_u32(i as u32) {
                    Some(c) => self.new_str(c.to_string(), span),
                    None => {
                        // Python allows lone surrogates in strings; synth's strings cannot hold them.
                        self.overflowed = true;
                        err(ErrorKind::ValueError, "chr() of a surrogate code point is not supported", span)
                    }
                }
            }
            Builtin::Divmod => {
                let a = self.eval(frame, &args[0])?;
                let c = self.eval(frame, &args[1])?;
                let q = self.binary(BinOp::FloorDiv, a.clone(), c.clone(), span)?;
                let r = self.binary(BinOp::Mod, a, c, span)?;
                self.new_tuple(vec![q, r], span)
            }
            Builtin::Bin | Builtin::Hex | Builtin::Oct => {
                let i = self.eval_int(frame, &args[0])?;
                let m = i.unsigned_abs();
                let digits = match b {
                    Builtin::Bin => format!("0b{m:b}"),
                    Builtin::Hex => format!("0x{m:x}"),
                    _ => format!("0o{m:o}"),
                };
                let s = if i < 0 { format!("-{digits}") } else { digits };
                self.new_str(s, span)
            }
            Builtin::PowMod => {
                let base = self.eval_int(frame, &args[0])?;
                let exp = self.eval_int(frame, &args[1])?;
                let m = self.eval_int(frame, &args[2])?;
                Ok(Value::Int(pow_mod(base, exp, m, span)?))
            }
            Builtin::Pow => {
                let a = self.eval(frame, &args[0])?;
                let c = self.eval(frame, &args[1])?;
                self.binary(BinOp::Pow, a, c, span)
            }
        }
    }

    fn float_to_int(&mut self, f: f64, span: Span) -> R<Value> {
        if f.is_nan() {
            return err(ErrorKind::ValueError, "cannot convert float NaN to integer", span);
        }
        if f.is_infinite() {
            return err(ErrorKind::OverflowError, "cannot convert float infinity to integer", span);
        }
        if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
            // Python would return a big int.
            self.overflowed = true;
            return err(ErrorKind::OverflowError, "float too large for a 64-bit int", span);
        }
        Ok(Value::Int(f as i64))
    }

    fn round_int(&mut self, i: i64, n: i64) -> i64 {
        if n >= 0 {
            return i;
        }
        if n < -19 {
            return 0;
        }
        let m = 10i128.pow((-n) as u32);
        let x = i as i128;
        let q = x.div_euclid(m);
        let r = x.rem_euclid(m);
        // Round half to even.
        let q = if r * 2 > m || (r * 2 == m && q % 2 != 0) { q + 1 } else { q };
        let v = q * m;
        if v > i64::MAX as i128 || v < i64::MIN as i128 {
            self.overflowed = true;
        }
        v as i64
    }

    fn parse_int(&mut self, s: &str, base: Option<i64>, span: Span) -> R<Value> {
        let shown_base = base.unwrap_or(10);
        let bad = || {
            err::<Value>(
                ErrorKind::ValueError,
                format!("invalid literal for int() with base {shown_base}: {}", crate::value::str_repr(s)),
                span,
            )
        };
        if let Some(b) = base
            && b != 0
            && !(2..=36).contains(&b)
        {
            return err(ErrorKind::ValueError, "int() base must be >= 2 and <= 36, or 0", span);
        }
        let t = s.trim_matches(strings::is_space);
        let (neg, mut digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let mut radix = base.unwrap_or(10) as u32;
        let lower = digits.to_ascii_lowercase();
        for (p, r) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if lower.starts_with(p) && (radix == r || radix == 0) {
                radix = r;
                digits = &digits[2..];
                // A prefix may be followed by an underscore: `0x_ff`.
                if let Some(rest) = digits.strip_prefix('_') {
                    digits = rest;
                }
                break;
            }
        }
        if radix == 0 {
            radix = 10;
            if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0' && b != b'_') {
                return bad();
            }
        }
        if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
            return bad();
        }
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        if !clean.chars().all(|c| c.is_digit(radix)) {
            return bad();
        }
        let mag = match u128::from_str_radix(&clean, radix) {
            Ok(m) => m,
            Err(_) => {
                self.overflowed = true;
                return err(ErrorKind::OverflowError, "int too large for 64 bits", span);
            }
        };
        let v = if neg { -(mag as i128) } else { mag as i128 };
        if v > i64::MAX as i128 || v < i64::MIN as i128 {
            self.overflowed = true;
            return err(ErrorKind::OverflowError, "int too large for 64 bits", span);
        }
        Ok(Value::Int(v as i64))
    }

    fn sort(&mut self, items: &mut [Value], reverse: bool, span: Span) -> R<()> {
        let n = items.len() as u64;
        self.tick(n * (64 - n.leading_zeros() as u64 + 1), span)?;
        // Python's sort is stable and only uses `<`; a reverse sort keeps
        // equal items in their original order too. One algorithm for both
        // backends (crate::sort), so even NaN gives one order.
        if reverse {
            crate::sort::merge_sort(items, &mut |a, b| py_lt(b, a));
        } else {
            crate::sort::merge_sort(items, &mut |a, b| py_lt(a, b));
        }
        Ok(())
    }

    // --------------------------------------------------------------- methods

    fn method(&mut self, frame: &mut Frame, m: Method, args: &[Expr], span: Span) -> R<Value> {
        // Collection-consuming arguments are evaluated lazily where needed.
        if m == Method::StrJoin {
            let sep = self.eval(frame, &args[0])?;
            let sep = as_str(&sep);
            let parts = self.collect(frame, &args[1])?;
            let strs: Vec<&str> = parts.iter().map(as_str).collect();
            let out = strs.join(sep);
            return self.new_str(out, span);
        }
        if m == Method::ListExtend {
            let l = self.eval(frame, &args[0])?;
            let items = self.collect(frame, &args[1])?;
            if let Value::List(l) = l {
                l.borrow_mut().extend(items);
            }
            return Ok(Value::None);
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(frame, a)?);
        }
        match &vals[0] {
            Value::Str(s) => {
                let s = s.clone();
                self.str_method(m, &s, &vals[1..], span)
            }
            Value::List(l) => {
                let l = l.clone();
                self.list_method(m, &l, &vals[1..], span)
            }
            Value::Tuple(t) => {
                let t = t.clone();
                self.seq_method(m, &t, &vals[1..], span, "tuple")
            }
            _ => err(ErrorKind::TypeError, "object has no such method", span),
        }
    }

    fn str_method(&mut self, m: Method, s: &str, a: &[Value], span: Span) -> R<Value> {
        let int_arg = |i: usize| a.get(i).map(as_int);
        let str_arg = |i: usize| a.get(i).map(as_str);
        self.tick(s.len() as u64 / 8, span)?;
        let text = |this: &mut Self, out: String| this.new_str(out, span);
        let strs = |this: &mut Self, parts: Vec<String>| -> R<Value> {
            let total: usize = parts.iter().map(String::len).sum();
            this.allocate((total + parts.len()) as u64, span)?;
            Ok(Value::list(parts.into_iter().map(Value::str).collect()))
        };
        match m {
            Method::StrUpper => text(self, s.to_uppercase()),
            Method::StrLower => text(self, s.to_lowercase()),
            Method::StrCapitalize => text(self, strings::capitalize(s)),
            Method::StrTitle => text(self, strings::title(s)),
            Method::StrSwapcase => text(self, strings::swapcase(s)),
            Method::StrStrip => text(self, strings::strip(s, str_arg(0), true, true)),
            Method::StrLstrip => text(self, strings::strip(s, str_arg(0), true, false)),
            Method::StrRstrip => text(self, strings::strip(s, str_arg(0), false, true)),
            Method::StrSplit | Method::StrRsplit => {
                let maxsplit = int_arg(1).unwrap_or(-1);
                let parts = match str_arg(0) {
                    None if m == Method::StrSplit => strings::split_whitespace(s, maxsplit),
                    None => strings::rsplit_whitespace(s, maxsplit),
                    Some("") => return err(ErrorKind::ValueError, "empty separator", span),
                    Some(sep) if m == Method::StrSplit => strings::split_sep(s, sep, maxsplit),
                    Some(sep) => strings::rsplit_sep(s, sep, maxsplit),
                };
                strs(self, parts)
            }
            Method::StrSplitWsMax => {
                let parts = strings::split_whitespace(s, int_arg(0).unwrap_or(-1));
                strs(self, parts)
            }
            Method::StrRsplitWsMax => {
                let parts = strings::rsplit_whitespace(s, int_arg(0).unwrap_or(-1));
                strs(self, parts)
            }

            Method::StrSplitlines => strs(self, strings::splitlines(s)),
            Method::StrFind | Method::StrRfind | Method::StrIndex | Method::StrRindex => {
                let reverse = matches!(m, Method::StrRfind | Method::StrRindex);
                let i = strings::find(s, str_arg(0).unwrap_or(""), int_arg(1), int_arg(2), reverse);
                if i < 0 && matches!(m, Method::StrIndex | Method::StrRindex) {
                    return err(ErrorKind::ValueError, "substring not found", span);
                }
                Ok(Value::Int(i))
            }
            Method::StrCount => Ok(Value::Int(strings::count(s, str_arg(0).unwrap_or(""), int_arg(1), int_arg(2)))),
            Method::StrReplace => {
                let (old, new) = (str_arg(0).unwrap_or(""), str_arg(1).unwrap_or(""));
                let count = int_arg(2).unwrap_or(-1);
                // Bound the result before building it: `replace("", big)` multiplies.
                let n = strings::count(s, old, None, None).min(if count < 0 { i64::MAX } else { count }) as u64;
                self.allocate(s.len() as u64 + n.saturating_mul(new.len() as u64), span)?;
                Ok(Value::str(strings::replace(s, old, new, count)))
            }
            Method::StrStartswith | Method::StrEndswith => {
                let ends = m == Method::StrEndswith;
                let (start, end) = (int_arg(1), int_arg(2));
                let hit = match &a[0] {
                    Value::Str(p) => strings::starts_or_ends_with(s, p, start, end, ends),
                    Value::Tuple(ps) => ps.iter().any(|p| strings::starts_or_ends_with(s, as_str(p), start, end, ends)),
                    _ => false,
                };
                Ok(Value::Bool(hit))
            }
            Method::StrIsdigit => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_digit))),
            Method::StrIsdecimal => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_decimal))),
            Method::StrIsnumeric => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_numeric))),
            Method::StrIsalpha => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_alpha))),
            Method::StrIsalnum => Ok(Value::Bool(
                !s.is_empty()
                    && s.chars().all(|c| strings::is_alpha(c) || strings::is_digit(c) || strings::is_numeric(c)),
            )),
            Method::StrIsspace => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_space))),
            // True for the empty string too, as in Python.
            Method::StrIsascii => Ok(Value::Bool(s.is_ascii())),

            Method::StrIsupper => Ok(Value::Bool(strings::is_upper(s))),
            Method::StrIslower => Ok(Value::Bool(strings::is_lower(s))),
            Method::StrZfill => {
                let w = int_arg(0).unwrap_or(0);
                self.allocate(w.max(0) as u64, span)?;
                text(self, strings::zfill(s, w))
            }
            Method::StrCenter | Method::StrLjust | Method::StrRjust => {
                let w = int_arg(0).unwrap_or(0);
                let fill = match str_arg(1) {
                    None => ' ',
                    Some(f) => {
                        let mut cs = f.chars();
                        match (cs.next(), cs.next()) {
                            (Some(c), None) => c,
                            _ => {
                                return err(
                                    ErrorKind::TypeError,
                                    "The fill character must be exactly one character long",
                                    span,
                                );
                            }
                        }
                    }
                };
                self.allocate(w.max(0) as u64 * 4, span)?;
                let how = match m {
                    Method::StrCenter => 'c',
                    Method::StrLjust => 'l',
                    _ => 'r',
                };
                text(self, strings::justify(s, w, fill, how))
            }
            _ => err(ErrorKind::TypeError, "str has no such method", span),
        }
    }

    fn list_method(&mut self, m: Method, l: &Rc<std::cell::RefCell<Vec<Value>>>, a: &[Value], span: Span) -> R<Value> {
        match m {
            Method::ListAppend => {
                self.allocate(1, span)?;
                l.borrow_mut().push(a[0].clone());
                Ok(Value::None)
            }
            Method::ListPop => {
                let mut v = l.borrow_mut();
                if v.is_empty() {
                    return err(ErrorKind::IndexError, "pop from empty list", span);
                }
                let i = a.first().map_or(-1, as_int);
                match norm_index(i, v.len()) {
                    Some(k) => Ok(v.remove(k)),
                    None => err(ErrorKind::IndexError, "pop index out of range", span),
                }
            }
            Method::ListInsert => {
                self.allocate(1, span)?;
                let mut v = l.borrow_mut();
                let n = v.len() as i64;
                let i = as_int(&a[0]);
                let k = if i < 0 { (i + n).max(0) } else { i.min(n) };
                v.insert(k as usize, a[1].clone());
                Ok(Value::None)
            }
            Method::ListRemove => {
                let mut v = l.borrow_mut();
                match v.iter().position(|x| item_matches(x, &a[0])) {
                    Some(k) => {
                        v.remove(k);
                        Ok(Value::None)
                    }
                    None => err(ErrorKind::ValueError, "list.remove(x): x not in list", span),
                }
            }
            Method::ListClear => {
                l.borrow_mut().clear();
                Ok(Value::None)
            }
            Method::ListCopy => {
                let items = l.borrow().clone();
                self.new_list(items, span)
            }
            Method::ListReverse => {
                l.borrow_mut().reverse();
                Ok(Value::None)
            }
            Method::ListSort => {
                let mut items = std::mem::take(&mut *l.borrow_mut());
                let r = self.sort(&mut items, a[0].truthy(), span);
                *l.borrow_mut() = items;
                r.map(|_| Value::None)
            }
            Method::SeqIndex | Method::SeqCount => {
                let items = l.borrow().clone();
                self.seq_method(m, &items, a, span, "list")
            }
            _ => err(ErrorKind::TypeError, "list has no such method", span),
        }
    }

    fn seq_method(&mut self, m: Method, items: &[Value], a: &[Value], span: Span, kind: &str) -> R<Value> {
        self.tick(items.len() as u64, span)?;
        match m {
            Method::SeqCount => Ok(Value::Int(items.iter().filter(|x| item_matches(x, &a[0])).count() as i64)),
            Method::SeqIndex => {
                let (lo, hi) =
                    strings::sub_range(items.len(), a.get(1).map(as_int), a.get(2).map(as_int)).unwrap_or((0, 0));
                let found = items.get(lo..hi.max(lo)).and_then(|w| w.iter().position(|x| item_matches(x, &a[0])));
                match found {
                    Some(k) => Ok(Value::Int((lo + k) as i64)),
                    None if kind == "list" => {
                        err(ErrorKind::ValueError, format!("{} is not in list", a[0].repr()), span)
                    }
                    None => err(ErrorKind::ValueError, "tuple.index(x): x not in tuple", span),
                }
            }
            _ => err(ErrorKind::TypeError, "no such method", span),
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

//! The encoding of typed code into SMT-LIB terms: bounded symbolic
//! execution with guarded updates. Every statement runs under its *active*
//! condition (the branches taken, and no earlier return, break, continue or
//! error); an assignment becomes `ite(active, new, old)`, so branches need
//! no merging. A runtime error is a condition recorded with its kind (the
//! first one reached is the outcome, as in the interpreter); a loop or a
//! recursion past the bound is a condition too, which a query assumes
//! false and reports ("proved for loops up to k iterations"). Every
//! non-trivial term is named by a `define-fun`, so shared subterms stay
//! shared in the text. Anything outside the fragment is [`Unsupported`].

use super::sexp::{bv64, str_literal};
use crate::ast::{BinOp, BoolOp, CmpOp, UnaryOp};
use crate::interp::ErrorKind;
use crate::span::Span;
use crate::tir::{Builtin, Clause, Expr, ExprKind, FuncId, Method, Program, Stmt, Target};
use crate::types::Type;
use std::collections::HashSet;

/// An SMT-LIB term (a name, a literal or a small application).
pub type Term = String;

/// The sort of `int`.
pub const BV: &str = "(_ BitVec 64)";

/// A symbolic value of a static type.
#[derive(Clone, Debug, PartialEq)]
pub enum Sym {
    /// `int`: a 64-bit bit-vector.
    Int(Term),
    /// `bool`.
    Bool(Term),
    /// `str`: an SMT string.
    Str(Term),
    /// `list[T]` or `tuple[T, ...]`: an SMT sequence of `T`'s sort.
    Seq(Term, Type),
    /// A fixed tuple: one value per item.
    Tuple(Vec<Sym>),
    /// `None`.
    None,
}

/// Code outside the fragment the encoding covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported {
    /// What is not covered.
    pub reason: String,
    /// Where.
    pub span: Span,
}

type R<T> = Result<T, Unsupported>;

fn unsupported<T>(reason: impl Into<String>, span: Span) -> R<T> {
    Err(Unsupported { reason: reason.into(), span })
}

/// The SMT sort of a type whose values are one term.
pub fn sort_of(ty: &Type) -> Option<String> {
    Some(match ty {
        Type::Int => BV.to_string(),
        Type::Bool => "Bool".to_string(),
        Type::Str => "String".to_string(),
        Type::List(t) | Type::TupleOf(t) => format!("(Seq {})", sort_of(t)?),
        Type::Float | Type::None | Type::Tuple(_) => return None,
    })
}

/// `(and …)` with `true`/`false` folded.
pub fn and(xs: &[&str]) -> Term {
    let xs: Vec<&str> = xs.iter().copied().filter(|x| *x != "true").collect();
    if xs.contains(&"false") {
        return "false".into();
    }
    match xs.as_slice() {
        [] => "true".into(),
        [x] => x.to_string(),
        _ => format!("(and {})", xs.join(" ")),
    }
}

/// `(or …)` with `true`/`false` folded.
pub fn or(xs: &[&str]) -> Term {
    let xs: Vec<&str> = xs.iter().copied().filter(|x| *x != "false").collect();
    if xs.contains(&"true") {
        return "true".into();
    }
    match xs.as_slice() {
        [] => "false".into(),
        [x] => x.to_string(),
        _ => format!("(or {})", xs.join(" ")),
    }
}

/// `(not x)` with literals folded.
pub fn not(x: &str) -> Term {
    match x {
        "true" => "false".into(),
        "false" => "true".into(),
        _ => format!("(not {x})"),
    }
}

fn ite(c: &str, a: &str, b: &str) -> Term {
    match c {
        "true" => a.into(),
        "false" => b.into(),
        _ if a == b => a.into(),
        _ => format!("(ite {c} {a} {b})"),
    }
}

fn lit(v: i64) -> Term {
    bv64(v)
}

/// A Z3 `Int` of a non-negative 64-bit value.
fn nat(x: &str) -> Term {
    format!("(bv2nat {x})")
}

fn to_bv(x: &str) -> Term {
    format!("((_ int2bv 64) {x})")
}

fn slt(a: &str, b: &str) -> Term {
    format!("(bvslt {a} {b})")
}

fn eq(a: &str, b: &str) -> Term {
    if a == b { "true".into() } else { format!("(= {a} {b})") }
}

/// The literal value of a 64-bit literal term.
fn literal_of(t: &str) -> Option<i64> {
    t.strip_prefix("#x").and_then(|h| u64::from_str_radix(h, 16).ok()).map(|v| v as i64)
}

/// A local slot's state.
#[derive(Clone, Debug)]
struct Slot {
    value: Option<Sym>,
    bound: Term,
}

/// One function activation.
struct Frame {
    locals: Vec<Slot>,
    reach: Vec<Term>,
    returned: Term,
    ret: Option<Sym>,
    brk: Term,
    cont: Term,
    /// List locals changed in place (append, item assignment, `+=`).
    mutated: HashSet<usize>,
    func: FuncId,
}

/// Something indexable that a loop or fold walks: its length and items.
enum Ix {
    Range { start: Term, step: Term, len: Term },
    Str(Term, Term),
    Seq(Term, Type, Term),
    Fixed(Vec<Sym>),
    Rev(Box<Ix>),
    Enum(Box<Ix>, Term),
    Zip(Vec<Ix>),
}

/// The encoder of one query: declarations, definitions and the conditions
/// gathered while encoding (errors, bound hits, assumptions).
pub struct Encoder<'p> {
    program: &'p Program,
    unroll: usize,
    lines: Vec<String>,
    next: usize,
    raised: Term,
    /// Error conditions, in the order they can happen, with their kinds.
    pub errors: Vec<(Term, ErrorKind, Span)>,
    /// Conditions under which a loop or recursion bound was reached.
    pub bound_hits: Vec<Term>,
    /// Approximations: conditions assumed, with what they leave out.
    pub assumptions: Vec<(Term, &'static str)>,
    frames: Vec<Frame>,
    halt: Vec<Term>,
    consts: Vec<Option<Sym>>,
}

impl<'p> Encoder<'p> {
    /// An encoder for calls of `program`'s functions, loops unrolled
    /// `unroll` times and calls inlined at most `unroll` deep.
    pub fn new(program: &'p Program, unroll: usize) -> Encoder<'p> {
        let mut e = Encoder {
            program,
            unroll,
            lines: Vec::new(),
            next: 0,
            raised: "false".into(),
            errors: Vec::new(),
            bound_hits: Vec::new(),
            assumptions: Vec::new(),
            frames: Vec::new(),
            halt: Vec::new(),
            consts: vec![None; program.consts.len()],
        };
        for h in 0..program.n_holes {
            e.lines.push(format!("(declare-const hole{h} {BV})"));
        }
        e
    }

    /// The declarations and definitions so far, one per line.
    pub fn script(&self) -> String {
        self.lines.join("\n")
    }

    /// Adds a line to the script (an assertion, a declaration).
    pub fn push_line(&mut self, line: String) {
        self.lines.push(line);
    }

    /// A fresh name with this prefix.
    pub fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}!{}", self.next)
    }

    fn define(&mut self, sort: &str, t: Term) -> Term {
        if t.len() <= 20 || !t.starts_with('(') {
            return t;
        }
        let name = self.fresh("t");
        self.lines.push(format!("(define-fun {name} () {sort} {t})"));
        name
    }

    fn named(&mut self, s: Sym) -> Sym {
        match s {
            Sym::Int(t) => Sym::Int(self.define(BV, t)),
            Sym::Bool(t) => Sym::Bool(self.define("Bool", t)),
            Sym::Str(t) => Sym::Str(self.define("String", t)),
            Sym::Seq(t, ty) => match sort_of(&Type::list(ty.clone())) {
                Some(sort) => Sym::Seq(self.define(&sort, t), ty),
                None => Sym::Seq(t, ty),
            },
            Sym::Tuple(xs) => Sym::Tuple(xs.into_iter().map(|x| self.named(x)).collect()),
            Sym::None => Sym::None,
        }
    }

    fn bool_term(&mut self, t: Term) -> Term {
        self.define("Bool", t)
    }

    /// A fresh unconstrained value of type `ty` (declared constants).
    pub fn declare(&mut self, prefix: &str, ty: &Type, span: Span) -> R<Sym> {
        Ok(match ty {
            Type::Tuple(items) => {
                let mut out = Vec::new();
                for (i, t) in items.iter().enumerate() {
                    out.push(self.declare(&format!("{prefix}.{i}"), t, span)?);
                }
                Sym::Tuple(out)
            }
            Type::None => Sym::None,
            Type::Float => return unsupported("`float` values are outside the verifiable fragment", span),
            _ => {
                let Some(sort) = sort_of(ty) else {
                    return unsupported(format!("values of type `{ty}` are outside the verifiable fragment"), span);
                };
                self.lines.push(format!("(declare-const {prefix} {sort})"));
                sym_of(prefix.to_string(), ty)
            }
        })
    }

    fn frame(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("code is encoded inside a call")
    }

    /// The condition under which the code being encoded runs.
    pub fn active(&mut self) -> Term {
        let Some(f) = self.frames.last() else { return not(&self.raised) };
        let mut parts: Vec<&str> = f.reach.iter().map(String::as_str).collect();
        let (nr, nret, nb, nc) = (not(&self.raised), not(&f.returned), not(&f.brk), not(&f.cont));
        parts.extend([nr.as_str(), nret.as_str(), nb.as_str(), nc.as_str()]);
        let a = and(&parts);
        self.bool_term(a)
    }

    fn fail(&mut self, cond: &str, kind: ErrorKind, span: Span) {
        let active = self.active();
        let c = and(&[&active, cond]);
        if c == "false" {
            return;
        }
        let c = self.bool_term(c);
        self.raised = or(&[&self.raised, &c]);
        self.raised = self.bool_term(self.raised.clone());
        self.errors.push((c, kind, span));
    }

    fn assume(&mut self, cond: Term, what: &'static str) {
        let active = self.active();
        let c = or(&[&not(&active), &cond]);
        if c != "true" {
            let c = self.bool_term(c);
            self.assumptions.push((c, what));
        }
    }

    fn hit_bound(&mut self, cond: &str) {
        let active = self.active();
        let c = and(&[&active, cond]);
        if c != "false" {
            let c = self.bool_term(c);
            self.bound_hits.push(c);
        }
    }

    /// The outcome code: 0 when no error happened, else the first error's
    /// [`ErrorKind::code`].
    pub fn error_code(&self) -> Term {
        let mut t = "0".to_string();
        for (c, kind, _) in self.errors.iter().rev() {
            t = ite(c, &kind.code().to_string(), &t);
        }
        t
    }

    /// Starts a new outcome: the errors so far are forgotten (a query
    /// encodes several top-level calls, each with its own outcome); bound
    /// hits and assumptions are kept.
    pub fn reset_outcome(&mut self) {
        self.errors.clear();
        self.raised = "false".into();
    }

    /// Did an error happen?
    pub fn raised(&self) -> Term {
        self.raised.clone()
    }

    /// Was a bound reached?
    pub fn bound_hit(&self) -> Term {
        let hs: Vec<&str> = self.bound_hits.iter().map(String::as_str).collect();
        or(&hs)
    }

    /// Do all assumptions hold?
    pub fn assumed(&self) -> Term {
        let xs: Vec<&str> = self.assumptions.iter().map(|(c, _)| c.as_str()).collect();
        and(&xs)
    }

    /// Encodes a call of function `f` on `args`, under `reach` (`"true"`
    /// at the top). The result is meaningful where no error was raised.
    pub fn call(&mut self, f: FuncId, args: Vec<Sym>, span: Span) -> R<Sym> {
        let func = &self.program.functions[f];
        if func.is_stub {
            self.fail("true", ErrorKind::NotImplementedError, span);
            let name = self.fresh("stub");
            return self.declare(&name, &func.ret, span);
        }
        if self.frames.len() > self.unroll {
            self.hit_bound("true");
            let name = self.fresh("deep");
            return self.declare(&name, &func.ret, span);
        }
        let active = self.active();
        let mut locals: Vec<Slot> = func.locals.iter().map(|_| Slot { value: None, bound: "false".into() }).collect();
        for ((slot, a), p) in locals.iter_mut().zip(args).zip(&func.params) {
            *slot = Slot { value: Some(coerce(a, &p.ty)?), bound: "true".into() };
        }
        // A list argument changed in place is seen by the caller; at the top
        // there is no caller to see it (a spec reads the arguments as given).
        let guarded = if self.frames.is_empty() { 0 } else { func.params.len() };
        let mutated = mutated_lists(&func.body, guarded, span)?;
        self.frames.push(Frame {
            locals,
            reach: vec![active],
            returned: "false".into(),
            ret: None,
            brk: "false".into(),
            cont: "false".into(),
            mutated,
            func: f,
        });
        let body = &self.program.functions[f].body;
        let done = self.block(body);
        let frame = self.frames.pop().expect("pushed above");
        done?;
        match frame.ret {
            Some(v) => Ok(v),
            None if func.ret == Type::None => Ok(Sym::None),
            None => {
                let name = self.fresh("noret");
                self.declare(&name, &func.ret, span)
            }
        }
    }

    fn block(&mut self, stmts: &[Stmt]) -> R<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => {
                self.expr(e)?;
            }
            Stmt::Assign { targets, value, .. } => {
                let v = self.expr(value)?;
                let v = self.named(v);
                for t in targets {
                    self.assign(t, v.clone())?;
                }
            }
            Stmt::AugAssign { target, op, value, span } => match target {
                Target::Local(id) => {
                    let old = self.read_local(*id, *span)?;
                    let v = self.expr(value)?;
                    let new = self.binary(*op, old, v, *span)?;
                    self.assign(target, new)?;
                }
                Target::Index { seq, index, span } => {
                    let (id, list, elem) = self.mutable_list(seq)?;
                    let i = self.expr(index)?;
                    let Sym::Int(i) = i else { return unsupported("a list index must be an `int`", *span) };
                    let len = self.define(BV, to_bv(&format!("(seq.len {list})")));
                    let j = self.normalize_index(&i, &len, *span);
                    let old = sym_of(format!("(seq.nth {list} {})", nat(&j)), &elem);
                    let v = self.expr(value)?;
                    let new = self.binary(*op, old, v, *span)?;
                    let updated = seq_update(&list, &j, &len, &new)?;
                    self.assign(&Target::Local(id), Sym::Seq(updated, elem))?;
                }
                Target::Unpack(_, span) => return unsupported("augmented assignment to an unpacking", *span),
            },
            Stmt::Return(e, span) => {
                let v = match e {
                    Some(e) => self.expr(e)?,
                    None => Sym::None,
                };
                let func = self.frames.last().map_or(0, |f| f.func);
                let v = coerce(v, &self.program.functions[func].ret).map_err(|u| Unsupported { span: *span, ..u })?;
                let v = self.named(v);
                let active = self.active();
                let ret = match self.frame().ret.take() {
                    None => v,
                    Some(old) => ite_sym(&active, &v, &old).map_err(|r| Unsupported { reason: r, span: *span })?,
                };
                let ret = self.named(ret);
                let returned = or(&[&self.frame().returned.clone(), &active]);
                let returned = self.bool_term(returned);
                let f = self.frame();
                (f.ret, f.returned) = (Some(ret), returned);
            }
            Stmt::If(c, a, b) => {
                let c = self.expr(c)?;
                let t = truthy(&c);
                let t = self.bool_term(t);
                self.frame().reach.push(t.clone());
                self.block(a)?;
                self.frame().reach.pop();
                self.frame().reach.push(not(&t));
                self.block(b)?;
                self.frame().reach.pop();
            }
            Stmt::For { target, iter, body, span } => {
                if let ExprKind::Local(id) = iter.kind
                    && self.frame().mutated.contains(&id)
                    && changes_list(body, id)
                {
                    return unsupported("a loop over a list that its body changes", *span);
                }
                let ix = self.indexable(iter)?;
                self.loop_over(&ix, *span, &mut |e, item| {
                    e.assign(target, item)?;
                    e.block(body)
                })?;
            }
            Stmt::While(c, body) => {
                // The enclosing loop's break/continue still hold inside this one.
                let outer = self.active();
                self.frame().reach.push(outer);
                let saved = (self.frame().brk.clone(), self.frame().cont.clone());
                self.frame().brk = "false".into();
                for _ in 0..self.unroll {
                    self.frame().cont = "false".into();
                    let v = self.expr(c)?;
                    let t = truthy(&v);
                    let active = self.active();
                    let stop = and(&[&active, &not(&t)]);
                    let brk = or(&[&self.frame().brk.clone(), &stop]);
                    let brk = self.bool_term(brk);
                    self.frame().brk = brk;
                    self.block(body)?;
                }
                self.frame().cont = "false".into();
                let v = self.expr(c)?;
                let t = truthy(&v);
                self.hit_bound(&t);
                let f = self.frame();
                (f.brk, f.cont) = saved;
                f.reach.pop();
            }
            Stmt::Break => {
                let active = self.active();
                let b = or(&[&self.frame().brk.clone(), &active]);
                let b = self.bool_term(b);
                self.frame().brk = b;
            }
            Stmt::Continue => {
                let active = self.active();
                let c = or(&[&self.frame().cont.clone(), &active]);
                let c = self.bool_term(c);
                self.frame().cont = c;
            }
            Stmt::Assert(c, msg, span) => {
                let v = self.expr(c)?;
                let t = truthy(&v);
                let t = self.bool_term(t);
                if let Some(m) = msg {
                    self.frame().reach.push(not(&t));
                    self.expr(m)?;
                    self.frame().reach.pop();
                }
                self.fail(&not(&t), ErrorKind::AssertionError, *span);
            }
        }
        Ok(())
    }

    /// Runs `body` once per item of `ix` (unrolled to the bound), with
    /// `break`/`continue` scoped to this loop.
    fn loop_over(&mut self, ix: &Ix, span: Span, body: &mut dyn FnMut(&mut Self, Sym) -> R<()>) -> R<()> {
        let len = self.ix_len(ix);
        let fixed = literal_of(&len);
        let n = match fixed {
            Some(n) if n <= 0 => 0,
            Some(n) if (n as usize) <= self.unroll.max(64) => n as usize,
            _ => self.unroll,
        };
        // The enclosing loop's break/continue still hold inside this one.
        let outer = self.active();
        self.frame().reach.push(outer);
        let saved = (self.frame().brk.clone(), self.frame().cont.clone());
        self.frame().brk = "false".into();
        for j in 0..n {
            self.frame().cont = "false".into();
            let inside = if fixed.is_some() { "true".to_string() } else { slt(&lit(j as i64), &len) };
            let active = self.active();
            let stop = and(&[&active, &not(&inside)]);
            let brk = or(&[&self.frame().brk.clone(), &stop]);
            let brk = self.bool_term(brk);
            self.frame().brk = brk;
            let item = self.ix_get(ix, &lit(j as i64), span)?;
            let item = self.named(item);
            body(self, item)?;
        }
        if fixed.is_none_or(|f| f as usize > n) {
            self.frame().cont = "false".into();
            let more = slt(&lit(n as i64), &len);
            self.hit_bound(&more);
        }
        let f = self.frame();
        (f.brk, f.cont) = saved;
        f.reach.pop();
        Ok(())
    }

    fn ix_len(&mut self, ix: &Ix) -> Term {
        match ix {
            Ix::Range { len, .. } | Ix::Str(_, len) | Ix::Seq(_, _, len) => len.clone(),
            Ix::Fixed(items) => lit(items.len() as i64),
            Ix::Rev(inner) | Ix::Enum(inner, _) => self.ix_len(inner),
            Ix::Zip(parts) => {
                let mut it = parts.iter();
                let first = it.next().map(|p| self.ix_len(p)).unwrap_or_else(|| lit(0));
                it.fold(first, |acc, p| {
                    let l = self.ix_len(p);
                    match (literal_of(&acc), literal_of(&l)) {
                        (Some(a), Some(b)) => lit(a.min(b)),
                        _ => {
                            let t = ite(&slt(&l, &acc), &l, &acc);
                            self.define(BV, t)
                        }
                    }
                })
            }
        }
    }

    fn ix_get(&mut self, ix: &Ix, j: &str, span: Span) -> R<Sym> {
        Ok(match ix {
            Ix::Range { start, step, .. } => Sym::Int(format!("(bvadd {start} (bvmul {j} {step}))")),
            Ix::Str(s, _) => Sym::Str(format!("(str.at {s} {})", nat(j))),
            Ix::Seq(s, t, _) => sym_of(format!("(seq.nth {s} {})", nat(j)), t),
            Ix::Fixed(items) => match literal_of(j) {
                Some(k) => items[k as usize].clone(),
                None => return unsupported("a symbolic index into a fixed tuple", span),
            },
            Ix::Rev(inner) => {
                let len = self.ix_len(inner);
                let k = match (literal_of(&len), literal_of(j)) {
                    (Some(l), Some(k)) => lit(l - 1 - k),
                    _ => format!("(bvsub (bvsub {len} {}) {j})", lit(1)),
                };
                return self.ix_get(inner, &k, span);
            }
            Ix::Enum(inner, start) => {
                let item = self.ix_get(inner, j, span)?;
                Sym::Tuple(vec![Sym::Int(format!("(bvadd {start} {j})")), item])
            }
            Ix::Zip(parts) => {
                let mut items = Vec::new();
                for p in parts {
                    items.push(self.ix_get(p, j, span)?);
                }
                Sym::Tuple(items)
            }
        })
    }

    /// The walkable form of an iterable expression (not a comprehension).
    fn indexable(&mut self, e: &Expr) -> R<Ix> {
        match &e.kind {
            ExprKind::Builtin(Builtin::Range, args) => {
                let mut v = Vec::new();
                for a in args {
                    match self.expr(a)? {
                        Sym::Int(t) => v.push(t),
                        _ => return unsupported("range() of a non-int", a.span),
                    }
                }
                let (start, stop, step) = (v[0].clone(), v[1].clone(), v[2].clone());
                self.fail(&eq(&step, &lit(0)), ErrorKind::ValueError, e.span);
                let len = match (literal_of(&start), literal_of(&stop), literal_of(&step)) {
                    // Known bounds: the exact length, so the loop needs no bound.
                    (Some(a), Some(b), Some(s)) if s != 0 => {
                        let (a, b, s) = (a as i128, b as i128, s as i128);
                        let n = if s > 0 { (b - a + s - 1).max(0) / s } else { (a - b - s - 1).max(0) / -s };
                        lit(n.min(i64::MAX as i128) as i64)
                    }
                    _ => {
                        let len = range_len(&start, &stop, &step);
                        self.define(BV, len)
                    }
                };
                Ok(Ix::Range { start, step, len })
            }
            ExprKind::Builtin(Builtin::Reversed, args) => Ok(Ix::Rev(Box::new(self.indexable(&args[0])?))),
            ExprKind::Builtin(Builtin::Enumerate, args) => {
                let inner = self.indexable(&args[0])?;
                let start = match args.get(1) {
                    Some(a) => match self.expr(a)? {
                        Sym::Int(t) => t,
                        _ => return unsupported("enumerate() with a non-int start", a.span),
                    },
                    None => lit(0),
                };
                Ok(Ix::Enum(Box::new(inner), start))
            }
            ExprKind::Builtin(Builtin::Zip, args) => {
                let mut parts = Vec::new();
                for a in args {
                    parts.push(self.indexable(a)?);
                }
                Ok(Ix::Zip(parts))
            }
            ExprKind::Comprehension(..) => {
                let v = self.expr(e)?;
                self.value_ix(v, e.span)
            }
            _ => {
                let v = self.expr(e)?;
                self.value_ix(v, e.span)
            }
        }
    }

    fn value_ix(&mut self, v: Sym, span: Span) -> R<Ix> {
        match v {
            Sym::Str(s) => {
                let s = self.define("String", s);
                let len = self.define(BV, to_bv(&format!("(str.len {s})")));
                Ok(Ix::Str(s, len))
            }
            Sym::Seq(s, t) => {
                let sort = sort_of(&Type::list(t.clone())).unwrap_or_default();
                let s = self.define(&sort, s);
                let len = self.define(BV, to_bv(&format!("(seq.len {s})")));
                Ok(Ix::Seq(s, t, len))
            }
            Sym::Tuple(items) => Ok(Ix::Fixed(items)),
            _ => unsupported("iteration over a value that is not a sequence", span),
        }
    }

    /// Calls `f` on each item of an iterable expression, under the item's
    /// condition (lazily: a comprehension's filters, a fold's halt).
    fn each(&mut self, e: &Expr, f: &mut dyn FnMut(&mut Self, Sym) -> R<()>) -> R<()> {
        if let ExprKind::Comprehension(elt, clauses) = &e.kind {
            return self.clauses(clauses, elt, f);
        }
        let ix = self.indexable(e)?;
        self.walk(&ix, e.span, f)
    }

    /// Like a loop, but in an expression: no `break`, each item under the
    /// condition that it exists and the fold has not halted.
    fn walk(&mut self, ix: &Ix, span: Span, f: &mut dyn FnMut(&mut Self, Sym) -> R<()>) -> R<()> {
        let len = self.ix_len(ix);
        let fixed = literal_of(&len);
        let n = match fixed {
            Some(n) if n <= 0 => 0,
            Some(n) if (n as usize) <= self.unroll.max(64) => n as usize,
            _ => self.unroll,
        };
        for j in 0..n {
            let inside = if fixed.is_some() { "true".to_string() } else { slt(&lit(j as i64), &len) };
            let halted = self.halt.last().map_or("false".to_string(), |h| h.clone());
            let cond = and(&[&inside, &not(&halted)]);
            let cond = self.bool_term(cond);
            self.frame().reach.push(cond);
            let item = self.ix_get(ix, &lit(j as i64), span)?;
            let item = self.named(item);
            let r = f(self, item);
            self.frame().reach.pop();
            r?;
        }
        if fixed.is_none_or(|x| x as usize > n) {
            let halted = self.halt.last().map_or("false".to_string(), |h| h.clone());
            let more = and(&[&slt(&lit(n as i64), &len), &not(&halted)]);
            self.hit_bound(&more);
        }
        Ok(())
    }

    fn clauses(&mut self, clauses: &[Clause], elt: &Expr, f: &mut dyn FnMut(&mut Self, Sym) -> R<()>) -> R<()> {
        let Some((first, rest)) = clauses.split_first() else {
            let v = self.expr(elt)?;
            return f(self, v);
        };
        let ix = self.indexable(&first.iter)?;
        self.walk(&ix, first.iter.span, &mut |e, item| {
            e.assign(&first.target, item)?;
            let mut pushed = 0;
            for cond in &first.ifs {
                let v = e.expr(cond)?;
                let t = truthy(&v);
                let t = e.bool_term(t);
                e.frame().reach.push(t);
                pushed += 1;
            }
            let r = e.clauses(rest, elt, f);
            for _ in 0..pushed {
                e.frame().reach.pop();
            }
            r
        })
    }

    fn read_local(&mut self, id: usize, span: Span) -> R<Sym> {
        let slot = self.frame().locals[id].clone();
        let Some(v) = slot.value else {
            self.fail("true", ErrorKind::UnboundLocalError, span);
            let func = self.frames.last().map_or(0, |f| f.func);
            let ty = self.program.functions[func].locals[id].ty.clone();
            let name = self.fresh("unbound");
            return self.declare(&name, &ty, span);
        };
        if slot.bound != "true" {
            self.fail(&not(&slot.bound), ErrorKind::UnboundLocalError, span);
        }
        Ok(v)
    }

    fn assign(&mut self, t: &Target, v: Sym) -> R<()> {
        match t {
            Target::Local(id) => {
                let func = self.frames.last().map_or(0, |f| f.func);
                let v = coerce(v, &self.program.functions[func].locals[*id].ty)?;
                let active = self.active();
                let slot = self.frame().locals[*id].clone();
                let value = match slot.value {
                    None => v,
                    Some(old) if slot.bound == "false" => {
                        let _ = old;
                        v
                    }
                    Some(old) => {
                        ite_sym(&active, &v, &old).map_err(|r| Unsupported { reason: r, span: target_span(t) })?
                    }
                };
                let value = self.named(value);
                let bound = or(&[&slot.bound, &active]);
                let bound = self.bool_term(bound);
                self.frame().locals[*id] = Slot { value: Some(value), bound };
                Ok(())
            }
            Target::Index { seq, index, span } => {
                let (id, list, elem) = self.mutable_list(seq)?;
                let Sym::Int(i) = self.expr(index)? else { return unsupported("a list index must be an `int`", *span) };
                let len = self.define(BV, to_bv(&format!("(seq.len {list})")));
                let j = self.normalize_index(&i, &len, *span);
                let updated = seq_update(&list, &j, &len, &v)?;
                self.assign(&Target::Local(id), Sym::Seq(updated, elem))
            }
            Target::Unpack(ts, span) => match v {
                Sym::Tuple(items) if items.len() == ts.len() => {
                    for (t, x) in ts.iter().zip(items) {
                        self.assign(t, x)?;
                    }
                    Ok(())
                }
                Sym::Tuple(_) => {
                    self.fail("true", ErrorKind::ValueError, *span);
                    Ok(())
                }
                Sym::Seq(s, elem) => {
                    let len = to_bv(&format!("(seq.len {s})"));
                    self.fail(&not(&eq(&len, &lit(ts.len() as i64))), ErrorKind::ValueError, *span);
                    for (k, t) in ts.iter().enumerate() {
                        self.assign(t, sym_of(format!("(seq.nth {s} {k})"), &elem))?;
                    }
                    Ok(())
                }
                _ => unsupported("unpacking a value that is not a sequence", *span),
            },
        }
    }

    /// A list local that the code changes in place: its slot, value and
    /// element type.
    fn mutable_list(&mut self, e: &Expr) -> R<(usize, Term, Type)> {
        let ExprKind::Local(id) = e.kind else {
            return unsupported("changing a list that is not a local variable", e.span);
        };
        match self.read_local(id, e.span)? {
            Sym::Seq(t, elem) => Ok((id, t, elem)),
            _ => unsupported("changing a value that is not a list", e.span),
        }
    }

    /// `i` as an index into a sequence of length `len` (negative from the
    /// end), with the `IndexError` when it is out of range.
    fn normalize_index(&mut self, i: &str, len: &str, span: Span) -> Term {
        let j = ite(&slt(i, &lit(0)), &format!("(bvadd {i} {len})"), i);
        let j = self.define(BV, j);
        let out = or(&[&slt(&j, &lit(0)), &format!("(bvsge {j} {len})")]);
        self.fail(&out, ErrorKind::IndexError, span);
        j
    }

    fn int(&mut self, e: &Expr) -> R<Term> {
        match self.expr(e)? {
            Sym::Int(t) => Ok(t),
            Sym::Bool(b) => Ok(ite(&b, &lit(1), &lit(0))),
            _ => unsupported("an `int` was expected here", e.span),
        }
    }

    /// Encodes an expression.
    pub fn expr(&mut self, e: &Expr) -> R<Sym> {
        use ExprKind as K;
        let span = e.span;
        let v = match &e.kind {
            K::Int(v) => Sym::Int(lit(*v)),
            K::Bool(b) => Sym::Bool(b.to_string()),
            K::Str(s) => Sym::Str(str_literal(s)),
            K::None => Sym::None,
            K::Float(_) => return unsupported("`float` values are outside the verifiable fragment", span),
            K::Local(id) => self.read_local(*id, span)?,
            K::Const(c) => match self.consts[*c].clone() {
                Some(v) => v,
                None => {
                    let init = &self.program.consts[*c].value;
                    let v = self.expr(init)?;
                    let v = self.named(v);
                    self.consts[*c] = Some(v.clone());
                    v
                }
            },
            K::Hole(h) => Sym::Int(format!("hole{h}")),
            K::IntToFloat(_) => return unsupported("`float` values are outside the verifiable fragment", span),
            K::Truthy(x) => {
                let v = self.expr(x)?;
                Sym::Bool(truthy(&v))
            }
            K::Binary(op, a, b) => {
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                self.binary(*op, a, b, span)?
            }
            K::Unary(op, x) => {
                let v = self.expr(x)?;
                match (op, v) {
                    (UnaryOp::Not, v) => Sym::Bool(not(&truthy(&v))),
                    (UnaryOp::Neg, Sym::Int(t)) => Sym::Int(format!("(bvneg {t})")),
                    (UnaryOp::Pos, Sym::Int(t)) => Sym::Int(t),
                    (UnaryOp::Invert, Sym::Int(t)) => Sym::Int(format!("(bvnot {t})")),
                    (UnaryOp::Neg, Sym::Bool(b)) => Sym::Int(ite(&b, &lit(-1), &lit(0))),
                    (UnaryOp::Pos, Sym::Bool(b)) => Sym::Int(ite(&b, &lit(1), &lit(0))),
                    (UnaryOp::Invert, Sym::Bool(b)) => Sym::Int(ite(&b, &lit(-2), &lit(-1))),
                    _ => return unsupported("this unary operator on this type", span),
                }
            }
            K::Compare(first, rest) => {
                let mut lhs = self.expr(first)?;
                let mut parts = Vec::new();
                for (op, r) in rest {
                    let rhs = self.expr(r)?;
                    let rhs = self.named(rhs);
                    let c = self.compare(*op, &lhs, &rhs, span)?;
                    let c = self.bool_term(c);
                    self.frame().reach.push(c.clone());
                    parts.push(c);
                    lhs = rhs;
                }
                for _ in rest {
                    self.frame().reach.pop();
                }
                let ps: Vec<&str> = parts.iter().map(String::as_str).collect();
                Sym::Bool(and(&ps))
            }
            K::BoolOp(op, xs) => {
                // The deciding operand: the first falsy (`and`) or truthy
                // (`or`) one, else the last; later operands run only if needed.
                let mut vals = Vec::new();
                let mut pushed = 0;
                for (i, x) in xs.iter().enumerate() {
                    let v = self.expr(x)?;
                    let v = self.named(v);
                    if i + 1 < xs.len() {
                        let t = truthy(&v);
                        let go_on = if *op == BoolOp::And { t } else { not(&t) };
                        let go_on = self.bool_term(go_on);
                        self.frame().reach.push(go_on.clone());
                        pushed += 1;
                        vals.push((go_on, v));
                    } else {
                        vals.push(("true".into(), v));
                    }
                }
                for _ in 0..pushed {
                    self.frame().reach.pop();
                }
                let (_, mut acc) = vals.pop().expect("a boolean operation has operands");
                while let Some((go_on, v)) = vals.pop() {
                    acc = ite_sym(&go_on, &acc, &v).map_err(|r| Unsupported { reason: r, span })?;
                }
                acc
            }
            K::IfExp(c, a, b) => {
                let c = self.expr(c)?;
                let t = truthy(&c);
                let t = self.bool_term(t);
                self.frame().reach.push(t.clone());
                let a = self.expr(a)?;
                self.frame().reach.pop();
                self.frame().reach.push(not(&t));
                let b = self.expr(b)?;
                self.frame().reach.pop();
                ite_sym(&t, &a, &b).map_err(|r| Unsupported { reason: r, span })?
            }
            K::Call(f, args) => {
                let mut vs = Vec::new();
                for a in args {
                    let v = self.expr(a)?;
                    vs.push(self.named(v));
                }
                self.call(*f, vs, span)?
            }
            K::Builtin(b, args) => self.builtin(*b, args, e)?,
            K::Method(m, args) => self.method(*m, args, e)?,
            K::Index(s, i) => {
                let s = self.expr(s)?;
                let i = self.int(i)?;
                self.index(s, &i, span)?
            }
            K::Slice(s, lo, hi, step) => {
                if let Some(st) = step {
                    match st.kind {
                        ExprKind::Int(1) => {}
                        _ => return unsupported("a slice with a step", st.span),
                    }
                }
                let s = self.expr(s)?;
                let lo = match lo {
                    Some(x) => Some(self.int(x)?),
                    None => None,
                };
                let hi = match hi {
                    Some(x) => Some(self.int(x)?),
                    None => None,
                };
                self.slice(s, lo, hi, span)?
            }
            K::List(xs) => {
                let elem = match &e.ty {
                    Type::List(t) => (**t).clone(),
                    _ => return unsupported("a list display of an unknown type", span),
                };
                let mut parts = Vec::new();
                for x in xs {
                    let v = self.expr(x)?;
                    parts.push(unit(&v, span)?);
                }
                Sym::Seq(seq_concat(&parts, &elem, span)?, elem)
            }
            K::Tuple(xs) => {
                let mut items = Vec::new();
                for x in xs {
                    items.push(self.expr(x)?);
                }
                match &e.ty {
                    Type::TupleOf(t) => {
                        let parts = items.iter().map(|v| unit(v, span)).collect::<R<Vec<_>>>()?;
                        Sym::Seq(seq_concat(&parts, t, span)?, (**t).clone())
                    }
                    _ => Sym::Tuple(items),
                }
            }
            K::Comprehension(..) => {
                let elem = match &e.ty {
                    Type::List(t) | Type::TupleOf(t) => (**t).clone(),
                    _ => return unsupported("a generator outside a call that consumes it", span),
                };
                self.collect(e, elem, span)?
            }
        };
        Ok(self.named(v))
    }

    /// The items of an iterable as a sequence.
    fn collect(&mut self, e: &Expr, elem: Type, span: Span) -> R<Sym> {
        let Some(sort) = sort_of(&Type::list(elem.clone())) else {
            return unsupported(format!("a list of `{elem}` is outside the verifiable fragment"), span);
        };
        let mut acc = format!("(as seq.empty {sort})");
        self.each(e, &mut |enc, v| {
            let active = enc.active();
            let u = unit(&v, span)?;
            let t = ite(&active, &format!("(seq.++ {acc} {u})"), &acc);
            acc = enc.define(&sort, t);
            Ok(())
        })?;
        Ok(Sym::Seq(acc, elem))
    }

    /// `lhs op rhs`.
    pub fn binary(&mut self, op: BinOp, a: Sym, b: Sym, span: Span) -> R<Sym> {
        use Sym::*;
        let as_int = |s: Sym| match s {
            Bool(b) => Int(ite(&b, &lit(1), &lit(0))),
            s => s,
        };
        Ok(match (a, b) {
            (Bool(x), Bool(y)) if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) => Bool(match op {
                BinOp::BitAnd => format!("(and {x} {y})"),
                BinOp::BitOr => format!("(or {x} {y})"),
                _ => format!("(xor {x} {y})"),
            }),
            (a @ (Int(_) | Bool(_)), b @ (Int(_) | Bool(_))) => {
                let (Int(x), Int(y)) = (as_int(a), as_int(b)) else { unreachable!("converted above") };
                Int(self.int_op(op, &x, &y, span)?)
            }
            (Str(x), Str(y)) if op == BinOp::Add => Str(format!("(str.++ {x} {y})")),
            (Seq(x, t), Seq(y, _)) if op == BinOp::Add => Seq(format!("(seq.++ {x} {y})"), t),
            (Tuple(mut x), Tuple(y)) if op == BinOp::Add => {
                x.extend(y);
                Tuple(x)
            }
            (s @ (Str(_) | Seq(..)), Int(n)) | (Int(n), s @ (Str(_) | Seq(..))) if op == BinOp::Mul => {
                let Some(k) = literal_of(&n) else {
                    return unsupported("repeating a sequence a symbolic number of times", span);
                };
                let k = k.max(0) as usize;
                if k > 64 {
                    return unsupported("repeating a sequence more than 64 times", span);
                }
                match s {
                    Str(x) => Str(if k == 0 { "\"\"".into() } else { format!("(str.++ {})", vec![x; k].join(" ")) }),
                    Seq(x, t) => {
                        let sort = sort_of(&Type::list(t.clone())).unwrap_or_default();
                        Seq(
                            match k {
                                0 => format!("(as seq.empty {sort})"),
                                1 => x,
                                _ => format!("(seq.++ {})", vec![x; k].join(" ")),
                            },
                            t,
                        )
                    }
                    _ => unreachable!("matched above"),
                }
            }
            _ => return unsupported(format!("the operator `{}` on these types", op.as_str()), span),
        })
    }

    fn int_op(&mut self, op: BinOp, x: &str, y: &str, span: Span) -> R<Term> {
        Ok(match op {
            BinOp::Add => format!("(bvadd {x} {y})"),
            BinOp::Sub => format!("(bvsub {x} {y})"),
            BinOp::Mul => format!("(bvmul {x} {y})"),
            BinOp::FloorDiv => {
                self.fail(&eq(y, &lit(0)), ErrorKind::ZeroDivisionError, span);
                let q = self.define(BV, format!("(bvsdiv {x} {y})"));
                let r = format!("(bvsrem {x} {y})");
                let adjust = and(&[&not(&eq(&r, &lit(0))), &format!("(xor {} {})", slt(x, &lit(0)), slt(y, &lit(0)))]);
                ite(&adjust, &format!("(bvsub {q} {})", lit(1)), &q)
            }
            BinOp::Mod => {
                self.fail(&eq(y, &lit(0)), ErrorKind::ZeroDivisionError, span);
                format!("(bvsmod {x} {y})")
            }
            BinOp::Div => return unsupported("true division gives a `float`, outside the verifiable fragment", span),
            BinOp::Pow => {
                self.fail(&slt(y, &lit(0)), ErrorKind::ValueError, span);
                match literal_of(y) {
                    Some(n) if n >= 0 => {
                        let mut result = lit(1);
                        let mut base = x.to_string();
                        let mut n = n as u64;
                        while n > 0 {
                            if n & 1 == 1 {
                                result = self.define(BV, format!("(bvmul {result} {base})"));
                            }
                            n >>= 1;
                            if n > 0 {
                                base = self.define(BV, format!("(bvmul {base} {base})"));
                            }
                        }
                        result
                    }
                    _ => {
                        // Square and multiply over the exponent's 63 low bits.
                        let mut result = lit(1);
                        let mut base = x.to_string();
                        for bit in 0..63 {
                            let set = format!("(= ((_ extract {bit} {bit}) {y}) #b1)");
                            result = self.define(BV, ite(&set, &format!("(bvmul {result} {base})"), &result));
                            base = self.define(BV, format!("(bvmul {base} {base})"));
                        }
                        result
                    }
                }
            }
            BinOp::BitAnd => format!("(bvand {x} {y})"),
            BinOp::BitOr => format!("(bvor {x} {y})"),
            BinOp::BitXor => format!("(bvxor {x} {y})"),
            BinOp::LShift => {
                self.fail(&slt(y, &lit(0)), ErrorKind::ValueError, span);
                format!("(bvshl {x} {y})")
            }
            BinOp::RShift => {
                self.fail(&slt(y, &lit(0)), ErrorKind::ValueError, span);
                format!("(bvashr {x} {y})")
            }
        })
    }

    /// A comparison's truth.
    fn compare(&mut self, op: CmpOp, a: &Sym, b: &Sym, span: Span) -> R<Term> {
        use Sym::*;
        let as_int = |s: &Sym| match s {
            Bool(b) => Int(ite(b, &lit(1), &lit(0))),
            s => s.clone(),
        };
        Ok(match op {
            CmpOp::Eq => eq_sym(&as_int(a), &as_int(b)).map_err(|r| Unsupported { reason: r, span })?,
            CmpOp::Ne => not(&eq_sym(&as_int(a), &as_int(b)).map_err(|r| Unsupported { reason: r, span })?),
            CmpOp::In | CmpOp::NotIn => {
                let found = match (b, a) {
                    (Str(h), Str(n)) => format!("(str.contains {h} {n})"),
                    (Seq(h, _), x) => format!("(seq.contains {h} {})", unit(x, span)?),
                    (Tuple(items), x) => {
                        let mut parts = Vec::new();
                        for i in items {
                            parts.push(eq_sym(&as_int(i), &as_int(x)).map_err(|r| Unsupported { reason: r, span })?);
                        }
                        let ps: Vec<&str> = parts.iter().map(String::as_str).collect();
                        or(&ps)
                    }
                    _ => return unsupported("`in` on these types", span),
                };
                if op == CmpOp::In { found } else { not(&found) }
            }
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                let (x, y, strict) = match op {
                    CmpOp::Lt => (a, b, true),
                    CmpOp::Le => (a, b, false),
                    CmpOp::Gt => (b, a, true),
                    _ => (b, a, false),
                };
                less(&as_int(x), &as_int(y), strict).map_err(|r| Unsupported { reason: r, span })?
            }
        })
    }

    fn index(&mut self, s: Sym, i: &str, span: Span) -> R<Sym> {
        Ok(match s {
            Sym::Str(s) => {
                let len = self.define(BV, to_bv(&format!("(str.len {s})")));
                let j = self.normalize_index(i, &len, span);
                Sym::Str(format!("(str.at {s} {})", nat(&j)))
            }
            Sym::Seq(s, t) => {
                let len = self.define(BV, to_bv(&format!("(seq.len {s})")));
                let j = self.normalize_index(i, &len, span);
                sym_of(format!("(seq.nth {s} {})", nat(&j)), &t)
            }
            Sym::Tuple(items) => {
                let n = items.len() as i64;
                match literal_of(i) {
                    Some(k) if (-n..n).contains(&k) => items[if k < 0 { (k + n) as usize } else { k as usize }].clone(),
                    Some(_) => {
                        self.fail("true", ErrorKind::IndexError, span);
                        items.first().cloned().unwrap_or(Sym::None)
                    }
                    None => {
                        let j = self.normalize_index(i, &lit(n), span);
                        let mut acc = items.last().cloned().unwrap_or(Sym::None);
                        for (k, item) in items.iter().enumerate().rev().skip(1) {
                            acc = ite_sym(&eq(&j, &lit(k as i64)), item, &acc)
                                .map_err(|r| Unsupported { reason: r, span })?;
                        }
                        acc
                    }
                }
            }
            _ => return unsupported("indexing a value that is not a sequence", span),
        })
    }

    fn slice(&mut self, s: Sym, lo: Option<Term>, hi: Option<Term>, span: Span) -> R<Sym> {
        let clamp = |x: &str, len: &str| {
            let neg = ite(&slt(&format!("(bvadd {x} {len})"), &lit(0)), &lit(0), &format!("(bvadd {x} {len})"));
            let pos = ite(&slt(len, x), len, x);
            ite(&slt(x, &lit(0)), &neg, &pos)
        };
        let bounds = |enc: &mut Self, len: &str| {
            let a = lo.as_deref().map_or(lit(0), |x| clamp(x, len));
            let b = hi.as_deref().map_or(len.to_string(), |x| clamp(x, len));
            let a = enc.define(BV, a);
            let b = enc.define(BV, b);
            let n = ite(&slt(&b, &a), &lit(0), &format!("(bvsub {b} {a})"));
            (a, enc.define(BV, n))
        };
        Ok(match s {
            Sym::Str(s) => {
                let len = self.define(BV, to_bv(&format!("(str.len {s})")));
                let (a, n) = bounds(self, &len);
                Sym::Str(format!("(str.substr {s} {} {})", nat(&a), nat(&n)))
            }
            Sym::Seq(s, t) => {
                let len = self.define(BV, to_bv(&format!("(seq.len {s})")));
                let (a, n) = bounds(self, &len);
                Sym::Seq(format!("(seq.extract {s} {} {})", nat(&a), nat(&n)), t)
            }
            Sym::Tuple(items) => {
                let n = items.len() as i64;
                let norm = |x: &Option<Term>, default: i64| match x {
                    None => Some(default),
                    Some(t) => literal_of(t).map(|k| if k < 0 { (k + n).max(0) } else { k.min(n) }),
                };
                match (norm(&lo, 0), norm(&hi, n)) {
                    (Some(a), Some(b)) => Sym::Tuple(items[a as usize..(b.max(a)) as usize].to_vec()),
                    _ => return unsupported("a slice of a fixed tuple with symbolic bounds", span),
                }
            }
            _ => return unsupported("slicing a value that is not a sequence", span),
        })
    }

    fn builtin(&mut self, b: Builtin, args: &[Expr], e: &Expr) -> R<Sym> {
        let span = e.span;
        Ok(match b {
            Builtin::Len => {
                if let ExprKind::Builtin(Builtin::Range, _) = &args[0].kind {
                    let ix = self.indexable(&args[0])?;
                    return Ok(Sym::Int(self.ix_len(&ix)));
                }
                match self.expr(&args[0])? {
                    Sym::Str(s) => Sym::Int(to_bv(&format!("(str.len {s})"))),
                    Sym::Seq(s, _) => Sym::Int(to_bv(&format!("(seq.len {s})"))),
                    Sym::Tuple(items) => Sym::Int(lit(items.len() as i64)),
                    _ => return unsupported("len() of this type", span),
                }
            }
            Builtin::Abs => {
                let x = self.int(&args[0])?;
                Sym::Int(ite(&slt(&x, &lit(0)), &format!("(bvneg {x})"), &x))
            }
            Builtin::MinArgs | Builtin::MaxArgs => {
                let mut acc: Option<Sym> = None;
                for a in args {
                    let v = self.expr(a)?;
                    let v = self.named(v);
                    acc = Some(match acc {
                        None => v,
                        Some(best) => self.better(b == Builtin::MinArgs, v, best, span)?,
                    });
                }
                acc.unwrap_or(Sym::None)
            }
            Builtin::MinIter | Builtin::MaxIter => {
                let min = b == Builtin::MinIter;
                let mut acc: Option<Sym> = None;
                let mut seen = "false".to_string();
                self.each(&args[0], &mut |enc, v| {
                    let active = enc.active();
                    let next = match acc.take() {
                        None => v,
                        Some(best) => {
                            let cand = enc.better(min, v.clone(), best.clone(), span)?;
                            let cand = ite_sym(&seen, &cand, &v).map_err(|r| Unsupported { reason: r, span })?;
                            ite_sym(&active, &cand, &best).map_err(|r| Unsupported { reason: r, span })?
                        }
                    };
                    acc = Some(enc.named(next));
                    seen = or(&[&seen, &active]);
                    seen = enc.bool_term(seen.clone());
                    Ok(())
                })?;
                let Some(acc) = acc else {
                    // Statically empty.
                    return match args.get(1) {
                        Some(d) => self.expr(d),
                        None => {
                            self.fail("true", ErrorKind::ValueError, span);
                            let name = self.fresh("empty");
                            self.declare(&name, &e.ty, span)
                        }
                    };
                };
                match args.get(1) {
                    Some(d) => {
                        self.frame().reach.push(not(&seen));
                        let d = self.expr(d)?;
                        self.frame().reach.pop();
                        ite_sym(&seen, &acc, &d).map_err(|r| Unsupported { reason: r, span })?
                    }
                    None => {
                        self.fail(&not(&seen), ErrorKind::ValueError, span);
                        acc
                    }
                }
            }
            Builtin::Sum => {
                let mut acc = match args.get(1) {
                    Some(s) => self.expr(s)?,
                    None => Sym::Int(lit(0)),
                };
                self.each(&args[0], &mut |enc, v| {
                    let active = enc.active();
                    let next = enc.binary(BinOp::Add, acc.clone(), v, span)?;
                    let next = ite_sym(&active, &next, &acc).map_err(|r| Unsupported { reason: r, span })?;
                    acc = enc.named(next);
                    Ok(())
                })?;
                acc
            }
            Builtin::Any | Builtin::All => {
                let any = b == Builtin::Any;
                self.halt.push("false".into());
                let r = self.each(&args[0], &mut |enc, v| {
                    let active = enc.active();
                    let t = truthy(&v);
                    let decides = if any { t } else { not(&t) };
                    let h = enc.halt.last().cloned().unwrap_or_default();
                    let h = or(&[&h, &and(&[&active, &decides])]);
                    let h = enc.bool_term(h);
                    *enc.halt.last_mut().expect("pushed above") = h;
                    Ok(())
                });
                let halted = self.halt.pop().expect("pushed above");
                r?;
                Sym::Bool(if any { halted } else { not(&halted) })
            }
            Builtin::Bool => {
                let v = self.expr(&args[0])?;
                Sym::Bool(truthy(&v))
            }
            Builtin::Int if args.len() == 1 && matches!(args[0].ty, Type::Int | Type::Bool) => {
                Sym::Int(self.int(&args[0])?)
            }
            Builtin::Str if args.len() == 1 => match self.expr(&args[0])? {
                Sym::Str(s) => Sym::Str(s),
                Sym::Bool(b) => Sym::Str(ite(&b, "\"True\"", "\"False\"")),
                Sym::Int(x) => Sym::Str(ite(
                    &slt(&x, &lit(0)),
                    &format!("(str.++ \"-\" (str.from_int {}))", nat(&format!("(bvneg {x})"))),
                    &format!("(str.from_int {})", nat(&x)),
                )),
                _ => return unsupported("str() of this type", span),
            },
            Builtin::Ord => {
                let Sym::Str(s) = self.expr(&args[0])? else { return unsupported("ord() of a non-str", span) };
                self.fail(&not(&format!("(= (str.len {s}) 1)")), ErrorKind::TypeError, span);
                Sym::Int(to_bv(&format!("(str.to_code {s})")))
            }
            Builtin::Chr => {
                let i = self.int(&args[0])?;
                let bad = or(&[
                    &slt(&i, &lit(0)),
                    &slt(&lit(0x10FFFF), &i),
                    &and(&[&format!("(bvsle {} {i})", lit(0xD800)), &format!("(bvsle {i} {})", lit(0xDFFF))]),
                ]);
                self.fail(&bad, ErrorKind::ValueError, span);
                self.assume(format!("(bvsle {i} {})", lit(0x2FFFF)), "chr() above U+2FFFF (Z3's character range)");
                Sym::Str(format!("(str.from_code {})", nat(&i)))
            }
            Builtin::List | Builtin::Tuple if args.is_empty() => {
                let elem = match &e.ty {
                    Type::List(t) | Type::TupleOf(t) => (**t).clone(),
                    _ => return Ok(Sym::Tuple(Vec::new())),
                };
                let sort = sort_of(&Type::list(elem.clone()))
                    .ok_or_else(|| Unsupported { reason: format!("a list of `{elem}`"), span })?;
                Sym::Seq(format!("(as seq.empty {sort})"), elem)
            }
            Builtin::List | Builtin::Tuple => match &e.ty {
                Type::List(t) | Type::TupleOf(t) => self.collect(&args[0], (**t).clone(), span)?,
                _ => return unsupported("tuple() of a fixed tuple", span),
            },
            Builtin::Divmod => {
                let (x, y) = (self.int(&args[0])?, self.int(&args[1])?);
                let q = self.int_op(BinOp::FloorDiv, &x, &y, span)?;
                let r = self.int_op(BinOp::Mod, &x, &y, span)?;
                Sym::Tuple(vec![Sym::Int(q), Sym::Int(r)])
            }
            Builtin::Pow if args.len() == 2 && args[0].ty == Type::Int => {
                let (x, y) = (self.int(&args[0])?, self.int(&args[1])?);
                Sym::Int(self.int_op(BinOp::Pow, &x, &y, span)?)
            }
            _ => return unsupported(format!("the builtin `{b:?}` is outside the verifiable fragment"), span),
        })
    }

    /// The better of a new item and the best so far, for min/max (the
    /// first of equals is kept, as Python does).
    fn better(&mut self, min: bool, v: Sym, best: Sym, span: Span) -> R<Sym> {
        let wins = if min { less(&v, &best, true) } else { less(&best, &v, true) };
        let wins = wins.map_err(|r| Unsupported { reason: r, span })?;
        ite_sym(&wins, &v, &best).map_err(|r| Unsupported { reason: r, span })
    }

    fn method(&mut self, m: Method, args: &[Expr], e: &Expr) -> R<Sym> {
        let span = e.span;
        if m == Method::ListAppend {
            let (id, list, elem) = self.mutable_list(&args[0])?;
            let v = self.expr(&args[1])?;
            let u = unit(&v, span)?;
            self.assign(&Target::Local(id), Sym::Seq(format!("(seq.++ {list} {u})"), elem))?;
            return Ok(Sym::None);
        }
        if m == Method::ListPop && args.len() == 1 {
            let (id, list, elem) = self.mutable_list(&args[0])?;
            let len = self.define(BV, to_bv(&format!("(seq.len {list})")));
            self.fail(&eq(&len, &lit(0)), ErrorKind::IndexError, span);
            let last = format!("(bvsub {len} {})", lit(1));
            let item = sym_of(format!("(seq.nth {list} {})", nat(&last)), &elem);
            let item = self.named(item);
            self.assign(&Target::Local(id), Sym::Seq(format!("(seq.extract {list} 0 {})", nat(&last)), elem))?;
            return Ok(item);
        }
        if matches!(m, Method::SeqCount | Method::SeqIndex) && args.len() == 2 {
            let seq = self.expr(&args[0])?;
            let x = self.expr(&args[1])?;
            let x = self.named(x);
            let ix = self.value_ix(seq, span)?;
            let (mut count, mut at, mut found, mut j) = (lit(0), lit(-1), "false".to_string(), 0i64);
            self.walk(&ix, span, &mut |enc, item| {
                let same = eq_sym(&item, &x).map_err(|reason| Unsupported { reason, span })?;
                let active = enc.active();
                let hit = enc.bool_term(and(&[&active, &same]));
                count = enc.define(BV, ite(&hit, &format!("(bvadd {count} {})", lit(1)), &count));
                at = enc.define(BV, ite(&and(&[&hit, &not(&found)]), &lit(j), &at));
                found = enc.bool_term(or(&[&found, &hit]));
                j += 1;
                Ok(())
            })?;
            if m == Method::SeqCount {
                return Ok(Sym::Int(count));
            }
            self.fail(&not(&found), ErrorKind::ValueError, span);
            return Ok(Sym::Int(at));
        }
        let mut vs = Vec::new();
        for a in args {
            vs.push(self.expr(a)?);
        }
        let s = match vs.first() {
            Some(Sym::Str(s)) => s.clone(),
            _ => return unsupported(format!("the method `{m:?}` is outside the verifiable fragment"), span),
        };
        let strs: Vec<Option<&str>> =
            vs.iter().map(|v| if let Sym::Str(t) = v { Some(t.as_str()) } else { None }).collect();
        Ok(match (m, vs.len()) {
            (Method::StrUpper | Method::StrLower, 1) => {
                self.assume(ascii(&s), "upper()/lower() of non-ASCII text");
                let (lo, hi, delta) = if m == Method::StrUpper { (97, 122, "bvsub") } else { (65, 90, "bvadd") };
                Sym::Str(format!(
                    "(seq.map (lambda ((c Unicode)) (ite (and (char.<= (_ Char {lo}) c) (char.<= c (_ Char {hi}))) \
                     (char.from_bv ({delta} (char.to_bv c) (_ bv32 18))) c)) {s})"
                ))
            }
            (Method::StrFind, 2) => {
                let sub = strs[1].unwrap_or_default();
                Sym::Int(to_bv(&format!("(str.indexof {s} {sub} 0)")))
            }
            (Method::StrIndex, 2) => {
                let sub = strs[1].unwrap_or_default();
                let at = self.define(BV, to_bv(&format!("(str.indexof {s} {sub} 0)")));
                self.fail(&slt(&at, &lit(0)), ErrorKind::ValueError, span);
                Sym::Int(at)
            }
            (Method::StrStartswith, 2) if strs[1].is_some() => {
                Sym::Bool(format!("(str.prefixof {} {s})", strs[1].unwrap_or_default()))
            }
            (Method::StrEndswith, 2) if strs[1].is_some() => {
                Sym::Bool(format!("(str.suffixof {} {s})", strs[1].unwrap_or_default()))
            }
            (Method::StrReplace, 3) => {
                let (old, new) = (strs[1].unwrap_or_default(), strs[2].unwrap_or_default());
                self.assume(not(&format!("(= {old} \"\")")), "replace() with an empty pattern");
                Sym::Str(format!("(str.replace_all {s} {old} {new})"))
            }
            (Method::StrIsdigit | Method::StrIsdecimal, 1) => {
                self.assume(ascii(&s), "isdigit() of non-ASCII text");
                Sym::Bool(format!("(str.in_re {s} (re.+ (re.range \"0\" \"9\")))"))
            }
            (Method::StrIslower | Method::StrIsupper, 1) => {
                self.assume(ascii(&s), "islower()/isupper() of non-ASCII text");
                let (want, other) = if m == Method::StrIslower {
                    ("(re.range \"a\" \"z\")", "(re.range \"A\" \"Z\")")
                } else {
                    ("(re.range \"A\" \"Z\")", "(re.range \"a\" \"z\")")
                };
                // At least one cased character of the kind, none of the other.
                let rest = format!("(re.* (re.diff re.allchar {other}))");
                Sym::Bool(format!("(str.in_re {s} (re.++ {rest} {want} {rest}))"))
            }
            (Method::StrIsspace, 1) => {
                self.assume(ascii(&s), "isspace() of non-ASCII text");
                Sym::Bool(format!(
                    "(str.in_re {s} (re.+ (re.union (re.range \" \" \" \") (re.range \"\\u{{9}}\" \"\\u{{d}}\") (re.range \"\\u{{1c}}\" \"\\u{{1f}}\"))))"
                ))
            }
            (Method::StrIsalpha, 1) => {
                self.assume(ascii(&s), "isalpha() of non-ASCII text");
                Sym::Bool(format!("(str.in_re {s} (re.+ (re.union (re.range \"a\" \"z\") (re.range \"A\" \"Z\"))))"))
            }
            _ => {
                return unsupported(
                    format!("the method `{m:?}` with these arguments is outside the verifiable fragment"),
                    span,
                );
            }
        })
    }
}

/// A value as the type it is stored as: a fixed tuple kept where the
/// type is `tuple[T, ...]` becomes a sequence.
fn coerce(v: Sym, ty: &Type) -> R<Sym> {
    match (v, ty) {
        (Sym::Tuple(items), Type::TupleOf(t)) => {
            let parts = items.iter().map(|i| unit(i, Span::default())).collect::<R<Vec<_>>>()?;
            Ok(Sym::Seq(seq_concat(&parts, t, Span::default())?, (**t).clone()))
        }
        (v, _) => Ok(v),
    }
}

fn ascii(s: &str) -> Term {
    format!("(str.in_re {s} (re.* (re.range \"\\u{{0}}\" \"\\u{{7f}}\")))")
}

/// A value of `ty` held in one term.
pub fn sym_of(t: Term, ty: &Type) -> Sym {
    match ty {
        Type::Int => Sym::Int(t),
        Type::Bool => Sym::Bool(t),
        Type::Str => Sym::Str(t),
        Type::List(e) | Type::TupleOf(e) => Sym::Seq(t, (**e).clone()),
        Type::None => Sym::None,
        Type::Float | Type::Tuple(_) => Sym::Int(t),
    }
}

/// Python truthiness.
pub fn truthy(v: &Sym) -> Term {
    match v {
        Sym::Int(t) => not(&eq(t, &lit(0))),
        Sym::Bool(t) => t.clone(),
        Sym::Str(t) => not(&eq(t, "\"\"")),
        Sym::Seq(t, _) => format!("(not (= (seq.len {t}) 0))"),
        Sym::Tuple(items) => (!items.is_empty()).to_string(),
        Sym::None => "false".into(),
    }
}

fn unit(v: &Sym, span: Span) -> R<Term> {
    match v {
        Sym::Int(t) | Sym::Bool(t) | Sym::Seq(t, _) => Ok(format!("(seq.unit {t})")),
        // A string element of a list is one sequence item (not its characters).
        Sym::Str(t) => Ok(format!("(seq.unit {t})")),
        _ => unsupported("a list of tuples is outside the verifiable fragment", span),
    }
}

fn seq_concat(parts: &[Term], elem: &Type, span: Span) -> R<Term> {
    let Some(sort) = sort_of(&Type::list(elem.clone())) else {
        return unsupported(format!("a list of `{elem}` is outside the verifiable fragment"), span);
    };
    Ok(match parts {
        [] => format!("(as seq.empty {sort})"),
        [p] => p.clone(),
        _ => format!("(seq.++ {})", parts.join(" ")),
    })
}

/// `list` with item `j` (in range) replaced by `v`.
fn seq_update(list: &str, j: &str, len: &str, v: &Sym) -> R<Term> {
    let u = unit(v, Span::default())?;
    let after = format!("(bvsub (bvsub {len} {j}) {})", lit(1));
    Ok(format!("(seq.++ (seq.extract {list} 0 {}) {u} (seq.extract {list} (+ {} 1) {}))", nat(j), nat(j), nat(&after)))
}

/// The number of items of `range(start, stop, step)` (0 for a zero step),
/// computed without overflow in 72 bits.
fn range_len(start: &str, stop: &str, step: &str) -> Term {
    let w = |x: &str| format!("((_ sign_extend 8) {x})");
    let (a, b, s) = (w(start), w(stop), w(step));
    let z = "(_ bv0 72)";
    let one = "(_ bv1 72)";
    let up = format!("(ite (bvslt {a} {b}) (bvsdiv (bvsub (bvadd (bvsub {b} {a}) {s}) {one}) {s}) {z})");
    let down = format!("(ite (bvsgt {a} {b}) (bvsdiv (bvsub (bvsub (bvsub {a} {b}) {s}) {one}) (bvneg {s})) {z})");
    format!("((_ extract 63 0) (ite (bvsgt {s} {z}) {up} (ite (bvslt {s} {z}) {down} {z})))")
}

/// Structural `ite`.
pub fn ite_sym(c: &str, a: &Sym, b: &Sym) -> Result<Sym, String> {
    Ok(match (a, b) {
        (Sym::Int(x), Sym::Int(y)) => Sym::Int(ite(c, x, y)),
        (Sym::Bool(x), Sym::Bool(y)) => Sym::Bool(ite(c, x, y)),
        (Sym::Str(x), Sym::Str(y)) => Sym::Str(ite(c, x, y)),
        (Sym::Seq(x, t), Sym::Seq(y, _)) => Sym::Seq(ite(c, x, y), t.clone()),
        (Sym::Tuple(xs), Sym::Tuple(ys)) if xs.len() == ys.len() => {
            Sym::Tuple(xs.iter().zip(ys).map(|(x, y)| ite_sym(c, x, y)).collect::<Result<_, _>>()?)
        }
        (Sym::None, Sym::None) => Sym::None,
        _ => return Err("values of different shapes meet here (tuples of different lengths)".into()),
    })
}

/// Structural `==`.
pub fn eq_sym(a: &Sym, b: &Sym) -> Result<Term, String> {
    Ok(match (a, b) {
        (Sym::Int(x), Sym::Int(y)) | (Sym::Bool(x), Sym::Bool(y)) | (Sym::Str(x), Sym::Str(y)) => eq(x, y),
        (Sym::Seq(x, _), Sym::Seq(y, _)) => eq(x, y),
        (Sym::Tuple(xs), Sym::Tuple(ys)) => {
            if xs.len() != ys.len() {
                return Ok("false".into());
            }
            let parts = xs.iter().zip(ys).map(|(x, y)| eq_sym(x, y)).collect::<Result<Vec<_>, _>>()?;
            let ps: Vec<&str> = parts.iter().map(String::as_str).collect();
            and(&ps)
        }
        (Sym::None, Sym::None) => "true".into(),
        _ => return Err("`==` between values of different types".into()),
    })
}

/// `a < b` (or `a <= b`), Python's ordering.
fn less(a: &Sym, b: &Sym, strict: bool) -> Result<Term, String> {
    Ok(match (a, b) {
        (Sym::Int(x), Sym::Int(y)) => format!("({} {x} {y})", if strict { "bvslt" } else { "bvsle" }),
        (Sym::Str(x), Sym::Str(y)) => format!("({} {x} {y})", if strict { "str.<" } else { "str.<=" }),
        (Sym::Bool(x), Sym::Bool(y)) => {
            if strict {
                format!("(and (not {x}) {y})")
            } else {
                format!("(or (not {x}) {y})")
            }
        }
        (Sym::Tuple(xs), Sym::Tuple(ys)) => {
            // Lexicographic: the first differing item decides, else the lengths.
            let mut acc = if strict { (xs.len() < ys.len()).to_string() } else { (xs.len() <= ys.len()).to_string() };
            for (x, y) in xs.iter().zip(ys).rev() {
                let lt = less(x, y, true)?;
                let same = eq_sym(x, y)?;
                acc = or(&[&lt, &and(&[&same, &acc])]);
            }
            acc
        }
        _ => return Err("ordering of these types is outside the verifiable fragment".into()),
    })
}

/// The list locals a function body changes in place, after checking that
/// none of them is shared (read as a whole value where a change would be
/// seen through another name) and none is a parameter.
fn mutated_lists(body: &[Stmt], n_params: usize, span: Span) -> R<HashSet<usize>> {
    use crate::tir::{Visit, walk_stmts};
    struct Finder(HashSet<usize>);
    impl Visit for Finder {
        fn stmt(&mut self, s: &Stmt) {
            if let Stmt::AugAssign { target: Target::Local(id), value, .. } = s
                && matches!(value.ty, Type::List(_))
            {
                self.0.insert(*id);
            }
        }
        fn expr(&mut self, e: &Expr) {
            if let ExprKind::Method(Method::ListAppend | Method::ListPop, args) = &e.kind
                && let ExprKind::Local(id) = args[0].kind
            {
                self.0.insert(id);
            }
        }
        fn target(&mut self, t: &Target) {
            if let Target::Index { seq, .. } = t
                && let ExprKind::Local(id) = seq.kind
            {
                self.0.insert(id);
            }
        }
    }
    let mut f = Finder(HashSet::new());
    walk_stmts(body, &mut f);
    if f.0.is_empty() {
        return Ok(f.0);
    }
    if let Some(p) = f.0.iter().find(|id| **id < n_params) {
        let _ = p;
        return unsupported("a function that changes a list it was given (the caller would see it)", span);
    }
    // A changed list may be read only where no second name can see it.
    struct Shared<'a> {
        mutated: &'a HashSet<usize>,
        bad: Option<Span>,
    }
    impl Shared<'_> {
        fn whole(&mut self, e: &Expr) {
            if let ExprKind::Local(id) = e.kind
                && self.mutated.contains(&id)
            {
                self.bad.get_or_insert(e.span);
            }
        }
    }
    impl Visit for Shared<'_> {
        fn stmt(&mut self, s: &Stmt) {
            if let Stmt::Assign { value, .. } = s {
                self.whole(value);
            }
        }
        fn expr(&mut self, e: &Expr) {
            match &e.kind {
                ExprKind::Call(_, args) | ExprKind::List(args) | ExprKind::Tuple(args) => {
                    args.iter().for_each(|a| self.whole(a))
                }
                ExprKind::Method(m, args) if !matches!(m, Method::ListAppend | Method::ListPop) => {
                    args.iter().skip(1).for_each(|a| self.whole(a))
                }
                ExprKind::Method(_, args) => args.iter().skip(1).for_each(|a| self.whole(a)),
                ExprKind::IfExp(_, a, b) => {
                    self.whole(a);
                    self.whole(b);
                }
                ExprKind::BoolOp(_, xs) => xs.iter().for_each(|x| self.whole(x)),
                ExprKind::Comprehension(elt, _) => self.whole(elt),
                _ => {}
            }
        }
    }
    let mut s = Shared { mutated: &f.0, bad: None };
    walk_stmts(body, &mut s);
    // A changed list starts as a new list, never as another name's.
    struct Fresh<'a> {
        mutated: &'a HashSet<usize>,
        bad: Option<Span>,
    }
    impl Visit for Fresh<'_> {
        fn stmt(&mut self, s: &Stmt) {
            let (targets, value): (&[Target], Option<&Expr>) = match s {
                Stmt::Assign { targets, value, .. } => (targets, Some(value)),
                Stmt::For { target, .. } => (std::slice::from_ref(target), None),
                _ => return,
            };
            let fresh = value.is_some_and(|v| {
                matches!(
                    v.kind,
                    ExprKind::List(_)
                        | ExprKind::Comprehension(..)
                        | ExprKind::Binary(..)
                        | ExprKind::Slice(..)
                        | ExprKind::Builtin(Builtin::List | Builtin::Sorted, _)
                        | ExprKind::Method(Method::ListCopy, _)
                )
            });
            for t in targets {
                let mut locals = Vec::new();
                target_locals(t, &mut locals);
                if !fresh && locals.iter().any(|id| self.mutated.contains(id)) {
                    self.bad.get_or_insert(value.map_or_else(Span::default, |v| v.span));
                }
            }
        }
    }
    let mut fr = Fresh { mutated: &f.0, bad: None };
    walk_stmts(body, &mut fr);
    s.bad = s.bad.or(fr.bad);
    match s.bad {
        Some(at) => unsupported("a list that is changed in place is also shared under another name", at),
        None => Ok(f.0),
    }
}

fn target_locals(t: &Target, out: &mut Vec<usize>) {
    match t {
        Target::Local(id) => out.push(*id),
        Target::Unpack(ts, _) => ts.iter().for_each(|t| target_locals(t, out)),
        Target::Index { .. } => {}
    }
}

fn target_span(t: &Target) -> Span {
    match t {
        Target::Index { span, .. } | Target::Unpack(_, span) => *span,
        Target::Local(_) => Span::default(),
    }
}

/// Does `body` change the list local `id` in place?
fn changes_list(body: &[Stmt], id: usize) -> bool {
    match mutated_lists(body, 0, Span::default()) {
        Ok(set) => set.contains(&id),
        Err(_) => true,
    }
}

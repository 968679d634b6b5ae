//! The typed IR: what the checker produces and every backend consumes (the
//! reference interpreter now; the Wasm compiler and the Z3 encoder later).
//! Names are resolved to slots, every expression has its type, builtins and
//! methods are resolved to one enum variant each, keyword arguments are
//! placed, and the implicit `int` to `float` promotion of mixed arithmetic is
//! an explicit `IntToFloat` node. Nothing here needs the source text.

use crate::ast::{BinOp, BoolOp, CmpOp, UnaryOp};
use crate::span::Span;
use crate::types::Type;

/// Index of a function in [`Program::functions`].
pub type FuncId = usize;
/// Index of a local slot in [`Function::locals`].
pub type LocalId = usize;
/// Index of a constant in [`Program::consts`].
pub type ConstId = usize;

/// A checked program.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// Functions, in source order.
    pub functions: Vec<Function>,
    /// Module-level constants, in source order (each may use earlier ones).
    pub consts: Vec<Const>,
    /// How many `??` holes the program has; hole `i` is [`ExprKind::Hole`]`(i)`.
    pub n_holes: usize,
}

impl Program {
    /// Finds a function by name.
    pub fn function(&self, name: &str) -> Option<(FuncId, &Function)> {
        self.functions.iter().enumerate().find(|(_, f)| f.name == name)
    }
}

/// A module-level constant.
#[derive(Clone, Debug, PartialEq)]
pub struct Const {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its initializer.
    pub value: Expr,
    /// Where it is defined.
    pub span: Span,
}

/// A checked function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// Decorator names (`synthesize`, `evolve`, `score`).
    pub decorators: Vec<String>,
    /// Parameters: the first `params.len()` locals are the parameters.
    pub params: Vec<Param>,
    /// The return type.
    pub ret: Type,
    /// All local slots (parameters first, then locals in order of first
    /// assignment, then comprehension variables).
    pub locals: Vec<Local>,
    /// The body; empty for a stub.
    pub body: Vec<Stmt>,
    /// Is the body a placeholder (`...`)? Calling it is a runtime error.
    pub is_stub: bool,
    /// The header's span.
    pub span: Span,
}

/// A parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its default: a constant expression of an immutable type (the checker
    /// enforces both), so filling it into each call that omits the argument
    /// means the same as Python's evaluate-once default.
    pub default: Option<Expr>,
}

/// A local variable slot.
#[derive(Clone, Debug, PartialEq)]
pub struct Local {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// Evaluate and drop.
    Expr(Expr),
    /// `t1 = t2 = value`: the value is evaluated once, then assigned left to right.
    Assign {
        /// The targets.
        targets: Vec<Target>,
        /// The value.
        value: Expr,
        /// The statement.
        span: Span,
    },
    /// `target op= value`. A list target with `+=`/`*=` is updated in place.
    AugAssign {
        /// The target (its container and index are evaluated once).
        target: Target,
        /// The operator.
        op: BinOp,
        /// The value (already promoted to `float` when the target is).
        value: Expr,
        /// The statement.
        span: Span,
    },
    /// `return value` (`None` for a `-> None` function).
    Return(Option<Expr>, Span),
    /// `if cond: then else: orelse` (the condition is `bool`).
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `for target in iter: body`.
    For {
        /// Where each element goes.
        target: Target,
        /// The iterable: a sequence, or a lazy `range`/`enumerate`/`zip`/`reversed` call.
        iter: Expr,
        /// The body.
        body: Vec<Stmt>,
        /// The header.
        span: Span,
    },
    /// `while cond: body`.
    While(Expr, Vec<Stmt>),
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `assert cond, msg` (the message is a `str`).
    Assert(Expr, Option<Expr>, Span),
}

/// An assignment target.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A local slot.
    Local(LocalId),
    /// `seq[index] = ...` on a list.
    Index {
        /// The list.
        seq: Expr,
        /// The index.
        index: Expr,
        /// The subscript's span.
        span: Span,
    },
    /// `a, b = ...`: unpacks a tuple or list of exactly this many items.
    Unpack(Vec<Target>, Span),
}

/// One `for ... in ... if ...` clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// Where each element goes.
    pub target: Target,
    /// The iterable.
    pub iter: Expr,
    /// Filters (each `bool`).
    pub ifs: Vec<Expr>,
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its static type.
    pub ty: Type,
    /// Where it is.
    pub span: Span,
}

/// Expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An `int` constant.
    Int(i64),
    /// A `float` constant.
    Float(f64),
    /// A `bool` constant.
    Bool(bool),
    /// A `str` constant.
    Str(String),
    /// The `None` a `-> None` function returns.
    None,
    /// Reads a local slot.
    Local(LocalId),
    /// Reads a module-level constant.
    Const(ConstId),
    /// The `i`-th `??` hole.
    Hole(usize),
    /// `float(x)` inserted for mixed `int`/`float` arithmetic.
    IntToFloat(Box<Expr>),
    /// Python truthiness of any value, as a `bool`.
    Truthy(Box<Expr>),
    /// `lhs op rhs`. Numeric operands have the same type after promotion;
    /// otherwise this is sequence concatenation (`+`) or repetition (`*`,
    /// with the `int` on either side).
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `op operand`.
    Unary(UnaryOp, Box<Expr>),
    /// A comparison chain; each middle operand is evaluated once.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `and`/`or` over operands of one type: returns the deciding operand.
    BoolOp(BoolOp, Vec<Expr>),
    /// `body if cond else orelse`.
    IfExp(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A call of a program function, with every parameter's argument (defaults filled in).
    Call(FuncId, Vec<Expr>),
    /// A builtin function call.
    Builtin(Builtin, Vec<Expr>),
    /// A method call on `args[0]`.
    Method(Method, Vec<Expr>),
    /// `seq[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `seq[lower:upper:step]`.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// A list display.
    List(Vec<Expr>),
    /// A tuple display.
    Tuple(Vec<Expr>),
    /// `[elt for ...]`; also a generator expression passed to a builtin,
    /// which the consumer may evaluate lazily (`any`/`all` short-circuit).
    Comprehension(Box<Expr>, Vec<Clause>),
}

/// Builtin functions, one variant per distinct behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Builtin {
    Len,
    Abs,
    /// `min(iterable)` / `min(iterable, default=d)` (args: iterable[, default]).
    MinIter,
    MaxIter,
    /// `min(a, b, ...)`.
    MinArgs,
    MaxArgs,
    /// `sum(iterable[, start])`.
    Sum,
    /// `range(stop)` / `range(start, stop[, step])`: args are always (start, stop, step).
    Range,
    /// `sorted(iterable, reverse=r)`: args (iterable, reverse).
    Sorted,
    Reversed,
    /// `enumerate(iterable, start)`: args (iterable, start).
    Enumerate,
    Zip,
    Any,
    All,
    /// `round(x)` gives `int`; `round(x, n)` keeps the type.
    Round,
    /// `str(x)`.
    Str,
    /// `int(x)` / `int(s, base)`.
    Int,
    /// `float(x)`.
    Float,
    /// `bool(x)`.
    Bool,
    /// `list(iterable)`, `list()`.
    List,
    /// `tuple(iterable)`, `tuple()`.
    Tuple,
    Ord,
    Chr,
    /// `repr(x)`.
    Repr,
    /// `divmod(a, b)`.
    Divmod,
    /// `pow(a, b)`.
    Pow,
    /// `pow(base, exp, mod)` on ints.
    PowMod,
    /// `bin(i)`.
    Bin,
    /// `hex(i)`.
    Hex,
    /// `oct(i)`.
    Oct,
}

/// Methods, resolved by the receiver's type. The receiver is `args[0]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Method {
    StrUpper,
    StrLower,
    StrCapitalize,
    StrTitle,
    StrSwapcase,
    /// `strip()` / `strip(chars)`.
    StrStrip,
    StrLstrip,
    StrRstrip,
    /// `split()` / `split(sep)` / `split(sep, maxsplit)`; a `None`-like
    /// missing sep is told apart by the argument count.
    StrSplit,
    /// `split(maxsplit=n)` with whitespace splitting: args (s, maxsplit).
    StrSplitWsMax,
    /// `rsplit(None, n)`: args (s, maxsplit).
    StrRsplitWsMax,

    StrRsplit,
    StrSplitlines,
    StrJoin,
    /// `find(sub[, start[, end]])`.
    StrFind,
    StrRfind,
    StrIndex,
    StrRindex,
    StrCount,
    /// `replace(old, new[, count])`.
    StrReplace,
    /// `startswith(prefix[, start[, end]])`; prefix may be a tuple of str.
    StrStartswith,
    StrEndswith,
    StrIsdigit,
    StrIsalpha,
    StrIsalnum,
    StrIsspace,
    StrIsupper,
    StrIslower,
    StrIsdecimal,
    StrIsnumeric,
    StrIsascii,

    StrZfill,
    StrCenter,
    StrLjust,
    StrRjust,
    ListAppend,
    /// `pop()` / `pop(i)`.
    ListPop,
    ListInsert,
    ListExtend,
    ListRemove,
    ListClear,
    ListCopy,
    ListReverse,
    /// `sort(reverse=r)`: args (list, reverse).
    ListSort,
    /// `index(x[, start[, end]])` on a list or tuple.
    SeqIndex,
    /// `count(x)` on a list or tuple.
    SeqCount,
}

/// Several programs as one: each program's functions renamed `name#k` (`k`
/// its position), with calls, constants and holes renumbered. Compiling a
/// batch of candidates into one module pays the per-module costs once.
/// Returns the merged program and, per input program, the index of its
/// first function in the merged one.
pub fn merge(programs: &[Program]) -> (Program, Vec<FuncId>) {
    let mut out = Program { functions: Vec::new(), consts: Vec::new(), n_holes: 0 };
    let mut offsets = Vec::with_capacity(programs.len());
    for (k, p) in programs.iter().enumerate() {
        let shift = Shift { funcs: out.functions.len(), consts: out.consts.len(), holes: out.n_holes };
        offsets.push(shift.funcs);
        let mut p = p.clone();
        walk_program_mut(&mut p, &mut |e| shift.apply(e));
        for mut c in p.consts {
            c.name = format!("{}#{k}", c.name);
            out.consts.push(c);
        }
        for mut f in p.functions {
            f.name = format!("{}#{k}", f.name);
            out.functions.push(f);
        }
        out.n_holes += p.n_holes;
    }
    (out, offsets)
}

/// Renumbering of one program's references inside a merged program.
struct Shift {
    funcs: usize,
    consts: usize,
    holes: usize,
}

impl Shift {
    fn apply(&self, e: &mut Expr) {
        match &mut e.kind {
            ExprKind::Call(f, _) => *f += self.funcs,
            ExprKind::Const(c) => *c += self.consts,
            ExprKind::Hole(h) => *h += self.holes,
            _ => {}
        }
    }
}

/// Calls `f` on every expression of `stmts` at any depth (assignment
/// targets' included), parents first: the mutable twin of [`walk_stmts`].
pub fn walk_stmts_mut(stmts: &mut [Stmt], f: &mut impl FnMut(&mut Expr)) {
    for s in stmts {
        match s {
            Stmt::Expr(e) => walk_expr_mut(e, f),
            Stmt::Assign { targets, value, .. } => {
                targets.iter_mut().for_each(|t| walk_target_mut(t, f));
                walk_expr_mut(value, f);
            }
            Stmt::AugAssign { target, value, .. } => {
                walk_target_mut(target, f);
                walk_expr_mut(value, f);
            }
            Stmt::Return(e, _) => e.iter_mut().for_each(|e| walk_expr_mut(e, f)),
            Stmt::If(c, a, b) => {
                walk_expr_mut(c, f);
                walk_stmts_mut(a, f);
                walk_stmts_mut(b, f);
            }
            Stmt::For { target, iter, body, .. } => {
                walk_target_mut(target, f);
                walk_expr_mut(iter, f);
                walk_stmts_mut(body, f);
            }
            Stmt::While(c, body) => {
                walk_expr_mut(c, f);
                walk_stmts_mut(body, f);
            }
            Stmt::Break | Stmt::Continue => {}
            Stmt::Assert(c, m, _) => {
                walk_expr_mut(c, f);
                m.iter_mut().for_each(|m| walk_expr_mut(m, f));
            }
        }
    }
}

fn walk_target_mut(t: &mut Target, f: &mut impl FnMut(&mut Expr)) {
    match t {
        Target::Local(_) => {}
        Target::Index { seq, index, .. } => {
            walk_expr_mut(seq, f);
            walk_expr_mut(index, f);
        }
        Target::Unpack(ts, _) => ts.iter_mut().for_each(|t| walk_target_mut(t, f)),
    }
}

/// Calls `f` on `e` and every expression in it, parents first.
pub fn walk_expr_mut(e: &mut Expr, f: &mut impl FnMut(&mut Expr)) {
    f(e);
    match &mut e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::None
        | ExprKind::Local(_)
        | ExprKind::Const(_)
        | ExprKind::Hole(_) => {}
        ExprKind::IntToFloat(x) | ExprKind::Truthy(x) | ExprKind::Unary(_, x) => walk_expr_mut(x, f),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            walk_expr_mut(a, f);
            walk_expr_mut(b, f);
        }
        ExprKind::Compare(first, rest) => {
            walk_expr_mut(first, f);
            rest.iter_mut().for_each(|(_, r)| walk_expr_mut(r, f));
        }
        ExprKind::Call(_, xs)
        | ExprKind::BoolOp(_, xs)
        | ExprKind::Builtin(_, xs)
        | ExprKind::Method(_, xs)
        | ExprKind::List(xs)
        | ExprKind::Tuple(xs) => xs.iter_mut().for_each(|x| walk_expr_mut(x, f)),
        ExprKind::IfExp(c, a, b) => {
            walk_expr_mut(c, f);
            walk_expr_mut(a, f);
            walk_expr_mut(b, f);
        }
        ExprKind::Slice(s, lo, hi, st) => {
            walk_expr_mut(s, f);
            [lo, hi, st].into_iter().flatten().for_each(|x| walk_expr_mut(x, f));
        }
        ExprKind::Comprehension(elt, clauses) => {
            walk_expr_mut(elt, f);
            for c in clauses {
                walk_target_mut(&mut c.target, f);
                walk_expr_mut(&mut c.iter, f);
                c.ifs.iter_mut().for_each(|i| walk_expr_mut(i, f));
            }
        }
    }
}

/// Every expression of a program: its functions' bodies and defaults,
/// and its constants.
fn walk_program_mut(p: &mut Program, f: &mut impl FnMut(&mut Expr)) {
    for func in &mut p.functions {
        walk_stmts_mut(&mut func.body, f);
        for param in &mut func.params {
            if let Some(d) = &mut param.default {
                walk_expr_mut(d, f);
            }
        }
    }
    for c in &mut p.consts {
        walk_expr_mut(&mut c.value, f);
    }
}

/// What a walk over typed code sees ([`walk_stmts`], [`walk_expr`]): every
/// statement and expression at any depth, parents first, and every
/// assignment target (of statements, `for` loops and comprehensions; an
/// unpacking target, then each of its parts).
pub trait Visit {
    /// A statement (before what it contains).
    fn stmt(&mut self, _s: &Stmt) {}
    /// An expression.
    fn expr(&mut self, _e: &Expr) {}
    /// An assignment target.
    fn target(&mut self, _t: &Target) {}
}

/// How many local slots a closed expression uses (the variables of its
/// comprehensions): one more than the largest slot it reads or assigns.
pub fn local_slots(e: &Expr) -> usize {
    struct Max(usize);
    fn target_max(t: &Target, m: &mut usize) {
        match t {
            Target::Local(id) => *m = (*m).max(id + 1),
            Target::Unpack(ts, _) => ts.iter().for_each(|t| target_max(t, m)),
            Target::Index { .. } => {}
        }
    }
    impl Visit for Max {
        fn expr(&mut self, e: &Expr) {
            if let ExprKind::Local(id) = e.kind {
                self.0 = self.0.max(id + 1);
            }
        }
        fn target(&mut self, t: &Target) {
            target_max(t, &mut self.0);
        }
    }
    let mut m = Max(0);
    walk_expr(e, &mut m);
    m.0
}

/// Walks statements (see [`Visit`]).
pub fn walk_stmts(stmts: &[Stmt], v: &mut impl Visit) {
    for s in stmts {
        v.stmt(s);
        match s {
            Stmt::Expr(e) | Stmt::Return(Some(e), _) => walk_expr(e, v),
            Stmt::Return(None, _) | Stmt::Break | Stmt::Continue => {}
            Stmt::Assign { targets, value, .. } => {
                targets.iter().for_each(|t| walk_target(t, v));
                walk_expr(value, v);
            }
            Stmt::AugAssign { target, value, .. } => {
                walk_target(target, v);
                walk_expr(value, v);
            }
            Stmt::If(c, a, b) => {
                walk_expr(c, v);
                walk_stmts(a, v);
                walk_stmts(b, v);
            }
            Stmt::For { target, iter, body, .. } => {
                walk_target(target, v);
                walk_expr(iter, v);
                walk_stmts(body, v);
            }
            Stmt::While(c, body) => {
                walk_expr(c, v);
                walk_stmts(body, v);
            }
            Stmt::Assert(c, m, _) => {
                walk_expr(c, v);
                m.iter().for_each(|m| walk_expr(m, v));
            }
        }
    }
}

fn walk_target(t: &Target, v: &mut impl Visit) {
    v.target(t);
    match t {
        Target::Local(_) => {}
        Target::Index { seq, index, .. } => {
            walk_expr(seq, v);
            walk_expr(index, v);
        }
        Target::Unpack(ts, _) => ts.iter().for_each(|t| walk_target(t, v)),
    }
}

/// Walks an expression (see [`Visit`]).
pub fn walk_expr(e: &Expr, v: &mut impl Visit) {
    v.expr(e);
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::None
        | ExprKind::Local(_)
        | ExprKind::Const(_)
        | ExprKind::Hole(_) => {}
        ExprKind::IntToFloat(x) | ExprKind::Truthy(x) | ExprKind::Unary(_, x) => walk_expr(x, v),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            walk_expr(a, v);
            walk_expr(b, v);
        }
        ExprKind::Compare(first, rest) => {
            walk_expr(first, v);
            rest.iter().for_each(|(_, r)| walk_expr(r, v));
        }
        ExprKind::Call(_, xs)
        | ExprKind::BoolOp(_, xs)
        | ExprKind::Builtin(_, xs)
        | ExprKind::Method(_, xs)
        | ExprKind::List(xs)
        | ExprKind::Tuple(xs) => xs.iter().for_each(|x| walk_expr(x, v)),
        ExprKind::IfExp(c, a, b) => {
            walk_expr(c, v);
            walk_expr(a, v);
            walk_expr(b, v);
        }
        ExprKind::Slice(s, lo, hi, st) => {
            walk_expr(s, v);
            [lo, hi, st].into_iter().flatten().for_each(|x| walk_expr(x, v));
        }
        ExprKind::Comprehension(elt, clauses) => {
            walk_expr(elt, v);
            for c in clauses {
                walk_target(&c.target, v);
                walk_expr(&c.iter, v);
                c.ifs.iter().for_each(|i| walk_expr(i, v));
            }
        }
    }
}

/// The program with every `??` hole replaced by its value (hole `i` by
/// `values[i]`): what a solver's filling of a sketch means.
pub fn fill_holes(program: &Program, values: &[i64]) -> Program {
    let mut p = program.clone();
    walk_program_mut(&mut p, &mut |e| {
        if let ExprKind::Hole(i) = e.kind
            && let Some(v) = values.get(i)
        {
            e.kind = ExprKind::Int(*v);
        }
    });
    p.n_holes = 0;
    p
}

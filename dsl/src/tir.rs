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

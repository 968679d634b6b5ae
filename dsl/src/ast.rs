//! The untyped syntax tree, as parsed: close to Python's own `ast` module so
//! that the printer can turn any tree (parsed, generated or mutated) back
//! into source. Every node carries its span. Error recovery leaves
//! `Expr::Error` / `Stmt::Error` nodes that later passes skip silently.

use crate::span::Span;

/// A whole source file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Module {
    /// Top-level items in source order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `def name(params) -> ret: body`.
    Function(Function),
    /// `NAME = value` or `NAME: T = value`.
    Const(ConstDef),
}

/// A module-level constant.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstDef {
    /// The constant's name.
    pub name: Ident,
    /// Its annotation, if any.
    pub ann: Option<TypeExpr>,
    /// Its value.
    pub value: Expr,
    /// The whole statement.
    pub span: Span,
}

/// A name with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A decorator kept on a function (`@synthesize`, `@evolve`, `@score`).
#[derive(Clone, Debug, PartialEq)]
pub struct Decorator {
    /// The decorator's name.
    pub name: Ident,
}

/// A function definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Its decorators, outermost first.
    pub decorators: Vec<Decorator>,
    /// Its name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<Param>,
    /// The declared return type (`None` when missing: a diagnostic).
    pub ret: Option<TypeExpr>,
    /// Its body.
    pub body: Vec<Stmt>,
    /// From `def` to the end of the header's colon.
    pub span: Span,
}

impl Function {
    /// Is the body a placeholder (`...` alone, possibly after a docstring)?
    /// A placeholder body marks a function for synthesis.
    pub fn is_stub(&self) -> bool {
        let body: Vec<&Stmt> =
            self.body.iter().filter(|s| !matches!(s, Stmt::Expr(Expr { kind: ExprKind::Str(_), .. }))).collect();
        matches!(body.as_slice(), [Stmt::Expr(Expr { kind: ExprKind::Ellipsis, .. })])
    }
}

/// A parameter: `name: T` or `name: T = default`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The parameter's name.
    pub name: Ident,
    /// Its annotation (required; missing is a diagnostic).
    pub ann: Option<TypeExpr>,
    /// Its default value.
    pub default: Option<Expr>,
}

/// A type annotation as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// `int`, `float`, `bool`, `str`, `None`, or an unknown name.
    Name(Ident),
    /// `list[T]`, `tuple[A, B]`, `tuple[T, ...]`: the generic's name and arguments.
    Generic {
        /// `list` or `tuple` (or an unknown name).
        name: Ident,
        /// The arguments.
        args: Vec<TypeExpr>,
        /// True for `tuple[T, ...]`.
        ellipsis: bool,
        /// The whole annotation.
        span: Span,
    },
    /// Something that is not a type (reported by the parser).
    Error(Span),
}

impl TypeExpr {
    /// The annotation's span.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Name(id) => id.span,
            TypeExpr::Generic { span, .. } => *span,
            TypeExpr::Error(span) => *span,
        }
    }
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// An expression evaluated for its effect (a call, or a docstring).
    Expr(Expr),
    /// `t1 = t2 = value` (one or more targets).
    Assign {
        /// The targets, left to right.
        targets: Vec<Expr>,
        /// The value.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `target: T` or `target: T = value`.
    AnnAssign {
        /// A name.
        target: Ident,
        /// The annotation.
        ann: TypeExpr,
        /// The value, if any.
        value: Option<Expr>,
        /// The whole statement.
        span: Span,
    },
    /// `target op= value`.
    AugAssign {
        /// A name or subscript.
        target: Expr,
        /// The operator.
        op: BinOp,
        /// The value.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `return` or `return value`.
    Return {
        /// The value.
        value: Option<Expr>,
        /// The whole statement.
        span: Span,
    },
    /// `if cond: body elif ...: else: orelse` (`elif` nests in `orelse`).
    If {
        /// The condition.
        cond: Expr,
        /// The body.
        body: Vec<Stmt>,
        /// The `else` (or `elif`) part.
        orelse: Vec<Stmt>,
        /// The header.
        span: Span,
    },
    /// `for target in iter: body`.
    For {
        /// A name or a tuple of names.
        target: Expr,
        /// The iterable.
        iter: Expr,
        /// The body.
        body: Vec<Stmt>,
        /// The header.
        span: Span,
    },
    /// `while cond: body`.
    While {
        /// The condition.
        cond: Expr,
        /// The body.
        body: Vec<Stmt>,
        /// The header.
        span: Span,
    },
    /// `break`.
    Break(Span),
    /// `continue`.
    Continue(Span),
    /// `pass`.
    Pass(Span),
    /// `assert cond` or `assert cond, msg`.
    Assert {
        /// The condition.
        cond: Expr,
        /// The message.
        msg: Option<Expr>,
        /// The whole statement.
        span: Span,
    },
    /// A statement that failed to parse (already reported).
    Error(Span),
}

impl Stmt {
    /// The statement's span (the header for compound statements).
    pub fn span(&self) -> Span {
        match self {
            Stmt::Expr(e) => e.span,
            Stmt::Assign { span, .. }
            | Stmt::AnnAssign { span, .. }
            | Stmt::AugAssign { span, .. }
            | Stmt::Return { span, .. }
            | Stmt::If { span, .. }
            | Stmt::For { span, .. }
            | Stmt::While { span, .. }
            | Stmt::Assert { span, .. } => *span,
            Stmt::Break(s) | Stmt::Continue(s) | Stmt::Pass(s) | Stmt::Error(s) => *s,
        }
    }
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    LShift,
    RShift,
}

impl BinOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
        }
    }

    /// Binding strength, as in Python's grammar (higher binds tighter).
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::BitOr => 4,
            BinOp::BitXor => 5,
            BinOp::BitAnd => 6,
            BinOp::LShift | BinOp::RShift => 7,
            BinOp::Add | BinOp::Sub => 8,
            BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => 9,
            BinOp::Pow => 11,
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    Invert,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

/// `and` / `or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BoolOp {
    And,
    Or,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// One `for target in iter if cond...` clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    /// A name or a tuple of names.
    pub target: Expr,
    /// The iterable.
    pub iter: Expr,
    /// The `if` filters.
    pub ifs: Vec<Expr>,
}

/// A keyword argument `name=value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    /// The keyword.
    pub name: Ident,
    /// The value.
    pub value: Expr,
}

/// Expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal's magnitude (negative literals are `Neg` applied to it).
    Int(u64),
    /// A float literal.
    Float(f64),
    /// `True` / `False`.
    Bool(bool),
    /// A string literal.
    Str(String),
    /// `None`.
    None,
    /// `...` (a placeholder body).
    Ellipsis,
    /// `??`, an integer constant hole.
    Hole,
    /// A variable, constant, function or builtin name.
    Name(String),
    /// `lhs op rhs`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `op operand`.
    Unary(UnaryOp, Box<Expr>),
    /// `a and b and c`.
    BoolOp(BoolOp, Vec<Expr>),
    /// `a < b <= c`: the first operand and (operator, operand) pairs.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `body if cond else orelse`.
    IfExp {
        /// The condition.
        cond: Box<Expr>,
        /// The value when true.
        body: Box<Expr>,
        /// The value when false.
        orelse: Box<Expr>,
    },
    /// `func(args, kw=value)`.
    Call {
        /// The callee: a name, or an attribute for a method call.
        func: Box<Expr>,
        /// Positional arguments.
        args: Vec<Expr>,
        /// Keyword arguments.
        keywords: Vec<Keyword>,
    },
    /// `value.attr` (only valid as a method callee).
    Attribute(Box<Expr>, Ident),
    /// `value[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `value[lower:upper:step]`.
    Slice {
        /// The sliced value.
        value: Box<Expr>,
        /// Start.
        lower: Option<Box<Expr>>,
        /// Stop.
        upper: Option<Box<Expr>>,
        /// Step.
        step: Option<Box<Expr>>,
    },
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)` or `a, b`.
    Tuple(Vec<Expr>),
    /// `[elt for ...]`.
    ListComp(Box<Expr>, Vec<Comprehension>),
    /// `(elt for ...)`, only as the argument of a call.
    GeneratorExp(Box<Expr>, Vec<Comprehension>),
    /// An expression that failed to parse (already reported).
    Error,
}

impl Expr {
    /// An expression node.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

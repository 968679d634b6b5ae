//! The type checker: AST to typed IR. It resolves names with Python's
//! scoping (a name assigned anywhere in a function is local to it), infers
//! each local's type from its first assignment (refined by later uses for
//! `[]`), resolves builtins and methods, and reports every error it finds.
//! Like the parser it never fails; it returns what it could check and the
//! diagnostics. It is strict where Python's dynamic behaviour would make
//! the program's result depend on runtime types (e.g. `int` where `float` is
//! declared), so that every accepted program means the same as in CPython.

mod call;
mod expr;
mod stmt;

use crate::ast::{self, BinOp, BoolOp, CmpOp, ExprKind as A, UnaryOp};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::tir::{self, Builtin, Clause, ExprKind as K, FuncId, LocalId, Method, Target};
use crate::types::{Type, common_type};
use std::collections::{HashMap, HashSet};

/// Checks a parsed module.
pub fn check_module(module: &ast::Module) -> (tir::Program, Vec<Diagnostic>) {
    let mut ck = Checker::default();
    ck.collect(module);
    let program = ck.bodies(module);
    (program, ck.diags)
}

/// Checks one expression against a checked program's functions and
/// constants, with no local variables (the `--call` argument of `synth exec`).
pub fn check_expression(program: &tir::Program, expr: &ast::Expr) -> (Option<tir::Expr>, Vec<Diagnostic>) {
    check_expression_with_locals(program, expr, &[])
}

/// Checks one expression with local variables in scope: `locals[i]` is
/// slot `i` (the enumerator checks its expression templates this way, so a
/// template means exactly what the same text means in a program).
pub fn check_expression_with_locals(
    program: &tir::Program,
    expr: &ast::Expr,
    locals: &[(String, Type)],
) -> (Option<tir::Expr>, Vec<Diagnostic>) {
    let mut ck = Checker::for_program(program);
    let mut cx = FnCtx::new(Type::None, HashMap::new(), HashSet::new(), false);
    for (name, ty) in locals {
        cx.add_local(name, ty.clone());
    }
    let e = ck.expr(&mut cx, expr, None);
    (e, ck.diags)
}

/// Checks one function against a checked program's signatures and
/// constants, as [`check_module`] would check it in place of the program's
/// function of the same name and signature (a candidate body spliced into
/// the program: only that function is checked again). `None` when the
/// program has no function of that name.
pub fn check_function(program: &tir::Program, f: &ast::Function) -> (Option<tir::Function>, Vec<Diagnostic>) {
    let mut ck = Checker::for_program(program);
    if !ck.funcs.contains_key(&f.name.name) {
        return (None, ck.diags);
    }
    // The spliced function takes the place of the original's holes (a
    // sketch filled in, or a candidate for a sketch): it numbers its holes
    // from the original's first, and may have as many, not more.
    let (first, count) =
        program.function(&f.name.name).and_then(|(_, orig)| holes_of(orig)).unwrap_or((program.n_holes, 0));
    ck.n_holes = first;
    let checked = ck.function(f);
    if ck.n_holes > first + count {
        ck.error(f.span, "a spliced function cannot add `??` holes", "holes here");
    }
    (Some(checked), ck.diags)
}

/// The first hole id of a checked function and how many it has (none: `None`).
fn holes_of(f: &tir::Function) -> Option<(usize, usize)> {
    struct Holes(Vec<usize>);
    impl tir::Visit for Holes {
        fn expr(&mut self, e: &tir::Expr) {
            if let tir::ExprKind::Hole(i) = e.kind {
                self.0.push(i);
            }
        }
    }
    let mut h = Holes(Vec::new());
    tir::walk_stmts(&f.body, &mut h);
    h.0.iter().min().map(|&first| (first, h.0.len()))
}

/// A function's signature, known before bodies are checked.
#[derive(Clone)]
struct Sig {
    params: Vec<(String, Type, Option<tir::Expr>)>,
    ret: Type,
}

#[derive(Default)]
struct Checker {
    diags: Vec<Diagnostic>,
    funcs: HashMap<String, FuncId>,
    sigs: Vec<Sig>,
    consts: HashMap<String, (usize, Type)>,
    n_holes: usize,
    /// In the inference pass: record nothing.
    quiet: bool,
}

/// Per-function state.
struct FnCtx {
    locals: Vec<tir::Local>,
    by_name: HashMap<String, LocalId>,
    /// Comprehension scopes, innermost last.
    scopes: Vec<HashMap<String, LocalId>>,
    /// Types inferred by the first pass, for names assigned in this function.
    known: HashMap<String, Type>,
    /// Names Python treats as local: assigned somewhere in the function.
    assigned: HashSet<String>,
    /// Locals first assigned `[]`, whose element type is still unknown (first pass).
    pending: HashSet<String>,
    ret: Type,
    /// False when the function has no return annotation (already reported).
    ret_known: bool,
    /// Names whose first assignment failed to check (already reported).
    failed: HashSet<String>,
    loop_depth: usize,
    inferring: bool,
}

impl FnCtx {
    fn new(ret: Type, known: HashMap<String, Type>, assigned: HashSet<String>, inferring: bool) -> FnCtx {
        FnCtx {
            locals: Vec::new(),
            by_name: HashMap::new(),
            scopes: Vec::new(),
            known,
            assigned,
            pending: HashSet::new(),
            ret,
            ret_known: true,
            failed: HashSet::new(),

            loop_depth: 0,
            inferring,
        }
    }

    fn add_local(&mut self, name: &str, ty: Type) -> LocalId {
        let id = self.locals.len();
        self.locals.push(tir::Local { name: name.to_string(), ty });
        self.by_name.insert(name.to_string(), id);
        id
    }

    /// The slot of a function-level local, allocating it if its type is known.
    fn lookup(&mut self, name: &str) -> Option<LocalId> {
        for scope in self.scopes.iter().rev() {
            if let Some(id) = scope.get(name) {
                return Some(*id);
            }
        }
        if let Some(id) = self.by_name.get(name) {
            return Some(*id);
        }
        let ty = self.known.get(name)?.clone();
        Some(self.add_local(name, ty))
    }
}

/// Joins two types a local was assigned, as the inference pass widens
/// fixed tuples of different lengths to `tuple[T, ...]`.
fn join(a: &Type, b: &Type) -> Type {
    if b.fits(a) {
        return a.clone();
    }
    if a.fits(b) {
        return b.clone();
    }
    let items = |t: &Type| -> Option<Vec<Type>> {
        match t {
            Type::Tuple(items) => Some(items.clone()),
            Type::TupleOf(t) => Some(vec![(**t).clone()]),
            _ => None,
        }
    };
    if let (Some(mut x), Some(y)) = (items(a), items(b)) {
        x.extend(y);
        if let Some(t) = common_type(&x) {
            return Type::tuple_of(t);
        }
    }
    a.clone()
}

const KNOWN_DECORATORS: &[&str] = &["synthesize", "evolve", "score"];

impl Checker {
    /// A checker that knows a checked program's functions and constants.
    fn for_program(program: &tir::Program) -> Checker {
        let mut ck = Checker::default();
        for (id, f) in program.functions.iter().enumerate() {
            ck.funcs.insert(f.name.clone(), id);
            ck.sigs.push(Sig {
                params: f.params.iter().map(|p| (p.name.clone(), p.ty.clone(), p.default.clone())).collect(),
                ret: f.ret.clone(),
            });
        }
        for (id, c) in program.consts.iter().enumerate() {
            ck.consts.insert(c.name.clone(), (id, c.ty.clone()));
        }
        ck
    }

    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        if !self.quiet {
            self.diags.push(Diagnostic::error(span, message, label));
        }
    }

    fn error_note(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        note: impl Into<String>,
    ) {
        if !self.quiet {
            self.diags.push(Diagnostic::error(span, message, label).with_note(note));
        }
    }

    // --------------------------------------------------------- declarations

    fn resolve_type(&mut self, t: &ast::TypeExpr) -> Option<Type> {
        match t {
            ast::TypeExpr::Error(_) => None,
            ast::TypeExpr::Name(id) => match id.name.as_str() {
                "int" => Some(Type::Int),
                "float" => Some(Type::Float),
                "bool" => Some(Type::Bool),
                "str" => Some(Type::Str),
                "None" => Some(Type::None),
                "list" | "tuple" => {
                    self.error(
                        id.span,
                        format!("`{}` needs its element type", id.name),
                        format!("write e.g. `{}[int]`", id.name),
                    );
                    None
                }
                other => {
                    self.unknown_type(id.span, other);
                    None
                }
            },
            ast::TypeExpr::Generic { name, args, ellipsis, span } => {
                let args: Vec<Type> = args.iter().map(|a| self.resolve_type(a)).collect::<Option<_>>()?;
                if args.contains(&Type::None) {
                    self.error(*span, "`None` is only allowed as a return type", "not a value type");
                    return None;
                }
                match name.name.as_str() {
                    "list" | "List" if args.len() == 1 && !ellipsis => {
                        if name.name == "List" {
                            self.error(
                                name.span,
                                "use `list[...]`, not `List[...]`",
                                "typing aliases are not supported",
                            );
                        }
                        Some(Type::list(args[0].clone()))
                    }
                    "tuple" if *ellipsis && args.len() == 1 => Some(Type::tuple_of(args[0].clone())),
                    "tuple" if !ellipsis => Some(Type::Tuple(args)),
                    "list" | "tuple" => {
                        self.error(
                            *span,
                            format!("malformed `{}` type", name.name),
                            "expected `list[T]`, `tuple[A, B]` or `tuple[T, ...]`",
                        );
                        None
                    }
                    other => {
                        self.unknown_type(name.span, other);
                        None
                    }
                }
            }
        }
    }

    fn unknown_type(&mut self, span: Span, name: &str) {
        let note = match name {
            "dict" | "set" | "Dict" | "Set" | "frozenset" => "dict and set are not supported yet",
            "Optional" | "Union" | "Any" => "union and optional types are not supported",
            "List" | "Tuple" => "use the builtin generics `list[...]` and `tuple[...]`",
            _ => "the types are int, float, bool, str, list[T], tuple[...] and None",
        };
        self.error_note(span, format!("unknown type `{name}`"), "not a type of synth's language", note);
    }

    /// First pass over the module: function signatures and constant names.
    fn collect(&mut self, module: &ast::Module) {
        for item in &module.items {
            if let ast::Item::Function(f) = item {
                if self.funcs.contains_key(&f.name.name) {
                    self.error(
                        f.name.span,
                        format!("function `{}` is defined twice", f.name.name),
                        "second definition",
                    );
                    continue;
                }
                for d in &f.decorators {
                    if !KNOWN_DECORATORS.contains(&d.name.name.as_str()) {
                        self.error_note(
                            d.name.span,
                            format!("unknown decorator `@{}`", d.name.name),
                            "not a synth decorator",
                            "the decorators are @synthesize, @evolve and @score",
                        );
                    }
                }
                let mut params: Vec<(String, Type, Option<tir::Expr>)> = Vec::new();
                for p in &f.params {
                    let ty = match &p.ann {
                        Some(t) => self.resolve_type(t),
                        None => {
                            self.error(
                                p.name.span,
                                format!("parameter `{}` needs a type annotation", p.name.name),
                                "write `name: type`",
                            );
                            None
                        }
                    };
                    if ty == Some(Type::None) {
                        self.error(p.name.span, "a parameter cannot have type `None`", "not a value type");
                    }
                    if params.iter().any(|(n, _, _)| *n == p.name.name) {
                        self.error(
                            p.name.span,
                            format!("duplicate parameter `{}`", p.name.name),
                            "already a parameter",
                        );
                    }
                    params.push((p.name.name.clone(), ty.unwrap_or(Type::Int), None));
                }
                let ret = match &f.ret {
                    Some(t) => self.resolve_type(t).unwrap_or(Type::None),
                    None => {
                        self.error(
                            f.name.span,
                            format!("function `{}` needs a return type annotation", f.name.name),
                            "write `-> type` (or `-> None`)",
                        );
                        Type::None
                    }
                };
                let id = self.sigs.len();
                self.funcs.insert(f.name.name.clone(), id);
                self.sigs.push(Sig { params, ret });
            }
        }
    }

    /// Second pass: constants, defaults and bodies, in source order.
    fn bodies(&mut self, module: &ast::Module) -> tir::Program {
        let mut consts = Vec::new();
        let mut functions = Vec::new();
        // Constants and defaults are checked before bodies, since calls use them.
        let fn_items: Vec<&ast::Function> = module
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Function(f) => Some(f),
                _ => None,
            })
            .collect();
        for item in &module.items {
            if let ast::Item::Const(c) = item
                && let Some(tc) = self.constant(c)
            {
                self.consts.insert(tc.name.clone(), (consts.len(), tc.ty.clone()));
                consts.push(tc);
            }
        }
        let mut seen = HashSet::new();
        for f in &fn_items {
            if !seen.insert(f.name.name.clone()) {
                continue;
            }
            let id = self.funcs[&f.name.name];
            let mut ds = Vec::new();
            for (i, p) in f.params.iter().enumerate() {
                let ty = self.sigs[id].params[i].1.clone();
                let d = p.default.as_ref().and_then(|d| self.default_value(d, &ty));
                ds.push(d);
            }
            for (i, d) in ds.into_iter().enumerate() {
                self.sigs[id].params[i].2 = d;
            }
        }
        let mut seen = HashSet::new();
        for f in &fn_items {
            if !seen.insert(f.name.name.clone()) {
                continue;
            }
            functions.push(self.function(f));
        }
        tir::Program { functions, consts, n_holes: self.n_holes }
    }

    fn constant(&mut self, c: &ast::ConstDef) -> Option<tir::Const> {
        if self.consts.contains_key(&c.name.name) {
            self.error_note(
                c.name.span,
                format!("constant `{}` is assigned twice", c.name.name),
                "second assignment",
                "module-level names are constants; global mutable state is not supported",
            );
            return None;
        }
        if self.funcs.contains_key(&c.name.name) {
            self.error(c.name.span, format!("`{}` is already a function", c.name.name), "name clash");
            return None;
        }
        let ann = match &c.ann {
            Some(t) => Some(self.resolve_type(t)?),
            None => None,
        };
        let mut cx = FnCtx::new(Type::None, HashMap::new(), HashSet::new(), false);
        let value = self.expr(&mut cx, &c.value, ann.as_ref())?;
        if !cx.locals.is_empty() {
            // Comprehension variables in a constant: keep it simple and honest.
            self.error(
                c.value.span,
                "comprehensions are not supported in module-level constants",
                "move this into a function",
            );
            return None;
        }
        let ty = match ann {
            Some(t) => {
                self.expect_fits(&value, &t, "the annotation")?;
                t
            }
            None => value.ty.clone(),
        };
        self.check_value_type(&value)?;
        Some(tir::Const { name: c.name.name.clone(), ty, value, span: c.span })
    }

    /// A default parameter value: a constant expression of an immutable type.
    fn default_value(&mut self, e: &ast::Expr, ty: &Type) -> Option<tir::Expr> {
        if matches!(ty, Type::List(_)) {
            self.error_note(
                e.span,
                "mutable default arguments are not supported",
                "a list default",
                "Python shares one default list across calls; pass the list explicitly",
            );
            return None;
        }
        let mut cx = FnCtx::new(Type::None, HashMap::new(), HashSet::new(), false);
        let v = self.expr(&mut cx, e, Some(ty))?;
        if !is_constant_expr(&v) {
            self.error(e.span, "a default value must be a constant expression", "no calls or comprehensions here");
            return None;
        }
        self.expect_fits(&v, ty, "the parameter's type")?;
        Some(v)
    }

    fn function(&mut self, f: &ast::Function) -> tir::Function {
        let id = self.funcs[&f.name.name];
        let sig = self.sigs[id].clone();
        let is_stub = f.is_stub();
        let mut assigned = HashSet::new();
        collect_assigned(&f.body, &mut assigned);
        for (name, _, _) in &sig.params {
            assigned.remove(name);
        }
        // Inference passes: learn each local's type from its first assignment
        // (and refine `[]`), quietly, until nothing new is learnt.
        let mut known: HashMap<String, Type> = HashMap::new();
        let holes_before = self.n_holes;
        let diags_before = self.diags.len();
        if !is_stub {
            self.quiet = true;
            for _ in 0..4 {
                let mut cx = FnCtx::new(sig.ret.clone(), known.clone(), assigned.clone(), true);
                cx.ret_known = f.ret.is_some();
                for (name, ty, _) in &sig.params {
                    cx.add_local(name, ty.clone());
                }
                self.block(&mut cx, &f.body);
                let mut learnt: HashMap<String, Type> = HashMap::new();
                for (name, id) in &cx.by_name {
                    if assigned.contains(name) {
                        learnt.insert(name.clone(), cx.locals[*id].ty.clone());
                    }
                }
                if learnt == known {
                    break;
                }
                known = learnt;
                self.n_holes = holes_before;
            }
            self.quiet = false;
            self.n_holes = holes_before;
            self.diags.truncate(diags_before);
        }
        let mut cx = FnCtx::new(sig.ret.clone(), known, assigned, false);
        cx.ret_known = f.ret.is_some();
        for (name, ty, _) in &sig.params {
            cx.add_local(name, ty.clone());
        }
        let diags_before_body = self.diags.len();
        let body = if is_stub { Vec::new() } else { self.block(&mut cx, &f.body) };
        // A body with errors lost statements: "missing return" would be an echo.
        let body_ok = self.diags.len() == diags_before_body;
        if !is_stub && body_ok && f.ret.is_some() && sig.ret != Type::None && falls_through(&body) {
            self.error_note(
                f.name.span,
                format!(
                    "missing return: `{}` is declared `-> {}` but can reach the end of its body",
                    f.name.name, sig.ret
                ),
                "this function",
                "Python would return None here; add a `return` on every path",
            );
        }
        tir::Function {
            name: f.name.name.clone(),
            decorators: f.decorators.iter().map(|d| d.name.name.clone()).collect(),
            params: sig
                .params
                .iter()
                .map(|(name, ty, default)| tir::Param { name: name.clone(), ty: ty.clone(), default: default.clone() })
                .collect(),
            ret: sig.ret.clone(),
            locals: cx.locals,
            body,
            is_stub,
            span: f.span,
        }
    }
}

/// `int(b)` for a bool operand of arithmetic (Python's bool is an int subclass).
fn bool_to_int(e: tir::Expr) -> tir::Expr {
    if e.ty != Type::Bool {
        return e;
    }
    let span = e.span;
    tir::Expr { kind: K::Builtin(Builtin::Int, vec![e]), ty: Type::Int, span }
}

/// Truthiness as a `bool` expression.
fn truthy(e: tir::Expr) -> tir::Expr {
    if e.ty == Type::Bool {
        return e;
    }
    let span = e.span;
    tir::Expr { kind: K::Truthy(Box::new(e)), ty: Type::Bool, span }
}

fn to_float(e: tir::Expr) -> tir::Expr {
    if e.ty == Type::Float {
        return e;
    }
    let span = e.span;
    tir::Expr { kind: K::IntToFloat(Box::new(e)), ty: Type::Float, span }
}

/// Can `==` compare these types meaningfully (not always False)?
fn comparable(a: &Type, b: &Type) -> bool {
    let number = |t: &Type| t.is_numeric() || *t == Type::Bool;
    if number(a) && number(b) {
        return true;
    }
    match (a, b) {
        (Type::List(x), Type::List(y)) => comparable(x, y),
        (Type::Tuple(_) | Type::TupleOf(_), Type::Tuple(_) | Type::TupleOf(_)) => match (a, b) {
            (Type::Tuple(x), Type::Tuple(y)) => x.iter().zip(y).all(|(p, q)| comparable(p, q)),
            _ => match (a.elem(), b.elem()) {
                (Some(x), Some(y)) => comparable(&x, &y),
                // An empty tuple compares with any tuple.
                _ => matches!(a, Type::Tuple(v) if v.is_empty()) || matches!(b, Type::Tuple(v) if v.is_empty()),
            },
        },
        _ => a == b,
    }
}

fn is_builtin_name(name: &str) -> bool {
    matches!(
        name,
        "len"
            | "abs"
            | "min"
            | "max"
            | "sum"
            | "range"
            | "sorted"
            | "reversed"
            | "enumerate"
            | "zip"
            | "any"
            | "all"
            | "round"
            | "str"
            | "int"
            | "float"
            | "bool"
            | "list"
            | "tuple"
            | "ord"
            | "chr"
            | "repr"
            | "divmod"
            | "pow"
            | "print"
            | "bin"
            | "hex"
            | "oct"
    )
}

fn is_empty_list(e: &ast::Expr) -> bool {
    match &e.kind {
        A::List(items) => items.is_empty(),
        A::Call { func, args, keywords } => {
            args.is_empty() && keywords.is_empty() && matches!(&func.kind, A::Name(n) if n == "list")
        }
        _ => false,
    }
}

fn is_constant_expr(e: &tir::Expr) -> bool {
    match &e.kind {
        K::Int(_) | K::Float(_) | K::Bool(_) | K::Str(_) | K::Const(_) => true,
        K::Unary(_, x) | K::IntToFloat(x) => is_constant_expr(x),
        K::Binary(_, a, b) => is_constant_expr(a) && is_constant_expr(b),
        K::Tuple(items) => items.iter().all(is_constant_expr),
        _ => false,
    }
}

/// Names assigned anywhere in a function body (Python's rule for locals).
fn collect_assigned(stmts: &[ast::Stmt], out: &mut HashSet<String>) {
    fn target(t: &ast::Expr, out: &mut HashSet<String>) {
        match &t.kind {
            A::Name(n) => {
                out.insert(n.clone());
            }
            A::Tuple(items) | A::List(items) => items.iter().for_each(|i| target(i, out)),
            _ => {}
        }
    }
    for s in stmts {
        match s {
            ast::Stmt::Assign { targets, .. } => targets.iter().for_each(|t| target(t, out)),
            ast::Stmt::AnnAssign { target: t, .. } => {
                out.insert(t.name.clone());
            }
            ast::Stmt::AugAssign { target: t, .. } => target(t, out),
            ast::Stmt::For { target: t, body, .. } => {
                target(t, out);
                collect_assigned(body, out);
            }
            ast::Stmt::If { body, orelse, .. } => {
                collect_assigned(body, out);
                collect_assigned(orelse, out);
            }
            ast::Stmt::While { body, .. } => collect_assigned(body, out),
            _ => {}
        }
    }
}

/// Can control reach the end of this block?
fn falls_through(stmts: &[tir::Stmt]) -> bool {
    for s in stmts {
        match s {
            tir::Stmt::Return(..) => return false,
            tir::Stmt::If(_, a, b) if !falls_through(a) && !falls_through(b) => return false,
            tir::Stmt::While(c, body) if matches!(c.kind, K::Bool(true)) && !has_break(body) => {
                return false;
            }
            tir::Stmt::Assert(c, _, _) if matches!(c.kind, K::Bool(false)) => return false,
            _ => {}
        }
    }
    true
}

fn has_break(stmts: &[tir::Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        tir::Stmt::Break => true,
        tir::Stmt::If(_, a, b) => has_break(a) || has_break(b),
        // A break inside a nested loop belongs to that loop.
        _ => false,
    })
}

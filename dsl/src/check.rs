//! The type checker: AST to typed IR. It resolves names with Python's
//! scoping (a name assigned anywhere in a function is local to it), infers
//! each local's type from its first assignment (refined by later uses for
//! `[]`), resolves builtins and methods, and reports every error it finds.
//! Like the parser it never fails; it returns what it could check and the
//! diagnostics. It is strict where Python's dynamic behaviour would make
//! the program's result depend on runtime types (e.g. `int` where `float` is
//! declared), so that every accepted program means the same as in CPython.

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
    ck.n_holes = program.n_holes;
    let checked = ck.function(f);
    if ck.n_holes != program.n_holes {
        ck.error(f.span, "a spliced function cannot add `??` holes", "holes here");
    }
    (Some(checked), ck.diags)
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

    // ------------------------------------------------------------ statements

    fn block(&mut self, cx: &mut FnCtx, stmts: &[ast::Stmt]) -> Vec<tir::Stmt> {
        let mut out = Vec::new();
        for s in stmts {
            stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.stmt(cx, s, &mut out));
        }
        out
    }

    fn stmt(&mut self, cx: &mut FnCtx, s: &ast::Stmt, out: &mut Vec<tir::Stmt>) {
        match s {
            ast::Stmt::Error(_) | ast::Stmt::Pass(_) => {}
            ast::Stmt::Expr(e) => {
                match &e.kind {
                    // Docstrings and placeholders.
                    A::Str(_) => return,
                    A::Ellipsis => {
                        self.error(e.span, "`...` is only allowed as a whole function body", "placeholder here");
                        return;
                    }
                    _ => {}
                }
                if let Some(te) = self.expr_allow_none(cx, e) {
                    out.push(tir::Stmt::Expr(te));
                }
            }
            ast::Stmt::Assign { targets, value, span } => {
                let hint = match targets.as_slice() {
                    [t] => self.target_hint(cx, t),
                    _ => None,
                };
                // `x = []`: in the inference pass the element type may come later.
                if cx.inferring
                    && let [ast::Expr { kind: A::Name(name), .. }] = targets.as_slice()
                    && hint.is_none()
                    && is_empty_list(value)
                {
                    if cx.lookup(name).is_none() {
                        cx.pending.insert(name.clone());
                    }
                    return;
                }
                let Some(v) = self.expr(cx, value, hint.as_ref()) else {
                    // Uses of names this failed to define would only echo the error.
                    for t in targets {
                        if let A::Name(n) = &t.kind
                            && cx.lookup(n).is_none()
                        {
                            cx.failed.insert(n.clone());
                        }
                    }
                    return;
                };
                if self.check_value_type(&v).is_none() {
                    return;
                }
                let mut ts = Vec::new();
                for t in targets {
                    match self.bind_target(cx, t, &v.ty, Some(&v)) {
                        Some(t) => ts.push(t),
                        None => return,
                    }
                }
                out.push(tir::Stmt::Assign { targets: ts, value: v, span: *span });
            }
            ast::Stmt::AnnAssign { target, ann, value, span } => {
                let Some(ty) = self.resolve_type(ann) else {
                    return;
                };
                if ty == Type::None {
                    self.error(ann.span(), "a variable cannot have type `None`", "not a value type");
                    return;
                }
                if !cx.assigned.contains(&target.name) {
                    self.error(
                        target.span,
                        format!("`{}` is a parameter and cannot be re-annotated", target.name),
                        "parameter",
                    );
                    return;
                }
                let id = match cx.by_name.get(&target.name).copied() {
                    Some(id) => {
                        if cx.locals[id].ty != ty {
                            if cx.inferring {
                                cx.locals[id].ty = ty.clone();
                            } else {
                                let old = cx.locals[id].ty.clone();
                                self.error(
                                    ann.span(),
                                    format!("`{}` was already given type `{old}`", target.name),
                                    format!("conflicting annotation `{ty}`"),
                                );
                                return;
                            }
                        }
                        id
                    }
                    None => cx.add_local(&target.name, ty.clone()),
                };
                cx.pending.remove(&target.name);
                if let Some(value) = value {
                    let Some(v) = self.expr(cx, value, Some(&ty)) else {
                        return;
                    };
                    if self.expect_fits(&v, &ty, "the annotation").is_none() {
                        return;
                    }
                    out.push(tir::Stmt::Assign { targets: vec![Target::Local(id)], value: v, span: *span });
                }
            }
            ast::Stmt::AugAssign { target, op, value, span } => {
                if let Some(s) = self.aug_assign(cx, target, *op, value, *span) {
                    out.push(s);
                }
            }
            ast::Stmt::Return { value, span } => {
                if !cx.ret_known {
                    // The missing annotation was reported; check the value alone.
                    if let Some(v) = value {
                        let _ = self.expr(cx, v, None);
                    }
                    return;
                }
                let ret = cx.ret.clone();
                match value {
                    None => {
                        if ret != Type::None {
                            self.error(
                                *span,
                                format!("`return` without a value in a function declared `-> {ret}`"),
                                "expected a value",
                            );
                        }
                        out.push(tir::Stmt::Return(None, *span));
                    }
                    Some(ast::Expr { kind: A::None, span: vspan }) => {
                        if ret != Type::None {
                            self.error(*vspan, format!("expected `{ret}`, found `None`"), "the function's return type");
                        }
                        out.push(tir::Stmt::Return(None, *span));
                    }
                    Some(v) => {
                        if ret == Type::None {
                            // `return f()` where f returns None is fine.
                            if let Some(te) = self.expr_allow_none(cx, v) {
                                if te.ty == Type::None {
                                    out.push(tir::Stmt::Expr(te));
                                    out.push(tir::Stmt::Return(None, *span));
                                } else {
                                    self.error(
                                        v.span,
                                        format!("the function is declared `-> None` but returns `{}`", te.ty),
                                        "unexpected value",
                                    );
                                }
                            }
                            return;
                        }
                        if cx.inferring
                            && let A::Name(name) = &v.kind
                            && cx.pending.remove(name)
                        {
                            cx.add_local(name, ret.clone());
                        }
                        let Some(te) = self.expr(cx, v, Some(&ret)) else {
                            return;
                        };
                        if self.expect_fits(&te, &ret, "the function's return type").is_none() {
                            return;
                        }
                        out.push(tir::Stmt::Return(Some(te), *span));
                    }
                }
            }
            ast::Stmt::If { cond, body, orelse, .. } => {
                let c = self.condition(cx, cond);
                let b = self.block(cx, body);
                let o = self.block(cx, orelse);
                if let Some(c) = c {
                    out.push(tir::Stmt::If(c, b, o));
                }
            }
            ast::Stmt::While { cond, body, .. } => {
                let c = self.condition(cx, cond);
                cx.loop_depth += 1;
                let b = self.block(cx, body);
                cx.loop_depth -= 1;
                if let Some(c) = c {
                    out.push(tir::Stmt::While(c, b));
                }
            }
            ast::Stmt::For { target, iter, body, span } => {
                let it = self.iterable(cx, iter);
                let t = it.as_ref().and_then(|it| {
                    let elem = self.elem_type(it)?;
                    self.bind_target(cx, target, &elem, None)
                });
                cx.loop_depth += 1;
                let b = self.block(cx, body);
                cx.loop_depth -= 1;
                if let (Some(it), Some(t)) = (it, t) {
                    out.push(tir::Stmt::For { target: t, iter: it, body: b, span: *span });
                }
            }
            ast::Stmt::Break(span) | ast::Stmt::Continue(span) => {
                if cx.loop_depth == 0 {
                    self.error(*span, "`break`/`continue` outside a loop", "not in a loop");
                    return;
                }
                out.push(if matches!(s, ast::Stmt::Break(_)) { tir::Stmt::Break } else { tir::Stmt::Continue });
            }
            ast::Stmt::Assert { cond, msg, span } => {
                let c = self.condition(cx, cond);
                let m = msg.as_ref().and_then(|m| {
                    let e = self.expr(cx, m, None)?;
                    self.check_value_type(&e)?;
                    Some(self.to_str(e))
                });
                if msg.is_some() && m.is_none() {
                    return;
                }
                if let Some(c) = c {
                    out.push(tir::Stmt::Assert(c, m, *span));
                }
            }
        }
    }

    /// The type an assignment target already has, to guide the value (`xs: list[int]`, then `xs = []`).
    fn target_hint(&mut self, cx: &mut FnCtx, t: &ast::Expr) -> Option<Type> {
        match &t.kind {
            A::Name(name) => {
                if cx.inferring && cx.pending.contains(name) {
                    return None;
                }
                if let Some(id) = cx.scopes.iter().rev().find_map(|s| s.get(name)).or(cx.by_name.get(name)) {
                    return Some(cx.locals[*id].ty.clone());
                }
                cx.known.get(name).cloned()
            }
            _ => None,
        }
    }

    fn to_str(&self, e: tir::Expr) -> tir::Expr {
        if e.ty == Type::Str {
            return e;
        }
        let span = e.span;
        tir::Expr { kind: K::Builtin(Builtin::Str, vec![e]), ty: Type::Str, span }
    }

    /// Rejects a `None` (the result of a `-> None` call) used as a value.
    fn check_value_type(&mut self, e: &tir::Expr) -> Option<()> {
        if e.ty == Type::None {
            self.error(e.span, "this call returns `None`, which is not a value", "returns None");
            return None;
        }
        Some(())
    }

    fn expect_fits(&mut self, e: &tir::Expr, ty: &Type, what: &str) -> Option<()> {
        if e.ty.fits(ty) {
            return Some(());
        }
        let note = if e.ty == Type::Int && *ty == Type::Float {
            "an int stays an int in Python (its repr differs): write a float literal like `0.0` or convert with float(...)"
        } else {
            ""
        };
        if note.is_empty() {
            self.error(e.span, format!("expected `{ty}` ({what}), found `{}`", e.ty), format!("this is `{}`", e.ty));
        } else {
            self.error_note(
                e.span,
                format!("expected `{ty}` ({what}), found `{}`", e.ty),
                format!("this is `{}`", e.ty),
                note,
            );
        }
        None
    }

    /// A condition: any value, tested for truthiness.
    fn condition(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
        let te = self.expr(cx, e, Some(&Type::Bool))?;
        self.check_value_type(&te)?;
        Some(truthy(te))
    }

    /// Binds an assignment or loop target to a value of type `ty`.
    fn bind_target(&mut self, cx: &mut FnCtx, t: &ast::Expr, ty: &Type, value: Option<&tir::Expr>) -> Option<Target> {
        match &t.kind {
            A::Name(name) => {
                if !cx.scopes.is_empty() && cx.scopes.last().is_some_and(|s| s.contains_key(name)) {
                    let id = cx.scopes.last()?[name];
                    return self.assign_local(cx, id, name, ty, t.span);
                }
                if cx.inferring && cx.pending.remove(name) {
                    let id = cx.add_local(name, ty.clone());
                    return Some(Target::Local(id));
                }
                if let Some(id) = cx.by_name.get(name).copied().or_else(|| {
                    let ty = cx.known.get(name)?.clone();
                    Some(cx.add_local(name, ty))
                }) {
                    return self.assign_local(cx, id, name, ty, t.span);
                }
                if !cx.assigned.contains(name) && cx.scopes.is_empty() {
                    // Not a local: a constant, in a function or at the module level.
                    self.error(t.span, format!("cannot assign to `{name}` here"), "not a local variable");
                    return None;
                }
                let id = cx.add_local(name, ty.clone());
                Some(Target::Local(id))
            }
            A::Index(seq, index) => {
                let s = self.expr(cx, seq, None)?;
                let i = self.expr(cx, index, Some(&Type::Int))?;
                match &s.ty {
                    Type::List(elem) => {
                        self.expect_index(&i)?;
                        if !ty.fits(elem) {
                            let span = value.map_or(t.span, |v| v.span);
                            self.error(
                                span,
                                format!("expected `{elem}` (an element of `{}`), found `{ty}`", s.ty),
                                "wrong element type",
                            );
                            return None;
                        }
                        Some(Target::Index { seq: s, index: i, span: t.span })
                    }
                    Type::Str | Type::Tuple(_) | Type::TupleOf(_) => {
                        self.error(
                            t.span,
                            format!("`{}` is immutable: its items cannot be assigned", s.ty),
                            "immutable",
                        );
                        None
                    }
                    other => {
                        self.error(seq.span, format!("cannot index a value of type `{other}`"), "not a sequence");
                        None
                    }
                }
            }
            A::Tuple(items) | A::List(items) => {
                let item_types: Vec<Type> = match ty {
                    Type::Tuple(ts) if ts.len() == items.len() => ts.clone(),
                    Type::Tuple(ts) => {
                        self.error(
                            t.span,
                            format!("cannot unpack `{ty}` ({} items) into {} targets", ts.len(), items.len()),
                            "wrong number of targets",
                        );
                        return None;
                    }
                    Type::List(e) | Type::TupleOf(e) => vec![(**e).clone(); items.len()],
                    Type::Str => vec![Type::Str; items.len()],
                    other => {
                        self.error(t.span, format!("cannot unpack a value of type `{other}`"), "not a sequence");
                        return None;
                    }
                };
                let mut ts = Vec::new();
                for (item, ity) in items.iter().zip(&item_types) {
                    ts.push(self.bind_target(cx, item, ity, None)?);
                }
                Some(Target::Unpack(ts, t.span))
            }
            _ => {
                self.error(
                    t.span,
                    "cannot assign to this expression",
                    "expected a name, a subscript or a tuple of them",
                );
                None
            }
        }
    }

    fn assign_local(&mut self, cx: &mut FnCtx, id: LocalId, name: &str, ty: &Type, span: Span) -> Option<Target> {
        let have = cx.locals[id].ty.clone();
        if ty.fits(&have) {
            return Some(Target::Local(id));
        }
        if cx.inferring {
            cx.locals[id].ty = join(&have, ty);
            return Some(Target::Local(id));
        }
        let note = if have == Type::Int && *ty == Type::Float {
            format!("give `{name}` a float value from the start (e.g. `{name} = 0.0`)")
        } else {
            "a variable keeps the type of its first assignment; use another name".to_string()
        };
        self.error_note(
            span,
            format!("`{name}` has type `{have}`, but this assigns a `{ty}`"),
            format!("`{name}` is `{have}`"),
            note,
        );
        None
    }

    fn aug_assign(
        &mut self,
        cx: &mut FnCtx,
        target: &ast::Expr,
        op: BinOp,
        value: &ast::Expr,
        span: Span,
    ) -> Option<tir::Stmt> {
        if cx.inferring
            && let A::Name(name) = &target.kind
            && cx.pending.contains(name)
        {
            // `xs += [v]` on a pending `[]`.
            let v = self.expr(cx, value, None)?;
            if matches!(v.ty, Type::List(_)) {
                cx.pending.remove(name);
                cx.add_local(name, v.ty.clone());
            }
            return None;
        }
        let (t, tty) = match &target.kind {
            A::Name(name) => {
                let Some(id) = cx.lookup(name) else {
                    self.error(target.span, format!("`{name}` is used before it is assigned"), "no value yet");
                    return None;
                };
                (Target::Local(id), cx.locals[id].ty.clone())
            }
            A::Index(seq, index) => {
                let s = self.expr(cx, seq, None)?;
                let i = self.expr(cx, index, Some(&Type::Int))?;
                let Type::List(elem) = &s.ty else {
                    self.error(
                        target.span,
                        format!("cannot assign to an item of `{}`", s.ty),
                        "only list items can be assigned",
                    );
                    return None;
                };
                self.expect_index(&i)?;
                let elem = (**elem).clone();
                (Target::Index { seq: s, index: i, span: target.span }, elem)
            }
            _ => {
                self.error(target.span, "cannot assign to this expression", "expected a name or a subscript");
                return None;
            }
        };
        let mut v = self.expr(cx, value, Some(&tty))?;
        if tty.is_numeric() && v.ty == Type::Bool {
            v = bool_to_int(v);
        }
        self.check_value_type(&v)?;
        // In-place list updates: `xs += iterable`, `xs *= n`.
        if let Type::List(elem) = &tty {
            match op {
                BinOp::Add => {
                    let Some(ve) = v.ty.elem() else {
                        self.error(
                            v.span,
                            format!("expected an iterable of `{elem}`, found `{}`", v.ty),
                            "not iterable",
                        );
                        return None;
                    };
                    if !ve.fits(elem) {
                        self.error(
                            v.span,
                            format!("expected an iterable of `{elem}`, found `{}`", v.ty),
                            "wrong element type",
                        );
                        return None;
                    }
                }
                BinOp::Mul => {
                    self.expect_int(&v)?;
                }
                _ => {
                    self.error(span, format!("`{}=` is not defined for `{tty}`", op.as_str()), "unsupported operator");
                    return None;
                }
            }
            return Some(tir::Stmt::AugAssign { target: t, op, value: v, span });
        }
        // Otherwise `t = t op v`, which must keep the target's type.
        let lhs = tir::Expr { kind: K::Int(0), ty: tty.clone(), span: target.span };
        let result = self.binary_type(op, &lhs, &mut v, span, true)?;
        if !result.fits(&tty) {
            let note = if tty == Type::Int && result == Type::Float {
                "the target is an int; start it as a float (e.g. `0.0`)"
            } else {
                "a variable keeps the type of its first assignment"
            };
            self.error_note(
                span,
                format!("`{}=` gives a `{result}`, but the target has type `{tty}`", op.as_str()),
                "type would change",
                note,
            );
            return None;
        }
        Some(tir::Stmt::AugAssign { target: t, op, value: v, span })
    }

    // ----------------------------------------------------------- expressions

    /// An expression that may be a `None`-returning call (an expression statement).
    fn expr_allow_none(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
        self.expr(cx, e, None)
    }

    /// Checks an expression. `hint` is the type the context expects; it
    /// guides empty displays and is not enforced here.
    fn expr(&mut self, cx: &mut FnCtx, e: &ast::Expr, hint: Option<&Type>) -> Option<tir::Expr> {
        stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.expr_inner(cx, e, hint))
    }

    fn expr_inner(&mut self, cx: &mut FnCtx, e: &ast::Expr, hint: Option<&Type>) -> Option<tir::Expr> {
        let span = e.span;
        let mk = |kind: K, ty: Type| Some(tir::Expr { kind, ty, span });
        match &e.kind {
            A::Error => None,
            A::Int(v) => {
                if *v > i64::MAX as u64 {
                    self.error(span, "integer literal does not fit in 64 bits", "too large for `int`");
                    return None;
                }
                mk(K::Int(*v as i64), Type::Int)
            }
            A::Float(v) => mk(K::Float(*v), Type::Float),
            A::Bool(b) => mk(K::Bool(*b), Type::Bool),
            A::Str(s) => mk(K::Str(s.clone()), Type::Str),
            A::None => {
                self.error_note(
                    span,
                    "`None` is not a value in synth's language",
                    "None here",
                    "`None` may only be returned from a function declared `-> None`",
                );
                None
            }
            A::Ellipsis => {
                self.error(span, "`...` is only allowed as a whole function body", "placeholder here");
                None
            }
            A::Hole => {
                let id = self.n_holes;
                self.n_holes += 1;
                mk(K::Hole(id), Type::Int)
            }
            A::Name(name) => self.name(cx, name, span),
            A::Unary(op, operand) => self.unary(cx, *op, operand, span),
            A::Binary(op, l, r) => {
                let hint_l = if matches!(op, BinOp::Add) { hint } else { None };
                // Check both sides before giving up, to report errors in each.
                let lhs = self.expr(cx, l, hint_l);
                let rhs_hint = match &lhs {
                    Some(lhs) if matches!(op, BinOp::Add) && lhs.ty.is_sequence() => Some(lhs.ty.clone()),
                    _ => None,
                };
                let rhs = self.expr(cx, r, rhs_hint.as_ref());
                let (mut lhs, mut rhs) = (lhs?, rhs?);
                self.check_value_type(&lhs)?;
                self.check_value_type(&rhs)?;
                // Python's bool is an int: `True + 1`, `n * (x > 0)`, `b << 2`.
                let both_bool = lhs.ty == Type::Bool && rhs.ty == Type::Bool;
                let bitwise = matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor);
                if !(both_bool && bitwise)
                    && (lhs.ty.is_numeric() || lhs.ty == Type::Bool)
                    && (rhs.ty.is_numeric() || rhs.ty == Type::Bool)
                {
                    lhs = bool_to_int(lhs);
                    rhs = bool_to_int(rhs);
                }
                let ty = self.binary_type(*op, &lhs, &mut rhs, span, false)?;
                if ty == Type::Float && lhs.ty == Type::Int && *op != BinOp::Div {
                    lhs = to_float(lhs);
                }
                if matches!(op, BinOp::Div) && rhs.ty != lhs.ty {
                    lhs = to_float(lhs);
                    rhs = to_float(rhs);
                }
                mk(K::Binary(*op, Box::new(lhs), Box::new(rhs)), ty)
            }
            A::BoolOp(op, values) => {
                let mut out = Vec::new();
                for v in values {
                    let h = out.first().map(|f: &tir::Expr| f.ty.clone()).or(hint.cloned());
                    let te = self.expr(cx, v, h.as_ref())?;
                    self.check_value_type(&te)?;
                    out.push(te);
                }
                let ty = out[0].ty.clone();
                for v in &out[1..] {
                    if v.ty != ty {
                        let word = if *op == BoolOp::And { "and" } else { "or" };
                        self.error_note(
                            v.span,
                            format!("the operands of `{word}` must have one type: `{ty}` and `{}`", v.ty),
                            format!("this is `{}`", v.ty),
                            "Python returns one of the operands; compare explicitly to get a bool",
                        );
                        return None;
                    }
                }
                mk(K::BoolOp(*op, out), ty)
            }
            A::Compare(first, rest) => self.compare(cx, first, rest, span),
            A::IfExp { cond, body, orelse } => {
                let c = self.condition(cx, cond)?;
                let b = self.expr(cx, body, hint)?;
                let o = self.expr(cx, orelse, Some(hint.unwrap_or(&b.ty)))?;
                self.check_value_type(&b)?;
                self.check_value_type(&o)?;
                let ty = if o.ty.fits(&b.ty) {
                    b.ty.clone()
                } else if b.ty.fits(&o.ty) {
                    o.ty.clone()
                } else {
                    self.error(
                        o.span,
                        format!("both branches must have one type: `{}` and `{}`", b.ty, o.ty),
                        format!("this is `{}`", o.ty),
                    );
                    return None;
                };
                mk(K::IfExp(Box::new(c), Box::new(b), Box::new(o)), ty)
            }
            A::Call { func, args, keywords } => self.call(cx, func, args, keywords, span, hint),
            A::Attribute(_, attr) => {
                self.error_note(
                    span,
                    format!("attribute `.{}` is not supported", attr.name),
                    "only method calls",
                    "methods must be called: `s.upper()`",
                );
                None
            }
            A::Index(seq, index) => self.index(cx, seq, index, span),
            A::Slice { value, lower, upper, step } => {
                let s = self.expr(cx, value, None)?;
                let mut bound = |this: &mut Self, b: &Option<Box<ast::Expr>>| -> Option<Option<Box<tir::Expr>>> {
                    match b {
                        None => Some(None),
                        Some(b) => {
                            let tb = this.expr(cx, b, Some(&Type::Int))?;
                            this.expect_index(&tb)?;
                            Some(Some(Box::new(tb)))
                        }
                    }
                };
                let lo = bound(self, lower)?;
                let hi = bound(self, upper)?;
                let st = bound(self, step)?;
                let ty = match &s.ty {
                    Type::Str | Type::List(_) | Type::TupleOf(_) => s.ty.clone(),
                    Type::Tuple(items) => match common_type(items) {
                        Some(t) => Type::tuple_of(t),
                        None if items.is_empty() => s.ty.clone(),
                        None => {
                            self.error(
                                span,
                                format!("cannot slice the mixed tuple `{}`", s.ty),
                                "items have different types",
                            );
                            return None;
                        }
                    },
                    other => {
                        self.error(value.span, format!("cannot slice a value of type `{other}`"), "not a sequence");
                        return None;
                    }
                };
                mk(K::Slice(Box::new(s), lo, hi, st), ty)
            }
            A::List(items) => {
                let elem_hint = match hint {
                    Some(Type::List(t)) => Some((**t).clone()),
                    _ => None,
                };
                if items.is_empty() {
                    return match elem_hint {
                        Some(t) => mk(K::List(Vec::new()), Type::list(t)),
                        None => {
                            self.error_note(
                                span,
                                "cannot infer the element type of `[]`",
                                "empty list",
                                "annotate the variable, e.g. `xs: list[int] = []`",
                            );
                            None
                        }
                    };
                }
                let mut out = Vec::new();
                for item in items {
                    let h = elem_hint.clone().or_else(|| out.first().map(|f: &tir::Expr| f.ty.clone()));
                    let te = self.expr(cx, item, h.as_ref())?;
                    self.check_value_type(&te)?;
                    out.push(te);
                }
                let elem = match elem_hint {
                    Some(t) if out.iter().all(|i| i.ty.fits(&t)) => t,
                    _ => self.unify_items(&out)?,
                };
                mk(K::List(out), Type::list(elem))
            }
            A::Tuple(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let h = match hint {
                        Some(Type::Tuple(ts)) => ts.get(i).cloned(),
                        Some(Type::TupleOf(t)) => Some((**t).clone()),
                        _ => None,
                    };
                    let te = self.expr(cx, item, h.as_ref())?;
                    self.check_value_type(&te)?;
                    out.push(te);
                }
                let ty = Type::Tuple(out.iter().map(|i| i.ty.clone()).collect());
                mk(K::Tuple(out), ty)
            }
            A::ListComp(elt, clauses) => {
                let elem_hint = match hint {
                    Some(Type::List(t)) => Some((**t).clone()),
                    _ => None,
                };
                self.comprehension(cx, elt, clauses, span, elem_hint)
            }
            A::GeneratorExp(..) => {
                self.error_note(
                    span,
                    "a generator expression is only supported as the argument of a builtin",
                    "generator here",
                    "use a list comprehension `[...]`, or pass it to any/all/sum/min/max/sorted/list/tuple/str.join",
                );
                None
            }
        }
    }

    fn unify_items(&mut self, items: &[tir::Expr]) -> Option<Type> {
        let first = items[0].ty.clone();
        let mut ty = first.clone();
        for item in &items[1..] {
            if item.ty.fits(&ty) {
                continue;
            }
            if ty.fits(&item.ty) {
                ty = item.ty.clone();
                continue;
            }
            let joined = join(&ty, &item.ty);
            if item.ty.fits(&joined) && ty.fits(&joined) {
                ty = joined;
                continue;
            }
            self.error_note(
                item.span,
                format!("list items must have one type: `{ty}` and `{}`", item.ty),
                format!("this is `{}`", item.ty),
                "lists are homogeneous in synth's language",
            );
            return None;
        }
        Some(ty)
    }

    fn name(&mut self, cx: &mut FnCtx, name: &str, span: Span) -> Option<tir::Expr> {
        if let Some(id) = cx.lookup(name) {
            return Some(tir::Expr { kind: K::Local(id), ty: cx.locals[id].ty.clone(), span });
        }
        if cx.assigned.contains(name) {
            if !cx.inferring && !cx.failed.contains(name) {
                self.error_note(
                    span,
                    format!("cannot infer the type of `{name}`"),
                    "no type known here",
                    format!("annotate its first assignment, e.g. `{name}: list[int] = []`"),
                );
            }
            return None;
        }
        if let Some((id, ty)) = self.consts.get(name).cloned() {
            return Some(tir::Expr { kind: K::Const(id), ty, span });
        }
        if self.funcs.contains_key(name) || is_builtin_name(name) {
            self.error(span, format!("`{name}` is a function: functions are not values"), "call it instead");
            return None;
        }
        self.error(span, format!("undefined name `{name}`"), "not defined");
        None
    }

    fn unary(&mut self, cx: &mut FnCtx, op: UnaryOp, operand: &ast::Expr, span: Span) -> Option<tir::Expr> {
        // `-9223372036854775808` is a valid literal even though its magnitude is not.
        if op == UnaryOp::Neg
            && let A::Int(v) = operand.kind
            && v == 1u64 << 63
        {
            return Some(tir::Expr { kind: K::Int(i64::MIN), ty: Type::Int, span });
        }
        if op == UnaryOp::Not {
            let c = self.condition(cx, operand)?;
            return Some(tir::Expr { kind: K::Unary(UnaryOp::Not, Box::new(c)), ty: Type::Bool, span });
        }
        let o = bool_to_int(self.expr(cx, operand, None)?);
        let ok = match op {
            UnaryOp::Neg | UnaryOp::Pos => o.ty.is_numeric(),
            UnaryOp::Invert => o.ty == Type::Int,
            UnaryOp::Not => true,
        };
        if !ok {
            let sym = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Pos => "+",
                _ => "~",
            };
            let note = if o.ty == Type::Bool { "bools are not numbers in synth's language; use int(b)" } else { "" };
            if note.is_empty() {
                self.error(
                    o.span,
                    format!("unary `{sym}` is not defined for `{}`", o.ty),
                    format!("this is `{}`", o.ty),
                );
            } else {
                self.error_note(
                    o.span,
                    format!("unary `{sym}` is not defined for `{}`", o.ty),
                    format!("this is `{}`", o.ty),
                    note,
                );
            }
            return None;
        }
        let ty = o.ty.clone();
        Some(tir::Expr { kind: K::Unary(op, Box::new(o)), ty, span })
    }

    /// The result type of `lhs op rhs`, promoting `rhs` to float in place
    /// when `in_place` (augmented assignment to a float target).
    fn binary_type(
        &mut self,
        op: BinOp,
        lhs: &tir::Expr,
        rhs: &mut tir::Expr,
        span: Span,
        in_place: bool,
    ) -> Option<Type> {
        let (l, r) = (&lhs.ty, &rhs.ty);
        let numeric = l.is_numeric() && r.is_numeric();
        let mixed_float = numeric && (*l == Type::Float || *r == Type::Float);
        let promote = |rhs: &mut tir::Expr| {
            if rhs.ty == Type::Int && in_place {
                let e = std::mem::replace(rhs, tir::Expr { kind: K::Int(0), ty: Type::Int, span });
                *rhs = to_float(e);
            }
        };
        let ty = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod | BinOp::Pow if numeric => {
                if mixed_float {
                    promote(rhs);
                    Type::Float
                } else {
                    Type::Int
                }
            }
            BinOp::Div if numeric => {
                if in_place && *l == Type::Float {
                    promote(rhs);
                }
                Type::Float
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor if *l == Type::Int && *r == Type::Int => Type::Int,
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor if *l == Type::Bool && *r == Type::Bool => Type::Bool,
            BinOp::LShift | BinOp::RShift if *l == Type::Int && *r == Type::Int => Type::Int,
            BinOp::Add => match (l, r) {
                (Type::Str, Type::Str) => Type::Str,
                (Type::List(a), Type::List(b)) if a == b => l.clone(),
                (Type::Tuple(a), Type::Tuple(b)) => Type::Tuple(a.iter().chain(b).cloned().collect()),
                (Type::Tuple(_) | Type::TupleOf(_), Type::Tuple(_) | Type::TupleOf(_)) => {
                    let joined = join(l, r);
                    if l.fits(&joined) && r.fits(&joined) {
                        joined
                    } else {
                        return self.bad_binary(op, l, r, span);
                    }
                }
                _ => return self.bad_binary(op, l, r, span),
            },
            BinOp::Mul => match (l, r) {
                (Type::Str | Type::List(_) | Type::TupleOf(_), Type::Int) => l.clone(),
                (Type::Int, Type::Str | Type::List(_) | Type::TupleOf(_)) => r.clone(),
                (Type::Tuple(items), Type::Int) | (Type::Int, Type::Tuple(items)) => match common_type(items) {
                    Some(t) => Type::tuple_of(t),
                    None if items.is_empty() => Type::Tuple(Vec::new()),
                    None => return self.bad_binary(op, l, r, span),
                },
                _ => return self.bad_binary(op, l, r, span),
            },
            BinOp::Mod if *l == Type::Str => {
                self.error_note(
                    span,
                    "`%` string formatting is not supported",
                    "formatting",
                    "build the string with `+` and str(...)",
                );
                return None;
            }
            _ => return self.bad_binary(op, l, r, span),
        };
        Some(ty)
    }

    fn bad_binary(&mut self, op: BinOp, l: &Type, r: &Type, span: Span) -> Option<Type> {
        let note = if *l == Type::Bool || *r == Type::Bool {
            "bools are not numbers in synth's language; use int(b)"
        } else if (*l == Type::Str && r.is_numeric()) || (l.is_numeric() && *r == Type::Str) {
            "convert explicitly with str(...) or int(...)"
        } else {
            ""
        };
        let msg = format!("`{}` is not defined for `{l}` and `{r}`", op.as_str());
        if note.is_empty() {
            self.error(span, msg, "unsupported operand types");
        } else {
            self.error_note(span, msg, "unsupported operand types", note);
        }
        None
    }

    fn compare(
        &mut self,
        cx: &mut FnCtx,
        first: &ast::Expr,
        rest: &[(CmpOp, ast::Expr)],
        span: Span,
    ) -> Option<tir::Expr> {
        let mut prev = self.expr(cx, first, None)?;
        self.check_value_type(&prev)?;
        let first_te = prev.clone();
        let mut out = Vec::new();
        for (op, e) in rest {
            let hint = match op {
                CmpOp::In | CmpOp::NotIn => None,
                _ => Some(prev.ty.clone()),
            };
            let te = if matches!(op, CmpOp::In | CmpOp::NotIn) {
                self.iterable_or_seq(cx, e)?
            } else {
                self.expr(cx, e, hint.as_ref())?
            };
            self.check_value_type(&te)?;
            let ok = match op {
                CmpOp::Eq | CmpOp::Ne => comparable(&prev.ty, &te.ty),
                CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                    (prev.ty.is_numeric() && te.ty.is_numeric())
                        || (comparable(&prev.ty, &te.ty) && prev.ty.is_ordered() && te.ty.is_ordered())
                }
                CmpOp::In | CmpOp::NotIn => match &te.ty {
                    Type::Str => prev.ty == Type::Str,
                    t => t.elem().is_some_and(|el| comparable(&prev.ty, &el)),
                },
            };
            if !ok {
                self.error(
                    span,
                    format!("cannot compare `{}` {} `{}`", prev.ty, op.as_str(), te.ty),
                    "incompatible types",
                );
                return None;
            }
            prev = te.clone();
            out.push((*op, te));
        }
        Some(tir::Expr { kind: K::Compare(Box::new(first_te), out), ty: Type::Bool, span })
    }

    fn expect_int(&mut self, e: &tir::Expr) -> Option<()> {
        if e.ty == Type::Int {
            return Some(());
        }
        self.error(e.span, format!("expected `int`, found `{}`", e.ty), format!("this is `{}`", e.ty));
        None
    }

    fn expect_index(&mut self, e: &tir::Expr) -> Option<()> {
        if e.ty == Type::Int {
            return Some(());
        }
        self.error(e.span, format!("indices must be `int`, found `{}`", e.ty), format!("this is `{}`", e.ty));
        None
    }

    fn index(&mut self, cx: &mut FnCtx, seq: &ast::Expr, index: &ast::Expr, span: Span) -> Option<tir::Expr> {
        let s = self.iterable_or_seq(cx, seq)?;
        let i = self.expr(cx, index, Some(&Type::Int))?;
        self.expect_index(&i)?;
        let ty = match &s.ty {
            Type::Str => Type::Str,
            Type::List(t) | Type::TupleOf(t) => (**t).clone(),
            Type::Tuple(items) => {
                let constant = match &i.kind {
                    K::Int(v) => Some(*v),
                    K::Unary(UnaryOp::Neg, inner) => match inner.kind {
                        K::Int(v) => Some(v.wrapping_neg()),
                        _ => None,
                    },
                    _ => None,
                };
                match constant {
                    Some(c) => {
                        let n = items.len() as i64;
                        let k = if c < 0 { c + n } else { c };
                        if k < 0 || k >= n {
                            self.error(index.span, format!("index {c} is out of range for `{}`", s.ty), "out of range");
                            return None;
                        }
                        items[k as usize].clone()
                    }
                    None => match common_type(items) {
                        Some(t) => t,
                        None => {
                            self.error(
                                index.span,
                                format!("a mixed tuple `{}` needs a constant index", s.ty),
                                "not a constant",
                            );
                            return None;
                        }
                    },
                }
            }
            other => {
                self.error(seq.span, format!("cannot index a value of type `{other}`"), "not a sequence");
                return None;
            }
        };
        Some(tir::Expr { kind: K::Index(Box::new(s), Box::new(i)), ty, span })
    }

    /// The element type of an iterable, with a diagnostic when it is not one.
    fn elem_type(&mut self, it: &tir::Expr) -> Option<Type> {
        match it.ty.elem() {
            Some(t) => Some(t),
            None => {
                let msg = match &it.ty {
                    Type::Tuple(items) if !items.is_empty() => {
                        format!("cannot iterate over the mixed tuple `{}`", it.ty)
                    }
                    Type::Tuple(_) => "cannot iterate over `()` (its element type is unknown)".to_string(),
                    t => format!("`{t}` is not iterable"),
                };
                self.error(it.span, msg, "not iterable");
                None
            }
        }
    }

    /// An expression in an iteration context, where `range`, `enumerate`,
    /// `zip` and `reversed` are allowed (they are lazy iterators in Python).
    fn iterable(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
        let te = self.iterable_or_seq(cx, e)?;
        self.check_value_type(&te)?;
        Some(te)
    }

    fn iterable_or_seq(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
        if let A::Call { func, args, keywords } = &e.kind
            && let A::Name(name) = &func.kind
            && matches!(name.as_str(), "range" | "enumerate" | "zip" | "reversed")
            && !self.funcs.contains_key(name)
            && cx.lookup(name).is_none()
        {
            return self.builtin(cx, name, args, keywords, e.span, None, true);
        }
        if let A::GeneratorExp(elt, clauses) = &e.kind {
            return self.comprehension(cx, elt, clauses, e.span, None);
        }
        self.expr(cx, e, None)
    }

    fn comprehension(
        &mut self,
        cx: &mut FnCtx,
        elt: &ast::Expr,
        clauses: &[ast::Comprehension],
        span: Span,
        elem_hint: Option<Type>,
    ) -> Option<tir::Expr> {
        let mut tclauses = Vec::new();
        let depth = cx.scopes.len();
        let mut ok = true;
        for (i, c) in clauses.iter().enumerate() {
            // The first iterable is evaluated in the enclosing scope.
            let it = self.iterable(cx, &c.iter);
            if i == 0 {
                cx.scopes.push(HashMap::new());
            }
            let Some(it) = it else {
                ok = false;
                break;
            };
            let Some(elem) = self.elem_type(&it) else {
                ok = false;
                break;
            };
            let Some(target) = self.comp_target(cx, &c.target, &elem) else {
                ok = false;
                break;
            };
            let mut ifs = Vec::new();
            for cond in &c.ifs {
                match self.condition(cx, cond) {
                    Some(t) => ifs.push(t),
                    None => ok = false,
                }
            }
            tclauses.push(Clause { target, iter: it, ifs });
        }
        let body = if ok { self.expr(cx, elt, elem_hint.as_ref()) } else { None };
        cx.scopes.truncate(depth);
        let body = body?;
        self.check_value_type(&body)?;
        let ty = Type::list(match elem_hint {
            Some(h) if body.ty.fits(&h) => h,
            _ => body.ty.clone(),
        });
        Some(tir::Expr { kind: K::Comprehension(Box::new(body), tclauses), ty, span })
    }

    /// Binds a comprehension target: fresh slots in the innermost scope.
    fn comp_target(&mut self, cx: &mut FnCtx, t: &ast::Expr, ty: &Type) -> Option<Target> {
        match &t.kind {
            A::Name(name) => {
                let id = cx.locals.len();
                cx.locals.push(tir::Local { name: name.clone(), ty: ty.clone() });
                if let Some(scope) = cx.scopes.last_mut() {
                    scope.insert(name.clone(), id);
                }
                Some(Target::Local(id))
            }
            A::Tuple(items) | A::List(items) => {
                let item_types: Vec<Type> = match ty {
                    Type::Tuple(ts) if ts.len() == items.len() => ts.clone(),
                    Type::List(e) | Type::TupleOf(e) => vec![(**e).clone(); items.len()],
                    Type::Str => vec![Type::Str; items.len()],
                    _ => {
                        self.error(
                            t.span,
                            format!("cannot unpack `{ty}` into {} targets", items.len()),
                            "wrong number of targets",
                        );
                        return None;
                    }
                };
                let mut ts = Vec::new();
                for (item, ity) in items.iter().zip(&item_types) {
                    ts.push(self.comp_target(cx, item, ity)?);
                }
                Some(Target::Unpack(ts, t.span))
            }
            _ => {
                self.error(t.span, "a comprehension target must be a name or a tuple of names", "invalid target");
                None
            }
        }
    }

    // ----------------------------------------------------------------- calls

    fn call(
        &mut self,
        cx: &mut FnCtx,
        func: &ast::Expr,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        span: Span,
        hint: Option<&Type>,
    ) -> Option<tir::Expr> {
        match &func.kind {
            A::Name(name) => {
                if cx.lookup(name).is_some() || cx.assigned.contains(name) {
                    self.error(func.span, format!("`{name}` is a variable, not a function"), "not callable");
                    return None;
                }
                if let Some(id) = self.funcs.get(name).copied() {
                    return self.user_call(cx, id, name, args, keywords, span);
                }
                if matches!(name.as_str(), "range" | "enumerate" | "zip" | "reversed") {
                    let r = self.builtin(cx, name, args, keywords, span, hint, true)?;
                    self.error_note(
                        span,
                        format!("`{name}(...)` is a lazy iterator in Python, not a list"),
                        "iterator used as a value",
                        format!("iterate over it, or wrap it: `list({name}(...))`"),
                    );
                    drop(r);
                    return None;
                }
                self.builtin(cx, name, args, keywords, span, hint, false)
            }
            A::Attribute(recv, method) => self.method_call(cx, recv, method, args, keywords, span),
            _ => {
                self.error(func.span, "only named functions and methods can be called", "not callable");
                None
            }
        }
    }

    fn user_call(
        &mut self,
        cx: &mut FnCtx,
        id: FuncId,
        name: &str,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        span: Span,
    ) -> Option<tir::Expr> {
        let sig = self.sigs[id].clone();
        let mut slots: Vec<Option<tir::Expr>> = vec![None; sig.params.len()];
        let mut ok = true;
        if args.len() > sig.params.len() {
            self.error(
                span,
                format!("`{name}` takes {} argument(s) but {} were given", sig.params.len(), args.len()),
                "too many arguments",
            );
            return None;
        }
        for (i, a) in args.iter().enumerate() {
            let pty = sig.params[i].1.clone();
            match self.arg(cx, a, &pty, &format!("parameter `{}` of `{name}`", sig.params[i].0)) {
                Some(te) => slots[i] = Some(te),
                None => ok = false,
            }
        }
        for kw in keywords {
            let Some(i) = sig.params.iter().position(|(n, _, _)| *n == kw.name.name) else {
                self.error(kw.name.span, format!("`{name}` has no parameter `{}`", kw.name.name), "unknown keyword");
                ok = false;
                continue;
            };
            if slots[i].is_some() {
                self.error(kw.name.span, format!("parameter `{}` is given twice", kw.name.name), "duplicate argument");
                ok = false;
                continue;
            }
            let pty = sig.params[i].1.clone();
            match self.arg(cx, &kw.value, &pty, &format!("parameter `{}` of `{name}`", sig.params[i].0)) {
                Some(te) => slots[i] = Some(te),
                None => ok = false,
            }
        }
        let mut out = Vec::new();
        for (i, slot) in slots.into_iter().enumerate() {
            match slot.or_else(|| sig.params[i].2.clone()) {
                Some(e) => out.push(e),
                None => {
                    if ok {
                        self.error(
                            span,
                            format!("missing argument `{}` of `{name}`", sig.params[i].0),
                            "missing argument",
                        );
                    }
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        Some(tir::Expr { kind: K::Call(id, out), ty: sig.ret, span })
    }

    /// An argument checked against a parameter type.
    fn arg(&mut self, cx: &mut FnCtx, a: &ast::Expr, ty: &Type, what: &str) -> Option<tir::Expr> {
        if cx.inferring
            && let A::Name(n) = &a.kind
            && cx.pending.remove(n)
        {
            cx.add_local(n, ty.clone());
        }
        let te = self.expr(cx, a, Some(ty))?;
        self.expect_fits(&te, ty, what)?;
        Some(te)
    }

    /// Sorts positional and keyword arguments into named slots.
    fn place_args<'e>(
        &mut self,
        fname: &str,
        names: &[&str],
        required: usize,
        args: &'e [ast::Expr],
        keywords: &'e [ast::Keyword],
        span: Span,
    ) -> Option<Vec<Option<&'e ast::Expr>>> {
        let mut slots: Vec<Option<&ast::Expr>> = vec![None; names.len()];
        if args.len() > names.len() {
            self.error(
                span,
                format!("`{fname}` takes at most {} argument(s), {} given", names.len(), args.len()),
                "too many arguments",
            );
            return None;
        }
        for (i, a) in args.iter().enumerate() {
            slots[i] = Some(a);
        }
        for kw in keywords {
            match names.iter().position(|n| *n == kw.name.name) {
                Some(i) if slots[i].is_none() => slots[i] = Some(&kw.value),

                _ => {
                    let note =
                        if kw.name.name == "key" { "`key=` functions need lambda, which is not supported" } else { "" };
                    if note.is_empty() {
                        self.error(
                            kw.name.span,
                            format!("`{fname}` does not take the keyword `{}` here", kw.name.name),
                            "unexpected keyword",
                        );
                    } else {
                        self.error_note(
                            kw.name.span,
                            format!("`{fname}` does not take the keyword `{}` here", kw.name.name),
                            "unexpected keyword",
                            note,
                        );
                    }
                    return None;
                }
            }
        }
        if slots[..required].iter().any(Option::is_none) {
            self.error(span, format!("`{fname}` needs {required} argument(s)"), "missing argument");
            return None;
        }
        Some(slots)
    }

    /// An argument that is iterated over (generator expressions and lazy
    /// iterators allowed), with its element type.
    fn iter_arg(&mut self, cx: &mut FnCtx, a: &ast::Expr) -> Option<(tir::Expr, Type)> {
        let te = self.iterable(cx, a)?;
        let elem = self.elem_type(&te)?;
        Some((te, elem))
    }

    #[allow(clippy::too_many_arguments)]
    fn builtin(
        &mut self,
        cx: &mut FnCtx,
        name: &str,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        span: Span,
        hint: Option<&Type>,
        _iter_ctx: bool,
    ) -> Option<tir::Expr> {
        let mk = |b: Builtin, a: Vec<tir::Expr>, ty: Type| Some(tir::Expr { kind: K::Builtin(b, a), ty, span });
        let int = |v: i64| tir::Expr { kind: K::Int(v), ty: Type::Int, span };
        let boolean = |v: bool| tir::Expr { kind: K::Bool(v), ty: Type::Bool, span };
        match name {
            "len" => {
                let s = self.place_args(name, &["obj"], 1, args, keywords, span)?;
                let te = self.iterable_or_seq(cx, s[0]?)?;
                let ok = te.ty.is_sequence();
                if !ok {
                    self.error(te.span, format!("`len` needs a str, list or tuple, found `{}`", te.ty), "no length");
                    return None;
                }
                mk(Builtin::Len, vec![te], Type::Int)
            }
            "abs" => {
                let s = self.place_args(name, &["x"], 1, args, keywords, span)?;
                let te = self.expr(cx, s[0]?, None)?;
                if !te.ty.is_numeric() {
                    self.error(te.span, format!("`abs` needs an int or float, found `{}`", te.ty), "not a number");
                    return None;
                }
                let ty = te.ty.clone();
                mk(Builtin::Abs, vec![te], ty)
            }
            "min" | "max" => {
                if let Some(k) = keywords.iter().find(|k| k.name.name != "default") {
                    let note = if k.name.name == "key" {
                        "`key=` functions need lambda, which is not supported"
                    } else {
                        "the only keyword is `default`"
                    };
                    self.error_note(
                        k.name.span,
                        format!("`{name}` does not take the keyword `{}`", k.name.name),
                        "unexpected keyword",
                        note,
                    );
                    return None;
                }
                if args.len() == 1 {
                    let (it, elem) = self.iter_arg(cx, &args[0])?;
                    if !elem.is_ordered() {
                        self.error(it.span, format!("`{name}` needs orderable items, found `{elem}`"), "not orderable");
                        return None;
                    }
                    let mut a = vec![it];
                    if let Some(k) = keywords.first() {
                        let d = self.arg(cx, &k.value, &elem, "the default")?;
                        a.push(d);
                    }
                    let b = if name == "min" { Builtin::MinIter } else { Builtin::MaxIter };
                    return mk(b, a, elem);
                }
                if args.is_empty() {
                    self.error(span, format!("`{name}` needs at least one argument"), "missing argument");
                    return None;
                }
                if !keywords.is_empty() {
                    self.error(
                        span,
                        format!("`{name}` with several arguments takes no `default`"),
                        "unexpected keyword",
                    );
                    return None;
                }
                let mut a: Vec<tir::Expr> = Vec::new();
                for arg in args {
                    let h = a.first().map(|f| f.ty.clone());
                    a.push(self.expr(cx, arg, h.as_ref())?);
                }
                let ty = a[0].ty.clone();
                for x in &a {
                    self.check_value_type(x)?;
                    if x.ty != ty {
                        self.error_note(
                            x.span,
                            format!("the arguments of `{name}` must have one type: `{ty}` and `{}`", x.ty),
                            format!("this is `{}`", x.ty),
                            "Python returns one of the arguments unchanged; convert them to one type first",
                        );
                        return None;
                    }
                }
                if !ty.is_ordered() {
                    self.error(span, format!("`{name}` needs orderable values, found `{ty}`"), "not orderable");
                    return None;
                }
                let b = if name == "min" { Builtin::MinArgs } else { Builtin::MaxArgs };
                mk(b, a, ty)
            }
            "sum" => {
                let s = self.place_args(name, &["iterable", "start"], 1, args, keywords, span)?;
                let (it, elem) = self.iter_arg(cx, s[0]?)?;
                let start = match s[1] {
                    Some(st) => Some(self.expr(cx, st, Some(&elem))?),
                    None => None,
                };
                let ty = match (&elem, start.as_ref().map(|s| &s.ty)) {
                    (Type::Int | Type::Bool, None | Some(Type::Int)) => Type::Int,
                    (Type::Float, _) | (Type::Int, Some(Type::Float)) => Type::Float,
                    (t @ (Type::List(_) | Type::TupleOf(_)), Some(st)) if st.fits(t) => t.clone(),
                    _ => {
                        self.error(
                            it.span,
                            format!("`sum` needs numbers, found items of type `{elem}`"),
                            "not numbers",
                        );
                        return None;
                    }
                };
                let start = start.unwrap_or(if ty == Type::Float {
                    tir::Expr { kind: K::Float(0.0), ty: Type::Float, span }
                } else {
                    int(0)
                });
                let start = if ty == Type::Float && start.ty == Type::Int { to_float(start) } else { start };
                mk(Builtin::Sum, vec![it, start], ty)
            }
            "range" => {
                if !keywords.is_empty() || args.is_empty() || args.len() > 3 {
                    self.error(span, "`range` takes 1 to 3 positional int arguments", "wrong arguments");
                    return None;
                }
                let mut a = Vec::new();
                for arg in args {
                    let te = self.expr(cx, arg, Some(&Type::Int))?;
                    self.expect_int(&te)?;
                    a.push(te);
                }
                let a = match a.len() {
                    1 => vec![int(0), a.pop()?, int(1)],
                    2 => {
                        a.push(int(1));
                        a
                    }
                    _ => a,
                };
                mk(Builtin::Range, a, Type::list(Type::Int))
            }
            "sorted" => {
                let s = self.place_args(name, &["iterable", "reverse"], 1, args, keywords, span)?;
                if args.len() > 1 {
                    self.error(args[1].span, "`reverse` must be passed by keyword", "positional");
                    return None;
                }
                let (it, elem) = self.iter_arg(cx, s[0]?)?;
                if !elem.is_ordered() {
                    self.error(it.span, format!("`sorted` needs orderable items, found `{elem}`"), "not orderable");
                    return None;
                }
                let rev = match s[1] {
                    Some(r) => self.condition(cx, r)?,
                    None => boolean(false),
                };
                mk(Builtin::Sorted, vec![it, rev], Type::list(elem))
            }
            "reversed" => {
                let s = self.place_args(name, &["seq"], 1, args, keywords, span)?;
                let (it, elem) = self.iter_arg(cx, s[0]?)?;
                mk(Builtin::Reversed, vec![it], Type::list(elem))
            }
            "enumerate" => {
                let s = self.place_args(name, &["iterable", "start"], 1, args, keywords, span)?;
                let (it, elem) = self.iter_arg(cx, s[0]?)?;
                let start = match s[1] {
                    Some(st) => {
                        let te = self.expr(cx, st, Some(&Type::Int))?;
                        self.expect_int(&te)?;
                        te
                    }
                    None => int(0),
                };
                mk(Builtin::Enumerate, vec![it, start], Type::list(Type::Tuple(vec![Type::Int, elem])))
            }
            "zip" => {
                if !keywords.is_empty() {
                    self.error(span, "`zip` takes no keyword arguments here", "unexpected keyword");
                    return None;
                }
                if args.is_empty() {
                    self.error(span, "`zip` needs at least one iterable", "missing argument");
                    return None;
                }
                let mut a = Vec::new();
                let mut elems = Vec::new();
                for arg in args {
                    let (it, elem) = self.iter_arg(cx, arg)?;
                    a.push(it);
                    elems.push(elem);
                }
                mk(Builtin::Zip, a, Type::list(Type::Tuple(elems)))
            }
            "any" | "all" => {
                let s = self.place_args(name, &["iterable"], 1, args, keywords, span)?;
                let (it, _) = self.iter_arg(cx, s[0]?)?;
                mk(if name == "any" { Builtin::Any } else { Builtin::All }, vec![it], Type::Bool)
            }
            "round" => {
                let s = self.place_args(name, &["number", "ndigits"], 1, args, keywords, span)?;
                let x = self.expr(cx, s[0]?, None)?;
                if !x.ty.is_numeric() {
                    self.error(x.span, format!("`round` needs an int or float, found `{}`", x.ty), "not a number");
                    return None;
                }
                match s[1] {
                    None => mk(Builtin::Round, vec![x], Type::Int),
                    Some(n) => {
                        let n = self.expr(cx, n, Some(&Type::Int))?;
                        self.expect_int(&n)?;
                        let ty = x.ty.clone();
                        mk(Builtin::Round, vec![x, n], ty)
                    }
                }
            }
            "str" | "repr" => {
                let s = self.place_args(name, &["object"], 0, args, keywords, span)?;
                let Some(a) = s[0] else {
                    return Some(tir::Expr { kind: K::Str(String::new()), ty: Type::Str, span });
                };
                let te = self.expr(cx, a, None)?;
                self.check_value_type(&te)?;
                mk(if name == "str" { Builtin::Str } else { Builtin::Repr }, vec![te], Type::Str)
            }
            "int" => {
                let s = self.place_args(name, &["x", "base"], 0, args, keywords, span)?;
                let Some(a) = s[0] else { return Some(int(0)) };
                let te = self.expr(cx, a, None)?;
                if !matches!(te.ty, Type::Int | Type::Float | Type::Bool | Type::Str) {
                    self.error(
                        te.span,
                        format!("`int` needs a number, bool or str, found `{}`", te.ty),
                        "cannot convert",
                    );
                    return None;
                }
                let mut a = vec![te];
                if let Some(b) = s[1] {
                    if a[0].ty != Type::Str {
                        self.error(b.span, "`int` with a base needs a str", "base given");
                        return None;
                    }
                    let b = self.expr(cx, b, Some(&Type::Int))?;
                    self.expect_int(&b)?;
                    a.push(b);
                }
                mk(Builtin::Int, a, Type::Int)
            }
            "float" => {
                let s = self.place_args(name, &["x"], 0, args, keywords, span)?;
                let Some(a) = s[0] else {
                    return Some(tir::Expr { kind: K::Float(0.0), ty: Type::Float, span });
                };
                let te = self.expr(cx, a, None)?;
                if !matches!(te.ty, Type::Int | Type::Float | Type::Bool | Type::Str) {
                    self.error(
                        te.span,
                        format!("`float` needs a number, bool or str, found `{}`", te.ty),
                        "cannot convert",
                    );
                    return None;
                }
                mk(Builtin::Float, vec![te], Type::Float)
            }
            "bool" => {
                let s = self.place_args(name, &["x"], 0, args, keywords, span)?;
                let Some(a) = s[0] else {
                    return Some(boolean(false));
                };
                let te = self.expr(cx, a, None)?;
                self.check_value_type(&te)?;
                mk(Builtin::Bool, vec![te], Type::Bool)
            }
            "list" | "tuple" => {
                let s = self.place_args(name, &["iterable"], 0, args, keywords, span)?;
                let Some(a) = s[0] else {
                    return match (name, hint) {
                        ("list", Some(t @ Type::List(_))) => {
                            Some(tir::Expr { kind: K::List(Vec::new()), ty: t.clone(), span })
                        }
                        ("tuple", Some(t @ Type::TupleOf(_))) => {
                            Some(tir::Expr { kind: K::Tuple(Vec::new()), ty: t.clone(), span })
                        }
                        ("tuple", _) => {
                            Some(tir::Expr { kind: K::Tuple(Vec::new()), ty: Type::Tuple(Vec::new()), span })
                        }
                        _ => {
                            self.error_note(
                                span,
                                "cannot infer the element type of `list()`",
                                "empty list",
                                "annotate the variable, e.g. `xs: list[int] = []`",
                            );
                            None
                        }
                    };
                };
                let (it, elem) = self.iter_arg(cx, a)?;
                if name == "list" {
                    mk(Builtin::List, vec![it], Type::list(elem))
                } else {
                    mk(Builtin::Tuple, vec![it], Type::tuple_of(elem))
                }
            }
            "ord" => {
                let s = self.place_args(name, &["c"], 1, args, keywords, span)?;
                let te = self.expr(cx, s[0]?, None)?;
                if te.ty != Type::Str {
                    self.error(te.span, format!("`ord` needs a str, found `{}`", te.ty), "not a str");
                    return None;
                }
                mk(Builtin::Ord, vec![te], Type::Int)
            }
            "chr" => {
                let s = self.place_args(name, &["i"], 1, args, keywords, span)?;
                let te = self.expr(cx, s[0]?, None)?;
                self.expect_int(&te)?;
                mk(Builtin::Chr, vec![te], Type::Str)
            }
            "bin" | "hex" | "oct" => {
                let s = self.place_args(name, &["x"], 1, args, keywords, span)?;
                let te = bool_to_int(self.expr(cx, s[0]?, None)?);
                self.expect_int(&te)?;
                let b = match name {
                    "bin" => Builtin::Bin,
                    "hex" => Builtin::Hex,
                    _ => Builtin::Oct,
                };
                mk(b, vec![te], Type::Str)
            }
            "pow" if args.len() == 3 || keywords.iter().any(|k| k.name.name == "mod") => {
                let s = self.place_args(name, &["base", "exp", "mod"], 3, args, keywords, span)?;
                let mut a = Vec::new();
                for x in s.into_iter().flatten() {
                    let te = bool_to_int(self.expr(cx, x, Some(&Type::Int))?);
                    self.expect_int(&te)?;
                    a.push(te);
                }
                mk(Builtin::PowMod, a, Type::Int)
            }
            "divmod" | "pow" => {
                let s = self.place_args(name, &["a", "b"], 2, args, keywords, span)?;

                let mut l = self.expr(cx, s[0]?, None)?;
                let mut r = self.expr(cx, s[1]?, None)?;
                if !(l.ty.is_numeric() && r.ty.is_numeric()) {
                    self.error(
                        span,
                        format!("`{name}` needs two numbers, found `{}` and `{}`", l.ty, r.ty),
                        "not numbers",
                    );
                    return None;
                }
                let ty = if l.ty == Type::Float || r.ty == Type::Float { Type::Float } else { Type::Int };
                if ty == Type::Float {
                    l = to_float(l);
                    r = to_float(r);
                }
                if name == "pow" {
                    mk(Builtin::Pow, vec![l, r], ty)
                } else {
                    mk(Builtin::Divmod, vec![l, r], Type::Tuple(vec![ty.clone(), ty]))
                }
            }
            "print" | "input" | "open" | "eval" | "exec" => {
                self.error_note(
                    span,
                    format!("`{name}` is not supported: programs have no input or output"),
                    "no IO",
                    "return the value instead",
                );
                None
            }
            "map" | "filter" | "set" | "dict" | "isinstance" | "type" | "hash" | "id" | "iter" | "next"
            | "frozenset" | "format" => {
                self.error_note(
                    span,
                    format!("the builtin `{name}` is not supported"),
                    "unsupported builtin",
                    "see docs/language.md for the builtins",
                );
                None
            }
            _ => {
                self.error(span, format!("undefined function `{name}`"), "not defined");
                None
            }
        }
    }

    fn method_call(
        &mut self,
        cx: &mut FnCtx,
        recv: &ast::Expr,
        method: &ast::Ident,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        span: Span,
    ) -> Option<tir::Expr> {
        let m = method.name.as_str();
        // `xs = []` then `xs.append(v)`: the first use fixes the element type.
        if cx.inferring
            && let A::Name(n) = &recv.kind
            && cx.pending.contains(n)
        {
            let elem = match (m, args) {
                ("append", [a]) => self.expr(cx, a, None).map(|t| t.ty),
                ("insert", [_, a]) => self.expr(cx, a, None).map(|t| t.ty),
                ("extend", [a]) => self.iterable(cx, a).and_then(|t| t.ty.elem()),
                _ => None,
            };
            if let Some(elem) = elem {
                cx.pending.remove(n);
                cx.add_local(n, Type::list(elem));
            }
        }
        let r = self.expr(cx, recv, None)?;
        self.check_value_type(&r)?;
        let rty = r.ty.clone();
        let mk = |meth: Method, a: Vec<tir::Expr>, ty: Type| Some(tir::Expr { kind: K::Method(meth, a), ty, span });
        let mut out = vec![r];
        // Checks the optional/required arguments against (name, type) params.
        macro_rules! params {
            ($names:expr, $required:expr, $types:expr) => {{
                let slots = self.place_args(m, $names, $required, args, keywords, span)?;
                let types: Vec<Type> = $types;
                // A middle optional argument may only be left out at the end.
                let given = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
                if slots[..given].iter().any(Option::is_none) {
                    self.error(span, format!("pass the arguments of `{m}` positionally"), "argument left out");
                    return None;
                }
                for (slot, ty) in slots[..given].iter().zip(&types) {
                    let a = (*slot)?;
                    let te = self.arg(cx, a, ty, &format!("an argument of `{m}`"))?;
                    out.push(te);
                }
            }};
        }
        // `index` and `count` mean the same on lists and tuples.
        if matches!(m, "index" | "count")
            && matches!(rty, Type::List(_) | Type::Tuple(_) | Type::TupleOf(_))
            && let Some(elem) = rty.elem()
        {
            let meth = if m == "index" {
                params!(&["value", "start", "stop"], 1, vec![elem, Type::Int, Type::Int]);
                Method::SeqIndex
            } else {
                params!(&["value"], 1, vec![elem]);
                Method::SeqCount
            };
            return mk(meth, out, Type::Int);
        }
        match &rty {
            Type::Str => {
                let (meth, ty) = match m {
                    "upper" => (Method::StrUpper, Type::Str),
                    "lower" => (Method::StrLower, Type::Str),
                    "capitalize" => (Method::StrCapitalize, Type::Str),
                    "title" => (Method::StrTitle, Type::Str),
                    "swapcase" => (Method::StrSwapcase, Type::Str),
                    "isdigit" => (Method::StrIsdigit, Type::Bool),
                    "isalpha" => (Method::StrIsalpha, Type::Bool),
                    "isalnum" => (Method::StrIsalnum, Type::Bool),
                    "isspace" => (Method::StrIsspace, Type::Bool),
                    "isupper" => (Method::StrIsupper, Type::Bool),
                    "islower" => (Method::StrIslower, Type::Bool),
                    "isdecimal" => (Method::StrIsdecimal, Type::Bool),
                    "isnumeric" => (Method::StrIsnumeric, Type::Bool),
                    "isascii" => (Method::StrIsascii, Type::Bool),

                    "splitlines" => (Method::StrSplitlines, Type::list(Type::Str)),
                    _ => {
                        return self.str_method_with_args(cx, m, method.span, args, keywords, span, out);
                    }
                };
                params!(&[], 0, vec![]);
                mk(meth, out, ty)
            }
            Type::List(elem) => {
                let elem = (**elem).clone();
                let (meth, ty) = match m {
                    "append" => {
                        params!(&["object"], 1, vec![elem.clone()]);
                        (Method::ListAppend, Type::None)
                    }
                    "pop" => {
                        params!(&["index"], 0, vec![Type::Int]);
                        (Method::ListPop, elem.clone())
                    }
                    "insert" => {
                        params!(&["index", "object"], 2, vec![Type::Int, elem.clone()]);
                        (Method::ListInsert, Type::None)
                    }
                    "extend" => {
                        let s = self.place_args(m, &["iterable"], 1, args, keywords, span)?;
                        let (it, ie) = self.iter_arg(cx, s[0]?)?;
                        if !ie.fits(&elem) {
                            self.error(
                                it.span,
                                format!("expected an iterable of `{elem}`, found `{}`", it.ty),
                                "wrong element type",
                            );
                            return None;
                        }
                        out.push(it);
                        (Method::ListExtend, Type::None)
                    }
                    "remove" => {
                        params!(&["value"], 1, vec![elem.clone()]);
                        (Method::ListRemove, Type::None)
                    }
                    "clear" => {
                        params!(&[], 0, vec![]);
                        (Method::ListClear, Type::None)
                    }
                    "copy" => {
                        params!(&[], 0, vec![]);
                        (Method::ListCopy, rty.clone())
                    }
                    "reverse" => {
                        params!(&[], 0, vec![]);
                        (Method::ListReverse, Type::None)
                    }
                    "sort" => {
                        let s = self.place_args(m, &["reverse"], 0, &[], keywords, span)?;
                        if !args.is_empty() {
                            self.error(span, "`sort` takes only the keyword `reverse`", "positional argument");
                            return None;
                        }
                        if !elem.is_ordered() {
                            self.error(span, format!("`sort` needs orderable items, found `{elem}`"), "not orderable");
                            return None;
                        }
                        let rev = match s[0] {
                            Some(r) => self.condition(cx, r)?,
                            None => tir::Expr { kind: K::Bool(false), ty: Type::Bool, span },
                        };
                        out.push(rev);
                        (Method::ListSort, Type::None)
                    }
                    _ => return self.unknown_method(&rty, method),
                };
                mk(meth, out, ty)
            }
            // `index`/`count` were handled above when the items share a type.
            Type::Tuple(_) if rty.elem().is_none() && matches!(m, "index" | "count") => {
                self.error(method.span, format!("methods of the mixed tuple `{rty}` are not supported"), "mixed tuple");
                None
            }
            _ => self.unknown_method(&rty, method),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn str_method_with_args(
        &mut self,
        cx: &mut FnCtx,
        m: &str,
        mspan: Span,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        span: Span,
        mut out: Vec<tir::Expr>,
    ) -> Option<tir::Expr> {
        let mk = |meth: Method, a: Vec<tir::Expr>, ty: Type| Some(tir::Expr { kind: K::Method(meth, a), ty, span });
        let (names, required, types, meth, ty): (&[&str], usize, Vec<Type>, Method, Type) = match m {
            "strip" => (&["chars"], 0, vec![Type::Str], Method::StrStrip, Type::Str),
            "lstrip" => (&["chars"], 0, vec![Type::Str], Method::StrLstrip, Type::Str),
            "rstrip" => (&["chars"], 0, vec![Type::Str], Method::StrRstrip, Type::Str),
            "split" | "rsplit" => {
                let meth = if m == "split" { Method::StrSplit } else { Method::StrRsplit };
                // `split(None, n)`: whitespace splitting with a limit.
                if let [ast::Expr { kind: A::None, .. }, rest @ ..] = args
                    && rest.len() <= 1
                    && keywords.iter().all(|k| k.name.name == "maxsplit")
                {
                    let n = match (rest.first(), keywords.first()) {
                        (Some(a), None) | (None, Some(ast::Keyword { value: a, .. })) => {
                            self.arg(cx, a, &Type::Int, "maxsplit")?
                        }
                        _ => tir::Expr { kind: K::Int(-1), ty: Type::Int, span },
                    };
                    out.push(n);
                    let meth = if m == "split" { Method::StrSplitWsMax } else { Method::StrRsplitWsMax };
                    return mk(meth, out, Type::list(Type::Str));
                }
                // `split(maxsplit=n)`: whitespace splitting with a limit.

                if args.is_empty() && keywords.len() == 1 && keywords[0].name.name == "maxsplit" {
                    let n = self.arg(cx, &keywords[0].value, &Type::Int, "maxsplit")?;
                    out.push(n);
                    let meth = if m == "split" { Method::StrSplitWsMax } else { Method::StrRsplitWsMax };
                    return mk(meth, out, Type::list(Type::Str));
                }

                (&["sep", "maxsplit"], 0, vec![Type::Str, Type::Int], meth, Type::list(Type::Str))
            }
            "join" => {
                let s = self.place_args(m, &["iterable"], 1, args, keywords, span)?;
                let (it, elem) = self.iter_arg(cx, s[0]?)?;
                if elem != Type::Str {
                    self.error(
                        it.span,
                        format!("`join` needs an iterable of `str`, found items of type `{elem}`"),
                        "not strings",
                    );
                    return None;
                }
                out.push(it);
                return mk(Method::StrJoin, out, Type::Str);
            }
            "find" => (&["sub", "start", "end"], 1, vec![Type::Str, Type::Int, Type::Int], Method::StrFind, Type::Int),
            "rfind" => {
                (&["sub", "start", "end"], 1, vec![Type::Str, Type::Int, Type::Int], Method::StrRfind, Type::Int)
            }
            "index" => {
                (&["sub", "start", "end"], 1, vec![Type::Str, Type::Int, Type::Int], Method::StrIndex, Type::Int)
            }
            "rindex" => {
                (&["sub", "start", "end"], 1, vec![Type::Str, Type::Int, Type::Int], Method::StrRindex, Type::Int)
            }
            "count" => {
                (&["sub", "start", "end"], 1, vec![Type::Str, Type::Int, Type::Int], Method::StrCount, Type::Int)
            }
            "replace" => {
                (&["old", "new", "count"], 2, vec![Type::Str, Type::Str, Type::Int], Method::StrReplace, Type::Str)
            }
            "startswith" | "endswith" => {
                let meth = if m == "startswith" { Method::StrStartswith } else { Method::StrEndswith };
                let s = self.place_args(m, &["prefix", "start", "end"], 1, args, keywords, span)?;
                let p = self.expr(cx, s[0]?, None)?;
                let ok = p.ty == Type::Str
                    || p.ty.elem().is_some_and(|e| e == Type::Str) && matches!(p.ty, Type::Tuple(_) | Type::TupleOf(_));
                if !ok {
                    self.error(p.span, format!("`{m}` needs a str or a tuple of str, found `{}`", p.ty), "wrong type");
                    return None;
                }
                out.push(p);
                for x in s[1..].iter().flatten() {
                    let te = self.arg(cx, x, &Type::Int, "a position")?;
                    out.push(te);
                }
                if s[1].is_none() && s[2].is_some() {
                    self.error(span, format!("pass the arguments of `{m}` positionally"), "argument left out");
                    return None;
                }
                return mk(meth, out, Type::Bool);
            }
            "zfill" => (&["width"], 1, vec![Type::Int], Method::StrZfill, Type::Str),
            "center" => (&["width", "fillchar"], 1, vec![Type::Int, Type::Str], Method::StrCenter, Type::Str),
            "ljust" => (&["width", "fillchar"], 1, vec![Type::Int, Type::Str], Method::StrLjust, Type::Str),
            "rjust" => (&["width", "fillchar"], 1, vec![Type::Int, Type::Str], Method::StrRjust, Type::Str),
            "format" => {
                self.error_note(
                    mspan,
                    "`str.format` is not supported",
                    "formatting",
                    "build the string with `+` and str(...)",
                );
                return None;
            }
            _ => {
                return self.unknown_method(&Type::Str, &ast::Ident { name: m.to_string(), span: mspan });
            }
        };
        let slots = self.place_args(m, names, required, args, keywords, span)?;
        let given = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
        if slots[..given].iter().any(Option::is_none) {
            self.error(span, format!("pass the arguments of `{m}` positionally"), "argument left out");
            return None;
        }
        for (slot, ty) in slots[..given].iter().zip(&types) {
            let te = self.arg(cx, (*slot)?, ty, &format!("an argument of `{m}`"))?;
            out.push(te);
        }
        mk(meth, out, ty)
    }

    fn unknown_method(&mut self, ty: &Type, method: &ast::Ident) -> Option<tir::Expr> {
        self.error_note(
            method.span,
            format!("`{ty}` has no method `{}`", method.name),
            "unknown method",
            "see docs/language.md for the supported methods",
        );
        None
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

//! The checker's statements: assignments and their targets, control flow,
//! returns, loops (with the loop variable's type), augmented assignments.

use super::*;

impl Checker {
    pub(super) fn block(&mut self, cx: &mut FnCtx, stmts: &[ast::Stmt]) -> Vec<tir::Stmt> {
        let mut out = Vec::new();
        for s in stmts {
            stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.stmt(cx, s, &mut out));
        }
        out
    }

    pub(super) fn stmt(&mut self, cx: &mut FnCtx, s: &ast::Stmt, out: &mut Vec<tir::Stmt>) {
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
    pub(super) fn target_hint(&mut self, cx: &mut FnCtx, t: &ast::Expr) -> Option<Type> {
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

    pub(super) fn to_str(&self, e: tir::Expr) -> tir::Expr {
        if e.ty == Type::Str {
            return e;
        }
        let span = e.span;
        tir::Expr { kind: K::Builtin(Builtin::Str, vec![e]), ty: Type::Str, span }
    }

    /// Rejects a `None` (the result of a `-> None` call) used as a value.
    pub(super) fn check_value_type(&mut self, e: &tir::Expr) -> Option<()> {
        if e.ty == Type::None {
            self.error(e.span, "this call returns `None`, which is not a value", "returns None");
            return None;
        }
        Some(())
    }

    pub(super) fn expect_fits(&mut self, e: &tir::Expr, ty: &Type, what: &str) -> Option<()> {
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
    pub(super) fn condition(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
        let te = self.expr(cx, e, Some(&Type::Bool))?;
        self.check_value_type(&te)?;
        Some(truthy(te))
    }

    /// Binds an assignment or loop target to a value of type `ty`.
    pub(super) fn bind_target(
        &mut self,
        cx: &mut FnCtx,
        t: &ast::Expr,
        ty: &Type,
        value: Option<&tir::Expr>,
    ) -> Option<Target> {
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

    pub(super) fn assign_local(
        &mut self,
        cx: &mut FnCtx,
        id: LocalId,
        name: &str,
        ty: &Type,
        span: Span,
    ) -> Option<Target> {
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

    pub(super) fn aug_assign(
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
}

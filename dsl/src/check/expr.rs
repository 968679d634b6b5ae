//! The checker's expressions: names, literals, operators with Python's
//! numeric promotion, comparisons, subscripts, comprehensions, holes.

use super::*;

impl Checker {
    /// An expression that may be a `None`-returning call (an expression statement).
    pub(super) fn expr_allow_none(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
        self.expr(cx, e, None)
    }

    /// Checks an expression. `hint` is the type the context expects; it
    /// guides empty displays and is not enforced here.
    pub(super) fn expr(&mut self, cx: &mut FnCtx, e: &ast::Expr, hint: Option<&Type>) -> Option<tir::Expr> {
        stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.expr_inner(cx, e, hint))
    }

    pub(super) fn expr_inner(&mut self, cx: &mut FnCtx, e: &ast::Expr, hint: Option<&Type>) -> Option<tir::Expr> {
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

    pub(super) fn unify_items(&mut self, items: &[tir::Expr]) -> Option<Type> {
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

    pub(super) fn name(&mut self, cx: &mut FnCtx, name: &str, span: Span) -> Option<tir::Expr> {
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

    pub(super) fn unary(&mut self, cx: &mut FnCtx, op: UnaryOp, operand: &ast::Expr, span: Span) -> Option<tir::Expr> {
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
    pub(super) fn binary_type(
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

    pub(super) fn bad_binary(&mut self, op: BinOp, l: &Type, r: &Type, span: Span) -> Option<Type> {
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

    pub(super) fn compare(
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

    pub(super) fn expect_int(&mut self, e: &tir::Expr) -> Option<()> {
        if e.ty == Type::Int {
            return Some(());
        }
        self.error(e.span, format!("expected `int`, found `{}`", e.ty), format!("this is `{}`", e.ty));
        None
    }

    pub(super) fn expect_index(&mut self, e: &tir::Expr) -> Option<()> {
        if e.ty == Type::Int {
            return Some(());
        }
        self.error(e.span, format!("indices must be `int`, found `{}`", e.ty), format!("this is `{}`", e.ty));
        None
    }

    pub(super) fn index(
        &mut self,
        cx: &mut FnCtx,
        seq: &ast::Expr,
        index: &ast::Expr,
        span: Span,
    ) -> Option<tir::Expr> {
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
    pub(super) fn elem_type(&mut self, it: &tir::Expr) -> Option<Type> {
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
    pub(super) fn iterable(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
        let te = self.iterable_or_seq(cx, e)?;
        self.check_value_type(&te)?;
        Some(te)
    }

    pub(super) fn iterable_or_seq(&mut self, cx: &mut FnCtx, e: &ast::Expr) -> Option<tir::Expr> {
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

    pub(super) fn comprehension(
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
    pub(super) fn comp_target(&mut self, cx: &mut FnCtx, t: &ast::Expr, ty: &Type) -> Option<Target> {
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
}

//! The checker's calls: user functions (arity, defaults, keywords),
//! builtins and methods, each resolved to one `tir` variant per behaviour.

use super::*;

impl Checker {
    pub(super) fn call(
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

    pub(super) fn user_call(
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
    pub(super) fn arg(&mut self, cx: &mut FnCtx, a: &ast::Expr, ty: &Type, what: &str) -> Option<tir::Expr> {
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
    pub(super) fn place_args<'e>(
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
    pub(super) fn iter_arg(&mut self, cx: &mut FnCtx, a: &ast::Expr) -> Option<(tir::Expr, Type)> {
        let te = self.iterable(cx, a)?;
        let elem = self.elem_type(&te)?;
        Some((te, elem))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn builtin(
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

    pub(super) fn method_call(
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
    pub(super) fn str_method_with_args(
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

    pub(super) fn unknown_method(&mut self, ty: &Type, method: &ast::Ident) -> Option<tir::Expr> {
        self.error_note(
            method.span,
            format!("`{ty}` has no method `{}`", method.name),
            "unknown method",
            "see docs/language.md for the supported methods",
        );
        None
    }
}

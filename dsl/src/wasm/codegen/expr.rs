//! Code generation for expressions: scalar arithmetic inline, indexing,
//! calls into the runtime with type descriptors, builtins and methods.

use super::*;

impl<'m, 'p> FnCx<'m, 'p> {
    /// Evaluates an int-valued expression (a bool is widened).
    pub(super) fn expr_int(&mut self, e: &Expr) -> R<()> {
        self.expr(e)?;
        if e.ty == Type::Bool {
            self.code.push(I::I64ExtendI32U);
        }
        Ok(())
    }

    pub(super) fn expr(&mut self, e: &Expr) -> R<()> {
        // Nesting is bounded by the parser (MAX_NESTING); the stack grows on
        // the heap if a debug build's frames need more than the thread has.
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.expr_inner(e))
    }

    pub(super) fn expr_inner(&mut self, e: &Expr) -> R<()> {
        let span = e.span;
        match &e.kind {
            K::Int(v) => self.code.push(I::I64Const(*v)),
            K::Float(v) => self.code.push(I::F64Const(Ieee64::from(*v))),
            K::Bool(b) => self.code.push(I::I32Const(*b as i32)),
            K::Str(s) => {
                let a = self.m.str_const(s);
                self.code.push(I::I32Const(a as i32));
                self.incref()?;
            }
            K::None => {}
            K::Local(id) => {
                self.local_checked(*id, span)?;
                let (v, _) = self.slot(*id, span)?;
                self.code.push(I::LocalGet(v));
                self.incref_if(&e.ty)?;
            }
            K::Const(id) => {
                let g = self.m.const_globals[*id];
                self.code.push(I::GlobalGet(g));
                self.incref_if(&e.ty)?;
            }
            K::Hole(i) => match self.m.options.holes.as_ref().and_then(|h| h.get(*i)) {
                Some(v) => self.code.push(I::I64Const(*v)),
                None => {
                    self.raise(ErrorKind::HoleError, span, "the program still has an unfilled hole `??`");
                }
            },
            K::IntToFloat(x) => {
                self.expr_int(x)?;
                self.code.push(I::F64ConvertI64S);
            }
            K::Truthy(x) => {
                let h = self.borrowed(x)?;
                self.truthy(&x.ty)?;
                self.done_borrowed(h)?;
            }
            K::Binary(op, l, r) => self.binary(*op, l, r, &e.ty, span)?,
            K::Unary(op, x) => match (op, &x.ty) {
                (UnaryOp::Neg, Type::Int) => {
                    self.code.push(I::I64Const(0));
                    self.expr(x)?;
                    self.code.push(I::I64Sub);
                }
                (UnaryOp::Neg, Type::Float) => {
                    self.expr(x)?;
                    self.code.push(I::F64Neg);
                }
                (UnaryOp::Pos, _) => self.expr(x)?,
                (UnaryOp::Invert, Type::Int) => {
                    self.expr(x)?;
                    self.emit([I::I64Const(-1), I::I64Xor]);
                }
                (UnaryOp::Not, _) => {
                    let h = self.borrowed(x)?;
                    self.truthy(&x.ty)?;
                    self.code.push(I::I32Eqz);
                    self.done_borrowed(h)?;
                }
                _ => return unsupported(format!("`{op:?}` on `{}`", x.ty), span),
            },
            K::Compare(first, rest) => self.compare(first, rest)?,
            K::BoolOp(op, values) => self.bool_op(*op, values, &e.ty, span)?,
            K::IfExp(c, a, b) => {
                self.expr(c)?;
                let vt = val_type(&e.ty, span)?;
                self.code.push(I::If(BlockType::Result(vt)));
                self.labels.push(Label::Plain);
                self.expr(a)?;
                self.code.push(I::Else);
                self.expr(b)?;
                self.end_block();
            }
            K::Call(fid, args) => {
                for a in args {
                    self.expr(a)?;
                }
                let callee = &self.m.program.functions[*fid];
                if callee.is_stub {
                    // A batched candidate's functions are named `name#k` (tir::merge).
                    let name = callee.name.split('#').next().unwrap_or_default();
                    let message = format!("`{name}` has no body yet (it is a synthesis target)");
                    self.raise(ErrorKind::NotImplementedError, span, &message);
                    return Ok(());
                }
                let g = self.m.depth_global;
                let max = self.m.options.max_depth as i32;
                self.emit([I::GlobalGet(g), I::I32Const(max), I::I32GeU]);
                self.raise_if(ErrorKind::RecursionError, span, "maximum recursion depth exceeded");
                self.code.push(I::Call(self.m.user_base + *fid as u32));
            }
            K::Builtin(b, args) => self.builtin(*b, args, e)?,
            K::Method(m, args) => self.method(*m, args, e)?,
            K::Index(s, i) => {
                if s.ty == Type::Str {
                    let h = self.borrowed(s)?;
                    self.expr_int(i)?;
                    self.site(span);
                    self.call_rt("rt_str_getitem")?;
                    self.done_borrowed(h)?;
                } else if let Some((h, id)) = match &s.kind {
                    K::Local(id) => self.hoisted.get(id).copied().map(|h| (h, *id)),
                    _ => None,
                } {
                    // The list's header was loaded before the loop.
                    self.local_checked(id, s.span)?;
                    self.expr_int(i)?;
                    let check = self.check_for(s, i);
                    let addr = self.hoisted_item_address(h, check, span, "list index out of range");
                    self.code.push(I::LocalGet(addr));
                    self.load_slot(&e.ty);
                    self.incref_if(&e.ty)?;
                } else {
                    // Inline: evaluators index lists in their hottest loops.
                    let seq = self.operand(s)?;
                    self.expr_int(i)?;
                    let what = if matches!(s.ty, Type::List(_)) { "list" } else { "tuple" };
                    let check = self.check_for(s, i);
                    let addr = self.item_address(seq.local, &s.ty, check, span, &format!("{what} index out of range"));
                    self.code.push(I::LocalGet(addr));
                    self.load_slot(&e.ty);
                    self.incref_if(&e.ty)?;
                    self.done(seq)?;
                }
            }
            K::Slice(s, lo, hi, st) => {
                let h = self.borrowed(s)?;
                for b in [lo, hi] {
                    match b {
                        Some(b) => {
                            self.expr_int(b)?;
                            self.code.push(I::I32Const(1));
                        }
                        None => self.emit([I::I64Const(0), I::I32Const(0)]),
                    }
                }
                match st {
                    Some(st) => self.expr_int(st)?,
                    None => self.code.push(I::I64Const(1)),
                }
                self.site(span);
                match &s.ty {
                    Type::Str => self.call_rt("rt_str_slice")?,
                    Type::List(_) => {
                        self.desc(&e.ty);
                        self.call_rt("rt_list_slice")?
                    }
                    _ => {
                        self.desc(&e.ty);
                        self.call_rt("rt_tuple_slice")?
                    }
                }
                self.done_borrowed(h)?;
            }
            K::List(items) => {
                self.code.push(I::I32Const(items.len() as i32));
                self.desc(&e.ty);
                self.call_rt("rt_list_new")?;
                let l = self.save(ValType::I32);
                for item in items {
                    self.code.push(I::LocalGet(l));
                    self.expr_slot(item)?;
                    self.call_rt("rt_list_push")?;
                }
                self.code.push(I::LocalGet(l));
            }
            K::Tuple(items) => {
                // Items first (a failing item allocates nothing), then the tuple.
                let mut temps = Vec::new();
                for item in items {
                    self.expr_slot(item)?;
                    temps.push(self.save(ValType::I64));
                }
                self.code.push(I::I32Const(items.len() as i32));
                self.desc(&e.ty);
                self.call_rt("rt_tuple_new")?;
                let t = self.save(ValType::I32);
                for (i, v) in temps.into_iter().enumerate() {
                    self.emit([I::LocalGet(t), I::LocalGet(v), I::I64Store(mem(8 + 8 * i as u64, 3))]);
                }
                self.code.push(I::LocalGet(t));
            }
            K::Comprehension(elt, clauses) => {
                self.code.push(I::I32Const(0));
                self.desc(&e.ty);
                self.call_rt("rt_list_new")?;
                let l = self.save(ValType::I32);
                let ety = elt.ty.clone();
                // Each element's reference moves into the list.
                self.comprehension_owned(elt, clauses, &mut |cx, item| {
                    cx.emit([I::LocalGet(l), I::LocalGet(item)]);
                    cx.emit_to_slot(&ety);
                    cx.call_rt("rt_list_push")
                })?;
                self.code.push(I::LocalGet(l));
            }
        }
        Ok(())
    }

    /// The unbound-local check of a read of local `id` (none where it is
    /// definitely assigned).
    pub(super) fn local_checked(&mut self, id: usize, span: Span) -> R<()> {
        let (_, flag) = self.slot(id, span)?;
        let definitely = self.assigned.get(id).copied().unwrap_or(false);
        if let Some(flag) = flag.filter(|_| !definitely) {
            let name = self.current_locals().get(id).map_or(String::new(), |l| l.name.clone());
            self.emit([I::LocalGet(flag), I::I32Eqz]);
            self.raise_if(
                ErrorKind::UnboundLocalError,
                span,
                &format!("cannot access local variable '{name}' where it is not associated with a value"),
            );
        }
        Ok(())
    }

    /// Replaces the value on the stack by its truthiness (an i32).
    pub(super) fn truthy(&mut self, ty: &Type) -> R<()> {
        match ty {
            Type::Int => self.emit([I::I64Const(0), I::I64Ne]),
            // NaN is truthy, and `nan != 0.0` holds.
            Type::Float => self.emit([I::F64Const(Ieee64::from(0.0)), I::F64Ne]),
            Type::Bool => {}
            // Strings, lists and tuples: a non-zero length (the first word).
            Type::Str | Type::List(_) | Type::Tuple(_) | Type::TupleOf(_) => {
                self.emit([I::I32Load(mem(0, 2)), I::I32Const(0), I::I32Ne]);
            }
            Type::None => self.code.push(I::I32Const(0)),
        }
        Ok(())
    }

    /// Evaluates `e` as a float (converting an int or bool operand).
    pub(super) fn expr_as_float(&mut self, e: &Expr) -> R<()> {
        self.expr(e)?;
        self.emit_to_float(&e.ty);
        Ok(())
    }

    pub(super) fn emit_to_float(&mut self, ty: &Type) {
        match ty {
            Type::Int => self.code.push(I::F64ConvertI64S),
            Type::Bool => self.emit([I::I64ExtendI32U, I::F64ConvertI64S]),
            _ => {}
        }
    }

    /// Converts the value on the stack (of `from`) to `str()` of it.
    pub(super) fn emit_to_str(&mut self, from: &Type) -> R<()> {
        match from {
            Type::Str => {}
            Type::Int => self.call_rt("rt_int_str")?,
            Type::Float => self.call_rt("rt_float_repr")?,
            Type::Bool => {
                let t = self.m.str_const("True");
                let f = self.m.str_const("False");
                let b = self.save(ValType::I32);
                self.emit([I::I32Const(t as i32), I::I32Const(f as i32), I::LocalGet(b), I::Select]);
                self.incref()?;
            }
            other => {
                let v = self.save(ValType::I32);
                self.desc(other);
                self.emit([I::LocalGet(v), I::I64ExtendI32U]);
                self.call_rt("rt_to_str")?;
                self.decref_local(v)?;
            }
        }
        Ok(())
    }

    pub(super) fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, ty: &Type, span: Span) -> R<()> {
        // `x % c` and `x // c` with a positive constant: no zero or -1 cases,
        // and cranelift turns the division into a multiplication.
        if let (Type::Int, Type::Int, K::Int(c), BinOp::Mod | BinOp::FloorDiv) = (ty, &l.ty, &r.kind, op)
            && *c > 0
        {
            self.expr(l)?;
            let x = self.save(ValType::I64);
            let rem = self.new_local(ValType::I64);
            self.emit([I::LocalGet(x), I::I64Const(*c), I::I64RemS, I::LocalSet(rem)]);
            if op == BinOp::Mod {
                // rem + (c if rem < 0)
                self.emit([
                    I::LocalGet(rem),
                    I::LocalGet(rem),
                    I::I64Const(63),
                    I::I64ShrS,
                    I::I64Const(*c),
                    I::I64And,
                ]);
                self.code.push(I::I64Add);
            } else {
                // x / c - (1 if rem < 0)
                self.emit([I::LocalGet(x), I::I64Const(*c), I::I64DivS, I::LocalGet(rem), I::I64Const(63), I::I64ShrU]);
                self.code.push(I::I64Sub);
            }
            return Ok(());
        }
        let a = self.operand(l)?;
        let b = self.operand(r)?;
        self.binary_locals(op, a.local, &l.ty, b.local, &r.ty, ty, span)?;
        self.done(b)?;
        self.done(a)
    }

    /// `a op b` for two locals, pushing a value of type `ty`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn binary_locals(
        &mut self,
        op: BinOp,
        a: u32,
        at: &Type,
        b: u32,
        bt: &Type,
        ty: &Type,
        span: Span,
    ) -> R<()> {
        let get = |cx: &mut Self, v: u32, t: &Type, want: &Type| {
            cx.code.push(I::LocalGet(v));
            match (t, want) {
                (Type::Bool, Type::Int) => cx.code.push(I::I64ExtendI32U),
                (Type::Int | Type::Bool, Type::Float) => cx.emit_to_float(t),
                _ => {}
            }
        };
        match ty {
            Type::Int if is_numeric(at) && is_numeric(bt) => {
                get(self, a, at, &Type::Int);
                get(self, b, bt, &Type::Int);
                self.int_binary(op, span)
            }
            Type::Float if matches!(at, Type::Int | Type::Bool) && matches!(bt, Type::Int | Type::Bool) => {
                // int / int, correctly rounded.
                get(self, a, at, &Type::Int);
                get(self, b, bt, &Type::Int);
                let y = self.save(ValType::I64);
                self.emit([I::LocalGet(y), I::I64Eqz]);
                self.raise_if(ErrorKind::ZeroDivisionError, span, "division by zero");
                self.code.push(I::LocalGet(y));
                self.call_rt("rt_int_true_div")
            }
            Type::Float => {
                get(self, a, at, &Type::Float);
                get(self, b, bt, &Type::Float);
                self.float_binary(op, span)
            }
            Type::Bool => {
                self.emit([I::LocalGet(a), I::LocalGet(b)]);
                match op {
                    BinOp::BitAnd => self.code.push(I::I32And),
                    BinOp::BitOr => self.code.push(I::I32Or),
                    BinOp::BitXor => self.code.push(I::I32Xor),
                    _ => return unsupported(format!("`{}` on bools", op.as_str()), span),
                }
                Ok(())
            }
            Type::Str | Type::List(_) | Type::Tuple(_) | Type::TupleOf(_) => {
                let kind = match ty {
                    Type::Str => "str",
                    Type::List(_) => "list",
                    _ => "tuple",
                };
                match op {
                    BinOp::Add => {
                        self.emit([I::LocalGet(a), I::LocalGet(b)]);
                        if kind != "str" {
                            self.desc(ty);
                        }
                        self.call_rt(match kind {
                            "str" => "rt_str_concat",
                            "list" => "rt_list_concat",
                            _ => "rt_tuple_concat",
                        })
                    }
                    BinOp::Mul => {
                        // The int may be on either side.
                        let (seq, n, nt) = if is_numeric(at) { (b, a, at) } else { (a, b, bt) };
                        self.code.push(I::LocalGet(seq));
                        get(self, n, nt, &Type::Int);
                        if kind != "str" {
                            self.desc(ty);
                        }
                        self.site(span);
                        self.call_rt(match kind {
                            "str" => "rt_str_repeat",
                            "list" => "rt_list_repeat",
                            _ => "rt_tuple_repeat",
                        })
                    }
                    _ => unsupported(format!("`{}` on `{at}` and `{bt}`", op.as_str()), span),
                }
            }
            _ => unsupported(format!("`{}` on `{at}` and `{bt}`", op.as_str()), span),
        }
    }

    pub(super) fn float_binary(&mut self, op: BinOp, span: Span) -> R<()> {
        match op {
            BinOp::Add => self.code.push(I::F64Add),
            BinOp::Sub => self.code.push(I::F64Sub),
            BinOp::Mul => self.code.push(I::F64Mul),
            BinOp::Div | BinOp::FloorDiv | BinOp::Mod => {
                let y = self.save(ValType::F64);
                self.emit([I::LocalGet(y), I::F64Const(Ieee64::from(0.0)), I::F64Eq]);
                let msg = match op {
                    BinOp::Div => "float division by zero",
                    BinOp::FloorDiv => "float floor division by zero",
                    _ => "float modulo",
                };
                self.raise_if(ErrorKind::ZeroDivisionError, span, msg);
                self.code.push(I::LocalGet(y));
                match op {
                    BinOp::Div => self.code.push(I::F64Div),
                    BinOp::FloorDiv => {
                        self.code.push(I::I32Const(0));
                        self.call_rt("rt_float_divmod")?;
                    }
                    _ => {
                        self.code.push(I::I32Const(1));
                        self.call_rt("rt_float_divmod")?;
                    }
                }
            }
            BinOp::Pow => {
                self.site(span);
                self.call_rt("rt_float_pow")?;
            }
            _ => return unsupported(format!("`{}` on floats", op.as_str()), span),
        }
        Ok(())
    }

    /// `x op y` on the two i64s on the stack.
    pub(super) fn int_binary(&mut self, op: BinOp, span: Span) -> R<()> {
        let simple = match op {
            BinOp::Add => Some(I::I64Add),
            BinOp::Sub => Some(I::I64Sub),
            BinOp::Mul => Some(I::I64Mul),
            BinOp::BitAnd => Some(I::I64And),
            BinOp::BitOr => Some(I::I64Or),
            BinOp::BitXor => Some(I::I64Xor),
            _ => None,
        };
        if let Some(ins) = simple {
            self.code.push(ins);
            return Ok(());
        }
        let (x, y) = (self.new_local(ValType::I64), self.new_local(ValType::I64));
        self.emit([I::LocalSet(y), I::LocalSet(x)]);
        match op {
            BinOp::FloorDiv => {
                self.emit([I::LocalGet(y), I::I64Eqz]);
                self.raise_if(ErrorKind::ZeroDivisionError, span, "integer division or modulo by zero");
                // x // -1 wraps (Wasm's div_s would trap on i64::MIN / -1).
                self.emit([
                    I::LocalGet(y),
                    I::I64Const(-1),
                    I::I64Eq,
                    I::If(BlockType::Result(ValType::I64)),
                    I::I64Const(0),
                    I::LocalGet(x),
                    I::I64Sub,
                    I::Else,
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64DivS,
                    // Floor: subtract 1 when inexact and the signs differ.
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64RemS,
                    I::I64Const(0),
                    I::I64Ne,
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64Xor,
                    I::I64Const(0),
                    I::I64LtS,
                    I::I32And,
                    I::I64ExtendI32U,
                    I::I64Sub,
                    I::End,
                ]);
            }
            BinOp::Mod => {
                self.emit([I::LocalGet(y), I::I64Eqz]);
                self.raise_if(ErrorKind::ZeroDivisionError, span, "integer division or modulo by zero");
                let rem = self.new_local(ValType::I64);
                // rem_s(i64::MIN, -1) is 0 in Wasm, as Python's result.
                self.emit([
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64RemS,
                    I::LocalTee(rem),
                    I::LocalGet(y),
                    I::I64Const(0),
                    I::LocalGet(rem),
                    I::I64Const(0),
                    I::I64Ne,
                    I::LocalGet(rem),
                    I::LocalGet(y),
                    I::I64Xor,
                    I::I64Const(0),
                    I::I64LtS,
                    I::I32And,
                    I::Select,
                    I::I64Add,
                ]);
            }
            BinOp::Pow => {
                self.emit([I::LocalGet(y), I::I64Const(0), I::I64LtS]);
                self.raise_if(
                    ErrorKind::ValueError,
                    span,
                    "negative exponent for int ** int (Python would return a float; write float(x) ** y)",
                );
                self.emit([I::LocalGet(x), I::LocalGet(y), I::Call(self.m.pow_idx)]);
            }
            BinOp::LShift | BinOp::RShift => {
                self.emit([I::LocalGet(y), I::I64Const(0), I::I64LtS]);
                self.raise_if(ErrorKind::ValueError, span, "negative shift count");
                if op == BinOp::LShift {
                    self.emit([
                        I::LocalGet(y),
                        I::I64Const(64),
                        I::I64GeS,
                        I::If(BlockType::Result(ValType::I64)),
                        I::I64Const(0),
                        I::Else,
                        I::LocalGet(x),
                        I::LocalGet(y),
                        I::I64Shl,
                        I::End,
                    ]);
                } else {
                    // Shifting right by 63 or more leaves the sign.
                    self.emit([
                        I::LocalGet(x),
                        I::LocalGet(y),
                        I::I64Const(63),
                        I::LocalGet(y),
                        I::I64Const(63),
                        I::I64LtS,
                        I::Select,
                        I::I64ShrS,
                    ]);
                }
            }
            _ => return unsupported(format!("`{}` on ints", op.as_str()), span),
        }
        Ok(())
    }

    pub(super) fn compare(&mut self, first: &Expr, rest: &[(CmpOp, Expr)]) -> R<()> {
        // A chain in a block (result i32): each failing link exits with 0.
        // A single comparison has no block, so a branch on it sits in the
        // same basic block as the comparison and fuses with it.
        let chain = rest.len() > 1;
        if chain {
            self.open(BlockType::Result(ValType::I32), Label::Plain);
        }
        let chain_at = self.labels.len().saturating_sub(1);
        let mut prev = self.operand(first)?;
        let mut prev_ty = first.ty.clone();
        for (i, (op, r)) in rest.iter().enumerate() {
            let last = i + 1 == rest.len();
            let (cur, cur_ty) = match (op, &r.kind) {
                // `x in range(...)` ending a chain: by arithmetic, as CPython.
                (CmpOp::In | CmpOp::NotIn, K::Builtin(Builtin::Range, args)) if last => {
                    self.in_range(prev.local, &prev_ty, args, r.span)?;
                    (prev, prev_ty.clone())
                }
                (CmpOp::In | CmpOp::NotIn, _) => {
                    let (c, cty) = if is_lazy(r) {
                        let l = self.collect(r)?;
                        self.hold(l);
                        (Operand { local: l, owned: true }, Type::list(r.ty.elem().unwrap_or(Type::Int)))
                    } else {
                        (self.operand(r)?, r.ty.clone())
                    };
                    self.contains(prev.local, &prev_ty, c.local, &cty)?;
                    (c, cty)
                }
                _ => {
                    let cur = self.operand(r)?;
                    self.compare_locals(*op, prev.local, &prev_ty, cur.local, &r.ty)?;
                    (cur, r.ty.clone())
                }
            };
            if *op == CmpOp::NotIn {
                self.code.push(I::I32Eqz);
            }
            if cur.local != prev.local {
                self.done(prev)?;
            }
            if !last {
                // A failing link ends the chain, dropping the operand it kept.
                self.emit([I::I32Eqz, I::If(BlockType::Empty)]);
                self.drop_held_to(chain_at)?;
                self.emit([I::I32Const(0), I::Br(1), I::End]);
            }
            prev = cur;
            prev_ty = cur_ty;
        }
        self.done(prev)?;
        if rest.is_empty() {
            self.code.push(I::I32Const(1));
        }
        if chain {
            self.end_block();
        }
        Ok(())
    }

    /// Pushes `needle in container` (an i32) for two locals.
    pub(super) fn contains(&mut self, needle: u32, nty: &Type, c: u32, cty: &Type) -> R<()> {
        if *cty == Type::Str {
            self.emit([I::LocalGet(c), I::LocalGet(needle)]);
            return self.call_rt("rt_str_contains");
        }
        self.desc(cty);
        self.code.push(I::LocalGet(c));
        self.code.push(I::I64ExtendI32U);
        self.desc(nty);
        self.code.push(I::LocalGet(needle));
        self.emit_to_slot(nty);
        self.call_rt("rt_contains")
    }

    /// Pushes `needle in range(a, b, s)` (an i32), by arithmetic.
    pub(super) fn in_range(&mut self, needle: u32, nty: &Type, args: &[Expr], span: Span) -> R<()> {
        for a in args {
            self.expr_int(a)?;
        }
        let s = self.save(ValType::I64);
        let b = self.save(ValType::I64);
        let a = self.save(ValType::I64);
        self.emit([I::LocalGet(s), I::I64Eqz]);
        self.raise_if(ErrorKind::ValueError, span, "range() arg 3 must not be zero");
        match nty {
            Type::Int | Type::Bool => {
                self.code.push(I::LocalGet(needle));
                if *nty == Type::Bool {
                    self.code.push(I::I64ExtendI32U);
                }
                self.emit([I::LocalGet(a), I::LocalGet(b), I::LocalGet(s)]);
                self.call_rt("rt_in_range")
            }
            Type::Float => {
                self.emit([I::LocalGet(needle), I::LocalGet(a), I::LocalGet(b), I::LocalGet(s)]);
                self.call_rt("rt_in_range_float")
            }
            _ => {
                self.code.push(I::I32Const(0));
                Ok(())
            }
        }
    }

    /// Pushes `a op b` (an i32) for two locals of any comparable types.
    pub(super) fn compare_locals(&mut self, op: CmpOp, a: u32, at: &Type, b: u32, bt: &Type) -> R<()> {
        if is_numeric(at) && is_numeric(bt) {
            let num = |cx: &mut Self, v: u32, t: &Type| -> ValType {
                cx.code.push(I::LocalGet(v));
                match t {
                    Type::Float => ValType::F64,
                    Type::Bool => {
                        cx.code.push(I::I64ExtendI32U);
                        ValType::I64
                    }
                    _ => ValType::I64,
                }
            };
            let avt = num(self, a, at);
            let a2 = self.save(avt);
            let bvt = num(self, b, bt);
            let b2 = self.save(bvt);
            return self.compare_numeric(op, a2, avt, b2, bvt);
        }
        // c = -1, 0, 1, or 2 (unordered); equality separately (lists compare by identity first).
        let c = self.new_local(ValType::I32);
        if *at == Type::Str && *bt == Type::Str {
            self.emit([I::LocalGet(a), I::LocalGet(b)]);
            if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                self.call_rt("rt_str_eq")?;
                if op == CmpOp::Ne {
                    self.code.push(I::I32Eqz);
                }
                return Ok(());
            }
            self.call_rt("rt_str_cmp")?;
        } else {
            self.desc(at);
            self.code.push(I::LocalGet(a));
            self.emit_to_slot(at);
            self.desc(bt);
            self.code.push(I::LocalGet(b));
            self.emit_to_slot(bt);
            if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                self.call_rt("rt_eq")?;
                if op == CmpOp::Ne {
                    self.code.push(I::I32Eqz);
                }
                return Ok(());
            }
            self.call_rt("rt_cmp")?;
        }
        self.code.push(I::LocalSet(c));
        self.ordering_test(op, c);
        Ok(())
    }

    /// Pushes `op` (an i32) read off a three-way comparison in local `c`:
    /// -1, 0, 1, or 2 when unordered (NaN), which fails every ordering.
    pub(super) fn ordering_test(&mut self, op: CmpOp, c: u32) {
        let test = |cx: &mut Self, v: i32| cx.emit([I::LocalGet(c), I::I32Const(v), I::I32Eq]);
        match op {
            CmpOp::Eq => test(self, 0),
            CmpOp::Ne => {
                test(self, 0);
                self.code.push(I::I32Eqz);
            }
            CmpOp::Lt => test(self, -1),
            CmpOp::Gt => test(self, 1),
            CmpOp::Le => {
                test(self, -1);
                test(self, 0);
                self.code.push(I::I32Or);
            }
            _ => {
                test(self, 1);
                test(self, 0);
                self.code.push(I::I32Or);
            }
        }
    }

    /// Pushes `a op b` (an i32) for two numeric locals (i64 or f64).
    pub(super) fn compare_numeric(&mut self, op: CmpOp, a: u32, a_ty: ValType, b: u32, b_ty: ValType) -> R<()> {
        match (a_ty, b_ty) {
            (ValType::I64, ValType::I64) => {
                let ins = match op {
                    CmpOp::Eq => I::I64Eq,
                    CmpOp::Ne => I::I64Ne,
                    CmpOp::Lt => I::I64LtS,
                    CmpOp::Le => I::I64LeS,
                    CmpOp::Gt => I::I64GtS,
                    _ => I::I64GeS,
                };
                self.emit([I::LocalGet(a), I::LocalGet(b), ins]);
            }
            (ValType::F64, ValType::F64) => {
                let ins = match op {
                    CmpOp::Eq => I::F64Eq,
                    CmpOp::Ne => I::F64Ne,
                    CmpOp::Lt => I::F64Lt,
                    CmpOp::Le => I::F64Le,
                    CmpOp::Gt => I::F64Gt,
                    _ => I::F64Ge,
                };
                self.emit([I::LocalGet(a), I::LocalGet(b), ins]);
            }
            _ => {
                // Exact int/float comparison in the runtime: c = cmp(int, float) in {-1, 0, 1, 2}.
                let (int, float, op) = if a_ty == ValType::I64 { (a, b, op) } else { (b, a, flip(op)) };
                let c = self.new_local(ValType::I32);
                self.emit([I::LocalGet(int), I::LocalGet(float)]);
                self.call_rt("rt_cmp_int_float")?;
                self.code.push(I::LocalSet(c));
                self.ordering_test(op, c);
            }
        }
        Ok(())
    }

    pub(super) fn bool_op(&mut self, op: BoolOp, values: &[Expr], ty: &Type, span: Span) -> R<()> {
        let vt = val_type(ty, span)?;
        let t = self.new_local(vt);
        self.open(BlockType::Result(vt), Label::Plain);
        for (i, v) in values.iter().enumerate() {
            self.expr(v)?;
            if i + 1 == values.len() {
                break;
            }
            self.code.push(I::LocalTee(t));
            self.truthy(ty)?;
            if op == BoolOp::And {
                self.code.push(I::I32Eqz);
            }
            // The deciding operand is the result; another is dropped.
            self.emit([I::If(BlockType::Empty), I::LocalGet(t), I::Br(1), I::End]);
            if is_heap(ty) {
                self.decref_local(t)?;
            }
        }
        self.end_block();
        Ok(())
    }

    /// Pushes optional int arguments as (value i64, present i32) pairs.
    pub(super) fn optional_ints(&mut self, args: &[&Expr], n: usize) -> R<()> {
        for i in 0..n {
            match args.get(i) {
                Some(a) => {
                    self.expr_int(a)?;
                    self.code.push(I::I32Const(1));
                }
                None => self.emit([I::I64Const(0), I::I32Const(0)]),
            }
        }
        Ok(())
    }

    pub(super) fn builtin(&mut self, b: Builtin, args: &[Expr], e: &Expr) -> R<()> {
        let (ty, span) = (&e.ty, e.span);
        match b {
            Builtin::Range | Builtin::Enumerate | Builtin::Zip | Builtin::Reversed => {
                let l = self.collect(e)?;
                self.code.push(I::LocalGet(l));
            }
            Builtin::Len => match (&args[0].kind, &args[0].ty) {
                (K::Builtin(Builtin::Range, r), _) => {
                    for a in r {
                        self.expr_int(a)?;
                    }
                    self.site(span);
                    self.call_rt("rt_range_len")?;
                }
                (_, Type::Str) => {
                    let h = self.borrowed(&args[0])?;
                    self.emit([I::I32Load(mem(4, 2)), I::I64ExtendI32U]);
                    self.done_borrowed(h)?;
                }
                _ => {
                    let h = self.borrowed(&args[0])?;
                    self.emit([I::I32Load(mem(0, 2)), I::I64ExtendI32U]);
                    self.done_borrowed(h)?;
                }
            },
            Builtin::Abs => {
                self.expr(&args[0])?;
                match args[0].ty {
                    Type::Int => {
                        let x = self.new_local(ValType::I64);
                        // select(-x, x, x < 0); abs(i64::MIN) wraps, as in the interpreter.
                        self.emit([
                            I::LocalSet(x),
                            I::I64Const(0),
                            I::LocalGet(x),
                            I::I64Sub,
                            I::LocalGet(x),
                            I::LocalGet(x),
                            I::I64Const(0),
                            I::I64LtS,
                            I::Select,
                        ]);
                    }
                    Type::Bool => self.code.push(I::I64ExtendI32U),
                    _ => self.code.push(I::F64Abs),
                }
            }
            Builtin::MinIter | Builtin::MaxIter => {
                let l = self.list_of(&args[0])?;
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                let vt = val_type(ty, span)?;
                self.emit([I::LocalGet(l.local), I::I32Load(mem(0, 2)), I::I32Eqz]);
                self.code.push(I::If(BlockType::Result(vt)));
                self.labels.push(Label::Plain);
                match args.get(1) {
                    Some(d) => self.expr(d)?,
                    None => {
                        let name = if b == Builtin::MinIter { "min" } else { "max" };
                        self.raise(ErrorKind::ValueError, span, &format!("{name}() arg is an empty sequence"));
                    }
                }
                self.code.push(I::Else);
                self.desc(&elem);
                self.emit([I::LocalGet(l.local), I::I32Const((b == Builtin::MaxIter) as i32)]);
                self.call_rt("rt_list_extremum")?;
                self.emit_from_slot(ty);
                self.incref_if(ty)?;
                self.end_block();
                self.done(l)?;
            }
            Builtin::MinArgs | Builtin::MaxArgs => {
                let vt = val_type(ty, span)?;
                self.expr(&args[0])?;
                let best = self.save(vt);
                for a in &args[1..] {
                    self.expr(a)?;
                    let cand = self.save(vt);
                    // Replace only when strictly better, as CPython does.
                    let (x, y) = if b == Builtin::MinArgs { (cand, best) } else { (best, cand) };
                    self.compare_locals(CmpOp::Lt, x, ty, y, ty)?;
                    // The loser's reference is dropped.
                    let heap = is_heap(ty);
                    self.code.push(I::If(BlockType::Empty));
                    if heap {
                        self.decref_local(best)?;
                    }
                    self.emit([I::LocalGet(cand), I::LocalSet(best)]);
                    if heap {
                        self.code.push(I::Else);
                        self.decref_local(cand)?;
                    }
                    self.code.push(I::End);
                }
                self.code.push(I::LocalGet(best));
            }
            Builtin::Sum => {
                // The start first, then the items, as the interpreter.
                self.expr(&args[1])?;
                let acc = self.save(val_type(ty, span)?);
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                let item_span = args[0].span;
                self.for_each(&args[0], &mut |cx, item| {
                    cx.binary_locals(BinOp::Add, acc, ty, item, &elem, ty, item_span)?;
                    if is_heap(ty) {
                        cx.decref_local(acc)?;
                    }
                    cx.code.push(I::LocalSet(acc));
                    Ok(())
                })?;
                self.code.push(I::LocalGet(acc));
            }
            Builtin::Sorted => {
                let l = self.collect(&args[0])?;
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                self.desc(&elem);
                self.code.push(I::LocalGet(l));
                let h = self.borrowed(&args[1])?;
                self.truthy(&args[1].ty)?;
                self.done_borrowed(h)?;
                self.site(span);
                self.call_rt("rt_list_sort")?;
                self.code.push(I::LocalGet(l));
            }
            Builtin::Any | Builtin::All => {
                let want = b == Builtin::Any;
                let result = self.new_local(ValType::I32);
                self.emit([I::I32Const(!want as i32), I::LocalSet(result)]);
                let out = self.fresh_mark();
                self.open(BlockType::Empty, out);
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                self.for_each(&args[0], &mut |cx, item| {
                    cx.code.push(I::LocalGet(item));
                    cx.truthy(&elem)?;
                    if !want {
                        cx.code.push(I::I32Eqz);
                    }
                    cx.emit([I::If(BlockType::Empty), I::I32Const(want as i32), I::LocalSet(result)]);
                    cx.labels.push(Label::Plain);
                    cx.br(out)?;
                    cx.end_block();
                    Ok(())
                })?;
                self.end_block();
                self.code.push(I::LocalGet(result));
            }
            Builtin::Round => match (args.get(1), &args[0].ty) {
                (None, Type::Float) => {
                    self.expr(&args[0])?;
                    self.code.push(I::F64Nearest);
                    self.float_to_int(span);
                }
                (None, _) => self.expr_int(&args[0])?,
                (Some(n), Type::Float) => {
                    self.expr(&args[0])?;
                    self.expr_int(n)?;
                    self.call_rt("rt_round_float")?;
                }
                (Some(n), _) => {
                    self.expr_int(&args[0])?;
                    self.expr_int(n)?;
                    self.call_rt("rt_round_int")?;
                }
            },
            Builtin::Str => {
                self.expr(&args[0])?;
                self.emit_to_str(&args[0].ty)?;
            }
            Builtin::Repr => match &args[0].ty {
                Type::Str => {
                    let h = self.borrowed(&args[0])?;
                    self.call_rt("rt_str_repr")?;
                    self.done_borrowed(h)?;
                }
                t @ (Type::Int | Type::Float | Type::Bool) => {
                    self.expr(&args[0])?;
                    self.emit_to_str(t)?
                }
                other => {
                    let v = self.operand(&args[0])?;
                    self.desc(other);
                    self.emit([I::LocalGet(v.local), I::I64ExtendI32U]);
                    self.call_rt("rt_repr")?;
                    self.done(v)?;
                }
            },
            Builtin::Int => match &args[0].ty {
                Type::Int => self.expr(&args[0])?,
                Type::Bool => self.expr_int(&args[0])?,
                Type::Float => {
                    self.expr(&args[0])?;
                    self.code.push(I::F64Trunc);
                    self.float_to_int(span);
                }
                Type::Str => {
                    let h = self.borrowed(&args[0])?;
                    let base: Vec<&Expr> = args.get(1).into_iter().collect();
                    self.optional_ints(&base, 1)?;
                    self.site(span);
                    self.call_rt("rt_parse_int")?;
                    self.done_borrowed(h)?;
                }
                other => return unsupported(format!("int() of `{other}`"), span),
            },
            Builtin::Float => match &args[0].ty {
                Type::Str => {
                    let h = self.borrowed(&args[0])?;
                    self.site(span);
                    self.call_rt("rt_parse_float")?;
                    self.done_borrowed(h)?;
                }
                _ => self.expr_as_float(&args[0])?,
            },
            Builtin::Bool => {
                let h = self.borrowed(&args[0])?;
                self.truthy(&args[0].ty)?;
                self.done_borrowed(h)?;
            }
            Builtin::List | Builtin::Tuple => {
                match args.first() {
                    Some(a) => {
                        let l = self.collect(a)?;
                        self.code.push(I::LocalGet(l));
                    }
                    None => {
                        self.code.push(I::I32Const(0));
                        self.desc(&Type::list(ty.elem().unwrap_or(Type::Int)));
                        self.call_rt("rt_list_new")?;
                    }
                }
                if b == Builtin::Tuple {
                    // The new list's items move into the tuple.
                    self.desc(ty);
                    self.call_rt("rt_tuple_from_list_move")?;
                }
            }
            Builtin::Ord => {
                let h = self.borrowed(&args[0])?;
                self.site(span);
                self.call_rt("rt_ord")?;
                self.done_borrowed(h)?;
            }
            Builtin::Chr => {
                self.expr_int(&args[0])?;
                self.site(span);
                self.call_rt("rt_chr")?;
            }
            Builtin::Divmod => {
                self.expr(&args[0])?;
                let a = self.save(val_type(&args[0].ty, span)?);
                self.expr(&args[1])?;
                let c = self.save(val_type(&args[1].ty, span)?);
                let item = item_type(ty, 0);
                self.binary_locals(BinOp::FloorDiv, a, &args[0].ty, c, &args[1].ty, &item, span)?;
                self.emit_to_slot(&item);
                let q = self.save(ValType::I64);
                self.binary_locals(BinOp::Mod, a, &args[0].ty, c, &args[1].ty, &item, span)?;
                self.emit_to_slot(&item);
                let r = self.save(ValType::I64);
                self.code.push(I::I32Const(2));
                self.desc(ty);
                self.call_rt("rt_tuple_new")?;
                let t = self.save(ValType::I32);
                self.emit([I::LocalGet(t), I::LocalGet(q), I::I64Store(mem(8, 3))]);
                self.emit([I::LocalGet(t), I::LocalGet(r), I::I64Store(mem(16, 3)), I::LocalGet(t)]);
            }
            Builtin::Bin | Builtin::Hex | Builtin::Oct => {
                self.expr_int(&args[0])?;
                let radix = match b {
                    Builtin::Bin => 2,
                    Builtin::Hex => 16,
                    _ => 8,
                };
                self.code.push(I::I32Const(radix));
                self.call_rt("rt_int_radix")?;
            }
            Builtin::PowMod => {
                for a in args {
                    self.expr_int(a)?;
                }
                let r = self.new_local(ValType::I64);
                let status = self.new_local(ValType::I32);
                self.call_rt("rt_pow_mod")?;
                self.code.push(I::LocalSet(r));
                self.call_rt("rt_take_status")?;
                self.emit([I::LocalTee(status), I::I32Const(1), I::I32Eq]);
                self.raise_if(ErrorKind::ValueError, span, "pow() 3rd argument cannot be 0");
                self.emit([I::LocalGet(status), I::I32Const(2), I::I32Eq]);
                self.raise_if(ErrorKind::ValueError, span, "base is not invertible for the given modulus");
                self.code.push(I::LocalGet(r));
            }
            Builtin::Pow => {
                let e = Expr {
                    kind: K::Binary(BinOp::Pow, Box::new(args[0].clone()), Box::new(args[1].clone())),
                    ty: ty.clone(),
                    span,
                };
                self.expr(&e)?;
            }
        }
        Ok(())
    }

    /// Evaluates optional borrowed string arguments (0 when absent).
    fn optional_strs(&mut self, args: &[&Expr], n: usize, held: &mut Vec<Option<u32>>) -> R<()> {
        for i in 0..n {
            match args.get(i) {
                Some(a) => held.push(self.borrowed(a)?),
                None => self.code.push(I::I32Const(0)),
            }
        }
        Ok(())
    }

    pub(super) fn method(&mut self, m: Method, args: &[Expr], e: &Expr) -> R<()> {
        // Every argument is borrowed by the runtime except the items that
        // append, insert and setitem store (stolen: the list keeps the
        // reference); the receiver is borrowed too.
        let recv = self.operand(&args[0])?;
        self.method_on(m, recv, args, e)?;
        self.done(recv)
    }

    fn method_on(&mut self, m: Method, recv: Operand, args: &[Expr], e: &Expr) -> R<()> {
        let span = e.span;
        let r = recv.local;
        let recv_ty = &args[0].ty;
        let rest: Vec<&Expr> = args[1..].iter().collect();
        let mut held = Vec::new();
        // join and extend consume their iterable argument themselves.
        if m == Method::StrJoin {
            let l = self.list_of(&args[1])?;
            self.emit([I::LocalGet(r), I::LocalGet(l.local)]);
            self.call_rt("rt_str_join")?;
            return self.done(l);
        }
        if m == Method::ListExtend {
            let (src, is_tuple) = self.sequence_value(&args[1])?;
            self.emit([I::LocalGet(r), I::LocalGet(src.local), I::I32Const(is_tuple as i32)]);
            self.desc(recv_ty);
            self.call_rt("rt_list_extend")?;
            return self.done(src);
        }
        if let Some(class) = str_class(m) {
            self.emit([I::LocalGet(r), I::I32Const(class)]);
            return self.call_rt("rt_str_is");
        }
        let simple_str = match m {
            Method::StrUpper => Some("rt_str_upper"),
            Method::StrLower => Some("rt_str_lower"),
            Method::StrCapitalize => Some("rt_str_capitalize"),
            Method::StrTitle => Some("rt_str_title"),
            Method::StrSwapcase => Some("rt_str_swapcase"),
            Method::StrSplitlines => Some("rt_str_splitlines"),
            _ => None,
        };
        if let Some(f) = simple_str {
            self.code.push(I::LocalGet(r));
            return self.call_rt(f);
        }
        match m {
            Method::StrStrip | Method::StrLstrip | Method::StrRstrip => {
                self.code.push(I::LocalGet(r));
                self.optional_strs(&rest, 1, &mut held)?;
                let mode = match m {
                    Method::StrLstrip => 1,
                    Method::StrRstrip => 2,
                    _ => 3,
                };
                self.code.push(I::I32Const(mode));
                self.call_rt("rt_str_strip")?;
            }
            Method::StrSplit | Method::StrRsplit => {
                self.code.push(I::LocalGet(r));
                self.optional_strs(&rest, 1, &mut held)?;
                match rest.get(1) {
                    Some(n) => self.expr_int(n)?,
                    None => self.code.push(I::I64Const(-1)),
                }
                self.code.push(I::I32Const((m == Method::StrRsplit) as i32));
                self.site(span);
                self.call_rt("rt_str_split")?;
            }
            Method::StrSplitWsMax | Method::StrRsplitWsMax => {
                self.emit([I::LocalGet(r), I::I32Const(0)]);
                self.expr_int(rest[0])?;
                self.code.push(I::I32Const((m == Method::StrRsplitWsMax) as i32));
                self.call_rt("rt_str_split")?;
            }
            Method::StrFind | Method::StrRfind | Method::StrIndex | Method::StrRindex => {
                self.code.push(I::LocalGet(r));
                held.push(self.borrowed(rest[0])?);
                self.optional_ints(&rest[1..], 2)?;
                let flags = match m {
                    Method::StrFind => 0,
                    Method::StrRfind => 1,
                    Method::StrIndex => 2,
                    _ => 3,
                };
                self.code.push(I::I32Const(flags));
                self.site(span);
                self.call_rt("rt_str_find")?;
            }
            Method::StrCount => {
                self.code.push(I::LocalGet(r));
                held.push(self.borrowed(rest[0])?);
                self.optional_ints(&rest[1..], 2)?;
                self.call_rt("rt_str_count")?;
            }
            Method::StrReplace => {
                self.code.push(I::LocalGet(r));
                held.push(self.borrowed(rest[0])?);
                held.push(self.borrowed(rest[1])?);
                match rest.get(2) {
                    Some(n) => self.expr_int(n)?,
                    None => self.code.push(I::I64Const(-1)),
                }
                self.site(span);
                self.call_rt("rt_str_replace")?;
            }
            Method::StrStartswith | Method::StrEndswith => {
                self.code.push(I::LocalGet(r));
                held.push(self.borrowed(rest[0])?);
                self.code.push(I::I32Const((rest[0].ty != Type::Str) as i32));
                self.optional_ints(&rest[1..], 2)?;
                self.code.push(I::I32Const((m == Method::StrEndswith) as i32));
                self.call_rt("rt_str_affix")?;
            }
            Method::StrZfill => {
                self.code.push(I::LocalGet(r));
                self.expr_int(rest[0])?;
                self.site(span);
                self.call_rt("rt_str_zfill")?;
            }
            Method::StrCenter | Method::StrLjust | Method::StrRjust => {
                self.code.push(I::LocalGet(r));
                self.expr_int(rest[0])?;
                self.optional_strs(&rest[1..], 1, &mut held)?;
                let how = match m {
                    Method::StrCenter => 'c',
                    Method::StrLjust => 'l',
                    _ => 'r',
                };
                self.code.push(I::I32Const(how as i32));
                self.site(span);
                self.call_rt("rt_str_justify")?;
            }
            Method::ListAppend => {
                self.code.push(I::LocalGet(r));
                self.expr_slot(rest[0])?;
                self.site(span);
                self.call_rt("rt_list_push")?;
            }
            Method::ListPop => {
                self.code.push(I::LocalGet(r));
                self.optional_ints(&rest, 1)?;
                self.site(span);
                self.call_rt("rt_list_pop")?;
                self.emit_from_slot(&e.ty);
            }
            Method::ListInsert => {
                self.code.push(I::LocalGet(r));
                self.expr_int(rest[0])?;
                self.expr_slot(rest[1])?;
                self.site(span);
                self.call_rt("rt_list_insert")?;
            }
            Method::ListRemove => {
                let x = self.operand(rest[0])?;
                self.desc(recv_ty);
                self.code.push(I::LocalGet(r));
                self.desc(&rest[0].ty);
                self.code.push(I::LocalGet(x.local));
                self.emit_to_slot(&rest[0].ty);
                self.site(span);
                self.call_rt("rt_list_remove")?;
                self.done(x)?;
            }
            Method::ListClear | Method::ListCopy => {
                self.code.push(I::LocalGet(r));
                self.desc(recv_ty);
                self.call_rt(if m == Method::ListClear { "rt_list_clear" } else { "rt_list_copy" })?;
            }
            Method::ListReverse => {
                self.code.push(I::LocalGet(r));
                self.call_rt("rt_list_reverse")?;
            }
            Method::ListSort => {
                let h = self.borrowed(rest[0])?;
                self.truthy(&rest[0].ty)?;
                let rev = self.save(ValType::I32);
                self.done_borrowed(h)?;
                self.desc(&recv_ty.elem().unwrap_or(Type::Int));
                self.emit([I::LocalGet(r), I::LocalGet(rev)]);
                self.site(span);
                self.call_rt("rt_list_sort")?;
            }
            Method::SeqCount
                if matches!(recv_ty, Type::List(t) | Type::TupleOf(t)
                    if **t == rest[0].ty && matches!(rest[0].ty, Type::Int | Type::Bool)) =>
            {
                // Ints and bools are equal exactly when their slots are: count
                // inline, without the runtime's generic comparison per item.
                let s = r;
                self.expr_slot(rest[0])?;
                let x = self.save(ValType::I64);
                let (n, items, i, k) = (
                    self.new_local(ValType::I32),
                    self.new_local(ValType::I32),
                    self.new_local(ValType::I32),
                    self.new_local(ValType::I64),
                );
                let items_at = if matches!(recv_ty, Type::List(_)) {
                    [I::LocalGet(s), I::I32Load(mem(8, 2))]
                } else {
                    [I::LocalGet(s), I::I32Const(8)]
                };
                self.emit([I::LocalGet(s), I::I32Load(mem(0, 2)), I::LocalSet(n)]);
                self.emit(items_at);
                if !matches!(recv_ty, Type::List(_)) {
                    self.code.push(I::I32Add);
                }
                self.emit([I::LocalSet(items), I::I32Const(0), I::LocalSet(i), I::I64Const(0), I::LocalSet(k)]);
                let done = self.fresh_mark();
                self.open(BlockType::Empty, done);
                self.open_loop(Label::Plain);
                self.emit([I::LocalGet(i), I::LocalGet(n), I::I32GeU]);
                let d = self.br_depth(done);
                self.emit([
                    I::BrIf(d),
                    I::LocalGet(k),
                    I::LocalGet(items),
                    I::LocalGet(i),
                    I::I32Const(3),
                    I::I32Shl,
                    I::I32Add,
                    I::I64Load(mem(0, 3)),
                    I::LocalGet(x),
                    I::I64Eq,
                    I::I64ExtendI32U,
                    I::I64Add,
                    I::LocalSet(k),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(i),
                    I::Br(0),
                ]);
                self.end_block();
                self.end_block();
                self.code.push(I::LocalGet(k));
            }
            Method::SeqIndex | Method::SeqCount => {
                let x = self.operand(rest[0])?;
                self.desc(recv_ty);
                self.emit([I::LocalGet(r), I::I64ExtendI32U]);
                self.desc(&rest[0].ty);
                self.code.push(I::LocalGet(x.local));
                self.emit_to_slot(&rest[0].ty);
                if m == Method::SeqCount {
                    self.call_rt("rt_seq_count")?;
                } else {
                    self.optional_ints(&rest[1..], 2)?;
                    self.site(span);
                    self.call_rt("rt_seq_index")?;
                }
                self.done(x)?;
            }
            other => return unsupported(format!("the method {other:?}"), span),
        }
        for h in held.into_iter().rev() {
            self.done_borrowed(h)?;
        }
        Ok(())
    }

    /// Converts the integral f64 on the stack to i64 with Python's errors.
    pub(super) fn float_to_int(&mut self, span: Span) {
        let f = self.new_local(ValType::F64);
        self.emit([I::LocalTee(f), I::LocalGet(f), I::F64Ne]);
        self.raise_if(ErrorKind::ValueError, span, "cannot convert float NaN to integer");
        self.emit([I::LocalGet(f), I::F64Abs, I::F64Const(Ieee64::from(f64::INFINITY)), I::F64Eq]);
        self.raise_if(ErrorKind::OverflowError, span, "cannot convert float infinity to integer");
        self.emit([
            I::LocalGet(f),
            I::F64Const(Ieee64::from(9_223_372_036_854_775_808.0)),
            I::F64Ge,
            I::LocalGet(f),
            I::F64Const(Ieee64::from(-9_223_372_036_854_775_808.0)),
            I::F64Lt,
            I::I32Or,
        ]);
        self.raise_if(ErrorKind::OverflowError, span, "float too large for a 64-bit int");
        self.emit([I::LocalGet(f), I::I64TruncF64S]);
    }
}

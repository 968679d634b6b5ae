//! Code generation for iteration: `for` loops (range chunks, versioned
//! bounds checks, hoisted list headers) and comprehensions.

use super::*;

/// What `zip_loop` runs per step: the columns (with their types) and the step's index.
type RowFn<'a, 'm, 'p> = dyn FnMut(&mut FnCx<'m, 'p>, &[(Operand, Type)], u32) -> R<()> + 'a;

impl<'m, 'p> FnCx<'m, 'p> {
    /// Emits a loop calling `f` with a local holding each item of the
    /// iterable `iter`, lazily for `range`/`enumerate`/`zip`/`reversed`
    /// and comprehensions, as the interpreter's `for_each`. The loop runs
    /// to the end; `f` exits it by branching to a label outside (`br`,
    /// which drops what the loop holds). The item is borrowed: `f` takes
    /// its own reference to keep it.
    pub(super) fn for_each(&mut self, iter: &Expr, f: &mut dyn FnMut(&mut Self, u32) -> R<()>) -> R<()> {
        match &iter.kind {
            K::Builtin(Builtin::Range, args) => self.range_loop(args, iter.span, f),
            K::Builtin(Builtin::Enumerate, args) => {
                self.expr_int(&args[1])?;
                let n = self.save(ValType::I64);
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                let pair = Type::Tuple(vec![Type::Int, elem.clone()]);
                self.for_each(&args[0], &mut |cx, item| {
                    cx.emit([I::I32Const(2)]);
                    cx.desc(&pair);
                    cx.call_rt("rt_tuple_new")?;
                    let t = cx.save(ValType::I32);
                    cx.emit([I::LocalGet(t), I::LocalGet(n), I::I64Store(mem(8, 3))]);
                    cx.emit([I::LocalGet(t), I::LocalGet(item)]);
                    cx.incref_if(&elem)?;
                    cx.emit_to_slot(&elem);
                    cx.emit([I::I64Store(mem(16, 3))]);
                    cx.emit([I::LocalGet(n), I::I64Const(1), I::I64Add, I::LocalSet(n)]);
                    cx.hold(t);
                    f(cx, t)?;
                    cx.release(t)
                })
            }
            K::Builtin(Builtin::Zip, args) => {
                let row = iter.ty.elem().unwrap_or(Type::Int);
                self.zip_loop(args, &mut |cx, cols, i| {
                    cx.emit([I::I32Const(cols.len() as i32)]);
                    cx.desc(&row);
                    cx.call_rt("rt_tuple_new")?;
                    let t = cx.save(ValType::I32);
                    for (j, (c, cty)) in cols.iter().enumerate() {
                        cx.code.push(I::LocalGet(t));
                        cx.load_item(c.local, cty, i);
                        if is_heap(&item_type(&row, j)) {
                            let v = cx.save(ValType::I64);
                            cx.emit([I::LocalGet(v), I::I32WrapI64]);
                            cx.incref()?;
                            cx.emit([I::Drop, I::LocalGet(v)]);
                        }
                        cx.code.push(I::I64Store(mem(8 + 8 * j as u64, 3)));
                    }
                    cx.hold(t);
                    f(cx, t)?;
                    cx.release(t)
                })
            }
            K::Builtin(Builtin::Reversed, args) => {
                let l = self.collect(&args[0])?;
                self.hold(l);
                let elem = iter.ty.elem().unwrap_or(Type::Int);
                let i = self.new_local(ValType::I32);
                self.emit([I::LocalGet(l), I::I32Load(mem(0, 2)), I::LocalSet(i)]);
                let done = self.fresh_mark();
                self.open(BlockType::Empty, done);
                self.open_loop(Label::Plain);
                self.emit([I::LocalGet(i), I::I32Eqz]);
                let d = self.br_depth(done);
                self.code.push(I::BrIf(d));
                self.emit([I::LocalGet(i), I::I32Const(1), I::I32Sub, I::LocalSet(i)]);
                self.load_item(l, &Type::list(elem.clone()), i);
                self.emit_from_slot(&elem);
                let item = self.save(val_type(&elem, iter.span)?);
                f(self, item)?;
                self.code.push(I::Br(0));
                self.end_block();
                self.end_block();
                self.release(l)
            }
            K::Comprehension(elt, clauses) => self.comprehension(elt, clauses, 0, false, f),
            _ => {
                // A local the loop cannot rebind is read in place; anything
                // else is referenced by the loop while it runs.
                let v = match iter.kind {
                    K::Local(id) if !self.rebinds.contains(&id) => self.operand(iter)?,
                    _ => {
                        self.expr(iter)?;
                        let l = self.save(ValType::I32);
                        self.hold(l);
                        Operand { local: l, owned: true }
                    }
                };
                self.sequence_loop(v.local, &iter.ty, iter.span, f)?;
                self.done(v)
            }
        }
    }

    /// The loop of `zip(args...)`: `row` gets the columns (lists or tuples
    /// whose items can be read, with their types) and the index of the step.
    pub(super) fn zip_loop(&mut self, args: &[Expr], row: &mut RowFn<'_, 'm, 'p>) -> R<()> {
        // Each column as a list or tuple whose items can be read: a tuple as
        // it is (it cannot change), anything else collected (a snapshot, as
        // the interpreter takes).
        let mut cols = Vec::new();
        for a in args {
            let elem = a.ty.elem().unwrap_or(Type::Int);
            if !is_lazy(a) && matches!(a.ty, Type::Tuple(_) | Type::TupleOf(_)) {
                cols.push((self.operand(a)?, a.ty.clone()));
            } else {
                let l = self.collect(a)?;
                self.hold(l);
                cols.push((Operand { local: l, owned: true }, Type::list(elem.clone())));
            }
        }
        // n = min of the lengths.
        let n = self.new_local(ValType::I32);
        self.emit([I::I32Const(i32::MAX), I::LocalSet(n)]);
        for (c, _) in &cols {
            let c = c.local;
            self.emit([
                I::LocalGet(c),
                I::I32Load(mem(0, 2)),
                I::LocalGet(n),
                I::LocalGet(c),
                I::I32Load(mem(0, 2)),
                I::LocalGet(n),
                I::I32LtU,
                I::Select,
                I::LocalSet(n),
            ]);
        }
        let i = self.new_local(ValType::I32);
        let step = self.new_local(ValType::I32);
        self.emit([I::I32Const(0), I::LocalSet(i)]);
        let done = self.fresh_mark();
        self.open(BlockType::Empty, done);
        self.open_loop(Label::Plain);
        self.emit([I::LocalGet(i), I::LocalGet(n), I::I32GeU]);
        let d = self.br_depth(done);
        self.code.push(I::BrIf(d));
        self.emit([I::LocalGet(i), I::LocalTee(step), I::I32Const(1), I::I32Add, I::LocalSet(i)]);
        row(self, &cols, step)?;
        self.code.push(I::Br(0));
        self.end_block();
        self.end_block();
        for (c, _) in cols.into_iter().rev() {
            self.done(c)?;
        }
        Ok(())
    }

    /// A loop assigning each item of `iter` to `target`, then running `f`.
    /// `for a, b in zip(xs, ys)` and `for i, x in enumerate(xs)` assign
    /// straight from the columns, with no tuple made per step (the same
    /// assignments in the same order: the columns cannot change).
    pub(super) fn for_each_into(
        &mut self,
        iter: &Expr,
        target: &Target,
        span: Span,
        f: &mut dyn FnMut(&mut Self) -> R<()>,
    ) -> R<()> {
        match (&iter.kind, target) {
            (K::Builtin(Builtin::Zip, args), Target::Unpack(ts, uspan)) if ts.len() == args.len() => {
                let row = iter.ty.elem().unwrap_or(Type::Int);
                self.zip_loop(args, &mut |cx, cols, i| {
                    for (j, ((c, cty), t)) in cols.iter().zip(ts).enumerate() {
                        let ity = item_type(&row, j);
                        cx.load_item(c.local, cty, i);
                        cx.emit_from_slot(&ity);
                        cx.incref_if(&ity)?;
                        cx.store(t, &ity, *uspan)?;
                    }
                    f(cx)
                })
            }
            (K::Builtin(Builtin::Enumerate, args), Target::Unpack(ts, uspan)) if ts.len() == 2 => {
                self.expr_int(&args[1])?;
                let n = self.save(ValType::I64);
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                self.for_each(&args[0], &mut |cx, item| {
                    cx.code.push(I::LocalGet(n));
                    cx.store(&ts[0], &Type::Int, *uspan)?;
                    cx.store_item(&ts[1], item, &elem, *uspan)?;
                    cx.emit([I::LocalGet(n), I::I64Const(1), I::I64Add, I::LocalSet(n)]);
                    f(cx)
                })
            }
            _ => {
                let elem = iter.ty.elem().unwrap_or(Type::Int);
                self.for_each(iter, &mut |cx, item| {
                    cx.store_item(target, item, &elem, span)?;
                    f(cx)
                })
            }
        }
    }

    /// Iterates over the list, tuple or string in local `v`. A list's
    /// length is re-read at every step (appending while iterating is seen).
    pub(super) fn sequence_loop(
        &mut self,
        v: u32,
        ty: &Type,
        span: Span,
        f: &mut dyn FnMut(&mut Self, u32) -> R<()>,
    ) -> R<()> {
        let i = self.new_local(ValType::I32);
        self.emit([I::I32Const(0), I::LocalSet(i)]);
        let done = self.fresh_mark();
        self.open(BlockType::Empty, done);
        self.open_loop(Label::Plain);
        // i (a byte offset for strings) >= length: done.
        self.emit([I::LocalGet(i), I::LocalGet(v), I::I32Load(mem(0, 2)), I::I32GeU]);
        let d = self.br_depth(done);
        self.code.push(I::BrIf(d));
        let item = if *ty == Type::Str {
            self.emit([I::LocalGet(v), I::LocalGet(i)]);
            self.call_rt("rt_str_char_at_byte")?;
            let c = self.save(ValType::I32);
            self.emit([I::LocalGet(i), I::LocalGet(c), I::I32Load(mem(0, 2)), I::I32Add, I::LocalSet(i)]);
            self.hold(c);
            f(self, c)?;
            self.release(c)?;
            self.code.push(I::Br(0));
            self.end_block();
            self.end_block();
            return Ok(());
        } else {
            let elem = ty.elem().unwrap_or(Type::Int);
            self.load_item(v, ty, i);
            self.emit_from_slot(&elem);
            let item = self.save(val_type(&elem, span)?);
            self.emit([I::LocalGet(i), I::I32Const(1), I::I32Add, I::LocalSet(i)]);
            item
        };
        f(self, item)?;
        self.code.push(I::Br(0));
        self.end_block();
        self.end_block();
        Ok(())
    }

    /// One chunk of a `range(a, b)` loop: charges its `n` iterations to the
    /// budget, then runs them from `i` to `chunk_end` with no check inside.
    pub(super) fn range_chunk(
        &mut self,
        i: u32,
        n: u32,
        chunk_end: u32,
        f: &mut dyn FnMut(&mut Self, u32) -> R<()>,
    ) -> R<()> {
        self.emit(meter::charge_start());
        self.code.push(I::LocalGet(n));
        let cost_at = self.code.len();
        self.emit([I::I64Const(0), I::I64Mul]);
        self.emit(meter::charge_end());
        // The chunk: at least one iteration, so the test is at the bottom.
        self.open_loop(Label::Plain);
        self.code.push(I::Nop);
        let body_start = self.code.len();
        // The item is the counter itself (the body cannot assign it), and
        // it steps at the bottom: one value live through the body, not two.
        f(self, i)?;
        self.emit([
            I::LocalGet(i),
            I::I64Const(1),
            I::I64Add,
            I::LocalTee(i),
            I::LocalGet(chunk_end),
            I::I64LtS,
            I::BrIf(0),
        ]);
        self.end_block();
        self.code[cost_at] = I::I64Const(meter::loop_cost(&self.code[body_start..]));
        Ok(())
    }

    /// `range(start, stop, step)` as a loop; stops rather than overflow.
    pub(super) fn range_loop(
        &mut self,
        args: &[Expr],
        span: Span,
        f: &mut dyn FnMut(&mut Self, u32) -> R<()>,
    ) -> R<()> {
        // Taken first: a loop inside the arguments is not the one versioned.
        let version = self.version.take();
        let (i, stop, step) =
            (self.new_local(ValType::I64), self.new_local(ValType::I64), self.new_local(ValType::I64));
        self.expr_int(&args[0])?;
        self.code.push(I::LocalSet(i));
        self.expr_int(&args[1])?;
        self.code.push(I::LocalSet(stop));
        if matches!(args[2].kind, K::Int(1)) {
            // The common `range(a, b)`: i < stop <= i64::MAX, so i + 1 cannot
            // overflow. The iterations run in chunks of at most `meter::CHUNK`,
            // each charged to the budget at once, so the inner loop has no check.
            let done = self.fresh_mark();
            self.open(BlockType::Empty, done);
            self.open_loop(Label::Plain);
            self.code.push(I::Nop); // metered here, not by `meter::instrument`
            self.emit([I::LocalGet(i), I::LocalGet(stop), I::I64GeS]);
            let d = self.br_depth(done);
            self.code.push(I::BrIf(d));
            // n = min(stop - i, CHUNK); stop - i is exact as a u64 since i < stop.
            let (n, chunk_end) = (self.new_local(ValType::I64), self.new_local(ValType::I64));
            self.emit([
                I::LocalGet(stop),
                I::LocalGet(i),
                I::I64Sub,
                I::LocalTee(n),
                I::I64Const(meter::CHUNK),
                I::LocalGet(n),
                I::I64Const(meter::CHUNK),
                I::I64LtU,
                I::Select,
                I::LocalTee(n),
                I::LocalGet(i),
                I::I64Add,
                I::LocalSet(chunk_end),
            ]);
            match version {
                // Versioned: when the chunk starts at 0 or above and ends
                // within every length, the copy of the body that indexes
                // those lists by the loop variable has no bounds checks.
                Some(Version { lens, pairs }) => {
                    self.emit([I::LocalGet(i), I::I64Const(0), I::I64GeS]);
                    for n in lens {
                        self.emit([I::LocalGet(chunk_end), I::LocalGet(n), I::I64LeS, I::I32And]);
                    }
                    self.code.push(I::If(BlockType::Empty));
                    self.labels.push(Label::Plain);
                    let saved = self.in_bounds.len();
                    self.in_bounds.extend(pairs);
                    // Each copy starts from what is assigned before it.
                    let assigned = self.assigned.clone();
                    self.range_chunk(i, n, chunk_end, f)?;
                    self.in_bounds.truncate(saved);
                    self.assigned = assigned;
                    self.code.push(I::Else);
                    self.range_chunk(i, n, chunk_end, f)?;
                    self.end_block();
                }
                None => self.range_chunk(i, n, chunk_end, f)?,
            }
            // The chunk ran to its end (a `break` leaves the whole loop): the
            // next chunk starts there. Taking `chunk_end` rather than the
            // counter leaves the counter dead after the inner loop, so it can
            // step in place, with no copy on the back edge.
            self.emit([I::LocalGet(chunk_end), I::LocalSet(i)]);
            self.code.push(I::Br(0));
            self.end_block();
            self.end_block();
            return Ok(());
        }
        self.expr_int(&args[2])?;
        self.code.push(I::LocalTee(step));
        self.code.push(I::I64Eqz);
        self.raise_if(ErrorKind::ValueError, span, "range() arg 3 must not be zero");
        let done = self.fresh_mark();
        self.open(BlockType::Empty, done);
        self.open_loop(Label::Plain);
        // (step > 0 and i < stop) or (step < 0 and i > stop)
        self.emit([
            I::LocalGet(step),
            I::I64Const(0),
            I::I64GtS,
            I::If(BlockType::Result(ValType::I32)),
            I::LocalGet(i),
            I::LocalGet(stop),
            I::I64LtS,
            I::Else,
            I::LocalGet(i),
            I::LocalGet(stop),
            I::I64GtS,
            I::End,
            I::I32Eqz,
        ]);
        let d = self.br_depth(done);
        self.code.push(I::BrIf(d));
        let item = self.new_local(ValType::I64);
        self.emit([I::LocalGet(i), I::LocalSet(item)]);
        // i += step, leaving the loop after this item when that would
        // overflow (the interpreter's checked_add).
        let next = self.new_local(ValType::I64);
        let last = self.new_local(ValType::I32);
        self.emit([
            I::LocalGet(i),
            I::LocalGet(step),
            I::I64Add,
            I::LocalTee(next),
            I::LocalGet(i),
            I::I64Xor,
            I::LocalGet(next),
            I::LocalGet(step),
            I::I64Xor,
            I::I64And,
            I::I64Const(0),
            I::I64LtS,
            I::LocalSet(last),
            I::LocalGet(next),
            I::LocalSet(i),
        ]);
        f(self, item)?;
        self.code.push(I::LocalGet(last));
        let d = self.br_depth(done);
        self.code.push(I::BrIf(d));
        self.code.push(I::Br(0));
        self.end_block();
        self.end_block();
        Ok(())
    }

    /// A comprehension whose elements `f` takes over (each is a new
    /// reference `f` keeps, e.g. in the list being built).
    pub(super) fn comprehension_owned(
        &mut self,
        elt: &Expr,
        clauses: &[Clause],
        f: &mut dyn FnMut(&mut Self, u32) -> R<()>,
    ) -> R<()> {
        self.comprehension(elt, clauses, 0, true, f)
    }

    /// The clauses of a comprehension from `depth` on; `f` gets each
    /// element (borrowed, unless `owned`: then `f` takes the reference).
    pub(super) fn comprehension(
        &mut self,
        elt: &Expr,
        clauses: &[Clause],
        depth: usize,
        owned: bool,
        f: &mut dyn FnMut(&mut Self, u32) -> R<()>,
    ) -> R<()> {
        let Some(clause) = clauses.get(depth) else {
            self.expr(elt)?;
            let v = self.save(val_type(&elt.ty, elt.span)?);
            if owned || !is_heap(&elt.ty) {
                return f(self, v);
            }
            self.hold(v);
            f(self, v)?;
            return self.release(v);
        };
        let before = self.assigned.clone();
        let r = self.for_each_into(&clause.iter, &clause.target, clause.iter.span, &mut |cx| {
            let skip = cx.fresh_mark();
            cx.open(BlockType::Empty, skip);
            for cond in &clause.ifs {
                cx.expr(cond)?;
                cx.code.push(I::I32Eqz);
                cx.br_if(skip)?;
            }
            cx.comprehension(elt, clauses, depth + 1, owned, f)?;
            cx.end_block();
            Ok(())
        });
        self.assigned = before;
        r
    }

    /// All items of an iterable, in a new list (a local holding its one
    /// reference, which the caller takes over).
    pub(super) fn collect(&mut self, iter: &Expr) -> R<u32> {
        let elem = iter.ty.elem().unwrap_or(Type::Int);
        let list_ty = Type::list(elem.clone());
        if !is_lazy(iter) && matches!(iter.ty, Type::List(_)) {
            let h = self.borrowed(iter)?;
            self.desc(&list_ty);
            self.call_rt("rt_list_copy")?;
            let l = self.save(ValType::I32);
            self.done_borrowed(h)?;
            return Ok(l);
        }
        self.code.push(I::I32Const(0));
        self.desc(&list_ty);
        self.call_rt("rt_list_new")?;
        let l = self.save(ValType::I32);
        if !is_lazy(iter) && matches!(iter.ty, Type::Tuple(_) | Type::TupleOf(_)) {
            let t = self.operand(iter)?;
            self.emit([I::LocalGet(l), I::LocalGet(t.local), I::I32Const(1)]);
            self.desc(&list_ty);
            self.call_rt("rt_list_extend")?;
            self.done(t)?;
            return Ok(l);
        }
        if let K::Comprehension(elt, clauses) = &iter.kind {
            self.comprehension_owned(elt, clauses, &mut |cx, item| {
                cx.emit([I::LocalGet(l), I::LocalGet(item)]);
                cx.emit_to_slot(&elem);
                cx.call_rt("rt_list_push")
            })?;
            return Ok(l);
        }
        self.for_each(iter, &mut |cx, item| {
            cx.emit([I::LocalGet(l), I::LocalGet(item)]);
            cx.incref_if(&elem)?;
            cx.emit_to_slot(&elem);
            cx.call_rt("rt_list_push")
        })?;
        Ok(l)
    }

    /// The characters of the string in local `s`, as a new list.
    pub(super) fn collect_str(&mut self, s: u32) -> R<u32> {
        self.code.push(I::I32Const(0));
        self.desc(&Type::list(Type::Str));
        self.call_rt("rt_list_new")?;
        let l = self.save(ValType::I32);
        self.sequence_loop(s, &Type::Str, Span::default(), &mut |cx, item| {
            cx.emit([I::LocalGet(l), I::LocalGet(item)]);
            cx.incref()?;
            cx.code.push(I::I64ExtendI32U);
            cx.call_rt("rt_list_push")
        })?;
        Ok(l)
    }

    /// An iterable that is already a list is used as is (for read-only
    /// consumers that run no program code while reading); others are collected.
    pub(super) fn list_of(&mut self, iter: &Expr) -> R<Operand> {
        if !is_lazy(iter) && matches!(iter.ty, Type::List(_)) {
            return self.operand(iter);
        }
        let l = self.collect(iter)?;
        self.hold(l);
        Ok(Operand { local: l, owned: true })
    }
}

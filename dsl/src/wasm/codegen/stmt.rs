//! Code generation for statements: assignments and stores, conditions as
//! branches, indexing with its bounds checks (hoisted list headers,
//! checked and unchecked item addresses), augmented assignments.

use super::*;

impl<'m, 'p> FnCx<'m, 'p> {
    pub(super) fn block(&mut self, stmts: &[Stmt]) -> R<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(super) fn stmt(&mut self, s: &Stmt) -> R<()> {
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.stmt_inner(s))
    }

    pub(super) fn stmt_inner(&mut self, s: &Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => {
                self.expr(e)?;
                self.drop_value(&e.ty)?;
            }
            // `a, b = b, a + b`: a tuple display unpacked into plain targets
            // needs no tuple: evaluate every item, then assign left to right.
            Stmt::Assign { targets, value: Expr { kind: K::Tuple(items), .. }, span }
                if matches!(targets.as_slice(), [Target::Unpack(ts, _)] if ts.len() == items.len()
                    && ts.iter().all(|t| matches!(t, Target::Local(_)))) =>
            {
                let Some(Target::Unpack(ts, _)) = targets.first() else { return Ok(()) };
                let mut temps = Vec::new();
                for item in items {
                    self.expr(item)?;
                    let t = self.save(val_type(&item.ty, item.span)?);
                    temps.push((t, item.ty.clone()));
                }
                for (target, (t, ty)) in ts.iter().zip(temps) {
                    self.code.push(I::LocalGet(t));
                    self.store(target, &ty, *span)?;
                }
            }
            Stmt::Assign { targets, value, span } => {
                self.expr(value)?;
                if targets.len() > 1 {
                    let t = self.save(val_type(&value.ty, *span)?);
                    for (k, target) in targets.iter().enumerate() {
                        self.code.push(I::LocalGet(t));
                        // Each target but the last takes a reference of its own.
                        if k + 1 < targets.len() {
                            self.incref_if(&value.ty)?;
                        }
                        self.store(target, &value.ty, *span)?;
                    }
                } else if let Some(target) = targets.first() {
                    self.store(target, &value.ty, *span)?;
                }
            }
            Stmt::AugAssign { target, op, value, span } => self.aug_assign(target, *op, value, *span)?,
            Stmt::Return(e, _) => {
                if let Some(e) = e {
                    self.expr(e)?;
                }
                self.drop_frame()?;
                self.leave();
                self.code.push(I::Return);
            }
            Stmt::If(c, a, b) => {
                // block $end { block $else { (c false: br $else) a; br $end } b }
                let before = self.assigned.clone();
                let end = self.fresh_mark();
                if !b.is_empty() {
                    self.open(BlockType::Empty, end);
                }
                let orelse = self.fresh_mark();
                self.open(BlockType::Empty, orelse);
                self.branch_on(c, false, orelse)?;
                self.block(a)?;
                let after_a = self.branch_end(a, before.clone());
                if !b.is_empty() {
                    let d = self.br_depth(end);
                    self.code.push(I::Br(d));
                }
                self.end_block();
                if !b.is_empty() {
                    self.block(b)?;
                    self.end_block();
                }
                let after_b = self.branch_end(b, before);
                // Assigned after the `if`: assigned on both paths that go on.
                self.assigned = after_a.iter().zip(&after_b).map(|(x, y)| *x && *y).collect();
            }
            Stmt::While(c, body) => {
                let before = self.assigned.clone();
                self.enter_loop(c.span);
                self.open(BlockType::Empty, Label::Break);
                self.open_loop(Label::Continue);
                self.branch_on(c, false, Label::Break)?;
                self.block(body)?;
                self.code.push(I::Br(0));
                self.end_block();
                self.end_block();
                self.leave_loop();
                // The body may not have run.
                self.assigned = before;
            }
            Stmt::For { target, iter, body, span } => {
                let before = self.assigned.clone();
                let saved_hoisted = self.hoisted.clone();
                let saved_nonneg = self.nonneg.len();
                let scan = Scan::of(body);
                if headers_stable_stmts(body, self.current_locals()) && headers_stable_expr(iter) {
                    self.hoist_headers(target, &scan);
                }
                if let (Target::Local(id), K::Builtin(Builtin::Range, r)) = (target, &iter.kind)
                    && !scan.assigned.contains(id)
                {
                    if matches!((&r[0].kind, &r[2].kind), (K::Int(a), K::Int(st)) if *a >= 0 && *st > 0) {
                        self.nonneg.push(*id);
                    }
                    // Lists indexed by the loop variable in an innermost
                    // range loop: the loop is versioned on their lengths.
                    let pairs: Vec<(usize, usize)> = scan
                        .indexed_by
                        .iter()
                        .filter(|(l, k)| k == id && self.hoisted.contains_key(l))
                        .copied()
                        .collect();
                    if matches!(r[2].kind, K::Int(1)) && !pairs.is_empty() && !contains_loop(body) {
                        let mut lens: Vec<u32> = pairs.iter().map(|(l, _)| self.hoisted[l].0).collect();
                        lens.sort_unstable();
                        lens.dedup();
                        self.version = Some(Version { lens, pairs });
                    }
                }
                self.enter_loop(*span);
                self.open(BlockType::Empty, Label::Break);
                let saved_rebinds = self.rebinds.len();
                self.rebinds.extend(scan.assigned.iter().copied());
                self.for_each_into(iter, target, *span, &mut |cx| {
                    cx.open(BlockType::Empty, Label::Continue);
                    cx.block(body)?;
                    cx.end_block();
                    Ok(())
                })?;
                self.rebinds.truncate(saved_rebinds);
                self.end_block();
                self.leave_loop();
                self.assigned = before;
                self.hoisted = saved_hoisted;
                self.nonneg.truncate(saved_nonneg);
                self.version = None;
            }
            Stmt::Break => self.br(Label::Break)?,
            Stmt::Continue => self.br(Label::Continue)?,
            Stmt::Assert(c, msg, span) => {
                self.expr(c)?;
                self.code.push(I::I32Eqz);
                match msg {
                    None => self.raise_if(ErrorKind::AssertionError, *span, ""),
                    Some(m) => {
                        self.code.push(I::If(BlockType::Empty));
                        self.labels.push(Label::Plain);
                        self.expr(m)?;
                        self.emit_to_str(&m.ty)?;
                        self.site(*span);
                        self.call_rt("rt_assert_fail")?;
                        self.code.push(I::Unreachable);
                        self.end_block();
                    }
                }
            }
        }
        Ok(())
    }

    /// Records the loop starting here as where a budget stop would happen
    /// (`meter::LOOP_SPAN_ADDR`), once per entry to the loop.
    pub(super) fn enter_loop(&mut self, span: Span) {
        self.loop_sites.push(span);
        self.store_loop_site(Some(span));
    }

    /// The loop ended (or was left by `break`): the enclosing loop is again
    /// where a stop would happen.
    pub(super) fn leave_loop(&mut self) {
        self.loop_sites.pop();
        let outer = self.loop_sites.last().copied();
        self.store_loop_site(outer);
    }

    fn store_loop_site(&mut self, span: Option<Span>) {
        let Some(f) = self.m.current_fn else { return };
        let func = if span.is_some() { f as i32 + 1 } else { 0 };
        let packed = span.map_or(0, |s| s.start as u64 | ((s.end as u64) << 32));
        self.emit([
            I::I32Const(0),
            I::I64Const(packed as i64),
            I::I64Store(mem(meter::LOOP_SPAN_ADDR as u64, 3)),
            I::I32Const(0),
            I::I32Const(func),
            I::I32Store(mem(meter::LOOP_FN_ADDR as u64, 2)),
        ]);
    }

    /// Branches to `target` when the truthiness of `c` is `when`, else
    /// falls through. `and`, `or` and `not` become jumps (short-circuiting
    /// as they do as values), so a condition is never materialized as a
    /// boolean: comparisons fuse with their branches.
    pub(super) fn branch_on(&mut self, c: &Expr, when: bool, target: Label) -> R<()> {
        match &c.kind {
            K::Unary(UnaryOp::Not, x) => self.branch_on(x, !when, target),
            K::Truthy(x) => self.branch_on(x, when, target),
            K::BoolOp(op, values) if !values.is_empty() => {
                // `and` jumps on the first falsy operand, `or` on the first
                // truthy one; the other way, every operand must agree.
                if (*op == BoolOp::And) != when {
                    return values.iter().try_for_each(|v| self.branch_on(v, when, target));
                }
                let (first, last) = values.split_at(values.len() - 1);
                let skip = self.fresh_mark();
                self.open(BlockType::Empty, skip);
                for v in first {
                    self.branch_on(v, !when, skip)?;
                }
                self.branch_on(&last[0], when, target)?;
                self.end_block();
                Ok(())
            }
            _ => {
                let h = self.borrowed(c)?;
                self.truthy(&c.ty)?;
                self.done_borrowed(h)?;
                let t = self.label_index(target);
                if self.held.iter().any(|(_, d)| *d > t) {
                    if !when {
                        self.code.push(I::I32Eqz);
                    }
                    return self.br_if(target);
                }
                if !when && matches!(c.kind, K::Compare(..)) {
                    // Jump when false as `if c {} else br`: the branch
                    // takes the comparison's inverse (`eqz` of a float
                    // comparison would not fuse with it: NaN).
                    self.code.push(I::If(BlockType::Empty));
                    self.code.push(I::Else);
                    let d = self.br_depth(target) + 1;
                    self.code.push(I::Br(d));
                    self.code.push(I::End);
                    return Ok(());
                }
                if !when {
                    self.code.push(I::I32Eqz);
                }
                let d = self.br_depth(target);
                self.code.push(I::BrIf(d));
                Ok(())
            }
        }
    }

    /// The assigned set at the end of a branch that began with `before`:
    /// everything, when the branch cannot fall through (it ends in
    /// `return`, `break` or `continue`).
    pub(super) fn branch_end(&mut self, stmts: &[Stmt], before: Vec<bool>) -> Vec<bool> {
        let now = std::mem::replace(&mut self.assigned, before);
        match stmts.last() {
            Some(Stmt::Return(..) | Stmt::Break | Stmt::Continue) => vec![true; now.len()],
            _ => now,
        }
    }

    pub(super) fn local_ty(&self, id: usize) -> Type {
        self.current_locals().get(id).map_or(Type::Int, |l| l.ty.clone())
    }

    /// The locals of the function being generated (none for init and entry).
    pub(super) fn current_locals(&self) -> &'p [crate::tir::Local] {
        let program: &'p Program = self.m.program;
        match self.m.current_fn {
            Some(f) => &program.functions[f].locals,
            None => self.m.entry_locals,
        }
    }

    /// Stores the item in local `item` (borrowed, of type `ty`) into a
    /// target: each local assigned takes its own reference.
    pub(super) fn store_item(&mut self, target: &Target, item: u32, ty: &Type, span: Span) -> R<()> {
        match target {
            Target::Unpack(targets, uspan) if *ty != Type::Str => self.unpack_from(item, ty, targets, *uspan),
            _ => {
                self.code.push(I::LocalGet(item));
                self.incref_if(ty)?;
                self.store(target, ty, span)
            }
        }
    }

    /// Stores the value on the stack (of type `ty`; its reference, if a
    /// heap value, moves into the target) into a target.
    pub(super) fn store(&mut self, target: &Target, ty: &Type, span: Span) -> R<()> {
        match target {
            Target::Local(id) => {
                let (v, flag) = self.slot(*id, span)?;
                if is_heap(ty) {
                    // The value it held (0 when unbound) is dropped.
                    self.decref_local(v)?;
                }
                self.code.push(I::LocalSet(v));
                if let Some(flag) = flag {
                    self.emit([I::I32Const(1), I::LocalSet(flag)]);
                }
                if let Some(a) = self.assigned.get_mut(*id) {
                    *a = true;
                }
                Ok(())
            }
            Target::Index { seq, index, span } => {
                self.emit_to_slot(ty);
                let v = self.save(ValType::I64);
                let l = self.operand(seq)?;
                self.expr_int(index)?;
                let hoisted = match &seq.kind {
                    K::Local(id) => self.hoisted.get(id).copied(),
                    _ => None,
                };
                let check = self.check_for(seq, index);
                let addr = match hoisted {
                    Some(h) => self.hoisted_item_address(h, check, *span, "list assignment index out of range"),
                    None => self.item_address(l.local, &seq.ty, check, *span, "list assignment index out of range"),
                };
                if is_heap(ty) {
                    // The item replaced is dropped after the store.
                    self.emit([I::LocalGet(addr), I::I32Load(mem(0, 2))]);
                    let old = self.save(ValType::I32);
                    self.emit([I::LocalGet(addr), I::LocalGet(v), I::I64Store(mem(0, 3))]);
                    self.decref_local(old)?;
                } else {
                    self.emit([I::LocalGet(addr), I::LocalGet(v), I::I64Store(mem(0, 3))]);
                }
                self.done(l)
            }
            Target::Unpack(targets, uspan) => {
                let v = self.save(ValType::I32);
                if *ty == Type::Str {
                    // A string unpacks into its characters.
                    let chars = self.collect_str(v)?;
                    self.decref_local(v)?;
                    self.unpack_from(chars, &Type::list(Type::Str), targets, *uspan)?;
                    return self.decref_local(chars);
                }
                self.unpack_from(v, ty, targets, *uspan)?;
                self.decref_local(v)
            }
        }
    }

    /// Assigns the items of the list or tuple in local `v` (borrowed) to
    /// `targets`, which must be as many.
    pub(super) fn unpack_from(&mut self, v: u32, seq: &Type, targets: &[Target], uspan: Span) -> R<()> {
        let n = targets.len();
        self.emit([I::LocalGet(v), I::I32Load(mem(0, 2)), I::I32Const(n as i32)]);
        self.site(uspan);
        self.call_rt("rt_unpack_check")?;
        // Read every item before assigning any (a target may be an item of the same list).
        let mut temps = Vec::new();
        for i in 0..n {
            let ity = item_type(seq, i);
            self.load_item_const(v, seq, i);
            self.emit_from_slot(&ity);
            self.incref_if(&ity)?;
            let t = self.save(val_type(&ity, uspan)?);
            temps.push((t, ity));
        }
        for (t, (local, ity)) in targets.iter().zip(temps) {
            self.code.push(I::LocalGet(local));
            self.store(t, &ity, uspan)?;
        }
        Ok(())
    }

    /// Loads, before a loop, the headers of the list locals its body indexes
    /// and does not assign (the caller checked that nothing in the loop can
    /// change a list's length or items pointer). An unbound local reads as
    /// address 0, harmlessly: its uses still check it before the value counts.
    pub(super) fn hoist_headers(&mut self, target: &Target, scan: &Scan) {
        let mut assigned = Vec::new();
        target_locals(target, &mut assigned);
        let locals = self.current_locals();
        for &id in &scan.indexed {
            if assigned.contains(&id) || scan.assigned.contains(&id) || self.hoisted.contains_key(&id) {
                continue;
            }
            if !matches!(locals.get(id).map(|l| &l.ty), Some(Type::List(_))) {
                continue;
            }
            let Some(&(v, _)) = self.slots.get(id) else { continue };
            let (n, items) = (self.new_local(ValType::I64), self.new_local(ValType::I32));
            self.emit([
                I::LocalGet(v),
                I::I32Load(mem(0, 2)),
                I::I64ExtendI32U,
                I::LocalSet(n),
                I::LocalGet(v),
                I::I32Load(mem(8, 2)),
                I::LocalSet(items),
            ]);
            self.hoisted.insert(id, (n, items));
        }
    }

    /// Is `e` a local known to hold a non-negative int here?
    pub(super) fn is_nonneg(&self, e: &Expr) -> bool {
        matches!(e.kind, K::Local(id) if self.nonneg.contains(&id))
    }

    /// How `seq[index]` must be checked here.
    pub(super) fn check_for(&self, seq: &Expr, index: &Expr) -> Check {
        match (&seq.kind, &index.kind) {
            (K::Local(l), K::Local(k)) if self.in_bounds.contains(&(*l, *k)) => Check::None,
            _ if self.is_nonneg(index) => Check::Upper,
            _ => Check::Full,
        }
    }

    /// The address of an item of a list whose header was hoisted into the
    /// locals (length, items pointer), with the bounds check (the i64 index
    /// is on the stack).
    pub(super) fn hoisted_item_address(
        &mut self,
        (n, items): (u32, u32),
        check: Check,
        span: Span,
        message: &str,
    ) -> u32 {
        let i = self.save(ValType::I64);
        self.slot_address(i, n, items, check, span, message)
    }

    /// With an i64 index on the stack: checks it against the length of the
    /// list or tuple in local `seq` (Python's negative indices included,
    /// raising IndexError with `message`) and returns a local holding the
    /// address of that item's slot.
    pub(super) fn item_address(&mut self, seq: u32, ty: &Type, check: Check, span: Span, message: &str) -> u32 {
        let i = self.save(ValType::I64);
        let n = self.new_local(ValType::I64);
        self.emit([I::LocalGet(seq), I::I32Load(mem(0, 2)), I::I64ExtendI32U, I::LocalSet(n)]);
        if matches!(ty, Type::List(_)) {
            self.emit([I::LocalGet(seq), I::I32Load(mem(8, 2))]);
        } else {
            self.emit([I::LocalGet(seq), I::I32Const(8), I::I32Add]);
        }
        let base = self.save(ValType::I32);
        self.slot_address(i, n, base, check, span, message)
    }

    /// The address of slot `i` (an i64 local, negative counting from the
    /// end) of `n` slots starting at `base`, raising IndexError with
    /// `message` when out of range; returns it in a new local.
    pub(super) fn slot_address(&mut self, i: u32, n: u32, base: u32, check: Check, span: Span, message: &str) -> u32 {
        let k = match check {
            Check::None => i,
            Check::Upper => {
                let k = self.new_local(ValType::I64);
                self.emit([I::LocalGet(i), I::LocalTee(k), I::LocalGet(n), I::I64GeU]);
                self.raise_if(ErrorKind::IndexError, span, message);
                k
            }
            Check::Full => {
                // k = i + (n if i < 0); unsigned k >= n covers both ends.
                let k = self.new_local(ValType::I64);
                self.emit([
                    I::LocalGet(i),
                    I::LocalGet(i),
                    I::I64Const(63),
                    I::I64ShrS,
                    I::LocalGet(n),
                    I::I64And,
                    I::I64Add,
                    I::LocalTee(k),
                    I::LocalGet(n),
                    I::I64GeU,
                ]);
                self.raise_if(ErrorKind::IndexError, span, message);
                k
            }
        };
        self.emit([I::LocalGet(base), I::LocalGet(k), I::I32WrapI64, I::I32Const(3), I::I32Shl, I::I32Add]);
        self.save(ValType::I32)
    }

    /// Pushes slot `i` (known in range) of the list or tuple in local `v`.
    pub(super) fn load_item_const(&mut self, v: u32, ty: &Type, i: usize) {
        if matches!(ty, Type::List(_)) {
            self.emit([I::LocalGet(v), I::I32Load(mem(8, 2)), I::I64Load(mem(8 * i as u64, 3))]);
        } else {
            self.emit([I::LocalGet(v), I::I64Load(mem(8 + 8 * i as u64, 3))]);
        }
    }

    /// Pushes slot `i` (an i32 local, known in range) of the list or tuple in local `v`.
    pub(super) fn load_item(&mut self, v: u32, ty: &Type, i: u32) {
        if matches!(ty, Type::List(_)) {
            self.emit([I::LocalGet(v), I::I32Load(mem(8, 2))]);
        } else {
            self.emit([I::LocalGet(v), I::I32Const(8), I::I32Add]);
        }
        self.emit([I::LocalGet(i), I::I32Const(3), I::I32Shl, I::I32Add, I::I64Load(mem(0, 3))]);
    }

    pub(super) fn slot(&self, id: usize, span: Span) -> R<(u32, Option<u32>)> {
        match self.slots.get(id) {
            Some((v, flag)) if *v != u32::MAX => Ok((*v, *flag)),
            _ => unsupported("a local of this type", span),
        }
    }

    pub(super) fn aug_assign(&mut self, target: &Target, op: BinOp, value: &Expr, span: Span) -> R<()> {
        match target {
            Target::Local(id) => {
                let ty = self.local_ty(*id);
                let current = Expr { kind: K::Local(*id), ty: ty.clone(), span };
                if matches!(ty, Type::List(_)) && matches!(op, BinOp::Add | BinOp::Mul) {
                    // `list += ...` and `list *= n` update the list in place.
                    let l = self.operand(&current)?;
                    self.list_inplace(l.local, &ty, op, value, span)?;
                    return self.done(l);
                }
                let combined =
                    Expr { kind: K::Binary(op, Box::new(current), Box::new(value.clone())), ty: ty.clone(), span };
                self.expr(&combined)?;
                self.store(target, &ty, span)
            }
            Target::Index { seq, index, span: ispan } => {
                // The container and index are evaluated once, as in Python.
                let sq = self.operand(seq)?;
                let s = sq.local;
                self.expr_int(index)?;
                let i = self.save(ValType::I64);
                let ty = seq.ty.elem().unwrap_or(Type::Int);
                self.emit([I::LocalGet(s), I::LocalGet(i)]);
                self.site(*ispan);
                self.call_rt("rt_list_getitem")?;
                self.emit_from_slot(&ty);
                // The current item, referenced here until the store.
                self.incref_if(&ty)?;
                if matches!(ty, Type::List(_)) && matches!(op, BinOp::Add | BinOp::Mul) {
                    let l = self.save(ValType::I32);
                    self.hold(l);
                    self.list_inplace(l, &ty, op, value, span)?;
                    // setitem takes this reference and drops the slot's (the same list).
                    self.held.retain(|(x, _)| *x != l);
                    self.code.push(I::LocalGet(l));
                } else {
                    let cur = self.save(val_type(&ty, span)?);
                    if is_heap(&ty) {
                        self.hold(cur);
                    }
                    let rhs = self.operand(value)?;
                    self.binary_locals(op, cur, &ty, rhs.local, &value.ty, &ty, span)?;
                    self.done(rhs)?;
                    if is_heap(&ty) {
                        self.release(cur)?;
                    }
                }
                self.emit_to_slot(&ty);
                let v = self.save(ValType::I64);
                self.emit([I::LocalGet(s), I::LocalGet(i), I::LocalGet(v)]);
                self.desc(&seq.ty);
                self.site(*ispan);
                self.call_rt("rt_list_setitem")?;
                self.done(sq)
            }
            Target::Unpack(_, span) => unsupported("augmented assignment to several targets", *span),
        }
    }

    /// `l += value` / `l *= value` on the list (of type `ty`) in local `l`.
    pub(super) fn list_inplace(&mut self, l: u32, ty: &Type, op: BinOp, value: &Expr, span: Span) -> R<()> {
        if op == BinOp::Mul {
            self.code.push(I::LocalGet(l));
            self.expr_int(value)?;
            self.desc(ty);
            return self.call_rt("rt_list_imul");
        }
        let (src, is_tuple) = self.sequence_value(value)?;
        let _ = span;
        self.emit([I::LocalGet(l), I::LocalGet(src.local), I::I32Const(is_tuple as i32)]);
        self.desc(ty);
        self.call_rt("rt_list_extend")?;
        self.done(src)
    }

    /// Evaluates an iterable into a list or tuple local whose items can be
    /// read (a string or lazy iterable is collected); returns it and
    /// whether it is a tuple.
    pub(super) fn sequence_value(&mut self, e: &Expr) -> R<(Operand, bool)> {
        match &e.ty {
            Type::List(_) if !is_lazy(e) => Ok((self.operand(e)?, false)),
            Type::Tuple(_) | Type::TupleOf(_) if !is_lazy(e) => Ok((self.operand(e)?, true)),
            _ => {
                let l = self.collect(e)?;
                self.hold(l);
                Ok((Operand { local: l, owned: true }, false))
            }
        }
    }
}

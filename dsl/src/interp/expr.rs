//! The interpreter's expressions and arithmetic (Python's int and float
//! semantics: floor division, modulo signs, overflow to errors).

use super::*;
use crate::types::Type;

impl<'p> Interpreter<'p> {
    pub(super) fn eval_bool(&mut self, frame: &mut Frame, e: &Expr) -> R<bool> {
        // Conditions without making `Value::Bool`s: `not`, `and`/`or` of
        // bools (their value is then a bool too), truthiness.
        match &e.kind {
            K::Unary(UnaryOp::Not, x) => return Ok(!self.eval_bool(frame, x)?),
            K::Truthy(x) => return Ok(self.eval(frame, x)?.truthy()),
            K::BoolOp(op, values) if values.iter().all(|v| matches!(v.ty, Type::Bool)) => {
                for v in values {
                    let t = self.eval_bool(frame, v)?;
                    if (*op == BoolOp::And) != t {
                        return Ok(t);
                    }
                }
                return Ok(*op == BoolOp::And);
            }
            _ => {}
        }
        Ok(self.eval(frame, e)?.truthy())
    }

    pub(super) fn eval_int(&mut self, frame: &mut Frame, e: &Expr) -> R<i64> {
        // The common leaves without making a `Value`.
        match &e.kind {
            K::Int(v) => return Ok(*v),
            K::Local(id) => {
                if let Some(Some(Value::Int(v))) = frame.get(*id) {
                    return Ok(*v);
                }
            }
            _ => {}
        }
        Ok(as_int(&self.eval(frame, e)?))
    }

    pub(super) fn read_local(&self, frame: &Frame, id: usize, span: Span) -> R<Value> {
        match frame.get(id) {
            Some(Some(v)) => Ok(v.clone()),
            _ => {
                let name = self.local_name(id);
                err(
                    ErrorKind::UnboundLocalError,
                    format!("cannot access local variable '{name}' where it is not associated with a value"),
                    span,
                )
            }
        }
    }

    pub(super) fn local_name(&self, id: usize) -> String {
        self.fn_stack
            .last()
            .and_then(|f| self.program.functions.get(*f))
            .and_then(|f| f.locals.get(id))
            .map_or_else(String::new, |l| l.name.clone())
    }

    pub(super) fn eval(&mut self, frame: &mut Frame, e: &Expr) -> R<Value> {
        // The host stack is checked (and grown on the heap) every 16 levels
        // of nesting, not at every one: 16 levels fit well inside the red zone.
        self.nest = self.nest.wrapping_add(1);
        let r = if self.nest.is_multiple_of(16) {
            stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.eval_inner(frame, e))
        } else {
            self.eval_inner(frame, e)
        };
        self.nest = self.nest.wrapping_sub(1);
        r
    }

    pub(super) fn eval_inner(&mut self, frame: &mut Frame, e: &Expr) -> R<Value> {
        let span = e.span;
        Ok(match &e.kind {
            K::Int(v) => Value::Int(*v),
            K::Float(v) => Value::Float(*v),
            K::Bool(b) => Value::Bool(*b),
            K::Str(s) => Value::str(s.as_str()),
            K::None => Value::None,
            K::Local(id) => self.read_local(frame, *id, span)?,
            K::Const(id) => self.consts.get(*id).cloned().unwrap_or(Value::None),
            K::Hole(i) => match self.holes.get(*i).copied().flatten() {
                Some(v) => Value::Int(v),
                None => {
                    return err(ErrorKind::HoleError, "the program still has an unfilled hole `??`", span);
                }
            },
            K::IntToFloat(x) => Value::Float(as_int(&self.eval(frame, x)?) as f64),
            K::Truthy(x) => Value::Bool(self.eval(frame, x)?.truthy()),
            K::Binary(op, l, r)
                if matches!(e.ty, Type::Int) && matches!(l.ty, Type::Int) && matches!(r.ty, Type::Int) =>
            {
                let a = self.eval_int(frame, l)?;
                let b = self.eval_int(frame, r)?;
                self.int_op(*op, a, b, span)?
            }
            K::Binary(op, l, r) => {
                let a = self.eval(frame, l)?;
                let b = self.eval(frame, r)?;
                self.binary(*op, a, b, span)?
            }
            K::Unary(op, x) => {
                let v = self.eval(frame, x)?;
                match (op, v) {
                    (UnaryOp::Not, v) => Value::Bool(!v.truthy()),
                    (UnaryOp::Neg, Value::Int(i)) => Value::Int(self.wrap(i.overflowing_neg())),
                    (UnaryOp::Neg, Value::Float(f)) => Value::Float(-f),
                    (UnaryOp::Pos, v) => v,
                    (UnaryOp::Invert, Value::Int(i)) => Value::Int(!i),
                    _ => {
                        return err(ErrorKind::TypeError, "bad operand type for unary operator", span);
                    }
                }
            }
            // One comparison of two ints: no `Value`s on the way.
            K::Compare(first, rest)
                if matches!(first.ty, Type::Int)
                    && matches!(rest.as_slice(), [(op, r)] if matches!(r.ty, Type::Int) && !matches!(op, CmpOp::In | CmpOp::NotIn)) =>
            {
                let (op, r) = &rest[0];
                let a = self.eval_int(frame, first)?;
                let b = self.eval_int(frame, r)?;
                Value::Bool(match op {
                    CmpOp::Eq => a == b,
                    CmpOp::Ne => a != b,
                    CmpOp::Lt => a < b,
                    CmpOp::Le => a <= b,
                    CmpOp::Gt => a > b,
                    _ => a >= b,
                })
            }
            K::Compare(first, rest) => {
                let mut left = self.eval(frame, first)?;
                for (i, (op, r)) in rest.iter().enumerate() {
                    if let (CmpOp::In | CmpOp::NotIn, K::Builtin(Builtin::Range, args)) = (op, &r.kind)
                        && i + 1 == rest.len()
                    {
                        let found = self.in_range(frame, &left, args, r.span)?;
                        return Ok(Value::Bool(found == (*op == CmpOp::In)));
                    }
                    let right = self.eval_compare_operand(frame, *op, r)?;
                    let ok = self.compare(*op, &left, &right, r.span)?;
                    if !ok {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            K::BoolOp(op, values) => {
                let mut last = Value::None;
                for v in values {
                    last = self.eval(frame, v)?;
                    let t = last.truthy();
                    if (*op == BoolOp::And && !t) || (*op == BoolOp::Or && t) {
                        return Ok(last);
                    }
                }
                last
            }
            K::IfExp(c, a, b) => {
                if self.eval_bool(frame, c)? {
                    self.eval(frame, a)?
                } else {
                    self.eval(frame, b)?
                }
            }
            K::Call(id, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(frame, a)?);
                }
                self.call_function(*id, vals, span)?
            }
            K::Builtin(b, args) => self.builtin(frame, *b, args, e)?,
            K::Method(m, args) => self.method(frame, *m, args, span)?,
            K::Index(s, i) => {
                if let K::Local(id) = s.kind
                    && matches!(frame.get(id), Some(Some(_)))
                {
                    // A local container is indexed where it is (the index
                    // cannot rebind it), without a new reference to it.
                    let iv = self.eval_int(frame, i)?;
                    if let Some(Some(sv)) = frame.get(id) {
                        return self.get_item(sv, iv, span);
                    }
                }
                let sv = self.eval(frame, s)?;
                let iv = self.eval_int(frame, i)?;
                self.get_item(&sv, iv, span)?
            }
            K::Slice(s, lo, hi, st) => {
                let sv = self.eval(frame, s)?;
                let mut bound = |this: &mut Self, b: &Option<Box<Expr>>| -> R<Option<i64>> {
                    match b {
                        Some(b) => Ok(Some(this.eval_int(frame, b)?)),
                        None => Ok(None),
                    }
                };
                let lo = bound(self, lo)?;
                let hi = bound(self, hi)?;
                let st = bound(self, st)?.unwrap_or(1);
                if st == 0 {
                    return err(ErrorKind::ValueError, "slice step cannot be zero", span);
                }
                self.slice(&sv, lo, hi, st, span)?
            }
            K::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(frame, i)?);
                }
                self.new_list(out, span)?
            }
            K::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(frame, i)?);
                }
                self.new_tuple(out, span)?
            }
            K::Comprehension(elt, clauses) => {
                let mut out = Vec::new();
                self.comprehension(frame, elt, clauses, 0, &mut |this, _, v| {
                    this.allocate(1, span)?;
                    out.push(v);
                    Ok(true)
                })?;
                Value::list(out)
            }
        })
    }

    /// `needle in range(start, stop, step)`, by arithmetic as CPython does
    /// (so `x in range(10**12)` costs nothing).
    pub(super) fn in_range(&mut self, frame: &mut Frame, needle: &Value, args: &[Expr], span: Span) -> R<bool> {
        let (a, b, s) =
            (self.eval_int(frame, &args[0])?, self.eval_int(frame, &args[1])?, self.eval_int(frame, &args[2])?);
        if s == 0 {
            return err(ErrorKind::ValueError, "range() arg 3 must not be zero", span);
        }
        // Range items are ints: a float is in it only when integral and equal to one.
        let x = match needle {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64,
            Value::Float(f) if f.fract() == 0.0 && (-9.2e18..9.2e18).contains(f) => *f as i64,
            _ => return Ok(false),
        };
        let (x, a, b, s) = (x as i128, a as i128, b as i128, s as i128);
        Ok(if s > 0 { a <= x && x < b && (x - a) % s == 0 } else { b < x && x <= a && (a - x) % (-s) == 0 })
    }

    /// The right operand of a comparison; a lazy `range` on the right of an
    /// `in` in the middle of a chain is materialised (at the end of a chain,
    /// `in_range` answers without it).
    pub(super) fn eval_compare_operand(&mut self, frame: &mut Frame, op: CmpOp, r: &Expr) -> R<Value> {
        if matches!(op, CmpOp::In | CmpOp::NotIn) && matches!(r.kind, K::Builtin(Builtin::Range, _)) {
            let items = self.collect(frame, r)?;
            return Ok(Value::list(items));
        }
        self.eval(frame, r)
    }

    pub(super) fn compare(&mut self, op: CmpOp, a: &Value, b: &Value, span: Span) -> R<bool> {
        Ok(match op {
            CmpOp::Eq => py_eq(a, b),
            CmpOp::Ne => !py_eq(a, b),
            CmpOp::Lt => py_lt(a, b),
            CmpOp::Gt => py_lt(b, a),
            CmpOp::Le => matches!(py_cmp(a, b), Some(Ordering::Less | Ordering::Equal)),
            CmpOp::Ge => matches!(py_cmp(b, a), Some(Ordering::Less | Ordering::Equal)),
            CmpOp::In | CmpOp::NotIn => {
                let found = self.contains(b, a, span)?;
                if op == CmpOp::In { found } else { !found }
            }
        })
    }

    pub(super) fn contains(&mut self, hay: &Value, needle: &Value, span: Span) -> R<bool> {
        match (hay, needle) {
            (Value::Str(h), Value::Str(n)) => {
                self.tick(h.len() as u64 / 8, span)?;
                Ok(h.contains(n.as_ref()))
            }
            (Value::List(l), _) => {
                let items = l.borrow().clone();
                self.tick(items.len() as u64, span)?;
                Ok(items.iter().any(|x| item_matches(x, needle)))
            }
            (Value::Tuple(t), _) => {
                self.tick(t.len() as u64, span)?;
                Ok(t.iter().any(|x| item_matches(x, needle)))
            }
            _ => err(ErrorKind::TypeError, "argument is not iterable", span),
        }
    }

    pub(super) fn get_item(&mut self, s: &Value, i: i64, span: Span) -> R<Value> {
        match s {
            Value::List(l) => {
                let l = l.borrow();
                match norm_index(i, l.len()) {
                    Some(k) => Ok(l[k].clone()),
                    None => err(ErrorKind::IndexError, "list index out of range", span),
                }
            }
            Value::Tuple(t) => match norm_index(i, t.len()) {
                Some(k) => Ok(t[k].clone()),
                None => err(ErrorKind::IndexError, "tuple index out of range", span),
            },
            Value::Str(st) => {
                let n = strings::char_len(st);
                match norm_index(i, n).and_then(|k| strings::char_at(st, k)) {
                    Some(c) => self.new_str(c.to_string(), span),
                    None => err(ErrorKind::IndexError, "string index out of range", span),
                }
            }
            _ => err(ErrorKind::TypeError, "object is not subscriptable", span),
        }
    }

    pub(super) fn slice(&mut self, s: &Value, lo: Option<i64>, hi: Option<i64>, st: i64, span: Span) -> R<Value> {
        match s {
            Value::Str(x) => {
                let out = strings::slice(x, lo, hi, st);
                self.new_str(out, span)
            }
            Value::List(l) => {
                let items = self.slice_items(&l.borrow(), lo, hi, st);
                self.new_list(items, span)
            }
            Value::Tuple(t) => {
                let items = self.slice_items(t, lo, hi, st);
                self.new_tuple(items, span)
            }
            _ => err(ErrorKind::TypeError, "object is not subscriptable", span),
        }
    }

    pub(super) fn slice_items(&self, items: &[Value], lo: Option<i64>, hi: Option<i64>, st: i64) -> Vec<Value> {
        let (a, b, step) = strings::slice_indices(items.len(), lo, hi, st);
        strings::slice_positions(a, b, step).map(|i| items[i].clone()).collect()
    }

    pub(super) fn binary(&mut self, op: BinOp, a: Value, b: Value, span: Span) -> R<Value> {
        use Value::*;
        Ok(match (op, a, b) {
            (_, Int(x), Int(y)) => self.int_op(op, x, y, span)?,
            (_, Float(x), Float(y)) => Float(float_op(op, x, y, span)?),
            // Mixed int/float only reaches here through augmented assignment
            // of a float target, where the checker promoted the value.
            (_, Int(x), Float(y)) => Float(float_op(op, x as f64, y, span)?),
            (_, Float(x), Int(y)) => Float(float_op(op, x, y as f64, span)?),
            (BinOp::BitAnd, Bool(x), Bool(y)) => Bool(x & y),
            (BinOp::BitOr, Bool(x), Bool(y)) => Bool(x | y),
            (BinOp::BitXor, Bool(x), Bool(y)) => Bool(x ^ y),
            // Python's bool is an int (`sum` over bools reaches here).
            (_, Bool(x), y @ (Int(_) | Float(_) | Bool(_))) => return self.binary(op, Int(x as i64), y, span),
            (_, x @ (Int(_) | Float(_)), Bool(y)) => return self.binary(op, x, Int(y as i64), span),

            (BinOp::Add, Str(x), Str(y)) => {
                self.allocate((x.len() + y.len()) as u64, span)?;
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(&x);
                s.push_str(&y);
                Value::str(s)
            }
            (BinOp::Add, List(x), List(y)) => {
                let mut items = x.borrow().clone();
                items.extend(y.borrow().iter().cloned());
                self.new_list(items, span)?
            }
            (BinOp::Add, Tuple(x), Tuple(y)) => {
                let items: Vec<Value> = x.iter().chain(y.iter()).cloned().collect();
                self.new_tuple(items, span)?
            }
            (BinOp::Mul, Int(n), seq) | (BinOp::Mul, seq, Int(n)) => self.repeat(&seq, n, span)?,
            _ => {
                return err(ErrorKind::TypeError, format!("unsupported operand types for {}", op.as_str()), span);
            }
        })
    }

    pub(super) fn repeat(&mut self, seq: &Value, n: i64, span: Span) -> R<Value> {
        // An empty sequence repeated any number of times is empty (CPython
        // answers `[] * 2**62` at once); no loop over `n`.
        let empty = match seq {
            Value::Str(s) => s.is_empty(),
            Value::List(l) => l.borrow().is_empty(),
            Value::Tuple(t) => t.is_empty(),
            _ => false,
        };
        let n = if empty { 0 } else { n.max(0) as u64 };
        match seq {
            Value::Str(s) => {
                self.allocate((s.len() as u64).saturating_mul(n), span)?;
                Ok(Value::str(s.repeat(n as usize)))
            }
            Value::List(l) => {
                let items = l.borrow().clone();
                self.allocate((items.len() as u64).saturating_mul(n), span)?;
                let mut out = Vec::with_capacity(items.len() * n as usize);
                for _ in 0..n {
                    out.extend(items.iter().cloned());
                }
                Ok(Value::list(out))
            }
            Value::Tuple(t) => {
                self.allocate((t.len() as u64).saturating_mul(n), span)?;
                let mut out = Vec::with_capacity(t.len() * n as usize);
                for _ in 0..n {
                    out.extend(t.iter().cloned());
                }
                Ok(Value::tuple(out))
            }
            _ => err(ErrorKind::TypeError, "can't multiply sequence by non-int", span),
        }
    }

    pub(super) fn int_op(&mut self, op: BinOp, x: i64, y: i64, span: Span) -> R<Value> {
        Ok(Value::Int(match op {
            BinOp::Add => self.wrap(x.overflowing_add(y)),
            BinOp::Sub => self.wrap(x.overflowing_sub(y)),
            BinOp::Mul => self.wrap(x.overflowing_mul(y)),
            BinOp::FloorDiv => {
                if y == 0 {
                    return err(ErrorKind::ZeroDivisionError, "integer division or modulo by zero", span);
                }
                let q = self.wrap(x.overflowing_div(y));
                if x.wrapping_rem(y) != 0 && ((x < 0) != (y < 0)) { q - 1 } else { q }
            }
            BinOp::Mod => {
                if y == 0 {
                    return err(ErrorKind::ZeroDivisionError, "integer division or modulo by zero", span);
                }
                let r = x.wrapping_rem(y);
                if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }
            }
            BinOp::Div => {
                if y == 0 {
                    return err(ErrorKind::ZeroDivisionError, "division by zero", span);
                }
                return Ok(Value::Float(int_true_div(x, y)));
            }
            BinOp::Pow => {
                if y < 0 {
                    return err(
                        ErrorKind::ValueError,
                        "negative exponent for int ** int (Python would return a float; write float(x) ** y)",
                        span,
                    );
                }
                let mut result: i64 = 1;
                let mut base = x;
                let mut e = y as u64;
                let mut overflow = false;
                while e > 0 {
                    if e & 1 == 1 {
                        let (r, o) = result.overflowing_mul(base);
                        result = r;
                        overflow |= o;
                    }
                    e >>= 1;
                    if e > 0 {
                        let (b, o) = base.overflowing_mul(base);
                        base = b;
                        // An overflowing base only matters if it is used again.
                        overflow |= o && e > 0 && (x != 0 && x != 1 && x != -1);
                    }
                }
                self.overflowed |= overflow;
                result
            }
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            BinOp::LShift => {
                if y < 0 {
                    return err(ErrorKind::ValueError, "negative shift count", span);
                }
                if y >= 64 {
                    self.overflowed |= x != 0;
                    0
                } else {
                    let r = x.wrapping_shl(y as u32);
                    self.overflowed |= (r >> y) != x;
                    r
                }
            }
            BinOp::RShift => {
                if y < 0 {
                    return err(ErrorKind::ValueError, "negative shift count", span);
                }
                if y >= 64 { if x < 0 { -1 } else { 0 } } else { x >> y }
            }
        }))
    }
}

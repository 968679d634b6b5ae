//! The interpreter's iteration: `for` loops and comprehensions, lazy
//! exactly where Python's are (`range`, `enumerate`, `zip`, `reversed`).

use super::*;

impl<'p> Interpreter<'p> {
    /// Calls `f` on each item of an iterable expression, lazily for
    /// `range`/`enumerate`/`zip`/`reversed` and comprehensions; `f` returns
    /// false to stop.
    pub(super) fn for_each(
        &mut self,
        frame: &mut Frame,
        iter: &Expr,
        f: &mut dyn FnMut(&mut Self, &mut Frame, Value) -> R<bool>,
    ) -> R<()> {
        match &iter.kind {
            K::Builtin(Builtin::Range, args) => {
                let start = self.eval_int(frame, &args[0])?;
                let stop = self.eval_int(frame, &args[1])?;
                let step = self.eval_int(frame, &args[2])?;
                if step == 0 {
                    return err(ErrorKind::ValueError, "range() arg 3 must not be zero", iter.span);
                }
                let mut i = start;
                while (step > 0 && i < stop) || (step < 0 && i > stop) {
                    if !f(self, frame, Value::Int(i))? {
                        break;
                    }
                    match i.checked_add(step) {
                        Some(n) => i = n,
                        None => break,
                    }
                }
                Ok(())
            }
            K::Builtin(Builtin::Enumerate, args) => {
                let mut n = self.eval_int(frame, &args[1])?;
                let span = iter.span;
                self.for_each(frame, &args[0], &mut |this, frame, item| {
                    let pair = this.new_tuple(vec![Value::Int(n), item], span)?;
                    n = n.wrapping_add(1);
                    f(this, frame, pair)
                })
            }
            K::Builtin(Builtin::Zip, args) => {
                let mut cols = Vec::new();
                for a in args {
                    cols.push(self.collect(frame, a)?);
                }
                let n = cols.iter().map(Vec::len).min().unwrap_or(0);
                for i in 0..n {
                    let row: Vec<Value> = cols.iter().map(|c| c[i].clone()).collect();
                    let t = self.new_tuple(row, iter.span)?;
                    if !f(self, frame, t)? {
                        break;
                    }
                }
                Ok(())
            }
            K::Builtin(Builtin::Reversed, args) => {
                let items = self.collect(frame, &args[0])?;
                for item in items.into_iter().rev() {
                    if !f(self, frame, item)? {
                        break;
                    }
                }
                Ok(())
            }
            K::Comprehension(elt, clauses) => {
                let mut keep_going = true;
                self.comprehension(frame, elt, clauses, 0, &mut |this, frame, v| {
                    keep_going = f(this, frame, v)?;
                    Ok(keep_going)
                })?;
                Ok(())
            }
            _ => {
                let v = self.eval(frame, iter)?;
                self.for_each_value(frame, &v, iter.span, f)
            }
        }
    }

    pub(super) fn for_each_value(
        &mut self,
        frame: &mut Frame,
        v: &Value,
        span: Span,
        f: &mut dyn FnMut(&mut Self, &mut Frame, Value) -> R<bool>,
    ) -> R<()> {
        match v {
            Value::List(l) => {
                // Python's list iterator re-checks the length at every step,
                // so appending while iterating is seen (and may not end).
                let mut i = 0;
                loop {
                    let item = {
                        let b = l.borrow();
                        match b.get(i) {
                            Some(x) => x.clone(),
                            None => break,
                        }
                    };
                    if !f(self, frame, item)? {
                        break;
                    }
                    i += 1;
                }
                Ok(())
            }
            Value::Tuple(t) => {
                for item in t.iter() {
                    if !f(self, frame, item.clone())? {
                        break;
                    }
                }
                Ok(())
            }
            Value::Str(s) => {
                for c in s.chars() {
                    let item = self.new_str(c.to_string(), span)?;
                    if !f(self, frame, item)? {
                        break;
                    }
                }
                Ok(())
            }
            _ => err(ErrorKind::TypeError, "object is not iterable", span),
        }
    }

    /// Runs the clauses of a comprehension from `depth` on, calling `emit`
    /// with each element; `emit` returns false to stop.
    pub(super) fn comprehension(
        &mut self,
        frame: &mut Frame,
        elt: &Expr,
        clauses: &[Clause],
        depth: usize,
        emit: &mut dyn FnMut(&mut Self, &mut Frame, Value) -> R<bool>,
    ) -> R<bool> {
        let Some(clause) = clauses.get(depth) else {
            let v = self.eval(frame, elt)?;
            return emit(self, frame, v);
        };
        let mut go_on = true;
        self.for_each_into(frame, &clause.iter, &clause.target, clause.iter.span, &mut |this, frame| {
            for cond in &clause.ifs {
                if !this.eval_bool(frame, cond)? {
                    return Ok(true);
                }
            }
            go_on = this.comprehension(frame, elt, clauses, depth + 1, emit)?;
            Ok(go_on)
        })?;
        Ok(go_on)
    }

    /// Assigns each item of `iter` to `target` and calls `f` (false stops).
    /// `for a, b in zip(...)` assigns straight from the columns, with no
    /// tuple made per step (the same assignments in the same order).
    pub(super) fn for_each_into(
        &mut self,
        frame: &mut Frame,
        iter: &Expr,
        target: &Target,
        span: Span,
        f: &mut dyn FnMut(&mut Self, &mut Frame) -> R<bool>,
    ) -> R<()> {
        if let (K::Builtin(Builtin::Zip, args), Target::Unpack(ts, _)) = (&iter.kind, target)
            && ts.len() == args.len()
        {
            let mut cols = Vec::new();
            for a in args {
                cols.push(self.collect(frame, a)?);
            }
            let n = cols.iter().map(Vec::len).min().unwrap_or(0);
            for i in 0..n {
                self.tick(1, span)?;
                for (t, c) in ts.iter().zip(&cols) {
                    self.assign(frame, t, c[i].clone())?;
                }
                if !f(self, frame)? {
                    break;
                }
            }
            return Ok(());
        }
        self.for_each(frame, iter, &mut |this, frame, item| {
            this.tick(1, span)?;
            this.assign(frame, target, item)?;
            f(this, frame)
        })
    }

    /// All items of an iterable expression.
    pub(super) fn collect(&mut self, frame: &mut Frame, iter: &Expr) -> R<Vec<Value>> {
        let mut out = Vec::new();
        let span = iter.span;
        self.for_each(frame, iter, &mut |this, _, v| {
            this.allocate(1, span)?;
            out.push(v);
            Ok(true)
        })?;
        Ok(out)
    }

    pub(super) fn collect_value(&mut self, v: &Value, span: Span) -> R<Vec<Value>> {
        let mut out = Vec::new();
        let mut frame = Frame::new();
        self.for_each_value(&mut frame, v, span, &mut |_, _, item| {
            out.push(item);
            Ok(true)
        })?;
        Ok(out)
    }
}

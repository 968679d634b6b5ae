//! The interpreter's statements: blocks, assignment and unpacking, item
//! stores, augmented assignment.

use super::*;

impl<'p> Interpreter<'p> {
    pub(super) fn exec_block(&mut self, frame: &mut Frame, stmts: &[Stmt]) -> R<Flow> {
        for s in stmts {
            match self.exec(frame, s)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    pub(super) fn exec(&mut self, frame: &mut Frame, s: &Stmt) -> R<Flow> {
        match s {
            Stmt::Expr(e) => {
                self.tick(1, e.span)?;
                self.eval(frame, e)?;
            }
            Stmt::Assign { targets, value, span } => {
                self.tick(1, *span)?;
                let v = self.eval(frame, value)?;
                if let [t] = targets.as_slice() {
                    self.assign(frame, t, v)?;
                } else {
                    for t in targets {
                        self.assign(frame, t, v.clone())?;
                    }
                }
            }
            Stmt::AugAssign { target, op, value, span } => {
                self.tick(1, *span)?;
                self.aug_assign(frame, target, *op, value, *span)?;
            }
            Stmt::Return(e, span) => {
                self.tick(1, *span)?;
                let v = match e {
                    Some(e) => self.eval(frame, e)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            Stmt::If(c, a, b) => {
                self.tick(1, c.span)?;
                let branch = if self.eval_bool(frame, c)? { a } else { b };
                return self.exec_block(frame, branch);
            }
            Stmt::While(c, body) => loop {
                self.tick(1, c.span)?;
                if !self.eval_bool(frame, c)? {
                    break;
                }
                match self.exec_block(frame, body)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            },
            Stmt::For { target, iter, body, span } => {
                let mut result = Flow::Normal;
                self.for_each_into(
                    frame,
                    iter,
                    target,
                    *span,
                    &mut |this, frame| match this.exec_block(frame, body)? {
                        Flow::Break => Ok(false),
                        Flow::Return(v) => {
                            result = Flow::Return(v);
                            Ok(false)
                        }
                        Flow::Normal | Flow::Continue => Ok(true),
                    },
                )?;
                return Ok(result);
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Assert(c, msg, span) => {
                self.tick(1, *span)?;
                if !self.eval_bool(frame, c)? {
                    let m = match msg {
                        Some(m) => self.eval(frame, m)?.to_str(),
                        None => String::new(),
                    };
                    return err(ErrorKind::AssertionError, m, *span);
                }
            }
        }
        Ok(Flow::Normal)
    }

    pub(super) fn assign(&mut self, frame: &mut Frame, t: &Target, v: Value) -> R<()> {
        match t {
            Target::Local(id) => {
                if let Some(slot) = frame.get_mut(*id) {
                    *slot = Some(v);
                }
                Ok(())
            }
            Target::Index { seq, index, span } => {
                let s = self.eval(frame, seq)?;
                let i = self.eval_int(frame, index)?;
                self.set_item(&s, i, v, *span)
            }
            Target::Unpack(targets, span) => {
                let items = self.unpack_items(&v, targets.len(), *span)?;
                for (t, item) in targets.iter().zip(items) {
                    self.assign(frame, t, item)?;
                }
                Ok(())
            }
        }
    }

    pub(super) fn unpack_items(&mut self, v: &Value, n: usize, span: Span) -> R<Vec<Value>> {
        let items: Vec<Value> = match v {
            Value::Tuple(t) => t.to_vec(),
            Value::List(l) => l.borrow().clone(),
            Value::Str(s) => s.chars().map(|c| Value::str(c.to_string())).collect(),
            _ => return err(ErrorKind::TypeError, "cannot unpack a non-sequence", span),
        };
        if items.len() > n {
            return err(ErrorKind::ValueError, format!("too many values to unpack (expected {n})"), span);
        }
        if items.len() < n {
            return err(
                ErrorKind::ValueError,
                format!("not enough values to unpack (expected {n}, got {})", items.len()),
                span,
            );
        }
        Ok(items)
    }

    pub(super) fn set_item(&mut self, s: &Value, i: i64, v: Value, span: Span) -> R<()> {
        let Value::List(l) = s else {
            return err(ErrorKind::TypeError, "object does not support item assignment", span);
        };
        let mut l = l.borrow_mut();
        let Some(k) = norm_index(i, l.len()) else {
            return err(ErrorKind::IndexError, "list assignment index out of range", span);
        };
        l[k] = v;
        Ok(())
    }

    pub(super) fn aug_assign(
        &mut self,
        frame: &mut Frame,
        target: &Target,
        op: BinOp,
        value: &Expr,
        span: Span,
    ) -> R<()> {
        // Evaluate the target's container and index once, as Python does.
        let (container, index) = match target {
            Target::Index { seq, index, .. } => {
                let s = self.eval(frame, seq)?;
                let i = self.eval_int(frame, index)?;
                (Some(s), i)
            }
            _ => (None, 0),
        };
        let current = match (target, &container) {
            (Target::Local(id), _) => self.read_local(frame, *id, span)?,
            (Target::Index { span: ispan, .. }, Some(s)) => self.get_item(s, index, *ispan)?,
            _ => {
                return err(ErrorKind::TypeError, "invalid augmented assignment target", span);
            }
        };
        let rhs = self.eval(frame, value)?;
        let new = match (&current, op) {
            // Lists are updated in place (`list.__iadd__`, `list.__imul__`).
            (Value::List(l), BinOp::Add) => {
                let items = self.collect_value(&rhs, span)?;
                self.allocate(items.len() as u64, span)?;
                l.borrow_mut().extend(items);
                current.clone()
            }
            (Value::List(l), BinOp::Mul) => {
                let n = as_int(&rhs).max(0) as u64;
                let len = l.borrow().len() as u64;
                self.allocate(len.saturating_mul(n.saturating_sub(1)), span)?;
                let items = l.borrow().clone();
                let mut out = Vec::with_capacity((len * n) as usize);
                for _ in 0..n {
                    out.extend(items.iter().cloned());
                }
                *l.borrow_mut() = out;
                current.clone()
            }
            _ => self.binary(op, current.clone(), rhs, span)?,
        };
        match (target, container) {
            (Target::Local(id), _) => {
                if let Some(slot) = frame.get_mut(*id) {
                    *slot = Some(new);
                }
                Ok(())
            }
            (Target::Index { span: ispan, .. }, Some(s)) => self.set_item(&s, index, new, *ispan),
            _ => Ok(()),
        }
    }
}

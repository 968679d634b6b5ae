//! A solution back to SMT-LIB: an expression of the language built by the
//! translation's own forms (helpers, `define-fun`s, parameters, literals,
//! the few native operators) read back into the term it stands for, each
//! literal printed in the sort its place expects.

use super::term::{Sort, bv_literal, int_literal, symbol};
use crate::ast::{BinOp, BoolOp, CmpOp, Expr, ExprKind, UnaryOp};
use crate::smt::sexp::str_literal;
use std::collections::BTreeMap;

/// What each name of the translated program means in SMT-LIB.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Helpers: SMT-LIB head, argument sorts, result sort.
    pub helpers: BTreeMap<String, (String, Vec<Sort>, Sort)>,
    /// `define-fun`s: SMT-LIB name, argument sorts, result sort.
    pub funcs: BTreeMap<String, (String, Vec<Sort>, Sort)>,
    /// Parameters: SMT-LIB name and sort.
    pub vars: BTreeMap<String, (String, Sort)>,
}

/// The SMT-LIB term of the expression `src` (of sort `ret`).
pub fn to_smt(src: &str, ret: Sort, table: &Table) -> Result<String, String> {
    let (e, diags) = crate::parser::parse_expression(src);
    if let Some(d) = diags.first() {
        return Err(format!("cannot read the solution `{src}`: {}", d.message));
    }
    Back { table }.term(&e, Some(ret))
}

struct Back<'a> {
    table: &'a Table,
}

impl Back<'_> {
    /// The sort of `e` where it can be told without context.
    fn infer(&self, e: &Expr) -> Option<Sort> {
        match &e.kind {
            ExprKind::Name(n) => self.table.vars.get(n).map(|v| v.1),
            ExprKind::Str(_) => Some(Sort::Str),
            ExprKind::Bool(_) => Some(Sort::Bool),
            ExprKind::Int(_) => None,
            ExprKind::Call { func, .. } => match &func.kind {
                ExprKind::Name(n) if n == "len" => Some(Sort::Int),
                ExprKind::Name(n) => self.table.helpers.get(n).or_else(|| self.table.funcs.get(n)).map(|h| h.2),
                _ => None,
            },
            ExprKind::Binary(BinOp::Add, a, b) => self.infer(a).or_else(|| self.infer(b)),
            ExprKind::Binary(..) => Some(Sort::Int),
            ExprKind::Unary(UnaryOp::Not, _) | ExprKind::BoolOp(..) | ExprKind::Compare(..) => Some(Sort::Bool),
            ExprKind::Unary(UnaryOp::Neg, x) => self.infer(x).or(Some(Sort::Int)),
            ExprKind::IfExp { body, orelse, .. } => self.infer(body).or_else(|| self.infer(orelse)),
            _ => None,
        }
    }

    fn int_value(e: &Expr) -> Option<i128> {
        match &e.kind {
            ExprKind::Int(n) => Some(*n as i128),
            ExprKind::Unary(UnaryOp::Neg, x) => Self::int_value(x).map(|v| -v),
            // `(1 << 63)`: the translation's spelling of the least int.
            ExprKind::Binary(BinOp::LShift, a, b) => match (Self::int_value(a), Self::int_value(b)) {
                (Some(1), Some(63)) => Some(i64::MIN as i128),
                _ => None,
            },
            _ => None,
        }
    }

    fn term(&self, e: &Expr, want: Option<Sort>) -> Result<String, String> {
        let unknown = || Err(format!("a form the translation does not make: `{}`", crate::printer::expr(e)));
        if let Some(v) = Self::int_value(e) {
            return Ok(match want {
                Some(Sort::Bv(w)) => {
                    let bits = if w >= 64 { v as i64 as u64 as u128 } else { (v as u128) & ((1u128 << w) - 1) };
                    bv_literal(bits, w)
                }
                _ => int_literal(v),
            });
        }
        let all = |xs: &[&Expr], s: Option<Sort>| -> Result<Vec<String>, String> {
            xs.iter().map(|x| self.term(x, s)).collect()
        };
        match &e.kind {
            ExprKind::Bool(b) => Ok(b.to_string()),
            ExprKind::Str(s) => Ok(str_literal(s)),
            ExprKind::Name(n) => match (self.table.vars.get(n), self.table.funcs.get(n)) {
                (Some((smt, _)), _) => Ok(symbol(smt)),
                (None, Some((smt, args, _))) if args.is_empty() => Ok(symbol(smt)),
                _ => Err(format!("unknown name `{n}` in the solution")),
            },
            ExprKind::Binary(op, a, b) => {
                let s = want.or_else(|| self.infer(e));
                let head = match (op, s) {
                    (BinOp::Add, Some(Sort::Str)) => "str.++",
                    (BinOp::Add, _) => "+",
                    (BinOp::Sub, _) => "-",
                    (BinOp::Mul, _) => "*",
                    _ => return unknown(),
                };
                let x = all(&[a, b], s)?;
                Ok(format!("({head} {} {})", x[0], x[1]))
            }
            ExprKind::Unary(UnaryOp::Neg, a) => Ok(format!("(- {})", self.term(a, Some(Sort::Int))?)),
            ExprKind::Unary(UnaryOp::Not, a) => Ok(format!("(not {})", self.term(a, Some(Sort::Bool))?)),
            ExprKind::BoolOp(op, xs) => {
                let parts: Vec<&Expr> = xs.iter().collect();
                let x = all(&parts, Some(Sort::Bool))?;
                Ok(format!("({} {})", if *op == BoolOp::And { "and" } else { "or" }, x.join(" ")))
            }
            ExprKind::Compare(first, rest) => {
                let mut prev: &Expr = first;
                let mut parts = Vec::new();
                for (op, next) in rest {
                    let s = self.infer(prev).or_else(|| self.infer(next));
                    let x = all(&[prev, next], s)?;
                    parts.push(match op {
                        CmpOp::Eq => format!("(= {} {})", x[0], x[1]),
                        CmpOp::Ne => format!("(not (= {} {}))", x[0], x[1]),
                        CmpOp::Lt => format!("(< {} {})", x[0], x[1]),
                        CmpOp::Le => format!("(<= {} {})", x[0], x[1]),
                        CmpOp::Gt => format!("(> {} {})", x[0], x[1]),
                        CmpOp::Ge => format!("(>= {} {})", x[0], x[1]),
                        _ => return unknown(),
                    });
                    prev = next;
                }
                Ok(if parts.len() == 1 { parts.remove(0) } else { format!("(and {})", parts.join(" ")) })
            }
            ExprKind::IfExp { cond, body, orelse } => {
                let s = want.or_else(|| self.infer(body)).or_else(|| self.infer(orelse));
                let c = self.term(cond, Some(Sort::Bool))?;
                let x = all(&[body, orelse], s)?;
                Ok(format!("(ite {c} {} {})", x[0], x[1]))
            }
            ExprKind::Call { func, args, keywords } if keywords.is_empty() => {
                let ExprKind::Name(n) = &func.kind else { return unknown() };
                if n == "len" && args.len() == 1 {
                    return Ok(format!("(str.len {})", self.term(&args[0], Some(Sort::Str))?));
                }
                let Some((head, sorts, _)) = self.table.helpers.get(n).or_else(|| self.table.funcs.get(n)) else {
                    return Err(format!("unknown function `{n}` in the solution"));
                };
                if sorts.len() != args.len() {
                    return unknown();
                }
                let mut out = Vec::new();
                for (a, s) in args.iter().zip(sorts) {
                    out.push(self.term(a, Some(*s))?);
                }
                let head = if self.table.funcs.contains_key(n) { symbol(head) } else { head.clone() };
                if out.is_empty() { Ok(head) } else { Ok(format!("({head} {})", out.join(" "))) }
            }
            _ => unknown(),
        }
    }
}

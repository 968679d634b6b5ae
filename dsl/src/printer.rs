//! The printer: AST back to source, with the fewest parentheses Python's
//! precedence needs. Proposers (the generator, later the enumerator and
//! mutation operators) build ASTs and print them; parsing the printed text
//! gives the same tree back (a property test checks it).

use crate::ast::*;
use crate::value::{float_repr, str_repr};
use std::fmt::Write;

/// Prints a module.
pub fn module(m: &Module) -> String {
    let mut out = String::new();
    for (i, item) in m.items.iter().enumerate() {
        if i > 0 && matches!(item, Item::Function(_)) {
            out.push('\n');
        }
        match item {
            Item::Function(f) => function_into(&mut out, f),
            Item::Const(c) => {
                let _ = match &c.ann {
                    Some(t) => writeln!(out, "{}: {} = {}", c.name.name, type_expr(t), expr_top(&c.value)),
                    None => writeln!(out, "{} = {}", c.name.name, expr_top(&c.value)),
                };
            }
        }
    }
    out
}

/// Prints a function definition.
pub fn function(f: &Function) -> String {
    let mut out = String::new();
    function_into(&mut out, f);
    out
}

fn function_into(out: &mut String, f: &Function) {
    for d in &f.decorators {
        let _ = writeln!(out, "@{}", d.name.name);
    }
    let params: Vec<String> = f
        .params
        .iter()
        .map(|p| {
            let mut s = p.name.name.clone();
            if let Some(t) = &p.ann {
                s.push_str(": ");
                s.push_str(&type_expr(t));
            }
            if let Some(d) = &p.default {
                s.push_str(" = ");
                s.push_str(&expr(d));
            }
            s
        })
        .collect();
    let _ = write!(out, "def {}({})", f.name.name, params.join(", "));
    if let Some(r) = &f.ret {
        let _ = write!(out, " -> {}", type_expr(r));
    }
    out.push_str(":\n");
    block(out, &f.body, 1);
}

/// Prints a type annotation.
pub fn type_expr(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Name(id) => id.name.clone(),
        TypeExpr::Generic { name, args, ellipsis, .. } => {
            let mut parts: Vec<String> = args.iter().map(type_expr).collect();
            if *ellipsis {
                parts.push("...".into());
            }
            if parts.is_empty() && name.name == "tuple" {
                parts.push("()".into());
            }
            format!("{}[{}]", name.name, parts.join(", "))
        }
        TypeExpr::Error(_) => "int".into(),
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn block(out: &mut String, stmts: &[Stmt], level: usize) {
    if stmts.is_empty() {
        indent(out, level);
        out.push_str("pass\n");
        return;
    }
    for s in stmts {
        stmt(out, s, level);
    }
}

/// Prints one statement at an indentation level (4 spaces each).
pub fn stmt(out: &mut String, s: &Stmt, level: usize) {
    indent(out, level);
    match s {
        Stmt::Expr(e) => {
            out.push_str(&expr_top(e));
            out.push('\n');
        }
        Stmt::Assign { targets, value, .. } => {
            for t in targets {
                out.push_str(&expr_top(t));
                out.push_str(" = ");
            }
            out.push_str(&expr_top(value));
            out.push('\n');
        }
        Stmt::AnnAssign { target, ann, value, .. } => {
            let _ = write!(out, "{}: {}", target.name, type_expr(ann));
            if let Some(v) = value {
                let _ = write!(out, " = {}", expr_top(v));
            }
            out.push('\n');
        }
        Stmt::AugAssign { target, op, value, .. } => {
            let _ = writeln!(out, "{} {}= {}", expr(target), op.as_str(), expr_top(value));
        }
        Stmt::Return { value, .. } => match value {
            Some(v) => {
                let _ = writeln!(out, "return {}", expr_top(v));
            }
            None => out.push_str("return\n"),
        },
        Stmt::If { cond, body, orelse, .. } => {
            let _ = writeln!(out, "if {}:", expr(cond));
            block(out, body, level + 1);
            let mut orelse = orelse;
            loop {
                match orelse.as_slice() {
                    [] => break,
                    [Stmt::If { cond, body, orelse: next, .. }] => {
                        indent(out, level);
                        let _ = writeln!(out, "elif {}:", expr(cond));
                        block(out, body, level + 1);
                        orelse = next;
                    }
                    other => {
                        indent(out, level);
                        out.push_str("else:\n");
                        block(out, other, level + 1);
                        break;
                    }
                }
            }
        }
        Stmt::For { target, iter, body, .. } => {
            let _ = writeln!(out, "for {} in {}:", expr_top(target), expr_top(iter));
            block(out, body, level + 1);
        }
        Stmt::While { cond, body, .. } => {
            let _ = writeln!(out, "while {}:", expr(cond));
            block(out, body, level + 1);
        }
        Stmt::Break(_) => out.push_str("break\n"),
        Stmt::Continue(_) => out.push_str("continue\n"),
        Stmt::Pass(_) | Stmt::Error(_) => out.push_str("pass\n"),
        Stmt::Assert { cond, msg, .. } => {
            let _ = write!(out, "assert {}", expr(cond));
            if let Some(m) = msg {
                let _ = write!(out, ", {}", expr(m));
            }
            out.push('\n');
        }
    }
}

/// An expression at statement level, where a non-empty tuple needs no parentheses.
fn expr_top(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Tuple(items) if !items.is_empty() => {
            let parts: Vec<String> = items.iter().map(expr).collect();
            if parts.len() == 1 { format!("{},", parts[0]) } else { parts.join(", ") }
        }
        _ => expr(e),
    }
}

/// Prints an expression.
pub fn expr(e: &Expr) -> String {
    let mut out = String::new();
    expr_prec(&mut out, e, 0);
    out
}

// Python's precedence levels, loosest first.
const P_IFEXP: u8 = 1;
const P_OR: u8 = 2;
const P_AND: u8 = 3;
const P_NOT: u8 = 4;
const P_CMP: u8 = 5;
const P_UNARY: u8 = 12;
const P_POW: u8 = 13;
const P_PRIMARY: u8 = 15;

fn bin_prec(op: BinOp) -> u8 {
    match op {
        BinOp::BitOr => 6,
        BinOp::BitXor => 7,
        BinOp::BitAnd => 8,
        BinOp::LShift | BinOp::RShift => 9,
        BinOp::Add | BinOp::Sub => 10,
        BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => 11,
        BinOp::Pow => P_POW,
    }
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::IfExp { .. } => P_IFEXP,
        ExprKind::BoolOp(BoolOp::Or, _) => P_OR,
        ExprKind::BoolOp(BoolOp::And, _) => P_AND,
        ExprKind::Unary(UnaryOp::Not, _) => P_NOT,
        ExprKind::Compare(..) => P_CMP,
        ExprKind::Binary(op, ..) => bin_prec(*op),
        ExprKind::Unary(..) => P_UNARY,
        ExprKind::Float(f) if f.is_sign_negative() => P_UNARY,
        ExprKind::Float(f) if !f.is_finite() => P_PRIMARY,
        _ => P_PRIMARY + 1,
    }
}

fn expr_prec(out: &mut String, e: &Expr, min: u8) {
    let p = prec(e);
    let paren = p < min;
    if paren {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Int(v) => {
            let _ = write!(out, "{v}");
        }
        ExprKind::Float(f) => {
            if f.is_nan() {
                out.push_str("float('nan')");
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 { "float('inf')" } else { "-float('inf')" });
            } else {
                out.push_str(&float_repr(*f));
            }
        }
        ExprKind::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        ExprKind::Str(s) => out.push_str(&str_repr(s)),
        ExprKind::None => out.push_str("None"),
        ExprKind::Ellipsis => out.push_str("..."),
        ExprKind::Hole => out.push_str("??"),
        ExprKind::Error => out.push_str("None"),
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Binary(op, l, r) => {
            if *op == BinOp::Pow {
                expr_prec(out, l, P_POW + 1);
                out.push_str(" ** ");
                expr_prec(out, r, P_UNARY);
            } else {
                expr_prec(out, l, p);
                let _ = write!(out, " {} ", op.as_str());
                expr_prec(out, r, p + 1);
            }
        }
        ExprKind::Unary(op, x) => {
            match op {
                UnaryOp::Not => out.push_str("not "),
                UnaryOp::Neg => out.push('-'),
                UnaryOp::Pos => out.push('+'),
                UnaryOp::Invert => out.push('~'),
            }
            expr_prec(out, x, if *op == UnaryOp::Not { P_NOT } else { P_UNARY });
        }
        ExprKind::BoolOp(op, values) => {
            let word = if *op == BoolOp::And { " and " } else { " or " };
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(word);
                }
                expr_prec(out, v, p + 1);
            }
        }
        ExprKind::Compare(first, rest) => {
            expr_prec(out, first, P_CMP + 1);
            for (op, r) in rest {
                let _ = write!(out, " {} ", op.as_str());
                expr_prec(out, r, P_CMP + 1);
            }
        }
        ExprKind::IfExp { cond, body, orelse } => {
            expr_prec(out, body, P_OR);
            out.push_str(" if ");
            expr_prec(out, cond, P_OR);
            out.push_str(" else ");
            expr_prec(out, orelse, P_IFEXP);
        }
        ExprKind::Call { func, args, keywords } => {
            expr_prec(out, func, P_PRIMARY);
            out.push('(');
            let mut first = true;
            for a in args {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                match &a.kind {
                    ExprKind::GeneratorExp(elt, clauses) if args.len() == 1 && keywords.is_empty() => {
                        comp(out, elt, clauses)
                    }
                    _ => expr_prec(out, a, P_IFEXP),
                }
            }
            for k in keywords {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                let _ = write!(out, "{}=", k.name.name);
                expr_prec(out, &k.value, P_IFEXP);
            }
            out.push(')');
        }
        ExprKind::Attribute(v, attr) => {
            expr_prec(out, v, P_PRIMARY);
            // `1.real` would lex as a float: an integer receiver needs a space.
            if matches!(v.kind, ExprKind::Int(_)) {
                out.push(' ');
            }
            let _ = write!(out, ".{}", attr.name);
        }
        ExprKind::Index(v, i) => {
            expr_prec(out, v, P_PRIMARY);
            out.push('[');
            out.push_str(&expr_top(i));
            out.push(']');
        }
        ExprKind::Slice { value, lower, upper, step } => {
            expr_prec(out, value, P_PRIMARY);
            out.push('[');
            if let Some(l) = lower {
                expr_prec(out, l, P_IFEXP);
            }
            out.push(':');
            if let Some(u) = upper {
                expr_prec(out, u, P_IFEXP);
            }
            if let Some(s) = step {
                out.push(':');
                expr_prec(out, s, P_IFEXP);
            }
            out.push(']');
        }
        ExprKind::List(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                expr_prec(out, x, P_IFEXP);
            }
            out.push(']');
        }
        ExprKind::Tuple(items) => {
            out.push('(');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                expr_prec(out, x, P_IFEXP);
            }
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        ExprKind::ListComp(elt, clauses) => {
            out.push('[');
            comp(out, elt, clauses);
            out.push(']');
        }
        ExprKind::GeneratorExp(elt, clauses) => {
            out.push('(');
            comp(out, elt, clauses);
            out.push(')');
        }
    }
    if paren {
        out.push(')');
    }
}

fn comp(out: &mut String, elt: &Expr, clauses: &[Comprehension]) {
    expr_prec(out, elt, P_IFEXP);
    for c in clauses {
        out.push_str(" for ");
        out.push_str(&expr_top(&c.target));
        out.push_str(" in ");
        expr_prec(out, &c.iter, P_OR);
        for cond in &c.ifs {
            out.push_str(" if ");
            expr_prec(out, cond, P_OR);
        }
    }
}

//! Mutation and crossover: a proposer that needs no model, so `synth
//! evolve` makes progress on a fresh machine. A child is made from the
//! prompt's parents (the best last) by one to four typed syntax-tree edits
//! of one evolved function: constants perturbed, operators and comparisons
//! swapped, conditions negated, sub-expressions replaced by or combined
//! with random well-typed terms over the variables in scope, statements
//! inserted (new updates of a number, or copied from another parent),
//! deleted or swapped, and one-point crossover of two parents' bodies.
//! Types come from checking the parent (each expression's type by its
//! span); every child is checked again before it is evaluated.

use super::evaluate::defs;
use super::problem::EvolveProblem;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rustc_hash::FxHashMap;
use synth_dsl::ast::{BinOp, BoolOp, CmpOp, Expr, ExprKind, Function, Stmt, UnaryOp};
use synth_dsl::span::Span;
use synth_dsl::tir::{self, Visit};
use synth_dsl::{Type, check, printer};

/// A child and what made it.
#[derive(Clone, Debug)]
pub struct Child {
    /// The evolved `def`s.
    pub text: String,
    /// The edits, e.g. `constant+swap_op`.
    pub how: String,
}

/// Makes a child of `parents` (stored candidate texts, ascending score:
/// the last is the one mutated; another may be a crossover partner).
pub fn child(problem: &EvolveProblem, parents: &[String], rng: &mut impl Rng) -> Child {
    let main = parents.last().map_or_else(|| problem.seed_text(), Clone::clone);
    let mut fns = defs(problem, &main);
    let k = rng.random_range(0..fns.len());
    let partner: Option<Function> = if parents.len() > 1 {
        let other = &parents[rng.random_range(0..parents.len() - 1)];
        defs(problem, other).get(k).cloned()
    } else {
        None
    };
    let original = printer::function(&fns[k]);
    let mut hows = Vec::new();
    // Edits that leave the text as it was (a constant set to its value, an
    // operator to itself) do not count: try again, a few times.
    for _ in 0..8 {
        let edits = 1 + (0..3).take_while(|_| rng.random_bool(0.4)).count();
        for _ in 0..edits {
            let types = Types::of(problem, &fns[k]);
            let how = edit(&mut fns[k], partner.as_ref(), &types, rng);
            hows.push(how);
        }
        drop_dead_code(&mut fns[k].body);
        if printer::function(&fns[k]) != original {
            break;
        }
        hows.clear();
    }
    let text = fns.iter().map(printer::function).collect::<Vec<_>>().join("\n");
    Child { text, how: hows.join("+") }
}

/// The types of a function's expressions (by span) and of its variables.
struct Types {
    by_span: FxHashMap<(u32, u32), Type>,
    vars: Vec<(String, Type)>,
}

impl Types {
    fn of(problem: &EvolveProblem, f: &Function) -> Types {
        struct Collect(FxHashMap<(u32, u32), Type>);
        impl Visit for Collect {
            fn expr(&mut self, e: &tir::Expr) {
                // Outer implicit conversions share their operand's span: the
                // operand, visited later, gives the written expression's type.
                self.0.insert((e.span.start, e.span.end), e.ty.clone());
            }
        }
        let (checked, _) = check::check_function(&problem.program, f);
        let mut c = Collect(FxHashMap::default());
        let mut vars = Vec::new();
        if let Some(t) = checked {
            tir::walk_stmts(&t.body, &mut c);
            vars = t.locals.iter().map(|l| (l.name.clone(), l.ty.clone())).collect();
        }
        Types { by_span: c.0, vars }
    }

    fn ty(&self, e: &Expr) -> Option<&Type> {
        self.by_span.get(&(e.span.start, e.span.end))
    }
}

/// Applies one edit; returns its name.
fn edit(f: &mut Function, partner: Option<&Function>, types: &Types, rng: &mut impl Rng) -> &'static str {
    // Retry a few kinds when one finds nothing to edit.
    for _ in 0..8 {
        let done = match rng.random_range(0..100) {
            0..18 => constant(f, rng).then_some("constant"),
            18..28 => swap_op(f, rng).then_some("operator"),
            28..36 => swap_compare(f, rng).then_some("comparison"),
            36..40 => negate_condition(f, rng).then_some("condition"),
            40..56 => replace_term(f, types, rng).then_some("replace"),
            56..68 => combine_term(f, types, rng).then_some("combine"),
            68..78 => insert_update(f, types, rng).then_some("insert"),
            78..84 => delete_stmt(f, rng).then_some("delete"),
            84..88 => swap_stmts(f, rng).then_some("swap"),
            _ => match partner {
                Some(p) if rng.random_bool(0.5) => crossover(f, p, rng).then_some("crossover"),
                Some(p) => copy_stmt(f, p, rng).then_some("copy"),
                None => copy_stmt_self(f, rng).then_some("copy"),
            },
        };
        if let Some(name) = done {
            return name;
        }
    }
    "none"
}

/// Statements after a `return` in the same block never run: crossover and
/// copies leave some, and they would only lengthen programs.
fn drop_dead_code(body: &mut Vec<Stmt>) {
    visit_blocks(body, &mut |b| {
        if let Some(i) = b.iter().position(|s| matches!(s, Stmt::Return { .. })) {
            b.truncate(i + 1);
        }
        false
    });
}

// ------------------------------------------------------------ traversals

/// Calls `f` on every expression of `body` in pre-order until it returns true.
fn visit_exprs(body: &mut [Stmt], f: &mut dyn FnMut(&mut Expr) -> bool) -> bool {
    fn expr(e: &mut Expr, f: &mut dyn FnMut(&mut Expr) -> bool) -> bool {
        if f(e) {
            return true;
        }
        match &mut e.kind {
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => expr(a, f) || expr(b, f),
            ExprKind::Unary(_, a) | ExprKind::Attribute(a, _) => expr(a, f),
            ExprKind::BoolOp(_, xs) | ExprKind::List(xs) | ExprKind::Tuple(xs) => xs.iter_mut().any(|x| expr(x, f)),
            ExprKind::Compare(a, rest) => expr(a, f) || rest.iter_mut().any(|(_, x)| expr(x, f)),
            ExprKind::IfExp { cond, body, orelse } => expr(cond, f) || expr(body, f) || expr(orelse, f),
            ExprKind::Call { func, args, keywords } => {
                // A method's receiver is an expression; a function's name is not.
                let recv = match &mut func.kind {
                    ExprKind::Attribute(r, _) => expr(r, f),
                    _ => false,
                };
                recv || args.iter_mut().any(|x| expr(x, f)) || keywords.iter_mut().any(|k| expr(&mut k.value, f))
            }
            ExprKind::Slice { value, lower, upper, step } => {
                expr(value, f) || [lower, upper, step].into_iter().flatten().any(|x| expr(x, f))
            }
            ExprKind::ListComp(elt, clauses) | ExprKind::GeneratorExp(elt, clauses) => {
                clauses.iter_mut().any(|c| expr(&mut c.iter, f) || c.ifs.iter_mut().any(|x| expr(x, f))) || expr(elt, f)
            }
            _ => false,
        }
    }
    fn stmt(s: &mut Stmt, f: &mut dyn FnMut(&mut Expr) -> bool) -> bool {
        match s {
            Stmt::Expr(e) | Stmt::Assign { value: e, .. } | Stmt::AugAssign { value: e, .. } => expr(e, f),
            Stmt::AnnAssign { value: Some(v), .. } | Stmt::Return { value: Some(v), .. } => expr(v, f),
            Stmt::If { cond, body, orelse, .. } => {
                expr(cond, f) || body.iter_mut().any(|s| stmt(s, f)) || orelse.iter_mut().any(|s| stmt(s, f))
            }
            Stmt::While { cond, body, .. } => expr(cond, f) || body.iter_mut().any(|s| stmt(s, f)),
            Stmt::For { iter, body, .. } => expr(iter, f) || body.iter_mut().any(|s| stmt(s, f)),
            Stmt::Assert { cond, .. } => expr(cond, f),
            _ => false,
        }
    }
    body.iter_mut().any(|s| stmt(s, f))
}

/// Edits one expression, chosen uniformly among those `pick` accepts, with `apply`.
fn edit_one(
    f: &mut Function,
    rng: &mut impl Rng,
    pick: &dyn Fn(&Expr) -> bool,
    apply: &mut dyn FnMut(&mut Expr),
) -> bool {
    let mut n = 0;
    visit_exprs(&mut f.body, &mut |e| {
        n += usize::from(pick(e));
        false
    });
    if n == 0 {
        return false;
    }
    let k = rng.random_range(0..n);
    let mut i = 0;
    visit_exprs(&mut f.body, &mut |e| {
        if pick(e) {
            if i == k {
                apply(e);
                return true;
            }
            i += 1;
        }
        false
    })
}

/// Calls `f` on every statement list (the body and every nested block)
/// until it returns true.
fn visit_blocks(body: &mut Vec<Stmt>, f: &mut dyn FnMut(&mut Vec<Stmt>) -> bool) -> bool {
    if f(body) {
        return true;
    }
    for s in body.iter_mut() {
        let hit = match s {
            Stmt::If { body, orelse, .. } => visit_blocks(body, f) || (!orelse.is_empty() && visit_blocks(orelse, f)),
            Stmt::While { body, .. } | Stmt::For { body, .. } => visit_blocks(body, f),
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

/// Picks one block uniformly and edits it.
fn edit_block(f: &mut Function, rng: &mut impl Rng, apply: &mut dyn FnMut(&mut Vec<Stmt>) -> bool) -> bool {
    let mut n = 0;
    visit_blocks(&mut f.body, &mut |_| {
        n += 1;
        false
    });
    let k = rng.random_range(0..n.max(1));
    let mut i = 0;
    let mut done = false;
    visit_blocks(&mut f.body, &mut |b| {
        if i == k {
            done = apply(b);
            return true;
        }
        i += 1;
        false
    });
    done
}

// ------------------------------------------------------------- edits

fn is_number(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Int(_) | ExprKind::Float(_))
}

/// A numeric literal moved: ints by small steps, doubled or halved; floats
/// scaled or shifted, or set to a round value.
fn constant(f: &mut Function, rng: &mut impl Rng) -> bool {
    let choice: u32 = rng.random_range(0..8);
    let scale: f64 = rng.random_range(0.5..1.5);
    edit_one(f, rng, &is_number, &mut |e| {
        e.kind = match e.kind {
            ExprKind::Int(v) => ExprKind::Int(match choice {
                0 | 1 => v + 1,
                2 | 3 => v.saturating_sub(1),
                4 => v.saturating_mul(2),
                5 => v / 2,
                6 => 0,
                _ => 1,
            }),
            ExprKind::Float(v) => ExprKind::Float(match choice {
                0..3 => v * scale,
                3 => v + 1.0,
                4 => (v - 1.0).abs(),
                5 => v * 2.0,
                6 => v / 2.0,
                _ => [0.0, 0.5, 1.0, 2.0][(scale * 2.7) as usize % 4],
            }),
            ref other => other.clone(),
        };
    })
}

const ARITH: [BinOp; 6] = [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::FloorDiv, BinOp::Mod];

fn swap_op(f: &mut Function, rng: &mut impl Rng) -> bool {
    let op = *ARITH.choose(rng).unwrap_or(&BinOp::Add);
    let bop = if rng.random_bool(0.5) { BoolOp::And } else { BoolOp::Or };
    edit_one(f, rng, &|e| matches!(e.kind, ExprKind::Binary(..) | ExprKind::BoolOp(..)), &mut |e| match &mut e.kind {
        ExprKind::Binary(o, ..) => *o = op,
        ExprKind::BoolOp(o, _) => *o = bop,
        _ => {}
    })
}

fn swap_compare(f: &mut Function, rng: &mut impl Rng) -> bool {
    let ops = [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Eq, CmpOp::Ne];
    let op = *ops.choose(rng).unwrap_or(&CmpOp::Eq);
    edit_one(f, rng, &|e| matches!(e.kind, ExprKind::Compare(..)), &mut |e| {
        if let ExprKind::Compare(_, rest) = &mut e.kind
            && let Some(first) = rest.first_mut()
            && !matches!(first.0, CmpOp::In | CmpOp::NotIn)
        {
            first.0 = op;
        }
    })
}

/// An `if`/`while` condition negated (or a negation removed).
fn negate_condition(f: &mut Function, rng: &mut impl Rng) -> bool {
    edit_block(f, rng, &mut |b| {
        let ifs: Vec<usize> = (0..b.len()).filter(|i| matches!(b[*i], Stmt::If { .. })).collect();
        let Some(&i) = ifs.first() else { return false };
        if let Stmt::If { cond, .. } = &mut b[i] {
            let c = std::mem::replace(cond, Expr::new(ExprKind::None, Span::default()));
            *cond = match c.kind {
                ExprKind::Unary(UnaryOp::Not, inner) => *inner,
                _ => unary(UnaryOp::Not, c),
            };
        }
        true
    })
}

/// A sub-expression of a number or bool type replaced by a random term.
fn replace_term(f: &mut Function, types: &Types, rng: &mut impl Rng) -> bool {
    let seed: u64 = rng.random();
    let pick = |e: &Expr| types.ty(e).is_some_and(is_scalar);
    edit_one(f, rng, &pick, &mut |e| {
        if let Some(t) = types.ty(e).cloned() {
            let mut g = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            *e = term(&t, &types.vars, 2, &mut g);
        }
    })
}

/// A numeric sub-expression combined with a random term (`e * t`, `e + t`, …).
fn combine_term(f: &mut Function, types: &Types, rng: &mut impl Rng) -> bool {
    let seed: u64 = rng.random();
    let pick = |e: &Expr| types.ty(e).is_some_and(|t| matches!(t, Type::Int | Type::Float));
    edit_one(f, rng, &pick, &mut |e| {
        if let Some(t) = types.ty(e).cloned() {
            let mut g = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let other = term(&t, &types.vars, 2, &mut g);
            let op = *[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Mul].choose(&mut g).unwrap_or(&BinOp::Add);
            let old = std::mem::replace(e, Expr::new(ExprKind::None, Span::default()));
            *e = bin(op, old, other);
        }
    })
}

/// A new statement: a numeric variable updated by a random term
/// (`x += t`, `x *= t`), maybe under a random condition.
fn insert_update(f: &mut Function, types: &Types, rng: &mut impl Rng) -> bool {
    let assigned = assigned_names(&f.body);
    let numeric: Vec<(String, Type)> = types
        .vars
        .iter()
        .filter(|(n, t)| matches!(t, Type::Int | Type::Float) && assigned.contains(n))
        .cloned()
        .collect();
    let Some((name, ty)) = numeric.choose(rng).cloned() else { return false };
    let seed: u64 = rng.random();
    let guarded = rng.random_bool(0.5);
    edit_block(f, rng, &mut |b| {
        // After the variable's first assignment in this block, if any; never after a return.
        let first = b.iter().position(|s| assigns(s, &name)).map_or(0, |i| i + 1);
        let end = b.iter().position(|s| matches!(s, Stmt::Return { .. })).unwrap_or(b.len());
        if first > end {
            return false;
        }
        let mut g = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let at = g.random_range(first..=end);
        let op = *[BinOp::Add, BinOp::Mul, BinOp::Sub].choose(&mut g).unwrap_or(&BinOp::Add);
        let value = term(&ty, &types.vars, 2, &mut g);
        let update = Stmt::AugAssign { target: name_expr(&name), op, value, span: Span::default() };
        let s = if guarded {
            let cond = term(&Type::Bool, &types.vars, 2, &mut g);
            Stmt::If { cond, body: vec![update], orelse: Vec::new(), span: Span::default() }
        } else {
            update
        };
        b.insert(at, s);
        true
    })
}

/// A statement deleted (never a block's only one, nor a final `return`).
fn delete_stmt(f: &mut Function, rng: &mut impl Rng) -> bool {
    let seed: u64 = rng.random();
    edit_block(f, rng, &mut |b| {
        let removable: Vec<usize> =
            (0..b.len()).filter(|i| !matches!(b[*i], Stmt::Return { .. })).filter(|_| b.len() > 1).collect();
        let mut g = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let Some(&i) = removable.choose(&mut g) else { return false };
        b.remove(i);
        true
    })
}

fn swap_stmts(f: &mut Function, rng: &mut impl Rng) -> bool {
    let seed: u64 = rng.random();
    edit_block(f, rng, &mut |b| {
        if b.len() < 2 {
            return false;
        }
        let mut g = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let i = g.random_range(0..b.len() - 1);
        if matches!(b[i + 1], Stmt::Return { .. }) {
            return false;
        }
        b.swap(i, i + 1);
        true
    })
}

/// One-point crossover: the head of this body, the tail of the partner's.
fn crossover(f: &mut Function, partner: &Function, rng: &mut impl Rng) -> bool {
    if f.body.is_empty() || partner.body.is_empty() {
        return false;
    }
    let i = rng.random_range(0..=f.body.len());
    let j = rng.random_range(0..partner.body.len());
    let mut body: Vec<Stmt> = f.body[..i].to_vec();
    body.extend_from_slice(&partner.body[j..]);
    if body == f.body {
        return false;
    }
    f.body = body;
    true
}

/// A statement of the partner copied into this body (before its end).
fn copy_stmt(f: &mut Function, partner: &Function, rng: &mut impl Rng) -> bool {
    // Not returns (dead code after them) nor bare expressions (docstrings).
    let candidates: Vec<&Stmt> =
        partner.body.iter().filter(|s| !matches!(s, Stmt::Return { .. } | Stmt::Expr(_))).collect();
    let Some(s) = candidates.choose(rng).map(|s| (*s).clone()) else { return false };
    let end = f.body.iter().position(|s| matches!(s, Stmt::Return { .. })).unwrap_or(f.body.len());
    let at = rng.random_range(0..=end);
    f.body.insert(at, s);
    true
}

/// A statement of this body copied to another place in it.
fn copy_stmt_self(f: &mut Function, rng: &mut impl Rng) -> bool {
    let partner = f.clone();
    copy_stmt(f, &partner, rng)
}

// ------------------------------------------------------------- terms

fn is_scalar(t: &Type) -> bool {
    matches!(t, Type::Int | Type::Float | Type::Bool)
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::default())
}

fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    e(ExprKind::Binary(op, Box::new(a), Box::new(b)))
}

fn unary(op: UnaryOp, a: Expr) -> Expr {
    e(ExprKind::Unary(op, Box::new(a)))
}

fn name_expr(n: &str) -> Expr {
    e(ExprKind::Name(n.to_string()))
}

fn call(f: &str, args: Vec<Expr>) -> Expr {
    e(ExprKind::Call { func: Box::new(name_expr(f)), args, keywords: Vec::new() })
}

fn int(v: i64) -> Expr {
    if v < 0 { unary(UnaryOp::Neg, e(ExprKind::Int(v.unsigned_abs()))) } else { e(ExprKind::Int(v as u64)) }
}

/// A random term of type `ty` over `vars`: variables, small constants,
/// indexing, counts, lengths and sums of the containers in scope, and
/// arithmetic and comparisons of those; other types come from the
/// language's program generator.
fn term(ty: &Type, vars: &[(String, Type)], depth: usize, g: &mut impl Rng) -> Expr {
    let of = |pred: &dyn Fn(&Type) -> bool| -> Vec<&String> {
        vars.iter().filter(|(_, t)| pred(t)).map(|(n, _)| n).collect()
    };
    let int_seqs = of(&|t| matches!(t, Type::List(i) | Type::TupleOf(i) if **i == Type::Int));
    let float_seqs = of(&|t| matches!(t, Type::List(i) | Type::TupleOf(i) if **i == Type::Float));
    let seqs = of(&|t| matches!(t, Type::List(_) | Type::TupleOf(_) | Type::Str));
    let leaf = depth == 0 || g.random_bool(0.35);
    match ty {
        Type::Int => {
            let ints = of(&|t| *t == Type::Int);
            match g.random_range(0..if leaf { 4 } else { 7 }) {
                0 | 1 if !ints.is_empty() => name_expr(ints.choose(g).expect("non-empty")),
                2 if !int_seqs.is_empty() => {
                    let s = int_seqs.choose(g).expect("non-empty");
                    let index = if g.random_bool(0.5) || ints.is_empty() {
                        int(g.random_range(-3..4))
                    } else {
                        bin(BinOp::Mod, name_expr(ints.choose(g).expect("non-empty")), call("len", vec![name_expr(s)]))
                    };
                    e(ExprKind::Index(Box::new(name_expr(s)), Box::new(index)))
                }
                3 if !int_seqs.is_empty() => {
                    let s = name_expr(int_seqs.choose(g).expect("non-empty"));
                    match g.random_range(0..4) {
                        0 => call("sum", vec![s]),
                        1 => call("len", vec![s]),
                        _ => e(ExprKind::Call {
                            func: Box::new(e(ExprKind::Attribute(
                                Box::new(s),
                                synth_dsl::ast::Ident { name: "count".into(), span: Span::default() },
                            ))),
                            args: vec![int(g.random_range(0..3))],
                            keywords: Vec::new(),
                        }),
                    }
                }
                4 | 5 => {
                    let op = *[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Mod, BinOp::FloorDiv]
                        .choose(g)
                        .unwrap_or(&BinOp::Add);
                    let b = if matches!(op, BinOp::Mod | BinOp::FloorDiv) {
                        int(g.random_range(2..5))
                    } else {
                        term(&Type::Int, vars, depth - 1, g)
                    };
                    bin(op, term(&Type::Int, vars, depth - 1, g), b)
                }
                6 if !seqs.is_empty() => call("len", vec![name_expr(seqs.choose(g).expect("non-empty"))]),
                _ => int(g.random_range(0..4)),
            }
        }
        Type::Float => {
            let floats = of(&|t| *t == Type::Float);
            match g.random_range(0..if leaf { 4 } else { 7 }) {
                0 if !floats.is_empty() => name_expr(floats.choose(g).expect("non-empty")),
                1 if !float_seqs.is_empty() => {
                    let s = float_seqs.choose(g).expect("non-empty");
                    e(ExprKind::Index(Box::new(name_expr(s)), Box::new(int(g.random_range(-2..3)))))
                }
                2 => call("float", vec![term(&Type::Int, vars, depth.saturating_sub(1), g)]),
                4 | 5 => {
                    let op = *[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Mul].choose(g).unwrap_or(&BinOp::Add);
                    bin(op, term(&Type::Float, vars, depth - 1, g), term(&Type::Float, vars, depth - 1, g))
                }
                6 => e(ExprKind::IfExp {
                    cond: Box::new(term(&Type::Bool, vars, depth - 1, g)),
                    body: Box::new(term(&Type::Float, vars, depth - 1, g)),
                    orelse: Box::new(term(&Type::Float, vars, depth - 1, g)),
                }),
                _ => e(ExprKind::Float(*[0.5, 1.0, 1.5, 2.0, 3.0, 0.25, 10.0].choose(g).unwrap_or(&1.0))),
            }
        }
        Type::Bool => {
            let d = depth.saturating_sub(1);
            match g.random_range(0..if leaf { 3 } else { 5 }) {
                3 => e(ExprKind::BoolOp(
                    if g.random_bool(0.5) { BoolOp::And } else { BoolOp::Or },
                    vec![term(&Type::Bool, vars, d, g), term(&Type::Bool, vars, d, g)],
                )),
                4 => unary(UnaryOp::Not, term(&Type::Bool, vars, d, g)),
                _ => {
                    let t = if g.random_bool(0.8) { Type::Int } else { Type::Float };
                    let op = *[CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]
                        .choose(g)
                        .unwrap_or(&CmpOp::Eq);
                    e(ExprKind::Compare(Box::new(term(&t, vars, d, g)), vec![(op, term(&t, vars, d, g))]))
                }
            }
        }
        other => synth_dsl::generator::random_expr(g.random(), vars, other, depth, false),
    }
}

/// The names a body assigns (plain assignments, updates, loop variables).
fn assigned_names(body: &[Stmt]) -> Vec<String> {
    let mut out = Vec::new();
    for s in body {
        match s {
            Stmt::Assign { targets, .. } => {
                for t in targets {
                    if let ExprKind::Name(n) = &t.kind {
                        out.push(n.clone());
                    }
                }
            }
            Stmt::AnnAssign { target, .. } => out.push(target.name.clone()),
            _ => {}
        }
    }
    out
}

fn assigns(s: &Stmt, name: &str) -> bool {
    match s {
        Stmt::Assign { targets, .. } => targets.iter().any(|t| matches!(&t.kind, ExprKind::Name(n) if n == name)),
        Stmt::AnnAssign { target, .. } => target.name == name,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::evaluate::place;
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use std::path::Path;

    #[test]
    fn children_are_mostly_well_typed_and_varied() {
        let p = EvolveProblem::parse(Path::new("e.toml"), super::super::problem::tests::CAPSET).expect("loads");
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let seed = p.seed_text();
        let mut parents = vec![seed.clone()];
        let mut valid = 0;
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..400 {
            let c = child(&p, &parents, &mut rng);
            if let Ok(placed) = place(&p, &c.text) {
                valid += 1;
                distinct.insert(placed.text.clone());
                if parents.len() < 4 && placed.text != seed {
                    parents.push(placed.text);
                }
            }
        }
        assert!(valid > 200, "{valid} of 400 well-typed");
        assert!(distinct.len() > 100, "{} distinct", distinct.len());
    }
}

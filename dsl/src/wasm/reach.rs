//! Which functions a compiled module needs: the call graph (petgraph) of the
//! program, walked from the entry expression and the constants. Functions
//! nothing reaches are left out of the module: a candidate run on one entry
//! compiles only what that entry can call.

use crate::tir::{Clause, Expr, ExprKind as K, FuncId, Program, Stmt, Target};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Dfs;

/// The functions reachable from `roots` (expressions that run), in order of index.
pub fn reachable(program: &Program, roots: &[&Expr]) -> Vec<bool> {
    let n = program.functions.len();
    let mut graph: DiGraph<FuncId, ()> = DiGraph::with_capacity(n + 1, n * 2);
    let nodes: Vec<NodeIndex> = (0..n).map(|i| graph.add_node(i)).collect();
    // A virtual root for the entry expression and the constants.
    let root = graph.add_node(usize::MAX);
    for (i, f) in program.functions.iter().enumerate() {
        let mut callees = Vec::new();
        f.body.iter().for_each(|s| stmt_calls(s, &mut callees));
        f.params.iter().filter_map(|p| p.default.as_ref()).for_each(|d| expr_calls(d, &mut callees));
        for c in callees {
            graph.add_edge(nodes[i], nodes[c], ());
        }
    }
    let mut callees = Vec::new();
    roots.iter().for_each(|e| expr_calls(e, &mut callees));
    program.consts.iter().for_each(|c| expr_calls(&c.value, &mut callees));
    for c in callees {
        graph.add_edge(root, nodes[c], ());
    }
    let mut seen = vec![false; n];
    let mut dfs = Dfs::new(&graph, root);
    while let Some(node) = dfs.next(&graph) {
        if let Some(&f) = graph.node_weight(node)
            && f < n
        {
            seen[f] = true;
        }
    }
    seen
}

fn stmt_calls(s: &Stmt, out: &mut Vec<FuncId>) {
    match s {
        Stmt::Expr(e) => expr_calls(e, out),
        Stmt::Assign { targets, value, .. } => {
            targets.iter().for_each(|t| target_calls(t, out));
            expr_calls(value, out);
        }
        Stmt::AugAssign { target, value, .. } => {
            target_calls(target, out);
            expr_calls(value, out);
        }
        Stmt::Return(e, _) => e.iter().for_each(|e| expr_calls(e, out)),
        Stmt::If(c, a, b) => {
            expr_calls(c, out);
            a.iter().chain(b).for_each(|s| stmt_calls(s, out));
        }
        Stmt::For { target, iter, body, .. } => {
            target_calls(target, out);
            expr_calls(iter, out);
            body.iter().for_each(|s| stmt_calls(s, out));
        }
        Stmt::While(c, body) => {
            expr_calls(c, out);
            body.iter().for_each(|s| stmt_calls(s, out));
        }
        Stmt::Assert(c, m, _) => {
            expr_calls(c, out);
            m.iter().for_each(|m| expr_calls(m, out));
        }
        Stmt::Break | Stmt::Continue => {}
    }
}

fn target_calls(t: &Target, out: &mut Vec<FuncId>) {
    match t {
        Target::Local(_) => {}
        Target::Index { seq, index, .. } => {
            expr_calls(seq, out);
            expr_calls(index, out);
        }
        Target::Unpack(ts, _) => ts.iter().for_each(|t| target_calls(t, out)),
    }
}

fn expr_calls(e: &Expr, out: &mut Vec<FuncId>) {
    match &e.kind {
        K::Call(f, args) => {
            out.push(*f);
            args.iter().for_each(|a| expr_calls(a, out));
        }
        K::Int(_) | K::Float(_) | K::Bool(_) | K::Str(_) | K::None | K::Local(_) | K::Const(_) | K::Hole(_) => {}
        K::IntToFloat(x) | K::Truthy(x) | K::Unary(_, x) => expr_calls(x, out),
        K::Binary(_, a, b) | K::Index(a, b) => {
            expr_calls(a, out);
            expr_calls(b, out);
        }
        K::Compare(first, rest) => {
            expr_calls(first, out);
            rest.iter().for_each(|(_, r)| expr_calls(r, out));
        }
        K::BoolOp(_, xs) | K::Builtin(_, xs) | K::Method(_, xs) | K::List(xs) | K::Tuple(xs) => {
            xs.iter().for_each(|x| expr_calls(x, out))
        }
        K::IfExp(c, a, b) => {
            expr_calls(c, out);
            expr_calls(a, out);
            expr_calls(b, out);
        }
        K::Slice(s, lo, hi, st) => {
            expr_calls(s, out);
            [lo, hi, st].into_iter().flatten().for_each(|x| expr_calls(x, out));
        }
        K::Comprehension(elt, clauses) => {
            expr_calls(elt, out);
            clauses.iter().for_each(|c: &Clause| {
                target_calls(&c.target, out);
                expr_calls(&c.iter, out);
                c.ifs.iter().for_each(|i| expr_calls(i, out));
            });
        }
    }
}

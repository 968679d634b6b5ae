//! Which functions a compiled module needs: the call graph (petgraph) of the
//! program, walked from the entry expression and the constants. Functions
//! nothing reaches are left out of the module: a candidate run on one entry
//! compiles only what that entry can call.

use crate::tir::{Expr, ExprKind as K, FuncId, Program, Visit, walk_expr, walk_stmts};
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
        let mut callees = Calls::default();
        walk_stmts(&f.body, &mut callees);
        f.params.iter().filter_map(|p| p.default.as_ref()).for_each(|d| walk_expr(d, &mut callees));
        for c in callees.0 {
            graph.add_edge(nodes[i], nodes[c], ());
        }
    }
    let mut callees = Calls::default();
    roots.iter().for_each(|e| walk_expr(e, &mut callees));
    program.consts.iter().for_each(|c| walk_expr(&c.value, &mut callees));
    for c in callees.0 {
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

/// The functions an expression or statements call (each call once per site).
#[derive(Default)]
struct Calls(Vec<FuncId>);

impl Visit for Calls {
    fn expr(&mut self, e: &Expr) {
        if let K::Call(f, _) = e.kind {
            self.0.push(f);
        }
    }
}

//! Decision-tree unification (after EUSolver, Alur et al. 2017) for
//! grammars with an `ite`: instead of waiting for the whole conditional
//! program to be enumerated, terms that are right on some examples are
//! joined by enumerated predicates into `ite` trees that are right on all.
//! Each completed size tries once; a tree is offered like any other term
//! (tested, verified, and a counterexample restarts the search).

use super::{Enumerator, Offer, TermId, TyId};
use synth_dsl::Value;

/// Most terms kept as leaves, and predicates tried per split.
const MAX_COVERS: usize = 2_000;
const MAX_PREDS: usize = 2_000;
const MAX_DEPTH: usize = 10;

type Bits = Vec<u64>;

/// What unification needs: the conditional productions and the terms so far.
pub(super) struct Unify {
    /// Productions of the start symbol that select one of two start-symbol
    /// children by a condition (`({1} if {0} else {2})`, or a definition
    /// such as `(ite (= x #x1) y z)`): the production and its condition's
    /// non-terminal. Found by probing: a production that ever returns
    /// something other than one of its branches is dropped.
    ites: Vec<(usize, TyId)>,
    /// Start-symbol terms and the examples each is right on (distinct sets).
    covers: Vec<(TermId, Bits)>,
    seen: rustc_hash::FxHashSet<Bits>,
    offered: rustc_hash::FxHashSet<String>,
    /// The largest size tried.
    pub(super) tried: u32,
    /// Most branches of a tree.
    max_leaves: usize,
    /// Offer a tree only once every smaller program was enumerated.
    occam: bool,
}

enum Tree {
    Leaf(TermId),
    /// A conditional production, its condition, the true and false subtrees.
    Ite(usize, TermId, Box<Tree>, Box<Tree>),
}

impl Tree {
    fn leaves(&self) -> usize {
        match self {
            Tree::Leaf(_) => 1,
            Tree::Ite(_, _, a, b) => a.leaves() + b.leaves(),
        }
    }
}

fn popcount_and(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

impl Unify {
    /// The unifier of a grammar whose start symbol has an `ite` production.
    pub(super) fn new(e: &Enumerator<'_>, max_leaves: usize, occam: bool) -> Option<Unify> {
        let ites: Vec<(usize, TyId)> = e
            .productions
            .iter()
            .enumerate()
            .filter(|(_, p)| p.ret == e.ret && p.args.len() == 3 && p.args[1] == e.ret && p.args[2] == e.ret)
            .map(|(i, p)| (i, p.args[0]))
            .collect();
        if ites.is_empty() {
            return None;
        }
        Some(Unify {
            ites,
            covers: Vec::new(),
            seen: Default::default(),
            offered: Default::default(),
            tried: 0,
            max_leaves,
            occam,
        })
    }

    /// Records a new start-symbol term with its values.
    pub(super) fn note(&mut self, id: TermId, right: &[bool]) {
        if self.covers.len() >= MAX_COVERS {
            return;
        }
        let mut bits = vec![0u64; right.len().div_ceil(64)];
        let mut any = false;
        for (k, r) in right.iter().enumerate() {
            if *r {
                bits[k / 64] |= 1 << (k % 64);
                any = true;
            }
        }
        if any && self.seen.insert(bits.clone()) {
            self.covers.push((id, bits));
        }
    }
}

impl Enumerator<'_> {
    /// A tree right on every visible example, if one is found now.
    pub(super) fn try_unify(&mut self) -> Option<Offer> {
        let u = self.unify.as_ref()?;
        let n = self.param_values.len();
        if n < 2 || u.covers.len() < 2 {
            return None;
        }
        let words = n.div_ceil(64);
        // Conditions under each conditional production, smallest first (ids
        // grow with size): which branch each example takes, found by running
        // the production with two marker values as its branches.
        let (m1, m2) = markers(&self.types[self.ret])?;
        let mut preds: Vec<(usize, TermId, Bits)> = Vec::new();
        let mut dropped = Vec::new();
        for &(prod, cond) in &u.ites.clone() {
            let ids: Vec<TermId> = (0..self.contexts[0].terms.len())
                .filter(|&id| self.contexts[0].terms[id].ty == cond)
                .take(MAX_PREDS)
                .collect();
            for (i, id) in ids.into_iter().enumerate() {
                let mut bits = vec![0u64; words];
                let mut ok = true;
                for k in 0..n {
                    let Some(c) = self.contexts[0].vals[id][k].clone() else {
                        ok = false;
                        break;
                    };
                    let mut frame = vec![Some(c), Some(m1.clone()), Some(m2.clone())];
                    if self.param_slots > 0 {
                        frame.extend(self.param_values[k].iter().cloned().map(Some));
                    }
                    self.interp.reset_budget();
                    match self.interp.eval_with_locals(&self.productions[prod].template, &mut frame) {
                        Ok(v) if v == m1 => bits[k / 64] |= 1 << (k % 64),
                        Ok(v) if v == m2 => {}
                        Ok(_) if i == 0 => {
                            dropped.push(prod);
                            ok = false;
                            break;
                        }
                        _ => {
                            ok = false;
                            break;
                        }
                    }
                }
                if dropped.contains(&prod) {
                    break;
                }
                if ok {
                    preds.push((prod, id, bits));
                }
            }
        }
        if let Some(u) = self.unify.as_mut() {
            u.ites.retain(|(p, _)| !dropped.contains(p));
        }
        let u = self.unify.as_ref()?;
        let mut all = vec![0u64; words];
        for k in 0..n {
            all[k / 64] |= 1 << (k % 64);
        }
        let tree = learn(&u.covers, &preds, &all, 0)?;
        if tree.leaves() > u.max_leaves {
            return None;
        }
        // `tried` is the size just completed: the tree would come next.
        if u.occam && self.tree_size(&tree) > u.tried + 1 {
            return None;
        }
        let text = self.render_tree(&tree);
        let u = self.unify.as_mut()?;
        if !u.offered.insert(text.clone()) {
            return None;
        }
        let (ast, diags) = synth_dsl::parser::parse_expression(&text);
        let text = if diags.is_empty() { synth_dsl::printer::expr(&ast) } else { text };
        Some(Offer { body: format!("return {text}"), passed: n })
    }

    /// A tree's size in grammar nodes, as the enumerator would count it.
    fn tree_size(&self, t: &Tree) -> u32 {
        let terms = &self.contexts[0].terms;
        match t {
            Tree::Leaf(id) => terms[*id].size,
            Tree::Ite(_, p, a, b) => 1 + terms[*p].size + self.tree_size(a) + self.tree_size(b),
        }
    }

    fn render_tree(&self, t: &Tree) -> String {
        match t {
            Tree::Leaf(id) => format!("({})", self.render_raw(0, *id)),
            Tree::Ite(prod, p, a, b) => {
                let text = &self.productions[*prod].text;
                let cond = format!("({})", self.render_raw(0, *p));
                text.replace("{0}", &cond).replace("{1}", &self.render_tree(a)).replace("{2}", &self.render_tree(b))
            }
        }
    }
}

/// A tree over the examples in `exs`: a term right on all of them, or the
/// predicate whose split leaves the most examples to single terms.
fn learn(covers: &[(TermId, Bits)], preds: &[(usize, TermId, Bits)], exs: &[u64], depth: usize) -> Option<Tree> {
    let size: u32 = exs.iter().map(|w| w.count_ones()).sum();
    let best_cover = |side: &[u64]| covers.iter().map(|(_, b)| popcount_and(b, side)).max().unwrap_or(0);
    if let Some((id, _)) = covers.iter().find(|(_, b)| popcount_and(b, exs) == size) {
        return Some(Tree::Leaf(*id));
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    let mut best: Option<(u32, usize)> = None;
    for (i, (_, _, pb)) in preds.iter().enumerate() {
        let t: Bits = pb.iter().zip(exs).map(|(p, e)| p & e).collect();
        let f: Bits = pb.iter().zip(exs).map(|(p, e)| !p & e).collect();
        let (nt, nf): (u32, u32) = (t.iter().map(|w| w.count_ones()).sum(), f.iter().map(|w| w.count_ones()).sum());
        if nt == 0 || nf == 0 {
            continue;
        }
        let score = best_cover(&t) + best_cover(&f);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
            if score == size {
                break;
            }
        }
    }
    let (_, i) = best?;
    let pb = &preds[i].2;
    let t: Bits = pb.iter().zip(exs).map(|(p, e)| p & e).collect();
    let f: Bits = pb.iter().zip(exs).map(|(p, e)| !p & e).collect();
    let a = learn(covers, preds, &t, depth + 1)?;
    let b = learn(covers, preds, &f, depth + 1)?;
    Some(Tree::Ite(preds[i].0, preds[i].1, Box::new(a), Box::new(b)))
}

/// Two distinct values of a type, to tell a conditional's branches apart.
fn markers(t: &synth_dsl::Type) -> Option<(Value, Value)> {
    match t {
        synth_dsl::Type::Int => Some((Value::Int(0x5EED_0001), Value::Int(0x5EED_0002))),
        synth_dsl::Type::Str => Some((Value::str("\u{1}a"), Value::str("\u{1}b"))),
        synth_dsl::Type::Bool => Some((Value::Bool(true), Value::Bool(false))),
        _ => None,
    }
}

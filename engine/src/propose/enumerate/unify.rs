//! Decision-tree unification (after EUSolver, Alur et al. 2017) for
//! grammars with an `ite`: instead of waiting for the whole conditional
//! program to be enumerated, terms that are right on some examples are
//! joined by enumerated predicates into `ite` trees that are right on all.
//! Each completed size tries once; a tree is offered like any other term
//! (tested, verified, and a counterexample restarts the search).

use super::{Enumerator, Node, Offer, TermId, TyId};
use synth_dsl::Value;

/// Most terms kept as leaves, and predicates tried per split.
const MAX_COVERS: usize = 2_000;
const MAX_PREDS: usize = 2_000;
const MAX_DEPTH: usize = 10;

type Bits = Vec<u64>;

/// What unification needs: the `ite` production and the terms so far.
pub(super) struct Unify {
    /// The production `({1} if {0} else {2})` of the start symbol.
    ite: usize,
    /// The non-terminal of its condition.
    cond: TyId,
    /// Start-symbol terms and the examples each is right on (distinct sets).
    covers: Vec<(TermId, Bits)>,
    seen: rustc_hash::FxHashSet<Bits>,
    offered: rustc_hash::FxHashSet<String>,
    /// The largest size tried.
    pub(super) tried: u32,
}

enum Tree {
    Leaf(TermId),
    Ite(TermId, Box<Tree>, Box<Tree>),
}

fn popcount_and(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

impl Unify {
    /// The unifier of a grammar whose start symbol has an `ite` production.
    pub(super) fn new(e: &Enumerator<'_>) -> Option<Unify> {
        let (ite, p) = e.productions.iter().enumerate().find(|(_, p)| {
            p.ret == e.ret
                && p.args.len() == 3
                && p.args[1] == e.ret
                && p.args[2] == e.ret
                && p.text == "({1} if {0} else {2})"
        })?;
        Some(Unify {
            ite,
            cond: p.args[0],
            covers: Vec::new(),
            seen: Default::default(),
            offered: Default::default(),
            tried: 0,
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
        // Predicates defined on every example, smallest first (ids grow with size).
        let c = &self.contexts[0];
        let mut preds: Vec<(TermId, Bits)> = Vec::new();
        for (id, t) in c.terms.iter().enumerate() {
            if t.ty != u.cond || !matches!(t.node, Node::App(..) | Node::Leaf(_)) {
                continue;
            }
            let mut bits = vec![0u64; words];
            let mut ok = true;
            for (k, v) in c.vals[id].iter().enumerate() {
                match v {
                    Some(Value::Bool(true)) => bits[k / 64] |= 1 << (k % 64),
                    Some(Value::Bool(false)) => {}
                    _ => ok = false,
                }
            }
            if ok {
                preds.push((id, bits));
                if preds.len() >= MAX_PREDS {
                    break;
                }
            }
        }
        let mut all = vec![0u64; words];
        for k in 0..n {
            all[k / 64] |= 1 << (k % 64);
        }
        let tree = learn(&u.covers, &preds, &all, 0)?;
        let ite = u.ite;
        let text = self.render_tree(&tree, ite);
        let u = self.unify.as_mut()?;
        if !u.offered.insert(text.clone()) {
            return None;
        }
        let (ast, diags) = synth_dsl::parser::parse_expression(&text);
        let text = if diags.is_empty() { synth_dsl::printer::expr(&ast) } else { text };
        Some(Offer { body: format!("return {text}"), passed: n })
    }

    fn render_tree(&self, t: &Tree, ite: usize) -> String {
        match t {
            Tree::Leaf(id) => format!("({})", self.render_raw(0, *id)),
            Tree::Ite(p, a, b) => {
                let text = &self.productions[ite].text;
                let cond = format!("({})", self.render_raw(0, *p));
                text.replace("{0}", &cond)
                    .replace("{1}", &self.render_tree(a, ite))
                    .replace("{2}", &self.render_tree(b, ite))
            }
        }
    }
}

/// A tree over the examples in `exs`: a term right on all of them, or the
/// predicate whose split leaves the most examples to single terms.
fn learn(covers: &[(TermId, Bits)], preds: &[(TermId, Bits)], exs: &[u64], depth: usize) -> Option<Tree> {
    let size: u32 = exs.iter().map(|w| w.count_ones()).sum();
    let best_cover = |side: &[u64]| covers.iter().map(|(_, b)| popcount_and(b, side)).max().unwrap_or(0);
    if let Some((id, _)) = covers.iter().find(|(_, b)| popcount_and(b, exs) == size) {
        return Some(Tree::Leaf(*id));
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    let mut best: Option<(u32, usize)> = None;
    for (i, (_, pb)) in preds.iter().enumerate() {
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
    let pb = &preds[i].1;
    let t: Bits = pb.iter().zip(exs).map(|(p, e)| p & e).collect();
    let f: Bits = pb.iter().zip(exs).map(|(p, e)| !p & e).collect();
    let a = learn(covers, preds, &t, depth + 1)?;
    let b = learn(covers, preds, &f, depth + 1)?;
    Some(Tree::Ite(preds[i].0, Box::new(a), Box::new(b)))
}

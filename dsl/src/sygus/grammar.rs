//! A `synth-fun`'s grammar as the enumerator's productions: each rule a
//! template of the language with `{i}` for its non-terminals, `(Constant S)`
//! expanded to the literals worth trying, `(Variable S)` to the parameters.
//! A function without a grammar gets the logic's default one, written as
//! SyGuS text and read by the same parser.

use super::py::Translator;
use super::term::{Sort, Term};
use super::{Parser, Rule, Sygus, SygusError, SynthFun};
use crate::Type;
use crate::smt::sexp;

/// One production: `lhs ::= text`, where `{i}` in `text` is a term of
/// non-terminal `holes[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct GrammarRule {
    /// The non-terminal it produces.
    pub lhs: usize,
    /// The template in the language.
    pub text: String,
    /// The non-terminal of each hole.
    pub holes: Vec<usize>,
}

/// The enumerator's grammar: non-terminals (the first is the start) with
/// their types in the language, and the productions.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumGrammar {
    /// Names and types.
    pub nonterminals: Vec<(String, Type)>,
    /// Productions.
    pub rules: Vec<GrammarRule>,
}

/// The productions of `f`'s grammar (or the default one of the logic).
pub(super) fn enum_grammar(file: &Sygus, f: &SynthFun, tr: &mut Translator) -> Result<EnumGrammar, SygusError> {
    let grammar = match &f.grammar {
        Some(g) => g.clone(),
        None => {
            let text = default_grammar(file, f);
            let items = sexp::parse(&text).map_err(|e| SygusError {
                message: e.message,
                pos: f.pos,
                label: "default grammar".into(),
            })?;
            let p = Parser { file: file.clone(), sorts: Default::default(), checked: true };
            let [decls, groups] = items.as_slice() else {
                return Err(SygusError { message: "bad default grammar".into(), pos: f.pos, label: "here".into() });
            };
            p.grammar(Some(decls), groups, &f.params, f.ret).map_err(|e| SygusError { pos: f.pos, ..e })?
        }
    };
    let consts = constants(file);
    let mut rules = Vec::new();
    for (lhs, rule) in &grammar.rules {
        match rule {
            Rule::Term(t) => {
                let mut holes = Vec::new();
                let t = renumber(t, &mut holes);
                let text = tr.expr(&t, None);
                rules.push(GrammarRule { lhs: *lhs, text, holes });
            }
            Rule::Variable(s) => {
                for p in f.params.iter().filter(|p| p.sort == *s) {
                    rules.push(GrammarRule {
                        lhs: *lhs,
                        text: tr.expr(&Term::Var(p.name.clone(), p.sort), None),
                        holes: vec![],
                    });
                }
            }
            Rule::Constant(s) => {
                for c in consts.iter().filter(|c| c.sort() == *s) {
                    rules.push(GrammarRule { lhs: *lhs, text: tr.expr(c, None), holes: vec![] });
                }
                if let Sort::Bv(w) = s {
                    for v in [0u128, 1, (1u128 << w) - 1] {
                        let c = Term::Bv(v, *w);
                        if !consts.contains(&c) {
                            rules.push(GrammarRule { lhs: *lhs, text: tr.expr(&c, None), holes: vec![] });
                        }
                    }
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    rules.retain(|r| seen.insert((r.lhs, r.text.clone())));
    let mut nonterminals: Vec<(String, Type)> = grammar.nonterminals.iter().map(|(n, s)| (n.clone(), s.ty())).collect();
    // `Start ::= X` alone (common in benchmark grammars): X is the start, so
    // that X's own `ite` is the start symbol's for unification.
    loop {
        let start_rules: Vec<&GrammarRule> = rules.iter().filter(|r| r.lhs == 0).collect();
        let [only] = start_rules.as_slice() else { break };
        let j = match only.holes.as_slice() {
            [j] if only.text == "{0}" && *j != 0 => *j,
            _ => break,
        };
        rules.retain(|r| r.lhs != 0);
        let swap = |i: usize| {
            if i == 0 {
                j
            } else if i == j {
                0
            } else {
                i
            }
        };
        for r in &mut rules {
            r.lhs = swap(r.lhs);
            for h in &mut r.holes {
                *h = swap(*h);
            }
        }
        nonterminals.swap(0, j);
    }
    Ok(EnumGrammar { nonterminals, rules })
}

/// Holes numbered in order of appearance; `holes` gets each one's non-terminal.
fn renumber(t: &Term, holes: &mut Vec<usize>) -> Term {
    match t {
        Term::Hole(nt, s) => {
            holes.push(*nt);
            Term::Hole(holes.len() - 1, *s)
        }
        Term::App(op, idx, args, s) => {
            Term::App(op.clone(), idx.clone(), args.iter().map(|a| renumber(a, holes)).collect(), *s)
        }
        Term::Call(f, args, s) => Term::Call(f.clone(), args.iter().map(|a| renumber(a, holes)).collect(), *s),
        other => other.clone(),
    }
}

/// The literals `(Constant S)` tries: small ones, those of the file's
/// definitions and non-example constraints, and the separators (characters
/// that are not letters or digits) of the examples' strings.
fn constants(file: &Sygus) -> Vec<Term> {
    let mut out: Vec<Term> =
        vec![Term::Int(0), Term::Int(1), Term::Int(2), Term::Int(-1), Term::Bool(true), Term::Bool(false)];
    out.push(Term::Str(String::new()));
    out.push(Term::Str(" ".into()));
    let push = |t: Term, out: &mut Vec<Term>| {
        if !out.contains(&t) && out.len() < 64 {
            out.push(t);
        }
    };
    let mut seps: Vec<char> = Vec::new();
    let take_all = |t: &Term, out: &mut Vec<Term>| {
        t.walk(&mut |x| {
            if matches!(x, Term::Int(_) | Term::Bv(..) | Term::Str(_)) {
                push(x.clone(), out);
            }
        })
    };
    for d in &file.defines {
        take_all(&d.body, &mut out);
    }
    for (c, _) in &file.constraints {
        let example = |t: &Term| matches!(t, Term::App(op, _, a, _) if op == "=" && a.len() == 2 && a.iter().any(|x| matches!(x, Term::Call(..))) && a.iter().all(Term::is_ground));
        let mut parts = Vec::new();
        collect_conjuncts(c, &mut parts);
        for p in parts {
            if example(p) {
                p.walk(&mut |x| {
                    if let Term::Str(s) = x {
                        for ch in s.chars() {
                            if !ch.is_alphanumeric() && !seps.contains(&ch) {
                                seps.push(ch);
                            }
                        }
                    }
                });
            } else {
                take_all(p, &mut out);
            }
        }
    }
    seps.sort();
    for c in seps {
        push(Term::Str(c.to_string()), &mut out);
    }
    // The common prefix and suffix of the examples' string results (`"Dr. "`).
    let mut outputs: Vec<&str> = Vec::new();
    for (c, _) in &file.constraints {
        let mut parts = Vec::new();
        collect_conjuncts(c, &mut parts);
        for p in parts {
            if let Term::App(op, _, a, _) = p
                && op == "="
                && a.len() == 2
            {
                for (x, y) in [(&a[0], &a[1]), (&a[1], &a[0])] {
                    if let (Term::Call(..), Term::Str(s)) = (x, y) {
                        outputs.push(s);
                    }
                }
            }
        }
    }
    if outputs.len() >= 2 {
        let first: Vec<char> = outputs[0].chars().collect();
        let prefix = (0..=first.len()).rev().find(|&n| {
            let p: String = first[..n].iter().collect();
            outputs.iter().all(|o| o.starts_with(&p))
        });
        let suffix = (0..=first.len()).rev().find(|&n| {
            let p: String = first[first.len() - n..].iter().collect();
            outputs.iter().all(|o| o.ends_with(&p))
        });
        for (n, is_prefix) in [(prefix, true), (suffix, false)] {
            if let Some(n) = n.filter(|&n| n >= 2) {
                let p: String =
                    if is_prefix { first[..n].iter().collect() } else { first[first.len() - n..].iter().collect() };
                push(Term::Str(p), &mut out);
            }
        }
    }
    out
}

fn collect_conjuncts<'a>(t: &'a Term, out: &mut Vec<&'a Term>) {
    match t {
        Term::App(op, _, args, _) if op == "and" => args.iter().for_each(|a| collect_conjuncts(a, out)),
        _ => out.push(t),
    }
}

/// The default grammar of `f`'s logic over the sorts it involves, as
/// SyGuS-IF v2 text (non-terminal declarations, then rule groups).
fn default_grammar(file: &Sygus, f: &SynthFun) -> String {
    let strings = file.logic.contains('S') || f.params.iter().any(|p| p.sort == Sort::Str) || f.ret == Sort::Str;
    let nonlinear = file.logic.contains("NIA");
    let mut sorts: Vec<Sort> = vec![f.ret];
    for p in &f.params {
        if !sorts.contains(&p.sort) {
            sorts.push(p.sort);
        }
    }
    for s in [Sort::Bool, Sort::Int] {
        if !sorts.contains(&s) && (s == Sort::Bool || strings) {
            sorts.push(s);
        }
    }
    let nt = |s: Sort| match s {
        Sort::Int => "NInt".to_string(),
        Sort::Bool => "NBool".to_string(),
        Sort::Str => "NStr".to_string(),
        Sort::Bv(w) => format!("NBv{w}"),
    };
    let has = |s: Sort| sorts.contains(&s);
    let mut groups = Vec::new();
    for &s in &sorts {
        let n = nt(s);
        let mut rules: Vec<String> = vec![format!("(Constant {s})")];
        if f.params.iter().any(|p| p.sort == s) {
            rules.push(format!("(Variable {s})"));
        }
        let b = nt(Sort::Bool);
        match s {
            Sort::Int => {
                rules.extend([format!("(+ {n} {n})"), format!("(- {n} {n})"), format!("(ite {b} {n} {n})")]);
                if nonlinear {
                    rules.extend([format!("(* {n} {n})"), format!("(div {n} {n})"), format!("(mod {n} {n})")]);
                }
                if has(Sort::Str) {
                    let st = nt(Sort::Str);
                    rules.extend([
                        format!("(str.len {st})"),
                        format!("(str.indexof {st} {st} {n})"),
                        format!("(str.to_int {st})"),
                    ]);
                }
            }
            Sort::Bool => {
                rules.extend([format!("(and {n} {n})"), format!("(or {n} {n})"), format!("(not {n})")]);
                if has(Sort::Int) {
                    let i = nt(Sort::Int);
                    rules.extend([format!("(<= {i} {i})"), format!("(= {i} {i})")]);
                }
                if has(Sort::Str) {
                    let st = nt(Sort::Str);
                    rules.extend([
                        format!("(str.prefixof {st} {st})"),
                        format!("(str.suffixof {st} {st})"),
                        format!("(str.contains {st} {st})"),
                        format!("(= {st} {st})"),
                    ]);
                }
                for &o in &sorts {
                    if let Sort::Bv(_) = o {
                        let v = nt(o);
                        rules.extend([format!("(bvult {v} {v})"), format!("(bvslt {v} {v})"), format!("(= {v} {v})")]);
                    }
                }
            }
            Sort::Str => {
                let i = nt(Sort::Int);
                rules.extend([
                    format!("(str.++ {n} {n})"),
                    format!("(str.at {n} {i})"),
                    format!("(str.substr {n} {i} {i})"),
                    format!("(str.replace {n} {n} {n})"),
                    format!("(str.from_int {i})"),
                    format!("(ite {b} {n} {n})"),
                ]);
            }
            Sort::Bv(_) => {
                for op in ["bvnot", "bvneg"] {
                    rules.push(format!("({op} {n})"));
                }
                for op in [
                    "bvand", "bvor", "bvxor", "bvadd", "bvsub", "bvmul", "bvshl", "bvlshr", "bvashr", "bvudiv",
                    "bvurem",
                ] {
                    rules.push(format!("({op} {n} {n})"));
                }
                rules.push(format!("(ite {b} {n} {n})"));
            }
        }
        for d in &file.defines {
            if d.ret == s
                && !d.params.is_empty()
                && d.params.iter().all(|p| has(p.sort))
                && !super::calls_synth(file, &d.name)
            {
                let args: Vec<String> = d.params.iter().map(|p| nt(p.sort)).collect();
                rules.push(format!("({} {})", super::term::symbol(&d.name), args.join(" ")));
            }
        }
        groups.push((n, s, rules));
    }
    let decls: Vec<String> = groups.iter().map(|(n, s, _)| format!("({n} {s})")).collect();
    let bodies: Vec<String> = groups.iter().map(|(n, s, r)| format!("({n} {s} ({}))", r.join(" "))).collect();
    format!("({})\n({})", decls.join(" "), bodies.join(" "))
}

//! SyGuS-IF (v2, and the v1 spellings still common in benchmark suites):
//! the file read into sort-checked commands ([`parse`]), and their
//! translation into synth's language ([`translate`]): the `define-fun`s and
//! the operators' helpers as functions, each `synth-fun` as a target with
//! its grammar as enumerator productions, ground examples as tests and
//! universally quantified constraints as a `requires`/`ensures` spec.
//! Solutions come back to SMT-LIB through [`back`]. Pure: no IO.

pub mod back;
mod grammar;
pub mod py;
pub mod term;

use crate::smt::sexp::{self, Pos, Sexp};
pub use grammar::{EnumGrammar, GrammarRule};
use py::Translator;
use std::collections::BTreeMap;
use term::{Sort, Term, canonical, op_sort};

/// A located error in a SyGuS file.
#[derive(Clone, Debug, PartialEq)]
pub struct SygusError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub pos: Pos,
    /// A short label for the place.
    pub label: String,
}

fn err<T>(pos: Pos, message: impl Into<String>, label: &str) -> Result<T, SygusError> {
    Err(SygusError { message: message.into(), pos, label: label.into() })
}

/// A parameter or a declared variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its SMT-LIB name.
    pub name: String,
    /// Its sort.
    pub sort: Sort,
}

/// A `define-fun`.
#[derive(Clone, Debug)]
pub struct DefineFun {
    /// Its name.
    pub name: String,
    /// Parameters.
    pub params: Vec<Param>,
    /// Result sort.
    pub ret: Sort,
    /// Its body.
    pub body: Term,
}

/// A production of a grammar.
#[derive(Clone, Debug)]
pub enum Rule {
    /// A term over the parameters and non-terminals (`Term::Hole`).
    Term(Term),
    /// `(Constant S)`: any literal of the sort.
    Constant(Sort),
    /// `(Variable S)`: any parameter of the sort.
    Variable(Sort),
}

/// A `synth-fun`'s grammar: the non-terminals (the first is the start) and
/// each one's productions.
#[derive(Clone, Debug)]
pub struct Grammar {
    /// Non-terminals and their sorts.
    pub nonterminals: Vec<(String, Sort)>,
    /// Productions: the non-terminal and the rule.
    pub rules: Vec<(usize, Rule)>,
}

/// A `synth-fun`.
#[derive(Clone, Debug)]
pub struct SynthFun {
    /// Its name.
    pub name: String,
    /// Parameters.
    pub params: Vec<Param>,
    /// Result sort.
    pub ret: Sort,
    /// Its grammar, when the file gives one.
    pub grammar: Option<Grammar>,
    /// Where it is declared.
    pub pos: Pos,
}

/// A parsed, sort-checked SyGuS file.
#[derive(Clone, Debug, Default)]
pub struct Sygus {
    /// `set-logic`.
    pub logic: String,
    /// The `synth-fun`s.
    pub funcs: Vec<SynthFun>,
    /// The `define-fun`s, in order.
    pub defines: Vec<DefineFun>,
    /// The `declare-var`s.
    pub vars: Vec<Param>,
    /// The `constraint`s.
    pub constraints: Vec<(Term, Pos)>,
    /// The `assume`s (SyGuS 2.1).
    pub assumes: Vec<(Term, Pos)>,
}

/// Parses and sort-checks SyGuS-IF text.
pub fn parse(text: &str) -> Result<Sygus, SygusError> {
    let items = sexp::parse(text).map_err(|e| SygusError { message: e.message, pos: e.pos, label: "here".into() })?;
    let mut p = Parser { file: Sygus::default(), sorts: BTreeMap::new(), checked: false };
    for item in &items {
        p.command(item)?;
    }
    if p.file.funcs.is_empty() {
        return err(Pos { line: 1, col: 1 }, "no `synth-fun`: nothing to synthesize", "in this file");
    }
    if !p.checked {
        let end = items.last().map_or(Pos { line: 1, col: 1 }, Sexp::pos);
        return err(
            end,
            "no `(check-synth)`: the file never asks for a solution",
            "expected `(check-synth)` after this",
        );
    }
    Ok(p.file)
}

struct Parser {
    file: Sygus,
    /// `define-sort` aliases.
    sorts: BTreeMap<String, Sort>,
    checked: bool,
}

/// The names a term may mention.
struct Scope<'a> {
    vars: Vec<(String, Sort)>,
    lets: Vec<(String, Term)>,
    nonterminals: &'a [(String, Sort)],
}

impl Parser {
    fn command(&mut self, item: &Sexp) -> Result<(), SygusError> {
        let pos = item.pos();
        let Some(xs) = item.list() else {
            return err(pos, format!("expected a command in parentheses, found `{item}`"), "not a command");
        };
        let Some(head) = xs.first().and_then(Sexp::atom) else {
            return err(pos, "expected a command name", "not a command");
        };
        match head {
            "set-logic" => {
                let Some(l) = xs.get(1).and_then(Sexp::atom) else {
                    return err(pos, "expected `(set-logic NAME)`", "here");
                };
                let known = ["LIA", "CLIA", "NIA", "BV", "SLIA", "S", "ALL", "QF_LIA", "QF_BV", "QF_SLIA", "QF_NIA"];
                if !known.contains(&l) {
                    return err(
                        xs[1].pos(),
                        format!("the logic `{l}` is not supported (supported: LIA, CLIA, NIA, BV, SLIA, ALL)"),
                        "unsupported logic",
                    );
                }
                self.file.logic = l.to_string();
            }
            "set-option" | "set-info" | "set-feature" => {}
            "check-synth" => self.checked = true,
            "define-sort" => {
                let [_, name, params, sort] = xs else {
                    return err(pos, "expected `(define-sort NAME () SORT)`", "here");
                };
                if params.list().is_none_or(|l| !l.is_empty()) {
                    return err(params.pos(), "parametric sorts are not supported", "expected `()`");
                }
                let Some(name) = name.atom() else { return err(name.pos(), "expected a sort name", "here") };
                let s = self.sort(sort)?;
                self.sorts.insert(name.to_string(), s);
            }
            "declare-var" => {
                let [_, name, sort] = xs else { return err(pos, "expected `(declare-var NAME SORT)`", "here") };
                let name = self.fresh_name(name)?;
                let sort = self.sort(sort)?;
                self.file.vars.push(Param { name, sort });
            }
            "define-fun" => {
                let [_, name, params, ret, body] = xs else {
                    return err(pos, "expected `(define-fun NAME ((x S) ...) SORT BODY)`", "here");
                };
                let name = self.fresh_name(name)?;
                let params = self.params(params)?;
                let ret = self.sort(ret)?;
                let scope = Scope {
                    vars: params.iter().map(|p| (p.name.clone(), p.sort)).collect(),
                    lets: vec![],
                    nonterminals: &[],
                };
                let body_t = self.term(body, &mut Scope { ..scope })?;
                if body_t.sort() != ret {
                    return err(
                        body.pos(),
                        format!("the body is {}, but `{name}` returns {ret}", body_t.sort()),
                        "wrong sort",
                    );
                }
                self.file.defines.push(DefineFun { name, params, ret, body: body_t });
            }
            "synth-fun" => {
                if xs.len() < 4 || xs.len() > 6 {
                    return err(pos, "expected `(synth-fun NAME ((x S) ...) SORT [GRAMMAR])`", "here");
                }
                let name = self.fresh_name(&xs[1])?;
                let params = self.params(&xs[2])?;
                let ret = self.sort(&xs[3])?;
                let grammar = match &xs[4..] {
                    [] => None,
                    [groups] => Some(self.grammar(None, groups, &params, ret)?),
                    [decls, groups] => Some(self.grammar(Some(decls), groups, &params, ret)?),
                    _ => unreachable!("length checked"),
                };
                self.file.funcs.push(SynthFun { name, params, ret, grammar, pos });
            }
            "constraint" | "assume" => {
                let [_, t] = xs else { return err(pos, format!("expected `({head} TERM)`"), "here") };
                let vars = self.file.vars.iter().map(|v| (v.name.clone(), v.sort)).collect();
                let term = self.term(t, &mut Scope { vars, lets: vec![], nonterminals: &[] })?;
                if term.sort() != Sort::Bool {
                    return err(t.pos(), format!("a {head} must be Bool, found {}", term.sort()), "not Bool");
                }
                // Definitions that call a function to synthesize are
                // expanded, so the constraint shows every call.
                let term = self.inline(&term);
                if head == "constraint" {
                    self.file.constraints.push((term, t.pos()));
                } else {
                    self.file.assumes.push((term, t.pos()));
                }
            }
            "synth-inv" | "inv-constraint" | "declare-primed-var" => {
                return err(pos, format!("`{head}` (invariant synthesis) is not supported"), "unsupported command");
            }
            "declare-datatype" | "declare-datatypes" => {
                return err(
                    pos,
                    "datatypes are not supported (logics: LIA, CLIA, NIA, BV, SLIA)",
                    "unsupported command",
                );
            }
            _ => return err(xs[0].pos(), format!("unknown or unsupported command `{head}`"), "unsupported command"),
        }
        Ok(())
    }

    /// Does a definition (transitively) call a function to synthesize?
    fn calls_synth(&self, name: &str) -> bool {
        let Some(d) = self.file.defines.iter().find(|d| d.name == name) else { return false };
        let mut found = false;
        d.body.walk(&mut |t| {
            if let Term::Call(n, _, _) = t {
                found |= self.file.funcs.iter().any(|f| f.name == *n) || self.calls_synth(n);
            }
        });
        found
    }

    /// `t` with every call of a definition that calls a function to
    /// synthesize replaced by the definition's body.
    fn inline(&self, t: &Term) -> Term {
        match t {
            Term::App(op, idx, args, s) => {
                Term::App(op.clone(), idx.clone(), args.iter().map(|a| self.inline(a)).collect(), *s)
            }
            Term::Call(name, args, s) => {
                let args: Vec<Term> = args.iter().map(|a| self.inline(a)).collect();
                if self.calls_synth(name)
                    && let Some(d) = self.file.defines.iter().find(|d| d.name == *name)
                {
                    let body = substitute(&d.body, &d.params, &args);
                    return self.inline(&body);
                }
                Term::Call(name.clone(), args, *s)
            }
            other => other.clone(),
        }
    }

    /// A new top-level name (no clash with earlier definitions).
    fn fresh_name(&self, e: &Sexp) -> Result<String, SygusError> {
        let Some(name) = e.atom() else { return err(e.pos(), format!("expected a name, found `{e}`"), "not a name") };
        let taken = self.file.vars.iter().any(|v| v.name == name)
            || self.file.defines.iter().any(|d| d.name == name)
            || self.file.funcs.iter().any(|f| f.name == name);
        if taken {
            return err(e.pos(), format!("`{name}` is already defined"), "defined twice");
        }
        Ok(name.to_string())
    }

    fn params(&self, e: &Sexp) -> Result<Vec<Param>, SygusError> {
        let Some(items) = e.list() else { return err(e.pos(), "expected a parameter list `((x S) ...)`", "here") };
        let mut out: Vec<Param> = Vec::new();
        for it in items {
            let Some([n, s]) = it.list() else { return err(it.pos(), "expected a parameter `(NAME SORT)`", "here") };
            let Some(name) = n.atom() else { return err(n.pos(), "expected a parameter name", "here") };
            if out.iter().any(|p| p.name == name) {
                return err(n.pos(), format!("parameter `{name}` is declared twice"), "duplicate");
            }
            out.push(Param { name: name.to_string(), sort: self.sort(s)? });
        }
        Ok(out)
    }

    fn sort(&self, e: &Sexp) -> Result<Sort, SygusError> {
        let width = |w: &Sexp| -> Result<Sort, SygusError> {
            match w {
                Sexp::Num(n, p) => match n.parse::<u32>() {
                    Ok(w @ 1..=64) => Ok(Sort::Bv(w)),
                    Ok(_) => err(*p, "bit-vector widths from 1 to 64 are supported", "unsupported width"),
                    Err(_) => err(*p, "expected a width", "here"),
                },
                _ => err(w.pos(), "expected a width", "here"),
            }
        };
        match e {
            Sexp::Atom(s, p) => match s.as_str() {
                "Int" => Ok(Sort::Int),
                "Bool" => Ok(Sort::Bool),
                "String" => Ok(Sort::Str),
                other => match self.sorts.get(other) {
                    Some(s) => Ok(*s),
                    None => err(
                        *p,
                        format!("the sort `{other}` is not supported (Int, Bool, String, (_ BitVec w))"),
                        "unsupported sort",
                    ),
                },
            },
            Sexp::List(xs, p) => match xs.as_slice() {
                [u, bv, w] if u.atom() == Some("_") && bv.atom() == Some("BitVec") => width(w),
                [bv, w] if bv.atom() == Some("BitVec") => width(w),
                _ => err(
                    *p,
                    format!("the sort `{e}` is not supported (Int, Bool, String, (_ BitVec w))"),
                    "unsupported sort",
                ),
            },
            _ => err(e.pos(), format!("expected a sort, found `{e}`"), "not a sort"),
        }
    }

    fn grammar(&self, decls: Option<&Sexp>, groups: &Sexp, params: &[Param], ret: Sort) -> Result<Grammar, SygusError> {
        let Some(groups_l) = groups.list() else {
            return err(groups.pos(), "expected the grammar's rule groups", "here");
        };
        let mut nonterminals: Vec<(String, Sort)> = Vec::new();
        let declare = |name: &Sexp, sort: &Sexp, nts: &mut Vec<(String, Sort)>| -> Result<(), SygusError> {
            let Some(n) = name.atom() else { return err(name.pos(), "expected a non-terminal name", "here") };
            if nts.iter().any(|(m, _)| m == n) {
                return err(name.pos(), format!("non-terminal `{n}` is declared twice"), "duplicate");
            }
            nts.push((n.to_string(), self.sort(sort)?));
            Ok(())
        };
        match decls {
            Some(d) => {
                let Some(ds) = d.list() else {
                    return err(d.pos(), "expected the non-terminals `((Start S) ...)`", "here");
                };
                for x in ds {
                    let Some([n, s]) = x.list() else { return err(x.pos(), "expected `(NAME SORT)`", "here") };
                    declare(n, s, &mut nonterminals)?;
                }
            }
            None => {
                for g in groups_l {
                    let Some([n, s, _]) = g.list() else {
                        return err(g.pos(), "expected a rule group `(NAME SORT (RULES...))`", "here");
                    };
                    declare(n, s, &mut nonterminals)?;
                }
            }
        }
        let Some((_, start_sort)) = nonterminals.first() else {
            return err(groups.pos(), "the grammar has no non-terminal", "empty grammar");
        };
        if *start_sort != ret {
            return err(
                groups.pos(),
                format!("the start non-terminal is {start_sort}, but the function returns {ret}"),
                "wrong sort",
            );
        }
        let mut rules = Vec::new();
        for g in groups_l {
            let Some([n, s, rs]) = g.list() else {
                return err(g.pos(), "expected a rule group `(NAME SORT (RULES...))`", "here");
            };
            let name = n.atom().unwrap_or_default();
            let Some(nt) = nonterminals.iter().position(|(m, _)| m == name) else {
                return err(n.pos(), format!("`{name}` is not a declared non-terminal"), "undeclared");
            };
            let sort = self.sort(s)?;
            if sort != nonterminals[nt].1 {
                return err(s.pos(), format!("`{name}` was declared {}, not {sort}", nonterminals[nt].1), "wrong sort");
            }
            let Some(rs) = rs.list() else { return err(rs.pos(), "expected a list of productions", "here") };
            for r in rs {
                let rule = match r.list() {
                    Some([k, s]) if k.atom() == Some("Constant") => Rule::Constant(self.sort(s)?),
                    Some([k, s]) if k.atom() == Some("Variable") => Rule::Variable(self.sort(s)?),
                    Some([k, ..]) if k.atom() == Some("InputVariable") || k.atom() == Some("LocalVariable") => {
                        return err(r.pos(), "`InputVariable`/`LocalVariable` are not supported", "unsupported");
                    }
                    _ => {
                        let mut scope = Scope {
                            vars: params.iter().map(|p| (p.name.clone(), p.sort)).collect(),
                            lets: vec![],
                            nonterminals: &nonterminals,
                        };
                        Rule::Term(self.term(r, &mut scope)?)
                    }
                };
                let rs = match &rule {
                    Rule::Term(t) => t.sort(),
                    Rule::Constant(s) | Rule::Variable(s) => *s,
                };
                if rs != sort {
                    return err(r.pos(), format!("this production is {rs}, but `{name}` is {sort}"), "wrong sort");
                }
                rules.push((nt, rule));
            }
        }
        Ok(Grammar { nonterminals, rules })
    }

    fn term(&self, e: &Sexp, scope: &mut Scope<'_>) -> Result<Term, SygusError> {
        match e {
            Sexp::Num(s, p) => {
                if let Some((v, w)) = sexp::read_bv(e) {
                    if w == 0 || w > 64 {
                        return err(*p, "bit-vectors wider than 64 bits are not supported", "unsupported width");
                    }
                    return Ok(Term::Bv(v, w));
                }
                match s.parse::<i128>() {
                    Ok(n) if n <= i64::MAX as i128 => Ok(Term::Int(n)),
                    Ok(_) => err(*p, "integer literals beyond 64 bits are not supported", "too large"),
                    Err(_) => {
                        err(*p, format!("`{s}` is not supported (reals are outside the logics)"), "unsupported literal")
                    }
                }
            }
            Sexp::Str(s, _) => Ok(Term::Str(s.clone())),
            Sexp::Atom(s, p) => {
                if let Some((_, t)) = scope.lets.iter().rev().find(|(n, _)| n == s) {
                    return Ok(t.clone());
                }
                if let Some((_, sort)) = scope.vars.iter().rev().find(|(n, _)| n == s) {
                    return Ok(Term::Var(s.clone(), *sort));
                }
                if let Some(i) = scope.nonterminals.iter().position(|(n, _)| n == s) {
                    return Ok(Term::Hole(i, scope.nonterminals[i].1));
                }
                match s.as_str() {
                    "true" => return Ok(Term::Bool(true)),
                    "false" => return Ok(Term::Bool(false)),
                    _ => {}
                }
                // `-1`: not SMT-LIB, but benchmark grammars write negative literals so.
                if let Some(digits) = s.strip_prefix('-')
                    && !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit())
                {
                    return match digits.parse::<i128>() {
                        Ok(n) if n <= i64::MAX as i128 => Ok(Term::Int(-n)),
                        _ => err(*p, "integer literals beyond 64 bits are not supported", "too large"),
                    };
                }
                if let Some(d) = self.file.defines.iter().find(|d| d.name == *s && d.params.is_empty()) {
                    return Ok(Term::Call(d.name.clone(), vec![], d.ret));
                }
                err(*p, format!("unknown symbol `{s}`"), "not defined")
            }
            Sexp::List(xs, p) => {
                let Some(head) = xs.first() else { return err(*p, "empty application `()`", "here") };
                if let Some(lit) = sexp::read_bv(e) {
                    if lit.1 == 0 || lit.1 > 64 {
                        return err(*p, "bit-vectors wider than 64 bits are not supported", "unsupported width");
                    }
                    return Ok(Term::Bv(lit.0, lit.1));
                }
                if head.atom() == Some("let") {
                    let [_, binds, body] = xs.as_slice() else {
                        return err(*p, "expected `(let ((x t) ...) body)`", "here");
                    };
                    let Some(binds) = binds.list() else { return err(binds.pos(), "expected let bindings", "here") };
                    let mut new = Vec::new();
                    for b in binds {
                        let Some([n, t]) = b.list() else { return err(b.pos(), "expected a binding `(x t)`", "here") };
                        let Some(n) = n.atom() else { return err(n.pos(), "expected a name", "here") };
                        new.push((n.to_string(), self.term(t, scope)?));
                    }
                    // Lets are looked up first, so a let name shadows a variable.
                    let k = scope.lets.len();
                    scope.lets.extend(new);
                    let r = self.term(body, scope);
                    scope.lets.truncate(k);
                    return r;
                }
                if matches!(head.atom(), Some("forall" | "exists")) {
                    return err(
                        *p,
                        "quantifiers inside constraints are not supported (declare the variables instead)",
                        "unsupported",
                    );
                }
                let (op, idx, op_pos) = match head {
                    Sexp::Atom(s, hp) => (s.clone(), Vec::new(), *hp),
                    Sexp::List(hs, hp) if hs.first().and_then(Sexp::atom) == Some("_") && hs.len() >= 2 => {
                        let name = hs[1].atom().unwrap_or_default().to_string();
                        let mut idx = Vec::new();
                        for i in &hs[2..] {
                            match i {
                                Sexp::Num(n, ip) => match n.parse::<u32>() {
                                    Ok(v) => idx.push(v),
                                    Err(_) => return err(*ip, "expected a numeral index", "here"),
                                },
                                other => return err(other.pos(), "expected a numeral index", "here"),
                            }
                        }
                        (name, idx, *hp)
                    }
                    other => return err(other.pos(), format!("`{other}` cannot be applied"), "not a function"),
                };
                let mut args = Vec::with_capacity(xs.len() - 1);
                for a in &xs[1..] {
                    args.push(self.term(a, scope)?);
                }
                let sorts: Vec<Sort> = args.iter().map(Term::sort).collect();
                if idx.is_empty() {
                    let callee = self
                        .file
                        .defines
                        .iter()
                        .map(|d| (&d.name, &d.params, d.ret))
                        .chain(self.file.funcs.iter().map(|f| (&f.name, &f.params, f.ret)))
                        .find(|(n, _, _)| **n == op);
                    if let Some((name, params, ret)) = callee {
                        let want: Vec<Sort> = params.iter().map(|p| p.sort).collect();
                        if want != sorts {
                            let show = |v: &[Sort]| v.iter().map(Sort::to_string).collect::<Vec<_>>().join(" ");
                            return err(
                                op_pos,
                                format!("`{name}` takes ({}), found ({})", show(&want), show(&sorts)),
                                "wrong arguments",
                            );
                        }
                        return Ok(Term::Call(name.clone(), args, ret));
                    }
                }
                let op = canonical(&op).to_string();
                match op_sort(&op, &idx, &sorts) {
                    Some(Ok(sort)) => {
                        if op == "-"
                            && idx.is_empty()
                            && args.len() == 1
                            && let Term::Int(n) = args[0]
                        {
                            return Ok(Term::Int(-n));
                        }
                        Ok(Term::App(op, idx, args, sort))
                    }
                    Some(Err(why)) => err(op_pos, why, "wrong arguments"),
                    None => err(op_pos, format!("unknown or unsupported function `{op}`"), "not supported"),
                }
            }
        }
    }
}

/// A literal value of a test: the language's representation.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// An `int` (integers and bit-vectors).
    Int(i64),
    /// A `bool`.
    Bool(bool),
    /// A `str`.
    Str(String),
}

fn literal(t: &Term) -> Option<Lit> {
    match t {
        Term::Int(n) => i64::try_from(*n).ok().map(Lit::Int),
        Term::Bv(v, w) => Some(Lit::Int(py::bv_value(*v, *w))),
        Term::Bool(b) => Some(Lit::Bool(*b)),
        Term::Str(s) => Some(Lit::Str(s.clone())),
        _ => None,
    }
}

/// One `synth-fun` as a target of synth's language.
#[derive(Clone, Debug)]
pub struct TargetTr {
    /// The SMT-LIB name.
    pub name: String,
    /// The function's name in the language.
    pub py_name: String,
    /// Parameters: name in the language and sort.
    pub params: Vec<(String, Sort)>,
    /// The SMT-LIB parameter names.
    pub smt_params: Vec<String>,
    /// The result sort.
    pub ret: Sort,
    /// Ground examples: arguments and the expected result.
    pub tests: Vec<(Vec<Lit>, Lit)>,
    /// The spec's precondition (the parameters' ranges and the `assume`s).
    pub requires: Option<String>,
    /// The spec's postcondition, over the parameters and `result`.
    pub ensures: Option<String>,
    /// The productions the enumerator may use.
    pub grammar: EnumGrammar,
    /// The variables the spec's constraints pass as the arguments, in order
    /// (for a counterexample of the file's constraints as arguments).
    pub arg_vars: Option<Vec<String>>,
}

/// A SyGuS file in synth's language.
#[derive(Clone, Debug)]
pub struct Translation {
    /// The program: helpers, `define-fun`s, and each target as a stub.
    pub program: String,
    /// The targets.
    pub targets: Vec<TargetTr>,
    /// What every name of the language means in SMT-LIB, for [`back`].
    pub table: back::Table,
}

fn py_ident(prefix: &str, smt: &str, taken: &mut Vec<String>) -> String {
    let clean: String = smt.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let mut name = format!("{prefix}{clean}");
    let mut k = 1;
    while taken.contains(&name) {
        k += 1;
        name = format!("{prefix}{clean}_{k}");
    }
    taken.push(name.clone());
    name
}

/// Translates a parsed file; a constraint outside what synth can search
/// for (not single-invocation, several functions) is an error at it.
pub fn translate(file: &Sygus) -> Result<Translation, SygusError> {
    let mut tr = Translator::default();
    let mut taken: Vec<String> = Vec::new();
    let mut table = back::Table::default();
    // Variables and parameters share one naming: the same SMT name is the
    // same language name in every function.
    let local = |smt: &str, tr: &mut Translator, taken: &mut Vec<String>| {
        if !tr.names.contains_key(smt) {
            let n = py_ident("v_", smt, taken);
            tr.names.insert(smt.to_string(), n);
        }
    };
    for v in &file.vars {
        local(&v.name, &mut tr, &mut taken);
    }
    for d in &file.defines {
        for p in &d.params {
            local(&p.name, &mut tr, &mut taken);
        }
        let n = py_ident("d_", &d.name, &mut taken);
        tr.names.insert(d.name.clone(), n.clone());
        table.funcs.insert(n, (d.name.clone(), d.params.iter().map(|p| p.sort).collect(), d.ret));
    }
    for f in &file.funcs {
        for p in &f.params {
            local(&p.name, &mut tr, &mut taken);
        }
        let n = py_ident("f_", &f.name, &mut taken);
        tr.names.insert(f.name.clone(), n);
    }

    let mut defs = String::new();
    for d in &file.defines {
        let body = tr.expr(&d.body, None);
        let params: Vec<String> = d.params.iter().map(|p| format!("{}: {}", tr.names[&p.name], p.sort.py())).collect();
        defs.push_str(&format!(
            "def {}({}) -> {}:\n    return {body}\n\n",
            tr.names[&d.name],
            params.join(", "),
            d.ret.py()
        ));
    }

    let mut targets = Vec::new();
    for f in &file.funcs {
        let py_params: Vec<(String, Sort)> = f.params.iter().map(|p| (tr.names[&p.name].clone(), p.sort)).collect();
        let grammar = grammar::enum_grammar(file, f, &mut tr)?;
        targets.push(TargetTr {
            name: f.name.clone(),
            py_name: tr.names[&f.name].clone(),
            params: py_params,
            smt_params: f.params.iter().map(|p| p.name.clone()).collect(),
            ret: f.ret,
            tests: Vec::new(),
            requires: None,
            ensures: None,
            grammar,
            arg_vars: None,
        });
    }

    // Constraints: conjunctions split, each conjunct a test or a spec clause.
    let mut clauses: Vec<Vec<String>> = vec![Vec::new(); targets.len()];
    let mut mapping: Vec<Option<Vec<String>>> = vec![None; targets.len()];
    let mut conjuncts: Vec<(&Term, Pos)> = Vec::new();
    fn split<'a>(t: &'a Term, pos: Pos, out: &mut Vec<(&'a Term, Pos)>) {
        match t {
            Term::App(op, _, args, _) if op == "and" => args.iter().for_each(|a| split(a, pos, out)),
            _ => out.push((t, pos)),
        }
    }
    for (c, pos) in &file.constraints {
        split(c, *pos, &mut conjuncts);
    }
    for (c, pos) in conjuncts {
        let mut calls: Vec<(&str, &[Term])> = Vec::new();
        synth_calls(c, file, &mut calls);
        let Some(&(fname, args0)) = calls.first() else { continue };
        if calls.iter().any(|(n, _)| *n != fname) {
            return err(
                pos,
                "this constraint relates several functions to synthesize; synth searches for one at a time",
                "unsupported constraint",
            );
        }
        let ti = file.funcs.iter().position(|f| f.name == fname).unwrap_or_default();
        if calls.iter().any(|(_, a)| {
            a.iter().any(|x| {
                x.is_ground() != args0.iter().all(Term::is_ground) || !x.is_ground() && !matches!(x, Term::Var(..))
            })
        }) {
            return err(
                pos,
                format!("`{fname}` is called with arguments that are neither all variables nor all constants"),
                "unsupported constraint",
            );
        }
        let ground = args0.iter().all(Term::is_ground);
        if ground {
            if calls.len() == 1
                && let Term::App(op, _, eq, _) = c
                && op == "="
                && eq.len() == 2
            {
                let (call, value) = if matches!(eq[0], Term::Call(..)) { (&eq[0], &eq[1]) } else { (&eq[1], &eq[0]) };
                if let (Term::Call(_, a, _), Some(v)) = (call, literal(value))
                    && let Some(a) = a.iter().map(literal).collect::<Option<Vec<Lit>>>()
                {
                    targets[ti].tests.push((a, v));
                    continue;
                }
            }
            // A ground constraint that is not an example: a clause that
            // holds at those arguments.
            if calls.iter().any(|(_, a)| *a != args0) {
                return err(
                    pos,
                    format!("this constraint calls `{fname}` at several points; write one example per constraint"),
                    "unsupported constraint",
                );
            }
            let at: Vec<String> = args0
                .iter()
                .zip(&targets[ti].params)
                .map(|(a, (p, _))| format!("{p} == {}", tr.expr(a, None)))
                .collect();
            let body = tr.expr(c, Some(fname));
            let guard = if at.is_empty() { String::new() } else { format!("(not ({})) or ", at.join(" and ")) };
            clauses[ti].push(format!("{guard}{body}"));
            continue;
        }
        if calls.iter().any(|(_, a)| *a != args0) {
            return err(
                pos,
                format!(
                    "this constraint calls `{fname}` with different arguments (not single-invocation), which synth does not support"
                ),
                "unsupported constraint",
            );
        }
        let vars: Vec<String> =
            args0.iter().map(|a| if let Term::Var(n, _) = a { n.clone() } else { String::new() }).collect();
        if (1..vars.len()).any(|i| vars[..i].contains(&vars[i])) {
            return err(
                pos,
                format!("`{fname}` is called with a repeated variable, which synth does not support"),
                "unsupported constraint",
            );
        }
        let mut free = None;
        c.walk(&mut |t| {
            if let Term::Var(n, _) = t
                && !vars.contains(n)
            {
                free.get_or_insert_with(|| n.clone());
            }
        });
        if let Some(v) = free {
            return err(
                pos,
                format!(
                    "the variable `{v}` is not an argument of `{fname}` here: synth needs every variable of a constraint among the function's arguments"
                ),
                "unsupported constraint",
            );
        }
        if let Some(m) = &mapping[ti]
            && *m != vars
            && !file.assumes.is_empty()
        {
            return err(
                pos,
                "the `assume`s need every constraint to call the function with the same variables",
                "unsupported constraint",
            );
        }
        mapping[ti].get_or_insert_with(|| vars.clone());
        let saved: Vec<(String, Option<String>)> = vars
            .iter()
            .zip(&targets[ti].params)
            .map(|(v, (p, _))| (v.clone(), tr.names.insert(v.clone(), p.clone())))
            .collect();
        clauses[ti].push(tr.expr(c, Some(fname)));
        for (v, old) in saved {
            match old {
                Some(o) => tr.names.insert(v, o),
                None => tr.names.remove(&v),
            };
        }
    }
    for (ti, t) in targets.iter_mut().enumerate() {
        t.arg_vars = mapping[ti].clone();
        if clauses[ti].is_empty() {
            continue;
        }
        t.ensures = Some(clauses[ti].iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" and "));
        let mut requires: Vec<String> = Vec::new();
        for (p, s) in &t.params {
            match s {
                // The language's ints are 64-bit: keep arithmetic on them exact.
                Sort::Int => requires.push(format!("-2147483648 <= {p} and {p} <= 2147483647")),
                Sort::Bv(63) => requires.push(format!("0 <= {p}")),
                Sort::Bv(w) if *w < 63 => requires.push(format!("0 <= {p} and {p} < {}", 1u128 << w)),
                _ => {}
            }
        }
        if let Some(vars) = &mapping[ti] {
            for (a, pos) in &file.assumes {
                let mut ok = true;
                a.walk(&mut |x| ok &= !matches!(x, Term::Var(n, _) if !vars.contains(n)));
                if !ok {
                    return err(
                        *pos,
                        "this `assume` mentions a variable that is not an argument of the function",
                        "unsupported",
                    );
                }
                let saved: Vec<(String, Option<String>)> = vars
                    .iter()
                    .zip(&t.params)
                    .map(|(v, (p, _))| (v.clone(), tr.names.insert(v.clone(), p.clone())))
                    .collect();
                requires.push(format!("({})", tr.expr(a, None)));
                for (v, old) in saved {
                    match old {
                        Some(o) => tr.names.insert(v, o),
                        None => tr.names.remove(&v),
                    };
                }
            }
        }
        if !requires.is_empty() {
            t.requires = Some(requires.join(" and "));
        }
    }

    let mut program = String::new();
    for h in tr.helpers.values() {
        program.push_str(&h.def);
        program.push('\n');
    }
    program.push_str(&defs);
    for t in &targets {
        let params: Vec<String> = t.params.iter().map(|(p, s)| format!("{p}: {}", s.py())).collect();
        program.push_str(&format!(
            "@synthesize\ndef {}({}) -> {}:\n    ...\n\n",
            t.py_name,
            params.join(", "),
            t.ret.py()
        ));
    }
    for (py, h) in &tr.helpers {
        table.helpers.insert(py.clone(), (h.head.clone(), h.args.clone(), h.ret));
    }
    for t in &targets {
        for ((py, s), smt) in t.params.iter().zip(&t.smt_params) {
            table.vars.insert(py.clone(), (smt.clone(), *s));
        }
    }
    Ok(Translation { program, targets, table })
}

/// `body` with its parameters replaced by `args`.
fn substitute(body: &Term, params: &[Param], args: &[Term]) -> Term {
    match body {
        Term::Var(n, _) => match params.iter().position(|p| p.name == *n) {
            Some(i) => args[i].clone(),
            None => body.clone(),
        },
        Term::App(op, idx, xs, s) => {
            Term::App(op.clone(), idx.clone(), xs.iter().map(|x| substitute(x, params, args)).collect(), *s)
        }
        Term::Call(f, xs, s) => Term::Call(f.clone(), xs.iter().map(|x| substitute(x, params, args)).collect(), *s),
        other => other.clone(),
    }
}

/// Does a definition (transitively) call a function to synthesize?
pub fn calls_synth(file: &Sygus, name: &str) -> bool {
    Parser { file: file.clone(), sorts: BTreeMap::new(), checked: true }.calls_synth(name)
}

/// The calls of functions to synthesize in `t`.
fn synth_calls<'a>(t: &'a Term, file: &Sygus, out: &mut Vec<(&'a str, &'a [Term])>) {
    if let Term::Call(name, args, _) = t
        && file.funcs.iter().any(|f| f.name == *name)
    {
        out.push((name.as_str(), args.as_slice()));
    }
    if let Term::App(_, _, args, _) | Term::Call(_, args, _) = t {
        for a in args {
            synth_calls(a, file, out);
        }
    }
}

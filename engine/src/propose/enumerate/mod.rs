//! The enumerative proposer (FlashFill-style): type-directed bottom-up
//! enumeration of expressions over a target's parameters, smallest first,
//! keeping one expression per distinct vector of outputs on the visible
//! tests (observational equivalence).
//!
//! The grammar is a table of source templates (`{0}.split({1})`,
//! `{1} if {0} else {2}`, ...). Each template is instantiated at the types
//! in play and checked by the language's own checker, which gives its result
//! type; evaluating an instance runs the checked template in the reference
//! interpreter with the children's values in its local slots. So the
//! enumerator has no semantics of its own: a template means what its text
//! means in a program. Comprehensions (`[b for x in src if c]`) are built
//! natively from expressions enumerated in an inner context whose examples
//! are the elements of `src`.
//!
//! It is a cursor: [`Enumerator::pull`] runs until it has an offer or its
//! limit is reached, and the next pull goes on from exactly there (each
//! context keeps where its build stands), so the caller keeps control.

mod constants;
mod grammar;
mod proposer;
mod unify;
mod values;

pub use proposer::{EnumerateFactory, EnumerateProposer};

use grammar::{Kind, TEMPLATES, assignments, check_template, depth};
use rustc_hash::{FxHashMap as HashMap, FxHasher};
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use synth_dsl::interp::{Interpreter, Limits, RunError};
use synth_dsl::sygus::EnumGrammar;
use synth_dsl::tir::{Expr, FuncId, Program};
use synth_dsl::value::str_repr;
use synth_dsl::{Type, Value, parser, printer};
use synth_verifiers::TestCase;
use values::{hash_value, same, same_vals, walk_strings};

/// Why the enumerator ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumEnd {
    /// Every expression up to the size limit was enumerated.
    Exhausted,
    /// The term store reached its memory limit.
    MemoryLimit,
}

/// What [`Enumerator::pull`] gives.
#[derive(Debug)]
pub enum Pull {
    /// An expression of the return type that does better on the visible
    /// tests than any before (or passes them all), as a body.
    Offer(Offer),
    /// The limit was reached; pull again to go on from here.
    Paused,
    /// Nothing more to enumerate.
    End(EnumEnd),
}

/// When a pull yields, if it has nothing to offer.
#[derive(Clone, Debug)]
pub struct PullLimit {
    /// Yield at this time (checked every 1,024 evaluations).
    pub deadline: Option<Instant>,
    /// Yield when this many distinct expressions are kept in all.
    pub distinct: u64,
    /// Yield when this is set (checked with the deadline).
    pub interrupt: Option<Arc<AtomicBool>>,
}

impl PullLimit {
    /// No limit: pull until an offer or the end.
    pub fn none() -> PullLimit {
        PullLimit { deadline: None, distinct: u64::MAX, interrupt: None }
    }

    fn expired(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|i| i.load(Ordering::Relaxed))
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Counters of one enumeration.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnumStats {
    /// Expressions evaluated (the candidate budget counts these).
    pub evaluated: u64,
    /// Distinct expressions kept in the outer context (one per output
    /// vector and type): the candidates.
    pub distinct: u64,
    /// The largest size completed.
    pub size: u32,
}

/// Settings of the enumerator.
#[derive(Clone, Debug)]
pub struct EnumConfig {
    /// Largest expression size, in grammar nodes (14 by default).
    pub max_size: u32,
    /// Most expressions kept in all contexts together (3,000,000 by default).
    pub max_terms: usize,
    /// Extra constants (from `[search] constants`).
    pub constants: Vec<Value>,
    /// A grammar of the target's own (a SyGuS `synth-fun`'s): its
    /// productions replace the built-in templates and constants.
    pub grammar: Option<Arc<EnumGrammar>>,
    /// Examples without an expected result: arguments where a term is right
    /// when the spec's `ensures` function (over the arguments and the
    /// result) holds; they follow the visible tests.
    pub spec_cases: Vec<(Vec<Value>, FuncId)>,
    /// Join partial terms into conditionals (`unify.rs`) with the built-in
    /// templates, into trees of at most this many branches (`None`: not at
    /// all). On a few examples alone, big trees overfit (hidden tests of
    /// `synth eval problems/`: 137/167 with unbounded trees, 164/167 with
    /// none), so targets without a spec get small trees. A grammar's
    /// enumeration always unifies, unbounded (its examples are its whole
    /// spec).
    pub unify: Option<usize>,
    /// Add constants mined from the examples (`constants.rs`).
    pub mine_constants: bool,
    /// Comprehensions over `range(len(xs))`, `enumerate(xs)` and `zip(xs, ys)`.
    pub idioms: bool,
}

impl Default for EnumConfig {
    fn default() -> EnumConfig {
        EnumConfig {
            max_size: 14,
            max_terms: 3_000_000,
            constants: Vec::new(),
            grammar: None,
            spec_cases: Vec::new(),
            unify: None,
            mine_constants: true,
            idioms: true,
        }
    }
}

/// An offered expression: its body, and how many visible tests it passed in
/// the enumerator's own evaluation.
#[derive(Clone, Debug)]
pub struct Offer {
    /// `return <expression>`.
    pub body: String,
    /// Visible tests it passed in the interpreter.
    pub passed: usize,
}

/// Why a pull stopped early: to yield (resumable), or at the memory limit (final).
enum Halt {
    Yield,
    Memory,
}

/// Where a context's build of its current size stands, so a pull can stop
/// anywhere and the next one go on from there. Each field is the next
/// piece of work to do.
#[derive(Clone, Debug, Default)]
struct Cursor {
    /// The size being built (0: none yet).
    size: u32,
    /// The next leaf (size 1).
    leaf: usize,
    /// The next production.
    production: usize,
    /// The production's current split of the size among its children.
    parts: Option<Vec<u32>>,
    /// The next combination of children of that split.
    combination: Option<Vec<usize>>,
    /// Comprehensions (the outer context only).
    comp: CompCursor,
}

#[derive(Clone, Debug)]
struct CompCursor {
    /// The inner context whose comprehensions are being built.
    ctx: usize,
    /// 0: maps; 1: filters; 2: maps with filters.
    phase: u8,
    /// The body size of maps with filters.
    body_size: u32,
    /// The next body (or condition, for filters).
    i: usize,
    /// The next condition of maps with filters.
    j: usize,
}

impl Default for CompCursor {
    fn default() -> CompCursor {
        CompCursor { ctx: 1, phase: 0, body_size: 1, i: 0, j: 0 }
    }
}

type TyId = usize;
type TermId = usize;

/// One instance of a template at concrete types, checked.
struct Production {
    /// The template text with `{i}` holes.
    text: String,
    /// The checked template over local slots `0..arity`.
    template: Expr,
    args: Vec<TyId>,
    ret: TyId,
}

enum Node {
    /// A parameter, the comprehension variable or a constant: printed as is.
    Leaf(String),
    App(usize, Vec<TermId>),
    /// `[body for var in src if cond]` in the outer context: `src` is the
    /// outer term of context `ctx`; `body`/`cond` are terms of that context
    /// (`None` body: the variable itself).
    Comp {
        ctx: usize,
        body: Option<TermId>,
        cond: Option<TermId>,
    },
}

struct Term {
    ty: TyId,
    node: Node,
    /// A constant leaf (the built-in grammar applies no binary production
    /// to constants alone: `'a' + 'b'` or `2 * 3` are constants of no use).
    konst: bool,
    /// Its size in grammar nodes.
    size: u32,
}

/// A set of examples and the expressions enumerated over them.
struct Context {
    n_examples: usize,
    /// Leaves: (text, type, values).
    leaves: Vec<Leaf>,
    terms: Vec<Term>,
    vals: Vec<Vec<Option<Value>>>,
    /// Terms by (type, size).
    bank: HashMap<(TyId, u32), Vec<TermId>>,
    /// Output vectors seen, per type: hash to the terms with that hash.
    seen: HashMap<(TyId, u64), Vec<TermId>>,
    /// Sizes built so far.
    built: u32,
    /// Where the build of the next size stands.
    cursor: Cursor,
    /// For an inner context: its source term in the outer context, the
    /// variable's name, and the outer example of each inner example.
    origin: Option<Origin>,
}

/// A leaf of a context: a parameter, the comprehension variable or a
/// constant, its values on the context's examples, and its size in nodes
/// (constants mined from the examples may cost 2).
struct Leaf {
    text: String,
    ty: TyId,
    vals: Vec<Option<Value>>,
    cost: u32,
    konst: bool,
}

impl Leaf {
    fn new(text: String, ty: TyId, vals: Vec<Option<Value>>) -> Leaf {
        Leaf { text, ty, vals, cost: 1, konst: false }
    }
}

struct Origin {
    src: Source,
    src_size: u32,
    /// The variables, one per leaf at the start of the context.
    vars: Vec<String>,
    owner: Vec<usize>,
}

/// Where a comprehension's elements come from (outer terms).
#[derive(Clone, Copy, Debug)]
enum Source {
    /// `for x in S`.
    Term(TermId),
    /// `for i in range(len(S))` (an idiom).
    Range(TermId),
    /// `for i, x in enumerate(S)` (an idiom).
    Enumerate(TermId),
    /// `for a, b in zip(S, T)` (an idiom).
    Zip(TermId, TermId),
}

impl Source {
    fn terms(self) -> Vec<TermId> {
        match self {
            Source::Term(t) | Source::Range(t) | Source::Enumerate(t) => vec![t],
            Source::Zip(a, b) => vec![a, b],
        }
    }
}

/// The enumerator for one target.
pub struct Enumerator<'p> {
    interp: Interpreter<'p>,
    types: Vec<Type>,
    productions: Vec<Production>,
    contexts: Vec<Context>,
    /// Expected outputs on the visible tests.
    expected: Vec<Value>,
    ret: TyId,
    config: EnumConfig,
    /// The leaves an inner context gets besides its variable: the outer leaves.
    outer_leaf_specs: Vec<(String, TyId)>,
    param_values: Vec<Vec<Value>>,
    /// Constants: text, type, value, cost.
    const_leaves: Vec<(String, TyId, Value, u32)>,
    /// Constants mined from the examples, as source text.
    mined: Vec<String>,
    /// Types a comprehension can iterate, with their element types.
    iterable: HashMap<TyId, TyId>,
    used_names: Vec<String>,
    /// Types that can lead to the return type; leaves of other types are useless.
    useful: Vec<TyId>,
    best_passed: usize,
    n_terms: usize,
    /// Offers made and not yet pulled.
    pending: VecDeque<Offer>,
    /// The limit of the pull in progress.
    limit: PullLimit,
    /// Set once the enumeration is over.
    ended: Option<EnumEnd>,
    /// Parameters a production reads directly (a grammar's, whose rules
    /// name them): their values follow the children's in the frame.
    param_slots: usize,
    /// Decision-tree unification, for a grammar with an `ite`.
    unify: Option<unify::Unify>,
    /// Counters.
    pub stats: EnumStats,
}

impl<'p> Enumerator<'p> {
    /// An enumerator for function `func` of `program` over the test cases
    /// `visible` (a proposer is shown visible tests only). Fails when the
    /// program's module-level constants fail to evaluate.
    pub fn new(
        program: &'p Program,
        func: FuncId,
        visible: &[TestCase],
        config: EnumConfig,
    ) -> Result<Enumerator<'p>, RunError> {
        // Small budgets: a tiny expression that needs more is not worth keeping.
        let limits = Limits { fuel: 20_000, alloc: 20_000, max_depth: 40 };
        let interp = Interpreter::new(program, limits)?;
        let expected: Vec<Value> = visible.iter().map(|t| t.expect.thaw()).collect();
        let mut param_values: Vec<Vec<Value>> = visible.iter().map(TestCase::arg_values).collect();
        param_values.extend(config.spec_cases.iter().map(|(args, _)| args.clone()));
        let f = &program.functions[func];
        let params: Vec<Type> = f.params.iter().map(|p| p.ty.clone()).collect();
        let param_names: Vec<String> = f.params.iter().map(|p| p.name.clone()).collect();

        let mut e = Enumerator {
            interp,
            types: Vec::new(),
            productions: Vec::new(),
            contexts: Vec::new(),
            expected,
            ret: 0,
            config,
            outer_leaf_specs: Vec::new(),
            param_values,
            const_leaves: Vec::new(),
            mined: Vec::new(),
            iterable: HashMap::default(),
            used_names: param_names.clone(),
            useful: Vec::new(),
            best_passed: 0,
            n_terms: 0,
            pending: VecDeque::new(),
            limit: PullLimit::none(),
            ended: None,
            param_slots: 0,
            unify: None,
            stats: EnumStats::default(),
        };
        if let Some(g) = e.config.grammar.clone() {
            let leaves = e.grammar_productions(program, func, &g);
            e.contexts.push(Context::new(e.param_values.len(), leaves, None));
            e.unify = unify::Unify::new(&e, usize::MAX, false);
            return Ok(e);
        }
        e.ret = e.intern(&f.ret);
        e.build_grammar(program, func);
        e.pick_constants();
        if let Some(leaves) = e.config.unify {
            // On examples alone a tree waits for its size (Occam): smaller
            // programs, which generalize better, are tried first. Under a spec
            // (spec cases) it is offered at once, as Z3 checks it.
            let occam = e.config.spec_cases.is_empty() && leaves != usize::MAX;
            e.unify = unify::Unify::new(&e, leaves, occam);
        }

        // The outer context: the parameters and the constants.
        let n = e.param_values.len();
        let mut leaves = Vec::new();
        for (i, name) in param_names.iter().enumerate() {
            let ty = e.intern(&params[i]);
            let vals = (0..n).map(|k| Some(e.param_values[k][i].clone())).collect();
            leaves.push(Leaf::new(name.clone(), ty, vals));
            e.outer_leaf_specs.push((name.clone(), ty));
        }
        for (text, ty, v, cost) in &e.const_leaves {
            leaves.push(Leaf { text: text.clone(), ty: *ty, vals: vec![Some(v.clone()); n], cost: *cost, konst: true });
        }
        leaves.retain(|l| e.useful.contains(&l.ty));
        e.contexts.push(Context::new(n, leaves, None));
        Ok(e)
    }

    fn intern(&mut self, t: &Type) -> TyId {
        match self.types.iter().position(|x| x == t) {
            Some(i) => i,
            None => {
                self.types.push(t.clone());
                self.types.len() - 1
            }
        }
    }

    /// A grammar's productions, checked over the holes and the parameters
    /// (`TyId`s are its non-terminals; the start is 0), and its leaves (the
    /// rules without holes) evaluated on the examples.
    fn grammar_productions(&mut self, program: &Program, func: FuncId, g: &EnumGrammar) -> Vec<Leaf> {
        let f = &program.functions[func];
        let params: Vec<(String, Type)> = f.params.iter().map(|p| (p.name.clone(), p.ty.clone())).collect();
        self.types = g.nonterminals.iter().map(|(_, t)| t.clone()).collect();
        self.ret = 0;
        self.param_slots = params.len();
        let mut leaves = Vec::new();
        for rule in &g.rules {
            let args: Vec<Type> = rule.holes.iter().map(|h| self.types[*h].clone()).collect();
            let Some((ty, template)) = grammar::check_template_with(program, &rule.text, &args, &params) else {
                tracing::warn!(rule = %rule.text, "a grammar rule does not check in the language; left out");
                continue;
            };
            if ty != self.types[rule.lhs] {
                continue;
            }
            if rule.holes.is_empty() {
                let mut vals = Vec::with_capacity(self.param_values.len());
                for k in 0..self.param_values.len() {
                    let mut frame: Vec<Option<Value>> = self.param_values[k].iter().cloned().map(Some).collect();
                    self.interp.reset_budget();
                    vals.push(self.interp.eval_with_locals(&template, &mut frame).ok());
                }
                leaves.push(Leaf::new(rule.text.clone(), rule.lhs, vals));
            } else {
                self.productions.push(Production {
                    text: rule.text.clone(),
                    template,
                    args: rule.holes.clone(),
                    ret: rule.lhs,
                });
            }
        }
        // Non-terminals that can reach the start.
        let mut useful = vec![0];
        loop {
            let before = useful.len();
            for p in &self.productions {
                if useful.contains(&p.ret) {
                    for a in &p.args {
                        if !useful.contains(a) {
                            useful.push(*a);
                        }
                    }
                }
            }
            if useful.len() == before {
                break;
            }
        }
        self.productions.retain(|p| useful.contains(&p.ret));
        leaves.retain(|l| useful.contains(&l.ty));
        self.useful = useful;
        leaves
    }

    /// Instantiates the templates at the types in play, keeping those that
    /// check and whose result can lead to the return type.
    fn build_grammar(&mut self, program: &Program, func: FuncId) {
        let target = &program.functions[func];
        let target_params: Vec<Type> = target.params.iter().map(|p| p.ty.clone()).collect();
        let mut in_play: Vec<Type> = vec![Type::Int, Type::Bool, Type::Str, Type::list(Type::Str)];
        let add = |t: &Type, in_play: &mut Vec<Type>| {
            if !in_play.contains(t) && depth(t) <= 2 {
                in_play.push(t.clone());
            }
        };
        for t in target_params.iter().chain([&target.ret]) {
            add(t, &mut in_play);
            if let Some(e) = t.elem() {
                add(&e, &mut in_play);
            }
        }
        let helpers: Vec<(usize, &synth_dsl::tir::Function)> = program
            .functions
            .iter()
            .enumerate()
            // A spec's functions (its reference among them) are not the candidate's to call.
            .filter(|(i, f)| {
                *i != func && !f.is_stub && f.ret != Type::None && !f.decorators.iter().any(|d| d == "spec")
            })
            .collect();
        for (_, h) in &helpers {
            for t in h.params.iter().map(|p| &p.ty).chain([&h.ret]) {
                add(t, &mut in_play);
            }
        }
        // Comprehensions make lists of any scalar in play.
        for t in in_play.clone() {
            if depth(&t) == 0 {
                add(&Type::list(t), &mut in_play);
            }
        }
        let mut templates: Vec<(String, Vec<Kind>)> =
            TEMPLATES.iter().map(|(t, k)| (t.to_string(), k.to_vec())).collect();
        for (_, h) in &helpers {
            let holes: Vec<String> = (0..h.params.len()).map(|i| format!("{{{i}}}")).collect();
            // Helpers take exactly their declared types; `Same` of a fixed type is
            // not expressible, so each helper parameter accepts any type and the
            // checker rejects the wrong ones.
            templates.push((format!("{}({})", h.name, holes.join(", ")), vec![Kind::Any; h.params.len()]));
        }

        // Tuple displays, for the fixed tuple types in play (a return type
        // `tuple[int, str]` needs `(a, b)`); the checker keeps the right items.
        for t in &in_play {
            if let Type::Tuple(items) = t
                && (2..=4).contains(&items.len())
            {
                let holes: Vec<String> = (0..items.len()).map(|i| format!("{{{i}}}")).collect();
                let text = format!("({})", holes.join(", "));
                if !templates.iter().any(|(x, _)| *x == text) {
                    templates.push((text, vec![Kind::Any; items.len()]));
                }
            }
        }
        let mut checked: rustc_hash::FxHashSet<String> = Default::default();
        let mut candidates: Vec<(String, String, Vec<Type>, Expr)> = Vec::new();
        for _round in 0..2 {
            let snapshot = in_play.clone();
            for (text, kinds) in &templates {
                for args in assignments(kinds, &snapshot) {
                    let key = format!("{text}|{args:?}");
                    if !checked.insert(key.clone()) {
                        continue;
                    }
                    if let Some((ty, template)) = check_template(program, text, &args) {
                        add(&ty, &mut in_play);
                        if depth(&ty) <= 2 {
                            candidates.push((key, text.clone(), args, template));
                        }
                    }
                }
            }
        }
        // Keep what can reach the return type: a backward closure over
        // productions, with comprehensions (list[T] needs T, and an iterable).
        let mut useful: Vec<Type> = vec![target.ret.clone()];
        loop {
            let before = useful.len();
            for (_, _, args, template) in &candidates {
                if useful.contains(&template.ty) {
                    for a in args {
                        if !useful.contains(a) {
                            useful.push(a.clone());
                        }
                    }
                }
            }
            for t in useful.clone() {
                if let Type::List(inner) = &t {
                    for src in &in_play {
                        if src.elem().is_some() && !useful.contains(src) {
                            useful.push(src.clone());
                        }
                    }
                    if !useful.contains(inner) {
                        useful.push((**inner).clone());
                    }
                    // A filter's condition.
                    if !useful.contains(&Type::Bool) {
                        useful.push(Type::Bool);
                    }
                }
            }
            if useful.len() == before {
                break;
            }
        }
        for (_, text, args, template) in candidates {
            if !useful.contains(&template.ty) || !args.iter().all(|a| in_play.contains(a)) {
                continue;
            }
            let args: Vec<TyId> = args.iter().map(|a| self.intern(a)).collect();
            let ret = self.intern(&template.ty);
            self.productions.push(Production { text, template, args, ret });
        }
        for t in &in_play {
            self.intern(t);
        }
        if useful.iter().any(|u| matches!(u, Type::List(_))) {
            for t in &in_play {
                if let Some(e) = t.elem()
                    && depth(&e) <= 1
                    && in_play.contains(&e)
                {
                    let (ti, ei) = (self.intern(t), self.intern(&e));
                    self.iterable.insert(ti, ei);
                }
            }
        }
        self.useful = useful.iter().map(|u| self.intern(u)).collect();
    }

    /// Small literals, the separators that appear in the visible tests, and
    /// the user's constants.
    fn pick_constants(&mut self) {
        let mut consts: Vec<Value> = vec![Value::Int(0), Value::Int(1), Value::Int(2), Value::Int(-1)];
        let mut chars: Vec<char> = Vec::new();
        let collect = |v: &Value, chars: &mut Vec<char>| {
            walk_strings(v, &mut |s| {
                for c in s.chars() {
                    if !c.is_alphanumeric() && !chars.contains(&c) {
                        chars.push(c);
                    }
                }
            })
        };
        for (args, expect) in self.param_values.iter().zip(&self.expected) {
            for a in args {
                collect(a, &mut chars);
            }
            collect(expect, &mut chars);
        }
        let uses_str = self.types.iter().position(|t| *t == Type::Str).is_some_and(|t| self.useful.contains(&t));
        if uses_str {
            consts.push(Value::str(""));
            if !chars.contains(&' ') {
                consts.push(Value::str(" "));
            }
            chars.sort();
            for c in chars {
                consts.push(Value::str(c.to_string()));
            }
        }
        if self.types.contains(&Type::Float) {
            consts.extend([Value::Float(0.0), Value::Float(1.0), Value::Float(0.5)]);
        }
        for c in self.config.constants.clone() {
            if !consts.iter().any(|x| same(x, &c)) {
                consts.push(c);
            }
        }
        let mut costs = vec![1; consts.len()];
        if self.config.mine_constants {
            let examples: Vec<(Vec<Value>, Value)> =
                self.param_values.iter().cloned().zip(self.expected.iter().cloned()).collect();
            let uses_int = self.types.iter().position(|t| *t == Type::Int).is_some_and(|t| self.useful.contains(&t));
            for m in constants::mine(&examples, uses_str, uses_int, &consts) {
                self.mined.push(match &m.value {
                    Value::Str(s) => str_repr(s),
                    other => other.repr(),
                });
                consts.push(m.value);
                costs.push(m.cost);
            }
        }
        for (v, cost) in consts.into_iter().zip(costs) {
            let ty = match &v {
                Value::Int(_) => Type::Int,
                Value::Float(_) => Type::Float,
                Value::Bool(_) => Type::Bool,
                Value::Str(_) => Type::Str,
                _ => continue,
            };
            let text = match &v {
                Value::Str(s) => str_repr(s),
                other => other.repr(),
            };
            let ty = self.intern(&ty);
            self.const_leaves.push((text, ty, v, cost));
        }
    }

    /// The constants mined from the examples, as source text.
    pub fn mined(&self) -> &[String] {
        &self.mined
    }

    /// Enumerates until an offer (an expression of the return type that
    /// passes more visible tests than any before, or all of them), the
    /// limit, or the end; the next pull goes on from where this one stopped.
    pub fn pull(&mut self, limit: &PullLimit) -> Pull {
        if let Some(offer) = self.pending.pop_front() {
            return Pull::Offer(offer);
        }
        if let Some(end) = self.ended {
            return Pull::End(end);
        }
        self.limit = limit.clone();
        let mut result = Ok(());
        for size in 1..=self.config.max_size {
            result = self.build(0, size);
            if result.is_err() {
                break;
            }
            self.stats.size = size;
            if self.unify.as_ref().is_some_and(|u| u.tried < size) {
                if let Some(u) = self.unify.as_mut() {
                    u.tried = size;
                }
                if let Some(offer) = self.try_unify() {
                    self.pending.push_back(offer);
                    result = Err(Halt::Yield);
                    break;
                }
            }
        }
        match result {
            Ok(()) => self.ended = Some(EnumEnd::Exhausted),
            Err(Halt::Memory) => self.ended = Some(EnumEnd::MemoryLimit),
            Err(Halt::Yield) => {}
        }
        match (self.pending.pop_front(), self.ended) {
            (Some(offer), _) => Pull::Offer(offer),
            (None, Some(end)) => Pull::End(end),
            (None, None) => Pull::Paused,
        }
    }

    /// Builds the terms of `size` in context `ctx`, from where its cursor stands.
    fn build(&mut self, ctx: usize, size: u32) -> Result<(), Halt> {
        if self.contexts[ctx].built >= size {
            return Ok(());
        }
        if self.contexts[ctx].cursor.size != size {
            self.contexts[ctx].cursor = Cursor { size, ..Cursor::default() };
        }
        // The leaves of this size (parameters at 1, costlier constants later).
        let leaves = std::mem::take(&mut self.contexts[ctx].leaves);
        let mut result = Ok(());
        while let Some(leaf) = leaves.get(self.contexts[ctx].cursor.leaf) {
            if leaf.cost == size {
                result = self.tick().and_then(|()| {
                    self.add(ctx, leaf.ty, size, Node::Leaf(leaf.text.clone()), leaf.vals.clone(), leaf.konst)
                });
                if result.is_err() {
                    break;
                }
            }
            self.contexts[ctx].cursor.leaf += 1;
        }
        self.contexts[ctx].leaves = leaves;
        result?;
        if size > 1 {
            let budget = size - 1;
            while self.contexts[ctx].cursor.production < self.productions.len() {
                let p = self.contexts[ctx].cursor.production;
                let arity = self.productions[p].args.len();
                if (arity as u32) <= budget {
                    let mut parts = self.contexts[ctx].cursor.parts.take().unwrap_or_else(|| {
                        let mut parts = vec![1u32; arity];
                        if arity == 1 {
                            parts[0] = budget;
                        }
                        parts
                    });
                    loop {
                        if parts.iter().sum::<u32>() == budget {
                            // Saved first: the call may yield part-way.
                            self.contexts[ctx].cursor.parts = Some(parts.clone());
                            self.apply_all(ctx, p, &parts)?;
                        }
                        if !next_parts(&mut parts, budget) {
                            break;
                        }
                    }
                }
                let cursor = &mut self.contexts[ctx].cursor;
                cursor.parts = None;
                cursor.production += 1;
            }
            if ctx == 0 {
                self.comprehensions(size)?;
            }
        }
        self.contexts[ctx].built = size;
        Ok(())
    }

    /// Applies production `p` to every combination of terms with these
    /// sizes, from the context's saved combination on.
    fn apply_all(&mut self, ctx: usize, p: usize, parts: &[u32]) -> Result<(), Halt> {
        let lists: Vec<Vec<TermId>> = parts
            .iter()
            .zip(&self.productions[p].args)
            .map(|(s, ty)| self.contexts[ctx].bank.get(&(*ty, *s)).cloned().unwrap_or_default())
            .collect();
        if lists.iter().any(Vec::is_empty) {
            return Ok(());
        }
        let size = 1 + parts.iter().sum::<u32>();
        let mut idx = self.contexts[ctx].cursor.combination.take().unwrap_or_else(|| vec![0usize; lists.len()]);
        let mut frame: Vec<Option<Value>> = vec![None; lists.len() + self.param_slots];
        loop {
            if let Err(halt) = self.tick() {
                self.contexts[ctx].cursor.combination = Some(idx);
                return Err(halt);
            }
            let children: Vec<TermId> = idx.iter().zip(&lists).map(|(i, l)| l[*i]).collect();
            // Binary and ternary productions over constants alone make constants;
            // unary ones are kept (`str(1)` is how `'1'` comes into play).
            let all_const = self.config.grammar.is_none()
                && children.len() > 1
                && children.iter().all(|&c| self.contexts[ctx].terms[c].konst);
            if !all_const {
                self.apply(ctx, p, &children, size, &mut frame)?;
            }
            // Next combination.
            let mut d = lists.len();
            loop {
                if d == 0 {
                    return Ok(());
                }
                d -= 1;
                idx[d] += 1;
                if idx[d] < lists[d].len() {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    /// Applies production `p` to `children` and keeps the result.
    fn apply(
        &mut self,
        ctx: usize,
        p: usize,
        children: &[TermId],
        size: u32,
        frame: &mut Vec<Option<Value>>,
    ) -> Result<(), Halt> {
        let n = self.contexts[ctx].n_examples;
        let n_children = children.len();
        {
            let mut vals = Vec::with_capacity(n);
            let mut any_ok = false;
            for k in 0..n {
                for (slot, c) in frame.iter_mut().zip(children) {
                    *slot = self.contexts[ctx].vals[*c][k].clone();
                }
                // A grammar's rules read the parameters (outer context only: a
                // grammar has no comprehensions).
                if self.param_slots > 0 {
                    for (slot, v) in frame[n_children..].iter_mut().zip(&self.param_values[k]) {
                        *slot = Some(v.clone());
                    }
                }
                self.interp.reset_budget();
                let v = self.interp.eval_with_locals(&self.productions[p].template, frame).ok();
                any_ok |= v.is_some();
                vals.push(v);
            }
            if any_ok {
                let ty = self.productions[p].ret;
                self.add(ctx, ty, size, Node::App(p, children.to_vec()), vals, false)?;
            }
        }
        Ok(())
    }

    /// Before each evaluation: yields when an offer waits or the limit is
    /// reached (time every 1,024 evaluations), else counts the evaluation.
    fn tick(&mut self) -> Result<(), Halt> {
        if !self.pending.is_empty() || self.stats.distinct >= self.limit.distinct {
            return Err(Halt::Yield);
        }
        if self.stats.evaluated.is_multiple_of(1024) && self.limit.expired() {
            return Err(Halt::Yield);
        }
        self.stats.evaluated += 1;
        Ok(())
    }

    fn comp_cursor(&mut self) -> &mut CompCursor {
        &mut self.contexts[0].cursor.comp
    }

    /// Builds `[b for x in src]`, `[x for x in src if c]` and
    /// `[b for x in src if c]` of this size, from the outer cursor on.
    fn comprehensions(&mut self, size: u32) -> Result<(), Halt> {
        let bool_ty = self.types.iter().position(|t| *t == Type::Bool);
        while self.contexts[0].cursor.comp.ctx < self.contexts.len() {
            let ctx = self.contexts[0].cursor.comp.ctx;
            let src_size = self.contexts[ctx].origin.as_ref().map(|o| o.src_size);
            if let Some(src_size) = src_size.filter(|s| size >= s + 2) {
                let rest = size - 1 - src_size;
                self.build_inner(ctx, rest)?;
                if self.comp_cursor().phase == 0 {
                    // Map: body of size `rest`.
                    let bodies = self.terms_of_size(ctx, rest, None);
                    while let Some(&b) = bodies.get(self.comp_cursor().i) {
                        self.add_comp(ctx, size, Some(b), None)?;
                        self.comp_cursor().i += 1;
                    }
                    *self.comp_cursor() = CompCursor { ctx, phase: 1, ..CompCursor::default() };
                }
                if let Some(bt) = bool_ty {
                    if self.comp_cursor().phase == 1 {
                        // Filter: `x` costs 1, the condition the rest.
                        if rest >= 2 {
                            let conds = self.terms_of_size(ctx, rest - 1, Some(bt));
                            while let Some(&c) = conds.get(self.comp_cursor().i) {
                                self.add_comp(ctx, size, None, Some(c))?;
                                self.comp_cursor().i += 1;
                            }
                        }
                        *self.comp_cursor() = CompCursor { ctx, phase: 2, ..CompCursor::default() };
                    }
                    // Map and filter.
                    while self.comp_cursor().body_size < rest {
                        let bs = self.comp_cursor().body_size;
                        let bodies = self.terms_of_size(ctx, bs, None);
                        let conds = self.terms_of_size(ctx, rest - bs, Some(bt));
                        while let Some(&b) = bodies.get(self.comp_cursor().i) {
                            let single_var =
                                self.contexts[ctx].origin.as_ref().filter(|o| o.vars.len() == 1).map(|o| &o.vars[0]);
                            let is_var =
                                matches!(&self.contexts[ctx].terms[b].node, Node::Leaf(t) if Some(t) == single_var);
                            // The plain variable is the filter above.
                            if !is_var {
                                while let Some(&c) = conds.get(self.comp_cursor().j) {
                                    self.add_comp(ctx, size, Some(b), Some(c))?;
                                    self.comp_cursor().j += 1;
                                }
                            }
                            let cursor = self.comp_cursor();
                            cursor.j = 0;
                            cursor.i += 1;
                        }
                        let cursor = self.comp_cursor();
                        cursor.i = 0;
                        cursor.body_size += 1;
                    }
                }
            }
            *self.comp_cursor() = CompCursor { ctx: ctx + 1, ..CompCursor::default() };
        }
        Ok(())
    }

    fn build_inner(&mut self, ctx: usize, upto: u32) -> Result<(), Halt> {
        for s in 1..=upto {
            self.build(ctx, s)?;
        }
        Ok(())
    }

    fn terms_of_size(&self, ctx: usize, size: u32, ty: Option<TyId>) -> Vec<TermId> {
        let c = &self.contexts[ctx];
        let mut out = Vec::new();
        for ((t, s), ids) in &c.bank {
            if *s == size && ty.is_none_or(|x| x == *t) {
                out.extend_from_slice(ids);
            }
        }
        out.sort_unstable();
        out
    }

    fn add_comp(&mut self, ctx: usize, size: u32, body: Option<TermId>, cond: Option<TermId>) -> Result<(), Halt> {
        self.tick()?;
        let c = &self.contexts[ctx];
        let Some(origin) = &c.origin else { return Ok(()) };
        let elem_ty = match (body, origin.src) {
            (Some(b), _) => c.terms[b].ty,
            // `[x for x in S if c]`, `[i for i in range(len(S)) if c]`: the variable.
            (None, Source::Term(_) | Source::Range(_)) => c.terms[0].ty,
            (None, _) => return Ok(()),
        };
        let list_ty = Type::list(self.types[elem_ty].clone());
        let Some(list_ty) = self.types.iter().position(|t| *t == list_ty) else { return Ok(()) };
        let n_outer = self.contexts[0].n_examples;
        let mut items: Vec<Option<Vec<Value>>> = (0..n_outer)
            .map(|k| origin.src.terms().iter().all(|&t| self.contexts[0].vals[t][k].is_some()).then(Vec::new))
            .collect();
        let var_vals = &c.vals[0]; // the variable is the first leaf, term 0
        for (i, &k) in origin.owner.iter().enumerate() {
            let Some(list) = items[k].as_mut() else { continue };
            if let Some(ct) = cond {
                match &c.vals[ct][i] {
                    Some(Value::Bool(true)) => {}
                    Some(_) => continue,
                    None => {
                        items[k] = None;
                        continue;
                    }
                }
            }
            let v = match body {
                Some(b) => c.vals[b][i].clone(),
                None => var_vals[i].clone(),
            };
            match v {
                Some(v) => list.push(v),
                None => items[k] = None,
            }
        }
        let vals: Vec<Option<Value>> = items.into_iter().map(|i| i.map(Value::list)).collect();
        if vals.iter().all(Option::is_none) {
            return Ok(());
        }
        self.add(0, list_ty, size, Node::Comp { ctx, body, cond }, vals, false)
    }

    /// Keeps a term unless an equivalent one exists; offers it when it is of
    /// the return type and does better than any before.
    fn add(
        &mut self,
        ctx: usize,
        ty: TyId,
        size: u32,
        node: Node,
        vals: Vec<Option<Value>>,
        konst: bool,
    ) -> Result<(), Halt> {
        let mut h = FxHasher::default();
        for v in &vals {
            match v {
                Some(v) => hash_value(v, &mut h),
                None => 0xE7u8.hash(&mut h),
            }
        }
        let key = (ty, h.finish());
        let c = &mut self.contexts[ctx];
        if let Some(ids) = c.seen.get(&key)
            && ids.iter().any(|&i| same_vals(&c.vals[i], &vals))
        {
            return Ok(());
        }
        if self.n_terms >= self.config.max_terms {
            return Err(Halt::Memory);
        }
        let id = c.terms.len();
        c.seen.entry(key).or_default().push(id);
        c.bank.entry((ty, size)).or_default().push(id);
        c.terms.push(Term { ty, node, konst, size });
        c.vals.push(vals);
        self.n_terms += 1;
        // Candidates are the outer context's terms; inner ones are parts of
        // comprehensions (the memory limit counts both).
        if ctx == 0 {
            self.stats.distinct += 1;
        }

        if ctx == 0 {
            // Small sequences become comprehension sources.
            if size <= 3 && self.contexts.len() <= 12 && self.iterable.contains_key(&ty) {
                self.new_inner_context(Source::Term(id), size);
            }
            // The idioms: indices and `enumerate` of the parameters, `zip` of
            // two of them or of one with a small term (`zip(xs, xs[1:])`).
            // Lists only: over strings these idioms are rare, and they cost
            // the string searches time.
            if self.config.idioms
                && size <= 2
                && !konst
                && matches!(self.types[ty], Type::List(_))
                && self.contexts.len() <= 24
            {
                if size == 1 {
                    self.new_inner_context(Source::Range(id), 3);
                    self.new_inner_context(Source::Enumerate(id), 2);
                }
                let mut others: Vec<(TermId, u32)> = self.contexts[0]
                    .bank
                    .iter()
                    .filter(|((t, s), _)| *s <= 2 && (*s == 1 || size == 1) && matches!(self.types[*t], Type::List(_)))
                    .flat_map(|((_, s), ids)| ids.iter().map(move |&i| (i, *s)))
                    .filter(|&(o, _)| o != id && !self.contexts[0].terms[o].konst)
                    .collect();
                others.sort_unstable();
                for (o, s) in others {
                    self.new_inner_context(Source::Zip(o, id), 1 + s + size);
                }
            }
            if ty == self.ret {
                let right = self.right(id);
                if let Some(u) = self.unify.as_mut() {
                    u.note(id, &right);
                }
                let passed = right.iter().filter(|r| **r).count();
                if passed == right.len() || passed > self.best_passed {
                    self.best_passed = self.best_passed.max(passed);
                    let body = format!("return {}", self.render(0, id));
                    self.pending.push_back(Offer { body, passed });
                }
            }
        }
        Ok(())
    }

    /// On which examples a term of the return type is right: equal to the
    /// expected result, or (spec cases) accepted by `ensures`.
    fn right(&mut self, id: TermId) -> Vec<bool> {
        let vals = &self.contexts[0].vals[id];
        let mut out: Vec<bool> =
            vals.iter().zip(&self.expected).map(|(v, e)| v.as_ref().is_some_and(|v| v == e)).collect();
        let n = self.expected.len();
        for (i, (args, ensures)) in self.config.spec_cases.iter().enumerate() {
            let ok = match &self.contexts[0].vals[id][n + i] {
                Some(v) => {
                    let mut call = args.clone();
                    call.push(v.clone());
                    self.interp.reset_budget();
                    matches!(self.interp.call(*ensures, call), Ok(Value::Bool(true)))
                }
                None => false,
            };
            out.push(ok);
        }
        out
    }

    /// The items of a sequence value (a string's characters).
    fn items(v: &Option<Value>) -> Vec<Value> {
        match v {
            Some(Value::Str(s)) => s.chars().map(|c| Value::str(c.to_string())).collect(),
            Some(Value::List(l)) => l.borrow().clone(),
            Some(Value::Tuple(t)) => t.to_vec(),
            _ => Vec::new(),
        }
    }

    /// A variable name not taken by the target's parameters or `taken`.
    fn fresh(&self, prefs: &[&str], taken: &[String]) -> String {
        prefs
            .iter()
            .map(|s| s.to_string())
            .find(|n| !self.used_names.contains(n) && !taken.contains(n))
            .unwrap_or_else(|| format!("v{}_{}", self.contexts.len(), taken.len()))
    }

    /// An inner context over the elements of `src`: one leaf per variable,
    /// then the outer leaves.
    fn new_inner_context(&mut self, src: Source, src_size: u32) {
        let elem_of = |e: &Enumerator<'_>, t: TermId| e.iterable.get(&e.contexts[0].terms[t].ty).copied();
        let int = self.types.iter().position(|t| *t == Type::Int);
        let (vars, var_tys): (Vec<String>, Vec<TyId>) = match src {
            Source::Term(t) => {
                // A source with the same value in every example (a constant) gives
                // comprehensions that do not depend on the input.
                let vals = &self.contexts[0].vals[t];
                if vals.len() > 1
                    && vals.iter().all(|v| match (v, &vals[0]) {
                        (Some(a), Some(b)) => same(a, b),
                        _ => false,
                    })
                {
                    return;
                }
                let Some(elem) = elem_of(self, t) else { return };
                let is_str = self.types[elem] == Type::Str;
                let prefs: &[&str] = if is_str { &["c", "w", "y", "v", "item"] } else { &["x", "w", "y", "v", "item"] };
                (vec![self.fresh(prefs, &[])], vec![elem])
            }
            Source::Range(_) => {
                let Some(int) = int else { return };
                (vec![self.fresh(&["i", "k", "j"], &[])], vec![int])
            }
            Source::Enumerate(t) => {
                let (Some(int), Some(elem)) = (int, elem_of(self, t)) else { return };
                let i = self.fresh(&["i", "k", "j"], &[]);
                let x = self.fresh(&["x", "v", "y"], std::slice::from_ref(&i));
                (vec![i, x], vec![int, elem])
            }
            Source::Zip(a, b) => {
                let (Some(ea), Some(eb)) = (elem_of(self, a), elem_of(self, b)) else { return };
                let va = self.fresh(&["a", "p", "u"], &[]);
                let vb = self.fresh(&["b", "q", "w"], std::slice::from_ref(&va));
                (vec![va, vb], vec![ea, eb])
            }
        };
        let mut owner = Vec::new();
        let mut elems: Vec<Vec<Value>> = vec![Vec::new(); vars.len()];
        for k in 0..self.contexts[0].n_examples {
            let rows: Vec<Vec<Value>> = match src {
                Source::Term(t) => Self::items(&self.contexts[0].vals[t][k]).into_iter().map(|v| vec![v]).collect(),
                Source::Range(t) => {
                    (0..Self::items(&self.contexts[0].vals[t][k]).len()).map(|i| vec![Value::Int(i as i64)]).collect()
                }
                Source::Enumerate(t) => Self::items(&self.contexts[0].vals[t][k])
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| vec![Value::Int(i as i64), v])
                    .collect(),
                Source::Zip(a, b) => Self::items(&self.contexts[0].vals[a][k])
                    .into_iter()
                    .zip(Self::items(&self.contexts[0].vals[b][k]))
                    .map(|(x, y)| vec![x, y])
                    .collect(),
            };
            for row in rows {
                owner.push(k);
                for (col, v) in elems.iter_mut().zip(row) {
                    col.push(v);
                }
            }
        }
        if owner.is_empty() || owner.len() > 2_000 {
            return;
        }
        let mut leaves: Vec<Leaf> = vars
            .iter()
            .zip(&var_tys)
            .zip(elems)
            .map(|((v, t), col)| Leaf::new(v.clone(), *t, col.into_iter().map(Some).collect()))
            .collect();
        for (i, (name, ty)) in self.outer_leaf_specs.iter().enumerate() {
            let vals = owner.iter().map(|&k| Some(self.param_values[k][i].clone())).collect();
            leaves.push(Leaf::new(name.clone(), *ty, vals));
        }
        for (text, ty, v, cost) in &self.const_leaves {
            leaves.push(Leaf {
                text: text.clone(),
                ty: *ty,
                vals: vec![Some(v.clone()); owner.len()],
                cost: *cost,
                konst: true,
            });
        }
        let n = owner.len();
        leaves.retain(|l| self.useful.contains(&l.ty));
        // Every variable must be usable (and the first stays term 0).
        if leaves.len() < vars.len() || leaves.iter().zip(&vars).any(|(l, v)| l.text != *v) {
            return;
        }
        self.contexts.push(Context::new(n, leaves, Some(Origin { src, src_size, vars, owner })));
    }

    /// The expression's source, with the fewest parentheses.
    fn render(&self, ctx: usize, id: TermId) -> String {
        let raw = self.render_raw(ctx, id);
        let (ast, diags) = parser::parse_expression(&raw);
        if diags.is_empty() { printer::expr(&ast) } else { raw }
    }

    fn render_raw(&self, ctx: usize, id: TermId) -> String {
        let c = &self.contexts[ctx];
        match &c.terms[id].node {
            Node::Leaf(text) => text.clone(),
            Node::App(p, children) => {
                let mut out = self.productions[*p].text.clone();
                for (i, ch) in children.iter().enumerate() {
                    let inner = self.render_raw(ctx, *ch);
                    let wrapped = if matches!(c.terms[*ch].node, Node::Leaf(_)) && !inner.starts_with('-') {
                        inner
                    } else {
                        format!("({inner})")
                    };
                    out = out.replace(&format!("{{{i}}}"), &wrapped);
                }
                out
            }
            Node::Comp { ctx: inner, body, cond } => {
                let Some(origin) = &self.contexts[*inner].origin else { return String::new() };
                let src = match origin.src {
                    Source::Term(t) => self.render_raw(0, t),
                    Source::Range(t) => format!("range(len({}))", self.render_raw(0, t)),
                    Source::Enumerate(t) => format!("enumerate({})", self.render_raw(0, t)),
                    Source::Zip(a, b) => format!("zip({}, {})", self.render_raw(0, a), self.render_raw(0, b)),
                };
                let body = body.map_or_else(|| origin.vars[0].clone(), |b| self.render_raw(*inner, b));
                let cond = cond.map(|c| format!(" if {}", self.render_raw(*inner, c))).unwrap_or_default();
                format!("[{body} for {} in {src}{cond}]", origin.vars.join(", "))
            }
        }
    }
}

impl Context {
    fn new(n_examples: usize, leaves: Vec<Leaf>, origin: Option<Origin>) -> Context {
        Context {
            n_examples,
            leaves,
            terms: Vec::new(),
            vals: Vec::new(),
            bank: HashMap::default(),
            seen: HashMap::default(),
            built: 0,
            cursor: Cursor::default(),
            origin,
        }
    }
}

/// The next tuple of `parts.len()` positive parts summing to at most
/// `budget` (odometer order); false after the last. One part has only the
/// tuple the caller starts with.
fn next_parts(parts: &mut [u32], budget: u32) -> bool {
    let k = parts.len();
    if k <= 1 {
        return false;
    }
    // Increment like an odometer over 1..=budget, skipping sums over budget.
    loop {
        let mut d = k;
        loop {
            if d == 0 {
                return false;
            }
            d -= 1;
            parts[d] += 1;
            if parts[d] <= budget {
                break;
            }
            parts[d] = 1;
        }
        if parts.iter().sum::<u32>() <= budget {
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    fn problem(sig: &str, tests: &[(&str, &str)]) -> Problem {
        let mut text = format!("program = '''\n@synthesize\n{sig}:\n    ...\n'''\n");
        for (args, expect) in tests {
            text.push_str(&format!("[[tests]]\nargs = {args}\nexpect = {expect}\n"));
        }
        Problem::parse(std::path::Path::new("t.toml"), &text).expect("problem loads")
    }

    fn enumerator(p: &Problem) -> Enumerator<'_> {
        let visible: Vec<TestCase> = p.visible_tests(p.targets[0].func).map(|t| t.case.clone()).collect();
        Enumerator::new(&p.program, p.targets[0].func, &visible, EnumConfig::default()).expect("no constants")
    }

    /// Pulls offers until one passes every visible test (or `limit` says
    /// pause, `slice` distinct expressions at a time): the offers, in order.
    fn offers(e: &mut Enumerator<'_>, n: usize, slice: u64) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        loop {
            let limit = PullLimit { distinct: e.stats.distinct + slice, ..PullLimit::none() };
            match e.pull(&limit) {
                Pull::Offer(o) => {
                    let done = o.passed == n;
                    out.push((o.body, o.passed));
                    if done || e.stats.distinct > 200_000 {
                        return out;
                    }
                }
                Pull::Paused => {}
                Pull::End(_) => return out,
            }
        }
    }

    fn first_solution(p: &Problem) -> (String, Enumerator<'_>) {
        let n = p.visible_tests(p.targets[0].func).count();
        let mut e = enumerator(p);
        let found = offers(&mut e, n, u64::MAX / 2);
        let (body, passed) = found.last().cloned().expect("an offer");
        assert_eq!(passed, n, "{found:?}");
        (body, e)
    }

    #[test]
    fn pulls_resume_where_they_paused() {
        // Comprehensions over inner contexts, maps with filters: every stage
        // of the cursor is crossed by pauses.
        let p = problem(
            "def f(xs: list[int]) -> list[int]",
            &[("[[1, -2, 3]]", "[2, 6]"), ("[[0, 5]]", "[10]"), ("[[-1, 4, -3, 2]]", "[8, 4]")],
        );
        let mut whole = enumerator(&p);
        let expected = offers(&mut whole, 3, u64::MAX / 2);
        assert_eq!(expected.last().map(|o| o.0.as_str()), Some("return [x + x for x in xs if 0 < x]"));
        for slice in [1, 7, 100] {
            let mut sliced = enumerator(&p);
            assert_eq!(offers(&mut sliced, 3, slice), expected, "slices of {slice}");
            assert_eq!(
                (sliced.stats.evaluated, sliced.stats.distinct),
                (whole.stats.evaluated, whole.stats.distinct),
                "slices of {slice}"
            );
        }
        // A deadline in the past pauses at once, without losing anything.
        let mut e = enumerator(&p);
        let past = PullLimit { deadline: Some(Instant::now()), ..PullLimit::none() };
        assert!(matches!(e.pull(&past), Pull::Paused));
        assert_eq!(offers(&mut e, 3, u64::MAX / 2), expected);
    }

    #[test]
    fn finds_the_smallest_natural_program() {
        let p = problem("def f(s: str) -> str", &[("[\"world hello\"]", "\"world\""), ("[\"a b c\"]", "\"a\"")]);
        assert_eq!(first_solution(&p).0, "return s.split()[0]");
        let p = problem(
            "def f(xs: list[int]) -> list[int]",
            &[("[[1, -2, 3]]", "[1, 3]"), ("[[0, 5]]", "[5]"), ("[[-1, 4, -3, 2]]", "[4, 2]")],
        );
        assert_eq!(first_solution(&p).0, "return [x for x in xs if 0 < x]");
    }

    #[test]
    fn keeps_one_expression_per_output_vector() {
        let p = problem("def f(a: int, b: int) -> int", &[("[3, 4]", "-1"), ("[10, 2]", "8"), ("[0, 0]", "0")]);
        let (body, e) = first_solution(&p);
        assert_eq!(body, "return a - b");
        let c = &e.contexts[0];
        for (i, t) in c.terms.iter().enumerate() {
            for j in 0..i {
                assert!(
                    c.terms[j].ty != t.ty || !same_vals(&c.vals[i], &c.vals[j]),
                    "{} and {} are equivalent",
                    e.render(0, j),
                    e.render(0, i)
                );
            }
        }
    }

    #[test]
    fn parts_cover_every_composition() {
        let mut parts = vec![1, 1];
        let mut seen = vec![parts.clone()];
        while next_parts(&mut parts, 4) {
            seen.push(parts.clone());
        }
        let exact: Vec<_> = seen.into_iter().filter(|p| p.iter().sum::<u32>() == 4).collect();
        assert_eq!(exact, [vec![1, 3], vec![2, 2], vec![3, 1]]);
    }

    #[test]
    fn templates_check_at_their_types() {
        let p = Program { functions: Vec::new(), consts: Vec::new(), n_holes: 0 };
        let t = check_template(&p, "{0}[::-1]", &[Type::list(Type::Str)]);
        assert_eq!(t.map(|t| t.0), Some(Type::list(Type::Str)));
        assert!(check_template(&p, "{0}.upper()", &[Type::Int]).is_none());
    }
}

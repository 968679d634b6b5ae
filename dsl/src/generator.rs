//! A generator of random well-typed programs and inputs, seeded and
//! reproducible. It is a library so that one generator serves the
//! differential tests (interpreter vs CPython, later vs Wasm and Z3),
//! fuzzing, and the synthetic training corpus of the default model.
//!
//! Programs terminate by construction in the common case (loops run over
//! small ranges or bounded collections, `while` loops carry a counter), and
//! every generated program type-checks: a checker error is a generator bug.

use crate::ast::*;
use crate::printer;
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Size settings.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Statements in the entry function's top level.
    pub max_stmts: usize,
    /// Expression depth.
    pub max_expr_depth: usize,
    /// Nesting of compound statements.
    pub max_block_depth: usize,
    /// How many input tuples to generate.
    pub n_inputs: usize,
    /// Only `int`, `float` and `bool` values and the constructs over them
    /// (no strings, containers, float `//`, `%`, `**` or `round(x, n)`):
    /// small numeric programs, e.g. for the enumerator's tests.
    pub scalars_only: bool,
    /// No floats, and mostly what the Z3 encoding covers (the SMT
    /// differential test): ints, bools, strings, lists and tuples of ints,
    /// without the string methods SMT has no theory for.
    pub smt_fragment: bool,
}

impl Default for GenConfig {
    fn default() -> GenConfig {
        GenConfig {
            max_stmts: 6,
            max_expr_depth: 3,
            max_block_depth: 2,
            n_inputs: 3,
            scalars_only: false,
            smt_fragment: false,
        }
    }
}

/// A generated program with inputs for its entry function.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The program as an AST.
    pub module: Module,
    /// The program as source.
    pub source: String,
    /// The function to call.
    pub entry: String,
    /// Its parameter types.
    pub param_types: Vec<Type>,
    /// Argument tuples for the entry function.
    pub inputs: Vec<Vec<Value>>,
}

/// Generates program number `seed`.
pub fn generate(seed: u64, config: &GenConfig) -> Generated {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        config: config.clone(),
        scope: Vec::new(),
        counter: 0,
        helpers: Vec::new(),
        loop_depth: 0,
        frozen: Vec::new(),
    };
    let mut items = Vec::new();
    if g.chance(0.4) {
        let helper = g.function("helper", 2, 0);
        items.push(Item::Function(helper.0));
        g.helpers.push(("helper".to_string(), helper.1, helper.2));
    }
    let n_params = 1 + g.below(3);
    let (f, param_types, _) = g.function("f", n_params, config.max_stmts);
    items.push(Item::Function(f));
    let module = Module { items };
    let source = printer::module(&module);
    let inputs = (0..config.n_inputs).map(|_| param_types.iter().map(|t| g.value(t)).collect()).collect();
    Generated { module, source, entry: "f".into(), param_types, inputs }
}

/// A random value of a type, as test inputs use.
pub fn random_value(seed: u64, ty: &Type) -> Value {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        config: GenConfig::default(),
        scope: Vec::new(),
        counter: 0,
        helpers: Vec::new(),
        loop_depth: 0,
        frozen: Vec::new(),
    };
    g.value(ty)
}

/// A random well-typed expression of type `ty` over the variables in
/// `scope` (name and type, all assigned where it goes), at most `depth`
/// deep: new terms for mutation operators (`synth evolve`). With
/// `scalars_only`, only numbers and the constructs over them, plus indexing
/// and counting of the scope's containers.
pub fn random_expr(seed: u64, scope: &[(String, Type)], ty: &Type, depth: usize, scalars_only: bool) -> Expr {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        config: GenConfig { scalars_only, ..GenConfig::default() },
        scope: scope.to_vec(),
        counter: 0,
        helpers: Vec::new(),
        loop_depth: 0,
        frozen: scope.iter().map(|(n, _)| n.clone()).collect(),
    };
    g.expr(ty, depth)
}

const ALPHABET: &[char] = &['a', 'b', 'c', 'x', 'A', 'B', 'Z', '0', '1', '7', ' ', ',', '.', '-', '_', 'é', 'ß', '中'];
const FLOATS: &[f64] = &[0.0, 0.5, 1.0, -1.5, 2.25, 3.75, 1e-7, 1e16, 100.0, -7.75, 0.1, 2.5];

const WORDS: &[&str] =
    &["", "a", "ab", "abc", "Hello World", " x y ", "a,b,c", "2024-01-15", "AbC", "123", "-42", "é中"];

/// In `scalars_only` mode: may production `pick` of `expr` build a `t`?
fn scalar_production(t: &Type, pick: usize) -> bool {
    match t {
        Type::Int => matches!(pick, 0..=3 | 5 | 7 | 12 | 13 | 15),
        Type::Float => matches!(pick, 0..=5 | 8 | 10 | 12..=15),
        Type::Bool => matches!(pick, 0..=4 | 6 | 7 | 12..=15),
        _ => false,
    }
}

/// In `smt_fragment` mode: may production `pick` of `expr` build a `t`?
fn smt_production(t: &Type, pick: usize) -> bool {
    match t {
        Type::Int => !matches!(pick, 8 | 11),
        Type::Float => false,
        Type::Bool => !matches!(pick, 4 | 8 | 9),
        Type::Str => !matches!(pick, 6..=9 | 11 | 14),
        Type::List(inner) if **inner == Type::Int => !matches!(pick, 5 | 8),
        _ => true,
    }
}

/// The value types programs are generated over.
fn all_value_types() -> Vec<Type> {
    vec![
        Type::Int,
        Type::Float,
        Type::Bool,
        Type::Str,
        Type::list(Type::Int),
        Type::list(Type::Str),
        Type::tuple_of(Type::Int),
        Type::Tuple(vec![Type::Int, Type::Str]),
    ]
}

fn sp() -> Span {
    Span::default()
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, sp())
}

fn name(n: &str) -> Expr {
    e(ExprKind::Name(n.to_string()))
}

fn ident(n: &str) -> Ident {
    Ident { name: n.to_string(), span: sp() }
}

fn int(v: i64) -> Expr {
    if v < 0 {
        e(ExprKind::Unary(UnaryOp::Neg, Box::new(e(ExprKind::Int(v.unsigned_abs())))))
    } else {
        e(ExprKind::Int(v as u64))
    }
}

fn string(s: &str) -> Expr {
    e(ExprKind::Str(s.to_string()))
}

fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    e(ExprKind::Binary(op, Box::new(a), Box::new(b)))
}

fn call(f: &str, args: Vec<Expr>) -> Expr {
    e(ExprKind::Call { func: Box::new(name(f)), args, keywords: Vec::new() })
}

fn call_kw(f: &str, args: Vec<Expr>, kw: &str, v: Expr) -> Expr {
    e(ExprKind::Call { func: Box::new(name(f)), args, keywords: vec![Keyword { name: ident(kw), value: v }] })
}

fn method(recv: Expr, m: &str, args: Vec<Expr>) -> Expr {
    e(ExprKind::Call { func: Box::new(e(ExprKind::Attribute(Box::new(recv), ident(m)))), args, keywords: Vec::new() })
}

fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    e(ExprKind::Compare(Box::new(a), vec![(op, b)]))
}

fn type_expr(t: &Type) -> TypeExpr {
    let g =
        |n: &str, args: Vec<TypeExpr>, ellipsis: bool| TypeExpr::Generic { name: ident(n), args, ellipsis, span: sp() };
    match t {
        Type::Int => TypeExpr::Name(ident("int")),
        Type::Float => TypeExpr::Name(ident("float")),
        Type::Bool => TypeExpr::Name(ident("bool")),
        Type::Str => TypeExpr::Name(ident("str")),
        Type::None => TypeExpr::Name(ident("None")),
        Type::List(t) => g("list", vec![type_expr(t)], false),
        Type::TupleOf(t) => g("tuple", vec![type_expr(t)], true),
        Type::Tuple(items) => g("tuple", items.iter().map(type_expr).collect(), false),
    }
}

struct Gen {
    rng: ChaCha8Rng,
    config: GenConfig,
    /// Variables that are assigned on every path to here, with their types.
    scope: Vec<(String, Type)>,
    counter: usize,
    /// Callable helpers: name, parameter types, return type.
    helpers: Vec<(String, Vec<Type>, Type)>,
    loop_depth: usize,
    /// Lists being iterated over: never appended to (that would not end).
    frozen: Vec<String>,
}

impl Gen {
    fn value_types(&self) -> Vec<Type> {
        if self.config.scalars_only {
            vec![Type::Int, Type::Float, Type::Bool]
        } else if self.config.smt_fragment {
            vec![Type::Int, Type::Int, Type::Bool, Type::Str, Type::list(Type::Int), Type::tuple_of(Type::Int)]
        } else {
            all_value_types()
        }
    }

    fn below(&mut self, n: usize) -> usize {
        if n <= 1 { 0 } else { self.rng.random_range(0..n) }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn small_int(&mut self) -> i64 {
        match self.below(10) {
            0 => self.rng.random_range(-1000..1000),
            1 => self.rng.random_range(-(1i64 << 40)..(1i64 << 40)),
            _ => self.rng.random_range(-5..10),
        }
    }

    fn value(&mut self, t: &Type) -> Value {
        match t {
            Type::Int => Value::Int(self.small_int()),
            Type::Float => {
                let f = self.pick(FLOATS);
                Value::Float(if self.chance(0.3) { -f } else { f })
            }
            Type::Bool => Value::Bool(self.chance(0.5)),
            Type::Str => {
                if self.chance(0.4) {
                    Value::str(self.pick(WORDS))
                } else {
                    let n = self.below(7);
                    Value::str((0..n).map(|_| self.pick(ALPHABET)).collect::<String>())
                }
            }
            Type::List(inner) => {
                let n = self.below(6);
                Value::list((0..n).map(|_| self.value(inner)).collect())
            }
            Type::TupleOf(inner) => {
                let n = self.below(5);
                Value::tuple((0..n).map(|_| self.value(inner)).collect())
            }
            Type::Tuple(items) => Value::tuple(items.iter().map(|t| self.value(t)).collect()),
            Type::None => Value::None,
        }
    }

    /// A literal expression of type `t` (never an empty list: its type could not be inferred).
    fn literal(&mut self, t: &Type) -> Expr {
        match t {
            Type::Int => int(self.small_int()),
            Type::Float => {
                let f = self.pick(FLOATS);
                if self.chance(0.3) && f != 0.0 {
                    e(ExprKind::Unary(UnaryOp::Neg, Box::new(e(ExprKind::Float(f)))))
                } else {
                    e(ExprKind::Float(f))
                }
            }
            Type::Bool => e(ExprKind::Bool(self.chance(0.5))),
            Type::Str => {
                let Value::Str(s) = self.value(&Type::Str) else {
                    return string("");
                };
                string(&s)
            }
            Type::List(inner) => {
                let n = 1 + self.below(4);
                e(ExprKind::List((0..n).map(|_| self.literal(inner)).collect()))
            }
            // Non-empty: `()` has no element type to iterate with.
            Type::TupleOf(inner) => {
                let n = 1 + self.below(3);
                e(ExprKind::Tuple((0..n).map(|_| self.literal(inner)).collect()))
            }

            Type::Tuple(items) => e(ExprKind::Tuple(items.iter().map(|t| self.literal(t)).collect())),
            Type::None => e(ExprKind::None),
        }
    }

    fn vars_of(&self, t: &Type) -> Vec<String> {
        self.scope.iter().filter(|(_, vt)| vt == t).map(|(n, _)| n.clone()).collect()
    }

    fn var_or_literal(&mut self, t: &Type) -> Expr {
        let vars = self.vars_of(t);
        if !vars.is_empty() && self.chance(0.7) {
            let v = self.pick(&vars);
            return name(&v);
        }
        self.literal(t)
    }

    /// An iterable expression and its element type.
    fn iterable(&mut self, depth: usize) -> (Expr, Type) {
        let n = if self.config.scalars_only { 2 } else { 7 };
        match self.below(n) {
            0 => {
                let hi = self.rng.random_range(0..8);
                (call("range", vec![int(hi)]), Type::Int)
            }
            1 => {
                let lo = self.rng.random_range(-3..3);
                let hi = self.rng.random_range(-2..8);
                let step = self.pick(&[1, 2, -1, 3]);
                (call("range", vec![int(lo), int(hi), int(step)]), Type::Int)
            }
            2 => (self.expr(&Type::Str, depth), Type::Str),
            3 => (self.expr(&Type::list(Type::Str), depth), Type::Str),
            4 => (self.expr(&Type::tuple_of(Type::Int), depth), Type::Int),
            5 => {
                let xs = self.expr(&Type::list(Type::Int), depth);
                (call("enumerate", vec![xs]), Type::Tuple(vec![Type::Int, Type::Int]))
            }
            _ => (self.expr(&Type::list(Type::Int), depth), Type::Int),
        }
    }

    /// A comprehension `[elt for v in it if cond]` producing `elem` items.
    fn comprehension(&mut self, elem: &Type, depth: usize) -> Expr {
        let (it, item_ty) = self.iterable(depth.saturating_sub(1));
        let (target, bound): (Expr, Vec<(String, Type)>) = match &item_ty {
            Type::Tuple(ts) if ts.len() == 2 => {
                let (a, b) = (self.fresh("i"), self.fresh("v"));
                (e(ExprKind::Tuple(vec![name(&a), name(&b)])), vec![(a, ts[0].clone()), (b, ts[1].clone())])
            }
            t => {
                let v = self.fresh("c");
                (name(&v), vec![(v, t.clone())])
            }
        };
        let before = self.scope.len();
        self.scope.extend(bound);
        let ifs = if self.chance(0.4) { vec![self.expr(&Type::Bool, depth.saturating_sub(1))] } else { Vec::new() };
        let elt = self.expr(elem, depth.saturating_sub(1));
        self.scope.truncate(before);
        e(ExprKind::ListComp(Box::new(elt), vec![Comprehension { target, iter: it, ifs }]))
    }

    fn expr(&mut self, t: &Type, depth: usize) -> Expr {
        if depth == 0 || self.chance(0.25) {
            return self.var_or_literal(t);
        }
        let d = depth - 1;
        if self.chance(0.12)
            && let Some(e) = self.extra_expr(t, d)
        {
            return e;
        }
        let pick = loop {
            let p = self.below(16);
            let allowed = if self.config.scalars_only {
                scalar_production(t, p)
            } else if self.config.smt_fragment {
                smt_production(t, p)
            } else {
                true
            };
            if allowed {
                break p;
            }
        };
        match t {
            Type::Int => match pick {
                0 | 1 => {
                    let op = self.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
                    bin(op, self.expr(&Type::Int, d), self.expr(&Type::Int, d))
                }
                2 => {
                    let op = self.pick(&[BinOp::FloorDiv, BinOp::Mod]);
                    bin(op, self.expr(&Type::Int, d), self.expr(&Type::Int, d))
                }
                3 => {
                    let k = self.rng.random_range(0..4);
                    bin(BinOp::Pow, self.expr(&Type::Int, d), int(k))
                }
                4 => {
                    let s = self.pick(&[
                        Type::Str,
                        Type::list(Type::Int),
                        Type::list(Type::Str),
                        Type::tuple_of(Type::Int),
                    ]);
                    call("len", vec![self.expr(&s, d)])
                }
                5 => {
                    let f = self.pick(&["min", "max"]);
                    if self.config.scalars_only || self.chance(0.5) {
                        call(f, vec![self.expr(&Type::Int, d), self.expr(&Type::Int, d)])
                    } else {
                        call(f, vec![self.expr(&Type::list(Type::Int), d)])
                    }
                }
                6 => {
                    if self.chance(0.5) {
                        call("sum", vec![self.expr(&Type::list(Type::Int), d)])
                    } else {
                        let c = self.comprehension(&Type::Int, d);
                        call("sum", vec![c])
                    }
                }
                7 if self.config.smt_fragment => call("abs", vec![self.expr(&Type::Int, d)]),
                7 => match self.below(4) {
                    0 => call("int", vec![self.expr(&Type::Float, d)]),
                    1 => call("round", vec![self.expr(&Type::Float, d)]),
                    2 if !self.config.scalars_only => call("int", vec![call("str", vec![self.expr(&Type::Int, d)])]),
                    2 => call("int", vec![call("float", vec![self.expr(&Type::Int, d)])]),
                    _ => call("abs", vec![self.expr(&Type::Int, d)]),
                },
                8 => {
                    let m = self.pick(&["find", "count", "rfind"]);
                    method(self.expr(&Type::Str, d), m, vec![self.expr(&Type::Str, d)])
                }
                9 => {
                    let xs = self.expr(&Type::list(Type::Int), d);
                    e(ExprKind::Index(Box::new(xs), Box::new(self.expr(&Type::Int, d))))
                }
                10 => {
                    let pair = self.expr(&Type::Tuple(vec![Type::Int, Type::Str]), d);
                    e(ExprKind::Index(Box::new(pair), Box::new(int(0))))
                }
                11 => {
                    let m = self.pick(&["index", "count"]);
                    method(self.expr(&Type::list(Type::Int), d), m, vec![self.expr(&Type::Int, d)])
                }
                12 => self.if_exp(t, d),
                13 => {
                    let op = self.pick(&[BinOp::BitAnd, BinOp::BitOr, BinOp::BitXor, BinOp::LShift, BinOp::RShift]);
                    let rhs = if matches!(op, BinOp::LShift | BinOp::RShift) {
                        int(self.rng.random_range(0..5))
                    } else {
                        self.expr(&Type::Int, d)
                    };
                    bin(op, self.expr(&Type::Int, d), rhs)
                }
                14 => call("ord", vec![self.char_expr(d)]),
                _ => self
                    .helper_call(t, d)
                    .unwrap_or_else(|| e(ExprKind::Unary(UnaryOp::Neg, Box::new(self.expr(&Type::Int, d))))),
            },
            Type::Float => match pick {
                0..=2 => {
                    let op = self.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div]);
                    bin(op, self.expr(&Type::Float, d), self.expr(&Type::Float, d))
                }
                3 => bin(BinOp::Div, self.expr(&Type::Int, d), self.expr(&Type::Int, d)),
                4 => {
                    let op = self.pick(&[BinOp::Add, BinOp::Mul, BinOp::Sub]);
                    bin(op, self.expr(&Type::Int, d), self.expr(&Type::Float, d))
                }
                5 => call("float", vec![self.expr(&Type::Int, d)]),
                6 => {
                    let op = self.pick(&[BinOp::FloorDiv, BinOp::Mod]);
                    bin(op, self.expr(&Type::Float, d), self.expr(&Type::Float, d))
                }
                7 => call("round", vec![self.expr(&Type::Float, d), int(self.rng.random_range(0..4))]),
                8 => call("abs", vec![self.expr(&Type::Float, d)]),
                9 => bin(BinOp::Pow, self.expr(&Type::Float, d), int(2)),
                10 => {
                    let f = self.pick(&["min", "max"]);
                    call(f, vec![self.expr(&Type::Float, d), self.expr(&Type::Float, d)])
                }
                11 => call("float", vec![call("str", vec![self.expr(&Type::Float, d)])]),
                12 => self.if_exp(t, d),
                _ => e(ExprKind::Unary(UnaryOp::Neg, Box::new(self.expr(&Type::Float, d)))),
            },
            Type::Bool => match pick {
                0..=2 => {
                    let op = self.pick(&[CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge, CmpOp::Eq, CmpOp::Ne]);
                    let ty = if self.config.scalars_only {
                        self.pick(&[Type::Int, Type::Int, Type::Float, Type::Bool])
                    } else if self.config.smt_fragment {
                        self.pick(&[Type::Int, Type::Int, Type::Str, Type::Bool, Type::list(Type::Int)])
                    } else {
                        self.pick(&[Type::Int, Type::Int, Type::Str, Type::Float, Type::list(Type::Int)])
                    };
                    cmp(op, self.expr(&ty, d), self.expr(&ty, d))
                }
                3 => {
                    let (a, b, c) = (self.expr(&Type::Int, d), self.expr(&Type::Int, d), self.expr(&Type::Int, d));
                    e(ExprKind::Compare(Box::new(a), vec![(CmpOp::Lt, b), (CmpOp::Le, c)]))
                }
                4 => cmp(CmpOp::Lt, self.expr(&Type::Int, d), self.expr(&Type::Float, d)),
                5 => {
                    let op = self.pick(&[CmpOp::In, CmpOp::NotIn]);
                    match self.below(3) {
                        0 => cmp(op, self.expr(&Type::Str, d), self.expr(&Type::Str, d)),
                        1 => cmp(op, self.expr(&Type::Int, d), self.expr(&Type::list(Type::Int), d)),
                        _ => cmp(op, self.expr(&Type::Str, d), self.expr(&Type::list(Type::Str), d)),
                    }
                }
                6 => {
                    let op = self.pick(&[BoolOp::And, BoolOp::Or]);
                    e(ExprKind::BoolOp(op, vec![self.expr(&Type::Bool, d), self.expr(&Type::Bool, d)]))
                }
                7 => e(ExprKind::Unary(UnaryOp::Not, Box::new(self.expr(&Type::Bool, d)))),
                8 | 9 => {
                    let m = self.pick(&["isdigit", "isalpha", "isupper", "islower", "isspace", "isalnum"]);
                    method(self.expr(&Type::Str, d), m, vec![])
                }
                10 => {
                    let m = self.pick(&["startswith", "endswith"]);
                    method(self.expr(&Type::Str, d), m, vec![self.expr(&Type::Str, d)])
                }
                11 => {
                    let f = self.pick(&["any", "all"]);
                    let c = self.comprehension(&Type::Bool, d);
                    call(f, vec![c])
                }
                12 => {
                    let ty = self.pick(&self.value_types());
                    call("bool", vec![self.expr(&ty, d)])
                }
                _ => self.if_exp(t, d),
            },
            Type::Str => match pick {
                0 | 1 => bin(BinOp::Add, self.expr(&Type::Str, d), self.expr(&Type::Str, d)),
                2 => bin(BinOp::Mul, self.expr(&Type::Str, d), int(self.rng.random_range(-1..4))),
                3 => {
                    let s = self.expr(&Type::Str, d);
                    e(ExprKind::Index(Box::new(s), Box::new(self.expr(&Type::Int, d))))
                }
                4 | 5 => {
                    let s = self.expr(&Type::Str, d);
                    let lo = if self.chance(0.6) { Some(Box::new(int(self.rng.random_range(-4..5)))) } else { None };
                    let hi = if self.chance(0.6) { Some(Box::new(int(self.rng.random_range(-4..6)))) } else { None };
                    let step = if !self.config.smt_fragment && self.chance(0.3) {
                        Some(Box::new(int(self.pick(&[-1, 2, -2, 3]))))
                    } else {
                        None
                    };
                    e(ExprKind::Slice { value: Box::new(s), lower: lo, upper: hi, step })
                }
                6 => {
                    let m =
                        self.pick(&["upper", "lower", "title", "capitalize", "swapcase", "strip", "lstrip", "rstrip"]);
                    method(self.expr(&Type::Str, d), m, vec![])
                }
                7 => {
                    let ty = self.pick(&[
                        Type::Int,
                        Type::Float,
                        Type::Bool,
                        Type::list(Type::Int),
                        Type::Tuple(vec![Type::Int, Type::Str]),
                    ]);
                    call("str", vec![self.expr(&ty, d)])
                }
                8 => {
                    let sep = self.pick(&["", ",", " ", "-"]);
                    if self.chance(0.5) {
                        method(string(sep), "join", vec![self.expr(&Type::list(Type::Str), d)])
                    } else {
                        let c = self.comprehension(&Type::Str, d);
                        method(string(sep), "join", vec![c])
                    }
                }
                9 => {
                    let f = self.pick(&["reversed", "sorted"]);
                    method(string(""), "join", vec![call(f, vec![self.expr(&Type::Str, d)])])
                }
                10 => method(
                    self.expr(&Type::Str, d),
                    "replace",
                    vec![self.expr(&Type::Str, d), self.expr(&Type::Str, d)],
                ),
                11 => {
                    let m = self.pick(&["zfill", "center", "ljust", "rjust"]);
                    let w = int(self.rng.random_range(0..9));
                    if m != "zfill" && self.chance(0.5) {
                        method(self.expr(&Type::Str, d), m, vec![w, string("*")])
                    } else {
                        method(self.expr(&Type::Str, d), m, vec![w])
                    }
                }
                12 => self.char_expr(d),
                13 => {
                    let pair = self.expr(&Type::Tuple(vec![Type::Int, Type::Str]), d);
                    e(ExprKind::Index(Box::new(pair), Box::new(int(-1))))
                }
                14 => call("repr", vec![self.expr(&Type::Str, d)]),
                _ => self.if_exp(t, d),
            },
            Type::List(inner) if **inner == Type::Int => match pick {
                0 | 1 => self.comprehension(t.elem().as_ref().unwrap_or(&Type::Int), d),
                2 => bin(BinOp::Add, self.expr(t, d), self.expr(t, d)),
                3 => bin(BinOp::Mul, self.expr(t, d), int(self.rng.random_range(0..3))),
                4 => {
                    let xs = self.expr(t, d);
                    let lo = int(self.rng.random_range(-3..4));
                    e(ExprKind::Slice { value: Box::new(xs), lower: Some(Box::new(lo)), upper: None, step: None })
                }
                5 => {
                    if self.chance(0.5) {
                        call("sorted", vec![self.expr(t, d)])
                    } else {
                        call_kw("sorted", vec![self.expr(t, d)], "reverse", e(ExprKind::Bool(true)))
                    }
                }
                6 => call("list", vec![call("reversed", vec![self.expr(t, d)])]),
                7 => {
                    call("list", vec![call("range", vec![int(self.rng.random_range(-2..3)), self.expr(&Type::Int, d)])])
                }
                8 => {
                    let w = self.fresh("w");
                    let s = self.expr(&Type::Str, d);
                    e(ExprKind::ListComp(
                        Box::new(call("len", vec![name(&w)])),
                        vec![Comprehension { target: name(&w), iter: method(s, "split", vec![]), ifs: vec![] }],
                    ))
                }
                9 => call("list", vec![self.expr(&Type::tuple_of(Type::Int), d)]),
                10 => self.if_exp(t, d),
                _ => self.literal(t),
            },
            Type::List(_) => match pick {
                0..=2 => {
                    if self.chance(0.5) {
                        method(self.expr(&Type::Str, d), "split", vec![])
                    } else {
                        method(self.expr(&Type::Str, d), "split", vec![string(self.pick(&[",", " ", "-", "a"]))])
                    }
                }
                3 => call("list", vec![self.expr(&Type::Str, d)]),
                4 => call("sorted", vec![self.expr(t, d)]),
                5 | 6 => self.comprehension(&Type::Str, d),
                7 => bin(BinOp::Add, self.expr(t, d), self.expr(t, d)),
                _ => self.literal(t),
            },
            Type::TupleOf(_) => match pick {
                0..=3 => call("tuple", vec![self.expr(&Type::list(Type::Int), d)]),
                4 => bin(BinOp::Add, self.expr(t, d), self.expr(t, d)),
                5 => {
                    let xs = self.expr(t, d);
                    e(ExprKind::Slice {
                        value: Box::new(xs),
                        lower: None,
                        upper: Some(Box::new(int(self.rng.random_range(-2..3)))),
                        step: None,
                    })
                }
                _ => self.var_or_literal(t),
            },
            Type::Tuple(items) => {
                let items = items.clone();
                if pick < 8 {
                    e(ExprKind::Tuple(items.iter().map(|it| self.expr(it, d)).collect()))
                } else {
                    self.var_or_literal(t)
                }
            }
            Type::None => e(ExprKind::None),
        }
    }

    /// Less common productions: bool arithmetic, number formatting, modular
    /// powers, builtins' optional arguments.
    fn extra_expr(&mut self, t: &Type, d: usize) -> Option<Expr> {
        if self.config.scalars_only {
            return Some(match t {
                Type::Int if self.chance(0.5) => bin(BinOp::Add, self.expr(&Type::Int, d), self.expr(&Type::Bool, d)),
                Type::Int => {
                    let m = self.pick(&[7, 1000, -5, 97]);
                    let e = self.rng.random_range(-2..40);
                    call("pow", vec![self.expr(&Type::Int, d), int(e), int(m)])
                }
                Type::Bool => cmp(CmpOp::Eq, self.expr(&Type::Bool, d), self.expr(&Type::Int, d)),
                _ => return None,
            });
        }
        Some(match t {
            Type::Int => match self.below(6) {
                0 => {
                    let c = self.comprehension(&Type::Bool, d);
                    call("sum", vec![c])
                }
                1 => bin(BinOp::Add, self.expr(&Type::Int, d), self.expr(&Type::Bool, d)),
                2 => {
                    let m = self.pick(&[7, 1000, -5, 97]);
                    let e = self.rng.random_range(0..40);
                    call("pow", vec![self.expr(&Type::Int, d), int(e), int(m)])
                }
                3 => {
                    let (lo, hi, st) = (self.rng.random_range(-3..3), self.expr(&Type::Int, d), self.pick(&[1, 2, -1]));
                    call("len", vec![call("range", vec![int(lo), hi, int(st)])])
                }
                4 => method(self.expr(&Type::Str, d), "find", vec![self.expr(&Type::Str, d), self.expr(&Type::Int, d)]),
                _ => {
                    let pair = call("divmod", vec![self.expr(&Type::Int, d), self.expr(&Type::Int, d)]);
                    e(ExprKind::Index(Box::new(pair), Box::new(int(self.rng.random_range(0..2)))))
                }
            },
            Type::Str => match self.below(4) {
                0 => call(self.pick(&["bin", "hex", "oct"]), vec![self.expr(&Type::Int, d)]),
                1 => method(
                    self.expr(&Type::Str, d),
                    "replace",
                    vec![self.expr(&Type::Str, d), self.expr(&Type::Str, d), int(self.rng.random_range(-1..3))],
                ),
                2 => method(
                    self.expr(&Type::Str, d),
                    self.pick(&["strip", "lstrip", "rstrip"]),
                    vec![string(self.pick(&["a", " x", ",.", "中"]))],
                ),
                _ => method(self.expr(&Type::Str, d), "rjust", vec![int(self.rng.random_range(0..8)), string("0")]),
            },
            Type::List(inner) if **inner == Type::Str => {
                let m = self.pick(&["split", "rsplit"]);
                let sep = if self.chance(0.5) { e(ExprKind::None) } else { string(self.pick(&[",", " ", "a"])) };
                method(self.expr(&Type::Str, d), m, vec![sep, int(self.rng.random_range(-1..3))])
            }
            Type::Bool => match self.below(3) {
                0 => cmp(
                    CmpOp::In,
                    self.expr(&Type::Int, d),
                    call("range", vec![int(self.rng.random_range(-3..3)), self.expr(&Type::Int, d)]),
                ),
                1 => {
                    let prefixes = e(ExprKind::Tuple(vec![self.expr(&Type::Str, d), self.expr(&Type::Str, d)]));
                    method(self.expr(&Type::Str, d), self.pick(&["startswith", "endswith"]), vec![prefixes])
                }
                _ => cmp(CmpOp::Eq, self.expr(&Type::Bool, d), self.expr(&Type::Int, d)),
            },
            _ => return None,
        })
    }

    /// A one-character string expression.
    fn char_expr(&mut self, d: usize) -> Expr {
        if self.chance(0.5) {
            let k = self.expr(&Type::Int, d);
            call("chr", vec![bin(BinOp::Add, int(65), bin(BinOp::Mod, k, int(26)))])
        } else {
            let c = self.pick(ALPHABET);
            string(&c.to_string())
        }
    }

    fn if_exp(&mut self, t: &Type, d: usize) -> Expr {
        let cond = self.expr(&Type::Bool, d);
        let (a, b) = (self.expr(t, d), self.expr(t, d));
        e(ExprKind::IfExp { cond: Box::new(cond), body: Box::new(a), orelse: Box::new(b) })
    }

    fn helper_call(&mut self, t: &Type, d: usize) -> Option<Expr> {
        let (hname, params, ret) = self.helpers.iter().find(|(_, _, r)| r == t)?.clone();
        let _ = ret;
        let args = params.iter().map(|p| self.expr(p, d)).collect();
        Some(call(&hname, args))
    }

    // ------------------------------------------------------------ statements

    fn function(&mut self, fname: &str, n_params: usize, n_stmts: usize) -> (Function, Vec<Type>, Type) {
        self.scope.clear();
        self.frozen.clear();
        let types = self.value_types();
        let mut params = Vec::new();
        let mut ptypes = Vec::new();
        for i in 0..n_params {
            let t = self.pick(&types);
            let pname = format!("{}{}", ["a", "b", "c", "d"][i % 4], if fname == "f" { "" } else { "h" });
            params.push(Param { name: ident(&pname), ann: Some(type_expr(&t)), default: None });
            self.scope.push((pname, t.clone()));
            ptypes.push(t);
        }
        let ret = self.pick(&types);
        let mut body = self.block(n_stmts, 0);
        let value = self.expr(&ret, self.config.max_expr_depth);
        body.push(Stmt::Return { value: Some(value), span: sp() });
        let f = Function {
            decorators: Vec::new(),
            name: ident(fname),
            params,
            ret: Some(type_expr(&ret)),
            body,
            span: sp(),
        };
        (f, ptypes, ret)
    }

    fn block(&mut self, n: usize, depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        let scope_len = self.scope.len();
        for _ in 0..n {
            self.stmt(&mut out, depth);
        }
        // Variables first assigned inside a nested block may be unbound after it.
        if depth > 0 {
            self.scope.truncate(scope_len);
        }
        out
    }

    fn stmt(&mut self, out: &mut Vec<Stmt>, depth: usize) {
        let de = self.config.max_expr_depth;
        let nested = depth < self.config.max_block_depth;
        match self.below(12) {
            0..=2 => {
                // A new variable.
                let t = self.pick(&self.value_types());
                let v = self.fresh("v");
                let value = self.expr(&t, de);
                // Annotate where inference would pick a narrower type.
                let stmt = if matches!(t, Type::TupleOf(_)) || self.chance(0.2) {
                    Stmt::AnnAssign { target: ident(&v), ann: type_expr(&t), value: Some(value), span: sp() }
                } else {
                    Stmt::Assign { targets: vec![name(&v)], value, span: sp() }
                };
                out.push(stmt);
                self.scope.push((v, t));
            }
            3 => {
                // Reassign or update an existing variable.
                if self.scope.is_empty() {
                    return;
                }
                let (v, t) = self.pick(&self.scope.clone());
                if self.chance(0.5) && matches!(t, Type::Int | Type::Float | Type::Str | Type::List(_)) {
                    let (op, value) = match &t {
                        Type::Int => (
                            self.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::FloorDiv]),
                            self.expr(&Type::Int, de),
                        ),
                        Type::Float => (self.pick(&[BinOp::Add, BinOp::Mul, BinOp::Div]), self.expr(&Type::Float, de)),
                        _ => (BinOp::Add, self.expr(&t, de)),
                    };
                    if matches!(t, Type::List(_)) && self.frozen.contains(&v) {
                        return;
                    }
                    out.push(Stmt::AugAssign { target: name(&v), op, value, span: sp() });
                } else {
                    let value = self.expr(&t, de);
                    out.push(Stmt::Assign { targets: vec![name(&v)], value, span: sp() });
                }
            }
            4 => {
                // Mutate a list.
                let lists: Vec<(String, Type)> = self
                    .scope
                    .iter()
                    .filter(|(n, t)| matches!(t, Type::List(_)) && !self.frozen.contains(n))
                    .cloned()
                    .collect();
                if lists.is_empty() {
                    return;
                }
                let (v, t) = self.pick(&lists);
                let elem = t.elem().unwrap_or(Type::Int);
                let s = match self.below(6) {
                    0 | 1 => Stmt::Expr(method(name(&v), "append", vec![self.expr(&elem, de)])),
                    2 => Stmt::Assign {
                        targets: vec![e(ExprKind::Index(Box::new(name(&v)), Box::new(self.expr(&Type::Int, 1))))],
                        value: self.expr(&elem, de),
                        span: sp(),
                    },
                    3 => Stmt::Expr(method(name(&v), "pop", vec![])),
                    4 => Stmt::Expr(method(name(&v), self.pick(&["sort", "reverse"]), vec![])),
                    _ => Stmt::Expr(method(name(&v), "insert", vec![self.expr(&Type::Int, 1), self.expr(&elem, de)])),
                };
                out.push(s);
            }
            5 | 6 if nested => {
                let cond = self.expr(&Type::Bool, de);
                let body = {
                    let n = 1 + self.below(3);
                    self.block(n, depth + 1)
                };
                let orelse = if self.chance(0.5) {
                    {
                        let n = 1 + self.below(2);
                        self.block(n, depth + 1)
                    }
                } else {
                    Vec::new()
                };
                out.push(Stmt::If { cond, body, orelse, span: sp() });
            }
            7 | 8 if nested => {
                let (it, elem) = self.iterable(2);
                let frozen_name = match &it.kind {
                    ExprKind::Name(n) => Some(n.clone()),
                    _ => None,
                };
                let (target, bound) = match &elem {
                    Type::Tuple(ts) if ts.len() == 2 => {
                        let (a, b) = (self.fresh("i"), self.fresh("x"));
                        (e(ExprKind::Tuple(vec![name(&a), name(&b)])), vec![(a, ts[0].clone()), (b, ts[1].clone())])
                    }
                    t => {
                        let x = self.fresh("x");
                        (name(&x), vec![(x, t.clone())])
                    }
                };
                let scope_len = self.scope.len();
                self.scope.extend(bound);
                if let Some(n) = &frozen_name {
                    self.frozen.push(n.clone());
                }
                self.loop_depth += 1;
                let mut body = {
                    let n = 1 + self.below(3);
                    self.block(n, depth + 1)
                };
                if self.chance(0.3) {
                    let c = self.expr(&Type::Bool, 2);
                    let jump = if self.chance(0.5) { Stmt::Break(sp()) } else { Stmt::Continue(sp()) };
                    body.insert(
                        self.below(body.len() + 1),
                        Stmt::If { cond: c, body: vec![jump], orelse: vec![], span: sp() },
                    );
                }
                self.loop_depth -= 1;
                if frozen_name.is_some() {
                    self.frozen.pop();
                }
                self.scope.truncate(scope_len);
                out.push(Stmt::For { target, iter: it, body, span: sp() });
            }
            9 if nested => {
                // A bounded while loop: the counter moves first, so `continue` cannot skip it.
                let i = self.fresh("n");
                out.push(Stmt::Assign { targets: vec![name(&i)], value: int(0), span: sp() });
                let bound = int(self.rng.random_range(0..6));
                let guard = if self.chance(0.5) {
                    e(ExprKind::BoolOp(BoolOp::And, vec![cmp(CmpOp::Lt, name(&i), bound), self.expr(&Type::Bool, 2)]))
                } else {
                    cmp(CmpOp::Lt, name(&i), bound)
                };
                let bump = Stmt::AugAssign { target: name(&i), op: BinOp::Add, value: int(1), span: sp() };
                // The counter is out of scope in the body, so nothing else assigns it.
                self.loop_depth += 1;
                let mut body = vec![bump];
                body.extend({
                    let n = 1 + self.below(2);
                    self.block(n, depth + 1)
                });
                self.loop_depth -= 1;
                self.scope.push((i, Type::Int));
                out.push(Stmt::While { cond: guard, body, span: sp() });
            }
            10 => {
                let cond = self.expr(&Type::Bool, 2);
                if self.config.scalars_only {
                    let t = self.pick(&[Type::Int, Type::Float, Type::Bool]);
                    let vars = self.vars_of(&t);
                    if vars.len() >= 2 && self.chance(0.6) {
                        // A swap through a tuple display (compiled without tuples).
                        let (a, b) = (self.pick(&vars), self.pick(&vars));
                        let targets = vec![e(ExprKind::Tuple(vec![name(&a), name(&b)]))];
                        out.push(Stmt::Assign {
                            targets,
                            value: e(ExprKind::Tuple(vec![name(&b), name(&a)])),
                            span: sp(),
                        });
                    } else if self.chance(0.3) {
                        out.push(Stmt::Assert { cond, msg: None, span: sp() });
                    }
                    return;
                }
                if self.chance(0.3) {
                    out.push(Stmt::Assert { cond, msg: Some(string("check")), span: sp() });
                    return;
                }
                // Swap two variables of one type, or unpack a divmod.
                let t = self.pick(&[Type::Int, Type::Str, Type::list(Type::Int)]);
                let vars = self.vars_of(&t);
                if vars.len() >= 2 && self.chance(0.5) {
                    let (a, b) = (self.pick(&vars), self.pick(&vars));
                    let targets = vec![e(ExprKind::Tuple(vec![name(&a), name(&b)]))];
                    out.push(Stmt::Assign { targets, value: e(ExprKind::Tuple(vec![name(&b), name(&a)])), span: sp() });
                } else {
                    let (q, r) = (self.fresh("q"), self.fresh("r"));
                    let value = call("divmod", vec![self.expr(&Type::Int, 2), self.expr(&Type::Int, 2)]);
                    out.push(Stmt::Assign {
                        targets: vec![e(ExprKind::Tuple(vec![name(&q), name(&r)]))],
                        value,
                        span: sp(),
                    });
                    self.scope.push((q, Type::Int));
                    self.scope.push((r, Type::Int));
                }
            }

            _ => {
                let t = self.pick(&self.value_types());
                let v = self.fresh("v");
                let value = self.expr(&t, de);
                out.push(Stmt::AnnAssign { target: ident(&v), ann: type_expr(&t), value: Some(value), span: sp() });
                self.scope.push((v, t));
            }
        }
    }
}

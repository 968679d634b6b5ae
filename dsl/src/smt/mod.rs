//! The SMT side of the language, pure (no solver here; `verifiers` runs
//! Z3 on what this builds): the encoding of typed code into SMT-LIB
//! ([`encode`]), the queries built from it (a call's outcome, a
//! specification's violation), s-expressions ([`sexp`]), and values read
//! back from a model. `int` is a 64-bit bit-vector with the language's
//! wrapping arithmetic and Python's floor `//` and `%`; `str` is an SMT
//! string; `list[T]` and `tuple[T, ...]` are sequences; fixed tuples are
//! one term per item. What is approximated is in `docs/verification.md`.

mod encode;
pub mod sexp;

pub use encode::{BV, Encoder, Sym, Term, Unsupported, and, eq_sym, not, or, sort_of, sym_of, truthy};

use crate::interp::ErrorKind;
use crate::tir::{FuncId, Program};
use crate::types::Type;
use crate::value::Frozen;
use sexp::{Sexp, bv64, read_bv, signed, str_literal};
use std::collections::HashMap;
use std::sync::Arc;

/// The default loop bound (iterations unrolled, calls inlined).
pub const DEFAULT_UNROLL: usize = 8;

/// A concrete value as a symbolic one.
pub fn literal(v: &Frozen, ty: &Type) -> Result<Sym, String> {
    Ok(match (v, ty) {
        (Frozen::Int(i), _) => Sym::Int(bv64(*i)),
        (Frozen::Bool(b), _) => Sym::Bool(b.to_string()),
        (Frozen::Str(s), _) => Sym::Str(str_literal(s)),
        (Frozen::None, _) => Sym::None,
        (Frozen::Tuple(items), Type::Tuple(tys)) => {
            Sym::Tuple(items.iter().zip(tys).map(|(v, t)| literal(v, t)).collect::<Result<_, _>>()?)
        }
        (Frozen::List(items) | Frozen::Tuple(items), Type::List(t) | Type::TupleOf(t)) => {
            let sort =
                sort_of(ty).ok_or_else(|| format!("values of type `{ty}` are outside the verifiable fragment"))?;
            let mut parts = Vec::new();
            for item in items.iter() {
                match literal(item, t)? {
                    Sym::Int(x) | Sym::Bool(x) | Sym::Str(x) | Sym::Seq(x, _) => parts.push(format!("(seq.unit {x})")),
                    _ => return Err(format!("values of type `{ty}` are outside the verifiable fragment")),
                }
            }
            let term = match parts.len() {
                0 => format!("(as seq.empty {sort})"),
                1 => parts.remove(0),
                _ => format!("(seq.++ {})", parts.join(" ")),
            };
            Sym::Seq(term, (**t).clone())
        }
        (Frozen::Float(_), _) => return Err("`float` values are outside the verifiable fragment".into()),
        _ => return Err(format!("a value that does not fit `{ty}`")),
    })
}

/// Concrete arguments of `func` as symbolic values, by its parameter types.
fn literals(args: &[Frozen], func: &crate::tir::Function, span: crate::span::Span) -> Result<Vec<Sym>, Unsupported> {
    args.iter()
        .zip(&func.params)
        .map(|(a, p)| literal(a, &p.ty).map_err(|reason| Unsupported { reason, span }))
        .collect()
}

/// The constants a Z3 model defines: name to value.
pub fn model_values(model: &str) -> HashMap<String, Sexp> {
    let mut out = HashMap::new();
    for e in sexp::parse(model).unwrap_or_default() {
        // `(define-fun name () Sort value)`, alone, inside `(model …)` or
        // inside a bare list (Z3's `get-model`).
        let items: Vec<&Sexp> = match e.list() {
            Some(xs) if e.is_call("model") => xs.iter().skip(1).collect(),
            Some(xs) if xs.iter().all(|x| x.is_call("define-fun")) => xs.iter().collect(),
            _ => vec![&e],
        };
        for d in items {
            if let Some([head, name, params, _sort, value]) = d.list()
                && head.atom() == Some("define-fun")
                && params.list().is_some_and(<[Sexp]>::is_empty)
                && let Some(name) = name.atom()
            {
                out.insert(name.to_string(), value.clone());
            }
        }
    }
    out
}

/// A model's value of a (one-term) type, as a frozen value.
pub fn decode(v: &Sexp, ty: &Type) -> Option<Frozen> {
    Some(match ty {
        Type::Int => {
            let (bits, w) = read_bv(v)?;
            Frozen::Int(signed(bits, w) as i64)
        }
        Type::Bool => Frozen::Bool(match v.atom()? {
            "true" => true,
            "false" => false,
            _ => return None,
        }),
        Type::Str => match v {
            Sexp::Str(s, _) => Frozen::Str(Arc::from(s.as_str())),
            _ => return None,
        },
        Type::List(t) | Type::TupleOf(t) => {
            let mut items = Vec::new();
            seq_items(v, t, &mut items)?;
            let items: Arc<[Frozen]> = items.into();
            if matches!(ty, Type::List(_)) { Frozen::List(items) } else { Frozen::Tuple(items) }
        }
        Type::None => Frozen::None,
        Type::Float | Type::Tuple(_) => return None,
    })
}

fn seq_items(v: &Sexp, t: &Type, out: &mut Vec<Frozen>) -> Option<()> {
    let xs = v.list()?;
    match xs.first()?.atom() {
        Some("seq.++") => xs[1..].iter().try_for_each(|x| seq_items(x, t, out)),
        Some("seq.unit") => {
            out.push(decode(xs.get(1)?, t)?);
            Some(())
        }
        Some("as") => (xs.get(1)?.atom()? == "seq.empty").then_some(()),
        _ => None,
    }
}

/// The value a model gives to a declared symbolic value (constants the
/// model leaves out are unconstrained: the type's zero).
pub fn read_value(values: &HashMap<String, Sexp>, sym: &Sym, ty: &Type) -> Option<Frozen> {
    match (sym, ty) {
        (Sym::Tuple(items), Type::Tuple(tys)) => Some(Frozen::Tuple(
            items.iter().zip(tys).map(|(s, t)| read_value(values, s, t)).collect::<Option<Vec<_>>>()?.into(),
        )),
        (Sym::None, _) => Some(Frozen::None),
        (Sym::Int(n) | Sym::Bool(n) | Sym::Str(n) | Sym::Seq(n, _), _) => match values.get(n) {
            Some(v) => decode(v, ty),
            None => Some(zero(ty)),
        },
        _ => None,
    }
}

fn zero(ty: &Type) -> Frozen {
    match ty {
        Type::Int => Frozen::Int(0),
        Type::Bool => Frozen::Bool(false),
        Type::Str => Frozen::Str(Arc::from("")),
        Type::List(_) => Frozen::List(Arc::from(Vec::new())),
        Type::TupleOf(_) => Frozen::Tuple(Arc::from(Vec::new())),
        Type::Tuple(ts) => Frozen::Tuple(ts.iter().map(zero).collect::<Vec<_>>().into()),
        Type::Float => Frozen::Float(0.0),
        Type::None => Frozen::None,
    }
}

/// A call's outcome, as a query: `result` (declared constants, one per
/// item of a fixed tuple) holds the value where `code` is 0, else `code`
/// is the first error's [`ErrorKind::code`]; `bound` says whether a loop or
/// recursion bound was reached (the outcome is then unknown).
#[derive(Clone, Debug)]
pub struct EvalQuery {
    /// The SMT-LIB script: declarations and assertions.
    pub text: String,
    /// The result's constants.
    pub result: Sym,
    /// The result's type.
    pub ty: Type,
}

/// The names an [`EvalQuery`] declares for the outcome code and the bound flag.
pub const CODE: &str = "outcome!code";
/// See [`CODE`].
pub const BOUND: &str = "outcome!bound";

/// The query that computes `program`'s function `f` on `args`.
pub fn eval_query(program: &Program, f: FuncId, args: &[Frozen], unroll: usize) -> Result<EvalQuery, Unsupported> {
    let func = &program.functions[f];
    let span = func.span;
    let syms = literals(args, func, span)?;
    let mut enc = Encoder::new(program, unroll);
    let value = enc.call(f, syms, span)?;
    let result = enc.declare("result", &func.ret, span)?;
    let same = eq_sym(&result, &value).map_err(|reason| Unsupported { reason, span })?;
    let code = enc.error_code();
    let bound = enc.bound_hit();
    enc.push_line(format!("(declare-const {CODE} Int)"));
    enc.push_line(format!("(assert (= {CODE} {code}))"));
    enc.push_line(format!("(declare-const {BOUND} Bool)"));
    enc.push_line(format!("(assert (= {BOUND} {bound}))"));
    enc.push_line(format!("(assert (or (not (= {CODE} 0)) {same}))"));
    Ok(EvalQuery { text: enc.script(), result, ty: func.ret.clone() })
}

/// The query whose models are the results `ensures` allows on `args`:
/// `result` declared, `ensures(args, result)` true and raising nothing.
pub fn output_query(
    program: &Program,
    ensures: FuncId,
    args: &[Frozen],
    ret: &Type,
    unroll: usize,
) -> Result<EvalQuery, Unsupported> {
    let func = &program.functions[ensures];
    let span = func.span;
    let mut syms = literals(args, func, span)?;
    let mut enc = Encoder::new(program, unroll);
    let result = enc.declare("result", ret, span)?;
    syms.push(result.clone());
    let ok = enc.call(ensures, syms, span)?;
    let holds = and(&[&not(&enc.raised()), &truthy(&ok), &not(&enc.bound_hit()), &enc.assumed()]);
    enc.push_line(format!("(assert {holds})"));
    Ok(EvalQuery { text: enc.script(), result, ty: ret.clone() })
}

/// The query whose models fill `program`'s `??` holes (constants
/// `hole0`, `hole1`, …) so that `func` returns each case's expected value
/// (`Some`), or satisfies `ensures` (`None`: a spec case), on each case's
/// arguments, raising nothing and within the bound.
pub fn holes_query(
    program: &Program,
    func: FuncId,
    cases: &[(Vec<Frozen>, Option<Frozen>)],
    ensures: Option<FuncId>,
    unroll: usize,
) -> Result<String, Unsupported> {
    let f = &program.functions[func];
    let span = f.span;
    let mut enc = Encoder::new(program, unroll);
    for (args, expect) in cases {
        let syms = literals(args, f, span)?;
        enc.reset_outcome();
        let value = enc.call(func, syms.clone(), span)?;
        let mut good = vec![not(&enc.raised())];
        match (expect, ensures) {
            (Some(want), _) => {
                let want = literal(want, &f.ret).map_err(|reason| Unsupported { reason, span })?;
                good.push(eq_sym(&value, &want).map_err(|reason| Unsupported { reason, span })?);
            }
            (None, Some(e)) => {
                enc.reset_outcome();
                let mut a = syms;
                a.push(value);
                let ok = enc.call(e, a, span)?;
                good.push(not(&enc.raised()));
                good.push(truthy(&ok));
            }
            (None, None) => {}
        }
        let gs: Vec<&str> = good.iter().map(String::as_str).collect();
        enc.push_line(format!("(assert {})", and(&gs)));
    }
    let bound = enc.bound_hit();
    enc.push_line(format!("(assert (not {bound}))"));
    Ok(enc.script())
}

/// The assertion that a query's `result` differs from `v`.
pub fn differs(q: &EvalQuery, v: &Frozen) -> Result<String, String> {
    let lit = literal(v, &q.ty)?;
    Ok(format!("(assert (not {}))", eq_sym(&q.result, &lit)?))
}

/// What a model of an [`EvalQuery`] says the call did.
#[derive(Clone, Debug)]
pub enum Evaluated {
    /// It returned this value.
    Value(Frozen),
    /// It raised this error.
    Error(ErrorKind),
    /// A loop or recursion went past the bound.
    Bound,
}

impl EvalQuery {
    /// The constants whose values tell the outcome.
    pub fn wanted(&self) -> Vec<String> {
        let mut out = vec![CODE.to_string(), BOUND.to_string()];
        out.extend(names(&self.result));
        out
    }
}

/// The declared constants of a symbolic value built by [`Encoder::declare`].
pub fn names(s: &Sym) -> Vec<String> {
    match s {
        Sym::Int(n) | Sym::Bool(n) | Sym::Str(n) | Sym::Seq(n, _) => vec![n.clone()],
        Sym::Tuple(items) => items.iter().flat_map(names).collect(),
        Sym::None => Vec::new(),
    }
}

/// Reads an [`EvalQuery`]'s outcome from the values of its constants.
pub fn read_outcome(q: &EvalQuery, values: &HashMap<String, Sexp>) -> Option<Evaluated> {
    if values.get(BOUND).and_then(Sexp::atom) == Some("true") {
        return Some(Evaluated::Bound);
    }
    let code = match values.get(CODE) {
        Some(Sexp::Num(n, _)) => n.parse::<u32>().ok()?,
        _ => 0,
    };
    if code != 0 {
        return ErrorKind::from_code(code).map(Evaluated::Error);
    }
    read_value(values, &q.result, &q.ty).map(Evaluated::Value)
}

/// A specification of one target: functions of the program (checked
/// like the rest of it) for the precondition, the postcondition (over the
/// parameters and `result`) and the reference implementation.
#[derive(Clone, Copy, Debug, Default)]
pub struct SpecFns {
    /// `requires(params) -> bool`.
    pub requires: Option<FuncId>,
    /// `ensures(params, result) -> bool`.
    pub ensures: Option<FuncId>,
    /// `reference(params) -> ret`.
    pub reference: Option<FuncId>,
}

/// The query whose models are counterexamples to a target's spec: inputs
/// where `requires` holds and either the target fails (raises, or gives a
/// result that breaks `ensures` or differs from the reference's outcome).
#[derive(Clone, Debug)]
pub struct SpecQuery {
    /// The SMT-LIB script: declarations and assertions.
    pub text: String,
    /// The parameters' constants.
    pub args: Vec<Sym>,
    /// The parameters' types.
    pub arg_types: Vec<Type>,
    /// Could a loop or recursion bound be reached (so "proved" means
    /// "proved for loops up to the bound")?
    pub bounded: bool,
    /// What the approximations leave out (assumed away), deduplicated.
    pub assumptions: Vec<&'static str>,
}

/// Is the spec itself (its `requires`, `ensures` and reference) inside the
/// fragment? When it is not, no candidate can be verified against it.
pub fn spec_supported(program: &Program, target: FuncId, spec: SpecFns, unroll: usize) -> Result<(), Unsupported> {
    let func = &program.functions[target];
    let span = func.span;
    let mut enc = Encoder::new(program, unroll);
    let mut args = Vec::new();
    for (i, p) in func.params.iter().enumerate() {
        args.push(enc.declare(&format!("arg{i}"), &p.ty, span)?);
    }
    if let Some(r) = spec.requires {
        enc.call(r, args.clone(), span)?;
    }
    if let Some(e) = spec.ensures {
        let mut a = args.clone();
        a.push(enc.declare("result", &func.ret, span)?);
        enc.call(e, a, span)?;
    }
    if let Some(r) = spec.reference {
        enc.call(r, args, span)?;
    }
    Ok(())
}

/// Builds the [`SpecQuery`] of `target` in `program`.
pub fn spec_query(program: &Program, target: FuncId, spec: SpecFns, unroll: usize) -> Result<SpecQuery, Unsupported> {
    let func = &program.functions[target];
    let span = func.span;
    let mut enc = Encoder::new(program, unroll);
    let mut args = Vec::new();
    for (i, p) in func.params.iter().enumerate() {
        args.push(enc.declare(&format!("arg{i}"), &p.ty, span)?);
    }
    // The precondition: true, and raising nothing.
    let pre = match spec.requires {
        Some(r) => {
            let v = enc.call(r, args.clone(), span)?;
            and(&[&not(&enc.raised()), &truthy(&v)])
        }
        None => "true".into(),
    };
    enc.push_line(format!("(define-fun pre!ok () Bool {pre})"));
    // Each call's errors are its own outcome.
    enc.reset_outcome();
    let value = enc.call(target, args.clone(), span)?;
    let target_code = enc.error_code();
    enc.push_line(format!("(define-fun target!code () Int {target_code})"));
    let mut good = vec!["(= target!code 0)".to_string()];
    if let Some(e) = spec.ensures {
        enc.reset_outcome();
        let mut ens_args = args.clone();
        ens_args.push(value.clone());
        let v = enc.call(e, ens_args, span)?;
        good.push(and(&[&not(&enc.raised()), &truthy(&v)]));
    }
    let mut ref_good = None;
    if let Some(r) = spec.reference {
        enc.reset_outcome();
        let expected = enc.call(r, args.clone(), span)?;
        let ref_code = enc.error_code();
        enc.push_line(format!("(define-fun reference!code () Int {ref_code})"));
        let same = eq_sym(&value, &expected).map_err(|reason| Unsupported { reason, span })?;
        // The same outcome: the same error, or both values and equal.
        ref_good = Some(format!("(and (= target!code reference!code) (or (not (= target!code 0)) {same}))"));
    }
    let good = match ref_good {
        // With a reference, raising what the reference raises is right.
        Some(r) if spec.ensures.is_none() => r,
        Some(r) => {
            let gs: Vec<&str> = good.iter().map(String::as_str).collect();
            and(&[&and(&gs), &r])
        }
        None => {
            let gs: Vec<&str> = good.iter().map(String::as_str).collect();
            and(&gs)
        }
    };
    let bound = enc.bound_hit();
    let assumed = enc.assumed();
    enc.push_line("(assert pre!ok)".into());
    enc.push_line(format!("(assert (not {bound}))"));
    enc.push_line(format!("(assert {assumed})"));
    enc.push_line(format!("(assert (not {good}))"));
    let mut assumptions: Vec<&'static str> = enc.assumptions.iter().map(|(_, w)| *w).collect();
    assumptions.sort_unstable();
    assumptions.dedup();
    let bounded = bound != "false";
    Ok(SpecQuery {
        text: enc.script(),
        args,
        arg_types: func.params.iter().map(|p| p.ty.clone()).collect(),
        bounded,
        assumptions,
    })
}

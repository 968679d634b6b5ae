//! Specifications in problem files (`[spec]`, or `[spec.NAME]` per
//! target): `requires` and `ensures` are expressions of the language over
//! the parameters (and `result`), compiled as functions appended to the
//! program, so they mean what the same text means in a program and Z3
//! sees them through the same encoding; `reference` names a function of
//! the program that the target must equal wherever `requires` holds.
//! Errors point into the TOML value they come from.

use crate::problem::{ProblemError, located, parse_toml};
use serde::Deserialize;
use std::collections::BTreeMap;
use synth_dsl::smt::{DEFAULT_UNROLL, SpecFns};
use synth_dsl::tir::{FuncId, Program};
use toml::Spanned;

/// Z3's time limit per query unless `timeout_ms` says otherwise.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;

/// One target's specification, resolved to functions of the problem's program.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The functions that state it.
    pub fns: SpecFns,
    /// Loop bound (iterations unrolled, calls inlined).
    pub unroll: usize,
    /// Z3's time limit per query, in milliseconds.
    pub timeout_ms: u64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    requires: Option<Spanned<String>>,
    ensures: Option<Spanned<String>>,
    reference: Option<Spanned<String>>,
    unroll: Option<Spanned<i64>>,
    timeout_ms: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
struct Flat {
    spec: Option<Spanned<RawSpec>>,
}

#[derive(Deserialize)]
struct Keys {
    spec: Option<BTreeMap<String, Spanned<toml::Value>>>,
}

#[derive(Deserialize)]
struct PerTarget {
    spec: Option<BTreeMap<String, Spanned<RawSpec>>>,
}

const FIELDS: [&str; 5] = ["requires", "ensures", "reference", "unroll", "timeout_ms"];

/// What [`parse`] gives: the program with the spec functions appended
/// (the original functions keep their ids) and each target's spec.
pub struct Parsed {
    /// The program, with `requires`/`ensures` compiled into it.
    pub program: Program,
    /// `(target, spec)`, in target order.
    pub specs: Vec<(FuncId, Spec)>,
}

/// A target as the spec parser sees it.
pub struct TargetSig<'a> {
    /// Its function id.
    pub func: FuncId,
    /// Its name.
    pub name: &'a str,
}

/// Reads the `[spec]` tables of a problem file. `source` is the program's
/// text and `program` its checked form; `text` is the TOML.
pub fn parse(
    file: &str,
    text: &str,
    source: &str,
    program: &Program,
    targets: &[TargetSig<'_>],
) -> Result<Option<Parsed>, ProblemError> {
    let fail = |span: std::ops::Range<usize>, message: String, label: &str| located(file, text, span, message, label);
    let keys: Keys = parse_toml(file, text)?;
    let Some(keys) = keys.spec else { return Ok(None) };
    let tables = keys.iter().filter(|(_, v)| v.get_ref().is_table()).count();
    let raw: Vec<(&str, RawSpec, std::ops::Range<usize>)> = if tables == 0 {
        let flat: Flat = parse_toml(file, text)?;
        let Some(flat) = flat.spec else { return Ok(None) };
        let span = flat.span();
        let [only] = targets else {
            let names: Vec<String> = targets.iter().map(|t| format!("`[spec.{}]`", t.name)).collect();
            return Err(fail(
                span,
                format!("the problem has several targets: give each its own table ({})", names.join(", ")),
                "which target?",
            ));
        };
        vec![(only.name, flat.into_inner(), span)]
    } else {
        if let Some((k, v)) = keys.iter().find(|(_, v)| !v.get_ref().is_table()) {
            return Err(fail(
                v.span(),
                format!("`{k}` sits beside per-target tables: put it inside `[spec.NAME]`"),
                "not in a target's table",
            ));
        }
        let per: PerTarget = parse_toml(file, text)?;
        let mut out = Vec::new();
        for (name, raw) in per.spec.unwrap_or_default() {
            let span = raw.span();
            if !targets.iter().any(|t| t.name == name) {
                let names: Vec<String> = targets.iter().map(|t| format!("`{}`", t.name)).collect();
                let hint =
                    if FIELDS.contains(&name.as_str()) { " (a field needs the value itself, not a table)" } else { "" };
                return Err(fail(
                    span,
                    format!("`{name}` is not a synthesis target (targets: {}){hint}", names.join(", ")),
                    "unknown target",
                ));
            }
            out.push((targets.iter().find(|t| t.name == name).map_or("", |t| t.name), raw.into_inner(), span));
        }
        out
    };

    // The spec functions, appended to the source so they check as part of it.
    let mut extra = String::new();
    // (offset of the expression in the combined source, its length, its TOML span)
    let mut places: Vec<(usize, usize, std::ops::Range<usize>)> = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    let base = source.len() + 2;
    for (name, raw, span) in &raw {
        let target = targets.iter().find(|t| t.name == *name).map(|t| t.func).unwrap_or_default();
        let f = &program.functions[target];
        let params: Vec<String> = f.params.iter().map(|p| format!("{}: {}", p.name, p.ty)).collect();
        if raw.requires.is_none() && raw.ensures.is_none() && raw.reference.is_none() {
            return Err(fail(
                span.clone(),
                format!("the spec of `{name}` says nothing: expected `requires`, `ensures` or `reference`"),
                "empty spec",
            ));
        }
        let mut add = |kind: &str, e: &Spanned<String>, extra_params: &str| -> String {
            let fname = format!("__spec_{kind}_{name}");
            let header = format!("def {fname}({}{extra_params}) -> bool:\n    return (", params.join(", "));
            let at = base + extra.len() + header.len();
            extra.push_str(&header);
            extra.push_str(e.get_ref());
            extra.push_str(")\n\n");
            places.push((at, e.get_ref().len(), value_start(text, e.span())));
            fname
        };
        let requires = raw.requires.as_ref().map(|e| add("requires", e, ""));
        let ensures = match &raw.ensures {
            Some(e) => {
                if f.params.iter().any(|p| p.name == "result") {
                    return Err(fail(
                        e.span(),
                        format!("`{name}` has a parameter named `result`, which `ensures` uses for the return value"),
                        "ambiguous `result`",
                    ));
                }
                let sep = if params.is_empty() { "" } else { ", " };
                Some(add("ensures", e, &format!("{sep}result: {}", f.ret)))
            }
            None => None,
        };
        let reference = match &raw.reference {
            Some(r) => {
                let Some((rid, rf)) = program.function(r.get_ref()) else {
                    return Err(fail(
                        r.span(),
                        format!("the program has no function `{}`", r.get_ref()),
                        "unknown function",
                    ));
                };
                let same = rf.ret == f.ret
                    && rf.params.len() == f.params.len()
                    && rf.params.iter().zip(&f.params).all(|(a, b)| a.ty == b.ty);
                if !same || rid == target {
                    return Err(fail(
                        r.span(),
                        format!(
                            "the reference `{}` must be another function with the signature of `{name}`",
                            r.get_ref()
                        ),
                        "not a reference",
                    ));
                }
                Some(rid)
            }
            None => None,
        };
        let unroll = match &raw.unroll {
            Some(u) if !(1..=1024).contains(u.get_ref()) => {
                return Err(fail(
                    u.span(),
                    format!("expected a loop bound from 1 to 1024, found {}", u.get_ref()),
                    "unroll",
                ));
            }
            Some(u) => *u.get_ref() as usize,
            None => DEFAULT_UNROLL,
        };
        let timeout_ms = match &raw.timeout_ms {
            Some(t) if *t.get_ref() < 1 => {
                return Err(fail(
                    t.span(),
                    format!("expected a positive time in milliseconds, found {}", t.get_ref()),
                    "timeout_ms",
                ));
            }
            Some(t) => *t.get_ref() as u64,
            None => DEFAULT_TIMEOUT_MS,
        };
        planned.push((target, requires, ensures, reference, unroll, timeout_ms));
    }
    let combined = format!("{source}\n\n{extra}");
    let compiled = synth_dsl::compile(&combined);
    if let Some(d) = compiled.diagnostics.iter().find(|d| d.is_error()) {
        let (s0, s1) = (d.span.start as usize, d.span.end as usize);
        let at = places.iter().find(|(at, len, _)| s0 >= *at && s0 <= at + len);
        return Err(match at {
            Some((at, len, toml_at)) => {
                let start = toml_at.start + (s0 - at);
                let end = toml_at.start + (s1.min(at + len) - at).max(s0 - at + 1);
                fail(start..end, d.message.clone(), "in this spec")
            }
            None => fail(0..0, format!("the spec functions do not check: {}", d.message), "here"),
        });
    }
    let mut program = compiled.program;
    // Marked, so that proposers do not call them (the reference would be the answer).
    for (_, _, _, reference, _, _) in &planned {
        if let Some(r) = reference {
            program.functions[*r].decorators.push("spec".into());
        }
    }
    for f in &mut program.functions {
        if f.name.starts_with("__spec_") {
            f.decorators.push("spec".into());
        }
    }
    let program = program;
    let id = |name: Option<String>| name.and_then(|n| program.function(&n).map(|(id, _)| id));
    let specs = planned
        .into_iter()
        .map(|(target, requires, ensures, reference, unroll, timeout_ms)| {
            (
                target,
                Spec { fns: SpecFns { requires: id(requires), ensures: id(ensures), reference }, unroll, timeout_ms },
            )
        })
        .collect();
    Ok(Some(Parsed { program, specs }))
}

/// A target's spec before its functions are compiled: the target, the
/// names of its `requires`/`ensures` functions, its reference, its bound
/// and time limit.
type Planned = (FuncId, Option<String>, Option<String>, Option<FuncId>, usize, u64);

/// Where a TOML string's content starts (after its opening quotes).
fn value_start(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let raw = &text[span.clone()];
    let skip = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3 + usize::from(raw[3..].starts_with('\n'))
    } else {
        1
    };
    span.start + skip..span.end
}

/// The verdict on one target, with a counterexample checked by running it.
#[derive(Clone, Debug)]
pub enum Checked {
    /// No input breaks the spec.
    Proved {
        /// The loop bound, when loops or recursion made the proof bounded.
        bound: Option<usize>,
        /// What the encoding's approximations leave out.
        assumptions: Vec<&'static str>,
    },
    /// An input that breaks it.
    Counterexample(Box<Counterexample>),
    /// Z3 could not decide.
    Unknown(String),
    /// The code is outside the verifiable fragment.
    Unsupported(synth_dsl::smt::Unsupported),
}

/// A counterexample, with what each side computes on it.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The arguments.
    pub args: Vec<Frozen>,
    /// The expected result: the reference's (run by the interpreter), or
    /// the one result `ensures` allows (found by Z3), when either is known.
    pub expected: Option<Result<Frozen, String>>,
    /// The target's result as Z3 computes it (the encoding's meaning).
    pub actual: Result<Frozen, String>,
    /// The target's result re-run in the Wasm sandbox.
    pub sandbox: Result<Frozen, String>,
    /// Does the sandbox's result break the spec too? When not, Z3 and the
    /// sandbox disagree: a bug in synth.
    pub confirmed: bool,
}

use synth_dsl::value::Frozen;

/// The limits a counterexample is re-run under.
const RERUN: synth_dsl::Limits = synth_dsl::Limits { fuel: 50_000_000, alloc: 1 << 26, max_depth: 500 };

fn outcome_text(r: &Result<synth_dsl::Value, synth_dsl::RunError>) -> Result<Frozen, String> {
    match r {
        Ok(v) => Ok(v.freeze()),
        Err(e) => Err(e.kind.name().to_string()),
    }
}

/// Verifies `func` of `program` against `spec`, and runs a counterexample
/// in the interpreter (the reference, `ensures`) and the sandbox (the target).
pub fn check(program: &Program, func: FuncId, spec: &Spec) -> Result<(Checked, std::time::Duration), String> {
    let timeout = std::time::Duration::from_millis(spec.timeout_ms);
    let (verdict, took) =
        synth_verifiers::smt::verify_spec(program, func, spec.fns, spec.unroll, timeout).map_err(|e| e.to_string())?;
    use synth_verifiers::smt::SpecVerdict as V;
    let checked = match verdict {
        V::Proved { bound, assumptions } => Checked::Proved { bound, assumptions },
        V::Unknown(r) => Checked::Unknown(r),
        V::Unsupported(u) => Checked::Unsupported(u),
        V::Counterexample(args) => {
            Checked::Counterexample(Box::new(run_counterexample(program, func, spec, args, timeout)))
        }
    };
    Ok((checked, took))
}

/// What the reference, Z3 and the sandbox make of a counterexample.
pub fn run_counterexample(
    program: &Program,
    func: FuncId,
    spec: &Spec,
    args: Vec<Frozen>,
    timeout: std::time::Duration,
) -> Counterexample {
    let values = || args.iter().map(Frozen::thaw).collect::<Vec<_>>();
    let interp = |f: FuncId, a: Vec<synth_dsl::Value>| match synth_dsl::Interpreter::new(program, RERUN) {
        Ok(mut i) => i.call(f, a),
        Err(e) => Err(e),
    };
    let ret = program.functions[func].ret.clone();
    let expected = match (spec.fns.reference, spec.fns.ensures) {
        (Some(r), _) => Some(outcome_text(&interp(r, values()))),
        // Where `ensures` allows one result only, that result is expected.
        (None, Some(e)) => synth_verifiers::smt::unique_output(program, e, &args, &ret, spec.unroll, timeout).map(Ok),
        (None, None) => None,
    };
    let actual = match synth_verifiers::smt::evaluate(program, func, &args, spec.unroll, timeout) {
        Ok(synth_dsl::smt::Evaluated::Value(v)) => Ok(v),
        Ok(synth_dsl::smt::Evaluated::Error(k)) => Err(k.name().to_string()),
        Ok(synth_dsl::smt::Evaluated::Bound) => Err("past the loop bound".into()),
        Err(e) => Err(e.to_string()),
    };
    let sandbox_run = synth_verifiers::WasmRunner::new(program, None, RERUN)
        .and_then(|r| r.with_time_limit(std::time::Duration::from_secs(10)).call(func, &values()));
    let sandbox = match &sandbox_run {
        Ok(o) => outcome_text(&o.result),
        Err(e) => Err(format!("the sandbox could not run it: {e}")),
    };
    // Does the sandbox's outcome break the spec?
    let mut confirmed = match (&expected, &sandbox) {
        (Some(Ok(want)), Ok(got)) => !synth_dsl::value::py_eq(&want.thaw(), &got.thaw()),
        (Some(Err(want)), Err(got)) => want != got,
        (Some(_), _) => true,
        (None, Err(_)) => true,
        (None, Ok(_)) => false,
    };
    if let (Some(ens), Ok(got)) = (spec.fns.ensures, &sandbox) {
        let mut a = values();
        a.push(got.thaw());
        confirmed |= !matches!(interp(ens, a), Ok(synth_dsl::Value::Bool(true)));
    }
    Counterexample { args, expected, actual, sandbox, confirmed }
}

/// Does the target satisfy the spec on `args` (run by the interpreter)?
/// `requires` false counts as satisfied.
pub fn holds_on(program: &Program, func: FuncId, spec: &Spec, args: &[Frozen]) -> bool {
    let values = || args.iter().map(Frozen::thaw).collect::<Vec<_>>();
    let run = |f: FuncId, a: Vec<synth_dsl::Value>| match synth_dsl::Interpreter::new(program, RERUN) {
        Ok(mut i) => i.call(f, a),
        Err(e) => Err(e),
    };
    if let Some(r) = spec.fns.requires
        && !matches!(run(r, values()), Ok(synth_dsl::Value::Bool(true)))
    {
        return true;
    }
    let got = run(func, values());
    if let Some(r) = spec.fns.reference {
        let want = run(r, values());
        let same = match (&got, &want) {
            (Ok(a), Ok(b)) => synth_dsl::value::py_eq(a, b),
            (Err(a), Err(b)) => a.kind == b.kind,
            _ => false,
        };
        if !same {
            return false;
        }
    }
    if let Some(e) = spec.fns.ensures {
        let Ok(v) = got else { return false };
        let mut a = values();
        a.push(v);
        return matches!(run(e, a), Ok(synth_dsl::Value::Bool(true)));
    }
    got.is_ok() || spec.fns.reference.is_some()
}

/// A counterexample found by testing (for a candidate Z3 cannot encode):
/// the first input on which the target breaks the spec, among inputs made
/// from `seen` (the visible tests' arguments: each argument recombined with
/// the others of its type, as concatenations and neighbours) and then
/// `tries` random ones of the generator's distribution; with its expected
/// result where the spec gives one.
pub fn random_counterexample(
    program: &Program,
    func: FuncId,
    spec: &Spec,
    tries: u64,
    seen: &[Vec<Frozen>],
) -> Option<Counterexample> {
    let params: Vec<synth_dsl::Type> = program.functions[func].params.iter().map(|p| p.ty.clone()).collect();
    let timeout = std::time::Duration::from_millis(spec.timeout_ms);
    let mut inputs: Vec<Vec<Frozen>> = Vec::new();
    for (i, t) in params.iter().enumerate() {
        // Variants of argument i from what the tests pass; the other arguments as in each test.
        let pool: Vec<&Frozen> = seen.iter().filter_map(|a| a.get(i)).collect();
        let mut variants: Vec<Frozen> = Vec::new();
        for a in &pool {
            for b in &pool {
                match (a, b, t) {
                    (Frozen::Str(x), Frozen::Str(y), _) => {
                        variants.push(Frozen::Str(format!("{x}{y}").into()));
                        variants.push(Frozen::Str(format!("{x} {y}").into()));
                    }
                    (Frozen::Int(x), Frozen::Int(y), _) => {
                        variants.push(Frozen::Int(x.wrapping_add(*y)));
                        variants.push(Frozen::Int(x.wrapping_neg()));
                        variants.push(Frozen::Int(x.wrapping_add(1)));
                    }
                    _ => {}
                }
            }
        }
        for v in variants {
            for base in seen {
                let mut args = base.clone();
                if let Some(slot) = args.get_mut(i) {
                    *slot = v.clone();
                    inputs.push(args);
                }
            }
        }
    }
    for k in 0..tries {
        inputs.push(
            params
                .iter()
                .enumerate()
                .map(|(i, t)| synth_dsl::generator::random_value(k * 31 + i as u64, t).freeze())
                .collect(),
        );
    }
    inputs
        .into_iter()
        .find(|args| !holds_on(program, func, spec, args))
        .map(|args| run_counterexample(program, func, spec, args, timeout))
}

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
                let hint = if FIELDS.contains(&name.as_str()) { " (a field needs the value itself, not a table)" } else { "" };
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
    let mut planned: Vec<(FuncId, Option<String>, Option<String>, Option<FuncId>, usize, u64)> = Vec::new();
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
                return Err(fail(u.span(), format!("expected a loop bound from 1 to 1024, found {}", u.get_ref()), "unroll"));
            }
            Some(u) => *u.get_ref() as usize,
            None => DEFAULT_UNROLL,
        };
        let timeout_ms = match &raw.timeout_ms {
            Some(t) if *t.get_ref() < 1 => {
                return Err(fail(t.span(), format!("expected a positive time in milliseconds, found {}", t.get_ref()), "timeout_ms"));
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
    let program = compiled.program;
    let id = |name: Option<String>| name.and_then(|n| program.function(&n).map(|(id, _)| id));
    let specs = planned
        .into_iter()
        .map(|(target, requires, ensures, reference, unroll, timeout_ms)| {
            (target, Spec { fns: SpecFns { requires: id(requires), ensures: id(ensures), reference }, unroll, timeout_ms })
        })
        .collect();
    Ok(Some(Parsed { program, specs }))
}

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

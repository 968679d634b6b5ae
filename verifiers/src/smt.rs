//! Z3 on SMT-LIB text: the queries `synth_dsl::smt` builds (a call's
//! outcome, a specification's counterexamples) and SyGuS solutions
//! checked against their files' constraints. Scripts go through Z3's own
//! SMT-LIB front end (`Z3_eval_smtlib2_string`, on the z3 crate's
//! thread-local context, reset before each script), so what runs is
//! exactly the text a user sees with `--dump-smt`; models come back as
//! text and are read by `synth_dsl::smt`.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::time::{Duration, Instant};
use synth_dsl::smt::sexp::{self, Sexp};
use synth_dsl::smt::{self as dsl_smt, EvalQuery, Evaluated, SpecFns, SpecQuery, Unsupported};
use synth_dsl::tir::{FuncId, Program};
use synth_dsl::value::Frozen;

/// What Z3 said of a script's assertions.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Satisfiable, with the values of the constants asked for.
    Sat(HashMap<String, Sexp>),
    /// Unsatisfiable.
    Unsat,
    /// Neither (a timeout, an incomplete theory): Z3's reason.
    Unknown(String),
}

/// Z3 rejected a script (a bug in the encoding when synth wrote it).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("Z3 rejected the script: {0}")]
pub struct ScriptError(pub String);

/// Runs Z3's SMT-LIB interpreter on `script` in a fresh state and returns
/// what it printed.
#[allow(unsafe_code)] // the one FFI call the z3 crate does not wrap
pub fn eval_smtlib(script: &str) -> Result<String, ScriptError> {
    let ctx = z3::Context::thread_local();
    let text =
        CString::new(format!("(reset)\n{script}")).map_err(|_| ScriptError("a NUL byte in the script".into()))?;
    // SAFETY: the context is live for the call; Z3 returns a string it owns
    // until the next call on this context, copied out at once.
    let out = unsafe {
        let p = z3_sys::Z3_eval_smtlib2_string(ctx.get_z3_context(), text.as_ptr());
        if p.is_null() { String::new() } else { CStr::from_ptr(p).to_string_lossy().into_owned() }
    };
    Ok(out)
}

/// Checks the assertions of `script` (declarations and assertions, no
/// `check-sat`) under a timeout, and reads the values of the constants
/// `wanted` when they are satisfiable (only those: a whole model would
/// print every definition).
pub fn check(script: &str, timeout: Duration, wanted: &[String]) -> Result<Answer, ScriptError> {
    let ms = timeout.as_millis().clamp(1, u32::MAX as u128);
    let get = if wanted.is_empty() { String::new() } else { format!("(get-value ({}))", wanted.join(" ")) };
    let full = format!(
        "(set-option :produce-models true)\n(set-option :timeout {ms})\n{script}\n(check-sat)\n(get-info :reason-unknown)\n{get}"
    );
    let out = eval_smtlib(&full)?;
    let items = sexp::parse(&out).map_err(|e| ScriptError(format!("unreadable answer ({}): {out}", e.message)))?;
    let verdict = items.first().and_then(Sexp::atom).map(str::to_string);
    // After `unsat`/`unknown`, `get-value` has no model and says so: not an error of the script.
    if let Some(err) = items.iter().find(|e| e.is_call("error"))
        && verdict.as_deref() != Some("unsat")
        && verdict.as_deref() != Some("unknown")
    {
        return Err(ScriptError(err.list().and_then(|l| l.get(1)).map_or(out.clone(), |m| match m {
            Sexp::Str(s, _) => s.clone(),
            other => other.to_string(),
        })));
    }
    match verdict.as_deref() {
        Some("sat") => {
            let mut values = HashMap::new();
            if let Some(Sexp::List(pairs, _)) = items.get(2) {
                for p in pairs {
                    if let Some([k, v]) = p.list()
                        && let Some(k) = k.atom()
                    {
                        values.insert(k.to_string(), v.clone());
                    }
                }
            }
            Ok(Answer::Sat(values))
        }
        Some("unsat") => Ok(Answer::Unsat),
        _ => {
            let reason = items
                .iter()
                .find_map(|e| match e.list() {
                    Some([k, Sexp::Str(r, _)]) if k.atom() == Some(":reason-unknown") => Some(r.clone()),
                    Some([k, v]) if k.atom() == Some(":reason-unknown") => Some(v.to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| "unknown".into());
            Ok(Answer::Unknown(if reason == "canceled" || reason == "timeout" { "timeout".into() } else { reason }))
        }
    }
}

/// Evaluates `program`'s function `f` on `args` in Z3 (the encoding's
/// meaning of the call).
pub fn evaluate(
    program: &Program,
    f: FuncId,
    args: &[Frozen],
    unroll: usize,
    timeout: Duration,
) -> Result<Evaluated, EvalError> {
    let q: EvalQuery = dsl_smt::eval_query(program, f, args, unroll).map_err(EvalError::Unsupported)?;
    match check(&q.text, timeout, &q.wanted()).map_err(EvalError::Script)? {
        Answer::Sat(values) => {
            dsl_smt::read_outcome(&q, &values).ok_or_else(|| EvalError::Unreadable(format!("{values:?}")))
        }
        Answer::Unsat => Err(EvalError::Script(ScriptError("the outcome query is unsatisfiable".into()))),
        Answer::Unknown(r) => Err(EvalError::Unknown(r)),
    }
}

/// The one result that `ensures` allows on `args`, when there is exactly
/// one (then a counterexample of an `ensures`-only spec becomes a test).
pub fn unique_output(
    program: &Program,
    ensures: FuncId,
    args: &[Frozen],
    ret: &synth_dsl::Type,
    unroll: usize,
    timeout: Duration,
) -> Option<Frozen> {
    let q = dsl_smt::output_query(program, ensures, args, ret, unroll).ok()?;
    let names = dsl_smt::names(&q.result);
    let Ok(Answer::Sat(values)) = check(&q.text, timeout, &names) else { return None };
    let v = dsl_smt::read_value(&values, &q.result, ret)?;
    let other = format!("{}\n{}", q.text, dsl_smt::differs(&q, &v).ok()?);
    matches!(check(&other, timeout, &[]), Ok(Answer::Unsat)).then_some(v)
}

/// Values for `program`'s holes that make `func` pass `cases` (see
/// `synth_dsl::smt::holes_query`): `Ok(None)` when none do.
pub fn solve_holes(
    program: &Program,
    func: FuncId,
    cases: &[(Vec<Frozen>, Option<Frozen>)],
    ensures: Option<FuncId>,
    unroll: usize,
    timeout: Duration,
) -> Result<Option<Vec<i64>>, EvalError> {
    let text = dsl_smt::holes_query(program, func, cases, ensures, unroll).map_err(EvalError::Unsupported)?;
    let names: Vec<String> = (0..program.n_holes).map(|h| format!("hole{h}")).collect();
    match check(&text, timeout, &names).map_err(EvalError::Script)? {
        Answer::Sat(values) => Ok(Some(
            names
                .iter()
                .map(|n| values.get(n).and_then(sexp::read_bv).map_or(0, |(v, w)| sexp::signed(v, w) as i64))
                .collect(),
        )),
        Answer::Unsat => Ok(None),
        Answer::Unknown(r) => Err(EvalError::Unknown(r)),
    }
}

/// Why [`evaluate`] gave no outcome.
#[derive(Clone, Debug, thiserror::Error)]
pub enum EvalError {
    /// Outside the fragment.
    #[error("unsupported: {}", .0.reason)]
    Unsupported(Unsupported),
    /// Z3 rejected the script.
    #[error(transparent)]
    Script(ScriptError),
    /// Z3 could not decide.
    #[error("unknown: {0}")]
    Unknown(String),
    /// The model could not be read.
    #[error("unreadable model: {0}")]
    Unreadable(String),
}

/// The verdict on a target's specification.
#[derive(Clone, Debug)]
pub enum SpecVerdict {
    /// No input breaks it (within `bound`, when loops or recursion are
    /// bounded; `assumptions` name what the encoding leaves out).
    Proved {
        /// The loop bound, when it mattered.
        bound: Option<usize>,
        /// The approximations assumed.
        assumptions: Vec<&'static str>,
    },
    /// These arguments break it.
    Counterexample(Vec<Frozen>),
    /// Z3 could not decide (timeout, incomplete theory).
    Unknown(String),
    /// The code is outside the fragment.
    Unsupported(Unsupported),
}

/// Checks `target` of `program` against its spec with Z3. The time the
/// solver took is returned too.
pub fn verify_spec(
    program: &Program,
    target: FuncId,
    spec: SpecFns,
    unroll: usize,
    timeout: Duration,
) -> Result<(SpecVerdict, Duration), ScriptError> {
    let q: SpecQuery = match dsl_smt::spec_query(program, target, spec, unroll) {
        Ok(q) => q,
        Err(u) => return Ok((SpecVerdict::Unsupported(u), Duration::ZERO)),
    };
    let started = Instant::now();
    let wanted: Vec<String> = q.args.iter().flat_map(dsl_smt::names).collect();
    let answer = check(&q.text, timeout, &wanted)?;
    let took = started.elapsed();
    Ok((
        match answer {
            Answer::Unsat => SpecVerdict::Proved { bound: q.bounded.then_some(unroll), assumptions: q.assumptions },
            Answer::Sat(values) => {
                let args: Option<Vec<Frozen>> =
                    q.args.iter().zip(&q.arg_types).map(|(s, t)| dsl_smt::read_value(&values, s, t)).collect();
                match args {
                    Some(a) => SpecVerdict::Counterexample(a),
                    None => return Err(ScriptError(format!("unreadable counterexample: {values:?}"))),
                }
            }
            Answer::Unknown(r) => SpecVerdict::Unknown(r),
        },
        took,
    ))
}

/// The SMT-LIB text of a target's spec query, for `--dump-smt`.
pub fn spec_script(program: &Program, target: FuncId, spec: SpecFns, unroll: usize) -> Result<String, Unsupported> {
    dsl_smt::spec_query(program, target, spec, unroll).map(|q| format!("{}\n(check-sat)\n(get-model)\n", q.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z3_answers_sat_unsat_and_reports_errors() {
        let d = Duration::from_secs(5);
        let x = vec!["x".to_string()];
        let sat = check("(declare-const x (_ BitVec 8))\n(assert (= (bvmul x #x03) #x06))", d, &x).unwrap();
        let Answer::Sat(values) = sat else { panic!("expected sat: {sat:?}") };
        assert!(matches!(values.get("x"), Some(v) if sexp::read_bv(v).is_some()), "{values:?}");
        assert_eq!(check("(assert (= 1 2))", d, &[]).unwrap(), Answer::Unsat);
        assert!(check("(assert (= y 2))", d, &[]).is_err());
        // A fresh state each time: `x` is not declared any more.
        assert!(check("(assert (= x #x01))", d, &[]).is_err());
    }
}

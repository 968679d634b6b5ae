//! Shared test support: running cases through CPython (the outside oracle)
//! and through synth's reference interpreter, in the same shape.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

/// What a call produced: `repr` of the value, or an error class name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observed {
    /// `repr(result)`.
    Ok(String),
    /// The exception's (or stop's) name.
    Err(String),
}

/// One program and one call of it.
pub struct Case {
    /// The program's source.
    pub src: String,
    /// The call expression, e.g. `f(1, 'a')`.
    pub call: String,
}

/// The python3 interpreter to use (`PYTHON` overrides).
pub fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Runs cases through CPython, in one process.
pub fn cpython(cases: &[Case]) -> Vec<Observed> {
    let oracle = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/cpython_oracle.py");
    let dir = std::env::temp_dir().join(format!("synth-oracle-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("cases.json");
    let json: Vec<serde_json::Value> =
        cases.iter().map(|c| serde_json::json!({"src": c.src, "call": c.call})).collect();
    std::fs::File::create(&input)
        .and_then(|mut f| f.write_all(serde_json::to_string(&json).expect("json").as_bytes()))
        .expect("write cases");
    let out = Command::new(python())
        .arg(&oracle)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e} (the tests need python3)", python()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "the CPython oracle failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let observed: Vec<Observed> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("oracle json");
            match (v.get("ok"), v.get("err")) {
                (Some(ok), _) => Observed::Ok(ok.as_str().unwrap_or_default().to_string()),
                (_, Some(e)) => Observed::Err(e.as_str().unwrap_or_default().to_string()),
                _ => panic!("bad oracle line {l}"),
            }
        })
        .collect();
    assert_eq!(observed.len(), cases.len(), "the oracle answered {} of {} cases", observed.len(), cases.len());
    observed
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// Result of running a call in synth's interpreter.
pub struct SynthRun {
    /// What it produced.
    pub observed: Observed,
    /// A budget stop (no comparison possible).
    pub budget: bool,
    /// Left what synth represents exactly (CPython differs by design).
    pub overflowed: bool,
}

/// Compiles `src` (panicking with its diagnostics if it does not check)
/// and evaluates `call` with the given limits.
pub fn synth(src: &str, call: &str, limits: synth_dsl::Limits) -> SynthRun {
    let compiled = synth_dsl::compile(src);
    assert!(
        !compiled.has_errors(),
        "program does not check:\n{src}\n{}",
        synth_dsl::render("case.py", src, &compiled.diagnostics)
    );
    let (ast, diags) = synth_dsl::parser::parse_expression(call);
    assert!(diags.is_empty(), "bad call {call}: {diags:?}");
    let (expr, diags) = synth_dsl::check::check_expression(&compiled.program, &ast);
    assert!(diags.is_empty(), "call does not check: {call}\n{}", synth_dsl::render("<call>", call, &diags));
    let expr = expr.expect("checked call");
    match synth_dsl::Interpreter::new(&compiled.program, limits) {
        Err(e) => {
            SynthRun { observed: Observed::Err(e.kind.name().into()), budget: e.kind.is_budget(), overflowed: false }
        }
        Ok(mut interp) => {
            let r = interp.eval_expr(&expr);
            let stats = interp.stats();
            match r {
                Ok(v) => SynthRun { observed: Observed::Ok(v.repr()), budget: false, overflowed: stats.overflowed },
                Err(e) => SynthRun {
                    observed: Observed::Err(e.kind.name().into()),
                    budget: e.kind.is_budget(),
                    overflowed: stats.overflowed,
                },
            }
        }
    }
}

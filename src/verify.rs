//! `synth verify PROBLEM [--candidate FILE]`: each target that has a
//! `[spec]` is checked by Z3, with the problem's own body or the
//! candidate's: `proved` (with its loop bound and what the encoding
//! assumes), `counterexample` (the arguments, the expected and the actual
//! result, and the sandbox's re-run), `unknown` (Z3's reason) or
//! `unsupported` (the construct, located). Exit 0 when every spec is
//! proved, 1 otherwise, 2 on bad input.

use anyhow::{Context, Result};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use synth_dsl::span::line_col;
use synth_dsl::{check, parser, render};
use synth_engine::problem::Problem;
use synth_engine::spec::{Checked, Counterexample};

/// The arguments of `synth verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The problem file (TOML with `[spec]`; see docs/verification.md).
    problem: PathBuf,
    /// A program file whose functions replace the targets of the same names.
    #[arg(long)]
    candidate: Option<PathBuf>,
    /// Loop bound (overrides the spec's `unroll`).
    #[arg(long)]
    unroll: Option<usize>,
    /// Z3's time limit per target in milliseconds (overrides `timeout_ms`).
    #[arg(long)]
    timeout_ms: Option<u64>,
    /// Print each target's SMT-LIB query instead of checking it.
    #[arg(long)]
    dump_smt: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn verify(args: &VerifyArgs) -> Result<ExitCode> {
    let mut problem = match Problem::load(&args.problem) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            return Ok(ExitCode::from(2));
        }
    };
    // Where each target's code comes from, for locating what is unsupported.
    let mut candidate_text = None;
    if let Some(path) = &args.candidate {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let file = path.display().to_string();
        let (module, diags) = parser::parse_module(&text);
        if diags.iter().any(|d| d.is_error()) {
            eprint!("{}", render(&file, &text, &diags));
            return Ok(ExitCode::from(2));
        }
        let mut replaced = 0;
        for item in &module.items {
            let synth_dsl::ast::Item::Function(f) = item else { continue };
            let Some(target) = problem.targets.iter().find(|t| t.name == f.name.name) else { continue };
            let (checked, diags) = check::check_function(&problem.program, f);
            if diags.iter().any(|d| d.is_error()) {
                eprint!("{}", render(&file, &text, &diags));
                return Ok(ExitCode::from(2));
            }
            if let Some(mut c) = checked {
                c.decorators = problem.program.functions[target.func].decorators.clone();
                problem.program.functions[target.func] = c;
                replaced += 1;
            }
        }
        if replaced == 0 {
            let names: Vec<String> = problem.targets.iter().map(|t| format!("`{}`", t.name)).collect();
            anyhow::bail!("{file} defines none of the targets ({})", names.join(", "));
        }
        candidate_text = Some((file, text));
    }
    let targets: Vec<_> = problem.targets.iter().filter(|t| t.spec.is_some()).cloned().collect();
    if targets.is_empty() {
        anyhow::bail!("{}: no target has a `[spec]`", args.problem.display());
    }
    let mut results = Vec::new();
    let mut all_proved = true;
    for t in &targets {
        let mut spec = t.spec.expect("filtered above");
        if let Some(u) = args.unroll {
            spec.unroll = u.max(1);
        }
        if let Some(ms) = args.timeout_ms {
            spec.timeout_ms = ms.max(1);
        }
        if problem.program.functions[t.func].is_stub {
            anyhow::bail!("`{}` has no body to verify: give one with --candidate FILE", t.name);
        }
        if args.dump_smt {
            match synth_verifiers::smt::spec_script(&problem.program, t.func, spec.fns, spec.unroll) {
                Ok(text) => println!("; {}\n{text}", t.name),
                Err(u) => println!("; {}: unsupported: {}", t.name, u.reason),
            }
            continue;
        }
        let (checked, took) = synth_engine::spec::check(&problem.program, t.func, &spec)
            .map_err(|e| anyhow::anyhow!("bug in synth: {e}"))?;
        all_proved &= matches!(checked, Checked::Proved { .. });
        // Outside the fragment: the spec's code (the problem's) or the target's?
        let in_spec = synth_dsl::smt::spec_supported(&problem.program, t.func, spec.fns, spec.unroll).is_err();
        results.push((t.name.clone(), checked, took, in_spec));
    }
    if args.dump_smt {
        return Ok(ExitCode::SUCCESS);
    }
    // Spans of a candidate's functions are in the candidate file; the
    // rest (the spec's functions among them) in the problem's program.
    let source = &problem.source;
    let locate = |c: &Checked, in_spec: bool| -> Option<(String, usize, usize)> {
        let Checked::Unsupported(u) = c else { return None };
        match &candidate_text {
            Some((file, text)) if !in_spec => {
                let (l, c) = line_col(text, u.span.start);
                Some((file.clone(), l, c))
            }
            _ => {
                let (l, c) = line_col(source, u.span.start);
                Some((args.problem.display().to_string(), l, c))
            }
        }
    };
    if args.json {
        let targets: Vec<_> =
            results.iter().map(|(name, c, took, s)| json_of(name, c, took.as_secs_f64(), locate(c, *s))).collect();
        println!("{}", serde_json::to_string_pretty(&json!({ "problem": problem.name, "targets": targets }))?);
    } else {
        for (name, c, took, in_spec) in &results {
            let by_reference =
                targets.iter().any(|t| &t.name == name && t.spec.is_some_and(|s| s.fns.reference.is_some()));
            println!("{}", text_of(name, c, took.as_secs_f64(), by_reference, locate(c, *in_spec)));
        }
    }
    let disagreed = results.iter().any(|(_, c, _, _)| matches!(c, Checked::Counterexample(cx) if !cx.confirmed));
    if disagreed {
        eprintln!("error: bug in synth: a counterexample from Z3 does not fail in the sandbox");
    }
    Ok(if all_proved { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn shown(r: &Result<synth_dsl::value::Frozen, String>) -> String {
    match r {
        Ok(v) => v.repr(),
        Err(e) => format!("raises {e}"),
    }
}

fn call_text(name: &str, cx: &Counterexample) -> String {
    let args: Vec<String> = cx.args.iter().map(|a| a.repr()).collect();
    format!("{name}({})", args.join(", "))
}

fn text_of(name: &str, c: &Checked, secs: f64, by_reference: bool, at: Option<(String, usize, usize)>) -> String {
    match c {
        Checked::Proved { bound, assumptions } => {
            let mut s = match bound {
                Some(k) => format!("{name}: proved for loops up to {k} iterations ({secs:.3} s)"),
                None => format!("{name}: proved ({secs:.3} s)"),
            };
            for a in assumptions {
                s.push_str(&format!("\n  assuming no {a}"));
            }
            s
        }
        Checked::Counterexample(cx) => {
            let mut s = format!("{name}: counterexample {}\n", call_text(name, cx));
            if let Some(e) = &cx.expected {
                let whose = if by_reference { "the reference" } else { "the only result `ensures` allows" };
                s.push_str(&format!("  expected: {} ({whose})\n", shown(e)));
            } else {
                s.push_str("  expected: a result satisfying `ensures`\n");
            }
            s.push_str(&format!("  actual:   {} (Z3)\n", shown(&cx.actual)));
            s.push_str(&format!(
                "  sandbox:  {}{}",
                shown(&cx.sandbox),
                if cx.confirmed { "" } else { "  (does not fail: a bug in synth)" }
            ));
            s
        }
        Checked::Unknown(r) => format!("{name}: unknown ({r})"),
        Checked::Unsupported(u) => {
            let (file, line, col) = at.unwrap_or_default();
            format!("{name}: unsupported: {} ({file}:{line}:{col})", u.reason)
        }
    }
}

fn json_of(name: &str, c: &Checked, secs: f64, at: Option<(String, usize, usize)>) -> serde_json::Value {
    let result = |r: &Result<synth_dsl::value::Frozen, String>| match r {
        Ok(v) => json!({ "value": v.repr() }),
        Err(e) => json!({ "error": e }),
    };
    match c {
        Checked::Proved { bound, assumptions } => {
            json!({ "name": name, "verdict": "proved", "bound": bound, "assumptions": assumptions, "seconds": secs })
        }
        Checked::Counterexample(cx) => json!({
            "name": name,
            "verdict": "counterexample",
            "call": call_text(name, cx),
            "args": cx.args.iter().map(|a| a.repr()).collect::<Vec<_>>(),
            "expected": cx.expected.as_ref().map(result),
            "actual": result(&cx.actual),
            "sandbox": result(&cx.sandbox),
            "confirmed": cx.confirmed,
            "seconds": secs,
        }),
        Checked::Unknown(r) => json!({ "name": name, "verdict": "unknown", "reason": r, "seconds": secs }),
        Checked::Unsupported(u) => {
            let (file, line, col) = at.unwrap_or_default();
            json!({ "name": name, "verdict": "unsupported", "reason": u.reason, "file": file, "line": line, "column": col })
        }
    }
}

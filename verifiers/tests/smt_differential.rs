//! Differential test of the Z3 encoding against the reference interpreter:
//! generated programs (the generator's SMT-fragment mode), evaluated by Z3 on the generator's inputs, give the
//! interpreter's outcome (the same value, or the same error kind). Programs
//! outside the verifiable fragment (floats, the string methods Z3 has no
//! theory for) are counted and skipped; so are budget stops and calls whose
//! loops go past the bound. 1,000 compared calls run in CI; the ignored
//! test runs many more.

use std::time::Duration;
use synth_dsl::generator::{GenConfig, generate};
use synth_dsl::smt::Evaluated;
use synth_dsl::value::Frozen;
use synth_dsl::{Interpreter, Limits};
use synth_verifiers::smt::{EvalError, evaluate};

const UNROLL: usize = 12;

#[derive(Default, Debug)]
struct Counts {
    compared: usize,
    unsupported: usize,
    skipped: usize,
}

fn differential(first_seed: u64, want: usize, config: &GenConfig) -> Counts {
    let limits = Limits { fuel: 200_000, alloc: 1 << 22, max_depth: 200 };
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    let mut seed = first_seed;
    while counts.compared < want && seed < first_seed + 40 * want as u64 {
        let g = generate(seed, config);
        seed += 1;
        let compiled = synth_dsl::compile(&g.source);
        assert!(!compiled.has_errors(), "seed {seed} does not check:\n{}", g.source);
        let (fid, _) = compiled.program.function(&g.entry).expect("entry function");
        for args in &g.inputs {
            let mut interp = Interpreter::new(&compiled.program, limits).expect("constants");
            let ours = interp.call(fid, args.iter().map(synth_dsl::Value::deep_clone).collect());
            if ours.as_ref().is_err_and(|e| e.kind.is_budget()) {
                counts.skipped += 1;
                continue;
            }
            let frozen: Vec<Frozen> = args.iter().map(synth_dsl::Value::freeze).collect();
            let t0 = std::time::Instant::now();
            let z3r = evaluate(&compiled.program, fid, &frozen, UNROLL, Duration::from_secs(20));
            if std::env::var("SMT_TRACE").is_ok() {
                eprintln!(
                    "seed {} {:?} {:?}",
                    seed - 1,
                    t0.elapsed(),
                    z3r.as_ref().map(|_| ()).map_err(|e| e.to_string())
                );
            }
            let z3 = match z3r {
                Ok(Evaluated::Bound) => {
                    counts.skipped += 1;
                    continue;
                }
                Ok(r) => r,
                Err(EvalError::Unsupported(_)) => {
                    counts.unsupported += 1;
                    continue;
                }
                Err(EvalError::Unknown(r)) => {
                    eprintln!("seed {}: Z3 gave up ({r})", seed - 1);
                    counts.skipped += 1;
                    continue;
                }
                Err(e) => {
                    failures.push(format!("seed {}: {e}\n{}", seed - 1, g.source));
                    continue;
                }
            };
            counts.compared += 1;
            let a = match &ours {
                Ok(v) => v.repr(),
                Err(e) => e.kind.name().to_string(),
            };
            let b = match &z3 {
                Evaluated::Value(v) => v.repr(),
                Evaluated::Error(k) => k.name().to_string(),
                Evaluated::Bound => unreachable!("skipped above"),
            };
            if a != b {
                let call = args.iter().map(|v| v.repr()).collect::<Vec<_>>().join(", ");
                failures.push(format!("seed {}: f({call})\n  interp: {a}\n  z3:     {b}\n{}", seed - 1, g.source));
            }
        }
    }
    assert!(failures.is_empty(), "{} disagreements:\n\n{}", failures.len(), failures.join("\n"));
    counts
}

#[test]
fn z3_agrees_with_the_interpreter_on_generated_programs() {
    let config = GenConfig { smt_fragment: true, ..GenConfig::default() };
    let want = std::env::var("SMT_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let c = differential(0, want, &config);
    eprintln!("{c:?}");
    assert!(c.compared >= 1000, "only {} calls compared ({} unsupported)", c.compared, c.unsupported);
}

#[test]
#[ignore = "long: cargo test --release -p synth-verifiers --test smt_differential -- --ignored"]
fn z3_agrees_on_many_more() {
    let config = GenConfig { smt_fragment: true, ..GenConfig::default() };
    let c = differential(1_000_000, 20_000, &config);
    eprintln!("{c:?}");
}

//! Differential test: random well-typed programs from the generator give the
//! same result (the value's repr, or the error's name) in synth's
//! interpreter and in CPython. Cases are skipped where synth stops on a
//! budget or a value leaves what synth represents (64-bit wrap): there the
//! languages differ by design (docs/language.md).

mod common;

use common::{Case, Observed, cpython, synth};
use synth_dsl::generator::{GenConfig, generate};

/// Runs `n_programs` generated programs from `first_seed` on; returns
/// (compared cases, skipped cases) and panics listing every disagreement.
fn differential(first_seed: u64, n_programs: u64) -> (usize, usize) {
    let config = GenConfig::default();
    let limits = synth_dsl::Limits { fuel: 200_000, alloc: 1 << 22, max_depth: 200 };
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    let mut skipped = 0;
    for seed in first_seed..first_seed + n_programs {
        let g = generate(seed, &config);
        for args in &g.inputs {
            let call = format!("{}({})", g.entry, args.iter().map(|a| a.repr()).collect::<Vec<_>>().join(", "));
            let run = synth(&g.source, &call, limits);
            if run.budget || run.overflowed || run.observed == Observed::Err("RecursionError".into()) {
                skipped += 1;
                continue;
            }
            ours.push((seed, run.observed));
            cases.push(Case { src: g.source.clone(), call });
        }
    }
    let theirs = cpython(&cases);
    let mut failures = Vec::new();
    for ((case, (seed, ours)), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        if ours != theirs {
            failures
                .push(format!("seed {seed}: {}\n  synth:   {ours:?}\n  CPython: {theirs:?}\n{}", case.call, case.src));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases disagree:\n\n{}", failures.len(), cases.len(), failures.join("\n"));
    let n_values = ours.iter().filter(|(_, o)| matches!(o, Observed::Ok(_))).count();
    let mut errors: Vec<String> = ours
        .iter()
        .filter_map(|(_, o)| match o {
            Observed::Err(e) => Some(e.clone()),
            Observed::Ok(_) => None,
        })
        .collect();
    errors.sort();
    errors.dedup();
    eprintln!("compared {} cases ({n_values} values, errors: {errors:?}), skipped {skipped}", cases.len());

    (cases.len(), skipped)
}

#[test]
fn interpreter_matches_cpython_on_generated_programs() {
    let (compared, skipped) = differential(0, 500);
    // The generator must mostly produce comparable cases, or this test proves little.
    assert!(compared >= 1000, "only {compared} cases compared ({skipped} skipped)");
}

#[test]
#[ignore = "long: 20,000 programs; run with --ignored"]
fn interpreter_matches_cpython_on_many_generated_programs() {
    for chunk in 0..20 {
        differential(1_000_000 + chunk * 1000, 1000);
    }
}

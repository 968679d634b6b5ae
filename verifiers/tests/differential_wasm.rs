//! Differential test of the two backends: generated programs give exactly the
//! same result in the reference interpreter and compiled to Wasm — the same
//! value, or the same error kind at the same source span. Budget stops are
//! skipped (fuel is counted differently). The generator covers the whole
//! language: strings, lists, tuples, comprehensions, every builtin and method.

use synth_dsl::generator::{GenConfig, generate};
use synth_dsl::{Interpreter, Limits};
use synth_verifiers::{BackendError, WasmRunner};

/// Compares `n_programs` programs from `first_seed`; returns (compared, skipped).
fn differential(first_seed: u64, n_programs: u64) -> (usize, usize) {
    let config = GenConfig::default();
    let limits = Limits { fuel: 200_000, alloc: 1 << 22, max_depth: 200 };
    let (mut compared, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for seed in first_seed..first_seed + n_programs {
        let g = generate(seed, &config);
        let compiled = synth_dsl::compile(&g.source);
        assert!(!compiled.has_errors(), "seed {seed} does not check:\n{}", g.source);
        let (fid, _) = compiled.program.function(&g.entry).expect("entry function");
        let runner = match WasmRunner::new(&compiled.program, None, limits) {
            Ok(r) => r,
            Err(BackendError::Unsupported { message, .. }) => panic!("seed {seed}: {message}\n{}", g.source),
            Err(e) => panic!("seed {seed}: {e}\n{}", g.source),
        };
        for args in &g.inputs {
            let mut interp = Interpreter::new(&compiled.program, limits).expect("constants");
            let fresh = |a: &Vec<synth_dsl::Value>| a.iter().map(synth_dsl::Value::deep_clone).collect::<Vec<_>>();
            let ours = interp.call(fid, fresh(args));
            let wasm =
                runner.call(fid, &fresh(args)).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", g.source)).result;
            let budget =
                |r: &Result<synth_dsl::Value, synth_dsl::RunError>| r.as_ref().is_err_and(|e| e.kind.is_budget());
            if budget(&ours) || budget(&wasm) {
                skipped += 1;
                continue;
            }
            compared += 1;
            let show = |r: &Result<synth_dsl::Value, synth_dsl::RunError>| match r {
                Ok(v) => v.repr(),
                Err(e) => format!("{} at {}..{}", e.kind.name(), e.span.start, e.span.end),
            };
            let (a, b) = (show(&ours), show(&wasm));
            if a != b {
                let call = args.iter().map(|v| v.repr()).collect::<Vec<_>>().join(", ");
                failures.push(format!("seed {seed}: f({call})\n  interp: {a}\n  wasm:   {b}\n{}", g.source));
            }
        }
    }
    assert!(failures.is_empty(), "{} disagreements:\n\n{}", failures.len(), failures.join("\n"));
    (compared, skipped)
}

/// Runs `f(args)` of `n_programs` generated programs as an entry
/// expression (its arguments built by the program, so every value is
/// counted) and checks that once the result is dropped nothing the call
/// allocated is left: every reference taken was dropped. Returns the
/// number of calls checked.
fn no_leaks(first_seed: u64, n_programs: u64) -> usize {
    let config = GenConfig::default();
    let limits = Limits { fuel: 200_000, alloc: 1 << 22, max_depth: 200 };
    let mut checked = 0;
    let mut leaks = Vec::new();
    for seed in first_seed..first_seed + n_programs {
        let g = generate(seed, &config);
        let compiled = synth_dsl::compile(&g.source);
        for args in &g.inputs {
            let call = format!("{}({})", g.entry, args.iter().map(|v| v.repr()).collect::<Vec<_>>().join(", "));
            // Literals only: a float such as `nan` has no literal.
            if call.contains("nan") || call.contains("inf") {
                continue;
            }
            let base = g.source.len() + 1;
            let (ast, diags) = synth_dsl::parser::parse_expression_at(&call, base);
            assert!(diags.is_empty(), "seed {seed}: {call} does not parse");
            let (Some(expr), _) = synth_dsl::check::check_expression(&compiled.program, &ast) else {
                continue;
            };
            let runner = WasmRunner::new(&compiled.program, Some(&expr), limits)
                .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", g.source));
            match runner.entry_leak().unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", g.source)) {
                Some(0) | None => {}
                Some(n) => leaks.push(format!("seed {seed}: {call} leaves {n} bytes\n{}", g.source)),
            }
            checked += 1;
        }
    }
    assert!(leaks.is_empty(), "{} leaks:\n\n{}", leaks.len(), leaks.join("\n"));
    checked
}

#[test]
fn generated_programs_free_everything_they_allocate() {
    let checked = no_leaks(0, 300);
    assert!(checked >= 900, "only {checked} calls checked");
}

#[test]
#[ignore = "slow: run with --ignored"]
fn many_generated_programs_free_everything_they_allocate() {
    let checked = no_leaks(300, 10_000);
    eprintln!("checked {checked} calls");
}

#[test]
fn interpreter_and_wasm_agree_on_generated_programs() {
    let (compared, skipped) = differential(0, 700);
    eprintln!("compared {compared}, skipped {skipped}");
    assert!(compared >= 2000, "only {compared} cases compared ({skipped} skipped)");
}

#[test]
#[ignore = "long: 35,000 programs (100,000 cases); run with --ignored"]
fn interpreter_and_wasm_agree_on_many_generated_programs() {
    let (mut compared, mut skipped) = (0, 0);
    for chunk in 0..35 {
        let (c, s) = differential(1_000_000 + chunk * 1000, 1000);
        compared += c;
        skipped += s;
    }
    eprintln!("compared {compared}, skipped {skipped}");
    assert!(compared >= 100_000, "only {compared} cases compared ({skipped} skipped)");
}

#[test]
fn a_batch_of_candidates_in_one_module_agrees_with_each_alone() {
    // Generated programs merged into one module (one compilation for the
    // batch, as a search compiles its candidates): every entry function
    // gives what the interpreter gives on its own program.
    let config = GenConfig::default();
    let limits = Limits { fuel: 200_000, alloc: 1 << 22, max_depth: 200 };
    let gens: Vec<_> = (5000..5040).map(|seed| generate(seed, &config)).collect();
    let programs: Vec<_> = gens.iter().map(|g| synth_dsl::compile(&g.source).program).collect();
    let (merged, offsets) = synth_dsl::tir::merge(&programs);
    let runner = WasmRunner::new(&merged, None, limits).expect("the batch compiles");
    let mut compared = 0;
    for ((g, program), offset) in gens.iter().zip(&programs).zip(&offsets) {
        let (fid, _) = program.function(&g.entry).expect("entry");
        for args in &g.inputs {
            let fresh = || args.iter().map(synth_dsl::Value::deep_clone).collect::<Vec<_>>();
            let ours = Interpreter::new(program, limits).expect("constants").call(fid, fresh());
            let wasm = runner.call(offset + fid, &fresh()).expect("runs").result;
            if ours.as_ref().is_err_and(|e| e.kind.is_budget()) || wasm.as_ref().is_err_and(|e| e.kind.is_budget()) {
                continue;
            }
            let show = |r: &Result<synth_dsl::Value, synth_dsl::RunError>| match r {
                Ok(v) => v.repr(),
                Err(e) => format!("{} at {}..{}", e.kind.name(), e.span.start, e.span.end),
            };
            assert_eq!(show(&ours), show(&wasm), "{}", g.source);
            compared += 1;
        }
    }
    assert!(compared >= 100, "only {compared} cases");
}

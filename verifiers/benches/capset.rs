//! Cap set, the evaluator of FunSearch, at n = 8 with FunSearch's published
//! priority (a 512-cap): the Wasm backend against the same algorithm in
//! native Rust and against CPython running the same source, measured in one
//! run (see BENCHMARKS.md). Criterion times the native and Wasm runs;
//! CPython is timed by `benches/capset/run_cpython.py` (median of 5) and
//! the ratios are printed at the end.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use synth_dsl::{Interpreter, Limits, Value};
use synth_verifiers::WasmRunner;
use synth_verifiers::capset::{self, PRIORITY_FUNSEARCH_N8};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn bench(c: &mut Criterion) {
    let compiled = synth_dsl::compile(&capset::program(PRIORITY_FUNSEARCH_N8));
    assert!(!compiled.has_errors());
    let program = compiled.program;
    let (fid, _) = program.function("evaluate").expect("evaluate");
    let limits = Limits { fuel: 1 << 40, ..Limits::default() };
    let runner = WasmRunner::new(&program, None, limits).expect("compiles");
    let n8 = [Value::Int(8)];
    assert_eq!(runner.call(fid, &n8).expect("runs").result.expect("ok").repr(), "512");

    let mut g = c.benchmark_group("capset_n8");
    g.sample_size(20);
    g.bench_function("native_rust", |b| b.iter(|| capset::evaluate_native(black_box(8), capset::priority_funsearch)));
    g.bench_function("wasm", |b| b.iter(|| black_box(runner.call(fid, &n8).expect("runs"))));
    g.finish();

    // Side by side, one process: medians of repeated runs.
    let time = |f: &mut dyn FnMut()| {
        median(
            (0..7)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    let native = time(&mut || {
        black_box(capset::evaluate_native(8, capset::priority_funsearch));
    });
    let wasm = time(&mut || {
        black_box(runner.call(fid, &n8).expect("runs"));
    });
    let interp = {
        let t = Instant::now();
        let mut it = Interpreter::new(&program, limits).expect("ok");
        black_box(it.call(fid, n8.to_vec()).expect("runs"));
        t.elapsed()
    };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/capset");
    let python = std::process::Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .args([&format!("{dir}/run_cpython.py"), "priority_funsearch_n8.py", "8", "5"])
        .output();
    let cpython = python.ok().filter(|o| o.status.success()).and_then(|o| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).ok()?;
        assert_eq!(v["size"], 512);
        Some(Duration::from_secs_f64(v["median_s"].as_f64()?))
    });
    println!("\ncap set n=8 (FunSearch priority, size 512), medians:");
    println!("  native Rust   {native:>10.2?}");
    println!(
        "  synth Wasm    {wasm:>10.2?}   ({:.2}x native; target <= 3x)",
        wasm.as_secs_f64() / native.as_secs_f64()
    );
    println!("  synth interp  {interp:>10.2?}   ({:.1}x Wasm)", interp.as_secs_f64() / wasm.as_secs_f64());
    match cpython {
        Some(py) => println!(
            "  CPython       {py:>10.2?}   (Wasm is {:.1}x faster; target >= 20x)",
            py.as_secs_f64() / wasm.as_secs_f64()
        ),
        None => println!("  CPython       (python3 not available)"),
    }
}

#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, bench);
}
use group::benches;
criterion_main!(benches);

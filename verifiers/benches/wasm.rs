//! Per-candidate cost of the Wasm backend against the interpreter, on a
//! 30-line scalar function run on 10 inputs: code generation, cranelift
//! compilation, instantiation, and running. Ratios are taken within one run
//! (see BENCHMARKS.md).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use synth_dsl::{Interpreter, Limits, Value};
use synth_verifiers::WasmRunner;
use synth_verifiers::sandbox::{Sandbox, SandboxLimits};

/// A 30-line candidate: digit sums, a gcd, a bounded search.
const CANDIDATE: &str = r#"
def gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a

def digit_sum(n: int) -> int:
    s = 0
    n = abs(n)
    while n > 0:
        s += n % 10
        n //= 10
    return s

def score(n: int, k: int) -> float:
    total = 0
    best = -1
    for i in range(1, 40):
        d = digit_sum(n * i + k)
        if d % 3 == 0 and d > best:
            best = d
        elif d % 7 == 1:
            total += d // 2
        else:
            total -= 1
        if total > 1000:
            break
    g = gcd(abs(n) + 1, abs(k) + 1)
    ratio = total / g if g != 0 else 0.0
    flag = best > total or n < 0
    return ratio + best * 0.5 + (1.0 if flag else -1.0)
"#;

fn bench(c: &mut Criterion) {
    let compiled = synth_dsl::compile(CANDIDATE);
    assert!(!compiled.has_errors());
    let program = compiled.program;
    let (fid, _) = program.function("score").expect("score");
    let inputs: Vec<[Value; 2]> = (0..10).map(|i| [Value::Int(i * 7919 - 30_000), Value::Int(i * 31)]).collect();
    let limits = Limits::default();
    let sandbox = Sandbox::new(SandboxLimits::default()).expect("engine");
    let module = synth_dsl::wasm::compile(&program, None, &synth_dsl::wasm::Options::default()).expect("compiles");

    let mut g = c.benchmark_group("candidate");
    g.bench_function("codegen", |b| {
        b.iter(|| {
            synth_dsl::wasm::compile(black_box(&program), None, &synth_dsl::wasm::Options::default()).expect("compiles")
        })
    });
    g.bench_function("cranelift_compile", |b| {
        b.iter(|| sandbox.compile_uncached(black_box(&module.bytes), synth_verifiers::SYNTH_METER).expect("compiles"))
    });
    let cached = sandbox.compile_metered(&module.bytes, synth_verifiers::SYNTH_METER).expect("compiles");
    g.bench_function("instantiate", |b| b.iter(|| sandbox.run(&cached, |_| Ok(()))));
    let runner = WasmRunner::new(&program, None, limits).expect("compiles");
    g.bench_function("wasm_run_10_inputs", |b| {
        b.iter(|| {
            for args in &inputs {
                black_box(runner.call(fid, args).expect("runs"));
            }
        })
    });
    // A new candidate each iteration (one constant differs), as in a search:
    // front end, code generation, cranelift (the runtime's functions come
    // from the incremental cache), instantiation and 10 runs.
    let mut k = 0u64;
    g.bench_function("wasm_total_10_inputs", |b| {
        b.iter(|| {
            k += 1;
            let src = CANDIDATE.replace("total > 1000", &format!("total > {}", 1000 + k));
            let compiled = synth_dsl::compile(&src);
            let program = &compiled.program;
            let runner = WasmRunner::new(program, None, limits).expect("compiles");
            for args in &inputs {
                black_box(runner.call(fid, args).expect("runs"));
            }
        })
    });
    // A batch of 16 new candidates compiled as one module (tir::merge), each
    // run on the 10 inputs: the per-module costs are paid once per batch.
    const BATCH: u64 = 16;
    g.throughput(criterion::Throughput::Elements(BATCH));
    g.bench_function("wasm_batch16_total_10_inputs", |b| {
        b.iter(|| {
            let programs: Vec<_> = (0..BATCH)
                .map(|_| {
                    k += 1;
                    synth_dsl::compile(&CANDIDATE.replace("total > 1000", &format!("total > {}", 1000 + k))).program
                })
                .collect();
            let (merged, offsets) = synth_dsl::tir::merge(&programs);
            let runner = WasmRunner::new(&merged, None, limits).expect("compiles");
            for offset in &offsets {
                for args in &inputs {
                    black_box(runner.call(offset + fid, args).expect("runs"));
                }
            }
        })
    });
    g.throughput(criterion::Throughput::Elements(1));
    g.bench_function("interp_run_10_inputs", |b| {
        b.iter(|| {
            for args in &inputs {
                let mut interp = Interpreter::new(&program, limits).expect("no constants");
                black_box(interp.call(fid, args.to_vec()).expect("runs"));
            }
        })
    });
    g.finish();
}

#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, bench);
}
use group::benches;
criterion_main!(benches);

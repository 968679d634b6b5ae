//! FunSearch's cap-set evaluator, written in synth's language and run on the
//! Wasm backend, reproduces the published sizes at n = 8: 256 with the
//! trivial priority and 512 with FunSearch's discovered priority. The
//! interpreter and native Rust agree at smaller n.

use synth_dsl::{Interpreter, Limits, Value};
use synth_verifiers::WasmRunner;
use synth_verifiers::capset::{self, PRIORITY_FUNSEARCH_N8, PRIORITY_TRIVIAL};

fn evaluate_wasm(priority: &str, n: i64) -> Value {
    let compiled = synth_dsl::compile(&capset::program(priority));
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let (fid, _) = compiled.program.function("evaluate").expect("evaluate");
    let limits = Limits { fuel: 1 << 40, ..Limits::default() };
    let runner = WasmRunner::new(&compiled.program, None, limits).expect("compiles");
    runner.call(fid, &[Value::Int(n)]).expect("runs").result.expect("no error")
}

#[test]
fn the_trivial_priority_builds_a_256_cap_at_n8() {
    assert_eq!(evaluate_wasm(PRIORITY_TRIVIAL, 8).repr(), "256");
    assert_eq!(capset::evaluate_native(8, capset::priority_trivial), 256);
}

#[test]
fn funsearch_priority_builds_a_512_cap_at_n8() {
    assert_eq!(evaluate_wasm(PRIORITY_FUNSEARCH_N8, 8).repr(), "512");
    assert_eq!(capset::evaluate_native(8, capset::priority_funsearch), 512);
}

#[test]
fn backends_and_native_agree_at_small_n() {
    let compiled = synth_dsl::compile(&capset::program(PRIORITY_FUNSEARCH_N8));
    let (fid, _) = compiled.program.function("evaluate").expect("evaluate");
    for n in 4..=5 {
        let mut interp =
            Interpreter::new(&compiled.program, Limits { fuel: 1 << 40, ..Limits::default() }).expect("ok");
        let ours = interp.call(fid, vec![Value::Int(n)]).expect("runs").repr();
        assert_eq!(ours, evaluate_wasm(PRIORITY_FUNSEARCH_N8, n).repr(), "n = {n}");
        assert_eq!(ours, capset::evaluate_native(n as u32, capset::priority_funsearch).to_string(), "n = {n}");
    }
}

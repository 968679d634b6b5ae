//! The runtime (C compiled to wasm32) merges with generated code into one
//! import-free module that runs in the sandbox: generated functions call
//! runtime functions, and a runtime error comes back through the record.

use synth_dsl::wasm::RUNTIME_WASM;
use synth_dsl::wasm::link::Linker;
use synth_verifiers::sandbox::{Outcome, Sandbox, SandboxLimits};
use wasm_encoder::{ExportKind, Function, Instruction as I, ValType};
use wasmtime::Val;

/// A module with the runtime and two generated functions:
/// `twice_alloc(n)` allocates n bytes twice and returns the distance between
/// the blocks; `fail()` raises error kind 7 at span 3..9 with the message at
/// the runtime's error record itself (any static bytes do).
fn build() -> Vec<u8> {
    let mut l = Linker::new(RUNTIME_WASM).expect("runtime parses");
    let alloc = l.func("rt_alloc").expect("rt_alloc");
    let raise = l.func("rt_raise").expect("rt_raise");
    let errs = l.func("__synth_error_addr").expect("error addr");
    let ty_i32_i32 = l.n_types;
    l.types.ty().function([ValType::I32], [ValType::I32]);
    let ty_void_i32 = l.n_types + 1;
    l.types.ty().function([], [ValType::I32]);

    let f_twice = l.n_funcs;
    l.functions.function(ty_i32_i32);
    let mut f = Function::new([(1, ValType::I32)]);
    f.instruction(&I::LocalGet(0)).instruction(&I::Call(alloc)).instruction(&I::LocalSet(1));
    f.instruction(&I::LocalGet(0)).instruction(&I::Call(alloc)).instruction(&I::LocalGet(1)).instruction(&I::I32Sub);
    f.instruction(&I::End);
    l.code.function(&f);

    let f_fail = l.n_funcs + 1;
    l.functions.function(ty_void_i32);
    let mut f = Function::new([]);
    for v in [7, 3, 9] {
        f.instruction(&I::I32Const(v));
    }
    f.instruction(&I::Call(errs)).instruction(&I::I32Const(0)).instruction(&I::Call(raise));
    f.instruction(&I::I32Const(0)).instruction(&I::End);
    l.code.function(&f);

    l.exports.export("twice_alloc", ExportKind::Func, f_twice);
    l.exports.export("fail", ExportKind::Func, f_fail);
    l.exports.export("__synth_error_addr", ExportKind::Func, errs);
    l.finish()
}

#[test]
fn generated_code_calls_the_runtime_in_the_sandbox() {
    let bytes = build();
    wasmparser::validate(&bytes).expect("valid module");
    let sb = Sandbox::new(SandboxLimits::default()).expect("engine");
    let module = sb.compile(&bytes).expect("no imports, compiles");
    // Allocations are 8-byte aligned and consecutive.
    let out = sb.run(&module, |g| Ok(g.call("twice_alloc", &[Val::I32(13)], 1)?[0].unwrap_i32()));
    assert_eq!(out, Outcome::Ok(16));
    match sb.run(&module, |g| Ok(g.call("fail", &[], 1)?[0].unwrap_i32())) {
        Outcome::RuntimeError(e) => assert_eq!((e.kind, e.span), (7, (3, 9))),
        other => panic!("expected a runtime error, got {other:?}"),
    }
    // Allocating past the memory cap is OutOfMemory, not a crash.
    let out = sb.run(&module, |g| Ok(g.call("twice_alloc", &[Val::I32(48 << 20)], 1)?[0].unwrap_i32()));
    assert_eq!(out, Outcome::OutOfMemory);
}

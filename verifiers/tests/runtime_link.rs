//! The runtime (C compiled to wasm32) merges with generated code into one
//! import-free module that runs in the sandbox: generated functions call
//! runtime functions, and a runtime error comes back through the record.

use synth_dsl::wasm::link::{GenFunction, Linker};
use synth_verifiers::sandbox::{Outcome, Sandbox, SandboxLimits};
use wasm_encoder::{Instruction as I, ValType};
use wasmtime::Val;

/// A module with the runtime and two generated functions:
/// `twice_alloc(n)` allocates n bytes twice and returns the distance between
/// the blocks; `fail()` raises error kind 7 at span 3..9 with the message at
/// the runtime's error record itself (any static bytes do).
fn build() -> Vec<u8> {
    let mut l = Linker::new().expect("runtime parses");
    let rt = l.runtime();
    let alloc = rt.func("rt_alloc").expect("rt_alloc");
    let raise = rt.func("rt_raise").expect("rt_raise");
    let errs = rt.func("__synth_error_addr").expect("error addr");
    let ty_i32_i32 = l.func_type(vec![ValType::I32], vec![ValType::I32]);
    let ty_void_i32 = l.func_type(vec![], vec![ValType::I32]);
    let twice =
        vec![I::LocalGet(0), I::Call(alloc), I::LocalSet(1), I::LocalGet(0), I::Call(alloc), I::LocalGet(1), I::I32Sub];
    let f_twice = l.function(GenFunction { ty: ty_i32_i32, locals: vec![ValType::I32], code: twice });
    let fail = vec![
        I::I32Const(7),
        I::I32Const(3),
        I::I32Const(9),
        I::Call(errs),
        I::I32Const(0),
        I::Call(raise),
        I::I32Const(0),
    ];
    let f_fail = l.function(GenFunction { ty: ty_void_i32, locals: vec![], code: fail });
    l.export_func("twice_alloc", f_twice);
    l.export_func("fail", f_fail);
    l.export_func("__synth_error_addr", errs);
    l.finish().expect("links")
}

#[test]
fn generated_code_calls_the_runtime_in_the_sandbox() {
    let bytes = build();
    wasmparser::validate(&bytes).expect("valid module");
    let sb = Sandbox::new(SandboxLimits::default()).expect("engine");
    let module = sb.compile_metered(&bytes, synth_verifiers::SYNTH_METER).expect("no imports, compiles");
    // Allocations are 8-byte aligned and consecutive.
    let out = sb.run(&module, |g| Ok(g.call("twice_alloc", &[Val::I32(13)], 1)?[0].unwrap_i32()));
    assert_eq!(out, Outcome::Ok(16));
    match sb.run(&module, |g| Ok(g.call("fail", &[], 1)?[0].unwrap_i32())) {
        Outcome::RuntimeError(e) => assert_eq!((e.kind, e.span), (7, (3, 9))),
        other => panic!("expected a runtime error, got {other:?}"),
    }
    // Allocating past the memory cap is OutOfMemory, not a crash.
    let out = sb.run(&module, |g| Ok(g.call("twice_alloc", &[Val::I32(48 << 20)], 1)?[0].unwrap_i32()));
    assert!(matches!(out, Outcome::OutOfMemory(_)), "{out:?}");
}

#[test]
fn only_reachable_runtime_functions_are_linked() {
    // The two generated functions reach a handful of runtime functions, not
    // the string library: the module stays small.
    let bytes = build();
    let n_funcs = wasmparser::Parser::new(0)
        .parse_all(&bytes)
        .filter_map(|p| match p {
            Ok(wasmparser::Payload::FunctionSection(s)) => Some(s.count()),
            _ => None,
        })
        .sum::<u32>();
    let all = Linker::new().expect("runtime").runtime().len();
    assert!(n_funcs < 20 && all > 100, "{n_funcs} of {all} runtime functions linked");
}

#[test]
fn only_used_function_types_are_linked_once_each() {
    // wasmtime compiles a trampoline per function type, so the module keeps
    // just the types its functions and indirect calls name, each once.
    let bytes = build();
    let mut sigs = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.expect("parses") {
            wasmparser::Payload::TypeSection(s) => {
                for ty in s.into_iter_err_on_gc_types() {
                    let ty = ty.expect("func type");
                    sigs.push((ty.params().to_vec(), ty.results().to_vec()));
                }
            }
            wasmparser::Payload::FunctionSection(s) => used.extend(s.into_iter().map(|t| t.expect("type"))),
            wasmparser::Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader().expect("ops");
                while !ops.eof() {
                    if let wasmparser::Operator::CallIndirect { type_index, .. } = ops.read().expect("op") {
                        used.insert(type_index);
                    }
                }
            }
            _ => {}
        }
    }
    let all: std::collections::BTreeSet<u32> = (0..sigs.len() as u32).collect();
    assert_eq!(used, all, "every type is used");
    let distinct: std::collections::HashSet<_> = sigs.iter().collect();
    assert_eq!(distinct.len(), sigs.len(), "no signature twice: {sigs:?}");
}

#[test]
fn generated_functions_nothing_reaches_are_dropped() {
    // `helper` is called by the exported `main`; `unused` is neither
    // exported nor called, so it is not compiled.
    let mut l = Linker::new().expect("runtime parses");
    let ty = l.func_type(vec![], vec![ValType::I64]);
    let helper = l.function(GenFunction { ty, locals: vec![], code: vec![I::I64Const(41)] });
    let unused = l.function(GenFunction { ty, locals: vec![], code: vec![I::I64Const(0)] });
    let main = l.function(GenFunction { ty, locals: vec![], code: vec![I::Call(helper), I::I64Const(1), I::I64Add] });
    l.name_func(unused, "unused");
    l.name_func(main, "main");
    l.export_func("main", main);
    let bytes = l.finish().expect("links");
    wasmparser::validate(&bytes).expect("valid module");
    let n_funcs: u32 = wasmparser::Parser::new(0)
        .parse_all(&bytes)
        .filter_map(|p| match p {
            Ok(wasmparser::Payload::FunctionSection(s)) => Some(s.count()),
            _ => None,
        })
        .sum();
    assert_eq!(n_funcs, 2, "main and helper only");
    let sb = Sandbox::new(SandboxLimits::default()).expect("engine");
    let module = sb.compile_metered(&bytes, synth_verifiers::SYNTH_METER).expect("compiles");
    assert_eq!(sb.run(&module, |g| Ok(g.call("main", &[], 1)?[0].unwrap_i64())), Outcome::Ok(42));
}

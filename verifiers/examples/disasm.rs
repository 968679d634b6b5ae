//! Writes the machine code cranelift makes for a program to an ELF file,
//! for `objdump -d` (a profiling aid): `cargo run --release -p
//! synth-verifiers --example disasm -- FILE OUT.elf`. The engine is configured
//! as the sandbox's for synth's self-metering modules.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: disasm FILE OUT.elf");
        std::process::exit(2);
    };
    let src = std::fs::read_to_string(file).expect("readable file");
    let compiled = synth_dsl::compile(&src);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let m = synth_dsl::wasm::compile(&compiled.program, None, &Default::default()).expect("compiles");
    let mut config = wasmtime::Config::new();
    config.consume_fuel(false).epoch_interruption(false).cranelift_opt_level(wasmtime::OptLevel::Speed);
    let engine = wasmtime::Engine::new(&config).expect("engine");
    let elf = engine.precompile_module(&m.bytes).expect("compiles");
    std::fs::write(out, elf).expect("writable output");
}

//! Writes the machine code cranelift makes for a program to an ELF file,
//! for `objdump -d` (a profiling aid): `cargo run --release -p
//! synth-verifiers --example disasm -- FILE OUT.elf`
//! (or `OUT.wat` for the module's text; FILE may also be a module's text).
//! The code is the sandbox's own, as compiled for synth's self-metering modules.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: disasm FILE OUT.elf");
        std::process::exit(2);
    };
    let src = std::fs::read_to_string(file).expect("readable file");
    let bytes = if file.ends_with(".wat") {
        wat::parse_str(&src).expect("valid module text")
    } else {
        let compiled = synth_dsl::compile(&src);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        synth_dsl::wasm::compile(&compiled.program, None, &Default::default()).expect("compiles").bytes
    };
    if out.ends_with(".wat") {
        // The module's text instead of machine code.
        std::fs::write(out, wasmprinter::print_bytes(&bytes).expect("valid module")).expect("writable output");
        return;
    }
    let sandbox = synth_verifiers::sandbox::Sandbox::new(Default::default()).expect("sandbox");
    let elf = sandbox.precompile_metered(&bytes).expect("compiles");
    std::fs::write(out, elf).expect("writable output");
}

//! Rewrites `dsl/runtime/unicode.h` (the C runtime's character tables) from
//! the interpreter's character functions. Run after changing them, then
//! rebuild the runtime with `scripts/build-runtime.sh`.

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime/unicode.h");
    let text = synth_dsl::wasm::tables::unicode_header();
    std::fs::write(path, &text)?;
    println!("wrote {path} ({} bytes)", text.len());
    Ok(())
}

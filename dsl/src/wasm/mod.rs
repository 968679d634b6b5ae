//! Compilation to WebAssembly: `codegen` turns the typed IR into a module,
//! `link` merges it with the C runtime so the result imports nothing.

pub mod codegen;
pub mod link;
pub mod meter;
pub mod reach;
pub mod tables;

pub use codegen::{
    ALLOC_EXPORT, CodegenError, DECREF_EXPORT, ENTRY_EXPORT, INIT_EXPORT, MESSAGE_ID, Options, WasmModule, compile,
};

/// The runtime library, compiled from `dsl/runtime/*.c` by
/// `scripts/build-runtime.sh` (clang, wasm32) and committed, so that building
/// synth needs no C toolchain.
pub const RUNTIME_WASM: &[u8] = include_bytes!("../../runtime/runtime.wasm");

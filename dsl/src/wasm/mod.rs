//! Compilation to WebAssembly (issue 3, in progress): the runtime linker
//! today; the code generator over the typed IR builds on it.

pub mod link;

/// The runtime library, compiled from `dsl/runtime/*.c` by
/// `scripts/build-runtime.sh` (clang, wasm32) and committed, so that building
/// synth needs no C toolchain.
pub const RUNTIME_WASM: &[u8] = include_bytes!("../../runtime/runtime.wasm");

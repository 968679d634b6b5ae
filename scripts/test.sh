#!/usr/bin/env bash
# The whole test suite: set up, then formatting, lints and every test
# (unit, data-driven, snapshot, property and the CPython differential test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace
# The committed Wasm runtime must match its C sources (when the C toolchain
# is there: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32).
# Its Unicode tables are checked by a Rust test either way.
if command -v clang >/dev/null && command -v wasm-ld >/dev/null && [ -f /usr/lib/wasm32-wasi/libc.a ]; then
    bash scripts/build-runtime.sh --check
else
    echo "test: no clang/wasm-ld/wasi-libc; skipping the runtime freshness check"
fi

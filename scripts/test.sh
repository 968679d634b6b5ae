#!/usr/bin/env bash
# The whole test suite: set up, then formatting, lints and every test
# (unit, data-driven, snapshot, property and the CPython differential test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace
# The committed Wasm runtime must match its C sources (when clang can tell).
if command -v clang >/dev/null && command -v wasm-ld >/dev/null; then
    bash scripts/build-runtime.sh --check
else
    echo "test: clang/wasm-ld not found; skipping the runtime freshness check (apt-get install clang lld)"
fi

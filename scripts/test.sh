#!/usr/bin/env bash
# The whole test suite: set up, then formatting, lints and every test
# (unit, data-driven, snapshot, property and the CPython differential test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace

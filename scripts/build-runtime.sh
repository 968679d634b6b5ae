#!/usr/bin/env bash
# Rebuilds dsl/runtime/runtime.wasm from dsl/runtime/*.c with clang's wasm32
# target (apt: clang lld). The output is committed; run this after editing
# the C sources. With --check, fails if the committed file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dsl/runtime/runtime.wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clang --target=wasm32 -O2 -nostdlib -ffreestanding -fno-builtin-malloc \
    -Wall -Wextra -Werror \
    -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-debug -Wl,-z,stack-size=65536 \
    -o "$tmp/runtime.wasm" dsl/runtime/*.c
if [ "${1:-}" = "--check" ]; then
    cmp -s "$tmp/runtime.wasm" "$out" || { echo "build-runtime: $out is stale; run scripts/build-runtime.sh" >&2; exit 1; }
    echo "build-runtime: $out matches its sources"
else
    cp "$tmp/runtime.wasm" "$out"
    echo "wrote $out ($(wc -c < "$out") bytes)"
fi

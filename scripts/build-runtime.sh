#!/usr/bin/env bash
# Rebuilds dsl/runtime/runtime.wasm from dsl/runtime/*.c with clang's wasm32
# target against wasi-libc (apt: clang lld wasi-libc libclang-rt-14-dev-wasm32;
# only strtod and libm are used, nothing that imports). The output is
# committed; run this after editing the C sources or unicode.h. With
# --check, fails if the committed file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dsl/runtime/runtime.wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clang --target=wasm32-wasi -O2 -ffp-contract=off -nostartfiles \
    -Wall -Wextra -Werror -Wno-gnu-statement-expression \
    -Wl,--no-entry -Wl,--strip-debug -Wl,-z,stack-size=65536 \
    -Wl,--export=rt_heap_top -Wl,--export=rt_site -Wl,--export=rt_mem_cap -Wl,--export=rt_poison -Wl,--export=rt_live_bytes -Wl,--export=__heap_base \
    -o "$tmp/runtime.wasm" dsl/runtime/*.c
if [ "${1:-}" = "--check" ]; then
    cmp -s "$tmp/runtime.wasm" "$out" || { echo "build-runtime: $out is stale; run scripts/build-runtime.sh" >&2; exit 1; }
    echo "build-runtime: $out matches its sources"
else
    cp "$tmp/runtime.wasm" "$out"
    echo "wrote $out ($(wc -c < "$out") bytes)"
fi

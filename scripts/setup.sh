#!/usr/bin/env bash
# Installs what synth needs on a fresh machine, idempotently, into
# git-ignored folders of the repository. The machine has the Rust toolchain,
# gcc, python3 with pip and apt; nothing else is assumed.
#
# Today synth needs: cargo (present) and python3 (the tests use CPython as
# an outside oracle). Later issues add the ONNX Runtime and Z3 shared
# libraries here, from their PyPI wheels, into .deps/.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
    command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not found ($2)" >&2; exit 1; }
}
need cargo "install the Rust toolchain with rustup"
need python3 "install python3 (apt-get install python3)"

mkdir -p .deps
python3 - <<'PY'
import sys
if sys.version_info < (3, 9):
    sys.exit(f"setup: python3 >= 3.9 is required for the tests, found {sys.version.split()[0]}")
PY

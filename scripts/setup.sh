#!/usr/bin/env bash
# Installs what synth needs on a fresh machine, idempotently, into
# git-ignored folders of the repository. The machine has the Rust toolchain,
# gcc, python3 with pip and apt; nothing else is assumed.
#
# synth needs cargo (present), python3 (the tests use CPython as an outside
# oracle) and the ONNX Runtime shared library, which it loads at run time
# (ort's `load-dynamic`): taken from the PyPI `onnxruntime` wheel into
# .deps/onnxruntime/. `--python` also installs the Python packages that the
# model benchmark and the test-model generator use, into .deps/python/.
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

# ONNX Runtime: the wheel is a zip; its capi/ folder has the shared library
# under a versioned name only. synth looks for .deps/onnxruntime/libonnxruntime.so
# (or $ORT_DYLIB_PATH).
ORT_VERSION=1.31.1
ort_dir=.deps/onnxruntime
if [ ! -f "$ort_dir/libonnxruntime.so.$ORT_VERSION" ]; then
    echo "setup: fetching onnxruntime $ORT_VERSION from PyPI" >&2
    rm -rf .deps/wheels && mkdir -p .deps/wheels "$ort_dir"
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        "onnxruntime==$ORT_VERSION" -d .deps/wheels
    python3 - "$ort_dir" "$ORT_VERSION" .deps/wheels/onnxruntime-*.whl <<'PY'
import sys, zipfile, os
out, version, wheel = sys.argv[1], sys.argv[2], sys.argv[3]
name = f"libonnxruntime.so.{version}"
with zipfile.ZipFile(wheel) as z:
    member = next(m for m in z.namelist() if m.endswith("/capi/" + name))
    with z.open(member) as src, open(os.path.join(out, name + ".part"), "wb") as dst:
        dst.write(src.read())
os.replace(os.path.join(out, name + ".part"), os.path.join(out, name))
PY
    rm -rf .deps/wheels
fi
ln -sf "libonnxruntime.so.$ORT_VERSION" "$ort_dir/libonnxruntime.so"

# Z3: the z3 crate links libz3 (z3-sys, no bindgen); Debian's is too old, so
# the library comes from the PyPI `z3-solver` wheel into .deps/z3/, where
# .cargo/config.toml points the build (Z3_LIBRARY_PATH_OVERRIDE) and the
# binaries' rpath.
Z3_VERSION=5.4.1.0
Z3_SONAME=libz3.so.5.4
z3_dir=.deps/z3
if [ "$(cat "$z3_dir/.installed" 2>/dev/null)" != "$Z3_VERSION" ]; then
    echo "setup: fetching z3-solver $Z3_VERSION from PyPI" >&2
    rm -rf .deps/wheels "$z3_dir" && mkdir -p .deps/wheels "$z3_dir"
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        "z3-solver==$Z3_VERSION" -d .deps/wheels
    python3 - "$z3_dir" "$Z3_SONAME" .deps/wheels/z3_solver-*.whl <<'PY'
import sys, zipfile, os
out, name, wheel = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(wheel) as z:
    member = next(m for m in z.namelist() if m.endswith("/lib/" + name))
    with z.open(member) as src, open(os.path.join(out, name + ".part"), "wb") as dst:
        dst.write(src.read())
os.replace(os.path.join(out, name + ".part"), os.path.join(out, name))
PY
    rm -rf .deps/wheels
    echo "$Z3_VERSION" > "$z3_dir/.installed"
fi
ln -sf "$Z3_SONAME" "$z3_dir/libz3.so"

python_packages="onnxruntime==$ORT_VERSION onnx==1.19.1 numpy<3 tokenizers==0.22.1"
if [ "${1:-}" = "--python" ] && [ "$(cat .deps/python/.installed 2>/dev/null)" != "$python_packages" ]; then
    rm -rf .deps/python
    # shellcheck disable=SC2086 # one argument per package
    python3 -m pip install --quiet --disable-pip-version-check --target .deps/python $python_packages
    echo "$python_packages" > .deps/python/.installed
    echo "setup: Python packages in .deps/python (PYTHONPATH=.deps/python)" >&2
fi

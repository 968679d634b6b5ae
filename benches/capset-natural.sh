#!/usr/bin/env bash
# The natural cap-set program (benches/capset/natural.py with FunSearch's
# n = 8 priority function): whole-process wall time and peak RSS of
# `synth exec ... --call 'solve(8)'` on both backends against `python3`
# running the same text, alternating, REPS runs each; prints medians.
#     bash benches/capset-natural.sh [SYNTH_BINARY] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/synth}
reps=${2:-11}
prog=$(mktemp --suffix=.py)
trap 'rm -f "$prog"' EXIT
cat benches/capset/priority_funsearch_n8.py benches/capset/natural.py > "$prog"
python3 - "$bin" "$prog" "$reps" <<'PY'
import os, statistics, subprocess, sys, time
bin, prog, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = {
    "synth exec (wasm)": [bin, "exec", prog, "--call", "solve(8)"],
    "synth exec (interp)": [bin, "exec", prog, "--call", "solve(8)", "--backend", "interp"],
    "python3": [sys.executable, "-c", f"exec(open({prog!r}).read()); print(solve(8))"],
}
times = {k: [] for k in runs}
rss = {k: [] for k in runs}
for _ in range(reps):
    for name, cmd in runs.items():
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        out, _ = p.communicate()
        times[name].append(time.perf_counter() - start)
        assert out.strip() == b"512", (name, out)
for name, cmd in runs.items():
    # Peak RSS of one more run, measured by the kernel for the child alone.
    pid = subprocess.Popen(cmd, stdout=subprocess.DEVNULL).pid
    _, _, usage = os.wait4(pid, 0)
    rss[name] = usage.ru_maxrss / 1024
py = statistics.median(times["python3"])
print(f"{'run':22} {'median':>9} {'min':>9} {'peak RSS':>9}  python3 / it")
for name in runs:
    m = statistics.median(times[name])
    print(f"{name:22} {m*1000:7.1f}ms {min(times[name])*1000:7.1f}ms {rss[name]:7.1f}MB  {py/m:5.2f}x")
PY

#!/usr/bin/env python3
"""Evaluation cost per candidate: synth against CPython on the same candidates.

Takes the first N scored candidates of a cap-set run file, puts each in
problems/evolve/cap_set.py, and runs the evaluator for n = 3..8 three ways:
CPython in process (FunSearch's evaluator is this Python code), CPython as a
new process per candidate (FunSearch's sandbox starts one), and `synth exec`
per candidate (whole process: compile to Wasm, run). Prints medians.

    python3 benches/evolve-eval.py RUN.sqlite [N] [SYNTH_BINARY]
"""
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

root = Path(__file__).resolve().parent.parent
run, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50
synth = sys.argv[3] if len(sys.argv) > 3 else str(root / "target/release/synth")
skeleton = (root / "problems/evolve/cap_set.py").read_text()
seed = re.search(r"@evolve\n(def priority.*?)\n\n\n", skeleton, re.S).group(1)
rows = sqlite3.connect(run).execute(
    "SELECT id, text, signature FROM candidates WHERE status = 'ok' ORDER BY id LIMIT ?", (n,)
).fetchall()
call = "[evaluate(n) for n in range(3, 9)]"
inproc, pyproc, synthproc = [], [], []
with tempfile.TemporaryDirectory() as tmp:
    for id_, text, signature in rows:
        program = skeleton.replace(seed, text.strip())
        plain = program.replace("@evolve\n", "").replace("@score\n", "")
        g = {}
        exec(plain, g)
        t = time.perf_counter()
        expected = eval(call, g)
        inproc.append(time.perf_counter() - t)
        f = Path(tmp) / f"c{id_}.py"
        f.write_text(program)
        p = Path(tmp) / f"p{id_}.py"
        p.write_text(plain + f"\nprint({call})\n")
        t = time.perf_counter()
        out = subprocess.run([sys.executable, str(p)], capture_output=True, text=True).stdout
        pyproc.append(time.perf_counter() - t)
        t = time.perf_counter()
        got = subprocess.run([synth, "exec", str(f), "--call", call], capture_output=True, text=True).stdout
        synthproc.append(time.perf_counter() - t)
        assert got.strip() == out.strip() == repr(expected), (id_, got, out, expected)
m = statistics.median
print(f"{len(rows)} candidates, cap set n = 3..8, median per candidate:")
print(f"  CPython in process      {m(inproc) * 1000:7.1f} ms")
print(f"  CPython, a process each {m(pyproc) * 1000:7.1f} ms")
print(f"  synth exec (Wasm)       {m(synthproc) * 1000:7.1f} ms   ({m(pyproc) / m(synthproc):.1f}x the process, {m(inproc) / m(synthproc):.1f}x in process)")

#!/usr/bin/env python3
"""Z3 time per verification (`synth verify` on a right candidate of each
spec problem, benches/verify/NAME.py) and the counterexample-guided runs
(`synth run`: seconds, counterexample rounds, final verdict).

Usage: python3 benches/verify.py [path/to/synth]
"""
import json
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
synth = sys.argv[1] if len(sys.argv) > 1 else str(root / "target/release/synth")


def run(args):
    out = subprocess.run([synth, *args], cwd=root, capture_output=True, text=True)
    return json.loads(out.stdout) if out.stdout.strip().startswith("{") else None


print(f"{'problem':<24} {'verify s':>9} {'verdict':<10} | {'run s':>7} {'rounds':>6} verdict")
for p in sorted((root / "problems/spec").glob("*.toml")) + sorted((root / "problems/sketch").glob("*.toml")):
    cand = root / "benches/verify" / (p.stem + ".py")
    vs, vv = "-", "-"
    if cand.exists():
        v = run(["verify", str(p.relative_to(root)), "--candidate", str(cand.relative_to(root)), "--json"])
        t = v["targets"][0]
        vs, vv = f"{t.get('seconds', 0):.3f}", t["verdict"]
    r = run(["run", str(p.relative_to(root)), "--json"])
    t = r["targets"][0]
    verdict = t["verdict"] or ("not solved" if not r["solved"] else "tests only")
    if not r["solved"]:
        verdict = "not solved"
    print(f"{p.stem:<24} {vs:>9} {vv:<10} | {r['seconds']:>7.2f} {len(t['counterexamples']):>6} {verdict}")

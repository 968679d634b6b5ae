#!/usr/bin/env python3
"""The search techniques of issue 19, measured: `synth eval` of the shipped
problems at the same budget per problem with every technique on, and with
each switched off (`--without NAME`), then everything off. Prints a
Markdown table per suite: problems solved, median solve time of the solved,
and the share of solutions that pass their hidden tests.

    python3 scripts/pbe-bench.py [--seconds 10] [--jobs 2] [--synth target/release/synth] [--out DIR]

Two evaluations run side by side by default (one per core: the enumerator
is single-threaded), the same for every configuration.
"""
import argparse
import json
import os
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ap = argparse.ArgumentParser()
ap.add_argument("--seconds", default="10")
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--synth", default=os.path.join(root, "target/release/synth"))
ap.add_argument("--out", default="/tmp/pbe-bench")
ap.add_argument("--configs", default="all,-constants,-conditionals,-idioms,none")
args = ap.parse_args()

folders = sorted(
    os.path.join("problems", d)
    for d in os.listdir(os.path.join(root, "problems"))
    if os.path.isdir(os.path.join(root, "problems", d)) and d not in ("evolve", "sygus")
)
techniques = ["constants", "conditionals", "idioms"]
os.makedirs(args.out, exist_ok=True)


def without(config):
    if config == "all":
        return []
    if config == "none":
        return techniques
    return [config.lstrip("-")]


def run(config):
    out = os.path.join(args.out, f"{config}.json")
    cmd = [args.synth, "eval", *folders, "--seconds", args.seconds, "--output", out]
    w = without(config)
    if w:
        cmd += ["--without", ",".join(w)]
    subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return config, json.load(open(out))


configs = args.configs.split(",")
with ThreadPoolExecutor(args.jobs) as pool:
    results = dict(pool.map(run, configs))


def suite(row):
    parts = row["file"].split("/")
    return parts[1] if parts[0] == "problems" else parts[0]


suites = sorted({suite(r) for rows in results.values() for r in rows})
groups = [("pbe-strings", ["pbe-strings"]), ("pbe-lists", ["pbe-lists"]),
          ("other shipped", [s for s in suites if not s.startswith("pbe-")]), ("all", suites)]
print(f"{args.seconds} s per problem, {args.jobs} evaluations side by side\n")
print("| configuration | suite | solved | median solve s | hidden all passed |")
print("|---|---|---|---|---|")
for config in configs:
    rows = results[config]
    for name, members in groups:
        rs = [r for r in rows if suite(r) in members and not r.get("error")]
        solved = [r for r in rs if r["solved"]]
        med = statistics.median([r["seconds"] for r in solved]) if solved else float("nan")
        clean = [r for r in solved if r["hidden_passed"] == r["hidden_total"]]
        label = {"all": "every technique", "none": "none of them"}.get(config, f"without {config.lstrip('-')}")
        print(f"| {label} | {name} | {len(solved)}/{len(rs)} | {med:.2f} | {len(clean)}/{len(solved)} |")

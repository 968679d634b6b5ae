#!/usr/bin/env bash
# Search throughput through the whole path (propose, place, check, test in
# the sandbox), for two synth binaries side by side (e.g. before and after a
# change; build the other one in a worktree):
#   (placing and testing alone, old and new placing side by side, is the
#   criterion bench `cargo bench -p synth-engine --bench place`);
#   - an enumerator run: candidates (distinct programs) per second;
#   - `synth eval problems/`: wall-clock seconds, and whether both binaries
#     found the same program for every problem.
# Runs alternate, REPS each; prints medians. Usage:
#     bash benches/search-throughput.sh BASE_BINARY [NEW_BINARY] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: search-throughput.sh BASE_BINARY [NEW_BINARY] [REPS]}
new=${2:-target/release/synth}
reps=${3:-3}
out=$(mktemp -d)
for r in $(seq "$reps"); do
    for who in base new; do
        bin=$base; [ "$who" = new ] && bin=$new
        "$bin" run problems/lists/running-sum.toml --candidates 400000 --json > "$out/enum-$who-$r.json" || true
        start=$(date +%s%N)
        "$bin" eval problems --output "$out/eval-$who-$r.json" > /dev/null
        echo $(( $(date +%s%N) - start )) > "$out/eval-$who-$r.nanos"
    done
done
python3 - "$out" "$reps" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
def load(kind, who, r):
    return json.load(open(f"{out}/{kind}-{who}-{r}.json"))
rows = {}
for who in ("base", "new"):
    e = [load("enum", who, r) for r in range(1, reps + 1)]
    ev = [int(open(f"{out}/eval-{who}-{r}.nanos").read()) / 1e9 for r in range(1, reps + 1)]
    rows[who] = {
        "enumerate: candidates per second": statistics.median(x["candidates"] / x["seconds"] for x in e),
        "eval problems/: seconds": statistics.median(ev),
    }
for key in rows["base"]:
    b, n = rows["base"][key], rows["new"][key]
    print(f"{key:<60} base {b:10.1f}   new {n:10.1f}   new/base {n / b:5.2f}x")
same = True
for r in range(1, reps + 1):
    a = {x["file"]: x.get("program") for x in load("eval", "base", r)}
    b = {x["file"]: x.get("program") for x in load("eval", "new", r)}
    diff = [f for f in a if a[f] != b.get(f)]
    if diff:
        same = False
        print("programs differ:", diff)
print("eval: same program for every problem" if same else "eval: programs differ")
PY
rm -rf "$out"

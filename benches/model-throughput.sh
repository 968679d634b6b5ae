#!/usr/bin/env bash
# The model benchmark: tokens per second of synth's sampler (Rust, ort)
# against a Python onnxruntime loop doing the same work
# (benches/model_throughput.py): same ~5M-parameter model (made by
# scripts/make-test-models.py --bench), prompt, thread count, sampling and
# token counts, the two run alternately; median of REPS runs. Also peak
# memory, and candidates per second of `synth run --proposer model` on a
# shipped problem. Usage:
#     bash benches/model-throughput.sh [REPS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
threads=${2:-2}
bash scripts/setup.sh --python >/dev/null
export PYTHONPATH=$PWD/.deps/python
model=target/bench-model
[ -f "$model/model.onnx" ] || python3 scripts/make-test-models.py --bench "$model"
cargo build --release --quiet
synth=target/release/synth
# The same model with synth's attention rewrite turned off (docs/models.md,
# "Fused attention"): synth running the graph exactly as exported.
unfused=target/bench-model-unfused
mkdir -p "$unfused"
for f in model.onnx tokenizer.json config.json; do ln -sf "$PWD/$model/$f" "$unfused/$f"; done
echo "fuse_attention = false" > "$unfused/synth-model.toml"
prompt=target/bench-prompt.txt
# The prompt synth builds for problems/strings/initials.toml.
"$synth" sample "$model" --problem problems/strings/initials.toml --samples 1 --max-new-tokens 1 --json \
    | python3 -c 'import sys, json; open(sys.argv[1], "w").write(json.load(sys.stdin)["prompt"])' "$prompt"

median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
field() { python3 -c 'import sys, json; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }
rust() { "$synth" sample "${RUST_MODEL:-$model}" --prompt-file "$prompt" --threads "$threads" --temperature 0.8 --top-p 0.95 --json "$@"; }
python() { python3 benches/model_throughput.py "$model" --prompt-file "$prompt" --threads "$threads" "$@"; }

echo "model: $(python3 -c 'import os; print(round(os.path.getsize("target/bench-model/model.onnx") / 4e6, 2))' )M parameters; $threads threads; prompt $(rust --samples 1 --max-new-tokens 1 | field prompt_tokens) tokens; median of $reps"
echo
echo "| workload | Rust tok/s | Python tok/s | Rust / Python | Python without text decoding, tok/s | Rust peak RSS | Python peak RSS |"
echo "|---|---|---|---|---|---|---|"
row() { # name, rust args, python args, whether to run Python without text decoding
    local name=$1 rargs=$2 pargs=$3 bare=$4 r=() p=() b=() rm pm
    for _ in $(seq "$reps"); do
        out=$(rust $rargs); r+=("$(echo "$out" | field tokens_per_second)"); rm=$(echo "$out" | field peak_rss_mib)
        out=$(python $pargs); p+=("$(echo "$out" | field tokens_per_second)"); pm=$(echo "$out" | field peak_rss_mib)
        if [ "$bare" = yes ]; then out=$(python $pargs --bare); b+=("$(echo "$out" | field tokens_per_second)"); else b+=(nan); fi
    done
    python3 -c "import sys; r,p,b,rm,pm=map(float,sys.argv[1:6]); print(f'| {sys.argv[6]} | {r:.0f} | {p:.0f} | **{r/p:.2f}×** | {b:.0f} | {rm:.0f} MiB | {pm:.0f} MiB |'.replace('nan', '-'))" \
        "$(median "${r[@]}")" "$(median "${p[@]}")" "$(median "${b[@]}")" "$rm" "$pm" "$name"
}
row "batch 1: 4 samples × 128 tokens" "--samples 4 --batch 1 --max-new-tokens 128 --ignore-eos" "--samples 4 --batch 1 --max-new-tokens 128" yes
row "batch 32: 32 samples × 128 tokens" "--samples 32 --batch 32 --max-new-tokens 128 --ignore-eos" "--samples 32 --batch 32 --max-new-tokens 128" yes
RUST_MODEL=$unfused row "batch 32, synth with fuse_attention = false (the graph as exported)" "--samples 32 --batch 32 --max-new-tokens 128 --ignore-eos" "--samples 32 --batch 32 --max-new-tokens 128" no
row "batch 32, rows end at the end of the function; Python keeps ended rows in the batch" \
    "--samples 32 --batch 32 --max-new-tokens 128 --stop-at-dedent" "--samples 32 --batch 32 --max-new-tokens 128 --stop-at-dedent" no
row "the same, Python also drops ended rows" \
    "--samples 32 --batch 32 --max-new-tokens 128 --stop-at-dedent" "--samples 32 --batch 32 --max-new-tokens 128 --stop-at-dedent --compact" no
echo
out=$("$synth" run problems/strings/initials.toml --proposer model --model "$model" --samples 256 --threads "$threads" --json || true)
echo "$out" | python3 -c '
import sys, json
m = json.load(sys.stdin)["model"]
c, s, t = m["completions"], m["seconds"], m["tokens"]
print("synth run problems/strings/initials.toml --proposer model --samples 256: %d completions in %.2f s = %.0f candidates proposed/s "
      "(%.0f tokens/s; %d syntax errors, %d type errors, %d duplicates: random weights)"
      % (c, s, c / s, t / s, m["syntax_errors"], m["type_errors"], m["duplicates"]))'

#!/usr/bin/env bash
# The main job: set up, build synth (release), synthesize a shipped problem
# (FlashFill's initials, with the problem file's own budget), then run the
# examples: `synth check` reports diagnostics, `synth exec` evaluates calls
# and prints their results as Python's repr would; Z3 proves and refutes
# (counterexample-guided search, a sketch); a one-minute evolutionary search
# on the cap-set problem.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
synth=target/release/synth

run() {
    echo "\$ synth $*"
    "$synth" "$@"
}

echo "# Synthesis: find f from two examples; hidden tests check that it generalises"
run run problems/strings/initials.toml
echo
run check examples/text.py examples/numbers.py && echo "(no diagnostics)"
echo
echo "# A file with mistakes: diagnostics and exit status 1"
run check examples/broken.py || echo "(exit status $?)"
echo
run exec examples/text.py --call 'initials("ada lovelace byron")'
run exec examples/text.py --call 'normalize_phone("(555) 123-4567")'
run exec examples/text.py --call 'caesar("Hello, World!", 3)'
run exec examples/text.py --call 'word_lengths("to be or not")'
run exec examples/numbers.py --call 'fib(1000)'
run exec examples/numbers.py --call 'primes_below(50)'
run exec examples/numbers.py --call 'mean_and_spread([1.5, 2.5, 4.0])'
run exec examples/numbers.py --call 'popcount(2 ** 40 - 1)'
run exec examples/numbers.py --call 'fib(1000)' --backend interp
echo
echo "# FunSearch's cap-set evaluator at n = 8 with its published priority function: a 512-cap"
cat benches/capset/priority_funsearch_n8.py benches/capset/solve.py > target/capset_n8.py
run exec target/capset_n8.py --call 'evaluate(8)'
echo
echo "# The same greedy written naturally (a new tuple per pair of chosen vectors): memory is reclaimed"
cat benches/capset/priority_funsearch_n8.py benches/capset/natural.py > target/capset_natural.py
run exec target/capset_natural.py --call 'solve(8)'
echo
echo "# Z3: counterexample-guided synthesis of a Hacker's Delight trick, proved against its reference"
run run problems/spec/rightmost-one-off.toml
run verify problems/spec/max4.toml --candidate benches/verify/max4.py
echo "# A sketch: Z3 fills the hole of x * ?? so that it equals x + x"
run run problems/sketch/double.toml
echo
echo "# Evolution (FunSearch-style, no model): cap sets from the trivial priority, 60 s, then the run file"
rm -f target/cap-set-run.sqlite*
run evolve problems/evolve/cap-set.toml --db target/cap-set-run.sqlite --seconds 60
run show target/cap-set-run.sqlite --top 1
run plot target/cap-set-run.sqlite -o target/cap-set-best.svg
echo
echo "# A runtime error names its Python exception and its location"
run exec examples/numbers.py --call 'mean_and_spread([])' || echo "(exit status $?)"

#!/usr/bin/env bash
# Solve counts and times of synth and cvc5 on the shipped SyGuS files, same
# per-file budget. Usage: scripts/sygus-vs-cvc5.sh [SECONDS] (cvc5: apt-get install cvc5).
set -u
budget=${1:-30}
cd "$(dirname "$0")/.."
printf "%-34s %12s %12s\n" file synth cvc5
for f in problems/sygus/*/*.sl; do
  s0=$(date +%s.%N)
  if ./target/release/synth run "$f" --seconds "$budget" >/dev/null 2>&1; then
    st=$(printf "%.2f" "$(echo "$(date +%s.%N) - $s0" | bc)"); else st="no"; fi
  c0=$(date +%s.%N)
  if out=$(timeout "$budget" cvc5 --lang=sygus2 "$f" 2>&1) && echo "$out" | grep -q "define-fun"; then
    ct=$(printf "%.2f" "$(echo "$(date +%s.%N) - $c0" | bc)"); else ct="no"; fi
  printf "%-34s %12s %12s\n" "$f" "$st" "$ct"
done

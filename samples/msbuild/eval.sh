#!/usr/bin/env bash
# A stand-in for a real evaluation (e.g. lm-evaluation-harness on checkpoint $1, task $2): prints a
# score that peaks at step 400 (bomax passes the step as BOMAX_STEP), plus a little per benchmark.
set -euo pipefail
checkpoint_path=$1 benchmark=$2
test -d "$checkpoint_path"
sleep "${BOMAX_SAMPLE_DELAY:-0}"
awk -v s="$BOMAX_STEP" -v b="$benchmark" 'BEGIN {
  d = (s - 400) / 250; bonus = (b == "math") ? 0.05 : 0
  printf "score: %.4f\n", 0.7 - 0.2 * d * d + bonus }'

#!/usr/bin/env bash
# A stand-in for a real evaluation (e.g. lm-evaluation-harness): waits a moment, then prints the score
# of checkpoint $1 on benchmark $2, looked up in a real run's complete score table (../data, see its
# README for the source and licence).
set -euo pipefail
checkpoint=$1 benchmark=$2
table="$(dirname "$0")/../data/learning-curves-121x71.tsv"
sleep "${BOMAX_SAMPLE_DELAY:-0.05}"
awk -F'\t' -v c="$checkpoint" -v b="$benchmark" '
  NR == 1 { for (i = 2; i <= NF; i++) if ($i == b) col = i; next }
  $1 == c && col { print "score:", $col; found = 1 }
  END { if (!found) { print "no score for " c " on " b > "/dev/stderr"; exit 1 } }' "$table"

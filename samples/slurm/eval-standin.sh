#!/usr/bin/env bash
# A stand-in for a real evaluation (lm-evaluation-harness on a GPU node): waits a moment, then prints the
# score of checkpoint $1 on benchmark $2, looked up in a real run's complete score table (../data; see its
# README for the source and licence). Under Slurm it also notes which job step it ran in, in
# $BOMAX_OUTPUT_DIR/slurm-step.txt when bomax gave it an output folder (srun passes the variable on).
set -euo pipefail
checkpoint=$1 benchmark=$2
table=${BOMAX_SAMPLE_TABLE:-"$(dirname "$0")/../data/learning-curves-121x71.tsv"}
if [ -n "${SLURM_JOB_ID:-}" ] && [ -d "${BOMAX_OUTPUT_DIR:-}" ]; then
  echo "job ${SLURM_JOB_ID} step ${SLURM_STEP_ID:-none} on ${SLURMD_NODENAME:-?}" >"$BOMAX_OUTPUT_DIR/slurm-step.txt"
fi
sleep "${BOMAX_SAMPLE_DELAY:-0.05}"
awk -F'\t' -v c="$checkpoint" -v b="$benchmark" '
  NR == 1 { for (i = 2; i <= NF; i++) if ($i == b) col = i; next }
  $1 == c && col { print "score:", $col; found = 1 }
  END { if (!found) { print "no score for " c " on " b > "/dev/stderr"; exit 1 } }' "$table"

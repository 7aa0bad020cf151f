#!/bin/bash
# Four Pythia runs x seeds 0-4 x 10 % and 25 % of the grid's evaluation time x engine.costs measured / off, six studies
# at a time. usage: batch.sh OUT BOMAX (the bomax executable)
here=$(cd "$(dirname "$0")" && pwd)
export OUT=$1 BOMAX=$2 HERE=$here
# One study: its spec written by make.sh, then `bomax run` in its folder (output, errors and exit code kept there).
# shellcheck disable=SC2016 # the inner bash expands these, one study per line
study='d=$("$HERE/make.sh" "$OUT" "$0" "$1" "$2" "$3") && cd "$d" && OMP_NUM_THREADS=1 "$BOMAX" run study.yml > out.txt 2> err.txt; echo $? > rc'
for seed in 0 1 2 3 4; do for run in 6.9b-deduped 1.4b-deduped 12b 410m-deduped; do for hours in 0.01913 0.04781; do
  for costs in measured off; do echo "$run $costs $seed $hours"; done
done; done; done | xargs -P 6 -L 1 bash -c "$study"

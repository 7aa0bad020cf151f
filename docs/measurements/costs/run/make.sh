#!/bin/bash
# Writes one study spec: a Pythia run's 27 checkpoints x 8 tasks, evaluated by eval.sh at 1/200 of pythia-few-dear's
# seconds, ended by budget.max-eval-hours alone. usage: make.sh OUT RUN COSTS(measured|off) SEED HOURS; prints its folder.
here=$(cd "$(dirname "$0")" && pwd)
out=$1 run=$2 costs=$3 seed=$4 hours=$5
P=${P:-$here/../../../../../shared/data/pythia-family}
d=$out/$run-$costs-$seed-$hours; mkdir -p "$d"
T=$(cd "$P" && pwd)/pythia-$run-0shot.tsv
ckpts=$(cut -f1 "$T" | tail -n +2 | paste -sd, | sed 's/,/, /g')
benches=$(head -1 "$T" | cut -f2- | tr '\t' ',' | sed 's/,/, /g')
cat > "$d/study.yml" <<YML
study: e2e-$run
checkpoints: { list: [$ckpts] }
benchmarks: [$benches]
eval:
  command: $here/eval.sh $T $here/../pythia-few-dear.tsv 0.005 {checkpoint} {benchmark}
  score: last-number
  timeout: 2m
budget: { max-evals: 100%, max-eval-hours: $hours }
engine: { seed: $seed, costs: $costs }
YML
echo "$d"

#!/bin/bash
# A stand-in evaluation for `bomax run`: sleeps its benchmark's cost (seconds from a cost file, times SCALE) with
# e^U jitter, U uniform in ±0.51 (a spread of about 30 %), then prints the score the run's table holds.
# usage: eval.sh TABLE COSTS SCALE CHECKPOINT BENCHMARK
table=$1 costs=$2 scale=$3 ckpt=$4 bench=$5
cost=$(awk -F'\t' -v b="$bench" '$1==b{print $2}' "$costs")
secs=$(awk -v c="$cost" -v s="$scale" -v r="$RANDOM" 'BEGIN{printf "%.3f", c*s*exp(0.3*(r/32767*2-1)*1.7)}')
sleep "$secs"
awk -F'\t' -v c="$ckpt" -v b="$bench" 'NR==1{for(i=2;i<=NF;i++) if($i==b) col=i; next} $1==c{print $col}' "$table"

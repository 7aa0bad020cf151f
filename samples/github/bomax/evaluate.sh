#!/usr/bin/env bash
# A stand-in evaluation: prints the score of checkpoint $1 (ckpt-STEP) on benchmark $2. Replace it with yours;
# bomax reads the last number it prints.
set -euo pipefail
step=${1##*-}
awk -v s="$step" -v b="${#2}" 'BEGIN { d = (s - 500) / 300; printf "%.4f\n", 0.8 - 0.3 * d * d + b / 1000 }'

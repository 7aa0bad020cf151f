"""The two error tables the probes replayed a suite with (docs/measurements.md#lm-eval-suites).
usage: python3 errors.py SUITE OUT_SCATTER OUT_DOUBLED [OUT_HALVED], SUITE the path of a grid less `.tsv` (its errors are SUITE-stderr.tsv).
scatter: every cell of a task the scatter of its scores over the late checkpoints (steps of 13,000 and more): the root mean
square of the second differences along the run, over sqrt(1.5), what independent noise of that size gives; read from the whole
table, so more than a study knows. doubled: each reported error times two; halved: times a half."""
import math, sys
suite, scatter_out, doubled_out = sys.argv[1:4]
halved_out = sys.argv[4] if len(sys.argv) > 4 else None
rows = [l.rstrip('\n').split('\t') for l in open(suite + '.tsv')]
steps = [int(r[0].split('-')[1]) for r in rows[1:]]
x = [[float(v) for v in r[1:]] for r in rows[1:]]
late = [i for i, s in enumerate(steps) if s >= 13000]
scatter = []
for j in range(len(rows[0]) - 1):
    d2 = [x[late[a]][j] - (x[late[a - 1]][j] + x[late[a + 1]][j]) / 2 for a in range(1, len(late) - 1)]
    scatter.append(math.sqrt(sum(d * d for d in d2) / len(d2) / 1.5))
with open(scatter_out, 'w') as w:
    w.write('\t'.join(rows[0]) + '\n')
    for r in rows[1:]: w.write(r[0] + '\t' + '\t'.join(f'{v:.6f}' for v in scatter) + '\n')
errors = [l.rstrip('\n').split('\t') for l in open(suite + '-stderr.tsv')]
with open(doubled_out, 'w') as w:
    w.write('\t'.join(errors[0]) + '\n')
    for r in errors[1:]: w.write(r[0] + '\t' + '\t'.join(f'{2 * float(v):.6f}' for v in r[1:]) + '\n')
if halved_out:
    with open(halved_out, 'w') as w:
        w.write('\t'.join(errors[0]) + '\n')
        for r in errors[1:]: w.write(r[0] + '\t' + '\t'.join(f'{0.5 * float(v):.6f}' for v in r[1:]) + '\n')

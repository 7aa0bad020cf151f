"""Reads the probe outputs: how far the top checkpoints' estimates miss, and how lucky the cells the study saw were.
usage: /usr/bin/python3 read.py PROBE.txt TABLE.tsv|synthetic  (a synthetic table: pass the TSV bomax replay --save-table wrote)"""
import sys, csv, numpy as np
probe, table = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(table), delimiter='\t'))[1:]
T = np.array([[float(x) for x in r[1:]] for r in rows]); n, m = T.shape
lines = open(probe).read().splitlines()
top = [l.split() for l in lines if l.startswith(' ') and 'truth' in l]
obs = [tuple(l.split()[1:]) for l in lines if l.startswith('  obs')]
obs = [(int(q), int(i), int(j)) for q, i, j, v in obs]
pick = int(lines[0].split()[1])
def luck(i, j):  # the cell against the same benchmark's cells of the three checkpoints either side
    near = [k for k in range(max(0, i - 3), min(n, i + 4)) if k != i]
    return T[i, j] - T[near, j].mean()
seen = {}
for q, i, j in obs: seen.setdefault(i, []).append(j)
print(lines[0]); print(lines[1])
best = int(np.argmax(T.mean(1)))
for t in top:
    i = int(t[0]); mean, sd, truth = float(t[4]), float(t[6]), float(t[2]); s = int(t[12])
    l = np.mean([luck(i, j) for j in seen.get(i, [])]) if s else float('nan')
    tag = ' pick' if i == pick else (' best' if i == best else '')
    print('%4d seen %2d  z %+5.1f  mean luck of its cells %+.4f%s' % (i, s, (truth - mean) / sd, l, tag))
few = [i for i in range(n) if 0 < len(seen.get(i, [])) <= m / 5]
print('cells of the barely evaluated checkpoints: mean luck %+.4f (%d cells); of the others %+.4f; a cell\'s roughness %.4f' % (
    np.mean([luck(i, j) for i in few for j in seen[i]]), sum(len(seen[i]) for i in few),
    np.mean([luck(i, j) for i in seen if i not in few for j in seen[i]]), np.std([luck(i, j) for i in range(n) for j in range(m)])))

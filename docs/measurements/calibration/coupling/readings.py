"""The final decisions of the harness (CouplingHarness.cs.txt, R_B=1: the benchmarks' correlations × f², each benchmark's
variance kept, in the final posterior and in the held-out check's model) read three ways:
1. P(best) of the build's pick, stated -> right by band, per fixed coupling f, fitted and widened by the check made again;
2. the coupling chosen by the check (the reading whose mean product of two held-back misses at one checkpoint is closest to 0);
3. regret per grid-budget if the ranking read the coupled posterior too (it does not: picks moved both ways).
usage: /usr/bin/python3 readings.py harness.tsv
columns: decision, checkpoints, pick, right, bulk; per f: f, bulk, same-checkpoint product, P(best) fitted, widened, own pick,
its P(best), its regret; the fit's shared jitter and checkpoint jitter."""
import sys, collections
import numpy as np
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
W = 8
nf = (len(rows[0]) - 5 - 2) // W

def bands(p, r):
    return ' | '.join('%.2f→%.2f (%d)' % (p[b].mean(), r[b].mean(), b.sum()) if b.any() else '-'
                      for lo, hi in [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)] for b in [(p >= lo) & (p < hi)])

def closest(r):
    products = [float(r[5 + W * k + 2]) for k in range(nf)]
    return 0 if np.isnan(products[0]) else int(np.argmin(np.abs(products)))

print('1. P(best) of the build\'s pick by fixed coupling; 2. by the check\'s choice')
for grp in ('large', 'small', 'all'):
    sel = [r for r in rows if grp == 'all' or (int(r[1]) >= 60) == (grp == 'large')]
    right = np.array([int(r[3]) for r in sel], dtype=float)
    print('==', grp, len(sel))
    for k in range(nf):
        b = 5 + W * k
        for name, c in (('widened', 4), ('fitted', 3)):
            p = np.array([float(r[b + c]) for r in sel])
            print('   f=%-4s %-8s %s  brier %.3f' % (sel[0][b], name, bands(p, right), ((p - right) ** 2).mean()))
    ks = [closest(r) for r in sel]
    p = np.array([float(r[5 + W * k + 4]) for r, k in zip(sel, ks)])
    print('   chosen   widened  %s  brier %.3f  (f chosen: %s of %s)' % (bands(p, right), ((p - right) ** 2).mean(),
          np.bincount(ks, minlength=nf), [rows[0][5 + W * k] for k in range(nf)]))

print('3. regret (%) per grid-budget if the ranking read the coupled posterior: mean / median / max')
groups = collections.defaultdict(list)
for r in rows:
    n = r[0].rsplit('-', 2); groups[n[0] + '@' + n[2].split('.')[0]].append(r)
for key, rs in sorted(groups.items()):
    cells = []
    for k in range(nf):
        reg = np.array([float(r[5 + W * k + 7]) for r in rs]) * 100
        cells.append('f=%s %.3f/%.3f/%.3f' % (rs[0][5 + W * k], reg.mean(), np.median(reg), reg.max()))
    print('   %-12s %s' % (key, '  '.join(cells)))

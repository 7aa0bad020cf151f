"""Where the larger grids' P(best) mass goes, by the dumps of dump.patch. usage: /usr/bin/python3 findings.py DUMPDIR"""
import sys, collections
import numpy as np
import load
load.DIR = sys.argv[1]
ds = load.all_dumps()
pbest, kind = load.pbest, load.kind
large = [d for d in ds if kind(d['name']) == 'large']
current = lambda d: d['cov'] * d['bulk']
fitted = lambda d: d['cov']

print('1. Each checkpoint\'s P(best), not only the pick\'s, on the larger grids: stated -> the true best')
for name, cov in (('this build', current), ('fitted', fitted)):
    P, R = [], []
    for d in large:
        P += list(pbest(d['mean'], cov(d), S=3000)); R += list((d['truth'] >= d['truth'].max() - 1e-12).astype(float))
    P, R = np.array(P), np.array(R)
    cells = ['%.3f→%.3f (%d)' % (P[b].mean(), R[b].mean(), b.sum()) for lo, hi in
             [(0.001, .02), (.02, .05), (.05, .1), (.1, .2), (.2, .5), (.5, 1.01)] for b in [(P >= lo) & (P < hi)] if b.any()]
    print('   %-10s %s' % (name, ' | '.join(cells)))

print('2. The larger grids\' decisions by the band of this build\'s pick: the mass stated -> the share of decisions where the best is there')
for name, cov in (('this build', current), ('fitted', fitted)):
    agg = collections.defaultdict(lambda: np.zeros(7))
    for d in large:
        p = pbest(d['mean'], cov(d), S=3000); pk = d['pick']
        c = pbest(d['mean'], current(d), S=3000)[pk]; band = 0 if c < 0.2 else 1 if c < 0.5 else 2
        best = np.argmax(d['truth']); few = d['seen'] <= 0.2 * d['m']; few[pk] = False
        other = ~few; other[pk] = False
        a = agg[band]; a += [1, p[pk], best == pk, p[few].sum(), few[best], p[other].sum(), other[best]]
    for b, a in sorted(agg.items()):
        a = a / a[0]
        print('   %-10s band %s (%d): the pick %.2f→%.2f, the barely evaluated %.2f→%.2f, the other evaluated %.2f→%.2f'
              % (name, ['< 0.2', '0.2–0.5', '≥ 0.5'][b], agg[b][0], *a[1:]))

print('3. The barely evaluated checkpoints against the pick, weighted by their P(best) (this build): z of (truth − estimate) of the difference')
agg = collections.defaultdict(list)
for d in large:
    pk = d['pick']; c = pbest(d['mean'], current(d), S=3000)
    band = 0 if c[pk] < 0.2 else 1 if c[pk] < 0.5 else 2
    few = d['seen'] <= 0.2 * d['m']; few[pk] = False
    if not few.any(): continue
    C = d['cov']; v = np.diag(C) + C[pk, pk] - 2 * C[:, pk]
    z = ((d['truth'] - d['truth'][pk]) - (d['mean'] - d['mean'][pk])) / np.sqrt(np.maximum(v, 1e-18))
    w = c[few] + 1e-9
    agg[band].append((np.average(z[few], weights=w), np.sqrt(np.average(z[few] ** 2, weights=w)), d['bulk']))
for b, v in sorted(agg.items()):
    a = np.array(v).mean(0)
    print('   band %s (%d): mean z %.2f, rms z %.2f with the fitted spread (%.2f widened by the mean bulk %.2f)'
          % (['< 0.2', '0.2–0.5', '≥ 0.5'][b], len(v), a[0], a[1], a[1] / np.sqrt(a[2]), a[2]))

print('4. Checkpoint-to-checkpoint variance: the truth\'s (from its second differences, an upper bound) and the fitted posterior\'s part that is not trend')
agg = collections.defaultdict(list)
for d in ds:
    t = d['truth']; rough = np.mean((t[2:] - 2 * t[1:-1] + t[:-2]) ** 2) / 6
    few = d['seen'] <= 0.2 * d['m']
    if not few.any(): continue
    agg[d['name'].split('-')[0]].append((rough, np.median(np.diag(d['cov'] - d['trend'])[few]), d['bulk']))
for k, v in sorted(agg.items()):
    a = np.array(v).mean(0)
    print('   %-7s truth %.2e, fitted (barely evaluated) %.2e: × %.1f, × %.1f with the bulk scale' % (k, a[0], a[1], a[1] / a[0], a[1] * a[2] / a[0]))

print('5. The held-out misses at one checkpoint: the mean product of two of them (0 for a calibrated model), by band')
agg = collections.defaultdict(list)
for d in ds:
    if not d['miss']: continue
    z = np.array([x[0] for x in d['miss']]); ck = np.array([x[1] for x in d['miss']])
    pairs = [zc[i] * zc[j] for c in set(ck) for zc in [z[ck == c]] for i in range(len(zc)) for j in range(i + 1, len(zc))]
    if not pairs: continue
    c = pbest(d['mean'], current(d), S=2000)[d['pick']]; band = 0 if c < 0.2 else 1 if c < 0.5 else 2 if c < 0.9 else 3
    agg[(kind(d['name']), band)].append(np.mean(pairs))
for k, v in sorted(agg.items()): print('   %s band %d (%d decisions): %.2f' % (k[0], k[1], len(v), np.mean(v)))

print('7. The pick against the checkpoint P(best) makes most likely, by the band of the pick (this build, the larger grids)')
for lo, hi in [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]:
    sel = []
    for d in large:
        p = pbest(d['mean'], current(d), S=3000); pk = d['pick']
        if not lo <= p[pk] < hi: continue
        top = int(np.argmax(p)); best = int(np.argmax(d['truth']))
        sel.append((p[pk], pk == best, top == pk, p[top], top == best))
    a = np.array(sel, dtype=float)
    print('   band %.1f–%.1f (%d): the pick %.2f→%.2f; the most likely is the pick in %.0f %%; the most likely %.2f→%.2f'
          % (lo, min(hi, 1), len(a), a[:, 0].mean(), a[:, 1].mean(), 100 * a[:, 2].mean(), a[:, 3].mean(), a[:, 4].mean()))

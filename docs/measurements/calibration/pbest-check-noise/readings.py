"""Every reading of P(best) tried on the dumps (H_DUMP of dump.patch), stated -> right by band, and the Brier score.
usage: /usr/bin/python3 readings.py DUMPDIR   (numpy; DUMPDIR holds one file per decision)"""
import sys, collections, statistics
import numpy as np
import load
load.DIR = sys.argv[1]
ds = load.all_dumps()
pbest, kind = load.pbest, load.kind

def right(d): return int(d['truth'][d['pick']] >= d['truth'].max() - 1e-12)
def zs(d): return np.array([x[0] for x in d['miss']])
def shrink(sum_sq, k, prior=10): return float(np.clip((sum_sq + prior) / (k + prior), 1, 100))
def scaled(s):
    return lambda d: d['cov'] * s(d)
def median_scale(z, prior=10):
    return 1.0 if len(z) < 10 else shrink(len(z) * np.median(z ** 2) / 0.455, len(z), prior)

def report(name, cov):
    print(name)
    for grp in ('large', 'small', 'all'):
        sel = [d for d in ds if grp == 'all' or kind(d['name']) == grp]
        ps = np.array([pbest(d['mean'], cov(d), S=3000)[d['pick']] for d in sel]); rs = np.array([right(d) for d in sel])
        cells = []
        for lo, hi in [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]:
            b = (ps >= lo) & (ps < hi)
            cells.append('%.2f→%.2f (%d)' % (ps[b].mean(), rs[b].mean(), b.sum()) if b.any() else '-')
        print('   %-6s %s  brier %.3f' % (grp, ' | '.join(cells), ((ps - rs) ** 2).mean()))

# the grid-budget's median check scale over its seeds: an oracle no single study has
by_grid = collections.defaultdict(list)
for d in ds: by_grid[d['name'].rsplit('-', 2)[0] + d['name'].rsplit('-', 1)[1]].append(d['bulk'])
grid_median = {k: float(np.median(v)) for k, v in by_grid.items()}
def grid_key(d): return d['name'].rsplit('-', 2)[0] + d['name'].rsplit('-', 1)[1]

def rows_scaled(f):
    def cov(d):
        s = np.sqrt(np.array([f(d, i) for i in range(d['n'])])); return d['cov'] * np.outer(s, s)
    return cov

def split_check(d):
    z = zs(d); before = np.array([x[3] for x in d['miss']])
    if len(z) == 0: return d['cov']
    few = lambda c: c <= 0.2 * d['m']
    s_few = median_scale(z[[few(c) for c in before]]); s_more = median_scale(z[[not few(c) for c in before]])
    s = np.sqrt(np.where(d['seen'] <= 0.2 * d['m'], s_few, s_more)); return d['cov'] * np.outer(s, s)

def correlated_excess(d):
    C, T = d['cov'], d['trend']
    t = np.sqrt(np.clip(np.diag(T), 1e-30, None)); c = np.sqrt(np.clip(np.diag(C), 0, None))
    return C + (d['bulk'] - 1) * (T / np.outer(t, t)) * np.outer(c, c)

def pooled_windows(K):
    def cov(d):
        z = list(zs(d))
        if len(z) < 10: return d['cov']
        for k in range(1, K + 1): z += list(d.get('misses', {}).get(k, []))
        return d['cov'] * median_scale(np.array(z))
    return cov

def winsorised(q):
    c = statistics.NormalDist().inv_cdf(0.5 + q / 2) ** 2; a = c ** 0.5; phi = np.exp(-c / 2) / (2 * np.pi) ** 0.5
    expected = (q - 2 * a * phi) + c * (1 - q)  # E[min(z², c)] for z ~ N(0, 1)
    def scale(d):
        z = zs(d)
        if len(z) < 10: return 1.0
        lo, hi = 1e-3, 1e3
        for _ in range(60):
            s = (lo * hi) ** 0.5
            lo, hi = (s, hi) if np.minimum(z ** 2 / s, c).mean() > expected else (lo, s)
        return shrink(len(z) * s, len(z))
    return scale

report('this build: the fitted posterior × the check\'s bulk scale', scaled(lambda d: d['bulk']))
report('the fitted posterior', lambda d: d['cov'])
report('bulk^0.5', scaled(lambda d: d['bulk'] ** 0.5))
report('the excess on the trend only', lambda d: d['cov'] + (d['bulk'] - 1) * d['trend'])
report('the excess on all but the trend', lambda d: d['cov'] + (d['bulk'] - 1) * (d['cov'] - d['trend']))
report('only checkpoints evaluated on more than a fifth widened', rows_scaled(lambda d, i: d['bulk'] if d['seen'][i] > 0.2 * d['m'] else 1))
report('two checks: misses at checkpoints with at most a fifth evaluated, and the rest', split_check)
report('the excess with the trend\'s correlations (marginals as this build)', correlated_excess)
report('the check\'s prior count 30 instead of 10', scaled(lambda d: median_scale(zs(d), 30)))
report('the check\'s scale from winsorised squares (χ² 0.8)', scaled(winsorised(0.8)))
report('the scale from mean |z|', scaled(lambda d: 1.0 if len(zs(d)) < 10 else shrink(len(zs(d)) * (np.abs(zs(d)).mean() / (2 / np.pi) ** 0.5) ** 2, len(zs(d)))))
report('the misses of two windows pooled', pooled_windows(1))
def scale_integrated(log_sd):
    # P(best) averaged over the check's scale times e^(log_sd · x), x at the three Gauss–Hermite nodes: the scale's own noise
    nodes, weights = [-1.5 ** 0.5, 0.0, 1.5 ** 0.5], [1 / 6, 2 / 3, 1 / 6]
    def probability(d):
        if d['bulk'] <= 1.0 or len(d['miss']) < 10: return pbest(d['mean'], d['cov'] * d['bulk'], S=3000)[d['pick']]
        return sum(w * pbest(d['mean'], d['cov'] * max(1.0, d['bulk'] * np.exp(log_sd * x)), S=3000)[d['pick']] for x, w in zip(nodes, weights))
    return probability

def report_probability(name, probability):
    print(name)
    for grp in ('large', 'small', 'all'):
        sel = [d for d in ds if grp == 'all' or kind(d['name']) == grp]
        ps = np.array([probability(d) for d in sel]); rs = np.array([right(d) for d in sel])
        cells = ['%.2f→%.2f (%d)' % (ps[b].mean(), rs[b].mean(), b.sum()) if b.any() else '-'
                 for lo, hi in [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)] for b in [(ps >= lo) & (ps < hi)]]
        print('   %-6s %s  brier %.3f' % (grp, ' | '.join(cells), ((ps - rs) ** 2).mean()))

report_probability('P(best) averaged over the scale\'s noise (log-sd 0.33, the median\'s at 50 misses)', scale_integrated(0.33))
report_probability('the same, log-sd 0.6', scale_integrated(0.6))
report('oracle: the grid-budget\'s median bulk over its ten seeds', scaled(lambda d: grid_median[grid_key(d)]))

# tried 2026-12-06 (a later session): the check's widening by how much of each checkpoint's row the check's misses speak for
def rows_by_share(f):
    def cov(d):
        s = np.sqrt(f(d)); return d['cov'] * np.outer(s, s)
    return cov
report('each row widened by 1 + (bulk − 1) × its share evaluated', rows_by_share(lambda d: 1 + (d['bulk'] - 1) * d['seen'] / d['m']))
report('each row widened by 1 + (bulk − 1) × min(1, its share evaluated ÷ a fifth)',
       rows_by_share(lambda d: 1 + (d['bulk'] - 1) * np.minimum(1, d['seen'] / (0.2 * d['m']))))
report('the checkpoints evaluated on more than a fifth × bulk, the rest × bulk^0.5',
       rows_by_share(lambda d: np.where(d['seen'] > 0.2 * d['m'], d['bulk'], d['bulk'] ** 0.5)))
report_probability('P(best) half from the fitted posterior, half from the widened one',
                   lambda d: 0.5 * pbest(d['mean'], d['cov'], S=3000)[d['pick']] + 0.5 * pbest(d['mean'], d['cov'] * d['bulk'], S=3000)[d['pick']])
for a in (0.7, 0.5):
    report('the part that is not trend narrowed to %.1f of the fitted, all widened by the bulk' % a,
           lambda d: d['bulk'] * (d['trend'] + a * (d['cov'] - d['trend'])))

def per_row_t(nu, S=3000, seed=0):
    # heavier tails, the third candidate: each checkpoint's draw scaled by its own χ²-mixing (a Student t of ν degrees
    # of freedom per row), its variance the bulk-widened one, on the studies the check widened (the rest as this build)
    def probability(d):
        if d['bulk'] <= 1.0: return pbest(d['mean'], d['cov'], S=S)[d['pick']]
        n = d['n']; w, v = np.linalg.eigh((d['cov'] + d['cov'].T) / 2); L = v * np.sqrt(np.clip(w, 0, None))
        rng = np.random.default_rng(seed)
        z = L @ rng.standard_normal((n, S)); mix = 1 / np.sqrt(rng.chisquare(nu, size=(n, S)) / nu)
        draws = d['mean'][:, None] + np.sqrt(d['bulk'] * (nu - 2) / nu) * mix * z
        return np.bincount(draws.argmax(0), minlength=n)[d['pick']] / S
    return probability
report_probability('each checkpoint a Student t of 4 degrees of freedom, its variance the bulk-widened one', per_row_t(4))

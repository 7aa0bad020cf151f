"""rules.py TRACES: replays each study of the traced replays in TRACES (the stderr of the experiment build of
experiment.patch run with X_TRACE=1, one .err file per replay) under several stop rules, and prints for each how many
studies it stopped, how many of those on the true best, and the budget saved. A study's trace has one line per round:
TRACE seed evaluations pick regret P(best) P(best)-in-the-tails [final-pick final-regret final-P(best) pooled-P(best)
final-P(best)-in-the-tails shortfall likely-shortfall] (the bracketed part only where P(best) >= 0.85, the final decision
as a stopped run reports it), and HYPER seed evaluations pick P(best)-over-hyperparameter-draws (bulk, tails) where
P(best) >= 0.9. A rule stops a study at its first round before the budget where it holds; the study's pick is then the
final decision's where the trace has one. The rule `now` is the build's, and reproduces its stop JSON seed for seed."""
import glob, os, sys, collections
def load(path):
    seeds = collections.OrderedDict()
    hyper = {}
    for line in open(path):
        if line.startswith('HYPER'):
            p = line.split(); hyper[(int(p[1]), int(p[2]))] = dict(ph=float(p[4]), pht=float(p[5]))
    for line in open(path):
        if not line.startswith('TRACE'): continue
        p = line.split()
        seed, n, rp, rr, pb, pt = int(p[1]), int(p[2]), int(p[3]), float(p[4]), float(p[5]), float(p[6])
        rec = dict(n=n, pick=rp, regret=rr, pb=pb, pt=pt)
        if len(p) > 7:
            rec.update(fpick=int(p[7]), fregret=float(p[8]), fp=float(p[9]), fpooled=float(p[10]), ft=float(p[11]), es=float(p[12]), les=float(p[13]))
        rec.update(hyper.get((seed, n), {}))
        seeds.setdefault(seed, []).append(rec)
    return seeds
rules = {
 'now  pb>=.95': lambda t, i: t[i]['pb'] >= .95,
 'tails pt>=.95': lambda t, i: t[i]['pt'] >= .95,
 'pb 2 rounds': lambda t, i: i > 0 and t[i]['pb'] >= .95 and t[i-1]['pb'] >= .95,
 'pb 3 rounds': lambda t, i: i > 1 and all(t[k]['pb'] >= .95 for k in (i, i-1, i-2)),
 'pt 2 rounds': lambda t, i: i > 0 and t[i]['pt'] >= .95 and t[i-1]['pt'] >= .95,
 'pb>=.975': lambda t, i: t[i]['pb'] >= .975,
 'pb>=.99': lambda t, i: t[i]['pb'] >= .99,
 'final ft>=.95': lambda t, i: t[i]['pb'] >= .95 and t[i].get('ft', 0) >= .95,
 'pooled>=.8': lambda t, i: t[i]['pb'] >= .95 and t[i].get('fpooled', 0) >= .8,
 'pooled>=.95': lambda t, i: t[i].get('fpooled', 0) >= .95,
 'pooled>=.9': lambda t, i: t[i].get('fpooled', 0) >= .9,
 'pt>=.95&pooled>=.8': lambda t, i: t[i]['pt'] >= .95 and t[i].get('fpooled', 0) >= .8,
 'ph>=.95': lambda t, i: t[i]['pb'] >= .95 and t[i].get('ph', 0) >= .95,
 'pht>=.95': lambda t, i: t[i]['pb'] >= .95 and t[i].get('pht', 0) >= .95,
 'ph>=.95&pt>=.95': lambda t, i: t[i]['pt'] >= .95 and t[i].get('ph', 0) >= .95,
 'ph>=.9': lambda t, i: t[i]['pb'] >= .95 and t[i].get('ph', 0) >= .9,
 'ft2': lambda t, i: i>0 and t[i].get('ft',0) >= .95 and t[i-1].get('ft',0) >= .95,
}
files = sorted(glob.glob(sys.argv[1] + '/*.err'))
tot = {k: [0, 0, 0, 0, 0] for k in rules}  # stops, right, within.1%, saved-sum, seeds
wrong = {k: [] for k in rules}
for f in files:
    name = os.path.basename(f)[:-4]
    tr = load(f)
    for seed, t in tr.items():
        budget = t[-1]['n']
        for k, rule in rules.items():
            tot[k][4] += 1
            for i in range(len(t)):
                if t[i]['n'] >= budget: break
                if rule(t, i):
                    reg = t[i].get('fregret', t[i]['regret'])
                    tot[k][0] += 1; tot[k][1] += reg == 0; tot[k][2] += reg <= 0.001 + 1e-12; tot[k][3] += 1 - t[i]['n'] / budget
                    if reg > 0: wrong[k].append(f'{name}:{seed}@{t[i]["n"]}({reg*100:.3f}%)')
                    break
print(len(files), 'replays')
for k, (s, r, w, sv, n) in tot.items():
    print(f'{k:16s} stopped {s:3d} of {n}, right {r} ({100*r/max(1,s):.0f} %), within 0.1% {w}, saved {100*sv/n:.1f} %  wrong: {" ".join(wrong[k])}')

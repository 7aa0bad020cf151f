"""kinds.py BEFORE AFTER: P(best) by band (stated -> share right, count) and the Brier score, pooled and by kind of grid, for
two folders of `bomax replay --json` outputs of the same commands and seeds; then how many picks the two share.

Kinds: synthetic runs (the file name says so), real grids of 40 checkpoints or more, and real grids of fewer (the Pythia runs
and suites, 27 checkpoints). Bands: below 0.2, 0.2-0.5, 0.5-0.9, 0.9 and above.

    python3 docs/measurements/pbest-draws/kinds.py docs/measurements/interval-misses/calibration docs/measurements/pbest-draws/calibration
"""
import collections, glob, json, os, sys

BANDS = [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]


def kind(name, replay):
    if 'synthetic' in name:
        return 'synthetic'
    return '40 or more' if replay['checkpoints'] >= 40 else 'fewer than 40'


def summarize(folder):
    tallies = collections.defaultdict(lambda: collections.defaultdict(list))
    picks = {}
    for path in sorted(glob.glob(os.path.join(folder, '*.json'))):
        name = os.path.basename(path)
        replay = json.load(open(path))
        for run in replay['runs']:
            for i, budget in enumerate(run['budgets']):
                stated, right = budget['prob_best'], budget['regret'] == 0
                picks[(name, run['seed'], i)] = budget['pick']
                for group in (kind(name, replay), 'all'):
                    tallies[group]['brier'].append((stated - right) ** 2)
                    for band, (low, high) in enumerate(BANDS):
                        if low <= stated < high:
                            tallies[group][band].append((stated, right))
    return tallies, picks


def show(label, tallies):
    for group in ('all', '40 or more', 'fewer than 40', 'synthetic'):
        t = tallies[group]
        if not t['brier']:
            continue
        cells = []
        for band in range(len(BANDS)):
            v = t[band]
            cells.append(f"{sum(p for p, _ in v) / len(v):.2f} -> {sum(r for _, r in v) / len(v):.2f} ({len(v)})" if v else '-')
        print(f"{label:7s} {group:14s} " + '  '.join(cells) + f"  Brier {sum(t['brier']) / len(t['brier']):.3f}")


before, picks_before = summarize(sys.argv[1])
after, picks_after = summarize(sys.argv[2])
show('before', before)
show('after', after)
shared = set(picks_before) & set(picks_after)
print(f"picks the same: {sum(picks_before[k] == picks_after[k] for k in shared)} of {len(shared)}")

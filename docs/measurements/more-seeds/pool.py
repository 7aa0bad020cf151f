"""pool.py: the replays of seeds 10-19 (this folder) pooled with those of seeds 0-9 run by the same build (the same commands
with --first-seed 10), by kind of grid: real runs (the suites apart), synthetic runs, the four lm-eval suites.

- `stop.prob-best=0.95`: this folder's stops/ with ../stop-confirmed/stops/ (the suites: no round of theirs reached the rule in
  seeds 0-9, and they were not replayed again). For each, the studies stopped early, how many named the true best, how many
  ended within 0.1 % of it, the budget saved, each wrong stop named.
- P(best) by band (stated -> share right, count) and the Brier score: this folder's calibration/ with
  ../pbest-draws/calibration/ (whose build differs from this one only in what a calibration replay does not read: the
  stop rules and the heap's collections).

    python3 docs/measurements/more-seeds/pool.py
"""
import glob, json, os

here = os.path.dirname(os.path.abspath(__file__))
BANDS = [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]


def load(folder, pattern):
    return {os.path.relpath(p, folder): json.load(open(p)) for p in glob.glob(os.path.join(folder, '**', pattern), recursive=True)
            if os.path.getsize(p) > 0}


def kind(name, replay):
    if 'synthetic' in name:
        return 'synthetic'
    if 'lm-eval-suites' in name:
        return 'suites'
    return 'real, 40 or more' if replay['checkpoints'] >= 40 else 'real, fewer than 40'


def stops():
    first, second = load(os.path.join(here, '..', 'stop-confirmed', 'stops'), '*prob-best.json'), load(os.path.join(here, 'stops'), '*prob-best.json')
    for label, names in (('seeds 0-9', first), ('seeds 10-19', second), ('both', second)):
        for group in ('all', 'real', 'synthetic'):
            stopped = right = within = 0
            saved, wrong = [], []
            for name in sorted(names):
                if name not in first or name not in second:
                    continue
                if group != 'all' and (group == 'synthetic') != ('synthetic' in name):
                    continue
                sides = {'seeds 0-9': [first[name]], 'seeds 10-19': [second[name]], 'both': [first[name], second[name]]}[label]
                for replay in sides:
                    for run in replay['runs']:
                        for b in run['budgets']:
                            saved.append(1 - b['spent'] / b['evaluations'])
                            if b.get('stopped'):
                                stopped += 1
                                right += b['regret'] == 0
                                within += b['regret'] <= 0.001 + 1e-12
                                if b['regret'] > 0:
                                    wrong.append(f"{name[:-5]} seed {run['seed']} ({100 * b['regret']:.3f} %)")
            print(f"prob-best=0.95 {label:11s} {group:9s} {len(saved):4d} studies: stopped {stopped}, right {right} "
                  f"({100 * right / max(1, stopped):.0f} %), within 0.1 % {within}, saved {100 * sum(saved) / len(saved):.1f} %"
                  + (f"; wrong: {', '.join(wrong)}" if wrong else ''))


def calibration():
    first, second = load(os.path.join(here, '..', 'pbest-draws', 'calibration'), '*.json'), load(os.path.join(here, 'calibration'), '*.json')
    for label, sides in (('seeds 0-9', [first]), ('seeds 10-19', [second]), ('both', [first, second])):
        tallies = {}
        for names in sides:
            for name, replay in names.items():
                if name not in first or name not in second:
                    continue
                for group in ('all', kind(name, replay)):
                    t = tallies.setdefault(group, {'brier': [], 'bands': [[] for _ in BANDS]})
                    for run in replay['runs']:
                        for b in run['budgets']:
                            stated, right = b['prob_best'], b['regret'] == 0
                            t['brier'].append((stated - right) ** 2)
                            for band, (low, high) in enumerate(BANDS):
                                if low <= stated < high:
                                    t['bands'][band].append((stated, right))
        for group in ('all', 'real, 40 or more', 'real, fewer than 40', 'suites', 'synthetic'):
            if group not in tallies:
                continue
            t = tallies[group]
            cells = [f"{sum(s for s, _ in v) / len(v):.2f} -> {sum(r for _, r in v) / len(v):.2f} ({len(v)})" if v else '-' for v in t['bands']]
            print(f"P(best) {label:11s} {group:19s} " + '  '.join(f"{c:18s}" for c in cells) + f"  Brier {sum(t['brier']) / len(t['brier']):.3f}")


if __name__ == '__main__':
    stops()
    calibration()

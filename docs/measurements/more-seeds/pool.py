"""pool.py: P(best) by band (stated -> share right, count) and the Brier score over the calibration replays of seeds 10-19
(calibration/ here: the same commands with --first-seed 10) pooled with those of seeds 0-9 (../pbest-draws/calibration/, whose
build differs from this one only in what a calibration replay does not read: the stop rules and the heap's collections), by
kind of grid: real grids of 40 checkpoints or more, the Pythia runs, the four lm-eval suites, synthetic runs. The stop
replays of seeds 10-19 (stops/ here) are tallied by ../stop-in-intervals/tally.py.

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
    calibration()

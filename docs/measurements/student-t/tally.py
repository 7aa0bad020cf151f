"""tally.py: P(best) read as the Student t of the held-out misses (calibration/ here: the 25 calibration replays, seeds 0-9 in
calibration/s0 and seeds 10-19 in calibration/s10, by the Release build of this change) against the Gaussian read at the bulk's
scale before (../pbest-draws/calibration for seeds 0-9, ../more-seeds/calibration for seeds 10-19: the same commands). Prints, by
kind of grid and by seeds, each band's mean stated P(best) -> share right (count) and the Brier score, before and now, and checks
that every pick, regret and interval coverage is the same (the ranking and the intervals do not read the t).

    python3 docs/measurements/student-t/tally.py
"""
import glob, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'more-seeds'))
from pool import kind  # noqa: E402  the same kinds of grid as the pooled tables before
BANDS = [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]
BEFORE = {'s0': os.path.join(here, '..', 'pbest-draws', 'calibration'), 's10': os.path.join(here, '..', 'more-seeds', 'calibration')}


def picks(folder):
    out = {}
    for path in glob.glob(os.path.join(folder, '*.json')):
        if os.path.getsize(path) == 0:
            continue
        replay = json.load(open(path))
        name = os.path.basename(path)
        for run in replay['runs']:
            for b in run['budgets']:
                out[(name, run['seed'], b['evaluations'])] = (kind(name, replay), b)
    return out


def line(rows):
    bands, brier = [[] for _ in BANDS], []
    for stated, right in rows:
        brier.append((stated - right) ** 2)
        for k, (low, high) in enumerate(BANDS):
            if low <= stated < high:
                bands[k].append((stated, right))
    cells = [f"{sum(s for s, _ in v) / len(v):.2f} -> {sum(r for _, r in v) / len(v):.2f} ({len(v)})" if v else '-' for v in bands]
    return '  '.join(f"{c:18s}" for c in cells) + f"  Brier {sum(brier) / len(brier):.3f}"


def main():
    before, now = {}, {}
    for half in ('s0', 's10'):
        before.update({(half,) + k: v for k, v in picks(BEFORE[half]).items()})
        now.update({(half,) + k: v for k, v in picks(os.path.join(here, 'calibration', half)).items()})
    keys = sorted(set(before) & set(now))
    if not keys:
        sys.exit('no replays to compare')
    moved = [k for k in keys if any(before[k][1][f] != now[k][1][f] for f in ('pick', 'regret', 'interval_coverage', 'tail_prob_best'))]
    print(f"{len(keys)} picks compared ({len(now)} now, {len(before)} before); pick, regret, intervals or tails' P(best) moved in {len(moved)}")
    groups = [('all', lambda k, g: True), ('seeds 0-9', lambda k, g: k[0] == 's0'), ('seeds 10-19', lambda k, g: k[0] == 's10')]
    groups += [(g, lambda k, kk, g=g: kk == g) for g in ('real, 40 or more', 'real, fewer than 40', 'suites', 'synthetic')]
    for label, keep in groups:
        chosen = [k for k in keys if keep(k, now[k][0])]
        if not chosen:
            continue
        for side, table in (('before', before), ('now', now)):
            rows = [(table[k][1]['prob_best'], table[k][1]['regret'] == 0) for k in chosen]
            print(f"{label:19s} {side:6s} " + line(rows))


if __name__ == '__main__':
    main()

"""stops.py: the stop-rule replays of stops/ against the JSON of the same path kept for the build before (whose P(best) read the
fitted posterior alone, never narrowed): `stop.prob-best=0.95` under ../tail-stop/stops/, `stop.expected-shortfall=0.1%` (26
replays: all but the four suites) under ../matern32/stops/. Prints, for each rule and build, the studies stopped
early, how many named the true best, how many ended within 0.1 % of it, and the budget saved, pooled, on the real runs, on
the synthetic runs and on the four lm-eval suites, with each stop more than 0.1 % below the best (prob-best: each wrong stop)
named. Given folders, it compares NOW's replays with the first of the BEFORE folders that holds the same path.

    python3 docs/measurements/pbest-draws/stops.py [NOW BEFORE...]
"""
import glob, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
now, *BEFORE = sys.argv[1:] if __name__ == '__main__' and sys.argv[1:] else [os.path.join(here, 'stops'), os.path.join(here, '..', 'tail-stop', 'stops'),
                                os.path.join(here, '..', 'matern32', 'stops')]


def replays(rule, kind):
    for path in sorted(glob.glob(os.path.join(now, '**', f'*-{rule}.json'), recursive=True)):
        rel = os.path.relpath(path, now)
        before = next((os.path.join(b, rel) for b in BEFORE if os.path.exists(os.path.join(b, rel))), None)
        if before is None:
            continue
        if kind == 'all' or (kind == 'suites' and 'lm-eval-suites' in rel) \
                or (kind in ('real', 'synthetic') and (kind == 'synthetic') == ('synthetic' in rel)):
            yield rel, json.load(open(before)), json.load(open(path))


def tally(rule, kind, found):
    """Prints both builds' stops over found, a list of (name, the JSON before, the JSON now)."""
    if not found:
        return
    for label, side in (('before', 1), ('now', 2)):
        stopped = right = within = 0
        saved, wrong = [], []
        for rel, *sides in found:
            for run in sides[side - 1]['runs']:
                for b in run['budgets']:
                    saved.append(1 - b['spent'] / b['evaluations'])
                    if b.get('stopped'):
                        stopped += 1
                        right += b['regret'] == 0
                        within += b['regret'] <= 0.001 + 1e-12
                        if b['regret'] > (0 if rule == 'prob-best' else 0.001 + 1e-12):
                            wrong.append(f"{rel[:-5]} seed {run['seed']} ({100 * b['regret']:.3f} %)")
        print(f"{rule:18s} {kind:9s} {label:6s} {len(found)} replays: stopped {stopped} of {len(saved)}, right {right} "
              f"({100 * right / max(1, stopped):.0f} %), within 0.1 % {within} ({100 * within / max(1, stopped):.0f} %), saved {100 * sum(saved) / len(saved):.1f} %"
              + (f"; wrong: {', '.join(wrong)}" if wrong else ''))


if __name__ == '__main__':
    for rule in ('prob-best', 'expected-shortfall'):
        for kind in ('all', 'real', 'synthetic', 'suites'):
            tally(rule, kind, list(replays(rule, kind)))

"""tally.py [STOPPED]: `stop.prob-best=0.95` confirmed in the intervals' posterior, against the build before (confirmed in the
tails alone), over the same studies: seeds 0-9 (../stop-confirmed/stops/) and 10-19 (../more-seeds/stops/) of the 26 replays
that are not suites, and the 16 fresh synthetic runs (../stop-confirmed/fresh-synthetic/prob-best/).

The rule is stricter than the one before (a stop needs both readings), and a study that does not stop goes on exactly as
before, so only the studies that stopped before can differ: this build replayed each of them alone (STOPPED, by default
stopped/ here: one JSON per study, named after its replay and seed, `bomax replay ... --seeds 1 --first-seed SEED`); every
other study is the build before's. Prints, per seed half and kind, the studies stopped early, how many named the true best,
how many ended within 0.1 % of it, the budget saved, and each wrong stop.

    python3 docs/measurements/stop-in-intervals/tally.py
"""
import glob, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
stopped_folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'stopped')
SETS = [('seeds 0-9', os.path.join(here, '..', 'stop-confirmed', 'stops')), ('seeds 10-19', os.path.join(here, '..', 'more-seeds', 'stops')),
        ('fresh synthetic', os.path.join(here, '..', 'stop-confirmed', 'fresh-synthetic', 'prob-best'))]


def studies(folder, prefix=''):
    """(name, seed, the build before's outcome, this build's) for every study of every prob-best replay in folder."""
    for path in sorted(glob.glob(os.path.join(folder, '**', '*.json'), recursive=True)):
        rel = prefix + os.path.relpath(path, folder)[:-5]
        if 'lm-eval-suites' in rel or not (rel.endswith('prob-best') or prefix):
            continue
        for run in json.load(open(path))['runs']:
            before = run['budgets'][0]
            now = before
            if before['stopped']:
                again = os.path.join(stopped_folder, f"{rel}-s{run['seed']}.json")
                now = json.load(open(again))['runs'][0]['budgets'][0]
                assert json.load(open(again))['runs'][0]['seed'] == run['seed']
            yield rel, run['seed'], before, now


def line(label, kind, rows, side):
    stopped = right = within = 0
    saved, wrong = [], []
    for rel, seed, *outcomes in rows:
        b = outcomes[side]
        saved.append(1 - b['spent'] / b['evaluations'])
        if b['stopped']:
            stopped += 1
            right += b['regret'] == 0
            within += b['regret'] <= 0.001 + 1e-12
            if b['regret'] > 0:
                wrong.append(f"{rel} seed {seed} ({100 * b['regret']:.3f} %)")
    print(f"{label:15s} {kind:9s} {('before', 'now')[side]:6s} {len(saved):3d} studies: stopped {stopped}, right {right} "
          f"({100 * right / max(1, stopped):.0f} %), within 0.1 % {within}, saved {100 * sum(saved) / len(saved):.2f} %"
          + (f"; wrong: {', '.join(wrong)}" if wrong else ''))


every = {}
for label, folder in SETS:
    every[label] = list(studies(folder, 'fresh-synthetic/' if label == 'fresh synthetic' else ''))
every['seeds 0-19'] = every['seeds 0-9'] + every['seeds 10-19']
for label in ('seeds 0-9', 'seeds 10-19', 'seeds 0-19', 'fresh synthetic'):
    for kind in ('all', 'real', 'synthetic'):
        rows = [r for r in every[label] if kind == 'all' or (kind == 'synthetic') == ('synthetic' in r[0])]
        if rows:
            for side in (0, 1):
                line(label, kind, rows, side)
whole = [r for r in every['seeds 0-9'] if 'dataset2-84x23' in r[0]]
for side in (0, 1):
    line('seeds 0-9', 'dataset2-84x23', whole, side)

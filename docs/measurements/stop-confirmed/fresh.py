"""fresh.py: the 16 synthetic runs of the tail-stop section (generator seeds no rule was chosen on) replayed with each stop
rule by this build (fresh-synthetic/), against the same commands' JSON of the tail-stop build (../tail-stop/fresh-synthetic/:
now/ for prob-best, expected-shortfall/). Prints the studies stopped, right, within 0.1 %, the budget saved and each stop
more than 0.1 % below the best (prob-best: each wrong stop).

    python3 docs/measurements/stop-confirmed/fresh.py
"""
import glob, json, os

here = os.path.dirname(os.path.abspath(__file__))
BEFORE = {'prob-best': os.path.join(here, '..', 'tail-stop', 'fresh-synthetic', 'now'),
          'expected-shortfall': os.path.join(here, '..', 'tail-stop', 'fresh-synthetic', 'expected-shortfall')}

for rule, before in BEFORE.items():
    for label in ('before', 'now'):
        stopped = right = within = 0
        saved, wrong = [], []
        paths = sorted(glob.glob(os.path.join(here, 'fresh-synthetic', rule, '*.json')))
        for path in paths:
            name = os.path.basename(path)
            for run in json.load(open(path if label == 'now' else os.path.join(before, name)))['runs']:
                for b in run['budgets']:
                    saved.append(1 - b['spent'] / b['evaluations'])
                    if b['stopped']:
                        stopped += 1
                        right += b['regret'] == 0
                        within += b['regret'] <= 0.001 + 1e-12
                        if b['regret'] > (0 if rule == 'prob-best' else 0.001 + 1e-12):
                            wrong.append(f"{name[:-5]} seed {run['seed']} ({100 * b['regret']:.3f} %)")
        print(f"{rule:18s} {label:6s} {len(paths)} runs: stopped {stopped} of {len(saved)}, right {right}, within 0.1 % {within} "
              f"({100 * within / max(1, stopped):.0f} %), saved {100 * sum(saved) / len(saved):.1f} %"
              + (f"; beyond: {', '.join(wrong)}" if wrong else ''))

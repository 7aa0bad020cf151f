"""fresh.py: the 16 synthetic runs of the tail-stop section (generator seeds no rule was chosen on) replayed with each stop
rule by this build (fresh-synthetic/), against the same commands' JSON of the tail-stop build (../tail-stop/fresh-synthetic/:
now/ for prob-best, expected-shortfall/). Prints, as ../pbest-draws/stops.py does, the studies stopped, right, within 0.1 %,
the budget saved and each stop more than 0.1 % below the best (prob-best: each wrong stop).

    python3 docs/measurements/stop-confirmed/fresh.py
"""
import glob, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'pbest-draws'))
from stops import tally  # noqa: E402

BEFORE = {'prob-best': os.path.join(here, '..', 'tail-stop', 'fresh-synthetic', 'now'),
          'expected-shortfall': os.path.join(here, '..', 'tail-stop', 'fresh-synthetic', 'expected-shortfall')}

for rule, before in BEFORE.items():
    tally(rule, 'fresh', [(os.path.basename(path), json.load(open(os.path.join(before, os.path.basename(path)))), json.load(open(path)))
                          for path in sorted(glob.glob(os.path.join(here, 'fresh-synthetic', rule, '*.json')))])

"""compare.py: the replays of this folder against the JSON of the same path under ../matern32/ (the build before, whose
stop.prob-best read P(best) in the posterior's bulk). Prints the prob-best stops (stopped / right / within 0.1 % / budget
saved) pooled, on the real runs and on the synthetic runs; and, for the calibration replays, whether each seed's pick, regret
and P(best) are the build before's, and the bands of P(best) as reports state it (prob_best) beside the bands of P(best) read
in the posterior's tails (tail_prob_best, what the rule reads). fresh-synthetic/ holds sixteen synthetic runs replayed by
both builds after the change was chosen, and fresh-synthetic/expected-shortfall/ the same runs with that rule."""
import json, glob, os
here = os.path.dirname(os.path.abspath(__file__))
before = os.path.normpath(os.path.join(here, '..', 'matern32'))
bands = [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]

def pairs(sub, pattern='**/*.json'):
    for f in sorted(glob.glob(os.path.join(here, sub, pattern), recursive=True)):
        rel = os.path.relpath(f, here)
        yield rel, json.load(open(os.path.join(before, rel))), json.load(open(f))

def stops(found, label):
    for name, side in (('before', 1), ('now', 2)):
        stopped = right = within = 0; saved = []; wrong = []
        for rel, *sides in found:
            for r in sides[side - 1]['runs']:
                for b in r['budgets']:
                    saved.append(1 - b['spent'] / b['evaluations'])
                    if b.get('stopped'):
                        stopped += 1; right += b['regret'] == 0; within += b['regret'] <= 0.001 + 1e-12
                        if b['regret'] > 0: wrong.append(f"{os.path.basename(rel)[:-5]} seed {r['seed']} ({100 * b['regret']:.3f} %)")
        print(f'  {label:10s} {name:6s} {len(found)} replays: stopped {stopped} of {len(saved)}, right {right} '
              f'({100 * right / max(1, stopped):.0f} %), within 0.1 % {within}, saved {100 * sum(saved) / len(saved):.1f} %'
              + (f'; wrong: {", ".join(wrong)}' if wrong else ''))

found = list(pairs('stops'))
print('stop.prob-best=0.95:')
stops(found, 'all')
stops([p for p in found if 'synthetic' not in p[0]], 'real runs')
stops([p for p in found if 'synthetic' in p[0]], 'synthetic')

def band_text(picks, key):
    acc = [[0, 0.0, 0] for _ in bands]
    for b in picks:
        for k, (lo, hi) in enumerate(bands):
            if lo <= b[key] < hi:
                acc[k][0] += 1; acc[k][1] += b[key]; acc[k][2] += b['regret'] == 0
    brier = sum((b[key] - (b['regret'] == 0)) ** 2 for b in picks) / len(picks)
    return ', '.join(f'{s / n:.2f} -> {r / n:.2f} ({r} of {n})' if n else '-' for n, s, r in acc) + f'; Brier {brier:.3f}'

fresh = [(os.path.basename(f), json.load(open(f)), json.load(open(f.replace(os.sep + 'before' + os.sep, os.sep + 'now' + os.sep))))
         for f in sorted(glob.glob(os.path.join(here, 'fresh-synthetic', 'before', '*.json')))]
if fresh:
    print('sixteen synthetic runs no rule was chosen on (fresh-synthetic/before: the build before, now: this build):')
    stops(fresh, 'fresh')
    for shape in ('80x20', '120x12', '60x15'):
        stops([p for p in fresh if shape in p[0]], shape)

shortfall = [(os.path.basename(f), json.load(open(f))) for f in sorted(glob.glob(os.path.join(here, 'fresh-synthetic', 'expected-shortfall', '*.json')))]
if shortfall:
    stopped = within = right = 0; saved = []
    for _, d in shortfall:
        for r in d['runs']:
            for b in r['budgets']:
                saved.append(1 - b['spent'] / b['evaluations'])
                if b.get('stopped'):
                    stopped += 1; within += b['regret'] <= 0.001 + 1e-12; right += b['regret'] == 0
    print(f'expected-shortfall=0.1% on the same sixteen runs, this build: stopped {stopped} of {len(saved)}, within 0.1 % {within} '
          f'({100 * within / max(1, stopped):.0f} %), the true best {right}, saved {100 * sum(saved) / len(saved):.1f} %')

cal = list(pairs('calibration'))
if cal:
    same = all((bo['pick'], bo['regret'], bo['prob_best']) == (bn['pick'], bn['regret'], bn['prob_best'])
               for _, o, n in cal for ro, rn in zip(o['runs'], n['runs']) for bo, bn in zip(ro['budgets'], rn['budgets']))
    picks = [b for _, _, n in cal for r in n['runs'] for b in r['budgets']]
    print(f'calibration, {len(cal)} replays, {len(picks)} picks; picks, regrets and P(best) as the build before: {same}')
    for label, keep in (('all', lambda rel: True), ('real runs', lambda rel: 'synthetic' not in rel),
                        ('synthetic', lambda rel: 'synthetic' in rel)):
        chosen = [b for rel, _, n in cal if keep(rel) for r in n['runs'] for b in r['budgets']]
        print(f'  {label}: P(best) stated -> right, by band: {band_text(chosen, "prob_best")}')
        print(f'  {label}: in the tails (what the rule reads): {band_text(chosen, "tail_prob_best")}')

"""compare.py: each benchmark its own noise variance (experiment.patch, not kept) against the engine as it is, and the
synthetic runs replayed with their standard errors.

- calibration/ and calibration-spread-0.5/: the 25 calibration replays of ../tail-stop/calibration/, same commands and
  seeds, by a build of experiment.patch (each benchmark's noise sigma^2 e^u, u's prior spread 1.5 or 0.5; the commands
  in the JSON are the engine's own, the patch made the model the default). calibration-noisier-only/: the same with
  u = softplus(r) >= 0 (no benchmark quieter than sigma^2; r starting at -4), spread 1.5. Printed: P(best)'s bands, Brier, interval
  coverage, each grid-budget's median and worst regret moving up or down, and the mean regret on the real runs.
- fresh-synthetic/expected-shortfall/: the 16 synthetic runs of ../tail-stop/fresh-synthetic/expected-shortfall/ by the
  same build (spread 1.5).
- standard-errors/: the same 16 runs replayed by the engine as it is with --synthetic-stderr (each score's true noise
  as its standard error, as lm-eval reports one), with each stop rule."""
import json, glob, os, statistics
here = os.path.dirname(os.path.abspath(__file__))
tail = os.path.normpath(os.path.join(here, '..', 'tail-stop'))
bands = [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]


def load(folder):
    found = {}
    for f in sorted(glob.glob(os.path.join(folder, '**', '*.json'), recursive=True)):
        found[os.path.relpath(f, folder)] = json.load(open(f))
    return found


def picks(replay):
    return [b for r in replay['runs'] for b in r['budgets']]


def calibration(label, replays):
    acc = [[0, 0.0, 0] for _ in bands]
    brier, coverage = [], []
    for replay in replays.values():
        for b in picks(replay):
            for k, (lo, hi) in enumerate(bands):
                if lo <= b['prob_best'] < hi:
                    acc[k][0] += 1; acc[k][1] += b['prob_best']; acc[k][2] += b['regret'] == 0
            brier.append((b['prob_best'] - (b['regret'] == 0)) ** 2)
            coverage.append(b['interval_coverage'])
    text = ', '.join(f'{s / n:.2f} -> {r / n:.2f} ({r} of {n})' if n else '-' for n, s, r in acc)
    print(f'  {label:28s} P(best) stated -> right: {text}; Brier {sum(brier) / len(brier):.3f}; '
          f'intervals {100 * sum(coverage) / len(coverage):.1f} %')


def regrets(before, now):
    up = down = same = 0
    real_before, real_now = [], []
    for name, replay in now.items():
        old = before[name]
        for budget in sorted({b['evaluations'] for b in picks(replay)}):
            a = [b['regret'] for b in picks(old) if b['evaluations'] == budget]
            c = [b['regret'] for b in picks(replay) if b['evaluations'] == budget]
            for x, y in ((statistics.median(a), statistics.median(c)), (max(a), max(c))):
                up += y > x + 1e-12; down += y < x - 1e-12; same += abs(y - x) <= 1e-12
        if 'synthetic' not in name:
            real_before += [b['regret'] for b in picks(old)]; real_now += [b['regret'] for b in picks(replay)]
    print(f'    medians and worst regrets: {up} higher, {down} lower, {same} the same; mean regret on the real runs '
          f'{100 * statistics.mean(real_before):.3f} % -> {100 * statistics.mean(real_now):.3f} %')


def stops(label, replays):
    stopped = right = within = 0; saved = []; regret = []
    for replay in replays.values():
        for r in replay['runs']:
            for b in r['budgets']:
                saved.append(1 - b['spent'] / b['evaluations']); regret.append(b['regret'])
                if b.get('stopped'):
                    stopped += 1; right += b['regret'] == 0; within += b['regret'] <= 0.001 + 1e-12
    print(f'  {label:44s} {len(saved)} studies: stopped {stopped}, right {right}, within 0.1 % {within} '
          f'({100 * within / max(1, stopped):.0f} %), saved {100 * statistics.mean(saved):.1f} %, '
          f'mean regret {100 * statistics.mean(regret):.3f} %')


before = load(os.path.join(tail, 'calibration'))
print('25 calibration replays (490 picks):')
calibration('one noise (the engine)', before)
for folder, label in (('calibration', 'own noise, spread 1.5'), ('calibration-spread-0.5', 'own noise, spread 0.5'),
                      ('calibration-noisier-only', 'own noise, none below sigma^2')):
    now = load(os.path.join(here, folder))
    calibration(label, now)
    regrets(before, now)
print('16 fresh synthetic runs, 10 seeds each:')
stops('expected-shortfall=0.1%, one noise (the engine)', load(os.path.join(tail, 'fresh-synthetic', 'expected-shortfall')))
stops('expected-shortfall=0.1%, own noise', load(os.path.join(here, 'fresh-synthetic', 'expected-shortfall')))
stops('expected-shortfall=0.1%, with standard errors', load(os.path.join(here, 'standard-errors', 'expected-shortfall')))
stops('prob-best=0.95, one noise (the engine)', load(os.path.join(tail, 'fresh-synthetic', 'now')))
stops('prob-best=0.95, with standard errors', load(os.path.join(here, 'standard-errors', 'prob-best')))
print('the same runs\' picks (prob-best=0.95 replays):')
calibration('without standard errors', load(os.path.join(tail, 'fresh-synthetic', 'now')))
calibration('with standard errors', load(os.path.join(here, 'standard-errors', 'prob-best')))

"""where.py: where the 95 % intervals of the checkpoints' averages miss the true average.

Each folder holds the JSON of `bomax replay --json` and rows.tsv.gz, written by a build of trace.patch (the engine with
BOMAX_TRACE_ROWS=FILE set: at every budget a replay records, one line per checkpoint). Columns: table, benchmarks, seed,
budget, checkpoint (0 = the first step), cells evaluated, true average, reported estimate, reported standard deviation,
1 if it is the pick. Only checkpoints not fully evaluated are judged, as `interval_coverage` judges them.

- synthetic-stderr/, synthetic/: the 16 fresh synthetic runs of ../tail-stop/fresh-synthetic/ (5 seeds, budgets 5 % and
  10 %), with and without --synthetic-stderr.
- calibration/: the 25 calibration replays of ../tail-stop/calibration/ (same commands; the same picks and JSON numbers).
- warp/synthetic-stderr/: the synthetic runs with errors again by the same build with --warp (the learned step warping,
  which the search reads too).
- design-power-2/: the synthetic runs again by a build of design-power.patch with BOMAX_EXP_DESIGN_POWER=2 (the initial
  design's first band places benchmark k of m at ((k + u) / m)^2 of the band instead of (k + u) / m).
- shared-trends/: the synthetic runs with errors and the 25 calibration replays again by a build of shared-trends.patch with
  BOMAX_EXP_SHARED_TRENDS=1 BOMAX_EXP_SHARE=1 (a report's co-movement reading gives every benchmark the common trend, its
  variance kept, in place of its loadings made one sign; report only, the picks are the engine's).

Printed per folder: coverage (and how many misses had the truth above / below the estimate) by where the checkpoint lies in
the run, and by how far its estimate lies below the best estimate (in score points, 0.01 = 1 point); for design-power-2,
the coverage and the regrets against the engine's replays of the same runs.
"""
import collections, glob, gzip, json, os, statistics

here = os.path.dirname(os.path.abspath(__file__))
Z95 = 1.959963984540054


def traced(folder):
    """Rows (table, seed, budget, position in [0, 1), cells, benchmarks, truth, estimate, sd) of the checkpoints not fully
    evaluated, with each study's best estimate."""
    lines = [l.rstrip('\n').split('\t') for l in gzip.open(os.path.join(here, folder, 'rows.tsv.gz'), 'rt')]
    studies = collections.defaultdict(list)
    for t, m, seed, budget, i, cells, truth, mean, sd, _ in lines:
        studies[(t, seed, budget)].append((int(i), int(cells), int(m), float(truth), float(mean), float(sd)))
    for key, rows in studies.items():
        n = len(rows)
        best = max(r[4] for r in rows)
        for i, cells, m, truth, mean, sd in rows:
            if cells < m:
                yield (i + 0.5) / n, best - mean, (truth - mean) / sd


def table(title, groups, order):
    print(f'  {title}')
    for name in order:
        zs = groups.get(name, [])
        if not zs:
            continue
        misses = [z for z in zs if abs(z) > Z95]
        above = sum(z > 0 for z in misses)
        print(f'    {name:26s} {len(zs):6d} checkpoints, held {100 * (len(zs) - len(misses)) / len(zs):5.1f} %, '
              f'misses above / below the estimate {above} / {len(misses) - above}, mean z {statistics.mean(zs):+.2f}')


POSITIONS = ['first 5 % of the run', '5-10 %', '10-20 %', 'the rest', 'all']
GAPS = ['within 0.5 points', '0.5-1 points', '1-2 points', '2-5 points', 'more than 5 points']


def where(folder):
    by_position, by_gap = collections.defaultdict(list), collections.defaultdict(list)
    for position, gap, z in traced(folder):
        by_position['first 5 % of the run' if position < 0.05 else '5-10 %' if position < 0.1
                    else '10-20 %' if position < 0.2 else 'the rest'].append(z)
        by_position['all'].append(z)
        by_gap[GAPS[0] if gap < 0.005 else GAPS[1] if gap < 0.01 else GAPS[2] if gap < 0.02
               else GAPS[3] if gap < 0.05 else GAPS[4]].append(z)
    print(folder)
    table('by where the checkpoint lies in the run', by_position, POSITIONS)
    table('by how far its estimate lies below the best estimate', by_gap, GAPS)


def replays(folder):
    return {os.path.basename(f): json.load(open(f)) for f in sorted(glob.glob(os.path.join(here, folder, '*.json')))}


def against(before_folder, now_folder):
    before, now = replays(before_folder), replays(now_folder)
    up = down = same = 0
    regrets = ([], [])
    for name, replay in now.items():
        for a, b in zip(before[name]['budgets'], replay['budgets']):
            for key in ('regret_median', 'regret_max'):
                up += b[key] > a[key] + 1e-12; down += b[key] < a[key] - 1e-12; same += abs(a[key] - b[key]) <= 1e-12
            regrets[0].append(a['regret_mean']); regrets[1].append(b['regret_mean'])
    print(f'  {now_folder} against {before_folder}: medians and worst regrets {up} higher, {down} lower, {same} the same; '
          f'mean regret {100 * statistics.mean(regrets[0]):.3f} % -> {100 * statistics.mean(regrets[1]):.3f} %')


for folder in ['synthetic-stderr', 'synthetic', 'calibration', 'warp/synthetic-stderr', 'design-power-2/synthetic-stderr',
               'design-power-2/synthetic', 'shared-trends/synthetic-stderr', 'shared-trends/calibration']:
    where(folder)
against('synthetic-stderr', 'warp/synthetic-stderr')
against('synthetic-stderr', 'design-power-2/synthetic-stderr')
against('synthetic', 'design-power-2/synthetic')


def errors(folder):
    """Root mean square error of the estimates of the checkpoints not fully evaluated, per table, in score points."""
    lines = [l.rstrip('\n').split('\t') for l in gzip.open(os.path.join(here, folder, 'rows.tsv.gz'), 'rt')]
    squares = collections.defaultdict(list)
    for t, m, seed, budget, i, cells, truth, mean, sd, _ in lines:
        if int(cells) < int(m):
            squares[t].append((float(truth) - float(mean)) ** 2)
    return {t: 100 * statistics.mean(v) ** 0.5 for t, v in squares.items()}


def coverage(folder):
    """interval_coverage and interval_coverage_top of each replay's budgets, from its JSON."""
    return {name: [(b['interval_coverage'], b['interval_coverage_top']) for b in replay['budgets']]
            for name, replay in replays(folder).items()}


for before, now in [('synthetic-stderr', 'shared-trends/synthetic-stderr'), ('calibration', 'shared-trends/calibration')]:
    a, b = coverage(before), coverage(now)
    pairs = [(x, y) for name in b for x, y in zip(a[name], b[name])]
    print(f'  {now} against {before}: mean coverage {100 * statistics.mean(x[0] for x, _ in pairs):.1f} % -> '
          f'{100 * statistics.mean(y[0] for _, y in pairs):.1f} %, the pick and its runners-up '
          f'{100 * statistics.mean(x[1] for x, _ in pairs):.1f} % -> {100 * statistics.mean(y[1] for _, y in pairs):.1f} %, '
          f'top lower on {sum(y[1] < x[1] - 1e-9 for x, y in pairs)} and higher on {sum(y[1] > x[1] + 1e-9 for x, y in pairs)} '
          f'of {len(pairs)} grid-budgets, highest {100 * max(y[0] for _, y in pairs):.1f} %')
    ea, eb = errors(before), errors(now)
    print('    RMSE of the estimates, points: ' + ', '.join(f'{t.split("/")[-1]} {ea[t]:.3f} -> {eb[t]:.3f}' for t in sorted(eb)))

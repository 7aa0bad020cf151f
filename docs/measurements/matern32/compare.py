"""compare.py [NEW_ROOT]: the replays under NEW_ROOT (default: this folder) against the JSON of the same path under
docs/measurements/ (the Matérn-5/2 build's): P(best)'s bands, Brier score and interval coverage; regret, medians and worst
lower / higher / same; the stop rules, stopped / right / within 0.1 % / budget saved. A replay with no JSON of its path
there is skipped and named."""
import json, glob, os, sys
here = os.path.dirname(os.path.abspath(__file__))
old_root = os.path.normpath(os.path.join(here, '..'))
new_root = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else here
bands = [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]

def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None

def pairs(sub):
    """(relative path, old, new) for each replay under NEW_ROOT/SUB (a tried folder keeps calibration grids flat)."""
    for f in sorted(glob.glob(os.path.join(new_root, sub, '**', '*.json'), recursive=True)):
        rel = os.path.relpath(f, new_root)
        candidates = [rel] + [os.path.join('calibration', d, os.path.basename(f)) for d in ('', 'fresh-large', 'dataset2')]
        old_path = next((os.path.join(old_root, c) for c in candidates if os.path.exists(os.path.join(old_root, c))), None)
        new = load(f)
        if old_path is None or new is None:
            print(f'{rel}: no JSON of that path in docs/measurements/, skipped')
            continue
        yield rel, load(old_path), new

def picks(d):
    return [b for r in d['runs'] for b in r['budgets']]

def band_text(bs):
    acc = [[0, 0.0, 0] for _ in bands]
    for b in bs:
        for k, (lo, hi) in enumerate(bands):
            if lo <= b['prob_best'] < hi:
                acc[k][0] += 1; acc[k][1] += b['prob_best']; acc[k][2] += b['regret'] == 0
    return ', '.join(f'{s / n:.2f} -> {r / n:.2f} ({r} of {n})' if n else '-' for n, s, r in acc)

def brier(bs):
    return sum((b['prob_best'] - (b['regret'] == 0)) ** 2 for b in bs) / len(bs)

def calibration(sub):
    found = list(pairs(sub))
    if not found: return
    old = [b for _, o, _ in found for b in picks(o)]; new = [b for _, _, n in found for b in picks(n)]
    budgets = [(ob, nb) for _, o, n in found for ob, nb in zip(o['budgets'], n['budgets'])]
    moved = {'lower': 0, 'higher': 0, 'same': 0}
    for ob, nb in budgets:
        for key in ('regret_median', 'regret_max'):
            moved['lower' if nb[key] < ob[key] - 1e-12 else 'higher' if nb[key] > ob[key] + 1e-12 else 'same'] += 1
    def mean(side, key): return 100 * sum(p[side][key] for p in budgets) / len(budgets)
    print(f'{sub}: {len(found)} replays, {len(old)} picks, {len(budgets)} grid-budgets')
    for name, side, bs in (('before', 0, old), ('now', 1, new)):
        print(f'  {name:6s} {band_text(bs)}; Brier {brier(bs):.3f}; intervals {mean(side, "interval_coverage"):.1f} % '
              f'(pick and runners-up {mean(side, "interval_coverage_top"):.1f} %); mean of medians {mean(side, "regret_median"):.3f} %, '
              f'of worst {mean(side, "regret_max"):.3f} %, mean regret {mean(side, "regret_mean"):.3f} %; '
              f'true best {sum(b["regret"] == 0 for b in bs)}')
    print(f'  medians and worst: lower {moved["lower"]}, higher {moved["higher"]}, same {moved["same"]}')

def stops(sub, only=None):
    found = [(rel, o, n) for rel, o, n in pairs(sub) if only is None or only(rel)]
    if not found: return
    print(f'{sub}: {len(found)} replays' + ('' if only is None else ' (the sections\' 34)'))
    for rule in ('prob-best', 'expected-shortfall'):
        for name, side in (('before', 1), ('now', 2)):
            stopped = right = within = 0; saved = []
            for item in found:
                if rule not in item[0]: continue
                for b in picks(item[side]):
                    saved.append(1 - b['spent'] / b['evaluations'])
                    if b.get('stopped'):
                        stopped += 1; right += b['regret'] == 0; within += b['regret'] <= 0.001 + 1e-12
            if saved:
                print(f'  {rule:18s} {name:6s} stopped {stopped} of {len(saved)}, right {right} ({100 * right / max(1, stopped):.0f} %), '
                      f'within 0.1 % {within} ({100 * within / max(1, stopped):.0f} %), saved {100 * sum(saved) / len(saved):.1f} %')

calibration('calibration')
calibration('tried-matern12')
stops('stops', only=lambda rel: rel.count(os.sep) == 1 or rel.split(os.sep)[1] in ('fresh-large', 'dataset2'))
stops('stops')

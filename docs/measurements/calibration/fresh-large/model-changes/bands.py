"""P(best) by band, Brier score and picks stated >= 0.95 for each reading of a harness's TSV (LooHarness, CurseHarness).

usage: bands.py TSV NAME[,NAME...] [SLOPE_COLUMN...]
Columns from the 12th on are the readings, in the order named; a NAME:P:RIGHT reads its P(best) from column P and whether
its pick was the best from column RIGHT (0-based; JcHarness, whose refits pick for themselves). A file whose name starts
with f is one of the six larger grids' decisions. Each SLOPE_COLUMN (0-based) gets its quartiles printed (CurseHarness: 14 and 16).
"""
import sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
names = sys.argv[2].split(',')
slopes = [int(c) for c in sys.argv[3:]]
fresh = lambda r: r[0][0] == 'f'
bands = [(0, .2), (.2, .5), (.5, .9), (.9, 1.01)]
for label, sel in (('all', lambda r: True), ('old', lambda r: not fresh(r)), ('fresh', fresh)):
    x = [r for r in rows if sel(r)]
    print(f"== {label} ({len(x)})")
    for k, name in enumerate(names):
        nm, p, right = name.split(':') if ':' in name else (name, 11 + k, 5)
        vals = [(float(r[int(p)]), int(r[int(right)])) for r in x]
        out = []
        for lo, hi in bands:
            y = [v for v in vals if lo <= v[0] < hi]
            if y: out.append(f"{sum(a for a, _ in y) / len(y):.2f}->{sum(b for _, b in y) / len(y):.2f}({len(y)})")
        brier = sum((a - b) ** 2 for a, b in vals) / len(vals)
        top = [v for v in vals if v[0] >= 0.95]
        print(f"  {nm:11s} {' '.join(out)}  brier {brier:.3f}  >=0.95: {len(top)} right {sum(b for _, b in top)}")
    for c in slopes:
        q = sorted(float(r[c]) for r in x)
        print(f"  column {c} quartiles {q[len(q) // 4]:.2f} {q[len(q) // 2]:.2f} {q[3 * len(q) // 4]:.2f}")

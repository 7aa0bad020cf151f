"""The fitted coupling and each refit's picks against this build's (JcHarness run with J_C=0.5,0,fit J_REFIT=1).

usage: picks.py jc.tsv
"""
import statistics
import sys

rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
for label, fresh in (('the earlier grids', False), ('the six larger grids', True)):
    x = [r for r in rows if (r[0][0] == 'f') == fresh]
    c = sorted(float(r[35]) for r in x)
    print(f"{label} ({len(x)}): fitted coupling c quartiles {c[len(c) // 4]:.2f} {c[len(c) // 2]:.2f} {c[3 * len(c) // 4]:.2f}")
    for name, pick, right, regret in (('this build', 4, 5, 6), ('c = 0.5', 16, 17, 18), ('c = 0', 24, 25, 26), ('c fitted', 30, 31, 32)):
        r = [float(v[regret]) for v in x]
        print(f"  {name:10s} right {sum(int(v[right]) for v in x)}, the same pick as this build {sum(v[pick] == v[4] for v in x)},"
              f" regret mean {statistics.mean(r):.3f} % worst {max(r):.3f} %")

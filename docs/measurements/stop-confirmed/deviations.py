"""deviations.py TABLE...: how heavy-tailed each run's checkpoint deviations are. A checkpoint's deviation is its average
over the benchmarks less the line between its two neighbours' averages at its step (the step read from the last number in
its name); each deviation is then read in robust standard deviations (1.4826 x the median absolute deviation). Prints the
excess kurtosis of the deviations, the largest |z| and how many lie beyond 4 (a Gaussian run of 120 checkpoints has
none beyond 4 in 99 of 100 tables). Checkpoints before a tenth of the last step are left out: a line between neighbours
misses a run's early rise, most of all where the steps are spaced by powers of two (Pythia's first 14 checkpoints).

    python3 docs/measurements/stop-confirmed/deviations.py TABLE.tsv...
"""
import re, statistics, sys


def averages(path):
    rows = [line.rstrip('\n').split('\t') for line in open(path) if line.strip()]
    out = []
    for row in rows[1:]:
        step = int(re.findall(r'\d+', row[0])[-1])
        out.append((step, sum(map(float, row[1:])) / (len(row) - 1)))
    out.sort()
    return [point for point in out if point[0] >= 0.1 * out[-1][0]]


def deviations(points):
    devs = []
    for (s0, a0), (s1, a1), (s2, a2) in zip(points, points[1:], points[2:]):
        devs.append(a1 - (a0 + (a2 - a0) * (s1 - s0) / (s2 - s0)))
    return devs


for path in sys.argv[1:]:
    d = deviations(averages(path))
    med = statistics.median(d)
    scale = 1.4826 * statistics.median(abs(x - med) for x in d)
    z = [(x - med) / scale for x in d]
    mean, var = statistics.fmean(d), statistics.pvariance(d)
    kurtosis = sum((x - mean) ** 4 for x in d) / len(d) / var ** 2 - 3
    print(f"{path.split('/')[-1]:44s} {len(d) + 2:4d} checkpoints  excess kurtosis {kurtosis:5.2f}  largest |z| {max(map(abs, z)):4.1f}"
          f"  beyond 4: {sum(abs(v) > 4 for v in z)}")

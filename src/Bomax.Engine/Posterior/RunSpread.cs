using Bomax.Engine.Model;

namespace Bomax.Engine.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// How much further each benchmark's scores spread over the whole run than over the cells a study chose: the factor by which
/// a report's posteriors widen its benchmark covariance (<see cref="Hyperparameters.WithBenchmarkCovarianceScaled"/>,
/// <see cref="Study.Decision"/>). A benchmark's standardised scale is the spread of its observed cells, and a search crowds
/// them where the leaders are, so the fitted curves can only move as far as they do among the leaders; a stretch the search
/// left alone (the end of a run that falls away after its peak) can move further, and its intervals missed by two to five
/// standard deviations (docs/measurements.md#the-run-spread). Here each cell stands for the share of the run between the
/// midpoints to its benchmark's neighbouring cells (on the normalised step axis, to 0 and 1 at the ends), and the spread so
/// weighted, over the plain spread, is the benchmark's ratio: 1 when its cells sample the run evenly, more when the few cells
/// far from the crowd lie further from its mean. Each ratio is shrunk toward the ratio pooled over all benchmarks with the
/// weight of <see cref="Standardisation.PooledPseudoCount"/> cells (as the scale itself is), so a benchmark with a cell or two
/// gets the pooled one, and it is never below 1: the correction widens, it does not sharpen.
/// </summary>
public static class RunSpread
{
    /// <summary>Each benchmark's ratio (length M), from <paramref name="observations"/> standardised by
    /// <paramref name="standardisation"/>.</summary>
    public static double[] Ratios(Grid grid, IReadOnlyList<Observation> observations, Standardisation standardisation)
    {
        var steps = grid.NormalisedSteps();
        var spreads = observations.GroupBy(o => o.Cell.Benchmark)
            .Select(g => (Benchmark: g.Key, Count: g.Count(), Spread: Of(g.Select(o => (steps[o.Cell.Checkpoint], standardisation.Apply(o))))))
            .Where(s => s.Spread.Plain > 0)
            .ToList();
        double pooledWeighted = spreads.Sum(s => s.Spread.Weighted), pooledPlain = spreads.Sum(s => s.Spread.Plain);
        double pooled = pooledPlain > 0 ? Math.Max(1.0, pooledWeighted / pooledPlain) : 1.0;
        var ratios = Enumerable.Repeat(pooled, grid.BenchmarkCount).ToArray();
        const double prior = Standardisation.PooledPseudoCount;
        foreach (var (benchmark, count, spread) in spreads)
            ratios[benchmark] = Math.Max(1.0, (count * spread.Weighted / spread.Plain + prior * pooled) / (count + prior));
        return ratios;
    }

    /// <summary>The variance of the scores <c>y</c> with each weighted by the share of the run its step <c>x</c> stands for, and
    /// their plain variance; both 0 for fewer than two cells.</summary>
    public static (double Weighted, double Plain) Of(IEnumerable<(double X, double Y)> cells)
    {
        var sorted = cells.OrderBy(c => c.X).ToArray();
        int n = sorted.Length;
        if (n < 2) return (0, 0);
        // The shares tile [0, 1], so they sum to 1 and are the weights as they stand.
        var shares = new double[n];
        for (int k = 0; k < n; k++)
        {
            double left = k == 0 ? 0.0 : (sorted[k].X + sorted[k - 1].X) / 2;
            double right = k == n - 1 ? 1.0 : (sorted[k].X + sorted[k + 1].X) / 2;
            shares[k] = right - left;
        }
        double weightedMean = 0, plainMean = 0;
        for (int k = 0; k < n; k++) { weightedMean += shares[k] * sorted[k].Y; plainMean += sorted[k].Y / n; }
        double weighted = 0, plain = 0;
        for (int k = 0; k < n; k++)
        {
            weighted += shares[k] * (sorted[k].Y - weightedMean) * (sorted[k].Y - weightedMean);
            plain += (sorted[k].Y - plainMean) * (sorted[k].Y - plainMean) / n;
        }
        return (weighted, plain);
    }
}

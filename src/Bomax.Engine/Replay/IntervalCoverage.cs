using Bomax.Engine.Posterior;

namespace Bomax.Engine.Replay;

using Bomax.Engine.Selection; // inside the namespace, or Selection would mean the namespace Bomax.Engine.Selection

/// <summary>
/// How often the reported 95 % intervals of the checkpoints' averages hold the table's true row means:
/// the replay's check that the uncertainty a report shows is honest, beside the one for P(best). Only
/// checkpoints with an unevaluated benchmark count: a fully evaluated one is known exactly.
/// </summary>
public static class IntervalCoverage
{
    /// <summary>A checkpoint evaluated on at most this share of its benchmarks counts as <see cref="FewEvaluated"/>: where the
    /// intervals were measured to miss most (docs/measurements.md, where the intervals miss).</summary>
    public const double FewShare = 0.2;

    /// <summary>The checkpoints of <paramref name="reported"/> evaluated on at most <see cref="FewShare"/> of its
    /// <paramref name="benchmarks"/> (none of them, if none).</summary>
    public static IEnumerable<int> FewEvaluated(RowPosterior reported, int benchmarks) =>
        Enumerable.Range(0, reported.Count).Where(i => benchmarks - reported.UnobservedCount[i] <= FewShare * benchmarks);

    /// <summary>The share of <paramref name="rows"/> not fully evaluated whose true mean lies within
    /// estimate ± 1.96 sd of <paramref name="reported"/>; NaN when every one of them is fully evaluated.</summary>
    public static double Of(RowPosterior reported, double[] rowMeans, IEnumerable<int> rows)
    {
        var open = rows.Where(i => reported.UnobservedCount[i] > 0).ToList();
        if (open.Count == 0) return double.NaN;
        return open.Count(i => Math.Abs(rowMeans[i] - reported.Mean[i]) <= Selection.Z95 * reported.StandardDeviation(i)) / (double)open.Count;
    }
}

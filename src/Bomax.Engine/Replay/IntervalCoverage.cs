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
    /// <summary>The share of <paramref name="rows"/> not fully evaluated whose true mean lies within
    /// estimate ± 1.96 sd of <paramref name="reported"/>; NaN when every one of them is fully evaluated.</summary>
    public static double Of(RowPosterior reported, double[] rowMeans, IEnumerable<int> rows)
    {
        var open = rows.Where(i => reported.UnobservedCount[i] > 0).ToList();
        if (open.Count == 0) return double.NaN;
        return open.Count(i => Math.Abs(rowMeans[i] - reported.Mean[i]) <= Selection.Z95 * reported.StandardDeviation(i)) / (double)open.Count;
    }
}

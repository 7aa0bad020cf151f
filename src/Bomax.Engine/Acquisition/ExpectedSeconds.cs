using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Bomax.Engine.Acquisition;

/// <summary>
/// What one evaluation of each benchmark is expected to take, from the seconds measured so far: the rule a study reads its
/// journal by (<c>engine.costs: measured</c>, <c>budget.max-eval-hours</c>) and <c>replay --cost-noise</c> replays.
/// </summary>
public static class ExpectedSeconds
{
    /// <summary>
    /// Each of <paramref name="benchmarks"/> benchmarks' expected seconds: the median of its <paramref name="measured"/> seconds (pairs of
    /// benchmark index and seconds, each above 0). A benchmark not measured yet is expected to take what it took in earlier runs
    /// (<paramref name="earlier"/>: benchmark index → their median), scaled by how much faster or slower this study's evaluations are
    /// than theirs (the median ratio over the benchmarks both measured: a larger model takes longer on every benchmark); failing
    /// that, the median of the others'. Null when nothing is measured, here or there.
    /// </summary>
    public static IReadOnlyList<double>? From(int benchmarks, IEnumerable<(int Benchmark, double Seconds)> measured,
        IReadOnlyDictionary<int, double>? earlier = null)
    {
        earlier ??= new Dictionary<int, double>();
        var own = measured.GroupBy(m => m.Benchmark).ToDictionary(g => g.Key, g => Median(g.Select(m => m.Seconds).ToList()));
        var shared = own.Keys.Where(earlier.ContainsKey).Select(j => own[j] / earlier[j]).ToList();
        double speed = shared.Count > 0 ? Median(shared) : 1;
        var known = Enumerable.Range(0, benchmarks)
            .Select(j => own.TryGetValue(j, out double s) ? s : earlier.TryGetValue(j, out double e) ? speed * e : (double?)null)
            .ToList();
        if (known.All(s => s is null)) return null;
        double others = Median(known.OfType<double>().ToList());
        return known.Select(s => s ?? others).ToList();
    }

    /// <summary>The confidence with which benchmarks' measured seconds must differ before the acquisition treats their costs as
    /// different (<see cref="Costs"/>).</summary>
    public const double DifferenceConfidence = 0.95;

    /// <summary>
    /// What the acquisition values each benchmark's pairs by: <see cref="From"/>'s expected seconds, with the study's own measured
    /// benchmarks read as a random-effects meta-analysis of their log seconds, so that seconds which differ only by measurement
    /// noise (the same benchmark takes 55 s, then 70 s) do not pass for different costs. Each benchmark's mean log seconds has
    /// the sampling variance s²/n (s² pooled within benchmarks); unless Cochran's Q of those means exceeds what noise gives with
    /// <see cref="DifferenceConfidence"/> (an F test, s² being estimated), every measured benchmark costs their common (precision-
    /// weighted) mean, so a suite of equal costs chooses as the cost-blind engine does; when it does, each is shrunk toward that
    /// mean by τ²/(τ² + s²/n), τ² the between-benchmark variance by DerSimonian and Laird's estimator (a 10 × cost difference
    /// measured twice each is kept almost whole). Without two measurements of some benchmark nothing tells noise from cost, and the
    /// expected seconds are used as they are. Null when nothing is measured, here or in <paramref name="earlier"/>.
    /// </summary>
    public static IReadOnlyList<double>? Costs(int benchmarks, IEnumerable<(int Benchmark, double Seconds)> measured,
        IReadOnlyDictionary<int, double>? earlier = null)
    {
        var all = measured.ToList();
        if (From(benchmarks, all, earlier) is not { } expected) return null;
        var logs = all.GroupBy(m => m.Benchmark).ToDictionary(g => g.Key, g => g.Select(m => Math.Log(m.Seconds)).ToList());
        if (ShrunkLogSeconds(logs) is not { } shrunk) return expected;
        // A benchmark measured neither here nor in the earlier runs costs the median of the others, as read here.
        var known = expected.Select((seconds, j) =>
            shrunk.TryGetValue(j, out double log) ? Math.Exp(log) : earlier?.ContainsKey(j) == true ? seconds : (double?)null).ToList();
        double others = Median(known.OfType<double>().ToList());
        return known.Select(s => s ?? others).ToList();
    }

    /// <summary>Each measured benchmark's log seconds shrunk as <see cref="Costs"/> says; null when there is nothing to tell noise
    /// by (fewer than two benchmarks, no benchmark measured twice, or no spread within any).</summary>
    static Dictionary<int, double>? ShrunkLogSeconds(Dictionary<int, List<double>> logs)
    {
        int k = logs.Count, degrees = logs.Values.Sum(l => l.Count - 1);
        if (k < 2 || degrees < 1) return null;
        var means = logs.ToDictionary(p => p.Key, p => p.Value.Average());
        double within = logs.Sum(p => p.Value.Sum(x => (x - means[p.Key]) * (x - means[p.Key]))) / degrees;
        if (!(within > 0)) return null;
        var weight = logs.ToDictionary(p => p.Key, p => p.Value.Count / within);
        double total = weight.Values.Sum();
        double common = means.Sum(p => weight[p.Key] * p.Value) / total;
        double q = means.Sum(p => weight[p.Key] * (p.Value - common) * (p.Value - common));
        if (q <= (k - 1) * FisherSnedecor.InvCDF(k - 1, degrees, DifferenceConfidence))
            return means.ToDictionary(p => p.Key, _ => common);
        double between = Math.Max(0, (q - (k - 1)) / (total - weight.Values.Sum(w => w * w) / total));
        return means.ToDictionary(p => p.Key, p => common + between / (between + 1 / weight[p.Key]) * (p.Value - common));
    }

    /// <summary>The median of <paramref name="values"/> (at least one), the mean of the middle two for an even count, as the replay's
    /// summaries take it (MathNet's <see cref="Statistics.Median(IEnumerable{double})"/>).</summary>
    public static double Median(IReadOnlyList<double> values) => Statistics.Median(values);
}

using Bomax.Engine.Grid;

namespace Bomax.Engine.Model;

/// <summary>
/// Per-benchmark centring and scaling of scores before fitting. With few observations a benchmark's
/// own standard deviation is unreliable, so its variance is shrunk toward the pooled within-benchmark
/// variance with the weight of <see cref="PooledPseudoCount"/> observations — or, in a fit that shares earlier runs'
/// hyperparameters (their check held, <see cref="HyperparameterFit"/>), toward the benchmark's variance over a whole earlier
/// run (<see cref="EarlierRuns.Variances"/>). Those hyperparameters (noise, jitters, lengthscale, benchmark covariance) are in
/// the units of the earlier runs' whole spread. A study with one design cell per benchmark gets its pairs of cells from the
/// search, crowded among the leaders, so its own pooled spread was a small fraction of a run's; read in those units the same
/// hyperparameters put the start of the run, which the study had barely seen, within a few thousandths of the leaders, and
/// with the prior the intervals held 74–87 % of the true averages of the checkpoints not fully evaluated on the six Pythia
/// runs, 88–91 % in the runs' units (docs/measurements.md, "the prior's units").
/// </summary>
public sealed record Standardisation(double[] Mean, double[] Scale)
{
    public const double PooledPseudoCount = 3.0;

    /// <summary>An earlier run's variance of a benchmark more than this many times the spread of all the study's scores is not the
    /// study's scale but another one (percent against a fraction): it is left out.</summary>
    public const double EarlierSpreadLimit = 100.0;

    /// <summary>The standardisation of <paramref name="observations"/>; with <paramref name="earlier"/> runs, each benchmark they have
    /// is shrunk toward their variance of it instead of the pooled one, where theirs is the larger (a run of another kind, whose
    /// scores spread less, must not make the study surer of its own than it is) and not beyond <see cref="EarlierSpreadLimit"/>.</summary>
    public static Standardisation From(int benchmarks, IReadOnlyList<Observation> observations, EarlierRuns? earlier = null)
    {
        var earlierVariances = earlier is { IsEmpty: false } ? earlier.Variances(benchmarks) : null;
        var count = new int[benchmarks];
        var sum = new double[benchmarks];
        foreach (var o in observations) { count[o.Cell.Benchmark]++; sum[o.Cell.Benchmark] += o.Score; }
        double grandMean = observations.Count > 0 ? observations.Average(o => o.Score) : 0.0;
        var mean = new double[benchmarks];
        for (int j = 0; j < benchmarks; j++) mean[j] = count[j] > 0 ? sum[j] / count[j] : grandMean;

        var squares = new double[benchmarks];
        foreach (var o in observations) { double d = o.Score - mean[o.Cell.Benchmark]; squares[o.Cell.Benchmark] += d * d; }
        double pooledSquares = squares.Sum();
        int pooledDegrees = count.Sum(c => Math.Max(0, c - 1));
        double pooled = pooledDegrees > 0 ? pooledSquares / pooledDegrees : 0.0;
        double all = observations.Count > 1
            ? observations.Select(o => (o.Score - grandMean) * (o.Score - grandMean)).Sum() / (observations.Count - 1)
            : 0.0;
        // No spread within any benchmark yet: fall back to the spread of everything, or 1.
        if (!(pooled > 1e-18)) pooled = all > 1e-18 ? all : 1.0;
        var scale = new double[benchmarks];
        for (int j = 0; j < benchmarks; j++)
        {
            int degrees = Math.Max(0, count[j] - 1);
            double toward = earlierVariances is { } runs && runs[j] > pooled && runs[j] <= EarlierSpreadLimit * Math.Max(all, pooled)
                ? runs[j]
                : pooled;
            double variance = (squares[j] + PooledPseudoCount * toward) / (degrees + PooledPseudoCount);
            scale[j] = Math.Sqrt(Math.Max(variance, 1e-12));
        }
        return new Standardisation(mean, scale);
    }

    /// <summary>The earlier runs whose units a decision that keeps <paramref name="fit"/> reads the study in: the options' runs when the
    /// fit's check of them held (a shared fit, made in their units; <see cref="HyperparameterFit"/>), none otherwise.</summary>
    public static EarlierRuns? EarlierUnitsOf(ModelFit fit, EngineOptions options) => fit.Report.Prior is { Holds: true } ? options.Earlier : null;

    public double Apply(Observation o) => (o.Score - Mean[o.Cell.Benchmark]) / Scale[o.Cell.Benchmark];
}

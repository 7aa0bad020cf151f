using Bomax.Engine.Grid;

namespace Bomax.Engine.Model;

/// <summary>
/// Per-benchmark centring and scaling of scores before fitting. With few observations a benchmark's
/// own standard deviation is unreliable, so its variance is shrunk toward the pooled within-benchmark
/// variance with the weight of <see cref="PooledPseudoCount"/> observations.
/// </summary>
public sealed record Standardisation(double[] Mean, double[] Scale)
{
    public const double PooledPseudoCount = 3.0;

    public static Standardisation From(int benchmarks, IReadOnlyList<Observation> observations)
    {
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
        if (!(pooled > 1e-18))
        {
            // No spread within any benchmark yet: fall back to the spread of everything, or 1.
            double all = observations.Count > 1
                ? observations.Select(o => (o.Score - grandMean) * (o.Score - grandMean)).Sum() / (observations.Count - 1)
                : 0.0;
            pooled = all > 1e-18 ? all : 1.0;
        }
        var scale = new double[benchmarks];
        for (int j = 0; j < benchmarks; j++)
        {
            int degrees = Math.Max(0, count[j] - 1);
            double variance = (squares[j] + PooledPseudoCount * pooled) / (degrees + PooledPseudoCount);
            scale[j] = Math.Sqrt(Math.Max(variance, 1e-12));
        }
        return new Standardisation(mean, scale);
    }

    public double Apply(Observation o) => (o.Score - Mean[o.Cell.Benchmark]) / Scale[o.Cell.Benchmark];
}

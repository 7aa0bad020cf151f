using Bomax.Engine.Model;

namespace Bomax.Engine.Tests.Model;

/// <summary>The plain values read back from the kernel's decoding are the documented positive maps of the raw vector.</summary>
public class HyperparameterValuesTests
{
    static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

    /// <summary>A raw vector of <paramref name="benchmarks"/> × <paramref name="rank"/> hyperparameters, each uniform in ±1.5.</summary>
    static Hyperparameters RandomHyperparameters(int benchmarks, int rank, int seed)
    {
        var random = new Random(seed);
        var raw = Enumerable.Range(0, Hyperparameters.LengthFor(benchmarks, rank)).Select(_ => 3 * random.NextDouble() - 1.5).ToArray();
        return new Hyperparameters(benchmarks, rank, raw);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void ValuesAreTheRawVectorThroughItsPositiveMaps(bool jitter, bool warping)
    {
        var options = new EngineOptions
        {
            CheckpointJitter = jitter, InputWarping = warping, NoiseFloor = 0.03, LengthscaleFloor = 0.07, InterceptVariance = 0.8,
        };
        int m = 4, r = 2;
        var h = RandomHyperparameters(m, r, seed: 3);
        var raw = h.Raw;
        var values = h.Values(options);

        Assert.Equal(raw.Take(m * r), values.Loadings);
        for (int j = 0; j < m; j++) Assert.Equal(Softplus(raw[h.DiagonalOffset + j]), values.Diagonal[j], 1e-12);
        Assert.Equal(0.07 + Softplus(raw[h.LengthscaleIndex]), values.Lengthscale, 1e-12);
        Assert.Equal(0.03 + Softplus(raw[h.NoiseIndex]), values.Noise, 1e-12);
        Assert.Equal(0.8, values.TaskBias, 1e-12);
        Assert.Equal(jitter ? Softplus(raw[h.JitterIndex]) : 0.0, values.Jitter, 1e-12);
        Assert.Equal(jitter ? Softplus(raw[h.SharedJitterIndex]) : 0.0, values.SharedJitter, 1e-12);
        Assert.Equal(warping ? Math.Exp(-Softplus(raw[h.WarpAIndex])) : 1.0, values.WarpA, 1e-12);
        Assert.Equal(warping ? 1 + Softplus(raw[h.WarpBIndex]) : 1.0, values.WarpB, 1e-12);
    }

    [Fact]
    public void ScalingTheBenchmarkCovarianceMultipliesEachBenchmarksVarianceAndKeepsTheCorrelations()
    {
        var options = new EngineOptions();
        var h = RandomHyperparameters(3, 2, seed: 5);
        double[] factors = [1.0, 4.0, 2.5];
        var (before, after) = (h.Values(options), h.WithBenchmarkCovarianceScaled(factors).Values(options));
        static double B(HyperparameterValues v, int a, int b) => BenchmarkCovariance(v, 2, a, b);
        for (int a = 0; a < 3; a++)
        {
            Assert.Equal(factors[a] * B(before, a, a), B(after, a, a), 1e-9);
            for (int b = 0; b < 3; b++)
                Assert.Equal(B(before, a, b) / Math.Sqrt(B(before, a, a) * B(before, b, b)),
                    B(after, a, b) / Math.Sqrt(B(after, a, a) * B(after, b, b)), 1e-9);
        }
        Assert.Equal((before.Lengthscale, before.Jitter, before.SharedJitter, before.Noise, before.TaskBias),
            (after.Lengthscale, after.Jitter, after.SharedJitter, after.Noise, after.TaskBias));
        Assert.Same(h, h.WithBenchmarkCovarianceScaled([1.0, 1.0, 1.0]));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.3)]
    [InlineData(0.0)]
    public void CouplingTheBenchmarksLooserMultipliesTheirCorrelationsByItsSquareAndKeepsEachVariance(double coupling)
    {
        var options = new EngineOptions();
        var h = RandomHyperparameters(3, 2, seed: 8);
        var (before, after) = (h.Values(options), h.WithBenchmarksCoupled(coupling).Values(options));
        for (int a = 0; a < 3; a++)
        {
            Assert.Equal(BenchmarkCovariance(before, 2, a, a), BenchmarkCovariance(after, 2, a, a), 1e-9);
            for (int b = 0; b < 3; b++)
                if (b != a) Assert.Equal(coupling * coupling * BenchmarkCovariance(before, 2, a, b), BenchmarkCovariance(after, 2, a, b), 1e-9);
        }
        Assert.Equal((before.Lengthscale, before.Jitter, before.SharedJitter, before.Noise, before.TaskBias),
            (after.Lengthscale, after.Jitter, after.SharedJitter, after.Noise, after.TaskBias));
        Assert.Same(h, h.WithBenchmarksCoupled(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.WithBenchmarksCoupled(1.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.WithBenchmarksCoupled(double.NaN));
    }

    /// <summary>B[a, b] = (W Wᵀ)[a, b] + v[a] when a = b, from the plain values of rank <paramref name="rank"/>.</summary>
    static double BenchmarkCovariance(HyperparameterValues v, int rank, int a, int b) =>
        v.Loadings[(a * rank)..(a * rank + rank)].Zip(v.Loadings[(b * rank)..(b * rank + rank)], (x, y) => x * y).Sum()
        + (a == b ? v.Diagonal[a] : 0);
}

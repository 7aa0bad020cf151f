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
        static double B(HyperparameterValues v, int a, int b) =>
            v.Loadings[(a * 2)..(a * 2 + 2)].Zip(v.Loadings[(b * 2)..(b * 2 + 2)], (x, y) => x * y).Sum() + (a == b ? v.Diagonal[a] : 0);
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
}

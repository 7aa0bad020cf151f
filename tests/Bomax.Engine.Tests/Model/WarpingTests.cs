using Bomax.Engine.Model;

namespace Bomax.Engine.Tests.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>The step warping may stretch the start of a run (curves move fastest there), never squash it.</summary>
public class WarpingTests
{
    [Theory]
    [InlineData(-30.0, -30.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(3.0, -2.0)]
    [InlineData(-2.0, 5.0)]
    [InlineData(40.0, 40.0)]
    public void AnyRawValuesGiveAConcaveWarping(double rawA, double rawB)
    {
        var options = new EngineOptions { InputWarping = true };
        var h = Hyperparameters.Initial(3, 1, options);
        var raw = (double[])h.Raw.Clone();
        raw[h.WarpAIndex] = rawA;
        raw[h.WarpBIndex] = rawB;
        var values = (h with { Raw = raw }).Values(options);
        Assert.InRange(values.WarpA, 0.0, 1.0);
        Assert.True(values.WarpB >= 1.0);

        // Concave on (0, 1): second differences never positive (up to the clamp of x at 1e-6 that keeps x^a finite).
        const int points = 200;
        var w = Enumerable.Range(0, points + 1).Select(k => DenseReference.Warp((double)k / points, values.WarpA, values.WarpB)).ToArray();
        for (int k = 1; k < points; k++) Assert.True(w[k + 1] - 2 * w[k] + w[k - 1] <= 1e-5, $"convex at {k}/{points}: a {values.WarpA}, "
            + $"b {values.WarpB}");
    }

    [Fact]
    public void TheStepAxisIsWarpedOnlyWhenAskedFor()
    {
        // A curve that climbs over the first fifth of the run and is flat after it: what the warping is for.
        var grid = new Grid(Enumerable.Range(0, 30).Select(i => new Checkpoint($"c{i}", 100 * (i + 1))),
            Enumerable.Range(0, 4).Select(j => new Benchmark($"b{j}")));
        var random = new Random(5);
        var observations = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).Where(_ => random.NextDouble() < 0.5)
            .Select(c => new Observation(c, 0.8 - 0.3 * Math.Exp(-c.Checkpoint / 2.0) + 0.002 * (c.Benchmark + random.NextDouble()))).ToList();

        var plain = new EngineOptions { Device = ComputeDevice.Cpu };
        var unwarped = HyperparameterFit.Fit(grid, observations, plain).Hyperparameters.Values(plain);
        Assert.Equal((1.0, 1.0), (unwarped.WarpA, unwarped.WarpB));

        var warping = plain with { InputWarping = true };
        var warped = HyperparameterFit.Fit(grid, observations, warping).Hyperparameters.Values(warping);
        Assert.True(warped.WarpA < 0.95 || warped.WarpB > 1.05, $"no stretch learned: a {warped.WarpA}, b {warped.WarpB}");
    }

    [Fact]
    public void TheNeutralStartBarelyWarps()
    {
        var options = new EngineOptions { InputWarping = true };
        var values = Hyperparameters.Initial(3, 1, options).Values(options);
        Assert.InRange(values.WarpA, 0.85, 1.0);
        Assert.InRange(values.WarpB, 1.0, 1.15);
    }
}

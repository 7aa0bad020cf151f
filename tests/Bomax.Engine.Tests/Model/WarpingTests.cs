using Bomax.Engine;

namespace Bomax.Engine.Tests.Model;

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
        var options = new EngineOptions();
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
        for (int k = 1; k < points; k++) Assert.True(w[k + 1] - 2 * w[k] + w[k - 1] <= 1e-5, $"convex at {k}/{points}: a {values.WarpA}, b {values.WarpB}");
    }

    [Fact]
    public void TheNeutralStartBarelyWarps()
    {
        var options = new EngineOptions();
        var values = Hyperparameters.Initial(3, 1, options).Values(options);
        Assert.InRange(values.WarpA, 0.85, 1.0);
        Assert.InRange(values.WarpB, 1.0, 1.15);
    }
}

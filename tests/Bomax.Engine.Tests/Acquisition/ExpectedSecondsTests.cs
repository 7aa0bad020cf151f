using Bomax.Engine.Acquisition;

namespace Bomax.Engine.Tests.Acquisition;

/// <summary>Expected seconds from measured ones, and the costs the acquisition reads from them: noise is not a cost.</summary>
public class ExpectedSecondsTests
{
    static (int, double)[] Measured(params (int Benchmark, double Seconds)[] pairs) => pairs;

    [Fact]
    public void ExpectedSecondsAreEachBenchmarksMedianAndTheOthersMedianBeforeItsFirst()
    {
        var expected = ExpectedSeconds.From(3, Measured((0, 10), (0, 30), (0, 20), (1, 100)));
        Assert.Equal([20.0, 100.0, 60.0], expected!);
        Assert.Null(ExpectedSeconds.From(3, []));
    }

    [Fact]
    public void SecondsThatDifferOnlyByNoiseCostTheSame()
    {
        var costs = ExpectedSeconds.Costs(3, Measured((0, 55), (0, 70), (1, 62), (1, 58), (2, 66), (2, 50)))!;
        Assert.True(new BenchmarkCosts(costs).Uniform, string.Join(", ", costs));
        Assert.InRange(costs[0], 55, 66); // their common geometric mean
    }

    [Fact]
    public void CostsThatDifferBeyondNoiseAreKeptNearlyWhole()
    {
        var costs = ExpectedSeconds.Costs(3, Measured((0, 55), (0, 70), (1, 620), (1, 580), (2, 3300), (2, 2700)))!;
        Assert.InRange(costs[1] / costs[0], 9, 10.5);
        Assert.InRange(costs[2] / costs[0], 45, 52);
    }

    [Fact]
    public void WithNoBenchmarkMeasuredTwiceNothingTellsNoiseFromCostAndTheMediansStand()
    {
        Assert.Equal([55.0, 70.0, 62.5], ExpectedSeconds.Costs(3, Measured((0, 55), (1, 70)))!);
    }

    [Fact]
    public void EqualCostsMeasuredWithThirtyPercentNoiseChooseCostBlindNearlyAlways()
    {
        var random = new Random(7);
        int uniform = 0, draws = 400;
        for (int d = 0; d < draws; d++)
        {
            var measured = Enumerable.Range(0, 8).SelectMany(j => Enumerable.Range(0, 2).Select(_ => (j, 60 * Math.Exp(0.3 * Normal(random)))));
            if (new BenchmarkCosts(ExpectedSeconds.Costs(8, measured)!).Uniform) uniform++;
        }
        Assert.InRange(uniform, 0.9 * draws, draws); // the F test's 95 %, give or take the draws
    }

    static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

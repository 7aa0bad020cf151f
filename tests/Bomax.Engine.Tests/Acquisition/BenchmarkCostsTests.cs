using Bomax.Engine.Acquisition;

namespace Bomax.Engine.Tests.Acquisition;

/// <summary>Costs are read relative to the cheapest benchmark; equal costs change nothing.</summary>
public class BenchmarkCostsTests
{
    [Fact]
    public void EqualCostsAreUniformAndInactive()
    {
        var costs = new BenchmarkCosts([30, 30, 30]);
        Assert.True(costs.Uniform);
        Assert.False(costs.Active);
        Assert.Equal(0, costs.Penalty(1));
    }

    [Fact]
    public void APenaltyIsTheLogOfTheCostOverTheCheapestTimesTheExponent()
    {
        var costs = new BenchmarkCosts([10, 500, 20]);
        Assert.True(costs.Active);
        Assert.Equal(0, costs.Penalty(0));
        Assert.Equal(Math.Log(50), costs.Penalty(1), 12);
        Assert.Equal(0.5 * Math.Log(2), (costs with { Exponent = 0.5 }).Penalty(2), 12);
        Assert.False((costs with { Exponent = 0 }).Active);
        Assert.Equal(27 * 530, costs.GridSeconds(27));
    }

    [Fact]
    public void CoolingLowersTheExponentFromOneToZeroAsTheBudgetIsSpent()
    {
        var costs = new BenchmarkCosts([1, 10]);
        Assert.Equal(1, costs.Cooled(spent: 20, spentAtStart: 20, budget: 100).Exponent);
        Assert.Equal(0.5, costs.Cooled(spent: 60, spentAtStart: 20, budget: 100).Exponent, 12);
        Assert.Equal(0, costs.Cooled(spent: 120, spentAtStart: 20, budget: 100).Exponent);
    }

    [Fact]
    public void CostsMustBeSecondsAboveZero()
    {
        Assert.Throws<ArgumentException>(() => new BenchmarkCosts([1, 0]));
        Assert.Throws<ArgumentException>(() => new BenchmarkCosts([1, double.NaN]));
        Assert.Throws<ArgumentException>(() => new BenchmarkCosts([]));
    }
}

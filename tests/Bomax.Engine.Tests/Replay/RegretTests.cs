using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Replay;

public class RegretTests
{
    [Fact]
    public void RegretIsTheRelativeShortfallOfThePick()
    {
        var means = new[] { 0.5, 0.8, 0.6, 0.8 };
        Assert.Equal(0.0, Regret.Of(means, 1));
        Assert.Equal(0.0, Regret.Of(means, 3));
        Assert.Equal(0.25, Regret.Of(means, 2), 1e-15);
        Assert.Equal(0.375, Regret.Of(means, 0), 1e-15);
    }
}

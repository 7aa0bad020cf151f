using Bomax.Cli.Output;
using Bomax.Engine.Replay;

namespace Bomax.Cli.Tests.Output;

/// <summary>What a replay's stop rule summary says in words.</summary>
public class StopTextTests
{
    [Fact]
    public void AStudyThatEndedAFewSecondsPastItsBudgetSavedNothingNotMinusNothing()
    {
        var stop = new StopSummary("expected-shortfall=0.1%", 2, 0, 34_432, 1 - 34_432 / 34_425.0, double.NaN, double.NaN, double.NaN, double.NaN);
        Assert.Equal("stopped early in 0 of 2 seeds, 34432 s on average (0% of the budget saved)", ReplayOutput.StopText(stop, "34432 s"));
    }

    [Fact]
    public void StoppedStudiesSayHowOftenTheyWereRight()
    {
        var stop = new StopSummary("prob-best=0.95", 10, 4, 40, 0.26, 0.75, 1, 0, 0.012);
        Assert.Equal("stopped early in 4 of 10 seeds, 40 evaluations on average (26% of the budget saved); of those the true best 75%, "
            + "within the rule 100%, regret median 0.000% / worst 1.200%", ReplayOutput.StopText(stop, "40 evaluations"));
    }
}

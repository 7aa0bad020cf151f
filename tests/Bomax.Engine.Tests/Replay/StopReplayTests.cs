using Bomax.Engine.Replay;
using Bomax.Engine.Selection;

namespace Bomax.Engine.Tests.Replay;

/// <summary><c>replay --stop</c>: studies that end by a stop rule, as <c>bomax run</c> ends them, and what the summary says of them.</summary>
public sealed class StopReplayTests(ReplayRuns runs) : IClassFixture<ReplayRuns>
{
    SeedOutcome Replay(StopRule? stop, int seed = 0)
    {
        double now = 0;
        return ReplaySimulation.Run(runs.Table, runs.Settings with { Stop = stop }, seed, () => now += 1e-3);
    }

    [Fact]
    public void ARuleReachedAtTheFirstDecisionEndsEveryBudgetRightAfterTheDesign()
    {
        // P(best) ≥ 0.0001 holds for every pick: the first round with a model ends the study, before any cell is chosen.
        var stopped = Replay(new StopRule.Confident(0.0001));

        Assert.Equal(ReplayRuns.Budgets, stopped.Budgets.Select(b => b.Evaluations));
        Assert.All(stopped.Budgets, b => Assert.True(b.Stopped));
        Assert.All(stopped.Budgets, b => Assert.Equal(2 * PeakedTable.Benchmarks, b.Spent));
        Assert.Empty(stopped.RoundSeconds);
        // Both budgets end at the same study, so they name the same pick.
        Assert.Single(stopped.Budgets.Select(b => b.Pick).Distinct());
    }

    [Fact]
    public void ARuleNeverReachedSpendsEveryBudgetAndPicksAsWithoutOne()
    {
        // P(best) is never above 1: nothing stops, nothing changes.
        var confident = Replay(new StopRule.Confident(1.5));
        var without = runs.Seeds[0];

        Assert.All(confident.Budgets, b => Assert.False(b.Stopped));
        Assert.Equal(ReplayRuns.Budgets, confident.Budgets.Select(b => b.Spent));
        Assert.Equal(without.Budgets, confident.Budgets);
    }

    [Fact]
    public void AStopInTheMiddleEndsTheLargerBudgetsWhereItStopped()
    {
        // A shortfall limit that a study reaches after some evaluations of its own: the first budget may be spent, the
        // larger ends early, where the rule was met.
        var seed = Replay(new StopRule.NearBest(new ShortfallLimit(0.002, IsShare: true)), seed: 1);
        var last = seed.Budgets[^1];

        Assert.True(last.Stopped, string.Join("; ", seed.Budgets));
        Assert.InRange(last.Spent, 2 * PeakedTable.Benchmarks, last.Evaluations - 1);
        Assert.True(last.ExpectedRegret <= 0.002 * 1.5, $"stopped with a relative shortfall of {last.ExpectedRegret}");
        Assert.Single(seed.Budgets.Where(b => b.Stopped).Select(b => b.Spent).Distinct()); // every stopped budget, at one place
    }

    [Fact]
    public void AStoppedStudyRecordsTheDecisionThatStoppedIt()
    {
        // A stop is confirmed on a final decision, and the replay records that decision: its pick reaches the rule.
        var rule = new StopRule.Confident(0.5);
        var stopped = Enumerable.Range(0, 3).SelectMany(seed => Replay(rule, seed).Budgets).Where(b => b.Stopped).ToList();

        Assert.NotEmpty(stopped);
        Assert.All(stopped, b =>
            Assert.True(b.TailProbabilityBest >= 0.5, $"stopped at {b.Spent} with P(best) {b.TailProbabilityBest} in the tails"));
    }

    [Fact]
    public void TheSummarySaysWhereTheStudiesStoppedAndHowOftenTheyWereRight()
    {
        var rule = new StopRule.NearBest(new ShortfallLimit(0.001, IsShare: true));
        BudgetOutcome Outcome(int spent, bool stopped, double regret, double gap) =>
            new(100, 0, regret, 0.9, 0, 0, 0, 0, 10, 0, double.NaN, double.NaN, spent, stopped, gap);
        var outcomes = new[]
        {
            Outcome(40, true, 0, 0),          // stopped, the best
            Outcome(60, true, 0.0005, 0.01),  // stopped, within 0.1 %
            Outcome(80, true, 0.004, 0.05),   // stopped, not within
            Outcome(100, false, 0.002, 0.02), // spent the budget
        };

        var summary = StopSummary.Of(rule, 100, outcomes);

        Assert.Equal(("expected-shortfall=0.1%", 4, 3), (summary.Rule, summary.Seeds, summary.Stopped));
        Assert.Equal(70, summary.SpentMean, 12);
        Assert.Equal(0.30, summary.SavedShare, 12);
        Assert.Equal(1 / 3.0, summary.RightRate, 12);
        Assert.Equal(2 / 3.0, summary.WithinRate, 12);
        Assert.Equal((0.0005, 0.004), (summary.RegretMedian, summary.RegretMax));
        // In score units the limit reads the gap: 0.02 holds for the first two.
        var scoreUnits = StopSummary.Of(new StopRule.NearBest(new ShortfallLimit(0.02, IsShare: false)), 100, outcomes);
        Assert.Equal(2 / 3.0, scoreUnits.WithinRate, 12);
        // For P(best) the rule is right only when the pick is the best.
        Assert.Equal(1 / 3.0, StopSummary.Of(new StopRule.Confident(0.95), 100, outcomes).WithinRate, 12);
        Assert.True(double.IsNaN(StopSummary.Of(rule, 100, [outcomes[3]]).RightRate));
    }

    [Fact]
    public void CalibrationBandsCountEachPickOnceWithOneInTheTopBand()
    {
        BudgetOutcome Outcome(double probability, double regret) =>
            new(100, 0, regret, probability, 0, 0, 0, 0, 10, 0, double.NaN, double.NaN, 100, false, 0);
        var outcomes = new[] { Outcome(0.05, 0), Outcome(0.15, 0.01), Outcome(0.2, 0), Outcome(0.5, 0.01), Outcome(0.9, 0), Outcome(1.0, 0) };

        var bands = CalibrationBand.Of(outcomes);

        Assert.Equal([(0.0, 0.2, 2), (0.2, 0.5, 1), (0.5, 0.9, 1), (0.9, 1.0, 2)], bands.Select(b => (b.From, b.To, b.Picks)));
        Assert.Equal([0.10, 0.2, 0.5, 0.95], bands.Select(b => Math.Round(b.StatedMean, 12)));
        Assert.Equal([0.5, 1.0, 0.0, 1.0], bands.Select(b => b.RightRate));
        Assert.True(double.IsNaN(CalibrationBand.Of([])[0].StatedMean));
    }

    [Fact]
    public void StopRulesReadThePick()
    {
        var pick = new Standing(0, "c", Estimate: 0.5, Low: 0.4, High: 0.6, ProbabilityBest: 0.95, BenchmarksEvaluated: 3, ExpectedShortfall: 0.0004)
        {
            LikelyShortfall = 0.0004,
            TailProbabilityBest = 0.95,
        };
        Assert.True(new StopRule.Confident(0.95).Reached(pick));
        Assert.False(new StopRule.Confident(0.96).Reached(pick));
        // prob-best reads P(best) in the posterior's tails: 0.95 in its bulk is not enough where the tails say 0.9.
        Assert.False(new StopRule.Confident(0.95).Reached(pick with { TailProbabilityBest = 0.9 }));
        Assert.True(new StopRule.Confident(0.95).Reached(pick with { ProbabilityBest = 0.97, TailProbabilityBest = 0.951 }));
        Assert.True(new StopRule.NearBest(new ShortfallLimit(0.0004, false)).Reached(pick));
        Assert.False(new StopRule.NearBest(new ShortfallLimit(0.0005, true)).Reached(pick)); // 0.0004 / 0.5004 = 0.08 %
        Assert.True(new StopRule.NearBest(new ShortfallLimit(0.001, true)).Reached(pick));
        // Expected within the limit is not enough: the pick must be within it with probability 0.9 too.
        var unsure = pick with { LikelyShortfall = 0.0009 };
        Assert.False(new StopRule.NearBest(new ShortfallLimit(0.0005, false)).Reached(unsure));
        Assert.True(new StopRule.NearBest(new ShortfallLimit(0.0009, false)).Reached(unsure));
        Assert.Equal("prob-best=0.95", new StopRule.Confident(0.95).ToString());
        Assert.Equal("expected-shortfall=0.0005", new StopRule.NearBest(new ShortfallLimit(0.0005, false)).ToString());
    }

    [Fact]
    public void AProbBestStopIsConfirmedInTheIntervalsPosteriorToo()
    {
        var pick = new Standing(0, "c", Estimate: 0.5, Low: 0.4, High: 0.6, ProbabilityBest: 0.97, BenchmarksEvaluated: 3, ExpectedShortfall: 0.0004)
        {
            LikelyShortfall = 0.0004,
            TailProbabilityBest = 0.96,
        };
        var rule = new StopRule.Confident(0.95);
        Assert.True(rule.Confirmed(pick, () => 0.95));
        Assert.False(rule.Confirmed(pick, () => 0.9)); // the tails reach it, the intervals' posterior does not
        Assert.False(rule.Confirmed(pick with { TailProbabilityBest = 0.9 }, () => 0.99));
        // expected-shortfall is confirmed by its own reading alone: the intervals' P(best) is not even computed.
        Assert.True(new StopRule.NearBest(new ShortfallLimit(0.001, true)).Confirmed(pick, () => throw new InvalidOperationException("read")));
        Assert.False(new StopRule.NearBest(new ShortfallLimit(0.0005, true)).Confirmed(pick, () => throw new InvalidOperationException("read")));
    }
}

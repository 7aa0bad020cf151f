using Bomax.Engine.Acquisition;
using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Replay;
using Bomax.Engine.Selection;

namespace Bomax.Engine.Tests.Replay;

/// <summary>Replays against evaluation time: both engines stay within the same seconds; equal costs make them one engine.</summary>
public class TimedReplayTests
{
    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu, FirstFitIterations = 20, RefitIterations = 5 };

    [Fact]
    public void BothEnginesSpendAtMostTheTimeBudgetAndTheCostAwareOneBuysMoreCheapCells()
    {
        var table = PeakedTable.Create();
        var costs = new BenchmarkCosts([1, 1, 1, 1, 30, 50]);
        var settings = new TimedReplaySettings([0.2], costs, 2, Options);
        var outcome = Assert.Single(TimedReplay.Run(table, settings, seed: 0));
        double budget = 0.2 * costs.GridSeconds(PeakedTable.Checkpoints);
        Assert.Equal(budget, outcome.BudgetSeconds, 9);
        Assert.InRange(outcome.Aware.Seconds, 0, budget);
        Assert.InRange(outcome.Blind.Seconds, 0, budget);
        // What is left is less than the dearest cell would have cost, or the study would have gone on with a cheaper one.
        Assert.True(budget - outcome.Aware.Seconds < 1, $"cost-aware left {budget - outcome.Aware.Seconds} s unspent");
        Assert.True(outcome.Aware.Evaluations > outcome.Blind.Evaluations,
            $"cost-aware {outcome.Aware.Evaluations} evaluations, cost-blind {outcome.Blind.Evaluations}");
    }

    [Fact]
    public void TheInitialDesignGoesCheapestBenchmarkFirstAsInARunAndEndsWhereTheCheapestCellLeftDoesNotFit()
    {
        var table = PeakedTable.Create();
        var settings = new TimedReplaySettings([0.3], new BenchmarkCosts([30, 1, 50, 1, 1, 1]), 2, Options);
        var seeded = InitialDesign.Cells(table.Grid, 2, 0, 45); // 0.3 of the 150 cells sizes the design: all 12 cells
        Assert.Equal(12, seeded.Count);
        Assert.NotEqual([30.0, 30.0, 50.0, 50.0], seeded.TakeLast(4).Select(c => settings.Costs.Seconds[c.Benchmark]));

        // 40 s: the eight one-second cells, then one of the 30-second benchmark; its second would end past the budget.
        var cut = TimedReplay.Design(table.Grid, settings, 0, 0.3, 40, new StudySeconds(table.Grid, settings, 0));
        Assert.Equal([.. seeded.Where(c => settings.Costs.Seconds[c.Benchmark] == 1), seeded.First(c => c.Benchmark == 0)], cut);

        var whole = TimedReplay.Design(table.Grid, settings, 0, 0.3, 1000, new StudySeconds(table.Grid, settings, 0));
        Assert.Equal(seeded.OrderBy(c => settings.Costs.Seconds[c.Benchmark]), whole);
        Assert.Equal([1.0, 30.0, 50.0], whole.Select(c => settings.Costs.Seconds[c.Benchmark]).Distinct());
    }

    [Fact]
    public void WithEqualCostsTheTwoEnginesAreTheSame()
    {
        var table = PeakedTable.Create();
        var settings = new TimedReplaySettings([0.15, 0.3], new BenchmarkCosts(Enumerable.Repeat(7.0, PeakedTable.Benchmarks).ToList()), 2,
            Options);
        var outcomes = TimedReplay.Run(table, settings, seed: 1);
        Assert.Equal(2, outcomes.Count);
        foreach (var o in outcomes) Assert.Equal(o.Blind, o.Aware);
        var summary = TimedReplaySummary.From(table, settings, [outcomes], 0);
        Assert.All(summary.Budgets, b => Assert.Equal(b.Blind, b.Aware));
    }

    [Fact]
    public void WithNoisySecondsTheCostAwareEngineStillBuysMoreCheapCellsAndEndsNearTheBudget()
    {
        var table = PeakedTable.Create();
        var costs = new BenchmarkCosts([1, 1, 1, 1, 30, 50]);
        var settings = new TimedReplaySettings([0.2], costs, 2, Options, CostNoise: 0.3);
        var outcome = Assert.Single(TimedReplay.Run(table, settings, seed: 0));
        var exact = Assert.Single(TimedReplay.Run(table, settings with { CostNoise = 0 }, seed: 0));
        Assert.NotEqual(exact.Aware.Seconds, outcome.Aware.Seconds); // the seconds spent are the noisy ones
        double budget = outcome.BudgetSeconds;
        // Each evaluation starts only when it is expected to fit; the last one may run past by what it took beyond its median.
        Assert.InRange(outcome.Aware.Seconds, 0.8 * budget, budget + 50 * (Math.Exp(0.3 * 4) - 1));
        Assert.InRange(outcome.Blind.Seconds, 0.8 * budget, budget + 50 * (Math.Exp(0.3 * 4) - 1));
        Assert.True(outcome.Aware.Evaluations > outcome.Blind.Evaluations,
            $"cost-aware {outcome.Aware.Evaluations} evaluations, cost-blind {outcome.Blind.Evaluations}");
    }

    [Fact]
    public void AStopRuleEndsATimedStudyEarlyAndTheSummarySaysHowOftenItWasRight()
    {
        var table = PeakedTable.Create();
        var settings = new TimedReplaySettings([0.3], new BenchmarkCosts([1, 1, 1, 1, 30, 50]), 2, Options);
        var full = Assert.Single(TimedReplay.Run(table, settings, seed: 2));
        var ruled = settings with { Stop = new StopRule.Confident(0.5) };
        var stopped = Assert.Single(TimedReplay.Run(table, ruled, seed: 2));
        Assert.False(full.Aware.Stopped || full.Blind.Stopped);
        Assert.True(stopped.Aware.Stopped || stopped.Blind.Stopped, "a clear peak reaches P(best) 0.5 before 30 % of the grid's time");
        foreach (var (spend, whole) in new[] { (stopped.Aware, full.Aware), (stopped.Blind, full.Blind) })
        {
            if (spend.Stopped) Assert.True(spend.Seconds < whole.Seconds, $"stopped at {spend.Seconds} s, the whole study spent {whole.Seconds} s");
            else Assert.Equal(whole, spend);
            Assert.Equal(spend.Regret == 0, spend.Gap == 0);
        }

        var summary = TimedReplaySummary.From(table, ruled, [[stopped]], 0);
        var (aware, blind) = Assert.Single(summary.Budgets).Stop!.Value;
        Assert.Equal(stopped.Aware.Stopped ? 1 : 0, aware.Stopped);
        Assert.Equal(stopped.Blind.Stopped ? 1 : 0, blind.Stopped);
        Assert.Equal(1 - stopped.Aware.Seconds / stopped.BudgetSeconds, aware.SavedShare, 9);
        Assert.Null(Assert.Single(TimedReplaySummary.From(table, settings, [[full]], 0).Budgets).Stop);
    }
}

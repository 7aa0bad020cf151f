using Bomax.Engine.Acquisition;
using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Replay;
using Bomax.Engine.Study;
using Bomax.Engine.Tests.Replay;

namespace Bomax.Engine.Tests.Acquisition;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>The acquisition per expected second: with equal costs it is the cost-blind engine exactly; a dear benchmark is
/// chosen less.</summary>
public class CostAwareChoiceTests
{
    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu, FirstFitIterations = 20, RefitIterations = 5 };

    /// <summary>The cells a study chooses, one a round for <paramref name="rounds"/> rounds after the design, with these costs.</summary>
    static List<Cell> Choices(ScoreTable table, AcquisitionRule rule, BenchmarkCosts? costs, int rounds)
    {
        var options = Options with { Acquisition = rule };
        var observations = InitialDesign.Cells(table.Grid, 2, 0).Select(c => new Observation(c, table.ScoreOf(c))).ToList();
        var chosen = new List<Cell>();
        var state = PlannerState.Empty;
        for (int round = 0; round < rounds; round++)
        {
            using var plan = StudyPlanner.Next(table.Grid, observations, options, 2, null, 1, new HashSet<Cell>(), state, costs: costs);
            state = plan.State;
            var cell = Assert.Single(plan.Next);
            chosen.Add(cell);
            observations.Add(new Observation(cell, table.ScoreOf(cell)));
        }
        return chosen;
    }

    [Theory]
    [InlineData(AcquisitionRule.RowFirst)]
    [InlineData(AcquisitionRule.RowExpectedImprovement)]
    [InlineData(AcquisitionRule.CellExpectedImprovement)]
    public void EqualCostsChooseExactlyAsTheCostBlindEngine(AcquisitionRule rule)
    {
        var table = PeakedTable.Create();
        var blind = Choices(table, rule, null, 8);
        var equal = Choices(table, rule, new BenchmarkCosts(Enumerable.Repeat(42.0, PeakedTable.Benchmarks).ToList()), 8);
        Assert.Equal(blind, equal);
    }

    [Theory]
    [InlineData(AcquisitionRule.RowFirst)]
    [InlineData(AcquisitionRule.CellExpectedImprovement)]
    public void AVeryDearBenchmarkIsChosenLess(AcquisitionRule rule)
    {
        var table = PeakedTable.Create();
        const int dear = 5; // the benchmark with the widest spread, which the cost-blind engine asks for most
        var seconds = Enumerable.Repeat(1.0, PeakedTable.Benchmarks).ToArray();
        seconds[dear] = 50;
        var blind = Choices(table, rule, null, 12);
        var aware = Choices(table, rule, new BenchmarkCosts(seconds), 12);
        int blindDear = blind.Count(c => c.Benchmark == dear), awareDear = aware.Count(c => c.Benchmark == dear);
        Assert.True(blindDear > 0, $"the cost-blind engine never chose benchmark {dear}: the test shows nothing");
        Assert.True(awareDear < blindDear, $"benchmark {dear} (50 × the others) chosen {awareDear} times with costs, {blindDear} without");
    }
}

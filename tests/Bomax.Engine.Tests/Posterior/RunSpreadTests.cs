using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>A benchmark's spread over the run against its spread over its cells: equal when the cells sample the run evenly, larger
/// when a crowd of cells on a flat stretch hides how far the few cells elsewhere lie; pooled for a benchmark with one cell; and a
/// report's intervals widened by it where the cells are few, with the ranking as fitted.</summary>
public class RunSpreadTests
{
    [Fact]
    public void CellsThatSampleTheRunEvenlySpreadAsTheRunDoes()
    {
        var cells = Enumerable.Range(0, 21).Select(k => k / 20.0).Select(x => (x, Math.Sin(2 * Math.PI * x))).ToList();
        var (weighted, plain) = RunSpread.Of(cells);
        Assert.InRange(weighted / plain, 0.95, 1.05);
    }

    [Fact]
    public void ACrowdOnAFlatStretchUnderstatesTheSpreadTheFewCellsElsewhereShow()
    {
        // Twenty cells within a tenth of the run, flat; two near its end, a unit lower. Unweighted, the two are 2 of 22 cells;
        // weighted by the share of the run each stands for, they stand for more than half of it.
        var crowd = Enumerable.Range(0, 20).Select(k => (0.1 + k * 0.005, 0.01 * (k % 2)));
        var (weighted, plain) = RunSpread.Of(crowd.Concat([(0.7, -1.0), (0.9, -1.0)]));
        Assert.True(weighted / plain > 2.5, $"weighted {weighted:0.000}, plain {plain:0.000}");
        Assert.Equal((0, 0), RunSpread.Of([(0.5, 1.0)]));
    }

    [Fact]
    public void EachBenchmarksRatioIsShrunkTowardThePooledOneAndNeverBelowOne()
    {
        var grid = new Grid(Enumerable.Range(0, 41).Select(i => new Checkpoint($"c-{i * 10}", i * 10)),
            Enumerable.Range(0, 3).Select(j => new Benchmark($"task{j}")));
        var observations = new List<Observation>();
        // task0: a crowd on checkpoints 4–13, flat, and two low cells near the end; task1: evenly spread; task2: one cell.
        observations.AddRange(Enumerable.Range(4, 10).Select(i => new Observation(new Cell(i, 0), 0.70 + 0.002 * (i % 2))));
        observations.AddRange([new Observation(new Cell(30, 0), 0.60), new Observation(new Cell(38, 0), 0.60)]);
        observations.AddRange(Enumerable.Range(0, 9).Select(k => new Observation(new Cell(5 * k, 1), 0.5 + 0.05 * Math.Sin(k))));
        observations.Add(new Observation(new Cell(20, 2), 0.4));
        var standardisation = Standardisation.From(3, observations);
        var ratios = RunSpread.Ratios(grid, observations, standardisation);

        var steps = grid.NormalisedSteps();
        (double Weighted, double Plain) Spread(int j) =>
            RunSpread.Of(observations.Where(o => o.Cell.Benchmark == j).Select(o => (steps[o.Cell.Checkpoint], standardisation.Apply(o))));
        var (first, second) = (Spread(0), Spread(1));
        double pooled = Math.Max(1, (first.Weighted + second.Weighted) / (first.Plain + second.Plain));
        double Shrunk(int count, (double Weighted, double Plain) s) => Math.Max(1, (count * s.Weighted / s.Plain + 3 * pooled) / (count + 3));
        Assert.Equal(Shrunk(12, first), ratios[0], 1e-12);
        Assert.Equal(Shrunk(9, second), ratios[1], 1e-12);
        Assert.Equal(pooled, ratios[2], 1e-12);
        Assert.True(ratios[0] > 1.5 && ratios[0] > ratios[1], string.Join(", ", ratios));
        Assert.All(ratios, r => Assert.True(r >= 1));
    }

    [Fact]
    public void AReportWidensTheStretchTheSearchLeftAloneAndLeavesTheRankingAsFitted()
    {
        // 60 checkpoints × 4 benchmarks of a run that peaks early and falls after its middle: checkpoints 6–17 evaluated on three
        // benchmarks each (the crowd at the peak), every other checkpoint from 36 on one (the stretch left alone), two cells between.
        var grid = TestGrids.EveryHundredSteps(60, 4);
        var random = new Random(3);
        double Truth(int i, int j) => 0.6 + 0.02 * j - (i < 30 ? 0 : 0.003 * (i - 29)) + 0.004 * (random.NextDouble() - 0.5);
        var cells = Enumerable.Range(6, 12).SelectMany(i => Enumerable.Range(0, 3).Select(k => new Cell(i, (i + k) % 4)))
            .Concat([new Cell(0, 0), new Cell(26, 1)])
            .Concat(Enumerable.Range(18, 12).Select(k => new Cell(2 * k, k % 4)));
        var observations = cells.Select(c => new Observation(c, Truth(c.Checkpoint, c.Benchmark))).ToList();
        var ratios = RunSpread.Ratios(grid, observations, Standardisation.From(4, observations));
        var options = new EngineOptions
        {
            Device = ComputeDevice.Cpu, FirstFitIterations = 40, PredictiveCheck = false, HyperparameterDraws = 0, IntervalCoMovement = false,
        };
        using var fitted = StudyDecision.Final(grid, observations, options with { IntervalRunSpread = false }, PlannerState.Empty);
        using var widened = StudyDecision.Final(grid, observations, options, PlannerState.Empty);

        Assert.Equal(fitted.RankingRows.Mean, widened.RankingRows.Mean);
        Assert.Equal(fitted.Select().ProbabilityBest, widened.Select().ProbabilityBest);
        double Ratio(int i) => Math.Sqrt(widened.Rows.Covariance[i, i] / fitted.Rows.Covariance[i, i]);
        var crowd = Enumerable.Range(6, 12).Select(Ratio).ToList();
        var alone = Enumerable.Range(36, 24).Select(Ratio).ToList();
        string seen = FormattableString.Invariant($"ratios {string.Join(", ", ratios.Select(r => $"{r:0.00}"))}; ")
            + FormattableString.Invariant($"left alone: widened {alone.Min():0.000}–{alone.Max():0.000}; ")
            + FormattableString.Invariant($"crowd: {crowd.Min():0.000}–{crowd.Max():0.000}");
        Assert.True(alone.Min() > 1 && alone.Average() > crowd.Average() + 0.01, seen);
        Assert.True(crowd.All(r => Math.Abs(r - 1) < 0.05), seen);
    }
}

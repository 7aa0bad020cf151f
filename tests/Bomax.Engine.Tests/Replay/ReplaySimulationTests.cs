using System.Diagnostics;
using Bomax.Engine.Model;
using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Replay;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>A synthetic run: 25 checkpoints × 6 benchmarks, every benchmark peaking mid-run, small seeded noise.</summary>
static class PeakedTable
{
    public const int Checkpoints = 25, Benchmarks = 6;

    public static ScoreTable Create(int noiseSeed = 2024)
    {
        var grid = new Grid(
            Enumerable.Range(0, Checkpoints).Select(i => new Checkpoint($"ckpt-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, Benchmarks).Select(j => new Benchmark($"bench{j}")));
        var random = new Random(noiseSeed);
        var scores = new double[Checkpoints, Benchmarks];
        for (int i = 0; i < Checkpoints; i++)
        {
            double t = i / (Checkpoints - 1.0);
            for (int j = 0; j < Benchmarks; j++)
            {
                double peak = 0.15 + 0.03 * j;
                double shift = 0.03 * (j - 2.5) / 2.5; // benchmarks peak a little apart
                double noise = 0.004 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                scores[i, j] = 0.3 + 0.08 * j + peak * Math.Exp(-Math.Pow((t - 0.55 - shift) / 0.22, 2)) + noise;
            }
        }
        return new ScoreTable("synthetic", grid, scores);
    }
}

/// <summary>Runs the replays once for the whole class: seeds 0, 1, 2 at 30 % and 50 % of the grid.</summary>
public sealed class ReplayRuns
{
    public static readonly int[] Budgets = { 45, 75 }; // 30 % and 50 % of 150 cells
    public ScoreTable Table { get; } = PeakedTable.Create();
    public ReplaySettings Settings { get; } = new(Budgets, 2, new EngineOptions { Device = ComputeDevice.Cpu });
    public IReadOnlyList<SeedOutcome> Seeds { get; }
    public List<string> Progress { get; } = new();

    public ReplayRuns()
    {
        // A fake clock (a millisecond a call): the time-driven progress lines never come, however loaded the machine.
        Seeds = Enumerable.Range(0, 3)
            .Select(seed =>
            {
                double now = 0;
                return ReplaySimulation.Run(Table, Settings, seed, () => now += 1e-3, seed == 0 ? Progress.Add : null);
            })
            .ToList();
    }
}

public class ReplaySimulationTests(ReplayRuns runs) : IClassFixture<ReplayRuns>
{
    [Fact]
    public void TheSyntheticTablePeaksMidRun()
    {
        var means = runs.Table.RowMeans();
        int best = Array.IndexOf(means, means.Max());
        Assert.InRange(best, 11, 15);
        Assert.True(means[0] < means[best] - 0.05 && means[^1] < means[best] - 0.05);
    }

    [Fact]
    public void ASeedReplaysIdentically()
    {
        var clock = Stopwatch.StartNew();
        var repeat = ReplaySimulation.Run(PeakedTable.Create(), runs.Settings, 0, () => clock.Elapsed.TotalSeconds);
        var first = runs.Seeds[0];
        Assert.Equal(0, first.Seed);
        Assert.Equal(0, repeat.Seed);
        Assert.Equal(first.Budgets, repeat.Budgets); // picks, regrets, P(best) and the baselines, exactly
        Assert.Equal(first.FitSeconds.Count, repeat.FitSeconds.Count);
        Assert.Equal(first.AcquireSeconds.Count, repeat.AcquireSeconds.Count);
    }

    [Fact]
    public void TheMemoryProbeIsReadAfterEveryRoundAndTheSummaryQuotesRounds100And300AndTheLast()
    {
        long reads = 0;
        var seed = ReplaySimulation.Run(runs.Table, runs.Settings, 0, () => 0, peakResidentBytes: () => ++reads * 1024);
        Assert.Equal(seed.RoundSeconds.Count, seed.PeakResidentBytes.Count);
        Assert.Equal(Enumerable.Range(1, seed.RoundSeconds.Count).Select(k => k * 1024L), seed.PeakResidentBytes);

        // Rounds count over the seeds in order: 2 × 200 rounds quote rounds 100 and 300, then the last (400).
        var first = seed with { PeakResidentBytes = Enumerable.Range(1, 200).Select(k => (long)k).ToList() };
        var second = seed with { PeakResidentBytes = Enumerable.Range(201, 200).Select(k => (long)k).ToList() };
        var summary = ReplaySummary.From(runs.Table, [first, second], 1.0);
        Assert.Equal([(100, 100L), (300, 300L), (400, 400L)], summary.PeakResident);
        Assert.Empty(ReplaySummary.From(runs.Table, [seed with { PeakResidentBytes = [] }], 1.0).PeakResident);
    }

    [Fact]
    public void EverySeedReportsEveryBudgetWithConsistentNumbers()
    {
        var means = runs.Table.RowMeans();
        double best = means.Max();
        foreach (var seed in runs.Seeds)
        {
            Assert.Equal(ReplayRuns.Budgets, seed.Budgets.Select(b => b.Evaluations));
            foreach (var b in seed.Budgets)
            {
                Assert.Equal((best - means[b.Pick]) / best, b.Regret, 1e-15);
                Assert.Equal((best - means[b.RandomPick]) / best, b.RandomRegret, 1e-15);
                Assert.Equal((best - means[b.SubsetPick]) / best, b.SubsetRegret, 1e-15);
                Assert.InRange(b.ProbabilityBest, 0.0, 1.0);
            }
            // One round per evaluation beyond the initial design (2 per benchmark), each round timed; every
            // round acquired, and the model was refitted at least once and at most once per acquisition.
            Assert.Equal(ReplayRuns.Budgets.Max() - 2 * PeakedTable.Benchmarks, seed.RoundSeconds.Count);
            Assert.True(seed.AcquireSeconds.Count >= seed.RoundSeconds.Count);
            Assert.InRange(seed.FitSeconds.Count, 1, seed.AcquireSeconds.Count);
            Assert.All(seed.FitSeconds.Concat(seed.AcquireSeconds).Concat(seed.RoundSeconds), s => Assert.True(s >= 0));
        }
        Assert.Equal(2, runs.Progress.Count);
        Assert.All(runs.Progress, line => Assert.StartsWith("seed 0: ", line));
    }

    [Fact]
    public void EveryBudgetSaysHowManyOfItsIntervalsHeldTheTrueAverage()
    {
        foreach (var seed in runs.Seeds)
        {
            // 45 of 150 cells leave most checkpoints partly evaluated: there is always something to judge.
            var first = seed.Budgets[0];
            Assert.InRange(first.IntervalCoverage, 0.0, 1.0);
            Assert.True(double.IsNaN(first.TopIntervalCoverage) || first.TopIntervalCoverage is >= 0.0 and <= 1.0);
            // 45 cells cannot give each of 25 checkpoints two: some are evaluated on at most one of 6 (a fifth is 1.2).
            Assert.InRange(first.FewIntervalCoverage, 0.0, 1.0);
            Assert.All(seed.Budgets, b => Assert.True(double.IsNaN(b.IntervalCoverage) || b.IntervalCoverage is >= 0.0 and <= 1.0));
        }
        var summary = ReplaySummary.From(runs.Table, runs.Seeds, 1.0);
        for (int k = 0; k < ReplayRuns.Budgets.Length; k++)
        {
            Assert.Equal(ReplaySummary.MeanOfFinite(runs.Seeds.Select(s => s.Budgets[k].IntervalCoverage)),
                summary.Budgets[k].IntervalCoverageMean, 12);
            Assert.Equal(ReplaySummary.MeanOfFinite(runs.Seeds.Select(s => s.Budgets[k].TopIntervalCoverage)),
                summary.Budgets[k].TopIntervalCoverageMean, 12);
            Assert.Equal(ReplaySummary.MeanOfFinite(runs.Seeds.Select(s => s.Budgets[k].FewIntervalCoverage)),
                summary.Budgets[k].FewIntervalCoverageMean, 12);
        }
    }

    [Fact]
    public void EachBudgetIsAStudyOfItsOwnWithItsOwnDesign()
    {
        // 25 × 6: the whole design is 12 cells; 16 evaluations cut it to 8, 45 keep all of it. Replayed
        // together, each budget gets what it gets replayed alone, baselines included.
        var clock = Stopwatch.StartNew();
        SeedOutcome Replay(params int[] budgets) =>
            ReplaySimulation.Run(runs.Table, runs.Settings with { Budgets = budgets }, 1, () => clock.Elapsed.TotalSeconds);
        var both = Replay(16, 45);
        Assert.Equal(Replay(16).Budgets.Single(), both.Budgets[0]);
        Assert.Equal(Replay(45).Budgets.Single(), both.Budgets[1]);
        Assert.Equal(new[] { 8, 12 }, both.Budgets.Select(b => b.DesignCells));
        Assert.Equal((16 - 8) + (45 - 12), both.RoundSeconds.Count); // one round per evaluation after each design
    }

    [Fact]
    public void DifferentSeedsRunDifferentStudies()
    {
        Assert.Equal(new[] { 0, 1, 2 }, runs.Seeds.Select(s => s.Seed));
        // The seed reaches the baselines too: their picks are not the same for every seed.
        var baselinePicks = runs.Seeds.Select(s => string.Join(",", s.Budgets.Select(b => $"{b.RandomPick}/{b.SubsetPick}"))).ToArray();
        Assert.True(baselinePicks.Distinct().Count() > 1, string.Join(" ", baselinePicks));
    }

    [Fact]
    public void TheEngineRegretsNoMoreThanTheRandomBaseline()
    {
        foreach (var budget in ReplayRuns.Budgets)
        {
            var outcomes = runs.Seeds.Select(s => s.Budgets.Single(b => b.Evaluations == budget)).ToList();
            double engine = outcomes.Average(b => b.Regret), random = outcomes.Average(b => b.RandomRegret);
            Assert.True(engine <= random, $"{budget} evaluations: engine {engine:0.00000} vs random {random:0.00000}");
        }
    }

    [Fact]
    public void AtHalfTheGridTheEngineFindsTheBestCheckpointOrComesWithinHalfAPercent()
    {
        var half = runs.Seeds.Select(s => s.Budgets.Single(b => b.Evaluations == 75)).ToList();
        Assert.True(half.Count(b => b.Regret == 0) >= 2, string.Join(", ", half.Select(b => b.Regret.ToString("0.00000"))));
        Assert.All(half, b => Assert.True(b.Regret < 0.005, $"regret {b.Regret:0.00000}"));
        // It says so: the pick's probability of being best is high when it is right.
        Assert.All(half.Where(b => b.Regret == 0), b => Assert.True(b.ProbabilityBest > 0.5, $"P(best) {b.ProbabilityBest}"));
    }
}

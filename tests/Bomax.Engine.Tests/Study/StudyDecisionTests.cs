using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;

namespace Bomax.Engine.Tests.Study;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>One decision function: a decision started from another's state on the same observations is that decision again,
/// without a refit; the schedule decides otherwise; a final decision checks afresh.</summary>
public class StudyDecisionTests
{
    static readonly Grid Grid = new(
        Enumerable.Range(0, 10).Select(i => new Checkpoint($"ckpt-{(i + 1) * 100}", (i + 1) * 100)),
        new[] { new Benchmark("arc"), new Benchmark("gsm8k"), new Benchmark("mmlu") });

    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu, FirstFitIterations = 15, RefitIterations = 5 };

    static List<Observation> Observations(int count)
    {
        var random = new Random(7);
        return Enumerable.Range(0, Grid.CellCount).OrderBy(_ => random.Next()).Take(count)
            .Select(k => new Cell(k / 3, k % 3))
            .Select(c => new Observation(c, 0.7 - 0.2 * Math.Pow((c.Checkpoint - 6) / 4.0, 2) + 0.02 * c.Benchmark + 0.01 * random.NextDouble()))
            .ToList();
    }

    [Fact]
    public void ADecisionFromAFinalDecisionsStateOnTheSameObservationsIsThatDecisionWithoutARefit()
    {
        var observations = Observations(24);
        using var final = StudyDecision.Final(Grid, observations, Options, PlannerState.Empty);
        var first = final.Select();

        using var again = StudyDecision.Decide(Grid, observations, Options, final.State);

        Assert.True(final.Refitted);
        Assert.False(again.Refitted);
        Assert.Equal(final.Scales, again.Scales);
        Assert.Equal(final.State.Fit!.Hyperparameters.Raw, again.State.Fit!.Hyperparameters.Raw);
        var second = again.Select();
        Assert.Equal(first.Pick, second.Pick);
        Assert.Equal(first.RunnersUp, second.RunnersUp);
        Assert.Equal(first.ProbabilityBest, second.ProbabilityBest);
    }

    [Fact]
    public void TheScheduleDecidesWhenToRefitAndAFinalDecisionMakesTheHeldOutCheckAfresh()
    {
        var observations = Observations(24);
        using var start = StudyDecision.Decide(Grid, observations, Options, PlannerState.Empty);
        Assert.True(start.Refitted); // nothing to start from: a cold fit
        Assert.Null(start.State.Scales); // not asked for yet: not computed
        var scales = start.Scales;
        Assert.Equal(scales, start.State.Scales);

        using var next = StudyDecision.Decide(Grid, Observations(25), Options, start.State);
        Assert.Equal(RefitSchedule.IsDue(25, 24), next.Refitted);

        using var fewer = StudyDecision.Decide(Grid, Observations(20), Options, start.State);
        Assert.True(fewer.Refitted); // fewer observations than the fit saw: they were not these

        // A kept scale that the observations do not support: a decision keeps it, a final decision checks afresh.
        var stale = start.State with { Scales = new VarianceScales(50, 60) };
        using var kept = StudyDecision.Decide(Grid, observations, Options, stale);
        using var final = StudyDecision.Final(Grid, observations, Options, stale);
        Assert.False(kept.Refitted);
        Assert.False(final.Refitted); // the schedule still decides the fit
        Assert.Equal(new VarianceScales(50, 60), kept.Scales);
        Assert.Equal(scales, final.Scales);
        Assert.Equal(24, final.State.FittedAt);
    }

    [Fact]
    public void AReportsIntervalsWidenTheCheckpointsWithFewCellsAndLeaveTheRankingAsFitted()
    {
        // 20 checkpoints × 6 benchmarks: the first ten evaluated on five benchmarks each, every other one after them on one.
        var grid = TestGrids.EveryHundredSteps(20, 6);
        var random = new Random(5);
        var cells = Enumerable.Range(0, 10).SelectMany(i => Enumerable.Range(0, 5).Select(j => new Cell(i, (i + j) % 6)))
            .Concat(Enumerable.Range(5, 5).Select(k => new Cell(2 * k, k % 6)));
        var observations = cells.Select(c => new Observation(c,
            0.5 + 0.2 * Math.Sin(c.Checkpoint / 6.0) + 0.03 * c.Benchmark + 0.02 * (random.NextDouble() - 0.5))).ToList();
        var options = new EngineOptions
        {
            Device = ComputeDevice.Cpu, FirstFitIterations = 40, PredictiveCheck = false, HyperparameterDraws = 0, IntervalRunSpread = false,
            IntervalCoMovement = false,
        };
        using var fitted = StudyDecision.Final(grid, observations, options with { IntervalJitterScale = 1 }, PlannerState.Empty);
        using var widened = StudyDecision.Final(grid, observations, options, PlannerState.Empty);

        Assert.Equal(fitted.Rows.Mean, fitted.RankingRows.Mean); // no draws, no widening: the report shows the fitted posterior
        Assert.Equal(fitted.RankingRows.Mean, widened.RankingRows.Mean);
        Assert.Equal(fitted.Select().ProbabilityBest, widened.Select().ProbabilityBest);
        double Ratio(int i) => Math.Sqrt(widened.Rows.Covariance[i, i] / fitted.Rows.Covariance[i, i]);
        var many = Enumerable.Range(0, 10).Select(Ratio).ToList();
        var few = Enumerable.Range(10, 10).Select(Ratio).ToList();
        Assert.All(many.Concat(few), r => Assert.True(r >= 1, $"an interval narrowed: {r}"));
        Assert.True(few.Min() > many.Max(),
            $"few cells: widened {few.Min():0.000}–{few.Max():0.000}; five of six: {many.Min():0.000}–{many.Max():0.000}");
    }
}

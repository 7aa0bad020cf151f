using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;

namespace Bomax.Engine.Tests.Study;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>One decision function: a decision started from another's state on the same observations is that decision again,
/// without a refit; the schedule decides otherwise; a final decision checks afresh.</summary>
public class StudyDecisionTests
{
    static readonly Grid Grid = TestGrids.TenByThree;

    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu, FirstFitIterations = 15, RefitIterations = 5 };

    static List<Observation> Observations(int count) => TestGrids.PeakedScores(count, curvature: 0.2);

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
    public void TheHyperparameterDrawsServeTheNextRoundsMovedWithTheFitUntilTheStudyDoubles()
    {
        var observations = Observations(24);
        using var start = StudyDecision.Final(Grid, observations, Options, PlannerState.Empty);
        Assert.Null(start.State.Draws); // not drawn until P(best) or the intervals are asked for
        _ = start.Select();
        var drawn = start.State.Draws!;
        Assert.Equal((Options.HyperparameterDraws, 24), (drawn.Draws.Count, drawn.Observations));
        Assert.Same(start.Model.Fit.Hyperparameters, drawn.Around);

        // Kept draws around other hyperparameters: a round moves them to its fit, offset for offset.
        var elsewhere = drawn with { Around = drawn.Around with { Raw = drawn.Around.Raw.Select(x => x - 0.01).ToArray() } };
        using var kept = StudyDecision.Decide(Grid, observations, Options, start.State with { Draws = elsewhere });
        Assert.False(kept.Refitted);
        _ = kept.Select();
        Assert.Same(elsewhere, kept.State.Draws);
        var moved = elsewhere.MovedTo(kept.Model.Fit.Hyperparameters, 24);
        Assert.Equal(drawn.Draws[0].Raw.Select(x => x + 0.01), moved[0].Raw, (a, b) => Math.Abs(a - b) < 1e-12);
        // At four times the observations the offsets are halved: the Laplace spread shrinks as the curvature grows.
        var later = drawn.MovedTo(drawn.Around, 96);
        Assert.Equal(drawn.Draws[0].Raw.Zip(drawn.Around.Raw, (d, f) => f + 0.5 * (d - f)), later[0].Raw, (a, b) => Math.Abs(a - b) < 1e-12);

        // Twice the observations, or a final decision: drawn afresh.
        Assert.True(drawn.Serve(47, drawn.Around));
        Assert.False(drawn.Serve(48, drawn.Around));
        Assert.False(drawn.Serve(23, drawn.Around)); // fewer observations than they were drawn at: they were not these
        using var final = StudyDecision.Final(Grid, observations, Options, start.State with { Draws = elsewhere });
        _ = final.Select();
        Assert.Equal(drawn.Draws.Select(h => h.Raw), final.State.Draws!.Draws.Select(h => h.Raw));
    }

    [Fact]
    public void TheCheckNarrowsTheSpreadPBestReadsButNeverTheRankings()
    {
        var observations = Observations(24);
        var options = Options with { HyperparameterDraws = 0 };
        using var start = StudyDecision.Final(Grid, observations, options, PlannerState.Empty);
        var scales = new VarianceScales(0.5, 1) { HeldBack = 10 };
        using var narrowed = StudyDecision.Decide(Grid, observations, options, start.State with { Scales = scales });
        var fitted = narrowed.Model.Rows();
        Assert.Equal(1.0, scales.Ranking); // what a report prints as the ranking's scale
        Assert.Equal(fitted.Covariance, narrowed.RankingRows.Covariance);
        Assert.Equal(fitted.Widened(0.5).Covariance, narrowed.ProbabilityRows.Covariance);
        Assert.Equal(2.0, narrowed.Scales.TailsOverBulk); // stop.prob-best reads the tails at the fitted spread
    }

    [Fact]
    public void PBestReadsTheBenchmarksCoupledAsTheCheckFoundThemAndTheRankingStaysAsFitted()
    {
        var observations = Observations(24);
        var options = Options with { HyperparameterDraws = 0 }; // the fit's posterior alone, as a study too large to draw for reads it
        using var start = StudyDecision.Final(Grid, observations, options, PlannerState.Empty);
        var checkedScales = new VarianceScales(1.2, 2.0) { HeldBack = 10 };
        using var asFitted = StudyDecision.Decide(Grid, observations, options, start.State with { Scales = checkedScales });
        using var coupled = StudyDecision.Decide(Grid, observations, options,
            start.State with { Scales = checkedScales with { Coupling = 0.5, CoupledBulk = 1.4 } });
        Assert.False(coupled.Refitted);
        // at the fitted coupling, one posterior
        Assert.Equal(asFitted.RankingRows.Mean, asFitted.ProbabilityRows.Mean);
        Assert.Equal(asFitted.RankingRows.Covariance, asFitted.ProbabilityRows.Covariance);

        var (fitted, loose) = (asFitted.SelectForReport(), coupled.SelectForReport());
        Assert.Equal(fitted.Pick with { ProbabilityBest = 0, ExpectedShortfall = 0, LikelyShortfall = 0, TailProbabilityBest = 0 },
            loose.Pick with { ProbabilityBest = 0, ExpectedShortfall = 0, LikelyShortfall = 0, TailProbabilityBest = 0 });
        Assert.Equal(fitted.RunnersUp.Select(s => s.Checkpoint), loose.RunnersUp.Select(s => s.Checkpoint));

        // P(best) and the shortfalls are the draws of the fitted posterior with the benchmarks' correlations × 0.25, widened 1.4 times.
        var fit = coupled.Model.Fit with { Hyperparameters = coupled.Model.Fit.Hyperparameters.WithBenchmarksCoupled(0.5) };
        using var model = ConditionedModel.Condition(Grid, observations, fit, options);
        var draws = Bomax.Engine.Selection.Selection.Draw(model.Rows().Widened(1.4), options.ProbabilitySamples, options.Seed,
            checkedScales.TailsOverBulk);
        Assert.Equal(draws.ProbabilityBest, loose.ProbabilityBest);
        Assert.Equal(draws.ExpectedShortfall[loose.Pick.Checkpoint], loose.Pick.ExpectedShortfall);
        Assert.Equal(draws.TailProbabilityBest[loose.Pick.Checkpoint], loose.Pick.TailProbabilityBest); // what stop.prob-best reads
        Assert.NotEqual(fitted.ProbabilityBest, loose.ProbabilityBest);

        // With the Student t the check fitted to those misses, P(best) reads the same posterior as that t (its scale in place of the
        // bulk's), and the shortfalls and the tails' P(best) stay as they were.
        using var heavy = StudyDecision.Decide(Grid, observations, options,
            start.State with { Scales = checkedScales with { Coupling = 0.5, CoupledBulk = 1.4, Student = new(2.1, 3) } });
        var t = heavy.SelectForReport();
        var tDraws = Bomax.Engine.Selection.Selection.Draw(model.Rows().Widened(1.4), options.ProbabilitySamples, options.Seed,
            checkedScales.TailsOverBulk, student: new(2.1 / 1.4, 3));
        Assert.Equal(tDraws.ProbabilityBest, t.ProbabilityBest);
        Assert.Equal(loose.Pick with { ProbabilityBest = 0 }, t.Pick with { ProbabilityBest = 0 });
        Assert.NotEqual(loose.ProbabilityBest, t.ProbabilityBest);
    }

    static readonly EngineOptions IntervalOptions = new()
    {
        Device = ComputeDevice.Cpu, FirstFitIterations = 40, PredictiveCheck = false, HyperparameterDraws = 0, IntervalRunSpread = false,
        IntervalCoMovement = false,
    };

    /// <summary>Scores along a run that climbs with the logarithm of the step, then flattens; each checkpoint is lifted or lowered on
    /// every benchmark together (the jitter ρ reads), each cell by a little noise.</summary>
    static List<Observation> ClimbingScores(Grid grid, IEnumerable<Cell> cells, int seed)
    {
        var random = new Random(seed);
        var lift = Enumerable.Range(0, grid.CheckpointCount).Select(_ => 0.04 * (random.NextDouble() - 0.5)).ToArray();
        return cells.Select(c => new Observation(c,
            0.3 + 0.4 * Math.Min(1.0, Math.Log2(grid.Checkpoints[c.Checkpoint].Step + 1) / 12) + 0.03 * c.Benchmark + lift[c.Checkpoint]
            + 0.01 * (random.NextDouble() - 0.5))).ToList();
    }

    [Fact]
    public void AReportsIntervalsWidenTheCrowdedCheckpointsWithFewCellsAndLeaveTheRankingAsFitted()
    {
        // 20 checkpoints × 6 benchmarks, Pythia's shape: ten log-spaced in the first half percent of the run (steps 1 … 512), then
        // ten every 10,000 steps. Of the crowded ones the first five are evaluated on five benchmarks, the next four on one; of the
        // evenly spaced ones the same.
        var grid = new Grid(
            Enumerable.Range(0, 10).Select(i => 1L << i).Concat(Enumerable.Range(1, 10).Select(i => i * 10_000L))
                .Select(step => new Checkpoint($"ckpt-{step}", step)),
            Enumerable.Range(0, 6).Select(j => new Benchmark($"task{j}")));
        var cells = new[] { 0, 1, 2, 3, 4, 10, 11, 12, 13, 14 }.SelectMany(i => Enumerable.Range(0, 5).Select(j => new Cell(i, (i + j) % 6)))
            .Concat(new[] { 5, 6, 7, 8, 15, 16, 17, 18 }.Select(i => new Cell(i, i % 6)));
        var observations = ClimbingScores(grid, cells, seed: 5);
        using var fitted = StudyDecision.Final(grid, observations, IntervalOptions with { IntervalJitterScale = 1 }, PlannerState.Empty);
        using var widened = StudyDecision.Final(grid, observations, IntervalOptions, PlannerState.Empty);

        Assert.Equal(fitted.Rows.Mean, fitted.RankingRows.Mean); // no draws, no widening: the report shows the fitted posterior
        Assert.Equal(fitted.RankingRows.Mean, widened.RankingRows.Mean);
        Assert.Equal(fitted.Select().ProbabilityBest, widened.Select().ProbabilityBest);
        double Ratio(int i) => Math.Sqrt(widened.Rows.Covariance[i, i] / fitted.Rows.Covariance[i, i]);
        var crowdedFew = new[] { 5, 6, 7, 8 }.Select(Ratio).ToList();
        var crowdedMany = new[] { 0, 1, 2, 3, 4 }.Select(Ratio).ToList();
        var evenly = Enumerable.Range(10, 10).Select(Ratio).ToList();
        static string Spread(IReadOnlyList<double> ratios) => $"{ratios.Min():0.000}–{ratios.Max():0.000}";
        var message = $"widened: crowded, one cell {Spread(crowdedFew)}; five of six {Spread(crowdedMany)}; evenly spaced {Spread(evenly)}";
        Assert.True(crowdedFew.Min() > 1.01, message);
        Assert.True(crowdedFew.Min() - 1 > 5 * (crowdedMany.Max() - 1), message); // a checkpoint's own cells pin its jitter down
        Assert.True(crowdedFew.Min() - 1 > 5 * Math.Abs(evenly.Max() - 1), message);
    }

    [Fact]
    public void AReportsIntervalsOnEvenlySpacedCheckpointsReadTheFittedJitter()
    {
        // Evenly spaced checkpoints: the curve tells them apart, so the report's jitter is the fitted one at every checkpoint.
        var grid = TestGrids.EveryHundredSteps(20, 6);
        var cells = Enumerable.Range(0, 10).SelectMany(i => Enumerable.Range(0, 5).Select(j => new Cell(i, (i + j) % 6)))
            .Concat(Enumerable.Range(5, 5).Select(k => new Cell(2 * k, k % 6)));
        var observations = ClimbingScores(grid, cells, seed: 5);
        using var fitted = StudyDecision.Final(grid, observations, IntervalOptions with { IntervalJitterScale = 1 }, PlannerState.Empty);
        using var widened = StudyDecision.Final(grid, observations, IntervalOptions, PlannerState.Empty);

        Assert.Null(StepCrowding.JitterFactors(grid, IntervalOptions.IntervalJitterScale));
        Assert.Equal(fitted.Rows.Mean, widened.Rows.Mean);
        var variances = (Fitted: Enumerable.Range(0, 20).Select(i => fitted.Rows.Covariance[i, i]),
            Widened: Enumerable.Range(0, 20).Select(i => widened.Rows.Covariance[i, i]));
        Assert.Equal(variances.Fitted, variances.Widened);
    }
}

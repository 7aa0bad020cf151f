using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>The weight of the benchmarks moving together (none when the cells sample the run evenly), the one-sign loadings, the
/// mixture a report pools, and a report that carries one benchmark's fall at the end of a run to the others, ranking as fitted.</summary>
public class CoMovementTests
{
    [Fact]
    public void TheWeightIsTheShareOfTheRunsSpreadTheCellsMiss()
    {
        Assert.Equal(0.0, CoMovement.Weight([1.0, 1.0, 1.0]));
        Assert.Equal(0.0, CoMovement.Weight([]));
        Assert.Equal(0.5, CoMovement.Weight([1.0, 3.0]), 1e-12);
        Assert.Equal(0.75, CoMovement.Weight([4.0]), 1e-12);
    }

    [Fact]
    public void OneSignLoadingsAreTheAbsoluteLoadingsAndLeaveEverythingElse()
    {
        var mixed = new Hyperparameters(3, 1, [0.5, -0.25, 0.75, 0.1, 0.2, 0.3, -1.0, -2.0, -3.0, 0.4, 0.5]);
        var aligned = mixed.WithLoadingsOfOneSign();
        Assert.Equal([0.5, 0.25, 0.75], aligned.Raw[..3]);
        Assert.Equal(mixed.Raw[3..], aligned.Raw[3..]);
        var allNegative = mixed with { Raw = [-0.5, -0.25, -0.75, .. mixed.Raw[3..]] };
        Assert.Same(allNegative, allNegative.WithLoadingsOfOneSign()); // −W gives the same W Wᵀ
    }

    [Fact]
    public void AMixtureHasTheWeightedMeanAndTheLawOfTotalCovariance()
    {
        var a = new RowPosterior([1.0, 2.0], new double[,] { { 1.0, 0.5 }, { 0.5, 2.0 } }, [1, 0]);
        var b = new RowPosterior([3.0, 0.0], new double[,] { { 2.0, 0.0 }, { 0.0, 1.0 } }, [1, 0]);
        var mixture = RowPosterior.Mixture([(a, 0.25), (b, 0.75)]);
        Assert.Equal(0.25 * 1 + 0.75 * 3, mixture.Mean[0], 1e-12);
        Assert.Equal(0.25 * 2 + 0.75 * 0, mixture.Mean[1], 1e-12);
        // E[Var] + Var[E]: 0.25·1 + 0.75·2 + 0.25·0.75·(1 − 3)², and the cross term with the means' covariance
        Assert.Equal(0.25 * 1 + 0.75 * 2 + 0.25 * 0.75 * 4, mixture.Covariance[0, 0], 1e-12);
        Assert.Equal(0.25 * 0.5 + 0.75 * 0 + 0.25 * 0.75 * (1 - 3) * (2 - 0), mixture.Covariance[0, 1], 1e-12);
        Assert.Equal(mixture.Covariance[0, 1], mixture.Covariance[1, 0], 1e-12);
        Assert.Equal(a.UnobservedCount, mixture.UnobservedCount);
    }

    [Fact]
    public void AReportCarriesOneBenchmarksFallAtTheEndToTheOthersAndLeavesTheRankingAsFitted()
    {
        // 50 checkpoints × 4 benchmarks of a run that peaks early and falls together over its second half. Around the peak the
        // search crowds the cells, and there benchmarks 0 and 1 wiggle against 2 and 3; after it benchmark 0 is evaluated every other
        // checkpoint, the others once each, early in the fall.
        var grid = TestGrids.EveryHundredSteps(50, 4);
        double Fall(int i) => i < 25 ? 0 : 0.004 * (i - 24);
        double Truth(int i, int j) => 0.6 + 0.02 * j - Fall(i) + (j < 2 ? 1 : -1) * 0.01 * Math.Sin(i * 1.3);
        var cells = Enumerable.Range(4, 14).SelectMany(i => Enumerable.Range(0, 4).Select(j => new Cell(i, j)))
            .Concat(Enumerable.Range(0, 12).Select(k => new Cell(26 + 2 * k, 0)))
            .Concat([new Cell(30, 1), new Cell(32, 2), new Cell(34, 3)]);
        var observations = cells.Select(c => new Observation(c, Truth(c.Checkpoint, c.Benchmark))).ToList();
        var options = new EngineOptions { Device = ComputeDevice.Cpu, FirstFitIterations = 60, PredictiveCheck = false, HyperparameterDraws = 0 };
        using var apart = StudyDecision.Final(grid, observations, options with { IntervalCoMovement = false }, PlannerState.Empty);
        using var together = StudyDecision.Final(grid, observations, options, PlannerState.Empty);

        var loadings = together.Model.Fit.Hyperparameters.Raw[..4];
        double weight = CoMovement.Weight(RunSpread.Ratios(grid, observations, together.Model.Fit.Standardisation));
        string seen = FormattableString.Invariant($"loadings {string.Join(", ", loadings.Select(w => $"{w:0.00}"))}, weight {weight:0.00}");
        Assert.True(loadings.Any(w => w > 0) && loadings.Any(w => w < 0) && weight > 0.1, seen);
        Assert.Equal(apart.RankingRows.Mean, together.RankingRows.Mean);
        Assert.Equal(apart.Select().ProbabilityBest, together.Select().ProbabilityBest);
        var end = Enumerable.Range(40, 10).ToList();
        double Miss(Decision d) => end.Average(i => d.Rows.Mean[i] - Enumerable.Range(0, 4).Average(j => Truth(i, j)));
        seen += FormattableString.Invariant($"; mean miss over the last ten: apart {Miss(apart):0.0000}, together {Miss(together):0.0000}");
        Assert.True(Miss(apart) > 0.002 && Miss(together) < Miss(apart) - 0.001, seen);
    }
}

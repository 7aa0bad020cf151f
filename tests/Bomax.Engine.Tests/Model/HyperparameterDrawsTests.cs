using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;
using EngineSelection = Bomax.Engine.Selection.Selection;

namespace Bomax.Engine.Tests.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>Laplace draws of the hyperparameters, and the decision's posterior pooled over them.</summary>
public class HyperparameterDrawsTests
{
    // The shared jitter's widening is tested on its own (StudyDecisionTests); here the intervals are the draws' alone.
    static readonly EngineOptions Options = new()
    {
        Device = ComputeDevice.Cpu, FirstFitIterations = 60, PredictiveCheck = false, IntervalJitterScale = 1,
    };

    static (Grid Grid, List<Observation> Observations) Curve(int checkpoints, int benchmarks, double share, int seed)
    {
        var random = new Random(seed);
        var grid = new Grid(
            Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"task{j}")));
        var cells = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).OrderBy(_ => random.Next()).Take((int)(grid.CellCount * share));
        var observations = cells.Select(c => new Observation(c,
            0.6 + 0.1 * Math.Sin(3.0 * c.Checkpoint / checkpoints) + 0.05 * c.Benchmark + 0.02 * (random.NextDouble() - 0.5))).ToList();
        return (grid, observations);
    }

    static double Spread(IReadOnlyList<Hyperparameters> draws, int index)
    {
        double mean = draws.Average(d => d.Raw[index]);
        return Math.Sqrt(draws.Average(d => (d.Raw[index] - mean) * (d.Raw[index] - mean)));
    }

    [Fact]
    public void DrawsAreSeededCentredOnTheFitAndLeaveUnusedTermsWhereTheyAre()
    {
        var (grid, observations) = Curve(20, 3, 0.5, seed: 1);
        var fit = HyperparameterFit.Fit(grid, observations, Options);
        var draws = HyperparameterDraws.Of(grid, observations, fit, Options, 200);
        Assert.Equal(200, draws.Count);
        Assert.Equal(draws.Select(d => d.Raw), HyperparameterDraws.Of(grid, observations, fit, Options, 200).Select(d => d.Raw));
        var layout = fit.Hyperparameters;
        foreach (int unused in new[] { layout.WarpAIndex, layout.WarpBIndex }) // no warping: the objective does not depend on them
            Assert.All(draws, d => Assert.Equal(layout.Raw[unused], d.Raw[unused]));
        int lengthscale = layout.LengthscaleIndex;
        double spread = Spread(draws, lengthscale);
        Assert.True(spread > 0, "the lengthscale is uncertain");
        Assert.InRange(draws.Average(d => d.Raw[lengthscale]), layout.Raw[lengthscale] - 0.3 * spread, layout.Raw[lengthscale] + 0.3 * spread);
    }

    [Fact]
    public void MoreCellsLeaveTheHyperparametersLessOpen()
    {
        var (grid, few) = Curve(20, 3, 0.25, seed: 2);
        var (_, many) = Curve(20, 3, 1.0, seed: 2);
        // The lengthscale, which the cells decide: this smooth curve's noise sits at its floor, where the prior holds it about as
        // open with every cell as with a quarter (spread 1.09 and 1.07 on the Matérn-3/2 kernel).
        double SpreadOf(List<Observation> observations)
        {
            var fit = HyperparameterFit.Fit(grid, observations, Options);
            var draws = HyperparameterDraws.Of(grid, observations, fit, Options, 100);
            return Spread(draws, fit.Hyperparameters.LengthscaleIndex);
        }
        double open = SpreadOf(few), known = SpreadOf(many);
        Assert.True(known < 0.85 * open, $"lengthscale spread with every cell {known}, with a quarter {open}");
    }

    [Fact]
    public void AStudyLargerThanTheCurvatureSampleStillGetsDrawsAsOpenAsFromAllItsCells()
    {
        // 120 observations, the curvature read from 60 of them, weighted twice: about as open as from all 120, and clearly
        // less open than the 60 would be alone.
        var (grid, observations) = Curve(30, 4, 1.0, seed: 4);
        var fit = HyperparameterFit.Fit(grid, observations, Options);
        var layout = fit.Hyperparameters;
        int[] read = [layout.LengthscaleIndex, layout.NoiseIndex];
        double[] SpreadsOf(int largestSample, IReadOnlyList<Observation> cells)
        {
            var draws = HyperparameterDraws.Of(grid, cells, fit, Options, 400, largestSample);
            Assert.Equal(400, draws.Count);
            return read.Select(i => Spread(draws, i)).ToArray();
        }
        var all = SpreadsOf(int.MaxValue, observations);
        var sampled = SpreadsOf(60, observations);
        var half = SpreadsOf(int.MaxValue, FitSample.Of(observations, 60, Options.Seed + observations.Count).Observations);
        for (int k = 0; k < read.Length; k++)
        {
            Assert.InRange(sampled[k] / all[k], 0.75, 1.3);
            Assert.True(half[k] > 1.2 * sampled[k], $"parameter {read[k]}: {half[k]} from 60 cells alone, {sampled[k]} weighted to 120");
        }
    }

    [Fact]
    public void TheDecisionPooledOverDrawsKeepsItsObservedRowsAndSpreadsTheOthers()
    {
        var (grid, observations) = Curve(16, 4, 0.3, seed: 3);
        using var plain = StudyDecision.Final(grid, observations, Options with { HyperparameterDraws = 0 }, PlannerState.Empty);
        using var pooled = StudyDecision.Final(grid, observations, Options with { HyperparameterDraws = 8 }, PlannerState.Empty);
        var (a, b) = (plain.Rows, pooled.Rows);
        Assert.Equal(a.Mean, pooled.RankingRows.Mean); // the ranking reads the fitted posterior as before
        // P(best) reads the fit's posterior and the eight draws', pooled with equal weights
        var draws = HyperparameterDraws.Of(grid, observations, pooled.Model.Fit, Options, 8);
        var components = draws.Select(h =>
        {
            using var drawn = ConditionedModel.Condition(grid, observations, pooled.Model.Fit with { Hyperparameters = h }, Options);
            return (drawn.Rows(), 1.0 / 9);
        }).Prepend((pooled.Model.Rows(), 1.0 / 9)).ToList();
        var mixture = RowPosterior.Mixture(components);
        Assert.Equal(mixture.Mean, pooled.ProbabilityRows.Mean);
        Assert.Equal(EngineSelection.Draw(mixture, Options.ProbabilitySamples, Options.Seed).ProbabilityBest, pooled.Select().ProbabilityBest);
        var unsure = Enumerable.Range(0, grid.CheckpointCount).Where(i => a.UnobservedCount[i] > 0).ToList();
        Assert.True(unsure.Average(i => mixture.Covariance[i, i]) > unsure.Average(i => plain.ProbabilityRows.Covariance[i, i]),
            "P(best) pooled over the hyperparameters reads the checkpoints not fully evaluated as less certain");
        var shown = pooled.SelectForReport().Pick;   // a report shows the pooled interval
        double sd = Math.Sqrt(b.Covariance[shown.Checkpoint, shown.Checkpoint]);
        Assert.Equal(b.Mean[shown.Checkpoint] + EngineSelection.Z95 * sd, shown.High, 12);
        var open = Enumerable.Range(0, grid.CheckpointCount).Where(i => a.UnobservedCount[i] > 0).ToList();
        Assert.NotEmpty(open);
        Assert.NotEqual(a.Mean, b.Mean);
        Assert.True(open.Average(i => b.Covariance[i, i]) > open.Average(i => a.Covariance[i, i]),
            "pooled over the hyperparameters, the checkpoints not fully evaluated are less certain on average");
    }
}

using Bomax.Engine.Model;

namespace Bomax.Engine.Tests.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The error share κ: how much of a reported standard error's variance the fit reads as noise between checkpoints. lm-eval's
/// error is the sampling error of a task's items, and every checkpoint is scored on the same items, so the scores of
/// neighbouring checkpoints scatter by less than it says; where the errors are the scatter, κ stays near 1.
/// </summary>
public class ErrorShareTests
{
    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu, FirstFitIterations = 80 };

    /// <summary>Smooth curves on 30 checkpoints × 4 benchmarks, 60 % of the cells seen, each score off its curve by N(0, noise²) and
    /// reported with the standard error <paramref name="reported"/>.</summary>
    static (Grid Grid, List<Observation> Observations) Study(double noise, double reported, int seed)
    {
        var random = new Random(seed);
        var grid = new Grid(
            Enumerable.Range(0, 30).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, 4).Select(j => new Benchmark($"task{j}")));
        var observations = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).Where(_ => random.NextDouble() < 0.6)
            .Select(c =>
            {
                double t = (c.Checkpoint + 1) / 30.0;
                double curve = 0.4 + 0.1 * c.Benchmark + 0.15 * (1 - Math.Exp(-t / 0.3)) - 0.05 * t * t;
                return new Observation(c, curve + noise * StandardNormal.Draw(random), reported);
            })
            .ToList();
        return (grid, observations);
    }

    static double FittedShare(double noise, double reported, int seed)
    {
        var (grid, observations) = Study(noise, reported, seed);
        return HyperparameterFit.Fit(grid, observations, Options).Hyperparameters.Values(Options).ErrorShare;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ErrorsFourTimesTheScatterAreReadAsASmallShare(int seed)
    {
        double overstated = FittedShare(noise: 0.005, reported: 0.02, seed); // the scatter's variance is 1/16 of the errors'
        double honest = FittedShare(noise: 0.02, reported: 0.02, seed);
        Assert.True(overstated < 0.35, $"κ {overstated} where the errors are four times the scatter");
        Assert.True(honest > 0.4, $"κ {honest} where the errors are the scatter");
        Assert.True(honest > 3 * overstated, $"κ {honest} against {overstated}");
    }

    [Fact]
    public void ScoresWithoutErrorsLeaveTheShareAtOne()
    {
        var (grid, withErrors) = Study(0.01, 0.01, seed: 3);
        var observations = withErrors.Select(o => o with { StandardError = null }).ToList();
        var fit = HyperparameterFit.Fit(grid, observations, Options);
        Assert.Equal(0, fit.Hyperparameters.Raw[fit.Hyperparameters.ErrorShareIndex]);
    }
}

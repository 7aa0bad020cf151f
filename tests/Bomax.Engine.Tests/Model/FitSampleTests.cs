using Bomax.Engine.Model;

namespace Bomax.Engine.Tests.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// A fit sees at most <see cref="EngineOptions.FitObservationLimit"/> observations whatever the number of benchmarks; a
/// benchmark it leaves out keeps its hyperparameters (a warm refit) or takes the fitted benchmarks' mean (a cold fit).
/// </summary>
public class FitSampleTests
{
    /// <summary>12 checkpoints × <paramref name="benchmarks"/>, <paramref name="perBenchmark"/> observed cells each.</summary>
    static (Grid Grid, List<Observation> Observations) Study(int benchmarks, int perBenchmark)
    {
        var grid = new Grid(
            Enumerable.Range(0, 12).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"task{j}")));
        var random = new Random(7);
        var observations = Enumerable.Range(0, benchmarks)
            .SelectMany(j => Enumerable.Range(0, perBenchmark).Select(k => new Cell((k * 5 + j) % 12, j)))
            .Select(c => new Observation(c, 0.5 + 0.1 * Math.Sin(c.Checkpoint / 3.0) + 0.05 * (c.Benchmark % 3) + 0.01 * random.NextDouble()))
            .ToList();
        return (grid, observations);
    }

    [Fact]
    public void WithFewBenchmarksEveryBenchmarkKeepsTwoCellsAndNoneIsLeftOut()
    {
        var (_, observations) = Study(benchmarks: 5, perBenchmark: 10);
        var sample = FitSample.Of(observations, limit: 20, seed: 3);
        Assert.Empty(sample.LeftOut);
        Assert.InRange(sample.Observations.Count, 15, 25);
        Assert.All(sample.Observations.GroupBy(o => o.Cell.Benchmark), g => Assert.True(g.Count() >= 2));
        Assert.Equal(5, sample.Observations.Select(o => o.Cell.Benchmark).Distinct().Count());
    }

    [Fact]
    public void WithMoreBenchmarksThanHalfTheLimitTheSampleStaysWithinItAndLeavesWholeBenchmarksOut()
    {
        var (_, observations) = Study(benchmarks: 40, perBenchmark: 3);
        var sample = FitSample.Of(observations, limit: 30, seed: 3);
        Assert.InRange(sample.Observations.Count, 26, 30);
        var inSample = sample.Observations.Select(o => o.Cell.Benchmark).ToHashSet();
        Assert.All(sample.Observations.GroupBy(o => o.Cell.Benchmark), g => Assert.Equal(2, g.Count()));
        Assert.Empty(inSample.Intersect(sample.LeftOut));
        Assert.Equal(Enumerable.Range(0, 40).ToHashSet(), inSample.Union(sample.LeftOut).ToHashSet());
        // Seeded: the same seed leaves the same benchmarks out, another seed others.
        Assert.Equal(sample.LeftOut.Order(), FitSample.Of(observations, 30, 3).LeftOut.Order());
        Assert.NotEqual(sample.LeftOut.Order(), FitSample.Of(observations, 30, 4).LeftOut.Order());
    }

    [Fact]
    public void AWarmRefitLeavesTheLeftOutBenchmarksHyperparametersWhereTheyWere()
    {
        var (grid, observations) = Study(benchmarks: 20, perBenchmark: 3);
        var options = new EngineOptions { Device = ComputeDevice.Cpu, FitObservationLimit = 24 };
        var start = Hyperparameters.Initial(grid.BenchmarkCount, 1, options);
        var fit = HyperparameterFit.Fit(grid, observations, options, warmStart: start, iterations: 10);
        var leftOut = FitSample.Of(observations, options.FitObservationLimit, options.Seed + observations.Count).LeftOut;
        Assert.InRange(leftOut.Count, 6, 12);
        var moved = fit.Hyperparameters;
        foreach (int j in Enumerable.Range(0, grid.BenchmarkCount))
        {
            bool unchanged = moved.Raw[j] == start.Raw[j] && moved.Raw[moved.DiagonalOffset + j] == start.Raw[start.DiagonalOffset + j];
            Assert.True(unchanged == leftOut.Contains(j), $"benchmark {j}: left out {leftOut.Contains(j)}, unchanged {unchanged}");
        }
        Assert.NotEqual(start.Raw[start.LengthscaleIndex], moved.Raw[moved.LengthscaleIndex]);
    }

    [Fact]
    public void AColdFitGivesTheLeftOutBenchmarksTheMeanOfTheFittedOnes()
    {
        var (grid, observations) = Study(benchmarks: 20, perBenchmark: 3);
        var options = new EngineOptions { Device = ComputeDevice.Cpu, FitObservationLimit = 24 };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 10).Hyperparameters;
        var leftOut = FitSample.Of(observations, options.FitObservationLimit, options.Seed + observations.Count).LeftOut;
        var fitted = Enumerable.Range(0, grid.BenchmarkCount).Where(j => !leftOut.Contains(j)).ToList();
        double loading = fitted.Average(j => fit.Raw[j]), diagonal = fitted.Average(j => fit.Raw[fit.DiagonalOffset + j]);
        Assert.NotEmpty(leftOut);
        Assert.All(leftOut, j =>
        {
            Assert.Equal(loading, fit.Raw[j], 12);
            Assert.Equal(diagonal, fit.Raw[fit.DiagonalOffset + j], 12);
        });
        // The fitted ones moved apart (they are fitted, not a copy of one value).
        Assert.True(fitted.Select(j => fit.Raw[j]).Distinct().Count() > 1);
    }

    /// <summary>A cold fit on more than <see cref="HyperparameterFit.ColdStartObservations"/> walks from the neutral start on a
    /// sample of that size and refines on all: it ends as well as a cold fit made entirely on all of them (the objective, on
    /// the same observations, within 1 %), with only a refit's iterations at the full size.</summary>
    [Fact]
    public void AColdFitOnManyObservationsRefinesACoarseFitAndEndsAsWell()
    {
        var (grid, observations) = Study(benchmarks: 4, perBenchmark: 12);
        var many = Enumerable.Range(0, 13)
            .SelectMany(copy => observations.Select(o => o with { Score = o.Score + 0.003 * ((copy * 7 + o.Cell.Benchmark) % 5) }))
            .Take(HyperparameterFit.ColdStartObservations + 100).ToList();
        var options = new EngineOptions { Device = ComputeDevice.Cpu, FirstFitIterations = 30, RefitIterations = 8 };

        var coarseToFine = HyperparameterFit.Fit(grid, many, options);
        var allTheWay = HyperparameterFit.Fit(grid, many, options, iterations: options.FirstFitIterations);

        Assert.True(double.IsFinite(coarseToFine.Report.Objective));
        Assert.True(coarseToFine.Report.Objective <= allTheWay.Report.Objective + 0.01 * Math.Abs(allTheWay.Report.Objective),
            $"coarse to fine {coarseToFine.Report.Objective}, all the way {allTheWay.Report.Objective}");
        Assert.NotEqual(allTheWay.Hyperparameters.Raw, coarseToFine.Hyperparameters.Raw); // another path, not the same fit again
    }
}

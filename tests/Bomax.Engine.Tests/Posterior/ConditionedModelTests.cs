using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

public class ConditionedModelTests
{
    static (Grid Grid, List<Observation> Observations) Problem(int checkpoints, int benchmarks, int seed, double[]? weights = null)
    {
        var random = new Random(seed);
        var grid = new Grid(
            Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"task{j}", weights?[j] ?? 1.0)));
        var observations = InitialDesign.Cells(grid, 2, seed)
            .Concat(Enumerable.Range(0, 6).Select(_ => new Cell(random.Next(checkpoints), random.Next(benchmarks))))
            .Distinct()
            .Select(c => new Observation(c, 0.6 + 0.1 * Math.Sin(c.Checkpoint / 3.0 + c.Benchmark) + 0.02 * random.NextDouble()))
            .ToList();
        return (grid, observations);
    }

    /// <summary>The last: the checkpoint jitter shared by every benchmark read wider at some checkpoints than at others, as a
    /// report's widened posteriors read it where checkpoints crowd (<see cref="StepCrowding"/>).</summary>
    public static TheoryData<StepKernel, int, bool, bool, bool, bool> Variants => new()
    {
        { StepKernel.Matern32, 1, true, false, false, false },
        { StepKernel.Matern52, 1, true, false, false, false },
        { StepKernel.Matern32, 1, true, false, true, false },
        { StepKernel.Rbf, 2, true, true, true, false },
        { StepKernel.Matern52, 3, false, true, false, false },
        { StepKernel.Matern32, 1, true, false, false, true },
        { StepKernel.Rbf, 2, true, true, true, true },
    };

    /// <summary>ρ's factor at each of the nine checkpoints of <see cref="Problem"/> when it is read wider at some.</summary>
    static double[]? JitterFactors(bool crowded) => crowded ? [6, 4.5, 1, 1, 2, 1, 1, 3, 1] : null;

    [Theory]
    [MemberData(nameof(Variants))]
    public void PosteriorEqualsDenseClosedForm(StepKernel kernel, int rank, bool jitter, bool unequalWeights, bool warping, bool crowded)
    {
        var (grid, observations) = Problem(9, 4, seed: rank, unequalWeights ? new[] { 1.0, 2.0, 0.5, 1.5 } : null);
        var options = new EngineOptions
        {
            Device = ComputeDevice.Cpu, Kernel = kernel, TaskRank = rank, CheckpointJitter = jitter, InputWarping = warping,
        };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        var factors = JitterFactors(crowded);
        var (cellMean, cellVariance, rowMean, rowCovariance) = DenseReference.Posterior(grid, observations, fit, options, factors);

        using var model = ConditionedModel.Condition(grid, observations, fit, options, sharedJitterFactors: factors);
        var rows = model.Rows();
        var cells = model.Cells(Enumerable.Range(0, grid.CheckpointCount).ToArray());
        var meansOnly = model.CellMeans(Enumerable.Range(0, grid.CheckpointCount).ToArray());
        for (int c = 0; c < grid.CellCount; c++)
        {
            Assert.Equal(cellMean[c], cells.Mean[c], 1e-9);
            Assert.Equal(cellMean[c], meansOnly[c], 1e-9);
            Assert.Equal(Math.Sqrt(cellVariance[c]), cells.StandardDeviation[c], 1e-7);
        }
        // A subset of rows, out of order, as the report's chunks ask.
        int[] some = [7, 2, 5];
        var someMeans = model.CellMeans(some);
        for (int r = 0; r < some.Length; r++)
            for (int j = 0; j < grid.BenchmarkCount; j++)
                Assert.Equal(cellMean[some[r] * grid.BenchmarkCount + j], someMeans[r * grid.BenchmarkCount + j], 1e-9);
        for (int i = 0; i < grid.CheckpointCount; i++)
        {
            Assert.Equal(rowMean[i], rows.Mean[i], 1e-9);
            for (int k = 0; k < grid.CheckpointCount; k++) Assert.Equal(rowCovariance[i, k], rows.Covariance[i, k], 1e-10);
        }
    }

    /// <summary>Scores reported with standard errors (as lm-eval reports them): each observation's own noise in the training
    /// covariance, and each benchmark's mean reported noise on the cells not yet evaluated, which the row averages include.</summary>
    [Fact]
    public void PosteriorWithStandardErrorsEqualsDenseClosedForm()
    {
        var (grid, plain) = Problem(9, 4, seed: 4, [1.0, 2.0, 0.5, 1.5]);
        var observations = plain.Select((o, k) => o with { StandardError = 0.01 + 0.01 * o.Cell.Benchmark + 0.002 * (k % 3) }).ToList();
        var options = new EngineOptions { Device = ComputeDevice.Cpu, Kernel = StepKernel.Matern52, TaskRank = 1, CheckpointJitter = true };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        var (cellMean, cellVariance, rowMean, rowCovariance) = DenseReference.Posterior(grid, observations, fit, options);

        using var model = ConditionedModel.Condition(grid, observations, fit, options);
        var rows = model.Rows();
        var cells = model.Cells(Enumerable.Range(0, grid.CheckpointCount).ToArray());
        for (int c = 0; c < grid.CellCount; c++)
        {
            Assert.Equal(cellMean[c], cells.Mean[c], 1e-9);
            Assert.Equal(Math.Sqrt(cellVariance[c]), cells.StandardDeviation[c], 1e-7);
        }
        for (int i = 0; i < grid.CheckpointCount; i++)
        {
            Assert.Equal(rowMean[i], rows.Mean[i], 1e-9);
            for (int k = 0; k < grid.CheckpointCount; k++) Assert.Equal(rowCovariance[i, k], rows.Covariance[i, k], 1e-10);
        }
        // The reported noise is a real share of the averages' spread: counted on the observations alone, a checkpoint with most
        // of its cells unevaluated would be stated narrower.
        var observedOnly = DenseReference.Posterior(grid, observations, fit, options, unevaluatedReported: false);
        int most = Enumerable.Range(0, grid.CheckpointCount).MaxBy(i => rows.UnobservedCount[i]);
        Assert.True(rows.Covariance[most, most] > 1.05 * observedOnly.RowCovariance[most, most],
            $"row {most}: {rows.Covariance[most, most]} against {observedOnly.RowCovariance[most, most]} on the observations alone");
    }

    /// <summary>A row's cells read through K⁻¹ and the kernel's structure equal those read by a triangular solve per cell, with
    /// and without pending cells believed, for every kernel variant.</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void CellsThroughTheInverseEqualCellsBySolves(StepKernel kernel, int rank, bool jitter, bool unequalWeights, bool warping,
        bool crowded)
    {
        var (grid, observations) = Problem(9, 4, seed: rank + 10, unequalWeights ? new[] { 1.0, 2.0, 0.5, 1.5 } : null);
        var options = new EngineOptions
        {
            Device = ComputeDevice.Cpu, Kernel = kernel, TaskRank = rank, CheckpointJitter = jitter, InputWarping = warping,
        };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        var observed = observations.Select(o => o.Cell).ToHashSet();
        var pending = Enumerable.Range(0, grid.CellCount)
            .Select(grid.CellAt)
            .Where(c => !observed.Contains(c))
            .Where((_, k) => k % 5 == 1)
            .Take(3)
            .ToList();
        int[] rows = [4, 0, 8];

        using var solves = ConditionedModel.Condition(grid, observations, fit, options, sharedJitterFactors: JitterFactors(crowded));
        using var inverse = ConditionedModel.Condition(grid, observations, fit, options, sharedJitterFactors: JitterFactors(crowded));
        solves.ThroughInverse = false;
        inverse.ThroughInverse = true;
        foreach (var believed in new[] { [], pending })
        {
            var expected = solves.Cells(rows, believed);
            var actual = inverse.Cells(rows, believed);
            Assert.Equal(expected.Cells, actual.Cells);
            for (int k = 0; k < expected.Cells.Length; k++)
            {
                Assert.Equal(expected.Mean[k], actual.Mean[k], 1e-9);
                Assert.Equal(expected.StandardDeviation[k], actual.StandardDeviation[k], 1e-7);
                Assert.Equal(expected.RowCovariance[k], actual.RowCovariance[k], 1e-9);
            }
        }
    }

    [Fact]
    public void AConditioningCacheKeepsOnlyModelsOfTheFittedJitter()
    {
        var (grid, observations) = Problem(9, 4, seed: 3);
        var options = new EngineOptions { Device = ComputeDevice.Cpu };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        using var cache = new ConditioningCache();
        var error = Assert.Throws<ArgumentException>(() =>
            ConditionedModel.Condition(grid, observations, fit, options, cache, Enumerable.Repeat(2.0, 9).ToArray()));
        Assert.Contains("fitted jitter", error.Message);
        Assert.Throws<ArgumentException>(() => ConditionedModel.Condition(grid, observations, fit, options, sharedJitterFactors: [2.0, 1.0]));
    }
}

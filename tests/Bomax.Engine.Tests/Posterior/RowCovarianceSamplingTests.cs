using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using MathNet.Numerics.LinearAlgebra;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The average's covariance matches sampling: joint draws of every cell's true score from the dense
/// posterior, averaged with the grid weights, have the mean and covariance that <see cref="ConditionedModel.Rows"/>
/// reports, and the covariance between each cell and its row that <see cref="ConditionedModel.Cells"/> reports.
/// </summary>
public class RowCovarianceSamplingTests
{
    const int Samples = 40_000;
    const double Sigmas = 5.0;

    static (Grid Grid, List<Observation> Observations) Problem(int checkpoints, int benchmarks, int seed, double[]? weights, int fullRow)
    {
        var random = new Random(seed);
        var grid = new Grid(
            Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"task{j}", weights?[j] ?? 1.0)));
        var cells = InitialDesign.Cells(grid, 2, seed)
            .Concat(Enumerable.Range(0, 6).Select(_ => new Cell(random.Next(checkpoints), random.Next(benchmarks))))
            .Concat(Enumerable.Range(0, benchmarks).Select(j => new Cell(fullRow, j))) // one row fully observed
            .Distinct();
        var observations = cells
            .Select(c => new Observation(c, 0.6 + 0.1 * Math.Sin(c.Checkpoint / 3.0 + c.Benchmark) + 0.02 * random.NextDouble()))
            .ToList();
        return (grid, observations);
    }

    /// <summary>Draws of all cells' true scores (row-major, <c>samples x N·M</c>): observed cells fixed, the others
    /// jointly Gaussian via a Cholesky factor of their covariance and Box–Muller normals from System.Random.</summary>
    static double[,] Draw(double[] mean, Matrix<double> covariance, int samples, int seed)
    {
        int cells = mean.Length;
        var free = Enumerable.Range(0, cells).Where(c => covariance[c, c] > 0).ToArray();
        var sub = Matrix<double>.Build.Dense(free.Length, free.Length, (a, b) => 0.5 * (covariance[free[a], free[b]] + covariance[free[b], free[a]]));
        var l = sub.Cholesky().Factor;
        var random = new Random(seed);
        var z = new double[free.Length];
        var draws = new double[samples, cells];
        for (int s = 0; s < samples; s++)
        {
            for (int k = 0; k < z.Length; k += 2)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                double radius = Math.Sqrt(-2.0 * Math.Log(u1));
                z[k] = radius * Math.Cos(2 * Math.PI * u2);
                if (k + 1 < z.Length) z[k + 1] = radius * Math.Sin(2 * Math.PI * u2);
            }
            for (int c = 0; c < cells; c++) draws[s, c] = mean[c];
            for (int a = 0; a < free.Length; a++)
            {
                double x = 0;
                for (int b = 0; b <= a; b++) x += l[a, b] * z[b];
                draws[s, free[a]] += x;
            }
        }
        return draws;
    }

    static double Covariance(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sum = 0;
        for (int s = 0; s < x.Length; s++) sum += (x[s] - mx) * (y[s] - my);
        return sum / (x.Length - 1);
    }

    public static TheoryData<int, bool, int> Variants => new()
    {
        { 1, false, 4 },
        { 2, true, 0 },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void TheAveragesCovarianceMatchesSampling(int rank, bool unequalWeights, int fullRow)
    {
        var (grid, observations) = Problem(9, 4, seed: 10 + rank, unequalWeights ? new[] { 1.0, 3.0, 0.5, 1.5 } : null, fullRow);
        var options = new EngineOptions { Device = ComputeDevice.Cpu, TaskRank = rank };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        var (cellMean, cellCovariance) = DenseReference.CellPosterior(grid, observations, fit, options);
        using var model = ConditionedModel.Condition(grid, observations, fit, options);
        var rows = model.Rows();

        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        var draws = Draw(cellMean, cellCovariance, Samples, seed: 1234 + rank);
        var averages = new double[n][];
        for (int i = 0; i < n; i++)
        {
            averages[i] = new double[Samples];
            for (int s = 0; s < Samples; s++)
                for (int j = 0; j < m; j++) averages[i][s] += grid.Weights[j] * draws[s, grid.IndexOf(new Cell(i, j))];
        }

        for (int i = 0; i < n; i++)
        {
            double variance = rows.Covariance[i, i];
            double meanTolerance = Sigmas * Math.Sqrt(variance / Samples) + 1e-12;
            Assert.True(Math.Abs(averages[i].Average() - rows.Mean[i]) <= meanTolerance,
                $"row {i}: sample mean {averages[i].Average():R}, model {rows.Mean[i]:R}");
            for (int k = 0; k < n; k++)
            {
                double modelled = rows.Covariance[i, k];
                double sampled = Covariance(averages[i], averages[k]);
                double tolerance = Sigmas * Math.Sqrt((rows.Covariance[i, i] * rows.Covariance[k, k] + modelled * modelled) / Samples) + 1e-15;
                Assert.True(Math.Abs(sampled - modelled) <= tolerance, $"cov({i},{k}): sampled {sampled:R}, model {modelled:R}, "
                    + $"tolerance {tolerance:R}");
            }
        }

        // The fully observed row is known exactly.
        Assert.Equal(0.0, rows.Covariance[fullRow, fullRow], 1e-12);
        Assert.Equal(0.0, Covariance(averages[fullRow], averages[fullRow]), 1e-20);
        Assert.Equal(0, rows.UnobservedCount[fullRow]);

        // The test can tell: ignoring the correlations between a row's cells misses the sampled variance.
        bool correlationsMatter = Enumerable.Range(0, n).Any(i =>
        {
            double independent = Enumerable.Range(0, m)
                .Sum(j => grid.Weights[j] * grid.Weights[j] * cellCovariance[grid.IndexOf(new Cell(i, j)), grid.IndexOf(new Cell(i, j))]);
            double sampled = Covariance(averages[i], averages[i]);
            return Math.Abs(independent - sampled) > Sigmas * Math.Sqrt(2 * sampled * sampled / Samples);
        });
        Assert.True(correlationsMatter);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EachCellsCovarianceWithItsRowMatchesSampling(int rank, bool unequalWeights, int fullRow)
    {
        var (grid, observations) = Problem(9, 4, seed: 20 + rank, unequalWeights ? new[] { 1.0, 3.0, 0.5, 1.5 } : null, fullRow);
        var options = new EngineOptions { Device = ComputeDevice.Cpu, TaskRank = rank };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        var (cellMean, cellCovariance) = DenseReference.CellPosterior(grid, observations, fit, options);
        using var model = ConditionedModel.Condition(grid, observations, fit, options);
        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        var cells = model.Cells(Enumerable.Range(0, n).ToArray());

        var draws = Draw(cellMean, cellCovariance, Samples, seed: 99 + rank);
        for (int i = 0; i < n; i++)
        {
            var average = new double[Samples];
            for (int s = 0; s < Samples; s++)
                for (int j = 0; j < m; j++) average[s] += grid.Weights[j] * draws[s, grid.IndexOf(new Cell(i, j))];
            double averageVariance = Covariance(average, average);
            for (int j = 0; j < m; j++)
            {
                int index = grid.IndexOf(new Cell(i, j));
                int k = Array.IndexOf(cells.Cells, new Cell(i, j));
                var cell = Enumerable.Range(0, Samples).Select(s => draws[s, index]).ToArray();
                double cellVariance = Covariance(cell, cell);
                double sampled = Covariance(average, cell);
                double modelled = cells.RowCovariance[k];
                double tolerance = Sigmas * Math.Sqrt((averageVariance * cellVariance + modelled * modelled) / Samples) + 1e-15;
                Assert.True(Math.Abs(sampled - modelled) <= tolerance, $"cov(a{i}, f{i},{j}): sampled {sampled:R}, model {modelled:R}");
                Assert.Equal(Math.Sqrt(cellCovariance[index, index]), cells.StandardDeviation[k], 1e-7);
                if (cells.Observed[k]) Assert.Equal(0.0, modelled);
            }
        }
    }
}

using Bomax.Engine.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Bomax.Engine.Tests;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The model written out densely with plain matrices: the covariance of every cell's true score
/// (latent + cell noise) and of the observations, for checking the structured TorchSharp code. An observation's reported
/// standard error adds to its own noise; a cell not yet evaluated carries its benchmark's mean reported noise as well.
/// </summary>
static class DenseReference
{
    /// <summary>The kernel's warping; a = b = 1 is no warping at all (the engine then leaves the step, its ends included, as it is).</summary>
    public static double Warp(double x, double a, double b)
    {
        if (a == 1.0 && b == 1.0) return x;
        x = Math.Clamp(x, 1e-6, 1 - 1e-6);
        return 1 - Math.Pow(1 - Math.Pow(x, a), b);
    }

    public static double StepKernel(double a, double b, double lengthscale, StepKernel kind, double warpA = 1, double warpB = 1)
    {
        double r = Math.Abs(Warp(a, warpA, warpB) - Warp(b, warpA, warpB)) / lengthscale;
        if (kind == Engine.Model.StepKernel.Rbf) return Math.Exp(-0.5 * r * r);
        if (kind == Engine.Model.StepKernel.Matern32) return (1 + Math.Sqrt(3) * r) * Math.Exp(-Math.Sqrt(3) * r);
        double s = Math.Sqrt(5) * r;
        return (1 + s + s * s / 3) * Math.Exp(-s);
    }

    /// <summary>Covariance between latent values of two cells (no noise), standardised units; ρ at checkpoint i times
    /// <paramref name="sharedJitterFactors"/>[i] when given.</summary>
    public static double Latent(Cell a, Cell b, double[] steps, HyperparameterValues h, int rank, StepKernel kind,
        IReadOnlyList<double>? sharedJitterFactors = null)
    {
        double task = 0;
        for (int k = 0; k < rank; k++) task += h.Loadings[a.Benchmark * rank + k] * h.Loadings[b.Benchmark * rank + k];
        if (a.Benchmark == b.Benchmark) task += h.Diagonal[a.Benchmark];
        double step = StepKernel(steps[a.Checkpoint], steps[b.Checkpoint], h.Lengthscale, kind, h.WarpA, h.WarpB)
            + (a.Checkpoint == b.Checkpoint ? h.Jitter : 0);
        double shared = h.SharedJitter * (sharedJitterFactors?[a.Checkpoint] ?? 1.0);
        return step * task + (a.Benchmark == b.Benchmark ? h.TaskBias : 0) + (a.Checkpoint == b.Checkpoint ? shared : 0);
    }

    /// <summary>Posterior mean and variance (raw units) of every cell's true score, and the row averages' mean and covariance.</summary>
    public static (double[] CellMean, double[] CellVariance, double[] RowMean, Matrix<double> RowCovariance) Posterior(
        Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options, IReadOnlyList<double>? sharedJitterFactors = null,
        bool unevaluatedReported = true)
    {
        var (cellMean, cellCov) = CellPosterior(grid, observations, fit, options, sharedJitterFactors, unevaluatedReported);
        var weights = Matrix<double>.Build.Dense(grid.CheckpointCount, grid.CellCount,
            (i, c) => grid.CellAt(c).Checkpoint == i ? grid.Weights[grid.CellAt(c).Benchmark] : 0);
        var rowMean = (weights * Vector<double>.Build.DenseOfArray(cellMean)).ToArray();
        var rowCov = weights * cellCov * weights.Transpose();
        var variance = Enumerable.Range(0, grid.CellCount).Select(c => cellCov[c, c]).ToArray();
        return (cellMean, variance, rowMean, rowCov);
    }

    /// <summary>Joint posterior (raw units) of every cell's true score, row-major cells: mean <c>N·M</c> and
    /// covariance <c>N·M x N·M</c>; observed cells are known exactly (zero rows and columns). Without
    /// <paramref name="unevaluatedReported"/> the cells not yet evaluated carry σ² alone, not their benchmark's reported noise.</summary>
    public static (double[] Mean, Matrix<double> Covariance) CellPosterior(
        Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options, IReadOnlyList<double>? sharedJitterFactors = null,
        bool unevaluatedReported = true)
    {
        var h = fit.Hyperparameters.Values(options);
        var steps = grid.NormalisedSteps();
        double Latent(Cell a, Cell b) => DenseReference.Latent(a, b, steps, h, fit.Hyperparameters.Rank, options.Kernel, sharedJitterFactors);
        var s = fit.Standardisation;
        int n = observations.Count, cells = grid.CellCount;
        double Reported(Observation o) => o.StandardError is double se && se > 0 ? Math.Pow(se / s.Scale[o.Cell.Benchmark], 2) : 0;
        var reported = Enumerable.Range(0, grid.BenchmarkCount)
            .Select(j => unevaluatedReported ? observations.Where(o => o.Cell.Benchmark == j).Select(Reported).DefaultIfEmpty(0).Average() : 0)
            .ToArray();
        var k = Matrix<double>.Build.Dense(n, n, (a, b) =>
            Latent(observations[a].Cell, observations[b].Cell) + (a == b ? h.Noise + Reported(observations[a]) : 0));
        var y = Vector<double>.Build.Dense(n, a => s.Apply(observations[a]));
        var cross = Matrix<double>.Build.Dense(cells, n, (c, b) => Latent(grid.CellAt(c), observations[b].Cell));
        var prior = Matrix<double>.Build.Dense(cells, cells, (a, b) =>
            Latent(grid.CellAt(a), grid.CellAt(b)) + (a == b ? h.Noise + reported[grid.CellAt(a).Benchmark] : 0));
        var solve = k.Cholesky();
        var meanStd = cross * solve.Solve(y);
        var covStd = prior - cross * solve.Solve(cross.Transpose());
        // To raw units.
        var scale = Vector<double>.Build.Dense(cells, c => s.Scale[grid.CellAt(c).Benchmark]);
        var cellMean = Enumerable.Range(0, cells).Select(c => s.Mean[grid.CellAt(c).Benchmark] + scale[c] * meanStd[c]).ToArray();
        var cellCov = Matrix<double>.Build.Dense(cells, cells, (a, b) => scale[a] * scale[b] * covStd[a, b]);
        // Observed cells are known exactly.
        var observed = observations.GroupBy(o => grid.IndexOf(o.Cell)).ToDictionary(g => g.Key, g => g.Average(o => o.Score));
        foreach (var (c, score) in observed)
        {
            cellMean[c] = score;
            for (int b = 0; b < cells; b++) { cellCov[c, b] = 0; cellCov[b, c] = 0; }
        }
        return (cellMean, cellCov);
    }
}

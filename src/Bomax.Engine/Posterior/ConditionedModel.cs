using TorchSharp;
using static TorchSharp.torch;
using static Bomax.Engine.Constants;

namespace Bomax.Engine;

/// <summary>
/// The GP conditioned on the observations with fixed hyperparameters: the Cholesky factor of the
/// training covariance and α = K⁻¹y, from which row and cell posteriors are read. Holds native
/// tensors outside any dispose scope; dispose it (it is cheap to rebuild every round).
/// </summary>
public sealed class ConditionedModel : IDisposable
{
    readonly Tensor factor, alpha, trainCheckpoint, trainBenchmark, stepCov, taskCov, coefficients, coefficientsTimesB;
    readonly double bias, noise, shared;
    readonly Standardisation standardisation;
    readonly double[] weights;
    readonly bool[] observed;          // N·M, row-major
    readonly double[] observedScore;   // N·M, the observed score where observed
    readonly double[] constantPart;    // N: observed part plus the prior mean of the unobserved part, raw units

    public Grid Grid { get; }
    public ModelFit Fit { get; }

    ConditionedModel(Grid grid, ModelFit fit, Tensor[] owned, double bias, double noise, double shared, bool[] observed, double[] observedScore, double[] constantPart)
    {
        Grid = grid; Fit = fit;
        (factor, alpha, trainCheckpoint, trainBenchmark, stepCov, taskCov, coefficients, coefficientsTimesB) =
            (owned[0], owned[1], owned[2], owned[3], owned[4], owned[5], owned[6], owned[7]);
        this.bias = bias; this.noise = noise; this.shared = shared;
        standardisation = fit.Standardisation;
        weights = grid.Weights.ToArray();
        this.observed = observed; this.observedScore = observedScore; this.constantPart = constantPart;
    }

    /// <summary>Conditions the model with <paramref name="fit"/>'s hyperparameters on <paramref name="observations"/>
    /// (standardised with <paramref name="fit"/>'s standardisation).</summary>
    public static ConditionedModel Condition(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options)
    {
        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        var device = TorchDevice.Resolve(options.Device);
        var observed = new bool[n * m];
        var sums = new double[n * m];
        var counts = new int[n * m];
        foreach (var o in observations) { int k = grid.IndexOf(o.Cell); observed[k] = true; sums[k] += o.Score; counts[k]++; }
        var observedScore = new double[n * m];
        for (int k = 0; k < n * m; k++) if (counts[k] > 0) observedScore[k] = sums[k] / counts[k];

        var s = fit.Standardisation;
        var constant = new double[n];
        var c = new double[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                int k = i * m + j;
                double w = grid.Weights[j];
                if (observed[k]) constant[i] += w * observedScore[k];
                else { constant[i] += w * s.Mean[j]; c[k] = w * s.Scale[j]; }
            }

        using var scope = NewDisposeScope();
        var data = TrainingSet.Build(grid, observations, s, device);
        var kernel = IcmKernel.Decode(tensor(fit.Hyperparameters.Raw, dtype: float64, device: device), fit.Hyperparameters, options);
        Tensor factor, alpha;
        if (data.Count > 0)
        {
            factor = Cholesky.Factor(kernel.Train(data));
            alpha = cholesky_solve(data.Scores.unsqueeze(1), factor).squeeze(1);
        }
        else
        {
            factor = zeros(0, 0, dtype: float64, device: device);
            alpha = zeros(0, dtype: float64, device: device);
        }
        var stepCov = kernel.Step(data.Steps, data.Steps) + kernel.Jitter * eye(n, dtype: float64, device: device);
        var taskCov = kernel.TaskCovariance();
        var coefficients = tensor(c, dtype: float64, device: device).reshape(n, m);
        var owned = new[] { factor, alpha, data.Checkpoint, data.Benchmark, stepCov, taskCov, coefficients, coefficients.matmul(taskCov) };
        foreach (var t in owned) t.DetachFromDisposeScope();
        return new ConditionedModel(grid, fit, owned, kernel.TaskBias.item<double>(), kernel.Noise.item<double>(), kernel.SharedJitter.item<double>(), observed, observedScore, constant);
    }

    public bool IsObserved(Cell cell) => observed[Grid.IndexOf(cell)];

    /// <summary>The joint posterior of all checkpoint averages.</summary>
    public RowPosterior Rows()
    {
        using var scope = NewDisposeScope();
        int n = Grid.CheckpointCount, m = Grid.BenchmarkCount;
        // Prior covariance of Σ_j c_ij g_ij over unobserved cells:
        // (Kx+ηI) ⊙ (C B Cᵀ) + τ C Cᵀ + diag(σ² Σ_j c_ij² + ρ (Σ_j c_ij)²).
        var (biasT, noiseT, sharedT) = (Const(bias, factor), Const(noise, factor), Const(shared, factor));
        var ccT = coefficients.matmul(coefficients.T);
        var rowSum = coefficients.sum(dim: 1);
        var prior = stepCov * coefficientsTimesB.matmul(coefficients.T) + ccT * biasT + diag(ccT.diagonal() * noiseT + rowSum * rowSum * sharedT);
        var cross = RowCross(); // N × n
        Tensor mean, covariance;
        if (factor.shape[0] > 0)
        {
            var v = linalg.solve_triangular(factor, cross.T.contiguous(), upper: false); // n × N
            mean = cross.matmul(alpha);
            covariance = prior - v.T.matmul(v);
        }
        else { mean = zeros(n, dtype: float64, device: factor.device); covariance = prior; }
        var meanValues = mean.cpu().data<double>().ToArray();
        for (int i = 0; i < n; i++) meanValues[i] += constantPart[i];
        var unobserved = new int[n];
        for (int k = 0; k < n * m; k++) if (!observed[k]) unobserved[k / m]++;
        return new RowPosterior(meanValues, ToMatrix(covariance, n, n), unobserved);
    }

    /// <summary>The posterior of every cell of <paramref name="rows"/>.</summary>
    public CellPosterior Cells(IReadOnlyList<int> rows)
    {
        using var scope = NewDisposeScope();
        int m = Grid.BenchmarkCount, count = rows.Count * m;
        var device = factor.device;
        var cellRow = tensor(rows.SelectMany(i => Enumerable.Repeat((long)i, m)).ToArray(), dtype: int64, device: device);
        var cellBenchmark = tensor(rows.SelectMany(_ => Enumerable.Range(0, m).Select(j => (long)j)).ToArray(), dtype: int64, device: device);
        var stepDiagonal = stepCov.diagonal().index_select(0, cellRow);
        var (biasT, noiseT, sharedT) = (Const(bias, factor), Const(noise, factor), Const(shared, factor));
        var priorVariance = stepDiagonal * taskCov.diagonal().index_select(0, cellBenchmark) + biasT + noiseT + sharedT;
        // cov(a_i, g_ij) before the data: (Kx_ii+η)(C B)[i,j] + (τ + σ²) C[i,j] + ρ Σ_j′ c_ij′.
        var rowPrior = stepDiagonal * coefficientsTimesB.index_select(0, cellRow).gather(1, cellBenchmark.unsqueeze(1)).squeeze(1)
            + coefficients.index_select(0, cellRow).gather(1, cellBenchmark.unsqueeze(1)).squeeze(1) * (biasT + noiseT)
            + coefficients.sum(dim: 1).index_select(0, cellRow) * sharedT;
        Tensor mean, variance, rowCovariance;
        if (factor.shape[0] > 0)
        {
            var cross = stepCov.index_select(0, cellRow).index_select(1, trainCheckpoint)
                * taskCov.index_select(0, cellBenchmark).index_select(1, trainBenchmark)
                + cellBenchmark.unsqueeze(1).eq(trainBenchmark.unsqueeze(0)).to(float64) * biasT
                + cellRow.unsqueeze(1).eq(trainCheckpoint.unsqueeze(0)).to(float64) * sharedT; // cells × n
            var vc = linalg.solve_triangular(factor, cross.T.contiguous(), upper: false); // n × cells
            var rowCross = RowCross().index_select(0, tensor(rows.Select(i => (long)i).ToArray(), dtype: int64, device: device));
            var va = linalg.solve_triangular(factor, rowCross.T.contiguous(), upper: false); // n × rows
            var vaPerCell = va.repeat_interleave(m, dim: 1); // n × cells
            mean = cross.matmul(alpha);
            variance = priorVariance - (vc * vc).sum(dim: 0);
            rowCovariance = rowPrior - (vaPerCell * vc).sum(dim: 0);
        }
        else { mean = zeros(count, dtype: float64, device: device); variance = priorVariance; rowCovariance = rowPrior; }
        var means = mean.cpu().data<double>().ToArray();
        var variances = variance.cpu().data<double>().ToArray();
        var covariances = rowCovariance.cpu().data<double>().ToArray();
        var cells = new Cell[count];
        var sd = new double[count];
        var isObserved = new bool[count];
        for (int r = 0, k = 0; r < rows.Count; r++)
            for (int j = 0; j < m; j++, k++)
            {
                var cell = new Cell(rows[r], j);
                cells[k] = cell;
                int index = Grid.IndexOf(cell);
                isObserved[k] = observed[index];
                if (observed[index]) { means[k] = observedScore[index]; sd[k] = 0; covariances[k] = 0; continue; }
                double scale = standardisation.Scale[j];
                means[k] = standardisation.Mean[j] + scale * means[k];
                sd[k] = scale * Math.Sqrt(Math.Max(variances[k], 0.0));
                covariances[k] *= scale;
            }
        return new CellPosterior(cells, means, sd, covariances, isObserved);
    }

    /// <summary>Covariance between each row's unobserved part and each observation: <c>N x n</c>.</summary>
    Tensor RowCross() =>
        stepCov.index_select(1, trainCheckpoint) * coefficientsTimesB.index_select(1, trainBenchmark)
        + coefficients.index_select(1, trainBenchmark) * Const(bias, factor)
        + coefficients.sum(dim: 1).unsqueeze(1) * RowIndices().unsqueeze(1).eq(trainCheckpoint.unsqueeze(0)).to(float64) * Const(shared, factor);

    Tensor RowIndices() => arange(Grid.CheckpointCount, dtype: int64, device: factor.device);

    static double[,] ToMatrix(Tensor t, int rows, int columns)
    {
        var flat = t.cpu().data<double>().ToArray();
        var matrix = new double[rows, columns];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(double));
        return matrix;
    }

    public void Dispose()
    {
        foreach (var t in new[] { factor, alpha, trainCheckpoint, trainBenchmark, stepCov, taskCov, coefficients, coefficientsTimesB }) t.Dispose();
    }
}

using Bomax.Engine.Model;
using static Bomax.Engine.Model.Constants;
using static TorchSharp.torch;

namespace Bomax.Engine.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The GP conditioned on the observations with fixed hyperparameters: the Cholesky factor of the
/// training covariance and α = K⁻¹y, from which row and cell posteriors are read. Holds native
/// tensors outside any dispose scope; dispose it (it is cheap to rebuild every round).
/// </summary>
public sealed class ConditionedModel : IDisposable
{
    readonly Tensor factor, alpha, trainCheckpoint, trainBenchmark, stepCov, loadings, taskDiagonal, coefficients, coefficientsTimesB;
    readonly Tensor shared;            // N: the checkpoint jitter shared by every benchmark (ρ) at each checkpoint
    readonly Tensor reportedNoise;     // M: each benchmark's reported noise variance (standard errors), which a cell not yet evaluated
                                       // will carry on top of σ² (TrainingPoints.KnownNoiseByBenchmark; 0 where scores came without)
    readonly double bias, noise;
    readonly Standardisation standardisation;
    readonly double[] weights;
    readonly bool[] observed;          // N·M, row-major
    readonly double[] observedScore;   // N·M, the observed score where observed
    readonly double[] constantPart;    // N: observed part plus the prior mean of the unobserved part, raw units
    Tensor? rowSolve;                  // n × N: L⁻¹ cov(y, a), computed once by Rows()
    Tensor? inverse, inverseSameBenchmark; // n × n: K⁻¹ and K⁻¹ ⊙ [b = b′], computed once when cells are read through them
    ConditioningCache? cache;          // where a K⁻¹ formed here is offered for the next round's extension
    Factorisation? factorisation;      // the cache's factorisation this model was conditioned with (owned by the cache)
    int rowsAsked;                     // rows whose cells were asked for so far (decides when K⁻¹ pays)
    RowPosterior? rowPosterior;
    RowMarginals? marginals;

    public Grid Grid { get; }
    public ModelFit Fit { get; }

    /// <summary>How <see cref="Cells"/> reads a row's cells: null (the default) decides by cost, true always through K⁻¹ and the
    /// kernel's structure, false always by a triangular solve per cell (tests compare the two).</summary>
    internal bool? ThroughInverse { get; set; }

    ConditionedModel(Grid grid, ModelFit fit, Tensor[] owned, double bias, double noise, bool[] observed, double[] observedScore,
        double[] constantPart)
    {
        Grid = grid; Fit = fit;
        (factor, alpha, trainCheckpoint, trainBenchmark, stepCov, loadings, taskDiagonal, coefficients, coefficientsTimesB, shared) =
            (owned[0], owned[1], owned[2], owned[3], owned[4], owned[5], owned[6], owned[7], owned[8], owned[9]);
        reportedNoise = owned[10];
        this.bias = bias; this.noise = noise;
        standardisation = fit.Standardisation;
        weights = grid.Weights.ToArray();
        this.observed = observed; this.observedScore = observedScore; this.constantPart = constantPart;
    }

    /// <summary>Conditions the model with <paramref name="fit"/>'s hyperparameters on <paramref name="observations"/>
    /// (standardised with <paramref name="fit"/>'s standardisation). With a <paramref name="cache"/> (a study loop's), the last
    /// conditioning's factor and K⁻¹ are extended by the new observations when they are of the same fit and begin with the
    /// same observations (<see cref="ConditioningCache"/>), and this model's are kept for the next. With
    /// <paramref name="sharedJitterFactors"/> (length N; a report's widened posteriors, <see cref="StepCrowding"/>) the checkpoint
    /// jitter shared by every benchmark is the fitted one times each checkpoint's factor; a cache never holds such a model.</summary>
    public static ConditionedModel Condition(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options,
        ConditioningCache? cache = null, IReadOnlyList<double>? sharedJitterFactors = null)
    {
        if (sharedJitterFactors is not null && cache is not null)
            throw new ArgumentException("a conditioning cache keeps models of the fitted jitter only", nameof(cache));
        if (sharedJitterFactors is not null && sharedJitterFactors.Count != grid.CheckpointCount)
            throw new ArgumentException($"{sharedJitterFactors.Count} jitter factors for {grid.CheckpointCount} checkpoints",
                nameof(sharedJitterFactors));
        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        TorchDevice.UseThreads(options.Threads);
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
        var points = TrainingPoints.Of(observations, s);
        var indices = points.On(device);
        var steps = tensor(grid.NormalisedSteps(), dtype: float64, device: device);
        var kernel = IcmKernel.Decode(tensor(fit.Hyperparameters.Raw, dtype: float64, device: device), fit.Hyperparameters, options);
        var shared = kernel.SharedJitter * (sharedJitterFactors is null
            ? ones(n, dtype: float64, device: device)
            : tensor(sharedJitterFactors.ToArray(), dtype: float64, device: device));
        if (sharedJitterFactors is not null) kernel = kernel with { SharedJitterByCheckpoint = shared };
        Tensor Covariance(PointIndices a, PointIndices b) => kernel.Covariance(steps, a, b);
        Tensor FromScratch() => Covariance(indices, indices) + diag(tensor(points.KnownNoise, dtype: float64, device: device) + kernel.Noise);
        Tensor factor, alpha;
        Tensor? inverse = null;
        Factorisation? factorisation = null;
        if (points.Count > 0)
        {
            if (cache is null) factor = Cholesky.Factor(FromScratch());
            else
            {
                factorisation = cache.Factor(new FactorKey(fit.Hyperparameters.Raw, options), points, Covariance, kernel.Noise.item<double>(),
                    FromScratch);
                // The model's own handles: the cache may replace (and dispose) its factorisation while this model lives.
                factor = factorisation.Factor.alias();
                inverse = factorisation.Inverse?.alias().DetachFromDisposeScope();
            }
            var scores = tensor(observations.Select(s.Apply).ToArray(), dtype: float64, device: device);
            alpha = cholesky_solve(scores.unsqueeze(1), factor).squeeze(1);
        }
        else
        {
            factor = zeros(0, 0, dtype: float64, device: device);
            alpha = zeros(0, dtype: float64, device: device);
        }
        var stepCov = kernel.Step(steps, steps) + kernel.Jitter * eye(n, dtype: float64, device: device);
        var coefficients = tensor(c, dtype: float64, device: device).reshape(n, m);
        // C B = (C W) Wᵀ + C diag(v): N × M without the M × M task covariance.
        var coefficientsTimesB = coefficients.matmul(kernel.Loadings).matmul(kernel.Loadings.T) + coefficients * kernel.Diagonal.unsqueeze(0);
        var owned = new[]
        {
            factor, alpha, indices.Checkpoint, indices.Benchmark, stepCov, kernel.Loadings.detach().clone(), kernel.Diagonal.detach().clone(),
            coefficients, coefficientsTimesB, shared.detach().clone(),
            tensor(points.KnownNoiseByBenchmark(m), dtype: float64, device: device),
        };
        foreach (var t in owned) t.DetachFromDisposeScope();
        return new ConditionedModel(grid, fit, owned, kernel.TaskBias.item<double>(), kernel.Noise.item<double>(), observed, observedScore, constant)
        {
            inverse = inverse,
            cache = cache,
            factorisation = factorisation,
        };
    }

    public bool IsObserved(Cell cell) => observed[Grid.IndexOf(cell)];

    /// <summary>The joint posterior of all checkpoint averages (computed once, then reused).</summary>
    public RowPosterior Rows()
    {
        if (rowPosterior is not null) return rowPosterior;
        using var scope = NewDisposeScope();
        int n = Grid.CheckpointCount, m = Grid.BenchmarkCount;
        // Prior covariance of Σ_j c_ij g_ij over unobserved cells:
        // (Kx+ηI) ⊙ (C B Cᵀ) + τ C Cᵀ + diag(σ² Σ_j c_ij² + Σ_j c_ij² s_j + ρ (Σ_j c_ij)²), s_j the benchmark's reported noise.
        var (biasT, noiseT) = (Const(bias, factor), Const(noise, factor));
        var ccT = coefficients.matmul(coefficients.T);
        var rowSum = coefficients.sum(dim: 1);
        var prior = stepCov * coefficientsTimesB.matmul(coefficients.T) + ccT * biasT
            + diag(ccT.diagonal() * noiseT + (coefficients * coefficients).matmul(reportedNoise) + rowSum * rowSum * shared);
        Tensor mean, covariance;
        if (factor.shape[0] > 0)
        {
            var cross = RowCross(); // N × n
            var v = linalg.solve_triangular(factor, cross.T.contiguous(), upper: false); // n × N
            mean = cross.matmul(alpha);
            covariance = prior - v.T.matmul(v);
            rowSolve = v.DetachFromDisposeScope();
        }
        else { mean = zeros(n, dtype: float64, device: factor.device); covariance = prior; }
        var meanValues = mean.cpu().data<double>().ToArray();
        for (int i = 0; i < n; i++) meanValues[i] += constantPart[i];
        var unobserved = new int[n];
        for (int k = 0; k < n * m; k++) if (!observed[k]) unobserved[k / m]++;
        return rowPosterior = new RowPosterior(meanValues, ToMatrix(covariance, n, n), unobserved);
    }

    /// <summary>
    /// The standardised misses of the latest <paramref name="count"/> observations (oldest first), each
    /// predicted from the observations before it in the order they were given: with K = L Lᵀ, the i-th
    /// entry of L⁻¹y is (y_i − E[y_i | y_1 … y_i−1]) / sd(y_i | y_1 … y_i−1), and L⁻¹y = Lᵀα.
    /// </summary>
    internal double[] LatestMisses(int count)
    {
        using var scope = NewDisposeScope();
        int n = (int)alpha.shape[0], take = Math.Min(n, count);
        if (take == 0) return Array.Empty<double>();
        return factor.T.matmul(alpha).narrow(0, n - take, take).cpu().data<double>().ToArray();
    }

    /// <summary>
    /// Each row's mean and variance once <paramref name="pending"/> (distinct, unobserved cells) are also
    /// seen at their posterior means — the kriging believer of a batch. The means do not move; each
    /// variance shrinks by the diagonal of the rank-k update cov(a, y_P) cov(y_P)⁻¹ cov(y_P, a), so no
    /// refactorisation is needed, and only the diagonal is formed: a batch of q picks on a 1000-checkpoint
    /// grid would otherwise build q dense 1000 × 1000 covariances that the acquisition never reads.
    /// </summary>
    public RowMarginals Marginals(IReadOnlyList<Cell> pending)
    {
        var rows = marginals ??= Rows().Marginals();
        if (pending.Count == 0) return rows;
        using var scope = NewDisposeScope();
        int n = Grid.CheckpointCount;
        var terms = Pending(pending);
        var rowCell = RowCellCovariance(arange(n, dtype: int64, device: factor.device), terms); // N × k
        var solved = cholesky_solve(rowCell.T.contiguous(), terms.Factor); // k × N
        var shrink = (rowCell * solved.T).sum(dim: 1).cpu().data<double>().ToArray(); // diag(rowCell · solved)
        var variance = rows.Variance.Select((v, i) => v - shrink[i]).ToArray();
        var unobserved = (int[])rows.UnobservedCount.Clone();
        foreach (var cell in pending) unobserved[cell.Checkpoint]--;
        return new RowMarginals(rows.Mean, variance, unobserved);
    }

    /// <summary>The posterior of every cell of <paramref name="rows"/>; with <paramref name="pending"/>, as if
    /// those cells had also been seen at their posterior means (see <see cref="Marginals"/>).</summary>
    public CellPosterior Cells(IReadOnlyList<int> rows, IReadOnlyList<Cell>? pending = null)
    {
        using var scope = NewDisposeScope();
        int m = Grid.BenchmarkCount, count = rows.Count * m;
        var device = factor.device;
        var rowIndex = tensor(rows.Select(i => (long)i).ToArray(), dtype: int64, device: device);
        var cellRow = rowIndex.repeat_interleave(m);
        var cellBenchmark = arange(m, dtype: int64, device: device).repeat(rows.Count);
        var stepDiagonal = stepCov.diagonal().index_select(0, cellRow);
        var (biasT, noiseT) = (Const(bias, factor), Const(noise, factor));
        var sharedT = shared.index_select(0, cellRow);
        var taskVariance = (loadings * loadings).sum(dim: 1) + taskDiagonal; // diag(B)
        var reported = reportedNoise.index_select(0, cellBenchmark);
        var priorVariance = stepDiagonal * taskVariance.index_select(0, cellBenchmark) + biasT + noiseT + sharedT + reported;
        // cov(a_i, g_ij) before the data: (Kx_ii+η)(C B)[i,j] + (τ + σ² + s_j) C[i,j] + ρ Σ_j′ c_ij′.
        var coefficient = coefficients.index_select(0, cellRow).gather(1, cellBenchmark.unsqueeze(1)).squeeze(1);
        var rowPrior = stepDiagonal * coefficientsTimesB.index_select(0, cellRow).gather(1, cellBenchmark.unsqueeze(1)).squeeze(1)
            + coefficient * (biasT + noiseT) + coefficient * reported
            + coefficients.sum(dim: 1).index_select(0, cellRow) * sharedT;
        Tensor mean, variance, rowCovariance;
        Tensor? cellSolve = null;
        Structure? structure = null;
        int n = (int)factor.shape[0];
        rowsAsked += rows.Count;
        if (n > 0 && (ThroughInverse ?? (inverse is not null || (long)m * rowsAsked >= n)))
        {
            // Through K⁻¹: O(n² r) a row instead of a triangular solve of n² for each of its M cells (see Structure).
            structure = new Structure(this, rowIndex);
            mean = structure.Times(alpha.unsqueeze(1)).reshape(count);
            variance = priorVariance - structure.Quadratic().reshape(count);
            rowCovariance = rowPrior - structure.RowTimes(Inverse().matmul(RowCross().index_select(0, rowIndex).T)).reshape(count);
        }
        else if (n > 0)
        {
            var cross = CellCross(cellRow, cellBenchmark); // cells × n
            cellSolve = linalg.solve_triangular(factor, cross.T.contiguous(), upper: false); // n × cells
            var rowSolveOfCells = RowSolve().index_select(1, cellRow); // n × cells
            mean = cross.matmul(alpha);
            variance = priorVariance - (cellSolve * cellSolve).sum(dim: 0);
            rowCovariance = rowPrior - (rowSolveOfCells * cellSolve).sum(dim: 0);
        }
        else { mean = zeros(count, dtype: float64, device: device); variance = priorVariance; rowCovariance = rowPrior; }
        if (pending is { Count: > 0 })
        {
            // Seeing y_P as well: subtract cov(·, y_P) cov(y_P)⁻¹ cov(y_P, ·) from the cells' variance and
            // from their covariance with their row's average.
            var terms = Pending(pending);
            // What the data already explain of cov(y_c, y_P): k_cᵀ K⁻¹ k_P.
            Tensor? explained = terms.Solve is null ? null
                : structure is not null
                    ? structure.Times(linalg.solve_triangular(factor.T, terms.Solve, upper: true)).reshape(count, pending.Count)
                    : cellSolve!.T.matmul(terms.Solve);
            var cellPending = CellCovariance(cellRow, cellBenchmark, terms, explained); // cells × k
            var rowPending = RowCellCovariance(rowIndex, terms).repeat_interleave(m, dim: 0); // cells × k
            var solved = cholesky_solve(cellPending.T.contiguous(), terms.Factor); // k × cells
            variance = variance - (cellPending.T * solved).sum(dim: 0);
            rowCovariance = rowCovariance - (rowPending.T * solved).sum(dim: 0);
        }
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

    /// <summary>
    /// The posterior mean of every cell of <paramref name="rows"/> (observed cells: their observed score),
    /// row-major — without variances, and without forming the cells × observations cross-covariance: the ICM
    /// kernel factorises, so E[g_ij] = Σ_t (Kx[i,x_t] B[j,b_t] + τ[j=b_t] + ρ[i=x_t]) α_t is
    /// Kx[rows, x] diag(α) B[:, b]ᵀ plus α summed per benchmark and per checkpoint: one rows × n by n × M product,
    /// what a report's map of a 1000 × 200 grid needs (forming the 200,000 × n cross-covariance instead took 25 s).
    /// </summary>
    public double[] CellMeans(IReadOnlyList<int> rows)
    {
        using var scope = NewDisposeScope();
        int m = Grid.BenchmarkCount, n = (int)alpha.shape[0];
        var means = new double[rows.Count * m];
        if (n > 0)
        {
            var rowIndex = tensor(rows.Select(i => (long)i).ToArray(), dtype: int64, device: factor.device);
            var perBenchmark = zeros(m, dtype: float64, device: factor.device).index_add(0, trainBenchmark, alpha, 1);
            var perCheckpoint = zeros(Grid.CheckpointCount, dtype: float64, device: factor.device).index_add(0, trainCheckpoint, alpha, 1);
            // Kx[rows, x] diag(α) B[b, :] = ((Kx diag α) W[b]) Wᵀ + (Kx diag α summed per benchmark) diag(v).
            var weighted = stepCov.index_select(0, rowIndex).index_select(1, trainCheckpoint) * alpha.unsqueeze(0); // rows × n
            var standardised = weighted.matmul(loadings.index_select(0, trainBenchmark)).matmul(loadings.T)
                + zeros(rows.Count, m, dtype: float64, device: factor.device).index_add(1, trainBenchmark, weighted, 1) * taskDiagonal.unsqueeze(0)
                + perBenchmark.unsqueeze(0) * Const(bias, factor)
                + (perCheckpoint * shared).index_select(0, rowIndex).unsqueeze(1);
            means = standardised.cpu().data<double>().ToArray();
        }
        for (int r = 0, k = 0; r < rows.Count; r++)
            for (int j = 0; j < m; j++, k++)
            {
                int index = Grid.IndexOf(new Cell(rows[r], j));
                means[k] = observed[index] ? observedScore[index] : standardisation.Mean[j] + standardisation.Scale[j] * means[k];
            }
        return means;
    }

    /// <summary>What a batch's pending cells need: their indices, L⁻¹ cov(y, y_P) and the Cholesky factor of cov(y_P | data).</summary>
    sealed record PendingTerms(Tensor Row, Tensor Benchmark, Tensor? Solve, Tensor Factor);

    PendingTerms Pending(IReadOnlyList<Cell> pending)
    {
        var device = factor.device;
        var row = tensor(pending.Select(c => (long)c.Checkpoint).ToArray(), dtype: int64, device: device);
        var benchmark = tensor(pending.Select(c => (long)c.Benchmark).ToArray(), dtype: int64, device: device);
        Tensor? solve = factor.shape[0] > 0
            ? linalg.solve_triangular(factor, CellCross(row, benchmark).T.contiguous(), upper: false) // n × k
            : null;
        var prior = stepCov.index_select(0, row).index_select(1, row) * Task(benchmark, benchmark)
            + benchmark.unsqueeze(1).eq(benchmark.unsqueeze(0)).to(float64) * Const(bias, factor)
            + row.unsqueeze(1).eq(row.unsqueeze(0)).to(float64) * shared.index_select(0, row).unsqueeze(1)
            + eye(pending.Count, dtype: float64, device: device) * Const(noise, factor)
            + diag(reportedNoise.index_select(0, benchmark));
        var covariance = solve is null ? prior : prior - solve.T.matmul(solve);
        return new PendingTerms(row, benchmark, solve, Cholesky.Factor(covariance));
    }

    /// <summary>cov(y_c, y_P | data) for cells c: <c>cells × k</c>; <paramref name="explained"/> is k_cᵀ K⁻¹ k_P when there is data.</summary>
    Tensor CellCovariance(Tensor cellRow, Tensor cellBenchmark, PendingTerms terms, Tensor? explained)
    {
        var sameCell = (cellRow.unsqueeze(1).eq(terms.Row.unsqueeze(0)) & cellBenchmark.unsqueeze(1).eq(terms.Benchmark.unsqueeze(0)))
            .to(float64);
        var prior = stepCov.index_select(0, cellRow).index_select(1, terms.Row) * Task(cellBenchmark, terms.Benchmark)
            + cellBenchmark.unsqueeze(1).eq(terms.Benchmark.unsqueeze(0)).to(float64) * Const(bias, factor)
            + cellRow.unsqueeze(1).eq(terms.Row.unsqueeze(0)).to(float64) * shared.index_select(0, cellRow).unsqueeze(1)
            + sameCell * Const(noise, factor) + sameCell * reportedNoise.index_select(0, terms.Benchmark).unsqueeze(0);
        return explained is null ? prior : prior - explained;
    }

    /// <summary>cov(a_i, y_P | data) for the rows <paramref name="rowIndex"/>: <c>rows × k</c>.</summary>
    Tensor RowCellCovariance(Tensor rowIndex, PendingTerms terms)
    {
        // Before the data: (Kx+ηI)[i,i′] (C B)[i,j′] + τ C[i,j′] + [i = i′] (ρ Σ_j c_ij + (σ² + s_j′) C[i,j′]).
        var coefficientAt = coefficients.index_select(0, rowIndex).index_select(1, terms.Benchmark);
        var sameRow = rowIndex.unsqueeze(1).eq(terms.Row.unsqueeze(0)).to(float64);
        var prior = stepCov.index_select(0, rowIndex).index_select(1, terms.Row)
                * coefficientsTimesB.index_select(0, rowIndex).index_select(1, terms.Benchmark)
            + coefficientAt * Const(bias, factor)
            + sameRow * ((coefficients.sum(dim: 1) * shared).index_select(0, rowIndex).unsqueeze(1)
                + coefficientAt * Const(noise, factor) + coefficientAt * reportedNoise.index_select(0, terms.Benchmark).unsqueeze(0));
        if (terms.Solve is null) return prior;
        return prior - RowSolve().index_select(1, rowIndex).T.matmul(terms.Solve);
    }

    /// <summary>L⁻¹ cov(y, a): <c>n × N</c>, computed with the rows' posterior (only when there are observations).</summary>
    Tensor RowSolve()
    {
        Rows();
        return rowSolve!;
    }

    /// <summary>Covariance between cells and the observations: <c>cells × n</c>.</summary>
    Tensor CellCross(Tensor cellRow, Tensor cellBenchmark) =>
        stepCov.index_select(0, cellRow).index_select(1, trainCheckpoint)
        * Task(cellBenchmark, trainBenchmark)
        + cellBenchmark.unsqueeze(1).eq(trainBenchmark.unsqueeze(0)).to(float64) * Const(bias, factor)
        + cellRow.unsqueeze(1).eq(trainCheckpoint.unsqueeze(0)).to(float64) * shared.index_select(0, cellRow).unsqueeze(1);

    /// <summary>Covariance between each row's unobserved part and each observation: <c>N x n</c>.</summary>
    Tensor RowCross() =>
        stepCov.index_select(1, trainCheckpoint) * coefficientsTimesB.index_select(1, trainBenchmark)
        + coefficients.index_select(1, trainBenchmark) * Const(bias, factor)
        + (coefficients.sum(dim: 1) * shared).unsqueeze(1) * RowIndices().unsqueeze(1).eq(trainCheckpoint.unsqueeze(0)).to(float64);

    /// <summary>The task covariance B[a, b] (<see cref="IcmKernel.TaskCovariance(Tensor, Tensor, Tensor, Tensor)"/>).</summary>
    Tensor Task(Tensor a, Tensor b) => IcmKernel.TaskCovariance(loadings, taskDiagonal, a, b);

    Tensor RowIndices() => arange(Grid.CheckpointCount, dtype: int64, device: factor.device);

    /// <summary>K⁻¹ (and K⁻¹ with only its same-benchmark entries), computed once and kept while the model lives.</summary>
    Tensor Inverse()
    {
        if (inverse is null)
        {
            inverse = cholesky_inverse(factor).DetachFromDisposeScope();
            if (factorisation is not null) cache?.Offer(factorisation, inverse);
        }
        if (inverseSameBenchmark is null)
        {
            inverseSameBenchmark = (inverse * trainBenchmark.unsqueeze(1).eq(trainBenchmark.unsqueeze(0)).to(float64)).DetachFromDisposeScope();
        }
        return inverse;
    }

    /// <summary>
    /// The cells of some rows read through K⁻¹ and the ICM kernel's structure. For row i with u = (Kx + ηI)[i, x] over the
    /// observations, the covariance of cell (i, j) with them is k_ij = P_i W_jᵀ + [b = j] ⊙ g_i + ρ h_i, with P_i = diag(u) W[b]
    /// (n × r), g_i = u ⊙ v[b] + τ and h_i = [x = i]. So kᵀY for any n-vectors Y is W_j (P_iᵀ Y) + Σ_{t: b_t = j} g_it Y_t + ρ h_iᵀY
    /// (<see cref="Times"/>), and k_ijᵀ K⁻¹ k_ij expands into r × r, per-benchmark and scalar pieces of K⁻¹P_i, K⁻¹h_i and
    /// (K⁻¹ ⊙ [b = b′]) g_i (<see cref="Quadratic"/>): O(n² r) a row where a triangular solve per cell is O(n² M).
    /// </summary>
    sealed class Structure
    {
        readonly ConditionedModel model;
        readonly Tensor u, g, h, wb, shared; // q × n, q × n, q × n, n × r, q (the rows' ρ)
        readonly int q, m;

        public Structure(ConditionedModel model, Tensor rowIndex)
        {
            this.model = model;
            q = (int)rowIndex.shape[0];
            m = model.Grid.BenchmarkCount;
            u = model.stepCov.index_select(0, rowIndex).index_select(1, model.trainCheckpoint);
            g = u * model.taskDiagonal.index_select(0, model.trainBenchmark).unsqueeze(0) + Const(model.bias, u);
            h = rowIndex.unsqueeze(1).eq(model.trainCheckpoint.unsqueeze(0)).to(float64);
            wb = model.loadings.index_select(0, model.trainBenchmark);
            shared = model.shared.index_select(0, rowIndex);
        }

        /// <summary>Σ_{t: b_t = j} values[·, t, ·] for every benchmark j: <c>q × n × p</c> → <c>q × M × p</c>.</summary>
        Tensor PerBenchmark(Tensor values) =>
            zeros(q, m, values.shape[2], dtype: float64, device: values.device).index_add(1, model.trainBenchmark, values, 1);

        /// <summary>k_ijᵀ Y for every cell of the rows and every column of <paramref name="y"/> (<c>n × p</c>): <c>q × M × p</c>.</summary>
        public Tensor Times(Tensor y)
        {
            var pty = einsum("qn,nk,np->qkp", u, wb, y); // P_iᵀ Y: q × r × p
            return einsum("mk,qkp->qmp", model.loadings, pty)
                + PerBenchmark(g.unsqueeze(2) * y.unsqueeze(0))
                + shared.unsqueeze(1).unsqueeze(2) * h.matmul(y).unsqueeze(1);
        }

        /// <summary>k_ijᵀ z_i for row i's own column z_i of <paramref name="z"/> (<c>n × q</c>): <c>q × M</c>.</summary>
        public Tensor RowTimes(Tensor z)
        {
            var zt = z.T; // q × n
            var ptz = (u * zt).matmul(wb); // P_iᵀ z_i: q × r
            return ptz.matmul(model.loadings.T)
                + PerBenchmark((g * zt).unsqueeze(2)).squeeze(2)
                + shared.unsqueeze(1) * (h * zt).sum(dim: 1, keepdim: true);
        }

        /// <summary>k_ijᵀ K⁻¹ k_ij for every cell of the rows: <c>q × M</c>.</summary>
        public Tensor Quadratic()
        {
            var a = model.Inverse();
            int n = (int)a.shape[0], r = (int)wb.shape[1];
            var p = u.unsqueeze(2) * wb.unsqueeze(0); // q × n × r
            var ap = a.matmul(p.permute(1, 0, 2).reshape(n, q * r)).reshape(n, q, r).permute(1, 0, 2); // K⁻¹P_i: q × n × r
            var ah = a.matmul(h.T).T; // (K⁻¹h_i)ᵀ: q × n
            var asg = model.inverseSameBenchmark!.matmul(g.T).T; // ((K⁻¹ ⊙ [b = b′]) g_i)ᵀ: q × n
            var shared = this.shared.unsqueeze(1); // q × 1
            var w = model.loadings; // M × r
            var ptap = einsum("qnk,qnl->qkl", p, ap); // P_iᵀK⁻¹P_i: q × r × r
            var lowRank = einsum("mk,qkl,ml->qm", w, ptap, w);
            var cross = (PerBenchmark(g.unsqueeze(2) * ap) * w.unsqueeze(0)).sum(dim: 2); // W_j Σ_{t∈j} g_t (K⁻¹P_i)_t
            var perBenchmark = PerBenchmark((g * asg).unsqueeze(2)).squeeze(2); // g_jᵀ K⁻¹ g_j over benchmark j's observations
            var hah = (h * ah).sum(dim: 1, keepdim: true);
            var pah = einsum("qnk,qn->qk", p, ah).matmul(w.T); // W_j P_iᵀK⁻¹h_i
            var gah = PerBenchmark((g * ah).unsqueeze(2)).squeeze(2);
            return lowRank + perBenchmark + shared * shared * hah + Const(2.0, a) * cross + Const(2.0, a) * shared * (pah + gah);
        }
    }

    static double[,] ToMatrix(Tensor t, int rows, int columns)
    {
        var flat = t.cpu().data<double>().ToArray();
        var matrix = new double[rows, columns];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(double));
        return matrix;
    }

    public void Dispose()
    {
        foreach (var t in new[]
                 { factor, alpha, trainCheckpoint, trainBenchmark, stepCov, loadings, taskDiagonal, coefficients, coefficientsTimesB, shared,
                   reportedNoise })
            t.Dispose();
        rowSolve?.Dispose();
        inverse?.Dispose();
        inverseSameBenchmark?.Dispose();
    }
}

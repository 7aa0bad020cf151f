using static TorchSharp.torch;

namespace Bomax.Engine.Model;

/// <summary>
/// Whether what earlier runs say about how the benchmarks move together holds for this study, from the study's own cells.
/// Each benchmark the study has evaluated at least twice is predicted from the other benchmarks' cells through the fit's
/// covariance (the joint Gaussian conditional of its block of cells), and, against that, from nothing across benchmarks (the
/// same block's own marginal: the covariance between benchmarks set to zero); <see cref="Nats"/> is the difference of the two
/// log densities summed over those benchmarks. Both are out-of-sample for the block, and the hyperparameters are the same in
/// both, so a fit with more freedom cannot win by fitting the noise: a right prior's covariance predicts a benchmark's cells
/// from its neighbours' better than nothing does (positive), a prior whose benchmarks move otherwise (a metric read the wrong
/// way, another kind of run) predicts them worse (negative). The cells a study evaluates by design, one per benchmark with a
/// prior, standardise to 0 and say nothing: with no benchmark evaluated twice there is nothing to check, and the covariance is
/// not used until there is (<see cref="Unchecked"/> does not hold).
/// </summary>
public sealed record PriorCheck(double Nats, int Benchmarks)
{
    /// <summary>Nothing to check: no benchmark has two cells.</summary>
    public static PriorCheck Unchecked { get; } = new(0, 0);

    /// <summary>Checked, and the earlier runs' covariance predicts the study at least as well as none: a fit uses it.</summary>
    public bool Holds => Benchmarks > 0 && Nats >= 0;

    /// <summary>Whether <paramref name="data"/> has a benchmark with two cells or more, to check a covariance on.</summary>
    internal static bool CanCheck(TrainingSet data) => Blocks(data).Count > 0;

    /// <summary>The cells of each benchmark with two or more, by index into <paramref name="data"/>.</summary>
    static List<long[]> Blocks(TrainingSet data)
    {
        var benchmark = data.Benchmark.cpu().data<long>().ToArray();
        return Enumerable.Range(0, benchmark.Length).GroupBy(i => benchmark[i]).Where(g => g.Count() > 1)
            .Select(g => g.Select(i => (long)i).ToArray()).ToList();
    }

    /// <summary>The check of <paramref name="fit"/> on the study's own <paramref name="data"/> (one run, not stacked).</summary>
    internal static PriorCheck Of(TrainingSet data, Hyperparameters fit, EngineOptions options)
    {
        var blocks = Blocks(data);
        if (blocks.Count == 0) return Unchecked;
        using var scope = NewDisposeScope();
        var raw = tensor(fit.Raw, dtype: float64, device: data.Device);
        var covariance = IcmKernel.Decode(raw, fit, options).Train(data).detach();
        var precision = cholesky_inverse(Cholesky.Factor(covariance));
        var scores = data.Scores.unsqueeze(1);
        var weighted = precision.matmul(scores);
        double nats = 0;
        foreach (var block in blocks)
        {
            var index = tensor(block, device: data.Device);
            // From the other benchmarks: precision P_bb, residual P_bb⁻¹ (P y)_b; log N = −½ rᵀ P_bb r + ½ log det P_bb.
            var blockPrecision = precision.index_select(0, index).index_select(1, index);
            var residual = linalg.solve(blockPrecision, weighted.index_select(0, index));
            double conditional = -0.5 * residual.T.matmul(blockPrecision).matmul(residual).item<double>()
                + 0.5 * linalg.slogdet(blockPrecision).Item2.item<double>();
            // From nothing across benchmarks: the block's own covariance K_bb.
            var own = covariance.index_select(0, index).index_select(1, index);
            var y = scores.index_select(0, index);
            double marginal = -0.5 * y.T.matmul(linalg.solve(own, y)).item<double>() - 0.5 * linalg.slogdet(own).Item2.item<double>();
            nats += conditional - marginal;
        }
        return double.IsFinite(nats) ? new PriorCheck(nats, blocks.Count) : Unchecked;
    }
}

using Bomax.Engine.Grid;

namespace Bomax.Engine.Posterior;

/// <summary>
/// Joint posterior of the checkpoint averages a_i = Σ_j w_j f_ij (raw score units). Observed cells
/// enter with their observed values; unobserved cells with their predictive distribution, cell noise
/// included (the truth is the real score, not a smoothed curve).
/// <see cref="Mean"/>: N; <see cref="Covariance"/>: N × N; <see cref="UnobservedCount"/>: N.
/// </summary>
public sealed record RowPosterior(double[] Mean, double[,] Covariance, int[] UnobservedCount)
{
    public int Count => Mean.Length;
    public double StandardDeviation(int row) => Math.Sqrt(Math.Max(0.0, Covariance[row, row]));

    /// <summary>Each row's mean and variance, without the covariances between rows.</summary>
    public RowMarginals Marginals() => new(Mean, Enumerable.Range(0, Count).Select(i => Covariance[i, i]).ToArray(), UnobservedCount);

    /// <summary>The same means with the covariance multiplied by <paramref name="scale"/> (see <see cref="PrequentialCheck"/>).</summary>
    public RowPosterior Widened(double scale)
    {
        if (scale == 1.0) return this;
        var covariance = (double[,])Covariance.Clone();
        for (int i = 0; i < Count; i++)
            for (int k = 0; k < Count; k++) covariance[i, k] *= scale;
        return this with { Covariance = covariance };
    }

    /// <summary>The mixture of <paramref name="components"/> (the same rows, weights summing to 1) as one Gaussian: the weighted
    /// mean, and the weighted covariance plus the spread of the components' means about it (the law of total covariance).</summary>
    public static RowPosterior Mixture(IReadOnlyList<(RowPosterior Posterior, double Weight)> components)
    {
        var first = components[0].Posterior;
        int n = first.Count;
        var mean = new double[n];
        foreach (var (posterior, weight) in components)
            for (int i = 0; i < n; i++) mean[i] += weight * posterior.Mean[i];
        var covariance = new double[n, n];
        foreach (var (posterior, weight) in components)
            for (int i = 0; i < n; i++)
                for (int k = 0; k < n; k++)
                    covariance[i, k] += weight * (posterior.Covariance[i, k] + (posterior.Mean[i] - mean[i]) * (posterior.Mean[k] - mean[k]));
        return first with { Mean = mean, Covariance = covariance };
    }
}

/// <summary>Each checkpoint average's posterior mean and variance (raw score units): what the acquisition reads. All arrays are N.</summary>
public sealed record RowMarginals(double[] Mean, double[] Variance, int[] UnobservedCount)
{
    public int Count => Mean.Length;
    public double StandardDeviation(int row) => Math.Sqrt(Math.Max(0.0, Variance[row]));
}

/// <summary>
/// Posterior of the cells of some rows (raw score units): predictive <see cref="Mean"/> and
/// <see cref="StandardDeviation"/> of each cell's true score, and <see cref="RowCovariance"/>, the
/// covariance between the cell and its row's average. Arrays are parallel to <see cref="Cells"/>.
/// </summary>
public sealed record CellPosterior(Cell[] Cells, double[] Mean, double[] StandardDeviation, double[] RowCovariance, bool[] Observed);

namespace Bomax.Engine;

/// <summary>
/// The multi-task GP's hyperparameters as one unconstrained vector (what the optimiser moves).
/// Layout: W (M × r, row-major) | raw v (M) | raw lengthscale | raw jitter | raw task bias | raw noise.
/// Positive quantities are softplus(raw) (plus a floor for lengthscale and noise).
/// </summary>
public sealed record Hyperparameters(int Benchmarks, int Rank, double[] Raw)
{
    public int LoadingsLength => Benchmarks * Rank;
    public int DiagonalOffset => LoadingsLength;
    public int LengthscaleIndex => LoadingsLength + Benchmarks;
    public int JitterIndex => LengthscaleIndex + 1;
    public int TaskBiasIndex => LengthscaleIndex + 2;
    public int NoiseIndex => LengthscaleIndex + 3;
    public static int LengthFor(int benchmarks, int rank) => benchmarks * rank + benchmarks + 4;

    /// <summary>A neutral start: benchmarks positively correlated, a lengthscale of a fifth of the run.</summary>
    public static Hyperparameters Initial(int benchmarks, int rank, EngineOptions options)
    {
        var raw = new double[LengthFor(benchmarks, rank)];
        var h = new Hyperparameters(benchmarks, rank, raw);
        for (int j = 0; j < benchmarks; j++)
            for (int k = 0; k < rank; k++)
                raw[j * rank + k] = k == 0 ? 0.8 : 0.1 * ((j + k) % 2 == 0 ? 1 : -1);
        for (int j = 0; j < benchmarks; j++) raw[h.DiagonalOffset + j] = InverseSoftplus(0.2);
        raw[h.LengthscaleIndex] = InverseSoftplus(Math.Max(0.2 - options.LengthscaleFloor, 1e-3));
        raw[h.JitterIndex] = InverseSoftplus(0.05);
        raw[h.TaskBiasIndex] = InverseSoftplus(0.1);
        raw[h.NoiseIndex] = InverseSoftplus(0.05);
        return h;
    }

    /// <summary>Plain values, for reports and tests.</summary>
    public HyperparameterValues Values(EngineOptions options)
    {
        var loadings = Raw.AsSpan(0, LoadingsLength).ToArray();
        var diagonal = Raw.AsSpan(DiagonalOffset, Benchmarks).ToArray().Select(Softplus).ToArray();
        return new HyperparameterValues(
            loadings, diagonal,
            options.LengthscaleFloor + Softplus(Raw[LengthscaleIndex]),
            options.CheckpointJitter ? Softplus(Raw[JitterIndex]) : 0.0,
            Softplus(Raw[TaskBiasIndex]),
            options.NoiseFloor + Softplus(Raw[NoiseIndex]));
    }

    public static double Softplus(double x) => x > 30 ? x : double.LogP1(Math.Exp(x));
    public static double InverseSoftplus(double y) => y > 30 ? y : Math.Log(double.ExpM1(y));
}

/// <summary>Decoded hyperparameters: loadings W (M × r row-major), diagonal v (M), step lengthscale,
/// checkpoint jitter η, task bias τ, noise variance σ² (standardised units).</summary>
public sealed record HyperparameterValues(double[] Loadings, double[] Diagonal, double Lengthscale, double Jitter, double TaskBias, double Noise);

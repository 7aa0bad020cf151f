using TorchSharp;

namespace Bomax.Engine.Model;

/// <summary>
/// The multi-task GP's hyperparameters as one unconstrained vector (what the optimiser moves).
/// Layout: W (M × r, row-major) | raw v (M) | raw lengthscale | raw jitter | raw noise | raw shared jitter | raw warp a | raw warp b.
/// Positive quantities are softplus(raw) (plus a floor for lengthscale and noise).
/// </summary>
public sealed record Hyperparameters(int Benchmarks, int Rank, double[] Raw)
{
    public int LoadingsLength => Benchmarks * Rank;
    public int DiagonalOffset => LoadingsLength;
    public int LengthscaleIndex => LoadingsLength + Benchmarks;
    public int JitterIndex => LengthscaleIndex + 1;
    public int NoiseIndex => LengthscaleIndex + 2;
    public int SharedJitterIndex => LengthscaleIndex + 3;
    public int WarpAIndex => LengthscaleIndex + 4;
    public int WarpBIndex => LengthscaleIndex + 5;
    public static int LengthFor(int benchmarks, int rank) => benchmarks * rank + benchmarks + 6;

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
        raw[h.NoiseIndex] = InverseSoftplus(0.05);
        raw[h.SharedJitterIndex] = InverseSoftplus(0.05);
        raw[h.WarpAIndex] = InverseSoftplus(0.1);
        raw[h.WarpBIndex] = InverseSoftplus(0.1);
        return h;
    }

    /// <summary>Plain values, for reports and tests: the kernel's own decoding (<see cref="IcmKernel.Decode"/>), read back.</summary>
    public HyperparameterValues Values(EngineOptions options) => NativeCalls.WithoutCollections(() =>
    {
        using var scope = torch.NewDisposeScope();
        var kernel = IcmKernel.Decode(torch.tensor(Raw, dtype: torch.float64), this, options);
        static double[] All(torch.Tensor t) => t.cpu().data<double>().ToArray();
        static double One(torch.Tensor? t) => t is null ? 1.0 : t.item<double>(); // only the warps are ever null: no warping, a = b = 1
        return new HyperparameterValues(
            All(kernel.Loadings.flatten()), All(kernel.Diagonal), One(kernel.Lengthscale), One(kernel.Jitter), One(kernel.TaskBias),
            One(kernel.Noise), One(kernel.SharedJitter), One(kernel.WarpA), One(kernel.WarpB));
    });

    /// <summary>The same hyperparameters with each benchmark's row of the benchmark covariance B = W Wᵀ + diag(v) scaled so that its
    /// variance is <paramref name="factors"/>[j] times as large: W's row j times √factor, v[j] times factor (the checkpoint jitter η,
    /// spread by B, with it).</summary>
    public Hyperparameters WithBenchmarkCovarianceScaled(IReadOnlyList<double> factors)
    {
        if (factors.All(f => f == 1)) return this;
        var raw = (double[])Raw.Clone();
        for (int j = 0; j < Benchmarks; j++)
        {
            for (int k = 0; k < Rank; k++) raw[j * Rank + k] *= Math.Sqrt(factors[j]);
            raw[DiagonalOffset + j] = InverseSoftplus(factors[j] * Softplus(raw[DiagonalOffset + j]));
        }
        return this with { Raw = raw };
    }

    /// <summary>The same hyperparameters with the benchmarks coupled <paramref name="coupling"/> times as tightly: the correlations of
    /// the benchmark covariance B = W Wᵀ + diag(v) times coupling², each benchmark's variance kept (W times coupling, v[j] plus
    /// (1 − coupling²) |W's row j|²). The same instance at coupling 1.</summary>
    public Hyperparameters WithBenchmarksCoupled(double coupling)
    {
        if (coupling == 1) return this;
        if (!(coupling is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(coupling), coupling, "a coupling is between 0 and 1");
        var raw = (double[])Raw.Clone();
        for (int j = 0; j < Benchmarks; j++)
        {
            double squares = 0;
            for (int k = 0; k < Rank; k++)
            {
                squares += raw[j * Rank + k] * raw[j * Rank + k];
                raw[j * Rank + k] *= coupling;
            }
            raw[DiagonalOffset + j] = InverseSoftplus(Softplus(raw[DiagonalOffset + j]) + (1 - coupling * coupling) * squares);
        }
        return this with { Raw = raw };
    }

    /// <summary>The same hyperparameters with every trend loading made non-negative (|W|), so that every benchmark's trend moves
    /// with every other's (<see cref="Posterior.CoMovement"/>); the same instance when the loadings already share a sign (W Wᵀ is then
    /// |W| |W|ᵀ).</summary>
    public Hyperparameters WithLoadingsOfOneSign()
    {
        var loadings = Raw.AsSpan(0, LoadingsLength);
        bool anyPositive = false, anyNegative = false;
        foreach (double w in loadings) { anyPositive |= w > 0; anyNegative |= w < 0; }
        if (!(anyPositive && anyNegative)) return this;
        var raw = (double[])Raw.Clone();
        for (int k = 0; k < LoadingsLength; k++) raw[k] = Math.Abs(raw[k]);
        return this with { Raw = raw };
    }

    static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));

    public static double InverseSoftplus(double y) => y > 30 ? y : Math.Log(double.ExpM1(y));
}

/// <summary>Decoded hyperparameters: loadings W (M × r row-major), diagonal v (M), step lengthscale,
/// checkpoint jitter η (spread by B), benchmark intercept variance τ, noise variance σ², and the
/// checkpoint jitter ρ shared equally by all benchmarks (standardised units), and the Kumaraswamy
/// warping x ↦ 1 − (1 − x^a)^b of the normalised step (a = b = 1: no warping).</summary>
public sealed record HyperparameterValues(double[] Loadings, double[] Diagonal, double Lengthscale, double Jitter, double TaskBias, double Noise,
    double SharedJitter, double WarpA = 1.0, double WarpB = 1.0);

using Bomax.Engine.Posterior;
using static Bomax.Engine.Model.Constants;
using static TorchSharp.torch;

namespace Bomax.Engine.Model;

/// <summary>
/// The intrinsic coregionalisation kernel with a checkpoint-level jitter and a per-benchmark intercept:
/// k((x,t),(x′,t′)) = (k_x(x,x′) + η δ(x,x′)) · B[t,t′] + ρ δ(x,x′) + τ δ(t,t′), with B = W Wᵀ + diag(v),
/// plus observation noise σ² on the diagonal. η δ B is checkpoint jitter shaped like the trends; ρ δ is
/// jitter that moves every benchmark of a checkpoint together (a checkpoint that is good everywhere). Every tensor is float64;
/// shapes are in the comments.
/// </summary>
internal sealed record IcmKernel(Tensor Loadings, Tensor Diagonal, Tensor Lengthscale, Tensor Jitter, Tensor TaskBias, Tensor Noise,
    Tensor SharedJitter, Tensor? WarpA, Tensor? WarpB, StepKernel Kind, bool HasJitter)
{
    /// <summary>ρ at each checkpoint (length N) where a report's widened posterior reads it wider at some checkpoints than at others
    /// (<see cref="StepCrowding"/>); null: <see cref="SharedJitter"/> at every checkpoint. <see cref="Covariance"/> reads it; a fit
    /// (<see cref="Train"/>) never has it.</summary>
    public Tensor? SharedJitterByCheckpoint { get; init; }

    /// <summary>Decodes the raw vector <c>P</c> (differentiable) into kernel parameters.</summary>
    public static IcmKernel Decode(Tensor raw, Hyperparameters layout, EngineOptions options)
    {
        int m = layout.Benchmarks, r = layout.Rank;
        var loadings = raw.narrow(0, 0, m * r).reshape(m, r);
        var diagonal = nn.functional.softplus(raw.narrow(0, layout.DiagonalOffset, m));
        var lengthscale = nn.functional.softplus(raw[layout.LengthscaleIndex]) + Const(options.LengthscaleFloor, raw);
        var jitter = options.CheckpointJitter ? nn.functional.softplus(raw[layout.JitterIndex]) : zeros_like(raw[layout.JitterIndex]);
        var bias = tensor(options.InterceptVariance, dtype: raw.dtype, device: raw.device);
        var noise = nn.functional.softplus(raw[layout.NoiseIndex]) + Const(options.NoiseFloor, raw);
        var shared = options.CheckpointJitter ? nn.functional.softplus(raw[layout.SharedJitterIndex]) : zeros_like(raw[layout.SharedJitterIndex]);
        // a ≤ 1 and b ≥ 1 keep the warping concave: it may stretch the start of the run, never squash it.
        Tensor? warpA = options.InputWarping ? exp(-nn.functional.softplus(raw[layout.WarpAIndex])) : null;
        Tensor? warpB = options.InputWarping ? Const(1.0, raw) + nn.functional.softplus(raw[layout.WarpBIndex]) : null;
        return new IcmKernel(loadings, diagonal, lengthscale, jitter, bias, noise, shared, warpA, warpB, options.Kernel, options.CheckpointJitter);
    }

    /// <summary>B[a, b] for benchmark indices <paramref name="a"/> (A) and <paramref name="b"/> (B): <c>A x B</c>, from the
    /// loadings' rows, never forming the M × M matrix (a 4 × 5,000 table spent minutes of a fit on it).</summary>
    public Tensor TaskCovariance(Tensor a, Tensor b) => TaskCovariance(Loadings, Diagonal, a, b);

    /// <summary>B[a, b] = W[a] W[b]ᵀ + [a = b] v[a], for loadings W (M × r) and diagonal v (M).</summary>
    public static Tensor TaskCovariance(Tensor loadings, Tensor diagonal, Tensor a, Tensor b) =>
        loadings.index_select(0, a).matmul(loadings.index_select(0, b).T)
        + a.unsqueeze(1).eq(b.unsqueeze(0)).to(loadings.dtype) * diagonal.index_select(0, a).unsqueeze(1);

    /// <summary>Step kernel between normalised steps <c>a</c> (length A) and <c>b</c> (length B): <c>A x B</c>.</summary>
    public Tensor Step(Tensor a, Tensor b)
    {
        var r = (Warp(a).unsqueeze(1) - Warp(b).unsqueeze(0)).abs() / Lengthscale;
        switch (Kind)
        {
            case StepKernel.Rbf:
                return exp(r * r * Const(-0.5, r));
            case StepKernel.Matern32:
                var t = r * Const(Math.Sqrt(3.0), r);
                return (Const(1.0, t) + t) * exp(-t);
            default:
                var s = r * Const(Math.Sqrt(5.0), r);
                return (Const(1.0, s) + s + s * s * Const(1.0 / 3.0, s)) * exp(-s);
        }
    }

    /// <summary>
    /// Kumaraswamy CDF warping of normalised steps, 1 − (1 − x^a)^b: learning curves move fast early
    /// and slowly late, which a stationary kernel on the raw step cannot follow.
    /// </summary>
    public Tensor Warp(Tensor x)
    {
        if (WarpA is null || WarpB is null) return x;
        var one = Const(1.0, x);
        var clamped = minimum(maximum(x, Const(1e-6, x)), Const(1 - 1e-6, x));
        return one - pow(one - pow(clamped, WarpA), WarpB);
    }

    /// <summary>Covariance between the points <paramref name="a"/> and <paramref name="b"/> without observation noise, <c>A x B</c>,
    /// on the normalised <paramref name="steps"/> of every checkpoint: what <see cref="Train"/> is off its diagonal, for any two sets.</summary>
    public Tensor Covariance(Tensor steps, PointIndices a, PointIndices b)
    {
        var sameCheckpoint = a.Checkpoint.unsqueeze(1).eq(b.Checkpoint.unsqueeze(0)).to(float64);
        var sameBenchmark = a.Benchmark.unsqueeze(1).eq(b.Benchmark.unsqueeze(0)).to(float64);
        var kx = Step(steps.index_select(0, a.Checkpoint), steps.index_select(0, b.Checkpoint)) + Jitter * sameCheckpoint;
        var shared = SharedJitterByCheckpoint is null
            ? SharedJitter * sameCheckpoint
            : sameCheckpoint * SharedJitterByCheckpoint.index_select(0, a.Checkpoint).unsqueeze(1);
        return kx * TaskCovariance(a.Benchmark, b.Benchmark) + shared + TaskBias * sameBenchmark;
    }

    /// <summary>Covariance of the training observations with noise, <c>n x n</c>.</summary>
    public Tensor Train(TrainingSet data)
    {
        var steps = Step(data.Steps, data.Steps);
        var kx = steps.index_select(0, data.Checkpoint).index_select(1, data.Checkpoint) + Jitter * data.SameCheckpoint;
        var rows = Loadings.index_select(0, data.Benchmark);
        var b = rows.matmul(rows.T) + data.SameBenchmark * Diagonal.index_select(0, data.Benchmark).unsqueeze(1);
        // Runs stacked into one set are independent: their trends do not meet (checkpoints and intercepts are already per run).
        var trend = data.SameRun is null ? kx * b : kx * b * data.SameRun;
        return trend + SharedJitter * data.SameCheckpoint + TaskBias * data.SameBenchmark + diag(Noise + data.KnownNoise);
    }

    /// <summary>Weak priors (negative log density, up to a constant) that keep sparse fits stable.</summary>
    public Tensor NegativeLogPrior()
    {
        static Tensor LogNormal(Tensor value, double median, double spread)
        {
            var z = (log(value) - Const(Math.Log(median), value)) / Const(spread, value);
            return (z * z).sum() * Const(0.5, value);
        }
        return (Loadings * Loadings).sum() * Const(0.5, Loadings)
            + LogNormal(Diagonal, 0.1, 1.5)
            + LogNormal(Lengthscale, 0.25, 1.0)
            + (HasJitter ? LogNormal(Jitter, 0.05, 1.5) + LogNormal(SharedJitter, 0.05, 1.5) : zeros_like(Jitter))
            + LogNormal(Noise, 0.1, 1.5)
            + (WarpA is null || WarpB is null ? zeros_like(Noise) : LogNormal(WarpA, 1.0, 0.75) + LogNormal(WarpB, 1.0, 0.75));
    }
}

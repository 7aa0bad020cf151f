using TorchSharp;
using static TorchSharp.torch;

namespace Bomax.Engine;

/// <summary>
/// The intrinsic coregionalisation kernel with a checkpoint-level jitter and a per-benchmark bias:
/// k((x,t),(x′,t′)) = (k_x(x,x′) + η δ(x,x′)) · B[t,t′] + τ δ(t,t′), with B = W Wᵀ + diag(v),
/// plus observation noise σ² on the diagonal. Every tensor is float64; shapes are in the comments.
/// </summary>
internal sealed record IcmKernel(Tensor Loadings, Tensor Diagonal, Tensor Lengthscale, Tensor Jitter, Tensor TaskBias, Tensor Noise, StepKernel Kind, bool HasJitter)
{
    /// <summary>Decodes the raw vector <c>P</c> (differentiable) into kernel parameters.</summary>
    public static IcmKernel Decode(Tensor raw, Hyperparameters layout, EngineOptions options)
    {
        int m = layout.Benchmarks, r = layout.Rank;
        var loadings = raw.narrow(0, 0, m * r).reshape(m, r);
        var diagonal = nn.functional.softplus(raw.narrow(0, layout.DiagonalOffset, m));
        var lengthscale = nn.functional.softplus(raw[layout.LengthscaleIndex]) + options.LengthscaleFloor;
        var jitter = options.CheckpointJitter ? nn.functional.softplus(raw[layout.JitterIndex]) : raw[layout.JitterIndex] * 0.0;
        var bias = nn.functional.softplus(raw[layout.TaskBiasIndex]);
        var noise = nn.functional.softplus(raw[layout.NoiseIndex]) + options.NoiseFloor;
        return new IcmKernel(loadings, diagonal, lengthscale, jitter, bias, noise, options.Kernel, options.CheckpointJitter);
    }

    /// <summary>Task covariance B, <c>M x M</c>.</summary>
    public Tensor TaskCovariance() => Loadings.matmul(Loadings.T) + diag(Diagonal);

    /// <summary>Step kernel between normalised steps <c>a</c> (length A) and <c>b</c> (length B): <c>A x B</c>.</summary>
    public Tensor Step(Tensor a, Tensor b)
    {
        var r = (a.unsqueeze(1) - b.unsqueeze(0)).abs() / Lengthscale;
        if (Kind == StepKernel.Rbf) return exp(-0.5 * r * r);
        var s = Math.Sqrt(5.0) * r;
        return (1.0 + s + s * s / 3.0) * exp(-s);
    }

    /// <summary>Covariance of the training observations with noise, <c>n x n</c>.</summary>
    public Tensor Train(TrainingSet data)
    {
        var steps = Step(data.Steps, data.Steps);
        var kx = steps.index_select(0, data.Checkpoint).index_select(1, data.Checkpoint) + Jitter * data.SameCheckpoint;
        var b = TaskCovariance().index_select(0, data.Benchmark).index_select(1, data.Benchmark);
        return kx * b + TaskBias * data.SameBenchmark + diag(Noise + data.KnownNoise);
    }

    /// <summary>Weak priors (negative log density, up to a constant) that keep sparse fits stable.</summary>
    public Tensor NegativeLogPrior()
    {
        static Tensor LogNormal(Tensor value, double median, double spread)
        {
            var z = (log(value) - Math.Log(median)) / spread;
            return 0.5 * (z * z).sum();
        }
        return 0.5 * (Loadings * Loadings).sum()
            + LogNormal(Diagonal, 0.1, 1.5)
            + LogNormal(Lengthscale, 0.25, 1.0)
            + (HasJitter ? LogNormal(Jitter, 0.05, 1.5) : Jitter * 0.0)
            + LogNormal(TaskBias, 0.1, 1.5)
            + LogNormal(Noise, 0.1, 1.5);
    }
}

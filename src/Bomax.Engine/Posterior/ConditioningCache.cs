using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using static Bomax.Engine.Model.Constants;
using static TorchSharp.torch;

namespace Bomax.Engine.Posterior;

/// <summary>
/// The last conditioning's Cholesky factor of the training covariance, and K⁻¹ once a model formed it, kept from one round to
/// the next so that the next round extends them by its new observations: O(n² k) for k new observations where conditioning
/// from scratch is O(n³) (at 5,000 observations of a 50 × 2,000 grid, 3.5 s for the factor and 6.9 s for K⁻¹, one thread).
/// It is used only when the next conditioning is of the same fit (hyperparameters, standardisation scale, options) and its
/// observations begin with the cached ones, cell by cell and known noise by known noise; anything else conditions from scratch
/// and takes its place. A cache, nothing more: a model conditioned through it equals one conditioned from scratch up to
/// rounding (<c>ConditioningCacheTests</c>). One per study loop (a run, a replayed seed), disposed with it; not thread-safe.
/// Models hold their own handles on the tensors (LibTorch counts references), so replacing the cached factor never pulls
/// one from under a model still in use.
/// </summary>
public sealed class ConditioningCache(int extendFrom = ConditioningCache.ExtendFrom) : IDisposable
{
    /// <summary>
    /// The fewest observations a cached factor must hold to be extended. Below it conditioning from scratch is cheap (under a
    /// tenth of a second), and it keeps a study's numbers bit for bit what they were: an extended factor equals the one made
    /// from scratch only up to rounding, and on the shared 121 × 71 table that rounding moved two picks of ten at 2 % (the
    /// search is that sensitive to near-ties).
    /// </summary>
    public const int ExtendFrom = 1000;

    Factorisation? last;

    /// <summary>Conditionings that extended the cached factor (reused it whole when nothing was new); the tests read it.</summary>
    public int Extended { get; private set; }

    /// <summary>Conditionings that factorised from scratch (the first, and each after a refit or a changed history).</summary>
    public int FromScratch { get; private set; }

    /// <summary>The factor for <paramref name="points"/> under <paramref name="key"/>: the cached one extended when it is a
    /// prefix, else one from <paramref name="fromScratch"/> (the whole training covariance); the cache then holds the result.</summary>
    internal Factorisation Factor(FactorKey key, TrainingPoints points, PointCovariance covariance, double noise, Func<Tensor> fromScratch)
    {
        var extended = last is { } previous && previous.Points.Count >= extendFrom && previous.Key.Matches(key) && previous.Points.IsPrefixOf(points)
            ? previous.Extend(points, covariance, noise)
            : null;
        if (extended is null) FromScratch++; else Extended++;
        var result = extended ?? Factorisation.Of(key, points, fromScratch());
        if (!ReferenceEquals(result, last))
        {
            last?.Dispose();
            last = result;
        }
        return result;
    }

    /// <summary>Keeps K⁻¹ that a model formed from <paramref name="factorisation"/>, when that is still the cached one.</summary>
    internal void Offer(Factorisation factorisation, Tensor inverse)
    {
        if (ReferenceEquals(factorisation, last) && last.Inverse is null) last.Inverse = inverse.alias().DetachFromDisposeScope();
    }

    public void Dispose()
    {
        last?.Dispose();
        last = null;
    }
}

/// <summary>What a factor belongs to: the raw hyperparameters and the options that shape the kernel (the known noise, which
/// the standardisation sets, is compared point by point). Compared by value, so a fit read back from disk matches the one it
/// was written from.</summary>
internal sealed record FactorKey(double[] Raw, EngineOptions Options)
{
    public bool Matches(FactorKey other) =>
        Raw.AsSpan().SequenceEqual(other.Raw) && Options with { Threads = 1, Seed = 0 } == other.Options with { Threads = 1, Seed = 0 };
}

/// <summary>The observations as the training covariance sees them: checkpoint, benchmark and known noise of each, in order.</summary>
internal sealed record TrainingPoints(long[] Checkpoints, long[] Benchmarks, double[] KnownNoise)
{
    public int Count => Checkpoints.Length;

    public static TrainingPoints Of(IReadOnlyList<Observation> observations, Standardisation standardisation) =>
        new(observations.Select(o => (long)o.Cell.Checkpoint).ToArray(), observations.Select(o => (long)o.Cell.Benchmark).ToArray(),
            observations.Select(o => TrainingSet.KnownNoiseOf(o, standardisation)).ToArray());

    public bool IsPrefixOf(TrainingPoints other) =>
        Count <= other.Count
        && Checkpoints.AsSpan().SequenceEqual(other.Checkpoints.AsSpan(0, Count))
        && Benchmarks.AsSpan().SequenceEqual(other.Benchmarks.AsSpan(0, Count))
        && KnownNoise.AsSpan().SequenceEqual(other.KnownNoise.AsSpan(0, Count));

    public TrainingPoints Skip(int count) => new(Checkpoints[count..], Benchmarks[count..], KnownNoise[count..]);

    /// <summary>Each of the <paramref name="benchmarks"/>' reported noise variance: the mean of <see cref="KnownNoise"/> over its
    /// points (0 for a benchmark none of whose scores came with a standard error). An evaluation not yet made is expected to
    /// report as much: an lm-eval task's standard error depends on its size and the score, which change little between
    /// checkpoints.</summary>
    public double[] KnownNoiseByBenchmark(int benchmarks)
    {
        var sum = new double[benchmarks];
        var count = new int[benchmarks];
        for (int k = 0; k < Count; k++)
        {
            sum[Benchmarks[k]] += KnownNoise[k];
            count[Benchmarks[k]]++;
        }
        return sum.Select((total, j) => count[j] > 0 ? total / count[j] : 0.0).ToArray();
    }

    public PointIndices On(Device device) => new(tensor(Checkpoints, dtype: int64, device: device), tensor(Benchmarks, dtype: int64, device: device));
}

/// <summary>Checkpoint and benchmark indices of some training points, as tensors.</summary>
internal sealed record PointIndices(Tensor Checkpoint, Tensor Benchmark);

/// <summary>The kernel's covariance between two sets of points, without observation noise: <c>A × B</c>.</summary>
internal delegate Tensor PointCovariance(PointIndices a, PointIndices b);

/// <summary>
/// L with L Lᵀ = K + εI for the training covariance K of some points (ε: the jitter <see cref="Cholesky.Factor"/> needed, kept so
/// an extension adds the same), and K⁻¹ of the same once formed. Owns its tensors (outside any dispose scope).
/// </summary>
internal sealed class Factorisation : IDisposable
{
    public FactorKey Key { get; }
    public TrainingPoints Points { get; }
    public Tensor Factor { get; }
    public double Jitter { get; }
    public Tensor? Inverse { get; set; }

    Factorisation(FactorKey key, TrainingPoints points, Tensor factor, double jitter, Tensor? inverse)
    {
        Key = key; Points = points; Factor = factor; Jitter = jitter; Inverse = inverse;
    }

    public static Factorisation Of(FactorKey key, TrainingPoints points, Tensor covariance)
    {
        var (factor, jitter) = Cholesky.FactorWithJitter(covariance);
        return new Factorisation(key, points, factor.DetachFromDisposeScope(), jitter, null);
    }

    /// <summary>
    /// The factor of <paramref name="points"/>, which begin with this one's: with K₁₂ the covariance of the old points with the
    /// k new ones and K₂₂ the new ones' own (noise and jitter on its diagonal), L₂₁ = (L⁻¹K₁₂)ᵀ and L₂₂ = chol(K₂₂ − L₂₁L₂₁ᵀ);
    /// and when K⁻¹ is known, the bordered inverse: with A = K⁻¹K₁₂ and S⁻¹ the inverse of that Schur complement,
    /// [[K⁻¹ + A S⁻¹ Aᵀ, −A S⁻¹], [−S⁻¹ Aᵀ, S⁻¹]]. Null when the Schur complement is not numerically positive definite (the
    /// caller factorises from scratch, with more jitter if it needs it). This one itself when there is nothing new.
    /// <paramref name="covariance"/> gives K between two sets of points, without noise.
    /// </summary>
    public Factorisation? Extend(TrainingPoints points, PointCovariance covariance, double noise)
    {
        int old = Points.Count, added = points.Count - old;
        if (added == 0) return this;
        if (old == 0) return null;
        using var scope = NewDisposeScope();
        var device = Factor.device;
        var (before, fresh) = (Points.On(device), points.Skip(old).On(device));
        var freshNoise = tensor(points.KnownNoise[old..], dtype: float64, device: device);
        var crossOld = covariance(before, fresh); // old × k
        var own = covariance(fresh, fresh) + diag(freshNoise + Const(noise + Jitter, freshNoise));
        var l21t = linalg.solve_triangular(Factor, crossOld, upper: false); // L⁻¹K₁₂: old × k
        var (l22, info) = linalg.cholesky_ex(own - l21t.T.matmul(l21t));
        if (info.item<int>() != 0) return null;
        var factor = cat([cat([Factor, zeros(old, added, dtype: float64, device: device)], 1), cat([l21t.T, l22], 1)], 0);
        Tensor? inverse = null;
        if (Inverse is not null)
        {
            var a = Inverse.matmul(crossOld); // K⁻¹K₁₂: old × k
            var schurInverse = cholesky_inverse(l22);
            var aS = a.matmul(schurInverse);
            inverse = cat([cat([Inverse + aS.matmul(a.T), -aS], 1), cat([-aS.T, schurInverse], 1)], 0).DetachFromDisposeScope();
        }
        return new Factorisation(Key, points, factor.DetachFromDisposeScope(), Jitter, inverse);
    }

    public void Dispose()
    {
        Factor.Dispose();
        Inverse?.Dispose();
    }
}

using Bomax.Engine.Posterior;

namespace Bomax.Engine.Model;

/// <summary>The stationary kernel over the normalised training step. Matérn-3/2 is the default: smoother kernels flatten the
/// curve's top, where the best checkpoints are, and read its runners-up low (docs/measurements.md#matern32).</summary>
public enum StepKernel { Matern52, Rbf, Matern32 }

/// <summary>How an unobserved cell's worth is scored.</summary>
public enum AcquisitionRule
{
    /// <summary>BOMAX: EI of the row average with the spread w_j σ_ij of the cell alone.</summary>
    CellExpectedImprovement,
    /// <summary>EI of the row average with the spread of the row's posterior mean after seeing the cell
    /// (|cov(a_i, f_ij)| / σ_ij): counts what the cell says about the row's other benchmarks.</summary>
    RowExpectedImprovement,
    /// <summary>Row first: the checkpoint whose average has the highest EI if it were fully known
    /// (EI(S_i − S*, sd(a_i))), then its benchmark that says most about that average
    /// (max |cov(a_i, f_ij)| / σ_ij). Less myopic: a spike needs several cells before it shows.</summary>
    RowFirst,
}

/// <summary>
/// Modelling choices of the engine. The defaults are what the replay benchmark supports (see docs/measurements.md):
/// task covariance of rank 1, floors on noise and lengthscale, a checkpoint-level jitter term.
/// </summary>
public sealed record EngineOptions
{
    public StepKernel Kernel { get; init; } = StepKernel.Matern32;
    /// <summary>Rank of the learned task covariance B = W Wᵀ + diag(v); 0 means automatic (1).</summary>
    public int TaskRank { get; init; } = 0;
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
    /// <summary>Lower bound of the observation noise variance, in standardised units.</summary>
    public double NoiseFloor { get; init; } = 0.02;
    /// <summary>Lower bound of the step lengthscale, as a fraction of the step range.</summary>
    public double LengthscaleFloor { get; init; } = 0.05;
    /// <summary>
    /// Prior variance of each benchmark's level (standardised units), a fixed, broad random intercept:
    /// the level is then estimated from the data jointly with the shared curve instead of being taken
    /// as the mean of wherever that benchmark happened to be observed.
    /// </summary>
    public double InterceptVariance { get; init; } = 1.0;
    /// <summary>
    /// Learn a concave warping of the step axis (Kumaraswamy CDF), for curves that change faster early than late.
    /// Off by default: fitted on a few cells per benchmark it stretches the start of the run until the
    /// early checkpoints look independent, and the replay measured worse picks with it (see docs/engine.md).
    /// </summary>
    public bool InputWarping { get; init; }
    /// <summary>Model checkpoint-level deviations shared across benchmarks (δ(x,x′) in the step kernel).</summary>
    public bool CheckpointJitter { get; init; } = true;
    /// <summary>Widen the reported posterior (P(best), intervals) by the held-out check of the latest observations
    /// (<see cref="PrequentialCheck"/>).</summary>
    public bool PredictiveCheck { get; init; } = true;
    /// <summary>P(best), the shortfalls and a study's final intervals are pooled over this many Laplace draws of the hyperparameters
    /// besides the fit (<see cref="Model.HyperparameterDraws"/>, <see cref="Study.Decision"/>); 0 reads the fitted posterior's.</summary>
    public int HyperparameterDraws { get; init; } = 8;
    /// <summary>
    /// A report's intervals read the checkpoint jitter shared by every benchmark (ρ) up to this many times as wide
    /// (<see cref="Study.Decision"/>): this factor where checkpoints crowd onto one step, 1 where they are evenly spaced, and in
    /// between as they crowd (<see cref="Posterior.StepCrowding"/>); 1 reports the fitted model's everywhere. The fit reads ρ from
    /// the cells the search chose, mostly the leaders'; checkpoints crowded into a sliver of the run (a log-spaced start) read as
    /// one point of the step kernel's curve, and those the search left alone stray from it further than their cells can show. A
    /// checkpoint's cells pin its own ρ down, so the widening falls on the crowded checkpoints with few of them.
    /// </summary>
    public double IntervalJitterScale { get; init; } = 6.0;
    /// <summary>
    /// A report's intervals read each benchmark's covariance widened by how much further its scores spread over the whole run
    /// than over the cells the search chose (<see cref="Posterior.RunSpread"/>, <see cref="Study.Decision"/>); off reports the
    /// fitted covariance.
    /// </summary>
    public bool IntervalRunSpread { get; init; } = true;
    /// <summary>
    /// A report's intervals also pool posteriors in which every benchmark's trend moves with every other's, weighted by how far the
    /// study's cells crowd one part of the run (<see cref="Posterior.CoMovement"/>, <see cref="Study.Decision"/>); off reports the
    /// fitted benchmark covariance's signs alone.
    /// </summary>
    public bool IntervalCoMovement { get; init; } = true;
    public AcquisitionRule Acquisition { get; init; } = AcquisitionRule.RowFirst;
    /// <summary>Monte Carlo draws for the probability that each checkpoint is the best.</summary>
    public int ProbabilitySamples { get; init; } = 4096;
    /// <summary>L-BFGS iterations for the first fit and for warm-started refits.</summary>
    public int FirstFitIterations { get; init; } = 100;
    public int RefitIterations { get; init; } = 30;
    /// <summary>At most this many observations inform a hyperparameter fit (a seeded subset above it; see <see cref="FitSample"/>).</summary>
    public int FitObservationLimit { get; init; } = 2000;

    /// <summary>A study of more observations than this reads P(best) at the fitted coupling of the benchmarks
    /// (<see cref="Posterior.VarianceScales.Coupling"/>): a looser coupling is conditioned from scratch, three times in each held-out
    /// check and again at every decision that reads P(best), and past the conditioning cache's threshold
    /// (<see cref="Posterior.ConditioningCache.ExtendFrom"/>) that is seconds each (11.6 s at 5,000 observations).</summary>
    public int CouplingObservationLimit { get; init; } = Posterior.ConditioningCache.ExtendFrom;
    public int Seed { get; init; } = 0;
    /// <summary>Earlier runs of the same recipe whose likelihood joins every fit (<see cref="EarlierRuns"/>); none by default.</summary>
    public EarlierRuns? Earlier { get; init; }
    /// <summary>
    /// LibTorch's intra-op threads while this engine fits and conditions. One by default: the engine runs beside the
    /// evaluations it starts and on shared CI machines, where LibTorch's default (every core, spinning OpenMP waits)
    /// was measured ten times slower under contention, and a study's matrices are small enough that one thread loses
    /// little when the machine is idle (see docs/measurements.md, "The engine's threads").
    /// </summary>
    public int Threads { get; init; } = 1;

    public int ResolvedTaskRank(int benchmarks) => Math.Clamp(TaskRank <= 0 ? 1 : TaskRank, 1, Math.Max(1, benchmarks));
}

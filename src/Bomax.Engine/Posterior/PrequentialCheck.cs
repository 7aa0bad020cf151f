using Bomax.Engine.Model;

namespace Bomax.Engine.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// An out-of-sample check of the model's spread, and the variance scale that makes what the engine
/// reports about it (P(best), intervals) honest.
/// Hyperparameters fitted by marginal likelihood on a couple of cells per benchmark take noise for
/// smooth structure, and each refit re-explains the newest cells the same way, so the model judged on
/// the cells it has seen looks calibrated while it misses the next cells it chooses by several standard
/// deviations (measured on the shared table: mean z² of 3–10 for the chosen cells). The check holds
/// back the latest <see cref="Window"/> observations (in the order they were made), fits the
/// hyperparameters on the ones before, and predicts each held-back observation from everything before
/// it (<see cref="ConditionedModel.LatestMisses"/>: the one-step-ahead misses read from the Cholesky
/// factor of all observations in order, conditioned with the held-back hyperparameters). The mean of
/// z² over the held-back cells, shrunk toward 1 with the weight of <see cref="PriorCount"/>, is the
/// factor by which the reported posterior
/// covariance is widened (scaling the whole kernel, noise included, moves no posterior mean). Never
/// below 1: the check widens, it does not sharpen. The search keeps the fitted posterior: widening it
/// as well spread the budget over too many checkpoints (150 × 40 synthetic, 5 %: median regret 0.53 %
/// against 0.16 %). It needs only the observations in order, so a run, a resumed run and the report
/// compute the same scale from the same journal.
/// </summary>
public static class PrequentialCheck
{
    /// <summary>At most this many of the latest observations are held back (at most a quarter of all).</summary>
    public const int Window = 50;
    /// <summary>Fewer held-back observations than this leave the scale at 1: too few to judge.</summary>
    public const int SmallestWindow = 10;
    /// <summary>Weight of the prior belief that the model is calibrated (z² = 1), in observations.</summary>
    public const double PriorCount = 10;
    /// <summary>One miss counts at most this much, so a single wild score (a broken evaluation) cannot decide the scale.</summary>
    public const double LargestSquare = 100;
    public const double MaximumScale = 100;

    public static int WindowFor(int observations) => Math.Min(Window, observations / 4);

    /// <summary>The variance scale for <paramref name="fit"/> (fitted on all <paramref name="observations"/>, given in the order they
    /// were made); 1 when <see cref="EngineOptions.PredictiveCheck"/> is off. Costs one warm-started fit on the earlier observations.</summary>
    public static double VarianceScale(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options) =>
        NativeCalls.WithoutCollections(() => Compute(grid, observations, fit, options));

    static double Compute(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options)
    {
        int window = WindowFor(observations.Count);
        if (!options.PredictiveCheck || window < SmallestWindow) return 1.0;
        var earlier = observations.Take(observations.Count - window).ToList();
        var heldBack = HyperparameterFit.Fit(grid, earlier, options, fit.Hyperparameters, options.RefitIterations);
        try
        {
            using var model = ConditionedModel.Condition(grid, observations, heldBack, options);
            return VarianceScale(model.LatestMisses(window));
        }
        catch (ModelFitException) { return 1.0; }
    }

    /// <summary>(Σ min(z², <see cref="LargestSquare"/>) + <see cref="PriorCount"/>) / (count + <see cref="PriorCount"/>), between 1 and
    /// <see cref="MaximumScale"/>.</summary>
    public static double VarianceScale(IReadOnlyList<double> misses) =>
        Math.Clamp((misses.Sum(z => Math.Min(z * z, LargestSquare)) + PriorCount) / (misses.Count + PriorCount), 1.0, MaximumScale);
}

namespace Bomax.Engine;

/// <summary>
/// When to re-optimise hyperparameters: after every k new observations. Statistically k = n/80 (at
/// least 1): once the data has grown by about 1.25 %, hyperparameters may have moved, so the number of
/// refits grows with the logarithm of the data while they still follow it early on. Past 1000
/// observations a fit costs more than a round's acquisition (about 9 s at the 2000 observations a fit
/// sees at most, 2 cores), so k grows with the fit's cost, the square of its sample size in thousands:
/// n = 2000 → k = 100, n = 4000 → k = 200. In between, the model is re-conditioned on the new
/// observations with the last hyperparameters, which is exact.
/// </summary>
public static class RefitSchedule
{
    public static int Interval(int observations, int fitObservationLimit = int.MaxValue)
    {
        double sample = Math.Min(observations, fitObservationLimit) / 1000.0;
        return Math.Max(1, (int)Math.Round(observations / 80.0 * Math.Max(1.0, sample * sample)));
    }

    /// <summary>Whether to refit: never fitted, the interval reached, or fewer observations than the last fit saw (they were not
    /// these).</summary>
    public static bool IsDue(int observations, int observationsAtLastFit, int fitObservationLimit = int.MaxValue) =>
        observationsAtLastFit <= 0 || observations < observationsAtLastFit
        || observations - observationsAtLastFit >= Interval(observations, fitObservationLimit);
}

namespace Bomax.Engine.Model;

/// <summary>
/// When to re-optimise hyperparameters: after every k new observations. Statistically k = n/80 (at
/// least 1): once the data has grown by about 1.25 %, hyperparameters may have moved, so the number of
/// refits grows with the logarithm of the data while they still follow it early on. Past 1000
/// observations a fit costs more than many rounds (a likelihood evaluation grows with the cube of the fit's
/// sample: 0.3 s at 1,200 observations, 1.3 s at 2,000, 10 s at 4,000 — see <see cref="FitSample"/>; a warm refit
/// at the 2,000 a fit sees at most took 100 s on a 50 × 2,000 grid, where a round between refits took 2–4 s), so k grows
/// with that cost, the cube of the sample size in thousands: n = 2000 → k = 200, n = 4000 → k = 400 (with the square, a
/// refit every 9 rounds of 16 made a round 13 s on average). In between, the model is re-conditioned on the new
/// observations with the last hyperparameters, which is exact; the hyperparameters of a sample of thousands move little
/// with a tenth more data.
/// </summary>
public static class RefitSchedule
{
    public static int Interval(int observations, int fitObservationLimit = int.MaxValue)
    {
        double sample = Math.Min(observations, fitObservationLimit) / 1000.0;
        return Math.Max(1, (int)Math.Round(observations / 80.0 * Math.Max(1.0, sample * sample * sample)));
    }

    /// <summary>Whether to refit: never fitted, the interval reached, or fewer observations than the last fit saw (they were not
    /// these).</summary>
    public static bool IsDue(int observations, int observationsAtLastFit, int fitObservationLimit = int.MaxValue) =>
        observationsAtLastFit <= 0 || observations < observationsAtLastFit
        || observations - observationsAtLastFit >= Interval(observations, fitObservationLimit);
}

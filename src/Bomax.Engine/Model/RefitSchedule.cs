namespace Bomax.Engine;

/// <summary>
/// When to re-optimise hyperparameters: after every k new observations, k = n/80 (at least 1): once the
/// data has grown by about 1.25 %, so the number of refits grows with the logarithm of the data, not
/// linearly, while hyperparameters still follow the data early on. In between, the model is
/// re-conditioned on the new observations with the last hyperparameters, which is exact and cheap.
/// </summary>
public static class RefitSchedule
{
    public static int Interval(int observations) => Math.Max(1, (int)Math.Round(observations / 80.0));

    public static bool IsDue(int observations, int observationsAtLastFit) =>
        observationsAtLastFit <= 0 || observations - observationsAtLastFit >= Interval(observations);
}

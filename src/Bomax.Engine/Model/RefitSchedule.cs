namespace Bomax.Engine;

/// <summary>
/// When to re-optimise hyperparameters: after every k new observations, k growing with the data
/// (1 early, up to 10 from about 800 observations). In between, the model is re-conditioned on the new
/// observations with the last hyperparameters, which is exact and cheap.
/// </summary>
public static class RefitSchedule
{
    public static int Interval(int observations) => Math.Clamp((int)Math.Round(observations / 80.0), 1, 10);

    public static bool IsDue(int observations, int observationsAtLastFit) =>
        observationsAtLastFit <= 0 || observations - observationsAtLastFit >= Interval(observations);
}

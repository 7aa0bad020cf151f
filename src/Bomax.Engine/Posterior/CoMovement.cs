namespace Bomax.Engine.Posterior;

/// <summary>
/// How much of a report's posterior reads the benchmarks' trends as moving together where the study did not look. The benchmark
/// covariance is fitted where the cells are, and a search crowds them around the leaders, where the benchmarks barely move and
/// their loadings take signs from small bumps: on the 121 × 20 cut at 30 % (726 cells) two to sixteen of twenty loadings had the
/// other sign, while over the whole run eighteen of the twenty benchmarks follow its average (correlation 0.5–0.98), and the run's
/// fall after its peak reached the unevaluated benchmarks only as far as those signs let it (docs/measurements.md#co-movement).
/// Over a whole run, benchmarks scored higher-is-better mostly rise and fall with training together, but not always (a run that
/// forgets one skill while learning another), so neither reading is assumed: the report pools the posteriors of the fitted
/// loadings with those of the same loadings made one sign (<see cref="Model.Hyperparameters.WithLoadingsOfOneSign"/>), the latter
/// with the weight of the share of the run's spread that the study's cells miss, 1 − 1 / (the mean of the
/// <see cref="RunSpread"/> ratios): none when the cells sample the run evenly, a third to two fifths when the search crowded
/// them (the large studies; 0.02–0.25 on Pythia's 27 × 8 runs).
/// </summary>
public static class CoMovement
{
    /// <summary>The weight of the one-sign posteriors, in [0, 1): 0 for no ratios or ratios of 1.</summary>
    public static double Weight(IReadOnlyList<double> runSpread) =>
        runSpread.Count == 0 ? 0.0 : Math.Max(0.0, 1.0 - 1.0 / runSpread.Average());
}

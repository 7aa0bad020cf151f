namespace Bomax.Engine.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// Where a run's checkpoints lie closer together on the step axis than evenly spaced ones would, and how much wider a report's
/// posteriors read the checkpoint jitter shared by every benchmark (ρ) there (<see cref="Model.EngineOptions.IntervalJitterScale"/>,
/// <see cref="Study.Decision"/>). The step kernel is stationary and its lengthscale has a floor (a twentieth of the run), so
/// checkpoints crowded into a sliver of the run (Pythia's log-spaced start: thirteen of 27 checkpoints in its first 2 %, where
/// the truth climbs from chance) read as one point of the curve, and only the jitter tells them apart; fitted from the cells the
/// search chose, mostly the leaders', it is too small there, and those checkpoints' intervals missed (mean square 11–15 on Pythia
/// 70m). Where checkpoints are evenly spaced the curve itself separates them and the fitted ρ stands: widened everywhere, the
/// intervals of the shared table's cuts held 96–100 % of the true averages against the 95 % they state
/// (docs/measurements.md#crowded-steps).
/// </summary>
public static class StepCrowding
{
    /// <summary>Each checkpoint's crowding in [0, 1] (length N): 1 − its gap to its neighbours (half the distance from the one
    /// before to the one after; the one gap at either end) over the gap of evenly spaced checkpoints, never below 0. Evenly
    /// spaced checkpoints give 0 everywhere; a checkpoint whose neighbours sit on its own step gives 1.</summary>
    public static double[] Of(Grid grid)
    {
        int n = grid.CheckpointCount;
        var crowding = new double[n];
        var steps = grid.Checkpoints.Select(c => c.Step).ToArray(); // ordered by step
        double span = steps[^1] - steps[0];
        if (n < 3 || span <= 0) return crowding;
        for (int i = 0; i < n; i++)
        {
            // The gap over the even one, (gap · (n − 1)) / span, in whole steps until the one division: evenly spaced steps give 1 exactly.
            double twiceGap = i == 0 ? 2.0 * (steps[1] - steps[0])
                : i == n - 1 ? 2.0 * (steps[n - 1] - steps[n - 2])
                : steps[i + 1] - steps[i - 1];
            crowding[i] = Math.Max(0.0, 1.0 - twiceGap * (n - 1) / (2.0 * span));
        }
        return crowding;
    }

    /// <summary>The factor on ρ at each checkpoint (length N): 1 + (<paramref name="scale"/> − 1) × its crowding, so
    /// <paramref name="scale"/> where checkpoints crowd onto one step and 1 where they are evenly spaced; null when every factor is
    /// 1 (nothing to widen).</summary>
    public static double[]? JitterFactors(Grid grid, double scale)
    {
        var factors = Of(grid).Select(c => 1.0 + (scale - 1.0) * c).ToArray();
        return factors.All(f => f == 1.0) ? null : factors;
    }
}

namespace Bomax.Engine;

/// <summary>
/// A decision from the observations: the model (conditioned on them; the caller disposes it), the joint posterior of the
/// checkpoint averages widened by the held-out check, the selection, and the planner state it leaves (for the next decision).
/// </summary>
public sealed record Decision(ConditionedModel Model, RowPosterior Rows, double Scale, Selection Selection, PlannerState State, bool Refitted) : IDisposable
{
    public void Dispose() => Model.Dispose();
}

/// <summary>
/// fit → condition → widen → select, as one function. The fit is the previous one when the refit schedule says it is not
/// due (<see cref="RefitSchedule"/>, as a run's rounds do), a warm-started refit when it is, and a cold fit with no previous
/// state; so a report made from the run's last state gives the decision the run's stop rule saw, without a cold refit. The
/// held-out check's scale is kept with the fit likewise (the run recomputes it only at refits).
/// </summary>
public static class StudyDecision
{
    public static Decision Decide(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options, PlannerState previous, int runnersUp = 5) =>
        NativeCalls.WithoutCollections(() =>
        {
            int rank = options.ResolvedTaskRank(grid.BenchmarkCount);
            var known = previous.Fit is { } f && f.Hyperparameters.Benchmarks == grid.BenchmarkCount && f.Hyperparameters.Rank == rank ? f : null;
            bool refit = known is null || RefitSchedule.IsDue(observations.Count, previous.FittedAt, options.FitObservationLimit);
            var fit = refit
                ? HyperparameterFit.Fit(grid, observations, options, known?.Hyperparameters)
                : known! with { Standardisation = Standardisation.From(grid.BenchmarkCount, observations) };
            var model = ConditionedModel.Condition(grid, observations, fit, options);
            try
            {
                double scale = !refit && previous.Scale is { } kept ? kept : PrequentialCheck.VarianceScale(grid, observations, fit, options);
                var rows = model.Rows().Widened(scale);
                var selection = Selection.From(grid, rows, options.ProbabilitySamples, options.Seed, runnersUp);
                return new Decision(model, rows, scale, selection, new PlannerState(fit, refit ? observations.Count : previous.FittedAt) { Scale = scale }, refit);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        });
}

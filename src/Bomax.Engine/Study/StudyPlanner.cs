using Bomax.Engine.Acquisition;
using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Study;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>What the planner carries from one round to the next: the last fit and how many observations it saw.</summary>
public sealed record PlannerState(ModelFit? Fit, int FittedAt)
{
    public static PlannerState Empty { get; } = new(null, 0);

    /// <summary>The held-out check's variance scales for this fit (<see cref="PrequentialCheck"/>), when they were computed; like the
    /// fit, they hold until the next refit.</summary>
    public VarianceScales? Scales { get; init; }

    /// <summary>The Laplace draws of the hyperparameters (<see cref="HyperparameterDraws"/>) that P(best) and a report's intervals are
    /// pooled over, when they were computed; they serve the next rounds, moved with each refit, until the study has doubled
    /// (<see cref="KeptDraws"/>).</summary>
    public KeptDraws? Draws { get; init; }
}

/// <summary>
/// One round's plan: the cells to evaluate next (distinct, at most the count asked for), and — once the model has been
/// fitted — the <see cref="Engine.Study.Decision"/> they were chosen from (its selection is what the round's stop rules read).
/// Dispose the plan: the decision holds the conditioned model.
/// </summary>
public sealed record Plan(IReadOnlyList<Cell> Next, Decision? Decision, PlannerState Start,
    double FitSeconds = 0, double AcquireSeconds = 0) : IDisposable
{
    /// <summary>What the next round starts from (the decision's state, with its held-out scale once it was asked for).</summary>
    public PlannerState State => Decision?.State ?? Start;

    public bool Refitted => Decision?.Refitted ?? false;

    public void Dispose() => Decision?.Dispose();
}

/// <summary>
/// The study loop's pure core: read the observations, decide the next cells. The initial design comes
/// first; then the round's decision (<see cref="StudyDecision.Decide"/>: refitted when due, conditioned once) is asked
/// for a batch. A batch of q cells is chosen one at a time, each time pretending the cells already chosen
/// were observed at their posterior mean (the "kriging believer"), so the batch spreads out instead of
/// piling onto one spot; believing a cell leaves every mean where it was and shrinks the covariances by
/// a low-rank update, so the batch costs one factorisation, not q.
/// </summary>
public static class StudyPlanner
{
    /// <summary>The next <paramref name="count"/> cells of a study of <paramref name="budget"/> evaluations (null: no budget; it sizes the
    /// initial design, <see cref="InitialDesign.Cells"/>). <paramref name="pending"/> are cells being evaluated elsewhere (leased by
    /// another worker): never chosen, and believed at their posterior mean like the batch's own cells, so the batch spreads around them.
    /// <paramref name="cache"/>: the study loop's, so each round extends the last round's factor (<see cref="ConditioningCache"/>).
    /// <paramref name="costs"/>: seconds per evaluation of each benchmark, for choices per expected second
    /// (<see cref="AverageImprovement.Best"/>; null: cost-blind). The initial design does not read them.
    /// <paramref name="timeBudgetSeconds"/>: each benchmark's expected seconds per evaluation when the study's evaluation time is
    /// limited (<c>budget.max-eval-hours</c>), whether or not the choices are valued per second: what is left of the initial design
    /// then goes cheapest benchmark first (<see cref="InitialDesign.CheapestFirst"/>).
    /// </summary>
    public static Plan Next(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options, int initialPerBenchmark, int? budget,
        int count, IReadOnlySet<Cell> exclude, PlannerState state, Func<double>? clock = null, IReadOnlyCollection<Cell>? pending = null,
        ConditioningCache? cache = null, BenchmarkCosts? costs = null, IReadOnlyList<double>? timeBudgetSeconds = null) =>
        NativeCalls.WithoutCollections(() =>
            Choose(grid, observations, options, initialPerBenchmark, budget, count, exclude, state, clock, pending ?? [], cache, costs,
                timeBudgetSeconds));

    static Plan Choose(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options, int initialPerBenchmark, int? budget,
        int count, IReadOnlySet<Cell> exclude, PlannerState state, Func<double>? clock, IReadOnlyCollection<Cell> pending, ConditioningCache? cache,
        BenchmarkCosts? costs, IReadOnlyList<double>? timeBudgetSeconds)
    {
        if (costs is not null && costs.Seconds.Count != grid.BenchmarkCount)
            throw new ArgumentException($"{costs.Seconds.Count} costs for {grid.BenchmarkCount} benchmarks", nameof(costs));
        if (timeBudgetSeconds is not null && timeBudgetSeconds.Count != grid.BenchmarkCount)
            throw new ArgumentException($"{timeBudgetSeconds.Count} expected seconds for {grid.BenchmarkCount} benchmarks",
                nameof(timeBudgetSeconds));
        clock ??= () => 0.0;
        var observed = observations.Select(o => o.Cell).ToHashSet();
        var elsewhere = pending.Where(c => !observed.Contains(c)).Distinct().ToList();
        var elsewhereSet = elsewhere.ToHashSet();
        bool Open(Cell c) => !observed.Contains(c) && !exclude.Contains(c) && !elsewhereSet.Contains(c);
        var open = InitialDesign.Cells(grid, initialPerBenchmark, options.Seed, budget).Where(Open);
        var design = (timeBudgetSeconds is null ? open : InitialDesign.CheapestFirst(open, timeBudgetSeconds)).ToList();
        // The initial design: no model yet, no decision. With nothing observed there is nothing to fit,
        // so a batch larger than the design is filled by spreading further. (A count of 0 asks only for
        // the posterior.)
        if (observations.Count == 0)
            return new Plan(design.Concat(InitialDesign.Continuation(grid, initialPerBenchmark, options.Seed).Where(Open))
                .Distinct()
                .Take(count)
                .ToList(), null, state);
        if (count > 0 && design.Count >= count)
            return new Plan(design.Take(count).ToList(), null, state);

        double start = clock();
        var decision = StudyDecision.Decide(grid, observations, options, state, cache);
        double fitted = clock();
        try
        {
            // What is left of the design goes first, believed like the rest of the batch.
            var chosen = design.Take(count).ToList();
            var taken = new HashSet<Cell>(observed);
            taken.UnionWith(exclude);
            taken.UnionWith(elsewhereSet);
            taken.UnionWith(chosen);
            var model = decision.Model;
            while (chosen.Count < count)
            {
                var believed = elsewhere.Count == 0 ? chosen : [.. elsewhere, .. chosen];
                var suggestion = AverageImprovement.Best(model, model.Marginals(believed), options.Acquisition, taken, believed, costs);
                if (suggestion is null) break;
                chosen.Add(suggestion.Cell);
                taken.Add(suggestion.Cell);
            }
            return new Plan(chosen, decision, state, fitted - start, clock() - fitted);
        }
        catch
        {
            decision.Dispose();
            throw;
        }
    }
}

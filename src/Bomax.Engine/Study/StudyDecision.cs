using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Study;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid
using Bomax.Engine.Selection; // inside the namespace, or Selection would mean the namespace Bomax.Engine.Selection

/// <summary>
/// A decision from the observations: the model conditioned on them (the caller disposes the decision), the held-out check's variance
/// scales (<see cref="VarianceScales"/>), the joint posterior of the checkpoint averages widened by the bulk's scale (what the ranking
/// reads), the same pooled over Laplace draws of the hyperparameters (<see cref="HyperparameterDraws"/>) with the benchmarks coupled
/// as the check found them and scaled by the bulk of its misses so coupled (what the expected shortfalls and the stop rules read;
/// P(best) reads it as the Student t the check fitted to those misses, <see cref="VarianceScales.Student"/>; the shortfall quantile
/// and <c>stop.prob-best</c>'s P(best) read the same draws widened to the tails' scale), and the selection. A report's intervals (<see
/// cref="Rows"/>, <see cref="SelectForReport"/>) come from the fitted posterior pooled over the same draws (widened by the tails'
/// scale): a study that has seen a few cells of each benchmark knows its hyperparameters only roughly, and the intervals of the
/// checkpoints it left mostly unevaluated missed the truth more often than they said (on ten grids they held 79 % of the true
/// averages, pooled 86 %). Each of the intervals' posteriors reads the checkpoint jitter shared by every benchmark up to <see
/// cref="EngineOptions.IntervalJitterScale"/> times as wide where checkpoints crowd onto one step (<see cref="StepCrowding"/>): there
/// the step kernel reads them as one point and the ones a search leaves alone stray from the fitted curve more than the cells it chose
/// show (a log-spaced start), and each benchmark's covariance widened by how much further its scores spread over the whole run than
/// over the cells the search chose (<see cref="RunSpread"/>: on studies of 700 cells the intervals held 85.5 % and 90.2 % instead of
/// 81.7 % and 87.5 %). The ranking reads the fitted posterior alone: pooled, picks moved both ways (docs/measurements.md). The scales,
/// the draws, the posteriors and the selection are computed when first asked for (a round that only chooses cells needs none of them),
/// and <see cref="State"/> carries the scales and the draws once known, so the next decisions reuse them: the scales until the next
/// refit, the draws until the study has doubled (<see cref="KeptDraws"/>).
/// </summary>
public sealed class Decision : IDisposable
{
    readonly PlannerState fitted;
    readonly EngineOptions options;
    readonly Lazy<VarianceScales> scales;
    readonly Lazy<KeptDraws> drawn;
    readonly Lazy<IReadOnlyList<Hyperparameters>> draws;
    readonly Lazy<RowPosterior> ranking;
    readonly Lazy<RowPosterior> probability;
    readonly Lazy<RowPosterior> rows;

    internal Decision(ConditionedModel model, PlannerState fitted, bool refitted, IReadOnlyList<Observation> observations, EngineOptions options)
    {
        Model = model;
        Refitted = refitted;
        this.fitted = fitted;
        this.options = options;
        scales = new(() => fitted.Scales ?? PrequentialCheck.Scales(model.Grid, observations, model.Fit, options));
        drawn = new(() => fitted.Draws is { } kept && kept.Serve(observations.Count, model.Fit.Hyperparameters)
            ? kept
            : new(model.Fit.Hyperparameters, HyperparameterDraws.Of(model.Grid, observations, model.Fit, options, options.HyperparameterDraws),
                observations.Count));
        draws = new(() => drawn.Value.MovedTo(model.Fit.Hyperparameters, observations.Count));
        ranking = new(() => NativeCalls.WithoutCollections(() => model.Rows().Widened(scales.Value.Ranking)));
        probability = new(() => NativeCalls.WithoutCollections(() => Probability(model, observations, draws.Value, scales.Value, options)));
        rows = new(() => NativeCalls.WithoutCollections(() =>
            (options.HyperparameterDraws > 0 || options.IntervalJitterScale != 1 || options.IntervalRunSpread || options.IntervalCoMovement
                ? Pooled(model, observations, draws.Value, options)
                : model.Rows())
                .Widened(scales.Value.Tails)));
    }

    /// <summary>The posterior of the averages pooled over the fit and <see cref="EngineOptions.HyperparameterDraws"/> draws of its
    /// hyperparameters (<see cref="HyperparameterDraws"/>), each with its shared checkpoint jitter times each checkpoint's factor
    /// (<see cref="StepCrowding.JitterFactors"/>) and its benchmark covariance times the study's <see cref="RunSpread"/> ratios
    /// (when <see cref="EngineOptions.IntervalRunSpread"/>), and each also with its loadings made one sign, with the
    /// <see cref="CoMovement"/> weight (when <see cref="EngineOptions.IntervalCoMovement"/>): the mixture's means and covariance. The
    /// fit's alone (so widened) when there are no draws (a study too large to draw for).</summary>
    static RowPosterior Pooled(ConditionedModel model, IReadOnlyList<Observation> observations, IReadOnlyList<Hyperparameters> draws,
        EngineOptions options)
    {
        var hyperparameters = new List<Hyperparameters> { model.Fit.Hyperparameters };
        hyperparameters.AddRange(draws);
        var ratios = options.IntervalRunSpread || options.IntervalCoMovement
            ? RunSpread.Ratios(model.Grid, observations, model.Fit.Standardisation)
            : null;
        var spread = options.IntervalRunSpread ? ratios! : Enumerable.Repeat(1.0, model.Grid.BenchmarkCount).ToArray();
        double together = options.IntervalCoMovement ? CoMovement.Weight(ratios!) : 0.0;
        var jitter = StepCrowding.JitterFactors(model.Grid, options.IntervalJitterScale);
        var fitted = new List<RowPosterior>();
        var oneSign = new List<RowPosterior>();
        foreach (var drawn in hyperparameters)
        {
            var widened = drawn.WithBenchmarkCovarianceScaled(spread);
            var rows = Rows(widened);
            if (rows is not null) fitted.Add(rows);
            if (together == 0) continue;
            var aligned = widened.WithLoadingsOfOneSign();
            var alignedRows = ReferenceEquals(aligned, widened) ? rows : Rows(aligned);
            if (alignedRows is not null) oneSign.Add(alignedRows);
        }
        if (fitted.Count == 0) return model.Rows();
        if (oneSign.Count == 0) together = 0;
        var components = fitted.Select(r => (r, (1 - together) / fitted.Count))
            .Concat(oneSign.Select(r => (r, together / oneSign.Count)))
            .ToList();
        return components.Count == 1 ? fitted[0] : RowPosterior.Mixture(components);

        RowPosterior? Rows(Hyperparameters widened) =>
            jitter is null && ReferenceEquals(widened, model.Fit.Hyperparameters)
                ? model.Rows()
                : RowsWith(model, observations, widened, options, jitter);
    }

    /// <summary>What P(best) and the shortfalls read: the posterior of the averages pooled over the fit and the Laplace draws of its
    /// hyperparameters (<paramref name="draws"/>), each with the benchmarks coupled as the held-out check found them
    /// (<see cref="VarianceScales.Coupling"/>), scaled by the bulk of the check's misses so coupled (<see cref="VarianceScales.CoupledBulk"/>,
    /// below 1 where the check found the model too wide). A study that has seen a few cells of each benchmark knows its
    /// hyperparameters only roughly, and P(best) read from the fit alone on grids of 40 checkpoints or more was too sure: picks stated
    /// 0.71 were the best 59 % of the time (docs/measurements.md#pbest-draws). Components whose conditioning fails are left out; the
    /// fit's alone when there are no draws (a study too large to draw for).</summary>
    static RowPosterior Probability(ConditionedModel model, IReadOnlyList<Observation> observations, IReadOnlyList<Hyperparameters> draws,
        VarianceScales scales, EngineOptions options)
    {
        var components = new List<RowPosterior>();
        foreach (var hyperparameters in draws.Prepend(model.Fit.Hyperparameters))
        {
            var coupled = hyperparameters.WithBenchmarksCoupled(scales.Coupling);
            var rows = ReferenceEquals(coupled, model.Fit.Hyperparameters) ? model.Rows() : RowsWith(model, observations, coupled, options);
            if (rows is not null) components.Add(rows);
        }
        var pooled = components.Count switch
        {
            0 => model.Rows(),
            1 => components[0],
            _ => RowPosterior.Mixture(components.Select(r => (r, 1.0 / components.Count)).ToList()),
        };
        return pooled.Widened(scales.CoupledBulk);
    }

    /// <summary>The averages' posterior conditioned afresh on <paramref name="observations"/> with <paramref name="hyperparameters"/> in
    /// place of the fit's (and each checkpoint's shared jitter times <paramref name="jitter"/>, when given); null when that
    /// conditioning fails or its means are not finite.</summary>
    static RowPosterior? RowsWith(ConditionedModel model, IReadOnlyList<Observation> observations, Hyperparameters hyperparameters,
        EngineOptions options, IReadOnlyList<double>? jitter = null)
    {
        try
        {
            using var other = ConditionedModel.Condition(model.Grid, observations, model.Fit with { Hyperparameters = hyperparameters }, options,
                sharedJitterFactors: jitter);
            var rows = other.Rows();
            return rows.Mean.All(double.IsFinite) ? rows : null;
        }
        catch (ModelFitException) { return null; }
    }

    public ConditionedModel Model { get; }

    /// <summary>Whether this decision refitted the hyperparameters (else it kept the previous state's).</summary>
    public bool Refitted { get; }

    /// <summary>The held-out check's variance scales (<see cref="PrequentialCheck"/>): the previous state's until a refit.</summary>
    public VarianceScales Scales => scales.Value;

    /// <summary>The joint posterior of the checkpoint averages whose intervals every report shows: the fitted posterior pooled over
    /// draws of the hyperparameters, widened by the tails' scale (computed when first asked for: a few seconds on small grids).</summary>
    public RowPosterior Rows => rows.Value;

    /// <summary>The fitted posterior of the averages widened by the bulk's scale (<see cref="Scales"/>): what the ranking, P(best), the
    /// shortfalls and the stop rules read.</summary>
    public RowPosterior RankingRows => ranking.Value;

    /// <summary>The posterior P(best) and the shortfalls are drawn from: <see cref="RankingRows"/> with the benchmarks coupled as the
    /// held-out check found them (<see cref="VarianceScales.Coupling"/>; the same posterior at the fitted coupling).</summary>
    public RowPosterior ProbabilityRows => probability.Value;

    /// <summary>The pick and its runners-up, ranked by <see cref="RankingRows"/>, with P(best) and the shortfalls by the options' seeded
    /// draws from <see cref="ProbabilityRows"/>: what a round's progress and stop rules read.</summary>
    public Selection Select(int runnersUp = 5) =>
        Selection.From(Model.Grid, RankingRows, options.ProbabilitySamples, options.Seed, runnersUp, tailWidening: Scales.TailsOverBulk,
            probability: ProbabilityRows, student: Student);

    /// <summary>The same selection with each standing's estimate and interval from <see cref="Rows"/>: what a report shows.</summary>
    public Selection SelectForReport(int runnersUp = 5) =>
        Selection.From(Model.Grid, RankingRows, options.ProbabilitySamples, options.Seed, runnersUp, intervals: Rows,
            tailWidening: Scales.TailsOverBulk, probability: ProbabilityRows, student: Student);

    /// <summary>How P(best) reads <see cref="ProbabilityRows"/>: as the Student t the check fitted to its misses
    /// (<see cref="VarianceScales.Student"/>), its scale relative to the bulk's that <see cref="ProbabilityRows"/> carries; null (the
    /// Gaussian they are) without one.</summary>
    StudentSpread? Student => Scales.Student is { } t ? t with { Scale = t.Scale / Scales.CoupledBulk } : null;

    /// <summary>The share of the options' seeded draws from <see cref="Rows"/> (the posterior a report's intervals are read from) in
    /// which <paramref name="checkpoint"/> is the largest: what confirms a <c>stop.prob-best</c> (<see cref="StopRule.Confident"/>).</summary>
    public double ProbabilityBestInIntervals(int checkpoint) =>
        Selection.Draw(Rows, options.ProbabilitySamples, options.Seed).ProbabilityBest[checkpoint];

    /// <summary>What the next decision starts from: this fit, when it was made, and the scales and the draws once they are known.</summary>
    public PlannerState State => fitted with
    {
        Scales = scales.IsValueCreated ? scales.Value : fitted.Scales,
        Draws = drawn.IsValueCreated ? drawn.Value : fitted.Draws,
    };

    public void Dispose() => Model.Dispose();
}

/// <summary>
/// fit → condition → widen → select, as one function for every command. <see cref="Decide"/> refits when the refit schedule
/// says so (<see cref="RefitSchedule"/>; warm from the previous state's fit, cold with none) and otherwise re-conditions with
/// the previous hyperparameters and keeps their held-out scale, as a run's rounds do. <see cref="Final"/> is a study's last
/// word: the same, but with the held-out check made afresh on every observation — what a run prints when it has spent its
/// budget and what the replay measures at each budget. (A warm refit forced there as well picked the same checkpoints on
/// the shared table, 5 seeds at 2 % and 5 %, for one more fit.) Its state, kept beside the journal, lets <c>report</c>
/// and <c>suggest</c> of the same journal decide exactly as the run printed, without refitting.
/// Between refits the observations are standardised afresh; the training covariance does not depend on that unless scores
/// carry standard errors (their known noise is the error over the benchmark's scale), so a study loop's
/// <see cref="ConditioningCache"/> extends the last factor instead of factorising again whenever the known noise of the
/// observations it has already seen is unchanged. (Keeping the fit's scales between refits instead, so that it always is,
/// changed picks on the shared table without making them better: 5 %, seeds 0–9, mean regret 0.088 % against 0.072 %.)
/// </summary>
public static class StudyDecision
{
    public static Decision Decide(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options, PlannerState previous,
        ConditioningCache? cache = null) =>
        Make(grid, observations, options, previous, final: false, cache);

    public static Decision Final(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options, PlannerState previous,
        ConditioningCache? cache = null) =>
        Make(grid, observations, options, previous, final: true, cache);

    static Decision Make(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options, PlannerState previous, bool final,
        ConditioningCache? cache) =>
        NativeCalls.WithoutCollections(() =>
        {
            int rank = options.ResolvedTaskRank(grid.BenchmarkCount);
            var known = previous.Fit is { } f && f.Hyperparameters.Benchmarks == grid.BenchmarkCount && f.Hyperparameters.Rank == rank ? f : null;
            bool refit = known is null || RefitSchedule.IsDue(observations.Count, previous.FittedAt, options.FitObservationLimit);
            var fit = refit
                ? HyperparameterFit.Fit(grid, observations, options, known?.Hyperparameters)
                : known! with
                {
                    Standardisation = Standardisation.From(grid.BenchmarkCount, observations, Standardisation.EarlierUnitsOf(known, options)),
                };
            var draws = final ? null : previous.Draws; // kept draws serve the rounds, moved with each refit (KeptDraws)
            var state = refit
                ? new PlannerState(fit, observations.Count) { Draws = draws }
                : previous with { Fit = fit, Scales = final ? null : previous.Scales, Draws = draws };
            var model = ConditionedModel.Condition(grid, observations, fit, options, cache);
            return new Decision(model, state, refit, observations, options);
        });
}

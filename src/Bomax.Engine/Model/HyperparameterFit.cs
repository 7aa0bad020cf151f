using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using TorchSharp;

namespace Bomax.Engine.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>How a hyperparameter fit ended: objective (NLL + prior), its gradient norm, and the work it took.</summary>
public sealed record FitReport(double Objective, double GradientNorm, int Evaluations, bool Converged, string Outcome)
{
    /// <summary>With earlier runs: whether their benchmark covariance held for the study (<see cref="PriorCheck"/>); when it did not, or
    /// could not be checked yet, this fit's benchmark covariance is the study's own and only the curve's shape is theirs. Null without
    /// earlier runs.</summary>
    public PriorCheck? Prior { get; init; }
}

/// <summary>A fitted model: the hyperparameters and the standardisation they belong to.</summary>
public sealed record ModelFit(Hyperparameters Hyperparameters, Standardisation Standardisation, FitReport Report);

/// <summary>
/// Maximum a posteriori hyperparameters by L-BFGS with a line search (MathNet.Numerics) on TorchSharp's
/// value and gradient. Warm starts from the previous fit; on failure retries from the neutral start,
/// then keeps the starting point (the caller still gets a usable model) and says so in the report.
/// </summary>
public static class HyperparameterFit
{
    public static ModelFit Fit(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options, Hyperparameters? warmStart = null,
        int? iterations = null)
    {
        var own = Standardisation.From(grid.BenchmarkCount, observations);
        int rank = options.ResolvedTaskRank(grid.BenchmarkCount);
        var neutral = Hyperparameters.Initial(grid.BenchmarkCount, rank, options);
        var earlier = options.Earlier is { IsEmpty: false } runs ? runs : null;
        bool warm = warmStart is { } w && w.Benchmarks == grid.BenchmarkCount && w.Rank == rank;
        // Without a warm start, a study with earlier runs starts where they alone lead.
        var start = warm ? warmStart! : earlier?.Alone(grid.BenchmarkCount, rank, options) ?? neutral;
        int limit = iterations ?? (warm ? options.RefitIterations : options.FirstFitIterations);
        if (observations.Count == 0 || limit == 0)
            return new ModelFit(start, own, new FitReport(double.NaN, double.NaN, 0, false, "not optimised"));

        if (iterations is null && ReferenceEquals(start, neutral)
            && Math.Min(observations.Count, options.FitObservationLimit) > ColdStartObservations)
            return CoarseToFine(grid, observations, options);

        using var scope = torch.NewDisposeScope();
        var sample = FitSample.Of(observations, options.FitObservationLimit, options.Seed + observations.Count);
        TorchDevice.UseThreads(options.Threads);
        var device = TorchDevice.Resolve(options.Device);
        var ownSet = (TrainingSet.Build(grid, sample.Observations, own, device), 1.0);
        if (earlier is not null && !PriorCheck.CanCheck(ownSet.Item1))
            return TheirCurveOnly([ownSet], earlier, options, own, sample.LeftOut, PriorCheck.Unchecked);
        // The shared fit reads the study in the earlier runs' units (Standardisation.From), the ones their hyperparameters are in; a
        // fit whose check fails keeps the study's own, as it keeps its own benchmark covariance.
        var standardisation = earlier is null ? own : Standardisation.From(grid.BenchmarkCount, observations, earlier);
        var sets = new List<(TrainingSet, double)>
        {
            earlier is null ? ownSet : (TrainingSet.Build(grid, sample.Observations, standardisation, device), 1.0),
        };
        if (earlier is not null) sets.AddRange(EarlierSets(earlier, device));
        var attempts = ReferenceEquals(start, neutral) ? new[] { start } : new[] { start, neutral };
        string failure = "";
        foreach (var attempt in attempts)
        {
            try
            {
                var (raw, report) = Minimise(sets, attempt, options, limit, sample.LeftOut);
                var fitted = attempt with { Raw = raw };
                if (earlier is not null)
                {
                    var check = PriorCheck.Of(sets[0].Item1, fitted, options);
                    if (!check.Holds) return TheirCurveOnly([ownSet], earlier, options, own, sample.LeftOut, check);
                    report = report with { Prior = check };
                }
                return new ModelFit(ReferenceEquals(attempt, neutral) ? LeftOutAsTypical(fitted, sample.LeftOut) : fitted, standardisation, report);
            }
            catch (ModelFitException e) { failure = e.Message; }
        }
        return new ModelFit(start, own, new FitReport(double.NaN, double.NaN, 0, false, "fit failed, kept the starting point: " + failure));
    }

    /// <summary>
    /// The fit when the earlier runs' benchmark covariance is not to be trusted (<paramref name="check"/>: it predicted the study's
    /// cells worse than independent benchmarks, or no benchmark has two cells to check it on): the curve's shape — lengthscale,
    /// checkpoint jitters, noise, warping — is what the earlier runs give alone (<see cref="EarlierRuns.Alone"/>) and stays fixed,
    /// while the benchmark covariance (loadings and diagonal) is fitted on the study's own cells (<paramref name="own"/>) from the
    /// neutral start: benchmarks positively correlated, as without a prior, not the earlier runs' covariance the study contradicted.
    /// A later fit checks again.
    /// </summary>
    static ModelFit TheirCurveOnly(IReadOnlyList<(TrainingSet, double)> own, EarlierRuns earlier, EngineOptions options,
        Standardisation standardisation, IReadOnlySet<int> leftOut, PriorCheck check)
    {
        int benchmarks = standardisation.Mean.Length, rank = options.ResolvedTaskRank(benchmarks);
        var alone = earlier.Alone(benchmarks, rank, options);
        var neutral = Hyperparameters.Initial(benchmarks, rank, options);
        var raw = (double[])alone.Raw.Clone();
        Array.Copy(neutral.Raw, raw, neutral.LengthscaleIndex); // the loadings and the diagonal come first
        var start = alone with { Raw = raw };
        var curve = Enumerable.Range(start.LengthscaleIndex, start.Raw.Length - start.LengthscaleIndex).ToArray();
        string why = check.Benchmarks == 0
            ? "no benchmark has two cells to check it on"
            : FormattableString.Invariant($"it predicted the study {-check.Nats:0.0} nats worse than independent benchmarks");
        try
        {
            var (fitted, report) = Minimise(own, start, options, options.FirstFitIterations, leftOut, curve);
            return new ModelFit(start with { Raw = fitted }, standardisation,
                report with { Prior = check, Outcome = $"{report.Outcome}; earlier runs' benchmark covariance set aside ({why}), their curve kept" });
        }
        catch (ModelFitException e)
        {
            return new ModelFit(start, standardisation,
                new FitReport(double.NaN, double.NaN, 0, false, "fit failed, kept the earlier runs' curve: " + e.Message) { Prior = check });
        }
    }

    /// <summary>The hyperparameters <paramref name="earlier"/> runs give on their own, fitted from the neutral start (see
    /// <see cref="EarlierRuns.Alone"/>; the neutral start itself when the fit fails).</summary>
    internal static Hyperparameters FitEarlierRuns(EarlierRuns earlier, int benchmarks, int rank, EngineOptions options)
    {
        var neutral = Hyperparameters.Initial(benchmarks, rank, options);
        using var scope = torch.NewDisposeScope();
        TorchDevice.UseThreads(options.Threads);
        var sets = EarlierSets(earlier, TorchDevice.Resolve(options.Device)).Select(s => (s.Data, 1.0)).ToList();
        try { return neutral with { Raw = Minimise(sets, neutral, options, options.FirstFitIterations, new HashSet<int>()).Raw }; }
        catch (ModelFitException) { return neutral; }
    }

    /// <summary>The earlier runs' sampled observations as one stacked set (<see cref="TrainingSet.Stack"/>), with each run's weight.</summary>
    static IEnumerable<(TrainingSet Data, double Weight)> EarlierSets(EarlierRuns earlier, TorchSharp.torch.Device device) =>
        [(TrainingSet.Stack(earlier.Runs.Zip(earlier.Samples(), (run, sample) => (run.Grid, sample)).ToList(), device), earlier.Weight)];

    /// <summary>A cold fit that would see more observations than this first fits a seeded sample of this many
    /// (see <see cref="CoarseToFine"/>).</summary>
    public const int ColdStartObservations = 500;

    /// <summary>
    /// A cold fit on many observations: the first fit's iterations from the neutral start on a seeded sample of
    /// <see cref="ColdStartObservations"/>, then a refit's iterations on the whole sample from there. Most of a cold fit's
    /// iterations walk from the neutral start to the neighbourhood of the optimum, which a few hundred observations locate;
    /// paying for them at the full sample made the first fit of a 50 × 2,000 grid (2,000 observations) take 465 s.
    /// </summary>
    static ModelFit CoarseToFine(Grid grid, IReadOnlyList<Observation> observations, EngineOptions options)
    {
        var coarse = Fit(grid, observations, options with { FitObservationLimit = ColdStartObservations });
        var fine = Fit(grid, observations, options, coarse.Hyperparameters, options.RefitIterations);
        return fine with { Report = fine.Report with { Evaluations = coarse.Report.Evaluations + fine.Report.Evaluations } };
    }

    /// <summary>
    /// A cold fit that left benchmarks out (<see cref="FitSample"/>) gives each of them the mean loadings and diagonal of
    /// the benchmarks it fitted: a benchmark with data is more like the others than like the neutral start. Later refits
    /// start from these and fit them when their sample holds them.
    /// </summary>
    static Hyperparameters LeftOutAsTypical(Hyperparameters fit, IReadOnlySet<int> leftOut)
    {
        if (leftOut.Count == 0) return fit;
        int m = fit.Benchmarks, r = fit.Rank;
        var fitted = Enumerable.Range(0, m).Where(j => !leftOut.Contains(j)).ToList();
        if (fitted.Count == 0) return fit;
        var raw = (double[])fit.Raw.Clone();
        var loading = Enumerable.Range(0, r).Select(k => fitted.Average(j => raw[j * r + k])).ToArray();
        double diagonal = fitted.Average(j => raw[fit.DiagonalOffset + j]);
        foreach (int j in leftOut)
        {
            for (int k = 0; k < r; k++) raw[j * r + k] = loading[k];
            raw[fit.DiagonalOffset + j] = diagonal;
        }
        return fit with { Raw = raw };
    }

    /// <summary>The raw hyperparameters a fit must leave where they are: the loadings and diagonal of benchmarks its sample left out.</summary>
    internal static int[] Frozen(Hyperparameters layout, IReadOnlySet<int> leftOut) =>
        leftOut.SelectMany(j => Enumerable.Range(j * layout.Rank, layout.Rank).Append(layout.DiagonalOffset + j)).ToArray();

    /// <summary>The MAP of <paramref name="sets"/> from <paramref name="start"/>; <paramref name="fixedToo"/>: raw indices kept where they
    /// start, besides the left-out benchmarks' (<see cref="Frozen"/>).</summary>
    static (double[] Raw, FitReport Report) Minimise(IReadOnlyList<(TrainingSet, double)> sets, Hyperparameters start, EngineOptions options,
        int iterations, IReadOnlySet<int> leftOut, IReadOnlyList<int>? fixedToo = null)
    {
        var frozen = Frozen(start, leftOut).Concat(fixedToo ?? []).ToArray();
        // Track the best point seen: MathNet throws when it runs out of iterations or its line search
        // stalls, and a budgeted, partly converged fit is still the best estimate we have.
        double bestValue = double.PositiveInfinity;
        double[] best = start.Raw;
        double[] bestGradient = new double[start.Raw.Length];
        int evaluations = 0;
        Func<Vector<double>, (double, Vector<double>)> evaluate = point =>
        {
            evaluations++;
            var raw = point.ToArray();
            var (value, gradient) = MarginalLikelihood.Evaluate(sets, start, raw, options);
            foreach (int i in frozen) gradient[i] = 0; // not in this fit's sample: only their prior would move them
            if (!double.IsFinite(value) || gradient.Any(g => !double.IsFinite(g)))
                return (double.PositiveInfinity, Vector<double>.Build.Dense(raw.Length));
            if (value < bestValue) { bestValue = value; best = raw; bestGradient = gradient; }
            return (value, Vector<double>.Build.DenseOfArray(gradient));
        };
        var objective = ObjectiveFunction.Gradient(evaluate);
        var minimiser = new LimitedMemoryBfgsMinimizer(1e-4, 1e-7, 1e-7, 7, iterations);
        string outcome;
        bool converged;
        try
        {
            var result = minimiser.FindMinimum(objective, Vector<double>.Build.DenseOfArray(start.Raw));
            outcome = result.ReasonForExit.ToString();
            converged = true;
        }
        catch (MaximumIterationsException) { outcome = "iteration limit"; converged = false; }
        catch (Exception e) when (e is OptimizationException or ArgumentException or InvalidOperationException)
        {
            outcome = "stopped: " + e.Message; converged = false;
        }
        if (!double.IsFinite(bestValue)) throw new ModelFitException("the marginal likelihood was never finite");
        double norm = Math.Sqrt(bestGradient.Sum(g => g * g));
        return (best, new FitReport(bestValue, norm, evaluations, converged, outcome));
    }
}

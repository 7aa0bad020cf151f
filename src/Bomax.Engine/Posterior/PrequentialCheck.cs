using Bomax.Engine.Model;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Bomax.Engine.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// What the held-out check says about the model's spread (<see cref="PrequentialCheck"/>): the factor by which the posterior
/// covariance must be scaled for the bulk of its misses (<see cref="Bulk"/>, from their median square; below 1 where the model was
/// too wide, <see cref="PrequentialCheck.BulkScale"/>) and widened for their tails (<see cref="Tails"/>, from their mean square; never
/// below 1 or the bulk's). The misses are heavy-tailed — most chosen cells land
/// near their stated spread and a few miss by many deviations — so one Gaussian cannot be right for both: what reads the middle
/// of the posterior (the ranking, P(best), the expected shortfall) is widened by the bulk's scale, what reads its tails (a
/// report's 95 % intervals, the shortfall quantile of <c>stop.expected-shortfall</c>, P(best) as <c>stop.prob-best</c> reads it)
/// by the tails'. Read by the mean square alone (the build before), P(best) was cautious in every band below 0.9 on ten grids; read by
/// the median alone, the expected-shortfall rule stopped within its limit 84 % of the time instead of 93 % (docs/measurements.md).
/// </summary>
public sealed record VarianceScales(double Bulk, double Tails)
{
    /// <summary>No widening: the check is off, or had too few observations to judge (<see cref="HeldBack"/> 0).</summary>
    public static VarianceScales None { get; } = new(1, 1);

    /// <summary>How many of the latest observations the check held back and predicted; 0 when it was not made (too few
    /// observations, the check off, or a fit that failed), so that a report can say whether its confidence was checked at all.</summary>
    public int HeldBack { get; init; }

    /// <summary>Whether the check was made.</summary>
    public bool Checked => HeldBack > 0;

    /// <summary>How much wider the tails' covariance is than the bulk's (at least 1).</summary>
    public double TailsOverBulk => Tails / Bulk;

    /// <summary>The scale the ranking reads: the bulk's, never below 1. The check may find the model too wide, and P(best) then reads
    /// it narrowed, but the ranking's caution is what the picks' regret was measured with, so the check only ever widens it.</summary>
    public double Ranking => Math.Max(1, Bulk);

    /// <summary>How tightly the benchmarks are coupled where P(best) and the shortfalls are read: the correlations of the fitted
    /// benchmark covariance times its square (<see cref="Hyperparameters.WithBenchmarksCoupled"/>); 1, the fitted coupling, unless
    /// the check found the held-back misses at one checkpoint pulling apart (<see cref="PrequentialCheck.Couplings"/>).</summary>
    public double Coupling { get; init; } = 1;

    /// <summary>The bulk's scale of the misses with the benchmarks coupled <see cref="Coupling"/>: what widens the posterior that
    /// P(best) and the shortfalls read. <see cref="Bulk"/> at the fitted coupling.</summary>
    public double CoupledBulk
    {
        get => coupledBulk ?? Bulk;
        init => coupledBulk = value;
    }

    readonly double? coupledBulk;

    /// <summary>The Student t fitted to the misses where P(best) is read (at <see cref="Coupling"/>; <see cref="PrequentialCheck.Student"/>):
    /// P(best) reads the posterior that <see cref="CoupledBulk"/> scales with that t's scale and tails instead. Null: no check, or
    /// kept by a build that read P(best) as a Gaussian.</summary>
    public StudentSpread? Student { get; init; }

    /// <summary>The variance scale P(best) reads: the Student t's (<see cref="Student"/>) where it was fitted, else
    /// <see cref="CoupledBulk"/>.</summary>
    public double ProbabilityScale => Student?.Scale ?? CoupledBulk;
}

/// <summary>
/// A Student t read from the held-out misses: <see cref="Scale"/> the variance scale (its scale parameter squared, shrunk toward 1 as
/// the bulk's is) and <see cref="Freedom"/> its degrees of freedom (+∞: a Gaussian). Draws of the posterior read as this t are its
/// Gaussian draws times √(scale · ν / χ²_ν), one χ² per draw: a multivariate t, whose draws are wide all together or not at all.
/// </summary>
public sealed record StudentSpread(double Scale, double Freedom)
{
    /// <summary>Whether this is a Gaussian (infinite degrees of freedom).</summary>
    public bool IsGaussian => double.IsPositiveInfinity(Freedom);
}

/// <summary>
/// An out-of-sample check of the model's spread, and the variance scales that make what the engine
/// reports about it (P(best), intervals) honest.
/// Hyperparameters fitted by marginal likelihood on a couple of cells per benchmark take noise for
/// smooth structure, and each refit re-explains the newest cells the same way, so the model judged on
/// the cells it has seen looks calibrated while it misses the next cells it chooses by several standard
/// deviations (measured on the shared table: mean z² of 3–10 for the chosen cells). The check holds
/// back the latest <see cref="Window"/> observations (in the order they were made), fits the
/// hyperparameters on the ones before, and predicts each held-back observation from everything before
/// it (<see cref="ConditionedModel.LatestMisses"/>: the one-step-ahead misses read from the Cholesky
/// factor of all observations in order, conditioned with the held-back hyperparameters). Their median
/// z², read as a variance (over the median a calibrated model's z² has), and their mean z², each shrunk
/// toward 1 with the weight of <see cref="PriorCount"/>, are the factors by which the posterior covariance
/// is widened where its bulk and where its tails are read (<see cref="VarianceScales"/>; scaling the whole
/// kernel, noise included, moves no posterior mean). The tails' scale and the ranking's are never below 1. The bulk's scale,
/// which P(best) reads, goes below 1 where the misses land nearer than stated in their mean square as well as their median
/// (<see cref="BulkScale"/>): on the real runs of 27 checkpoints at 25 % the fitted model was that much too wide, and P(best)
/// read at 1 was too cautious there (stated 0.72, right 87 %; docs/measurements.md#pbest-draws).
/// The search keeps the fitted posterior: widening it
/// as well spread the budget over too many checkpoints (150 × 40 synthetic, 5 %: median regret 0.53 %
/// against 0.16 %). It needs only the observations in order, so a run, a resumed run and the report
/// compute the same scales from the same journal.
/// </summary>
public static class PrequentialCheck
{
    /// <summary>At most this many of the latest observations are held back (at most a quarter of all).</summary>
    public const int Window = 50;
    /// <summary>Fewer held-back observations than this leave the scales at 1: too few to judge.</summary>
    public const int SmallestWindow = 10;
    /// <summary>Weight of the prior belief that the model is calibrated (z² = 1), in observations.</summary>
    public const double PriorCount = 10;
    /// <summary>One miss counts at most this much in the mean square, so a single wild score (a broken evaluation) cannot decide the
    /// tails' scale.</summary>
    public const double LargestSquare = 100;
    public const double MaximumScale = 100;
    /// <summary>The bulk's scale goes no lower than this (the standard deviations P(best) reads halved): the check, which reads a few
    /// dozen misses, narrows the model at most so far.</summary>
    public const double SmallestBulk = 0.25;
    /// <summary>The median of z² for a calibrated model (χ² with one degree of freedom): what the misses' median is read against.</summary>
    public static readonly double CalibratedMedianSquare = ChiSquared.InvCDF(1, 0.5);

    /// <summary>The check holds back one observation in this many (a quarter), up to <see cref="Window"/>.</summary>
    const int ObservationsPerHeldBack = 4;

    /// <summary>The fewest observations from which the check is made: the share held back of them is <see cref="SmallestWindow"/>.</summary>
    public const int SmallestStudy = ObservationsPerHeldBack * SmallestWindow;

    public static int WindowFor(int observations) => Math.Min(Window, observations / ObservationsPerHeldBack);

    /// <summary>The variance scales for <paramref name="fit"/> (fitted on all <paramref name="observations"/>, given in the order they
    /// were made); <see cref="VarianceScales.None"/> when <see cref="EngineOptions.PredictiveCheck"/> is off. Costs one warm-started fit
    /// on the earlier observations.</summary>
    public static VarianceScales Scales(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options) =>
        NativeCalls.WithoutCollections(() => Compute(grid, observations, fit, options));

    static VarianceScales Compute(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options)
    {
        int window = WindowFor(observations.Count);
        if (!options.PredictiveCheck || window < SmallestWindow) return VarianceScales.None;
        var earlier = observations.Take(observations.Count - window).ToList();
        var heldBack = HyperparameterFit.Fit(grid, earlier, options, fit.Hyperparameters, options.RefitIterations);
        var cells = observations.Skip(observations.Count - window).Select(o => o.Cell).ToList();
        try
        {
            using var model = ConditionedModel.Condition(grid, observations, heldBack, options);
            var misses = model.LatestMisses(window);
            var scales = Scales(misses) with { Student = Student(misses) };
            if (observations.Count > options.CouplingObservationLimit || SameCheckpointProduct(misses, cells) is not { } fitted) return scales;
            var readings = new List<CouplingReading> { new(1, fitted, scales.Bulk, scales.Student) };
            foreach (double coupling in Couplings)
                if (Reading(grid, observations, heldBack, coupling, window, cells, options) is { } reading) readings.Add(reading);
            var chosen = Closest(readings);
            return chosen.Coupling == 1 ? scales : scales with { Coupling = chosen.Coupling, CoupledBulk = chosen.Bulk, Student = chosen.Student };
        }
        catch (ModelFitException) { return VarianceScales.None; }
    }

    /// <summary>The held-back misses read again with the benchmarks coupled <paramref name="coupling"/>; null when that conditioning
    /// fails (the other couplings are still read).</summary>
    static CouplingReading? Reading(Grid grid, IReadOnlyList<Observation> observations, ModelFit heldBack, double coupling, int window,
        IReadOnlyList<Cell> cells, EngineOptions options)
    {
        try
        {
            using var coupled = ConditionedModel.Condition(grid, observations,
                heldBack with { Hyperparameters = heldBack.Hyperparameters.WithBenchmarksCoupled(coupling) }, options);
            var misses = coupled.LatestMisses(window);
            return new(coupling, SameCheckpointProduct(misses, cells)!.Value, BulkScale(misses), Student(misses));
        }
        catch (ModelFitException) { return null; }
    }

    /// <summary>The weaker couplings of the benchmarks the check also tries, each the correlations of the fitted benchmark covariance
    /// times its square (0.49, 0.25, 0.09), every benchmark's variance kept. The fitted covariance couples the benchmarks as their
    /// trends move together over the run; at one checkpoint they move together less: held-back misses at one checkpoint, each
    /// predicted after the ones before it, pulled apart (the mean product of two −0.13 on 227 decisions of replayed studies, where an
    /// honest model gives 0), and P(best) read with the fitted coupling was too cautious on the calibration grids of 60 checkpoints
    /// or more (docs/measurements.md#coupling; on six other larger grids it was too sure at either coupling, #fresh-large). The
    /// weakest keeps a tenth of the correlations: the check does not make the benchmarks strangers.</summary>
    public static readonly double[] Couplings = [0.7, 0.5, 0.3];

    /// <summary>One coupling the check tried: the mean product of two held-back misses at one checkpoint, the misses' bulk scale and
    /// the Student t fitted to them.</summary>
    public sealed record CouplingReading(double Coupling, double Product, double Bulk, StudentSpread? Student = null);

    /// <summary>The reading whose mean product is closest to 0 (what misses that are independent, as an honest model's one-step-ahead
    /// misses are, give); of two as close, the more tightly coupled.</summary>
    public static CouplingReading Closest(IReadOnlyList<CouplingReading> readings) =>
        readings.OrderBy(r => Math.Abs(r.Product)).ThenByDescending(r => r.Coupling).First();

    /// <summary>The mean product of two of <paramref name="misses"/> whose cells share a checkpoint (null when no two do): 0 in
    /// expectation for an honest model, whose one-step-ahead misses are independent; below 0 when a miss at one benchmark moves the
    /// checkpoint's other cells too far.</summary>
    public static double? SameCheckpointProduct(IReadOnlyList<double> misses, IReadOnlyList<Cell> cells)
    {
        double sum = 0;
        int pairs = 0;
        foreach (var checkpoint in Enumerable.Range(0, misses.Count).GroupBy(i => cells[i].Checkpoint))
        {
            var at = checkpoint.ToList();
            for (int a = 0; a < at.Count; a++)
                for (int b = a + 1; b < at.Count; b++)
                {
                    sum += misses[at[a]] * misses[at[b]];
                    pairs++;
                }
        }
        return pairs == 0 ? null : sum / pairs;
    }

    /// <summary>Both scales of <paramref name="misses"/>: <see cref="BulkScale"/>, and <see cref="TailScale"/> but never below it.</summary>
    public static VarianceScales Scales(IReadOnlyList<double> misses)
    {
        double bulk = BulkScale(misses);
        return new VarianceScales(bulk, Math.Max(bulk, TailScale(misses))) { HeldBack = misses.Count };
    }

    /// <summary>(count · median z² / <see cref="CalibratedMedianSquare"/> + <see cref="PriorCount"/>) / (count + <see cref="PriorCount"/>),
    /// at most <see cref="MaximumScale"/>. A few wild misses move the median by a few places at most. Below 1 (misses nearer than
    /// stated) only as far as their mean square agrees, and never below <see cref="SmallestBulk"/>: the model is read as too wide only
    /// where its tails are not too narrow as well.</summary>
    public static double BulkScale(IReadOnlyList<double> misses)
    {
        if (misses.Count == 0) return 1.0;
        double bulk = Shrunk(misses.Count * misses.Select(z => z * z).Median() / CalibratedMedianSquare, misses.Count, SmallestBulk);
        return bulk >= 1 ? bulk : Math.Min(1.0, Math.Max(bulk, Shrunk(SquaresOf(misses), misses.Count, SmallestBulk)));
    }

    /// <summary>The degrees of freedom the Student t of the misses is chosen from (+∞: a Gaussian).</summary>
    public static readonly double[] Freedoms = [1.5, 2, 2.5, 3, 4, 5, 6, 8, 12, 20, 50, double.PositiveInfinity];

    /// <summary>
    /// The Student t that fits <paramref name="misses"/> best (null for fewer than <see cref="SmallestWindow"/>): for each of
    /// <see cref="Freedoms"/> the scale of largest likelihood (the fixed point s² = mean(z² (ν + 1) / (ν + z² / s²)), the t's EM
    /// update), and of those the likelihood's largest; the scale then shrunk toward 1 with the weight of <see cref="PriorCount"/>, as
    /// the bulk's is, between <see cref="SmallestBulk"/> and <see cref="MaximumScale"/>. The misses are heavy-tailed, most near their
    /// stated spread and a few far beyond it; a Gaussian scaled to their median reads the posterior's tails too thin, and P(best) of a
    /// pick whose rivals the study evaluated on a few benchmarks was too sure (docs/measurements.md#student-t).
    /// </summary>
    public static StudentSpread? Student(IReadOnlyList<double> misses)
    {
        if (misses.Count < SmallestWindow) return null;
        var squares = misses.Select(z => z * z).ToArray();
        double meanSquare = squares.Average();
        if (!(meanSquare > 0)) return new StudentSpread(Shrunk(0, misses.Count, SmallestBulk), double.PositiveInfinity); // every miss 0
        double bestScale = meanSquare, bestFreedom = double.PositiveInfinity, bestLikelihood = double.NegativeInfinity;
        foreach (double freedom in Freedoms)
        {
            double scale = meanSquare;
            if (!double.IsPositiveInfinity(freedom))
                for (int iteration = 0; iteration < 200; iteration++)
                    scale = squares.Average(square => square * (freedom + 1) / (freedom + square / scale));
            double sd = Math.Sqrt(scale);
            double likelihood = double.IsPositiveInfinity(freedom)
                ? misses.Sum(z => Normal.PDFLn(0, sd, z))
                : misses.Sum(z => StudentT.PDFLn(0, sd, freedom, z));
            if (likelihood > bestLikelihood) (bestLikelihood, bestScale, bestFreedom) = (likelihood, scale, freedom);
        }
        return new StudentSpread(Shrunk(bestScale * misses.Count, misses.Count, SmallestBulk), bestFreedom);
    }

    /// <summary>(Σ min(z², <see cref="LargestSquare"/>) + <see cref="PriorCount"/>) / (count + <see cref="PriorCount"/>), between 1 and
    /// <see cref="MaximumScale"/>.</summary>
    public static double TailScale(IReadOnlyList<double> misses) => Shrunk(SquaresOf(misses), misses.Count, 1.0);

    static double SquaresOf(IReadOnlyList<double> misses) => misses.Sum(z => Math.Min(z * z, LargestSquare));

    static double Shrunk(double sumOfSquares, int count, double smallest) =>
        Math.Clamp((sumOfSquares + PriorCount) / (count + PriorCount), smallest, MaximumScale);
}

using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using static Bomax.Engine.Model.Constants;
using static TorchSharp.torch;

namespace Bomax.Engine.Selection;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// One checkpoint's standing: estimated average with a 95 % interval, probability of being the best, and
/// its expected shortfall, E[max_k a_k − a_i]: how far below the best average it is expected to fall
/// (0 only when it is surely the best). Among near-ties P(best) is small for every checkpoint while the
/// shortfall says how little is at stake.
/// </summary>
public sealed record Standing(int Checkpoint, string Name, double Estimate, double Low, double High, double ProbabilityBest, int BenchmarksEvaluated,
    double ExpectedShortfall)
{
    /// <summary>The expected shortfall as a share of the expected best average, E[max_k a_k] = estimate + shortfall.</summary>
    public double RelativeShortfall => ShareOfBest(ExpectedShortfall, Estimate);

    /// <summary>The shortfall the checkpoint stays within with probability <see cref="Selection.NearBestProbability"/>: the
    /// quantile of max_k a_k − a_i over the posterior draws, widened to the tails' scale (<see cref="VarianceScales"/>; 0 when it is
    /// the best in that share of them).</summary>
    public double LikelyShortfall { get; init; }

    /// <summary>P(best) read in the posterior's tails: the share of the same draws, widened to the tails' scale
    /// (<see cref="VarianceScales"/>), in which the checkpoint is the largest. What <c>stop.prob-best</c> reads: a claim of 95 % is a
    /// claim about the posterior's last 5 %, where the held-out check found the misses wider than in its bulk; the intervals and the
    /// shortfall quantile read the same tails. <see cref="ProbabilityBest"/> when the tails are the bulk's.</summary>
    public double TailProbabilityBest { get; init; }

    /// <summary><see cref="LikelyShortfall"/> as a share of the expected best average, as <see cref="RelativeShortfall"/> is.</summary>
    public double RelativeLikelyShortfall => ShareOfBest(LikelyShortfall, Estimate);

    /// <summary>The shortfall as a share of the expected best average, <c>shortfall / |estimate + shortfall|</c>: positive
    /// whatever the average's sign (an average of minimised, sign-changed metrics is negative).</summary>
    public static double ShareOfBest(double expectedShortfall, double estimate) => expectedShortfall / Math.Abs(estimate + expectedShortfall);
}

/// <summary>What seeded draws from the joint posterior of the averages say about each row: the share of draws
/// in which it is the largest, and its mean shortfall below the largest. Both arrays are N.</summary>
public sealed record PosteriorDraws(double[] ProbabilityBest, double[] ExpectedShortfall)
{
    /// <summary>Each row's shortfall quantile at <see cref="Selection.NearBestProbability"/>.</summary>
    public double[] LikelyShortfall { get; init; } = [];

    /// <summary>Each row's share of the draws widened to the tails' scale in which it is the largest
    /// (<see cref="Standing.TailProbabilityBest"/>).</summary>
    public double[] TailProbabilityBest { get; init; } = [];
}

/// <summary>
/// The decision: the pick and the runner-ups, best first. Checkpoints are ranked by their average one
/// posterior standard deviation below its estimate (<see cref="Caution"/>), not by the estimate alone:
/// a checkpoint the model rates highly on few of its own scores is where the model has not yet been
/// checked, and the engine's own held-out check shows it is most often wrong exactly there (the cells
/// it chooses miss by several stated standard deviations). Between checkpoints known equally well the
/// ranking is the estimate's.
/// </summary>
public sealed record Selection(Standing Pick, IReadOnlyList<Standing> RunnersUp, double[] ProbabilityBest)
{
    public const double Z95 = 1.959963984540054;

    /// <summary>The probability with which a pick that ends a study by <c>stop.expected-shortfall</c> must be within the limit.</summary>
    public const double NearBestProbability = 0.9;

    /// <summary>How many posterior standard deviations below its estimate a checkpoint is ranked at.</summary>
    public const double Caution = 1.0;

    /// <summary>The ranking in words, for reports; it says what <see cref="Caution"/> is, so the two change together.</summary>
    public const string Ranking = "the estimate less one standard deviation";

    /// <summary>The ranking value of row <paramref name="i"/>: its estimate less <see cref="Caution"/> standard deviations.</summary>
    public static double CautiousEstimate(RowPosterior rows, int i) => rows.Mean[i] - Caution * rows.StandardDeviation(i);

    /// <summary>Selects from the joint posterior <paramref name="rows"/>: the ranking, and P(best) and the shortfalls by
    /// <paramref name="samples"/> seeded Monte Carlo draws; each standing's estimate and 95 % interval from <paramref name="intervals"/>
    /// (by default <paramref name="rows"/> itself). The shortfall quantile reads the same draws' deviations from the mean widened by
    /// <paramref name="tailWidening"/> in variance (<see cref="VarianceScales.TailsOverBulk"/>: a quantile reads the posterior's
    /// tails). P(best) and the shortfalls are drawn from <paramref name="probability"/> when given (the ranking stays
    /// <paramref name="rows"/>'): a posterior of the same averages that couples the benchmarks as the held-out check found them.</summary>
    public static Selection From(Grid grid, RowPosterior rows, int samples, int seed, int runnersUp = 5, RowPosterior? intervals = null,
        double tailWidening = 1, RowPosterior? probability = null, StudentSpread? student = null)
    {
        intervals ??= rows;
        var draws = Draw(probability ?? rows, samples, seed, tailWidening, student);
        var probabilityBest = draws.ProbabilityBest;
        var order = Enumerable.Range(0, rows.Count).OrderByDescending(i => CautiousEstimate(rows, i)).ThenBy(i => i).ToList();
        Standing Stand(int i)
        {
            double sd = intervals.StandardDeviation(i), mean = intervals.Mean[i];
            return new Standing(i, grid.Checkpoints[i].Name, mean, mean - Z95 * sd, mean + Z95 * sd,
                probabilityBest[i], grid.BenchmarkCount - rows.UnobservedCount[i], draws.ExpectedShortfall[i])
            {
                LikelyShortfall = draws.LikelyShortfall[i],
                TailProbabilityBest = draws.TailProbabilityBest[i],
            };
        }
        return new Selection(Stand(order[0]), order.Skip(1).Take(runnersUp).Select(Stand).ToList(), probabilityBest);
    }

    /// <summary><paramref name="samples"/> seeded draws from N(mean, covariance), summarised per row; the shortfall quantile and P(best)
    /// in the tails from the same draws with the covariance times <paramref name="tailWidening"/>. With <paramref name="student"/>,
    /// P(best) reads the same draws as a multivariate Student t: each draw's deviation from the mean times
    /// √(<see cref="StudentSpread.Scale"/> · ν / χ²_ν), one seeded χ² per draw (the covariance times the scale, the tails the t's);
    /// the shortfalls and the tails stay the Gaussian's.</summary>
    public static PosteriorDraws Draw(RowPosterior rows, int samples, int seed, double tailWidening = 1, StudentSpread? student = null) =>
        NativeCalls.WithoutCollections(() => SampleDraws(rows, samples, seed, tailWidening, student));

    /// <summary>The factor on each of <paramref name="samples"/> draws' deviations that makes Gaussian draws <paramref name="student"/>'s:
    /// √(scale · ν / χ²_ν), the χ² seeded by <paramref name="seed"/>; √scale for a Gaussian.</summary>
    static double[] StudentFactors(StudentSpread student, int samples, int seed)
    {
        if (student.IsGaussian) return Enumerable.Repeat(Math.Sqrt(student.Scale), samples).ToArray();
        var chiSquared = new MathNet.Numerics.Distributions.Gamma(student.Freedom / 2, 0.5, new Random(seed)); // χ²_ν: shape ν/2, rate 1/2
        return Enumerable.Range(0, samples).Select(_ => Math.Sqrt(student.Scale * student.Freedom / chiSquared.Sample())).ToArray();
    }

    static PosteriorDraws SampleDraws(RowPosterior rows, int samples, int seed, double tailWidening, StudentSpread? student)
    {
        int n = rows.Count;
        var device = TorchDevice.Cpu;
        using var scope = NewDisposeScope();
        var flat = new double[n * n];
        Buffer.BlockCopy(rows.Covariance, 0, flat, 0, flat.Length * sizeof(double));
        var covariance = tensor(flat, dtype: float64, device: device).reshape(n, n);
        covariance = (covariance + covariance.T) * Const(0.5, covariance);
        var factor = Cholesky.Factor(covariance + eye(n, dtype: float64, device: device) * Const(1e-14, covariance));
        var generator = new Generator((ulong)seed);
        var normal = randn(new long[] { n, samples }, dtype: float64, device: device, generator: generator);
        var mean = tensor(rows.Mean, dtype: float64, device: device).unsqueeze(1);
        var deviation = factor.matmul(normal);
        var draws = mean + deviation; // n × samples
        var (largest, winners) = draws.max(dim: 0);
        var probability = Shares(student is null
            ? winners
            : (mean + deviation * tensor(StudentFactors(student, samples, seed), dtype: float64, device: device).unsqueeze(0)).argmax(0));
        var below = largest.unsqueeze(0) - draws; // n × samples
        var shortfall = below.mean(dimensions: new long[] { 1 }).cpu().data<double>().ToArray();
        var inTails = student is null ? probability : Shares(winners);
        if (tailWidening != 1)
        {
            var tails = mean + deviation * Const(Math.Sqrt(tailWidening), deviation);
            var (tailLargest, tailWinners) = tails.max(dim: 0);
            inTails = Shares(tailWinners);
            below = tailLargest.unsqueeze(0) - tails;
        }
        long k = Math.Clamp((long)Math.Ceiling(NearBestProbability * samples), 1, samples); // the k-th smallest: the quantile
        var likely = below.kthvalue(k, dim: 1).values.cpu().data<double>().ToArray();
        return new PosteriorDraws(probability, shortfall) { LikelyShortfall = likely, TailProbabilityBest = inTails };

        double[] Shares(Tensor rowOfLargest) =>
            bincount(rowOfLargest, minlength: n).cpu().data<long>().ToArray().Select(c => (double)c / samples).ToArray();
    }
}

using Bomax.Engine.Acquisition;
using Bomax.Engine.Posterior;
using MathNet.Numerics.Distributions;
using EngineSelection = Bomax.Engine.Selection.Selection;

namespace Bomax.Engine.Tests.Selection;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

public class SelectionTests
{
    // Four rows, correlated: rows 0 and 1 close in mean and strongly correlated, row 2 uncertain, row 3 low.
    static readonly double[] Means = { 0.60, 0.62, 0.55, 0.40 };
    static readonly double[] Sds = { 0.05, 0.04, 0.10, 0.02 };
    static readonly double[,] Correlation =
    {
        { 1.0, 0.8, 0.3, 0.1 },
        { 0.8, 1.0, 0.2, 0.0 },
        { 0.3, 0.2, 1.0, -0.4 },
        { 0.1, 0.0, -0.4, 1.0 },
    };

    static RowPosterior Posterior(double[] means, double[] sds, double[,] correlation, int[] unobserved)
    {
        int n = means.Length;
        var covariance = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) covariance[i, k] = correlation[i, k] * sds[i] * sds[k];
        return new RowPosterior(means.ToArray(), covariance, unobserved);
    }

    static RowPosterior Example() => Posterior(Means, Sds, Correlation, new[] { 3, 0, 5, 1 });

    static Grid GridOf(int checkpoints, int benchmarks) => new(
        Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"step-{(i + 1) * 10}", (i + 1) * 10)),
        Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"b{j}")));

    /// <summary>Lower Cholesky factor, written out (Cholesky–Banachiewicz).</summary>
    static double[,] CholeskyLower(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k <= i; k++)
            {
                double sum = a[i, k];
                for (int p = 0; p < k; p++) sum -= l[i, p] * l[k, p];
                l[i, k] = i == k ? Math.Sqrt(sum) : sum / l[k, k];
            }
        return l;
    }

    /// <summary>Independent Monte Carlo of P(row i is the largest): System.Random, Box–Muller, own Cholesky.</summary>
    static double[] MonteCarloProbabilityOfBest(RowPosterior rows, int samples, int seed)
    {
        int n = rows.Count;
        var l = CholeskyLower(rows.Covariance);
        var random = new Random(seed);
        var z = new double[n];
        var wins = new int[n];
        for (int s = 0; s < samples; s++)
        {
            for (int i = 0; i < n; i += 2)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                double radius = Math.Sqrt(-2.0 * Math.Log(u1));
                z[i] = radius * Math.Cos(2 * Math.PI * u2);
                if (i + 1 < n) z[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
            }
            int best = -1;
            double bestValue = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                double x = rows.Mean[i];
                for (int k = 0; k <= i; k++) x += l[i, k] * z[k];
                if (x > bestValue) { bestValue = x; best = i; }
            }
            wins[best]++;
        }
        return wins.Select(w => (double)w / samples).ToArray();
    }

    [Fact]
    public void OwnCholeskyReproducesTheCovariance()
    {
        var rows = Example();
        var l = CholeskyLower(rows.Covariance);
        for (int i = 0; i < rows.Count; i++)
            for (int k = 0; k < rows.Count; k++)
            {
                double product = 0;
                for (int p = 0; p < rows.Count; p++) product += l[i, p] * l[k, p];
                Assert.Equal(rows.Covariance[i, k], product, 1e-15);
            }
    }

    [Fact]
    public void ProbabilityOfBestMatchesAnIndependentMonteCarlo()
    {
        var rows = Example();
        var engine = EngineSelection.Draw(rows, 200_000, seed: 7).ProbabilityBest;
        var reference = MonteCarloProbabilityOfBest(rows, 200_000, seed: 11);
        for (int i = 0; i < rows.Count; i++)
            Assert.True(Math.Abs(engine[i] - reference[i]) < 0.02, $"row {i}: engine {engine[i]:0.0000}, reference {reference[i]:0.0000}");
        // The example is not degenerate: the two leading rows share most of the probability, the low row almost none.
        Assert.InRange(reference[1], 0.35, 0.75);
        Assert.InRange(reference[0], 0.05, 0.5);
        Assert.True(reference[3] < 0.01);
    }

    [Fact]
    public void ProbabilityOfBestOfTwoIndependentRowsIsTheNormalCdfOfTheirGap()
    {
        // P(X0 > X1) = Φ((μ0 − μ1) / √(σ0² + σ1²)) for independent rows.
        var rows = Posterior(new[] { 0.5, 0.45 }, new[] { 0.03, 0.04 }, new double[,] { { 1, 0 }, { 0, 1 } }, new[] { 1, 1 });
        double expected = Normal.CDF(0, 1, 0.05 / Math.Sqrt(0.03 * 0.03 + 0.04 * 0.04));
        var probability = EngineSelection.Draw(rows, 200_000, seed: 3).ProbabilityBest;
        Assert.Equal(expected, probability[0], 0.01);
        Assert.Equal(1 - expected, probability[1], 0.01);
    }

    [Fact]
    public void PBestReadAsAStudentTIsTheTsCdfOfTheGapAndLeavesTheShortfallsAndTheTailsGaussian()
    {
        // Draws of a multivariate t share one χ² per draw, so the gap between two rows is a t too: P(X0 > X1) = T_ν(gap / spread).
        var rows = Posterior(new[] { 0.5, 0.45 }, new[] { 0.03, 0.04 }, new double[,] { { 1, 0 }, { 0, 1 } }, new[] { 1, 1 });
        double z = 0.05 / Math.Sqrt(0.03 * 0.03 + 0.04 * 0.04);
        var heavy = EngineSelection.Draw(rows, 200_000, seed: 3, student: new(2.0, 3));
        Assert.Equal(StudentT.CDF(0, Math.Sqrt(2.0), 3, z), heavy.ProbabilityBest[0], 0.01);
        Assert.True(heavy.ProbabilityBest[0] < Normal.CDF(0, Math.Sqrt(2.0), z) - 0.02, "the t's tails reach the lower row more often");
        // The shortfalls and P(best) in the tails read the Gaussian draws as before.
        var gaussian = EngineSelection.Draw(rows, 200_000, seed: 3);
        Assert.Equal(gaussian.ExpectedShortfall, heavy.ExpectedShortfall);
        Assert.Equal(gaussian.LikelyShortfall, heavy.LikelyShortfall);
        Assert.Equal(gaussian.ProbabilityBest, heavy.TailProbabilityBest);
        // A t of infinite degrees of freedom is the Gaussian its scale widens.
        var example = Example();
        var widened = EngineSelection.Draw(example.Widened(1.7), 20_000, seed: 5).ProbabilityBest;
        var asT = EngineSelection.Draw(example, 20_000, seed: 5, student: new(1.7, double.PositiveInfinity)).ProbabilityBest;
        for (int i = 0; i < example.Count; i++) Assert.Equal(widened[i], asT[i], 1e-3);
        // Seeded: the same draws again, and a selection's P(best) is the draws'.
        Assert.Equal(heavy.ProbabilityBest, EngineSelection.Draw(rows, 200_000, seed: 3, student: new(2.0, 3)).ProbabilityBest);
        var selection = EngineSelection.From(GridOf(2, 2), rows, 200_000, seed: 3, student: new(2.0, 3));
        Assert.Equal(heavy.ProbabilityBest[selection.Pick.Checkpoint], selection.Pick.ProbabilityBest);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.6)]
    public void TheExpectedShortfallOfTwoRowsIsTheExpectedImprovementOfTheOtherOverIt(double correlation)
    {
        // E[max(a0, a1) − a0] = E[max(a1 − a0, 0)] with a1 − a0 ~ N(μ1 − μ0, σ0² + σ1² − 2ρσ0σ1): the EI formula.
        var rows = Posterior(new[] { 0.5, 0.45 }, new[] { 0.03, 0.04 }, new double[,] { { 1, correlation }, { correlation, 1 } }, new[] { 1, 1 });
        double spread = Math.Sqrt(0.03 * 0.03 + 0.04 * 0.04 - 2 * correlation * 0.03 * 0.04);
        var draws = EngineSelection.Draw(rows, 400_000, seed: 5);
        // Monte Carlo error: sd of max(d, 0) is below the spread, over √400 000 draws: under 1e-4.
        Assert.Equal(ExpectedImprovement.Value(0.45 - 0.5, spread), draws.ExpectedShortfall[0], 3e-4);
        Assert.Equal(ExpectedImprovement.Value(0.5 - 0.45, spread), draws.ExpectedShortfall[1], 3e-4);
        // P(best) from the same draws: P(a0 > a1) = Φ((μ0 − μ1) / spread), correlated or not (Monte Carlo sd under 1e-3).
        Assert.Equal(Normal.CDF(0, 1, 0.05 / spread), draws.ProbabilityBest[0], 4e-3);
        Assert.Equal(1 - draws.ProbabilityBest[0], draws.ProbabilityBest[1], 12);
    }

    [Fact]
    public void TheExpectedShortfallIsNeverBelowTheGapToTheBestEstimateAndVanishesForASureBest()
    {
        var rows = Example();
        var draws = EngineSelection.Draw(rows, 100_000, seed: 9);
        for (int i = 0; i < rows.Count; i++)
            Assert.True(draws.ExpectedShortfall[i] >= rows.Mean.Max() - rows.Mean[i], $"row {i}: E[max − a_i] ≥ max E − E a_i (Jensen)");
        Assert.True(draws.ExpectedShortfall[2] > 0.05, "the uncertain row is often far below the best");
        var sure = Posterior(new[] { 0.9, 0.4, 0.3 }, new[] { 0.001, 0.001, 0.001 }, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },
            new[] { 0, 0, 0 });
        var settled = EngineSelection.Draw(sure, 10_000, seed: 1);
        Assert.Equal(0.0, settled.ExpectedShortfall[0], 12);
        Assert.Equal(0.5, settled.ExpectedShortfall[1], 1e-3);
        var selection = EngineSelection.From(GridOf(4, 2), rows, 20_000, seed: 9);
        Assert.Equal(EngineSelection.Draw(rows, 20_000, seed: 9).ExpectedShortfall[selection.Pick.Checkpoint], selection.Pick.ExpectedShortfall);
    }

    [Fact]
    public void TheLikelyShortfallIsTheShortfallsQuantileAtTheStopRulesProbability()
    {
        // Two independent rows of equal mean and sd σ: a0's shortfall is max(a1 − a0, 0), a1 − a0 ~ N(0, 2σ²), so it stays within q
        // with probability Φ(q / (√2 σ)) for q > 0: its 90 % quantile is √2 σ Φ⁻¹(0.9), about 3.2 times its mean (√2 σ φ(0)).
        var rows = Posterior(new[] { 0.5, 0.5 }, new[] { 0.03, 0.03 }, new double[,] { { 1, 0 }, { 0, 1 } }, new[] { 1, 1 });
        var draws = EngineSelection.Draw(rows, 200_000, seed: 3);
        double quantile = Math.Sqrt(2) * 0.03 * Normal.InvCDF(0, 1, EngineSelection.NearBestProbability);
        Assert.Equal(quantile, draws.LikelyShortfall[0], 5e-4);
        Assert.Equal(quantile, draws.LikelyShortfall[1], 5e-4);
        Assert.True(draws.LikelyShortfall[0] > 3 * draws.ExpectedShortfall[0]);
        // A sure best stays within nothing; the standing carries its row's quantile.
        var sure = Posterior(new[] { 0.9, 0.4 }, new[] { 0.001, 0.001 }, new double[,] { { 1, 0 }, { 0, 1 } }, new[] { 0, 0 });
        Assert.Equal(0.0, EngineSelection.Draw(sure, 10_000, seed: 1).LikelyShortfall[0], 12);
        var selection = EngineSelection.From(GridOf(2, 2), rows, 20_000, seed: 3);
        Assert.Equal(EngineSelection.Draw(rows, 20_000, seed: 3).LikelyShortfall[selection.Pick.Checkpoint], selection.Pick.LikelyShortfall);
    }

    [Fact]
    public void TheShortfallQuantileAndTheTailPBestReadTheTailsWideningAndEverythingElseTheBulksPosterior()
    {
        // Widening the tails by 4 in variance: the quantile and the tails' P(best) (what stop.prob-best reads) are the ones of the
        // posterior twice as wide in spread (the same draws, their deviations from the mean doubled), while P(best) and the
        // expected shortfall stay the bulk's.
        var rows = Example();
        var bulk = EngineSelection.Draw(rows, 20_000, seed: 5);
        var tails = EngineSelection.Draw(rows, 20_000, seed: 5, tailWidening: 4);
        var wide = EngineSelection.Draw(rows.Widened(4), 20_000, seed: 5);
        Assert.Equal(bulk.ProbabilityBest, tails.ProbabilityBest);
        Assert.Equal(bulk.ExpectedShortfall, tails.ExpectedShortfall);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(wide.LikelyShortfall[i], tails.LikelyShortfall[i], 1e-9);
        Assert.Contains(tails.LikelyShortfall.Zip(bulk.LikelyShortfall), p => p.First > p.Second + 1e-3);
        var selection = EngineSelection.From(GridOf(4, 2), rows, 20_000, seed: 5, tailWidening: 4);
        Assert.Equal(tails.LikelyShortfall[selection.Pick.Checkpoint], selection.Pick.LikelyShortfall);
        Assert.Equal(bulk.ProbabilityBest[selection.Pick.Checkpoint], selection.Pick.ProbabilityBest);

        // In the tails the leader is reached more often; without a widening the tails' P(best) is P(best) itself.
        for (int i = 0; i < rows.Count; i++) Assert.Equal(wide.ProbabilityBest[i], tails.TailProbabilityBest[i], 1e-4);
        Assert.Equal(bulk.ProbabilityBest, bulk.TailProbabilityBest);
        int leader = Array.IndexOf(bulk.ProbabilityBest, bulk.ProbabilityBest.Max());
        Assert.True(tails.TailProbabilityBest[leader] < bulk.ProbabilityBest[leader] - 0.05,
            $"{tails.TailProbabilityBest[leader]} against {bulk.ProbabilityBest[leader]}");
        Assert.Equal(1.0, tails.TailProbabilityBest.Sum(), 9);
        Assert.Equal(tails.TailProbabilityBest[selection.Pick.Checkpoint], selection.Pick.TailProbabilityBest);
    }

    [Fact]
    public void ProbabilityOfBestIsDeterministicForASeedAndDiffersBetweenSeeds()
    {
        var rows = Example();
        var first = EngineSelection.Draw(rows, 20_000, seed: 42).ProbabilityBest;
        var again = EngineSelection.Draw(rows, 20_000, seed: 42).ProbabilityBest;
        var other = EngineSelection.Draw(rows, 20_000, seed: 43).ProbabilityBest;
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void ProbabilityOfBestSumsToOne()
    {
        foreach (var samples in new[] { 1, 7, 1000, 4096 })
        {
            var probability = EngineSelection.Draw(Example(), samples, seed: 1).ProbabilityBest;
            Assert.Equal(4, probability.Length);
            Assert.Equal(1.0, probability.Sum(), 1e-12);
            Assert.All(probability, p => Assert.InRange(p, 0.0, 1.0));
        }
    }

    [Fact]
    public void ARowFarAboveTheOthersIsAlmostSurelyBest()
    {
        var rows = Posterior(new[] { 0.50, 0.52, 0.90, 0.51 }, new[] { 0.02, 0.02, 0.02, 0.02 }, Correlation, new[] { 1, 1, 1, 1 });
        var probability = EngineSelection.Draw(rows, 10_000, seed: 5).ProbabilityBest;
        Assert.True(probability[2] > 0.999, $"P(best) of the far row: {probability[2]}");
    }

    [Fact]
    public void SelectionPicksTheHighestMeanWithA95PercentInterval()
    {
        var grid = GridOf(4, 6);
        var rows = Example();
        var selection = EngineSelection.From(grid, rows, samples: 50_000, seed: 9);
        double z95 = Normal.InvCDF(0, 1, 0.975);

        Assert.Equal(1, selection.Pick.Checkpoint);
        Assert.Equal("step-20", selection.Pick.Name);
        Assert.Equal(0.62, selection.Pick.Estimate, 1e-15);
        Assert.Equal(0.62 - z95 * 0.04, selection.Pick.Low, 1e-12);
        Assert.Equal(0.62 + z95 * 0.04, selection.Pick.High, 1e-12);
        Assert.Equal(6 - 0, selection.Pick.BenchmarksEvaluated);
        Assert.Equal(selection.ProbabilityBest[1], selection.Pick.ProbabilityBest);
        Assert.Equal(EngineSelection.Draw(rows, 50_000, 9).ProbabilityBest, selection.ProbabilityBest);
    }

    [Fact]
    public void ACheckpointKnownFromItsOwnScoresBeatsASlightlyHigherGuess()
    {
        // Row 0 is estimated 0.01 higher, but its standard deviation is ten times row 1's: ranked one
        // standard deviation down, 0.65 against 0.685, row 1 is the pick, and it keeps its own estimate.
        var grid = GridOf(2, 6);
        var rows = Posterior(new[] { 0.70, 0.69 }, new[] { 0.05, 0.005 }, new double[,] { { 1, 0 }, { 0, 1 } }, new[] { 5, 0 });
        var selection = EngineSelection.From(grid, rows, samples: 4096, seed: 1);
        Assert.Equal(1, selection.Pick.Checkpoint);
        Assert.Equal(0.69, selection.Pick.Estimate, 1e-15);
        Assert.Equal(0, Assert.Single(selection.RunnersUp).Checkpoint);
        Assert.Equal(0.69 - EngineSelection.Caution * 0.005, EngineSelection.CautiousEstimate(rows, 1), 1e-15);
        // P(best) is still each row's chance of having the highest average, not of the ranking.
        Assert.True(selection.ProbabilityBest[0] > 0.5, $"P(best) of the uncertain row {selection.ProbabilityBest[0]}");
    }

    [Fact]
    public void AClearlyHigherEstimateWinsDespiteItsUncertainty()
    {
        var grid = GridOf(2, 6);
        var rows = Posterior(new[] { 0.80, 0.69 }, new[] { 0.05, 0.005 }, new double[,] { { 1, 0 }, { 0, 1 } }, new[] { 5, 0 });
        Assert.Equal(0, EngineSelection.From(grid, rows, samples: 4096, seed: 1).Pick.Checkpoint);
    }

    [Fact]
    public void RunnersUpAreOrderedByCautiousEstimateWithTheirOwnStandings()
    {
        var grid = GridOf(4, 6);
        var rows = Example();
        var selection = EngineSelection.From(grid, rows, samples: 4096, seed: 9);
        double z95 = Normal.InvCDF(0, 1, 0.975);

        Assert.Equal(new[] { 0, 2, 3 }, selection.RunnersUp.Select(s => s.Checkpoint));
        Assert.Equal(new[] { "step-10", "step-30", "step-40" }, selection.RunnersUp.Select(s => s.Name));
        foreach (var standing in selection.RunnersUp)
        {
            int i = standing.Checkpoint;
            Assert.Equal(Means[i], standing.Estimate, 1e-15);
            Assert.Equal(Means[i] - z95 * Sds[i], standing.Low, 1e-12);
            Assert.Equal(Means[i] + z95 * Sds[i], standing.High, 1e-12);
            Assert.Equal(6 - rows.UnobservedCount[i], standing.BenchmarksEvaluated);
            Assert.Equal(selection.ProbabilityBest[i], standing.ProbabilityBest);
        }
        Assert.Equal(new[] { 3, 1, 5 }, selection.RunnersUp.Select(s => s.BenchmarksEvaluated));
    }

    [Fact]
    public void RunnersUpAreCutToTheRequestedNumberAndTiesGoToTheEarlierCheckpoint()
    {
        var grid = GridOf(4, 2);
        var identity = new double[,] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
        var rows = Posterior(new[] { 0.3, 0.7, 0.3, 0.7 }, new[] { 0.1, 0.1, 0.1, 0.1 }, identity, new[] { 0, 1, 2, 0 });
        var selection = EngineSelection.From(grid, rows, samples: 1000, seed: 0, runnersUp: 2);
        Assert.Equal(1, selection.Pick.Checkpoint);
        Assert.Equal(new[] { 3, 0 }, selection.RunnersUp.Select(s => s.Checkpoint));
        Assert.Equal(new[] { 2, 2 }, selection.RunnersUp.Select(s => s.BenchmarksEvaluated));
        Assert.Equal(1, selection.Pick.BenchmarksEvaluated);
    }

    [Fact]
    public void AFullyObservedRowHasAZeroWidthInterval()
    {
        var grid = GridOf(2, 3);
        var rows = new RowPosterior(new[] { 0.8, 0.5 }, new double[,] { { 0, 0 }, { 0, 0.01 } }, new[] { 0, 2 });
        var selection = EngineSelection.From(grid, rows, samples: 1000, seed: 0);
        Assert.Equal(0, selection.Pick.Checkpoint);
        Assert.Equal(0.8, selection.Pick.Low);
        Assert.Equal(0.8, selection.Pick.High);
        Assert.Equal(3, selection.Pick.BenchmarksEvaluated);
        Assert.Equal(1, Assert.Single(selection.RunnersUp).BenchmarksEvaluated);
        Assert.True(selection.Pick.ProbabilityBest > 0.99);
    }
}

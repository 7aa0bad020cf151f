using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid
using Bomax.Engine.Selection; // inside the namespace, or Selection would mean the namespace Bomax.Engine.Selection

public class PrequentialCheckTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(1000)]
    public void TheModelsMissesAreEachObservationPredictedFromTheOnesBeforeIt(int count)
    {
        var (grid, observations) = Curve(10, 3, seed: 4);
        var options = new EngineOptions { Device = ComputeDevice.Cpu };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        double[] misses;
        using (var model = ConditionedModel.Condition(grid, observations, fit, options)) misses = model.LatestMisses(count);

        // The observations' covariance and standardised scores written out densely.
        var h = fit.Hyperparameters.Values(options);
        var steps = grid.NormalisedSteps();
        int n = observations.Count, take = Math.Min(n, count);
        var k = Matrix<double>.Build.Dense(n, n, (a, b) =>
            DenseReference.Latent(observations[a].Cell, observations[b].Cell, steps, h, fit.Hyperparameters.Rank, options.Kernel)
                + (a == b ? h.Noise : 0));
        var y = Vector<double>.Build.Dense(n, a => fit.Standardisation.Apply(observations[a]));
        Assert.Equal(take, misses.Length);
        for (int i = n - take; i < n; i++)
        {
            // Conditional of y_i given y_0 … y_i−1, written out.
            double mean = 0, variance = k[i, i];
            if (i > 0)
            {
                var before = k.SubMatrix(0, i, 0, i);
                var cross = k.SubMatrix(i, 1, 0, i).Row(0);
                var weights = before.Solve(cross);
                mean = weights.DotProduct(y.SubVector(0, i));
                variance -= weights.DotProduct(cross);
            }
            Assert.Equal((y[i] - mean) / Math.Sqrt(variance), misses[i - (n - take)], 1e-7);
        }
    }

    [Fact]
    public void TheBulksScaleIsTheMedianSquaredMissReadAsAVarianceShrunkTowardOneAndNarrowedOnlyAsFarAsTheMeanSquareAgrees()
    {
        Assert.Equal(0.4549, PrequentialCheck.CalibratedMedianSquare, 4); // the median of χ² with one degree of freedom
        Assert.Equal(1.0, PrequentialCheck.BulkScale([]));
        // Misses nearer than stated: the median square 0.25 read as (3 · 0.25 / 0.4549 + 10) / 13, above the mean square's
        // (0.25 + 1 + 0.04 + 10) / 13, so the median's.
        Assert.Equal((3 * 0.25 / PrequentialCheck.CalibratedMedianSquare + 10) / 13, PrequentialCheck.BulkScale([0.5, -1.0, 0.2]), 1e-12);
        // A median of 0.01 with one wild miss: the mean square is above 1, so the model is not read as too wide.
        Assert.Equal(1.0, PrequentialCheck.BulkScale([0.1, -0.1, 0.1, 5]));
        // Forty exact predictions: (0 + 10) / 50 = 0.2 by either, held at the smallest scale.
        Assert.Equal(PrequentialCheck.SmallestBulk, PrequentialCheck.BulkScale(new double[40]));
        Assert.Equal(1.0, PrequentialCheck.Scales(new double[40]).Tails); // the tails are never narrowed
        // Ten misses of three deviations, the prior weighs ten of one: (10 · 9 / 0.4549 + 10) / 20.
        Assert.Equal((10 * 9 / PrequentialCheck.CalibratedMedianSquare + 10) / 20,
            PrequentialCheck.BulkScale(Enumerable.Repeat(3.0, 10).ToArray()), 1e-12);
        // An even count reads the middle two: z² of 1 and 4 → 2.5.
        Assert.Equal((4 * 2.5 / PrequentialCheck.CalibratedMedianSquare + 10) / 14, PrequentialCheck.BulkScale([-1, 2, 3, 0.5]), 1e-12);
    }

    [Fact]
    public void TheTailsScaleIsTheMeanSquaredMissShrunkTowardOneAndNeverBelowIt()
    {
        Assert.Equal(1.0, PrequentialCheck.TailScale([0.5, -1.0, 0.2]));
        Assert.Equal(1.0, PrequentialCheck.TailScale([]));
        // Ten misses of three deviations, the prior weighs ten of one: (90 + 10) / 20 = 5.
        Assert.Equal(5.0, PrequentialCheck.TailScale(Enumerable.Repeat(3.0, 10).ToArray()), 1e-12);
        // One wild miss counts at most LargestSquare: (100 + 10) / 11.
        Assert.Equal((PrequentialCheck.LargestSquare + PrequentialCheck.PriorCount) / (1 + PrequentialCheck.PriorCount),
            PrequentialCheck.TailScale([1e6]), 1e-12);
    }

    [Fact]
    public void AFewWildMissesWidenTheTailsAndLeaveTheBulkAsItsCalibratedMissesSay()
    {
        // Forty misses spread as a calibrated model's (the quantiles of a standard normal) and ten of eight deviations: their
        // mean square reads 11 and widens the tails; the median square reads the forty (1.5).
        var calibrated = Enumerable.Range(1, 40).Select(k => Normal.InvCDF(0, 1, k / 41.0)).ToArray();
        var scales = PrequentialCheck.Scales([.. calibrated, .. Enumerable.Repeat(8.0, 10)]);
        Assert.InRange(scales.Bulk, 1.0, 1.6);
        Assert.InRange(scales.Tails, 10, 12);
        Assert.True(scales.TailsOverBulk > 6);
        // Half of them missing by three deviations is no longer a few: the bulk has moved.
        Assert.True(PrequentialCheck.BulkScale([.. calibrated.Take(25), .. Enumerable.Repeat(3.0, 25)]) > 3);
        // Misses lighter-tailed than a Gaussian's (all at 1.2 deviations) read a bulk above their mean square: the tails are never
        // narrower than the bulk.
        var even = PrequentialCheck.Scales(Enumerable.Repeat(1.2, 40).ToArray());
        Assert.True(PrequentialCheck.TailScale(Enumerable.Repeat(1.2, 40).ToArray()) < even.Bulk);
        Assert.Equal(even.Bulk, even.Tails);
    }

    static (Grid Grid, List<Observation> Observations) Curve(int checkpoints, int benchmarks, int seed)
    {
        var random = new Random(seed);
        var grid = new Grid(
            Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"task{j}")));
        var cells = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).OrderBy(_ => random.Next()).Take(grid.CellCount / 2);
        var observations = cells.Select(c => new Observation(c,
            0.6 + 0.1 * Math.Sin(3.0 * c.Checkpoint / checkpoints) + 0.05 * c.Benchmark + 0.01 * (random.NextDouble() - 0.5))).ToList();
        return (grid, observations);
    }

    [Fact]
    public void LatestCellsFarFromWhatTheEarlierOnesPredictWidenThePosteriorAndCellsThatFollowDoNot()
    {
        var (grid, observations) = Curve(24, 4, seed: 3);
        var options = new EngineOptions { Device = ComputeDevice.Cpu, FirstFitIterations = 40, RefitIterations = 20 };
        int window = PrequentialCheck.WindowFor(observations.Count);
        Assert.True(window >= PrequentialCheck.SmallestWindow);

        var calm = PrequentialCheck.Scales(grid, observations, HyperparameterFit.Fit(grid, observations, options), options);
        Assert.True(calm.Tails < 1.5, $"a model that predicts its latest cells well stays as it is (scales {calm})");

        // The latest cells scatter by ±0.05 around the curve the earlier ones follow to ±0.005.
        var random = new Random(7);
        var surprising = observations
            .Select((o, k) => k >= observations.Count - window ? o with { Score = o.Score + (random.Next(2) * 2 - 1) * 0.05 } : o)
            .ToList();
        var fit = HyperparameterFit.Fit(grid, surprising, options);
        var scales = PrequentialCheck.Scales(grid, surprising, fit, options);
        double widened = scales.Bulk;
        Assert.True(widened > 3, $"misses of many standard deviations must widen the posterior (scale {widened})");
        // Both readings say how many observations they rest on, so a report can tell a checked decision from an unchecked one.
        Assert.Equal((window, window), (calm.HeldBack, scales.HeldBack));
        Assert.True(calm.Checked && scales.Checked);
        var off = PrequentialCheck.Scales(grid, surprising, fit, options with { PredictiveCheck = false });
        Assert.Equal(VarianceScales.None, off);
        Assert.False(off.Checked);

        // Widening moves no mean, multiplies the covariance, and makes the pick less certain.
        using var model = ConditionedModel.Condition(grid, surprising, fit, options);
        var rows = model.Rows();
        var wide = rows.Widened(widened);
        Assert.Equal(rows.Mean, wide.Mean);
        for (int i = 0; i < rows.Count; i++)
            for (int k = 0; k < rows.Count; k++) Assert.Equal(widened * rows.Covariance[i, k], wide.Covariance[i, k], 1e-15);
        var sure = Selection.From(grid, rows, 4096, 1);
        var honest = Selection.From(grid, wide, 4096, 1);
        int pick = sure.Pick.Checkpoint;
        Assert.True(honest.ProbabilityBest[pick] < sure.Pick.ProbabilityBest, $"{honest.ProbabilityBest[pick]} vs {sure.Pick.ProbabilityBest}");
    }

    [Fact]
    public void TooFewObservationsToHoldBackLeaveTheScaleAtOne()
    {
        var (grid, observations) = Curve(8, 3, seed: 1); // 12 observations: a window of 3
        Assert.True(PrequentialCheck.WindowFor(observations.Count) < PrequentialCheck.SmallestWindow);
        var shifted = observations.Select((o, k) => k >= 9 ? o with { Score = o.Score + 1 } : o).ToList();
        var options = new EngineOptions { Device = ComputeDevice.Cpu };
        var scales = PrequentialCheck.Scales(grid, shifted, HyperparameterFit.Fit(grid, shifted, options), options);
        Assert.Equal(VarianceScales.None, scales);
        Assert.Equal(0, scales.HeldBack);
    }

    [Fact]
    public void TheMeanProductOfMissesAtOneCheckpointReadsOnlyThePairsThatShareOne()
    {
        static Cell C(int checkpoint, int benchmark) => new(checkpoint, benchmark);
        // Checkpoint 0: 2, −1, 0.5 (pairs −2, 1, −0.5); checkpoint 3: 1.5, −2 (−3); checkpoint 5 alone.
        double[] misses = [2, 1.5, -1, 4, 0.5, -2];
        Cell[] cells = [C(0, 0), C(3, 1), C(0, 1), C(5, 0), C(0, 2), C(3, 0)];
        Assert.Equal((-2 + 1 - 0.5 - 3) / 4.0, PrequentialCheck.SameCheckpointProduct(misses, cells)!.Value, 1e-12);
        Assert.Null(PrequentialCheck.SameCheckpointProduct([1.0, 2.0], [C(0, 0), C(1, 0)]));
    }

    [Fact]
    public void TheCheckCouplesTheBenchmarksWhereTheMissesAtOneCheckpointComeClosestToIndependent()
    {
        PrequentialCheck.CouplingReading[] readings = [new(1, -0.20, 2.0), new(0.7, -0.08, 1.8), new(0.5, 0.05, 1.6), new(0.3, 0.12, 1.5)];
        Assert.Equal(new PrequentialCheck.CouplingReading(0.5, 0.05, 1.6), PrequentialCheck.Closest(readings));
        // Of two as close, the tighter: the fitted coupling before any looser one.
        Assert.Equal(1, PrequentialCheck.Closest([new(0.7, 0.05, 1.8), new(1, -0.05, 2.0)]).Coupling);
        Assert.All(PrequentialCheck.Couplings, c => Assert.InRange(c, 0.1, 0.99));
    }

    [Fact]
    public void TheCheckCouplesTheBenchmarksAtOneOfItsCouplingsAndWidensPBestByTheMissesSoCoupled()
    {
        var (grid, observations) = Curve(24, 4, seed: 3);
        var options = new EngineOptions { Device = ComputeDevice.Cpu, FirstFitIterations = 40, RefitIterations = 20 };
        // Each checkpoint's latest cells lifted or lowered on one benchmark and the other way on the next: misses at one checkpoint
        // that pull apart.
        int window = PrequentialCheck.WindowFor(observations.Count);
        var apart = observations
            .Select((o, k) => k >= observations.Count - window ? o with { Score = o.Score + (o.Cell.Benchmark % 2 == 0 ? 0.03 : -0.03) } : o)
            .ToList();
        var fit = HyperparameterFit.Fit(grid, apart, options);
        var scales = PrequentialCheck.Scales(grid, apart, fit, options);
        Assert.Contains(scales.Coupling, PrequentialCheck.Couplings);
        Assert.True(scales.CoupledBulk >= 1);
        // A study past the coupling's observation limit keeps the fitted coupling, and the same bulk and tails.
        var large = PrequentialCheck.Scales(grid, apart, fit, options with { CouplingObservationLimit = apart.Count - 1 });
        Assert.NotNull(large.Student); // the t of the misses at the fitted coupling
        Assert.Equal(new VarianceScales(scales.Bulk, scales.Tails) { HeldBack = scales.HeldBack, Student = large.Student }, large);
        Assert.NotNull(scales.Student);
        // Without a checkpoint holding two held-back cells there is nothing to read: the fitted coupling.
        var (single, spread) = Curve(100, 1, seed: 2); // 50 observations, a window of 12: each at its own checkpoint
        var one = PrequentialCheck.Scales(single, spread, HyperparameterFit.Fit(single, spread, options), options);
        Assert.True(one.Checked);
        Assert.Equal((1.0, one.Bulk), (one.Coupling, one.CoupledBulk));
    }

    [Fact]
    public void TheStudentTOfTheMissesIsTheMostLikelyOfItsDegreesOfFreedomItsScaleShrunkTowardOne()
    {
        Assert.Null(PrequentialCheck.Student(new double[PrequentialCheck.SmallestWindow - 1]));
        // Fifty misses from a t of 3 degrees of freedom, twice as wide as stated: heavy tails, read as such.
        var random = new Random(5);
        var heavy = Enumerable.Range(0, 50).Select(_ => 2 * StudentT.Sample(random, 0, 1, 3)).ToArray();
        var t = PrequentialCheck.Student(heavy)!;
        Assert.InRange(t.Freedom, 1.5, 6);
        // Fifty Gaussian misses as wide as stated: light tails, a scale near 1.
        var light = Enumerable.Range(0, 50).Select(_ => Normal.Sample(random, 0, 1)).ToArray();
        var gaussian = PrequentialCheck.Student(light)!;
        Assert.True(gaussian.Freedom >= 12, $"Gaussian misses read with {gaussian.Freedom} degrees of freedom");
        Assert.InRange(gaussian.Scale, 0.7, 1.4);
        // Each degree of freedom's scale is its likelihood's largest, and the chosen one the most likely: no other scale or freedom of
        // the grid fits the heavy misses better.
        double LogLikelihood(double scale, double freedom) => double.IsPositiveInfinity(freedom)
            ? heavy.Sum(z => Normal.PDFLn(0, Math.Sqrt(scale), z))
            : heavy.Sum(z => StudentT.PDFLn(0, Math.Sqrt(scale), freedom, z));
        double raw = (t.Scale * (50 + PrequentialCheck.PriorCount) - PrequentialCheck.PriorCount) / 50; // unshrunk
        double best = LogLikelihood(raw, t.Freedom);
        foreach (double freedom in PrequentialCheck.Freedoms)
            foreach (double factor in new[] { 0.8, 0.95, 1, 1.05, 1.25 })
                Assert.True(LogLikelihood(raw * factor, freedom) <= best + 1e-9, $"ν {freedom}, scale × {factor} fits better");
        // Ten misses of exactly 3: a Gaussian of scale 9, shrunk toward 1 with the weight of ten: (90 + 10) / 20.
        var steady = PrequentialCheck.Student(Enumerable.Repeat(3.0, 10).ToArray())!;
        Assert.Equal(5.0, steady.Scale, 6);
        // Fifty exact predictions: the scale held at the smallest the bulk's goes to.
        Assert.Equal(PrequentialCheck.SmallestBulk, PrequentialCheck.Student(new double[50])!.Scale);
    }

    [Fact]
    public void TheCheckIsMadeFromTheSmallestStudyOnAndHoldsBackAQuarterOfItUpToTheWindow()
    {
        Assert.Equal(PrequentialCheck.SmallestWindow, PrequentialCheck.WindowFor(PrequentialCheck.SmallestStudy));
        Assert.True(PrequentialCheck.WindowFor(PrequentialCheck.SmallestStudy - 1) < PrequentialCheck.SmallestWindow);
        Assert.Equal(PrequentialCheck.Window, PrequentialCheck.WindowFor(10_000));
        // The scales of the misses themselves rest on as many as were given.
        Assert.Equal(7, PrequentialCheck.Scales([0.1, -0.2, 3.0, 0.5, -0.4, 1.1, -0.9]).HeldBack);
    }
}

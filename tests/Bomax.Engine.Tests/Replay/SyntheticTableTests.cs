using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Replay;

/// <summary>The synthetic learning curves have the features of real runs the generator promises.</summary>
public class SyntheticTableTests
{
    [Fact]
    public void TheSameSizeAndSeedGiveTheSameTableAndAnotherSeedAnother()
    {
        var a = Bomax.Engine.Replay.SyntheticTable.Generate(40, 12, seed: 3);
        var b = Bomax.Engine.Replay.SyntheticTable.Generate(40, 12, seed: 3);
        var c = Bomax.Engine.Replay.SyntheticTable.Generate(40, 12, seed: 4);
        Assert.Equal(a.Scores.Cast<double>(), b.Scores.Cast<double>());
        Assert.NotEqual(a.Scores.Cast<double>(), c.Scores.Cast<double>());
        Assert.Equal(40, a.Grid.CheckpointCount);
        Assert.Equal(12, a.Grid.BenchmarkCount);
        Assert.Equal(["checkpoint-50", "checkpoint-100"], a.Grid.Checkpoints.Take(2).Select(k => k.Name));
        Assert.All(a.Scores.Cast<double>(), s => Assert.InRange(s, 0.0, 1.0));
    }

    /// <summary>Reported standard errors (<c>replay --synthetic-stderr</c>) leave the scores as they are, and say for every cell the
    /// noise the generator drew for its benchmark, within its range: a benchmark of noisier cells reports the larger error.</summary>
    [Fact]
    public void StandardErrorsReportEachBenchmarksNoiseAndLeaveTheScores()
    {
        var plain = SyntheticTable.Generate(60, 8, seed: 3);
        var reported = SyntheticTable.Generate(60, 8, seed: 3, reportStandardErrors: true);
        Assert.Equal(plain.Scores.Cast<double>(), reported.Scores.Cast<double>());
        Assert.Null(plain.StandardErrors);
        Assert.Null(plain.ObservationOf(new(5, 2)).StandardError);
        var cells = reported.StandardErrors!;
        Assert.Equal([60, 8], new[] { cells.GetLength(0), cells.GetLength(1) });
        var errors = Enumerable.Range(0, 8).Select(j => cells[0, j]).ToArray();
        Assert.All(Enumerable.Range(0, 60 * 8), k => Assert.Equal(errors[k % 8], cells[k / 8, k % 8]));
        Assert.All(errors, e => Assert.InRange(e, 0.005, 0.02));
        Assert.Equal(errors[2], reported.ObservationOf(new(5, 2)).StandardError);
        Assert.Equal(reported.ScoreOf(new(5, 2)), reported.ObservationOf(new(5, 2)).Score);

        // What the errors say matches the cells: the residuals from a smooth local fit (second differences along the run) of the
        // four noisiest benchmarks by their errors spread more than those of the four quietest.
        var order = Enumerable.Range(0, 8).OrderBy(j => errors[j]).ToList();
        double Roughness(int j) => Enumerable.Range(1, 58)
            .Select(i => reported.Scores[i, j] - (reported.Scores[i - 1, j] + reported.Scores[i + 1, j]) / 2)
            .Select(r => r * r).Average();
        Assert.True(order.Skip(4).Average(Roughness) > order.Take(4).Average(Roughness));
    }

    [Theory]
    [InlineData(200, 40)]
    [InlineData(60, 120)]
    public void CurvesRiseThenPeakBeforeTheEndWithCorrelatedBenchmarksAndRealisticNoise(int checkpoints, int benchmarks)
    {
        int lastBest = 0, seeds = 8;
        for (int seed = 1; seed <= seeds; seed++)
        {
            var table = Bomax.Engine.Replay.SyntheticTable.Generate(checkpoints, benchmarks, seed);
            var means = table.RowMeans();
            int best = Array.IndexOf(means, means.Max());
            if (best == checkpoints - 1) lastBest++;
            Assert.True(means.Max() - means[0] > 0.02, $"seed {seed}: training should gain over the first checkpoint");
            Assert.True(best > checkpoints / 10, $"seed {seed}: the best checkpoint {best} should not be at the start");

            // Benchmarks move together: the median pairwise correlation of their curves is clearly positive.
            var correlations = new List<double>();
            for (int j = 0; j < benchmarks; j++)
                for (int k = j + 1; k < benchmarks; k++) correlations.Add(Correlation(Column(table, j), Column(table, k)));
            correlations.Sort();
            Assert.True(correlations[correlations.Count / 2] > 0.2, $"seed {seed}: median correlation {correlations[correlations.Count / 2]:0.00}");

            // Evaluation noise of 0.5–2 points: the spread of neighbour differences (÷√2) per benchmark.
            var noise = Enumerable.Range(0, benchmarks).Select(j =>
            {
                var column = Column(table, j);
                var differences = column.Zip(column.Skip(1), (x, y) => y - x).ToArray();
                double mean = differences.Average();
                return Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / differences.Length / 2);
            }).OrderBy(x => x).ToArray();
            Assert.InRange(noise[benchmarks / 2], 0.004, 0.025);
        }
        Assert.True(lastBest <= seeds / 4, $"the last checkpoint was the best in {lastBest} of {seeds} runs");
    }

    static double[] Column(ScoreTable table, int j) => Enumerable.Range(0, table.Grid.CheckpointCount).Select(i => table.Scores[i, j]).ToArray();

    static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my); }
        return sxy / Math.Sqrt(sxx * syy);
    }
}

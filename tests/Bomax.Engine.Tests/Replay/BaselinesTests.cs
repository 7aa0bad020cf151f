using Bomax.Engine.Design;
using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Replay;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

public class BaselinesTests
{
    static ScoreTable TableOf(double[,] scores, double[]? weights = null)
    {
        int n = scores.GetLength(0), m = scores.GetLength(1);
        var grid = new Grid(
            Enumerable.Range(0, n).Select(i => new Checkpoint($"c{i + 1}", i + 1)),
            Enumerable.Range(0, m).Select(j => new Benchmark($"b{j}", weights?[j] ?? 1.0)));
        return new ScoreTable("test", grid, scores);
    }

    /// <summary>n × m table whose row averages rise (or fall) with the row; cells vary across benchmarks.</summary>
    static ScoreTable Monotone(int n, int m, bool rising)
    {
        var scores = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) scores[i, j] = 0.5 + 0.01 * (rising ? i : -i) + 0.05 * Math.Sin(3 * i + j);
        // Make the row averages strictly monotone regardless of the sine term.
        for (int i = 0; i < n; i++)
        {
            double avg = Enumerable.Range(0, m).Average(j => scores[i, j]);
            for (int j = 0; j < m; j++) scores[i, j] += (0.5 + 0.01 * (rising ? i : -i)) - avg;
        }
        return TableOf(scores);
    }

    [Fact]
    public void SubsetWithTheWholeGridPicksTheTrueBest()
    {
        var table = TableOf(new double[,] { { 0.1, 0.2 }, { 0.5, 0.3 }, { 0.9, 0.0 }, { 0.3, 0.4 } });
        // Row averages 0.15, 0.4, 0.45, 0.35.
        foreach (var seed in Enumerable.Range(0, 5)) Assert.Equal(2, Baselines.Subset(table, 8, seed));
    }

    [Fact]
    public void SubsetUsesTheBenchmarkWeights()
    {
        var table = TableOf(new double[,] { { 0.1, 0.2 }, { 0.5, 0.3 }, { 0.9, 0.0 }, { 0.3, 0.4 } }, new[] { 1.0, 4.0 });
        // Weighted 0.2·a + 0.8·b: 0.18, 0.34, 0.18, 0.38.
        foreach (var seed in Enumerable.Range(0, 5)) Assert.Equal(3, Baselines.Subset(table, 8, seed));
    }

    [Fact]
    public void SubsetPicksTheBestOfTheEvenlySpacedRowsItEvaluates()
    {
        // 20 checkpoints, 3 benchmarks, budget 12: 4 rows, one in each quarter of the run. With row averages
        // rising the best evaluated row is the one in the last quarter; falling, the one in the first.
        var rising = Monotone(20, 3, rising: true);
        var falling = Monotone(20, 3, rising: false);
        var risingPicks = Enumerable.Range(0, 30).Select(seed => Baselines.Subset(rising, 12, seed)).ToArray();
        var fallingPicks = Enumerable.Range(0, 30).Select(seed => Baselines.Subset(falling, 12, seed)).ToArray();
        Assert.All(risingPicks, p => Assert.InRange(p, 15, 19));
        Assert.All(fallingPicks, p => Assert.InRange(p, 0, 4));
        // The offset is seeded: not always the same rows.
        Assert.True(risingPicks.Distinct().Count() > 1);
        Assert.Equal(risingPicks, Enumerable.Range(0, 30).Select(seed => Baselines.Subset(rising, 12, seed)));
    }

    [Fact]
    public void SubsetWithLessThanOneRowOfBudgetStillEvaluatesOneRow()
    {
        var rising = Monotone(20, 3, rising: true);
        var picks = Enumerable.Range(0, 30).Select(seed => Baselines.Subset(rising, 1, seed)).ToArray();
        Assert.All(picks, p => Assert.InRange(p, 0, 19));
        Assert.True(picks.Distinct().Count() > 3); // one row anywhere in the run, by the seed
    }

    [Fact]
    public void PickByFilledMeansFillsMissingCellsWithTheBenchmarksObservedMean()
    {
        var table = TableOf(new double[,] { { 0.7, 0.95 }, { 0.0, 0.3 }, { 0.9, 0.1 } });
        var observed = new HashSet<Cell> { new(0, 0), new(1, 1), new(2, 0), new(2, 1) };
        // Benchmark means over observed cells: b0 (0.7 + 0.9)/2 = 0.8, b1 (0.3 + 0.1)/2 = 0.2.
        // Filled rows: (0.7 + 0.2)/2 = 0.45, (0.8 + 0.3)/2 = 0.55, (0.9 + 0.1)/2 = 0.5 → row 1.
        // (Filling with the overall mean 0.5 would pick row 0, filling with 0 row 2.)
        Assert.Equal(1, Baselines.PickByFilledMeans(table, observed));
    }

    [Fact]
    public void PickByFilledMeansCopesWithAnUnseenBenchmark()
    {
        var table = TableOf(new double[,] { { 0.2, 0.9, 0.5 }, { 0.4, 0.1, 0.5 }, { 0.3, 0.6, 0.5 } });
        // b2 never observed (filled alike in every row); b0 mean 0.3, b1 mean (0.1 + 0.6)/2 = 0.35.
        // Rows: 0.2 + 0.35, 0.4 + 0.1, 0.3 + 0.6 (+ the same fill) → row 2.
        var observed = new HashSet<Cell> { new(0, 0), new(1, 0), new(1, 1), new(2, 1) };
        Assert.Equal(2, Baselines.PickByFilledMeans(table, observed));
        // b0 mean 0.3, b1 mean 0.1: rows 0.2 + 0.1, 0.4 + 0.1, 0.3 + 0.1 → row 1.
        observed = new HashSet<Cell> { new(0, 0), new(1, 0), new(1, 1) };
        Assert.Equal(1, Baselines.PickByFilledMeans(table, observed));
        // Nothing observed: every row ties, the first wins.
        Assert.Equal(0, Baselines.PickByFilledMeans(table, new HashSet<Cell>()));
    }

    [Fact]
    public void PickByFilledMeansUsesTheBenchmarkWeights()
    {
        var scores = new double[,] { { 0.7, 0.95 }, { 0.0, 0.3 }, { 0.9, 0.1 } };
        var observed = new HashSet<Cell> { new(0, 0), new(1, 1), new(2, 0), new(2, 1) };
        // Weights 0.9 / 0.1: rows 0.9·0.7 + 0.1·0.2 = 0.65, 0.9·0.8 + 0.1·0.3 = 0.75, 0.9·0.9 + 0.1·0.1 = 0.82 → row 2.
        Assert.Equal(2, Baselines.PickByFilledMeans(TableOf(scores, new[] { 9.0, 1.0 }), observed));
        // Weights 0.1 / 0.9: 0.07 + 0.18 = 0.25, 0.08 + 0.27 = 0.35, 0.09 + 0.09 = 0.18 → row 1.
        Assert.Equal(1, Baselines.PickByFilledMeans(TableOf(scores, new[] { 1.0, 9.0 }), observed));
    }

    [Fact]
    public void RandomWithTheWholeGridPicksTheTrueBest()
    {
        var table = Monotone(10, 3, rising: false);
        var design = InitialDesign.Cells(table.Grid, 2, seed: 0);
        foreach (var seed in Enumerable.Range(0, 5)) Assert.Equal(0, Baselines.Random(table, design, 30, seed));
    }

    [Fact]
    public void RandomIsDeterministicForASeed()
    {
        var table = PeakedTable.Create();
        var design = InitialDesign.Cells(table.Grid, 2, seed: 4);
        var picks = Enumerable.Range(0, 10).Select(seed => Baselines.Random(table, design, 30, seed)).ToArray();
        Assert.Equal(picks, Enumerable.Range(0, 10).Select(seed => Baselines.Random(table, design, 30, seed)));
        Assert.True(picks.Distinct().Count() > 1, string.Join(",", picks));
    }
}

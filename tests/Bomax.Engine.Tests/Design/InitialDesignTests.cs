using Bomax.Engine.Design;

namespace Bomax.Engine.Tests.Design;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

public class InitialDesignTests
{
    static Grid GridOf(int checkpoints, int benchmarks) => new(
        Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 50}", (i + 1) * 50)),
        Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"bench{j}")));

    /// <summary>Band of a checkpoint when <paramref name="n"/> checkpoints are cut into <paramref name="bands"/>
    /// equal bands [⌊b·n/bands⌋, ⌊(b+1)·n/bands⌋).</summary>
    static int BandOf(int checkpoint, int n, int bands)
    {
        for (int b = 0; b < bands; b++)
            if (checkpoint >= b * n / bands && checkpoint < (b + 1) * n / bands) return b;
        throw new ArgumentOutOfRangeException(nameof(checkpoint));
    }

    public static TheoryData<int, int, int> Grids => new()
    {
        { 121, 71, 2 },
        { 121, 71, 3 },
        { 121, 71, 5 },
        { 30, 8, 2 },
        { 30, 8, 3 },
        { 30, 8, 7 },
        { 10, 20, 2 },
        { 10, 20, 3 },
        { 10, 20, 5 },
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public void EveryBenchmarkGetsPerBenchmarkCellsWithoutDuplicates(int checkpoints, int benchmarks, int perBenchmark)
    {
        var grid = GridOf(checkpoints, benchmarks);
        perBenchmark = InitialDesign.PerBenchmark(grid, perBenchmark);
        foreach (var seed in new[] { 0, 1, 17 })
        {
            var design = InitialDesign.Cells(grid, perBenchmark, seed);
            Assert.Equal(benchmarks * perBenchmark, design.Count);
            Assert.Equal(design.Count, design.Distinct().Count());
            Assert.All(design, c =>
            {
                Assert.InRange(c.Checkpoint, 0, checkpoints - 1);
                Assert.InRange(c.Benchmark, 0, benchmarks - 1);
            });
            for (int j = 0; j < benchmarks; j++) Assert.Equal(perBenchmark, design.Count(c => c.Benchmark == j));
        }
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void EachBenchmarksCellsCoverEveryBand(int checkpoints, int benchmarks, int perBenchmark)
    {
        var grid = GridOf(checkpoints, benchmarks);
        perBenchmark = InitialDesign.PerBenchmark(grid, perBenchmark);
        foreach (var seed in new[] { 0, 1, 17 })
        {
            var design = InitialDesign.Cells(grid, perBenchmark, seed);
            for (int j = 0; j < benchmarks; j++)
            {
                var bands = design.Where(c => c.Benchmark == j).Select(c => BandOf(c.Checkpoint, checkpoints, perBenchmark)).OrderBy(b => b);
                Assert.Equal(Enumerable.Range(0, perBenchmark), bands);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void NoTwoCellsOfOneBenchmarkAreOnNeighbouringCheckpoints(int checkpoints, int benchmarks, int perBenchmark)
    {
        var grid = GridOf(checkpoints, benchmarks);
        foreach (var seed in Enumerable.Range(0, 10))
        {
            var design = InitialDesign.Cells(grid, perBenchmark, seed);
            for (int j = 0; j < benchmarks; j++)
            {
                var rows = design.Where(c => c.Benchmark == j).Select(c => c.Checkpoint).OrderBy(i => i).ToArray();
                for (int k = 1; k < rows.Length; k++)
                    Assert.True(rows[k] - rows[k - 1] >= 2, $"seed {seed}, benchmark {j}: checkpoints {rows[k - 1]} and {rows[k]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void TheDesignTakesAtMostHalfTheBudget(int checkpoints, int benchmarks, int perBenchmark)
    {
        var grid = GridOf(checkpoints, benchmarks);
        var whole = InitialDesign.Cells(grid, perBenchmark, seed: 3);
        Assert.Equal(whole.Count, InitialDesign.Size(grid, perBenchmark));
        foreach (var budget in new[] { 1, 2, 7, whole.Count, 2 * whole.Count - 1, 2 * whole.Count, 5 * whole.Count })
        {
            var cut = InitialDesign.Cells(grid, perBenchmark, seed: 3, budget);
            int expected = Math.Min(whole.Count, (budget + 1) / 2);
            Assert.Equal(expected, cut.Count);
            Assert.Equal(expected, InitialDesign.Size(grid, perBenchmark, budget));
            Assert.Equal(whole.Take(expected), cut); // a cut design is the start of the whole one
        }
        Assert.Equal(whole, InitialDesign.Cells(grid, perBenchmark, seed: 3, budget: 2 * whole.Count));
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void ACutDesignKeepsWholeBenchmarksSpreadOverTheRun(int checkpoints, int benchmarks, int perBenchmark)
    {
        // A benchmark's cells say something about the checkpoints only through their differences, so a
        // cut design gives some benchmarks all their bands rather than every benchmark one cell; and every
        // band, and both halves of the first band, still get their share.
        var grid = GridOf(checkpoints, benchmarks);
        int bands = InitialDesign.PerBenchmark(grid, perBenchmark);
        var whole = InitialDesign.Cells(grid, perBenchmark, seed: 3);
        foreach (var length in new[] { bands, 2 * bands, 4 * bands, 4 * bands + 1, whole.Count / 3, whole.Count / 2 }.Where(l => l <= whole.Count))
        {
            var cut = InitialDesign.Cells(grid, perBenchmark, seed: 3, budget: 2 * length);
            Assert.Equal(length, cut.Count);
            var partial = cut.GroupBy(c => c.Benchmark).Count(g => g.Count() < bands);
            Assert.True(partial <= 1, $"prefix {length}: {partial} benchmarks without all their bands");
            var perBand = Enumerable.Range(0, bands).Select(b => cut.Count(c => BandOf(c.Checkpoint, checkpoints, bands) == b)).ToArray();
            Assert.True(perBand.Max() - perBand.Min() <= 1, $"prefix {length}: cells per band {string.Join(",", perBand)}");
            int last = checkpoints / bands, middle = last / 2;
            var first = cut.Where(c => c.Checkpoint < last).Select(c => c.Checkpoint).ToList();
            if (last >= 4 && first.Count >= 2)
            {
                Assert.Contains(first, i => i < middle);
                Assert.Contains(first, i => i >= middle);
            }
        }
    }

    [Fact]
    public void WithinABandTheBenchmarksAreSpreadOverItsCheckpoints()
    {
        // 30 checkpoints in 3 bands of 10, 8 benchmarks: a band's cells sit on at least 6 of its 10 checkpoints,
        // and no checkpoint gets more than 2.
        var grid = GridOf(30, 8);
        foreach (var seed in Enumerable.Range(0, 10))
        {
            var design = InitialDesign.Cells(grid, 3, seed);
            foreach (var band in design.GroupBy(c => BandOf(c.Checkpoint, 30, 3)))
            {
                var perCheckpoint = band.GroupBy(c => c.Checkpoint).Select(g => g.Count()).ToArray();
                Assert.True(perCheckpoint.Length >= 6, $"seed {seed}, band {band.Key}: only {perCheckpoint.Length} checkpoints used");
                Assert.True(perCheckpoint.Max() <= 2);
            }
        }
    }

    [Theory]
    [InlineData(121, 2, 2)]
    [InlineData(31, 2, 2)]
    [InlineData(31, 7, 3)]
    [InlineData(16, 2, 2)]
    [InlineData(15, 2, 1)]
    [InlineData(7, 2, 1)]
    [InlineData(3, 5, 1)]
    public void ABenchmarkGetsAtMostOneInitialCellPerEightCheckpoints(int checkpoints, int requested, int expected) =>
        Assert.Equal(expected, InitialDesign.PerBenchmark(GridOf(checkpoints, 10), requested));

    [Theory]
    [InlineData(15, 65)]
    [InlineData(7, 7)]
    [InlineData(5, 40)]
    public void AGridOfFewCheckpointsStartsFromOneCellPerBenchmarkSpreadOverEveryCheckpoint(int checkpoints, int benchmarks)
    {
        var grid = GridOf(checkpoints, benchmarks);
        foreach (var seed in Enumerable.Range(0, 5))
        {
            var design = InitialDesign.Cells(grid, 2, seed);
            Assert.Equal(benchmarks, design.Count);
            Assert.Equal(Enumerable.Range(0, benchmarks), design.Select(c => c.Benchmark).OrderBy(j => j));
            // Every checkpoint is covered, as evenly as the counts allow.
            var perCheckpoint = Enumerable.Range(0, checkpoints).Select(i => design.Count(c => c.Checkpoint == i)).ToArray();
            Assert.All(perCheckpoint, count => Assert.InRange(count, benchmarks / checkpoints, (benchmarks + checkpoints - 1) / checkpoints));
        }
    }

    [Fact]
    public void TheDesignIsDeterministicForASeedAndDiffersBetweenSeeds()
    {
        var grid = GridOf(121, 71);
        var first = InitialDesign.Cells(grid, 2, seed: 5);
        Assert.Equal(first, InitialDesign.Cells(grid, 2, seed: 5));
        Assert.NotEqual(first, InitialDesign.Cells(grid, 2, seed: 6));
        Assert.NotEqual(first.ToHashSet(), InitialDesign.Cells(grid, 2, seed: 6).ToHashSet());
    }
}

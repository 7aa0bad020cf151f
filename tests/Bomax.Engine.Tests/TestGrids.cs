namespace Bomax.Engine.Tests;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>The grids the engine's tests build their runs on.</summary>
internal static class TestGrids
{
    /// <summary><paramref name="checkpoints"/> checkpoints saved every 100 steps (ckpt-100, ckpt-200, …) × <paramref name="benchmarks"/>
    /// benchmarks task0, task1, ….</summary>
    public static Grid EveryHundredSteps(int checkpoints, int benchmarks) => new(
        Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"ckpt-{(i + 1) * 100}", (i + 1) * 100)),
        Enumerable.Range(0, benchmarks).Select(j => new Benchmark($"task{j}")));

    /// <summary>Ten checkpoints saved every 100 steps × arc, gsm8k and mmlu.</summary>
    public static Grid TenByThree { get; } = new(
        Enumerable.Range(0, 10).Select(i => new Checkpoint($"ckpt-{(i + 1) * 100}", (i + 1) * 100)),
        new[] { new Benchmark("arc"), new Benchmark("gsm8k"), new Benchmark("mmlu") });

    /// <summary>The first <paramref name="count"/> cells of <see cref="TenByThree"/> in one seeded order, scored on a curve that
    /// peaks at ckpt-700 and falls <paramref name="curvature"/> by either end, each benchmark 0.02 above the one before, with up
    /// to 0.01 of noise. The first cells of a larger count are the cells of a smaller one, with the same scores.</summary>
    public static List<Observation> PeakedScores(int count, double curvature)
    {
        var random = new Random(7);
        return Enumerable.Range(0, TenByThree.CellCount).OrderBy(_ => random.Next()).Take(count)
            .Select(k => new Cell(k / 3, k % 3))
            .Select(c => new Observation(c,
                0.7 - curvature * Math.Pow((c.Checkpoint - 6) / 4.0, 2) + 0.02 * c.Benchmark + 0.01 * random.NextDouble()))
            .ToList();
    }
}

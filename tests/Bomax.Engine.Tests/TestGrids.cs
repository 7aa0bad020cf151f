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
}

namespace Bomax.Engine.Design;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The smallest budget that leaves the model room to choose: the initial design, plus enough adaptive
/// evaluations to learn two whole checkpoints' averages (the leader and a challenger), 2·M. Below it the
/// initial design is cut (<see cref="InitialDesign.BudgetShare"/>) and the pick rests on few cells per
/// benchmark (on the shared 121 × 71 run: 284 cells, 3.3 %; at 2 % the median pick was 0.21 % below the
/// best, at 5 % 0.06 %). Small grids need a large share: 7 × 7 → 21 (43 %).
/// </summary>
public static class BudgetAdvice
{
    public static int Smallest(Grid grid, int initialPerBenchmark) =>
        Math.Min(grid.CellCount, InitialDesign.Size(grid, initialPerBenchmark) + 2 * grid.BenchmarkCount);

    /// <summary>A warning when <paramref name="budget"/> is below <see cref="Smallest"/>; null otherwise.</summary>
    public static string? Warning(Grid grid, int initialPerBenchmark, int budget)
    {
        int smallest = Smallest(grid, initialPerBenchmark);
        if (budget >= smallest) return null;
        int whole = InitialDesign.Size(grid, initialPerBenchmark), cut = InitialDesign.Size(grid, initialPerBenchmark, budget);
        string design = cut < whole
            ? $"the initial design is cut from {whole} to {cut} cells, leaving the model {budget - cut}"
            : $"the initial design alone is {whole} cells";
        return $"a budget of {budget} evaluations ({100.0 * budget / grid.CellCount:0.#}% of the grid) leaves little room for the model to choose: "
            + $"{design}; the smallest sensible budget for this {grid.CheckpointCount} × {grid.BenchmarkCount} grid is {smallest} "
            + $"({100.0 * smallest / grid.CellCount:0.#}%). Below it the pick rests on few cells per benchmark.";
    }
}

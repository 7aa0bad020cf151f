using Bomax.Engine.Grid;

namespace Bomax.Engine.Replay;

/// <summary>
/// Plain strategies the engine is measured against, on the same seeds and budgets.
/// <c>random</c>: the same initial design, then uniformly random cells; a row's average fills its
/// missing cells with that benchmark's mean over observed cells. <c>subset</c>: every benchmark on
/// evenly spaced checkpoints (a seeded offset), as many as the budget allows; the best of those.
/// Both return the index of the checkpoint they pick.
/// </summary>
public static class Baselines
{
    public static int Random(ScoreTable table, IReadOnlyList<Cell> design, int budget, int seed)
    {
        var grid = table.Grid;
        var random = new Random(seed ^ 0x5bd1e995);
        var observed = new HashSet<Cell>(design.Take(budget));
        var remaining = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).Where(c => !observed.Contains(c)).ToArray();
        random.Shuffle(remaining);
        foreach (var cell in remaining.Take(Math.Max(0, budget - observed.Count))) observed.Add(cell);
        return PickByFilledMeans(table, observed);
    }

    public static int Subset(ScoreTable table, int budget, int seed)
    {
        var grid = table.Grid;
        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        int rows = Math.Clamp(budget / m, 1, n);
        double offset = new Random(seed ^ 0x2545f491).NextDouble();
        var picked = Enumerable.Range(0, rows).Select(k => Math.Min(n - 1, (int)((k + offset) * n / rows))).Distinct();
        var weights = grid.Weights;
        return picked.OrderByDescending(i => Enumerable.Range(0, m).Sum(j => weights[j] * table.Scores[i, j])).ThenBy(i => i).First();
    }

    /// <summary>Best row when each missing cell is filled with its benchmark's observed mean.</summary>
    public static int PickByFilledMeans(ScoreTable table, IReadOnlySet<Cell> observed)
    {
        var grid = table.Grid;
        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        var sum = new double[m];
        var count = new int[m];
        foreach (var c in observed) { sum[c.Benchmark] += table.ScoreOf(c); count[c.Benchmark]++; }
        double overall = observed.Count > 0 ? sum.Sum() / observed.Count : 0;
        var fill = Enumerable.Range(0, m).Select(j => count[j] > 0 ? sum[j] / count[j] : overall).ToArray();
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double score = 0;
            for (int j = 0; j < m; j++)
            {
                var cell = new Cell(i, j);
                score += grid.Weights[j] * (observed.Contains(cell) ? table.ScoreOf(cell) : fill[j]);
            }
            if (score > bestScore) { bestScore = score; best = i; }
        }
        return best;
    }
}

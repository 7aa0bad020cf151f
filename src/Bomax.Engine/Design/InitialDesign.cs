namespace Bomax.Engine;

/// <summary>
/// The cells evaluated before the model chooses: <c>perBenchmark</c> cells of every benchmark, one in
/// each of that many equal bands of checkpoints, so every region of the run is covered; within a band
/// the benchmarks are spread evenly over the checkpoints in a seeded random order, and two cells of one
/// benchmark are never neighbours when the grid allows it. Ordered so that every prefix is spread too
/// (bands interleaved, positions within a band in van der Corput order): a budget smaller than the
/// design still covers the whole run.
/// The design adapts to the grid's shape: a benchmark gets at most one initial cell per
/// <see cref="CheckpointsPerInitialCell"/> checkpoints (see <see cref="PerBenchmark"/>), so a grid of few
/// checkpoints and many benchmarks starts from one cell per benchmark spread over the checkpoints instead
/// of spending a large share of the grid before the model may choose.
/// </summary>
public static class InitialDesign
{
    public const int CheckpointsPerInitialCell = 8;

    /// <summary>The initial cells per benchmark for this grid: the requested number, at most one per
    /// <see cref="CheckpointsPerInitialCell"/> checkpoints, at least one.</summary>
    public static int PerBenchmark(Grid grid, int requested) =>
        Math.Max(1, Math.Min(requested, grid.CheckpointCount / CheckpointsPerInitialCell));

    public static IReadOnlyList<Cell> Cells(Grid grid, int perBenchmark, int seed) => Spread(grid, PerBenchmark(grid, perBenchmark), seed);

    static IReadOnlyList<Cell> Spread(Grid grid, int perBenchmark, int seed)
    {
        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        int bands = Math.Clamp(perBenchmark, 1, n);
        var random = new Random(seed);
        var byBand = new Cell[bands][];
        var previous = new int[m];
        Array.Fill(previous, -2);
        for (int band = 0; band < bands; band++)
        {
            int first = band * n / bands, last = (band + 1) * n / bands; // [first, last)
            int width = last - first;
            var order = Enumerable.Range(0, m).OrderBy(_ => random.Next()).ToArray();
            double offset = random.NextDouble();
            byBand[band] = new Cell[m];
            for (int rank = 0; rank < m; rank++)
            {
                int j = order[rank];
                int row = first + Math.Min(width - 1, (int)((rank + offset) * width / m));
                // The band before ends at first − 1: step away from that benchmark's cell there.
                if (row - previous[j] <= 1 && row + 1 < last) row++;
                previous[j] = row;
                byBand[band][rank] = new Cell(row, j);
            }
        }
        var spread = Enumerable.Range(0, m).OrderBy(VanDerCorput).ToArray();
        return spread.SelectMany(rank => byBand.Select(cells => cells[rank])).Distinct().ToList();
    }

    /// <summary>
    /// Cells to spread further when a batch is larger than the design and nothing is observed yet: the
    /// design with one more cell per benchmark and no cap, then every other cell in a seeded order.
    /// </summary>
    public static IEnumerable<Cell> Continuation(Grid grid, int perBenchmark, int seed)
    {
        int more = Math.Min(grid.CheckpointCount, Math.Max(perBenchmark, PerBenchmark(grid, perBenchmark) + 1));
        var random = new Random(seed + 1);
        return Spread(grid, more, seed).Concat(Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).OrderBy(_ => random.Next()));
    }

    /// <summary>The base-2 radical inverse of <paramref name="k"/>: 0, ½, ¼, ¾, ⅛, … fills [0, 1) evenly in any prefix.</summary>
    static double VanDerCorput(int k)
    {
        double value = 0, unit = 0.5;
        for (; k > 0; k >>= 1, unit /= 2) if ((k & 1) == 1) value += unit;
        return value;
    }
}

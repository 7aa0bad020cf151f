namespace Bomax.Engine.Design;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The cells evaluated before the model chooses: <c>perBenchmark</c> cells of every benchmark, one in
/// each of that many equal bands of checkpoints, so every region of the run is covered; within a band
/// the benchmarks are spread evenly over the checkpoints in a seeded random order, and two cells of one
/// benchmark are never neighbours when the grid allows it.
/// The design adapts to the grid's shape: a benchmark gets at most one initial cell per
/// <see cref="CheckpointsPerInitialCell"/> checkpoints (see <see cref="PerBenchmark"/>), so a grid of few
/// checkpoints and many benchmarks starts from one cell per benchmark spread over the checkpoints instead
/// of spending a large share of the grid before the model may choose.
/// It also adapts to the budget: it takes at most <see cref="BudgetShare"/> of it (see <see cref="Size(int, int)"/>).
/// Fitted to a design that is the whole budget, the model's trend is a straight line through one or two
/// cells per benchmark and its maximum sits at an edge of the run; left half the budget, the model checks
/// where it believes the best is and bends. Because a benchmark's scores say something about the
/// checkpoints only through their differences (its level is unknown), a cut design keeps whole
/// benchmarks: the cells are ordered benchmark by benchmark, all of one benchmark's bands together, the
/// benchmarks in van der Corput order of their place in the first band, so every prefix covers every band
/// equally and spreads over the first band.
/// </summary>
public static class InitialDesign
{
    public const int CheckpointsPerInitialCell = 8;

    /// <summary>The initial cells per benchmark for this grid: the requested number, at most one per
    /// <see cref="CheckpointsPerInitialCell"/> checkpoints, at least one.</summary>
    public static int PerBenchmark(Grid grid, int requested) =>
        Math.Max(1, Math.Min(requested, grid.CheckpointCount / CheckpointsPerInitialCell));

    /// <summary>The most of a study's budget the initial design takes; the rest is the model's to choose.</summary>
    public const double BudgetShare = 0.5;

    /// <summary>The initial design of a study with <paramref name="budget"/> evaluations (null: no budget, the whole design).</summary>
    public static IReadOnlyList<Cell> Cells(Grid grid, int perBenchmark, int seed, int? budget = null)
    {
        var design = Spread(grid, PerBenchmark(grid, perBenchmark), seed);
        return budget is int b ? design.Take(Size(design.Count, b)).ToList() : design;
    }

    /// <summary>What is left of a design when the study's evaluation time is limited: cheapest benchmark first by each benchmark's
    /// <paramref name="expectedSeconds"/> per evaluation, each benchmark's cells still together, ties in the design's order. A design
    /// the time cuts short then keeps the benchmarks it can afford instead of spending the time on the dear ones it happened to
    /// start with.</summary>
    public static IReadOnlyList<Cell> CheapestFirst(IEnumerable<Cell> design, IReadOnlyList<double> expectedSeconds) =>
        [.. design.OrderBy(c => expectedSeconds[c.Benchmark])]; // OrderBy is stable

    /// <summary>The cells of a design of <paramref name="whole"/> cells that a budget allows: all of them when they are at most
    /// <see cref="BudgetShare"/> of the budget, otherwise that share (rounded up; at least one cell).</summary>
    static int Size(int whole, int budget) => Math.Min(whole, Math.Max(1, (int)Math.Ceiling(BudgetShare * budget)));

    /// <summary>The size of this grid's initial design for <paramref name="budget"/> (null: the whole design).</summary>
    public static int Size(Grid grid, int perBenchmark, int? budget = null)
    {
        int whole = grid.BenchmarkCount * Bands(PerBenchmark(grid, perBenchmark), grid.CheckpointCount);
        return budget is int b ? Size(whole, b) : whole;
    }

    /// <summary>How many bands of checkpoints a design of <paramref name="perBenchmark"/> cells per benchmark uses: one per cell,
    /// at most one per checkpoint.</summary>
    static int Bands(int perBenchmark, int checkpoints) => Math.Clamp(perBenchmark, 1, checkpoints);

    static IReadOnlyList<Cell> Spread(Grid grid, int perBenchmark, int seed)
    {
        int n = grid.CheckpointCount, m = grid.BenchmarkCount;
        int bands = Bands(perBenchmark, n);
        var random = new Random(seed);
        var rowOf = new int[bands][]; // [band][benchmark]
        int[] firstBandOrder = [];
        var previous = new int[m];
        Array.Fill(previous, -2);
        for (int band = 0; band < bands; band++)
        {
            int first = band * n / bands, last = (band + 1) * n / bands; // [first, last)
            int width = last - first;
            var order = Enumerable.Range(0, m).OrderBy(_ => random.Next()).ToArray();
            double offset = random.NextDouble();
            rowOf[band] = new int[m];
            for (int rank = 0; rank < m; rank++)
            {
                int j = order[rank];
                int row = first + Math.Min(width - 1, (int)((rank + offset) * width / m));
                // The band before ends at first − 1: step away from that benchmark's cell there.
                if (row - previous[j] <= 1 && row + 1 < last) row++;
                previous[j] = row;
                rowOf[band][j] = row;
            }
            if (band == 0) firstBandOrder = order;
        }
        // Benchmark by benchmark, in van der Corput order of their place in the first band; the bands are
        // disjoint, so no cell repeats.
        return Enumerable.Range(0, m).OrderBy(VanDerCorput).Select(rank => firstBandOrder[rank])
            .SelectMany(j => Enumerable.Range(0, bands).Select(band => new Cell(rowOf[band][j], j)))
            .ToList();
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

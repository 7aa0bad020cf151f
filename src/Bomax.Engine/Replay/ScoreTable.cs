namespace Bomax.Engine.Replay;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// A complete score table behind a simulated study: every cell known, revealed only when asked for.
/// <see cref="Scores"/> is N × M, rows in the order of <see cref="Grid"/>'s checkpoints (by step).
/// </summary>
public sealed record ScoreTable(string Source, Grid Grid, double[,] Scores)
{
    /// <summary>The plain (unweighted) mean of each row: the truth a pick is judged against.</summary>
    public double[] RowMeans()
    {
        int n = Scores.GetLength(0), m = Scores.GetLength(1);
        var means = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < m; j++) sum += Scores[i, j];
            means[i] = sum / m;
        }
        return means;
    }

    public double ScoreOf(Cell cell) => Scores[cell.Checkpoint, cell.Benchmark];

    /// <summary>Each score's standard error (checkpoints × benchmarks), reported with it when set, as lm-eval reports one with each
    /// result (a replayed study then reads each cell's noise as known); null: scores come without.</summary>
    public double[,]? StandardErrors { get; init; }

    /// <summary>A cell's score as an evaluation reports it: with its standard error when the table has them.</summary>
    public Observation ObservationOf(Cell cell) => new(cell, ScoreOf(cell), StandardErrors?[cell.Checkpoint, cell.Benchmark]);

    /// <summary>Every cell's score, row by row: the whole table as a study's observations.</summary>
    public IReadOnlyList<Observation> Observations() =>
        Enumerable.Range(0, Grid.CellCount).Select(Grid.CellAt).Select(ObservationOf).ToList();
}

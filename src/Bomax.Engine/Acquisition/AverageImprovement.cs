namespace Bomax.Engine;

/// <summary>A suggested cell with the log expected improvement of the best average it was chosen by.</summary>
public sealed record Suggestion(Cell Cell, double LogExpectedImprovement);

/// <summary>
/// Expected improvement of the best checkpoint average (the BOMAX criterion). With S_i the posterior
/// mean of row i's average and S* = max S, an unobserved cell (i, j) scores EI(S_i − S*, s_ij), where
/// s_ij is how far seeing the cell can move S_i: w_j σ_ij for the cell alone, or |cov(a_i, f_ij)| / σ_ij
/// when the row's other benchmarks learn from it too. Rows are visited best bound first and the search
/// stops when no remaining row can beat the best cell found (s_ij ≤ sd(a_i) bounds the row rule).
/// The default rule, <see cref="AcquisitionRule.RowFirst"/>, values whole rows instead: what settling a
/// challenger against the leader is worth, EI(S_i − S*, sd(a_i − a_leader)). The spread is the
/// difference's, not the challenger's own: what the two share (a level both would move by, a stretch of
/// the run both belong to) cannot change which of them is better; counted, it made a neighbour of the
/// leader, which shares most of its uncertainty with it, look as worth checking as a distant checkpoint.
/// </summary>
public static class AverageImprovement
{
    const int RowsPerBatch = 8;

    /// <param name="rows">The rows' means and variances, given the data and <paramref name="pending"/>.</param>
    /// <param name="pending">Cells already chosen for this batch, believed seen at their posterior means.</param>
    public static Suggestion? Best(ConditionedModel model, RowMarginals rows, AcquisitionRule rule, IReadOnlySet<Cell>? exclude = null, IReadOnlyList<Cell>? pending = null)
    {
        if (rule == AcquisitionRule.RowFirst) return RowFirst(model, rows, exclude, pending);
        var weights = model.Grid.Weights;
        double best = rows.Mean.Max();
        var candidates = Enumerable.Range(0, rows.Count)
            .Where(i => rows.UnobservedCount[i] > 0)
            .Select(i => (Row: i, Bound: ExpectedImprovement.Log(rows.Mean[i] - best, rows.StandardDeviation(i))))
            .OrderByDescending(r => r.Bound)
            .ToList();
        Suggestion? chosen = null;
        for (int start = 0; start < candidates.Count; start += RowsPerBatch)
        {
            if (rule == AcquisitionRule.RowExpectedImprovement && chosen is not null && candidates[start].Bound < chosen.LogExpectedImprovement) break;
            var batch = candidates.Skip(start).Take(RowsPerBatch).Select(c => c.Row).ToList();
            var cells = model.Cells(batch, pending);
            for (int k = 0; k < cells.Cells.Length; k++)
            {
                var cell = cells.Cells[k];
                if (cells.Observed[k] || (exclude?.Contains(cell) ?? false) || !(cells.StandardDeviation[k] > 0)) continue;
                double spread = rule == AcquisitionRule.CellExpectedImprovement
                    ? weights[cell.Benchmark] * cells.StandardDeviation[k]
                    : Math.Abs(cells.RowCovariance[k]) / cells.StandardDeviation[k];
                double score = ExpectedImprovement.Log(rows.Mean[cell.Checkpoint] - best, spread);
                if (chosen is null || score > chosen.LogExpectedImprovement) chosen = new Suggestion(cell, score);
            }
        }
        return chosen;
    }

    static Suggestion? RowFirst(ConditionedModel model, RowMarginals rows, IReadOnlySet<Cell>? exclude, IReadOnlyList<Cell>? pending)
    {
        foreach (var (rowsToCheck, score) in PairsToSettle(rows))
            foreach (var row in rowsToCheck)
            {
                var cells = model.Cells(new[] { row }, pending);
                int pick = -1;
                double most = double.NegativeInfinity;
                for (int k = 0; k < cells.Cells.Length; k++)
                {
                    if (cells.Observed[k] || (exclude?.Contains(cells.Cells[k]) ?? false) || !(cells.StandardDeviation[k] > 0)) continue;
                    double information = Math.Abs(cells.RowCovariance[k]) / cells.StandardDeviation[k];
                    if (information > most) { most = information; pick = k; }
                }
                if (pick >= 0) return new Suggestion(cells.Cells[pick], score);
            }
        return null;
    }

    /// <summary>
    /// The leader's pairs with each challenger, most worth settling first: log EI(S_i − S*, sd(a_i − a_leader)),
    /// each with the rows to take a cell from, the less known of the two first (rows with no unobserved cell
    /// left out). A grid of one checkpoint has no pair: its one row is returned alone.
    /// </summary>
    internal static IEnumerable<(int[] Rows, double Score)> PairsToSettle(RowMarginals rows)
    {
        int leader = rows.Leader;
        int[] Open(params int[] candidates) => candidates.Distinct().Where(i => rows.UnobservedCount[i] > 0).ToArray();
        if (rows.Count == 1) return [(Open(leader), double.NegativeInfinity)];
        return Enumerable.Range(0, rows.Count)
            .Where(i => i != leader)
            .Select(i => (Rows: rows.Variance[i] >= rows.Variance[leader] ? Open(i, leader) : Open(leader, i),
                Score: ExpectedImprovement.Log(rows.Mean[i] - rows.Mean[leader], rows.DifferenceStandardDeviation(i))))
            .Where(p => p.Rows.Length > 0)
            .OrderByDescending(p => p.Score);
    }
}

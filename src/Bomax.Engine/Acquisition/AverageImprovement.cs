using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Acquisition;

/// <summary>A suggested cell with the log expected improvement of the best average it was chosen by.</summary>
public sealed record Suggestion(Cell Cell, double LogExpectedImprovement);

/// <summary>
/// Expected improvement of the best checkpoint average (the BOMAX criterion). With S_i the posterior
/// mean of row i's average and S* = max S, an unobserved cell (i, j) scores EI(S_i − S*, s_ij), where
/// s_ij is how far seeing the cell can move S_i: w_j σ_ij for the cell alone, or |cov(a_i, f_ij)| / σ_ij
/// when the row's other benchmarks learn from it too. Rows are visited best bound first and the search
/// stops when no remaining row can beat the best cell found (s_ij ≤ sd(a_i) bounds the row rule).
/// </summary>
public static class AverageImprovement
{
    const int RowsPerBatch = 8;

    /// <param name="rows">The rows' means and variances, given the data and <paramref name="pending"/>.</param>
    /// <param name="pending">Cells already chosen for this batch, believed seen at their posterior means.</param>
    public static Suggestion? Best(ConditionedModel model, RowMarginals rows, AcquisitionRule rule, IReadOnlySet<Cell>? exclude = null,
        IReadOnlyList<Cell>? pending = null)
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
            if (rule == AcquisitionRule.RowExpectedImprovement && chosen is not null && candidates[start].Bound < chosen.LogExpectedImprovement)
                break;
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
        // Value of learning row i's average exactly: for a challenger, EI over the leader; for the
        // leader, the expected loss avoided if it falls below the runner-up.
        int leader = 0;
        for (int i = 1; i < rows.Count; i++) if (rows.Mean[i] > rows.Mean[leader]) leader = i;
        double runnerUp = Enumerable.Range(0, rows.Count)
            .Where(i => i != leader)
            .Select(i => rows.Mean[i])
            .DefaultIfEmpty(double.NegativeInfinity)
            .Max();
        double Gap(int i) => i == leader ? runnerUp - rows.Mean[leader] : rows.Mean[i] - rows.Mean[leader];
        var order = Enumerable.Range(0, rows.Count)
            .Where(i => rows.UnobservedCount[i] > 0)
            .Select(i => (Row: i, Score: ExpectedImprovement.Log(Gap(i), rows.StandardDeviation(i))))
            .OrderByDescending(r => r.Score);
        foreach (var (row, score) in order)
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
}

using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Acquisition;

/// <summary>A suggested cell with the log expected improvement of the best average it was chosen by (with costs: less the
/// cell's <see cref="BenchmarkCosts.Penalty"/>, its value per relative second).</summary>
public sealed record Suggestion(Cell Cell, double LogExpectedImprovement);

/// <summary>
/// Expected improvement of the best checkpoint average (the BOMAX criterion). With S_i the posterior
/// mean of row i's average and S* = max S, an unobserved cell (i, j) scores EI(S_i − S*, s_ij), where
/// s_ij is how far seeing the cell can move S_i: w_j σ_ij for the cell alone, or |cov(a_i, f_ij)| / σ_ij
/// when the row's other benchmarks learn from it too. Rows are visited best bound first and the search
/// stops when no remaining row can beat the best cell found (s_ij ≤ sd(a_i) bounds the row rule).
/// With <see cref="BenchmarkCosts"/> a cell is valued per expected second: its log score less α log(cost_j / cheapest), a
/// penalty ≥ 0, so each row's bound still holds (see <see cref="RowFirst"/> for the default rule).
/// </summary>
public static class AverageImprovement
{
    const int RowsPerBatch = 8;

    /// <param name="rows">The rows' means and variances, given the data and <paramref name="pending"/>.</param>
    /// <param name="pending">Cells already chosen for this batch, believed seen at their posterior means.</param>
    /// <param name="costs">Seconds per evaluation of each benchmark; null, uniform or an exponent of 0: the cost-blind choice.</param>
    public static Suggestion? Best(ConditionedModel model, RowMarginals rows, AcquisitionRule rule, IReadOnlySet<Cell>? exclude = null,
        IReadOnlyList<Cell>? pending = null, BenchmarkCosts? costs = null)
    {
        if (costs is not { Active: true }) costs = null;
        if (rule == AcquisitionRule.RowFirst)
            return costs is null ? RowFirst(model, rows, exclude, pending) : RowFirstPerSecond(model, rows, exclude, pending, costs);
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
                if (!Open(cells, k, exclude)) continue;
                double spread = rule == AcquisitionRule.CellExpectedImprovement
                    ? weights[cell.Benchmark] * cells.StandardDeviation[k]
                    : Math.Abs(cells.RowCovariance[k]) / cells.StandardDeviation[k];
                double score = ExpectedImprovement.Log(rows.Mean[cell.Checkpoint] - best, spread) - (costs?.Penalty(cell.Benchmark) ?? 0);
                if (chosen is null || score > chosen.LogExpectedImprovement) chosen = new Suggestion(cell, score);
            }
        }
        return chosen;
    }

    static Suggestion? RowFirst(ConditionedModel model, RowMarginals rows, IReadOnlySet<Cell>? exclude, IReadOnlyList<Cell>? pending)
    {
        foreach (var (row, score) in RowValues(rows).OrderByDescending(r => r.Score))
        {
            var cells = model.Cells(new[] { row }, pending);
            int pick = -1;
            double most = double.NegativeInfinity;
            for (int k = 0; k < cells.Cells.Length; k++)
            {
                if (!Open(cells, k, exclude)) continue;
                double information = Math.Abs(cells.RowCovariance[k]) / cells.StandardDeviation[k];
                if (information > most) { most = information; pick = k; }
            }
            if (pick >= 0) return new Suggestion(cells.Cells[pick], score);
        }
        return null;
    }

    /// <summary>
    /// The row-first rule per expected second. Within a row, the cell that removes the most of the row average's variance per
    /// second: s_ij² / cost_j^α, with s_ij = |cov(a_i, f_ij)| / σ_ij (variance removed adds up over cells, where spread does not,
    /// so it is the rate a second buys). Across rows, the row's value (<see cref="RowValues"/>) per second of that cell:
    /// log value_i − α log(cost_pick / cheapest). The penalty is ≥ 0, so a row's value bounds its score: rows are read best value
    /// first, a batch at a time, and the search stops when the next row's value cannot beat the best score found.
    /// </summary>
    static Suggestion? RowFirstPerSecond(ConditionedModel model, RowMarginals rows, IReadOnlySet<Cell>? exclude, IReadOnlyList<Cell>? pending,
        BenchmarkCosts costs)
    {
        var order = RowValues(rows).OrderByDescending(r => r.Score).ToList();
        var value = order.ToDictionary(r => r.Row, r => r.Score);
        Suggestion? chosen = null;
        for (int start = 0; start < order.Count; start += RowsPerBatch)
        {
            if (chosen is not null && order[start].Score <= chosen.LogExpectedImprovement) break;
            var batch = order.Skip(start).Take(RowsPerBatch).Select(r => r.Row).ToList();
            var cells = model.Cells(batch, pending);
            var pick = new Dictionary<int, (int K, double Rate)>();
            for (int k = 0; k < cells.Cells.Length; k++)
            {
                if (!Open(cells, k, exclude)) continue;
                var cell = cells.Cells[k];
                double removed = Math.Abs(cells.RowCovariance[k]) / cells.StandardDeviation[k];
                double rate = 2 * Math.Log(removed) - costs.Penalty(cell.Benchmark);
                if (!pick.TryGetValue(cell.Checkpoint, out var held) || rate > held.Rate) pick[cell.Checkpoint] = (k, rate);
            }
            foreach (int row in batch)
            {
                if (!pick.TryGetValue(row, out var p)) continue;
                var cell = cells.Cells[p.K];
                double score = value[row] - costs.Penalty(cell.Benchmark);
                if (chosen is null || score > chosen.LogExpectedImprovement) chosen = new Suggestion(cell, score);
            }
        }
        return chosen;
    }

    /// <summary>Whether the <paramref name="k"/>-th cell read can be chosen: not observed, not excluded, not already certain.</summary>
    static bool Open(CellPosterior cells, int k, IReadOnlySet<Cell>? exclude) =>
        !cells.Observed[k] && !(exclude?.Contains(cells.Cells[k]) ?? false) && cells.StandardDeviation[k] > 0;

    /// <summary>Each row with a cell left to see, and the log value of learning its average exactly: for a challenger, EI over
    /// the leader; for the leader, the expected loss avoided if it falls below the runner-up.</summary>
    static IEnumerable<(int Row, double Score)> RowValues(RowMarginals rows)
    {
        int leader = 0;
        for (int i = 1; i < rows.Count; i++) if (rows.Mean[i] > rows.Mean[leader]) leader = i;
        double runnerUp = Enumerable.Range(0, rows.Count)
            .Where(i => i != leader)
            .Select(i => rows.Mean[i])
            .DefaultIfEmpty(double.NegativeInfinity)
            .Max();
        double Gap(int i) => i == leader ? runnerUp - rows.Mean[leader] : rows.Mean[i] - rows.Mean[leader];
        return Enumerable.Range(0, rows.Count)
            .Where(i => rows.UnobservedCount[i] > 0)
            .Select(i => (Row: i, Score: ExpectedImprovement.Log(Gap(i), rows.StandardDeviation(i))));
    }
}

using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// A batch's pending cells are believed seen at their posterior means by a low-rank update of the
/// posterior; that must equal conditioning again on the data plus those cells at those values (with their benchmark's
/// standard error, when the scores come with one: a cell not yet evaluated carries that noise, and is believed seen with it).
/// </summary>
public class PendingCellsTests
{
    public static TheoryData<StepKernel, int, bool, bool, bool> Variants => new()
    {
        { StepKernel.Matern52, 1, true, false, false },
        { StepKernel.Rbf, 2, false, true, false },
        { StepKernel.Matern32, 1, true, true, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void BelievingPendingCellsEqualsConditioningOnThem(StepKernel kernel, int rank, bool jitter, bool unequalWeights, bool standardErrors)
    {
        var random = new Random(rank);
        var grid = new Grid(
            Enumerable.Range(0, 10).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
            Enumerable.Range(0, 4).Select(j => new Benchmark($"task{j}", unequalWeights ? 0.5 + j : 1.0)));
        var observations = InitialDesign.Cells(grid, 2, rank)
            .Select(c => new Observation(c, 0.6 + 0.1 * Math.Sin(c.Checkpoint / 3.0 + c.Benchmark) + 0.02 * random.NextDouble(),
                StandardErrorOf(c)))
            .ToList();
        var observed = observations.Select(o => o.Cell).ToHashSet();
        var options = new EngineOptions { Device = ComputeDevice.Cpu, Kernel = kernel, TaskRank = rank, CheckpointJitter = jitter };
        var fit = HyperparameterFit.Fit(grid, observations, options, iterations: 5);
        // Three pending cells: two in one row (its average moves twice), one elsewhere.
        var unobserved = Enumerable.Range(0, grid.CellCount).Select(k => new Cell(k / 4, k % 4)).Where(c => !observed.Contains(c)).ToList();
        var pending = new List<Cell>
        {
            unobserved.First(c => c.Checkpoint == 4), unobserved.Last(c => c.Checkpoint == 4), unobserved.First(c => c.Checkpoint == 8),
        };

        using var model = ConditionedModel.Condition(grid, observations, fit, options);
        var believedRows = model.Marginals(pending);
        var believedCells = model.Cells(Enumerable.Range(0, 10).ToArray(), pending);
        var means = model.Cells(pending.Select(c => c.Checkpoint).Distinct().ToArray());
        var believed = observations
            .Concat(pending.Select(p => new Observation(p, means.Mean[Array.IndexOf(means.Cells, p)], StandardErrorOf(p))))
            .ToList();
        using var reconditioned = ConditionedModel.Condition(grid, believed, fit, options);
        var rows = reconditioned.Rows();
        var cells = reconditioned.Cells(Enumerable.Range(0, 10).ToArray());

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(rows.Mean[i], believedRows.Mean[i], 1e-9);
            Assert.Equal(rows.Covariance[i, i], believedRows.Variance[i], 1e-10);
            Assert.Equal(rows.UnobservedCount[i], believedRows.UnobservedCount[i]);
        }
        Assert.True(believedRows.Variance[4] < model.Rows().Covariance[4, 4], "believing two of its cells must shrink row 4's variance");
        Assert.Equal(model.Rows().Marginals().Variance, model.Marginals([]).Variance);
        for (int c = 0; c < cells.Cells.Length; c++)
        {
            Assert.Equal(cells.Cells[c], believedCells.Cells[c]);
            Assert.Equal(cells.Mean[c], believedCells.Mean[c], 1e-9);
            Assert.Equal(cells.StandardDeviation[c], believedCells.StandardDeviation[c], 1e-6);
            Assert.Equal(cells.RowCovariance[c], believedCells.RowCovariance[c], 1e-9);
        }

        double? StandardErrorOf(Cell cell) => standardErrors ? 0.01 + 0.01 * cell.Benchmark : null;
    }
}

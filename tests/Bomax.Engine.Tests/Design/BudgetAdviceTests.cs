using Bomax.Engine.Design;

namespace Bomax.Engine.Tests.Design;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

public class BudgetAdviceTests
{
    static Grid GridOf(int checkpoints, int benchmarks) => new(
        Enumerable.Range(1, checkpoints).Select(i => new Checkpoint($"checkpoint-{i * 50}", i * 50)),
        Enumerable.Range(1, benchmarks).Select(j => new Benchmark($"TASK_{j}")));

    [Theory]
    [InlineData(121, 71, 2, 142 + 142)]
    [InlineData(15, 65, 2, 65 + 130)] // few checkpoints: one initial cell per benchmark
    [InlineData(7, 7, 2, 7 + 14)]
    [InlineData(3, 5, 2, 15)] // never more than the grid
    public void TheSmallestSensibleBudgetIsTheDesignPlusTwoWholeRows(int checkpoints, int benchmarks, int init, int expected) =>
        Assert.Equal(expected, BudgetAdvice.Smallest(GridOf(checkpoints, benchmarks), init));

    [Fact]
    public void ATinyGridWarnsAndNamesTheSmallestSensibleBudget()
    {
        var warning = BudgetAdvice.Warning(GridOf(7, 7), 2, budget: 5);
        Assert.NotNull(warning);
        Assert.Contains("5 evaluations (10.2% of the grid)", warning);
        Assert.Contains("the initial design is cut from 7 to 3 cells, leaving the model 2", warning);
        Assert.Contains("smallest sensible budget for this 7 × 7 grid is 21 (42.9%)", warning);
    }

    [Fact]
    public void ABudgetAtOrAboveTheSmallestGivesNoWarning()
    {
        Assert.Null(BudgetAdvice.Warning(GridOf(121, 71), 2, budget: 430));
        Assert.Null(BudgetAdvice.Warning(GridOf(121, 71), 2, budget: 284));
        Assert.Contains("the initial design alone is 142 cells", BudgetAdvice.Warning(GridOf(121, 71), 2, budget: 283));
    }
}

using Bomax.Cli.Commands;

namespace Bomax.Cli.Tests.Commands;

public class BudgetListTests
{
    static int[] Parsed(string text, int cells)
    {
        var (budgets, error) = BudgetList.Parse(text, cells);
        Assert.Null(error);
        Assert.NotNull(budgets);
        return budgets!;
    }

    static string Failed(string text, int cells = 1000)
    {
        var (budgets, error) = BudgetList.Parse(text, cells);
        Assert.Null(budgets);
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error!;
    }

    [Theory]
    [InlineData("0.05", 1000, 50)]
    [InlineData("0.1", 8591, 859)]   // 859.1 rounds down
    [InlineData("0.02", 8591, 172)]  // 171.82 rounds up
    [InlineData("0.5", 36, 18)]
    [InlineData("0.999", 100, 100)]
    [InlineData("1e-1", 200, 20)]
    public void AFractionBelowOneIsAShareOfTheGrid(string text, int cells, int expected) =>
        Assert.Equal(new[] { expected }, Parsed(text, cells));

    [Theory]
    [InlineData("5%", 1000, 50)]
    [InlineData("2.5%", 1000, 25)]
    [InlineData("100%", 1000, 1000)]
    [InlineData("0.5%", 8591, 43)]   // 42.955
    [InlineData("12%", 36, 4)]       // 4.32
    public void APercentageIsAShareOfTheGrid(string text, int cells, int expected) =>
        Assert.Equal(new[] { expected }, Parsed(text, cells));

    [Theory]
    [InlineData("200", 1000, 200)]
    [InlineData("1", 1000, 1)]
    [InlineData("1.0", 1000, 1)]
    [InlineData("1e2", 1000, 100)]
    [InlineData("5000", 1000, 1000)] // more than the grid: the whole grid
    public void AWholeNumberOfAtLeastOneIsACountOfEvaluations(string text, int cells, int expected) =>
        Assert.Equal(new[] { expected }, Parsed(text, cells));

    [Fact]
    public void ATinyFractionStillMeansOneEvaluation() =>
        Assert.Equal(new[] { 1 }, Parsed("0.001", 100));

    [Fact]
    public void TheDefaultListParsesToAscendingCounts() =>
        Assert.Equal(new[] { 40, 100, 200 }, Parsed("0.02,0.05,0.1", 2000));

    [Fact]
    public void MixedFormsAreSortedAndDeduplicated() =>
        // 10 % = 100 = 0.1 of 1000 cells; 5 % = 50; 20 evaluations.
        Assert.Equal(new[] { 20, 50, 100 }, Parsed("10%,100,0.05,20,0.1,5%", 1000));

    [Fact]
    public void SpacesAndEmptyEntriesAreIgnored() =>
        Assert.Equal(new[] { 10, 30 }, Parsed(" 0.3 , ,10,", 100));

    [Fact]
    public void BudgetsAboveTheGridCollapseToTheWholeGrid() =>
        Assert.Equal(new[] { 36 }, Parsed("40,100%,50", 36));

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("-0.5")]
    [InlineData("0%")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("%")]
    [InlineData("5 percent")]
    public void ANonPositiveOrNonNumericBudgetIsAnError(string text)
    {
        var error = Failed(text);
        Assert.Contains($"'{text}'", error);
        Assert.True(error.Contains("more than 0") || error.Contains("expected a count"), error);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("2.25")]
    [InlineData("199.9")]
    public void AFractionalCountIsAnError(string text)
    {
        var error = Failed(text);
        Assert.Contains($"'{text}'", error);
        Assert.Contains("neither a fraction below 1 nor a whole number", error);
    }

    [Theory]
    [InlineData("150%")]
    [InlineData("100.5%")]
    public void APercentageAboveTheWholeGridIsAnError(string text)
    {
        var error = Failed(text);
        Assert.Contains($"'{text}'", error);
        Assert.Contains("more than the whole grid", error);
    }

    [Fact]
    public void OneBadEntryFailsTheWholeList()
    {
        var error = Failed("0.05,abc,10");
        Assert.Contains("'abc'", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ,")]
    public void AnEmptyListIsAnError(string text) =>
        Assert.Contains("no budget", Failed(text));
}

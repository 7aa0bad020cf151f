using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

/// <summary>The one reading of <c>max-evals</c> that the spec and <c>--budget</c> share.</summary>
public class MaxEvalsTests
{
    [Theory]
    [InlineData("40", 40)]
    [InlineData(" 1 ", 1)]
    public void AWholeNumberIsACount(string text, int expected)
    {
        var (count, fraction, problem) = BudgetSpec.ReadMaxEvals(text);
        Assert.Equal((expected, (double?)null, (string?)null), (count, fraction, problem));
    }

    [Theory]
    [InlineData("0.05", 0.05)] // the same grammar as replay --budget: a number below 1 is a fraction
    [InlineData("1e-1", 0.1)]
    [InlineData("5%", 0.05)]
    [InlineData("2.5%", 0.025)]
    [InlineData("100%", 1.0)]
    public void APercentageIsAShareOfTheGrid(string text, double expected)
    {
        var (count, fraction, problem) = BudgetSpec.ReadMaxEvals(text);
        Assert.Null(count);
        Assert.Null(problem);
        Assert.Equal(expected, fraction!.Value, 12);
    }

    [Theory]
    [InlineData("0", "must be more than 0, found 0")]
    [InlineData("-3", "must be more than 0, found -3")]
    [InlineData("1.5", "neither a fraction below 1 nor a whole number")]
    [InlineData("0%", "is not a share of the grid")]
    [InlineData("150%", "is not a share of the grid")]
    [InlineData("x%", "is not a percentage")]
    [InlineData("lots", "found 'lots'")]
    public void AnythingElseSaysWhatIsWrong(string text, string expected)
    {
        var (count, fraction, problem) = BudgetSpec.ReadMaxEvals(text);
        Assert.Null(count);
        Assert.Null(fraction);
        Assert.Contains(expected, problem);
    }

}

using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

public class DurationsTests
{
    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("90s", 90)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("1h30m15s", 5415)]
    [InlineData("45", 45)]
    [InlineData("2.5", 2.5)]
    [InlineData("1.5h", 5400)]
    [InlineData("0.5s", 0.5)]
    [InlineData("1d12h", 36 * 3600)]
    [InlineData(" 2h ", 7200)]
    [InlineData("0", 0)]
    public void ParsesSecondsAndUnitDurations(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value, out string error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text));
    }

    [Theory]
    [InlineData("", "empty duration")]
    [InlineData("abc", "'abc' is not a duration")]
    [InlineData("h", "'h' is not a duration")]
    [InlineData("30min", "unknown unit 'min'")]
    [InlineData("30M", "unknown unit 'M'")]
    [InlineData("1e3", "unknown unit 'e'")]
    [InlineData("1m1h", "units must go from largest to smallest")]
    [InlineData("1h1h", "units must go from largest to smallest")]
    [InlineData("-5m", "must not be negative")]
    [InlineData("5 m", "'5 m' is not a duration")]
    [InlineData("1h30", "'1h30' is not a duration")]
    [InlineData("1.h", "'1.h' is not a duration")]
    [InlineData("99999999999999999999d", "too long")]
    public void RejectsAnythingElseSayingWhy(string text, string messagePart)
    {
        Assert.False(Durations.TryParse(text, out _, out string error));
        Assert.Contains(messagePart, error);
        var thrown = Assert.Throws<FormatException>(() => Durations.Parse(text));
        Assert.Equal(error, thrown.Message);
    }
}

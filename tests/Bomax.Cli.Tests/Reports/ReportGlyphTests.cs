using System.Text;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

/// <summary>
/// The reports use no character that needs an emoji font (where a reader lacks one it renders as a box): every character
/// the report itself writes is ASCII or one of a few from common text fonts (DejaVu Sans, Arial, Segoe UI all have them).
/// </summary>
public class ReportGlyphTests
{
    /// <summary>Non-ASCII characters the report writes on purpose, each in the common text fonts.</summary>
    const string Allowed = "·–—…×−±→↓▼‹›";

    static IEnumerable<StudyReport> Reports()
    {
        yield return ReportFixture.Build();
        yield return ReportFixture.Build(1000, 200, evaluatedShare: 0.03);
        var minimised = ReportFixture.Build();
        var lowerIsBetter = minimised.PickBenchmarks.Select(b => b with { Goal = Bomax.Cli.Study.ScoreGoal.Minimize }).ToList();
        yield return minimised with { PickBenchmarks = lowerIsBetter };
    }

    [Fact]
    public void NoEmojiAnywhereInTheMarkdownOrHtml()
    {
        foreach (var report in Reports())
            foreach (var (what, text) in new[] { ("markdown", MarkdownReport.Render(report)), ("html", HtmlReport.Render(report)) })
                foreach (var rune in text.EnumerateRunes())
                {
                    Assert.False(IsEmoji(rune), $"{what} has U+{rune.Value:X4} ({rune})");
                    Assert.True(rune.IsAscii || Allowed.Contains(rune.ToString(), StringComparison.Ordinal),
                        $"{what} has U+{rune.Value:X4} ({rune}), which is not among the characters the report may write");
                }
    }

    [Fact]
    public void TheHeadlineAndTheWarningSayItInWords()
    {
        var report = ReportFixture.Build();
        var md = MarkdownReport.Render(report);
        Assert.Contains($"### Selected **{report.Pick.Name}**", md);
        Assert.Contains("**Warning:** 2 evaluations failed", md);
        Assert.Contains($"Selected <strong>{report.Pick.Name}</strong></h3>", HtmlReport.Render(report));
    }

    /// <summary>Pictographs, dingbats and miscellaneous symbols (which most systems draw from an emoji font), and the emoji
    /// variation selector.</summary>
    static bool IsEmoji(Rune rune) => rune.Value is (>= 0x1F000 and <= 0x1FAFF) or (>= 0x2600 and <= 0x27BF) or (>= 0x2B00 and <= 0x2BFF)
        or 0xFE0F;
}

using System.Text.RegularExpressions;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

/// <summary>Text a fork controls (names, failure messages, warnings) cannot mention people or teams, or reference issues, from the report.</summary>
public sealed class MarkdownMentionTests
{
    internal const string Hostile = "OOM, cc @octo-org/ml-team @mona — see #12, octo-org/llm-train#7 and GH-3";

    // What GitHub's renderer links: @login or @org/team after a non-word character; #123, owner/repo#123, GH-123.
    static readonly Regex Mention = new(@"(?<![\w`])@[A-Za-z0-9]", RegexOptions.CultureInvariant);
    static readonly Regex Reference = new(@"(?<![\w])(?:[\w.-]+/[\w.-]+)?(?:\\?#|GH-)\d", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Outside code blocks (GitHub links nothing in a fenced block; the Mermaid chart is one) and the hidden marker.</summary>
    internal static void AssertNothingMentionsOrReferences(string markdown)
    {
        var rendered = Regex.Replace(markdown, "(?ms)^```.*?^```", "");
        Assert.DoesNotMatch(Mention, rendered);
        Assert.DoesNotMatch(Reference, rendered);
    }

    [Fact]
    public void An_at_team_in_a_failure_message_does_not_mention()
    {
        var report = ReportFixture.Build() with { Failures = [new FailureSummary("ckpt-1", "mmlu", 1, Hostile)] };

        var markdown = MarkdownReport.Render(report);

        Assert.Contains("ml-team", markdown);
        AssertNothingMentionsOrReferences(markdown);
        Assert.Contains("@\u200Docto-org/ml-team", markdown); // a zero-width joiner after @, as GitHub's own renderers do
    }

    [Fact]
    public void Names_and_warnings_cannot_mention_either()
    {
        var report = ReportFixture.Build(pickName: "ckpt-@mona-#5") with { Warnings = ["benchmark @octo-org/evals is thin, see GH-9"] };

        AssertNothingMentionsOrReferences(MarkdownReport.Render(report));
    }

    [Fact]
    public void The_neutralised_text_still_reads_the_same()
    {
        var inline = MarkdownReport.Inline(Hostile).Replace("\u200D", "", StringComparison.Ordinal).Replace("\\#", "#", StringComparison.Ordinal);

        Assert.Equal(Hostile, inline);
    }
}

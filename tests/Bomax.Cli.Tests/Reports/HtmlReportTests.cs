using System.Text;
using System.Text.RegularExpressions;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

public class HtmlReportTests
{
    [Fact]
    public void IsACompleteSelfContainedPage()
    {
        var report = ReportFixture.Build();
        var html = HtmlReport.Render(report);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
        Assert.Contains("<title>Bomax.Ci report: demo-study</title>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("```", html);
        Assert.DoesNotContain("xychart", html);
        Assert.DoesNotContain("bomax:charts", html);
        Assert.Equal(2, Regex.Matches(html, "<svg class=\"chart\"").Count);
        Assert.EndsWith("</html>\n", html);
    }

    [Fact]
    public void KeepsTheMarkdownContent()
    {
        var report = ReportFixture.Build();
        var html = HtmlReport.Render(report);
        Assert.Contains($"Selected <strong>{report.Pick.Name}</strong>", html);
        Assert.Contains("<table>", html);
        Assert.Contains("<details><summary>Details</summary>", html);
        Assert.Contains("observed", html);
        Assert.Contains("predicted", html);
        Assert.Contains("killed: out of memory | see log second line", html);
    }

    [Fact]
    public void SvgsHaveAccessibleTitlesTheBandThePickAndTheMap()
    {
        var report = ReportFixture.Build();
        var html = HtmlReport.Render(report);
        Assert.Contains("<title id=\"curve-title\">Estimated average by step for demo-study</title>", html);
        Assert.Contains("<title id=\"map-title\">Checkpoint × benchmark map for demo-study</title>", html);
        Assert.Contains("<polygon points=", html);
        Assert.Contains("<polyline points=", html);
        Assert.Contains($"▼ pick: {report.Pick.Name}", html);
        int evaluatedCheckpoints = report.Curve.Count(p => p.BenchmarksEvaluated > 0 && !p.IsPick);
        var curveSvg = html[html.IndexOf("<svg class=\"chart\"", StringComparison.Ordinal)..html.IndexOf("</svg>", StringComparison.Ordinal)];
        // one circle per evaluated checkpoint, the pick's, and three in the legend
        Assert.Equal(evaluatedCheckpoints + 1 + 3, Regex.Matches(curveSvg, "<circle ").Count);
        Assert.Contains("viewBox=\"0 0 30 5\"", html);
        Assert.Contains("stroke=\"#d62728\" stroke-width=\"2\" vector-effect", html);
        Assert.Contains("row min", html);
        Assert.Contains("failed", html);
    }

    [Fact]
    public void MapMarksEveryEvaluatedAndFailedCell()
    {
        var report = ReportFixture.Build();
        var map = HtmlReport.MapSvg(report);
        var dots = Regex.Match(map, "<path d=\"([^\"]*)\" fill=\"none\" stroke=\"#111\"").Groups[1].Value;
        Assert.Equal(report.Cells.Count(c => c.Observed && !c.Failed), Regex.Matches(dots, "M").Count);
        var fails = Regex.Match(map, "<path d=\"([^\"]*)\" fill=\"#d62728\"").Groups[1].Value;
        Assert.Equal(report.Cells.Count(c => c.Failed), Regex.Matches(fails, "M").Count);
        // Every cell is painted exactly once: the runs cover 30 columns in each of 5 rows.
        int covered = Regex.Matches(map, @"M\d+ \d+h(\d+)v1h-\d+z").Sum(m => int.Parse(m.Groups[1].Value)) - report.Cells.Count(c => c.Failed);
        Assert.Equal(30 * 5, covered);
    }

    [Fact]
    public void EscapesUserStrings()
    {
        var report = ReportFixture.Build(pickName: "a|b <script>") with { Study = "s<i>&\"" };
        var html = HtmlReport.Render(report);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<i>", html);
        Assert.Contains("<title>Bomax.Ci report: s&lt;i&gt;&amp;&quot;</title>", html);
        Assert.Contains("a|b &lt;script&gt;", html);
        Assert.Contains("▼ pick: a|b &lt;script&gt;", html);
    }

    [Fact]
    public void LargeStudyStaysSmallAndBinsColumns()
    {
        var report = ReportFixture.Build(1000, 200, evaluatedShare: 0.03);
        var html = HtmlReport.Render(report);
        int bytes = Encoding.UTF8.GetByteCount(html);
        Assert.True(bytes < 2_000_000, $"{bytes} bytes");
        Assert.Equal(2, Regex.Matches(html, "<svg class=\"chart\"").Count);
        Assert.Contains($"viewBox=\"0 0 {HtmlReport.MaxMapColumns} 200\"", html);
        Assert.Contains("1000 checkpoints in 250 columns", html);
        Assert.DoesNotContain("http", html);
    }

    [Theory]
    [InlineData(0.80, 0.86, 6)]
    [InlineData(0, 1, 5)]
    [InlineData(100, 100000, 8)]
    [InlineData(0.5, 0.5, 5)]
    public void TicksAreRoundAndCoverTheRange(double min, double max, int count)
    {
        var ticks = HtmlReport.NiceTicks(min, max, count);
        Assert.True(ticks[0] <= min && ticks[^1] >= max);
        Assert.InRange(ticks.Count, 2, count * 2 + 2);
        Assert.Equal(ticks.OrderBy(t => t), ticks);
    }

    [Fact]
    public void RendersTheSameWhateverTheCurrentCulture()
    {
        var report = ReportFixture.Build();
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        string invariantHtml, invariantMd, germanHtml, germanMd;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            (invariantHtml, invariantMd) = (HtmlReport.Render(report), MarkdownReport.Render(report));
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            (germanHtml, germanMd) = (HtmlReport.Render(report), MarkdownReport.Render(report));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
        Assert.Equal(invariantMd, germanMd);
        Assert.Equal(invariantHtml, germanHtml);
    }
}

using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

public class HtmlReportTests
{
    static readonly System.Globalization.CultureInfo C = System.Globalization.CultureInfo.InvariantCulture;

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
    public void EveryCurvePointHasATooltipNamingItsCheckpointAndEstimate()
    {
        var report = ReportFixture.Build();
        var curve = HtmlReport.CurveSvg(report);
        var tips = Regex.Matches(curve, "<rect x=\"([0-9.]+)\" y=\"[0-9.]+\" width=\"([0-9.]+)\" height=\"[0-9.]+\"><title>([^<]*)</title></rect>")
            .Select(m => (X: double.Parse(m.Groups[1].Value, C), Width: double.Parse(m.Groups[2].Value, C),
                Text: WebUtility.HtmlDecode(m.Groups[3].Value))).ToList();
        Assert.Equal(report.Curve.Count, tips.Count);
        for (int i = 0; i < report.Curve.Count; i++)
        {
            var p = report.Curve[i];
            Assert.Equal($"{p.Name} (step {p.Step}): estimated average {p.Estimate.ToString("0.0000", C)}, 95 % interval "
                + $"{p.Low.ToString("0.0000", C)}–{p.High.ToString("0.0000", C)}; {p.BenchmarksEvaluated} of 5 benchmarks observed"
                + (p.IsPick ? " (the pick)" : ""), tips[i].Text);
        }
        // Side by side, in step order, covering the plot without gaps.
        for (int i = 1; i < tips.Count; i++)
            Assert.Equal(tips[i - 1].X + tips[i - 1].Width, tips[i].X, 0.15);
        Assert.Single(tips, t => t.Text.EndsWith("(the pick)", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryMapCellHasATooltipSayingObservedEstimatedOrFailed()
    {
        var report = ReportFixture.Build();
        var map = HtmlReport.MapSvg(report);
        var tips = Regex.Matches(map, "<rect x=\"(\\d+)\" y=\"(\\d+)\" width=\"1\" height=\"1\"><title>([^<]*)</title></rect>")
            .ToDictionary(m => (int.Parse(m.Groups[1].Value, C), int.Parse(m.Groups[2].Value, C)), m => WebUtility.HtmlDecode(m.Groups[3].Value));
        Assert.Equal(report.Cells.Count, tips.Count);
        foreach (var c in report.Cells)
        {
            var p = report.Curve[c.Checkpoint];
            string score = c.Estimate.ToString("0.0000", C);
            string value = c.Failed ? $"evaluation failed, estimated {score}" : c.Observed ? $"{score} observed" : $"{score} estimated";
            Assert.Equal($"{p.Name} (step {p.Step}) · {report.BenchmarkNames[c.Benchmark]}: {value}", tips[(c.Checkpoint, c.Benchmark)]);
        }
        Assert.Contains(tips.Values, t => t.EndsWith(" observed", StringComparison.Ordinal));
        Assert.Contains(tips.Values, t => t.EndsWith(" estimated", StringComparison.Ordinal));
        var failed = report.Cells.Single(c => c.Checkpoint == 1 && c.Benchmark == 1);
        Assert.Equal($"checkpoint-200 (step 200) · gsm8k: evaluation failed, estimated {failed.Estimate.ToString("0.0000", C)}", tips[(1, 1)]);
    }

    [Fact]
    public void ALargeMapsTooltipsCoverRunsOfColumnsAndSayWhatIsInThem()
    {
        var report = ReportFixture.Build(1000, 200, evaluatedShare: 0.03);
        var map = HtmlReport.MapSvg(report);
        var tips = Regex.Matches(map, "<rect x=\"(\\d+)\" y=\"(\\d+)\" width=\"(\\d+)\" height=\"1\"><title>([^<]*)</title></rect>").ToList();
        Assert.InRange(tips.Count, HtmlReport.MaxMapTooltips / 2, HtmlReport.MaxMapTooltips);
        // 250 columns of 4 checkpoints, 200 rows: each tooltip covers `width` columns (4 × width checkpoints); each row is covered once.
        int width = (int)Math.Ceiling(200 * 250.0 / HtmlReport.MaxMapTooltips);
        Assert.True(width > 1);
        Assert.All(tips, m => Assert.Equal(width, int.Parse(m.Groups[3].Value, C)));
        Assert.Equal(200 * 250, tips.Sum(m => int.Parse(m.Groups[3].Value, C)));
        var first = WebUtility.HtmlDecode(tips.First(m => m.Groups[1].Value == "0" && m.Groups[2].Value == "0").Groups[4].Value);
        var cells = report.Cells.Where(c => c.Benchmark == 0 && c.Checkpoint < 4 * width).ToList();
        int observed = cells.Count(c => c.Observed && !c.Failed);
        Assert.Equal($"checkpoint-100 … checkpoint-{400 * width} · mmlu: {cells.Min(c => c.Estimate).ToString("0.0000", C)}–"
            + $"{cells.Max(c => c.Estimate).ToString("0.0000", C)}; {observed} observed, {4 * width - observed} estimated", first);
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

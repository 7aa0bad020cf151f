using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

/// <summary>
/// Builds a plausible <see cref="StudyReport"/>: a rising-then-flat curve per benchmark, a seeded
/// sprinkle of evaluated cells, two failures, the pick at the best average.
/// </summary>
internal static class ReportFixture
{
    public static StudyReport Build(int checkpoints = 30, int benchmarks = 5, double evaluatedShare = 0.2, string? pickName = null,
        DateTimeOffset? generatedAt = null, int seed = 7, double? fullGridSeconds = -1)
    {
        var random = new Random(seed);
        var steps = Enumerable.Range(0, checkpoints).Select(i => 100L * (i + 1)).ToArray();
        var benchmarkNames = Enumerable.Range(0, benchmarks)
            .Select(j => j switch { 0 => "mmlu", 1 => "gsm8k", 2 => "hellaswag", _ => $"bench-{j:000}" })
            .ToList();
        var weights = Enumerable.Range(0, benchmarks).Select(j => j == 0 ? 2.0 : 1.0).ToArray();
        double peak = checkpoints * 0.62;
        double Truth(int i, int j) => 0.3 + 0.03 * (j % 7) + 0.4 * (1 - Math.Exp(-(i + 1) / (checkpoints / 5.0)))
            - 0.08 * Math.Pow((i - peak) / checkpoints, 2) + 0.01 * Math.Sin(i * 0.7 + j);

        var cells = new List<CellEstimate>();
        var estimate = new double[checkpoints, benchmarks];
        var observed = new bool[checkpoints, benchmarks];
        var failedCells = new HashSet<(int, int)> { (1, 1), (checkpoints - 2, benchmarks - 1) };
        for (int i = 0; i < checkpoints; i++)
            for (int j = 0; j < benchmarks; j++)
            {
                observed[i, j] = !failedCells.Contains((i, j)) && (random.NextDouble() < evaluatedShare || i == 0 || i == checkpoints - 1);
                estimate[i, j] = Truth(i, j) + 0.003 * (random.NextDouble() - 0.5);
            }
        double weightSum = weights.Sum();
        var averages = Enumerable.Range(0, checkpoints)
            .Select(i => Enumerable.Range(0, benchmarks).Sum(j => weights[j] * estimate[i, j]) / weightSum)
            .ToArray();
        int pick = Array.IndexOf(averages, averages.Max());
        // The pick has been looked at: its even benchmarks observed, its odd ones predicted.
        for (int j = 0; j < benchmarks; j++)
            observed[pick, j] = j % 2 == 0 && !failedCells.Contains((pick, j));
        for (int i = 0; i < checkpoints; i++)
            for (int j = 0; j < benchmarks; j++)
                cells.Add(new CellEstimate(i, j, estimate[i, j], observed[i, j], failedCells.Contains((i, j))));
        string Name(int i) => i == pick && pickName is not null ? pickName : $"checkpoint-{steps[i]}";
        int Evaluated(int i) => Enumerable.Range(0, benchmarks).Count(j => observed[i, j]);
        double Half(int i) => 0.003 + 0.012 * (1 - Evaluated(i) / (double)benchmarks);

        var curve = Enumerable.Range(0, checkpoints)
            .Select(i => new CurvePoint(Name(i), steps[i], averages[i], averages[i] - Half(i), averages[i] + Half(i), Evaluated(i), i == pick))
            .ToList();
        var order = Enumerable.Range(0, checkpoints).OrderByDescending(i => averages[i]).ThenBy(i => i).ToList();
        double[] pBest = [0.97, 0.02, 0.006, 0.003, 0.001];
        var top = order.Take(5).Select((i, r) => new ReportStanding(Name(i), steps[i], averages[i], averages[i] - Half(i), averages[i] + Half(i),
            pBest[r], Evaluated(i), benchmarks, 0.0002 + 0.0010 * r)).ToList();
        var pickBenchmarks = Enumerable.Range(0, benchmarks).Select(j =>
        {
            double half = observed[pick, j] ? 0 : 0.0150 + 0.001 * j;
            return new BenchmarkRow(benchmarkNames[j], weights[j], observed[pick, j] ? estimate[pick, j] : null, estimate[pick, j],
                estimate[pick, j] - half, estimate[pick, j] + half);
        }).ToList();
        var failures = failedCells.Select(c => new FailureSummary(Name(c.Item1), benchmarkNames[c.Item2], c.Item1 == 1 ? 137 : null,
            c.Item1 == 1 ? "killed: out of memory | see log\nsecond line" : "timed out after 30m; process tree killed")).ToList();
        int evaluations = cells.Count(c => c.Observed);
        return new StudyReport("demo-study", "bomax.yaml", ".bomax/demo-study.jsonl", top[0], top, evaluations, checkpoints * benchmarks,
            checkpoints, benchmarks, evaluations * 95.5, fullGridSeconds < 0 ? checkpoints * benchmarks * 95.5 : fullGridSeconds, pickBenchmarks,
            curve, benchmarkNames, cells, failures,
            ["benchmark hellaswag has 1 observation(s): its scores rest on the other benchmarks"],
            [new("kernel", "matern52"), new("seed", "7"), new("fit", "converged")],
            "bomax 0.1.0", generatedAt ?? new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
    }

    /// <summary>The text with the collapsed Details block cut out (not the per-benchmark table's, which a long table has).</summary>
    public static string OutsideDetails(string text)
    {
        int start = text.IndexOf("<details><summary>Details</summary>", StringComparison.Ordinal);
        int end = text.IndexOf("</details>", start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "no details block");
        return text[..start] + text[(end + "</details>".Length)..];
    }
}

public class MarkdownReportTests
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    [Fact]
    public void StartsWithTheHiddenMarker()
    {
        var md = MarkdownReport.Render(ReportFixture.Build());
        Assert.StartsWith("<!-- bomax:study=demo-study -->\n", md);
    }

    [Fact]
    public void MarkerCannotCloseTheCommentEarly()
    {
        var report = ReportFixture.Build() with { Study = "x --> <b>y</b>\nz" };
        var first = MarkdownReport.Render(report).Split('\n')[0];
        Assert.StartsWith("<!-- bomax:study=", first);
        Assert.EndsWith(" -->", first);
        Assert.Single(Regex.Matches(first, "-->"));
    }

    [Fact]
    public void HeadlineShowsThePickEstimateIntervalAndProbability()
    {
        var report = ReportFixture.Build();
        var md = MarkdownReport.Render(report);
        var p = report.Pick;
        Assert.Contains($"### Selected **{p.Name}**", md);
        Assert.Contains($"Estimated average **{p.Estimate.ToString("0.0000", C)}** (95 % interval "
            + $"{p.Low.ToString("0.0000", C)}–{p.High.ToString("0.0000", C)}) · P(best) **0.97**", md);
        // The expected shortfall in score units and as a share of the expected best average (estimate + shortfall).
        Assert.Contains($" · expected shortfall 0.0002 ({(100 * 0.0002 / (p.Estimate + 0.0002)).ToString("0.00", C)} %)", md);
    }

    [Fact]
    public void ThePicksSectionSaysWhetherAndHowTheHeldOutCheckWidenedTheConfidence()
    {
        var report = ReportFixture.Build();
        Assert.DoesNotContain("held-out check predict", MarkdownReport.Render(report)); // a report built without it says nothing

        string Said(Bomax.Engine.Posterior.VarianceScales check) =>
            ReportFixture.OutsideDetails(MarkdownReport.Render(report with { Check = check }));
        Assert.Contains("**Checked:** the latest 12 evaluations, each predicted from those before it, landed within the spread the model "
            + "stated, so P(best) and the intervals are the model's own.", Said(new(1, 1) { HeldBack = 12 }));
        // Variance scales read as factors of the standard deviation: √2.25 = 1.50, √4 = 2.00.
        Assert.Contains("missed by more than the model stated. P(best) reads its spread widened 1.50 times, the 95 % intervals 2.00 times.",
            Said(new(2.25, 4) { HeldBack = 50 }));
        // Only the tails widened, and the bulk by less than the two decimals printed: P(best) is the model's own.
        Assert.Contains("missed by more than the model stated in their tails. P(best) reads the model's own spread, the 95 % intervals "
            + "theirs widened 1.20 times.", Said(new(1.004, 1.44) { HeldBack = 50 }));
        // Scales a hair above 1 (a miss or two, shrunk toward calibrated) show as 1.00 and are read as within the stated spread.
        Assert.Contains("landed within the spread the model stated", Said(new(1.002, 1.008) { HeldBack = 13 }));
        var none = Bomax.Engine.Posterior.VarianceScales.None;
        Assert.Contains("It starts at 40 evaluations (22 so far), so both are the model's own.",
            ReportFixture.OutsideDetails(MarkdownReport.Render(report with { Check = none, Evaluations = 22 })));
        Assert.Contains("**Not checked:** no held-out check was made for this decision, so P(best) and the intervals are the model's own.",
            ReportFixture.OutsideDetails(MarkdownReport.Render(report with { Check = none, Evaluations = 400 })));
        // The line sits under the pick's basis, before the top table.
        var text = Said(new(2.25, 4) { HeldBack = 50 });
        Assert.True(text.IndexOf("**Checked:**", StringComparison.Ordinal) < text.IndexOf("#### Top checkpoints", StringComparison.Ordinal));
    }

    [Fact]
    public void TopTableHasFiveRowsWithThePickMarkedFirst()
    {
        var report = ReportFixture.Build();
        var lines = MarkdownReport.Render(report).Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("| # | Checkpoint |", StringComparison.Ordinal));
        Assert.True(header >= 0);
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Contains($"| **{report.Pick.Name}** (pick) |", rows[0]);
        for (int r = 0; r < 5; r++)
        {
            var s = report.Top[r];
            Assert.Contains($"| {s.Name}", rows[r].Replace("**", "").Replace(" (pick)", ""));
            Assert.Contains($"| {s.Estimate.ToString("0.0000", C)} | {s.Low.ToString("0.0000", C)}–{s.High.ToString("0.0000", C)} | "
                + $"{s.ProbabilityBest.ToString("0.00", C)} | {s.ExpectedShortfall.ToString("0.0000", C)} "
                + $"({(100 * s.RelativeShortfall).ToString("0.00", C)} %) | {s.BenchmarksEvaluated}/{s.BenchmarkCount} |", rows[r]);
            Assert.Equal(r == 0, rows[r].Contains("(pick)"));
        }
    }

    [Fact]
    public void CostShowsShareTimeAndFullGrid()
    {
        var report = ReportFixture.Build();
        var md = MarkdownReport.Render(report);
        double share = 100.0 * report.Evaluations / report.GridCells;
        Assert.Contains($"**{report.Evaluations}** of 150 checkpoint × benchmark evaluations ({share.ToString("0.0", C)} % of the full grid)", md);
        Assert.Contains($"evaluation time **{Bomax.Cli.Study.Durations.Human(report.EvaluationSeconds)}**", md);
        Assert.Contains($"the full grid would take about **{Bomax.Cli.Study.Durations.Human(150 * 95.5)}**", md);
        Assert.Equal("3h 59m", Bomax.Cli.Study.Durations.Human(150 * 95.5));
        Assert.DoesNotContain("full grid would take", MarkdownReport.Render(ReportFixture.Build(fullGridSeconds: null)));
    }

    [Fact]
    public void CostSaysHowMuchEvaluationTimeTheStudySavedOfTheFullGrid()
    {
        var report = ReportFixture.Build(); // 95.5 s an evaluation, 30 of 150 evaluated
        var md = MarkdownReport.Render(report);
        double saved = 150 * 95.5 - report.EvaluationSeconds;
        Assert.Contains($"saved about **{Bomax.Cli.Study.Durations.Human(saved)}** "
            + $"({(100 * saved / (150 * 95.5)).ToString("0.0", C)} % of the full grid's time)", md);
        Assert.Contains("saved about", HtmlReport.Render(report));
        // Nothing saved to speak of when the study spent what the whole grid would take, or the grid's time is not known.
        Assert.DoesNotContain("saved about", MarkdownReport.Render(ReportFixture.Build(fullGridSeconds: report.EvaluationSeconds)));
        Assert.DoesNotContain("saved about", MarkdownReport.Render(ReportFixture.Build(fullGridSeconds: null)));
    }

    [Theory]
    [InlineData(0.4, "0.4s")]
    [InlineData(45, "45s")]
    [InlineData(200, "3m 20s")]
    [InlineData(3600, "1h")]
    [InlineData(3599.9, "1h")]
    [InlineData(59.7, "1m")]
    [InlineData(86000, "1d")]
    [InlineData(2 * 3600 + 14 * 60 + 10, "2h 14m")]
    [InlineData(3 * 86400 + 4 * 3600 + 59, "3d 4h")]
    public void DurationsAreHuman(double seconds, string expected) => Assert.Equal(expected, Bomax.Cli.Study.Durations.Human(seconds));

    [Fact]
    public void PerBenchmarkRowsSayObservedOrPredicted()
    {
        var report = ReportFixture.Build();
        var md = MarkdownReport.Render(report);
        Assert.Contains(report.PickBenchmarks, b => b.Observed is null);
        Assert.Contains(report.PickBenchmarks, b => b.Observed is not null);
        foreach (var b in report.PickBenchmarks)
        {
            string weight = b.Weight.ToString("0.###", C);
            if (b.Observed is { } o)
                Assert.Contains($"| {b.Name} | {weight} | {o.ToString("0.0000", C)} | observed |", md);
            else
                Assert.Contains($"| {b.Name} | {weight} | {b.Predicted.ToString("0.0000", C)} ± {((b.High - b.Low) / 2).ToString("0.0000", C)} | "
                    + $"predicted |", md);
        }
    }

    [Fact]
    public void ALongPerBenchmarkTableIsCollapsedWithABlankLineBeforeIt()
    {
        var report = ReportFixture.Build(30, MarkdownReport.MaxOpenTableRows + 5);
        var md = MarkdownReport.Render(report);
        int observed = report.PickBenchmarks.Count(b => b.Observed is not null);
        string summary = $"<details><summary>25 benchmarks: {observed} observed, {25 - observed} predicted</summary>\n\n"
            + "| Benchmark | Weight | Score | Source |\n";
        int open = md.IndexOf(summary, StringComparison.Ordinal);
        int heading = md.IndexOf($"#### {report.Pick.Name} by benchmark", StringComparison.Ordinal);
        Assert.True(open > heading, "the table is not collapsed under its heading");
        int close = md.IndexOf("\n\n</details>\n", open, StringComparison.Ordinal);
        var inside = md[open..close];
        Assert.Equal(25 + 2, inside.Split('\n').Count(l => l.StartsWith('|')));
        Assert.DoesNotContain("<details><summary>Details</summary>", inside);
        Assert.Equal(Regex.Matches(md, "<details>").Count, Regex.Matches(md, "</details>").Count);

        // Markdig (as GitHub) renders the table inside the collapsed block.
        var html = HtmlReport.Render(report);
        int htmlOpen = html.IndexOf("<details><summary>25 benchmarks:", StringComparison.Ordinal);
        Assert.True(htmlOpen >= 0);
        int table = html.IndexOf("<table>", htmlOpen, StringComparison.Ordinal);
        Assert.True(table > htmlOpen && table < html.IndexOf("</details>", htmlOpen, StringComparison.Ordinal), "the table is not inside <details>");
    }

    [Fact]
    public void AShortPerBenchmarkTableStaysOpen()
    {
        var report = ReportFixture.Build(30, MarkdownReport.MaxOpenTableRows);
        var md = MarkdownReport.Render(report);
        Assert.Single(Regex.Matches(md, "<details>"));
        int table = md.IndexOf("| Benchmark | Weight | Score | Source |", StringComparison.Ordinal);
        Assert.True(table >= 0 && table < md.IndexOf("<details>", StringComparison.Ordinal));
    }

    [Fact]
    public void BodyIsDeterministicOutsideDetails()
    {
        var a = MarkdownReport.Render(ReportFixture.Build(generatedAt: new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        var b = MarkdownReport.Render(ReportFixture.Build(generatedAt: new DateTimeOffset(2026, 6, 7, 8, 9, 10, TimeSpan.FromHours(2))));
        Assert.NotEqual(a, b);
        Assert.Equal(ReportFixture.OutsideDetails(a), ReportFixture.OutsideDetails(b));
        Assert.Contains("2025-01-02 03:04:05 UTC", a);
        Assert.DoesNotContain("2025", ReportFixture.OutsideDetails(a));
        Assert.Contains("2026-06-07 06:09:10 UTC", b);
    }

    [Fact]
    public void DetailsHoldFailuresWarningsSettingsAndProvenance()
    {
        var md = MarkdownReport.Render(ReportFixture.Build());
        var details = md[md.IndexOf("<details><summary>Details</summary>", StringComparison.Ordinal)..];
        Assert.EndsWith("</details>\n", md);
        Assert.Contains("| checkpoint-200 | gsm8k | 137 | killed: out of memory \\| see log second line |", details);
        Assert.Contains("timed out after 30m; process tree killed", details);
        Assert.Contains("- benchmark hellaswag has 1 observation(s)", details);
        Assert.Contains("| kernel | matern52 |", details);
        Assert.Contains("- Tool: bomax 0.1.0", details);
        Assert.Contains("- Spec: bomax.yaml", details);
        Assert.Contains("- Journal: .bomax/demo-study.jsonl", details);
        var outside = ReportFixture.OutsideDetails(md);
        Assert.DoesNotContain("killed: out of memory", outside);
        Assert.DoesNotContain("matern52", outside);
        Assert.Contains("**Warning:** 2 evaluations failed · 1 warning (see Details)", outside);
    }

    [Fact]
    public void NamesAreEscaped()
    {
        const string evil = "a|b <script>";
        var md = MarkdownReport.Render(ReportFixture.Build(pickName: evil));
        Assert.DoesNotContain("<script", md);
        Assert.DoesNotContain(evil, md);
        Assert.Contains("### Selected **a\\|b &lt;script&gt;**", md);
        Assert.Contains("| **a\\|b &lt;script&gt;** (pick) |", md);
        // Every table row keeps its column count: the escaped pipe is not a separator.
        var lines = md.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("| # | Checkpoint |", StringComparison.Ordinal));
        foreach (var row in lines.Skip(header).TakeWhile(l => l.StartsWith('|')))
            Assert.Equal(9, Regex.Matches(row, @"(?<!\\)\|").Count);
        var mermaid = Regex.Match(md, "```mermaid\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("title \"Estimated average by step (pick: a|b ‹script›)\"", mermaid);
    }

    [Fact]
    public void MarkdownPunctuationInNamesIsEscaped()
    {
        var md = MarkdownReport.Render(ReportFixture.Build(pickName: "*bold* _x_ [link](y) `code` {.cls}"));
        Assert.Contains(@"\*bold\* \_x\_ \[link\](y) \`code\` \{.cls\}", md);
    }

    [Fact]
    public void TruncateLeavesShortTextAlone()
    {
        var md = MarkdownReport.Render(ReportFixture.Build());
        Assert.Same(md, MarkdownReport.Truncate(md, MarkdownReport.CommentLimit));
    }

    [Fact]
    public void TruncateKeepsUnderTheLimitAndClosesDetails()
    {
        var md = MarkdownReport.Render(ReportFixture.Build(1000, 200, 0.03));
        var full = Encoding.UTF8.GetByteCount(md);
        Assert.True(full > 10_000, $"{full} bytes");
        int detailsAt = Encoding.UTF8.GetByteCount(md[..md.IndexOf("<details>", StringComparison.Ordinal)]);
        foreach (int limit in new[] { 3000, 9000, detailsAt + 400, full - 100 })
        {
            var cut = MarkdownReport.Truncate(md, limit);
            Assert.True(Encoding.UTF8.GetByteCount(cut) <= limit, $"{Encoding.UTF8.GetByteCount(cut)} > {limit}");
            Assert.StartsWith("<!-- bomax:study=demo-study -->\n", cut);
            Assert.EndsWith("\n\n… (truncated)\n", cut);
            Assert.Equal(Regex.Matches(cut, "<details>").Count, Regex.Matches(cut, "</details>").Count);
            Assert.Equal(0, Regex.Matches(cut, "^```", RegexOptions.Multiline).Count % 2);
            // What precedes the appended closing is a prefix of the original, cut at a line end.
            int common = 0;
            while (common < cut.Length && cut[common] == md[common]) common++;
            Assert.True(cut.Length - common <= "```\n\n</details>\n\n… (truncated)\n".Length, cut[common..]);
            Assert.True(common > 40);
        }
    }

    [Fact]
    public void TruncateInsideMermaidDropsThePartialChart()
    {
        var md = MarkdownReport.Render(ReportFixture.Build(1000, 200, 0.03));
        int fence = md.IndexOf("```mermaid", StringComparison.Ordinal);
        int limit = Encoding.UTF8.GetByteCount(md[..fence]) + 200;
        var cut = MarkdownReport.Truncate(md, limit);
        Assert.DoesNotContain("```", cut);
        Assert.True(Encoding.UTF8.GetByteCount(cut) <= limit);
        Assert.EndsWith("… (truncated)\n", cut);
    }

    [Fact]
    public void TruncateClosesAnOpenCodeFenceAndDetails()
    {
        var text = new StringBuilder("<!-- bomax:study=s -->\n# Title\n\n<details><summary>Details</summary>\n\n```text\n");
        for (int i = 0; i < 200; i++) text.Append($"log line {i} ünïcödé ✓\n");
        text.Append("```\n\n</details>\n");
        var md = text.ToString();
        var cut = MarkdownReport.Truncate(md, 1500);
        Assert.True(Encoding.UTF8.GetByteCount(cut) <= 1500);
        Assert.Contains("log line 10 ", cut);
        Assert.EndsWith("ünïcödé ✓\n```\n\n</details>\n\n… (truncated)\n", cut);
        Assert.Equal(2, Regex.Matches(cut, "^```", RegexOptions.Multiline).Count);
    }

    [Fact]
    public void TruncateReadsFencesAsCommonMarkDoes()
    {
        // An indented ``` is code, not a fence; a ```` fence is not closed by ```; a ~~~ fence is closed only by ~~~.
        var text = new StringBuilder("# Title\n\n    ```\n\n````text\n```\n");
        for (int i = 0; i < 200; i++) text.Append($"inside four {i}\n");
        text.Append("````\n\n~~~\n```\n");
        for (int i = 0; i < 200; i++) text.Append($"inside tildes {i}\n");
        text.Append("~~~\n");
        var md = text.ToString();

        var inFour = MarkdownReport.Truncate(md, 1200);
        Assert.EndsWith("\n````\n\n… (truncated)\n", inFour);
        Assert.Contains("inside four 10\n", inFour);

        int tildes = Encoding.UTF8.GetByteCount(md[..md.IndexOf("inside tildes 50", StringComparison.Ordinal)]);
        var inTildes = MarkdownReport.Truncate(md, tildes);
        Assert.EndsWith("\n~~~\n\n… (truncated)\n", inTildes);
        Assert.True(Encoding.UTF8.GetByteCount(inTildes) <= tildes);
    }
}

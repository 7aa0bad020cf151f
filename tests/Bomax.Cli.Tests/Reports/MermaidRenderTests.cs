using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

/// <summary>
/// A test that renders with the real Mermaid: it runs where mermaid-cli is installed in tests/render (<c>npm ci</c> there with
/// <c>PUPPETEER_SKIP_DOWNLOAD=1</c>, as CI does; nothing is fetched at test time) or <c>BOMAX_MMDC</c> names another mmdc, and
/// Chromium is at <see cref="ChromiumFactAttribute.Chromium"/>; elsewhere it is skipped, saying so.
/// </summary>
public sealed class MermaidCliFactAttribute : FactAttribute
{
    public const string Variable = "BOMAX_MMDC";

    /// <summary>The mmdc to render with: <c>BOMAX_MMDC</c>, else tests/render's.</summary>
    public static string Mmdc => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named
        ? named
        : Path.Combine(Bomax.Cli.Tests.Action.ActionHarness.SourceRoot, "tests", "render", "node_modules", ".bin", "mmdc");

    public MermaidCliFactAttribute()
    {
        if (!File.Exists(Mmdc))
            Skip = $"no mermaid-cli at {Mmdc} (npm ci in tests/render, or {Variable}): the chart was not rendered by Mermaid";
        else if (!File.Exists(ChromiumFactAttribute.Chromium))
            Skip = $"{ChromiumFactAttribute.Chromium} is not installed: mermaid-cli has no browser to render in";
    }
}

/// <summary>The PR comment's chart as Mermaid draws it: it parses, its x axis has a few labels, and the pick's drop line
/// meets the axis at the pick's step.</summary>
public class MermaidRenderTests
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    [MermaidCliFact]
    public void MermaidDrawsThePickAtItsStepUnderAFewAxisLabels()
    {
        var even = ReportFixture.Build(121, 71, evaluatedShare: 0.05);
        var random = new Random(4);
        long step = 0;
        double Estimate(int i) => 0.5 + 0.1 * Math.Sin(i / 9.0);
        var uneven = Enumerable.Range(0, 80)
            .Select(i => new CurvePoint($"c{i}", step += 10 * (i + 1) * random.Next(1, 4), Estimate(i), Estimate(i) - 0.03, Estimate(i) + 0.04, 1,
                i == 25)).ToList();
        var pick = uneven[25];
        var standing = new ReportStanding(pick.Name, pick.Step, pick.Estimate, pick.Low, pick.High, 0.5, 1, 5, 0.01);
        foreach (var report in new[] { even, even with { Curve = uneven, Pick = standing, Top = [standing], Cells = [] } })
        {
            var svg = Render(MarkdownReport.Render(report));
            for (int series = 0; series < MermaidChart.Palette.Length; series++)
                Assert.Matches($"<g class=\"line-plot-{series}\"><path d=\"[^\"]+\" fill=\"none\" stroke=\"{MermaidChart.Palette[series]}\"", svg);

            // A few round labels on the step axis, at x positions linear in their value.
            int axisStart = svg.IndexOf("class=\"bottom-axis\"", StringComparison.Ordinal);
            var axis = svg[axisStart..svg.IndexOf("class=\"left-axis\"", axisStart, StringComparison.Ordinal)];
            var labels = Regex.Matches(axis, @"translate\(([0-9.]+), [0-9.]+\) rotate\(0\)"">([0-9.]+)</text>")
                .Select(m => (X: double.Parse(m.Groups[1].Value, C), Step: double.Parse(m.Groups[2].Value, C))).ToList();
            Assert.InRange(labels.Count, 3, 14);
            var (a, b) = (labels[0], labels[^1]);
            double XOf(double s) => a.X + (s - a.Step) / (b.Step - a.Step) * (b.X - a.X);

            // The drop line's lowest point is on the axis at the pick's step (within half a node and a pixel).
            var drop = Regex.Match(svg, "<g class=\"line-plot-0\"><path d=\"([^\"]+)\"").Groups[1].Value;
            var points = Regex.Matches(drop, @"([0-9.]+),([0-9.]+)")
                .Select(m => (X: double.Parse(m.Groups[1].Value, C), Y: double.Parse(m.Groups[2].Value, C))).ToList();
            var lowest = points.MaxBy(p => p.Y);
            var curve = report.Curve;
            int pickIndex = curve.ToList().FindIndex(p => p.IsPick);
            double node = (XOf(curve[^1].Step) - XOf(curve[0].Step)) / (MermaidChart.Resample(curve, pickIndex).Steps.Count - 1);
            double pickStep = curve[pickIndex].Step;
            Assert.True(Math.Abs(lowest.X - XOf(pickStep)) <= node / 2 + 1, $"drop line at x {lowest.X}, the pick's step at {XOf(pickStep)}");
        }
    }

    static string Render(string markdown)
    {
        var block = Regex.Match(markdown, "```mermaid\n(.*?)```\n", RegexOptions.Singleline);
        Assert.True(block.Success);
        var folder = Directory.CreateTempSubdirectory("bomax-mermaid-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "chart.mmd"), block.Groups[1].Value);
            File.WriteAllText(Path.Combine(folder, "puppeteer.json"),
                $"{{\"executablePath\": \"{ChromiumFactAttribute.Chromium}\", \"args\": [\"--no-sandbox\"]}}");
            var start = new ProcessStartInfo(MermaidCliFactAttribute.Mmdc)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = folder,
            };
            foreach (var argument in new[] { "-q", "-p", "puppeteer.json", "-i", "chart.mmd", "-o", "chart.svg" }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("mmdc did not finish in 2 minutes");
            }
            Assert.True(process.ExitCode == 0, $"mmdc exited {process.ExitCode}: {stderr.Result}");
            return File.ReadAllText(Path.Combine(folder, "chart.svg"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

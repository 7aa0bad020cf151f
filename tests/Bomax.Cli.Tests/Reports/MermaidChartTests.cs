using System.Globalization;
using System.Text.RegularExpressions;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

/// <summary>The Mermaid chart as Mermaid reads it: its x axis, and each series spread evenly from the axis minimum to its maximum.</summary>
internal sealed record ParsedChart(string Init, string Title, double XMin, double XMax, double YMin, double YMax,
    IReadOnlyList<IReadOnlyList<double>> Lines)
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public IReadOnlyList<double> Drop => Lines[0];
    public IReadOnlyList<double> High => Lines[1];
    public IReadOnlyList<double> Low => Lines[2];
    public IReadOnlyList<double> Estimate => Lines[3];

    /// <summary>Where Mermaid puts the <paramref name="index"/>-th of <paramref name="count"/> values on the step axis.</summary>
    public double StepOf(int index, int count) => XMin + index * (XMax - XMin) / (count - 1);

    public static ParsedChart Of(string markdown)
    {
        var block = Regex.Match(markdown, "```mermaid\n(.*?)\n```\n", RegexOptions.Singleline);
        Assert.True(block.Success, "no mermaid block");
        var lines = block.Groups[1].Value.Split('\n');
        Assert.Equal("xychart-beta", lines[1]);
        var title = Regex.Match(lines[2], "^    title \"([^\"]*)\"$");
        Assert.True(title.Success, lines[2]);
        var x = Regex.Match(lines[3], "^    x-axis \"step\" (-?[0-9.]+) --> (-?[0-9.]+)$");
        Assert.True(x.Success, $"not a numeric step axis: {lines[3]}");
        var y = Regex.Match(lines[4], "^    y-axis \"estimated average\" (-?[0-9.]+) --> (-?[0-9.]+)$");
        Assert.True(y.Success, lines[4]);
        var series = lines.Skip(5).Select(l =>
        {
            var m = Regex.Match(l, "^    line \\[(.*)\\]$");
            Assert.True(m.Success, l);
            return (IReadOnlyList<double>)m.Groups[1].Value.Split(", ").Select(v => double.Parse(v, C)).ToList();
        }).ToList();
        return new ParsedChart(lines[0], title.Groups[1].Value, double.Parse(x.Groups[1].Value, C), double.Parse(x.Groups[2].Value, C),
            double.Parse(y.Groups[1].Value, C), double.Parse(y.Groups[2].Value, C), series);
    }
}

public class MermaidChartTests
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    static StudyReport WithCurve(IReadOnlyList<CurvePoint> curve)
    {
        var pick = curve.FirstOrDefault(p => p.IsPick) ?? curve[0];
        var standing = new ReportStanding(pick.Name, pick.Step, pick.Estimate, pick.Low, pick.High, 0.9, pick.BenchmarksEvaluated, 5, 0.001);
        return ReportFixture.Build() with { Curve = curve, Pick = standing, Top = [standing], Cells = [] };
    }

    /// <summary>The curve's estimate at <paramref name="step"/>, joining neighbouring checkpoints by straight lines.</summary>
    static double Interpolate(IReadOnlyList<CurvePoint> curve, double step, Func<CurvePoint, double> value)
    {
        int i = 0;
        while (i < curve.Count - 2 && curve[i + 1].Step <= step) i++;
        var (a, b) = (curve[i], curve[Math.Min(i + 1, curve.Count - 1)]);
        if (b.Step == a.Step) return value(a);
        double t = Math.Clamp((step - a.Step) / (double)(b.Step - a.Step), 0, 1);
        return value(a) + t * (value(b) - value(a));
    }

    /// <summary>Checkpoints at seeded random gaps that widen along the run (as when checkpoints are saved ever less often), so that
    /// a checkpoint's index and its step disagree; a bump a third of the way along, the pick at its top.</summary>
    static List<CurvePoint> UnevenCurve(int count, int seed)
    {
        var random = new Random(seed);
        long step = 0;
        var steps = Enumerable.Range(0, count).Select(i => step += 10 * random.Next(1, 40) * (1 + 10 * i / count)).ToList();
        double width = 0.2 * (steps[^1] - steps[0]);
        double Value(long s) => 0.5 + 0.3 * Math.Exp(-Math.Pow((s - steps[count / 3]) / width, 2)) + 0.01 * random.NextDouble();
        var values = steps.Select(Value).ToList();
        int pick = values.IndexOf(values.Max());
        return steps.Select((s, i) => new CurvePoint($"ckpt-{s}", s, values[i], values[i] - 0.02, values[i] + 0.03, 1, i == pick)).ToList();
    }

    [Theory]
    [InlineData(30, 5)]
    [InlineData(121, 71)]
    [InlineData(1000, 200)]
    public void TheChartHasANumericStepAxisTheBandAndThePickWithExplicitColours(int checkpoints, int benchmarks)
    {
        var report = ReportFixture.Build(checkpoints, benchmarks, evaluatedShare: 0.03);
        var chart = ParsedChart.Of(MarkdownReport.Render(report));
        var pick = report.Curve.Single(p => p.IsPick);

        // Explicit colours, one per series; the title names the pick.
        string palette = string.Join(", ", MermaidChart.Palette);
        Assert.Equal($"%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{palette}\"}}}}}}}}%%", chart.Init);
        Assert.Equal(MermaidChart.Palette.Length, chart.Lines.Count);
        Assert.Contains(pick.Name, chart.Title);

        // A numeric axis from the first step to the last (Mermaid labels it with a few round steps), at most MaxPoints values.
        Assert.Equal(report.Curve[0].Step, chart.XMin);
        Assert.Equal(report.Curve[^1].Step, chart.XMax);
        int n = chart.Estimate.Count;
        Assert.InRange(n, 2, MermaidChart.MaxPoints);
        Assert.Equal(n, chart.High.Count);
        Assert.Equal(n, chart.Low.Count);

        // The y range holds the whole band, rounded rather than padded.
        Assert.True(chart.YMin <= report.Curve.Min(p => p.Low) && chart.YMax >= report.Curve.Max(p => p.High), $"{chart.YMin} {chart.YMax}");
        double span = report.Curve.Max(p => p.High) - report.Curve.Min(p => p.Low);
        Assert.True(chart.YMax - chart.YMin < 1.3 * span, "the range is rounded, not padded");

        // The band: upper and lower ends of the interval around the estimate, the pick's own at its node.
        for (int k = 0; k < n; k++)
            Assert.True(chart.Low[k] <= chart.Estimate[k] && chart.Estimate[k] <= chart.High[k], $"node {k}");
        int pickNode = Enumerable.Range(0, n).MinBy(k => Math.Abs(chart.StepOf(k, n) - pick.Step));
        Assert.Equal(pick.Estimate, chart.Estimate[pickNode], 4);
        Assert.Equal(pick.Low, chart.Low[pickNode], 4);
        Assert.Equal(pick.High, chart.High[pickNode], 4);
        Assert.True(Math.Abs(chart.StepOf(pickNode, n) - pick.Step) <= (chart.XMax - chart.XMin) / (n - 1) / 2 + 1e-9);

        // The pick's drop line reaches the axis exactly once, at the pick's node, and runs along the estimate elsewhere.
        var drop = chart.Drop;
        var bottom = Enumerable.Range(0, drop.Count).Where(f => drop[f] <= chart.YMin).ToList();
        Assert.Single(bottom);
        Assert.Equal(chart.StepOf(pickNode, n), chart.StepOf(bottom[0], drop.Count), 6);
        Assert.True(drop.Count >= 300, $"{drop.Count}: a coarse drop line is a wide V, not a line");
        Assert.Equal(0, (drop.Count - 1) % (n - 1));
        int refine = (drop.Count - 1) / (n - 1);
        for (int k = 0; k < n; k++)
            if (k != pickNode) Assert.Equal(chart.Estimate[k], drop[k * refine], 4);
    }

    [Fact]
    public void EvenCheckpointsAreShownAsTheyAreOrEveryKthOfThem()
    {
        // 121 checkpoints 50 steps apart (the quickstart's): every other one, 100 apart, the pick among them.
        var curve = Enumerable.Range(0, 121).Select(i => new CurvePoint($"c{i}", 100 + 50L * i, 0.5 + 0.001 * i, 0.49, 0.7, 1, i == 38)).ToList();
        var grid = MermaidChart.Resample(curve, 38);
        Assert.Equal(61, grid.Steps.Count);
        Assert.False(grid.Interpolated);
        Assert.False(grid.PickSnapped);
        Assert.Equal(2000, grid.Steps[grid.PickNode]);
        Assert.Equal(curve[38].Estimate, grid.Estimate[grid.PickNode]);

        // 30 of them: every one.
        var few = curve.Take(30).ToList();
        var all = MermaidChart.Resample(few, 3);
        Assert.Equal(few.Select(p => (double)p.Step), all.Steps);
        Assert.Equal(few.Select(p => p.Estimate), all.Estimate);
    }

    [Theory]
    [InlineData(40, 1)]
    [InlineData(300, 2)]
    [InlineData(2000, 3)]
    public void UnevenStepsArePlacedByTheirValueNotTheirIndex(int count, int seed)
    {
        var curve = UnevenCurve(count, seed);
        var report = WithCurve(curve);
        var chart = ParsedChart.Of(MarkdownReport.Render(report));
        var pick = curve.Single(p => p.IsPick);
        int n = chart.Estimate.Count;
        for (int k = 0; k < n; k++)
        {
            double step = chart.StepOf(k, n);
            if (Math.Abs(step - pick.Step) <= (chart.XMax - chart.XMin) / (n - 1) / 2) continue; // the pick's node shows the pick
            Assert.Equal(Interpolate(curve, step, p => p.Estimate), chart.Estimate[k], 4);
            Assert.Equal(Interpolate(curve, step, p => p.Low), chart.Low[k], 4);
            Assert.Equal(Interpolate(curve, step, p => p.High), chart.High[k], 4);
        }

        // The pick at its step: the node nearest it shows the pick, and the drop line comes down there.
        double spacing = (chart.XMax - chart.XMin) / (n - 1);
        int pickNode = (int)Math.Round((pick.Step - chart.XMin) / spacing);
        Assert.Equal(pick.Estimate, chart.Estimate[pickNode], 4);
        int drop = Enumerable.Range(0, chart.Drop.Count).Single(f => chart.Drop[f] <= chart.YMin);
        double dropStep = chart.StepOf(drop, chart.Drop.Count);
        Assert.True(Math.Abs(dropStep - pick.Step) <= spacing / 2 + 1e-6, $"the drop line at {dropStep}");
        double byIndex = curve.IndexOf(pick) / (double)(curve.Count - 1), byStep = pickNode / (double)(n - 1);
        Assert.True(Math.Abs(byIndex - byStep) > 0.05, "index and step agree: a weak test");
    }

    [Fact]
    public void AnUnevenGapIsWideOnTheAxis()
    {
        // Four checkpoints, the last far out: by index it would sit a third of the axis from the third; by step it is 9/10 away.
        var curve = new[] { 0L, 50, 100, 1000 }
            .Select((s, i) => new CurvePoint($"c{s}", s, 0.1 * (i + 1), 0.1 * i, 0.1 * (i + 2), 1, i == 3)).ToList();
        var chart = ParsedChart.Of(MarkdownReport.Render(WithCurve(curve)));
        Assert.Equal(21, chart.Estimate.Count); // every 50 steps
        Assert.Equal(0.3, chart.Estimate[2], 4);
        Assert.Equal(0.35, chart.Estimate[11], 4); // step 550, halfway from 100 to 1000
        Assert.Equal(0.4, chart.Estimate[20], 4);
    }

    [Fact]
    public void APickBetweenNodesIsDrawnAtTheNearestNodeAndTheCaptionSaysSo()
    {
        // 1000 checkpoints 100 apart: 999 gaps have no divisor between 50 and 99, so nodes fall between checkpoints.
        var curve = Enumerable.Range(0, 1000)
            .Select(i => new CurvePoint($"c{i}", 100L * (i + 1), i == 617 ? 0.9 : 0.5, 0.4, i == 617 ? 0.95 : 0.6, 1, i == 617)).ToList();
        var grid = MermaidChart.Resample(curve, 617);
        Assert.Equal(MermaidChart.MaxPoints, grid.Steps.Count);
        Assert.True(grid.Interpolated);
        Assert.True(grid.PickSnapped);
        Assert.Equal(0.9, grid.Estimate[grid.PickNode]);
        Assert.Equal(0.95, grid.High[grid.PickNode]);
        Assert.True(Math.Abs(grid.Steps[grid.PickNode] - 61_800) <= 99_900 / 99.0 / 2);

        var md = MarkdownReport.Render(WithCurve(curve));
        Assert.Contains($"the pick is drawn at step {grid.Steps[grid.PickNode].ToString("0.0", C)}, the nearest of them", md);
        Assert.Contains("interpolated linearly between checkpoints", md);
    }

    [Fact]
    public void OneCheckpointIsAFlatLineAroundItsStep()
    {
        var curve = new List<CurvePoint> { new("only", 500, 0.7, 0.6, 0.8, 3, true) };
        var chart = ParsedChart.Of(MarkdownReport.Render(WithCurve(curve)));
        Assert.Equal(499, chart.XMin);
        Assert.Equal(501, chart.XMax);
        Assert.All(chart.Estimate, v => Assert.Equal(0.7, v, 4));
        Assert.Single(chart.Drop, v => v <= chart.YMin);
    }

    [Fact]
    public void TheCaptionNamesTheColoursThePickAndTheSampling()
    {
        var report = ReportFixture.Build();
        var md = MarkdownReport.Render(report);
        var pick = report.Curve.Single(p => p.IsPick);
        Assert.Contains($"<sub>{MermaidChart.Legend} ({pick.Name}, step {pick.Step}, {pick.Estimate.ToString("0.0000", C)}). "
            + "The curve of 30 checkpoints is drawn at 30 evenly spaced steps from 100 to 3000.</sub>", md);
        Assert.DoesNotContain("<sub>", HtmlReport.Render(report)); // the HTML draws its own chart, with a legend
    }

    [Fact]
    public void ThePaletteReadsOnGitHubsLightAndDarkPages()
    {
        foreach (var colour in MermaidChart.Palette)
        {
            Assert.True(Contrast(colour, "#ffffff") >= 3, $"{colour} on white: {Contrast(colour, "#ffffff"):0.00}");
            Assert.True(Contrast(colour, "#0d1117") >= 3, $"{colour} on GitHub's dark background: {Contrast(colour, "#0d1117"):0.00}");
        }
        // Pick, band and estimate in three colours (orange against blue also for red-green colour blindness); the band's two ends alike.
        Assert.Equal(3, MermaidChart.Palette.Distinct().Count());
        Assert.Equal(MermaidChart.Palette[1], MermaidChart.Palette[2]);
    }

    /// <summary>WCAG's contrast ratio of two sRGB colours.</summary>
    static double Contrast(string a, string b)
    {
        static double Luminance(string hex)
        {
            double Channel(int at)
            {
                double c = Convert.ToInt32(hex.Substring(at, 2), 16) / 255.0;
                return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
            }
            return 0.2126 * Channel(1) + 0.7152 * Channel(3) + 0.0722 * Channel(5);
        }
        double la = Luminance(a), lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }
}

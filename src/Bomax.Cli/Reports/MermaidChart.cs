using System.Globalization;
using System.Text;

namespace Bomax.Cli.Reports;

/// <summary>
/// The average curve resampled for Mermaid: <see cref="Steps"/> evenly spaced from the first checkpoint's step to the last's,
/// with the estimate and its 95 % interval at each. <see cref="PickNode"/> is the node that shows the pick (-1: none).
/// </summary>
/// <param name="Interpolated">Whether some node lies between checkpoints, so its values are interpolated.</param>
/// <param name="PickSnapped">Whether the pick's step is not a node, so the nearest node shows the pick (off by at most half a spacing).</param>
internal sealed record ChartGrid(IReadOnlyList<double> Steps, IReadOnlyList<double> Estimate, IReadOnlyList<double> Low,
    IReadOnlyList<double> High, int PickNode, bool Interpolated, bool PickSnapped)
{
    public double First => Steps[0];
    public double Last => Steps[^1];
}

/// <summary>
/// The Mermaid <c>xychart-beta</c> of the average curve that the PR comment shows (GitHub renders it; the HTML report draws
/// its own SVG instead). Mermaid's numeric x axis labels a few round steps, but it spaces each series' values evenly from the
/// axis minimum to its maximum: so the curve is resampled onto evenly spaced steps (<see cref="Resample"/>), and uneven
/// checkpoints land where their steps are, not where their index would put them. Four line series, in this order:
/// the pick's drop line, the upper and lower ends of the 95 % interval, and the estimate on top; their colours are
/// set explicitly (<see cref="Palette"/>) because the themes' own palettes put a pale line on GitHub's white page.
/// </summary>
internal static class MermaidChart
{
    /// <summary>The most evenly spaced steps the chart's curve has; fewer when the checkpoints' own spacing divides the span.</summary>
    public const int MaxPoints = 100;

    /// <summary>About how many intervals the drop line's series has, so that its V at the pick is near vertical (a few pixels wide).</summary>
    const int MarkerResolution = 400;

    /// <summary>The series' colours in declaration order: orange pick, grey interval ends (twice), blue estimate. Each has a
    /// contrast of at least 3:1 both on GitHub's light page (#ffffff) and on its dark one (#0d1117).</summary>
    internal static readonly string[] Palette = ["#db6d28", "#8c959f", "#8c959f", "#2f81f7"];

    /// <summary>What the colours mean, said under the chart (Mermaid's xychart draws no legend).</summary>
    internal const string Legend = "blue: estimated average · grey: its 95 % interval · orange drop line: the pick";

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The fenced Mermaid block with a caption under it, or an empty string when the curve is empty.</summary>
    public static string Render(StudyReport report)
    {
        var curve = report.Curve;
        if (curve.Count == 0) return "";
        int pickIndex = MarkdownReport.PickIndex(report);
        var grid = Resample(curve, pickIndex);
        var (lo, hi, decimals) = MarkdownReport.NiceRange(curve.Min(p => p.Low), curve.Max(p => p.High));
        int valueDecimals = Math.Max(4, decimals + 1);
        string Values(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F" + valueDecimals, C)));
        string pickName = pickIndex >= 0 ? curve[pickIndex].Name : report.Pick.Name;

        var sb = new StringBuilder();
        sb.Append("```mermaid\n");
        sb.Append("%%{init: {\"themeVariables\": {\"xyChart\": {\"plotColorPalette\": \"").Append(string.Join(", ", Palette)).Append("\"}}}}%%\n");
        sb.Append("xychart-beta\n");
        sb.Append(C, $"    title \"Estimated average by step (pick: {Text(pickName)})\"\n");
        sb.Append(C, $"    x-axis \"step\" {Number(grid.First)} --> {Number(grid.Last)}\n");
        sb.Append(C, $"    y-axis \"estimated average\" {lo.ToString("F" + decimals, C)} --> {hi.ToString("F" + decimals, C)}\n");
        sb.Append("    line [").Append(Values(DropLine(grid, lo))).Append("]\n");
        sb.Append("    line [").Append(Values(grid.High)).Append("]\n");
        sb.Append("    line [").Append(Values(grid.Low)).Append("]\n");
        sb.Append("    line [").Append(Values(grid.Estimate)).Append("]\n");
        sb.Append("```\n\n");
        sb.Append(Caption(grid, pickIndex >= 0 ? curve[pickIndex] : null, curve.Count));
        return sb.ToString();
    }

    /// <summary>The legend, the pick, and how the curve was sampled, so that nobody has to guess what the picture shows.</summary>
    static string Caption(ChartGrid grid, CurvePoint? pick, int checkpoints)
    {
        var sb = new StringBuilder($"<sub>{Legend}");
        if (pick is not null)
            sb.Append(C, $" ({MarkdownReport.Inline(pick.Name)}, step {pick.Step.ToString(C)}, {MarkdownReport.Score(pick.Estimate)})");
        sb.Append(C, $". The curve of {checkpoints.ToString("N0", C)} checkpoints is drawn at ");
        sb.Append(C, $"{grid.Steps.Count.ToString(C)} evenly spaced steps from {Number(grid.First)} to {Number(grid.Last)}");
        if (grid.Interpolated) sb.Append(", interpolated linearly between checkpoints");
        if (grid.PickSnapped) sb.Append(C, $"; the pick is drawn at step {Number(grid.Steps[grid.PickNode])}, the nearest of them");
        return sb.Append(".</sub>\n").ToString();
    }

    /// <summary>
    /// The curve on evenly spaced steps from the first checkpoint's to the last's. The spacing is a multiple of the
    /// checkpoints' common step (the greatest common divisor of their differences) when one fits in
    /// <paramref name="maxPoints"/>, preferring one that puts the pick on a node: then every node on a checkpoint shows it
    /// exactly (evenly spaced checkpoints are shown as they are, or every k-th of them). Nodes between checkpoints are
    /// interpolated linearly, as a line chart joins its points anyway. Where the pick still falls between nodes, the
    /// nearest node shows the pick's own values, so the chart's peak is never shaved off by the sampling.
    /// </summary>
    internal static ChartGrid Resample(IReadOnlyList<CurvePoint> curve, int pickIndex, int maxPoints = MaxPoints)
    {
        if (curve.Count == 0) throw new ArgumentException("an empty curve has no chart", nameof(curve));
        if (maxPoints < 3) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "at least 3");
        long first = curve[0].Step, last = curve[^1].Step, span = last - first;
        if (span <= 0)
        {
            // One step only: a flat line across a span of two, with the checkpoint in the middle.
            var p = curve[Math.Max(0, pickIndex)];
            return new ChartGrid([first - 1, first, first + 1], [p.Estimate, p.Estimate, p.Estimate], [p.Low, p.Low, p.Low],
                [p.High, p.High, p.High], pickIndex >= 0 ? 1 : -1, Interpolated: false, PickSnapped: false);
        }

        int intervals = Intervals(curve, pickIndex >= 0 ? curve[pickIndex].Step - first : 0, maxPoints - 1);
        var steps = Enumerable.Range(0, intervals + 1)
            .Select(k => k == intervals ? last : first + (double)span * k / intervals).ToArray();
        var estimate = new double[steps.Length];
        var low = new double[steps.Length];
        var high = new double[steps.Length];
        bool interpolated = false;
        for (int k = 0; k < steps.Length; k++)
        {
            var (i, t) = Bracket(curve, steps[k]);
            interpolated |= t > 0;
            var a = curve[i];
            var b = t > 0 ? curve[i + 1] : a;
            estimate[k] = a.Estimate + t * (b.Estimate - a.Estimate);
            low[k] = a.Low + t * (b.Low - a.Low);
            high[k] = a.High + t * (b.High - a.High);
        }

        if (pickIndex < 0) return new ChartGrid(steps, estimate, low, high, -1, interpolated, PickSnapped: false);
        var pick = curve[pickIndex];
        int pickNode = (int)Math.Round((pick.Step - first) * (double)intervals / span);
        bool snapped = steps[pickNode] != pick.Step;
        if (snapped) (estimate[pickNode], low[pickNode], high[pickNode]) = (pick.Estimate, pick.Low, pick.High);
        return new ChartGrid(steps, estimate, low, high, pickNode, interpolated, snapped);
    }

    /// <summary>
    /// How many intervals the grid has: every common step when they are few enough; else the most, down to half of
    /// <paramref name="maxIntervals"/>, that divide the span into whole common steps, the pick's offset among them if any;
    /// else <paramref name="maxIntervals"/> (nodes between checkpoints).
    /// </summary>
    static int Intervals(IReadOnlyList<CurvePoint> curve, long pickOffset, int maxIntervals)
    {
        long unit = 0;
        for (int i = 1; i < curve.Count; i++) unit = Gcd(unit, curve[i].Step - curve[i - 1].Step);
        long units = (curve[^1].Step - curve[0].Step) / unit;
        if (units <= maxIntervals) return (int)units;
        int? anyDivisor = null;
        for (int n = maxIntervals; n >= (maxIntervals + 1) / 2; n--)
        {
            if (units % n != 0) continue;
            long unitsPerNode = units / n;
            if (pickOffset / unit % unitsPerNode == 0) return n;
            anyDivisor ??= n;
        }
        return anyDivisor ?? maxIntervals;
    }

    /// <summary>The drop line's series on a finer grid: along the drawn estimate (hidden under it) but down to the axis
    /// minimum at the pick's node, which reads as a vertical line from the curve to the pick's step on the axis (no pick: no drop).</summary>
    internal static IReadOnlyList<double> DropLine(ChartGrid grid, double axisMinimum)
    {
        int intervals = grid.Steps.Count - 1;
        int refine = Math.Max(1, (int)Math.Ceiling(MarkerResolution / (double)intervals));
        var values = new double[intervals * refine + 1];
        for (int f = 0; f < values.Length; f++)
        {
            int k = Math.Min(f / refine, intervals - 1);
            double t = (f - k * refine) / (double)refine;
            values[f] = grid.Estimate[k] + t * (grid.Estimate[k + 1] - grid.Estimate[k]);
        }
        if (grid.PickNode >= 0) values[grid.PickNode * refine] = axisMinimum;
        return values;
    }

    /// <summary>The checkpoint at or just before <paramref name="step"/> and how far (0 to 1) the step is towards the next one.</summary>
    static (int Index, double Fraction) Bracket(IReadOnlyList<CurvePoint> curve, double step)
    {
        int lo = 0, hi = curve.Count - 1;
        if (step >= curve[hi].Step) return (hi, 0);
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (curve[mid].Step <= step) lo = mid; else hi = mid;
        }
        if (curve[lo].Step >= step) return (lo, 0);
        return (lo, (step - curve[lo].Step) / (double)(curve[hi].Step - curve[lo].Step));
    }

    static long Gcd(long a, long b)
    {
        a = Math.Abs(a); b = Math.Abs(b);
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    /// <summary>A step on the axis or in the caption: whole steps as integers, a fractional node to one decimal.</summary>
    static string Number(double step) => step.ToString(step == Math.Floor(step) ? "0" : "0.0", C);

    /// <summary>A user string inside a Mermaid quoted string: no quotes, backticks, angle brackets or line breaks.</summary>
    internal static string Text(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char ch in text)
            sb.Append(ch switch
            {
                '"' or '`' => '\'',
                '<' => '‹',
                '>' => '›',
                '\\' => '/',
                _ when char.IsControl(ch) => ' ',
                _ => ch,
            });
        var s = sb.ToString().Trim();
        return s.Length <= 80 ? s : s[..(char.IsHighSurrogate(s[78]) ? 78 : 79)] + "…";
    }
}

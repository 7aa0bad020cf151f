using System.Globalization;
using System.Text;
using Markdig;

namespace Bomax.Cli.Reports;

/// <summary>
/// The self-contained <c>report.html</c>: the Markdown report converted with Markdig, with the Mermaid
/// chart (which needs a script) replaced by two inline SVG charts: the estimated average across steps
/// with its 95 % band, evaluated checkpoints and the pick; and the checkpoint × benchmark map. Every curve point and
/// map cell has an SVG <c>&lt;title&gt;</c>, which browsers show as a tooltip (no script needed). No
/// scripts, fonts, stylesheets or images are loaded from anywhere; every user string is HTML-escaped.
/// </summary>
internal static class HtmlReport
{
    /// <summary>The most columns the checkpoint × benchmark map draws; more checkpoints are averaged into bins.</summary>
    public const int MaxMapColumns = 250;

    /// <summary>The most tooltips the map carries (each costs about 150 bytes); a larger map's tooltips each cover a few
    /// neighbouring columns of one row.</summary>
    public const int MaxMapTooltips = 5_000;

    static readonly CultureInfo C = CultureInfo.InvariantCulture;
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    const string Css = """
        :root { color-scheme: light; }
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #fff; max-width: 1000px; margin: 24px auto; padding: 0 16px; }
        h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
        h3 { font-size: 1.3em; margin-bottom: .3em; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid #d0d7de; padding: 4px 10px; }
        th { background: #f6f8fa; }
        tr:nth-child(2n) td { background: #fbfcfd; }
        details { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; margin: 16px 0; }
        summary { cursor: pointer; font-weight: 600; }
        svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0 20px; }
        svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1f2328; }
        code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
        """;

    public static string Render(StudyReport report)
    {
        string markdown = MarkdownReport.Render(report, forHtml: true);
        string body = Markdown.ToHtml(markdown, Pipeline);
        string charts = CurveSvg(report) + "\n<h4 id=\"checkpoint-benchmark-map\">Checkpoint × benchmark map</h4>\n" + MapSvg(report) + "\n";
        int at = body.IndexOf(MarkdownReport.ChartsPlaceholder, StringComparison.Ordinal);
        body = at >= 0
            ? body[..at] + charts + body[(at + MarkdownReport.ChartsPlaceholder.Length)..]
            : body + charts;

        var html = new StringBuilder(body.Length + 4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>Bomax.Ci report: ").Append(E(report.Study)).Append("</title>\n");
        html.Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n<main>\n");
        html.Append(body);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    // ---- (a) the average curve ----

    internal static string CurveSvg(StudyReport report)
    {
        const double W = 960, H = 420, Left = 72, Right = 28, Top = 58, Bottom = 58;
        double pw = W - Left - Right, ph = H - Top - Bottom;
        var curve = report.Curve;
        var svg = new StringBuilder();
        string pickName = curve.FirstOrDefault(p => p.IsPick)?.Name ?? report.Pick.Name;
        svg.Append(C, $"<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" "
            + $"aria-labelledby=\"curve-title curve-desc\">\n");
        svg.Append(C, $"<title id=\"curve-title\">Estimated average by step for {E(report.Study)}</title>\n");
        svg.Append(C, $"<desc id=\"curve-desc\">Estimated weighted average of {curve.Count.ToString(C)} checkpoints with its 95 % interval; "
            + $"the pick is {E(pickName)} at {MarkdownReport.Score(report.Pick.Estimate)}.</desc>\n");
        svg.Append(C, $"<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#fff\"/>\n");
        if (curve.Count == 0)
        {
            svg.Append(C, $"<text x=\"{W / 2}\" y=\"{H / 2}\" text-anchor=\"middle\">No checkpoints</text>\n</svg>");
            return svg.ToString();
        }

        double xMin = curve.Min(p => (double)p.Step), xMax = curve.Max(p => (double)p.Step);
        if (xMax <= xMin) { xMin -= 1; xMax += 1; }
        double yMin = curve.Min(p => p.Low), yMax = curve.Max(p => p.High);
        var yTicks = NiceTicks(yMin, yMax, 6);
        double y0 = Math.Min(yMin, yTicks[0]), y1 = Math.Max(yMax, yTicks[^1]);
        if (y1 <= y0) { y0 -= 0.5; y1 += 0.5; }
        double X(double step) => Left + (step - xMin) / (xMax - xMin) * pw;
        double Y(double v) => Top + (1 - (v - y0) / (y1 - y0)) * ph;

        // Grid and axes.
        int yDecimals = Decimals(yTicks);
        foreach (var t in yTicks)
        {
            svg.Append(C, $"<line x1=\"{F(Left)}\" x2=\"{F(Left + pw)}\" y1=\"{F(Y(t))}\" y2=\"{F(Y(t))}\" stroke=\"#eaeef2\"/>");
            svg.Append(C, $"<text x=\"{F(Left - 8)}\" y=\"{F(Y(t) + 4)}\" text-anchor=\"end\" "
                + $"font-size=\"12\">{t.ToString("F" + yDecimals, C)}</text>\n");
        }
        var xTicks = NiceTicks(xMin, xMax, Math.Max(2, (int)(pw / 95))).Where(t => t >= xMin - 1e-9 && t <= xMax + 1e-9).ToList();
        foreach (var t in xTicks)
        {
            svg.Append(C, $"<line x1=\"{F(X(t))}\" x2=\"{F(X(t))}\" y1=\"{F(Top + ph)}\" y2=\"{F(Top + ph + 5)}\" stroke=\"#57606a\"/>");
            svg.Append(C, $"<text x=\"{F(X(t))}\" y=\"{F(Top + ph + 20)}\" text-anchor=\"middle\" font-size=\"12\">{StepLabel(t)}</text>\n");
        }
        svg.Append(C, $"<line x1=\"{F(Left)}\" x2=\"{F(Left)}\" y1=\"{F(Top)}\" y2=\"{F(Top + ph)}\" stroke=\"#57606a\"/>");
        svg.Append(C, $"<line x1=\"{F(Left)}\" x2=\"{F(Left + pw)}\" y1=\"{F(Top + ph)}\" y2=\"{F(Top + ph)}\" stroke=\"#57606a\"/>\n");
        svg.Append(C, $"<text x=\"{F(Left + pw / 2)}\" y=\"{F(H - 12)}\" text-anchor=\"middle\" font-size=\"13\">checkpoint step</text>\n");
        svg.Append(C, $"<text transform=\"translate(16 {F(Top + ph / 2)}) rotate(-90)\" text-anchor=\"middle\" "
            + $"font-size=\"13\">estimated weighted average</text>\n");

        // The 95 % band, then the estimate.
        var band = new StringBuilder();
        foreach (var p in curve) band.Append(F(X(p.Step))).Append(',').Append(F(Y(p.High))).Append(' ');
        for (int i = curve.Count - 1; i >= 0; i--) band.Append(F(X(curve[i].Step))).Append(',').Append(F(Y(curve[i].Low))).Append(' ');
        svg.Append(C, $"<polygon points=\"{band.ToString().TrimEnd()}\" fill=\"#6baed6\" fill-opacity=\"0.45\" stroke=\"#6baed6\" "
            + $"stroke-opacity=\"0.6\" stroke-width=\"0.8\"/>\n");

        // Evaluated checkpoints: size and colour by the share of benchmarks evaluated.
        int benchmarks = Math.Max(1, report.BenchmarkCount);
        // Where checkpoints are dense the smallest marks shrink, so that the line stays visible between them.
        double baseRadius = Math.Clamp(pw / curve.Count * 0.45, 1.1, 2.2);
        svg.Append("<g stroke=\"#fff\" stroke-width=\"0.5\">");
        foreach (var p in curve.Where(p => p.BenchmarksEvaluated > 0 && !p.IsPick))
        {
            double share = Math.Clamp(p.BenchmarksEvaluated / (double)benchmarks, 0, 1);
            svg.Append(C, $"<circle cx=\"{F(X(p.Step))}\" cy=\"{F(Y(p.Estimate))}\" r=\"{F(baseRadius + 4.2 * Math.Sqrt(share))}\" "
                + $"fill=\"{Mix("#a1d99b", "#00441b", share)}\"/>");
        }
        svg.Append("</g>\n");
        var line = string.Join(" ", curve.Select(p => $"{F(X(p.Step))},{F(Y(p.Estimate))}"));
        svg.Append(C, $"<polyline points=\"{line}\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"{(curve.Count > 200 ? "1.4" : "1.8")}\" "
            + $"stroke-linejoin=\"round\"/>\n");

        // The pick.
        var pick = curve.FirstOrDefault(p => p.IsPick);
        if (pick is not null)
        {
            double px = X(pick.Step), py = Y(pick.Estimate);
            svg.Append(C, $"<line x1=\"{F(px)}\" x2=\"{F(px)}\" y1=\"{F(Top)}\" y2=\"{F(Top + ph)}\" stroke=\"#d62728\" stroke-dasharray=\"4 3\" "
                + $"stroke-width=\"1.2\"/>");
            svg.Append(C, $"<line x1=\"{F(px)}\" x2=\"{F(px)}\" y1=\"{F(Y(pick.Low))}\" y2=\"{F(Y(pick.High))}\" stroke=\"#d62728\" "
                + $"stroke-width=\"2.5\"/>");
            svg.Append(C, $"<circle cx=\"{F(px)}\" cy=\"{F(py)}\" r=\"6.5\" fill=\"#d62728\" stroke=\"#fff\" stroke-width=\"1.5\"/>\n");
            bool right = px < Left + pw * 0.62;
            string label = $"{Shorten(pick.Name, 40)} · {MarkdownReport.Score(pick.Estimate)} (step {pick.Step.ToString(C)})";
            svg.Append(C, $"<text x=\"{F(right ? px + 8 : px - 8)}\" y=\"{F(Top - 8)}\" text-anchor=\"{(right ? "start" : "end")}\" font-size=\"13\" "
                + $"font-weight=\"600\" fill=\"#b31b1b\" style=\"fill:#b31b1b\">▼ pick: {E(label)}</text>\n");
        }

        // Tooltips: each checkpoint owns the plot's full height between the midpoints to its neighbours, so a pointer anywhere
        // above or below the line names the nearest checkpoint; painted (so they catch the pointer) but transparent.
        svg.Append("<g class=\"tips\" fill=\"#fff\" fill-opacity=\"0\">");
        for (int i = 0; i < curve.Count; i++)
        {
            double from = i == 0 ? Left : (X(curve[i - 1].Step) + X(curve[i].Step)) / 2;
            double to = i == curve.Count - 1 ? Left + pw : (X(curve[i].Step) + X(curve[i + 1].Step)) / 2;
            svg.Append(C, $"<rect x=\"{F(from)}\" y=\"{F(Top)}\" width=\"{F(Math.Max(0, to - from))}\" height=\"{F(ph)}\">");
            svg.Append(C, $"<title>{E(PointTip(curve[i], report.BenchmarkCount))}</title></rect>");
        }
        svg.Append("</g>\n");

        // Legend, above the plot, laid out by an estimate of each label's width.
        double ly = 18, lx = Left;
        svg.Append("<g font-size=\"12\">");
        svg.Append(C, $"<rect x=\"{F(lx)}\" y=\"{F(ly - 9)}\" width=\"22\" height=\"12\" "
            + $"fill=\"#6baed6\" fill-opacity=\"0.45\" stroke=\"#6baed6\"/>");
        lx = LegendText(svg, lx + 28, ly, "95 % interval");
        svg.Append(C, $"<line x1=\"{F(lx)}\" x2=\"{F(lx + 22)}\" y1=\"{F(ly - 3)}\" y2=\"{F(ly - 3)}\" stroke=\"#08519c\" stroke-width=\"2\"/>");
        lx = LegendText(svg, lx + 28, ly, "estimate");
        svg.Append(C, $"<circle cx=\"{F(lx + 3)}\" cy=\"{F(ly - 3)}\" r=\"2.4\" fill=\"#a1d99b\"/>");
        svg.Append(C, $"<circle cx=\"{F(lx + 16)}\" cy=\"{F(ly - 3)}\" r=\"6\" fill=\"#00441b\"/>");
        lx = LegendText(svg, lx + 28, ly, $"evaluated checkpoint (size, colour: few → all {report.BenchmarkCount.ToString(C)} benchmarks)");
        svg.Append(C, $"<circle cx=\"{F(lx + 5)}\" cy=\"{F(ly - 3)}\" r=\"5.5\" fill=\"#d62728\"/>");
        LegendText(svg, lx + 15, ly, "pick");
        svg.Append("</g>\n");
        svg.Append("</svg>");
        return svg.ToString();
    }

    // ---- (b) the checkpoint × benchmark map ----

    internal static string MapSvg(StudyReport report)
    {
        int rows = report.BenchmarkNames.Count, checkpoints = report.Curve.Count;
        var svg = new StringBuilder();
        const double W = 960;
        if (rows == 0 || checkpoints == 0)
        {
            svg.Append(C, $"<svg class=\"chart\" viewBox=\"0 0 {W} 60\" width=\"{W}\" height=\"60\" role=\"img\" aria-labelledby=\"map-title\">");
            svg.Append(C, $"<title id=\"map-title\">Checkpoint × benchmark map for {E(report.Study)}</title><text x=\"10\" "
                + $"y=\"30\">No cells</text></svg>");
            return svg.ToString();
        }

        int cols = Math.Min(checkpoints, MaxMapColumns);
        int Bin(int checkpoint) => (int)((long)checkpoint * cols / checkpoints);
        var sum = new double[rows, cols];
        var count = new int[rows, cols];
        var observed = new bool[rows, cols];
        var failed = new bool[rows, cols];
        foreach (var c in report.Cells)
        {
            if (c.Benchmark < 0 || c.Benchmark >= rows || c.Checkpoint < 0 || c.Checkpoint >= checkpoints) continue;
            int b = Bin(c.Checkpoint);
            if (double.IsFinite(c.Estimate)) { sum[c.Benchmark, b] += c.Estimate; count[c.Benchmark, b]++; }
            observed[c.Benchmark, b] |= c.Observed;
            failed[c.Benchmark, b] |= c.Failed;
        }

        // Geometry.
        int longest = report.BenchmarkNames.Max(n => Math.Min(n.Length, 32));
        double left = Math.Clamp(longest * 6.8 + 14, 70, 240), right = 20, top = 58, bottom = 52;
        double mapW = W - left - right;
        double rowH = Math.Clamp(Math.Floor(560.0 / rows), 3, 26);
        double mapH = rows * rowH;
        double H = top + mapH + bottom;
        double colW = mapW / cols;

        svg.Append(C, $"<svg class=\"chart\" viewBox=\"0 0 {W} {F(H)}\" width=\"{W}\" height=\"{F(H)}\" role=\"img\" "
            + $"aria-labelledby=\"map-title map-desc\">\n");
        svg.Append(C, $"<title id=\"map-title\">Checkpoint × benchmark map for {E(report.Study)}</title>\n");
        svg.Append(C, $"<desc id=\"map-desc\">Estimated score of each of {rows.ToString(C)} benchmarks (rows) "
            + $"at each of {checkpoints.ToString(C)} checkpoints (columns{(cols < checkpoints ? $", averaged into {cols.ToString(C)} bins" : "")}); "
            + $"each row coloured from its own minimum to its maximum; evaluated cells dotted, failed cells outlined in red.</desc>\n");
        svg.Append(C, $"<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{F(H)}\" fill=\"#fff\"/>\n");

        // Cells: one path per colour level, horizontal runs of a level merged, in cell units.
        const int Levels = 24;
        var palette = Enumerable.Range(0, Levels).Select(i => Viridis(i / (double)(Levels - 1))).ToArray();
        var paths = new StringBuilder[Levels];
        for (int i = 0; i < Levels; i++) paths[i] = new StringBuilder();
        var empty = new StringBuilder();
        var level = new int[cols];
        for (int j = 0; j < rows; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int b = 0; b < cols; b++)
                if (count[j, b] > 0) { double v = sum[j, b] / count[j, b]; lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            for (int b = 0; b < cols; b++)
            {
                if (count[j, b] == 0) { level[b] = -1; continue; }
                double v = sum[j, b] / count[j, b];
                double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
                level[b] = Math.Clamp((int)Math.Round(t * (Levels - 1)), 0, Levels - 1);
            }
            for (int b = 0; b < cols;)
            {
                int e = b;
                while (e + 1 < cols && level[e + 1] == level[b]) e++;
                int len = e - b + 1;
                var target = level[b] < 0 ? empty : paths[level[b]];
                target.Append('M').Append(b.ToString(C)).Append(' ').Append(j.ToString(C))
                    .Append('h').Append(len.ToString(C)).Append("v1h-").Append(len.ToString(C)).Append('z');
                b = e + 1;
            }
        }
        svg.Append(C, $"<svg x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(mapW)}\" height=\"{F(mapH)}\" "
            + $"viewBox=\"0 0 {cols.ToString(C)} {rows.ToString(C)}\" preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\">\n");
        for (int i = 0; i < Levels; i++)
            if (paths[i].Length > 0) svg.Append(C, $"<path fill=\"{palette[i]}\" d=\"{paths[i]}\"/>\n");
        if (empty.Length > 0) svg.Append(C, $"<path fill=\"#eaeef2\" d=\"{empty}\"/>\n");

        // Evaluated cells: a dark-ringed white dot (visible on any colour); failed cells: a red outline.
        double dot = Math.Clamp(Math.Min(colW, rowH) * 0.55, 1.6, 7);
        var dots = new StringBuilder();
        var fails = new StringBuilder();
        for (int j = 0; j < rows; j++)
            for (int b = 0; b < cols; b++)
            {
                if (failed[j, b]) fails.Append('M').Append(b.ToString(C)).Append(' ').Append(j.ToString(C)).Append("h1v1h-1z");
                else if (observed[j, b]) dots.Append('M').Append((b + 0.5).ToString(C)).Append(' ').Append((j + 0.5).ToString(C)).Append("h0");
            }
        if (dots.Length > 0)
        {
            svg.Append(C, $"<path d=\"{dots}\" fill=\"none\" stroke=\"#111\" stroke-width=\"{F(dot)}\" stroke-linecap=\"round\" "
                + $"vector-effect=\"non-scaling-stroke\" shape-rendering=\"auto\"/>\n");
            if (dot >= 3)
                svg.Append(C, $"<path d=\"{dots}\" fill=\"none\" stroke=\"#fff\" stroke-width=\"{F(dot * 0.5)}\" stroke-linecap=\"round\" "
                    + $"vector-effect=\"non-scaling-stroke\" shape-rendering=\"auto\"/>\n");
        }
        if (fails.Length > 0)
            svg.Append(C, $"<path d=\"{fails}\" fill=\"#d62728\" fill-opacity=\"0.35\" stroke=\"#d62728\" "
                + $"stroke-width=\"{F(Math.Clamp(Math.Min(colW, rowH) * 0.25, 1, 2.5))}\" vector-effect=\"non-scaling-stroke\"/>\n");

        svg.Append(MapTips(report, cols, Bin));

        // The pick's column.
        int pickIndex = -1;
        for (int i = 0; i < checkpoints; i++) if (report.Curve[i].IsPick) { pickIndex = i; break; }
        int pickBin = pickIndex >= 0 ? Bin(pickIndex) : -1;
        if (pickBin >= 0)
            svg.Append(C, $"<rect x=\"{pickBin.ToString(C)}\" y=\"0\" width=\"1\" height=\"{rows.ToString(C)}\" fill=\"none\" stroke=\"#d62728\" "
                + $"stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/>\n");
        svg.Append("</svg>\n");
        svg.Append(C, $"<rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(mapW)}\" height=\"{F(mapH)}\" fill=\"none\" stroke=\"#57606a\" "
            + $"stroke-width=\"0.8\"/>\n");

        // Row labels: every row when there is room, else every k-th.
        int every = Math.Max(1, (int)Math.Ceiling(12.5 / rowH));
        double labelSize = Math.Min(12, Math.Max(9, rowH - 2));
        svg.Append(C, $"<g font-size=\"{F(labelSize)}\" text-anchor=\"end\">");
        for (int j = 0; j < rows; j += every)
            svg.Append(C, $"<text x=\"{F(left - 6)}\" "
                + $"y=\"{F(top + (j + 0.5) * rowH + labelSize * 0.35)}\">{E(Shorten(report.BenchmarkNames[j], 32))}</text>");
        svg.Append("</g>\n");

        // Column labels: round steps, at the column where the run reaches them, below the map.
        svg.Append("<g font-size=\"12\" text-anchor=\"middle\">");
        double firstStep = report.Curve[0].Step, lastStep = report.Curve[^1].Step;
        var stepTicks = lastStep > firstStep ? NiceTicks(firstStep, lastStep, Math.Clamp((int)(mapW / 90), 2, 12)) : [firstStep];
        double lastX = double.NegativeInfinity;
        foreach (double t in stepTicks)
        {
            if (t < firstStep - 1e-9 || t > lastStep + 1e-9) continue;
            int i = 0;
            while (i < checkpoints - 1 && report.Curve[i].Step < t) i++;
            double x = left + (Bin(i) + 0.5) * colW;
            string label = StepLabel(t);
            if (x - lastX < TextWidth(label, 12) + 12) continue;
            svg.Append(C, $"<line x1=\"{F(x)}\" x2=\"{F(x)}\" y1=\"{F(top + mapH)}\" y2=\"{F(top + mapH + 4)}\" stroke=\"#57606a\"/>");
            svg.Append(C, $"<text x=\"{F(x)}\" y=\"{F(top + mapH + 18)}\">{label}</text>");
            lastX = x;
        }
        svg.Append("</g>\n");
        svg.Append(C, $"<text x=\"{F(left + mapW / 2)}\" y=\"{F(H - 10)}\" text-anchor=\"middle\" font-size=\"13\">checkpoint step"
            + $"{(cols < checkpoints ? $" ({checkpoints.ToString(C)} checkpoints in {cols.ToString(C)} columns)" : "")}</text>\n");

        if (pickBin >= 0)
        {
            double x = left + (pickBin + 0.5) * colW;
            bool rightOf = x < left + mapW * 0.62;
            svg.Append(C, $"<text x=\"{F(rightOf ? x - 4 : x + 4)}\" y=\"{F(top - 6)}\" text-anchor=\"{(rightOf ? "start" : "end")}\" "
                + $"font-size=\"12\" font-weight=\"600\" fill=\"#b31b1b\" style=\"fill:#b31b1b\">▼ pick: "
                + $"{E(Shorten(report.Curve[pickIndex].Name, 40))}</text>\n");
        }

        // Legend, above the map.
        double ly = 18, lx = left;
        svg.Append("<defs><linearGradient id=\"map-scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">");
        for (int i = 0; i < 5; i++) svg.Append(C, $"<stop offset=\"{F(i / 4.0)}\" stop-color=\"{Viridis(i / 4.0)}\"/>");
        svg.Append("</linearGradient></defs>\n<g font-size=\"12\">");
        lx = LegendText(svg, lx, ly, "row min") - 10;
        svg.Append(C, $"<rect x=\"{F(lx)}\" y=\"{F(ly - 9)}\" width=\"110\" height=\"12\" fill=\"url(#map-scale)\"/>");
        lx = LegendText(svg, lx + 116, ly, "row max (estimated score)");
        svg.Append(C, $"<circle cx=\"{F(lx + 4)}\" cy=\"{F(ly - 3)}\" r=\"4\" fill=\"#fff\" stroke=\"#111\" stroke-width=\"2\"/>");
        lx = LegendText(svg, lx + 14, ly, "evaluated");
        svg.Append(C, $"<rect x=\"{F(lx)}\" y=\"{F(ly - 9)}\" width=\"12\" height=\"12\" fill=\"#d62728\" fill-opacity=\"0.35\" stroke=\"#d62728\" "
            + $"stroke-width=\"2\"/>");
        lx = LegendText(svg, lx + 18, ly, "failed");
        svg.Append(C, $"<rect x=\"{F(lx)}\" y=\"{F(ly - 9)}\" width=\"8\" height=\"12\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>");
        LegendText(svg, lx + 14, ly, "pick's column");
        svg.Append("</g>\n</svg>");
        return svg.ToString();
    }

    /// <summary>A curve point's tooltip: which checkpoint, its estimate and interval, and how much of it was observed.</summary>
    internal static string PointTip(CurvePoint p, int benchmarks) =>
        $"{p.Name} (step {p.Step.ToString(C)}): estimated average {MarkdownReport.Score(p.Estimate)}, 95 % interval "
        + $"{MarkdownReport.Score(p.Low)}–{MarkdownReport.Score(p.High)}; {p.BenchmarksEvaluated.ToString(C)} of {benchmarks.ToString(C)} "
        + $"benchmarks observed{(p.IsPick ? " (the pick)" : "")}";

    /// <summary>
    /// Transparent rectangles over the map (in its cell units), each with a <c>&lt;title&gt;</c> naming its checkpoint,
    /// benchmark and score, observed or estimated. A tooltip covers one drawn cell, or on a map of more than
    /// <see cref="MaxMapTooltips"/> cells a run of neighbouring columns in one row (its range of checkpoints and scores),
    /// which keeps <c>report.html</c> small.
    /// </summary>
    static string MapTips(StudyReport report, int cols, Func<int, int> bin)
    {
        int rows = report.BenchmarkNames.Count, checkpoints = report.Curve.Count;
        int width = (int)Math.Ceiling((double)rows * cols / MaxMapTooltips);
        int tiles = (cols + width - 1) / width;
        int Tile(int checkpoint) => bin(checkpoint) / width;
        var cells = new List<CellEstimate>[rows, tiles];
        foreach (var c in report.Cells)
        {
            if (c.Benchmark < 0 || c.Benchmark >= rows || c.Checkpoint < 0 || c.Checkpoint >= checkpoints) continue;
            (cells[c.Benchmark, Tile(c.Checkpoint)] ??= []).Add(c);
        }
        var svg = new StringBuilder();
        svg.Append("<g class=\"tips\" fill=\"#fff\" fill-opacity=\"0\">");
        for (int j = 0; j < rows; j++)
            for (int t = 0; t < tiles; t++)
            {
                if (cells[j, t] is not { Count: > 0 } tile) continue;
                int from = t * width, to = Math.Min(cols, from + width);
                svg.Append(C, $"<rect x=\"{from.ToString(C)}\" y=\"{j.ToString(C)}\" width=\"{(to - from).ToString(C)}\" height=\"1\">");
                svg.Append(C, $"<title>{E(CellTip(report, tile))}</title></rect>");
            }
        return svg.Append("</g>\n").ToString();
    }

    /// <summary>A map tooltip: one cell's checkpoint, benchmark and score (observed, estimated, or failed and estimated), or for
    /// several checkpoints of one benchmark their first and last, the range of scores and how many were observed or failed.</summary>
    internal static string CellTip(StudyReport report, IReadOnlyList<CellEstimate> cells)
    {
        string benchmark = report.BenchmarkNames[cells[0].Benchmark];
        if (cells.Count == 1)
        {
            var c = cells[0];
            var p = report.Curve[c.Checkpoint];
            string how = c.Failed ? "evaluation failed, estimated" : c.Observed ? "observed" : "estimated";
            string value = c.Failed ? $"{how} {MarkdownReport.Score(c.Estimate)}" : $"{MarkdownReport.Score(c.Estimate)} {how}";
            return $"{p.Name} (step {p.Step.ToString(C)}) · {benchmark}: {value}";
        }
        var first = report.Curve[cells.Min(c => c.Checkpoint)];
        var last = report.Curve[cells.Max(c => c.Checkpoint)];
        var finite = cells.Where(c => double.IsFinite(c.Estimate)).Select(c => c.Estimate).ToList();
        string range = finite.Count == 0 ? "no estimate" : $"{MarkdownReport.Score(finite.Min())}–{MarkdownReport.Score(finite.Max())}";
        int observed = cells.Count(c => c.Observed && !c.Failed), failed = cells.Count(c => c.Failed);
        string failures = failed > 0 ? $", {failed.ToString(C)} failed" : "";
        return $"{first.Name} … {last.Name} · {benchmark}: {range}; {observed.ToString(C)} observed{failures}, "
            + $"{(cells.Count - observed - failed).ToString(C)} estimated";
    }

    /// <summary>Writes a legend label at <paramref name="x"/>; returns where the next item may start.</summary>
    static double LegendText(StringBuilder svg, double x, double y, string text)
    {
        svg.Append(C, $"<text x=\"{F(x)}\" y=\"{F(y + 1)}\">{E(text)}</text>");
        return x + TextWidth(text, 12) + 18;
    }

    /// <summary>A generous estimate of a label's width in a sans-serif font.</summary>
    static double TextWidth(string text, double size) => text.Length * size * 0.58;

    // ---- helpers ----

    /// <summary>About <paramref name="count"/> round tick values covering [min, max].</summary>
    internal static List<double> NiceTicks(double min, double max, int count)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) return [0, 1];
        if (max < min) (min, max) = (max, min);
        if (max - min <= 0) { double pad = Math.Max(Math.Abs(max) * 0.01, 1e-3); min -= pad; max += pad; }
        double raw = (max - min) / Math.Max(1, count);
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double norm = raw / mag;
        double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
        double start = Math.Floor(min / step + 1e-9) * step, end = Math.Ceiling(max / step - 1e-9) * step;
        var ticks = new List<double>();
        for (int k = 0; start + k * step <= end + step * 1e-6 && k < 1000; k++)
            ticks.Add(Math.Round(start + k * step, 12));
        return ticks;
    }

    static int Decimals(List<double> ticks)
    {
        if (ticks.Count < 2) return 2;
        double step = Math.Abs(ticks[1] - ticks[0]);
        for (int d = 0; d <= 8; d++)
            if (Math.Abs(step * Math.Pow(10, d) - Math.Round(step * Math.Pow(10, d))) < 1e-6) return d;
        return 8;
    }

    static string StepLabel(double step)
    {
        double a = Math.Abs(step);
        if (a >= 1_000_000) return (step / 1_000_000).ToString("0.##", C) + "M";
        if (a >= 10_000) return (step / 1000).ToString("0.#", C) + "k";
        return step.ToString("0.##", C);
    }

    /// <summary>Viridis, interpolated from ten anchors.</summary>
    static string Viridis(double t)
    {
        string[] anchors = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
        t = Math.Clamp(t, 0, 1) * (anchors.Length - 1);
        int i = Math.Min((int)Math.Floor(t), anchors.Length - 2);
        return Mix(anchors[i], anchors[i + 1], t - i);
    }

    static string Mix(string a, string b, double t)
    {
        int Channel(string hex, int at) => Convert.ToInt32(hex.Substring(at, 2), 16);
        var sb = new StringBuilder("#");
        for (int at = 1; at <= 5; at += 2)
            sb.Append(((int)Math.Round(Channel(a, at) + (Channel(b, at) - Channel(a, at)) * Math.Clamp(t, 0, 1))).ToString("x2", C));
        return sb.ToString();
    }

    static string F(double v) => Math.Round(v, 1).ToString("0.#", C);

    static string E(string text) => MarkdownReport.Html(text);

    static string Shorten(string text, int max)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        if (text.Length <= max) return text;
        int cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }
}

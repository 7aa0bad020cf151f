using System.Globalization;
using System.Net;
using System.Text;
using Bomax.Cli.Study;
using Bomax.Engine.Model;
using Bomax.Engine.Selection;

namespace Bomax.Cli.Reports;

/// <summary>
/// The decision report as GitHub-flavoured Markdown: a hidden marker (to find the sticky PR comment),
/// the pick with its estimate, interval and P(best), the top checkpoints, the cost, a Mermaid chart of the
/// average curve (<see cref="MermaidChart"/>), the pick's per-benchmark scores (collapsed when long), and a
/// collapsed details block with failures, warnings, settings and provenance. Everything outside the details
/// block is a pure function of the report's numbers and names (the generation time appears only inside it),
/// so a re-run with nothing new renders the same body. It uses no emoji: where the reader's fonts lack them
/// they render as boxes; words and bold say the same.
/// </summary>
internal static class MarkdownReport
{
    /// <summary>GitHub's limit on a PR comment's body: 65536 characters (bytes are at least as many, so it is a safe byte limit too).</summary>
    public const int CommentLimit = 65536;

    /// <summary>Starts the one line that carries the generation time (inside the collapsed details), so a
    /// comparison of two reports can leave it out.</summary>
    public const string GeneratedPrefix = "- Generated: ";

    /// <summary>What <see cref="Truncate"/> appends.</summary>
    public const string TruncatedNote = "… (truncated)";

    /// <summary>Where the HTML rendering puts its SVG charts instead of the Mermaid block.</summary>
    internal const string ChartsPlaceholder = "<!-- bomax:charts -->";

    /// <summary>A table with more rows than this (the pick's per-benchmark table) is collapsed in <c>&lt;details&gt;</c>,
    /// so that a study of hundreds of benchmarks does not push the rest of the PR conversation off the screen.</summary>
    public const int MaxOpenTableRows = 20;

    const int MaxFailureRows = 100;
    const int MaxMessageLength = 300;

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The marker on the first line, by which a later run finds (and updates) its PR comment.</summary>
    public static string Marker(string study) => $"<!-- bomax:study={MarkerName(study)} -->";

    public static string Render(StudyReport report) => Render(report, forHtml: false);

    /// <summary>With <paramref name="forHtml"/>, the Mermaid block is left out and <see cref="ChartsPlaceholder"/> stands in its place.</summary>
    internal static string Render(StudyReport report, bool forHtml)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line(Marker(report.Study));
        Line($"## Bomax.Ci report: {Inline(report.Study)}");
        Line();

        var pick = report.Pick;
        Line($"### Selected **{Inline(pick.Name)}**");
        Line();
        Line($"Estimated average **{Score(pick.Estimate)}** (95 % interval {Interval(pick.Low, pick.High)}) · P(best) "
            + $"**{Probability(pick.ProbabilityBest)}** · expected shortfall {Shortfall(pick)}");
        Line();
        Line($"Step {pick.Step.ToString(C)} · {pick.BenchmarksEvaluated.ToString(C)}/{pick.BenchmarkCount.ToString(C)} benchmarks evaluated at this "
            + $"checkpoint · {report.CheckpointCount.ToString("N0", C)} checkpoints × {report.BenchmarkCount.ToString("N0", C)} benchmarks");
        Line();
        Line(Basis(report.PickBenchmarks));
        Line();
        if (NoiseBasis(report.ScoresWithStandardErrors, report.Evaluations) is { } noise)
        {
            Line(noise);
            Line();
        }
        if (report.Check is { } check)
        {
            Line(CheckSummary.Markdown(check, report.Evaluations));
            Line();
        }

        Line("#### Top checkpoints");
        Line();
        Line("| # | Checkpoint | Step | Estimate | 95 % interval | P(best) | Expected shortfall | Benchmarks evaluated |");
        Line("|---:|---|---:|---:|---|---:|---:|---:|");
        int rank = 0;
        foreach (var s in report.Top.Take(5))
        {
            rank++;
            bool isPick = s == pick || (s.Name == pick.Name && s.Step == pick.Step);
            string name = isPick ? $"**{Cell(s.Name)}** (pick)" : Cell(s.Name);
            Line($"| {rank.ToString(C)} | {name} | {s.Step.ToString(C)} | {Score(s.Estimate)} | {Interval(s.Low, s.High)} | "
                + $"{Probability(s.ProbabilityBest)} | {Shortfall(s)} | {s.BenchmarksEvaluated.ToString(C)}/{s.BenchmarkCount.ToString(C)} |");
        }
        Line();
        Line($"Ranked by {Selection.Ranking}: of two close estimates, the one resting on more evidence goes first. "
            + "Expected shortfall: how far below the best checkpoint's average each is expected to fall (its share of that average in brackets); "
            + "among near-ties every P(best) is small while the shortfall shows how little is at stake.");
        Line();

        Line("#### Cost");
        Line();
        var cost = new StringBuilder();
        cost.Append(C, $"**{report.Evaluations.ToString("N0", C)}** of {report.GridCells.ToString("N0", C)} checkpoint × benchmark evaluations "
            + $"({Percent(report.Evaluations, report.GridCells)} of the full grid)");
        cost.Append(C, $" · evaluation time **{Durations.Human(report.EvaluationSeconds)}**");
        if (report.FullGridSecondsEstimate is { } full && double.IsFinite(full))
        {
            cost.Append(C, $" · the full grid would take about **{Durations.Human(full)}**");
            if (full > report.EvaluationSeconds && full > 0)
                cost.Append(C, $" · saved about **{Durations.Human(full - report.EvaluationSeconds)}** "
                    + $"({Percent(full - report.EvaluationSeconds, full)} of the full grid's time)");
        }
        if (report.PendingPairs > 0)
            cost.Append(C, $" · **{report.PendingPairs.ToString("N0", C)}** more leased to workers, not recorded yet");
        Line(cost.ToString());
        Line();

        if (report.Prior is { } prior)
        {
            Line("#### Prior");
            Line();
            Line($"The hyperparameters (how the benchmarks move together, the curve's lengthscale, the noise) were fitted with "
                + $"{prior.Runs.Count.ToString(C)} earlier run{(prior.Runs.Count == 1 ? "" : "s")} beside this study's own evaluations, "
                + $"together weighted as {prior.Weight.ToString("0.##", C)} run:");
            Line();
            foreach (var run in prior.Runs)
                Line($"- {Inline(Path.GetFileName(run.Source))}: {run.Checkpoints.ToString("N0", C)} checkpoints, "
                    + $"{run.MatchedBenchmarks.ToString(C)} of {report.BenchmarkCount.ToString(C)} benchmarks, "
                    + $"{run.Scores.ToString("N0", C)} scores");
            Line();
            if (PriorCheckLine(prior.Check) is { } checkLine)
            {
                Line(checkLine);
                Line();
            }
            Line(prior.SamePick
                ? $"Without them this study's evaluations name the same checkpoint (P(best) {Probability(prior.ProbabilityBestWithout)}): "
                    + "the pick does not rest on the prior."
                : $"Without them this study's evaluations would name **{Cell(prior.PickWithout)}** (step {prior.StepWithout.ToString(C)}, "
                    + $"P(best) {Probability(prior.ProbabilityBestWithout)}): the pick rests on what the earlier runs say.");
            Line();
        }

        Line("#### Estimated average by step");
        Line();
        if (forHtml)
            Line(ChartsPlaceholder);
        else
            md.Append(MermaidChart.Render(report));
        Line();

        Line($"#### {Inline(pick.Name)} by benchmark");
        Line();
        int pickIndex = PickIndex(report);
        var failedAtPick = report.Cells.Where(c => c.Checkpoint == pickIndex && c.Failed).Select(c => c.Benchmark).ToHashSet();
        bool collapse = report.PickBenchmarks.Count > MaxOpenTableRows;
        if (collapse)
        {
            int observedCount = report.PickBenchmarks.Count(b => b.Observed is not null);
            Line($"<details><summary>{report.PickBenchmarks.Count.ToString("N0", C)} benchmarks: {observedCount.ToString("N0", C)} observed, "
                + $"{(report.PickBenchmarks.Count - observedCount).ToString("N0", C)} predicted</summary>");
            // GitHub renders Markdown inside <details> only after a blank line.
            Line();
        }
        Line("| Benchmark | Weight | Score | Source |");
        Line("|---|---:|---:|---|");
        for (int j = 0; j < report.PickBenchmarks.Count; j++)
        {
            var b = report.PickBenchmarks[j];
            string weight = b.Weight.ToString("0.###", C);
            string name = Cell(b.Name) + (b.Goal == Study.ScoreGoal.Minimize ? " ↓ lower is better" : "");
            if (b.Observed is { } observed)
                Line($"| {name} | {weight} | {Score(observed)} | observed |");
            else
            {
                string source = failedAtPick.Contains(j) ? "predicted (evaluation failed)" : "predicted";
                Line($"| {name} | {weight} | {Score(b.Predicted)} ± {Score((b.High - b.Low) / 2)} | {source} |");
            }
        }
        Line();
        if (collapse)
        {
            Line("</details>");
            Line();
        }
        var minimised = report.PickBenchmarks.Where(b => b.Goal == Study.ScoreGoal.Minimize).Select(b => Inline(b.Name)).ToList();
        if (minimised.Count > 0)
        {
            Line($"Lower is better for {string.Join(", ", minimised)}: "
                + $"{(minimised.Count == 1 ? "its scores enter" : "their scores enter")} the weighted average "
                + "with the sign changed (− score × weight), so a higher average is better throughout; "
                + "the scores above are as the metric states them.");
            Line();
        }

        int failures = report.Failures.Count, warnings = report.Warnings.Count;
        if (failures > 0 || warnings > 0)
        {
            var parts = new List<string>();
            if (failures > 0) parts.Add(failures == 1 ? "1 evaluation failed" : $"{failures.ToString("N0", C)} evaluations failed");
            if (warnings > 0) parts.Add(warnings == 1 ? "1 warning" : $"{warnings.ToString("N0", C)} warnings");
            Line($"**Warning:** {string.Join(" · ", parts)} (see Details)");
            Line();
        }

        Line("<details><summary>Details</summary>");
        Line();
        if (failures > 0)
        {
            Line("#### Failed evaluations");
            Line();
            Line("| Checkpoint | Benchmark | Exit code | Message |");
            Line("|---|---|---:|---|");
            foreach (var f in report.Failures.Take(MaxFailureRows))
                Line($"| {Cell(f.Checkpoint)} | {Cell(f.Benchmark)} | {(f.ExitCode is { } code ? code.ToString(C) : "–")} | "
                    + $"{Cell(Shorten(f.Message, MaxMessageLength))} |");
            if (failures > MaxFailureRows)
            {
                Line();
                Line($"… and {(failures - MaxFailureRows).ToString("N0", C)} more failed evaluations (see the journal).");
            }
            Line();
        }

        var thin = ThinBenchmarks(report).Where(name => !report.Warnings.Any(w => w.Contains(name, StringComparison.Ordinal))).ToList();
        if (warnings > 0 || thin.Count > 0)
        {
            Line("#### Warnings");
            Line();
            foreach (var w in report.Warnings)
                Line($"- {Inline(w)}");
            foreach (var name in thin)
                Line($"- benchmark {Inline(name)} has fewer than 2 observations: its scores rest on the other benchmarks");
            Line();
        }

        if (report.EngineSettings.Count > 0)
        {
            Line("#### Engine settings");
            Line();
            Line("| Setting | Value |");
            Line("|---|---|");
            foreach (var kv in report.EngineSettings)
                Line($"| {Cell(kv.Key)} | {Cell(kv.Value)} |");
            Line();
        }

        Line("#### Provenance");
        Line();
        Line($"- Tool: {Inline(report.ToolVersion)}");
        Line($"- Spec: {Inline(report.SpecPath)}");
        Line($"- Journal: {Inline(report.JournalPath)}");
        Line($"{GeneratedPrefix}{report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", C)} UTC");
        Line();
        Line("</details>");
        return md.ToString();
    }

    /// <summary>
    /// How much of the pick's estimate rests on observations and how much on the model: the share of the
    /// average's weight carried by benchmarks actually evaluated at that checkpoint.
    /// </summary>
    public static string Basis(IReadOnlyList<BenchmarkRow> pickBenchmarks)
    {
        double total = pickBenchmarks.Sum(b => b.Weight);
        double observed = pickBenchmarks.Where(b => b.Observed is not null).Sum(b => b.Weight);
        double share = total > 0 ? observed / total : 0;
        if (share >= 1) return "The estimate rests entirely on observed scores: every benchmark was evaluated at this checkpoint.";
        // Whole percents that add up to 100 (3/8 is 38 % and 62 %, not 38 % and 63 %), and neither part shown as 0 or 100 % while it is not.
        int onScores = share <= 0 ? 0 : (int)Math.Clamp(Math.Round(100 * share, MidpointRounding.AwayFromZero), 1, 99);
        return $"**{onScores.ToString(C)} %** of the estimate's weight rests on observed scores; "
            + $"**{(100 - onScores).ToString(C)} %** is the model's prediction for benchmarks not evaluated at this checkpoint.";
    }

    /// <summary>What one noise variance for every benchmark risks, and where a score's standard error comes from: the report's
    /// <see cref="NoiseBasis"/> and <c>bomax check</c>'s note say it alike.</summary>
    internal const string OneNoiseVarianceRisk = "where benchmarks are noisy by different amounts, P(best) and the stop rules can read too "
        + "sure. lm-eval reports one with each score (`eval.score: lm-eval: METRIC` records it; `bomax record --stderr` takes a worker's).";

    /// <summary>
    /// Where the noise of the scores comes from: the standard errors the evaluations reported with <paramref name="withErrors"/> of
    /// the <paramref name="scores"/>, or one noise variance the model fits for every benchmark. Without errors a benchmark noisier
    /// than the rest is read as quieter than it is, and P(best) and the stop rules read too sure (docs/measurements.md#benchmark-noise:
    /// on synthetic runs stated 0.5–0.9, the best 44 % of the time, 70 % told the errors); null when there are no scores.
    /// </summary>
    public static string? NoiseBasis(int withErrors, int scores)
    {
        if (scores <= 0) return null;
        if (withErrors >= scores)
            return "Every score came with its standard error, which counts as its noise; a benchmark not yet evaluated at a checkpoint "
                + "carries the noise reported for it.";
        if (withErrors <= 0)
            return $"No score came with a standard error, so the model fits one noise variance for every benchmark: {OneNoiseVarianceRisk}";
        return $"**{withErrors.ToString("N0", C)}** of {scores.ToString("N0", C)} scores came with a standard error, which counts as "
            + "their noise; the others share one noise variance the model fits for every benchmark.";
    }

    /// <summary>
    /// Cuts <paramref name="markdown"/> at a line boundary so that it, with whatever closes an open code
    /// fence and <c>&lt;details&gt;</c> and the note <see cref="TruncatedNote"/>, fits in
    /// <paramref name="maxBytes"/> UTF-8 bytes. A cut inside a Mermaid block drops the partial block
    /// (a closed but partial chart would only render as an error). Text that fits is returned unchanged.
    /// </summary>
    public static string Truncate(string markdown, int maxBytes)
    {
        var utf8 = Encoding.UTF8;
        if (utf8.GetByteCount(markdown) <= maxBytes) return markdown;

        var lines = SplitLines(markdown);
        var fences = MarkdownFences.Of(markdown);
        // Before each line: the bytes kept so far and how many <details> are open (outside fences).
        var bytesBefore = new int[lines.Count + 1];
        var detailsBefore = new int[lines.Count + 1];
        for (int i = 0; i < lines.Count; i++)
        {
            string trimmed = lines[i].TrimEnd('\n', '\r').TrimStart(' ');
            bytesBefore[i + 1] = bytesBefore[i] + utf8.GetByteCount(lines[i]) + (lines[i].EndsWith('\n') ? 0 : 1);
            detailsBefore[i + 1] = fences.Inside(i) ? detailsBefore[i]
                : Math.Max(0, detailsBefore[i] + CountOf(trimmed, "<details") - CountOf(trimmed, "</details>"));
        }
        int bestLines = 0;
        string bestClosing = Closing(null, 0);
        if (utf8.GetByteCount(bestClosing) > maxBytes) return "";
        for (int i = 0; i < lines.Count; i++)
        {
            var open = fences.OpenAfter(i);
            int prefixLines, prefixBytes;
            string closing;
            if (open is not null && open.Info.StartsWith("mermaid", StringComparison.OrdinalIgnoreCase))
            {
                // A partial chart would only render as an error: cut before its fence.
                (prefixLines, prefixBytes, closing) = (open.FirstLine, bytesBefore[open.FirstLine], Closing(null, detailsBefore[open.FirstLine]));
            }
            else
                (prefixLines, prefixBytes, closing) = (i + 1, bytesBefore[i + 1], Closing(open?.Marker, detailsBefore[i + 1]));
            if (prefixBytes + utf8.GetByteCount(closing) > maxBytes) break;
            (bestLines, bestClosing) = (prefixLines, closing);
        }

        var sb = new StringBuilder();
        for (int i = 0; i < bestLines; i++)
        {
            sb.Append(lines[i]);
            if (!lines[i].EndsWith('\n')) sb.Append('\n');
        }
        return sb.Append(bestClosing).ToString();

        static string Closing(string? openFence, int openDetails)
        {
            var sb = new StringBuilder();
            if (openFence is not null) sb.Append(openFence).Append('\n');
            for (int d = 0; d < openDetails; d++) sb.Append("\n</details>\n");
            return sb.Append('\n').Append(TruncatedNote).Append('\n').ToString();
        }
    }

    // ---- chart ----

    /// <summary>An axis range around [min, max] rounded outward to a step of about a tenth of the span, with the decimals that step needs.</summary>
    internal static (double Low, double High, int Decimals) NiceRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) return (0, 1, 1);
        if (max < min) (min, max) = (max, min);
        double span = max - min;
        if (span <= 0) span = Math.Max(Math.Abs(max) * 0.02, 1e-3);
        double step = Math.Pow(10, Math.Floor(Math.Log10(span)) - 1);
        double lo = Math.Floor(min / step) * step, hi = Math.Ceiling(max / step) * step;
        if (hi <= lo) hi = lo + step;
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step)), 0, 10);
        return (Math.Round(lo, decimals), Math.Round(hi, decimals), decimals);
    }

    // ---- formatting ----

    internal static string Score(double value) => value.ToString("0.0000", C);

    internal static string Probability(double value) => value.ToString("0.00", C);

    /// <summary>What the prior check (<see cref="PriorCheck"/>) of the decision's fit found, in a sentence; null when not known.</summary>
    internal static string? PriorCheckLine(PriorCheck? check) => check switch
    {
        null => null,
        { Benchmarks: 0 } => "No benchmark has two evaluations yet, so whether their benchmark covariance (which benchmarks move "
            + "together) holds for this study cannot be checked: it is not used yet; the benchmarks are fitted as without a prior, "
            + $"on the curve's shape the earlier runs give{CurveShape}.",
        { Holds: true } => $"Their benchmark covariance predicts each of this study's {Benchmarks(check)} from the others' "
            + $"evaluations {check.Nats.ToString("0.0", C)} nats better than independent benchmarks would: it is used.",
        _ => $"**This decision set their benchmark covariance aside**: it predicted each of this study's {Benchmarks(check)} from "
            + $"the others' evaluations {(-check.Nats).ToString("0.0", C)} nats worse than independent benchmarks would, so which "
            + $"benchmarks move together is fitted on this study's own evaluations, on the curve's shape the earlier runs give{CurveShape}.",
    };

    const string CurveShape = " (lengthscale, noise, checkpoint jitter)";

    static string Benchmarks(PriorCheck check) =>
        check.Benchmarks == 1 ? "one benchmark evaluated twice or more" : $"{check.Benchmarks.ToString(C)} benchmarks evaluated twice or more";

    /// <summary>How far below the best average the checkpoint is expected to fall, in score units and as a share.</summary>
    internal static string Shortfall(ReportStanding s) => $"{Score(s.ExpectedShortfall)} ({(100 * s.RelativeShortfall).ToString("0.00", C)} %)";

    static string Interval(double low, double high) => $"{Score(low)}–{Score(high)}";

    static string Percent(double part, double whole)
    {
        if (!(whole > 0)) return "–";
        double p = 100.0 * part / whole;
        return (p > 0 && p < 1 ? p.ToString("0.##", C) : p.ToString("0.0", C)) + " %";
    }

    /// <summary>
    /// A user string as inline Markdown text: HTML-escaped, Markdown punctuation that could start
    /// emphasis, links, code, tables or attributes backslash-escaped, and line breaks as spaces. A zero-width
    /// joiner follows every <c>@</c>, <c>#</c> and <c>GH-</c>, as GitHub's own renderers neutralise them, so a
    /// name or journal text (which a fork's run controls) can neither mention people or teams nor reference issues.
    /// </summary>
    internal static string Inline(string text)
    {
        const char ZeroWidthJoiner = '\u200D';
        var sb = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            switch (ch)
            {
                case '@': sb.Append('@').Append(ZeroWidthJoiner); break;
                case '#': sb.Append("\\#").Append(ZeroWidthJoiner); break;
                case '-' when i >= 2 && (text[i - 2] is 'G' or 'g') && (text[i - 1] is 'H' or 'h'): sb.Append('-').Append(ZeroWidthJoiner); break;
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\r': break;
                case '\n': sb.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '{' or '}' or '|' or '~' or '^' or '$' or '=' or '+' or '!':
                    sb.Append('\\').Append(ch); break;
                default:
                    sb.Append(char.IsControl(ch) ? ' ' : ch); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A user string in a table cell: <see cref="Inline"/>, which also escapes <c>|</c> and joins lines.</summary>
    internal static string Cell(string text) => Inline(text.Trim());

    static string MarkerName(string study)
    {
        // Inside an HTML comment: no "--" and no ">" or line breaks, so the comment cannot end early.
        var sb = new StringBuilder(study.Length);
        foreach (char ch in study)
            sb.Append(ch is '>' or '<' || char.IsControl(ch) ? '_' : ch);
        var name = sb.ToString();
        while (name.Contains("--", StringComparison.Ordinal)) name = name.Replace("--", "-_", StringComparison.Ordinal);
        return name;
    }

    static string Shorten(string text, int max)
    {
        text = text.Trim();
        if (text.Length <= max) return text;
        int cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }

    /// <summary>The pick's index on the curve (by its mark, else by name), or -1.</summary>
    internal static int PickIndex(StudyReport report)
    {
        for (int i = 0; i < report.Curve.Count; i++)
            if (report.Curve[i].IsPick) return i;
        for (int i = 0; i < report.Curve.Count; i++)
            if (report.Curve[i].Name == report.Pick.Name) return i;
        return -1;
    }

    /// <summary>Benchmarks with fewer than two observed cells.</summary>
    static IEnumerable<string> ThinBenchmarks(StudyReport report)
    {
        var counts = new int[report.BenchmarkNames.Count];
        foreach (var c in report.Cells)
            if (c.Observed && c.Benchmark >= 0 && c.Benchmark < counts.Length) counts[c.Benchmark]++;
        for (int j = 0; j < counts.Length; j++)
            if (counts[j] < 2) yield return report.BenchmarkNames[j];
    }

    // ---- truncation helpers ----

    static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    static int CountOf(string text, string what)
    {
        int count = 0, at = 0;
        while ((at = text.IndexOf(what, at, StringComparison.OrdinalIgnoreCase)) >= 0) { count++; at += what.Length; }
        return count;
    }

    /// <summary>HTML-escapes text for element content and attribute values.</summary>
    internal static string Html(string text) => WebUtility.HtmlEncode(text);
}

using System.Text;

namespace Bomax.Cli.GitHub;

/// <summary>The step outputs bomax sets (the names an action's <c>outputs:</c> declares).</summary>
internal static class ActionsOutputNames
{
    public const string Checkpoint = "checkpoint";
    public const string Score = "score";
    public const string ScoreLow = "score-low";
    public const string ScoreHigh = "score-high";
    public const string ProbBest = "prob-best";
    public const string ExpectedShortfall = "expected-shortfall";
    public const string HeldOutCheck = "held-out-check";
    public const string Evaluations = "evaluations";
    public const string ReportPath = "report-path";
    public const string CommentId = "comment-id";
    public const string CommentUrl = "comment-url";
    public const string PendingPairs = "pending-pairs";
    public const string Study = "study";
    public const string JournalPath = "journal-path";
    public const string ReportDirectory = "report-directory";
}

/// <summary>What <see cref="ActionsFiles.AppendStepSummary"/> did.</summary>
/// <param name="BytesWritten">Bytes appended to the file (0 when not even the note fitted).</param>
/// <param name="Truncated">The Markdown did not fit whole and was cut at a line boundary.</param>
internal sealed record StepSummaryWrite(long BytesWritten, bool Truncated);

/// <summary>
/// Appends to the files GitHub Actions hands a step: <c>GITHUB_OUTPUT</c> and <c>GITHUB_STEP_SUMMARY</c>.
/// Both are shared with the step's other writers, so everything here appends, UTF-8 without a BOM, LF line ends.
/// What is written passes <see cref="Redaction.Redact"/> first.
/// </summary>
internal static class ActionsFiles
{
    /// <summary>GitHub refuses a step summary over 1 MiB (it then shows an error instead of the summary).</summary>
    public const long StepSummaryLimitBytes = 1024 * 1024;

    public const string TruncationNote =
        "> **Note:** bomax cut this summary short to stay within GitHub's 1 MiB step-summary limit; the full report is in the report file.\n";

    static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>
    /// Appends <c>name=value</c> lines; a value with a line break (CR or LF) is written as
    /// <c>name&lt;&lt;DELIM</c>, the value, then <c>DELIM</c>, with a random delimiter that occurs in no value line.
    /// </summary>
    public static void AppendOutputs(string path, IEnumerable<KeyValuePair<string, string>> outputs)
    {
        var text = new StringBuilder();
        foreach (var (name, raw) in outputs)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('=') || name.Contains("<<") || name.IndexOfAny(['\r', '\n']) >= 0)
                throw new ArgumentException($"'{name}' is not a valid output name.", nameof(outputs));
            ArgumentNullException.ThrowIfNull(raw);
            var value = Redaction.Redact(raw);
            if (value.IndexOfAny(['\r', '\n']) < 0)
            {
                text.Append(name).Append('=').Append(value).Append('\n');
                continue;
            }
            string delimiter;
            do delimiter = "ghadelimiter_" + Guid.NewGuid().ToString("N");
            while (value.Contains(delimiter, StringComparison.Ordinal));
            text.Append(name).Append("<<").Append(delimiter).Append('\n')
                .Append(value).Append('\n')
                .Append(delimiter).Append('\n');
        }
        if (text.Length == 0) return;
        Append(path, (EndsMidLine(path) ? "\n" : "") + text);
    }

    /// <summary>
    /// Appends Markdown to the step summary, keeping the file within <paramref name="limitBytes"/> (GitHub's
    /// 1 MiB) counting what is already there. When it does not fit, the Markdown is cut after the last whole line
    /// that fits, an open code fence is closed, and <see cref="TruncationNote"/> follows.
    /// </summary>
    public static StepSummaryWrite AppendStepSummary(string path, string markdown, long limitBytes = StepSummaryLimitBytes)
    {
        markdown = Redaction.Redact(markdown);
        var existing = File.Exists(path) ? new FileInfo(path).Length : 0;
        var prefix = EndsMidLine(path) ? "\n" : "";
        var content = markdown.EndsWith('\n') ? markdown : markdown + "\n";
        var budget = limitBytes - existing - Utf8.GetByteCount(prefix);

        var whole = Utf8.GetByteCount(content);
        if (whole <= budget)
        {
            Append(path, prefix + content);
            return new StepSummaryWrite(Utf8.GetByteCount(prefix) + whole, false);
        }

        var noteBytes = Utf8.GetByteCount(TruncationNote);
        var kept = new StringBuilder();
        long used = 0;
        string? openFence = null;
        var fences = Reports.MarkdownFences.Of(content);
        var lines = content.Split('\n')[..^1]; // content ends with '\n': the last piece is empty
        for (int i = 0; i < lines.Length; i++)
        {
            var lineBytes = Utf8.GetByteCount(lines[i]) + 1;
            var nextFence = fences.OpenAfter(i)?.Marker;
            var closer = nextFence is null ? 0 : nextFence.Length + 1;
            if (used + lineBytes + closer + noteBytes > budget) break;
            kept.Append(lines[i]).Append('\n');
            used += lineBytes;
            openFence = nextFence;
        }
        if (openFence is not null) kept.Append(openFence).Append('\n');
        kept.Append(TruncationNote);
        var total = Utf8.GetByteCount(kept.ToString());
        if (total > budget) return new StepSummaryWrite(0, true); // not even the note fits
        Append(path, prefix + kept);
        return new StepSummaryWrite(Utf8.GetByteCount(prefix) + total, true);
    }

    static bool EndsMidLine(string path)
    {
        if (!File.Exists(path)) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length == 0) return false;
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() != '\n';
    }

    static void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var bytes = Utf8.GetBytes(text);
        stream.Write(bytes);
    }
}

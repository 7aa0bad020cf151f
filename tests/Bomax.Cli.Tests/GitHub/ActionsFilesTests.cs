using System.Text;
using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.GitHub;

public sealed class ActionsFilesTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-gh-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string NewPath(string name) => Path.Combine(directory, name);

    /// <summary>
    /// Reads a GITHUB_OUTPUT file the way the Actions runner does (its file-command parser, Linux line ends):
    /// empty lines are skipped; <c>NAME=VALUE</c> when '=' comes before any '&lt;&lt;'; otherwise
    /// <c>NAME&lt;&lt;DELIM</c>, then every line up to the first line equal to DELIM is the value, joined by LF,
    /// and the delimiter line itself must end with a newline or be the file's last line.
    /// </summary>
    static Dictionary<string, string> ParseLikeTheRunner(string text)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        while (ReadLine(text, ref index, out _) is { } line)
        {
            if (line.Length == 0) continue;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            if (equals >= 0 && (heredoc < 0 || equals < heredoc))
            {
                outputs[line[..equals]] = line[(equals + 1)..];
                continue;
            }
            if (heredoc <= 0) throw new FormatException($"Invalid format '{line}'");
            var name = line[..heredoc];
            var delimiter = line[(heredoc + 2)..];
            if (delimiter.Length == 0) throw new FormatException($"Invalid format '{line}'");
            int start = index, end = index;
            var valueLine = ReadLine(text, ref index, out var newline);
            while (valueLine != delimiter)
            {
                if (valueLine is null) throw new FormatException($"Matching delimiter not found '{delimiter}'");
                if (newline is null) throw new FormatException("EOF marker missing new line.");
                end = index - newline.Length;
                valueLine = ReadLine(text, ref index, out newline);
            }
            outputs[name] = end > start ? text[start..end] : "";
        }
        return outputs;
    }

    static string? ReadLine(string text, ref int index, out string? newline)
    {
        newline = null;
        if (index >= text.Length) return null;
        var from = index;
        var lf = text.IndexOf('\n', index);
        if (lf < 0)
        {
            index = text.Length;
            return text[from..];
        }
        index = lf + 1;
        newline = "\n";
        return text[from..lf];
    }

    [Fact]
    public void Single_line_outputs_are_name_equals_value()
    {
        var path = NewPath("output");
        ActionsFiles.AppendOutputs(path, new Dictionary<string, string>
        {
            [ActionsOutputNames.Checkpoint] = "ckpt-12000",
            [ActionsOutputNames.Score] = "0.6132",
            [ActionsOutputNames.ScoreLow] = "0.6010",
            [ActionsOutputNames.ScoreHigh] = "0.6254",
            [ActionsOutputNames.ProbBest] = "0.87",
            [ActionsOutputNames.Evaluations] = "143",
            [ActionsOutputNames.ReportPath] = "/home/runner/work/x/.bomax/nightly/report.md",
            [ActionsOutputNames.CommentId] = "2701122334",
            [ActionsOutputNames.CommentUrl] = "https://github.com/o/r/pull/42#issuecomment-2701122334",
            [ActionsOutputNames.PendingPairs] = "0",
            ["odd"] = "a=b<<c",
        });

        var text = File.ReadAllText(path);
        Assert.StartsWith("checkpoint=ckpt-12000\nscore=0.6132\nscore-low=0.6010\n", text);
        Assert.DoesNotContain("<<ghadelimiter", text);
        var parsed = ParseLikeTheRunner(text);
        Assert.Equal(11, parsed.Count);
        Assert.Equal("https://github.com/o/r/pull/42#issuecomment-2701122334", parsed["comment-url"]);
        Assert.Equal("a=b<<c", parsed["odd"]);
        Assert.Equal("", ParseLikeTheRunner("\n\nx=\n")["x"]);
    }

    [Theory]
    [InlineData("ckpt-1\nckpt-2\nckpt-3")]
    [InlineData("trailing newline\n")]
    [InlineData("\nleading newline")]
    [InlineData("crlf\r\nvalue")]
    [InlineData("lone\rcarriage return")]
    [InlineData("\n")]
    [InlineData("ghadelimiter_looks_like_one\nEOF\n")]
    public void Multi_line_values_round_trip_through_a_heredoc(string value)
    {
        var path = NewPath("output");
        ActionsFiles.AppendOutputs(path, [new("pending-pairs", value), new("score", "0.5")]);

        var text = File.ReadAllText(path);
        Assert.Matches("^pending-pairs<<ghadelimiter_[0-9a-f]{32}\n", text);
        var parsed = ParseLikeTheRunner(text);
        Assert.Equal(value, parsed["pending-pairs"]);
        Assert.Equal("0.5", parsed["score"]);
    }

    [Fact]
    public void Each_heredoc_gets_its_own_delimiter_and_appends_keep_earlier_lines()
    {
        var path = NewPath("output");
        File.WriteAllText(path, "from-another-step=1"); // no newline at the end
        ActionsFiles.AppendOutputs(path, [new("a", "1\n2")]);
        ActionsFiles.AppendOutputs(path, [new("b", "3\n4"), new("c", "5")]);

        var text = File.ReadAllText(path);
        Assert.StartsWith("from-another-step=1\na<<ghadelimiter_", text);
        var delimiters = text.Split('\n').Where(l => l.StartsWith("ghadelimiter_", StringComparison.Ordinal)).Distinct().Count();
        Assert.Equal(2, delimiters);
        Assert.Equal(
            new Dictionary<string, string> { ["from-another-step"] = "1", ["a"] = "1\n2", ["b"] = "3\n4", ["c"] = "5" },
            ParseLikeTheRunner(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a=b")]
    [InlineData("a<<b")]
    [InlineData("a\nb")]
    public void Invalid_output_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => ActionsFiles.AppendOutputs(NewPath("output"), [new(name, "v")]));

    [Fact]
    public void A_summary_that_fits_is_appended_whole_after_what_is_there()
    {
        var path = NewPath("summary");
        File.WriteAllText(path, "# Earlier step"); // no newline at the end
        var result = ActionsFiles.AppendStepSummary(path, "## Bomax\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        Assert.Equal("# Earlier step\n## Bomax\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", File.ReadAllText(path));
        Assert.False(result.Truncated);
        Assert.Equal(new FileInfo(path).Length - "# Earlier step".Length, result.BytesWritten);
    }

    [Fact]
    public void A_summary_over_1_MiB_with_what_is_already_there_is_cut_at_a_line_and_noted()
    {
        var path = NewPath("summary");
        var earlier = string.Concat(Enumerable.Repeat(new string('e', 99) + "\n", 10_000)); // 1,000,000 bytes
        File.WriteAllText(path, earlier);
        var lines = Enumerable.Range(0, 2_000).Select(i => $"| ckpt-{i:D5} | {new string('x', 40)} | é |").ToList();
        lines.Insert(500, "```mermaid"); // a fence that is still open where the cut falls
        var markdown = string.Join("\n", lines) + "\n";

        var result = ActionsFiles.AppendStepSummary(path, markdown);

        Assert.True(result.Truncated);
        var size = new FileInfo(path).Length;
        Assert.True(size <= ActionsFiles.StepSummaryLimitBytes, $"{size} bytes");
        Assert.True(size > ActionsFiles.StepSummaryLimitBytes - 200, $"{size} bytes: too much was dropped");
        Assert.Equal(earlier.Length + result.BytesWritten, size);
        var appended = File.ReadAllText(path, Encoding.UTF8)[earlier.Length..];
        Assert.EndsWith("```\n" + ActionsFiles.TruncationNote, appended);
        var kept = appended[..^("```\n" + ActionsFiles.TruncationNote).Length];
        Assert.StartsWith(kept, markdown, StringComparison.Ordinal);
        Assert.EndsWith("\n", kept);
    }

    [Fact]
    public void Multi_byte_characters_count_as_bytes()
    {
        var path = NewPath("summary");
        var markdown = string.Concat(Enumerable.Repeat("ééééé🙂\n", 100)); // 15 bytes a line
        var limit = ActionsFiles.TruncationNote.Length + 15 * 10 + 7;

        var result = ActionsFiles.AppendStepSummary(path, markdown, limit);

        Assert.True(result.Truncated);
        Assert.Equal(string.Concat(Enumerable.Repeat("ééééé🙂\n", 10)) + ActionsFiles.TruncationNote, File.ReadAllText(path, Encoding.UTF8));
        Assert.Equal(15 * 10 + ActionsFiles.TruncationNote.Length, new FileInfo(path).Length);
    }

    [Fact]
    public void A_closed_fence_is_not_closed_again()
    {
        var path = NewPath("summary");
        var markdown = "intro\n```\ncode\n```\n" + string.Concat(Enumerable.Repeat("row\n", 100));
        var limit = ActionsFiles.TruncationNote.Length + 200;

        ActionsFiles.AppendStepSummary(path, markdown, limit);

        var text = File.ReadAllText(path);
        Assert.Equal(2, text.Split('\n').Count(l => l == "```"));
        Assert.EndsWith("row\n" + ActionsFiles.TruncationNote, text);
    }

    [Fact]
    public void A_full_file_gets_nothing()
    {
        var path = NewPath("summary");
        File.WriteAllText(path, new string('x', 1000) + "\n");

        var result = ActionsFiles.AppendStepSummary(path, "## more", limitBytes: 1001);

        Assert.Equal(new StepSummaryWrite(0, true), result);
        Assert.Equal(1001, new FileInfo(path).Length);
    }
}

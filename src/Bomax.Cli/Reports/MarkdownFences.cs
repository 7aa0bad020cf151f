using Markdig;
using Markdig.Syntax;

namespace Bomax.Cli.Reports;

/// <summary>
/// The fenced code blocks of a Markdown text as Markdig parses it (CommonMark: <c>```</c> or <c>~~~</c>, closed by a run of
/// the same character at least as long, inside lists and quotes too), by line: what a cut after a line leaves open. The
/// truncation of a report and of a step summary both ask it instead of tracking fences by hand.
/// </summary>
internal sealed class MarkdownFences
{
    /// <summary>One fence: its opening line, its closing line (<see cref="int.MaxValue"/> when the text never closes it), the run
    /// that opened it and its info string (<c>mermaid</c>).</summary>
    public sealed record Fence(int FirstLine, int LastLine, string Marker, string Info);

    readonly IReadOnlyList<Fence> fences;

    MarkdownFences(IReadOnlyList<Fence> fences) => this.fences = fences;

    public static MarkdownFences Of(string markdown)
    {
        var lineStarts = new List<int> { 0 };
        for (int k = 0; k < markdown.Length; k++) if (markdown[k] == '\n') lineStarts.Add(k + 1);
        int LineOf(int offset)
        {
            int found = lineStarts.BinarySearch(offset);
            return found >= 0 ? found : ~found - 1;
        }
        var found = Markdown.Parse(markdown).Descendants<FencedCodeBlock>()
            .Select(b => new Fence(b.Line, b.ClosingFencedCharCount > 0 ? LineOf(b.Span.End) : int.MaxValue,
                new string(b.FencedChar, b.OpeningFencedCharCount), b.Info ?? ""))
            .OrderBy(f => f.FirstLine)
            .ToList();
        return new MarkdownFences(found);
    }

    /// <summary>The fence a cut after line <paramref name="line"/> (0-based, that line kept) leaves open, or null.</summary>
    public Fence? OpenAfter(int line) => fences.FirstOrDefault(f => f.FirstLine <= line && line < f.LastLine);

    /// <summary>Whether line <paramref name="line"/> is part of a fence (its opening and closing lines included).</summary>
    public bool Inside(int line) => fences.Any(f => f.FirstLine <= line && line <= f.LastLine);
}

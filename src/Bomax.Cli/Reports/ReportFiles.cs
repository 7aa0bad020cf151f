using System.Text;

namespace Bomax.Cli.Reports;

/// <summary>Where a study's reports go, and writing them: <c>report.md</c> and the self-contained <c>report.html</c>.</summary>
internal sealed record ReportPaths(string Directory, string Markdown, string Html)
{
    /// <summary>Beside the journal by default: <c>.bomax/&lt;study&gt;/report.md</c>.</summary>
    public static ReportPaths For(string journalPath, string study, string? directory = null)
    {
        var folder = Path.GetFullPath(directory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(journalPath))!, study));
        return new ReportPaths(folder, Path.Combine(folder, "report.md"), Path.Combine(folder, "report.html"));
    }

    /// <summary>Renders and writes both files, credentials removed (<see cref="GitHub.Redaction"/>: a journal's
    /// failure text may quote an eval command that printed one); returns the Markdown.</summary>
    public string Write(StudyReport report)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var markdown = GitHub.Redaction.Redact(MarkdownReport.Render(report));
        File.WriteAllText(Markdown, markdown, new UTF8Encoding(false));
        File.WriteAllText(Html, GitHub.Redaction.Redact(HtmlReport.Render(report)), new UTF8Encoding(false));
        return markdown;
    }
}

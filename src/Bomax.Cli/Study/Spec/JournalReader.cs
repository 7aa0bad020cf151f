namespace Bomax.Cli.Study.Spec;

/// <summary>The <c>journal:</c> key: where the study's journal is, absolute against the spec's directory; by default
/// <c>.bomax/&lt;study&gt;.jsonl</c> beside the spec.</summary>
internal static class JournalReader
{
    /// <summary>The journal's absolute path (with the study's default name when <paramref name="study"/> could not be
    /// read, so that the path is still a path), and where <c>journal:</c> was written, when it was.</summary>
    public static (string Path, SourcePosition? Position) Read(YamlFields fields, YamlSection top, string? study, string specDirectory)
    {
        string? journal = fields.OptionalText(top, "journal");
        string path = System.IO.Path.GetFullPath(journal ?? System.IO.Path.Combine(".bomax", (study ?? "study") + ".jsonl"), specDirectory);
        return (path, top.Value("journal") is { } node ? YamlFields.Position(node) : null);
    }
}

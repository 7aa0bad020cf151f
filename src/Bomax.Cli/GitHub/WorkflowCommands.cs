using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Bomax.Cli.GitHub;

/// <summary>
/// GitHub Actions workflow commands (<c>::name props::data</c>) as exact lines to print on stdout, escaped as
/// GitHub documents it: data <c>%</c>→<c>%25</c>, CR→<c>%0D</c>, LF→<c>%0A</c>; property values additionally
/// <c>:</c>→<c>%3A</c> and <c>,</c>→<c>%2C</c>. Nothing is written here; each line made is remembered (until
/// <see cref="OutputGuard"/> writes it) so that the process's output lets exactly these lines through as commands
/// and neutralises any other line that would start one (a name or an API's text with a line break in it).
/// </summary>
internal static class WorkflowCommands
{
    /// <summary>GitHub shows at most this many annotations of one kind (error, warning, notice) per step.</summary>
    public const int AnnotationsPerKind = 10;

    public static string Notice(string message, string? file = null, int? line = null, int? column = null, string? title = null) =>
        Annotation("notice", message, file, line, column, title);

    /// <summary><c>::error file=F,line=L,col=C::message</c>; absent properties are left out.</summary>
    public static string Error(string message, string? file = null, int? line = null, int? column = null, string? title = null) =>
        Annotation("error", message, file, line, column, title);

    public static string Warning(string message, string? file = null, int? line = null, int? column = null, string? title = null) =>
        Annotation("warning", message, file, line, column, title);

    public static string Group(string name) => Command("group", [], name);

    public static string EndGroup() => Command("endgroup", [], "");

    /// <summary>
    /// Masks <paramref name="value"/> in later log output. The runner masks the value as registered; a value with
    /// line breaks is only matched whole, so mask each line separately when that matters.
    /// </summary>
    public static string AddMask(string value) => Remember(Masks, Command("add-mask", [], value, remember: false));

    public static string EscapeData(string value) =>
        value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A").Replace(",", "%2C");

    static string Annotation(string command, string message, string? file, int? line, int? column, string? title)
    {
        var properties = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(file)) properties.Add(new("file", file));
        if (line is { } l) properties.Add(new("line", l.ToString(CultureInfo.InvariantCulture)));
        if (column is { } c) properties.Add(new("col", c.ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(title)) properties.Add(new("title", title));
        return Command(command, properties, message);
    }

    static string Command(string command, IReadOnlyList<KeyValuePair<string, string>> properties, string data, bool remember = true)
    {
        var text = new StringBuilder("::").Append(command);
        for (var i = 0; i < properties.Count; i++)
            text.Append(i == 0 ? ' ' : ',').Append(properties[i].Key).Append('=').Append(EscapeProperty(properties[i].Value));
        var line = text.Append("::").Append(EscapeData(data)).ToString();
        return remember ? Remember(Issued, line) : line;
    }

    static readonly ConcurrentDictionary<string, int> Issued = new(StringComparer.Ordinal), Masks = new(StringComparer.Ordinal);

    static string Remember(ConcurrentDictionary<string, int> lines, string line)
    {
        lines.AddOrUpdate(line, 1, (_, count) => count + 1);
        return line;
    }

    static bool Take(ConcurrentDictionary<string, int> lines, string line)
    {
        while (lines.TryGetValue(line, out var count))
        {
            if (count <= 1 ? lines.TryRemove(KeyValuePair.Create(line, count)) : lines.TryUpdate(line, count - 1, count)) return true;
        }
        return false;
    }

    /// <summary>True (once per time it was made) when <paramref name="line"/> is a command made here, other than a mask.</summary>
    internal static bool TakeIssued(string line) => Take(Issued, line);

    /// <summary>True (once per time it was made) when <paramref name="line"/> is an <c>add-mask</c> command made here:
    /// the one line that may carry a secret.</summary>
    internal static bool TakeMask(string line) => Take(Masks, line);
}

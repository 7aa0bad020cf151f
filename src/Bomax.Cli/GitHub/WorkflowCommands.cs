using System.Globalization;
using System.Text;

namespace Bomax.Cli.GitHub;

/// <summary>
/// GitHub Actions workflow commands (<c>::name props::data</c>) as exact lines to print on stdout, escaped as
/// GitHub documents it: data <c>%</c>→<c>%25</c>, CR→<c>%0D</c>, LF→<c>%0A</c>; property values additionally
/// <c>:</c>→<c>%3A</c> and <c>,</c>→<c>%2C</c>. Pure functions: nothing is written here.
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
    public static string AddMask(string value) => Command("add-mask", [], value);

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

    static string Command(string command, IReadOnlyList<KeyValuePair<string, string>> properties, string data)
    {
        var text = new StringBuilder("::").Append(command);
        for (var i = 0; i < properties.Count; i++)
            text.Append(i == 0 ? ' ' : ',').Append(properties[i].Key).Append('=').Append(EscapeProperty(properties[i].Value));
        return text.Append("::").Append(EscapeData(data)).ToString();
    }
}

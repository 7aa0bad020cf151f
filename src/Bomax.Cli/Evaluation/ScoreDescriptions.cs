using System.Text.Json;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// What the score rules say about what they found instead of a score, in a few words each: a JSON value, an object's
/// keys, a file under the output folder, the end of the output. Short, so a failure's message fits on a line or two.
/// </summary>
internal static class ScoreDescriptions
{
    private const int ShownChars = 200;

    /// <summary>A JSON value in a few words for a message: <c>an object</c>, <c>the string "N/A"</c>, <c>Infinity</c>.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String when LenientJson.NonFiniteToken(element) is { } token => token,
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => $"an array of {element.GetArrayLength()}",
        JsonValueKind.String => $"the string \"{Shorten(element.GetString() ?? "")}\"",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => Shorten(element.GetRawText()),
    };

    /// <summary>What a value that is no score is, for a message: <c>Infinity, not a finite number</c>,
    /// <c>the string "N/A", not a number</c>.</summary>
    public static string DescribeNonNumber(JsonElement element) =>
        LenientJson.NonFiniteToken(element) is { } token ? $"{token}, not a finite number" : $"{Describe(element)}, not a number";

    /// <summary>An object's keys, the first 30 of them: what was there instead of the key asked for.</summary>
    public static string Keys(JsonElement obj)
    {
        var names = obj.EnumerateObject().Select(property => property.Name).ToList();
        if (names.Count == 0)
            return "none";
        const int shown = 30;
        string list = string.Join(", ", names.Take(shown));
        return names.Count > shown ? $"{list}, … ({names.Count} in all)" : list;
    }

    /// <summary>A file as it is under the output directory (its name, when it is the output path itself).</summary>
    public static string RelativeName(string file, string directory)
    {
        string relative = Path.GetRelativePath(directory, file);
        return relative == "." ? Path.GetFileName(file) : relative;
    }

    public static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "…";

    /// <summary>The end of the output, as the user would see it in a message.</summary>
    public static string ShowEnd(string stdout)
    {
        string trimmed = stdout.TrimEnd();
        if (trimmed.Length == 0)
            return "the output was empty";
        string end = trimmed.Length <= ShownChars ? trimmed : "…" + trimmed[^ShownChars..];
        return $"it ended \"{end.ReplaceLineEndings("\\n")}\"";
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// JSON as evaluation tools write it, and the numbers in it: comments and trailing commas are allowed, and Python's bare
/// <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> (which lm-eval can emit) are read as marked strings, so a results
/// file with one still parses and the value is named as the token it was. A number is finite, or written as a string.
/// </summary>
internal static class LenientJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 256,
    };

    /// <summary>Starts the string a bare non-finite token is read as (a NUL, which no results file starts a string with).</summary>
    private const char NonFiniteMark = '\0';

    /// <summary>
    /// Parses JSON, also as Python's <c>json.dump</c> writes it: bare <c>NaN</c>, <c>Infinity</c> and
    /// <c>-Infinity</c> are read as strings of <see cref="NonFiniteMark"/> and the token, which are not numbers and which
    /// <see cref="NonFiniteToken"/> names. Null when it is not JSON either way.
    /// </summary>
    public static JsonDocument? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text, Options);
        }
        catch (JsonException)
        {
        }
        string? sanitized = ReplacePythonNonFinite(text);
        if (sanitized is null)
            return null;
        try
        {
            return JsonDocument.Parse(sanitized, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A JSON file parsed by <see cref="TryParse"/>; null, with <paramref name="error"/> saying why, when it
    /// cannot be read or is not JSON.</summary>
    public static JsonDocument? TryParseFile(string file, out string? error)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read it: {e.Message}";
            return null;
        }
        var document = TryParse(text);
        error = document is null ? "not valid JSON" : null;
        return document;
    }

    /// <summary>A finite number, or a string holding one (lm-eval writes some so); false for anything else.</summary>
    public static bool TryNumber(JsonElement element, out double value)
    {
        value = 0;
        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetDouble(out value) && double.IsFinite(value),
            JsonValueKind.String => TryParseNumber(element.GetString()!.Trim(), out value),
            _ => false,
        };
    }

    /// <summary>A finite number in invariant notation; "nan", "inf" and the like are not numbers.</summary>
    public static bool TryParseNumber(string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
            return true;
        value = 0;
        return false;
    }

    /// <summary>The bare <c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c> a value was read from; null for any other value.</summary>
    public static string? NonFiniteToken(JsonElement element) =>
        element.ValueKind == JsonValueKind.String
        && element.GetString() is [NonFiniteMark, .. var token] && token is "NaN" or "Infinity" or "-Infinity"
            ? token
            : null;

    /// <summary>
    /// <paramref name="text"/> with each bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> outside strings
    /// replaced by the string <c>"\u0000NaN"</c> (and so on); null when there was none.
    /// </summary>
    private static string? ReplacePythonNonFinite(string text)
    {
        var result = new StringBuilder(text.Length);
        bool inString = false, changed = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                    result.Append(text[++i]);
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
            {
                inString = true;
                result.Append(c);
                continue;
            }
            string? token = null;
            foreach (var candidate in (ReadOnlySpan<string>)["-Infinity", "Infinity", "NaN"])
            {
                if (string.CompareOrdinal(text, i, candidate, 0, candidate.Length) == 0)
                {
                    token = candidate;
                    break;
                }
            }
            if (token is null)
            {
                result.Append(c);
                continue;
            }
            result.Append("\"\\u0000").Append(token).Append('"');
            i += token.Length - 1;
            changed = true;
        }
        return changed ? result.ToString() : null;
    }
}

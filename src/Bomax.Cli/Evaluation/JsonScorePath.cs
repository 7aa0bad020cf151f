using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Bomax.Cli.Evaluation;

/// <summary>One step of a <see cref="JsonScorePath"/>. A closed hierarchy.</summary>
internal abstract record JsonPathStep
{
    private JsonPathStep() { }

    /// <summary>An object's key, exactly as written (<c>['acc,none']</c>, or a plain name after a dot in a bracketed path).</summary>
    public sealed record Member(string Key) : JsonPathStep;

    /// <summary>An array's element (<c>[0]</c>).</summary>
    public sealed record Element(int Index) : JsonPathStep;

    /// <summary>A JSON Pointer token: the key as it is, or the index where the value is an array (RFC 6901).</summary>
    public sealed record PointerToken(string Token) : JsonPathStep;

    /// <summary>
    /// A part of a dotted path, <paramref name="Part"/> as written (<c>b[0]</c>): its key and the indices that follow it.
    /// Read leniently, as dotted paths always were: the key; else the whole part as a key (one that holds <c>[0]</c>);
    /// else the key joined at the dots with the parts after it (<c>a.b.c</c> as key <c>a.b</c>, then <c>c</c>).
    /// </summary>
    public sealed record DottedPart(string Key, string Part, IReadOnlyList<int> Indices) : JsonPathStep;
}

/// <summary>How a <see cref="JsonScorePath"/> was written.</summary>
internal enum JsonPathForm
{
    /// <summary><c>/results/mmlu.high_school/acc,none</c> (RFC 6901): split at '/' only.</summary>
    Pointer,

    /// <summary><c>results['mmlu.high_school']['acc,none']</c>, as in JSONPath and Python: every key exact.</summary>
    Bracketed,

    /// <summary><c>results.mmlu.acc</c>, split at every '.', with the lenient readings of <see cref="JsonPathStep.DottedPart"/>.</summary>
    Dotted,
}

/// <summary>
/// The path of a <c>json:</c> score rule, in one of three spellings: a JSON Pointer (starts with '/'); a bracketed path as
/// in JSONPath and Python, <c>results['acc,none']</c>, <c>$.results["mmlu.high_school"][0]</c> (any path with a quoted
/// bracket), where a key is taken exactly as written; or the older dotted path <c>results.score</c>, <c>a.b[0].c</c>.
/// A dotted path reads a key with dots in it two ways, so where it needs a key that is not a plain name it is deprecated:
/// <see cref="Deprecation"/> says which bracketed path to write instead.
/// </summary>
internal sealed partial record JsonScorePath(string Text, JsonPathForm Form, IReadOnlyList<JsonPathStep> Steps)
{
    /// <summary>The path read from <paramref name="text"/>, or why it is not one (exactly one of the two is set).</summary>
    public static (JsonScorePath? Path, string? Problem) Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 0) return (null, "the json score path is empty: give a path such as 'results.score'");
        if (trimmed.StartsWith('/')) return Pointer(trimmed);
        if (trimmed.Contains("['", StringComparison.Ordinal) || trimmed.Contains("[\"", StringComparison.Ordinal))
            return Bracketed(trimmed);
        return Dotted(text, trimmed);
    }

    /// <summary>
    /// Why this path is deprecated, and the bracketed path to write instead: a dotted path with a key that is not a plain
    /// name (<c>results.mmlu.acc,none</c>). Null for any other path.
    /// </summary>
    public string? Deprecation => Form == JsonPathForm.Dotted && Steps.OfType<JsonPathStep.DottedPart>()
            .FirstOrDefault(part => part.Key.Length > 0 && !IsPlainName(part.Key)) is { } odd
        ? $"'{Text}' is a dotted path with a key that is not a plain name ('{odd.Key}'); such paths are deprecated, as a dotted "
          + $"path also finds keys by joining its parts at the dots: write {Write(AsWritten(Steps))} instead "
          + "(a key that holds dots goes whole in brackets, e.g. results['mmlu.high_school'])"
        : null;

    /// <summary>A name a path may give after a dot: a letter or '_', then letters, digits, '_' and '-'.</summary>
    public static bool IsPlainName(string key) =>
        key.Length > 0 && (char.IsLetter(key[0]) || key[0] == '_') && key.All(c => char.IsLetterOrDigit(c) || c is '_' or '-');

    /// <summary>
    /// Keys and elements as a bracketed path: plain names after dots, other keys quoted in brackets, indices in
    /// brackets (<c>results['mmlu.high_school']['acc,none']</c>, <c>a.b[0].c</c>).
    /// </summary>
    public static string Write(IEnumerable<JsonPathStep> steps)
    {
        var path = new StringBuilder();
        foreach (var step in steps)
        {
            switch (step)
            {
                case JsonPathStep.Member { Key: var key } when IsPlainName(key):
                    path.Append(path.Length == 0 ? "" : ".").Append(key);
                    break;
                case JsonPathStep.Member { Key: var key }:
                    path.Append("['").Append(key.Replace("\\", "\\\\").Replace("'", "\\'")).Append("']");
                    break;
                case JsonPathStep.Element { Index: var index }:
                    path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                    break;
                default:
                    throw new ArgumentException($"not a key or an element: {step}", nameof(steps));
            }
        }
        return path.ToString();
    }

    /// <summary>A dotted path's parts as the keys and elements they first read as (no key joined).</summary>
    private static IEnumerable<JsonPathStep> AsWritten(IEnumerable<JsonPathStep> steps) =>
        steps.OfType<JsonPathStep.DottedPart>().SelectMany(part =>
            (part.Key.Length > 0 ? [new JsonPathStep.Member(part.Key)] : Array.Empty<JsonPathStep>())
            .Concat(part.Indices.Select(index => new JsonPathStep.Element(index))));

    [GeneratedRegex("~(?![01])", RegexOptions.CultureInvariant)]
    private static partial Regex LoneTilde();

    private static (JsonScorePath?, string?) Pointer(string trimmed)
    {
        var steps = new List<JsonPathStep>();
        foreach (var token in trimmed[1..].Split('/'))
        {
            if (LoneTilde().IsMatch(token))
                return (null, $"the json score path '{trimmed}' is a JSON Pointer with '~' not followed by 0 or 1 in '{token}' "
                              + "(write ~0 for '~' and ~1 for '/')");
            steps.Add(new JsonPathStep.PointerToken(token.Replace("~1", "/").Replace("~0", "~")));
        }
        return (new JsonScorePath(trimmed, JsonPathForm.Pointer, steps), null);
    }

    /// <summary>Splits <c>a.b[0].c</c> at every '.' into parts, each with the array indices that follow its key.</summary>
    private static (JsonScorePath?, string?) Dotted(string text, string trimmed)
    {
        if (text.Split('.').Any(part => part.Length == 0))
            return (null, $"'{text}' is not a dotted path: no part may be empty (e.g. 'results.score'; a JSON Pointer starts with '/')");
        string parts = trimmed.StartsWith("$.", StringComparison.Ordinal) ? trimmed[2..] : trimmed == "$" ? "" : trimmed;
        if (parts.Length == 0) return (null, "the json score path is empty: give a path such as 'results.score'");
        var steps = new List<JsonPathStep>();
        foreach (var part in parts.Split('.'))
        {
            var indices = new List<int>();
            string key = part;
            while (key.EndsWith(']'))
            {
                int open = key.LastIndexOf('[');
                if (open < 0 || !int.TryParse(key.AsSpan(open + 1, key.Length - open - 2), NumberStyles.None,
                                              CultureInfo.InvariantCulture, out int index))
                    break;
                indices.Insert(0, index);
                key = key[..open];
            }
            steps.Add(new JsonPathStep.DottedPart(key, part, indices));
        }
        return (new JsonScorePath(trimmed, JsonPathForm.Dotted, steps), null);
    }

    /// <summary>Reads <c>$</c> (optional), then names after dots, quoted keys and indices in brackets, every key exact.</summary>
    private static (JsonScorePath?, string?) Bracketed(string trimmed)
    {
        var steps = new List<JsonPathStep>();
        int at = trimmed.StartsWith('$') ? 1 : 0;
        while (at < trimmed.Length)
        {
            string? problem;
            JsonPathStep? step;
            if (trimmed[at] == '[') (step, problem) = InBrackets(trimmed, ref at);
            else if (trimmed[at] == '.' || at == 0) (step, problem) = Name(trimmed, ref at);
            else (step, problem) = (null, "expected '.' or '[' here");
            if (step is null)
                return (null, $"the json score path '{trimmed}' cannot be read at character {at + 1}: {problem}");
            steps.Add(step);
        }
        if (steps.Count == 0) return (null, "the json score path is empty: give a path such as 'results.score'");
        return (new JsonScorePath(trimmed, JsonPathForm.Bracketed, steps), null);
    }

    /// <summary>A plain name, after a dot (or at the start); <paramref name="at"/> moves past it.</summary>
    private static (JsonPathStep?, string?) Name(string path, ref int at)
    {
        if (path[at] == '.') at++;
        int end = at;
        while (end < path.Length && path[end] is not ('.' or '[')) end++;
        string name = path[at..end];
        if (name.Length == 0) return (null, "expected a name after '.'");
        if (!IsPlainName(name)) return (null, $"'{name}' is not a plain name: write it in brackets, ['{name}']");
        at = end;
        return (new JsonPathStep.Member(name), null);
    }

    /// <summary>A quoted key or an index in brackets; <paramref name="at"/> moves past the closing bracket.</summary>
    private static (JsonPathStep?, string?) InBrackets(string path, ref int at)
    {
        int inside = at + 1;
        while (inside < path.Length && path[inside] == ' ') inside++;
        JsonPathStep step;
        if (inside < path.Length && path[inside] is '\'' or '"')
        {
            var (key, end, problem) = Quoted(path, inside);
            if (key is null)
            {
                at = end;
                return (null, problem);
            }
            step = new JsonPathStep.Member(key);
            inside = end;
        }
        else
        {
            int end = inside;
            while (end < path.Length && char.IsAsciiDigit(path[end])) end++;
            if (end == inside || !int.TryParse(path.AsSpan(inside, end - inside), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                at = inside;
                return (null, "a bracket holds a quoted key, ['acc,none'], or an index, [0]");
            }
            step = new JsonPathStep.Element(index);
            inside = end;
        }
        while (inside < path.Length && path[inside] == ' ') inside++;
        if (inside >= path.Length || path[inside] != ']')
        {
            at = inside;
            return (null, "expected ']'");
        }
        at = inside + 1;
        return (step, null);
    }

    /// <summary>The key in the quotes that open at <paramref name="open"/>, with JSON's backslash escapes and \' read; the
    /// index after the closing quote.</summary>
    private static (string? Key, int End, string? Problem) Quoted(string path, int open)
    {
        char quote = path[open];
        var key = new StringBuilder();
        for (int i = open + 1; i < path.Length; i++)
        {
            char c = path[i];
            if (c == quote) return (key.ToString(), i + 1, null);
            if (c != '\\')
            {
                key.Append(c);
                continue;
            }
            if (++i >= path.Length) break;
            char? escaped = path[i] switch
            {
                '\\' or '\'' or '"' or '/' => path[i],
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' when i + 4 < path.Length
                         && ushort.TryParse(path.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code)
                    => (char)code,
                _ => null,
            };
            if (escaped is null) return (null, i - 1, $"'\\{path[i]}' is not an escape (write \\\\ for a backslash, \\' for a quote)");
            if (path[i] == 'u') i += 4;
            key.Append(escaped.Value);
        }
        return (null, open, $"the key quoted with {quote} is not closed");
    }
}

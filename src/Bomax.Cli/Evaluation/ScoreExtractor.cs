using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bomax.Cli.Study;

namespace Bomax.Cli.Evaluation;

/// <summary>What <see cref="ScoreExtractor.Extract"/> found: a score, or a message saying what was seen instead.</summary>
internal abstract record ScoreResult
{
    private protected ScoreResult() { }
}

/// <summary>A score read from an evaluation's output.</summary>
/// <param name="Score">The value as the output states it (not oriented: a perplexity stays a perplexity).</param>
/// <param name="StandardError">Its standard error, where the output states one.</param>
internal sealed record Scored(double Score, double? StandardError) : ScoreResult
{
    /// <summary>Where the value was read, for people: <c>standard output, last number</c>,
    /// <c>hf/results_2024-06-03T01-54-41.json: results.mmlu."acc,none"</c>. Empty when not said.</summary>
    public string Source { get; init; } = "";

    /// <summary>The metric's own direction where the output states it (lm-eval's <c>higher_is_better</c>);
    /// null when the output does not say.</summary>
    public bool? HigherIsBetter { get; init; }
}

internal sealed record Unparseable(string Message) : ScoreResult;

internal static class ScoreExtractor
{
    private const int ShownChars = 200;
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    // A number not glued to a word: "0.75", "-3", "1e-3", ".5", "75.3%", "0.75." at the end of a sentence;
    // not the 8 in "gsm8k", the 2024 in "run_2024" or the 100 in "100ms".
    private static readonly Regex NumberToken = new(
        @"(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?!\w)",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static ScoreResult Extract(ScoreRule rule, string stdout, string outputDirectory, string benchmark) =>
        rule switch
        {
            ScoreRule.LastNumber => LastNumber(stdout),
            ScoreRule.JsonPath json => FromJson(json.Path, stdout, outputDirectory),
            ScoreRule.RegexScore regex => FromRegex(regex.Pattern, stdout),
            ScoreRule.LmEval lmEval => LmEvalResults.Extract(lmEval.Metric, stdout, outputDirectory, benchmark),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown score rule"),
        };

    // ---- last number -------------------------------------------------------------------------------------

    private static ScoreResult LastNumber(string stdout)
    {
        double? last = null;
        foreach (Match match in NumberToken.Matches(stdout))
        {
            if (TryParseNumber(match.Value, out double value))
                last = value;
        }
        return last is { } score
            ? new Scored(score, null) { Source = "standard output, last number" }
            : new Unparseable($"no number in the output: {ShowEnd(stdout)}");
    }

    // ---- regex -------------------------------------------------------------------------------------------

    private static ScoreResult FromRegex(string pattern, string stdout)
    {
        Match match;
        try
        {
            var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Multiline, RegexTimeout);
            match = regex.Match(stdout);
        }
        catch (ArgumentException e)
        {
            return new Unparseable($"invalid score regex '{pattern}': {e.Message}");
        }
        catch (RegexMatchTimeoutException)
        {
            return new Unparseable($"the score regex '{pattern}' took too long on the output ({stdout.Length} characters)");
        }
        if (!match.Success)
            return new Unparseable($"the score regex '{pattern}' does not match the output: {ShowEnd(stdout)}");

        string text = match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
        return TryParseNumber(text.Trim(), out double value)
            ? new Scored(value, null) { Source = $"standard output, regex '{Shorten(pattern)}'" }
            : new Unparseable($"the score regex '{pattern}' matched \"{Shorten(match.Value)}\", "
                              + $"but \"{Shorten(text)}\" is not a number");
    }

    // ---- JSON path ---------------------------------------------------------------------------------------

    private static ScoreResult FromJson(string path, string stdout, string outputDirectory)
    {
        if (!TryParsePath(path, out var steps, out string? pathError))
            return new Unparseable(pathError);

        string stdoutNote;
        if (TryParseJsonFromStdout(stdout) is { } fromStdout)
        {
            using (fromStdout)
            {
                if (Resolve(fromStdout.RootElement, steps, out double value, out string why))
                    return new Scored(value, null) { Source = $"standard output: {path.Trim()}" };
                stdoutNote = $"the JSON on standard output has no number at '{path}': {why}";
            }
        }
        else
        {
            stdoutNote = $"no JSON on standard output ({ShowEnd(stdout)})";
        }

        var files = NewestFirst(outputDirectory, static _ => true);
        if (files.Count == 0)
            return new Unparseable($"{stdoutNote}; no *.json files under {outputDirectory}");

        string? newestNote = null;
        foreach (var file in files)
        {
            using var document = TryParseJsonFile(file, out string? readError);
            if (document is null)
            {
                newestNote ??= $"{RelativeName(file, outputDirectory)}: {readError}";
                continue;
            }
            if (Resolve(document.RootElement, steps, out double value, out string why))
                return new Scored(value, null) { Source = $"{RelativeName(file, outputDirectory)}: {path.Trim()}" };
            newestNote ??= $"{RelativeName(file, outputDirectory)}: {why}";
        }
        return new Unparseable($"{stdoutNote}; none of the {files.Count} *.json files under {outputDirectory} "
                               + $"has a number at '{path}' (newest, {newestNote})");
    }

    /// <summary>Why <paramref name="path"/> is not a path this extractor can follow, or null.</summary>
    public static string? PathProblem(string path) => TryParsePath(path, out _, out string error) ? null : error;

    private abstract record PathStep;
    /// <param name="Exact">A JSON Pointer token: the key as it is, or an array index when the value is an array; no other reading.</param>
    private sealed record KeyStep(string Key, string Segment, IReadOnlyList<int> Indices, bool Exact = false) : PathStep;

    /// <summary>Splits <c>a.b[0].c</c> into keys, each with the array indices that follow it; or a JSON Pointer (RFC 6901,
    /// <c>/results/mmlu.high_school/acc,none</c>: it starts with '/', keys are split at '/' only, <c>~1</c> is '/' and <c>~0</c>
    /// is '~') into exact tokens, for keys the dotted form would read two ways.</summary>
    private static bool TryParsePath(string path, out List<KeyStep> steps, out string error)
    {
        steps = [];
        error = "";
        string trimmed = path.Trim();
        if (trimmed.StartsWith('/'))
        {
            foreach (var token in trimmed[1..].Split('/'))
            {
                if (System.Text.RegularExpressions.Regex.IsMatch(token, "~(?![01])"))
                {
                    error = $"the json score path '{trimmed}' is a JSON Pointer with '~' not followed by 0 or 1 in '{token}' (write ~0 for '~' and ~1 for '/')";
                    return false;
                }
                string key = token.Replace("~1", "/").Replace("~0", "~");
                steps.Add(new KeyStep(key, key, [], Exact: true));
            }
            return true;
        }
        if (trimmed.StartsWith("$.", StringComparison.Ordinal))
            trimmed = trimmed[2..];
        else if (trimmed == "$")
            trimmed = "";
        if (trimmed.Length == 0)
        {
            error = "the json score path is empty: give a path such as 'results.score'";
            return false;
        }
        foreach (var segment in trimmed.Split('.'))
        {
            var indices = new List<int>();
            string key = segment;
            while (key.EndsWith(']'))
            {
                int open = key.LastIndexOf('[');
                if (open < 0 || !int.TryParse(key.AsSpan(open + 1, key.Length - open - 2), NumberStyles.None,
                                              CultureInfo.InvariantCulture, out int index))
                    break;
                indices.Insert(0, index);
                key = key[..open];
            }
            steps.Add(new KeyStep(key, segment, indices));
        }
        return true;
    }

    /// <summary>
    /// Follows the path from <paramref name="root"/> to a number. On failure, <paramref name="why"/> says
    /// how far it got and what was there (the keys of the object where a key was missing, and so on).
    /// </summary>
    private static bool Resolve(JsonElement root, List<KeyStep> steps, out double value, out string why)
    {
        value = 0;
        var current = root;
        string at = "the top level";
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var indices = step.Indices;
            if (step.Exact)
            {
                if (current.ValueKind == JsonValueKind.Array && int.TryParse(step.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int position))
                {
                    if (position >= current.GetArrayLength())
                    {
                        why = $"{at} has {current.GetArrayLength()} elements, so no /{position}";
                        return false;
                    }
                    current = current[position];
                    at = $"{at}/{position}";
                    continue;
                }
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step.Key, out var exact))
                {
                    why = current.ValueKind == JsonValueKind.Object
                        ? $"{at} has no key '{step.Key}' (keys: {Keys(current)})"
                        : $"{at} is {Describe(current)}, not an object with key '{step.Key}'";
                    return false;
                }
                current = exact;
                at = $"'{step.Key}'";
                continue;
            }
            if (step.Key.Length == 0 && indices.Count > 0)
            {
                // "[0].x" at the start: index the current value itself.
            }
            else if (current.ValueKind != JsonValueKind.Object)
            {
                why = $"{at} is {Describe(current)}, not an object with key '{step.Key}'";
                return false;
            }
            else if (current.TryGetProperty(step.Key, out var next))
            {
                current = next;
                at = $"'{step.Key}'";
            }
            else if (indices.Count > 0 && current.TryGetProperty(step.Segment, out var literal))
            {
                // A key that contains "[0]" itself.
                current = literal;
                at = $"'{step.Segment}'";
                indices = [];
            }
            else if (TryJoinedKey(current, steps, i, out var joined, out int used))
            {
                // A key that contains dots: "a.b.c" read as key "a.b", then "c".
                i += used - 1;
                current = joined;
                at = $"'{steps[i].Key}'";
                indices = steps[i].Indices;
            }
            else
            {
                why = $"{at} has no key '{step.Key}' (keys: {Keys(current)})";
                return false;
            }
            foreach (int index in indices)
            {
                if (current.ValueKind != JsonValueKind.Array)
                {
                    why = $"{at} is {Describe(current)}, not an array to take [{index}] of";
                    return false;
                }
                if (index >= current.GetArrayLength())
                {
                    why = $"{at} has {current.GetArrayLength()} elements, so no [{index}]";
                    return false;
                }
                current = current[index];
                at = $"{at}[{index}]";
            }
        }
        if (TryNumber(current, out value))
        {
            why = "";
            return true;
        }
        why = $"{at} is {DescribeNonNumber(current)}";
        return false;
    }

    /// <summary>Keys that contain dots themselves: "a.b.c" may be key "a.b" then "c".</summary>
    private static bool TryJoinedKey(JsonElement current, List<KeyStep> steps, int from, out JsonElement value, out int used)
    {
        var key = new StringBuilder(steps[from].Segment);
        for (int j = from + 1; j < steps.Count; j++)
        {
            key.Append('.').Append(steps[j].Key);
            if (current.TryGetProperty(key.ToString(), out value))
            {
                used = j - from + 1;
                return true;
            }
            key.Length -= steps[j].Key.Length;
            key.Append(steps[j].Segment);
        }
        value = default;
        used = 0;
        return false;
    }

    private static JsonDocument? TryParseJsonFromStdout(string stdout)
    {
        string trimmed = stdout.Trim();
        if (trimmed.Length == 0)
            return null;
        if (trimmed[0] is '{' or '[' && TryParseJson(trimmed) is { } whole)
            return whole;
        var lines = trimmed.Split('\n');
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            string line = lines[i].Trim();
            if (line.StartsWith('{') && line.EndsWith('}') && TryParseJson(line) is { } document)
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                    return document;
                document.Dispose();
            }
        }
        return null;
    }

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 256,
    };

    /// <summary>
    /// Parses JSON, also as Python's <c>json.dump</c> writes it: bare <c>NaN</c>, <c>Infinity</c> and
    /// <c>-Infinity</c> (which lm-eval can emit) are read as strings of <see cref="NonFiniteMark"/> and the token,
    /// which are not numbers and which <see cref="Describe"/> names as the token.
    /// </summary>
    private static JsonDocument? TryParseJson(string text)
    {
        try
        {
            return JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException)
        {
        }
        string? sanitized = ReplacePythonNonFinite(text);
        if (sanitized is null)
            return null;
        try
        {
            return JsonDocument.Parse(sanitized, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Starts the string a bare non-finite token is read as (a NUL, which no results file starts a string with).</summary>
    private const char NonFiniteMark = '\0';

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

    internal static JsonDocument? TryParseJsonFile(string file, out string? error)
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
        var document = TryParseJson(text);
        error = document is null ? "not valid JSON" : null;
        return document;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /// <summary>
    /// The <c>*.json</c> files under <paramref name="directory"/> (recursively) whose file name
    /// <paramref name="acceptName"/> accepts, in the order of <see cref="OrderNewestFirst"/>.
    /// </summary>
    /// <returns>Full paths, newest first; empty when the directory is missing or cannot be read.</returns>
    internal static List<string> NewestFirst(string directory, Func<string, bool> acceptName)
    {
        if (!Directory.Exists(directory))
            return [];
        try
        {
            var files = new DirectoryInfo(directory)
                .EnumerateFiles("*.json", new EnumerationOptions
                {
                    RecurseSubdirectories = true,
                    IgnoreInaccessible = true,
                    MatchCasing = MatchCasing.CaseSensitive,
                    MaxRecursionDepth = 16,
                })
                .Where(file => file.Name.EndsWith(".json", StringComparison.Ordinal) && acceptName(file.Name))
                .Select(file => (file.FullName, file.LastWriteTimeUtc))
                .ToList();
            return OrderNewestFirst(files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Orders output files newest first. A file whose name ends in lm-eval's timestamp
    /// (<c>results_2024-06-03T01-54-41.753933.json</c>, see <see cref="TimestampInName"/>) is dated by that
    /// timestamp, whatever its modification time (a copy or a checkout changes that); these come first, newest
    /// timestamp first. Files without one follow, newest modification time first: the two clocks are not
    /// compared, as the timestamp is the evaluating machine's local time. Ties go to the newer modification
    /// time, then to the greater file name and path (ordinal), so the order never depends on the enumeration.
    /// </summary>
    /// <param name="files">Paths with their last write times (UTC).</param>
    /// <returns>The paths, newest first.</returns>
    internal static List<string> OrderNewestFirst(IEnumerable<(string Path, DateTime ModifiedUtc)> files) =>
        files
            .Select(file => (file.Path, file.ModifiedUtc, Stamp: TimestampInName(Path.GetFileName(file.Path))))
            .OrderByDescending(file => file.Stamp.HasValue)
            .ThenByDescending(file => file.Stamp ?? DateTime.MinValue)
            .ThenByDescending(file => file.ModifiedUtc)
            .ThenByDescending(file => Path.GetFileName(file.Path), StringComparer.Ordinal)
            .ThenByDescending(file => file.Path, StringComparer.Ordinal)
            .Select(file => file.Path)
            .ToList();

    // lm-eval's date_id: datetime.now().isoformat() with ':' replaced by '-', after the last '_' of the name.
    private static readonly Regex NameTimestamp = new(
        @"_(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{1,6})?)\.json$",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static readonly string[] TimestampFormats = ["yyyy-MM-dd'T'HH-mm-ss", "yyyy-MM-dd'T'HH-mm-ss.FFFFFF"];

    /// <summary>
    /// The timestamp at the end of a file name as lm-evaluation-harness (0.4.3 on) writes it:
    /// <c>&lt;stem&gt;_%Y-%m-%dT%H-%M-%S.%f.json</c>, the fraction left out when it is zero
    /// (<c>results_2024-06-03T01-54-41.753933.json</c>, <c>eval_2024-06-03T01-54-41.json</c>).
    /// </summary>
    /// <param name="fileName">A file name without directories.</param>
    /// <returns>The time as written (the evaluating machine's local time, kind unspecified); null when the
    /// name has no such timestamp or it is not a real date.</returns>
    internal static DateTime? TimestampInName(string fileName)
    {
        var match = NameTimestamp.Match(fileName);
        return match.Success
               && DateTime.TryParseExact(match.Groups[1].Value, TimestampFormats, CultureInfo.InvariantCulture,
                                         DateTimeStyles.None, out var time)
            ? time
            : null;
    }

    internal static bool TryNumber(JsonElement element, out double value)
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
    private static bool TryParseNumber(string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
            return true;
        value = 0;
        return false;
    }

    /// <summary>A JSON value in a few words for a message: <c>an object</c>, <c>the string "N/A"</c>, <c>Infinity</c>.</summary>
    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String when NonFiniteToken(element) is { } token => token,
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => $"an array of {element.GetArrayLength()}",
        JsonValueKind.String => $"the string \"{Shorten(element.GetString() ?? "")}\"",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => Shorten(element.GetRawText()),
    };

    /// <summary>What a value that is no score is, for a message: <c>Infinity, not a finite number</c>,
    /// <c>the string "N/A", not a number</c>.</summary>
    internal static string DescribeNonNumber(JsonElement element) =>
        NonFiniteToken(element) is { } token ? $"{token}, not a finite number" : $"{Describe(element)}, not a number";

    /// <summary>The bare <c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c> a value was read from; null for any other value.</summary>
    private static string? NonFiniteToken(JsonElement element) =>
        element.ValueKind == JsonValueKind.String
        && element.GetString() is [NonFiniteMark, .. var token] && token is "NaN" or "Infinity" or "-Infinity"
            ? token
            : null;

    internal static string Keys(JsonElement obj)
    {
        var names = obj.EnumerateObject().Select(property => property.Name).ToList();
        if (names.Count == 0)
            return "none";
        const int shown = 30;
        string list = string.Join(", ", names.Take(shown));
        return names.Count > shown ? $"{list}, … ({names.Count} in all)" : list;
    }

    internal static string RelativeName(string file, string directory)
    {
        string relative = Path.GetRelativePath(directory, file);
        return relative == "." ? Path.GetFileName(file) : relative;
    }

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "…";

    /// <summary>The end of the output, as the user would see it in a message.</summary>
    internal static string ShowEnd(string stdout)
    {
        string trimmed = stdout.TrimEnd();
        if (trimmed.Length == 0)
            return "the output was empty";
        string end = trimmed.Length <= ShownChars ? trimmed : "…" + trimmed[^ShownChars..];
        return $"it ended \"{end.ReplaceLineEndings("\\n")}\"";
    }
}

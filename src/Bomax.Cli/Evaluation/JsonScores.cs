using System.Globalization;
using System.Text;
using System.Text.Json;
using static Bomax.Cli.Evaluation.ScoreDescriptions;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// The <c>json:</c> score rule: the number at a <see cref="JsonScorePath"/> in the JSON on standard output (the whole of
/// it, else its last line that is a JSON object), else in the <c>*.json</c> files under the output directory, newest
/// first (<see cref="ScoreFiles.NewestFirst"/>). When nothing has it, the message says how far the path got in each.
/// </summary>
internal static class JsonScores
{
    public static ScoreResult Extract(string pathText, string stdout, string outputDirectory)
    {
        var (path, problem) = JsonScorePath.Parse(pathText);
        if (path is null)
            return new Unparseable(problem!);

        string stdoutNote;
        if (FromStdout(stdout) is { } fromStdout)
        {
            using (fromStdout)
            {
                var walk = Walk.Follow(fromStdout.RootElement, path);
                if (walk.Score is { } value)
                    return new Scored(value, null) { Source = $"standard output: {walk.Shown(path)}" };
                stdoutNote = $"the JSON on standard output has no number at '{pathText}': {walk.Why}";
            }
        }
        else
        {
            stdoutNote = $"no JSON on standard output ({ShowEnd(stdout)})";
        }

        var files = ScoreFiles.NewestFirst(outputDirectory, static _ => true);
        if (files.Count == 0)
            return new Unparseable($"{stdoutNote}; no *.json files under {outputDirectory}");

        string? newestNote = null;
        foreach (var file in files)
        {
            using var document = LenientJson.TryParseFile(file, out string? readError);
            if (document is null)
            {
                newestNote ??= $"{RelativeName(file, outputDirectory)}: {readError}";
                continue;
            }
            var walk = Walk.Follow(document.RootElement, path);
            if (walk.Score is { } value)
                return new Scored(value, null) { Source = $"{RelativeName(file, outputDirectory)}: {walk.Shown(path)}" };
            newestNote ??= $"{RelativeName(file, outputDirectory)}: {walk.Why}";
        }
        return new Unparseable($"{stdoutNote}; none of the {files.Count} *.json files under {outputDirectory} "
                               + $"has a number at '{pathText}' (newest, {newestNote})");
    }

    /// <summary>The JSON on standard output: all of it, else its last line that is a JSON object; null when there is none.</summary>
    private static JsonDocument? FromStdout(string stdout)
    {
        string trimmed = stdout.Trim();
        if (trimmed.Length == 0)
            return null;
        if (trimmed[0] is '{' or '[' && LenientJson.TryParse(trimmed) is { } whole)
            return whole;
        var lines = trimmed.Split('\n');
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            string line = lines[i].Trim();
            if (line.StartsWith('{') && line.EndsWith('}') && LenientJson.TryParse(line) is { } document)
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                    return document;
                document.Dispose();
            }
        }
        return null;
    }

    /// <summary>
    /// One walk along a path through one document: where it is (<see cref="At"/>, for messages), the keys and elements it
    /// took, and whether a dotted part was read leniently (as a literal key, or joined with the next parts).
    /// </summary>
    private sealed class Walk
    {
        private JsonElement current;
        private readonly List<JsonPathStep> taken = [];
        private bool lenient;

        /// <summary>Where the walk is, for messages: <c>the top level</c>, <c>'results'</c>, <c>'b'[1]</c>.</summary>
        private string At { get; set; } = "the top level";

        /// <summary>The number at the path; null when it is not there.</summary>
        public double? Score { get; private set; }

        /// <summary>When there is no number: how far the walk got and what was there instead.</summary>
        public string Why { get; private set; } = "";

        private Walk(JsonElement root) => current = root;

        public static Walk Follow(JsonElement root, JsonScorePath path)
        {
            var walk = new Walk(root);
            for (int i = 0; i < path.Steps.Count; i++)
            {
                string? why = path.Steps[i] switch
                {
                    JsonPathStep.PointerToken { Token: var token } => walk.PointerToken(token),
                    JsonPathStep.Member { Key: var key } => walk.Key(key),
                    JsonPathStep.Element { Index: var index } => walk.Element(index),
                    JsonPathStep.DottedPart => walk.DottedPart(path.Steps, ref i),
                    var other => throw new ArgumentException($"unknown path step {other}", nameof(path)),
                };
                if (why is not null)
                {
                    walk.Why = why;
                    return walk;
                }
            }
            if (LenientJson.TryNumber(walk.current, out double value)) walk.Score = value;
            else walk.Why = $"{walk.At} is {DescribeNonNumber(walk.current)}";
            return walk;
        }

        /// <summary>The path as a score's source says it; a dotted path that is deprecated or was read leniently is
        /// followed by the bracketed path it was read as, to write instead.</summary>
        public string Shown(JsonScorePath path) =>
            path.Form == JsonPathForm.Dotted && (lenient || path.Deprecation is not null)
                ? $"{path.Text} (a deprecated dotted path; it was read as {JsonScorePath.Write(taken)}: write that)"
                : path.Text;

        private string? PointerToken(string token)
        {
            if (current.ValueKind != JsonValueKind.Array
                || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int position))
                return Key(token);
            if (position >= current.GetArrayLength())
                return $"{At} has {current.GetArrayLength()} elements, so no /{position}";
            Take(new JsonPathStep.Element(position), current[position], $"{At}/{position}");
            return null;
        }

        private string? Key(string key)
        {
            if (current.ValueKind != JsonValueKind.Object)
                return $"{At} is {Describe(current)}, not an object with key '{key}'";
            if (!current.TryGetProperty(key, out var value))
                return $"{At} has no key '{key}' (keys: {Keys(current)})";
            Take(new JsonPathStep.Member(key), value, $"'{key}'");
            return null;
        }

        private string? Element(int index)
        {
            if (current.ValueKind != JsonValueKind.Array)
                return $"{At} is {Describe(current)}, not an array to take [{index}] of";
            if (index >= current.GetArrayLength())
                return $"{At} has {current.GetArrayLength()} elements, so no [{index}]";
            Take(new JsonPathStep.Element(index), current[index], $"{At}[{index}]");
            return null;
        }

        /// <summary>A dotted part, read as <see cref="JsonPathStep.DottedPart"/> says; <paramref name="i"/> moves past the
        /// parts a joined key used.</summary>
        private string? DottedPart(IReadOnlyList<JsonPathStep> steps, ref int i)
        {
            var part = (JsonPathStep.DottedPart)steps[i];
            var indices = part.Indices;
            if (part.Key.Length == 0 && indices.Count > 0)
            {
                // "[0].x" at the start: index the current value itself.
            }
            else if (current.ValueKind != JsonValueKind.Object)
            {
                return $"{At} is {Describe(current)}, not an object with key '{part.Key}'";
            }
            else if (current.TryGetProperty(part.Key, out var next))
            {
                Take(new JsonPathStep.Member(part.Key), next, $"'{part.Key}'");
            }
            else if (indices.Count > 0 && current.TryGetProperty(part.Part, out var literal))
            {
                // A key that contains "[0]" itself.
                Take(new JsonPathStep.Member(part.Part), literal, $"'{part.Part}'");
                indices = [];
                lenient = true;
            }
            else if (JoinedKey(steps, i) is var (key, used, joined))
            {
                // A key that contains dots: "a.b.c" read as key "a.b", then "c".
                i += used - 1;
                var last = (JsonPathStep.DottedPart)steps[i];
                Take(new JsonPathStep.Member(key), joined, $"'{last.Key}'");
                indices = last.Indices;
                lenient = true;
            }
            else
            {
                return $"{At} has no key '{part.Key}' (keys: {Keys(current)})";
            }
            foreach (int index in indices)
            {
                if (Element(index) is { } why)
                    return why;
            }
            return null;
        }

        /// <summary>A key that contains dots: the parts from <paramref name="from"/> on joined at their dots, shortest first
        /// ("a.b.c" may be key "a.b" then "c"); the key, how many parts it used, and its value.</summary>
        private (string Key, int Used, JsonElement Value)? JoinedKey(IReadOnlyList<JsonPathStep> steps, int from)
        {
            var key = new StringBuilder(((JsonPathStep.DottedPart)steps[from]).Part);
            for (int j = from + 1; j < steps.Count; j++)
            {
                var part = (JsonPathStep.DottedPart)steps[j];
                key.Append('.').Append(part.Key);
                if (current.TryGetProperty(key.ToString(), out var value))
                    return (key.ToString(), j - from + 1, value);
                key.Length -= part.Key.Length;
                key.Append(part.Part);
            }
            return null;
        }

        private void Take(JsonPathStep step, JsonElement value, string at)
        {
            taken.Add(step);
            current = value;
            At = at;
        }
    }
}

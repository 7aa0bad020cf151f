using System.Text.Json;
using static Bomax.Cli.Evaluation.ScoreExtractor;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// The <c>lm-eval</c> score rule: a metric of the evaluation's benchmark from the results file that
/// lm-evaluation-harness wrote under the output directory.
/// </summary>
internal static class LmEvalResults
{
    /// <summary>
    /// Reads <paramref name="metric"/> of task <paramref name="benchmark"/> from the newest lm-eval results file
    /// under <paramref name="outputDirectory"/> (or from that path itself where it is a file).
    /// </summary>
    /// <returns>The score with its standard error, or a message saying what was found instead; it shows the end
    /// of <paramref name="stdout"/> when there is no results file at all.</returns>
    public static ScoreResult Extract(string metric, string stdout, string outputDirectory, string benchmark)
    {
        metric = metric.Trim();
        if (metric.Length == 0)
            return new Unparseable("the lm-eval metric is empty: give one such as 'acc_norm,none'");

        // Old lm-eval versions take --output_path as the file to write.
        List<string> files = File.Exists(outputDirectory) ? [outputDirectory] : NewestFirst(outputDirectory, "results*.json");
        if (files.Count == 0)
            return new Unparseable($"no lm-eval results file (results*.json) under {outputDirectory}; does the "
                                   + $"command pass --output_path {{output_dir}}? The output ended: {ShowEnd(stdout)}");

        string? firstProblem = null;
        foreach (var file in files)
        {
            using var document = TryParseJsonFile(file, out string? readError);
            string name = RelativeName(file, outputDirectory);
            if (document is null)
            {
                firstProblem ??= $"{name}: {readError}";
                continue;
            }
            var result = FromDocument(document.RootElement, metric, benchmark, name);
            if (result is Scored)
                return result;
            firstProblem ??= ((Unparseable)result).Message;
        }
        return new Unparseable(files.Count == 1
            ? firstProblem!
            : $"none of the {files.Count} lm-eval results files under {outputDirectory} has it; newest: {firstProblem}");
    }

    private static ScoreResult FromDocument(JsonElement root, string metric, string benchmark, string fileName)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Object)
            return new Unparseable($"{fileName} is not an lm-eval results file: it has no \"results\" object "
                                   + $"(top level: {(root.ValueKind == JsonValueKind.Object ? Keys(root) : Describe(root))})");

        // A group's aggregate is in "groups" (and, in recent versions, in "results" too). Prefer the
        // entry that has the metric; otherwise report on whichever entry exists.
        JsonElement? task = null;
        foreach (var section in (ReadOnlySpan<string>)["results", "groups"])
        {
            if (!root.TryGetProperty(section, out var tasks) || tasks.ValueKind != JsonValueKind.Object
                || !tasks.TryGetProperty(benchmark, out var entry) || entry.ValueKind != JsonValueKind.Object)
                continue;
            if (FindMetric(entry, metric, out _, out _))
            {
                task = entry;
                break;
            }
            task ??= entry;
        }
        if (task is not { } found)
        {
            string groups = root.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Object
                ? $"; groups: {Keys(g)}" : "";
            return new Unparseable($"{fileName} has no task '{benchmark}' (tasks: {Keys(results)}{groups})");
        }

        if (!FindMetric(found, metric, out string? key, out string? ambiguity))
            return new Unparseable(ambiguity
                                   ?? $"task '{benchmark}' in {fileName} has no metric '{metric}' (metrics: {Keys(found)})");
        var valueElement = found.GetProperty(key!);
        if (!TryNumber(valueElement, out double score))
            return new Unparseable($"'{key}' of task '{benchmark}' in {fileName} is {Describe(valueElement)}, not a number");

        double? standardError = null;
        foreach (var stderrKey in StderrKeys(key!))
        {
            if (found.TryGetProperty(stderrKey, out var stderrElement))
            {
                // lm-eval writes "N/A" where it could not compute one.
                standardError = TryNumber(stderrElement, out double se) && se >= 0 ? se : null;
                break;
            }
        }
        return new Scored(score, standardError);
    }

    /// <summary>
    /// The key under which a task reports <paramref name="metric"/>: the metric itself (<c>acc_norm,none</c>),
    /// the old unfiltered form (<c>acc</c> for <c>acc</c> or <c>acc,none</c>), or, for a bare name, its
    /// <c>,none</c> form or its only filtered form. Several filtered forms of a bare name are ambiguous.
    /// </summary>
    private static bool FindMetric(JsonElement task, string metric, out string? key, out string? ambiguity)
    {
        ambiguity = null;
        key = null;
        int comma = metric.IndexOf(',');
        string name = comma < 0 ? metric : metric[..comma];
        string? filter = comma < 0 ? null : metric[(comma + 1)..];

        var candidates = filter switch
        {
            null => new[] { metric, metric + ",none" },
            "none" => [metric, name],
            _ => [metric],
        };
        foreach (var candidate in candidates)
        {
            if (task.TryGetProperty(candidate, out _))
            {
                key = candidate;
                return true;
            }
        }
        if (filter is null)
        {
            var filtered = task.EnumerateObject()
                .Select(property => property.Name)
                .Where(n => n.StartsWith(name + ",", StringComparison.Ordinal))
                .ToList();
            if (filtered.Count == 1)
            {
                key = filtered[0];
                return true;
            }
            if (filtered.Count > 1)
                ambiguity = $"metric '{metric}' is reported with several filters ({string.Join(", ", filtered)}); "
                            + $"name one, e.g. '{filtered[0]}'";
        }
        return false;
    }

    /// <summary>Where lm-eval puts a metric's standard error: <c>acc_stderr,none</c> for <c>acc,none</c>; <c>acc_stderr</c> for <c>acc</c>.</summary>
    private static IEnumerable<string> StderrKeys(string metricKey)
    {
        int comma = metricKey.IndexOf(',');
        if (comma < 0)
        {
            yield return metricKey + "_stderr";
            yield break;
        }
        yield return metricKey[..comma] + "_stderr" + metricKey[comma..];
    }
}

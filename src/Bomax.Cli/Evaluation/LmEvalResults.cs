using System.Text.Json;
using static Bomax.Cli.Evaluation.LenientJson;
using static Bomax.Cli.Evaluation.ScoreDescriptions;
using static Bomax.Cli.Evaluation.ScoreFiles;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// The <c>lm-eval</c> score rule: a metric of the evaluation's benchmark from the results file that
/// lm-evaluation-harness wrote under the output directory.
/// </summary>
/// <remarks>
/// Where the harness writes that file, by version (lm_eval/__main__.py, then
/// EvaluationTracker.save_results_aggregated in lm_eval/loggers/evaluation_tracker.py):
/// <list type="bullet">
/// <item>up to 0.4.2: <c>--output_path DIR</c> writes <c>DIR/results.json</c>; <c>--output_path F.json</c>
/// writes <c>F.json</c> itself (as 0.3 does with any path);</item>
/// <item>0.4.3 to 0.4.8: <c>--output_path P</c> writes <c>P/&lt;model_name_sanitized&gt;/results_&lt;timestamp&gt;.json</c>;</item>
/// <item>0.4.9 on: <c>--output_path DIR</c> as 0.4.3 does; <c>--output_path D/STEM.json</c> writes
/// <c>D/STEM_&lt;timestamp&gt;.json</c>, with no model directory.</item>
/// </list>
/// The timestamp is <c>datetime.now().isoformat()</c> with ':' replaced by '-' (see
/// <see cref="ScoreFiles.TimestampInName"/>). Per-sample logs are <c>samples_&lt;task&gt;_&lt;timestamp&gt;.jsonl</c>.
/// </remarks>
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
        List<string> files = File.Exists(outputDirectory) ? [outputDirectory] : NewestFirst(outputDirectory, IsResultsFileName);
        // Up to 0.4.2, --output_path {output_dir}/STEM.json writes STEM.json: any other JSON file, read if it holds results.
        bool others = files.Count == 0;
        if (others) files = NewestFirst(outputDirectory, IsOtherJsonFileName);
        var none = new Unparseable($"no lm-eval results file (results*.json) under {outputDirectory}, nor a "
                                   + "<name>_<timestamp>.json; does the command pass --output_path {output_dir}? "
                                   + $"The output ended: {ShowEnd(stdout)}");
        if (files.Count == 0)
            return none;

        string? firstProblem = null;
        foreach (var file in files)
        {
            using var document = TryParseFile(file, out string? readError);
            string name = RelativeName(file, outputDirectory);
            if (others && (document is null || document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("results", out _)))
                continue; // not results at all: the message says none was found
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
        if (firstProblem is null)
            return none;
        return new Unparseable(files.Count == 1
            ? firstProblem
            : $"none of the {files.Count} lm-eval results files under {outputDirectory} has it; newest: {firstProblem}");
    }

    /// <summary>
    /// Whether a file name is one the harness gives aggregated results: <c>results*.json</c>
    /// (<c>results.json</c>, <c>results_&lt;timestamp&gt;.json</c>) or <c>&lt;stem&gt;_&lt;timestamp&gt;.json</c>
    /// (for <c>--output_path …/&lt;stem&gt;.json</c>). Files so named without a <c>results</c> object are
    /// skipped when read.
    /// </summary>
    internal static bool IsResultsFileName(string fileName) =>
        fileName.EndsWith(".json", StringComparison.Ordinal)
        && (fileName.StartsWith("results", StringComparison.Ordinal) || TimestampInName(fileName) is not null);

    /// <summary>A JSON file that is not a per-sample log: read only when no file is named as results are.</summary>
    internal static bool IsOtherJsonFileName(string fileName) =>
        fileName.EndsWith(".json", StringComparison.Ordinal) && !fileName.StartsWith("samples", StringComparison.Ordinal);

    /// <summary>
    /// Reads <paramref name="metric"/> of task or group <paramref name="benchmark"/> from one parsed results file,
    /// named <paramref name="fileName"/> in messages and in the score's <see cref="Scored.Source"/>.
    /// </summary>
    /// <returns>The score with its standard error, source and stated direction; else what the file has instead.</returns>
    private static ScoreResult FromDocument(JsonElement root, string metric, string benchmark, string fileName)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Object)
            return new Unparseable($"{fileName} is not an lm-eval results file: it has no \"results\" object "
                                   + $"(top level: {(root.ValueKind == JsonValueKind.Object ? Keys(root) : Describe(root))})");

        if (FindTask(root, metric, benchmark) is not (string section, JsonElement task))
        {
            string groups = root.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Object
                ? $"; groups: {Keys(g)}" : "";
            return new Unparseable($"{fileName} has no task '{benchmark}' (tasks: {Keys(results)}{groups})");
        }

        if (!FindMetric(task, metric, out string? key, out string? ambiguity))
            return new Unparseable(ambiguity
                                   ?? $"task '{benchmark}' in {fileName} has no metric '{metric}' (metrics: {Keys(task)})");
        var valueElement = task.GetProperty(key!);
        if (!TryNumber(valueElement, out double score))
            return new Unparseable($"'{key}' of task '{benchmark}' in {fileName} is {DescribeNonNumber(valueElement)}");

        return new Scored(score, StandardError(task, key!))
        {
            Source = $"{fileName}: {section}.{benchmark}.\"{key}\"",
            HigherIsBetter = StatedDirection(root, benchmark, key!),
        };
    }

    /// <summary>
    /// The entry of task <paramref name="benchmark"/>: from <c>results</c>, or from <c>groups</c>, where a group's
    /// aggregate is (recent versions have it in both). The entry that has <paramref name="metric"/> wins; else
    /// whichever exists, so that the message can list its metrics.
    /// </summary>
    /// <returns>The section it was read from (<c>results</c> or <c>groups</c>) and the entry; null when neither has the task.</returns>
    private static (string Section, JsonElement Entry)? FindTask(JsonElement root, string metric, string benchmark)
    {
        (string, JsonElement)? found = null;
        foreach (var section in (ReadOnlySpan<string>)["results", "groups"])
        {
            if (!root.TryGetProperty(section, out var tasks) || tasks.ValueKind != JsonValueKind.Object
                || !tasks.TryGetProperty(benchmark, out var entry) || entry.ValueKind != JsonValueKind.Object)
                continue;
            if (FindMetric(entry, metric, out _, out _))
                return (section, entry);
            found ??= (section, entry);
        }
        return found;
    }

    /// <summary>
    /// The standard error a task entry reports beside <paramref name="metricKey"/>; null where it has none or
    /// writes "N/A" (lm-eval's word for one it could not compute).
    /// </summary>
    private static double? StandardError(JsonElement task, string metricKey)
    {
        foreach (var stderrKey in StderrKeys(metricKey))
        {
            if (task.TryGetProperty(stderrKey, out var stderrElement))
                return TryNumber(stderrElement, out double se) && se >= 0 ? se : null;
        }
        return null;
    }

    /// <summary>
    /// The direction the file states for a metric: <c>higher_is_better[task][name]</c>, where name is the metric
    /// key before its filter (<c>exact_match</c> for <c>exact_match,strict-match</c>) and task is the task or
    /// group name as in <c>results</c> and <c>groups</c>.
    /// </summary>
    /// <returns>True or false as stated; null where the file has no <c>higher_is_better</c> (0.3, 0.4.0) or it
    /// does not name this metric with a boolean.</returns>
    private static bool? StatedDirection(JsonElement root, string task, string metricKey)
    {
        int comma = metricKey.IndexOf(',');
        string name = comma < 0 ? metricKey : metricKey[..comma];
        if (!root.TryGetProperty("higher_is_better", out var tasks) || tasks.ValueKind != JsonValueKind.Object
            || !tasks.TryGetProperty(task, out var metrics) || metrics.ValueKind != JsonValueKind.Object
            || !metrics.TryGetProperty(name, out var stated))
            return null;
        return stated.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };
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

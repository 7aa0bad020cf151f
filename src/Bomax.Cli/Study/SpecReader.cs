using System.Text.RegularExpressions;
using Bomax.Cli.Study.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study;

/// <summary>
/// One problem in a spec: the file, the 1-based line and column of the offending key or value, the
/// dotted path of the field (<c>eval.timeout</c>, <c>benchmarks[2].weight</c>) and what is wrong.
/// Problems with the file as a whole (it cannot be read) have line and column 0 and no field, and print without a position
/// (<c>nosuch.yml: spec file not found</c>): <c>:0:0</c> would point at no place in it. A warning (a form that is read but
/// deprecated) has the same shape.
/// </summary>
internal sealed record SpecError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() =>
        $"{File}{(Line > 0 ? $":{Line}:{Column}" : "")}: {(Field.Length == 0 ? "" : Field + ": ")}{Message}";
}

/// <summary>The outcome of reading a spec: the study (with its warnings, <see cref="StudySpec.Warnings"/>), or every
/// problem found, ordered by line.</summary>
internal abstract record SpecReadResult
{
    private SpecReadResult() { }

    public sealed record Ok(StudySpec Spec) : SpecReadResult;
    public sealed record Invalid(IReadOnlyList<SpecError> Errors) : SpecReadResult;
}

/// <summary>
/// Reads the YAML study spec of <c>bomax run study.yml</c> into a <see cref="StudySpec"/>, checking it
/// whole: unknown keys (with a suggestion), wrong types and ranges, missing keys, command templates and
/// score patterns. Every problem it can find is reported, each with the line and column it is about.
/// Each section has its own reader under <c>Study/Spec/</c>, written on <see cref="YamlFields"/>; this puts them together.
/// </summary>
internal static partial class SpecReader
{
    /// <summary>The values of <c>eval.score</c> written as a plain string.</summary>
    public const string LastNumberRule = ScoreRuleReader.LastNumber;

    internal static readonly string[] TopKeys = ["study", "checkpoints", "benchmarks", "eval", "budget", "stop", "engine", "journal", "prior"];
    internal static readonly string[] CheckpointKeys = CheckpointsReader.Keys;
    internal static readonly string[] BenchmarkKeys = BenchmarksReader.Keys;
    internal static readonly string[] EvalKeys = EvalReader.Keys;
    internal static readonly string[] ScoreKeys = ScoreRuleReader.Keys;
    internal static readonly string[] BudgetKeys = BudgetReader.Keys;
    internal static readonly string[] StopKeys = StopReader.Keys;
    internal static readonly string[] EngineKeys = EngineReader.Keys;

    /// <summary>What a study name may hold: letters, digits, '.', '_' and '-' (it names files).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    internal static partial Regex StudyName();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.CultureInvariant)]
    private static partial Regex YamlMarks();

    /// <summary>Reads the spec file at <paramref name="specPath"/>.</summary>
    public static SpecReadResult ReadFile(string specPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(specPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new SpecReadResult.Invalid([new SpecError(specPath, 0, 0, "", "spec file not found")]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException
                                      or ArgumentException or NotSupportedException)
        {
            return new SpecReadResult.Invalid([new SpecError(specPath, 0, 0, "", $"cannot read spec file: {e.Message}")]);
        }
        return Read(text, specPath);
    }

    /// <summary>
    /// Reads a spec from <paramref name="yamlText"/>; <paramref name="specPath"/> names it in errors and
    /// anchors relative paths (the file system is not touched).
    /// </summary>
    public static SpecReadResult Read(string yamlText, string specPath)
    {
        var fields = new YamlFields(specPath);
        var spec = Load(fields, yamlText) is { } root ? ReadSpec(fields, root) : null;
        if (fields.Errors.Count > 0 || spec is null)
            return new SpecReadResult.Invalid(ByPosition(fields.Errors));
        return new SpecReadResult.Ok(spec with { Warnings = ByPosition(fields.Warnings) });
    }

    private static List<SpecError> ByPosition(IEnumerable<SpecError> problems) =>
        problems.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();

    /// <summary>
    /// Checks a regex whose first capture group is to be read (a <c>step:</c> pattern, a <c>regex:</c>
    /// score): null and the compiled regex when it compiles and has a capture group, else why not.
    /// </summary>
    internal static string? CheckCapturePattern(string pattern, out Regex? regex)
    {
        regex = null;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            return $"'{pattern}' is not a valid regular expression: {e.Message}";
        }
        if (regex.GetGroupNumbers().Length < 2)
        {
            regex = null;
            return $"'{pattern}' has no capture group: put the part to read in parentheses, e.g. 'step-(\\d+)'";
        }
        return null;
    }

    /// <summary>The spec's one YAML document, a mapping; null, with the reason recorded, when the text is not that.</summary>
    private static YamlMappingNode? Load(YamlFields fields, string text)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new YamlDotNet.Core.Parser(scanner));
        }
        catch (YamlException e)
        {
            string message = YamlMarks().Replace(e.Message, "");
            if (message.StartsWith("Duplicate key ", StringComparison.Ordinal))
                message = $"duplicate key '{message["Duplicate key ".Length..]}'";
            fields.Error(e.Start, "", $"invalid YAML: {message}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // Some malformed input trips the scanner itself; it still knows where it stopped.
            fields.Error(scanner.CurrentPosition, "", "invalid YAML: cannot parse the text here (is a bracket or a quote left open?)");
            return null;
        }

        if (stream.Documents.Count == 0 || YamlFields.IsNull(stream.Documents[0].RootNode))
        {
            var at = stream.Documents.Count == 0 ? new Mark(0, 1, 1) : stream.Documents[0].RootNode.Start;
            fields.Error(at, "", "the spec is empty: expected a mapping with study:, checkpoints:, benchmarks: and eval:");
            return null;
        }
        if (stream.Documents.Count > 1)
            fields.Error(stream.Documents[1].RootNode, "", "a spec holds one YAML document; this is a second one");
        var root = stream.Documents[0].RootNode;
        if (root is YamlMappingNode mapping) return mapping;
        fields.Error(root, "", $"the spec must be a mapping with study:, checkpoints:, benchmarks: and eval:, found {YamlFields.Describe(root)}");
        return null;
    }

    /// <summary>Every section, each read whole (so that all their problems are found), then the study when none has one.</summary>
    private static StudySpec? ReadSpec(YamlFields fields, YamlMappingNode root)
    {
        string specDirectory = SpecDirectoryOf(fields.File);
        var top = fields.Keys(root, "", TopKeys, required: true)!;

        string? name = StudyNameReader.Read(fields, top);
        var checkpoints = CheckpointsReader.Read(fields, top);
        var benchmarks = BenchmarksReader.Read(fields, top);
        var eval = EvalReader.Read(fields, top, benchmarks, specDirectory);
        var budget = BudgetReader.Read(fields, top);
        var stop = StopReader.Read(fields, top);
        var engine = EngineReader.Read(fields, top);
        var journal = JournalReader.Read(fields, top, name, specDirectory);
        var prior = PriorReader.Read(fields, top, specDirectory);

        if (name is null || checkpoints is null || benchmarks is null || eval is null
            || budget is null || stop is null || engine is null || prior is null || fields.Errors.Count > 0)
            return null;
        if (prior.Count > 0 && !EngineReader.WritesInit(top)) engine = engine with { Init = EngineSpec.InitWithPrior };
        return new StudySpec(name, fields.File, specDirectory, checkpoints, benchmarks.Select(b => b.Spec).ToList(),
            eval, budget, stop, engine, journal.Path, YamlFields.Position(root))
        {
            JournalPosition = journal.Position,
            Prior = prior,
        };
    }

    private static string SpecDirectoryOf(string specPath)
    {
        string full = Path.GetFullPath(specPath.Length == 0 ? "." : specPath);
        return Path.GetDirectoryName(full) ?? full;
    }
}

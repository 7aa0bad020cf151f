using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study;

/// <summary>
/// One problem in a spec: the file, the 1-based line and column of the offending key or value, the
/// dotted path of the field (<c>eval.timeout</c>, <c>benchmarks[2].weight</c>) and what is wrong.
/// Problems with the file as a whole (it cannot be read) have line and column 0 and no field, and print without a position
/// (<c>nosuch.yml: spec file not found</c>): <c>:0:0</c> would point at no place in it.
/// </summary>
internal sealed record SpecError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() =>
        $"{File}{(Line > 0 ? $":{Line}:{Column}" : "")}: {(Field.Length == 0 ? "" : Field + ": ")}{Message}";
}

/// <summary>The outcome of reading a spec: the study, or every problem found, ordered by line.</summary>
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
/// </summary>
internal static partial class SpecReader
{
    /// <summary>The values of <c>eval.score</c> written as a plain string.</summary>
    public const string LastNumberRule = "last-number";

    internal static readonly string[] TopKeys = ["study", "checkpoints", "benchmarks", "eval", "budget", "stop", "engine", "journal"];
    internal static readonly string[] CheckpointKeys = ["glob", "list", "step"];
    internal static readonly string[] BenchmarkKeys = ["name", "weight", "command", "score", "goal"];
    internal static readonly string[] EvalKeys = ["command", "shell", "score", "timeout", "retries", "parallel", "workdir", "env", "score-limit"];
    internal static readonly string[] ScoreKeys = ["lm-eval", "json", "regex"];
    internal static readonly string[] BudgetKeys = ["max-evals", "max-time"];
    internal static readonly string[] StopKeys = ["prob-best", "expected-shortfall"];
    internal static readonly string[] EngineKeys = ["device", "kernel", "task-rank", "seed", "init", "acquisition", "threads"];

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
        var parser = new Parser(specPath);
        var spec = parser.ReadSpec(yamlText);
        if (parser.Errors.Count > 0 || spec is null)
        {
            var sorted = parser.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
            return new SpecReadResult.Invalid(sorted);
        }
        return new SpecReadResult.Ok(spec);
    }

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

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Join(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    private static string OneOf(IEnumerable<string> names) => string.Join(", ", names);

    /// <summary>The keys of one mapping in the spec, known ones only, with what was suggested for unknown ones.</summary>
    private sealed class Section(YamlMappingNode node, string field)
    {
        public YamlMappingNode Node { get; } = node;
        public string Field { get; } = field;
        public Dictionary<string, (YamlScalarNode Key, YamlNode Value)> Entries { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Suggested { get; } = new(StringComparer.Ordinal);

        /// <summary>The value of a key, or null when absent or (for optional keys) written without a value.</summary>
        public YamlNode? Value(string key) =>
            Entries.TryGetValue(key, out var entry) && !IsNull(entry.Value) ? entry.Value : null;

        public bool Has(string key) => Entries.ContainsKey(key);

        public string FieldOf(string key) => Join(Field, key);
    }

    private sealed class Parser(string file)
    {
        private readonly string file = file;
        public List<SpecError> Errors { get; } = [];

        private void Error(Mark mark, string field, string message) =>
            Errors.Add(new SpecError(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), field, message));

        private void Error(YamlNode node, string field, string message) => Error(node.Start, field, message);

        public StudySpec? ReadSpec(string text)
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
                Error(e.Start, "", $"invalid YAML: {message}");
                return null;
            }
            catch (InvalidOperationException)
            {
                // Some malformed input trips the scanner itself; it still knows where it stopped.
                Error(scanner.CurrentPosition, "", "invalid YAML: cannot parse the text here (is a bracket or a quote left open?)");
                return null;
            }

            if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
            {
                var at = stream.Documents.Count == 0 ? new Mark(0, 1, 1) : stream.Documents[0].RootNode.Start;
                Error(at, "", "the spec is empty: expected a mapping with study:, checkpoints:, benchmarks: and eval:");
                return null;
            }
            if (stream.Documents.Count > 1)
                Error(stream.Documents[1].RootNode, "", "a spec holds one YAML document; this is a second one");
            var root = stream.Documents[0].RootNode;
            if (root is not YamlMappingNode)
            {
                Error(root, "", $"the spec must be a mapping with study:, checkpoints:, benchmarks: and eval:, found {Describe(root)}");
                return null;
            }

            string specDirectory = SpecDirectoryOf(file);
            var top = Keys(root, "", TopKeys, required: true)!;

            string? name = Study(top);
            var checkpoints = Checkpoints(top);
            var benchmarks = Benchmarks(top, out bool benchmarksOk);
            var eval = Eval(top, benchmarks, specDirectory);
            var budget = Budget(top);
            var stop = Stop(top);
            var engine = Engine(top);
            string? journal = OptionalText(top, "journal");
            string journalPath = Path.GetFullPath(journal ?? Path.Combine(".bomax", (name ?? "study") + ".jsonl"), specDirectory);

            if (name is null || checkpoints is null || benchmarks is null || !benchmarksOk || eval is null
                || budget is null || stop is null || engine is null || Errors.Count > 0)
                return null;
            return new StudySpec(name, file, specDirectory, checkpoints, benchmarks.Select(b => b.Spec).ToList(),
                eval, budget, stop, engine, journalPath, Position(root))
            {
                JournalPosition = top.Value("journal") is { } journalNode ? Position(journalNode) : null,
            };
        }

        private static string SpecDirectoryOf(string specPath)
        {
            string full = Path.GetFullPath(specPath.Length == 0 ? "." : specPath);
            return Path.GetDirectoryName(full) ?? full;
        }

        private static SourcePosition Position(YamlNode node) =>
            new((int)Math.Max(1, node.Start.Line), (int)Math.Max(1, node.Start.Column));

        // ---- generic helpers -------------------------------------------------------------------

        /// <summary>
        /// The known keys of a mapping; unknown keys are reported with a suggestion. Null (and an error
        /// when <paramref name="required"/>) when the node is not a mapping.
        /// </summary>
        private Section? Keys(YamlNode node, string field, string[] known, bool required, string? expected = null)
        {
            if (node is not YamlMappingNode mapping)
            {
                if (IsNull(node) && !required) return null;
                Error(node, field, $"expected {expected ?? "a mapping with " + OneOf(known.Select(k => k + ":"))}, found {Describe(node)}");
                return null;
            }
            var section = new Section(mapping, field);
            foreach (var (keyNode, value) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode { Value: not null } key || IsNull(keyNode))
                {
                    Error(keyNode, field, $"keys must be names, found {Describe(keyNode)}");
                    continue;
                }
                if (known.Contains(key.Value, StringComparer.Ordinal))
                {
                    section.Entries[key.Value] = (key, value);
                    continue;
                }
                string? closest = DidYouMean.Closest(key.Value, known);
                if (closest is not null) section.Suggested.Add(closest);
                string hint = closest is not null
                    ? $"did you mean '{closest}'?"
                    : $"known keys here: {OneOf(known)}";
                Error(key, Join(field, key.Value), $"unknown key '{key.Value}'; {hint}");
            }
            return section;
        }

        /// <summary>Reports a required key that is absent, at the mapping that should hold it.</summary>
        private void Missing(Section section, string key, string what)
        {
            if (section.Suggested.Contains(key)) return; // already said: "did you mean '<key>'?"
            Error(section.Node, section.FieldOf(key), $"missing required key '{key}' ({what})");
        }

        /// <summary>The text of a scalar; an error for a mapping, a list or an empty value.</summary>
        private string? Text(YamlNode node, string field, string what = "a string")
        {
            if (node is YamlScalarNode scalar && !IsNull(scalar))
            {
                if (string.IsNullOrWhiteSpace(scalar.Value))
                {
                    Error(node, field, $"expected {what}, found an empty string");
                    return null;
                }
                return scalar.Value;
            }
            Error(node, field, $"expected {what}, found {Describe(node)}");
            return null;
        }

        private string? OptionalText(Section? section, string key, string what = "a string") =>
            section?.Value(key) is { } node ? Text(node, section.FieldOf(key), what) : null;

        private int? Integer(YamlNode node, string field, int minimum, string what)
        {
            string? text = Text(node, field, what);
            if (text is null) return null;
            if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                Error(node, field, $"expected {what}, found '{text}'");
                return null;
            }
            if (value < minimum)
            {
                Error(node, field, $"must be at least {minimum}, found {value}");
                return null;
            }
            return value;
        }

        private double? Number(YamlNode node, string field, string what)
        {
            string? text = Text(node, field, what);
            if (text is null) return null;
            string trimmed = text.Trim();
            if (trimmed is ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF") return double.PositiveInfinity;
            if (trimmed is "-.inf" or "-.Inf" or "-.INF") return double.NegativeInfinity;
            if (trimmed is ".nan" or ".NaN" or ".NAN") return double.NaN;
            if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                Error(node, field, $"expected {what}, found '{text}'");
                return null;
            }
            return value;
        }

        private TimeSpan? Duration(YamlNode node, string field)
        {
            string? text = Text(node, field, "a duration");
            if (text is null) return null;
            if (!Durations.TryParse(text, out var value, out string error))
            {
                Error(node, field, error);
                return null;
            }
            if (value <= TimeSpan.Zero)
            {
                Error(node, field, $"must be longer than 0, found '{text}'");
                return null;
            }
            return value;
        }

        /// <summary>A value from a fixed set, with a suggestion when it is close to one of them.</summary>
        private T? Choice<T>(Section section, string key, SettingWords<T> choices, T fallback) where T : struct, Enum =>
            section.Value(key) is { } node ? Choice(node, section.FieldOf(key), choices) : fallback;

        /// <summary>One of a setting's words, read into its value; an error naming the words (and the nearest) otherwise.</summary>
        private T? Choice<T>(YamlNode node, string field, SettingWords<T> choices, string? meaning = null) where T : struct, Enum
        {
            string? text = Text(node, field, $"one of {choices.List}");
            if (text is null) return null;
            if (choices.Read(text) is { } value) return value;
            Error(node, field, choices.Problem(text, meaning ?? ""));
            return null;
        }

        /// <summary>Checks a command template's placeholders; returns the known ones it uses.</summary>
        private IReadOnlySet<string>? Template(YamlNode node, string field)
        {
            string? template = Text(node, field, "a command");
            if (template is null) return null;
            var (unknown, used) = Evaluation.CommandTemplate.Scan(template);
            foreach (string name in unknown)
            {
                string? closest = DidYouMean.Closest(name, Evaluation.CommandTemplate.Placeholders);
                string hint = closest is not null
                    ? $"did you mean '{{{closest}}}'?"
                    : $"the placeholders are {OneOf(Evaluation.CommandTemplate.Placeholders.Select(p => $"{{{p}}}"))}";
                Error(node, field, $"unknown placeholder '{{{name}}}'; {hint}");
            }
            return used;
        }

        // ---- sections --------------------------------------------------------------------------

        private string? Study(Section top)
        {
            if (!top.Has("study"))
            {
                Missing(top, "study", "the study's name");
                return null;
            }
            var node = top.Entries["study"].Value;
            string? name = Text(node, "study", "the study's name");
            if (name is null) return null;
            if (!StudyName().IsMatch(name))
            {
                Error(node, "study", $"'{name}' is not a valid study name: use letters, digits, '.', '_' and '-' only");
                return null;
            }
            if (name.Trim('.').Length == 0)
            {
                Error(node, "study", $"'{name}' is not a valid study name: it must not be only dots");
                return null;
            }
            return name;
        }

        private CheckpointSpec? Checkpoints(Section top)
        {
            if (!top.Has("checkpoints"))
            {
                Missing(top, "checkpoints", "glob: or list: of the checkpoints to evaluate");
                return null;
            }
            var node = top.Entries["checkpoints"].Value;
            var section = Keys(node, "checkpoints", CheckpointKeys, required: true,
                expected: "a mapping with glob: (a pattern) or list: (names or paths)");
            if (section is null) return null;
            bool ok = true;

            string? glob = null;
            SourcePosition? globPosition = null;
            if (section.Has("glob"))
            {
                var value = section.Entries["glob"].Value;
                glob = Text(value, "checkpoints.glob", "a file or directory pattern");
                globPosition = Position(value);
                ok &= glob is not null;
            }

            List<string>? list = null;
            List<SourcePosition>? listPositions = null;
            if (section.Has("list"))
            {
                var value = section.Entries["list"].Value;
                if (value is not YamlSequenceNode sequence)
                {
                    Error(value, "checkpoints.list", $"expected a list of checkpoint names or paths, found {Describe(value)}");
                    ok = false;
                }
                else if (sequence.Children.Count == 0)
                {
                    Error(value, "checkpoints.list", "the list is empty: give at least one checkpoint name or path");
                    ok = false;
                }
                else
                {
                    list = [];
                    listPositions = [];
                    for (int i = 0; i < sequence.Children.Count; i++)
                    {
                        var item = sequence.Children[i];
                        string? entry = Text(item, $"checkpoints.list[{i}]", "a checkpoint name or path");
                        if (entry is null) { ok = false; continue; }
                        list.Add(entry);
                        listPositions.Add(Position(item));
                    }
                }
            }

            if (section.Has("glob") && section.Has("list"))
            {
                var second = new[] { section.Entries["glob"].Key, section.Entries["list"].Key }
                    .OrderBy(k => k.Start.Line).ThenBy(k => k.Start.Column).Last();
                Error(second, "checkpoints", "give either glob: or list:, not both");
                ok = false;
            }
            else if (!section.Has("glob") && !section.Has("list") && !section.Suggested.Overlaps(["glob", "list"]))
            {
                Error(section.Node, "checkpoints",
                    "needs glob: (a pattern of checkpoint files or directories) or list: (checkpoint names or paths)");
                ok = false;
            }

            string? step = null;
            SourcePosition? stepPosition = null;
            if (section.Has("step"))
            {
                var value = section.Entries["step"].Value;
                step = Text(value, "checkpoints.step", "a regular expression with one capture group");
                stepPosition = Position(value);
                if (step is not null && CheckCapturePattern(step, out _) is { } problem)
                {
                    Error(value, "checkpoints.step", problem);
                    step = null;
                }
                ok &= step is not null;
            }

            return ok ? new CheckpointSpec(glob, list, step, Position(node), globPosition, listPositions, stepPosition) : null;
        }

        private List<(BenchmarkSpec Spec, YamlNode Node)>? Benchmarks(Section top, out bool ok)
        {
            ok = false;
            if (!top.Has("benchmarks"))
            {
                Missing(top, "benchmarks", "the benchmarks to evaluate each checkpoint on");
                return null;
            }
            var node = top.Entries["benchmarks"].Value;
            if (node is not YamlSequenceNode sequence)
            {
                Error(node, "benchmarks",
                    $"expected a list of benchmarks (names, or mappings with name:, weight:, command:), found {Describe(node)}");
                return null;
            }
            if (sequence.Children.Count == 0)
            {
                Error(node, "benchmarks", "the list is empty: give at least one benchmark");
                return null;
            }

            var benchmarks = new List<(BenchmarkSpec, YamlNode)>();
            var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
            ok = true;
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                var item = sequence.Children[i];
                string field = $"benchmarks[{i}]";
                string? name = null;
                YamlNode? nameNode = null;
                double weight = 1;
                string? command = null;
                ScoreRule? score = null;
                ScoreGoal? goal = null;
                bool itemOk = true;

                if (item is YamlScalarNode)
                {
                    name = Text(item, field, "a benchmark name");
                    nameNode = item;
                    itemOk = name is not null;
                }
                else if (item is YamlMappingNode)
                {
                    var section = Keys(item, field, BenchmarkKeys, required: true)!;
                    if (!section.Has("name"))
                    {
                        Missing(section, "name", "the benchmark's name");
                        itemOk = false;
                    }
                    else
                    {
                        nameNode = section.Entries["name"].Value;
                        name = Text(nameNode, section.FieldOf("name"), "a benchmark name");
                        itemOk &= name is not null;
                    }
                    if (section.Value("weight") is { } weightNode)
                    {
                        double? value = Number(weightNode, section.FieldOf("weight"), "a positive number");
                        if (value is not null && (!double.IsFinite(value.Value) || value.Value <= 0))
                        {
                            Error(weightNode, section.FieldOf("weight"), $"must be a positive, finite number, found '{((YamlScalarNode)weightNode).Value}'");
                            value = null;
                        }
                        itemOk &= value is not null;
                        weight = value ?? weight;
                    }
                    if (section.Value("command") is { } commandNode)
                    {
                        var used = Template(commandNode, section.FieldOf("command"));
                        command = (commandNode as YamlScalarNode)?.Value;
                        itemOk &= used is not null;
                    }
                    if (section.Value("score") is { } scoreNode)
                    {
                        score = Score(scoreNode, section.FieldOf("score"));
                        itemOk &= score is not null;
                    }
                    if (section.Value("goal") is { } goalNode)
                    {
                        goal = Goal(goalNode, section.FieldOf("goal"));
                        itemOk &= goal is not null;
                    }
                }
                else
                {
                    Error(item, field, $"expected a benchmark name or a mapping with name: and optional weight:, command:, score:, goal:, found {Describe(item)}");
                    itemOk = false;
                }

                if (name is not null && nameNode is not null)
                {
                    int line = (int)nameNode.Start.Line;
                    if (firstLine.TryGetValue(name, out int first))
                    {
                        Error(nameNode, field, $"duplicate benchmark '{name}' (first at line {first})");
                        itemOk = false;
                    }
                    else
                    {
                        firstLine[name] = line;
                    }
                }
                if (itemOk && name is not null)
                    benchmarks.Add((new BenchmarkSpec(name, weight, command, Position(item)) { Score = score, Goal = goal }, item));
                ok &= itemOk;
            }
            if (ok && !double.IsFinite(benchmarks.Sum(b => b.Item1.Weight)))
            {
                Error(node, "benchmarks", "the weights add up to more than a number can hold: scale them down (only their ratios matter)");
                ok = false;
            }
            return benchmarks;
        }

        private EvalSpec? Eval(Section top, List<(BenchmarkSpec Spec, YamlNode Node)>? benchmarks, string specDirectory)
        {
            if (!top.Has("eval"))
            {
                Missing(top, "eval", "how to evaluate a checkpoint on a benchmark: eval.command and more");
                return null;
            }
            var node = top.Entries["eval"].Value;
            var section = Keys(node, "eval", EvalKeys, required: true, expected: "a mapping with command: and optional "
                + OneOf(EvalKeys.Skip(1).Select(k => k + ":")));
            if (section is null) return null;
            bool ok = true;

            string? command = null;
            if (section.Has("command"))
            {
                var commandNode = section.Entries["command"].Value;
                var used = Template(commandNode, "eval.command");
                if (used is not null)
                {
                    command = ((YamlScalarNode)commandNode).Value!;
                    var shared = benchmarks?.Where(b => b.Spec.Command is null).Select(b => b.Spec.Name).ToList() ?? [];
                    if (benchmarks is { Count: > 1 } && shared.Count > 0 && !used.Contains("benchmark"))
                    {
                        string who = shared.Count == benchmarks.Count
                            ? $"none of the {benchmarks.Count} benchmarks has a command of its own"
                            : $"{OneOf(shared.Select(n => $"'{n}'"))} {(shared.Count == 1 ? "has" : "have")} no command of {(shared.Count == 1 ? "its" : "their")} own";
                        Error(commandNode, "eval.command",
                            $"must contain {{benchmark}}: {who}, so without it every benchmark would run the same command");
                        ok = false;
                    }
                }
                else ok = false;
            }
            else
            {
                Missing(section, "command", "the command that evaluates a checkpoint on a benchmark");
                ok = false;
            }

            string? shell = null;
            if (section.Value("shell") is { } shellNode)
            {
                shell = Text(shellNode, "eval.shell", "bash");
                if (shell is not null && shell != "bash")
                {
                    Error(shellNode, "eval.shell",
                        $"'{shell}' is not supported: the only shell is bash (leave shell: out to run the command without a shell)");
                    shell = null;
                }
                ok &= shell is not null;
            }

            ScoreRule? score = new ScoreRule.LastNumber();
            if (section.Value("score") is { } scoreNode)
            {
                score = Score(scoreNode, "eval.score");
                ok &= score is not null;
            }

            TimeSpan timeout = EvalSpec.DefaultTimeout;
            if (section.Value("timeout") is { } timeoutNode)
            {
                var value = Duration(timeoutNode, "eval.timeout");
                if (value > EvalSpec.MaxTimeout)
                {
                    Error(timeoutNode, "eval.timeout", $"'{((YamlScalarNode)timeoutNode).Value}' is longer than a timeout can be (at most 49 days)");
                    value = null;
                }
                ok &= value is not null;
                timeout = value ?? timeout;
            }

            double scoreLimit = EvalSpec.DefaultScoreLimit;
            if (section.Value("score-limit") is { } limitNode)
            {
                double? value = Number(limitNode, "eval.score-limit", "a positive number such as 1e6");
                if (value is not null && !(double.IsFinite(value.Value) && value.Value > 0))
                {
                    Error(limitNode, "eval.score-limit", $"must be a positive, finite number, found '{((YamlScalarNode)limitNode).Value}'");
                    value = null;
                }
                ok &= value is not null;
                scoreLimit = value ?? scoreLimit;
            }

            int retries = EvalSpec.DefaultRetries;
            if (section.Value("retries") is { } retriesNode)
            {
                var value = Integer(retriesNode, "eval.retries", 0, "a whole number of retries (0 or more)");
                ok &= value is not null;
                retries = value ?? retries;
            }

            int parallel = EvalSpec.DefaultParallel;
            if (section.Value("parallel") is { } parallelNode)
            {
                var value = Integer(parallelNode, "eval.parallel", 1, "a whole number of evaluations at once (1 or more)");
                ok &= value is not null;
                parallel = value ?? parallel;
            }

            string workdir = specDirectory;
            SourcePosition? workdirPosition = null;
            if (section.Value("workdir") is { } workdirNode)
            {
                string? value = Text(workdirNode, "eval.workdir", "a directory");
                ok &= value is not null;
                if (value is not null) workdir = Path.GetFullPath(value, specDirectory);
                workdirPosition = Position(workdirNode);
            }

            if (command is not null && ok)
                ok &= CommandsSplit(section.Entries["command"].Value, "eval.command", shell);
            foreach (var (benchmark, item) in benchmarks ?? [])
                if (benchmark.Command is not null && item is YamlMappingNode mapping
                    && mapping.Children.TryGetValue(new YamlScalarNode("command"), out var own))
                    ok &= CommandsSplit(own, $"benchmarks[{benchmarks!.FindIndex(b => ReferenceEquals(b.Node, item))}].command", shell);

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            if (section.Value("env") is { } envNode)
            {
                if (envNode is not YamlMappingNode envMapping)
                {
                    Error(envNode, "eval.env", $"expected a mapping of variable names to values, found {Describe(envNode)}");
                    ok = false;
                }
                else
                {
                    foreach (var (keyNode, valueNode) in envMapping.Children)
                    {
                        if (keyNode is not YamlScalarNode { Value: { Length: > 0 } variable } || IsNull(keyNode)
                            || variable.Contains('=') || variable.Contains('\0'))
                        {
                            Error(keyNode, "eval.env", $"expected a variable name (no '='), found {Describe(keyNode)}");
                            ok = false;
                            continue;
                        }
                        string field = $"eval.env.{variable}";
                        if (valueNode is YamlScalarNode scalar && !IsNull(scalar))
                        {
                            environment[variable] = scalar.Value ?? "";
                        }
                        else
                        {
                            if (IsNull(valueNode))
                                Error(keyNode, field, "has no value: write '' for an empty one");
                            else
                                Error(valueNode, field, $"expected a string, found {Describe(valueNode)}");
                            ok = false;
                        }
                    }
                }
            }

            return ok && command is not null && score is not null
                ? new EvalSpec(command, shell, score, timeout, retries, parallel, workdir, environment, Position(node))
                {
                    ScoreLimit = scoreLimit,
                    WorkingDirectoryPosition = workdirPosition,
                }
                : null;
        }

        /// <summary>Checks that a command template can be split into words (or, with <c>shell: bash</c>, made into a
        /// script): an unbalanced quote is a spec error here, not a failure of every evaluation.</summary>
        private bool CommandsSplit(YamlNode node, string field, string? shell)
        {
            if (node is not YamlScalarNode { Value: { } template }) return true;
            string? problem = shell == "bash"
                ? (Evaluation.CommandTemplate.ToBashScript(template) as Evaluation.TemplateResult<string>.Invalid)?.Message
                : (Evaluation.CommandTemplate.ToArguments(template, new Dictionary<string, string>()) as Evaluation.TemplateResult<IReadOnlyList<string>>.Invalid)?.Message;
            if (problem is null) return true;
            Error(node, field, problem);
            return false;
        }

        private ScoreGoal? Goal(YamlNode node, string field) =>
            Choice(node, field, EngineWords.Goals, " (higher is better, or lower is better)");

        private ScoreRule? Score(YamlNode node, string field)
        {
            const string forms = "last-number, or a mapping { lm-eval: METRIC }, { json: PATH } or { regex: PATTERN }";
            if (node is YamlScalarNode)
            {
                string? text = Text(node, field, forms);
                if (text is null) return null;
                if (text == LastNumberRule) return new ScoreRule.LastNumber();
                string hint = DidYouMean.Suggest(text, [LastNumberRule, .. ScoreKeys]);
                Error(node, field, $"'{text}' is not a score rule: use {forms}" + (hint.Length > 0 ? $"; {hint}" : ""));
                return null;
            }
            var section = Keys(node, field, ScoreKeys, required: true, expected: forms);
            if (section is null) return null;
            var given = section.Entries.Values.OrderBy(e => e.Key.Start.Line).ThenBy(e => e.Key.Start.Column).ToList();
            if (given.Count == 0)
            {
                if (section.Node.Children.Count == 0)
                    Error(node, field, $"expected {forms}, found an empty mapping");
                return null;
            }
            if (given.Count > 1)
            {
                Error(given[1].Key, field, $"give one of lm-eval:, json:, regex:, not {OneOf(given.Select(g => g.Key.Value + ":"))}");
                return null;
            }
            var (key, value) = given[0];
            string ruleField = Join(field, key.Value!);
            switch (key.Value)
            {
                case "lm-eval":
                {
                    string? metric = Text(value, ruleField, "an lm-eval metric such as 'acc_norm,none'");
                    return metric is null ? null : new ScoreRule.LmEval(metric);
                }
                case "json":
                {
                    string? path = Text(value, ruleField, "a dotted path into a JSON document such as 'results.score', or a JSON Pointer such as '/results/score'");
                    if (path is null) return null;
                    if (!path.TrimStart().StartsWith('/') && path.Split('.').Any(part => part.Length == 0))
                    {
                        Error(value, ruleField, $"'{path}' is not a dotted path: no part may be empty (e.g. 'results.score'; a JSON Pointer starts with '/')");
                        return null;
                    }
                    if (Evaluation.ScoreExtractor.PathProblem(path) is { } pathProblem)
                    {
                        Error(value, ruleField, pathProblem);
                        return null;
                    }
                    return new ScoreRule.JsonPath(path);
                }
                default:
                {
                    string? pattern = Text(value, ruleField, "a regular expression with one capture group");
                    if (pattern is null) return null;
                    if (CheckCapturePattern(pattern, out _) is { } problem)
                    {
                        Error(value, ruleField, problem);
                        return null;
                    }
                    return new ScoreRule.RegexScore(pattern);
                }
            }
        }

        private BudgetSpec? Budget(Section top)
        {
            var section = top.Value("budget") is { } node ? Keys(node, "budget", BudgetKeys, required: false) : null;
            if (section is null) return top.Value("budget") is null ? BudgetSpec.Default : null;
            bool ok = true;

            int? count = null;
            double? fraction = BudgetSpec.DefaultFraction;
            if (section.Value("max-evals") is { } evalsNode)
            {
                string? text = Text(evalsNode, "budget.max-evals", BudgetSpec.MaxEvalsForms);
                ok &= text is not null;
                if (text is not null)
                {
                    var (evals, share, problem) = BudgetSpec.ReadMaxEvals(text);
                    if (problem is not null)
                    {
                        Error(evalsNode, "budget.max-evals", problem);
                        ok = false;
                    }
                    else
                    {
                        count = evals;
                        fraction = share;
                    }
                }
            }

            TimeSpan? maxTime = null;
            if (section.Value("max-time") is { } timeNode)
            {
                maxTime = Duration(timeNode, "budget.max-time");
                ok &= maxTime is not null;
            }
            return ok ? new BudgetSpec(count, fraction, maxTime) : null;
        }

        private StopSpec? Stop(Section top)
        {
            var section = top.Value("stop") is { } node ? Keys(node, "stop", StopKeys, required: false) : null;
            if (section is null) return top.Value("stop") is null ? StopSpec.Default : null;
            bool ok = true;
            double? probBest = null;
            if (section.Value("prob-best") is { } probNode)
            {
                probBest = Number(probNode, "stop.prob-best", "a probability in (0, 1]");
                if (probBest is { } p && !(p > 0 && p <= 1))
                {
                    Error(probNode, "stop.prob-best", $"must be a probability more than 0 and at most 1, found '{((YamlScalarNode)probNode).Value}'");
                    probBest = null;
                }
                ok &= probBest is not null;
            }
            ShortfallLimit? shortfall = null;
            if (section.Value("expected-shortfall") is { } shortfallNode)
            {
                shortfall = Shortfall(shortfallNode);
                ok &= shortfall is not null;
            }
            return ok ? new StopSpec(probBest, shortfall) : null;
        }

        private ShortfallLimit? Shortfall(YamlNode node)
        {
            const string field = "stop.expected-shortfall";
            string? text = Text(node, field, ShortfallLimit.Forms);
            if (text is null) return null;
            var (limit, problem) = ShortfallLimit.Read(text);
            if (problem is not null) Error(node, field, problem);
            return limit;
        }

        private EngineSpec? Engine(Section top)
        {
            var defaults = EngineSpec.Default;
            var section = top.Value("engine") is { } node ? Keys(node, "engine", EngineKeys, required: false) : null;
            if (section is null) return top.Value("engine") is null ? defaults : null;

            var device = Choice(section, "device", EngineWords.Devices, defaults.Device);
            var kernel = Choice(section, "kernel", EngineWords.Kernels, defaults.Kernel);
            var acquisition = Choice(section, "acquisition", EngineWords.Acquisitions, defaults.Acquisition);

            int? taskRank = defaults.TaskRank;
            if (section.Value("task-rank") is { } rankNode)
            {
                const string what = "auto or a whole number of at least 1";
                string? text = Text(rankNode, "engine.task-rank", what);
                taskRank = null;
                if (text == "auto") taskRank = 0;
                else if (text is not null)
                {
                    if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int rank))
                    {
                        string hint = DidYouMean.Suggest(text, ["auto"]);
                        Error(rankNode, "engine.task-rank", $"expected {what}, found '{text}'" + (hint.Length > 0 ? $"; {hint}" : ""));
                    }
                    else if (rank < 1)
                        Error(rankNode, "engine.task-rank", $"must be auto or at least 1, found {rank}");
                    else taskRank = rank;
                }
            }

            int? seed = section.Value("seed") is { } seedNode
                ? Integer(seedNode, "engine.seed", 0, "a whole number (0 or more)")
                : defaults.Seed;
            int? init = section.Value("init") is { } initNode
                ? Integer(initNode, "engine.init", 1, "a whole number of initial cells per benchmark (1 or more)")
                : defaults.Init;
            int? threads = section.Value("threads") is { } threadsNode
                ? Integer(threadsNode, "engine.threads", 1, "a whole number of threads (1 or more)")
                : defaults.Threads;

            return device is null || kernel is null || acquisition is null || taskRank is null || seed is null || init is null || threads is null
                ? null
                : new EngineSpec(device.Value, kernel.Value, taskRank.Value, seed.Value, init.Value, acquisition.Value) { Threads = threads.Value };
        }
    }
}

using Bomax.Cli.Evaluation;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>
/// The <c>eval:</c> section: how one (checkpoint, benchmark) pair is evaluated. Its command must name
/// <c>{benchmark}</c> when benchmarks share it, and every command (its own and the benchmarks') must split into words
/// (or, with <c>shell: bash</c>, make a script), so a stray quote is a spec error and not a failure of every evaluation.
/// </summary>
internal static class EvalReader
{
    public static readonly string[] Keys = ["command", "shell", "score", "timeout", "retries", "parallel", "workdir", "env", "score-limit"];

    /// <param name="benchmarks">The benchmarks that could be read (null when none could): who shares the command.</param>
    public static EvalSpec? Read(YamlFields fields, YamlSection top, IReadOnlyList<ReadBenchmark>? benchmarks, string specDirectory)
    {
        if (fields.Required(top, "eval", "how to evaluate a checkpoint on a benchmark: eval.command and more") is not { } node) return null;
        var section = fields.Keys(node, "eval", Keys, required: true,
            expected: "a mapping with command: and optional " + YamlFields.OneOf(Keys.Skip(1).Select(k => k + ":")));
        if (section is null) return null;

        var commandNode = fields.Required(section, "command", "the command that evaluates a checkpoint on a benchmark");
        string? command = commandNode is null ? null : Command(fields, commandNode, benchmarks);
        var shellNode = section.Value("shell");
        string? shell = shellNode is null ? null : fields.Checked(fields.Text(shellNode, "eval.shell", "bash"), shellNode, "eval.shell",
            text => text == "bash" ? null
                : $"'{text}' is not supported: the only shell is bash (leave shell: out to run the command without a shell)");
        var scoreNode = section.Value("score");
        var score = scoreNode is null ? new ScoreRule.LastNumber() : ScoreRuleReader.Read(fields, scoreNode, "eval.score");
        var timeoutNode = section.Value("timeout");
        var timeout = timeoutNode is null ? EvalSpec.DefaultTimeout : fields.Checked(
            fields.Duration(timeoutNode, "eval.timeout"), timeoutNode, "eval.timeout",
            value => value > EvalSpec.MaxTimeout ? $"'{YamlFields.Raw(timeoutNode)}' is longer than a timeout can be (at most 49 days)" : null);
        var limitNode = section.Value("score-limit");
        var scoreLimit = limitNode is null ? EvalSpec.DefaultScoreLimit
            : fields.PositiveNumber(limitNode, "eval.score-limit", "a positive number such as 1e6");
        var retriesNode = section.Value("retries");
        var retries = retriesNode is null ? EvalSpec.DefaultRetries
            : fields.Integer(retriesNode, "eval.retries", 0, "a whole number of retries (0 or more)");
        var parallelNode = section.Value("parallel");
        var parallel = parallelNode is null ? EvalSpec.DefaultParallel
            : fields.Integer(parallelNode, "eval.parallel", 1, "a whole number of evaluations at once (1 or more)");
        var workdirNode = section.Value("workdir");
        string? workdir = workdirNode is null ? specDirectory
            : fields.Text(workdirNode, "eval.workdir", "a directory") is { } directory ? Path.GetFullPath(directory, specDirectory) : null;

        bool read = command is not null && (shellNode is null || shell is not null) && score is not null && timeout is not null
                    && scoreLimit is not null && retries is not null && parallel is not null && workdir is not null;
        // A command is split only once it is known to be whole, and with the shell it will be run with.
        if (read) read = Splits(fields, commandNode!, "eval.command", shell);
        foreach (var benchmark in benchmarks ?? [])
            if (benchmark.Spec.Command is not null && benchmark.Node is YamlMappingNode mapping
                && mapping.Children.TryGetValue(new YamlScalarNode("command"), out var own))
                read &= Splits(fields, own, $"benchmarks[{benchmark.Index}].command", shell);
        var environment = Environment(fields, section.Value("env"));

        if (!read || environment is null) return null;
        return new EvalSpec(command!, shell, score!, timeout!.Value, retries!.Value, parallel!.Value, workdir!, environment,
            YamlFields.Position(node))
        {
            ScoreLimit = scoreLimit!.Value,
            WorkingDirectoryPosition = workdirNode is null ? null : YamlFields.Position(workdirNode),
        };
    }

    /// <summary>
    /// The command template; null when a placeholder is unknown, or when benchmarks without a command of their own share
    /// it and it does not name <c>{benchmark}</c> (every one of them would run the same command).
    /// </summary>
    private static string? Command(YamlFields fields, YamlNode node, IReadOnlyList<ReadBenchmark>? benchmarks)
    {
        var used = fields.Template(node, "eval.command");
        if (used is null) return null;
        var shared = benchmarks?.Where(b => b.Spec.Command is null).Select(b => b.Spec.Name).ToList() ?? [];
        if (benchmarks is { Count: > 1 } && shared.Count > 0 && !used.Contains("benchmark"))
        {
            string who = shared.Count == benchmarks.Count
                ? $"none of the {benchmarks.Count} benchmarks has a command of its own"
                : $"{YamlFields.OneOf(shared.Select(n => $"'{n}'"))} {(shared.Count == 1 ? "has" : "have")} no command of "
                  + $"{(shared.Count == 1 ? "its" : "their")} own";
            fields.Error(node, "eval.command", $"must contain {{benchmark}}: {who}, so without it every benchmark would run the same command");
            return null;
        }
        return YamlFields.Raw(node);
    }

    /// <summary>Whether a command template can be split into words (or, with <c>shell: bash</c>, made into a script);
    /// an error saying why not (an unbalanced quote) otherwise.</summary>
    private static bool Splits(YamlFields fields, YamlNode node, string field, string? shell)
    {
        if (node is not YamlScalarNode { Value: { } template }) return true;
        string? problem = shell == "bash"
            ? (CommandTemplate.ToBashScript(template) as TemplateResult<string>.Invalid)?.Message
            : (CommandTemplate.ToArguments(template, new Dictionary<string, string>()) as TemplateResult<IReadOnlyList<string>>.Invalid)?.Message;
        if (problem is null) return true;
        fields.Error(node, field, problem);
        return false;
    }

    /// <summary><c>env:</c>, a mapping of variable names to values (empty when absent); null when a name or a value is
    /// not one, each such entry reported.</summary>
    private static Dictionary<string, string>? Environment(YamlFields fields, YamlNode? node)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null) return environment;
        if (node is not YamlMappingNode mapping)
        {
            fields.Error(node, "eval.env", $"expected a mapping of variable names to values, found {YamlFields.Describe(node)}");
            return null;
        }
        bool read = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } variable } || YamlFields.IsNull(keyNode)
                || variable.Contains('=') || variable.Contains('\0'))
            {
                fields.Error(keyNode, "eval.env", $"expected a variable name (no '='), found {YamlFields.Describe(keyNode)}");
                read = false;
                continue;
            }
            if (valueNode is YamlScalarNode scalar && !YamlFields.IsNull(scalar))
            {
                environment[variable] = scalar.Value ?? "";
                continue;
            }
            if (YamlFields.IsNull(valueNode)) fields.Error(keyNode, $"eval.env.{variable}", "has no value: write '' for an empty one");
            else fields.Error(valueNode, $"eval.env.{variable}", $"expected a string, found {YamlFields.Describe(valueNode)}");
            read = false;
        }
        return read ? environment : null;
    }
}

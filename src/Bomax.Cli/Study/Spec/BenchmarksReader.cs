using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>A benchmark as read, with the YAML it was read from and its place in the list (the eval section checks its own
/// command there, as <c>benchmarks[Index].command</c>).</summary>
internal sealed record ReadBenchmark(BenchmarkSpec Spec, YamlNode Node, int Index);

/// <summary>
/// The <c>benchmarks:</c> list: each entry a name, or a mapping with <c>name:</c> and optional <c>weight:</c>,
/// <c>command:</c>, <c>score:</c> and <c>goal:</c>; names are unique and the weights must add up to a number.
/// </summary>
internal static class BenchmarksReader
{
    public static readonly string[] Keys = ["name", "weight", "command", "score", "goal"];

    /// <summary>
    /// The benchmarks that could be read, in order, even when others could not (the eval section still checks its command
    /// against them); null when there is no list to read. Every entry that could not be read has an error.
    /// </summary>
    public static List<ReadBenchmark>? Read(YamlFields fields, YamlSection top)
    {
        if (fields.Required(top, "benchmarks", "the benchmarks to evaluate each checkpoint on") is not { } node) return null;
        if (node is not YamlSequenceNode sequence)
        {
            fields.Error(node, "benchmarks",
                $"expected a list of benchmarks (names, or mappings with name:, weight:, command:), found {YamlFields.Describe(node)}");
            return null;
        }
        if (sequence.Children.Count == 0)
        {
            fields.Error(node, "benchmarks", "the list is empty: give at least one benchmark");
            return null;
        }

        var benchmarks = new List<ReadBenchmark>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        bool all = true;
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            string field = $"benchmarks[{i}]";
            var (benchmark, name, nameNode) = Entry(fields, item, field);
            bool unique = name is null || Unique(fields, firstLine, name, nameNode!, field);
            if (benchmark is not null && unique) benchmarks.Add(new ReadBenchmark(benchmark, item, i));
            all &= benchmark is not null && unique;
        }
        if (all && !double.IsFinite(benchmarks.Sum(b => b.Spec.Weight)))
            fields.Error(node, "benchmarks", "the weights add up to more than a number can hold: scale them down (only their ratios matter)");
        return benchmarks;
    }

    /// <summary>One entry: the benchmark when every field of it could be read, and its name (with where it is written)
    /// whenever that could, for the check that names are unique.</summary>
    private static (BenchmarkSpec? Benchmark, string? Name, YamlNode? NameNode) Entry(YamlFields fields, YamlNode item, string field)
    {
        if (item is YamlScalarNode)
        {
            string? name = fields.Text(item, field, "a benchmark name");
            return (name is null ? null : new BenchmarkSpec(name, 1, null, YamlFields.Position(item)), name, item);
        }
        if (item is not YamlMappingNode)
        {
            fields.Error(item, field, "expected a benchmark name or a mapping with name: and optional weight:, command:, score:, goal:, "
                + $"found {YamlFields.Describe(item)}");
            return (null, null, null);
        }
        var section = fields.Keys(item, field, Keys, required: true)!;
        var nameNode = fields.Required(section, "name", "the benchmark's name");
        string? benchmarkName = nameNode is null ? null : fields.Text(nameNode, section.FieldOf("name"), "a benchmark name");
        var weightNode = section.Value("weight");
        double? weight = weightNode is null ? 1 : fields.PositiveNumber(weightNode, section.FieldOf("weight"), "a positive number");
        var commandNode = section.Value("command");
        var placeholders = commandNode is null ? null : fields.Template(commandNode, section.FieldOf("command"));
        var scoreNode = section.Value("score");
        var score = scoreNode is null ? null : ScoreRuleReader.Read(fields, scoreNode, section.FieldOf("score"));
        var goalNode = section.Value("goal");
        var goal = goalNode is null ? null
            : fields.Choice(goalNode, section.FieldOf("goal"), EngineWords.Goals, " (higher is better, or lower is better)");

        bool read = benchmarkName is not null && weight is not null && (commandNode is null || placeholders is not null)
                    && (scoreNode is null || score is not null) && (goalNode is null || goal is not null);
        var benchmark = read
            ? new BenchmarkSpec(benchmarkName!, weight!.Value, YamlFields.Raw(commandNode), YamlFields.Position(item)) { Score = score, Goal = goal }
            : null;
        return (benchmark, benchmarkName, nameNode);
    }

    /// <summary>Whether no earlier entry has this name; an error naming the first one's line otherwise.</summary>
    private static bool Unique(YamlFields fields, Dictionary<string, int> firstLine, string name, YamlNode nameNode, string field)
    {
        if (firstLine.TryGetValue(name, out int first))
        {
            fields.Error(nameNode, field, $"duplicate benchmark '{name}' (first at line {first})");
            return false;
        }
        firstLine[name] = (int)nameNode.Start.Line;
        return true;
    }
}

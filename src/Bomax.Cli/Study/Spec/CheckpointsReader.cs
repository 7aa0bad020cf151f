using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>The <c>checkpoints:</c> section: exactly one of <c>glob:</c> (a pattern) and <c>list:</c> (names or paths),
/// and an optional <c>step:</c> regex whose capture group is each checkpoint's step.</summary>
internal static class CheckpointsReader
{
    public static readonly string[] Keys = ["glob", "list", "step"];

    public static CheckpointSpec? Read(YamlFields fields, YamlSection top)
    {
        if (fields.Required(top, "checkpoints", "glob: or list: of the checkpoints to evaluate") is not { } node) return null;
        var section = fields.Keys(node, "checkpoints", Keys, required: true,
            expected: "a mapping with glob: (a pattern) or list: (names or paths)");
        if (section is null) return null;

        var globNode = section.Has("glob") ? section.Entries["glob"].Value : null;
        string? glob = globNode is null ? null : fields.Text(globNode, "checkpoints.glob", "a file or directory pattern");
        var listNode = section.Has("list") ? section.Entries["list"].Value : null;
        var list = listNode is null ? null : List(fields, listNode);
        bool oneSource = OneSource(fields, section);
        var stepNode = section.Has("step") ? section.Entries["step"].Value : null;
        string? step = stepNode is null ? null : fields.Checked(
            fields.Text(stepNode, "checkpoints.step", "a regular expression with one capture group"), stepNode, "checkpoints.step",
            pattern => SpecReader.CheckCapturePattern(pattern, out _));

        bool read = (globNode is null || glob is not null) && (listNode is null || list is not null) && oneSource
                    && (stepNode is null || step is not null);
        return read
            ? new CheckpointSpec(glob, list?.Select(e => e.Name).ToList(), step, YamlFields.Position(node),
                globNode is null ? null : YamlFields.Position(globNode), list?.Select(e => e.Position).ToList(),
                stepNode is null ? null : YamlFields.Position(stepNode))
            : null;
    }

    /// <summary>The entries of <c>list:</c> with where each is written; null when it is not a non-empty list of names.</summary>
    private static List<(string Name, SourcePosition Position)>? List(YamlFields fields, YamlNode node)
    {
        if (node is not YamlSequenceNode sequence)
        {
            fields.Error(node, "checkpoints.list", $"expected a list of checkpoint names or paths, found {YamlFields.Describe(node)}");
            return null;
        }
        if (sequence.Children.Count == 0)
        {
            fields.Error(node, "checkpoints.list", "the list is empty: give at least one checkpoint name or path");
            return null;
        }
        var entries = sequence.Children
            .Select((item, i) => (Name: fields.Text(item, $"checkpoints.list[{i}]", "a checkpoint name or path"), Item: item))
            .ToList();
        return entries.All(e => e.Name is not null)
            ? entries.Select(e => (e.Name!, YamlFields.Position(e.Item))).ToList()
            : null;
    }

    /// <summary>Whether exactly one of glob: and list: is given; an error otherwise (none when a misspelling of one of
    /// them was already reported).</summary>
    private static bool OneSource(YamlFields fields, YamlSection section)
    {
        if (section.Has("glob") && section.Has("list"))
        {
            var second = new[] { section.Entries["glob"].Key, section.Entries["list"].Key }
                .OrderBy(k => k.Start.Line).ThenBy(k => k.Start.Column).Last();
            fields.Error(second, "checkpoints", "give either glob: or list:, not both");
            return false;
        }
        if (section.Has("glob") || section.Has("list")) return true;
        if (!section.Suggested.Overlaps(["glob", "list"]))
            fields.Error(section.Node, "checkpoints",
                "needs glob: (a pattern of checkpoint files or directories) or list: (checkpoint names or paths)");
        return false;
    }
}

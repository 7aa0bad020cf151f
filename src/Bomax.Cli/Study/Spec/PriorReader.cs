using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>The optional <c>prior:</c> key: earlier runs of the same recipe to learn from, a path or a list of paths (each a
/// study journal, <c>*.jsonl</c>, or a complete score table, TSV or CSV), absolute against the spec's directory. Whether they
/// exist and can be read is checked when the study is loaded (<see cref="EarlierRunFiles"/>).</summary>
internal static class PriorReader
{
    const string What = "a journal (.jsonl) or a score table (.tsv, .csv) of an earlier run";

    public static IReadOnlyList<PriorSpec>? Read(YamlFields fields, YamlSection top, string specDirectory)
    {
        if (top.Value("prior") is not { } node) return [];
        var items = node is YamlSequenceNode sequence ? sequence.Children.Select((item, i) => (item, $"prior[{i}]")).ToList()
            : [(node, "prior")];
        if (items.Count == 0)
        {
            fields.Error(node, "prior", $"the list is empty: give at least one path, {What}, or leave prior: out");
            return null;
        }
        var priors = new List<PriorSpec>();
        foreach (var (item, field) in items)
        {
            if (fields.Text(item, field, What) is not { } path) continue;
            priors.Add(new PriorSpec(Path.GetFullPath(path, specDirectory), field, YamlFields.Position(item)));
        }
        return priors.Count == items.Count ? priors : null;
    }
}

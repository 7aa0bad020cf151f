using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>
/// The known keys of one mapping in the spec, as <see cref="YamlFields.Keys"/> read them, with the known keys that were
/// suggested for unknown ones: a key already named in "did you mean …?" is not also reported missing.
/// </summary>
/// <param name="node">The mapping itself: where a missing key is reported.</param>
/// <param name="field">The mapping's field (<c>eval</c>, <c>benchmarks[2]</c>; empty at the top).</param>
internal sealed class YamlSection(YamlMappingNode node, string field)
{
    public YamlMappingNode Node { get; } = node;
    public string Field { get; } = field;
    public Dictionary<string, (YamlScalarNode Key, YamlNode Value)> Entries { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Suggested { get; } = new(StringComparer.Ordinal);

    /// <summary>The value of a key, or null when absent or (for optional keys) written without a value.</summary>
    public YamlNode? Value(string key) =>
        Entries.TryGetValue(key, out var entry) && !YamlFields.IsNull(entry.Value) ? entry.Value : null;

    /// <summary>Whether the key is written at all, even without a value.</summary>
    public bool Has(string key) => Entries.ContainsKey(key);

    /// <summary>The dotted field of a key in this mapping: <c>eval.timeout</c>.</summary>
    public string FieldOf(string key) => YamlFields.Join(Field, key);
}

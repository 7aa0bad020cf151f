using Bomax.Engine.Selection;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>The optional <c>stop:</c> section: stop early at <c>prob-best:</c> (a probability) or once the
/// <c>expected-shortfall:</c> is small enough (<see cref="ShortfallLimit"/>); never early when it is absent.</summary>
internal static class StopReader
{
    public static readonly string[] Keys = ["prob-best", "expected-shortfall"];

    public static StopSpec? Read(YamlFields fields, YamlSection top)
    {
        if (top.Value("stop") is not { } node) return StopSpec.Default;
        if (fields.Keys(node, "stop", Keys, required: false) is not { } section) return null;

        var probNode = section.Value("prob-best");
        double? probBest = probNode is null ? null : fields.Checked(
            fields.Number(probNode, "stop.prob-best", "a probability in (0, 1]"), probNode, "stop.prob-best",
            p => p > 0 && p <= 1 ? null : $"must be a probability more than 0 and at most 1, found '{YamlFields.Raw(probNode)}'");
        var shortfallNode = section.Value("expected-shortfall");
        var shortfall = shortfallNode is null ? null : Shortfall(fields, shortfallNode);
        bool read = (probNode is null || probBest is not null) && (shortfallNode is null || shortfall is not null);
        return read ? new StopSpec(probBest, shortfall) : null;
    }

    private static ShortfallLimit? Shortfall(YamlFields fields, YamlNode node)
    {
        const string field = "stop.expected-shortfall";
        string? text = fields.Text(node, field, ShortfallLimit.Forms);
        if (text is null) return null;
        var (limit, problem) = ShortfallLimit.Read(text);
        if (problem is not null) fields.Error(node, field, problem);
        return limit;
    }
}

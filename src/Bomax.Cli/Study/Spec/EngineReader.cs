using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>The optional <c>engine:</c> section, read into the engine's own settings (words: <see cref="EngineWords"/>);
/// <see cref="EngineSpec.Default"/> for what it leaves out.</summary>
internal static class EngineReader
{
    public static readonly string[] Keys = ["device", "kernel", "task-rank", "seed", "init", "acquisition", "threads", "costs"];

    public static EngineSpec? Read(YamlFields fields, YamlSection top)
    {
        var defaults = EngineSpec.Default;
        if (top.Value("engine") is not { } node) return defaults;
        if (fields.Keys(node, "engine", Keys, required: false) is not { } section) return null;

        var device = fields.Choice(section, "device", EngineWords.Devices, defaults.Device);
        var kernel = fields.Choice(section, "kernel", EngineWords.Kernels, defaults.Kernel);
        var acquisition = fields.Choice(section, "acquisition", EngineWords.Acquisitions, defaults.Acquisition);
        var costs = fields.Choice(section, "costs", EngineWords.Costs, defaults.Costs);
        int? taskRank = section.Value("task-rank") is { } rankNode ? TaskRank(fields, rankNode) : defaults.TaskRank;
        int? seed = section.Value("seed") is { } seedNode
            ? fields.Integer(seedNode, "engine.seed", 0, "a whole number (0 or more)")
            : defaults.Seed;
        int? init = section.Value("init") is { } initNode
            ? fields.Integer(initNode, "engine.init", 1, "a whole number of initial cells per benchmark (1 or more)")
            : defaults.Init;
        int? threads = section.Value("threads") is { } threadsNode
            ? fields.Integer(threadsNode, "engine.threads", 1, "a whole number of threads (1 or more)")
            : defaults.Threads;

        if (device is null || kernel is null || acquisition is null || taskRank is null || seed is null || init is null || threads is null
            || costs is null)
            return null;
        return new EngineSpec(device.Value, kernel.Value, taskRank.Value, seed.Value, init.Value, acquisition.Value)
        {
            Threads = threads.Value, Costs = costs.Value,
        };
    }

    /// <summary>Whether the spec writes <c>engine.init</c> (else its default depends on <c>prior:</c>).</summary>
    public static bool WritesInit(YamlSection top) => top.Value("engine") is YamlMappingNode engine
        && engine.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "init");

    /// <summary><c>auto</c> (0: the engine chooses) or a rank of at least 1.</summary>
    private static int? TaskRank(YamlFields fields, YamlNode node)
    {
        const string field = "engine.task-rank", what = "auto or a whole number of at least 1";
        string? text = fields.Text(node, field, what);
        if (text is null) return null;
        if (text == "auto") return 0;
        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int rank))
        {
            string hint = DidYouMean.Suggest(text, ["auto"]);
            fields.Error(node, field, $"expected {what}, found '{text}'" + (hint.Length > 0 ? $"; {hint}" : ""));
            return null;
        }
        if (rank >= 1) return rank;
        fields.Error(node, field, $"must be auto or at least 1, found {rank}");
        return null;
    }
}

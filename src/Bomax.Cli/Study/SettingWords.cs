using System.CommandLine;
using Bomax.Engine.Model;

namespace Bomax.Cli.Study;

/// <summary>
/// The words for one enumerated setting, each written once: the spec, the command line, the replay and the report all
/// read and write the setting through these, so no setting travels past the boundary as text.
/// </summary>
internal sealed class SettingWords<T>(params (string Word, T Value)[] pairs) where T : struct, Enum
{
    /// <summary>The words, in the order the help and the errors list them.</summary>
    public IReadOnlyList<string> Words { get; } = pairs.Select(p => p.Word).ToArray();

    /// <summary>Other spellings also read (<c>maximise</c>, <c>max</c>), never listed or written.</summary>
    public IReadOnlyList<(string Word, T Value)> Aliases { get; init; } = [];

    /// <summary>The value a word or alias names (exact, as the spec is case-sensitive), or null.</summary>
    public T? Read(string text) => pairs.Concat(Aliases).Where(p => p.Word == text).Select(p => (T?)p.Value).FirstOrDefault();

    /// <summary>The word for a value.</summary>
    public string Word(T value) => pairs.First(p => EqualityComparer<T>.Default.Equals(p.Value, value)).Word;

    /// <summary>"a, b, c": the words as a list for messages.</summary>
    public string List => string.Join(", ", Words);

    /// <summary>Words users write for one of these that are not near it in spelling (<c>gpu</c> for <c>cuda</c>): suggested, never read.</summary>
    public IReadOnlyList<(string Written, string Meant)> Synonyms { get; init; } = [];

    /// <summary>Why <paramref name="text"/> is not one of the words (<paramref name="meaning"/> follows the list), with the word
    /// meant when it is a known synonym or the nearest when one is near.</summary>
    public string Problem(string text, string meaning = "")
    {
        string hint = Synonyms.FirstOrDefault(s => s.Written.Equals(text, StringComparison.OrdinalIgnoreCase)).Meant is { } meant
            ? $"did you mean '{meant}'?"
            : DidYouMean.Suggest(text, Words);
        return $"'{text}' is not one of {List}{meaning}" + (hint.Length > 0 ? $"; {hint}" : "");
    }

    /// <summary>A command-line option that reads one of the words into its value (null when not given), and refuses
    /// anything else with <see cref="Problem"/>.</summary>
    public Option<T?> Option(string name, string description)
    {
        var option = new Option<T?>(name)
        {
            Description = description,
            HelpName = string.Join("|", Words),
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (Read(text) is { } value) return value;
                result.AddError($"{name} {Problem(text)}");
                return null;
            },
        };
        option.CompletionSources.Add(Words.ToArray());
        return option;
    }
}

/// <summary>The words of the engine's settings: <c>engine.device</c>/<c>--device</c>, <c>engine.kernel</c>,
/// <c>engine.acquisition</c>/<c>--acquisition</c>, <c>engine.costs</c>, <c>benchmarks[].goal</c>.</summary>
internal static class EngineWords
{
    public static readonly SettingWords<ComputeDevice> Devices =
        new(("auto", ComputeDevice.Auto), ("cpu", ComputeDevice.Cpu), ("cuda", ComputeDevice.Cuda))
        {
            Synonyms = [("gpu", "cuda")],
        };

    public static readonly SettingWords<StepKernel> Kernels =
        new(("matern32", StepKernel.Matern32), ("matern52", StepKernel.Matern52), ("rbf", StepKernel.Rbf));

    public static readonly SettingWords<AcquisitionRule> Acquisitions = new(
        ("row-first", AcquisitionRule.RowFirst), ("row", AcquisitionRule.RowExpectedImprovement), ("cell", AcquisitionRule.CellExpectedImprovement));

    /// <summary><c>engine.costs</c>: value cells per expected second from the journal's measured seconds, or not.</summary>
    public static readonly SettingWords<CostSource> Costs = new(("measured", CostSource.Measured), ("off", CostSource.Off));

    /// <summary><c>benchmarks[].goal</c>: higher is better, or lower.</summary>
    public static readonly SettingWords<ScoreGoal> Goals = new(("maximize", ScoreGoal.Maximize), ("minimize", ScoreGoal.Minimize))
    {
        Aliases = [("maximise", ScoreGoal.Maximize), ("max", ScoreGoal.Maximize), ("minimise", ScoreGoal.Minimize), ("min", ScoreGoal.Minimize)],
    };
}

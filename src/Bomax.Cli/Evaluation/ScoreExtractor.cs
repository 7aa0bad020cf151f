using Bomax.Cli.Study;

namespace Bomax.Cli.Evaluation;

/// <summary>What <see cref="ScoreExtractor.Extract"/> found: a score, or a message saying what was seen instead.</summary>
internal abstract record ScoreResult
{
    private protected ScoreResult() { }
}

/// <summary>A score read from an evaluation's output.</summary>
/// <param name="Score">The value as the output states it (not oriented: a perplexity stays a perplexity).</param>
/// <param name="StandardError">Its standard error, where the output states one.</param>
internal sealed record Scored(double Score, double? StandardError) : ScoreResult
{
    /// <summary>Where the value was read, for people: <c>standard output, last number</c>,
    /// <c>hf/results_2024-06-03T01-54-41.json: results.mmlu."acc,none"</c>. Empty when not said.</summary>
    public string Source { get; init; } = "";

    /// <summary>The metric's own direction where the output states it (lm-eval's <c>higher_is_better</c>);
    /// null when the output does not say.</summary>
    public bool? HigherIsBetter { get; init; }
}

internal sealed record Unparseable(string Message) : ScoreResult;

/// <summary>
/// Reads a score from what an evaluation left (its standard output, the files under its output directory) by the
/// spec's rule; each rule is its own class: <see cref="LastNumberScores"/>, <see cref="JsonScores"/>,
/// <see cref="RegexScores"/> and <see cref="LmEvalResults"/>.
/// </summary>
internal static class ScoreExtractor
{
    public static ScoreResult Extract(ScoreRule rule, string stdout, string outputDirectory, string benchmark) =>
        rule switch
        {
            ScoreRule.LastNumber => LastNumberScores.Extract(stdout),
            ScoreRule.JsonPath json => JsonScores.Extract(json.Path, stdout, outputDirectory),
            ScoreRule.RegexScore regex => RegexScores.Extract(regex.Pattern, stdout),
            ScoreRule.LmEval lmEval => LmEvalResults.Extract(lmEval.Metric, stdout, outputDirectory, benchmark),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown score rule"),
        };

    /// <summary>Why <paramref name="path"/> is not a path a <c>json:</c> rule can follow, or null.</summary>
    public static string? PathProblem(string path) => JsonScorePath.Parse(path).Problem;
}

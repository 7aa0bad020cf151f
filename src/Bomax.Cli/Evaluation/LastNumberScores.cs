using System.Text.RegularExpressions;
using static Bomax.Cli.Evaluation.ScoreDescriptions;

namespace Bomax.Cli.Evaluation;

/// <summary>The <c>last-number</c> score rule (the default): the last number standard output prints, where a number is
/// one that stands alone, not part of a word.</summary>
internal static class LastNumberScores
{
    // A number not glued to a word: "0.75", "-3", "1e-3", ".5", "75.3%", "0.75." at the end of a sentence;
    // not the 8 in "gsm8k", the 2024 in "run_2024" or the 100 in "100ms".
    private static readonly Regex NumberToken = new(
        @"(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?!\w)",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static ScoreResult Extract(string stdout)
    {
        double? last = null;
        foreach (Match match in NumberToken.Matches(stdout))
        {
            if (LenientJson.TryParseNumber(match.Value, out double value))
                last = value;
        }
        return last is { } score
            ? new Scored(score, null) { Source = "standard output, last number" }
            : new Unparseable($"no number in the output: {ShowEnd(stdout)}");
    }
}

using System.Text.RegularExpressions;
using static Bomax.Cli.Evaluation.ScoreDescriptions;

namespace Bomax.Cli.Evaluation;

/// <summary>The <c>regex:</c> score rule: the first capture group (or the whole match, with no group) of the first match
/// on standard output, '^' and '$' matching at each line; a pattern that runs too long is a failure, not a hang.</summary>
internal static class RegexScores
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static ScoreResult Extract(string pattern, string stdout)
    {
        Match match;
        try
        {
            var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Multiline, Timeout);
            match = regex.Match(stdout);
        }
        catch (ArgumentException e)
        {
            return new Unparseable($"invalid score regex '{pattern}': {e.Message}");
        }
        catch (RegexMatchTimeoutException)
        {
            return new Unparseable($"the score regex '{pattern}' took too long on the output ({stdout.Length} characters)");
        }
        if (!match.Success)
            return new Unparseable($"the score regex '{pattern}' does not match the output: {ShowEnd(stdout)}");

        string text = match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
        return LenientJson.TryParseNumber(text.Trim(), out double value)
            ? new Scored(value, null) { Source = $"standard output, regex '{Shorten(pattern)}'" }
            : new Unparseable($"the score regex '{pattern}' matched \"{Shorten(match.Value)}\", "
                              + $"but \"{Shorten(text)}\" is not a number");
    }
}

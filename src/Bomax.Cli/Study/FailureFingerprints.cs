using System.Security.Cryptography;
using System.Text;

namespace Bomax.Cli.Study;

/// <summary>
/// What produced a benchmark's evaluations, as two short hashes: the command side (command template, shell,
/// working directory, environment, timeout) and the score side (score rule and score limit). A failure is
/// recorded with both; it counts against the budget and the quarantine only while both are unchanged, so
/// fixing the spec heals the failures it explains.
/// </summary>
internal sealed record FailureFingerprints(string Command, string Score)
{
    public static FailureFingerprints For(StudySpec spec, BenchmarkSpec benchmark)
    {
        var eval = spec.Eval;
        var command = new StringBuilder()
            .Append("command\0").Append(benchmark.Command ?? eval.Command)
            .Append("\0shell\0").Append(eval.Shell ?? "")
            .Append("\0workdir\0").Append(eval.WorkingDirectory)
            .Append("\0timeout\0").Append(eval.Timeout.Ticks);
        foreach (var (name, value) in eval.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            command.Append("\0env\0").Append(name).Append('=').Append(value);
        var score = new StringBuilder()
            .Append("score\0").Append(benchmark.Score ?? eval.Score)
            .Append("\0limit\0").Append(eval.ScoreLimit.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return new FailureFingerprints(Hash(command.ToString()), Hash(score.ToString()));
    }

    /// <summary>The first 12 hex digits of the SHA-256 of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}

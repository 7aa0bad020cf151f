using System.Globalization;

namespace Bomax.Cli.Study;

/// <summary>
/// Checks on a score before it becomes an observation. A value that is not finite, or larger in magnitude than
/// the study's limit, is refused (it would overflow the model's standardisation and every later fit); a value far
/// outside its benchmark's other scores is accepted with a warning that names the likely cause.
/// </summary>
internal static class ScoreChecks
{
    /// <summary>Null when <paramref name="score"/> is acceptable, else why not (for a failure record or an error).</summary>
    public static string? Refusal(double score, double limit)
    {
        var c = CultureInfo.InvariantCulture;
        if (double.IsNaN(score)) return "the score is NaN, not a number";
        if (double.IsInfinity(score)) return $"the score is {(score > 0 ? "" : "-")}Infinity, not a finite number";
        if (Math.Abs(score) > limit)
            return string.Create(c, $"the score {score:G6} is outside ±{limit:G6} (eval.score-limit): not recorded, so it cannot overwhelm the model; if the metric really is this large, raise eval.score-limit");
        return null;
    }

    /// <summary>How many other scores of the benchmark are needed before one is called out of place.</summary>
    public const int OthersNeeded = 3;

    /// <summary>
    /// A warning when <paramref name="score"/> lies far outside <paramref name="others"/> (the benchmark's other raw
    /// scores): more than ten times their spread (at least 1 % of their typical size) beyond their range. Names a
    /// percentage among fractions (or the reverse) as the likely cause. Null when it fits, or with too few others.
    /// </summary>
    public static string? OutOfPlace(double score, IReadOnlyCollection<double> others, string pair)
    {
        if (others.Count < OthersNeeded) return null;
        double low = others.Min(), high = others.Max();
        double typical = others.Select(Math.Abs).Max();
        double spread = Math.Max(high - low, Math.Max(0.01 * typical, 1e-9));
        if (score >= low - 10 * spread && score <= high + 10 * spread) return null;
        var c = CultureInfo.InvariantCulture;
        bool fractions = low >= -1 && high <= 1;
        string cause = fractions && Math.Abs(score) > 1 && Math.Abs(score) <= 100
            ? $"it looks like a percentage among fractions (did the command print {score:G4} for {score / 100:G4}?)"
            : !fractions && Math.Abs(score) <= 1 && low >= 0 && high <= 100
                ? "it looks like a fraction among percentages"
                : "check the metric and its scale";
        return string.Create(c, $"{pair}: score {score:G6} is far outside the benchmark's other {others.Count} scores ({low:G4} – {high:G4}); {cause}");
    }
}

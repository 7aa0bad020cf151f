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
            return $"the score {Number(score)} is outside ±{Number(limit)} (eval.score-limit): not recorded, so it cannot overwhelm the model; "
                + $"if the metric really is this large, raise eval.score-limit";
        return null;
    }

    /// <summary>A number as people write it: <c>0.7523</c>, <c>55.3</c>, <c>1e6</c>, <c>-2.5e308</c>.</summary>
    public static string Number(double value) =>
        value != 0 && (Math.Abs(value) >= 1e5 || Math.Abs(value) < 1e-4)
            ? value.ToString("0.###e0", CultureInfo.InvariantCulture)
            : value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>How many other scores of the benchmark are needed before one is called out of place.</summary>
    public const int OthersNeeded = 3;

    /// <summary>
    /// A warning when <paramref name="score"/> is on another scale than <paramref name="others"/> (the benchmark's other raw
    /// scores): a number beyond ±1.5 among fractions (all within ±1), a fraction under a twentieth of scores that are all
    /// above 5, or any value more than a hundred times their spread (at least 1 % of their typical size) from their range.
    /// Names the likely cause. Null when it fits, or with fewer than <see cref="OthersNeeded"/> others. A low score on the
    /// same scale (an early checkpoint) is not called out: learning curves do that.
    /// </summary>
    public static string? OutOfPlace(double score, IReadOnlyCollection<double> others, string pair)
    {
        if (others.Count < OthersNeeded) return null;
        double low = others.Min(), high = others.Max();
        double typical = others.Select(Math.Abs).Max();
        double spread = Math.Max(high - low, Math.Max(0.01 * typical, 1e-9));
        bool fractions = low >= -1 && high <= 1;
        bool percentageAmongFractions = fractions && Math.Abs(score) > 1.5;
        bool fractionAmongPercentages = low > 5 && Math.Abs(score) <= 1 && Math.Abs(score) < low / 20;
        bool farOff = score < low - 100 * spread || score > high + 100 * spread;
        if (!percentageAmongFractions && !fractionAmongPercentages && !farOff) return null;
        var c = CultureInfo.InvariantCulture;
        string cause = percentageAmongFractions && Math.Abs(score) <= 100
            ? string.Create(c, $"it looks like a percentage among fractions (did the command print {score:G4} for {score / 100:G4}?)")
            : fractionAmongPercentages
                ? "it looks like a fraction among percentages"
                : "check the metric and its scale";
        return string.Create(c, $"{pair}: score {score:G6} is far outside the benchmark's other {others.Count} scores ({low:G4} – {high:G4}); "
            + $"{cause}");
    }
}

using System.Globalization;
using Bomax.Engine.Posterior;

namespace Bomax.Cli.Reports;

/// <summary>
/// What a report says of the held-out check (<see cref="PrequentialCheck"/>): whether the P(best) and the intervals beside the
/// pick were checked against the study's own latest evaluations, and how much the check widened them (and, for P(best), how much
/// it loosened the benchmarks' coupling, or narrowed its spread where the model was too wide). A study below
/// <see cref="PrequentialCheck.SmallestStudy"/> evaluations has not been checked, and its numbers are the model's alone
/// (docs/measurements.md: on the small Pythia grids they were too wide at the top, a little narrow at the run's start); a
/// reader should know which kind of confidence the numbers are.
/// </summary>
internal static class CheckSummary
{
    /// <summary>What the check found: not yet made (too few evaluations), not made for this decision, made and the misses within
    /// the stated spread, made and the spread widened, made and P(best)'s spread narrowed (the misses nearer than stated), or made
    /// and only the tails' spread widened (P(best) is the model's own).</summary>
    enum Finding { NotYet, NotMade, Within, Widened, Narrowed, TailsWidened }

    /// <summary>A widening as a factor of the standard deviation, as printed: to two decimals, so 1.00 is none a reader could see.</summary>
    static string Factor(double varianceScale) => Math.Sqrt(varianceScale).ToString("0.00", CultureInfo.InvariantCulture);

    static bool Visible(double varianceScale) => Factor(varianceScale) != Factor(1);

    /// <summary>Widened only where the widening shows in the factors printed: the check's scales are shrunk toward 1, and a miss or
    /// two beyond the stated spread leaves them a hair above it.</summary>
    static Finding Of(VarianceScales check, int evaluations) =>
        !check.Checked ? (evaluations < PrequentialCheck.SmallestStudy ? Finding.NotYet : Finding.NotMade)
        : check.ProbabilityScale < 1 && Visible(check.ProbabilityScale) ? Finding.Narrowed
        : Visible(check.ProbabilityScale) || check.Coupling < 1 || check.Student is { IsGaussian: false } ? Finding.Widened
        : Visible(check.Tails) ? Finding.TailsWidened
        : Finding.Within;

    /// <summary>The report's sentence, a bold lead then what the check found.</summary>
    public static string Markdown(VarianceScales check, int evaluations)
    {
        var (held, needed, bulk, tails) = Numbers(check, evaluations);
        string howRead = (check.Coupling < 1 ? $", with the benchmarks' correlations times {Correlations(check)}" : "")
            + (check.Student is { IsGaussian: false } t ? $" and tails as heavy as a Student t's of {Freedom(t)} degrees of freedom" : "");
        return Of(check, evaluations) switch
        {
            Finding.NotYet => "**Not yet checked:** the held-out check predicts a study's latest evaluations from those before it and widens "
                + $"the spread P(best) and the intervals read by how far they miss. It starts at {needed} evaluations ({held} so far), so "
                + "both are the model's own.",
            Finding.NotMade => "**Not checked:** no held-out check was made for this decision, so P(best) and the intervals are the model's own.",
            Finding.Widened => $"**Checked:** the latest {held} evaluations, each predicted from those before it, missed by more than the "
                + $"model stated. P(best) reads its spread widened {bulk} times{howRead}, the 95 % intervals {tails} times.",
            Finding.TailsWidened => $"**Checked:** the latest {held} evaluations, each predicted from those before it, missed by more than "
                + $"the model stated in their tails. P(best) reads the model's own spread, the 95 % intervals theirs widened {tails} times.",
            Finding.Narrowed => $"**Checked:** the latest {held} evaluations, each predicted from those before it, landed nearer than the "
                + $"model stated. P(best) reads its spread times {bulk}{howRead}; the 95 % intervals are never narrowed"
                + (Visible(check.Tails) ? $", and read theirs widened {tails} times for the misses' tails." : "."),
            _ => $"**Checked:** the latest {held} evaluations, each predicted from those before it, landed within the spread the model "
                + "stated, so P(best) and the intervals are the model's own.",
        };
    }

    /// <summary>The same for a terminal, on one line.</summary>
    public static string Plain(VarianceScales check, int evaluations)
    {
        var (held, needed, bulk, tails) = Numbers(check, evaluations);
        string howRead = (check.Coupling < 1 ? $" (the benchmarks' correlations ×{Correlations(check)})" : "")
            + (check.Student is { IsGaussian: false } t ? $" (Student t tails, {Freedom(t)} degrees of freedom)" : "");
        return Of(check, evaluations) switch
        {
            Finding.NotYet => $"held-out check: not yet ({held} of the {needed} evaluations it needs); P(best) and the interval are the "
                + "model's own",
            Finding.NotMade => "held-out check: not made for this decision; P(best) and the interval are the model's own",
            Finding.Widened => $"held-out check: the latest {held} evaluations missed by more than stated; P(best) widened ×{bulk}{howRead}, "
                + $"the interval ×{tails} (standard deviations)",
            Finding.TailsWidened => $"held-out check: the latest {held} evaluations missed by more than stated; P(best) as the model states "
                + $"it, the interval ×{tails} (standard deviations)",
            Finding.Narrowed => $"held-out check: the latest {held} evaluations landed nearer than stated; P(best) narrowed ×{bulk}{howRead}, "
                + (Visible(check.Tails) ? $"the interval ×{tails} (standard deviations)" : "the interval as the model states it"),
            _ => $"held-out check: the latest {held} evaluations landed within the stated spread; nothing widened",
        };
    }

    /// <summary>The held-back count (or, unchecked, the evaluations so far), the study size the check needs, and the two widenings as
    /// factors of the standard deviation, formatted.</summary>
    static (string Held, string Needed, string Bulk, string Tails) Numbers(VarianceScales check, int evaluations)
    {
        var c = CultureInfo.InvariantCulture;
        return ((check.Checked ? check.HeldBack : evaluations).ToString(c), PrequentialCheck.SmallestStudy.ToString(c),
            Factor(check.ProbabilityScale), Factor(check.Tails));
    }

    /// <summary>The degrees of freedom of the Student t P(best) reads, formatted.</summary>
    internal static string Freedom(StudentSpread student) => student.Freedom.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The factor on the benchmarks' correlations where P(best) is read (the coupling squared), formatted.</summary>
    internal static string Correlations(VarianceScales check) =>
        (check.Coupling * check.Coupling).ToString("0.00", CultureInfo.InvariantCulture);
}

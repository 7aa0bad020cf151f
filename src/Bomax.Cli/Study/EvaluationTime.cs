using Bomax.Cli.Journal;
using Bomax.Engine.Acquisition;

namespace Bomax.Cli.Study;

/// <summary>
/// What evaluations cost, read from the journal's measured seconds (every run and worker appends to it): the seconds spent on
/// this study's pairs, and each benchmark's typical seconds for the cost-aware acquisition (<c>engine.costs: measured</c>).
/// </summary>
internal static class EvaluationTime
{
    /// <summary>Measured seconds below this count as this: a start-up's jitter is not a cost, and tiny evaluations
    /// (a test's fake one) then cost the same and choose as the cost-blind engine does.</summary>
    public const double FloorSeconds = 1;

    /// <summary>The evaluation seconds spent on this study's pairs, successful and failed alike (a failure's attempts took time
    /// too): what <c>budget.max-eval-hours</c> counts.</summary>
    public static double Spent(StudyContext study, JournalContents journal) =>
        journal.Evaluations.Where(e => Applies(study, e.Checkpoint, e.Benchmark)).Sum(e => Math.Max(0, e.Seconds))
        + journal.Failures.Where(f => Applies(study, f.Checkpoint, f.Benchmark)).Sum(f => Math.Max(0, f.Seconds));

    static bool Applies(StudyContext study, string checkpoint, string benchmark) =>
        study.CheckpointIndex(checkpoint) >= 0 && study.BenchmarkIndex(benchmark) >= 0;

    /// <summary>Each benchmark's expected seconds per evaluation (<see cref="ExpectedSeconds.From"/>): the median of its successful
    /// evaluations in the journal; before its first, what it took in the earlier runs' journals (<see cref="StudyContext.EarlierSeconds"/>)
    /// scaled to this study's speed, or else the median of the others'. Null when nothing is measured, here or there.</summary>
    public static IReadOnlyList<double>? Expected(StudyContext study, JournalContents journal) =>
        ExpectedSeconds.From(study.Grid.BenchmarkCount, Measured(study, journal), study.EarlierSeconds);

    /// <summary>
    /// Each benchmark's cost for the acquisition: its expected seconds with differences that measurement noise explains set aside
    /// (<see cref="ExpectedSeconds.Costs"/>), at least <see cref="FloorSeconds"/>. Null when nothing is measured yet, or
    /// <c>engine.costs: off</c>: the acquisition is then cost-blind.
    /// </summary>
    public static BenchmarkCosts? Costs(StudyContext study, JournalContents journal) =>
        study.Spec.Engine.Costs == CostSource.Off || ExpectedSeconds.Costs(study.Grid.BenchmarkCount, Measured(study, journal),
            study.EarlierSeconds) is not { } expected
            ? null
            : new BenchmarkCosts(expected.Select(s => Math.Max(FloorSeconds, s)).ToList());

    /// <summary>The journal's successful evaluations of this study's pairs: benchmark index and seconds.</summary>
    static IEnumerable<(int Benchmark, double Seconds)> Measured(StudyContext study, JournalContents journal) =>
        journal.Evaluations
            .Where(e => e.Seconds > 0 && double.IsFinite(e.Seconds) && Applies(study, e.Checkpoint, e.Benchmark))
            .Select(e => (study.BenchmarkIndex(e.Benchmark), e.Seconds));
}

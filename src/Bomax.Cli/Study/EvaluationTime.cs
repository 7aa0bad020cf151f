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

    /// <summary>
    /// Each benchmark's expected seconds per evaluation: the median of its successful evaluations in the journal. A benchmark not
    /// evaluated yet is expected to take what it took in the earlier runs' journals (<see cref="StudyContext.EarlierSeconds"/>),
    /// scaled by how much faster or slower this study's evaluations are than theirs (the median ratio over the benchmarks both
    /// measured: a larger model takes longer on every benchmark); failing that, the median of the others'. Null when nothing is
    /// measured, here or there.
    /// </summary>
    public static IReadOnlyList<double>? Expected(StudyContext study, JournalContents journal)
    {
        var measured = journal.Evaluations
            .Where(e => e.Seconds > 0 && double.IsFinite(e.Seconds) && Applies(study, e.Checkpoint, e.Benchmark))
            .GroupBy(e => study.BenchmarkIndex(e.Benchmark))
            .ToDictionary(g => g.Key, g => Median(g.Select(e => e.Seconds).ToList()));
        var earlier = study.EarlierSeconds;
        var shared = measured.Keys.Where(earlier.ContainsKey).Select(j => measured[j] / earlier[j]).ToList();
        double speed = shared.Count > 0 ? Median(shared) : 1;
        var known = Enumerable.Range(0, study.Grid.BenchmarkCount)
            .Select(j => measured.TryGetValue(j, out double s) ? s : earlier.TryGetValue(j, out double e) ? speed * e : (double?)null)
            .ToList();
        if (known.All(s => s is null)) return null;
        double others = Median(known.OfType<double>().ToList());
        return known.Select(s => s ?? others).ToList();
    }

    /// <summary>
    /// Each benchmark's cost for the acquisition: its <see cref="Expected"/> seconds, at least <see cref="FloorSeconds"/>. Null when
    /// nothing is measured yet, or <c>engine.costs: off</c>: the acquisition is then cost-blind.
    /// </summary>
    public static BenchmarkCosts? Costs(StudyContext study, JournalContents journal) =>
        study.Spec.Engine.Costs == CostSource.Off || Expected(study, journal) is not { } expected
            ? null
            : new BenchmarkCosts(expected.Select(s => Math.Max(FloorSeconds, s)).ToList());

    internal static double Median(List<double> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}

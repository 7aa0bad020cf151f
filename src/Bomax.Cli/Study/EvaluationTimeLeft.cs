using Bomax.Cli.Journal;
using Bomax.Engine.Grid;

namespace Bomax.Cli.Study;

/// <summary>
/// What is left of <c>budget.max-eval-hours</c> and what it still buys. <see cref="Seconds"/> is the budget less the journal's
/// spent seconds (<see cref="EvaluationTime.Spent"/>) and the expected seconds of the pairs leased to other workers; a run, or
/// <c>suggest</c>, starts no evaluation it expects to end past the budget (each benchmark expected to take
/// <see cref="EvaluationTime.Expected"/>), so the hours are a ceiling, not a mark the last round overshoots. Before anything is
/// measured, here or in a <c>prior:</c> journal, nothing can be expected: only the spent seconds count.
/// </summary>
internal sealed record EvaluationTimeLeft(double Seconds, IReadOnlyList<double>? Expected)
{
    /// <summary>What is left of the study's <c>max-eval-hours</c>; null when the spec has none.</summary>
    public static EvaluationTimeLeft? Of(StudyContext study, JournalContents journal, IReadOnlyCollection<Cell> leasedElsewhere)
    {
        if (study.Spec.Budget.MaxEvalHours is not { } hours) return null;
        var expected = EvaluationTime.Expected(study, journal);
        double leased = expected is null ? 0 : leasedElsewhere.Sum(c => expected[c.Benchmark]);
        return new EvaluationTimeLeft(3600 * hours - EvaluationTime.Spent(study, journal) - leased, expected);
    }

    /// <summary>Nothing is left: the journal's evaluations (and the leased pairs' expected seconds) fill the budget.</summary>
    public bool IsSpent => Seconds <= 0;

    /// <summary>The cells of benchmarks one evaluation of which is expected to take longer than what is left: no round chooses
    /// them.</summary>
    public IEnumerable<Cell> Unaffordable(Grid grid) =>
        Expected is null || IsSpent
            ? []
            : Enumerable.Range(0, grid.BenchmarkCount)
                .Where(j => Expected[j] > Seconds)
                .SelectMany(j => Enumerable.Range(0, grid.CheckpointCount).Select(i => new Cell(i, j)));

    /// <summary>The <paramref name="planned"/> cells that fit in what is left together, in the planner's order: a cell that would
    /// end past the budget is skipped (a cheaper one after it may still fit). All of them when nothing is expected yet.</summary>
    public IReadOnlyList<Cell> Affordable(IReadOnlyList<Cell> planned)
    {
        if (Expected is null) return planned;
        var kept = new List<Cell>();
        double committed = 0;
        foreach (var cell in planned)
        {
            if (committed + Expected[cell.Benchmark] > Seconds) continue;
            committed += Expected[cell.Benchmark];
            kept.Add(cell);
        }
        return kept;
    }
}

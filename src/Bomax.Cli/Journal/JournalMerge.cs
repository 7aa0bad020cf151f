namespace Bomax.Cli.Journal;

/// <summary>
/// Combines journals written by parallel jobs into one: the newest header, every evaluation once per
/// (checkpoint, benchmark) pair (the earliest), and failures only for pairs that never succeeded (the
/// latest per pair). Records come out in time order. Pure: reading and writing happen at the edge.
/// </summary>
internal static class JournalMerge
{
    public static IReadOnlyList<JournalRecord> Merge(IEnumerable<JournalContents> journals)
    {
        var all = journals.SelectMany(j => j.Records).ToList();
        var header = all.OfType<HeaderRecord>().OrderBy(h => h.Time).LastOrDefault();
        var evaluations = all.OfType<EvaluationRecord>()
            .GroupBy(e => (e.Checkpoint, e.Benchmark))
            .Select(g => g.OrderBy(e => e.Time).First())
            .ToList();
        var succeeded = evaluations.Select(e => (e.Checkpoint, e.Benchmark)).ToHashSet();
        var failures = all.OfType<FailureRecord>()
            .Where(f => !succeeded.Contains((f.Checkpoint, f.Benchmark)))
            .GroupBy(f => (f.Checkpoint, f.Benchmark))
            .Select(g => g.OrderBy(f => f.Time).Last());
        var body = evaluations.Cast<JournalRecord>().Concat(failures).OrderBy(r => r.Time);
        return (header is null ? body : body.Prepend(header)).ToList();
    }
}

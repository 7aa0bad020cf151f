using System.Globalization;

namespace Bomax.Cli.Journal;

/// <summary>What a merge makes of its journals: the records to write, and the pairs whose journals disagree.</summary>
/// <param name="Records">The newest header first, then in time order: each pair's latest evaluation, failures of pairs that
/// never succeeded (the latest), and every lease and release.</param>
/// <param name="Conflicts">One line per pair whose journals recorded different scores, saying which is kept.</param>
internal sealed record MergeResult(IReadOnlyList<JournalRecord> Records, IReadOnlyList<string> Conflicts);

/// <summary>
/// Combines journals written by parallel jobs into one (<c>bomax journal merge</c>). Pure: reading and writing happen at the edge.
/// The latest evaluation of a pair wins, as it does when a study reads one journal (<c>record --replace</c>); different
/// scores for one pair in different journals are reported, not silently resolved.
/// </summary>
internal static class JournalMerge
{
    /// <param name="names">The journals' names, for the conflict lines (default: their positions).</param>
    public static MergeResult Merge(IReadOnlyList<JournalContents> journals, IReadOnlyList<string>? names = null)
    {
        names ??= journals.Select((_, k) => $"journal {k + 1}").ToList();
        var all = journals.SelectMany(j => j.Records).Select(r => r with { Line = 0 }).ToList();
        var header = all.OfType<HeaderRecord>().OrderBy(h => h.Time).LastOrDefault();
        var evaluations = all.OfType<EvaluationRecord>()
            .GroupBy(e => (e.Checkpoint, e.Benchmark))
            .Select(g => g.OrderBy(e => e.Time).Last())
            .ToList();
        var succeeded = evaluations.Select(e => (e.Checkpoint, e.Benchmark)).ToHashSet();
        var failures = all.OfType<FailureRecord>()
            .Where(f => !succeeded.Contains((f.Checkpoint, f.Benchmark)))
            .GroupBy(f => (f.Checkpoint, f.Benchmark))
            .Select(g => g.OrderBy(f => f.Time).Last());
        var leases = all.Where(r => r is LeaseRecord or ReleaseRecord).Distinct();
        var body = evaluations.Cast<JournalRecord>().Concat(failures).Concat(leases).OrderBy(r => r.Time);
        return new MergeResult((header is null ? body : body.Prepend(header)).ToList(), Conflicts(journals, names, evaluations));
    }

    /// <summary>Pairs whose journals' latest scores differ, each with the one kept (the latest).</summary>
    static List<string> Conflicts(IReadOnlyList<JournalContents> journals, IReadOnlyList<string> names, IReadOnlyList<EvaluationRecord> kept)
    {
        var c = CultureInfo.InvariantCulture;
        var latest = journals
            .SelectMany((j, k) => j.Evaluations
                .GroupBy(e => (e.Checkpoint, e.Benchmark))
                .Select(g => (Journal: names[k], Record: g.OrderBy(e => e.Time).Last())))
            .GroupBy(x => (x.Record.Checkpoint, x.Record.Benchmark));
        var winners = kept.ToDictionary(e => (e.Checkpoint, e.Benchmark));
        return latest
            .Where(g => g.Select(x => x.Record.Score).Distinct().Count() > 1)
            .Select(g => string.Create(c, $"{g.Key.Checkpoint} × {g.Key.Benchmark}: "
                + $"{string.Join(", ", g.Select(x => $"{x.Record.Score} in {x.Journal}"))}; kept the latest, {winners[g.Key].Score}"))
            .ToList();
    }

    /// <summary>
    /// What of <paramref name="merged"/> an existing journal <paramref name="existing"/> does not hold yet: a header when it has
    /// none, evaluations newer than its own for the pair, failures of pairs it has no evaluation or the same failure for, and
    /// leases and releases it lacks. Appended, they make the journal read as the merge does; nothing in it is rewritten.
    /// </summary>
    public static IReadOnlyList<JournalRecord> Missing(JournalContents existing, IReadOnlyList<JournalRecord> merged)
    {
        var present = existing.Records.Select(r => r with { Line = 0 }).ToHashSet();
        var latest = existing.Evaluations.GroupBy(e => (e.Checkpoint, e.Benchmark)).ToDictionary(g => g.Key, g => g.Max(e => e.Time));
        var missing = new List<JournalRecord>();
        foreach (var record in merged)
        {
            bool add = record switch
            {
                HeaderRecord => existing.Header is null,
                EvaluationRecord e => !present.Contains(e) && (!latest.TryGetValue((e.Checkpoint, e.Benchmark), out var at) || e.Time > at),
                FailureRecord f => !present.Contains(f) && !latest.ContainsKey((f.Checkpoint, f.Benchmark)),
                _ => !present.Contains(record),
            };
            if (add) missing.Add(record);
        }
        return missing;
    }
}

using Bomax.Cli.Journal;
using Bomax.Cli.Tables;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;

namespace Bomax.Cli.Study;

/// <summary>
/// Reads the spec's <c>prior:</c> files into the engine's <see cref="EarlierRuns"/>, aligned to the study's benchmarks by name:
/// a study journal (<c>*.jsonl</c>: its evaluations, the latest of each pair) or a complete score table (as <c>replay</c> reads).
/// Scores are turned the study's way: a benchmark the study minimises is negated, as the study's own scores are (the journal's
/// own <c>higher_is_better</c> decides where the spec does not say). A file that is missing or unreadable, or that shares no
/// benchmark with the study, is an error naming the spec's line.
/// </summary>
internal static class EarlierRunFiles
{
    public static (EarlierRuns? Runs, IReadOnlyList<SpecError> Errors) Load(StudySpec spec, Grid grid)
    {
        if (spec.Prior.Count == 0) return (null, []);
        var runs = new List<EarlierRun>();
        var errors = new List<SpecError>();
        foreach (var prior in spec.Prior)
        {
            var (run, problem) = Read(prior.Path, grid, (benchmark, stated) => GoalOf(spec, benchmark, stated));
            if (problem is not null) errors.Add(new(spec.SpecPath, prior.Position.Line, prior.Position.Column, prior.Field, problem));
            else runs.Add(run!);
        }
        return errors.Count > 0 ? (null, errors) : (new EarlierRuns(runs), []);
    }

    /// <summary>
    /// One earlier run from <paramref name="path"/>, aligned to <paramref name="study"/>'s benchmarks, its scores turned the way
    /// <paramref name="goalOf"/> says for each benchmark (given what the file itself stated, a journal's <c>higher_is_better</c>, or
    /// null); or the problem, in words: the file is missing or unreadable, or shares no benchmark with the study.
    /// </summary>
    public static (EarlierRun? Run, string? Problem) Read(string path, Grid study, Func<string, bool?, ScoreGoal> goalOf)
    {
        if (!File.Exists(path))
            return (null, Directory.Exists(path) ? $"'{path}' is a directory, not a journal or score table" : $"'{path}' does not exist");
        var (earlier, observations, problem) = IsJournal(path) ? ReadJournal(path, goalOf) : ReadTable(path, goalOf);
        if (problem is not null) return (null, problem);
        var run = EarlierRun.Align(study, earlier!, observations!, path);
        if (run.Observations.Count == 0)
            return (null, $"'{path}' shares no benchmark with the study (its benchmarks: "
                + string.Join(", ", earlier!.Benchmarks.Take(5).Select(b => b.Name)) + (earlier!.BenchmarkCount > 5 ? ", …" : "")
                + "); benchmarks are matched by name");
        return (run, null);
    }

    static bool IsJournal(string path) => Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase);

    static (Grid?, IReadOnlyList<Observation>?, string?) ReadTable(string path, Func<string, bool?, ScoreGoal> goalOf)
    {
        switch (ScoreTableReader.ReadFile(path))
        {
            case TableReadResult.Ok ok:
                var goals = ok.Table.Grid.Benchmarks.Select(b => goalOf(b.Name, null)).ToList();
                var observations = ok.Table.Observations()
                    .Select(o => o with { Score = StudyContext.Orient(o.Score, goals[o.Cell.Benchmark]) })
                    .ToList();
                return (ok.Table.Grid, observations, null);
            case TableReadResult.Invalid invalid:
                return (null, null, $"cannot use it as a score table: {invalid.Error}");
            default:
                throw new InvalidOperationException();
        }
    }

    static (Grid?, IReadOnlyList<Observation>?, string?) ReadJournal(string path, Func<string, bool?, ScoreGoal> goalOf)
    {
        JournalContents journal;
        try { journal = JournalFile.Read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null, $"cannot read the journal: {e.Message}");
        }
        var latest = new Dictionary<(string Checkpoint, string Benchmark), EvaluationRecord>();
        foreach (var e in journal.Evaluations.Where(e => double.IsFinite(e.Score))) latest[(e.Checkpoint, e.Benchmark)] = e;
        if (latest.Count == 0) return (null, null, $"the journal '{path}' holds no evaluation");
        var stated = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var e in journal.Evaluations) if (e.HigherIsBetter is { } higher) stated[e.Benchmark] = higher;
        var checkpoints = latest.Values.GroupBy(e => e.Checkpoint, StringComparer.Ordinal)
            .Select(g => new Checkpoint(g.Key, g.Last().Step)).ToList();
        var benchmarks = latest.Keys.Select(k => k.Benchmark).Distinct(StringComparer.Ordinal).Select(b => new Benchmark(b)).ToList();
        var grid = new Grid(checkpoints, benchmarks);
        var row = grid.Checkpoints.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var column = grid.Benchmarks.Select((b, j) => (b.Name, j)).ToDictionary(p => p.Name, p => p.j, StringComparer.Ordinal);
        var observations = latest.Values
            .Select(e => new Observation(new Cell(row[e.Checkpoint], column[e.Benchmark]),
                StudyContext.Orient(e.Score, goalOf(e.Benchmark, stated.TryGetValue(e.Benchmark, out bool h) ? h : null))))
            .ToList();
        return (grid, observations, null);
    }

    /// <summary>The study's direction for a benchmark of an earlier run: the spec's <c>goal:</c>, else <see cref="StatedGoal"/>.</summary>
    static ScoreGoal GoalOf(StudySpec spec, string benchmark, bool? higherIsBetter) =>
        spec.Benchmarks.FirstOrDefault(b => b.Name == benchmark)?.Goal ?? StatedGoal(benchmark, higherIsBetter);

    /// <summary>What the earlier run's own output said (a journal's <c>higher_is_better</c>), else maximise: a score table's scores are
    /// higher-is-better, as <c>replay</c> reads them.</summary>
    public static ScoreGoal StatedGoal(string benchmark, bool? higherIsBetter) =>
        higherIsBetter is false ? ScoreGoal.Minimize : ScoreGoal.Maximize;
}

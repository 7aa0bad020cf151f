using Bomax.Cli.Journal;
using Bomax.Cli.Tables;
using Bomax.Engine.Acquisition;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;

namespace Bomax.Cli.Study;

/// <summary>
/// Reads the spec's <c>prior:</c> files into the engine's <see cref="EarlierRuns"/>, aligned to the study's benchmarks by name:
/// a study journal (<c>*.jsonl</c>: its evaluations, the latest of each pair) or a complete score table (as <c>replay</c> reads).
/// Scores are turned the study's way: a benchmark the study minimises is negated, as the study's own scores are (the journal's
/// own <c>higher_is_better</c> decides where the spec does not say). A file that is missing or unreadable, or that shares no
/// benchmark with the study, is an error naming the spec's line. A journal also says what its evaluations took: each of the
/// study's benchmarks' measured seconds there (<see cref="EarlierRunsRead.Seconds"/>).
/// </summary>
internal static class EarlierRunFiles
{
    public static (EarlierRunsRead? Read, IReadOnlyList<SpecError> Errors) Load(StudySpec spec, Grid grid)
    {
        if (spec.Prior.Count == 0) return (null, []);
        var runs = new List<EarlierRun>();
        var seconds = new Dictionary<int, List<double>>();
        var index = grid.Benchmarks.Select((b, j) => (b.Name, j)).ToDictionary(p => p.Name, p => p.j, StringComparer.Ordinal);
        var errors = new List<SpecError>();
        foreach (var prior in spec.Prior)
        {
            var (run, measured, problem) = ReadFile(prior.Path, grid, (benchmark, stated) => GoalOf(spec, benchmark, stated));
            if (problem is not null) errors.Add(new(spec.SpecPath, prior.Position.Line, prior.Position.Column, prior.Field, problem));
            else runs.Add(run!);
            foreach (var (benchmark, durations) in measured)
                if (index.TryGetValue(benchmark, out int j))
                    (seconds.TryGetValue(j, out var list) ? list : seconds[j] = []).AddRange(durations);
        }
        return errors.Count > 0
            ? (null, errors)
            : (new EarlierRunsRead(new EarlierRuns(runs), seconds.ToDictionary(p => p.Key, p => ExpectedSeconds.Median(p.Value))), []);
    }

    /// <summary>
    /// One earlier run from <paramref name="path"/>, aligned to <paramref name="study"/>'s benchmarks, its scores turned the way
    /// <paramref name="goalOf"/> says for each benchmark (given what the file itself stated, a journal's <c>higher_is_better</c>, or
    /// null); or the problem, in words: the file is missing or unreadable, or shares no benchmark with the study.
    /// </summary>
    public static (EarlierRun? Run, string? Problem) Read(string path, Grid study, Func<string, bool?, ScoreGoal> goalOf)
    {
        var (run, _, problem) = ReadFile(path, study, goalOf);
        return (run, problem);
    }

    /// <summary><see cref="Read"/>, and the measured seconds of a journal's successful evaluations by benchmark name (none for a
    /// score table).</summary>
    static (EarlierRun? Run, IReadOnlyDictionary<string, List<double>> Seconds, string? Problem) ReadFile(
        string path, Grid study, Func<string, bool?, ScoreGoal> goalOf)
    {
        var none = new Dictionary<string, List<double>>();
        if (!File.Exists(path))
            return (null, none, Directory.Exists(path) ? $"'{path}' is a directory, not a journal or score table" : $"'{path}' does not exist");
        var (earlier, observations, seconds, problem) = IsJournal(path) ? ReadJournal(path, goalOf) : ReadTable(path, goalOf);
        if (problem is not null) return (null, none, problem);
        var run = EarlierRun.Align(study, earlier!, observations!, path);
        if (run.Observations.Count == 0)
            return (null, none, $"'{path}' shares no benchmark with the study (its benchmarks: "
                + string.Join(", ", earlier!.Benchmarks.Take(5).Select(b => b.Name)) + (earlier!.BenchmarkCount > 5 ? ", …" : "")
                + "); benchmarks are matched by name");
        return (run, seconds!, null);
    }

    static bool IsJournal(string path) => Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase);

    static (Grid?, IReadOnlyList<Observation>?, IReadOnlyDictionary<string, List<double>>?, string?) ReadTable(
        string path, Func<string, bool?, ScoreGoal> goalOf)
    {
        switch (ScoreTableReader.ReadFile(path))
        {
            case TableReadResult.Ok ok:
                var goals = ok.Table.Grid.Benchmarks.Select(b => goalOf(b.Name, null)).ToList();
                var observations = ok.Table.Observations()
                    .Select(o => o with { Score = StudyContext.Orient(o.Score, goals[o.Cell.Benchmark]) })
                    .ToList();
                return (ok.Table.Grid, observations, new Dictionary<string, List<double>>(), null);
            case TableReadResult.Invalid invalid:
                return (null, null, null, $"cannot use it as a score table: {invalid.Error}");
            default:
                throw new InvalidOperationException();
        }
    }

    static (Grid?, IReadOnlyList<Observation>?, IReadOnlyDictionary<string, List<double>>?, string?) ReadJournal(
        string path, Func<string, bool?, ScoreGoal> goalOf)
    {
        JournalContents journal;
        try { journal = JournalFile.Read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null, null, $"cannot read the journal: {e.Message}");
        }
        var latest = new Dictionary<(string Checkpoint, string Benchmark), EvaluationRecord>();
        foreach (var e in journal.Evaluations.Where(e => double.IsFinite(e.Score))) latest[(e.Checkpoint, e.Benchmark)] = e;
        if (latest.Count == 0) return (null, null, null, $"the journal '{path}' holds no evaluation");
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
        var seconds = journal.Evaluations.Where(e => double.IsFinite(e.Score) && e.Seconds > 0 && double.IsFinite(e.Seconds))
            .GroupBy(e => e.Benchmark, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Seconds).ToList(), StringComparer.Ordinal);
        return (grid, observations, seconds, null);
    }

    /// <summary>The study's direction for a benchmark of an earlier run: the spec's <c>goal:</c>, else <see cref="StatedGoal"/>.</summary>
    static ScoreGoal GoalOf(StudySpec spec, string benchmark, bool? higherIsBetter) =>
        spec.Benchmarks.FirstOrDefault(b => b.Name == benchmark)?.Goal ?? StatedGoal(benchmark, higherIsBetter);

    /// <summary>What the earlier run's own output said (a journal's <c>higher_is_better</c>), else maximise: a score table's scores are
    /// higher-is-better, as <c>replay</c> reads them.</summary>
    public static ScoreGoal StatedGoal(string benchmark, bool? higherIsBetter) =>
        higherIsBetter is false ? ScoreGoal.Minimize : ScoreGoal.Maximize;
}

/// <summary>The spec's earlier runs, and each study benchmark's median measured seconds in their journals (by benchmark index;
/// absent where no journal measured it).</summary>
internal sealed record EarlierRunsRead(EarlierRuns Runs, IReadOnlyDictionary<int, double> Seconds);

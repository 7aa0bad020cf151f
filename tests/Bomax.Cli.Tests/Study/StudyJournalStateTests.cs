using Bomax.Cli.Journal;
using Bomax.Cli.Study;
using Bomax.Engine.Grid;

namespace Bomax.Cli.Tests.Study;

/// <summary>
/// <see cref="StudyContext.Observe"/> on real spec files and journals: which failures still count after the spec
/// changed, which are offered for re-reading, how minimised benchmarks are oriented, and which journal lines are skipped.
/// </summary>
public sealed class StudyJournalStateTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-state-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string Spec(string eval = "", string benchmarks = "[a, b]")
    {
        string path = Path.Combine(directory, "study.yml");
        File.WriteAllText(path, $$"""
            study: s
            checkpoints: { list: [ckpt-1, ckpt-2, ckpt-3] }
            benchmarks: {{benchmarks}}
            eval:
              command: ./eval.sh {checkpoint} {benchmark}
            {{eval}}
            journal: j.jsonl
            """);
        return path;
    }

    static StudyContext Load(string spec) => Assert.IsType<StudyLoad.Ok>(StudyContext.Load(spec)).Study;

    static FailureRecord Failure(StudyContext study, string checkpoint, string benchmark, string kind = FailureKinds.Exit, string? outputs = null)
    {
        var prints = study.FingerprintsOf(study.BenchmarkIndex(benchmark));
        return new FailureRecord(checkpoint, 1, benchmark, 2, "exit code 2: no such file", "", 1, 2)
        {
            Time = DateTimeOffset.UnixEpoch.AddHours(1), Kind = kind, CommandFingerprint = prints.Command, ScoreFingerprint = prints.Score,
            OutputDirectory = outputs,
        };
    }

    [Fact]
    public void FailuresCountUntilTheirBenchmarksCommandChangesAndOthersKeepCounting()
    {
        var before = Load(Spec());
        var journal = Path.Combine(directory, "j.jsonl");
        JournalFile.AppendAll(journal, [Failure(before, "ckpt-1", "a"), Failure(before, "ckpt-2", "a"), Failure(before, "ckpt-1", "b")]);

        Assert.Equal(3, before.Observe(JournalFile.Read(journal)).Failed.Count);

        // b gets its own (fixed) command: a's failures still count, b's no longer do.
        var after = Load(Spec(benchmarks: "[a, { name: b, command: './eval-b.sh {checkpoint}' }]"));
        var state = after.Observe(JournalFile.Read(journal));
        Assert.Equal([new Cell(0, 0), new Cell(1, 0)], state.Failed.OrderBy(c => c.Checkpoint));
        Assert.Equal(1, state.Healed);
        Assert.Empty(state.Rereadable);

        // A change of the environment, the working directory or the timeout heals too; --retry-failed heals all.
        Assert.Empty(Load(Spec("  env: { HF_HOME: /data }"))
            .Observe(JournalFile.Read(journal)).Failed);
        Assert.Empty(before.Observe(JournalFile.Read(journal), ignoreFailuresUntil: DateTimeOffset.UnixEpoch.AddDays(1)).Failed);
        Assert.Equal(3, before.Observe(JournalFile.Read(journal), ignoreFailuresUntil: DateTimeOffset.UnixEpoch).Failed.Count);
    }

    [Fact]
    public void AScoreFailureWhoseRuleChangedIsOfferedForRereadingWhenItsOutputIsKept()
    {
        var before = Load(Spec());
        string kept = Directory.CreateDirectory(Path.Combine(directory, "kept")).FullName;
        var journal = Path.Combine(directory, "j.jsonl");
        JournalFile.AppendAll(journal, [
            Failure(before, "ckpt-1", "a", FailureKinds.Score, kept),
            Failure(before, "ckpt-2", "a", FailureKinds.Score, Path.Combine(directory, "gone")),
            Failure(before, "ckpt-3", "a", FailureKinds.Exit, kept)]);

        var state = Load(Spec("  score: { regex: 'acc=([0-9.]+)' }")).Observe(JournalFile.Read(journal));

        Assert.Empty(state.Failed);
        Assert.Equal(3, state.Healed);
        var reread = Assert.Single(state.Rereadable); // the exit failure is run again, the lost output too
        Assert.Equal("ckpt-1", reread.Checkpoint);
    }

    [Fact]
    public void FailuresWrittenBeforeFingerprintsWereKeptStillCount()
    {
        var study = Load(Spec());
        var journal = Path.Combine(directory, "j.jsonl");
        JournalFile.Append(journal, new FailureRecord("ckpt-1", 1, "a", 1, "old", "", 1, 2) { Time = DateTimeOffset.UnixEpoch });

        Assert.Single(study.Observe(JournalFile.Read(journal)).Failed);
    }

    [Fact]
    public void MinimisedBenchmarksEnterTheEngineWithTheirSignChanged()
    {
        var study = Load(Spec(benchmarks: "[a, { name: ppl, goal: minimize }, b]"));
        var journal = Path.Combine(directory, "j.jsonl");
        JournalFile.AppendAll(journal, [
            new EvaluationRecord("ckpt-1", 1, "a", 0.6, null, 1, 1),
            new EvaluationRecord("ckpt-1", 1, "ppl", 2.5, 0.1, 1, 1),
            // The output says lower is better for b; the spec says nothing, so the output decides.
            new EvaluationRecord("ckpt-1", 1, "b", 7.5, null, 1, 1) { HigherIsBetter = false }]);

        var state = study.Observe(JournalFile.Read(journal));

        Assert.Equal([ScoreGoal.Maximize, ScoreGoal.Minimize, ScoreGoal.Minimize], state.Goals);
        Assert.Equal([0.6, -2.5, -7.5], state.Observations.Select(o => o.Score));
        Assert.Equal(0.1, state.Observations[1].StandardError);
        Assert.Empty(state.Warnings);
    }

    [Fact]
    public void ASpecGoalThatContradictsTheResultsIsUsedWithAWarning()
    {
        var study = Load(Spec(benchmarks: "[a, { name: b, goal: maximize }]"));
        var journal = Path.Combine(directory, "j.jsonl");
        JournalFile.Append(journal, new EvaluationRecord("ckpt-1", 1, "b", 7.5, null, 1, 1) { HigherIsBetter = false });

        var state = study.Observe(JournalFile.Read(journal));

        Assert.Equal(ScoreGoal.Maximize, state.Goals[1]);
        Assert.Equal(7.5, Assert.Single(state.Observations).Score);
        var warning = Assert.Single(state.Warnings);
        Assert.Contains("benchmarks[1] b: goal: maximize in", warning);
        Assert.Contains("its results say lower is better", warning);
    }

    [Fact]
    public void AnAbsurdScoreInTheJournalIsSkippedWithAWarningNamingItsLine()
    {
        var study = Load(Spec());
        var journal = Path.Combine(directory, "j.jsonl");
        JournalFile.AppendAll(journal, [
            new EvaluationRecord("ckpt-1", 1, "a", 0.6, null, 1, 1),
            new EvaluationRecord("ckpt-2", 2, "a", 1e308, null, 1, 1),
            new EvaluationRecord("ckpt-3", 3, "a", 0.7, 1e300, 1, 1)]);

        var state = study.Observe(JournalFile.Read(journal));

        Assert.Equal([0.6, 0.7], state.Observations.Select(o => o.Score));
        Assert.Null(state.Observations[1].StandardError); // an absurd standard error is dropped, the score kept
        var warning = Assert.Single(state.Warnings);
        Assert.StartsWith($"{journal}:2: ckpt-2 × a: the score 1e308 is outside ±1e6", warning);
    }

    [Fact]
    public void AMissingWorkingDirectoryIsASpecErrorAtItsLine()
    {
        var load = StudyContext.Load(Spec("  workdir: no/such/dir"));

        var error = Assert.Single(Assert.IsType<StudyLoad.Invalid>(load).Errors);
        Assert.Equal((6, 12, "eval.workdir"), (error.Line, error.Column, error.Field));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void TheSpecsWarningsAreAmongTheStatesWarnings()
    {
        string spec = Spec("  score: { json: 'results.mmlu.acc,none' }");

        var state = Load(spec).Observe(JournalFile.Read(Path.Combine(directory, "j.jsonl")));

        var warning = Assert.Single(state.Warnings);
        Assert.StartsWith($"{spec}:6:18: eval.score.json: 'results.mmlu.acc,none' is a dotted path", warning);
        Assert.Contains("write results.mmlu['acc,none'] instead", warning);
    }
}

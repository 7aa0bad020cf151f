using Bomax.Cli.Journal;

namespace Bomax.Cli.Tests.Journal;

public sealed class JournalFileTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-journal-").FullName;
    public void Dispose() => Directory.Delete(directory, recursive: true);

    static EvaluationRecord Evaluation(string checkpoint, string benchmark, double score, int minute = 0) =>
        new(checkpoint, long.Parse(checkpoint.Split('-')[^1]), benchmark, score, null, 1.5, 1)
        {
            Time = new DateTimeOffset(2026, 1, 1, 0, minute, 0, TimeSpan.Zero),
        };

    [Fact]
    public void AppendedRecordsReadBackInOrderWithEveryField()
    {
        var path = Path.Combine(directory, "sub", "study.jsonl");
        var header = new HeaderRecord("s", 1, new[] { "checkpoint-100" }, new[] { "arc" }, "bomax 0.1.0") { Time = DateTimeOffset.UnixEpoch };
        var failure = new FailureRecord("checkpoint-100", 100, "mmlu", 2, "exit code 2: boom", "boom\n", 3.25, 2)
        {
            Time = DateTimeOffset.UnixEpoch, Kind = FailureKinds.Exit, CommandFingerprint = "0123456789ab", ScoreFingerprint = "ba9876543210",
            OutputDirectory = "/o/attempt-2",
        };
        JournalFile.Append(path, header);
        JournalFile.Append(path, Evaluation("checkpoint-100", "arc", 0.75) with { StandardError = 0.01 });
        JournalFile.Append(path, failure);

        var contents = JournalFile.Read(path);
        Assert.Empty(contents.Warnings);
        Assert.Equal(3, contents.Records.Count);
        var readHeader = Assert.IsType<HeaderRecord>(contents.Records[0]);
        Assert.Equal(("s", 1, "bomax 0.1.0"), (readHeader.Study, readHeader.Version, readHeader.Tool));
        Assert.Equal(header.Checkpoints, readHeader.Checkpoints);
        Assert.Equal(header.Benchmarks, readHeader.Benchmarks);
        var evaluation = Assert.IsType<EvaluationRecord>(contents.Records[1]);
        Assert.Equal(("checkpoint-100", 100L, "arc", 0.75, (double?)0.01),
            (evaluation.Checkpoint, evaluation.Step, evaluation.Benchmark, evaluation.Score, evaluation.StandardError));
        Assert.Equal(failure with { Line = 3 }, Assert.IsType<FailureRecord>(contents.Records[2]));
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void TornLastLineIsSkippedWithAWarningAndTheNextAppendStartsAFreshLine()
    {
        var path = Path.Combine(directory, "torn.jsonl");
        JournalFile.Append(path, Evaluation("checkpoint-100", "arc", 0.5));
        JournalFile.Append(path, Evaluation("checkpoint-200", "arc", 0.6));
        var full = File.ReadAllText(path);
        File.WriteAllText(path, full + JournalFile.Serialise(Evaluation("checkpoint-300", "arc", 0.7))[..25]); // a write cut short

        var torn = JournalFile.Read(path);
        Assert.Equal(2, torn.Evaluations.Count());
        var warning = Assert.Single(torn.Warnings);
        Assert.Contains("torn.jsonl:3", warning);
        Assert.Contains("incomplete", warning);

        JournalFile.Append(path, Evaluation("checkpoint-400", "arc", 0.8));
        var after = JournalFile.Read(path);
        Assert.Equal(new[] { "checkpoint-100", "checkpoint-200", "checkpoint-400" }, after.Evaluations.Select(e => e.Checkpoint));
        Assert.Single(after.Warnings); // the torn line stays skipped; nothing else is lost
    }

    [Fact]
    public void ConcurrentWritersNeverInterleaveRecords()
    {
        var path = Path.Combine(directory, "shared.jsonl");
        const int perWriter = 150;
        Parallel.For(0, 4, writer =>
        {
            for (int k = 0; k < perWriter; k++)
                JournalFile.Append(path, Evaluation($"checkpoint-{writer * 1000 + k}", $"task{writer}", k / 1000.0));
        });
        var contents = JournalFile.Read(path);
        Assert.Empty(contents.Warnings);
        Assert.Equal(4 * perWriter, contents.Evaluations.Count());
        Assert.Equal(4 * perWriter, contents.Evaluations.Select(e => e.Checkpoint).Distinct().Count());
    }

    static DateTimeOffset At(int minute) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minute);

    [Fact]
    public void MergeKeepsEachPairsLatestScoreReportsConflictsAndDropsFailuresThatLaterSucceeded()
    {
        var a = new JournalContents(new JournalRecord[]
        {
            Evaluation("checkpoint-100", "arc", 0.5, minute: 1),
            new FailureRecord("checkpoint-200", 200, "arc", 1, "exit code 1", "", 1, 2) { Time = At(2) },
            new FailureRecord("checkpoint-300", 300, "arc", 1, "exit code 1", "", 1, 2) { Time = At(3) },
            new LeaseRecord("checkpoint-400", "arc", "w1", At(60)) { Time = At(3) },
        }, Array.Empty<string>());
        var b = new JournalContents(new JournalRecord[]
        {
            Evaluation("checkpoint-100", "arc", 0.9, minute: 5),
            Evaluation("checkpoint-200", "arc", 0.6, minute: 4),
        }, Array.Empty<string>());

        var merged = JournalMerge.Merge(new[] { a, b }, ["a.jsonl", "b.jsonl"]);

        var evaluations = merged.Records.OfType<EvaluationRecord>().ToList();
        Assert.Equal(2, evaluations.Count);
        Assert.Equal(0.9, evaluations.Single(e => e.Checkpoint == "checkpoint-100").Score); // the latest wins, as in one journal
        var conflict = Assert.Single(merged.Conflicts);
        Assert.Equal("checkpoint-100 × arc: 0.5 in a.jsonl, 0.9 in b.jsonl; kept the latest, 0.9", conflict);
        var failure = Assert.Single(merged.Records.OfType<FailureRecord>());
        Assert.Equal("checkpoint-300", failure.Checkpoint);
        Assert.Single(merged.Records.OfType<LeaseRecord>());
        Assert.Equal(merged.Records.OrderBy(r => r.Time), merged.Records);
    }

    [Fact]
    public void MergingIntoAJournalAppendsOnlyWhatItLacks()
    {
        var existing = new JournalContents(new JournalRecord[]
        {
            new HeaderRecord("s", 1, ["checkpoint-100", "checkpoint-200"], ["arc"], "bomax") { Time = At(0) },
            Evaluation("checkpoint-100", "arc", 0.5, minute: 1) with { Line = 2 },
            Evaluation("checkpoint-200", "arc", 0.7, minute: 9) with { Line = 3 },
        }, Array.Empty<string>());
        var fragment = new JournalContents(new JournalRecord[]
        {
            new HeaderRecord("s", 1, ["checkpoint-100", "checkpoint-200"], ["arc"], "bomax") { Time = At(2) },
            Evaluation("checkpoint-100", "arc", 0.5, minute: 1),     // already there
            Evaluation("checkpoint-200", "arc", 0.6, minute: 4),     // older than the journal's own
            Evaluation("checkpoint-300", "arc", 0.8, minute: 5),     // new
        }, Array.Empty<string>());

        var merged = JournalMerge.Merge(new[] { existing, fragment });
        var missing = JournalMerge.Missing(existing, merged.Records);

        var added = Assert.Single(missing);
        Assert.Equal(("checkpoint-300", 0.8), (((EvaluationRecord)added).Checkpoint, ((EvaluationRecord)added).Score));
    }

    [Fact]
    public void LeasesHoldUntilSettledReleasedReplacedOrExpired()
    {
        var journal = new JournalContents(new JournalRecord[]
        {
            new LeaseRecord("c-1", "arc", "w1", At(30)) { Time = At(1) },
            new LeaseRecord("c-2", "arc", "w1", At(30)) { Time = At(1) },
            new LeaseRecord("c-3", "arc", "w2", At(30)) { Time = At(1) },
            new LeaseRecord("c-4", "arc", "w2", At(5)) { Time = At(1) },
            new LeaseRecord("c-5", "arc", "w1", At(30)) { Time = At(1) },
            Evaluation("c-1", "arc", 0.5, minute: 2),                 // settled by its result
            new ReleaseRecord("c-2", "arc", "w1") { Time = At(3) },   // given back
            new ReleaseRecord("c-3", "arc", "w1") { Time = At(3) },   // not w1's to give back
            new FailureRecord("c-5", 5, "arc", 1, "boom", "", 1, 1) { Time = At(4) }, // settled by its failure
        }, Array.Empty<string>());

        var active = Leases.Active(journal, At(10));

        Assert.Equal([("c-3", "arc")], active.Keys); // c-4 expired at minute 5
        Assert.Equal("w2", active[("c-3", "arc")].Owner);
        Assert.Empty(Leases.Active(journal, At(31)));
    }

    [Fact]
    public void ALeaseOfADeadLocalProcessDoesNotHold()
    {
        Assert.True(Leases.IsDeadLocalOwner($"run:me@{Environment.MachineName}:{int.MaxValue - 7}"));
        Assert.False(Leases.IsDeadLocalOwner(Leases.DefaultOwner("run")));          // this process
        Assert.False(Leases.IsDeadLocalOwner($"run:me@another-host:{int.MaxValue - 7}"));
        Assert.False(Leases.IsDeadLocalOwner("suggest:me@host"));                    // no process named
    }

    /// <summary>Advances <paramref name="clock"/> a step at a time until <paramref name="task"/> ends (at most <paramref name="most"/>).</summary>
    static async Task Drive(Task task, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, TimeSpan step, TimeSpan most)
    {
        for (var passed = TimeSpan.Zero; !task.IsCompleted && passed < most; passed += step)
        {
            clock.Advance(step);
            await Task.WhenAny(task, Task.Delay(5));
        }
    }

    [Fact]
    public async Task AnAppendWaitsOnItsClockWhileAnotherHoldsTheLockThenWrites()
    {
        var path = Path.Combine(directory, "locked.jsonl");
        JournalFile.Append(path, Evaluation("checkpoint-100", "arc", 0.5));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var holder = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var append = Task.Run(() => JournalFile.AppendAll(path, [Evaluation("checkpoint-200", "arc", 0.6)], clock));
        await Drive(append, clock, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.False(append.IsCompleted, "the append must wait while the lock is held");
        holder.Dispose();
        await Drive(append, clock, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        await append;

        Assert.Equal([0.5, 0.6], JournalFile.Read(path).Records.OfType<EvaluationRecord>().Select(r => r.Score));
    }

    [Fact]
    public async Task AJournalLockedPastTheWaitIsOneClearErrorAndNothingIsWritten()
    {
        var path = Path.Combine(directory, "stuck.jsonl");
        JournalFile.Append(path, Evaluation("checkpoint-100", "arc", 0.5));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var append = Task.Run(() => JournalFile.AppendAll(path, [Evaluation("checkpoint-200", "arc", 0.6)], clock));
            await Drive(append, clock, TimeSpan.FromSeconds(5), JournalFile.LockWait + TimeSpan.FromSeconds(10));
            var e = await Assert.ThrowsAsync<IOException>(() => append);
            Assert.StartsWith($"'{path}' stayed locked by another process for 10m", e.Message);
        }
        Assert.Single(JournalFile.Read(path).Records);
    }
}

using System.Text.Json;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// Many workers on one study, as real processes: two <c>run</c>s at once, <c>suggest</c>/<c>record</c> workers, concurrent
/// <c>record</c>s and <c>merge</c>s into one journal, and journals that cannot be written. Bounded in time and count; nothing
/// here waits on the clock (expired leases are written with an expiry in the past).
/// </summary>
public sealed class ManyWorkersTests : IDisposable
{
    static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(120);
    static readonly string[] Checkpoints = Enumerable.Range(1, 6).Select(i => $"ckpt-{i * 100}").ToArray();

    readonly string directory = Directory.CreateTempSubdirectory("bomax-workers-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    string Journal => Path.Combine(directory, "journal.jsonl");

    /// <summary>A 6 × 3 study whose eval logs each call and prints a score from the step.</summary>
    string Spec(string budget = "100%", string parallel = "2", string journal = "journal.jsonl", string study = "workers", string name = "study.yml")
    {
        string script = Path.Combine(directory, "eval.sh");
        File.WriteAllText(script, """
            #!/bin/bash
            printf '%s|%s\n' "$1" "$2" >> calls.log
            sleep 0.2
            awk -v s="$BOMAX_STEP" 'BEGIN { d = (s - 300) / 300; printf "score %.4f\n", 0.8 - 0.3 * d * d }'
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, $$"""
            study: {{study}}
            checkpoints: { list: [{{string.Join(", ", Checkpoints)}}] }
            benchmarks: [a, b, c]
            eval:
              command: ./eval.sh {checkpoint} {benchmark}
              parallel: {{parallel}}
            budget: { max-evals: {{budget}} }
            journal: {{journal}}
            """.ReplaceLineEndings("\n"));
        return path;
    }

    BomaxResult Bomax(params string[] arguments) => BomaxProcess.Run(directory, ProcessLimit, arguments);

    static List<JsonElement> Records(string path, string type) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == type).ToList();

    static (string, string) Pair(JsonElement e) => (e.GetProperty("checkpoint").GetString()!, e.GetProperty("benchmark").GetString()!);

    static List<(string, string)> Suggested(BomaxResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Select(Pair).ToList();
    }

    // ---- leases ------------------------------------------------------------------------------------------------

    [Fact]
    public void TwoSuggestsHandOutDisjointPairsAndAReleasedOrExpiredLeaseComesBack()
    {
        var spec = Spec();

        var first = Suggested(Bomax("suggest", spec, "--count", "3", "--json", "--owner", "worker-1"));
        var second = Suggested(Bomax("suggest", spec, "--count", "3", "--json", "--owner", "worker-2"));

        Assert.Equal(3, first.Count);
        Assert.Equal(3, second.Count);
        Assert.Empty(first.Intersect(second));
        Assert.Equal(6, Records(Journal, "lease").Count);

        // worker-1 records one pair (settling its lease) and gives the others back.
        Assert.Equal(0, Bomax("record", spec, "--checkpoint", first[0].Item1, "--benchmark", first[0].Item2, "--score", "0.7").ExitCode);
        var released = Bomax("suggest", spec, "--release", "--owner", "worker-1");
        Assert.Contains("released 2 pair(s) leased to worker-1", released.Stderr);

        // worker-2's leases expire (written here with an expiry in the past, as the clock would make them).
        File.AppendAllLines(Journal, second.Select(p => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "lease", ["checkpoint"] = p.Item1, ["benchmark"] = p.Item2, ["owner"] = "worker-2",
            ["expires"] = "2001-01-01T00:00:00+00:00", ["time"] = "2001-01-01T00:00:00+00:00",
        })));

        var all = Suggested(Bomax("suggest", spec, "--count", "17", "--json", "--owner", "worker-3"));
        Assert.Equal(17, all.Count); // 18 pairs, one recorded: every other one is free again
        Assert.DoesNotContain(first[0], all);
        Assert.Contains(first[1], all);
        Assert.Contains(second[0], all);
        var none = Bomax("suggest", spec, "--count", "1", "--json", "--owner", "worker-4");
        Assert.Empty(Suggested(none));
        Assert.Contains("nothing to suggest: the rest of the budget is leased to workers (17 pair(s))", none.Stderr);
    }

    [Fact]
    public void TwoRunsOnOneStudyEvaluateEveryPairOnce()
    {
        var spec = Spec(parallel: "2");

        using var one = BomaxProcess.Start(directory, ["run", spec]);
        using var two = BomaxProcess.Start(directory, ["run", spec]);
        var results = new[] { one.Wait(ProcessLimit), two.Wait(ProcessLimit) };

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var calls = File.ReadAllLines(Path.Combine(directory, "calls.log"));
        Assert.Equal(18, calls.Length);
        Assert.Equal(18, calls.Distinct().Count());
        var evaluations = Records(Journal, "evaluation");
        Assert.Equal(18, evaluations.Select(Pair).Distinct().Count());
        Assert.Equal(18, evaluations.Count);
        Assert.Single(Records(Journal, "header"));
    }

    [Fact]
    public void ARunBelievesAWorkersLeasedPairsAndLeavesThemToIt()
    {
        var spec = Spec(budget: "100%");
        var leased = Suggested(Bomax("suggest", spec, "--count", "4", "--json", "--owner", "slow-worker"));

        var run = Bomax("run", spec);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("4 pair(s) are still leased to other workers", run.Stderr);
        var evaluated = Records(Journal, "evaluation").Select(Pair).ToList();
        Assert.Equal(14, evaluated.Count);
        Assert.Empty(evaluated.Intersect(leased));
        string report = File.ReadAllText(Path.Combine(directory, "workers", "report.md"));
        Assert.Contains("**4** more leased to workers, not recorded yet", report);
    }

    // ---- recording and merging -----------------------------------------------------------------------------------

    [Fact]
    public void RecordingARecordedPairIsRefusedUnlessReplacedAndTheLatestWins()
    {
        var spec = Spec(budget: "100%");
        Assert.Equal(0, Bomax("record", spec, "--checkpoint", "ckpt-100", "--benchmark", "a", "--score", "0.5").ExitCode);

        var again = Bomax("record", spec, "--checkpoint", "ckpt-100", "--benchmark", "a", "--score", "0.9");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("ckpt-100 × a is already recorded", again.Stderr);
        Assert.Contains(":2: score 0.5); nothing was written. Use --replace", again.Stderr);
        Assert.Single(Records(Journal, "evaluation"));

        var replaced = Bomax("record", spec, "--checkpoint", "ckpt-100", "--benchmark", "a", "--score", "0.9", "--replace");
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Contains("replacing line 2", replaced.Stderr);
        Assert.Equal([0.5, 0.9], Records(Journal, "evaluation").Select(e => e.GetProperty("score").GetDouble()));
        var report = Bomax("report", spec);
        Assert.Contains("| a | 1 | 0.9000 | observed |", File.ReadAllText(Path.Combine(directory, "workers", "report.md")));
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public void ConcurrentRecordsAndMergesIntoOneJournalLoseNothing()
    {
        var spec = Spec(budget: "100%");
        // Two fragments from other jobs, each with 3 evaluations.
        string fragmentA = Path.Combine(directory, "a.jsonl"), fragmentB = Path.Combine(directory, "b.jsonl");
        var specA = Spec(journal: "a.jsonl", name: "a.yml");
        var specB = Spec(journal: "b.jsonl", name: "b.yml");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, Bomax("record", specA, "--checkpoint", Checkpoints[i], "--benchmark", "c", "--score", "0.6").ExitCode);
            Assert.Equal(0, Bomax("record", specB, "--checkpoint", Checkpoints[i + 3], "--benchmark", "c", "--score", "0.7").ExitCode);
        }

        // 12 records (every pair of benchmarks a and b) and two merges, all at once into journal.jsonl.
        var processes = new List<BomaxProcess>();
        foreach (var checkpoint in Checkpoints)
            foreach (var benchmark in new[] { "a", "b" })
                processes.Add(BomaxProcess.Start(directory,
                    ["record", spec, "--checkpoint", checkpoint, "--benchmark", benchmark, "--score", "0.5"]));
        processes.Add(BomaxProcess.Start(directory, ["journal", "merge", fragmentA, "-o", Journal]));
        processes.Add(BomaxProcess.Start(directory, ["journal", "merge", fragmentB, "-o", Journal]));
        var results = processes.Select(p => p.Wait(ProcessLimit)).ToList();
        foreach (var p in processes) p.Dispose();

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var evaluations = Records(Journal, "evaluation").Select(Pair).ToList();
        Assert.Equal(18, evaluations.Count);
        Assert.Equal(18, evaluations.Distinct().Count());
    }

    [Fact]
    public void MergeRefusesAnotherStudysJournalUnlessForcedAndReportsConflicts()
    {
        var spec = Spec();
        var other = Spec(study: "other", journal: "other.jsonl", name: "other.yml");
        Assert.Equal(0, Bomax("record", spec, "--checkpoint", "ckpt-100", "--benchmark", "a", "--score", "0.5").ExitCode);
        Assert.Equal(0, Bomax("record", other, "--checkpoint", "ckpt-100", "--benchmark", "a", "--score", "0.8").ExitCode);
        string before = File.ReadAllText(Journal);

        var refused = Bomax("journal", "merge", Path.Combine(directory, "other.jsonl"), "-o", Journal);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("of study 'workers'", refused.Stderr);
        Assert.Contains("of 'other'; nothing was merged (--force merges them anyway)", refused.Stderr);
        Assert.Equal(before, File.ReadAllText(Journal));

        var forced = Bomax("journal", "merge", Path.Combine(directory, "other.jsonl"), "-o", Journal, "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("conflicting scores: ckpt-100 × a: 0.5 in", forced.Stderr);
        Assert.Contains("0.8 in", forced.Stderr);
    }

    // ---- journals that cannot be written -----------------------------------------------------------------------

    [Fact]
    public void AJournalThatIsADirectoryOrADanglingLinkIsASpecErrorBeforeAnythingRuns()
    {
        Directory.CreateDirectory(Path.Combine(directory, "dir.jsonl"));
        var asDirectory = Bomax("run", Spec(journal: "dir.jsonl"));
        Assert.Equal(2, asDirectory.ExitCode);
        Assert.Contains("study.yml:8:10: journal: '", asDirectory.Stderr);
        Assert.Contains("dir.jsonl' is a directory, not a journal file", asDirectory.Stderr);
        Assert.DoesNotContain("Exception", asDirectory.Stderr);

        File.CreateSymbolicLink(Path.Combine(directory, "link.jsonl"), Path.Combine(directory, "nowhere", "j.jsonl"));
        var dangling = Bomax("record", Spec(journal: "link.jsonl"), "--checkpoint", "ckpt-100", "--benchmark", "a", "--score", "0.5");
        Assert.Equal(2, dangling.ExitCode);
        Assert.Contains("which does not exist", dangling.Stderr);
        Assert.False(File.Exists(Path.Combine(directory, "calls.log")), "nothing may be evaluated");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// End-to-end tests of <c>bomax run</c>, <c>suggest</c>, <c>record</c> and <c>journal merge</c>: the real
/// bomax.dll (copied next to the tests) as a child process started without a shell, in a fresh temporary
/// directory per test, on a tiny grid (8 checkpoints × 3 benchmarks) with a fake eval script whose scores
/// are known: they peak at step 500 on every benchmark, so ckpt-500 is the true best.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    static readonly string[] Checkpoints = Enumerable.Range(1, 8).Select(i => $"ckpt-{i * 100}").ToArray();
    static readonly string[] Benchmarks = ["a", "b", "c"];
    static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(90);

    readonly string directory = Directory.CreateTempSubdirectory("bomax-run-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    // ---- the scores the fake eval prints ---------------------------------------------------------------

    static int Offset(string benchmark) => benchmark switch { "a" => 0, "b" => 5, "c" => 10, _ => 0 };

    /// <summary>The score of the fake eval script: a parabola over the step peaking at 500, a small offset per benchmark.</summary>
    static double ExpectedScore(long step, string benchmark)
    {
        double d = (step - 500) / 300.0;
        return Math.Round(0.8 - 0.3 * d * d + Offset(benchmark) / 1000.0, 4);
    }

    /// <summary>
    /// A bash eval script: logs "checkpoint|benchmark" to calls.log when it starts, optionally sleeps, then
    /// prints a line with another number and the score (from BOMAX_STEP, which bomax sets) last.
    /// <paramref name="special"/> is bash inserted before the score is printed (to fail or print nothing).
    /// </summary>
    static string WriteScoringScript(string dir, string sleep = "", string special = "")
    {
        string text = $$"""
            #!/bin/bash
            printf '%s|%s\n' "$1" "$2" >> '{{Path.Combine(dir, "calls.log")}}'
            {{(sleep.Length > 0 ? "sleep " + sleep : "")}}
            {{special}}
            case "$2" in a) off=0;; b) off=5;; c) off=10;; *) off=0;; esac
            echo "loading 3 shards"
            awk -v s="$BOMAX_STEP" -v o="$off" 'BEGIN { d = (s - 500) / 300; printf "score: %.4f\n", 0.8 - 0.3 * d * d + o / 1000 }'
            """;
        return WriteExecutable(dir, "eval.sh", text);
    }

    static string WriteExecutable(string dir, string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows()) // chmod 750
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                       | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return path;
    }

    /// <summary>A JSON string, which is also a YAML double-quoted scalar: any text, safely quoted.</summary>
    static string Yaml(string text) => JsonSerializer.Serialize(text);

    /// <summary>The tiny study: 8 checkpoints × 3 benchmarks, 2 at a time, the fake eval, journal.jsonl beside it.</summary>
    static string WriteSpec(string dir, string budget, string extraEval = "", string name = "study.yml", string journal = "journal.jsonl")
    {
        string text = $"""
            study: tiny
            checkpoints:
              list: [{string.Join(", ", Checkpoints)}]
            benchmarks: [{string.Join(", ", Benchmarks)}]
            eval:
              command: ./eval.sh {"{checkpoint}"} {"{benchmark}"}
              parallel: 2
            {extraEval}
            budget: {"{"} max-evals: {budget} {"}"}
            journal: {journal}
            """;
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    // ---- running bomax -----------------------------------------------------------------------------------

    BomaxProcess Start(params string[] arguments) => BomaxProcess.Start(directory, arguments);

    BomaxResult Bomax(params string[] arguments) => BomaxProcess.Run(directory, ProcessLimit, arguments);

    static void WaitUntil(Func<bool> condition, TimeSpan limit, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"timed out after {limit.TotalSeconds} s waiting for {what()}");
            Thread.Sleep(20);
        }
    }

    // ---- reading what it wrote -------------------------------------------------------------------------

    /// <summary>The file's text, retrying while bomax holds its lock on the journal.</summary>
    static string ReadShared(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return reader.ReadToEnd();
            }
            catch (IOException) when (attempt < 500 && File.Exists(path))
            {
                Thread.Sleep(10);
            }
        }
    }

    static List<string> Lines(string path) =>
        File.Exists(path) ? ReadShared(path).Split('\n').Where(l => l.Length > 0).ToList() : [];

    sealed record Journal(List<JsonElement> Records, List<string> Unreadable, string Text)
    {
        public IEnumerable<JsonElement> OfType(string type) => Records.Where(r => r.GetProperty("type").GetString() == type);
        public List<JsonElement> Evaluations => OfType("evaluation").ToList();
        public List<JsonElement> Failures => OfType("failure").ToList();
        public List<JsonElement> Headers => OfType("header").ToList();
        public List<(string, string)> EvaluatedPairs => Evaluations.Select(Pair).ToList();
    }

    static Journal ReadJournal(string path)
    {
        string text = ReadShared(path);
        var records = new List<JsonElement>();
        var unreadable = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                records.Add(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                unreadable.Add(line);
            }
        }
        return new Journal(records, unreadable, text);
    }

    static (string Checkpoint, string Benchmark) Pair(JsonElement record) =>
        (record.GetProperty("checkpoint").GetString()!, record.GetProperty("benchmark").GetString()!);

    static List<(string Checkpoint, string Benchmark)> Calls(string dir) =>
        Lines(Path.Combine(dir, "calls.log")).Select(l => l.Split('|')).Select(p => (p[0], p[1])).ToList();

    static long StepOf(string checkpoint) => long.Parse(checkpoint[(checkpoint.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    static void AssertDistinct<T>(IReadOnlyCollection<T> items, string what)
    {
        var repeated = items.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, $"{what} repeated: {string.Join(", ", repeated)}");
    }

    static int CountEvaluationLines(string journalPath)
    {
        if (!File.Exists(journalPath)) return 0;
        return ReadShared(journalPath).Split('\n').Count(l => l.Contains("\"type\":\"evaluation\"", StringComparison.Ordinal) && l.EndsWith('}'));
    }

    // ---- the tests ---------------------------------------------------------------------------------------

    [Fact]
    public void AProbBestStopEndsTheRunOnTheDecisionThatStoppedItAndTheReportSaysTheSame()
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "100%", extraEval: "stop: { prob-best: 0.5 }");

        var run = Bomax("run", spec);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("; stopped early: P(best) reached 0.5", run.Stdout);
        int evaluated = CountEvaluationLines(Path.Combine(directory, "journal.jsonl"));
        Assert.InRange(evaluated, 1, 23); // before the budget
        // The decision printed is the one the stop rule read: its pick has the P(best) that stopped the run.
        var stated = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"estimated average [^\n]*P\(best\) (\d\.\d\d)");
        Assert.True(stated.Success, run.Stdout);
        Assert.True(double.Parse(stated.Groups[1].Value, CultureInfo.InvariantCulture) >= 0.5, run.Stdout);
        // A study this small has not been checked against its own latest evaluations, and the run says so beside the P(best).
        Assert.Contains($"  held-out check: not yet ({evaluated} of the 40 evaluations it needs); P(best) and the interval are the model's own\n",
            run.Stdout);

        var report = Bomax("report", spec);
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal(run.DecisionLines, report.DecisionLines);
    }

    [Fact]
    public void RunSelectsTheBestCheckpointAndWritesTheJournal()
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "50%");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var run = Bomax("run", spec);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.True(run.ExitCode == 0, run.ToString());
        // The true best, found with half of the grid.
        Assert.Contains("selected: ckpt-500 (step 500)", run.Stdout);
        Assert.StartsWith("selected: ckpt-500 (step 500)", run.Stdout);
        Assert.Contains("12 of 24 pairs evaluated (50.0%), 12 in this run; budget spent", run.Stdout);
        Assert.Contains("budget 12 evaluations (50%), 2 at a time", run.Stderr);
        Assert.DoesNotContain("resuming", run.Stderr);

        var journal = ReadJournal(Path.Combine(directory, "journal.jsonl"));
        Assert.Empty(journal.Unreadable);
        Assert.Equal(13, journal.Records.Count(r => r.GetProperty("type").GetString() != "lease"));
        // Each pair was leased to the run before it was evaluated, and its evaluation settled the lease.
        Assert.Equal(journal.EvaluatedPairs.Order(), journal.OfType("lease").Select(Pair).Order());
        var header = Assert.Single(journal.Headers);
        Assert.Equal("header", journal.Records[0].GetProperty("type").GetString());
        Assert.Equal("tiny", header.GetProperty("study").GetString());
        Assert.Equal(Checkpoints, header.GetProperty("checkpoints").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(Benchmarks, header.GetProperty("benchmarks").EnumerateArray().Select(e => e.GetString()!));
        Assert.Empty(journal.Failures);

        var evaluations = journal.Evaluations;
        Assert.Equal(12, evaluations.Count);
        AssertDistinct(journal.EvaluatedPairs, "journal pair");
        foreach (var e in evaluations)
        {
            string checkpoint = e.GetProperty("checkpoint").GetString()!, benchmark = e.GetProperty("benchmark").GetString()!;
            Assert.Contains(checkpoint, Checkpoints);
            Assert.Contains(benchmark, Benchmarks);
            long step = e.GetProperty("step").GetInt64();
            Assert.Equal(StepOf(checkpoint), step);
            Assert.Equal(ExpectedScore(step, benchmark), e.GetProperty("score").GetDouble(), 6);
            double seconds = e.GetProperty("seconds").GetDouble();
            Assert.InRange(seconds, 0.0, 30.0);
            Assert.Equal(1, e.GetProperty("attempt").GetInt32());
            var time = DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture);
            Assert.InRange(time, before, after);
        }

        // Exactly the evaluations that ran are in the journal: one eval call per record.
        var calls = Calls(directory);
        Assert.Equal(12, calls.Count);
        Assert.Equal(calls.OrderBy(p => p).ToList(), journal.EvaluatedPairs.OrderBy(p => p).ToList());
        // The pick has the best average of what was evaluated: its benchmarks were evaluated.
        Assert.Contains(journal.EvaluatedPairs, p => p.Item1 == "ckpt-500");
    }

    [Fact]
    public void ResumingEvaluatesNothingTwice()
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "8");
        var first = Bomax("run", spec);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("8 of 24 pairs evaluated (33.3%), 8 in this run", first.Stdout);
        Assert.Equal(8, Calls(directory).Count);

        WriteSpec(directory, "14");
        var second = Bomax("run", spec);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"resuming from {Path.Combine(directory, "journal.jsonl")}: 8 evaluations apply to this grid", second.Stderr);
        Assert.Contains("14 of 24 pairs evaluated (58.3%), 6 in this run", second.Stdout);
        Assert.StartsWith("selected: ckpt-", second.Stdout);

        var calls = Calls(directory);
        Assert.Equal(14, calls.Count);
        AssertDistinct(calls, "evaluated pair");

        var journal = ReadJournal(Path.Combine(directory, "journal.jsonl"));
        Assert.Empty(journal.Unreadable);
        Assert.Single(journal.Headers); // the grid did not change: no second header
        Assert.Equal(14, journal.Evaluations.Count);
        Assert.Equal(calls.OrderBy(p => p).ToList(), journal.EvaluatedPairs.OrderBy(p => p).ToList());
    }

    [Fact]
    public void ASpecThatGrowsKeepsEveryOldObservationThatStillApplies()
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "8");
        Assert.Equal(0, Bomax("run", spec).ExitCode);
        var before = ReadJournal(Path.Combine(directory, "journal.jsonl")).EvaluatedPairs.ToList();

        // Training went on (ckpt-900 appeared), benchmark b was dropped and d added.
        var grown = File.ReadAllText(spec)
            .Replace("ckpt-800]", "ckpt-800, ckpt-900]")
            .Replace("benchmarks: [a, b, c]", "benchmarks: [a, c, d]")
            .Replace("max-evals: 8", "max-evals: 12");
        File.WriteAllText(spec, grown);
        var second = Bomax("run", spec);

        Assert.True(second.ExitCode == 0, second.ToString());
        int stillApply = before.Count(p => p.Item2 != "b");
        Assert.Contains($"{stillApply} evaluations apply to this grid, {before.Count - stillApply} no longer do (kept in the journal)",
            second.Stderr);
        var journal = ReadJournal(Path.Combine(directory, "journal.jsonl"));
        Assert.Equal(2, journal.Headers.Count); // the grid changed: a second header describes it
        Assert.Equal(before.Count + (12 - stillApply), journal.Evaluations.Count); // old records kept, b's included
        AssertDistinct(Calls(directory), "evaluated pair");
        Assert.DoesNotContain(Calls(directory).Skip(before.Count), p => p.Benchmark == "b");
    }

    [Fact]
    public void KilledMidRoundThenResumedLosesAndRepeatsNothing()
    {
        WriteScoringScript(directory, sleep: "0.3");
        string spec = WriteSpec(directory, "16");
        string journalPath = Path.Combine(directory, "journal.jsonl");

        string atKill;
        int callsAtKill;
        using (var child = Start("run", spec))
        {
            WaitUntil(() => CountEvaluationLines(journalPath) >= 4 || child.Process.HasExited, TimeSpan.FromSeconds(60),
                () => "4 evaluations in the journal");
            if (child.Process.HasExited) Assert.Fail($"bomax ended before it could be killed: {child.Wait(TimeSpan.FromSeconds(5))}");
            child.Process.Kill(entireProcessTree: true); // SIGKILL to bomax and its evaluations
            child.Process.WaitForExit();
            Assert.NotEqual(0, child.Process.ExitCode);
            Thread.Sleep(100);
            atKill = ReadShared(journalPath);
            callsAtKill = Calls(directory).Count;
        }

        var linesAtKill = atKill.Split('\n').Where(l => l.Length > 0).ToList();
        bool tornAtKill = atKill.Length > 0 && !atKill.EndsWith('\n');
        var recordedBefore = new HashSet<(string, string)>();
        for (int i = 0; i < linesAtKill.Count; i++)
        {
            try
            {
                using var document = JsonDocument.Parse(linesAtKill[i]);
                if (document.RootElement.GetProperty("type").GetString() == "evaluation") recordedBefore.Add(Pair(document.RootElement));
            }
            catch (JsonException)
            {
                Assert.True(tornAtKill && i == linesAtKill.Count - 1, $"line {i + 1} of the journal is unreadable and not the torn last one: "
                    + $"{linesAtKill[i]}");
            }
        }
        Assert.InRange(recordedBefore.Count, 4, 15);

        // The kill rarely lands in the middle of a write; when it did not, leave the journal as one that did,
        // so that the resumed run always meets a torn last line.
        string torn = tornAtKill ? linesAtKill[^1] : "{\"type\":\"evaluation\",\"checkpoint\":\"ckpt-800\",\"step\":800,\"bench";
        if (!tornAtKill) File.AppendAllText(journalPath, torn);
        int tornLine = tornAtKill ? linesAtKill.Count : linesAtKill.Count + 1;

        var resumed = Bomax("run", spec);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"resuming from {journalPath}: {recordedBefore.Count} evaluations apply to this grid", resumed.Stderr);
        Assert.Contains($"16 of 24 pairs evaluated (66.7%), {16 - recordedBefore.Count} in this run", resumed.Stdout);
        var warnings = resumed.Stderr.Split('\n').Where(l => l.Contains("warning:", StringComparison.Ordinal)).ToList();
        var only = Assert.Single(warnings);
        Assert.Contains($"warning: {journalPath}:{tornLine}: the last line is incomplete", only);

        // Nothing recorded before the kill was evaluated again.
        var callsAfter = Calls(directory).Skip(callsAtKill).ToList();
        var repeated = callsAfter.Where(recordedBefore.Contains).ToList();
        Assert.True(repeated.Count == 0, $"evaluated again after the kill: {string.Join(", ", repeated)}");
        AssertDistinct(callsAfter, "pair evaluated by the resumed run");
        Assert.Equal(16 - recordedBefore.Count, callsAfter.Count);

        // Nothing lost, nothing twice; only the torn line is unreadable: the next record started on a fresh line.
        var journal = ReadJournal(journalPath);
        Assert.Equal([torn], journal.Unreadable);
        Assert.EndsWith("\n", journal.Text);
        Assert.Equal(16, journal.Evaluations.Count);
        AssertDistinct(journal.EvaluatedPairs, "journal pair");
        Assert.Subset(journal.EvaluatedPairs.ToHashSet(), recordedBefore);
        Assert.Empty(journal.Failures);
    }

    [Fact]
    public void SigtermInterruptsWithExitCode130AndKeepsTheJournal()
    {
        string pids = Path.Combine(directory, "pids.txt"), done = Path.Combine(directory, "done.log");
        WriteExecutable(directory, "eval.sh", $"""
            #!/bin/bash
            printf '%s|%s\n' "$1" "$2" >> '{Path.Combine(directory, "calls.log")}'
            echo $$ >> '{pids}'
            sleep 5 &
            echo $! >> '{pids}'
            wait $!
            echo "$1|$2" >> '{done}'
            echo "score: 0.5"
            """);
        string spec = WriteSpec(directory, "12");
        string journalPath = Path.Combine(directory, "journal.jsonl");

        using var child = Start("run", spec);
        WaitUntil(() => File.Exists(Path.Combine(directory, "calls.log")) || child.Process.HasExited, TimeSpan.FromSeconds(60),
            () => "the first evaluation to start");
        if (child.Process.HasExited) Assert.Fail($"bomax ended before the signal: {child.Wait(TimeSpan.FromSeconds(5))}");
        Thread.Sleep(1500);

        var signal = new ProcessStartInfo(File.Exists("/bin/kill") ? "/bin/kill" : "/usr/bin/kill") { UseShellExecute = false };
        signal.ArgumentList.Add("-TERM");
        signal.ArgumentList.Add(child.Id.ToString(CultureInfo.InvariantCulture));
        using (var kill = Process.Start(signal)!)
        {
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }
        var run = child.Wait(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 130, run.ToString());
        // Whether bomax waited for the evaluations is seen in done.log below (an outcome), not in how long it took.
        Assert.Contains($"bomax: interrupted; 0 evaluations are in {journalPath}; run again to resume", run.Stderr);
        Assert.DoesNotContain("selected:", run.Stdout);

        // The running evaluations (bash and its sleep) were killed, not waited for.
        var started = Calls(directory);
        Assert.Equal(2, started.Count); // parallel: 2
        var children = Lines(pids).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, children.Count);
        WaitUntil(() => children.All(Gone), TimeSpan.FromSeconds(5),
            () => "the eval processes to be gone: " + string.Join(", ", children.Where(p => !Gone(p))));
        Assert.False(File.Exists(done), "an evaluation ran to its end after SIGTERM");

        // The journal is valid: its header, and no record of the cancelled evaluations.
        var journal = ReadJournal(journalPath);
        Assert.Empty(journal.Unreadable);
        Assert.Single(journal.Headers);
        Assert.Empty(journal.Evaluations);
        Assert.Empty(journal.Failures);
        Assert.EndsWith("\n", journal.Text);
    }

    [Fact]
    public void SigtermWhileEvaluationsRunJournalsNothingOfThemEvenWhenTheyAnswerWithAScore()
    {
        // Each evaluation answers SIGTERM with a score and exit 0: what a real one may do when it is interrupted.
        string sleep = $"{Random.Shared.Next(1000, 10000)}.{Random.Shared.Next(100000, 1000000)}";
        string trapped = Path.Combine(directory, "trapped.log"), pids = Path.Combine(directory, "pids.txt");
        WriteExecutable(directory, "eval.sh", $"""
            #!/bin/bash
            trap 'echo "$1|$2" >> "{trapped}"; echo "score: 0.9"; exit 0' TERM
            echo $$ >> '{pids}'
            printf '%s|%s\n' "$1" "$2" >> '{Path.Combine(directory, "calls.log")}'
            sleep {sleep} &
            wait
            echo "score: 0.5"
            """);
        string spec = WriteSpec(directory, "2");
        string journalPath = Path.Combine(directory, "journal.jsonl");

        try
        {
            List<(string Checkpoint, string Benchmark)> interrupted;
            using (var child = Start("run", spec))
            {
                WaitUntil(() => Calls(directory).Count >= 2 || child.Process.HasExited, TimeSpan.FromSeconds(60),
                    () => "both evaluations to start");
                if (child.Process.HasExited) Assert.Fail($"bomax ended before the signal: {child.Wait(TimeSpan.FromSeconds(5))}");
                interrupted = Calls(directory);

                var signal = new ProcessStartInfo(File.Exists("/bin/kill") ? "/bin/kill" : "/usr/bin/kill") { UseShellExecute = false };
                signal.ArgumentList.Add("-TERM");
                signal.ArgumentList.Add(child.Id.ToString(CultureInfo.InvariantCulture));
                using (var kill = Process.Start(signal)!)
                {
                    kill.WaitForExit();
                    Assert.Equal(0, kill.ExitCode);
                }
                var run = child.Wait(TimeSpan.FromSeconds(60));

                Assert.True(run.ExitCode == 130, run.ToString());
                Assert.Contains($"bomax: interrupted; 0 evaluations are in {journalPath}; run again to resume", run.Stderr);
            }

            // They got SIGTERM and answered it with a score.
            Assert.Equal(2, interrupted.Count);
            Assert.Equal(interrupted.OrderBy(p => p).ToList(),
                Lines(trapped).Select(l => l.Split('|')).Select(p => (p[0], p[1])).OrderBy(p => p).ToList());
            var evalPids = Lines(pids).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
            WaitUntil(() => evalPids.All(Gone) && SleepsLeft(sleep).Count == 0, TimeSpan.FromSeconds(20),
                () => "the evaluations and their sleeps to be gone");

            // Neither an evaluation nor a failure of theirs was recorded.
            var journal = ReadJournal(journalPath);
            Assert.Empty(journal.Unreadable);
            Assert.Single(journal.Headers);
            Assert.Empty(journal.Evaluations);
            Assert.Empty(journal.Failures);

            // So the next run evaluates them.
            WriteScoringScript(directory);
            var again = Bomax("run", spec);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.DoesNotContain("resuming", again.Stderr);
            var after = ReadJournal(journalPath);
            Assert.Empty(after.Failures);
            Assert.Equal(interrupted.OrderBy(p => p).ToList(), after.EvaluatedPairs.OrderBy(p => p).ToList());
            Assert.All(after.Evaluations,
                e => Assert.Equal(ExpectedScore(StepOf(Pair(e).Checkpoint), Pair(e).Benchmark), e.GetProperty("score").GetDouble(), 6));
        }
        finally
        {
            foreach (int pid in SleepsLeft(sleep))
                try { using var p = Process.GetProcessById(pid); p.Kill(); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
        }
    }

    /// <summary>The live <c>sleep DURATION</c> processes (what <c>pgrep -f</c> would find), from /proc.</summary>
    static List<int> SleepsLeft(string duration)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ').Contains("sleep " + duration, StringComparison.Ordinal)
                    && !Gone(pid))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>True when the process no longer exists, or is a zombie waiting to be reaped (it runs nothing).</summary>
    static bool Gone(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
        // "pid (comm) S ...": the state follows the last ')'.
        string rest = stat[(stat.LastIndexOf(')') + 1)..].TrimStart();
        return rest.Length == 0 || rest[0] is 'Z' or 'X';
    }

    [Fact]
    public void InjectionInCheckpointNamesNeverExecutes()
    {
        // Each name ends its last run of digits with a distinct step, and tries to create a file pwned*.
        string[] names =
        [
            "c-100; touch pwnedA",
            "c-200 $(touch pwnedB)",
            "c-300 `touch pwnedC`",
            "c-400 && touch pwnedD",
            "c-500 | touch pwnedE",
            "c-600'; touch pwnedF; '",
            "c-700\"; touch pwnedG; \"",
            "c-800 > pwnedH",
            "c-900\ntouch pwnedI",
            "c-1000 {benchmark} ${IFS}touch${IFS}pwnedJ",
        ];
        var modes = new (string Dir, string Command, string Shell)[]
        {
            ("plain", "./eval.sh {checkpoint} {benchmark}", ""),
            ("bash", "echo {checkpoint} \"{checkpoint}\" '{checkpoint}' >/dev/null; ./eval.sh {checkpoint} {benchmark}", "  shell: bash\n"),
        };
        foreach (var (sub, command, shell) in modes)
        {
            string dir = Directory.CreateDirectory(Path.Combine(directory, sub)).FullName;
            string argsLog = Path.Combine(dir, "args.log");
            WriteExecutable(dir, "eval.sh", $"""
                #!/bin/bash
                printf '%s\0%s\0%s\0' "$#" "$1" "$2" >> '{argsLog}'
                awk -v s="$BOMAX_STEP" 'BEGIN {"{"} printf "score: %.4f\n", 0.5 + s / 10000 {"}"}'
                """);
            string spec = Path.Combine(dir, "study.yml");
            File.WriteAllText(spec, $"""
                study: inject
                checkpoints:
                  list: [{string.Join(", ", names.Select(Yaml))}]
                benchmarks: [bench]
                eval:
                  command: {Yaml(command)}
                {shell}  parallel: 2
                  retries: 0
                budget: {"{"} max-evals: 100% {"}"}
                journal: journal.jsonl
                """.ReplaceLineEndings("\n"));

            var run = Bomax("run", spec);
            Assert.True(run.ExitCode == 0, $"{sub}: {run}");
            Assert.StartsWith("selected: c-1000", run.Stdout); // the highest step scores best

            // The script got every name intact, as one argument.
            var fields = ReadShared(argsLog).Split('\0');
            Assert.Equal("", fields[^1]);
            var received = new List<(string Count, string Checkpoint, string Benchmark)>();
            for (int i = 0; i + 2 < fields.Length; i += 3) received.Add((fields[i], fields[i + 1], fields[i + 2]));
            Assert.All(received, r => Assert.Equal(("2", "bench"), (r.Count, r.Benchmark)));
            Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), received.Select(r => r.Checkpoint).OrderBy(n => n, StringComparer.Ordinal));

            var journal = ReadJournal(Path.Combine(dir, "journal.jsonl"));
            Assert.Empty(journal.Unreadable);
            Assert.Empty(journal.Failures);
            Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal),
                journal.Evaluations.Select(e => e.GetProperty("checkpoint").GetString()!).OrderBy(n => n, StringComparer.Ordinal));
        }

        var pwned = Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p).StartsWith("pwned", StringComparison.Ordinal)).ToList();
        Assert.True(pwned.Count == 0, "injected commands ran: " + string.Join(", ", pwned));
    }

    [Fact]
    public void FailingCommandStopsEarlyWithExitCode3()
    {
        WriteScoringScript(directory, special: """
            echo "loading model"
            echo "RuntimeError: CUDA out of memory (fake)" >&2
            exit 1
            """);
        string spec = WriteSpec(directory, "12", extraEval: "  retries: 0");
        string journalPath = Path.Combine(directory, "journal.jsonl");

        var run = Bomax("run", spec);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("evaluations failed; stopping instead of spending the budget", run.Stderr);
        Assert.Contains($"Check eval.command in {spec}", run.Stderr);
        Assert.Contains(journalPath, run.Stderr);

        var calls = Calls(directory);
        Assert.InRange(calls.Count, 3, 6); // far fewer than the budget of 12
        AssertDistinct(calls, "failed pair");

        var journal = ReadJournal(journalPath);
        Assert.Empty(journal.Unreadable);
        Assert.Empty(journal.Evaluations);
        Assert.Equal(calls.Count, journal.Failures.Count);
        Assert.Equal(calls.OrderBy(p => p).ToList(), journal.Failures.Select(Pair).OrderBy(p => p).ToList());
        foreach (var f in journal.Failures)
        {
            Assert.Equal(1, f.GetProperty("exit_code").GetInt32());
            Assert.Contains("RuntimeError: CUDA out of memory (fake)", f.GetProperty("stderr_tail").GetString());
            Assert.Equal("exit code 1: RuntimeError: CUDA out of memory (fake)", f.GetProperty("message").GetString());
            Assert.Equal(1, f.GetProperty("attempts").GetInt32());
            Assert.Equal(StepOf(Pair(f).Checkpoint), f.GetProperty("step").GetInt64());
        }
    }

    [Fact]
    public void UnparseableOutputIsAFailedEvaluation()
    {
        WriteScoringScript(directory, special: """
            if [ "$2" = c ]; then echo "result: pending"; exit 0; fi
            """);
        string spec = WriteSpec(directory, "12", extraEval: "  retries: 0");

        var run = Bomax("run", spec);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("selected: ckpt-500 (step 500)", run.Stdout);
        Assert.Matches(@"[0-2]/3 benchmarks evaluated", run.Stdout); // benchmark c can never be observed
        Assert.Contains("failed after 1 attempt(s): no number in the output: it ended \"result: pending\"", run.Stderr);
        // After two failures and no success, benchmark c is skipped instead of burning the budget on it.
        Assert.Contains("benchmark c: every evaluation failed so far; its other pairs are skipped", run.Stderr);

        var journal = ReadJournal(Path.Combine(directory, "journal.jsonl"));
        Assert.Empty(journal.Unreadable);
        Assert.Equal(12, journal.Evaluations.Count + journal.Failures.Count); // failed pairs count against the budget
        Assert.NotEmpty(journal.Failures);
        Assert.All(journal.Evaluations, e =>
        {
            var (checkpoint, benchmark) = Pair(e);
            Assert.NotEqual("c", benchmark);
            Assert.Equal(ExpectedScore(StepOf(checkpoint), benchmark), e.GetProperty("score").GetDouble(), 6);
        });
        Assert.All(journal.Failures, f =>
        {
            Assert.Equal("c", Pair(f).Benchmark);
            Assert.Equal(0, f.GetProperty("exit_code").GetInt32());
            Assert.Equal("no number in the output: it ended \"result: pending\"", f.GetProperty("message").GetString());
        });
        var calls = Calls(directory);
        Assert.Equal(journal.Evaluations.Count + journal.Failures.Count, calls.Count);
        AssertDistinct(calls, "evaluated pair");
        Assert.Equal(calls.Where(p => p.Benchmark == "c").OrderBy(p => p).ToList(), journal.Failures.Select(Pair).OrderBy(p => p).ToList());
    }

    [Fact]
    public void SpecErrorsExitWith2AndEvaluateNothing()
    {
        WriteScoringScript(directory);
        Directory.CreateDirectory(Path.Combine(directory, "ckpts")); // empty: the glob matches nothing
        string spec = Path.Combine(directory, "study.yml");
        string Text(string parallelKey) => $"""
            study: tiny
            checkpoints:
              glob: ckpts/*
            benchmarks: [a, b, c]
            eval:
              command: ./eval.sh {"{checkpoint}"} {"{benchmark}"}
              {parallelKey}: 2
            budget: {"{"} max-evals: 12 {"}"}
            journal: journal.jsonl
            """.ReplaceLineEndings("\n");
        string[] before = ["ckpts", "eval.sh", "study.yml"];

        File.WriteAllText(spec, Text("paralel"));
        var misspelt = Bomax("run", spec);
        Assert.True(misspelt.ExitCode == 2, misspelt.ToString());
        Assert.Contains($"bomax: {spec}:7:3: eval.paralel: unknown key 'paralel'; did you mean 'parallel'?", misspelt.Stderr);
        Assert.Contains($"problem(s) in {spec}; nothing was evaluated", misspelt.Stderr);
        Assert.Equal("", misspelt.Stdout);

        File.WriteAllText(spec, Text("parallel"));
        var empty = Bomax("run", spec);
        Assert.True(empty.ExitCode == 2, empty.ToString());
        Assert.Contains($"bomax: {spec}:3:9: checkpoints.glob: no file or directory matches {Path.Combine(directory, "ckpts")}/*", empty.Stderr);
        Assert.Contains($"1 problem(s) in {spec}; nothing was evaluated", empty.Stderr);
        Assert.Equal("", empty.Stdout);

        // Nothing ran and nothing was written: no calls, no journal, no output directories.
        Assert.False(File.Exists(Path.Combine(directory, "calls.log")), "the eval script was called");
        Assert.False(File.Exists(Path.Combine(directory, "journal.jsonl")), "a journal was created");
        Assert.Equal(before,
            Directory.EnumerateFileSystemEntries(directory).Select(p => Path.GetFileName(p)).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void TwoRecordProcessesAppendingAtOnceKeepTheJournalValid()
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "100%");
        var pairs = Enumerable.Range(0, 8)
            .Select(i => (Checkpoint: Checkpoints[i], Benchmark: Benchmarks[i % 3],
                Score: (0.5 + i / 100.0).ToString("0.00", CultureInfo.InvariantCulture)))
            .ToList();

        var children = pairs
            .Select(p => Start("record", spec, "--checkpoint", p.Checkpoint, "--benchmark", p.Benchmark, "--score", p.Score, "--stderr", "0.01"))
            .ToList();
        var results = children.Select(c => c.Wait(ProcessLimit)).ToList();
        foreach (var c in children) c.Dispose();

        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].ToString());
            Assert.Contains($"recorded {pairs[i].Checkpoint} × {pairs[i].Benchmark}", results[i].Stderr);
        }

        var journal = ReadJournal(Path.Combine(directory, "journal.jsonl"));
        Assert.Empty(journal.Unreadable);
        Assert.All(journal.Records, r => Assert.Contains(r.GetProperty("type").GetString(), new[] { "header", "evaluation" }));
        Assert.Equal("header", journal.Records[0].GetProperty("type").GetString());
        Assert.InRange(journal.Headers.Count, 1, 8);
        Assert.Equal(journal.Headers.Count + 8, journal.Text.Count(c => c == '\n'));
        var recorded = journal.Evaluations
            .Select(e => (Pair(e).Checkpoint, Pair(e).Benchmark, e.GetProperty("score").GetDouble().ToString("0.00", CultureInfo.InvariantCulture)))
            .OrderBy(p => p).ToList();
        Assert.Equal(pairs.OrderBy(p => p).ToList(), recorded);
        Assert.All(journal.Evaluations, e => Assert.Equal(0.01, e.GetProperty("stderr").GetDouble()));
        Assert.False(File.Exists(Path.Combine(directory, "calls.log")), "record must not run the eval command");
    }

    static List<(string Checkpoint, string Benchmark)> SuggestedPairs(BomaxResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        var pairs = new List<(string, string)>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            string checkpoint = item.GetProperty("checkpoint").GetString()!, benchmark = item.GetProperty("benchmark").GetString()!;
            Assert.Contains(checkpoint, Checkpoints);
            Assert.Contains(benchmark, Benchmarks);
            Assert.Equal(StepOf(checkpoint), item.GetProperty("step").GetInt64());
            Assert.Equal(checkpoint, item.GetProperty("checkpoint_path").GetString()); // a list name that is no file stays as written
            pairs.Add((checkpoint, benchmark));
        }
        return pairs;
    }

    [Fact]
    public void SuggestPrintsDistinctPairsAsJson()
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "12");

        var result = Bomax("suggest", spec, "--count", "3", "--json", "--no-lease");

        var pairs = SuggestedPairs(result);
        Assert.Equal(3, pairs.Count);
        AssertDistinct(pairs, "suggested pair");
        Assert.Single(result.Stdout.Trim().Split('\n')); // one JSON line, nothing else on stdout
        Assert.False(File.Exists(Path.Combine(directory, "calls.log")), "suggest must not run the eval command");
        Assert.False(File.Exists(Path.Combine(directory, "journal.jsonl")), "suggest --no-lease must not write the journal");
    }

    [Fact]
    public void BudgetAndDeviceOptionsOverrideTheSpecForOneRun()
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "50%");

        var run = Bomax("run", spec, "--budget", "6", "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("budget 6 evaluations (25%), 2 at a time; smallest sensible budget 9 (37.5%)", run.Stderr); // 3 design cells + 2 rows of 3
        Assert.Contains("warning: a budget of 6 evaluations (25% of the grid) leaves little room", run.Stderr);
        Assert.Contains("6 of 24 pairs evaluated (25.0%)", run.Stdout);
        Assert.Equal(6, CountEvaluationLines(Path.Combine(directory, "journal.jsonl")));
        Assert.Contains("max-evals: 50%", File.ReadAllText(spec)); // the spec itself is untouched

        // A percentage works too; suggest stops where the overridden budget ends.
        var more = Bomax("suggest", spec, "--budget", "25%", "--count", "3", "--json");
        Assert.True(more.ExitCode == 0, more.ToString());
        Assert.Empty(SuggestedPairs(more));
        Assert.Contains("the budget is spent", more.Stderr);
    }

    [Theory]
    [InlineData("--budget", "0", "--budget '0' is not a budget")]
    [InlineData("--budget", "150%", "--budget '150%' is not a budget")]
    [InlineData("--budget", "many", "--budget 'many' is not a budget")]
    [InlineData("--device", "gpu", "--device 'gpu' is not one of auto, cpu, cuda; did you mean 'cuda'?")]
    public void ABadOverrideIsAUsageErrorAndEvaluatesNothing(string option, string value, string message)
    {
        WriteScoringScript(directory);
        string spec = WriteSpec(directory, "50%");

        var run = Bomax("run", spec, option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(File.Exists(Path.Combine(directory, "calls.log")), "nothing may be evaluated");
        Assert.False(File.Exists(Path.Combine(directory, "journal.jsonl")), "nothing may be written");
    }

    [Fact]
    public void MergeCombinesJournalsFromParallelJobs()
    {
        WriteScoringScript(directory);
        string specA = WriteSpec(directory, "100%", name: "a.yml", journal: "job-a.jsonl");
        string specB = WriteSpec(directory, "100%", name: "b.yml", journal: "job-b.jsonl");
        string specMerged = WriteSpec(directory, "100%", name: "merged.yml", journal: "merged.jsonl");

        // What the study would do first, with nothing evaluated.
        var first = SuggestedPairs(Bomax("suggest", specMerged, "--count", "2", "--json"));
        Assert.Equal(2, first.Count);
        Assert.NotEqual(first[0], first[1]);

        // Two jobs each evaluate one of them, into their own journals.
        var recordA = Bomax("record", specA, "--checkpoint", first[0].Checkpoint, "--benchmark", first[0].Benchmark, "--score", "0.61");
        var recordB = Bomax("record", specB, "--checkpoint", first[1].Checkpoint, "--benchmark", first[1].Benchmark, "--score", "0.62");
        Assert.True(recordA.ExitCode == 0, recordA.ToString());
        Assert.True(recordB.ExitCode == 0, recordB.ToString());
        Assert.Single(ReadJournal(Path.Combine(directory, "job-a.jsonl")).Evaluations);
        Assert.Single(ReadJournal(Path.Combine(directory, "job-b.jsonl")).Evaluations);

        string merged = Path.Combine(directory, "merged.jsonl");
        var merge = Bomax("journal", "merge", Path.Combine(directory, "job-a.jsonl"), Path.Combine(directory, "job-b.jsonl"), "-o", merged);
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Contains($"merged 2 journals into {merged}: 2 evaluations, 0 failed pairs", merge.Stderr);

        var journal = ReadJournal(merged);
        Assert.Empty(journal.Unreadable);
        Assert.Single(journal.Headers);
        Assert.Equal("header", journal.Records[0].GetProperty("type").GetString());
        var scores = journal.Evaluations.ToDictionary(Pair, e => e.GetProperty("score").GetDouble());
        Assert.Equal(2, scores.Count);
        Assert.Equal(0.61, scores[first[0]]);
        Assert.Equal(0.62, scores[first[1]]);

        // The merged study does not suggest them again.
        var next = SuggestedPairs(Bomax("suggest", specMerged, "--count", "4", "--json"));
        Assert.NotEmpty(next);
        AssertDistinct(next, "suggested pair");
        Assert.DoesNotContain(first[0], next);
        Assert.DoesNotContain(first[1], next);
        Assert.False(File.Exists(Path.Combine(directory, "calls.log")), "nothing here runs the eval command");
    }
}

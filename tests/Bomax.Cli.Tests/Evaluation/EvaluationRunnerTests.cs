using System.Diagnostics;
using Bomax.Cli.Evaluation;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Evaluation;

/// <summary>A temporary directory for one test, with helpers to write executable bash scripts into it.</summary>
internal sealed class EvaluationSandbox : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("bomax-eval-test-").FullName;

    /// <summary>The eval command's working directory (where a stray <c>touch pwned</c> would land).</summary>
    public string Work => Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;

    public string Output => Path.Combine(Root, "out");

    /// <summary>Writes an executable bash script and returns its path.</summary>
    public string Script(string name, string body)
    {
        string path = Path.Combine(Root, name);
        File.WriteAllText(path, "#!/bin/bash\n" + body.ReplaceLineEndings("\n"));
        SetExecutable(path, true);
        return path;
    }

    /// <summary>chmod 700 or 600 (these tests run real processes on Linux).</summary>
    public static void SetExecutable(string path, bool executable)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("the evaluation tests run bash scripts");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, executable ? mode | UnixFileMode.UserExecute : mode);
    }

    /// <summary>A script that prints its argument count, then each argument in brackets, one a line.</summary>
    public string ArgsScript() => Script("args.sh",
        """
        printf 'argc=%s\n' "$#"
        for a in "$@"; do printf 'arg=[%s]\n' "$a"; done
        """);

    public EvaluationRequest Request(
        string template, bool useBash = false, string checkpoint = "step-100", string? checkpointPath = null,
        long step = 100, string benchmark = "arc_easy", string? output = null, double timeoutSeconds = 10,
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(template, useBash, checkpoint, checkpointPath ?? "/ckpts/" + checkpoint, step, benchmark,
            output ?? Output, Work, TimeSpan.FromSeconds(timeoutSeconds),
            environment ?? new Dictionary<string, string>());

    /// <summary>Single-quotes a path for a template.</summary>
    public static string Quote(string path) => "'" + path.Replace("'", "'\\''") + "'";

    /// <summary>Whether a process is gone: no /proc entry, or a zombie waiting to be reaped.</summary>
    public static bool IsGone(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S ...": the state follows the last ')'.
            char state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is 'Z' or 'X';
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }

    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!IsGone(pid))
        {
            if (clock.Elapsed > within)
                return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>
    /// A sleep duration no other process on the machine uses (<c>1234.567890</c>), so that a leftover
    /// <c>sleep</c> can be found by its command line.
    /// </summary>
    public static string UniqueSleep() =>
        $"{Random.Shared.Next(1000, 10000)}.{Random.Shared.Next(100000, 1000000)}";

    /// <summary>
    /// The live processes whose command line contains <paramref name="marker"/> (what <c>pgrep -f</c> finds,
    /// read from /proc so that the tests need no procps).
    /// </summary>
    public static List<int> ProcessesMatching(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal) && !IsGone(pid))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked.
            }
        }
        return found;
    }

    /// <summary>Waits until no live process has <paramref name="marker"/> in its command line.</summary>
    public static async Task<bool> WaitNoneMatchingAsync(string marker, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (ProcessesMatching(marker).Count > 0)
        {
            if (clock.Elapsed > within)
                return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Waits until a file exists (a script says it got somewhere).</summary>
    public static async Task<bool> WaitForFileAsync(string path, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (clock.Elapsed > within)
                return false;
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>Reads a pid a script wrote into the output directory.</summary>
    public int Pid(string file) => int.Parse(File.ReadAllText(Path.Combine(Output, file)).Trim());

    /// <summary>SIGKILLs what a failed test may have left running (the processes with the marker).</summary>
    public static void KillMatching(string marker)
    {
        foreach (int pid in ProcessesMatching(marker))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}

public sealed class EvaluationRunnerTests : IDisposable
{
    private readonly EvaluationSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static Task<ProcessOutcome> Run(EvaluationRequest request, CancellationToken cancel = default) =>
        EvaluationRunner.RunAsync(request, cancel);

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    private void AssertNothingInjected()
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(_box.Root, "pwned*", SearchOption.AllDirectories));
    }

    public static TheoryData<string> DangerousNames =>
    [
        "a; touch pwned",
        "$(touch pwned)",
        "`touch pwned`",
        "x' \"y\" && touch pwned; echo '",
        "two  spaces\tand\nnewline",
    ];

    [Theory]
    [MemberData(nameof(DangerousNames))]
    public async Task WithoutShellEachValueArrivesAsOneIntactArgument(string checkpoint)
    {
        string script = _box.ArgsScript();
        var outcome = await Run(_box.Request($"{EvaluationSandbox.Quote(script)} {{checkpoint}} --path={{checkpoint_path}}",
                                             checkpoint: checkpoint));

        Assert.Null(outcome.StartError);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal($"argc=2\narg=[{checkpoint}]\narg=[--path=/ckpts/{checkpoint}]\n", outcome.Stdout);
        AssertNothingInjected();
    }

    [Theory]
    [MemberData(nameof(DangerousNames))]
    public async Task InBashModeEachValueArrivesIntactAndExecutesNothing(string checkpoint)
    {
        string script = _box.ArgsScript();
        var outcome = await Run(_box.Request(
            $"echo {{checkpoint}}; {EvaluationSandbox.Quote(script)} {{checkpoint}} \"dq={{checkpoint}}\" 'sq={{checkpoint}}'",
            useBash: true, checkpoint: checkpoint));

        Assert.Null(outcome.StartError);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal($"{checkpoint}\nargc=3\narg=[{checkpoint}]\narg=[dq={checkpoint}]\narg=[sq={checkpoint}]\n",
                     outcome.Stdout);
        AssertNothingInjected();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SetsTheBomaxVariablesAndTheExtraEnvironmentInBothModes(bool useBash)
    {
        string script = _box.Script("env.sh",
            """
            printf '%s\n' "$BOMAX_CHECKPOINT" "$BOMAX_CHECKPOINT_PATH" "$BOMAX_STEP" "$BOMAX_BENCHMARK" "$BOMAX_OUTPUT_DIR" "$EXTRA"
            """);
        var environment = new Dictionary<string, string> { ["EXTRA"] = "extra value", ["BOMAX_STEP"] = "overridden?" };
        var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script), useBash, checkpoint: "$(touch pwned)",
                                             checkpointPath: "/ck pts/x", step: 4200, benchmark: "hellaswag",
                                             environment: environment));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["$(touch pwned)", "/ck pts/x", "4200", "hellaswag", _box.Output, "extra value"],
                     Lines(outcome.Stdout));
        AssertNothingInjected();
    }

    [Fact]
    public async Task CreatesTheOutputDirectoryRelativeToTheWorkingDirectoryAndKeepsIt()
    {
        string script = _box.Script("write.sh", """echo 0.5 > "$1/score.txt"; echo "$PWD" """);
        var outcome = await Run(_box.Request($"{EvaluationSandbox.Quote(script)} {{output_dir}}",
                                             output: "evals/step-100/arc_easy"));

        string expected = Path.Combine(_box.Work, "evals", "step-100", "arc_easy");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(expected, outcome.OutputDirectory);
        Assert.Equal(_box.Work, outcome.Stdout.Trim());
        Assert.Equal("0.5\n", File.ReadAllText(Path.Combine(expected, "score.txt")));
    }

    /// <summary>How long a test waits for a killed process to disappear: generous, for loaded machines.</summary>
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TimeoutKillsTheWholeTreeIncludingGrandchildrenThatIgnoreSigterm()
    {
        string sleep = EvaluationSandbox.UniqueSleep();
        string script = _box.Script("tree.sh",
            $$"""
            echo partial output
            bash -c 'trap "" TERM; sleep {{sleep}} & echo $! > "$BOMAX_OUTPUT_DIR/great-grandchild.pid"; wait' &
            echo $! > "$BOMAX_OUTPUT_DIR/grandchild.pid"
            trap "" TERM
            wait
            """);
        try
        {
            var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script), timeoutSeconds: 1));

            Assert.True(outcome.TimedOut);
            Assert.False(outcome.Cancelled);
            Assert.Null(outcome.ExitCode);
            Assert.Contains("partial output", outcome.Stdout);
            foreach (var file in new[] { "grandchild.pid", "great-grandchild.pid" })
            {
                int pid = _box.Pid(file);
                Assert.True(await EvaluationSandbox.WaitGoneAsync(pid, GoneWithin), $"{file} ({pid}) still runs");
            }
            Assert.Empty(EvaluationSandbox.ProcessesMatching("sleep " + sleep));
        }
        finally
        {
            EvaluationSandbox.KillMatching("sleep " + sleep);
        }
    }

    [Fact]
    public async Task CancellationKillsTheTreeAndSaysCancelled()
    {
        string sleep = EvaluationSandbox.UniqueSleep();
        string script = _box.Script("wait.sh",
            $"""
            trap "" TERM
            sleep {sleep} &
            echo $! > "$BOMAX_OUTPUT_DIR/grandchild.pid"
            wait
            """);
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script), useBash: true, timeoutSeconds: 60), cancel.Token);

            Assert.True(outcome.Cancelled);
            Assert.False(outcome.TimedOut);
            Assert.Null(outcome.ExitCode);
            int pid = _box.Pid("grandchild.pid");
            Assert.True(await EvaluationSandbox.WaitGoneAsync(pid, GoneWithin), $"grandchild {pid} still runs");
        }
        finally
        {
            EvaluationSandbox.KillMatching("sleep " + sleep);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheCommandRunsAsTheLeaderOfItsOwnSessionAndProcessGroupAndReportsItsOwnCommandLine(bool useBash)
    {
        if (ProcessGroup.Setsid is null)
            return; // no setsid here: the command runs in bomax's group, as documented
        string script = _box.Script("group.sh",
            """
            read -r -a stat < /proc/$$/stat
            echo "$$ ${stat[4]} ${stat[5]}"
            """);
        var outcome = await Run(_box.Request($"{EvaluationSandbox.Quote(script)} {{benchmark}}", useBash));

        Assert.Equal(0, outcome.ExitCode);
        var ids = outcome.Stdout.Trim().Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(ids[0], ids[1]); // process group id = its pid
        Assert.Equal(ids[0], ids[2]); // session id = its pid
        Assert.NotEqual(ProcessGroup.ReadGroup(Environment.ProcessId)!.Value.ProcessGroup, ids[1]);
        if (useBash)
        {
            Assert.EndsWith("/bash", outcome.CommandLine[0]);
            Assert.Equal("-c", outcome.CommandLine[1]);
            Assert.Equal(EvaluationRunner.BashScriptName, outcome.CommandLine[3]);
        }
        else
        {
            Assert.Equal(new[] { script, "arc_easy" }, outcome.CommandLine);
        }
        Assert.DoesNotContain(outcome.CommandLine, word => word.EndsWith("/setsid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnOrphanedGrandchildIsGoneAfterATimeout()
    {
        string orphan = EvaluationSandbox.UniqueSleep(), main = EvaluationSandbox.UniqueSleep();
        try
        {
            // The subshell exits at once: its sleep is reparented away from the command's process tree.
            var outcome = await Run(_box.Request(
                $"(sleep {orphan} & echo $! > \"$BOMAX_OUTPUT_DIR/orphan.pid\"); sleep {main}",
                useBash: true, timeoutSeconds: 1));

            Assert.True(outcome.TimedOut);
            int pid = _box.Pid("orphan.pid");
            Assert.True(await EvaluationSandbox.WaitGoneAsync(pid, GoneWithin), $"the orphan {pid} still runs");
            Assert.True(await EvaluationSandbox.WaitNoneMatchingAsync("sleep " + orphan, GoneWithin), $"sleep {orphan} still runs");
            Assert.True(await EvaluationSandbox.WaitNoneMatchingAsync("sleep " + main, GoneWithin), $"sleep {main} still runs");
        }
        finally
        {
            EvaluationSandbox.KillMatching("sleep " + orphan);
            EvaluationSandbox.KillMatching("sleep " + main);
        }
    }

    [Fact]
    public async Task BackgroundChildrenLeftByASuccessfulEvaluationAreGoneAfterItEnds()
    {
        string child = EvaluationSandbox.UniqueSleep(), orphan = EvaluationSandbox.UniqueSleep();
        try
        {
            var outcome = await Run(_box.Request(
                $"sleep {child} & echo $! > \"$BOMAX_OUTPUT_DIR/child.pid\"; "
                + $"(sleep {orphan} & echo $! > \"$BOMAX_OUTPUT_DIR/orphan.pid\"); echo 0.5",
                useBash: true, timeoutSeconds: 60));

            Assert.False(outcome.TimedOut);
            Assert.Equal(0, outcome.ExitCode);
            Assert.Equal("0.5\n", outcome.Stdout);
            foreach (var file in new[] { "child.pid", "orphan.pid" })
            {
                int pid = _box.Pid(file);
                Assert.True(await EvaluationSandbox.WaitGoneAsync(pid, GoneWithin), $"{file} ({pid}) still runs");
            }
            Assert.Empty(EvaluationSandbox.ProcessesMatching("sleep " + child));
            Assert.Empty(EvaluationSandbox.ProcessesMatching("sleep " + orphan));
        }
        finally
        {
            EvaluationSandbox.KillMatching("sleep " + child);
            EvaluationSandbox.KillMatching("sleep " + orphan);
        }
    }

    [Fact]
    public async Task ATimeoutSendsSigtermFirstSoTheCommandCanCleanUp()
    {
        string sleep = EvaluationSandbox.UniqueSleep();
        string cleaned = Path.Combine(_box.Output, "cleaned");
        string script = _box.Script("cleanup.sh",
            $"""
            trap 'echo cleaned > "$BOMAX_OUTPUT_DIR/cleaned"; exit 0' TERM
            sleep {sleep} &
            wait
            """);
        try
        {
            var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script), timeoutSeconds: 1));

            Assert.True(outcome.TimedOut);
            Assert.Null(outcome.ExitCode); // its exit 0 after the signal is no success
            Assert.True(File.Exists(cleaned), "the command got no SIGTERM before it was killed");
            Assert.Equal("cleaned\n", File.ReadAllText(cleaned));
            Assert.True(await EvaluationSandbox.WaitNoneMatchingAsync("sleep " + sleep, GoneWithin), $"sleep {sleep} still runs");
        }
        finally
        {
            EvaluationSandbox.KillMatching("sleep " + sleep);
        }
    }

    public static TheoryData<string, string> ReactionsToSigterm => new()
    {
        { "printing a number and exiting 0", "echo 0.9; exit 0" },
        { "exiting non-zero", "echo 'interrupted' >&2; exit 3" },
    };

    [Theory]
    [MemberData(nameof(ReactionsToSigterm))]
    public async Task AfterCancellationAnEvaluationThatReactsToSigtermComesBackCancelled(string reaction, string trap)
    {
        _ = reaction;
        string sleep = EvaluationSandbox.UniqueSleep();
        string script = _box.Script("react.sh",
            $"""
            trap '{trap}' TERM
            touch "$BOMAX_OUTPUT_DIR/../ready-$BOMAX_BENCHMARK"
            sleep {sleep} &
            wait
            """);
        try
        {
            // The runner alone says cancelled.
            using (var cancel = new CancellationTokenSource())
            {
                var running = Run(_box.Request(EvaluationSandbox.Quote(script), benchmark: "runner", timeoutSeconds: 60), cancel.Token);
                Assert.True(await EvaluationSandbox.WaitForFileAsync(Path.Combine(_box.Root, "ready-runner"), GoneWithin),
                    "the command did not start");
                cancel.Cancel();
                var outcome = await running;
                Assert.True(outcome.Cancelled);
                Assert.False(outcome.TimedOut);
                Assert.Null(outcome.ExitCode);
            }

            // With retries: no score, no failure worth another try; cancelled after the one attempt.
            using (var cancel = new CancellationTokenSource())
            {
                var request = _box.Request(EvaluationSandbox.Quote(script), benchmark: "attempts", output: Path.Combine(_box.Root, "pair"),
                    timeoutSeconds: 60);
                var running = EvaluationAttempts.RunWithRetriesAsync(request, new ScoreRule.LastNumber(), retries: 3, TimeSpan.Zero, cancel.Token);
                Assert.True(await EvaluationSandbox.WaitForFileAsync(Path.Combine(_box.Root, "pair", "ready-attempts"), GoneWithin),
                    "the command did not start");
                cancel.Cancel();
                var outcome = await running;
                var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
                Assert.Equal(EvaluationFailureKind.Cancelled, failed.Kind);
                Assert.Equal(1, failed.Attempts);
            }
            Assert.True(await EvaluationSandbox.WaitNoneMatchingAsync("sleep " + sleep, GoneWithin), $"sleep {sleep} still runs");
        }
        finally
        {
            EvaluationSandbox.KillMatching("sleep " + sleep);
        }
    }

    [Fact]
    public async Task ACommandNotOnPathIsAStartErrorNotAnException()
    {
        var outcome = await Run(_box.Request("bomax-no-such-command-x7 --tasks {benchmark}"));

        Assert.Equal("could not start 'bomax-no-such-command-x7': not found on PATH", outcome.StartError);
        Assert.Null(outcome.ExitCode);
        Assert.False(outcome.TimedOut);
    }

    [Fact]
    public async Task AMissingOrNonExecutableScriptIsAStartError()
    {
        var missing = await Run(_box.Request("./missing.sh {checkpoint}"));
        Assert.Contains("could not start './missing.sh'", missing.StartError);
        Assert.Contains("does not exist", missing.StartError);

        string path = Path.Combine(_box.Root, "plain.sh");
        File.WriteAllText(path, "#!/bin/bash\necho hi\n");
        EvaluationSandbox.SetExecutable(path, false);
        var notExecutable = await Run(_box.Request(EvaluationSandbox.Quote(path)));
        Assert.Contains("permission denied", notExecutable.StartError);
    }

    [Fact]
    public async Task ARelativeProgramPathIsTakenFromTheWorkingDirectory()
    {
        string script = Path.Combine(_box.Work, "eval.sh");
        File.WriteAllText(script, "#!/bin/bash\necho from-work-dir \"$1\"\n");
        EvaluationSandbox.SetExecutable(script, true);

        var outcome = await Run(_box.Request("./eval.sh {step}"));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("from-work-dir 100\n", outcome.Stdout);
    }

    [Fact]
    public async Task InBashModeAMissingCommandIsExitCode127WithBashsMessage()
    {
        var outcome = await Run(_box.Request("bomax-no-such-command-x7 {benchmark}", useBash: true));

        Assert.Null(outcome.StartError);
        Assert.Equal(127, outcome.ExitCode);
        Assert.Contains("bomax-no-such-command-x7", outcome.StderrTail);
        Assert.Contains("not found", outcome.StderrTail);
    }

    [Fact]
    public async Task AnUnbalancedTemplateIsAStartError()
    {
        var outcome = await Run(_box.Request("lm_eval --tasks '{benchmark}"));
        Assert.Contains("unbalanced quotes", outcome.StartError);
        var bash = await Run(_box.Request("lm_eval --tasks \"{benchmark}", useBash: true));
        Assert.Contains("unbalanced quotes", bash.StartError);
    }

    [Fact]
    public async Task ReportsTheExitCodeAndKeepsOnlyTheTailOfStderr()
    {
        string script = _box.Script("fail.sh",
            """
            for i in $(seq 1 3000); do echo "noise line $i" >&2; done
            echo "RuntimeError: CUDA out of memory" >&2
            exit 3
            """);
        var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script)));

        Assert.Equal(3, outcome.ExitCode);
        Assert.True(outcome.StderrTail.Length <= EvaluationRunner.StderrTailChars, $"{outcome.StderrTail.Length} chars");
        Assert.EndsWith("noise line 3000\nRuntimeError: CUDA out of memory\n", outcome.StderrTail);
        Assert.DoesNotContain("noise line 1\n", outcome.StderrTail);
    }

    [Fact]
    public async Task LargeOutputOnBothStreamsDoesNotDeadlock()
    {
        string script = _box.Script("big.sh",
            """
            head -c 1048576 /dev/zero | tr '\0' 'x' >&2 &
            head -c 1048576 /dev/zero | tr '\0' 'y'
            wait
            echo
            echo 0.42
            """);
        var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script), timeoutSeconds: 20));

        Assert.False(outcome.TimedOut);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(1048576 + 6, outcome.Stdout.Length);
        Assert.EndsWith("y\n0.42\n", outcome.Stdout);
        Assert.False(outcome.StdoutTruncated);
        Assert.Equal(new string('x', EvaluationRunner.StderrTailChars), outcome.StderrTail);
    }

    [Fact]
    public async Task StdoutBeyondTheCapKeepsItsEnd()
    {
        string script = _box.Script("huge.sh",
            """
            head -c 5000000 /dev/zero | tr '\0' 'z'
            echo
            echo score 0.25
            """);
        var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script), timeoutSeconds: 20));

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.StdoutTruncated);
        Assert.Equal(EvaluationRunner.StdoutCapChars, outcome.Stdout.Length);
        Assert.EndsWith("zzz\nscore 0.25\n", outcome.Stdout);
    }

    [Fact]
    public async Task StandardInputIsEmpty()
    {
        string script = _box.Script("stdin.sh", """n=$(cat | wc -c); echo "read $n bytes" """);
        var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script), timeoutSeconds: 2));

        Assert.False(outcome.TimedOut);
        Assert.Equal("read 0 bytes\n", outcome.Stdout);
    }

    [Fact]
    public async Task AMissingWorkingDirectoryIsAStartError()
    {
        var request = _box.Request("true") with { WorkingDirectory = Path.Combine(_box.Root, "nowhere") };
        var outcome = await Run(request);
        Assert.Contains("working directory", outcome.StartError);
        Assert.Contains("does not exist", outcome.StartError);
    }
}

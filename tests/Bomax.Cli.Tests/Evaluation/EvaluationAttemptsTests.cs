using System.Diagnostics;
using Bomax.Cli.Evaluation;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Evaluation;

public sealed class EvaluationAttemptsTests : IDisposable
{
    private static readonly TimeSpan ShortDelay = TimeSpan.FromMilliseconds(10);

    private readonly EvaluationSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static Task<AttemptsOutcome> Run(EvaluationRequest request, int retries, ScoreRule? score = null,
                                      TimeSpan? baseDelay = null, CancellationToken cancel = default) =>
        EvaluationAttempts.RunWithRetriesAsync(request, score ?? new ScoreRule.LastNumber(), retries,
                                               baseDelay ?? ShortDelay, new Random(7), cancel);

    [Fact]
    public async Task FailsOnceThenSucceedsOnTheSecondAttemptInItsOwnDirectory()
    {
        string state = Path.Combine(_box.Root, "state");
        string script = _box.Script("flaky.sh",
            $$"""
            echo "attempt dir $BOMAX_OUTPUT_DIR"
            if [ -f '{{state}}' ]; then echo "acc 0.8"; exit 0; fi
            touch '{{state}}'
            echo "NCCL error: connection reset" >&2
            exit 1
            """);
        var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script)), retries: 3);

        var succeeded = Assert.IsType<AttemptsOutcome.Succeeded>(outcome);
        Assert.Equal(0.8, succeeded.Score.Score);
        Assert.Equal(2, succeeded.Attempts);
        Assert.Equal(Path.Combine(_box.Output, "attempt-2"), succeeded.OutputDirectory);
        Assert.True(Directory.Exists(Path.Combine(_box.Output, "attempt-1")));
        Assert.False(Directory.Exists(Path.Combine(_box.Output, "attempt-3")));
    }

    [Fact]
    public async Task AlwaysFailingGivesUpAfterOnePlusRetriesWithTheLastExitCodeAndStderr()
    {
        string script = _box.Script("broken.sh",
            """
            echo "Traceback (most recent call last):" >&2
            echo "OSError: disk on fire" >&2
            exit 2
            """);
        var outcome = await Run(_box.Request(EvaluationSandbox.Quote(script)), retries: 2);

        var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
        Assert.Equal(EvaluationFailureKind.NonZeroExit, failed.Kind);
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(2, failed.ExitCode);
        Assert.Equal("exit code 2: OSError: disk on fire", failed.Message);
        Assert.Contains("Traceback", failed.StderrTail);
        Assert.Equal(Path.Combine(_box.Output, "attempt-3"), failed.OutputDirectory);
    }

    [Fact]
    public async Task AScoreNotFoundInCutOutputSaysOnlyItsEndWasRead()
    {
        var outcome = await Run(_box.Request("head -c 5000000 /dev/zero | tr '\\0' 'z'", useBash: true), retries: 0);

        var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
        Assert.Equal(EvaluationFailureKind.Unparseable, failed.Kind);
        Assert.EndsWith("(standard output was longer than 4,194,304 characters; only its end was read)", failed.Message);
    }

    [Fact]
    public async Task OutputWithoutAScoreIsAFailureThatIsNotRerunButKeptForRereading()
    {
        var outcome = await Run(_box.Request("echo all done", useBash: true), retries: 2);

        var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
        Assert.Equal(EvaluationFailureKind.Unparseable, failed.Kind);
        Assert.Equal(1, failed.Attempts); // the same command would print the same: not run again
        Assert.Equal("all done\n", File.ReadAllText(Path.Combine(failed.OutputDirectory, EvaluationAttempts.StdoutFile)));
        Assert.Equal(0, failed.ExitCode);
        Assert.Equal("no number in the output: it ended \"all done\"", failed.Message);
    }

    [Fact]
    public async Task TheScoreRuleReadsTheAttemptsOwnOutputDirectory()
    {
        var outcome = await Run(
            _box.Request("""mkdir -p {output_dir}/m && echo '{"results": {"arc_easy": {"acc,none": 0.5, "acc_stderr,none": 0.01}}}' > {output_dir}/m/results_1.json""",
                         useBash: true),
            retries: 0, score: new ScoreRule.LmEval("acc,none"));

        var succeeded = Assert.IsType<AttemptsOutcome.Succeeded>(outcome);
        Assert.Equal((0.5, (double?)0.01), (succeeded.Score.Score, succeeded.Score.StandardError));
        Assert.Equal(1, succeeded.Attempts);
    }

    [Fact]
    public async Task ACommandThatCannotStartIsReportedInPlainWords()
    {
        var outcome = await Run(_box.Request("lm_eval_not_installed_x7 --tasks {benchmark}"), retries: 1);

        var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
        Assert.Equal(EvaluationFailureKind.StartError, failed.Kind);
        Assert.Equal("could not start 'lm_eval_not_installed_x7': not found on PATH", failed.Message);
        Assert.Null(failed.ExitCode);
        Assert.Equal(2, failed.Attempts);
    }

    [Fact]
    public async Task ATimeoutSaysHowLongAndThatTheTreeWasKilled()
    {
        var outcome = await Run(_box.Request("sleep 30", timeoutSeconds: 1), retries: 0);

        var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
        Assert.Equal(EvaluationFailureKind.TimedOut, failed.Kind);
        Assert.Equal("timed out after 1s; process tree killed", failed.Message);
        Assert.Equal(1, failed.Attempts);
    }

    [Fact]
    public async Task CancellationDuringAnAttemptIsNeverRetried()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var outcome = await Run(_box.Request("sleep 30", timeoutSeconds: 20), retries: 3, cancel: cancel.Token);

        var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
        Assert.Equal(EvaluationFailureKind.Cancelled, failed.Kind);
        Assert.Equal(1, failed.Attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task CancellationWhileWaitingToRetryStopsAtOnce()
    {
        // The first attempt ends at once; the wait before the retry is at least 5 minutes (10 × jitter ≥ 0.5). Cancelling 5 s in
        // (room for a loaded machine to start bash) lands in that wait, and the run must end long before it would have.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        var outcome = await Run(_box.Request("exit 5", useBash: true), retries: 3,
                                baseDelay: TimeSpan.FromMinutes(10), cancel: cancel.Token);

        var failed = Assert.IsType<AttemptsOutcome.Failed>(outcome);
        Assert.Equal(EvaluationFailureKind.Cancelled, failed.Kind);
        Assert.Equal("cancelled", failed.Message);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal(5, failed.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task NoRetriesMeansOneAttempt()
    {
        var outcome = await Run(_box.Request("echo 0.3", useBash: true), retries: 0);
        Assert.Equal(1, Assert.IsType<AttemptsOutcome.Succeeded>(outcome).Attempts);
    }

    [Fact]
    public void BackoffGrowsExponentiallyWithSeededJitterAndACap()
    {
        var baseDelay = TimeSpan.FromSeconds(2);
        var first = Enumerable.Range(1, 12).Select(n => EvaluationAttempts.BackoffDelay(n, baseDelay, new Random(3))).ToList();
        var again = Enumerable.Range(1, 12).Select(n => EvaluationAttempts.BackoffDelay(n, baseDelay, new Random(3))).ToList();
        Assert.Equal(first, again);

        var random = new Random(11);
        for (int n = 1; n <= 12; n++)
        {
            double nominal = Math.Min(2.0 * Math.Pow(2, n - 1), EvaluationAttempts.MaxDelay.TotalSeconds);
            double seconds = EvaluationAttempts.BackoffDelay(n, baseDelay, random).TotalSeconds;
            Assert.InRange(seconds, 0.5 * nominal, 1.5 * nominal);
        }
        Assert.Equal(TimeSpan.Zero, EvaluationAttempts.BackoffDelay(3, TimeSpan.Zero, random));
    }

    [Fact]
    public void TheDefaultSeedIsStablePerPair()
    {
        var a = _box.Request("x", checkpoint: "step-1", benchmark: "arc_easy");
        Assert.Equal(EvaluationAttempts.SeedFor(a), EvaluationAttempts.SeedFor(a with { Step = 7 }));
        Assert.NotEqual(EvaluationAttempts.SeedFor(a), EvaluationAttempts.SeedFor(a with { Benchmark = "hellaswag" }));
    }

    [Theory]
    [InlineData(2, "err 1\nlast words\n\n", "exit code 2: last words")]
    [InlineData(1, "", "exit code 1, nothing on standard error")]
    [InlineData(137, "", "exit code 137 (killed by signal 9), nothing on standard error")]
    public void ExitMessagesQuoteTheLastStderrLine(int code, string stderr, string expected)
    {
        Assert.Equal(expected, EvaluationAttempts.ExitMessage(code, stderr));
    }

    [Theory]
    [InlineData(1800, "30m")]
    [InlineData(5400, "1h30m")]
    [InlineData(1.5, "1.5s")]
    [InlineData(90, "1m30s")]
    [InlineData(7200, "2h")]
    public void DurationsReadLikeTheConfig(double seconds, string expected)
    {
        Assert.Equal(expected, Bomax.Cli.Study.Durations.Describe(TimeSpan.FromSeconds(seconds)));
    }
}

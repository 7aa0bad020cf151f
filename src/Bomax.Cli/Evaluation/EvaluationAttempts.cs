using System.Globalization;
using Bomax.Cli.Study;
using Polly;
using Polly.Retry;

namespace Bomax.Cli.Evaluation;

/// <summary>Why an evaluation attempt failed.</summary>
internal enum EvaluationFailureKind
{
    /// <summary>The command could not be started (not found, not executable, bad template, …).</summary>
    StartError,
    /// <summary>The command exited with a non-zero code.</summary>
    NonZeroExit,
    /// <summary>The command ran past its timeout and was killed (SIGTERM, then SIGKILL to its process group).</summary>
    TimedOut,
    /// <summary>The command succeeded but no acceptable score could be read from what it produced (none, or one
    /// that is not finite or beyond the score limit). Never re-run: a changed score rule reads the kept output again.</summary>
    Unparseable,
    /// <summary>The run was cancelled (Ctrl-C); never retried.</summary>
    Cancelled,
}

/// <summary>
/// The result of evaluating one (checkpoint, benchmark) pair with retries: a score, or the last failure.
/// Both say how many attempts were made, how long they took together, and the directory of the
/// last attempt (kept for inspection).
/// </summary>
internal abstract record AttemptsOutcome
{
    private AttemptsOutcome() { }

    public required int Attempts { get; init; }
    public required double Seconds { get; init; }
    public required string OutputDirectory { get; init; }

    /// <summary>The last attempt's program and arguments as started (empty when it never started).</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    public sealed record Succeeded(Scored Score) : AttemptsOutcome;

    /// <param name="Kind">What went wrong in the last attempt.</param>
    /// <param name="Message">What went wrong, for the user: <c>exit code 2: CUDA out of memory</c>.</param>
    /// <param name="ExitCode">The last attempt's exit code, when it exited on its own.</param>
    /// <param name="StderrTail">The end of the last attempt's standard error.</param>
    public sealed record Failed(EvaluationFailureKind Kind, string Message, int? ExitCode, string StderrTail)
        : AttemptsOutcome;
}

/// <summary>
/// Runs an evaluation up to 1 + retries times, each attempt in a fresh directory
/// <c>&lt;OutputDirectory&gt;/attempt-&lt;n&gt;</c> (the first n not used before, so earlier runs' outputs are kept and never
/// read again), until one yields a score. Its standard output is kept there as <see cref="StdoutFile"/>. A non-zero
/// exit, a timeout and a start error are failures worth another try; output without an acceptable score is not (the
/// same command would print the same), and a cancellation stops at once.
/// Between attempts it waits an exponentially growing delay with jitter drawn from the given (or a
/// per-pair seeded) <see cref="Random"/>, so concurrent evaluations do not retry in lockstep and runs
/// are reproducible.
/// </summary>
internal static class EvaluationAttempts
{
    /// <summary>The back-off never exceeds this (unless the base delay itself is longer).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>The file in each attempt's directory that keeps the command's standard output.</summary>
    public const string StdoutFile = "bomax.stdout.txt";

    public static Task<AttemptsOutcome> RunWithRetriesAsync(
        EvaluationRequest request, ScoreRule score, int retries, TimeSpan baseDelay, CancellationToken cancel,
        double scoreLimit = Study.EvalSpec.DefaultScoreLimit) =>
        RunWithRetriesAsync(request, score, retries, baseDelay, new Random(SeedFor(request)), cancel, scoreLimit);

    public static async Task<AttemptsOutcome> RunWithRetriesAsync(
        EvaluationRequest request, ScoreRule score, int retries, TimeSpan baseDelay, Random random,
        CancellationToken cancel, double scoreLimit = Study.EvalSpec.DefaultScoreLimit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int attempts = 0;
        Attempt? last = null;

        // Polly runs the loop and the cancellable waits; what counts as a failure, the delays (with our
        // own Random: Polly's built-in jitter draws from a source that cannot be injected) and the
        // per-attempt directories stay here. Polly requires at least one retry, hence the empty pipeline.
        var pipeline = retries <= 0
            ? ResiliencePipeline<Attempt>.Empty
            : new ResiliencePipelineBuilder<Attempt>()
                .AddRetry(new RetryStrategyOptions<Attempt>
                {
                    MaxRetryAttempts = retries,
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Result is { Failure: { } kind }
                        && kind is not (EvaluationFailureKind.Cancelled or EvaluationFailureKind.Unparseable)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                        BackoffDelay(args.AttemptNumber + 1, baseDelay, random)),
                })
                .Build();

        try
        {
            last = await pipeline.ExecuteAsync(async token =>
            {
                string folder;
                try
                {
                    folder = Study.OutputFolders.CreateAttempt(Path.GetFullPath(request.OutputDirectory, Path.GetFullPath(request.WorkingDirectory)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    attempts++;
                    last = new Attempt(new ProcessOutcome(null, false, false, "", "", 0, null) { OutputDirectory = request.OutputDirectory },
                        null, EvaluationFailureKind.StartError, $"could not create an output directory under '{request.OutputDirectory}': "
                            + $"{e.Message}");
                    return last;
                }
                var attemptRequest = request with { OutputDirectory = folder };
                var process = await EvaluationRunner.RunAsync(attemptRequest, token).ConfigureAwait(false);
                attempts++;
                KeepStdout(process);
                last = Judge(process, attemptRequest, score, scoreLimit);
                // An attempt that ended as the run was cancelled may have reacted to the signal with a number or an
                // exit code: neither is a result, and it must not be retried.
                if (cancel.IsCancellationRequested)
                    last = AsCancelled(last);
                return last;
            }, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Cancelled while waiting to retry (or before the first attempt).
            last = last is null ? null : AsCancelled(last);
        }
        if (cancel.IsCancellationRequested && last is not null)
            last = AsCancelled(last);

        double seconds = clock.Elapsed.TotalSeconds;
        if (last is null)
        {
            return new AttemptsOutcome.Failed(EvaluationFailureKind.Cancelled, "cancelled", null, "")
            {
                Attempts = 0,
                Seconds = seconds,
                OutputDirectory = request.OutputDirectory,
            };
        }
        if (last.Score is { } scored)
        {
            return new AttemptsOutcome.Succeeded(scored)
            {
                CommandLine = last.Process.CommandLine,
                Attempts = attempts,
                Seconds = seconds,
                OutputDirectory = last.Process.OutputDirectory,
            };
        }
        return new AttemptsOutcome.Failed(last.Failure!.Value, last.Message, last.Process.ExitCode, last.Process.StderrTail)
        {
            CommandLine = last.Process.CommandLine,
            Attempts = attempts,
            Seconds = seconds,
            OutputDirectory = last.Process.OutputDirectory,
        };
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): <c>baseDelay · 2^(retry−1)</c>, capped
    /// at <see cref="MaxDelay"/>, times a jitter factor drawn uniformly from [0.5, 1.5).
    /// </summary>
    internal static TimeSpan BackoffDelay(int retry, TimeSpan baseDelay, Random random)
    {
        if (baseDelay <= TimeSpan.Zero)
            return TimeSpan.Zero;
        double cap = Math.Max(MaxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds);
        double exponential = Math.Min(cap, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 40)));
        return TimeSpan.FromMilliseconds(exponential * (0.5 + random.NextDouble()));
    }

    /// <summary>A stable seed per (checkpoint, benchmark), so reruns wait alike and pairs differ.</summary>
    internal static int SeedFor(EvaluationRequest request)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (char c in request.Checkpoint + "\0" + request.Benchmark)
                hash = (hash ^ c) * 16777619;
            return (int)hash;
        }
    }

    private sealed record Attempt(ProcessOutcome Process, Scored? Score, EvaluationFailureKind? Failure, string Message);

    private static Attempt AsCancelled(Attempt attempt) =>
        attempt with { Score = null, Failure = EvaluationFailureKind.Cancelled, Message = "cancelled" };

    /// <summary>Writes the attempt's standard output into its directory, so its score can be read again later.</summary>
    private static void KeepStdout(ProcessOutcome process)
    {
        if (process.StartError is not null || !Directory.Exists(process.OutputDirectory)) return;
        try
        {
            File.WriteAllText(Path.Combine(process.OutputDirectory, StdoutFile), process.Stdout);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The output is still judged; only a later re-read is lost.
        }
    }

    /// <summary>
    /// Reads the score of a finished attempt again from what it kept (its standard output file and its directory), with
    /// a possibly changed rule: a score, or why not. Used to heal a failure of the score rule without re-running.
    /// </summary>
    public static ScoreResult Reread(string outputDirectory, string benchmark, ScoreRule score, double scoreLimit)
    {
        string stdoutPath = Path.Combine(outputDirectory, StdoutFile);
        string stdout;
        try
        {
            stdout = File.Exists(stdoutPath) ? File.ReadAllText(stdoutPath) : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Unparseable($"cannot read the kept output {stdoutPath}: {e.Message}");
        }
        return Accept(ScoreExtractor.Extract(score, stdout, outputDirectory, benchmark), scoreLimit);
    }

    /// <summary>A score within the limit as it is; any other becomes <see cref="Unparseable"/> saying why.</summary>
    private static ScoreResult Accept(ScoreResult result, double scoreLimit) =>
        result is Scored scored && Study.ScoreChecks.Refusal(scored.Score, scoreLimit) is { } refusal
            ? new Unparseable($"{refusal} (read from {scored.Source})")
            : result;

    private static Attempt Judge(ProcessOutcome process, EvaluationRequest request, ScoreRule score, double scoreLimit)
    {
        if (process.Cancelled)
            return new Attempt(process, null, EvaluationFailureKind.Cancelled, "cancelled");
        if (process.StartError is { } startError)
            return new Attempt(process, null, EvaluationFailureKind.StartError, startError);
        if (process.TimedOut)
            return new Attempt(process, null, EvaluationFailureKind.TimedOut,
                               $"timed out after {Study.Durations.Describe(request.Timeout)}; process tree killed");
        if (process.ExitCode is not 0)
            return new Attempt(process, null, EvaluationFailureKind.NonZeroExit,
                               ExitMessage(process.ExitCode, process.StderrTail));

        return Accept(ScoreExtractor.Extract(score, process.Stdout, process.OutputDirectory, request.Benchmark), scoreLimit) switch
        {
            Scored scored => new Attempt(process, scored, null, ""),
            Unparseable unparseable => new Attempt(process, null, EvaluationFailureKind.Unparseable, process.StdoutTruncated
                ? string.Create(CultureInfo.InvariantCulture, $"{unparseable.Message} (standard output was longer than "
                    + $"{EvaluationRunner.StdoutCapChars:N0} characters; only its end was read)")
                : unparseable.Message),
            var other => throw new InvalidOperationException($"unexpected score result {other}"),
        };
    }

    internal static string ExitMessage(int? exitCode, string stderrTail)
    {
        string code = exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        // Like a shell, .NET reports a child killed by signal N as exit code 128 + N.
        string signal = exitCode is > 128 and < 128 + 65 ? $" (killed by signal {exitCode - 128})" : "";
        string? lastLine = stderrTail
            .Split('\n')
            .Select(line => line.TrimEnd('\r').Trim())
            .LastOrDefault(line => line.Length > 0);
        return lastLine is null
            ? $"exit code {code}{signal}, nothing on standard error"
            : $"exit code {code}{signal}: {lastLine}";
    }
}

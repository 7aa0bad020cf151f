namespace Bomax.Cli.Evaluation;

/// <summary>
/// One evaluation of a (checkpoint, benchmark) pair by the user's eval command.
/// </summary>
/// <param name="Template">The eval command with placeholders; see <see cref="CommandTemplate"/>.</param>
/// <param name="UseBash">Run the template as a <c>bash -c</c> script (<c>shell: bash</c>) instead of as argv words.</param>
/// <param name="Checkpoint">The checkpoint's name, for <c>{checkpoint}</c> and <c>BOMAX_CHECKPOINT</c>.</param>
/// <param name="CheckpointPath">Where the checkpoint lies, for <c>{checkpoint_path}</c>.</param>
/// <param name="Step">The checkpoint's training step, for <c>{step}</c>.</param>
/// <param name="Benchmark">The benchmark (task) name, for <c>{benchmark}</c>.</param>
/// <param name="OutputDirectory">A fresh directory for this evaluation, created by the runner and kept;
/// relative paths are taken from <paramref name="WorkingDirectory"/>.</param>
/// <param name="WorkingDirectory">The command's working directory.</param>
/// <param name="Timeout">How long the command may run; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
/// or zero for no limit.</param>
/// <param name="Environment">Extra environment variables (the <c>BOMAX_*</c> ones cannot be overridden).</param>
internal sealed record EvaluationRequest(
    string Template,
    bool UseBash,
    string Checkpoint,
    string CheckpointPath,
    long Step,
    string Benchmark,
    string OutputDirectory,
    string WorkingDirectory,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// What one run of the eval command did. <paramref name="ExitCode"/> is null when the process was killed
/// (timeout, cancellation) or never started (<paramref name="StartError"/> then says why).
/// <paramref name="Stdout"/> is the whole standard output, or its last <see cref="EvaluationRunner.StdoutCapChars"/>
/// characters when it was longer (<see cref="StdoutTruncated"/>); <paramref name="StderrTail"/> is the last
/// <see cref="EvaluationRunner.StderrTailChars"/> characters of standard error.
/// </summary>
internal sealed record ProcessOutcome(
    int? ExitCode,
    bool TimedOut,
    bool Cancelled,
    string Stdout,
    string StderrTail,
    double Seconds,
    string? StartError)
{
    /// <summary>True when standard output was longer than the cap and only its end was kept.</summary>
    public bool StdoutTruncated { get; init; }

    /// <summary>The resolved output directory the command was given.</summary>
    public string OutputDirectory { get; init; } = "";

    /// <summary>The program and its arguments as they were started (empty when nothing was started).</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];
}

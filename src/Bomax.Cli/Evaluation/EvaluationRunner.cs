using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// Runs the user's eval command once, as a real child process: without a shell (argv words, the
/// executable found on PATH) or, with <see cref="EvaluationRequest.UseBash"/>, as <c>bash -c SCRIPT</c>.
/// Standard input is empty; standard output is kept whole (up to a cap) and the tail of standard error,
/// both read concurrently so that no amount of output can block the child. The command runs in its own session
/// and process group (see <see cref="ProcessGroup"/>): a timeout or cancellation sends SIGTERM to the whole group,
/// then SIGKILL after <see cref="ProcessGroup.TerminateGrace"/>; when the command ends on its own, whatever it left
/// running in its group is killed. Once the caller's token is cancelled, the outcome says cancelled however the command
/// ended (it may have reacted to the signal with an exit code or a score). Nothing here throws for a failing command:
/// the outcome says what happened.
/// </summary>
internal static class EvaluationRunner
{
    /// <summary>Standard output beyond this many characters is dropped from the front (the score is usually last).</summary>
    public const int StdoutCapChars = 4 * 1024 * 1024;

    /// <summary>How much of the end of standard error is kept.</summary>
    public const int StderrTailChars = 4096;

    /// <summary>The name bash gives the script in its own error messages (<c>bomax-eval: line 1: …</c>).</summary>
    public const string BashScriptName = "bomax-eval";

    /// <summary>
    /// After the child exits, how long to wait for its output pipes to close. A background grandchild that
    /// inherited them can keep them open indefinitely; the outcome then has the output read so far.
    /// </summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for a killed process to be reaped.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task<ProcessOutcome> RunAsync(EvaluationRequest request, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        string outputDirectory = request.OutputDirectory;
        ProcessOutcome NotStarted(string message, bool cancelled = false) =>
            new(null, false, cancelled, "", "", clock.Elapsed.TotalSeconds, cancelled ? null : message)
            {
                OutputDirectory = outputDirectory,
            };

        if (cancel.IsCancellationRequested)
            return NotStarted("cancelled", cancelled: true);

        string workingDirectory;
        try
        {
            workingDirectory = Path.GetFullPath(request.WorkingDirectory);
            outputDirectory = Path.GetFullPath(request.OutputDirectory, workingDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return NotStarted($"invalid working or output directory: {e.Message}");
        }
        if (!Directory.Exists(workingDirectory))
            return NotStarted($"the working directory '{workingDirectory}' does not exist");
        try
        {
            Directory.CreateDirectory(outputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return NotStarted($"could not create the output directory '{outputDirectory}': {e.Message}");
        }

        var values = PlaceholderValues(request, outputDirectory);
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in request.Environment)
            startInfo.Environment[name] = value;
        foreach (var (placeholder, value) in values)
            startInfo.Environment[CommandTemplate.EnvironmentVariable(placeholder)] = value;

        string command;
        IEnumerable<string> arguments;
        if (request.UseBash)
        {
            switch (CommandTemplate.ToBashScript(request.Template))
            {
                case TemplateResult<string>.Invalid invalid:
                    return NotStarted(invalid.Message);
                case TemplateResult<string>.Ok script:
                    command = "bash";
                    arguments = ["-c", script.Value, BashScriptName];
                    break;
                default:
                    throw new UnreachableException();
            }
        }
        else
        {
            switch (CommandTemplate.ToArguments(request.Template, values))
            {
                case TemplateResult<IReadOnlyList<string>>.Invalid invalid:
                    return NotStarted(invalid.Message);
                case TemplateResult<IReadOnlyList<string>>.Ok words:
                    command = words.Value[0];
                    arguments = words.Value.Skip(1);
                    break;
                default:
                    throw new UnreachableException();
            }
        }

        if (command.Length == 0)
            return NotStarted("the eval command's program name is empty");
        string? searchPath = startInfo.Environment.TryGetValue("PATH", out var p) ? p : null;
        string? executable = ResolveExecutable(command, workingDirectory, searchPath);
        if (executable is null)
            return NotStarted($"could not start '{command}': not found on PATH");
        string? setsid = ProcessGroup.Setsid;
        if (setsid is not null && ProcessGroup.StartError(executable) is { } errno)
            return NotStarted(DescribeStartError(command, executable, errno));
        IReadOnlyList<string> commandLine = [executable, .. arguments];
        startInfo.FileName = setsid ?? executable;
        foreach (var argument in setsid is null ? commandLine.Skip(1) : ProcessGroup.SetsidArguments(executable, commandLine.Skip(1)))
            startInfo.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return NotStarted(DescribeStartError(command, startInfo.FileName, e.NativeErrorCode, e.Message));
        }

        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child has already closed its end; nothing to do.
        }

        var stdout = new OutputCapture(StdoutCapChars);
        var stderr = new OutputCapture(StderrTailChars);
        var pumps = Task.WhenAll(stdout.PumpAsync(process.StandardOutput), stderr.PumpAsync(process.StandardError));
        int? group = setsid is null ? null : await ProcessGroup.WaitForOwnGroupAsync(process.Id).ConfigureAwait(false);

        bool timedOut = false, cancelled = false;
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            if (request.Timeout > TimeSpan.Zero && request.Timeout != Timeout.InfiniteTimeSpan)
                limit.CancelAfter(request.Timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancelled = cancel.IsCancellationRequested;
                timedOut = !cancelled;
                if (group is { } stopping)
                    // A timeout's grace ends early when the caller cancels; a cancellation's runs in full.
                    await ProcessGroup.TerminateAsync(process, stopping, timedOut ? cancel : CancellationToken.None).ConfigureAwait(false);
                else
                    KillTree(process);
                using var bound = new CancellationTokenSource(KillWait);
                try
                {
                    await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Not reaped in time: report what we have; the kill has been sent.
                }
            }
        }
        // Nothing the evaluation started outlives it: background children, orphans included.
        if (group is { } ended)
            ProcessGroup.Signal(ended, ProcessGroup.SigKill);

        await Task.WhenAny(pumps, Task.Delay(DrainGrace, CancellationToken.None)).ConfigureAwait(false);
        var (stdoutText, stdoutTruncated) = stdout.Snapshot();
        var (stderrText, _) = stderr.Snapshot();

        // Cancelled is cancelled however the command ended: it may have reacted to the signal by exiting non-zero or
        // by printing a number, and neither is a result.
        if (cancel.IsCancellationRequested)
            (cancelled, timedOut) = (true, false);
        int? exitCode = timedOut || cancelled || !process.HasExited ? null : process.ExitCode;
        return new ProcessOutcome(exitCode, timedOut, cancelled, stdoutText, stderrText,
                                  clock.Elapsed.TotalSeconds, null)
        {
            StdoutTruncated = stdoutTruncated,
            OutputDirectory = outputDirectory,
            CommandLine = commandLine,
        };
    }

    /// <summary>The placeholder values of a request, keyed by placeholder name (without braces).</summary>
    public static IReadOnlyDictionary<string, string> PlaceholderValues(EvaluationRequest request, string outputDirectory) =>
        new Dictionary<string, string>
        {
            [CommandTemplate.Checkpoint] = request.Checkpoint,
            [CommandTemplate.CheckpointPath] = request.CheckpointPath,
            [CommandTemplate.Step] = request.Step.ToString(CultureInfo.InvariantCulture),
            [CommandTemplate.Benchmark] = request.Benchmark,
            [CommandTemplate.OutputDir] = outputDirectory,
        };

    /// <summary>
    /// Finds the program the way a shell does: a name with a slash is a path (relative to the command's
    /// working directory); a bare name is looked up in the child's PATH only (not in the current directory,
    /// where .NET's own lookup would also look). Returns null when a bare name is on no PATH entry.
    /// </summary>
    internal static string? ResolveExecutable(string command, string workingDirectory, string? searchPath)
    {
        if (command.Contains('/'))
            return Path.GetFullPath(command, workingDirectory);
        if (command.Length == 0)
            return null;
        foreach (var directory in (searchPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, command);
            if (IsExecutableFile(candidate))
                return candidate;
        }
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
            return false;
        if (OperatingSystem.IsWindows())
            return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            return (File.GetUnixFileMode(path) & anyExecute) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string DescribeStartError(string command, string executable, int errno, string? message = null)
    {
        string why = errno switch
        {
            2 => $"'{executable}' does not exist",
            13 => $"permission denied (is '{executable}' executable? try chmod +x)",
            8 => $"'{executable}' is not a program (a script needs a #! line)",
            _ => message ?? Marshal.GetPInvokeErrorMessage(errno),
        };
        return $"could not start '{command}': {why}";
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or AggregateException)
        {
            // Already exited, or part of the tree vanished while it was being killed.
        }
    }

    /// <summary>Reads a stream to its end, keeping at most the last <c>cap</c> characters.</summary>
    private sealed class OutputCapture(int cap)
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();
        private bool _truncated;

        public async Task PumpAsync(StreamReader reader)
        {
            var buffer = new char[8192];
            try
            {
                while (true)
                {
                    int read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                    if (read == 0)
                        return;
                    lock (_lock)
                    {
                        _text.Append(buffer, 0, read);
                        if (_text.Length > 2 * cap)
                        {
                            _text.Remove(0, _text.Length - cap);
                            _truncated = true;
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The pipe was closed under us (the process was disposed): keep what was read.
            }
        }

        public (string Text, bool Truncated) Snapshot()
        {
            lock (_lock)
            {
                if (_text.Length > cap)
                    return (_text.ToString(_text.Length - cap, cap), true);
                return (_text.ToString(), _truncated);
            }
        }
    }
}

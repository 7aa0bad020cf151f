using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Bomax.Tasks;

/// <summary>One line bomax wrote, on stdout (its JSON messages) or stderr (its text for people).</summary>
internal readonly record struct BomaxOutputLine(bool IsStderr, string Text);

/// <summary>
/// Bomax as a child process (<c>dotnet bomax.dll run …</c>, arguments as a list, no shell, stdin
/// closed). Its lines are handed to the caller's thread in order of arrival, so all logging happens on
/// the task's thread. <see cref="Interrupt"/> asks it to stop the way Ctrl+C does (SIGTERM, which the
/// engine handles as it does SIGINT: it kills the running evaluations, keeps the journal and exits 130)
/// and kills it only if it has not ended after a grace period.
/// </summary>
internal sealed class BomaxChildProcess : IDisposable
{
    /// <summary>SIGTERM, not SIGINT: a build started as a background job of a non-interactive shell (a CI
    /// runner's script) passes SIGINT on ignored, and a process that starts with SIGINT ignored cannot catch
    /// it, so bomax would sit out the grace period and be killed. No shell ignores SIGTERM for its jobs.</summary>
    const int SigTerm = 15;
    /// <summary>After bomax exits, how long to wait for the rest of its output: a stray grandchild may hold the pipes open.</summary>
    static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(3);
    readonly Process process;
    readonly BlockingCollection<BomaxOutputLine> lines = new();
    int openStreams = 2;
    int interrupted;

    BomaxChildProcess(Process process) => this.process = process;

    /// <summary>Starts bomax; throws <see cref="System.ComponentModel.Win32Exception"/> when the host cannot be started.</summary>
    public static BomaxChildProcess Start(string host, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var engine = new BomaxChildProcess(process);
        process.OutputDataReceived += (_, e) => engine.Receive(false, e.Data);
        process.ErrorDataReceived += (_, e) => engine.Receive(true, e.Data);
        process.Exited += (_, _) => Task.Delay(OutputDrain).ContinueWith(_ => engine.EndOfOutput(), TaskScheduler.Default);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return engine;
    }

    void Receive(bool isStderr, string? text)
    {
        try
        {
            if (text is not null) lines.Add(new BomaxOutputLine(isStderr, text));
            else if (Interlocked.Decrement(ref openStreams) == 0) lines.CompleteAdding();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException) { } // disposed early: nobody reads any more
    }

    void EndOfOutput()
    {
        try { lines.CompleteAdding(); }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Every line until both streams close (or bomax ended a moment ago), as they arrive.</summary>
    public IEnumerable<BomaxOutputLine> Lines() => lines.GetConsumingEnumerable();

    /// <summary>Waits for bomax to end and returns its exit code (not for its pipes: a finite wait does not).</summary>
    public int WaitForExit()
    {
        while (!process.WaitForExit(1000)) { }
        return process.ExitCode;
    }

    /// <summary>
    /// Asks bomax to stop as Ctrl+C would: SIGTERM to it (it handles it as it does SIGINT: running evaluations
    /// are killed, the journal keeps every finished one, exit 130). If it is still running after
    /// <paramref name="grace"/>, it and its children are killed. Safe to call more than once and from any thread.
    /// </summary>
    public void Interrupt(TimeSpan grace)
    {
        if (Interlocked.Exchange(ref interrupted, 1) == 1) return;
        try
        {
            if (process.HasExited) return;
            if (OperatingSystem.IsWindows() || kill(process.Id, SigTerm) != 0)
            {
                KillTree();
                return;
            }
        }
        catch (InvalidOperationException) { return; } // not started or already gone
        _ = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(grace);
            try { await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { KillTree(); }
        });
    }

    void KillTree()
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        try { if (!process.HasExited) KillTree(); }
        catch (InvalidOperationException) { }
        process.Dispose();
        lines.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}

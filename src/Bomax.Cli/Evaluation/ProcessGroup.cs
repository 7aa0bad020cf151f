using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// Each evaluation runs in its own session and process group, so that everything it starts can be signalled
/// at once, orphans included (a reparented orphan is no longer in the parent–child tree that
/// <see cref="Process.Kill(bool)"/> walks, but it stays in its process group).
/// <para>
/// The command is started as <c>setsid -- PROGRAM ARGS…</c> (util-linux <c>setsid</c>, found on PATH). A child
/// started by .NET is in bomax's own process group and not its leader, so <c>setsid</c> calls <c>setsid()</c> and
/// execs the program in place, without forking: the program keeps the pid .NET knows, and that pid is the id of
/// its new session and process group. <see cref="WaitForOwnGroupAsync"/> checks this by reading the group id from
/// <c>/proc/PID/stat</c>; only a group seen there is ever signalled.
/// </para>
/// <para>
/// Where there is no <c>setsid</c> (macOS, images without util-linux) or no <c>/proc</c> (anything but Linux),
/// <see cref="Setsid"/> is null and the command runs as before: in bomax's process group, killed on timeout or
/// cancellation by walking its process tree, and orphans it leaves behind may survive it.
/// </para>
/// </summary>
internal static class ProcessGroup
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>How long an evaluation may take to stop after SIGTERM before its group gets SIGKILL.</summary>
    public static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for <c>setsid</c> to make the started process a group leader.</summary>
    static readonly TimeSpan LeaderWait = TimeSpan.FromSeconds(5);

    /// <summary>How often a group is looked at while waiting for it.</summary>
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    const int Esrch = 3;

    static readonly Lazy<string?> setsid = new(FindSetsid);

    /// <summary>The <c>setsid</c> program, or null where evaluations cannot get their own group.</summary>
    public static string? Setsid => setsid.Value;

    static string? FindSetsid()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self"))
            return null;
        string path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/bin:/bin";
        return EvaluationRunner.ResolveExecutable("setsid", "/", path);
    }

    /// <summary>The arguments that make <see cref="Setsid"/> start <paramref name="executable"/> in a new session.</summary>
    public static IEnumerable<string> SetsidArguments(string executable, IEnumerable<string> arguments) =>
        ["--", executable, .. arguments];

    /// <summary>
    /// Waits until the process started through <c>setsid</c> leads its own process group, and returns the group
    /// id read from <c>/proc/PID/stat</c> (which then equals the pid). Null when it could not be seen there: the
    /// process did not become a group leader within <see cref="LeaderWait"/>; the caller then falls back to killing the
    /// process tree. A process already gone gives its pid (see the comment inside).
    /// </summary>
    public static async Task<int?> WaitForOwnGroupAsync(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // Gone already (a command that ends at once, reaped by .NET before it could be looked at): it was started
            // through setsid, so its group, if any of it is left, has its pid as id, and Linux gives no new process or
            // group that id while the group exists; signalling a group of that id reaches its leftovers or nothing.
            if (ReadGroup(pid) is not { } group)
                return pid;
            if (group.ProcessGroup == pid && group.Session == pid)
                return group.ProcessGroup;
            if (clock.Elapsed > LeaderWait)
                return null;
            await Task.Delay(TimeSpan.FromMilliseconds(1), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The process group and session of a process, from <c>/proc/PID/stat</c>; null when it is gone.</summary>
    public static (int ProcessGroup, int Session)? ReadGroup(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid pgrp session …": comm may hold spaces and parentheses, so count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out int group)
            || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out int session))
            return null;
        return (group, session);
    }

    /// <summary>
    /// Whether any process is left in the group (a zombie not yet reaped counts). False for a group id that is not
    /// an evaluation's own (bomax's group, init's).
    /// </summary>
    public static bool Exists(int group)
    {
        if (!IsSignallable(group))
            return false;
        return kill(-group, 0) == 0 || Marshal.GetLastPInvokeError() != Esrch;
    }

    /// <summary>
    /// Sends a signal to every process of the group; false when none was left. Never signals bomax's own group, nor
    /// a group id of 1 or less (which <c>kill</c> would read as "every process").
    /// </summary>
    public static bool Signal(int group, int signal) => IsSignallable(group) && kill(-group, signal) == 0;

    /// <summary>
    /// Stops an evaluation's group: SIGTERM to all of it, then up to <see cref="TerminateGrace"/> (or until
    /// <paramref name="graceCut"/>) for the whole group to end, then SIGKILL to whatever is left. A command that
    /// cleans up on SIGTERM (<c>srun</c> cancels its job step) has the grace to do it.
    /// </summary>
    public static async Task TerminateAsync(Process leader, int group, CancellationToken graceCut)
    {
        if (!Signal(group, SigTerm))
            return;
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TerminateGrace && !(HasExited(leader) && !Exists(group)))
                await Task.Delay(PollInterval, graceCut).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The grace was cut short: kill now.
        }
        Signal(group, SigKill);
    }

    static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    static bool IsSignallable(int group) => group > 1 && group != Environment.ProcessId && group != getpgrp();

    /// <summary>
    /// The error a start of <paramref name="executable"/> would fail with (an errno: 2, 13, 8), or null when it would
    /// start. Through <c>setsid</c>, a program that cannot be executed is no longer an error of the start itself (setsid
    /// reports it and exits 126 or 127), and a file without <c>#!</c> would run under <c>/bin/sh</c> (execvp's fallback);
    /// this check keeps both the start errors they were without it.
    /// </summary>
    public static int? StartError(string executable)
    {
        const int enoent = 2, eacces = 13, enoexec = 8, xOk = 1;
        if (Directory.Exists(executable))
            return eacces;
        if (!File.Exists(executable))
            return enoent;
        if (access(executable, xOk) != 0)
            return Marshal.GetLastPInvokeError() is var errno and > 0 ? errno : eacces;
        Span<byte> head = stackalloc byte[4];
        int read;
        try
        {
            using var file = new FileStream(executable, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // execute-only: the kernel may still run it
        }
        bool script = read >= 2 && head[0] == '#' && head[1] == '!';
        bool elf = read == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        return script || elf ? null : enoexec;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for these two plain calls
    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    [DllImport("libc")]
    static extern int getpgrp();

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    static extern int access(string path, int mode);
#pragma warning restore SYSLIB1054
}

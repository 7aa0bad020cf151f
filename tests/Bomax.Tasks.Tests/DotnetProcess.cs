using System.Diagnostics;
using System.Text;

namespace Bomax.Tasks.Tests;

/// <summary>What a finished <c>dotnet</c> command left: its exit code and its output (stdout and stderr, interleaved).</summary>
internal sealed record DotnetResult(int ExitCode, string Output, TimeSpan Took)
{
    public override string ToString() => $"exit {ExitCode} after {Took.TotalSeconds:0.0} s\n{Output}";
}

/// <summary>
/// A <c>dotnet</c> command as a child process: arguments as a list, stdin closed, no telemetry, no banner,
/// no build nodes or compiler servers left behind, packages in <c>packages</c> when given.
/// </summary>
internal sealed class DotnetProcess : IDisposable
{
    readonly StringBuilder output = new();
    readonly Stopwatch clock = Stopwatch.StartNew();
    public Process Process { get; }

    DotnetProcess(Process process) => Process = process;

    /// <param name="program">What to run instead of dotnet itself (an installed tool's command); it gets the same environment.</param>
    public static DotnetProcess Start(string workingDirectory, IEnumerable<string> arguments, string? packages = null, string? program = null)
    {
        program ??= Host;
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        if (SigintIgnored() && File.Exists("/usr/bin/perl"))
        {
            // A process started with SIGINT ignored (a background job of a non-interactive shell) passes that on,
            // and the .NET runtime then leaves Ctrl+C ignored too: give the build the default back, then exec it.
            start.FileName = "/usr/bin/perl";
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add("$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec: $!\"");
            start.ArgumentList.Add(program);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        // The test host's own MSBuild/SDK settings must not leak into the child build.
        foreach (var name in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "VSTEST_HOST_DEBUG" })
            start.Environment.Remove(name);
        if (packages is not null) start.Environment["NUGET_PACKAGES"] = packages;
        // An installed tool's command finds the runtime through DOTNET_ROOT first: the one running these tests.
        if (program != Host && Path.IsPathRooted(Host)) start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Host);
        var child = new DotnetProcess(new Process { StartInfo = start });
        child.Process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child.Process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        child.Process.Start();
        child.Process.StandardInput.Close();
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        return child;
    }

    /// <summary>True when this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), which its children inherit.</summary>
    static bool SigintIgnored()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return false;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var mask)
            && (mask & 0x2) != 0;
    }

    /// <summary>The dotnet host running these tests (DOTNET_HOST_PATH), else dotnet on PATH.</summary>
    public static string Host =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    public static DotnetResult Run(string workingDirectory, TimeSpan limit, IEnumerable<string> arguments,
                                   string? packages = null, string? program = null)
    {
        using var child = Start(workingDirectory, arguments, packages, program);
        return child.Wait(limit);
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    public string OutputSoFar { get { lock (output) return output.ToString(); } }

    public DotnetResult Wait(TimeSpan limit)
    {
        if (!Process.WaitForExit(limit))
        {
            try { Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            Process.WaitForExit();
            Assert.Fail($"dotnet {string.Join(" ", Process.StartInfo.ArgumentList)} did not finish within {limit.TotalSeconds} s:\n{OutputSoFar}");
        }
        Process.WaitForExit(); // let the output readers finish
        return new DotnetResult(Process.ExitCode, OutputSoFar, clock.Elapsed);
    }

    public void Dispose()
    {
        try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Process.Dispose();
    }
}

using System.Diagnostics;
using System.Text;

namespace Bomax.Cli.Tests;

/// <summary>What a finished <c>bomax</c> process left: its exit code and both streams.</summary>
internal sealed record BomaxResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    /// <summary>The decision as <c>run</c> and <c>report</c> print it: the pick, its estimate, its held-out check and the runners-up.</summary>
    public string[] DecisionLines =>
        Stdout.Split('\n')
            .Where(l => l.StartsWith("selected:") || l.Contains("estimated average") || l.Contains("held-out check:") || l.Contains("runner-up"))
            .ToArray();
}

/// <summary>
/// The real <c>bomax</c> (the bomax.dll copied next to the tests) as a child process: arguments as an
/// argument list, never through a shell; stdin closed; <c>CI=true</c> so progress is plain lines.
/// Disposing kills what is still running, children included.
/// </summary>
internal sealed class BomaxProcess : IDisposable
{
    readonly Task<string> stdout, stderr;
    public Process Process { get; }
    public int Id => Process.Id;

    BomaxProcess(Process process)
    {
        Process = process;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <param name="environment">Changes to the child's environment (set or remove variables).</param>
    public static BomaxProcess Start(string workingDirectory, IEnumerable<string> arguments, Action<IDictionary<string, string?>>? environment = null)
    {
        string bomax = Path.Combine(AppContext.BaseDirectory, "bomax.dll");
        Assert.True(File.Exists(bomax), $"{bomax} is missing: the test project references Bomax.Cli, whose output is copied here");
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(bomax);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["CI"] = "true";
        environment?.Invoke(start.Environment);
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return new BomaxProcess(process);
    }

    /// <summary>Starts bomax and waits for it, failing the test when it runs past <paramref name="limit"/>.</summary>
    public static BomaxResult Run(string workingDirectory, TimeSpan limit, IEnumerable<string> arguments,
        Action<IDictionary<string, string?>>? environment = null)
    {
        using var child = Start(workingDirectory, arguments, environment);
        return child.Wait(limit);
    }

    public BomaxResult Wait(TimeSpan limit)
    {
        if (!Process.WaitForExit(limit))
        {
            try { Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            Process.WaitForExit();
            Assert.Fail($"bomax did not finish within {limit.TotalSeconds} s:\n{stdout.Result}\n{stderr.Result}");
        }
        Process.WaitForExit(); // let the output readers finish
        return new BomaxResult(Process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Process.Dispose();
    }
}

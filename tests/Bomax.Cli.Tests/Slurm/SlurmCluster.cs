using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Bomax.Cli.Tests.Action;

namespace Bomax.Cli.Tests.Slurm;

/// <summary>What a finished command left: its exit code and both streams.</summary>
internal sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// The single-node Slurm cluster of <c>tests/slurm/start-cluster.sh</c>, started once for the Slurm tests
/// (or reused when it is already up) and stopped afterwards when this fixture started it. Where it cannot
/// be had (not root, Slurm not installed, the script failed) <see cref="SkipReason"/> says exactly why, and
/// every test skips with it.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);

    /// <summary>Why the tests cannot run here, or null when the cluster is up.</summary>
    public string? SkipReason { get; }

    /// <summary>The cluster's folder: its slurm.conf, the daemons' logs, their state.</summary>
    public string Folder { get; } = Environment.GetEnvironmentVariable("BOMAX_SLURM_DIR") is { Length: > 0 } d
        ? d
        : Path.Combine(Path.GetTempPath(), "bomax-slurm");

    public string Conf => Path.Combine(Folder, "slurm.conf");
    public static string SourceRoot => ActionHarness.SourceRoot;
    static string Scripts => Path.Combine(SourceRoot, "tests", "slurm");

    readonly bool startedHere;

    public SlurmCluster()
    {
        SkipReason = Unavailable();
        if (SkipReason is not null) return;
        var start = Run("bash", [Path.Combine(Scripts, "start-cluster.sh")], SourceRoot, StartLimit, ClusterEnvironment);
        if (start.ExitCode != 0)
        {
            SkipReason = $"tests/slurm/start-cluster.sh could not start a Slurm cluster (exit {start.ExitCode}); it said:\n{Tail(start.Stderr, 40)}";
            return;
        }
        if (!start.Stdout.Contains($"SLURM_CONF={Conf}"))
        {
            SkipReason = $"tests/slurm/start-cluster.sh printed no SLURM_CONF={Conf}:\n{start}";
            return;
        }
        startedHere = !start.Stderr.Contains("reusing the cluster");
        // Jobs an earlier run of these tests left behind (e.g. a step a killed srun could not cancel) would hold the node's CPUs.
        CancelJobs("bomax-test-");
    }

    /// <summary>Why this machine cannot run the cluster at all, before trying.</summary>
    static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "the Slurm tests run on Linux only";
        if (EffectiveUid() is not 0 and var uid)
            return $"the Slurm tests start their own slurmctld and slurmd, which needs root; this test runs as uid {uid?.ToString() ?? "(unknown)"}";
        foreach (var tool in new[] { "sinfo", "srun", "sbatch", "squeue", "scancel", "slurmctld", "slurmd", "munged" })
            if (FindOnPath(tool) is null) return $"{tool} is not on PATH (apt-get install -y slurm-wlm munge): no Slurm cluster to test against";
        if (FindOnPath("python3") is null) return "python3 is not on PATH: samples/slurm/eval-array.sbatch reads bomax suggest's JSON with it";
        return null;
    }

    static int? EffectiveUid()
    {
        // /proc/self/status: "Uid:	real	effective	saved	filesystem"
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 2 } && int.TryParse(fields[2], out var uid) ? uid : null;
    }

    static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Throws the skip for the running test when the cluster is not up.</summary>
    public void SkipUnlessUp()
    {
        if (SkipReason is not null) throw Skip.Because(SkipReason);
    }

    /// <summary>SLURM_CONF for this cluster (the folder too, for the scripts).</summary>
    public void ClusterEnvironment(IDictionary<string, string?> environment)
    {
        environment["SLURM_CONF"] = Conf;
        environment["BOMAX_SLURM_DIR"] = Folder;
    }

    /// <summary>Runs a Slurm client command against this cluster.</summary>
    internal CommandResult Slurm(string tool, params string[] arguments) =>
        Run(tool, arguments, Folder, TimeSpan.FromSeconds(30), ClusterEnvironment);

    /// <summary>The jobs and steps (squeue --steps) whose name starts with <paramref name="prefix"/>: "id name state" lines.</summary>
    public IReadOnlyList<string> JobsAndSteps(string prefix)
    {
        var jobs = Slurm("squeue", "--noheader", "--format=%i %j %T");
        var steps = Slurm("squeue", "--steps", "--noheader", "--format=%i %j");
        Assert.True(jobs.ExitCode == 0 && steps.ExitCode == 0, $"squeue failed:\n{jobs}\n{steps}");
        return (jobs.Stdout + "\n" + steps.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Split(' ') is [_, var name, ..] && name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Cancels the jobs whose name starts with <paramref name="prefix"/> and waits (bounded) until they are gone.</summary>
    public void CancelJobs(string prefix)
    {
        var names = JobsAndSteps(prefix).Select(l => l.Split(' ')[1]).Distinct().ToList();
        foreach (var name in names) Slurm("scancel", $"--name={name}");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (names.Count > 0 && JobsAndSteps(prefix).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(500);
    }

    /// <summary>The last lines of one of the daemons' logs (munged, slurmctld, slurmd), for a failure's message.</summary>
    public string Log(string daemon, int lines = 30)
    {
        var path = Path.Combine(Folder, daemon + ".log");
        return File.Exists(path) ? $"--- {path} ---\n{Tail(File.ReadAllText(path), lines)}" : $"(no {path})";
    }

    public void Dispose()
    {
        if (!startedHere) return;
        var stop = Run("bash", [Path.Combine(Scripts, "stop-cluster.sh")], SourceRoot, TimeSpan.FromSeconds(60), ClusterEnvironment);
        if (stop.ExitCode != 0) Console.Error.WriteLine($"tests/slurm/stop-cluster.sh: {stop}");
    }

    /// <summary>Runs a command (no shell) and waits for it, killing its process tree when it runs past <paramref name="limit"/>.</summary>
    internal static CommandResult Run(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan limit,
        Action<IDictionary<string, string?>>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        environment?.Invoke(start.Environment);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit();
            return new CommandResult(124, stdout.Result, stderr.Result + $"\n({file} did not finish within {limit.TotalSeconds} s and was killed)");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Tail(string text, int lines)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>The job ids of <c>slurmd.log</c>'s "launch task StepId=J.S" lines: the steps slurmd launched.</summary>
    public IReadOnlySet<string> LaunchedSteps() =>
        Regex.Matches(File.ReadAllText(Path.Combine(Folder, "slurmd.log")), @"launch task StepId=(\d+\.\d+)")
            .Select(m => m.Groups[1].Value)
            .ToHashSet();
}

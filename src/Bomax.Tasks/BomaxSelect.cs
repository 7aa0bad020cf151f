using System.ComponentModel;
using Microsoft.Build.Framework;

namespace Bomax.Tasks;

/// <summary>
/// Runs a study with the bomax engine as a child process (<c>dotnet bomax.dll run SPEC --messages json
/// --result FILE</c>) and hands its pick to MSBuild. A thin shell: the arguments, the message mapping
/// and the exit-code mapping are pure (<see cref="BomaxArguments"/>, <see cref="BuildLog"/>); this class
/// starts the process, applies the log entries, and on cancellation (Ctrl+C in <c>dotnet build</c>)
/// interrupts bomax (SIGTERM, handled like Ctrl+C) and waits for it, so the journal keeps what finished.
/// </summary>
public sealed class BomaxSelect : PickOutputs, ICancelableTask
{
    /// <summary>Bomax: bomax.dll (in the package, tools/bomax/bomax.dll).</summary>
    [Required] public string ToolPath { get; set; } = "";
    /// <summary>The study spec (bomax.yml).</summary>
    [Required] public string Spec { get; set; } = "";
    /// <summary>Where bomax writes the result (JSON) when it selects a checkpoint.</summary>
    [Required] public string ResultPath { get; set; } = "";
    /// <summary>Overrides budget.max-evals: a count (40) or a percentage of the grid (5%); empty: the spec's.</summary>
    public string Budget { get; set; } = "";
    /// <summary>Overrides engine.device: auto, cpu or cuda; empty: the spec's.</summary>
    public string Device { get; set; } = "";
    /// <summary>Post or update the sticky pull-request comment (--comment upsert); otherwise --comment off.</summary>
    public bool Comment { get; set; }
    /// <summary>Directory for report.md and report.html; empty: beside the journal.</summary>
    public string ReportDirectory { get; set; } = "";
    /// <summary>The dotnet host that runs bomax.dll; empty: DOTNET_HOST_PATH (set by the .NET SDK), else dotnet on PATH.</summary>
    public string DotnetHost { get; set; } = "";
    /// <summary>The user's project (<c>$(MSBuildProjectFullPath)</c>), where an error about a property it sets is reported; empty: the
    /// file of the task node, which is the package's Bomax.Ci.targets, not the project (<c>ProjectFileOfTaskNode</c> names that).</summary>
    public string ProjectFile { get; set; } = "";
    /// <summary>After cancelling, how long bomax may take to stop cleanly before it is killed.</summary>
    public int CancelGraceSeconds { get; set; } = 30;


    readonly object gate = new();
    BomaxChildProcess? engine;
    bool cancelled;

    public override bool Execute()
    {
        if (!File.Exists(ToolPath))
            return Report(new LogEntry(LogLevel.Error, $"the bomax engine was not found at '{ToolPath}' (set BomaxToolPath to a built bomax.dll, "
                + $"or restore the Bomax.Ci package)", ErrorCodes.BomaxNotStarted));
        var arguments = BomaxArguments.For(new BomaxRunOptions(Path.GetFullPath(ToolPath), Path.GetFullPath(Spec), Path.GetFullPath(ResultPath),
            Budget, Device, Comment, ReportDirectory.Length > 0 ? Path.GetFullPath(ReportDirectory) : ""));
        string host = Host();
        Log.LogMessage(MessageImportance.Low, "Bomax: {0} {1}", host, string.Join(" ", arguments));
        lock (gate)
        {
            if (cancelled) return Report(BuildLog.ForExit(ExitCodes.Interrupted, false, false, true, []));
            try
            {
                engine = BomaxChildProcess.Start(host, arguments, Path.GetDirectoryName(Path.GetFullPath(Spec))!);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
            {
                return Report(new LogEntry(LogLevel.Error, $"could not start '{host}' to run the bomax engine: {e.Message}",
                    ErrorCodes.BomaxNotStarted));
            }
        }
        using (var running = engine)
        {
            StudyResult? result = null;
            bool errorLogged = false;
            var stderrTail = new Queue<string>();
            foreach (var line in running.Lines())
            {
                if (line.IsStderr)
                {
                    stderrTail.Enqueue(line.Text);
                    if (stderrTail.Count > 5) stderrTail.Dequeue();
                    Apply(BuildLog.ForStderr(line.Text));
                    continue;
                }
                var message = BomaxMessage.Parse(line.Text);
                if (message is BomaxMessage.Result r) result = r.Study;
                var entry = BuildLog.ForMessage(message, ProjectFile.Length > 0 ? ProjectFile : BuildEngine?.ProjectFileOfTaskNode ?? "");
                if (cancelled && entry.Code == ErrorCodes.Interrupted) entry = entry with { Text = "the build was cancelled: " + entry.Text };
                errorLogged |= entry.Level == LogLevel.Error;
                Apply(entry);
            }
            int exitCode = running.WaitForExit();
            lock (gate) engine = null; // a late Cancel has nothing left to interrupt
            Log.LogMessage(MessageImportance.Low, "Bomax: the engine exited with code {0}", exitCode);
            Report(BuildLog.ForExit(exitCode, errorLogged, result is not null, cancelled, stderrTail.ToList()));
            if (exitCode == 0 && result is not null)
            {
                Publish(result);
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Called by MSBuild on Ctrl+C: interrupt bomax (SIGTERM), then let Execute wait for it to stop.</summary>
    public void Cancel()
    {
        lock (gate)
        {
            cancelled = true;
            engine?.Interrupt(TimeSpan.FromSeconds(Math.Max(1, CancelGraceSeconds)));
        }
    }

    string Host() =>
        DotnetHost.Length > 0 ? DotnetHost
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path
        : "dotnet";

    bool Report(LogEntry? entry)
    {
        if (entry is not null) Apply(entry);
        return !Log.HasLoggedErrors;
    }

    void Apply(LogEntry entry) => TaskLog.Apply(Log, entry);
}

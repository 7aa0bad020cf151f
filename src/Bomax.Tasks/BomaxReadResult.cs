using Microsoft.Build.Framework;

namespace Bomax.Tasks;

/// <summary>
/// Reads the result file of the last select, without bomax: the journal it came from (an input of
/// the next select) and the pick (the properties the targets set when the study is up to date).
/// </summary>
public sealed class BomaxReadResult : PickOutputs
{
    [Required] public string ResultPath { get; set; } = "";
    /// <summary>Log the pick as "up to date" at high importance (the study was not run in this build).</summary>
    public bool ReportUpToDate { get; set; }
    /// <summary>A missing or unreadable file is an error (after a select); otherwise the outputs stay empty.</summary>
    public bool Required { get; set; }
    /// <summary>The user's project (<c>$(MSBuildProjectFullPath)</c>): the up-to-date pick is logged as its output line.</summary>
    public string ProjectFile { get; set; } = "";

    [Output] public string JournalPath { get; private set; } = "";
    [Output] public string SpecPath { get; private set; } = "";

    public override bool Execute()
    {
        if (!File.Exists(ResultPath) && !Required) return true;
        var (result, error) = StudyResult.ReadFile(ResultPath);
        if (result is null)
        {
            if (Required) TaskLog.Apply(Log, new LogEntry(LogLevel.Error, error!, ErrorCodes.ResultUnreadable, ResultPath));
            else Log.LogMessage(MessageImportance.Low, "Bomax: ignoring the last result: {0}", error);
            return !Log.HasLoggedErrors;
        }
        Publish(result);
        JournalPath = result.Journal;
        SpecPath = result.Spec;
        if (ReportUpToDate)
            TaskLog.Apply(Log, BuildLog.Pick(ProjectFile,
                $"up to date (the spec and the journal have not changed since the last select): {result.Describe()}"));
        return !Log.HasLoggedErrors;
    }
}

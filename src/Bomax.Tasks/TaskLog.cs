using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Bomax.Tasks;

/// <summary>Writes a <see cref="LogEntry"/> to MSBuild: warnings and errors with their code, file, line and column
/// (clickable in IDEs and build logs).</summary>
internal static class TaskLog
{
    public static void Apply(TaskLoggingHelper log, LogEntry entry)
    {
        switch (entry.Level)
        {
            case LogLevel.Detail: log.LogMessage(MessageImportance.Low, "{0}", entry.Text); break;
            case LogLevel.Progress: log.LogMessage(MessageImportance.Normal, "{0}", entry.Text); break;
            case LogLevel.Pick: log.LogMessage(MessageImportance.High, "{0}", entry.Text); break;
            case LogLevel.Warning:
                log.LogWarning(null, entry.Code, null, entry.File, entry.Line, entry.Column, 0, 0, "{0}", entry.Text);
                break;
            default:
                log.LogError(null, entry.Code, null, entry.File, entry.Line, entry.Column, 0, 0, "{0}", entry.Text);
                break;
        }
    }
}

using System.Collections;
using Microsoft.Build.Framework;

namespace Bomax.Tasks.Tests;

/// <summary>A build engine that keeps what a task logs, in order, as one line each: "error BMX1001 file(8,12): text".</summary>
internal sealed class RecordingBuildEngine : IBuildEngine
{
    public List<string> Log { get; } = [];

    public void LogErrorEvent(BuildErrorEventArgs e) => Add($"error {e.Code} {Where(e.File, e.LineNumber, e.ColumnNumber)}{e.Message}");
    public void LogWarningEvent(BuildWarningEventArgs e) => Add($"warning {e.Code} {Where(e.File, e.LineNumber, e.ColumnNumber)}{e.Message}");
    public void LogMessageEvent(BuildMessageEventArgs e) => Add($"message {e.Importance.ToString().ToLowerInvariant()}: {e.Message}");
    public void LogCustomEvent(CustomBuildEventArgs e) => Add($"custom: {e.Message}");

    static string Where(string? file, int line, int column) => string.IsNullOrEmpty(file) ? "" : $"{file}({line},{column}): ";

    void Add(string line) { lock (Log) Log.Add(line); }

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    /// <summary>Empty, so an entry without a file of its own shows none (MSBuild would show the project).</summary>
    public string ProjectFileOfTaskNode => "";
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException();
}

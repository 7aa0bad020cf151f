namespace Bomax.Tasks;

/// <summary>How loudly an entry goes to the build log.</summary>
internal enum LogLevel
{
    /// <summary>Low importance: shown at detailed verbosity (bomax's stderr, unknown lines).</summary>
    Detail,
    /// <summary>Normal importance: rounds, resuming, the study's size.</summary>
    Progress,
    /// <summary>High importance: the pick, shown at the default verbosity.</summary>
    Pick,
    Warning,
    Error,
}

/// <summary>One entry of the build log: its level, its text, and for warnings and errors a code and where it points.</summary>
internal sealed record LogEntry(LogLevel Level, string Text, string? Code = null, string? File = null, int Line = 0, int Column = 0);

/// <summary>
/// What the build log says about bomax: a pure mapping from its JSON-lines messages, its stderr and
/// its exit code to log entries with stable codes (<see cref="ErrorCodes"/>). The task only applies them.
/// </summary>
internal static class BuildLog
{
    const string Prefix = "Bomax: ";

    /// <param name="projectFile">The user's project that ran the task: where an error about an MSBuild property is reported, since the
    /// user set the property there (or on its command line), not in the package's targets.</param>
    public static LogEntry ForMessage(BomaxMessage message, string projectFile = "") => message switch
    {
        BomaxMessage.Progress p => new(LogLevel.Progress, Prefix + p.Message),
        BomaxMessage.Info i => new(LogLevel.Progress, Prefix + i.Message),
        BomaxMessage.Warning w => new(LogLevel.Warning, w.Message, ErrorCodes.BomaxWarning),
        BomaxMessage.SpecError e => new(LogLevel.Error, e.Field.Length > 0 ? $"{e.Field}: {e.Message}" : e.Message,
            ErrorCodes.SpecError, e.File, e.Line, e.Column),
        BomaxMessage.Error { Option.Length: > 0 } e when BomaxArguments.PropertyOf(e.Option) is { } property =>
            new(LogLevel.Error, AboutProperty(e.Message, e.Option, property), CodeFor(e.Reason), projectFile.Length > 0 ? projectFile : null),
        BomaxMessage.Error e => new(LogLevel.Error, e.Message, CodeFor(e.Reason)),
        BomaxMessage.Result r => Pick(projectFile, r.Study.Describe()),
        BomaxMessage.Other o => new(LogLevel.Detail, o.Line),
        BomaxMessage.Text t => new(LogLevel.Detail, t.Line),
        _ => throw new ArgumentOutOfRangeException(nameof(message)),
    };

    /// <summary>"--budget 'lots' is not a budget" as "BomaxBudget 'lots' is not a budget": the message begins with the option's
    /// name (the protocol says so); one that does not gets the property in front.</summary>
    static string AboutProperty(string message, string option, string property) =>
        message.StartsWith(option + " ", StringComparison.Ordinal) ? property + message[option.Length..] : $"{property}: {message}";

    /// <summary>
    /// The pick, as the project's output line "MyProject -> Bomax: selected …": .NET's terminal logger shows no message below
    /// <c>-v:d</c>, but it does show a high-importance line that begins with the project's name and " -> " as the project's output
    /// ("MyProject succeeded (3.1s) → Bomax: selected …"), and the console logger prints it as builds print "Foo -> bin/Foo.dll".
    /// Without the project (a task run outside a project) the line begins with "Bomax: ".
    /// </summary>
    public static LogEntry Pick(string projectFile, string text)
    {
        string project = projectFile.Length > 0 ? Path.GetFileNameWithoutExtension(projectFile) : "";
        return new(LogLevel.Pick, project.Length > 0 ? $"{project} -> {Prefix}{text}" : Prefix + text);
    }

    /// <summary>A line of bomax's stderr: the human text, already said by the messages, so detail only.</summary>
    public static LogEntry ForStderr(string line) => new(LogLevel.Detail, line);

    /// <summary>The code of an <c>error</c> message's reason, which is also the code of its exit code.</summary>
    public static string CodeFor(string reason) => reason switch
    {
        _ => ErrorReasons.ExitCodeOf(reason) is { } exitCode ? CodeFor(exitCode) : ErrorCodes.BomaxFailed,
    };

    /// <summary>The code of a failing exit code (<see cref="ExitCodes"/>).</summary>
    static string CodeFor(int exitCode) => exitCode switch
    {
        ExitCodes.UsageError => ErrorCodes.Usage,
        ExitCodes.EvaluationsFailing => ErrorCodes.EvaluationsFailing,
        ExitCodes.Interrupted => ErrorCodes.Interrupted,
        _ => ErrorCodes.BomaxFailed,
    };

    /// <summary>
    /// The error the exit code calls for when the messages did not already say it: exit 2, 3 and 130 each
    /// have their code; success without a result, and any other exit, are <see cref="ErrorCodes.BomaxFailed"/>.
    /// <paramref name="stderrTail"/> (the last lines of stderr) goes into the message so the log shows why.
    /// </summary>
    public static LogEntry? ForExit(int exitCode, bool errorLogged, bool resultSeen, bool cancelled, IReadOnlyList<string> stderrTail)
    {
        string tail = stderrTail.Count == 0 ? "" : ": " + string.Join(" | ", stderrTail);
        if (exitCode == 0)
            return resultSeen ? null : new(LogLevel.Error, $"bomax exited without reporting a result{tail}", ErrorCodes.BomaxFailed);
        if (errorLogged) return null;
        return exitCode switch
        {
            ExitCodes.UsageError => new(LogLevel.Error, $"bomax rejected its input; nothing was evaluated{tail}", ErrorCodes.Usage),
            ExitCodes.EvaluationsFailing =>
                new(LogLevel.Error, $"evaluations are failing; no checkpoint was selected{tail}", ErrorCodes.EvaluationsFailing),
            ExitCodes.Interrupted => new(LogLevel.Error, $"interrupted{(cancelled ? " (the build was cancelled)" : "")}; "
                + $"the journal keeps every finished evaluation and the next build resumes{tail}", ErrorCodes.Interrupted),
            _ => new(LogLevel.Error, $"bomax exited with code {exitCode}{tail}", ErrorCodes.BomaxFailed),
        };
    }
}

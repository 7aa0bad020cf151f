using System.Text;

namespace Bomax.Cli.GitHub;

/// <summary>
/// The one place text leaves the process on stdout and stderr (installed over <see cref="Console.Out"/> and
/// <see cref="Console.Error"/> by <see cref="Install"/>). Line by line, it:
/// <list type="bullet">
/// <item>removes credentials (<see cref="Redaction.Redact"/>), in every mode; only an <c>::add-mask::</c> line made by
/// <see cref="WorkflowCommands.AddMask"/> passes as written, since it must name the secret to hide it;</item>
/// <item>drops ANSI escape sequences and control characters other than tab;</item>
/// <item>under GitHub Actions, neutralises a line that the runner would read as a workflow command (it starts with
/// <c>::</c>, or holds a legacy <c>##[</c>) unless <see cref="WorkflowCommands"/> made exactly that line: a zero-width
/// space goes between the two characters, so the text still reads the same.</item>
/// </list>
/// A line ends at LF or CR (the progress line redraws with CR); what is left is written by <see cref="Flush"/>.
/// </summary>
internal sealed class OutputGuard : TextWriter
{
    const char ZeroWidthSpace = '\u200B';
    readonly TextWriter inner;
    readonly bool actions;
    readonly StringBuilder pending = new();

    public OutputGuard(TextWriter inner, bool actions)
    {
        this.inner = inner;
        this.actions = actions;
    }

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Puts a guard over stdout and stderr (thread-safe, flushed at exit) and registers GITHUB_TOKEN as a secret.</summary>
    public static void Install()
    {
        Redaction.Register(Environment.GetEnvironmentVariable("GITHUB_TOKEN"));
        var actions = Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true";
        var output = TextWriter.Synchronized(new OutputGuard(Console.Out, actions));
        var errorGuard = new OutputGuard(Console.Error, actions);
        var error = TextWriter.Synchronized(errorGuard);
        (installedError, installedErrorGuard) = (error, errorGuard);
        Console.SetOut(output);
        Console.SetError(error);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            output.Flush();
            error.Flush();
        };
    }

    static TextWriter? installedError;
    static OutputGuard? installedErrorGuard;

    /// <summary>
    /// Writes what the progress display composed (<see cref="Output.ProgressDisplay"/>: its own cursor and colour sequences around
    /// names it has already made plain with <see cref="PlainText"/>) to <paramref name="writer"/>: past the escape filter when that
    /// is the guarded stderr, credentials still removed; as it is to any other writer. The display is live only at a terminal
    /// outside CI, so no workflow command can be read from it.
    /// </summary>
    public static void WriteDisplay(TextWriter writer, string text)
    {
        if (ReferenceEquals(writer, installedError) && installedErrorGuard is { } guard)
        {
            lock (writer) guard.WriteRaw(Redaction.Redact(text)); // the lock TextWriter.Synchronized takes
        }
        else writer.Write(text);
    }

    void WriteRaw(string text)
    {
        EmitPending();
        inner.Write(text);
        inner.Flush();
    }

    /// <summary>Writes, guarded, what has come since the last line break.</summary>
    void EmitPending()
    {
        if (pending.Length == 0) return;
        Emit(pending.ToString());
        pending.Clear();
    }

    public override void Write(char value)
    {
        if (value is '\n' or '\r')
        {
            EmitPending(); // an empty line writes nothing before its break, as Emit does
            inner.Write(value);
            inner.Flush();
        }
        else pending.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var ch in value) Write(ch);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        for (var i = index; i < index + count; i++) Write(buffer[i]);
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write(CoreNewLine);
    }

    public override void Flush()
    {
        EmitPending();
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    void Emit(string line)
    {
        if (line.Length > 0) inner.Write(Guard(line, actions));
    }

    /// <summary>What the guard writes for one line (no line break in it).</summary>
    internal static string Guard(string line, bool actions)
    {
        if (WorkflowCommands.TakeMask(line)) return line;
        var issued = WorkflowCommands.TakeIssued(line);
        var text = Redaction.Redact(string.Join('\t', line.Split('\t').Select(PlainText.Line)));
        if (!actions || issued) return text;
        var start = text.Length - text.TrimStart().Length;
        if (text.AsSpan(start).StartsWith("::", StringComparison.Ordinal)) text = text[..(start + 1)] + ZeroWidthSpace + text[(start + 1)..];
        return text.Replace("##[", "##" + ZeroWidthSpace + "[", StringComparison.Ordinal);
    }
}

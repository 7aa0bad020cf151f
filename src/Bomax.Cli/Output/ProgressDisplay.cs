namespace Bomax.Cli.Output;

/// <summary>How the progress display looks on its writer: redrawn in place (a terminal) or plain lines, its width, colour.</summary>
internal sealed record DisplayLooks(bool Live, Func<int> Width, bool Color)
{
    public static DisplayLooks Plain { get; } = new(false, () => 80, false);

    /// <summary>
    /// Live on the process's own stderr when that is a terminal, not under CI (<c>CI=true</c>) and not a dumb terminal; plain
    /// lines otherwise. The width is the terminal's at each redraw (a resized window is followed), else <c>COLUMNS</c>, else 80.
    /// Colour unless <c>NO_COLOR</c> is set to anything (no-color.org).
    /// </summary>
    public static DisplayLooks Of(TextWriter writer)
    {
        bool live = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected
            && Environment.GetEnvironmentVariable("CI") is not ("true" or "1")
            && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        bool color = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return live ? new DisplayLooks(true, TerminalWidth, color) : Plain;
    }

    static int TerminalWidth()
    {
        try
        {
            if (Console.WindowWidth is > 0 and var width) return width;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException) { }
        return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0 ? columns : 80;
    }
}

/// <summary>
/// The progress display on stderr. On a terminal: a status block (<see cref="StatusLines"/>: a bar, the time elapsed and left,
/// the pick, the running pairs) redrawn in place, the time moving on every second between rounds, and the lines that stay
/// (<see cref="Info"/>, <see cref="Warn"/>) printed above it. Otherwise: plain lines, each stamped with the UTC time
/// (<c>14:03:07Z</c>). With <c>--messages json</c> every status and line is also sent there. Thread-safe. Its cursor and colour
/// sequences pass the output guard (<see cref="GitHub.OutputGuard.WriteDisplay"/>) because every name in them is made plain first.
/// Spectre.Console's live display was the alternative; it was refused because lines written above a live region that are
/// wider than the terminal corrupt it (spectre.console #415, #1146: the fix was reverted) and concurrent writes can deadlock
/// its refresh (#435); this run writes failure messages with paths from several evaluations at once.
/// </summary>
internal sealed class ProgressDisplay : IDisposable
{
    const string Esc = "\u001b[";
    readonly TextWriter writer;
    readonly JsonMessages? messages;
    readonly TimeProvider time;
    readonly DisplayLooks looks;
    readonly object gate = new();
    readonly ITimer? ticker;
    int drawn;                        // lines of the status block on the screen now
    Func<IReadOnlyList<string>>? block; // how to draw the block again (the last status, as time moves on)

    public ProgressDisplay(TextWriter writer, JsonMessages? messages = null, TimeProvider? time = null, DisplayLooks? looks = null)
    {
        this.writer = writer;
        this.messages = messages;
        this.time = time ?? TimeProvider.System;
        this.looks = looks ?? DisplayLooks.Of(writer);
        if (this.looks.Live) ticker = this.time.CreateTimer(_ => Redraw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>A run's status after a round was planned.</summary>
    public void Report(RunStatus status)
    {
        messages?.Progress(status.Line());
        var reportedAt = time.GetUtcNow();
        Show(status.Line, () => StatusLines.Render(status, status.Elapsed + (time.GetUtcNow() - reportedAt), looks.Width(), looks.Color));
    }

    /// <summary>A free-form status (the replay's): one line, fitted to the terminal.</summary>
    public void Report(string message)
    {
        messages?.Progress(message);
        Show(() => message, () => [StatusLines.Fit(message, Math.Max(20, looks.Width() - 1))]);
    }

    /// <summary>A line that stays: printed above the live status on a terminal, as a plain line otherwise.</summary>
    public void Info(string message)
    {
        messages?.Info(message);
        Line(message);
    }

    public void Warn(string message)
    {
        messages?.Warning(message);
        Line("warning: " + message);
    }

    /// <summary>Takes the status block off the screen (the run's last word follows it).</summary>
    public void Done()
    {
        lock (gate)
        {
            block = null;
            Erase();
            writer.Flush();
        }
    }

    public void Dispose()
    {
        ticker?.Dispose();
        Done();
    }

    void Show(Func<string> line, Func<IReadOnlyList<string>> lines)
    {
        lock (gate)
        {
            if (looks.Live)
            {
                block = lines;
                Erase();
                Draw();
            }
            else writer.WriteLine($"{Stamp()} {line()}");
            writer.Flush();
        }
    }

    void Line(string message)
    {
        lock (gate)
        {
            if (looks.Live)
            {
                Erase();
                writer.WriteLine(message); // guarded as every line is
                Draw();
            }
            else writer.WriteLine($"{Stamp()} {message}");
            writer.Flush();
        }
    }

    void Redraw()
    {
        lock (gate)
        {
            if (block is null) return;
            Erase();
            Draw();
            writer.Flush();
        }
    }

    /// <summary>The block, from the start of the current line, without a newline after its last line (the cursor stays on it).</summary>
    void Draw()
    {
        if (block is null) return;
        var lines = block();
        GitHub.OutputGuard.WriteDisplay(writer, string.Join("\n", lines));
        drawn = lines.Count;
    }

    /// <summary>Clears the block's lines, bottom up, leaving the cursor at the start of its first line.</summary>
    void Erase()
    {
        if (drawn == 0) return;
        GitHub.OutputGuard.WriteDisplay(writer, "\r" + Esc + "2K" + string.Concat(Enumerable.Repeat(Esc + "1A" + Esc + "2K", drawn - 1)));
        drawn = 0;
    }

    string Stamp() => time.GetUtcNow().ToString("HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

namespace Bomax.Cli.Output;

/// <summary>
/// A progress display on stderr: one line rewritten in place on a terminal; plain timestamped lines
/// when stderr is redirected or CI=true. With <paramref name="messages"/> (<c>--messages json</c>) each
/// line is also sent there as a <c>progress</c>, <c>info</c> or <c>warning</c> message. Thread-safe.
/// </summary>
internal sealed class ProgressLine(TextWriter writer, JsonMessages? messages = null)
{
    readonly bool interactive = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is not ("true" or "1");
    readonly object gate = new();
    int width;

    public void Report(string message)
    {
        messages?.Progress(message);
        lock (gate)
        {
            if (interactive)
            {
                var text = message.Length > 119 ? message[..119] : message;
                writer.Write("\r" + text.PadRight(width));
                width = text.Length;
            }
            else writer.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}");
            writer.Flush();
        }
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

    void Line(string message)
    {
        lock (gate)
        {
            if (interactive && width > 0) { writer.Write("\r" + new string(' ', width) + "\r"); width = 0; }
            writer.WriteLine(interactive ? message : $"{DateTime.UtcNow:HH:mm:ss} {message}");
            writer.Flush();
        }
    }

    public void Done()
    {
        lock (gate) { if (interactive && width > 0) { writer.Write("\r" + new string(' ', width) + "\r"); width = 0; } }
    }
}

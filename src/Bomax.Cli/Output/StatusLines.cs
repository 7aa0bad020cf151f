using System.Text;
using Bomax.Cli.GitHub;
using Bomax.Cli.Study;

namespace Bomax.Cli.Output;

/// <summary>
/// The two lines a terminal shows while a run works, fitted to its width: a bar of the evaluations spent of the budget with the
/// round, the time elapsed and an estimate of what is left; then the current pick with its P(best) and expected shortfall, and
/// the pairs being evaluated. No line is wider than the terminal less one column (a line that fills the last column makes some
/// terminals wrap, and the redraw would leave a trail). Colour marks the bar and the pick unless <c>NO_COLOR</c> is set. Names
/// are made plain (<see cref="PlainText"/>): the lines go to the terminal past the output guard's escape filter.
/// </summary>
internal static class StatusLines
{
    const int WidestBar = 30, NarrowestBar = 8;
    const string Esc = "\u001b[";

    public static IReadOnlyList<string> Render(RunStatus status, TimeSpan elapsed, int width, bool color)
    {
        int room = Math.Max(20, width - 1);
        string counts = $" {status.Done}/{status.Budget} evaluations";
        string times = $" · round {status.Round} · {Durations.Human(Math.Round(elapsed.TotalSeconds))}"
            + (status.Remaining(elapsed) is { } left ? $" · about {Durations.Human(Math.Max(1, left.TotalSeconds))} left" : "");
        int barWidth = Math.Clamp(room - counts.Length - times.Length - 2, NarrowestBar, WidestBar);
        double share = status.Budget > 0 ? Math.Clamp((double)status.Done / status.Budget, 0, 1) : 0;
        int filled = (int)Math.Round(share * barWidth);
        string bar = new string('█', filled) + new string('░', barWidth - filled);
        string first = Fit("[" + bar + "]" + counts + times, room);

        var pick = status.Pick is { } p
            ? $"pick {PlainText.Line(p.Name)} · P(best) {p.ProbabilityBest:0.00}{p.Tails(" · ")} · shortfall {100 * p.RelativeShortfall:0.00}%"
            : "initial design";
        string running = status.Running.Count == 0
            ? ""
            : $" · running {status.Running.Count}: {string.Join(", ", status.Running.Select(PlainText.Line))}";
        string elsewhere = status.Elsewhere > 0 ? $" (+{status.Elsewhere} elsewhere)" : "";
        string second = Fit(pick + running + elsewhere, room);
        if (!color) return [first, second];
        return [Colour(first, "[" + bar + "]", "32"), status.Pick is { } named ? Colour(second, PlainText.Line(named.Name), "1") : second];
    }

    /// <summary><paramref name="text"/> cut to <paramref name="room"/> characters, with an ellipsis where it was cut.</summary>
    public static string Fit(string text, int room)
    {
        var runes = text.EnumerateRunes().ToList();
        if (runes.Count <= room) return text;
        var cut = new StringBuilder();
        foreach (var rune in runes.Take(Math.Max(0, room - 1))) cut.Append(rune.ToString());
        return cut.Append('…').ToString();
    }

    /// <summary>The first whole <paramref name="part"/> of <paramref name="line"/> in an SGR colour (a part the fit cut stays plain).</summary>
    static string Colour(string line, string part, string sgr)
    {
        int at = line.IndexOf(part, StringComparison.Ordinal);
        return at < 0 ? line : line[..at] + Esc + sgr + "m" + part + Esc + "0m" + line[(at + part.Length)..];
    }

    /// <summary>How many columns <paramref name="line"/> takes on a terminal: its characters without the SGR colour sequences.</summary>
    public static int VisibleWidth(string line)
    {
        int width = 0;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '\u001b')
            {
                while (i < line.Length && line[i] != 'm') i++;
                continue;
            }
            if (!char.IsLowSurrogate(line[i])) width++;
        }
        return width;
    }
}

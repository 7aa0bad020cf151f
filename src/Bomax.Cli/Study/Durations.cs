using System.Globalization;
using System.Text.RegularExpressions;

namespace Bomax.Cli.Study;

/// <summary>
/// Durations as written in a spec: a number of seconds (<c>45</c>, <c>2.5</c>), or numbers with units
/// d, h, m, s, largest unit first and each at most once (<c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1h30m</c>,
/// <c>1.5h</c>, <c>1d12h</c>).
/// </summary>
internal static partial class Durations
{
    public const string Format = "a number of seconds like 45, or a duration like 90s, 30m, 2h, 1h30m or 1.5h";

    private static readonly (char Unit, double Seconds)[] Units = [('d', 86400), ('h', 3600), ('m', 60), ('s', 1)];

    [GeneratedRegex(@"\G(?<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?<unit>[a-zA-Z]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    /// <summary>Parses <paramref name="text"/>; on failure, <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string error)
    {
        value = default;
        error = "";
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            error = $"empty duration: expected {Format}";
            return false;
        }
        if (trimmed.StartsWith('-'))
        {
            error = $"'{text}' is negative: a duration must not be negative";
            return false;
        }

        double seconds = 0;
        int position = 0;
        int lastUnit = -1;
        while (position < trimmed.Length)
        {
            var match = Part().Match(trimmed, position);
            if (!match.Success)
            {
                error = $"'{text}' is not a duration: expected {Format}";
                return false;
            }
            double number = double.Parse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            string unit = match.Groups["unit"].Value;
            if (unit.Length == 0)
            {
                // A bare number is a count of seconds, and only on its own.
                if (position != 0 || match.Length != trimmed.Length)
                {
                    error = $"'{text}' is not a duration: expected {Format}";
                    return false;
                }
                seconds = number;
                position = trimmed.Length;
                break;
            }
            int unitIndex = unit.Length == 1 ? Array.FindIndex(Units, u => u.Unit == unit[0]) : -1;
            if (unitIndex < 0)
            {
                error = $"'{text}' has an unknown unit '{unit}': use d, h, m or s (e.g. 1h30m)";
                return false;
            }
            if (unitIndex <= lastUnit)
            {
                error = $"'{text}' is not a duration: units must go from largest to smallest, each once (e.g. 1h30m)";
                return false;
            }
            lastUnit = unitIndex;
            seconds += number * Units[unitIndex].Seconds;
            position += match.Length;
        }

        if (!double.IsFinite(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            error = $"'{text}' is too long a duration";
            return false;
        }
        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/>.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>The spec's own notation: <c>30m</c>, <c>1h30m</c>, <c>45s</c>, <c>1.5s</c>; "no limit" for zero or infinite.</summary>
    public static string Describe(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero || duration == Timeout.InfiniteTimeSpan)
            return "no limit";
        if (duration < TimeSpan.FromMinutes(1))
            return duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";
        var parts = new List<string>();
        int hours = (int)duration.TotalHours;
        if (hours > 0) parts.Add($"{hours}h");
        if (duration.Minutes > 0) parts.Add($"{duration.Minutes}m");
        if (duration.Seconds > 0) parts.Add($"{duration.Seconds}s");
        return string.Concat(parts);
    }

    /// <summary>A measured duration for people: <c>45s</c>, <c>3m 20s</c>, <c>2h 14m</c>, <c>3d 4h</c> (rounded; "–" when unknown).
    /// Settings are echoed with <see cref="Describe"/> instead, in the notation they were written in.</summary>
    public static string Human(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "–";
        if (seconds < 59.5)
        {
            double shown = seconds < 10 ? Math.Round(seconds, 1) : Math.Round(seconds);
            return shown.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "s";
        }
        // Rounded to the unit shown last: seconds under an hour, minutes under a day, hours beyond.
        if (seconds >= 86400 - 1800)
        {
            long totalHours = (long)Math.Round(seconds / 3600);
            long d = totalHours / 24, h = totalHours % 24;
            return h > 0 ? $"{d}d {h}h" : $"{d}d";
        }
        if (seconds >= 3600 - 30)
        {
            long totalMinutes = (long)Math.Round(seconds / 60);
            long h = totalMinutes / 60, m = totalMinutes % 60;
            return m > 0 ? $"{h}h {m}m" : $"{h}h";
        }
        long s = (long)Math.Round(seconds);
        long minutes = s / 60, secs = s % 60;
        return secs > 0 ? $"{minutes}m {secs}s" : $"{minutes}m";
    }
}

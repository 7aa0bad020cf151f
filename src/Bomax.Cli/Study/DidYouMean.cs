namespace Bomax.Cli.Study;

/// <summary>Suggestions for misspelt names: the closest known name within a small edit distance.</summary>
internal static class DidYouMean
{
    /// <summary>The largest edit distance at which a known name is still suggested.</summary>
    public const int MaxDistance = 2;

    /// <summary>
    /// <c>"did you mean 'benchmarks'?"</c> for the known name closest to <paramref name="given"/>, or an
    /// empty string when none is close enough.
    /// </summary>
    public static string Suggest(string given, IEnumerable<string> known)
    {
        var closest = Closest(given, known);
        return closest is null ? "" : $"did you mean '{closest}'?";
    }

    /// <summary>
    /// The known name closest to <paramref name="given"/> (ignoring case) by Damerau–Levenshtein distance
    /// (optimal string alignment), if it is at most <see cref="MaxDistance"/> and shorter than the given
    /// name; the first of the known names on a tie. Null when none is that close, or when the given name
    /// is itself known.
    /// </summary>
    public static string? Closest(string given, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            if (string.Equals(name, given, StringComparison.Ordinal)) return null;
            int distance = Distance(given.ToLowerInvariant(), name.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = name;
                bestDistance = distance;
            }
        }
        return bestDistance <= MaxDistance && bestDistance < given.Length ? best : null;
    }

    /// <summary>Damerau–Levenshtein distance (optimal string alignment: adjacent transpositions count 1).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                d[i, j] = value;
            }
        }
        return d[a.Length, b.Length];
    }
}

using System.Globalization;
using Bomax.Engine.Acquisition;
using Bomax.Engine.Grid;

namespace Bomax.Cli.Tables;

/// <summary>
/// Reads <c>bomax replay --costs FILE</c>: what one evaluation of each benchmark costs, one benchmark a line as
/// <c>BENCHMARK&lt;tab or comma&gt;SECONDS</c>, an optional header line <c>BENCHMARK,SECONDS</c>, blank lines and lines
/// starting with <c>#</c> skipped; fields may be quoted as in the score table (<see cref="ScoreTableReader"/>). Every benchmark
/// of the table must have a cost above 0, and every benchmark named must be in the table: a cost guessed for a missing one
/// would change what the replay measures without saying so. The first problem is the error, with its line and field.
/// </summary>
internal static class CostTableReader
{
    /// <summary>The costs in the grid's benchmark order, or the first problem found.</summary>
    public static (BenchmarkCosts? Costs, TableError? Error) ReadFile(string path, Grid grid)
    {
        var (text, error) = TableFile.Read(path, "costs file");
        return text is null ? (null, error) : Read(text, path, grid);
    }

    public static (BenchmarkCosts? Costs, TableError? Error) Read(string text, string path, Grid grid)
    {
        var index = grid.Benchmarks.Select((b, j) => (b.Name, j)).ToDictionary(p => p.Name, p => p.j, StringComparer.Ordinal);
        var seconds = new double?[grid.BenchmarkCount];
        var lines = ScoreTableReader.SplitLines(text);
        bool first = true;
        for (int k = 0; k < lines.Count; k++)
        {
            int line = k + 1;
            string raw = lines[k];
            if (string.IsNullOrWhiteSpace(raw) || raw.TrimStart().StartsWith('#')) continue;
            char separator = raw.Contains('\t') ? '\t' : ',';
            if (ScoreTableReader.SplitFields(raw, separator) is not { } fields)
                return Fail(path, line, 1, "a field opens a quote (\") that is not closed on this line");
            bool header = first && string.Equals(fields[0].Trim(), "BENCHMARK", StringComparison.OrdinalIgnoreCase);
            first = false;
            if (header) continue;
            if (fields.Length != 2)
                return Fail(path, line, Math.Min(fields.Length + 1, 3),
                    $"expected two fields, BENCHMARK and SECONDS, found {fields.Length}");
            string name = fields[0].Trim();
            if (!index.TryGetValue(name, out int j))
                return Fail(path, line, 1, $"benchmark '{name}' is not in the table (its benchmarks: {string.Join(", ", index.Keys)})");
            if (seconds[j] is not null) return Fail(path, line, 1, $"benchmark '{name}' has a cost already");
            string value = fields[1].Trim();
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !double.IsFinite(s) || s <= 0)
                return Fail(path, line, 2, $"'{value}' is not a cost: expected seconds per evaluation, a number above 0 (like 120 or 4.5)");
            seconds[j] = s;
        }
        var missing = grid.Benchmarks.Where((b, j) => seconds[j] is null).Select(b => b.Name).ToList();
        if (missing.Count > 0)
            return Fail(path, 0, 0, $"no cost for {string.Join(", ", missing.Take(5))}"
                + (missing.Count > 5 ? $" and {missing.Count - 5} more" : "") + ": every benchmark of the table needs one");
        return (new BenchmarkCosts(seconds.Select(s => s!.Value).ToList()), null);
    }

    static (BenchmarkCosts?, TableError?) Fail(string path, int line, int column, string message) =>
        (null, new TableError(path, line, column, message));
}

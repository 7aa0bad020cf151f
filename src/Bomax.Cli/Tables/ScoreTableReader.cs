using System.Globalization;
using Bomax.Engine.Grid;
using Bomax.Engine.Replay;

namespace Bomax.Cli.Tables;

/// <summary>One problem found in a score table, pointing at a 1-based line and field (column); line 0 is the file as a
/// whole (not found, unreadable), printed without a position.</summary>
internal sealed record TableError(string Path, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{Path}:{Line}:{Column}: {Message}" : $"{Path}: {Message}";
}

/// <summary>The outcome of reading a score table: the table, or the first problem found.</summary>
internal abstract record TableReadResult
{
    private TableReadResult() { }

    public sealed record Ok(ScoreTable Table) : TableReadResult;
    public sealed record Invalid(TableError Error) : TableReadResult;
}

/// <summary>
/// Parses a complete score table for <c>bomax replay TABLE</c>: a tab- or comma-separated file whose
/// header is <c>CHECKPOINT</c> then one column per benchmark, and one row per checkpoint. Rows may come
/// in any order; the table's rows follow the grid's checkpoints (ordered by the step in their names).
/// A field may be quoted as in RFC 4180 (<c>"mmlu, 5-shot"</c>, <c>""</c> for a quote inside), so names may hold the
/// separator; a quoted field does not span lines. (A CSV package would read this too, but every error here names its line
/// and field, and the format is one header and rows of numbers: a few lines of our own keep that exact.)
/// </summary>
internal static class ScoreTableReader
{
    private const int MinCheckpoints = 3;
    private const int MinBenchmarks = 2;

    public static TableReadResult ReadFile(string path)
    {
        var (text, error) = TableFile.Read(path, "score table file");
        return text is null ? new TableReadResult.Invalid(error!) : Read(text, path);
    }

    public static TableReadResult Read(string text, string path)
    {
        var lines = SplitLines(text);
        int headerIndex = lines.FindIndex(line => !IsBlank(line));
        if (headerIndex < 0)
            return Fail(path, 1, 1, "score table is empty: expected a header line starting with CHECKPOINT, "
                                    + "then one row per checkpoint");

        int headerLine = headerIndex + 1;
        char separator = lines[headerIndex].Contains('\t') ? '\t' : ',';
        if (SplitFields(lines[headerIndex], separator) is not { } header)
            return Unclosed(path, headerLine, lines[headerIndex], separator);

        if (!string.Equals(header[0], "CHECKPOINT", StringComparison.OrdinalIgnoreCase))
            return Fail(path, headerLine, 1, $"the header's first column must be CHECKPOINT, found '{header[0]}'");

        var benchmarkNames = header[1..];
        var benchmarkColumns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < benchmarkNames.Length; j++)
        {
            int column = j + 2;
            string name = benchmarkNames[j];
            if (name.Length == 0)
                return Fail(path, headerLine, column, $"benchmark name in column {column} is empty");
            if (!benchmarkColumns.TryAdd(name, column))
                return Fail(path, headerLine, column,
                    $"duplicate benchmark name '{name}' (also in column {benchmarkColumns[name]})");
        }
        if (benchmarkNames.Length < MinBenchmarks)
            return Fail(path, headerLine, 1,
                $"a score table needs at least {MinBenchmarks} benchmark columns, found {benchmarkNames.Length}");

        var rows = new List<ParsedRow>();
        var lineOfName = new Dictionary<string, int>(StringComparer.Ordinal);
        var nameOfStep = new Dictionary<long, (string Name, int Line)>();
        for (int index = headerIndex + 1; index < lines.Count; index++)
        {
            if (IsBlank(lines[index])) continue;
            int line = index + 1;
            if (SplitFields(lines[index], separator) is not { } fields)
                return Unclosed(path, line, lines[index], separator);
            string name = fields[0];

            if (name.Length == 0)
                return Fail(path, line, 1, "checkpoint name is empty");
            if (lineOfName.TryGetValue(name, out int firstLine))
                return Fail(path, line, 1, $"duplicate checkpoint '{name}' (first on line {firstLine})");
            if (!TryParseStep(name, out long step, out string stepProblem))
                return Fail(path, line, 1, stepProblem);
            if (nameOfStep.TryGetValue(step, out var other))
                return Fail(path, line, 1,
                    $"checkpoints '{other.Name}' (line {other.Line}) and '{name}' have the same step number {step}");

            int expected = header.Length;
            var scores = new double[benchmarkNames.Length];
            for (int column = 2; column <= Math.Min(fields.Length, expected); column++)
            {
                string cell = fields[column - 1];
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double score)
                    || !double.IsFinite(score))
                    return Fail(path, line, column,
                        $"score '{cell}' for benchmark '{benchmarkNames[column - 2]}' is not a finite number");
                scores[column - 2] = score;
            }
            if (fields.Length != expected)
                return Fail(path, line, Math.Min(fields.Length, expected) + 1,
                    $"row of checkpoint '{name}' has {fields.Length} fields, expected {expected} "
                    + $"(CHECKPOINT and {benchmarkNames.Length} benchmarks)");

            lineOfName[name] = line;
            nameOfStep[step] = (name, line);
            rows.Add(new ParsedRow(new Checkpoint(name, step), scores));
        }

        if (rows.Count == 0)
            return Fail(path, 1, 1, "score table has a header but no data rows");
        if (rows.Count < MinCheckpoints)
            return Fail(path, 1, 1,
                $"a score table needs at least {MinCheckpoints} checkpoint rows, found {rows.Count}");

        return new TableReadResult.Ok(BuildTable(path, rows, benchmarkNames));
    }

    private sealed record ParsedRow(Checkpoint Checkpoint, double[] Scores);

    private static ScoreTable BuildTable(string path, List<ParsedRow> rows, string[] benchmarkNames)
    {
        var grid = new Grid(rows.Select(r => r.Checkpoint), benchmarkNames.Select(n => new Benchmark(n)));
        var rowByName = rows.ToDictionary(r => r.Checkpoint.Name, StringComparer.Ordinal);
        var scores = new double[grid.CheckpointCount, grid.BenchmarkCount];
        for (int i = 0; i < grid.CheckpointCount; i++)
        {
            double[] rowScores = rowByName[grid.Checkpoints[i].Name].Scores;
            for (int j = 0; j < grid.BenchmarkCount; j++) scores[i, j] = rowScores[j];
        }
        return new ScoreTable(path, grid, scores);
    }

    /// <summary>The step is the last run of digits in the name (<c>run3-step-200</c> → 200), as for a study's checkpoints.</summary>
    private static bool TryParseStep(string name, out long step, out string problem)
    {
        var why = Study.CheckpointResolver.LastDigits(name, out step);
        problem = why is null ? "" : "checkpoint name " + why;
        return why is null;
    }

    internal static List<string> SplitLines(string text)
    {
        if (text.StartsWith('\uFEFF')) text = text[1..];
        return text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
    }

    /// <summary>The line's fields, trimmed: split at the separator outside quotes; a field that starts with a double quote runs to
    /// its closing quote, <c>""</c> standing for one quote. Null when a quote is not closed on the line.</summary>
    internal static string[]? SplitFields(string line, char separator) => Fields(line, separator, out _);

    private static string[]? Fields(string line, char separator, out int unclosedField)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        unclosedField = 0;
        int i = 0;
        while (true)
        {
            while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i])) i++;
            if (i < line.Length && line[i] == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= line.Length) { unclosedField = fields.Count + 1; return null; }
                    if (line[i] != '"') { field.Append(line[i]); continue; }
                    if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; continue; }
                    i++;
                    break;
                }
            }
            // The rest up to the separator: the whole of an unquoted field; after a closing quote, whatever follows it.
            int next = line.IndexOf(separator, i);
            field.Append(line[i..(next < 0 ? line.Length : next)].Trim());
            i = next < 0 ? line.Length : next;
            fields.Add(field.ToString());
            field.Clear();
            if (i >= line.Length) return fields.ToArray();
            i++; // past the separator
        }
    }

    private static TableReadResult.Invalid Unclosed(string path, int line, string text, char separator)
    {
        Fields(text, separator, out int field);
        return Fail(path, line, field, $"field {field} opens a quote (\") that is not closed on this line");
    }

    private static bool IsBlank(string line) => string.IsNullOrWhiteSpace(line);

    private static TableReadResult.Invalid Fail(string path, int line, int column, string message) =>
        new(new TableError(path, line, column, message));
}

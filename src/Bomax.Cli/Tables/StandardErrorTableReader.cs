using Bomax.Engine.Replay;

namespace Bomax.Cli.Tables;

/// <summary>
/// Reads <c>bomax replay TABLE --stderr FILE</c>: the standard error of every score of TABLE, as lm-evaluation-harness reports
/// one beside each (<c>acc_stderr,none</c>), in the score table's own format (<see cref="ScoreTableReader"/>: <c>CHECKPOINT</c>,
/// then one column per benchmark). It must hold exactly the table's checkpoints and benchmarks, in any order, each error 0 or
/// more (0: that score came without one): an error guessed for a missing cell would change what the replay measures without
/// saying so. The first problem is the error, with its line and field where there is one.
/// </summary>
internal static class StandardErrorTableReader
{
    /// <summary>The errors in <paramref name="table"/>'s cell order, or the first problem found.</summary>
    public static (double[,]? Errors, TableError? Error) ReadFile(string path, ScoreTable table)
    {
        var (text, error) = TableFile.Read(path, "standard error file");
        return text is null ? (null, error) : Read(text, path, table);
    }

    public static (double[,]? Errors, TableError? Error) Read(string text, string path, ScoreTable table)
    {
        var result = ScoreTableReader.Read(text, path);
        if (result is TableReadResult.Invalid invalid) return (null, invalid.Error);
        var read = ((TableReadResult.Ok)result).Table;
        var grid = table.Grid;
        var column = read.Grid.Benchmarks.Select((b, j) => (b.Name, j)).ToDictionary(p => p.Name, p => p.j, StringComparer.Ordinal);
        var row = read.Grid.Checkpoints.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var benchmarks = grid.Benchmarks.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var checkpoints = grid.Checkpoints.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (grid.Benchmarks.FirstOrDefault(b => !column.ContainsKey(b.Name)) is { } noColumn)
            return Fail(path, 0, 0, $"no column for benchmark '{noColumn.Name}' of the table: every score needs its standard error");
        if (read.Grid.Benchmarks.FirstOrDefault(b => !benchmarks.Contains(b.Name)) is { } extraColumn)
            return Fail(path, 0, 0, $"benchmark '{extraColumn.Name}' is not in the table (its benchmarks: "
                + string.Join(", ", grid.Benchmarks.Select(b => b.Name)) + ")");
        if (grid.Checkpoints.FirstOrDefault(c => !row.ContainsKey(c.Name)) is { } noRow)
            return Fail(path, 0, 0, $"no row for checkpoint '{noRow.Name}' of the table: every score needs its standard error");
        if (read.Grid.Checkpoints.FirstOrDefault(c => !checkpoints.Contains(c.Name)) is { } extraRow)
            return Fail(path, LineOf(text, extraRow.Name), 1, $"checkpoint '{extraRow.Name}' is not in the table");
        var errors = new double[grid.CheckpointCount, grid.BenchmarkCount];
        for (int i = 0; i < grid.CheckpointCount; i++)
            for (int j = 0; j < grid.BenchmarkCount; j++)
            {
                int k = row[grid.Checkpoints[i].Name], b = column[grid.Benchmarks[j].Name];
                double error = read.Scores[k, b];
                if (error < 0)
                    return Fail(path, LineOf(text, grid.Checkpoints[i].Name), b + 2,
                        $"the standard error of '{grid.Checkpoints[i].Name}' on '{grid.Benchmarks[j].Name}' is {error}: expected 0 or more");
                errors[i, j] = error;
            }
        return (errors, null);
    }

    /// <summary>The line whose first field is the checkpoint <paramref name="name"/> (the reader has checked there is exactly one).</summary>
    static int LineOf(string text, string name)
    {
        var lines = ScoreTableReader.SplitLines(text);
        char separator = lines.First(line => !string.IsNullOrWhiteSpace(line)).Contains('\t') ? '\t' : ',';
        return lines.FindIndex(line => ScoreTableReader.SplitFields(line, separator) is { Length: > 0 } fields && fields[0] == name) + 1;
    }

    static (double[,]?, TableError?) Fail(string path, int line, int column, string message) =>
        (null, new TableError(path, line, column, message));
}

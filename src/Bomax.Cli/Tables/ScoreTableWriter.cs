using System.Globalization;
using System.Text;
using Bomax.Engine.Replay;

namespace Bomax.Cli.Tables;

/// <summary>Writes a score table in the format <see cref="ScoreTableReader"/> reads: TSV, <c>CHECKPOINT</c> then one column per benchmark.</summary>
internal static class ScoreTableWriter
{
    public static string Format(ScoreTable table)
    {
        var grid = table.Grid;
        var text = new StringBuilder();
        text.Append("CHECKPOINT");
        foreach (var benchmark in grid.Benchmarks) text.Append('\t').Append(Field(benchmark.Name));
        text.Append('\n');
        for (int i = 0; i < grid.CheckpointCount; i++)
        {
            text.Append(Field(grid.Checkpoints[i].Name));
            for (int j = 0; j < grid.BenchmarkCount; j++)
                text.Append('\t').Append(table.Scores[i, j].ToString("0.######", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A name as a field: quoted (a quote doubled) when it holds a tab, a quote or blanks at its ends, as the reader reads it.</summary>
    static string Field(string name) =>
        name.IndexOfAny(['\t', '"', ',']) >= 0 || name != name.Trim() ? "\"" + name.Replace("\"", "\"\"") + "\"" : name;

    public static void WriteFile(string path, ScoreTable table) => File.WriteAllText(path, Format(table), new UTF8Encoding(false));
}

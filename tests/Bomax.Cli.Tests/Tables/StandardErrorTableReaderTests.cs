using Bomax.Cli.Tables;
using Bomax.Engine.Replay;

namespace Bomax.Cli.Tests.Tables;

/// <summary><c>replay TABLE --stderr FILE</c>: every score's standard error, in the score table's format, matched by name.</summary>
public class StandardErrorTableReaderTests
{
    const string Path = "errors.tsv";

    static ScoreTable Table() =>
        Assert.IsType<TableReadResult.Ok>(ScoreTableReader.Read(
            "CHECKPOINT\tarc\tmmlu\n" +
            "ckpt-100\t0.30\t0.25\n" +
            "ckpt-200\t0.35\t0.27\n" +
            "ckpt-300\t0.40\t0.29\n", "table.tsv")).Table;

    static TableError Invalid(string text)
    {
        var (errors, error) = StandardErrorTableReader.Read(text, Path, Table());
        Assert.Null(errors);
        Assert.Equal(Path, error!.Path);
        return error;
    }

    [Fact]
    public void ErrorsAreMatchedToTheTablesCellsByNameInAnyOrder()
    {
        var (errors, error) = StandardErrorTableReader.Read(
            "CHECKPOINT,mmlu,arc\n" +
            "ckpt-300,0.013,0.023\n" +
            "ckpt-100,0.011,0\n" +
            "ckpt-200,0.012,0.022\n", Path, Table());
        Assert.Null(error);
        Assert.Equal(new[,] { { 0, 0.011 }, { 0.022, 0.012 }, { 0.023, 0.013 } }, errors);

        // Read with the table, each observation carries its cell's error; a 0 is a score reported without one.
        var table = Table() with { StandardErrors = errors };
        Assert.Equal(0.012, table.ObservationOf(new(1, 1)).StandardError);
        Assert.Equal(0.40, table.ObservationOf(new(2, 0)).Score);
    }

    [Fact]
    public void AMissingOrExtraBenchmarkOrCheckpointIsNamed()
    {
        var noColumn = Invalid("CHECKPOINT\tarc\tgsm8k\nckpt-100\t0.01\t0.01\nckpt-200\t0.01\t0.01\nckpt-300\t0.01\t0.01\n");
        Assert.Contains("no column for benchmark 'mmlu'", noColumn.Message);

        var extraColumn = Invalid("CHECKPOINT\tarc\tmmlu\tgsm8k\nckpt-100\t0.01\t0.01\t0.01\nckpt-200\t0.01\t0.01\t0.01\n"
            + "ckpt-300\t0.01\t0.01\t0.01\n");
        Assert.Contains("benchmark 'gsm8k' is not in the table (its benchmarks: arc, mmlu)", extraColumn.Message);

        var noRow = Invalid("CHECKPOINT\tarc\tmmlu\nckpt-100\t0.01\t0.01\nckpt-200\t0.01\t0.01\nckpt-400\t0.01\t0.01\n");
        Assert.Contains("no row for checkpoint 'ckpt-300'", noRow.Message);

        var extraRow = Invalid("CHECKPOINT\tarc\tmmlu\nckpt-100\t0.01\t0.01\nckpt-200\t0.01\t0.01\nckpt-300\t0.01\t0.01\n"
            + "ckpt-400\t0.01\t0.01\n");
        Assert.Equal((5, 1), (extraRow.Line, extraRow.Column));
        Assert.Contains("checkpoint 'ckpt-400' is not in the table", extraRow.Message);
    }

    [Fact]
    public void ANegativeOrUnreadableErrorNamesItsLineAndField()
    {
        var negative = Invalid("CHECKPOINT\tarc\tmmlu\nckpt-100\t0.01\t0.01\n\nckpt-200\t0.01\t-0.02\nckpt-300\t0.01\t0.01\n");
        Assert.Equal((4, 3), (negative.Line, negative.Column));
        Assert.Contains("the standard error of 'ckpt-200' on 'mmlu' is -0.02: expected 0 or more", negative.Message);

        var unreadable = Invalid("CHECKPOINT\tarc\tmmlu\nckpt-100\t0.01\tn/a\nckpt-200\t0.01\t0.01\nckpt-300\t0.01\t0.01\n");
        Assert.Equal((2, 3), (unreadable.Line, unreadable.Column));
        Assert.Contains("'n/a'", unreadable.Message);

        var (_, missing) = StandardErrorTableReader.ReadFile("/nowhere/errors.tsv", Table());
        Assert.Contains("standard error file not found", missing!.Message);
    }
}

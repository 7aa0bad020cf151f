using Bomax.Cli.Tables;
using Bomax.Engine.Replay;

namespace Bomax.Cli.Tests.Tables;

public class ScoreTableReaderTests
{
    private const string TablePath = "table.tsv";

    private static ScoreTable ReadOk(string text)
    {
        var result = ScoreTableReader.Read(text, TablePath);
        var ok = Assert.IsType<TableReadResult.Ok>(result);
        return ok.Table;
    }

    private static TableError ReadInvalid(string text)
    {
        var result = ScoreTableReader.Read(text, TablePath);
        var invalid = Assert.IsType<TableReadResult.Invalid>(result);
        return invalid.Error;
    }

    private static void AssertError(TableError error, int line, int column, string messagePart)
    {
        Assert.Equal(TablePath, error.Path);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(messagePart, error.Message);
    }

    [Fact]
    public void ReadsRowsOutOfStepOrderAndSortsThemByStep()
    {
        var table = ReadOk(
            "CHECKPOINT\tA\tB\n" +
            "ckpt-300\t0.3\t3.5\n" +
            "ckpt-100\t0.1\t1.5\n" +
            "run3-step-200\t0.2\t2.5\n");

        Assert.Equal(TablePath, table.Source);
        Assert.Equal(new[] { "ckpt-100", "run3-step-200", "ckpt-300" },
            table.Grid.Checkpoints.Select(c => c.Name));
        Assert.Equal(new long[] { 100, 200, 300 }, table.Grid.Checkpoints.Select(c => c.Step));
        Assert.Equal(new[] { "A", "B" }, table.Grid.Benchmarks.Select(b => b.Name));
        Assert.Equal(3, table.Scores.GetLength(0));
        Assert.Equal(2, table.Scores.GetLength(1));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0.1 * (i + 1), table.Scores[i, 0], 12);
            Assert.Equal(i + 1.5, table.Scores[i, 1], 12);
        }
    }

    [Fact]
    public void ReadsCommaSeparatedTableWithSpacesAndExponents()
    {
        var table = ReadOk(" checkpoint , A,B\nc-1, 1e-1,2\nc-2,0.5 ,-3\nc-3,1,4\n\n");
        Assert.Equal(new[] { "A", "B" }, table.Grid.Benchmarks.Select(b => b.Name));
        Assert.Equal(0.1, table.Scores[0, 0], 12);
        Assert.Equal(-3.0, table.Scores[1, 1], 12);
    }

    [Fact]
    public void ReadsCrlfLineEndingsWithBomAndBlankLines()
    {
        var table = ReadOk("\uFEFFCHECKPOINT\tA\tB\r\nc-10\t1\t2\r\n\r\nc-20\t3\t4\r\nc-30\t5\t6\r\n\r\n");
        Assert.Equal(new long[] { 10, 20, 30 }, table.Grid.Checkpoints.Select(c => c.Step));
        Assert.Equal(6.0, table.Scores[2, 1]);
    }

    [Fact]
    public void ErrorPrintsAsPathLineColumnMessage()
    {
        var error = new TableError("t.tsv", 3, 2, "bad");
        Assert.Equal("t.tsv:3:2: bad", error.ToString());
    }

    [Fact]
    public void RejectsEmptyFile()
    {
        AssertError(ReadInvalid(""), 1, 1, "empty");
        AssertError(ReadInvalid("\n\r\n  \n"), 1, 1, "empty");
    }

    [Fact]
    public void RejectsHeaderWithoutDataRows()
    {
        AssertError(ReadInvalid("CHECKPOINT\tA\tB\n"), 1, 1, "no data rows");
    }

    [Fact]
    public void RejectsHeaderWhoseFirstColumnIsNotCheckpoint()
    {
        AssertError(ReadInvalid("NAME\tA\tB\nc-1\t1\t2\n"), 1, 1, "first column must be CHECKPOINT, found 'NAME'");
    }

    [Fact]
    public void RejectsDuplicateBenchmarkNameNamingBothColumns()
    {
        var error = ReadInvalid("CHECKPOINT\tA\tB\tA\nc-1\t1\t2\t3\n");
        AssertError(error, 1, 4, "duplicate benchmark name 'A'");
        Assert.Contains("column 2", error.Message);
    }

    [Fact]
    public void RejectsEmptyBenchmarkName()
    {
        AssertError(ReadInvalid("CHECKPOINT\tA\t\tB\nc-1\t1\t2\t3\n"), 1, 3, "benchmark name in column 3 is empty");
    }

    [Fact]
    public void RejectsRaggedRowWithTooFewFieldsNamingLineAndColumn()
    {
        var error = ReadInvalid("CHECKPOINT\tA\tB\tC\nc-1\t1\t2\t3\nc-2\t1\t2\nc-3\t1\t2\t3\n");
        AssertError(error, 3, 4, "has 3 fields, expected 4");
    }

    [Fact]
    public void RejectsRaggedRowWithTooManyFieldsNamingLineAndColumn()
    {
        var error = ReadInvalid("CHECKPOINT,A,B\nc-1,1,2\nc-2,1,2\nc-3,1,2,9,9\n");
        AssertError(error, 4, 4, "has 5 fields, expected 3");
    }

    [Fact]
    public void RejectsNonNumericCellQuotingItAndNamingTheBenchmark()
    {
        var error = ReadInvalid("CHECKPOINT\tA\tB\nc-1\t1\t2\nc-2\t1\tn/a\nc-3\t1\t2\n");
        AssertError(error, 3, 3, "'n/a'");
        Assert.Contains("benchmark 'B'", error.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("")]
    public void RejectsNonFiniteOrEmptyCell(string cell)
    {
        var error = ReadInvalid($"CHECKPOINT\tA\tB\nc-1\t{cell}\t2\nc-2\t1\t2\nc-3\t1\t2\n");
        AssertError(error, 2, 2, $"'{cell}'");
    }

    [Fact]
    public void RejectsDuplicateCheckpointNameNamingTheFirstLine()
    {
        var error = ReadInvalid("CHECKPOINT\tA\tB\nc-1\t1\t2\nc-2\t1\t2\nc-1\t1\t2\n");
        AssertError(error, 4, 1, "duplicate checkpoint 'c-1' (first on line 2)");
    }

    [Fact]
    public void RejectsDuplicateStepNamingBothCheckpoints()
    {
        var error = ReadInvalid("CHECKPOINT\tA\tB\nrun1-step-100\t1\t2\nc-2\t1\t2\nrun2-step-100\t1\t2\n");
        AssertError(error, 4, 1, "same step number 100");
        Assert.Contains("'run1-step-100'", error.Message);
        Assert.Contains("'run2-step-100'", error.Message);
    }

    [Fact]
    public void RejectsCheckpointNameWithoutStepNumber()
    {
        var error = ReadInvalid("CHECKPOINT\tA\tB\nc-1\t1\t2\nfinal\t1\t2\nc-3\t1\t2\n");
        AssertError(error, 3, 1, "checkpoint name 'final' has no step number");
    }

    [Fact]
    public void RejectsFewerThanThreeCheckpoints()
    {
        AssertError(ReadInvalid("CHECKPOINT\tA\tB\nc-1\t1\t2\nc-2\t1\t2\n"), 1, 1, "at least 3 checkpoint rows, found 2");
    }

    [Fact]
    public void RejectsFewerThanTwoBenchmarks()
    {
        AssertError(ReadInvalid("CHECKPOINT\tA\nc-1\t1\nc-2\t1\nc-3\t1\n"), 1, 1, "at least 2 benchmark columns, found 1");
    }

    [Fact]
    public void ReportsOnlyTheFirstErrorInFileOrder()
    {
        var error = ReadInvalid("CHECKPOINT\tA\tB\nc-1\t1\tx\nc-2\t1\nnostep\t1\t2\n");
        AssertError(error, 2, 3, "'x'");
    }

    [Fact]
    public void ReadFileReportsMissingFileAtLineZero()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.tsv");
        var invalid = Assert.IsType<TableReadResult.Invalid>(ScoreTableReader.ReadFile(missing));
        Assert.Equal((missing, 0, 0), (invalid.Error.Path, invalid.Error.Line, invalid.Error.Column));
        Assert.Contains("not found", invalid.Error.Message);
    }

    [Fact]
    public void ReadsTheSharedLearningCurvesTable()
    {
        var result = ScoreTableReader.ReadFile(SharedLearningCurvesPath());
        var table = Assert.IsType<TableReadResult.Ok>(result).Table;

        Assert.Equal(121, table.Grid.CheckpointCount);
        Assert.Equal(71, table.Grid.BenchmarkCount);
        Assert.Equal((121, 71), (table.Scores.GetLength(0), table.Scores.GetLength(1)));
        Assert.Equal(100, table.Grid.Checkpoints[0].Step);
        Assert.Equal(6100, table.Grid.Checkpoints[^1].Step);

        double[] means = table.RowMeans();
        int best = Array.IndexOf(means, means.Max());
        Assert.Equal("checkpoint-1400", table.Grid.Checkpoints[best].Name);
        Assert.Equal(0.84820, Math.Round(means[best], 4), 10);
    }

    /// <summary>The repository root holds Bomax.Ci.sln; the real run's table is copied under samples/data.</summary>
    private static string SharedLearningCurvesPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bomax.Ci.sln")))
            directory = directory.Parent;
        Assert.True(directory is not null, $"no directory above {AppContext.BaseDirectory} contains Bomax.Ci.sln");
        return Path.GetFullPath(
            Path.Combine(directory.FullName, "samples", "data", "learning-curves-121x71.tsv"));
    }

    [Fact]
    public void QuotedFieldsMayHoldTheSeparatorAndDoubledQuotes()
    {
        var table = ReadOk(
            "CHECKPOINT,\"mmlu, 5-shot\",\"say \"\"hi\"\"\" , plain\n" +
            "\"ckpt-100\",0.1,0.2,0.3\n" +
            "ckpt-200, \"0.4\" ,0.5,0.6\n" +
            "ckpt-300,0.7,0.8,0.9\n");

        Assert.Equal(["mmlu, 5-shot", "say \"hi\"", "plain"], table.Grid.Benchmarks.Select(b => b.Name));
        Assert.Equal(0.4, table.Scores[1, 0]);
    }

    [Fact]
    public void AQuoteLeftOpenIsAnErrorAtItsLineAndField()
    {
        var error = ReadInvalid("CHECKPOINT,a,b\nckpt-100,0.1,0.2\nckpt-200,\"0.3,0.4\nckpt-300,0.5,0.6\n");
        AssertError(error, 3, 2, "field 2 opens a quote (\") that is not closed on this line");
    }

    [Fact]
    public void AWrittenTableWithAwkwardNamesReadsBackTheSame()
    {
        var original = ReadOk("CHECKPOINT\t\"mmlu\t5-shot\"\t\"a \"\"b\"\"\"\t\"x, y\"\n"
            + "ckpt-1\t0.1\t0.2\t0.3\nckpt-2\t0.4\t0.5\t0.6\nckpt-3\t0.7\t0.8\t0.9\n");
        var again = ReadOk(ScoreTableWriter.Format(original));
        Assert.Equal(original.Grid.Benchmarks.Select(b => b.Name), again.Grid.Benchmarks.Select(b => b.Name));
        Assert.Equal(["mmlu\t5-shot", "a \"b\"", "x, y"], again.Grid.Benchmarks.Select(b => b.Name));
        Assert.Equal(original.Scores, again.Scores);
    }
}

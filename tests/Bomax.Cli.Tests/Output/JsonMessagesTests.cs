using System.Text.Json;
using Bomax.Cli.Output;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Output;

public sealed class JsonMessagesTests
{
    static List<JsonElement> Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void WritesOneObjectPerLineWithItsType()
    {
        var writer = new StringWriter();
        var messages = new JsonMessages(writer);
        messages.Progress("round 1: 0/8 evaluations");
        messages.Info("study s: 6 checkpoints × 2 benchmarks");
        messages.Warning("a – b");
        messages.Error(ErrorReasons.Interrupted, "interrupted; 4 evaluations are in j.jsonl");

        var lines = Lines(writer);
        Assert.Equal(["progress", "info", "warning", "error"], lines.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal("study s: 6 checkpoints × 2 benchmarks", lines[1].GetProperty("message").GetString());
        Assert.Contains("×", writer.ToString()); // readable in a log, not \u00D7
        Assert.Equal("interrupted", lines[3].GetProperty("reason").GetString());
    }

    [Fact]
    public void ASpecErrorCarriesAnAbsoluteFileAndItsPosition()
    {
        var writer = new StringWriter();
        new JsonMessages(writer).SpecError(new SpecError("study.yml", 7, 12, "eval.timeout", "'soon' is not a duration"));

        var line = Assert.Single(Lines(writer));
        Assert.Equal("spec-error", line.GetProperty("type").GetString());
        Assert.Equal(Path.GetFullPath("study.yml"), line.GetProperty("file").GetString());
        Assert.Equal(7, line.GetProperty("line").GetInt32());
        Assert.Equal(12, line.GetProperty("column").GetInt32());
        Assert.Equal("eval.timeout", line.GetProperty("field").GetString());
        Assert.Equal("'soon' is not a duration", line.GetProperty("message").GetString());
    }
}

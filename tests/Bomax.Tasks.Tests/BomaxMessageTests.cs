namespace Bomax.Tasks.Tests;

public sealed class BomaxMessageTests
{
    [Fact]
    public void ParsesEachTypeOfLine()
    {
        Assert.Equal(new BomaxMessage.Progress("round 1: 0/8 evaluations"),
            BomaxMessage.Parse("""{"type":"progress","message":"round 1: 0/8 evaluations"}"""));
        Assert.Equal(new BomaxMessage.Info("study s"), BomaxMessage.Parse("""{"type":"info","message":"study s"}"""));
        Assert.Equal(new BomaxMessage.Warning("budget small"), BomaxMessage.Parse("""{"type":"warning","message":"budget small"}"""));
        Assert.Equal(new BomaxMessage.SpecError("/w/bomax.yml", 8, 12, "eval.timeout", "'soon' is not a duration"),
            BomaxMessage.Parse("""{"type":"spec-error","file":"/w/bomax.yml","line":8,"column":12,"field":"eval.timeout","message":"'soon' is not a duration"}"""));
        Assert.Equal(new BomaxMessage.Error("interrupted", "interrupted; 4 evaluations"),
            BomaxMessage.Parse("""{"type":"error","reason":"interrupted","message":"interrupted; 4 evaluations"}"""));
        Assert.Equal(new BomaxMessage.Error("usage", "--budget 'lots' is not a budget", "--budget"),
            BomaxMessage.Parse("""{"type":"error","reason":"usage","option":"--budget","message":"--budget 'lots' is not a budget"}"""));
        // A problem with the spec file as a whole has no line and column.
        Assert.Equal(new BomaxMessage.SpecError("/w/none.yml", 0, 0, "", "spec file not found"),
            BomaxMessage.Parse("""{"type":"spec-error","file":"/w/none.yml","field":"","message":"spec file not found"}"""));
    }

    [Fact]
    public void AResultKeepsItsNumbersAsTheEngineWroteThem()
    {
        var message = BomaxMessage.Parse("""{"type":"result","format":1,"study":"s","checkpoint":"ckpt-400","checkpoint_path":"/w/checkpoints/ckpt-400","step":400,"score":0.725,"low":0.7,"high":0.75,"prob_best":0.978271484375,"evaluations":8,"new_evaluations":8,"grid_cells":12,"end":"budget-spent","spec":"/w/bomax.yml","journal":"/w/j.jsonl","summary":"/w/report.md"}""");

        var result = Assert.IsType<BomaxMessage.Result>(message).Study;
        Assert.Equal(new StudyResult("s", "ckpt-400", "/w/checkpoints/ckpt-400", "400", "0.725", "0.7", "0.75", "0.978271484375", 8, 8, 12,
            "budget-spent", "/w/bomax.yml", "/w/j.jsonl", "/w/report.md"), result);
        Assert.Equal("selected ckpt-400 (step 400): estimated average 0.7250 (95% interval 0.7000 – 0.7500), "
            + "P(best) 0.98; 8 of 12 pairs evaluated", result.Describe());
    }

    [Theory]
    [InlineData("Unhandled exception. System.Exception: boom")]
    [InlineData("{not json")]
    [InlineData("[1, 2]")]
    public void ALineThatIsNoMessageIsText(string line) => Assert.Equal(new BomaxMessage.Text(line), BomaxMessage.Parse(line));

    [Fact]
    public void UnknownTypesAndIncompleteResultsAreKeptAsOther()
    {
        Assert.Equal(new BomaxMessage.Other("heartbeat", """{"type":"heartbeat"}"""), BomaxMessage.Parse("""{"type":"heartbeat"}"""));
        Assert.IsType<BomaxMessage.Other>(BomaxMessage.Parse("""{"type":"result","checkpoint":"c"}"""));
    }
}

namespace Bomax.Tasks.Tests;

public sealed class BuildLogTests
{
    [Theory]
    [InlineData("/w/MyProject.csproj", "MyProject -> Bomax: selected c-1")]
    [InlineData("", "Bomax: selected c-1")]
    public void ThePickIsTheProjectsOutputLine(string projectFile, string expected) =>
        Assert.Equal(new LogEntry(LogLevel.Pick, expected), BuildLog.Pick(projectFile, "selected c-1"));

    [Fact]
    public void ProgressIsNormalThePickIsHighAndUnknownLinesAreDetail()
    {
        Assert.Equal(new LogEntry(LogLevel.Progress, "Bomax: round 2: 2/8 evaluations"),
            BuildLog.ForMessage(new BomaxMessage.Progress("round 2: 2/8 evaluations")));
        Assert.Equal(new LogEntry(LogLevel.Progress, "Bomax: resuming from j.jsonl"),
            BuildLog.ForMessage(new BomaxMessage.Info("resuming from j.jsonl")));
        Assert.Equal(LogLevel.Pick, BuildLog.ForMessage(new BomaxMessage.Result(
            new StudyResult("s", "c-1", "c-1", "1", "0.5", "0.4", "0.6", "0.9", 3, 3, 6, "budget-spent", "", "", ""))).Level);
        Assert.Equal(new LogEntry(LogLevel.Detail, "noise"), BuildLog.ForMessage(new BomaxMessage.Text("noise")));
        Assert.Equal(new LogEntry(LogLevel.Detail, "09:12:01 round 1"), BuildLog.ForStderr("09:12:01 round 1"));
    }

    [Fact]
    public void ASpecErrorIsAnErrorAtItsFileLineAndColumn()
    {
        var entry = BuildLog.ForMessage(new BomaxMessage.SpecError("/w/bomax.yml", 8, 12, "eval.timeout", "'soon' is not a duration"));

        Assert.Equal(new LogEntry(LogLevel.Error, "eval.timeout: 'soon' is not a duration", "BMX1001", "/w/bomax.yml", 8, 12), entry);
        Assert.Equal("spec file not found", BuildLog.ForMessage(new BomaxMessage.SpecError("/w/none.yml", 0, 0, "", "spec file not found")).Text);
    }

    [Fact]
    public void AUsageErrorAboutAnOptionTheBuildSetNamesItsPropertyAtTheProject()
    {
        var budget = new BomaxMessage.Error("usage", "--budget 'lots' is not a budget: expected a count", "--budget");
        var device = new BomaxMessage.Error("usage", "bad device", "--device");

        Assert.Equal(new LogEntry(LogLevel.Error, "BomaxBudget 'lots' is not a budget: expected a count", "BMX1002", "/w/Pick.csproj"),
            BuildLog.ForMessage(budget, "/w/Pick.csproj"));
        Assert.Equal(new LogEntry(LogLevel.Error, "BomaxDevice: bad device", "BMX1002", "/w/Pick.csproj"),
            BuildLog.ForMessage(device, "/w/Pick.csproj"));
        // An option no property sets is said as bomax said it.
        Assert.Equal(new LogEntry(LogLevel.Error, "--count 'x' is not a whole number", "BMX1002"),
            BuildLog.ForMessage(new BomaxMessage.Error("usage", "--count 'x' is not a whole number", "--count"), "/w/Pick.csproj"));
    }

    [Fact]
    public void WarningsCarryTheirCode() =>
        Assert.Equal(new LogEntry(LogLevel.Warning, "ckpt-1 × a failed after 2 attempt(s)", "BMX1101"),
            BuildLog.ForMessage(new BomaxMessage.Warning("ckpt-1 × a failed after 2 attempt(s)")));

    [Theory]
    [InlineData("usage", "BMX1002")]
    [InlineData("evaluations-failing", "BMX1003")]
    [InlineData("interrupted", "BMX1004")]
    [InlineData("something-new", "BMX1006")]
    public void EachErrorReasonHasItsCode(string reason, string code) =>
        Assert.Equal(new LogEntry(LogLevel.Error, "why", code), BuildLog.ForMessage(new BomaxMessage.Error(reason, "why")));

    [Theory]
    [InlineData(2, "BMX1002", "bomax rejected its input; nothing was evaluated: bomax: Unrecognized command or argument '--bogus'.")]
    [InlineData(3, "BMX1003", "evaluations are failing; no checkpoint was selected: bomax: Unrecognized command or argument '--bogus'.")]
    [InlineData(130, "BMX1004",
        "interrupted; the journal keeps every finished evaluation and the next build resumes: bomax: Unrecognized command or argument '--bogus'.")]
    [InlineData(134, "BMX1006", "bomax exited with code 134: bomax: Unrecognized command or argument '--bogus'.")]
    public void AnExitCodeTheMessagesDidNotExplainIsAnErrorWithItsCode(int exitCode, string code, string text) =>
        Assert.Equal(new LogEntry(LogLevel.Error, text, code),
            BuildLog.ForExit(exitCode, errorLogged: false, resultSeen: false, cancelled: false,
                ["bomax: Unrecognized command or argument '--bogus'."]));

    [Fact]
    public void AnExitCodeTheMessagesExplainedAddsNothing()
    {
        Assert.Null(BuildLog.ForExit(2, errorLogged: true, resultSeen: false, cancelled: false, []));
        Assert.Null(BuildLog.ForExit(0, errorLogged: false, resultSeen: true, cancelled: false, []));
    }

    [Fact]
    public void SuccessWithoutAResultIsAnError() =>
        Assert.Equal(new LogEntry(LogLevel.Error, "bomax exited without reporting a result", "BMX1006"),
            BuildLog.ForExit(0, false, false, false, []));

    [Fact]
    public void ACancelledBuildSaysSo() =>
        Assert.StartsWith("interrupted (the build was cancelled);", BuildLog.ForExit(130, false, false, cancelled: true, [])!.Text);
}

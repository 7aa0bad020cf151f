namespace Bomax.Tasks.Tests;

public sealed class BomaxArgumentsTests
{
    [Fact]
    public void AlwaysAsksForJsonMessagesAResultFileAndNoCommentByDefault() =>
        Assert.Equal(["/p/bomax.dll", "run", "/w/bomax.yml", "--messages", "json", "--result", "/w/obj/bomax/bomax.result.json", "--comment", "off"],
            BomaxArguments.For(new BomaxRunOptions("/p/bomax.dll", "/w/bomax.yml", "/w/obj/bomax/bomax.result.json", "", " ", false, "")));

    [Fact]
    public void PassesTheOverridesThatAreSet() =>
        Assert.Equal(
            [
                "/p/bomax.dll", "run", "/w/bomax.yml", "--messages", "json", "--result", "/w/r.json", "--comment", "upsert", "--budget", "5%",
                "--device", "cpu", "--output", "/w/reports",
            ],
            BomaxArguments.For(new BomaxRunOptions("/p/bomax.dll", "/w/bomax.yml", "/w/r.json", "5%", "cpu", true, "/w/reports")));
}

using System.CommandLine;
using Bomax.Cli.Study;
using Bomax.Engine.Model;

namespace Bomax.Cli.Tests.Study;

/// <summary>Every enumerated setting has one word per value, read and written the same way by the spec and the command line.</summary>
public class SettingWordsTests
{
    static void EveryValueHasOneWordThatReadsBack<T>(SettingWords<T> words) where T : struct, Enum
    {
        Assert.Equal(Enum.GetValues<T>().Length, words.Words.Count);
        foreach (var value in Enum.GetValues<T>()) Assert.Equal(value, words.Read(words.Word(value)));
        Assert.Equal(words.Words.Count, words.Words.Distinct().Count());
    }

    [Fact]
    public void EachSettingsWordsCoverItsValuesOnce()
    {
        EveryValueHasOneWordThatReadsBack(EngineWords.Devices);
        EveryValueHasOneWordThatReadsBack(EngineWords.Kernels);
        EveryValueHasOneWordThatReadsBack(EngineWords.Acquisitions);
        EveryValueHasOneWordThatReadsBack(EngineWords.Goals);
    }

    [Fact]
    public void AliasesAreReadButNeverListedOrWritten()
    {
        Assert.Equal(ScoreGoal.Minimize, EngineWords.Goals.Read("min"));
        Assert.Equal(ScoreGoal.Maximize, EngineWords.Goals.Read("maximise"));
        Assert.DoesNotContain("min", EngineWords.Goals.Words);
        Assert.Equal("minimize", EngineWords.Goals.Word(ScoreGoal.Minimize));
        Assert.Null(EngineWords.Devices.Read("CPU")); // the spec's words are exact
    }

    [Theory]
    [InlineData("gpu", "'gpu' is not one of auto, cpu, cuda; did you mean 'cuda'?")]
    [InlineData("cpus", "'cpus' is not one of auto, cpu, cuda; did you mean 'cpu'?")]
    public void AnUnknownWordIsNamedWithTheWordsAndTheNearest(string text, string problem) =>
        Assert.Equal(problem, EngineWords.Devices.Problem(text));

    [Fact]
    public void TheOptionReadsAWordIntoItsValueAndRefusesOthersWithTheSameWords()
    {
        var option = EngineWords.Acquisitions.Option("--acquisition", "how cells are chosen");
        var root = new RootCommand { option };
        Assert.Equal(AcquisitionRule.CellExpectedImprovement, root.Parse("--acquisition cell").GetValue(option));
        Assert.Null(root.Parse("").GetValue(option));
        var refused = root.Parse("--acquisition rowfirst");
        Assert.Equal("--acquisition 'rowfirst' is not one of row-first, row, cell; did you mean 'row-first'?", Assert.Single(refused.Errors).Message);
    }
}

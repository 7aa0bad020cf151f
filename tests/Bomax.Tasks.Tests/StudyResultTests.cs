namespace Bomax.Tasks.Tests;

public sealed class StudyResultTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-result-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ReadsTheFileTheEngineWrites()
    {
        var path = Path.Combine(directory, "bomax.result.json");
        File.WriteAllText(path, """
            {
              "type": "result",
              "format": 1,
              "study": "msbuild-sample",
              "checkpoint": "ckpt-400",
              "checkpoint_path": "/w/checkpoints/ckpt-400",
              "step": 400,
              "score": 0.725,
              "low": 0.725,
              "high": 0.725,
              "prob_best": 0.978271484375,
              "expected_shortfall": 0.000312,
              "held_out_check": 13,
              "evaluations": 8,
              "new_evaluations": 0,
              "grid_cells": 12,
              "end": "budget-spent",
              "spec": "/w/bomax.yml",
              "journal": "/w/.bomax/msbuild-sample.jsonl",
              "summary": "/w/.bomax/msbuild-sample/report.md",
              "report_html": "/w/.bomax/msbuild-sample/report.html"
            }
            """);

        var (result, error) = StudyResult.ReadFile(path);

        Assert.Null(error);
        Assert.Equal(new StudyResult("msbuild-sample", "ckpt-400", "/w/checkpoints/ckpt-400", "400", "0.725", "0.725", "0.725", "0.978271484375",
            8, 0, 12, "budget-spent", "/w/bomax.yml", "/w/.bomax/msbuild-sample.jsonl", "/w/.bomax/msbuild-sample/report.md")
        { ExpectedShortfall = "0.000312", HeldOutCheck = "13" }, result);
        // A result from an engine that did not report the shortfall or the check still reads, with them empty.
        File.WriteAllText(path, """{"type":"result","checkpoint":"c-1","step":1,"score":0.5,"prob_best":0.9}""");
        Assert.Equal(("", ""), (StudyResult.ReadFile(path).Result!.ExpectedShortfall, StudyResult.ReadFile(path).Result!.HeldOutCheck));
    }

    [Fact]
    public void AMissingOrBrokenFileSaysWhatIsWrong()
    {
        var missing = Path.Combine(directory, "none.json");
        Assert.StartsWith($"cannot read {missing}", StudyResult.ReadFile(missing).Error);

        var broken = Path.Combine(directory, "broken.json");
        File.WriteAllText(broken, "{\"checkpoint\": \"c\"");
        Assert.StartsWith($"cannot read {broken}", StudyResult.ReadFile(broken).Error);

        var incomplete = Path.Combine(directory, "incomplete.json");
        File.WriteAllText(incomplete, "{\"checkpoint\": \"c\"}");
        Assert.Equal($"{incomplete} has no checkpoint, score and prob_best", StudyResult.ReadFile(incomplete).Error);
    }
}

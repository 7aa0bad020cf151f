extern alias tasks;
using System.Text.Json;
using TaskMessage = tasks::Bomax.Tasks.BomaxMessage;
using TaskResult = tasks::Bomax.Tasks.StudyResult;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// <c>bomax run --messages json --result PATH</c>, as a tool (the MSBuild task) uses it: stdout carries
/// only JSON lines, the decision is the last one and the same as the result file; the text goes to stderr.
/// A tiny grid (6 checkpoints × 2 benchmarks) with a fake eval whose scores peak at ckpt-400.
/// </summary>
public sealed class RunMessagesTests : IDisposable
{
    static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(90);
    readonly string directory = Directory.CreateTempSubdirectory("bomax-messages-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    string WriteStudy(string budget, string extra = "")
    {
        string script = Path.Combine(directory, "eval.sh");
        File.WriteAllText(script, """
            #!/bin/bash
            awk -v s="$BOMAX_STEP" -v b="$2" 'BEGIN { d = (s - 400) / 250; o = (b == "math") ? 0.05 : 0; printf "score: %.4f\n", 0.7 - 0.2 * d * d + o }'
            """.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string spec = Path.Combine(directory, "bomax.yml");
        File.WriteAllText(spec, $"""
            study: sample
            checkpoints:
              list: [ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600]
            benchmarks: [reasoning, math]
            eval:
              command: ./eval.sh {"{checkpoint}"} {"{benchmark}"}
              parallel: 2
            {extra}
            budget: {"{"} max-evals: {budget} {"}"}
            journal: journal.jsonl
            """.ReplaceLineEndings("\n"));
        return spec;
    }

    [Fact]
    public void ARunWithEarlierRunsSaysSoAtTheStartAndItsReportSaysWhatTheyContributed()
    {
        File.WriteAllText(Path.Combine(directory, "earlier.tsv"), "CHECKPOINT\tmath\treasoning\tother\n"
            + string.Concat(Enumerable.Range(1, 8).Select(i => $"step-{i * 100}\t{0.3 + 0.01 * i}\t{0.5 + 0.02 * i - 0.002 * i * i}\t0.1\n")));
        string spec = WriteStudy("8", "prior: earlier.tsv");

        var run = BomaxProcess.Run(directory, ProcessLimit, ["run", spec]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("prior: 1 earlier run(s) join every fit (earlier.tsv: 2 of 2 benchmarks); 1 initial cell(s) per benchmark", run.Stderr);
        string report = File.ReadAllText(Path.Combine(directory, "sample", "report.md"));
        Assert.Contains("#### Prior", report, StringComparison.Ordinal);
        Assert.Contains("- earlier.tsv: 8 checkpoints, 2 of 2 benchmarks, 16 scores", report, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunWhoseEarlierRunMovesOtherwiseSaysWhatItsChecksFound()
    {
        // The earlier run read math the wrong way round: it falls as reasoning rises, where this study's math rises with it.
        File.WriteAllText(Path.Combine(directory, "earlier.tsv"), "CHECKPOINT\tmath\treasoning\n"
            + string.Concat(Enumerable.Range(1, 8).Select(i =>
                $"step-{i * 100}\t{0.5 - 0.02 * i + 0.002 * i * i}\t{0.5 + 0.02 * i - 0.002 * i * i}\n")));
        string spec = WriteStudy("8", "prior: earlier.tsv");

        var run = BomaxProcess.Run(directory, ProcessLimit, ["run", spec]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("their benchmark covariance is used once this study's own evaluations confirm it", run.Stderr, StringComparison.Ordinal);
        // Every change a refit's check makes is said, with the evaluations it was made at; the first checked fit is always a change.
        var notes = run.Stderr.Split('\n').Where(l => l.Contains("prior: the earlier runs' benchmark covariance is", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(notes);
        Assert.All(notes, n => Assert.Matches(@"is (used from \d+ evaluations: it predicts this study's benchmarks \d+\.\d nats better"
            + @"|set aside at \d+ evaluations: it predicts this study's benchmarks \d+\.\d nats worse)", n));
        string report = File.ReadAllText(Path.Combine(directory, "sample", "report.md"));
        Assert.Contains("#### Prior", report, StringComparison.Ordinal);
        Assert.Matches(@"(\*\*This decision set their benchmark covariance aside\*\*|Their benchmark covariance predicts each)", report);
    }

    static List<JsonElement> JsonLines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            try { return JsonDocument.Parse(l).RootElement.Clone(); }
            catch (JsonException) { Assert.Fail($"stdout has a line that is not JSON: {l}"); throw; }
        }).ToList();

    static string Type(JsonElement message) => message.GetProperty("type").GetString()!;

    [Fact]
    public void WhatTheCliWritesTheTasksReaderReadsBackEveryField()
    {
        // The protocol round trip: the real process writes (messages, result file), the MSBuild task's own reader reads.
        string spec = WriteStudy("8");
        string resultPath = Path.Combine(directory, "result.json");
        var run = BomaxProcess.Run(directory, ProcessLimit, ["run", spec, "--messages", "json", "--result", resultPath]);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());

        var parsed = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(TaskMessage.Parse).ToList();
        Assert.DoesNotContain(parsed, m => m is TaskMessage.Other or TaskMessage.Text); // every line is a message the task knows
        Assert.Contains(parsed, m => m is TaskMessage.Info);
        var result = Assert.IsType<TaskMessage.Result>(parsed[^1]).Study;
        var raw = JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal(raw.GetProperty("checkpoint").GetString(), result.Checkpoint);
        Assert.Equal(raw.GetProperty("prob_best").GetRawText(), result.ProbabilityBest);
        Assert.Equal(raw.GetProperty("expected_shortfall").GetRawText(), result.ExpectedShortfall);
        Assert.Equal("0", result.HeldOutCheck); // 8 evaluations: not checked
        Assert.Equal(8, result.Evaluations);
        Assert.Equal(8, result.NewEvaluations);
        Assert.Equal(12, result.GridCells);
        Assert.Equal("budget-spent", result.End);
        Assert.Equal(spec, result.Spec);
        Assert.False(string.IsNullOrEmpty(result.CheckpointPath));
        var (fromFile, error) = TaskResult.ReadFile(resultPath);
        Assert.Null(error);
        Assert.Equal(result, fromFile);

        // A spec error: the task reads its position, and the process exits with the usage code (the spec errors say why).
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("parallel: 2", "parallel: many"));
        var bad = BomaxProcess.Run(directory, ProcessLimit, ["run", spec, "--messages", "json"]);
        Assert.Equal(ExitCodes.UsageError, bad.ExitCode);
        var messages = bad.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(TaskMessage.Parse).ToList();
        var specError = Assert.IsType<TaskMessage.SpecError>(Assert.Single(messages, m => m is TaskMessage.SpecError));
        Assert.Equal((spec, "eval.parallel"), (specError.File, specError.Field));
        Assert.True(specError.Line > 0 && specError.Column > 0, specError.ToString());
        Assert.DoesNotContain(messages, m => m is TaskMessage.Other or TaskMessage.Text);
    }

    [Theory]
    [InlineData(ErrorReasons.Usage, ExitCodes.UsageError)]
    [InlineData(ErrorReasons.EvaluationsFailing, ExitCodes.EvaluationsFailing)]
    [InlineData(ErrorReasons.Interrupted, ExitCodes.Interrupted)]
    public void AnErrorTheCliWritesIsReadByTheTaskWithTheReasonOfItsExitCode(string reason, int exitCode)
    {
        var writer = new StringWriter();
        new Bomax.Cli.Output.JsonMessages(writer).Error(reason, "why it stopped");

        var error = Assert.IsType<TaskMessage.Error>(TaskMessage.Parse(writer.ToString().TrimEnd('\n')));
        Assert.Equal((reason, "why it stopped"), (error.Reason, error.Message));
        Assert.Equal(exitCode, ErrorReasons.ExitCodeOf(error.Reason));
        Assert.Null(ErrorReasons.ExitCodeOf("something-new")); // a reason this side does not know maps to no code
    }

    [Fact]
    public void AnExpectedShortfallStopEndsTheRunOnceThePickIsThatNearTheBest()
    {
        // A loose limit: the first model's pick is already expected within 50 % of the best, so the run stops
        // there instead of spending the whole grid.
        string spec = WriteStudy("12", "stop: { expected-shortfall: 50% }");

        var run = BomaxProcess.Run(directory, ProcessLimit, ["run", spec, "--messages", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonLines(run.Stdout)[^1];
        Assert.Equal("result", Type(result));
        Assert.Equal("near-best", result.GetProperty("end").GetString());
        Assert.InRange(result.GetProperty("evaluations").GetInt32(), 1, 11);
        double share = result.GetProperty("expected_shortfall").GetDouble()
            / (result.GetProperty("score").GetDouble() + result.GetProperty("expected_shortfall").GetDouble());
        Assert.True(share <= 0.5, $"stopped at a shortfall of {share:P2}");
        Assert.Contains("stopped early: the pick's expected shortfall reached 50%, and it is within that of the best with probability 0.9 "
            + "or more", run.Stderr);
    }

    [Fact]
    public void JsonMessagesEndWithTheResultWhichTheResultFileHolds()
    {
        string spec = WriteStudy("8");
        string resultPath = Path.Combine(directory, "obj", "result.json");

        var run = BomaxProcess.Run(directory, ProcessLimit,
            ["run", spec, "--messages", "json", "--result", resultPath, "-o", Path.Combine(directory, "reports")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var messages = JsonLines(run.Stdout);
        Assert.Equal("info", Type(messages[0]));
        Assert.Contains("6 checkpoints × 2 benchmarks = 12 pairs", messages[0].GetProperty("message").GetString());
        Assert.Contains(messages, m => Type(m) == "progress"
            && m.GetProperty("message").GetString()!.StartsWith("round 1: 0/8 evaluations", StringComparison.Ordinal));
        var result = messages[^1];
        Assert.Equal("result", Type(result));
        Assert.Equal("ckpt-400", result.GetProperty("checkpoint").GetString());
        Assert.Equal(400, result.GetProperty("step").GetInt64());
        Assert.Equal("ckpt-400", result.GetProperty("checkpoint_path").GetString()); // a list entry that is no file stays a name
        Assert.Equal(8, result.GetProperty("evaluations").GetInt32());
        Assert.Equal(8, result.GetProperty("new_evaluations").GetInt32());
        Assert.Equal(12, result.GetProperty("grid_cells").GetInt32());
        Assert.Equal("budget-spent", result.GetProperty("end").GetString());
        Assert.InRange(result.GetProperty("score").GetDouble(), result.GetProperty("low").GetDouble(), result.GetProperty("high").GetDouble());
        Assert.InRange(result.GetProperty("prob_best").GetDouble(), 0.5, 1.0);
        // Not surely the best on 8 of 12 pairs: expected to fall a little short of the best average, by far less than a point.
        Assert.True(result.GetProperty("prob_best").GetDouble() < 1);
        Assert.InRange(result.GetProperty("expected_shortfall").GetDouble(), 1e-9, 0.01);
        Assert.Equal(Path.Combine(directory, "journal.jsonl"), result.GetProperty("journal").GetString());
        Assert.Equal(Path.Combine(directory, "reports", "report.md"), result.GetProperty("summary").GetString());
        Assert.True(File.Exists(result.GetProperty("summary").GetString()));

        using var file = JsonDocument.Parse(File.ReadAllText(resultPath));
        Assert.Equal(result.ToString(), JsonSerializer.Serialize(file.RootElement));
        // The text a person reads is still there, on stderr.
        Assert.Contains("selected: ckpt-400 (step 400)", run.Stderr);
    }

    [Fact]
    public void ASpecErrorIsAMessageWithItsPositionAndNoResultFileIsLeft()
    {
        string spec = WriteStudy("8", "  timeout: soon");
        string resultPath = Path.Combine(directory, "result.json");
        File.WriteAllText(resultPath, "{\"type\":\"result\",\"checkpoint\":\"stale\"}");

        var run = BomaxProcess.Run(directory, ProcessLimit, ["run", spec, "--messages", "json", "--result", resultPath]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = Assert.Single(JsonLines(run.Stdout));
        Assert.Equal("spec-error", Type(error));
        Assert.Equal(spec, error.GetProperty("file").GetString());
        Assert.Equal(8, error.GetProperty("line").GetInt32());
        Assert.Equal(12, error.GetProperty("column").GetInt32());
        Assert.Equal("eval.timeout", error.GetProperty("field").GetString());
        Assert.False(File.Exists(resultPath), "the stale result of an earlier run was left behind");
    }

    [Fact]
    public void ABadOverrideIsAUsageErrorMessage()
    {
        string spec = WriteStudy("8");

        var run = BomaxProcess.Run(directory, ProcessLimit, ["run", spec, "--messages", "json", "--budget", "lots"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = Assert.Single(JsonLines(run.Stdout));
        Assert.Equal("error", Type(error));
        Assert.Equal("usage", error.GetProperty("reason").GetString());
        Assert.Equal("--budget", error.GetProperty("option").GetString()); // the MSBuild task names its property by it
        Assert.StartsWith("--budget 'lots' is not a budget", error.GetProperty("message").GetString());
    }
}

namespace Bomax.Tasks.Tests;

/// <summary>
/// The BomaxSelect task itself, with a recording build engine and a stand-in engine: a bash script run
/// as the "dotnet host", which prints the JSON lines and exits as the real engine would. Asserts the
/// whole log, with codes, files, lines and columns.
/// </summary>
public sealed class BomaxSelectTaskTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-task-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    (BomaxSelect Task, RecordingBuildEngine Engine) Select(string engineScript)
    {
        var tool = Path.Combine(directory, "fake-bomax.sh");
        File.WriteAllText(tool, engineScript.ReplaceLineEndings("\n") + "\n");
        var spec = Path.Combine(directory, "bomax.yml");
        File.WriteAllText(spec, "study: s\n");
        var engine = new RecordingBuildEngine();
        var task = new BomaxSelect
        {
            BuildEngine = engine,
            DotnetHost = "/bin/bash",
            ToolPath = tool,
            Spec = spec,
            ResultPath = Path.Combine(directory, "obj", "bomax.result.json"),
        };
        return (task, engine);
    }

    [Fact]
    public void ASuccessfulRunLogsProgressThePickAndSetsTheOutputs()
    {
        var (task, engine) = Select("""
            echo "args: $*" >&2
            echo '{"type":"info","message":"study s: 6 checkpoints × 2 benchmarks = 12 pairs"}'
            echo '{"type":"progress","message":"round 1: 0/8 evaluations"}'
            echo '{"type":"warning","message":"the budget is small"}'
            echo '{"type":"result","format":1,"study":"s","checkpoint":"ckpt-400","checkpoint_path":"/c/ckpt-400","step":400,"score":0.725,"low":0.7,"high":0.75,"prob_best":0.97,"expected_shortfall":0.0004,"held_out_check":0,"evaluations":8,"new_evaluations":8,"grid_cells":12,"end":"budget-spent","spec":"/w/bomax.yml","journal":"/w/j.jsonl","summary":"/w/report.md"}'
            """);

        Assert.True(task.Execute(), string.Join("\n", engine.Log));

        var log = engine.Log.Where(l => !l.StartsWith("message low: Bomax: /bin/bash", StringComparison.Ordinal)).ToList();
        Assert.Equal([
            "message normal: Bomax: study s: 6 checkpoints × 2 benchmarks = 12 pairs",
            "message normal: Bomax: round 1: 0/8 evaluations",
            "warning BMX1101 the budget is small",
            "message high: Bomax: selected ckpt-400 (step 400): estimated average 0.7250 (95% interval 0.7000 – 0.7500), P(best) 0.97; "
                + "8 of 12 pairs evaluated",
            "message low: Bomax: the engine exited with code 0",
        ], log.Where(l => !l.StartsWith("message low: args:", StringComparison.Ordinal)));
        // The engine was asked for JSON lines and a result file, with the spec and no PR comment.
        Assert.Contains($"message low: args: run {Path.Combine(directory, "bomax.yml")} --messages json --result "
            + $"{Path.Combine(directory, "obj", "bomax.result.json")} --comment off", log);
        Assert.Equal(("ckpt-400", "/c/ckpt-400", "400", "0.725", "0.97", "0.0004", "0", "/w/report.md"),
            (task.Checkpoint, task.CheckpointPath, task.Step, task.Score, task.ProbabilityBest, task.ExpectedShortfall, task.HeldOutCheck,
                task.SummaryPath));
    }

    [Fact]
    public void SpecErrorsAreErrorsAtTheirPositions()
    {
        var (task, engine) = Select("""
            echo '{"type":"spec-error","file":"/w/bomax.yml","line":8,"column":12,"field":"eval.timeout","message":"not a duration"}'
            echo '{"type":"spec-error","file":"/w/bomax.yml","line":11,"column":3,"field":"budget.max-evals","message":"must be at least 1"}'
            echo "bomax: 2 problem(s) in /w/bomax.yml; nothing was evaluated" >&2
            exit 2
            """);

        Assert.False(task.Execute());

        Assert.Equal([
            "error BMX1001 /w/bomax.yml(8,12): eval.timeout: not a duration",
            "error BMX1001 /w/bomax.yml(11,3): budget.max-evals: must be at least 1",
        ], engine.Log.Where(l => l.StartsWith("error", StringComparison.Ordinal)));
        Assert.Contains("message low: bomax: 2 problem(s) in /w/bomax.yml; nothing was evaluated", engine.Log);
        Assert.Equal("", task.Checkpoint);
    }

    [Theory]
    [InlineData(3, "error BMX1003 evaluations are failing; no checkpoint was selected: bomax: 5 of the last 5 evaluations failed")]
    [InlineData(130, "error BMX1004 interrupted; the journal keeps every finished evaluation and the next build resumes: "
        + "bomax: 5 of the last 5 evaluations failed")]
    [InlineData(2, "error BMX1002 bomax rejected its input; nothing was evaluated: bomax: 5 of the last 5 evaluations failed")]
    [InlineData(139, "error BMX1006 bomax exited with code 139: bomax: 5 of the last 5 evaluations failed")]
    public void AnExitCodeWithoutAnErrorMessageIsAnErrorWithItsCode(int exitCode, string error)
    {
        var (task, engine) = Select($"""
            echo "bomax: 5 of the last 5 evaluations failed" >&2
            exit {exitCode}
            """);

        Assert.False(task.Execute());

        Assert.Equal([error], engine.Log.Where(l => l.StartsWith("error", StringComparison.Ordinal)));
    }

    [Fact]
    public void AnErrorMessageIsLoggedOnceWithItsReasonsCode()
    {
        var (task, engine) = Select("""
            echo '{"type":"error","reason":"evaluations-failing","message":"4 of the last 5 evaluations failed; check eval.command"}'
            exit 3
            """);

        Assert.False(task.Execute());

        Assert.Equal(["error BMX1003 4 of the last 5 evaluations failed; check eval.command"],
            engine.Log.Where(l => l.StartsWith("error", StringComparison.Ordinal)));
    }

    [Fact]
    public void SuccessWithoutAResultFailsTheTask()
    {
        var (task, engine) = Select("echo '{\"type\":\"progress\",\"message\":\"round 1\"}'");

        Assert.False(task.Execute());

        Assert.Equal(["error BMX1006 bomax exited without reporting a result"],
            engine.Log.Where(l => l.StartsWith("error", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CancelSendsSigtermAndWaitsForTheEngineToStop()
    {
        var started = Path.Combine(directory, "started");
        var (task, engine) = Select($$"""
            trap 'kill $!; echo "{\"type\":\"error\",\"reason\":\"interrupted\",\"message\":\"interrupted; 4 evaluations are in j.jsonl\"}"; exit 130' TERM
            touch '{{started}}'
            sleep 60 & wait $!
            echo "not interrupted" >&2
            """);
        var running = Task.Run(task.Execute);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(started) && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(20);
        Assert.True(File.Exists(started), "the stand-in engine did not start");

        task.Cancel();

        // Well inside the 30 s grace after which the engine would be killed (and print nothing). The stand-in
        // traps SIGTERM only: it stops in time only if the task sends what reaches it when the test host runs
        // with SIGINT ignored (under `dotnet test` of the solution it can, and SIGINT then never arrived).
        Assert.True(await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10))) == running, "Execute did not return after Cancel");
        Assert.False(await running);
        Assert.Equal(["error BMX1004 the build was cancelled: interrupted; 4 evaluations are in j.jsonl"],
            engine.Log.Where(l => l.StartsWith("error", StringComparison.Ordinal)));
        Assert.DoesNotContain("message low: not interrupted", engine.Log);
    }

    [Fact]
    public void AGrandchildHoldingTheOutputOpenDoesNotKeepTheBuildWaiting()
    {
        var pid = Path.Combine(directory, "stray.pid");
        var (task, engine) = Select($$"""
            sleep 30 &
            echo $! > '{{pid}}'
            echo '{"type":"result","checkpoint":"c-1","step":1,"score":0.5,"prob_best":0.9,"evaluations":3,"grid_cells":6}'
            """);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();

            Assert.True(task.Execute(), string.Join("\n", engine.Log));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Execute waited {clock.Elapsed.TotalSeconds:0} s for a stray process");
            Assert.Equal("c-1", task.Checkpoint);
        }
        finally
        {
            if (File.Exists(pid))
            {
                try
                {
                    int id = int.Parse(File.ReadAllText(pid).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    System.Diagnostics.Process.GetProcessById(id).Kill();
                }
                catch (ArgumentException) { }
            }
        }
    }

    [Fact]
    public void AMissingEngineIsBmx1005()
    {
        var (task, engine) = Select("exit 0");
        task.ToolPath = Path.Combine(directory, "none", "bomax.dll");

        Assert.False(task.Execute());

        Assert.Equal([$"error BMX1005 the bomax engine was not found at '{task.ToolPath}' (set BomaxToolPath to a built bomax.dll, "
            + $"or restore the Bomax.Ci package)"], engine.Log);
    }
}

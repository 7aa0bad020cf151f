using Bomax.Cli.Commands;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// <c>bomax check</c> run in process (its output goes to a writer) against real eval processes: it must show the command
/// as run, the folder, the score and where it came from, warn about direction and scale, exit as <c>run</c> would, and
/// journal nothing.
/// </summary>
public sealed class CheckCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-check-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    string Write(string name, string text, bool executable = false)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        if (executable && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>An eval that writes an lm-eval-style results file with higher_is_better for its task, and prints a table.</summary>
    void WriteEval() => Write("eval.sh", """
        #!/bin/bash
        mkdir -p "$2/model"
        case "$1" in
          ppl) printf '{"results": {"ppl": {"word_perplexity,none": 12.5}}, "higher_is_better": {"ppl": {"word_perplexity": false}}}\n' > "$2/model/results_2025-01-01T00-00-00.json";;
          acc) printf '{"results": {"acc": {"acc,none": 0.61, "acc_stderr,none": 0.02}}, "higher_is_better": {"acc": {"acc": true}}}\n' > "$2/model/results_2025-01-01T00-00-00.json";;
          pct) echo "accuracy 61.5";;
          bad) echo "Traceback: CUDA out of memory" >&2; exit 1;;
        esac
        echo "|Tasks|Metric|Value|"
        """, executable: true);

    string Spec(string benchmarks) => Write("study.yml", $$"""
        study: checked
        checkpoints: { list: [ckpt-1, ckpt-2] }
        benchmarks:
        {{benchmarks}}
        eval:
          command: ./eval.sh {benchmark} {output_dir} 'a b'
          score: { lm-eval: 'acc,none' }
        """);

    static async Task<(int Exit, string Output)> Check(string spec, string? checkpoint = null, string? benchmark = null)
    {
        var output = new StringWriter();
        int exit = await CheckCommand.RunAsync(spec, checkpoint, benchmark, new Bomax.Cli.Output.Terminal(output, Console.Error),
            CancellationToken.None);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task SaysTheSpecsDeprecationWarningsBeforeTrying()
    {
        WriteEval();
        var spec = Spec("""
              - { name: acc, score: { json: 'results.acc.acc,none' } }
            """);
        var (exit, output) = await Check(spec);
        Assert.Equal(0, exit);
        Assert.Contains("  warning: " + spec + ":4:", output);
        Assert.Contains("such paths are deprecated", output);
        Assert.Contains("results.acc['acc,none']", output);
    }

    [Fact]
    public async Task PrintsTheCommandAsRunTheFolderAndTheScoreWithItsSourceAndJournalsNothing()
    {
        WriteEval();
        var spec = Spec("  - acc");

        var (exit, output) = await Check(spec);

        Assert.True(exit == 0, output);
        Assert.Contains("ckpt-2 × acc", output); // the last checkpoint by default
        Assert.Contains($"  command: {Path.Combine(directory, "eval.sh")} acc {Path.Combine(directory, ".bomax", "checked", "check")}", output);
        Assert.Contains("'a b'", output); // quoted as a shell would need it
        Assert.Matches(@"  output:  .*/\.bomax/checked/check/ckpt-2-[0-9a-f]{8}/acc-[0-9a-f]{8}/attempt-1", output);
        Assert.Contains("  score 0.61 ± 0.02 from model/results_2025-01-01T00-00-00.json: results.acc.\"acc,none\"", output);
        Assert.Contains("  goal: maximize (the results say so)", output);
        Assert.False(File.Exists(Path.Combine(directory, ".bomax", "checked.jsonl")), "check must not journal");
        Assert.DoesNotContain("note:", output); // the score came with its standard error
    }

    [Fact]
    public async Task RunsOnePairPerDistinctScoreRuleAndWarnsAboutDirectionAndScale()
    {
        WriteEval();
        var spec = Spec("""
              - acc
              - acc2
              - { name: ppl, score: { lm-eval: 'word_perplexity,none' }, goal: maximize }
              - { name: pct, score: last-number }
            """);

        var (exit, output) = await Check(spec, checkpoint: "ckpt-1");

        Assert.True(exit == 0, output);
        Assert.Contains("3 pair(s) to try", output); // acc2 shares acc's command and rule
        Assert.Contains("ckpt-1 × ppl", output);
        Assert.Contains("  goal: maximize (goal: in the spec)", output);
        Assert.Contains("warning: benchmarks[2] ppl: goal: maximize in", output);
        Assert.Contains("its results say lower is better", output);
        Assert.Contains("warning: mixed scales: acc scored within ±1 and ppl, pct beyond it", output);
        // acc's results carry acc_stderr; lm-eval's perplexity and a printed number carry none
        Assert.Contains("  note: ppl, pct came without a standard error, so the model fits one noise variance for the benchmarks scored so: "
            + "where benchmarks are noisy by different amounts, P(best) and the stop rules can read too sure.", output);
    }

    [Theory]
    [InlineData("0.0")] // an error of 0 is none, as the model reads it
    [InlineData("")]
    public async Task SaysWhenNoScoreCameWithAStandardError(string error)
    {
        string stderrField = error.Length > 0 ? $", \"acc_stderr,none\": {error}" : "";
        Write("eval.sh", "#!/bin/bash\nmkdir -p \"$2/model\"\n"
            + $"printf '{{\"results\": {{\"%s\": {{\"acc,none\": 0.5{stderrField}}}}}}}\\n' \"$1\" > \"$2/model/results_2025-01-01T00-00-00.json\"\n",
            executable: true);
        var spec = Write("study.yml", """
            study: checked
            checkpoints: { list: [ckpt-1] }
            benchmarks:
              - arc
              - { name: piqa, command: "./eval.sh {benchmark} {output_dir} again" }
            eval:
              command: ./eval.sh {benchmark} {output_dir}
              score: { lm-eval: 'acc,none' }
            """);

        var (exit, output) = await Check(spec);

        Assert.True(exit == 0, output);
        Assert.Contains("2 pair(s) to try", output);
        Assert.Contains("  note: No score came with a standard error, so the model fits one noise variance for every benchmark: ", output);
        Assert.Contains("(`eval.score: lm-eval: METRIC` records it; `bomax record --stderr` takes a worker's)", output);
    }

    [Fact]
    public async Task AFailingEvaluationExitsThreeWithItsMessageAndStderr()
    {
        WriteEval();
        var spec = Spec("  - bad");

        var (exit, output) = await Check(spec, benchmark: "bad");

        Assert.Equal(3, exit);
        Assert.Contains("failed (exit)", output);
        Assert.Contains("exit code 1: Traceback: CUDA out of memory", output);
        Assert.Contains("1 of 1 pair(s) failed", output);
    }

    [Fact]
    public async Task AnUnknownBenchmarkOrCheckpointExitsTwoBeforeRunningAnything()
    {
        WriteEval();
        var spec = Spec("  - acc");

        Assert.Equal(2, (await Check(spec, benchmark: "accc")).Exit);
        Assert.Equal(2, (await Check(spec, checkpoint: "ckpt-9")).Exit);
        Assert.False(Directory.Exists(Path.Combine(directory, ".bomax", "checked", "check")));
    }

    [Fact]
    public async Task ABadSpecExitsTwo()
    {
        var spec = Write("study.yml", "study: x\ncheckpoints: { list: [a] }\nbenchmarks: [b]\neval: { command: \"run 'x\" }\n");

        Assert.Equal(2, (await Check(spec)).Exit);
    }
}

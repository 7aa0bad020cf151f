using Bomax.Cli.Commands;
using Bomax.Cli.Evaluation;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// <c>bomax init</c> run in process on a temporary folder: the spec it writes is read back by the same reader as
/// <c>bomax run</c>, each task is scored by the metric the harness reports for it (checked against real result files),
/// and bad input exits 2 with nothing written.
/// </summary>
public sealed class InitCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-init-tests-").FullName;
    readonly StringWriter output = new();
    readonly StringWriter errors = new();

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    string SpecPath => Path.Combine(directory, "bomax.yml");

    int Init(string checkpoints, string tasks, string? study = null, bool force = false) =>
        InitCommand.Run(new InitOptions([checkpoints], [tasks], SpecPath, study, force), output, errors);

    StudySpec ReadBack()
    {
        var read = SpecReader.ReadFile(SpecPath);
        Assert.True(read is SpecReadResult.Ok, read is SpecReadResult.Invalid invalid ? string.Join("\n", invalid.Errors) : "");
        return ((SpecReadResult.Ok)read).Spec;
    }

    static string Fixture(string name) => RepositoryPaths.LmEvalFixture(name);

    [Fact]
    public void TheWrittenSpecPassesValidationAndLoadsAsAStudyOverTheCheckpointsThere()
    {
        Directory.CreateDirectory(Path.Combine(directory, "runs", "sft-42", "checkpoint-100"));
        Directory.CreateDirectory(Path.Combine(directory, "runs", "sft-42", "checkpoint-200"));

        Assert.Equal(ExitCodes.Success, Init("runs/sft-42/checkpoint-*", "mmlu,gsm8k,hellaswag,wikitext"));

        var spec = ReadBack();
        Assert.Equal("sft-42", spec.Name);
        Assert.Equal("runs/sft-42/checkpoint-*", spec.Checkpoints.Glob);
        Assert.Null(spec.Checkpoints.StepPattern);
        Assert.Equal(["mmlu", "gsm8k", "hellaswag", "wikitext"], spec.Benchmarks.Select(b => b.Name));
        Assert.Equal<ScoreRule?>([new ScoreRule.LmEval("acc,none"), new ScoreRule.LmEval("exact_match,strict-match"),
            new ScoreRule.LmEval("acc_norm,none"), new ScoreRule.LmEval("word_perplexity,none")], spec.Benchmarks.Select(b => b.Score));
        Assert.Equal([null, null, null, ScoreGoal.Minimize], spec.Benchmarks.Select(b => b.Goal));
        Assert.All(spec.Benchmarks, b => Assert.Equal(1, b.Weight));
        Assert.All(spec.Benchmarks, b => Assert.Null(b.Command));
        Assert.Equal("lm_eval --model hf --model_args pretrained={checkpoint_path} --tasks {benchmark} --batch_size auto --output_path {output_dir}",
            spec.Eval.Command);
        Assert.Null(spec.Eval.Shell);
        Assert.Equal(new ScoreRule.LmEval("acc,none"), spec.Eval.Score);
        Assert.Equal(TimeSpan.FromHours(1), spec.Eval.Timeout);
        Assert.Equal(1, spec.Eval.Retries);
        Assert.Equal(1, spec.Eval.Parallel);
        Assert.Equal(new BudgetSpec(null, 0.10, null), spec.Budget);
        Assert.Equal(StopSpec.Default, spec.Stop);
        Assert.Equal(EngineSpec.Default, spec.Engine);

        var load = StudyContext.Load(SpecPath);
        var study = Assert.IsType<StudyLoad.Ok>(load).Study;
        Assert.Equal([100L, 200L], study.Checkpoints.Select(c => c.Step));
        Assert.Equal(Path.Combine(directory, "runs", "sft-42", "checkpoint-200"), study.Checkpoints[1].Path);
        Assert.Equal(4, study.Grid.BenchmarkCount);

        string printed = output.ToString();
        Assert.Contains("wrote " + SpecPath, printed);
        Assert.Contains("matches 2 checkpoints now, steps 100 to 200", printed);
        Assert.Contains("bomax check " + SpecPath, printed);
        Assert.Contains("bomax run " + SpecPath, printed);
        Assert.Equal("", errors.ToString());
    }

    [Fact]
    public void EveryKeyHasACommentAndTheHeaderSaysHowItWasWrittenAndWhatToRunNext()
    {
        Assert.Equal(ExitCodes.Success, Init("runs/x/checkpoint-*", "mmlu,gsm8k"));

        var lines = File.ReadAllLines(SpecPath);
        Assert.StartsWith("# ", lines[0]);
        Assert.Contains(lines.TakeWhile(l => l.StartsWith('#')),
            l => l.Contains("bomax init --checkpoints 'runs/x/checkpoint-*' --tasks mmlu,gsm8k"));
        Assert.Contains(lines.TakeWhile(l => l.StartsWith('#')), l => l.Contains($"bomax check {SpecPath}"));
        var keyLines = lines.Where(l => l.Length > 0 && !l.StartsWith('#') && !l.TrimStart().StartsWith('#')).ToList();
        Assert.All(keyLines.Where(l => !l.TrimStart().StartsWith("command:")), l => Assert.Contains(" # ", l));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("# step:"));
        Assert.Contains(lines, l => l.StartsWith("# stop:"));
        Assert.DoesNotContain("\r", File.ReadAllText(SpecPath));
    }

    [Theory]
    [InlineData("mmlu", "acc,none", false)]
    [InlineData("gsm8k", "exact_match,strict-match", false)]
    [InlineData("hellaswag", "acc_norm,none", false)]
    [InlineData("wikitext", "word_perplexity,none", true)]
    [InlineData("triviaqa", "exact_match,remove_whitespace", false)]
    [InlineData("humaneval", "pass@1,create_test", false)]
    public void AKnownTaskIsScoredByItsCatalogMetricAndDirection(string task, string metric, bool minimize)
    {
        Assert.Equal(ExitCodes.Success, Init("runs/x/checkpoint-*", task));

        var benchmark = Assert.Single(ReadBack().Benchmarks);
        Assert.Equal(new ScoreRule.LmEval(metric), benchmark.Score);
        Assert.Equal(minimize ? ScoreGoal.Minimize : null, benchmark.Goal);
    }

    [Fact]
    public void EveryCatalogTaskAtOnceReadsBackWithItsMetricAndGoal()
    {
        Assert.Equal(ExitCodes.Success, Init("runs/x/checkpoint-*", string.Join(',', LmEvalTasks.All.Select(t => t.Name))));

        var spec = ReadBack();
        Assert.Equal(LmEvalTasks.All.Select(t => t.Name), spec.Benchmarks.Select(b => b.Name));
        foreach (var (task, benchmark) in LmEvalTasks.All.Zip(spec.Benchmarks))
        {
            Assert.Equal(new ScoreRule.LmEval(task.Metric), benchmark.Score);
            Assert.Equal(task.Goal == ScoreGoal.Minimize ? ScoreGoal.Minimize : null, benchmark.Goal);
        }
        Assert.DoesNotContain("unknown", errors.ToString());
    }

    [Fact]
    public void EveryCatalogMetricIsAMetricAndFilterPair()
    {
        Assert.All(LmEvalTasks.All, task =>
        {
            var parts = task.Metric.Split(',');
            Assert.Equal(2, parts.Length);
            Assert.All(parts, part => Assert.Matches("^[A-Za-z0-9_@-]+$", part));
        });
        Assert.Equal(LmEvalTasks.All.Count, LmEvalTasks.All.Select(t => t.Name).Distinct().Count());
        Assert.DoesNotContain(LmEvalTasks.Tags.Keys, tag => LmEvalTasks.Find(tag) is not null);
    }

    [Theory]
    [InlineData("mmlu", "F1_v043_llama31_mmlu.json", "mmlu", true)]
    [InlineData("gsm8k_cot_llama", "G_gsm8k_cot_llama.json", "gsm8k_cot_llama", true)]
    [InlineData("arc_challenge", "C2_v03_testdata_arc_challenge.json", "arc_challenge", null)]
    [InlineData("wikitext", "H_v0492_perplexity.json", "nl2foam_perplexity_original", false)]
    public void TheCatalogMetricReadsFromARealResultsFileWithItsDirection(string task, string fixture, string resultsTask, bool? higherIsBetter)
    {
        var known = LmEvalTasks.Find(task);
        Assert.NotNull(known);

        var result = Assert.IsType<Scored>(LmEvalResults.Extract(known.Metric, "", Fixture(fixture), resultsTask));
        Assert.True(double.IsFinite(result.Score));
        Assert.Equal(higherIsBetter, result.HigherIsBetter);
        if (higherIsBetter is { } higher) Assert.Equal(higher ? ScoreGoal.Maximize : ScoreGoal.Minimize, known.Goal);
    }

    [Fact]
    public void AnUnknownTaskGetsTheStudyDefaultAMarkedLineAndAWarning()
    {
        Assert.Equal(ExitCodes.Success, Init("runs/x/checkpoint-*", "mmlu,my_private_task"));

        var spec = ReadBack();
        var unknown = spec.Benchmarks[1];
        Assert.Equal("my_private_task", unknown.Name);
        Assert.Null(unknown.Score);
        Assert.Null(unknown.Goal);
        Assert.Equal(new ScoreRule.LmEval("acc,none"), spec.Eval.Score);
        var line = Assert.Single(File.ReadAllLines(SpecPath), l => l.Contains("\"my_private_task\""));
        Assert.Contains("# unknown to bomax init: check its metric with bomax check", line);
        Assert.DoesNotContain(File.ReadAllLines(SpecPath), l => l.Contains("\"mmlu\"") && l.Contains("unknown"));
        Assert.Contains("warning: unknown to bomax init: my_private_task", errors.ToString());
        Assert.Contains("--benchmark my_private_task", errors.ToString());
    }

    [Fact]
    public void AnExistingFileIsRefusedWithoutForceAndLeftUntouched()
    {
        File.WriteAllText(SpecPath, "study: mine\n");

        Assert.Equal(ExitCodes.UsageError, Init("runs/x/checkpoint-*", "mmlu"));

        Assert.Equal("study: mine\n", File.ReadAllText(SpecPath));
        Assert.Contains("exists", errors.ToString());
        Assert.Contains("--force", errors.ToString());
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void ForceReplacesAnExistingFile()
    {
        File.WriteAllText(SpecPath, new string('x', 10_000));

        Assert.Equal(ExitCodes.Success, Init("runs/x/checkpoint-*", "gsm8k", force: true));

        var spec = ReadBack();
        Assert.Equal("gsm8k", Assert.Single(spec.Benchmarks).Name);
        Assert.DoesNotContain("xxx", File.ReadAllText(SpecPath));
    }

    [Theory]
    [InlineData("mmlu,gsm8k,mmlu", "twice")]
    [InlineData("mmlu,,gsm8k", "empty name")]
    [InlineData("mmlu,", "empty name")]
    [InlineData(",mmlu", "empty name")]
    [InlineData("", "give the tasks")]
    [InlineData(" , ", "empty name")]
    [InlineData("mmlu gsm8k", "separate tasks with commas")]
    [InlineData("-mmlu", "cannot be a benchmark")]
    [InlineData("mmlu/{step}", "cannot be a benchmark")]
    [InlineData("gpqa", "name the tasks instead, e.g. gpqa_main_zeroshot")]
    [InlineData("ai2_arc", "tag")]
    public void DuplicateEmptyAndImpossibleTaskNamesExit2WithNothingWritten(string tasks, string message)
    {
        Assert.Equal(ExitCodes.UsageError, Init("runs/x/checkpoint-*", tasks));

        Assert.False(File.Exists(SpecPath));
        Assert.Contains(message, errors.ToString());
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void NoTasksOptionAtAllExits2()
    {
        Assert.Equal(ExitCodes.UsageError, InitCommand.Run(new InitOptions(["runs/x/*"], [], SpecPath, null, false), output, errors));
        Assert.Contains("give the tasks", errors.ToString());
        Assert.False(File.Exists(SpecPath));
    }

    [Fact]
    public void TasksMayBeGivenInSeveralOptionsAndWithSpacesAfterCommas()
    {
        Assert.Equal(ExitCodes.Success,
            InitCommand.Run(new InitOptions(["runs/x/*"], ["mmlu, gsm8k", "hellaswag"], SpecPath, null, false), output, errors));
        Assert.Equal(["mmlu", "gsm8k", "hellaswag"], ReadBack().Benchmarks.Select(b => b.Name));
    }

    [Theory]
    [InlineData(new string[0], "give the checkpoints")]
    [InlineData(new[] { "runs/x/checkpoint-100", "runs/x/checkpoint-200" }, "the shell expanded the pattern")]
    [InlineData(new[] { "  " }, "empty")]
    [InlineData(new[] { "runs/x\n/checkpoint-*" }, "control character")]
    public void AMissingExpandedOrBrokenCheckpointPatternExits2(string[] checkpoints, string message)
    {
        Assert.Equal(ExitCodes.UsageError, InitCommand.Run(new InitOptions(checkpoints, ["mmlu"], SpecPath, null, false), output, errors));
        Assert.Contains(message, errors.ToString());
        Assert.False(File.Exists(SpecPath));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("..")]
    [InlineData("run/42")]
    public void AStudyNameTheSpecWouldRefuseExits2(string study)
    {
        Assert.Equal(ExitCodes.UsageError, Init("runs/x/*", "mmlu", study));
        Assert.Contains("not a valid study name", errors.ToString());
        Assert.False(File.Exists(SpecPath));
    }

    [Fact]
    public void AnOutputPathInAFolderThatDoesNotExistOrThatIsAFolderExits2()
    {
        Assert.Equal(ExitCodes.UsageError,
            InitCommand.Run(new InitOptions(["runs/x/*"], ["mmlu"], Path.Combine(directory, "missing", "bomax.yml"), null, false), output, errors));
        Assert.Equal(ExitCodes.UsageError, InitCommand.Run(new InitOptions(["runs/x/*"], ["mmlu"], directory, null, true), output, errors));
        Assert.Contains("does not exist", errors.ToString());
        Assert.Contains("is a folder", errors.ToString());
    }

    [Theory]
    [InlineData("runs/a: b #c/checkpoint-*")]
    [InlineData("runs/\"quoted\" and 'single'/ckpt-*")]
    [InlineData("runs/back\\slash/{step}/- [x], {y}: &z *w ! % @ `/ckpt-*")]
    [InlineData("/data/ünï cödé/ckpt-*")]
    [InlineData("runs/line\u2028separator/ckpt-*")]
    [InlineData("null")]
    public void AGlobWithYamlSpecialCharactersRoundTripsExactly(string glob)
    {
        Assert.Equal(ExitCodes.Success, Init(glob, "mmlu"));

        Assert.Equal(glob, ReadBack().Checkpoints.Glob);
        Assert.All(File.ReadAllLines(SpecPath).TakeWhile(l => l.Length > 0), l => Assert.StartsWith("# ", l));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("0.10")]
    [InlineData("-.inf")]
    [InlineData("1e3")]
    [InlineData("-x_y.z")]
    public void AStudyNameYamlWouldReadAsAnotherTypeRoundTripsExactly(string study)
    {
        Assert.Equal(ExitCodes.Success, Init("runs/x/checkpoint-*", "mmlu", study));

        Assert.Equal(study, ReadBack().Name);
        Assert.Contains($"--study {study}", File.ReadAllLines(SpecPath)[1]);
    }

    [Theory]
    [InlineData("runs/sft-42/checkpoint-*", "sft-42")]
    [InlineData("/data/runs/exp.v2/ckpt-*", "exp.v2")]
    [InlineData("./runs/../llama 3: 8b/step_*", "llama-3-8b")]
    [InlineData("runs/**/checkpoint-*", "runs")]
    [InlineData("runs/final", "runs")]
    [InlineData("checkpoint-*", "my-project")]
    [InlineData("/ckpt-*", "study")]
    public void TheStudyNameIsTheCheckpointsFolderNameSanitised(string glob, string study)
    {
        Assert.Equal(study, SpecTemplate.StudyNameFor(glob, "/home/me/my project"));
    }

    [Fact]
    public void ADerivedStudyNameIsValidInTheSpec()
    {
        Assert.Equal(ExitCodes.Success, Init("runs/Llama 3 (8B): sft #2/checkpoint-*", "mmlu"));

        Assert.Equal("Llama-3-8B-sft-2", ReadBack().Name);
    }

    [Fact]
    public void APatternThatMatchesNothingYetIsWrittenWithANote()
    {
        Assert.Equal(ExitCodes.Success, Init("runs/not-yet/checkpoint-*", "mmlu"));

        Assert.Equal("runs/not-yet/checkpoint-*", ReadBack().Checkpoints.Glob);
        Assert.Contains("matches nothing yet", output.ToString());
    }

    [Fact]
    public void APatternWhoseNamesHaveNoStepSaysToSetStep()
    {
        Directory.CreateDirectory(Path.Combine(directory, "runs", "x", "final"));

        Assert.Equal(ExitCodes.Success, Init("runs/x/*", "mmlu"));

        Assert.Contains("checkpoints.step", output.ToString());
    }

    [Fact]
    public void APatternWithoutWildcardsIsWrittenWithAWarningThatTheShellMayHaveExpandedIt()
    {
        Assert.Equal(ExitCodes.Success, Init("runs/x/checkpoint-100", "mmlu"));

        Assert.Contains("has no * or ?", errors.ToString());
    }

    [Fact]
    public void TasksThatRunTheModelsCodeAreWarnedAbout()
    {
        Assert.Equal(ExitCodes.Success, Init("runs/x/*", "humaneval,mbpp"));

        Assert.Contains("--confirm_run_unsafe_code", errors.ToString());
    }

    [Fact]
    public void TheTextDependsOnTheRequestAloneAndReadsWithoutTheFileSystem()
    {
        var request = new SpecTemplateRequest("s", false, "runs/*", ["mmlu", "unknown_task"], "bomax.yml");

        string text = SpecTemplate.Text(request);

        Assert.Equal(text, SpecTemplate.Text(request with { Tasks = ["mmlu", "unknown_task"] }));
        var spec = Assert.IsType<SpecReadResult.Ok>(SpecReader.Read(text, "/nowhere/bomax.yml")).Spec;
        Assert.Equal(["mmlu", "unknown_task"], spec.Benchmarks.Select(b => b.Name));
        Assert.EndsWith("\n", text);
    }
}

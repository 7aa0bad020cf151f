using System.Globalization;
using Bomax.Cli.Evaluation;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Evaluation;

public sealed class ScoreExtractorTests : IDisposable
{
    private readonly EvaluationSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private string Out => Directory.CreateDirectory(_box.Output).FullName;

    private ScoreResult Extract(ScoreRule rule, string stdout, string benchmark = "arc_easy") =>
        ScoreExtractor.Extract(rule, stdout, Out, benchmark);

    private Scored AssertScored(ScoreRule rule, string stdout, string benchmark = "arc_easy") =>
        Assert.IsType<Scored>(Extract(rule, stdout, benchmark));

    private string AssertUnparseable(ScoreRule rule, string stdout, string benchmark = "arc_easy") =>
        Assert.IsType<Unparseable>(Extract(rule, stdout, benchmark)).Message;

    private string WriteFile(string relativePath, string text, DateTime? modified = null)
    {
        string path = Path.Combine(Out, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (modified is { } time)
            File.SetLastWriteTimeUtc(path, time);
        return path;
    }

    /// <summary>A real lm-evaluation-harness results file under Evaluation/Fixtures/lm-eval (its README says what each shows).</summary>
    private static string Fixture(string name) => File.ReadAllText(RepositoryPaths.LmEvalFixture(name));

    /// <summary>Where lm-eval 0.4.3 on writes its results for <c>--output_path {output_dir}</c> and a model at /data/models/ckpt-100.</summary>
    private const string HarnessLayout = "__data__models__ckpt-100/results_2024-06-03T01-54-41.753933.json";

    // ---- last number -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("score: 0.75\n", 0.75)]
    [InlineData("42", 42)]
    [InlineData("loss 1.5 then 2.5e-3\n", 0.0025)]
    [InlineData("delta=-0.5", -0.5)]
    [InlineData("acc = 75.3%.", 75.3)]
    [InlineData("Final accuracy: 0.61.\n\n", 0.61)]
    [InlineData("mean .5", 0.5)]
    [InlineData("big 1E+3", 1000)]
    [InlineData("3 then nan", 3)]
    [InlineData("7 inf -inf NaN Infinity", 7)]
    [InlineData("0.4 on gsm8k in run_2024 took 100ms", 0.4)]
    [InlineData("0.1 then 1e999", 0.1)]
    public void LastNumberTakesTheLastNumericToken(string stdout, double expected)
    {
        var scored = AssertScored(new ScoreRule.LastNumber(), stdout);
        Assert.Equal(expected, scored.Score, 12);
        Assert.Null(scored.StandardError);
    }

    [Fact]
    public void LastNumberSaysItReadTheLastNumber()
    {
        Assert.Equal("standard output, last number", AssertScored(new ScoreRule.LastNumber(), "acc 0.5\n").Source);
    }

    [Fact]
    public void LastNumberWithoutANumberShowsTheEndOfTheOutput()
    {
        string stdout = new string('.', 500) + "\nevaluation finished: nan (inf)\n";
        string message = AssertUnparseable(new ScoreRule.LastNumber(), stdout);
        Assert.StartsWith("no number in the output: it ended \"", message);
        Assert.Contains("evaluation finished: nan (inf)", message);
        Assert.True(message.Length < 300, message);
    }

    [Fact]
    public void LastNumberOnEmptyOutputSaysItWasEmpty()
    {
        Assert.Equal("no number in the output: the output was empty", AssertUnparseable(new ScoreRule.LastNumber(), " \n"));
    }

    // ---- regex -------------------------------------------------------------------------------------------

    [Fact]
    public void RegexTakesTheFirstGroupOfTheFirstMatch()
    {
        var scored = AssertScored(new ScoreRule.RegexScore("score=([0-9.]+)"), "warmup score=0.5\nscore=0.7\n");
        Assert.Equal(0.5, scored.Score);
    }

    [Fact]
    public void RegexWithoutAGroupTakesTheWholeMatchAndAnchorsWorkPerLine()
    {
        Assert.Equal(0.9, AssertScored(new ScoreRule.RegexScore(@"^\d\.\d+$"), "acc 0.3 ignored\n0.9\n").Score);
    }

    [Fact]
    public void RegexSaysWhichPatternItRead()
    {
        var scored = AssertScored(new ScoreRule.RegexScore("score=([0-9.]+)"), "score=0.7\n");
        Assert.Equal("standard output, regex 'score=([0-9.]+)'", scored.Source);
    }

    [Fact]
    public void RegexThatDoesNotMatchShowsTheOutput()
    {
        string message = AssertUnparseable(new ScoreRule.RegexScore("score=([0-9.]+)"), "accuracy: 0.5\n");
        Assert.Contains("does not match", message);
        Assert.Contains("accuracy: 0.5", message);
    }

    [Fact]
    public void RegexCaptureThatIsNotANumberSaysWhatWasCaptured()
    {
        string message = AssertUnparseable(new ScoreRule.RegexScore("score=(\\S+)"), "score=N/A\n");
        Assert.Contains("\"N/A\" is not a number", message);
    }

    [Fact]
    public void AnInvalidRegexIsUnparseableNotAnException()
    {
        Assert.Contains("invalid score regex", AssertUnparseable(new ScoreRule.RegexScore("score=([0-9"), "score=1"));
    }

    // ---- JSON path ---------------------------------------------------------------------------------------

    [Fact]
    public void JsonPathReadsTheWholeStdout()
    {
        var stdout = """
            {
              "results": {"score": 0.8125, "n": 400}
            }
            """;
        Assert.Equal(0.8125, AssertScored(new ScoreRule.JsonPath("results.score"), stdout).Score);
    }

    [Fact]
    public void JsonPathReadsTheLastJsonLineAfterLogs()
    {
        var stdout = """
            INFO loading model
            {"progress": 0.5}
            {"results": {"score": 0.6}}
            done
            """;
        Assert.Equal(0.6, AssertScored(new ScoreRule.JsonPath("results.score"), stdout).Score);
    }

    [Fact]
    public void JsonPathHandlesArrayIndicesKeysWithCommasAndNumericStrings()
    {
        var stdout = """{"a": {"b": [{"c": 1}, {"c": 2, "acc,none": "0.375"}]}, "x.y": {"z": 9}}""";
        Assert.Equal(2, AssertScored(new ScoreRule.JsonPath("a.b[1].c"), stdout).Score);
        Assert.Equal(0.375, AssertScored(new ScoreRule.JsonPath("$.a.b[1].acc,none"), stdout).Score);
        Assert.Equal(9, AssertScored(new ScoreRule.JsonPath("x.y.z"), stdout).Score);
    }

    [Fact]
    public void AJsonPointerReadsKeysTheDottedFormReadsTwoWays()
    {
        // "a.b" then "c", or "a" then "b.c": the dotted path takes the first it finds; a pointer names one.
        var stdout = """{"a.b": {"c": 1}, "a": {"b.c": 2, "x/y": {"~t": 3}, "list": [10, 20]}}""";
        Assert.Equal(1, AssertScored(new ScoreRule.JsonPath("/a.b/c"), stdout).Score);
        Assert.Equal(2, AssertScored(new ScoreRule.JsonPath("/a/b.c"), stdout).Score);
        Assert.Equal(3, AssertScored(new ScoreRule.JsonPath("/a/x~1y/~0t"), stdout).Score);
        Assert.Equal(20, AssertScored(new ScoreRule.JsonPath("/a/list/1"), stdout).Score);
        Assert.Equal("the JSON on standard output has no number at '/a/b': 'a' has no key 'b' (keys: b.c, x/y, list)",
            AssertUnparseable(new ScoreRule.JsonPath("/a/b"), stdout).Split("; ")[0]);
        Assert.Contains("'list' has 2 elements, so no /2", AssertUnparseable(new ScoreRule.JsonPath("/a/list/2"), stdout));
        Assert.Equal("the json score path '/a/~2' is a JSON Pointer with '~' not followed by 0 or 1 in '~2' (write ~0 for '~' and ~1 for '/')",
            ScoreExtractor.PathProblem("/a/~2"));
        Assert.Null(ScoreExtractor.PathProblem("/a.b/c"));
    }

    [Fact]
    public void JsonPathFallsBackToTheNewestJsonFileUnderTheOutputDirectory()
    {
        var now = DateTime.UtcNow;
        WriteFile("old/metrics.json", """{"results": {"score": 0.1}}""", now.AddMinutes(-5));
        WriteFile("new/metrics.json", """{"results": {"score": 0.9}}""", now);
        WriteFile("other.json", """{"unrelated": true}""", now.AddMinutes(1));

        Assert.Equal(0.9, AssertScored(new ScoreRule.JsonPath("results.score"), "plain log text 123\n").Score);
    }

    [Fact]
    public void JsonPathSaysWhetherItReadStdoutOrWhichFile()
    {
        var fromStdout = AssertScored(new ScoreRule.JsonPath("results.score"), """{"results": {"score": 0.6}}""");
        Assert.Equal("standard output: results.score", fromStdout.Source);

        WriteFile("eval/metrics.json", """{"results": {"score": 0.9}}""");
        var fromFile = AssertScored(new ScoreRule.JsonPath("results.score"), "plain log text\n");
        Assert.Equal($"{Path.Combine("eval", "metrics.json")}: results.score", fromFile.Source);
    }

    [Fact]
    public void JsonPathThatIsMissingListsTheKeysFound()
    {
        string message = AssertUnparseable(new ScoreRule.JsonPath("results.acc"), """{"results": {"score": 1, "loss": 2}}""");
        Assert.Contains("'results' has no key 'acc' (keys: score, loss)", message);
        Assert.Contains("no *.json files", message);
    }

    [Fact]
    public void JsonValueThatIsNotANumberSaysWhatItIs()
    {
        string message = AssertUnparseable(new ScoreRule.JsonPath("results.score"), """{"results": {"score": "N/A"}}""");
        Assert.Contains("'score' is the string \"N/A\", not a number", message);
    }

    [Fact]
    public void JsonWithoutAnyJsonSaysSo()
    {
        string message = AssertUnparseable(new ScoreRule.JsonPath("results.score"), "just text\n");
        Assert.Contains("no JSON on standard output", message);
        Assert.Contains("just text", message);
    }

    [Fact]
    public void JsonFilesWrittenByPythonWithNaNStillParse()
    {
        WriteFile("metrics.json", """{"results": {"score": 0.5, "stderr": NaN, "note": "NaN stays text"}}""");
        Assert.Equal(0.5, AssertScored(new ScoreRule.JsonPath("results.score"), "").Score);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void JsonValueThatIsNonFiniteIsNamed(string token)
    {
        WriteFile("metrics.json", $$$"""{"results": {"score": {{{token}}}, "note": "NaN stays text", "q": "say \"Infinity\""}}""");
        string message = AssertUnparseable(new ScoreRule.JsonPath("results.score"), "");
        Assert.Contains($"'score' is {token}, not a finite number", message);
        Assert.Contains("'note' is the string \"NaN stays text\", not a number",
                        AssertUnparseable(new ScoreRule.JsonPath("results.note"), ""));
        Assert.Contains("'q' is the string \"say \"Infinity\"\", not a number",
                        AssertUnparseable(new ScoreRule.JsonPath("results.q"), ""));
    }

    // ---- lm-evaluation-harness ---------------------------------------------------------------------------

    /// <summary>An lm-eval 0.4 results file, trimmed to the parts that matter and a few that do not.</summary>
    private static string LmEvalResults(double acc, object accNormStderr) => $$$"""
        {
          "results": {
            "arc_easy": {
              "alias": "arc_easy",
              "acc,none": {{{acc.ToString(CultureInfo.InvariantCulture)}}},
              "acc_stderr,none": 0.0089,
              "acc_norm,none": 0.71,
              "acc_norm_stderr,none": {{{accNormStderr}}}
            }
          },
          "group_subtasks": {"arc_easy": []},
          "configs": {
            "arc_easy": {
              "task": "arc_easy",
              "tag": ["ai2_arc"],
              "dataset_path": "allenai/ai2_arc",
              "dataset_name": "ARC-Easy",
              "output_type": "multiple_choice",
              "doc_to_text": "Question: <question>\nAnswer:",
              "num_fewshot": 0,
              "metric_list": [
                {"metric": "acc", "aggregation": "mean", "higher_is_better": true},
                {"metric": "acc_norm", "aggregation": "mean", "higher_is_better": true}
              ],
              "metadata": {"version": 1.0}
            }
          },
          "versions": {"arc_easy": 1.0},
          "n-shot": {"arc_easy": 0},
          "higher_is_better": {"arc_easy": {"acc": true, "acc_norm": true}},
          "n-samples": {"arc_easy": {"original": 2376, "effective": 2376}},
          "config": {
            "model": "hf",
            "model_args": "pretrained=/ckpts/step-1000",
            "batch_size": "8",
            "device": "cuda:0"
          },
          "git_hash": "4600d6bf",
          "date": 1718123456.789,
          "model_name": "/ckpts/step-1000",
          "model_name_sanitized": "__ckpts__step-1000",
          "total_evaluation_time_seconds": "123.4"
        }
        """;

    private const string MmluResults = """
        {
          "results": {
            "mmlu": {"acc,none": 0.4612, "acc_stderr,none": 0.0041, "alias": "mmlu"},
            "mmlu_humanities": {"acc,none": 0.43, "acc_stderr,none": 0.007, "alias": " - humanities"},
            "mmlu_formal_logic": {"alias": "  - formal_logic", "acc,none": 0.31, "acc_stderr,none": 0.041}
          },
          "groups": {
            "mmlu": {"acc,none": 0.4612, "acc_stderr,none": 0.0041, "alias": "mmlu"},
            "mmlu_humanities": {"acc,none": 0.43, "acc_stderr,none": 0.007, "alias": " - humanities"}
          },
          "group_subtasks": {"mmlu_humanities": ["mmlu_formal_logic"], "mmlu": ["mmlu_humanities"]},
          "configs": {},
          "versions": {"mmlu": 2, "mmlu_humanities": 2, "mmlu_formal_logic": 1.0},
          "n-shot": {"mmlu_formal_logic": 0}
        }
        """;

    [Fact]
    public void LmEvalReadsTheNewestNestedResultsFileWithItsStandardError()
    {
        var now = DateTime.UtcNow;
        WriteFile("__ckpts__step-1000/results_2024-06-01T10-00-00.123456.json", LmEvalResults(0.70, "0.0093"), now.AddMinutes(-10));
        WriteFile("__ckpts__step-1000/results_2024-06-01T11-00-00.654321.json", LmEvalResults(0.75, "0.0093"), now);
        WriteFile("__ckpts__step-1000/samples_arc_easy_2024-06-01T11-00-00.654321.jsonl", "{\"doc_id\": 0}\n", now.AddMinutes(1));

        var scored = AssertScored(new ScoreRule.LmEval("acc,none"), "|arc_easy|1|none|0|acc|0.75|±|0.0089|\n");
        Assert.Equal(0.75, scored.Score);
        Assert.Equal(0.0089, scored.StandardError);
    }

    [Fact]
    public void LmEvalStandardErrorOfNAIsNull()
    {
        WriteFile("model/results_2024-06-01T11-00-00.json", LmEvalResults(0.75, "\"N/A\""));
        var scored = AssertScored(new ScoreRule.LmEval("acc_norm,none"), "");
        Assert.Equal(0.71, scored.Score);
        Assert.Null(scored.StandardError);
    }

    [Fact]
    public void LmEvalAcceptsABareMetricNameForTheUnfilteredValue()
    {
        WriteFile("model/results_2024-06-01T11-00-00.json", LmEvalResults(0.75, "0.0093"));
        var scored = AssertScored(new ScoreRule.LmEval("acc_norm"), "");
        Assert.Equal(0.71, scored.Score);
        Assert.Equal(0.0093, scored.StandardError);
    }

    [Fact]
    public void LmEvalReadsTheOlderFormatWithoutFilters()
    {
        WriteFile("results.json", """
            {
              "results": {"arc_easy": {"acc": 0.6, "acc_stderr": 0.01, "acc_norm": 0.58, "acc_norm_stderr": 0.0101}},
              "versions": {"arc_easy": 0},
              "config": {"model": "hf-causal", "num_fewshot": 0, "batch_size": 8}
            }
            """);
        var scored = AssertScored(new ScoreRule.LmEval("acc"), "");
        Assert.Equal((0.6, 0.01), (scored.Score, scored.StandardError));
        Assert.Equal("results.json: results.arc_easy.\"acc\"", scored.Source);
        var filtered = AssertScored(new ScoreRule.LmEval("acc_norm,none"), "");
        Assert.Equal((0.58, 0.0101), (filtered.Score, filtered.StandardError));
    }

    [Fact]
    public void LmEvalReadsAGroupFromResultsOrFromGroups()
    {
        WriteFile("m/results_2024-06-01T11-00-00.json", MmluResults);
        var scored = AssertScored(new ScoreRule.LmEval("acc,none"), "", benchmark: "mmlu");
        Assert.Equal((0.4612, 0.0041), (scored.Score, scored.StandardError));
    }

    [Fact]
    public void LmEvalReadsAGroupOnlyInGroupsWhenResultsHasJustItsAlias()
    {
        WriteFile("m/results_2024-06-01T11-00-00.json", """
            {
              "results": {"mmlu": {"alias": "mmlu"}, "mmlu_formal_logic": {"alias": " - formal_logic", "acc,none": 0.31}},
              "groups": {"mmlu": {"acc,none": 0.47, "acc_stderr,none": "N/A", "alias": "mmlu"}}
            }
            """);
        var scored = AssertScored(new ScoreRule.LmEval("acc,none"), "", benchmark: "mmlu");
        Assert.Equal(0.47, scored.Score);
        Assert.Null(scored.StandardError);
        Assert.Equal($"{Path.Combine("m", "results_2024-06-01T11-00-00.json")}: groups.mmlu.\"acc,none\"", scored.Source);
    }

    [Fact]
    public void LmEvalWithoutTheTaskListsTheTasksFound()
    {
        WriteFile("m/results_2024-06-01T11-00-00.json", MmluResults);
        string message = AssertUnparseable(new ScoreRule.LmEval("acc,none"), "", benchmark: "hellaswag");
        Assert.Contains("has no task 'hellaswag'", message);
        Assert.Contains("mmlu, mmlu_humanities, mmlu_formal_logic", message);
    }

    [Fact]
    public void LmEvalWithoutTheMetricListsTheMetricsFound()
    {
        WriteFile("m/results_2024-06-01T11-00-00.json", LmEvalResults(0.75, "0.0093"));
        string message = AssertUnparseable(new ScoreRule.LmEval("exact_match,strict-match"), "");
        Assert.Contains("task 'arc_easy'", message);
        Assert.Contains("no metric 'exact_match,strict-match'", message);
        Assert.Contains("acc,none, acc_stderr,none, acc_norm,none", message);
    }

    [Fact]
    public void LmEvalBareMetricWithSeveralFiltersIsAmbiguous()
    {
        WriteFile("m/results_2024-06-01T11-00-00.json", """
            {"results": {"gsm8k": {"alias": "gsm8k", "exact_match,strict-match": 0.12, "exact_match,flexible-extract": 0.15}}}
            """);
        string message = AssertUnparseable(new ScoreRule.LmEval("exact_match"), "", benchmark: "gsm8k");
        Assert.Contains("several filters (exact_match,strict-match, exact_match,flexible-extract)", message);

        var scored = AssertScored(new ScoreRule.LmEval("exact_match,flexible-extract"), "", benchmark: "gsm8k");
        Assert.Equal(0.15, scored.Score);
        Assert.Null(scored.StandardError);
    }

    [Fact]
    public void LmEvalWithoutAResultsFileSaysWhereItLookedAndShowsTheOutput()
    {
        string message = AssertUnparseable(new ScoreRule.LmEval("acc,none"), "Traceback ...\nValueError: no tasks\n");
        Assert.Contains("no lm-eval results file (results*.json) under " + Out, message);
        Assert.Contains("--output_path {output_dir}", message);
        Assert.Contains("ValueError: no tasks", message);
    }

    [Fact]
    public void LmEvalAcceptsTheOutputPathAsTheResultsFileItself()
    {
        string file = WriteFile("results.json", LmEvalResults(0.66, "0.0093"));
        var scored = Assert.IsType<Scored>(ScoreExtractor.Extract(new ScoreRule.LmEval("acc,none"), "", file, "arc_easy"));
        Assert.Equal(0.66, scored.Score);
        Assert.Equal("results.json: results.arc_easy.\"acc,none\"", scored.Source);
    }

    // ---- lm-eval: real files -----------------------------------------------------------------------------

    // Each row: a fixture, a task or group in it, the metric asked for, and what the file says: the value, its
    // standard error (null where absent or "N/A"), higher_is_better for the metric (null where the file has no
    // such table), and the key the value is under.
    [Theory]
    [InlineData("A_v03_llama13B_mmlu.json", "hendrycksTest-abstract_algebra", "acc", 0.32, 0.046882617226215034, null, "acc")]
    [InlineData("A_v03_llama13B_mmlu.json", "hendrycksTest-abstract_algebra", "acc_norm,none", 0.3, 0.046056618647183814, null, "acc_norm")]
    [InlineData("C2_v03_testdata_arc_challenge.json", "arc_challenge", "acc_norm", 0.28242320819112626, 0.01315545688409722, null, "acc_norm")]
    [InlineData("D_v040_flan_massive-de.json", "massive-de", "acc,none", 0.07, 0.02564323999762429, null, "acc,none")]
    [InlineData("D_v040_flan_massive-de.json", "massive-de", "f1", 0.49098522167487685, null, null, "f1,none")]
    [InlineData("E_v042_steer_groups.json", "steer3", "acc,none", 0.1823699421965318, 0.003790332406197585, true, "acc,none")]
    [InlineData("E_v042_steer_groups.json", "steer", "acc,none", 0.3029822457741848, 0.0026757503945107407, true, "acc,none")]
    [InlineData("F1_v043_llama31_mmlu.json", "mmlu", "acc,none", 0.653681811707734, 0.0037948605314617194, true, "acc,none")]
    [InlineData("F1_v043_llama31_mmlu.json", "mmlu_stem", "acc", 0.5601014906438313, 0.0084989915040174, true, "acc,none")]
    [InlineData("G_gsm8k_cot_llama.json", "gsm8k_cot_llama", "exact_match,strict-match", 0.7725549658832449, 0.01154636331254809, true,
        "exact_match,strict-match")]
    [InlineData("H_v0492_perplexity.json", "nl2foam_perplexity_original", "bits_per_byte,none", 0.16634296163172285, null, false,
        "bits_per_byte,none")]
    [InlineData("I1_v0413_negtom_old.json", "negotiationtom", "acc,none", 0.525, 0.08009040943964843, true, "acc,none")]
    [InlineData("I2_v0413_negtom_new.json", "negotiationtom", "macro_f1,none", 0.24025974025974023, null, true, "macro_f1,none")]
    public void ReadsARealMetricFromEachFixture(string fixture, string task, string metric, double score,
                                                double? standardError, bool? higherIsBetter, string key)
    {
        WriteFile(HarnessLayout, Fixture(fixture));

        var scored = AssertScored(new ScoreRule.LmEval(metric), "", benchmark: task);

        Assert.Equal(score, scored.Score);
        Assert.Equal(standardError, scored.StandardError);
        Assert.Equal(higherIsBetter, scored.HigherIsBetter);
        Assert.Equal($"{Path.Combine(HarnessLayout.Split('/'))}: results.{task}.\"{key}\"", scored.Source);
    }

    // ---- lm-eval: which file -----------------------------------------------------------------------------

    [Theory]
    [InlineData("results_2024-06-03T01-54-41.753933.json", "2024-06-03T01:54:41.7539330")]
    [InlineData("eval_2024-06-03T01-54-41.json", "2024-06-03T01:54:41.0000000")]
    [InlineData("my_run_2025-12-17T20-28-43.5.json", "2025-12-17T20:28:43.5000000")]
    public void TimestampInNameReadsTheHarnessDateId(string fileName, string expected)
    {
        var time = ScoreFiles.TimestampInName(fileName);
        Assert.Equal(expected, time?.ToString("o", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("results.json")]
    [InlineData("results_1.json")]
    [InlineData("samples_arc_easy_2024-06-03T01-54-41.753933.jsonl")]
    [InlineData("results_2024-13-03T01-54-41.753933.json")]
    [InlineData("results_2024-06-03T01:54:41.753933.json")]
    [InlineData("results_2024-06-03T01-54-41.7539331.json")]
    public void TimestampInNameIsNullWithoutARealHarnessTimestamp(string fileName)
    {
        Assert.Null(ScoreFiles.TimestampInName(fileName));
    }

    [Fact]
    public void PicksNewestResultsFileByTimestampInNameEvenWhenTheOlderHasTheNewerModificationTime()
    {
        var copied = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        WriteFile("Qwen__Qwen3-8B/results_2026-07-08T18-15-33.115417.json", Fixture("I2_v0413_negtom_new.json"), copied);
        WriteFile("Qwen__Qwen3-8B/results_2026-07-08T16-04-34.219874.json", Fixture("I1_v0413_negtom_old.json"), copied.AddHours(1));

        var scored = AssertScored(new ScoreRule.LmEval("micro_f1,none"), "", benchmark: "negotiationtom_intention");

        // I2_v0413_negtom_new.json: results.negotiationtom_intention."micro_f1,none" (I1 has 0.30188679245283023),
        // "micro_f1_stderr,none": "N/A".
        Assert.Equal(0.2857142857142857, scored.Score);
        Assert.Null(scored.StandardError);
        Assert.Equal($"{Path.Combine("Qwen__Qwen3-8B", "results_2026-07-08T18-15-33.115417.json")}: "
                     + "results.negotiationtom_intention.\"micro_f1,none\"", scored.Source);
    }

    [Fact]
    public void ATimestampWithoutFractionOrdersByItsTime()
    {
        var modified = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        WriteFile("m/results_2024-06-01T11-00-00.json", LmEvalResults(0.75, "0.0093"), modified);
        WriteFile("m/results_2024-06-01T10-59-59.999999.json", LmEvalResults(0.70, "0.0093"), modified.AddHours(1));
        Assert.Equal(0.75, AssertScored(new ScoreRule.LmEval("acc,none"), "").Score);
    }

    [Fact]
    public void FilesWithATimestampInTheNameComeBeforeFilesWithout()
    {
        var modified = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        WriteFile("m/results_2024-06-01T11-00-00.123456.json", LmEvalResults(0.75, "0.0093"), modified);
        WriteFile("results.json", LmEvalResults(0.60, "0.0093"), modified.AddDays(1));
        WriteFile("results_final.json", LmEvalResults(0.50, "0.0093"), modified.AddDays(2));
        Assert.Equal(0.75, AssertScored(new ScoreRule.LmEval("acc,none"), "").Score);
    }

    [Fact]
    public void FilesWithoutATimestampInTheNameGoByModificationTime()
    {
        var modified = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        WriteFile("results_final.json", LmEvalResults(0.50, "0.0093"), modified);
        WriteFile("run2/results.json", LmEvalResults(0.60, "0.0093"), modified.AddMinutes(1));
        Assert.Equal(0.60, AssertScored(new ScoreRule.LmEval("acc,none"), "").Score);
    }

    [Fact]
    public void FindsTheFileNamedAfterAnOutputPathEndingInJson()
    {
        // lm-eval 0.4.9 on, --output_path {output_dir}/eval.json: {output_dir}/eval_<timestamp>.json, no model directory.
        WriteFile("eval_2024-08-25T21-59-12.123082.json", Fixture("G_gsm8k_cot_llama.json"));
        WriteFile("samples_gsm8k_cot_llama_2024-08-25T21-59-12.123082.jsonl", "{\"doc_id\": 0}\n");

        var scored = AssertScored(new ScoreRule.LmEval("exact_match,flexible-extract"), "", benchmark: "gsm8k_cot_llama");

        // G_gsm8k_cot_llama.json: results.gsm8k_cot_llama."exact_match,flexible-extract" and its stderr.
        Assert.Equal((0.7778620166793025, 0.011449986902435323), (scored.Score, scored.StandardError));
        Assert.Equal("eval_2024-08-25T21-59-12.123082.json: results.gsm8k_cot_llama.\"exact_match,flexible-extract\"",
                     scored.Source);
    }

    [Fact]
    public void FindsAPlainlyNamedFileWrittenByAnOlderHarnessWhenNothingIsNamedAsResults()
    {
        // lm-eval up to 0.4.2, --output_path {output_dir}/eval.json: writes eval.json itself.
        WriteFile("eval.json", Fixture("D_v040_flan_massive-de.json"));
        WriteFile("samples_massive-de.json", "[]");
        WriteFile("config.json", "[1, 2]");

        var scored = AssertScored(new ScoreRule.LmEval("acc,none"), "", benchmark: "massive-de");

        Assert.StartsWith("eval.json: results.massive-de.\"acc,none\"", scored.Source);
    }

    [Fact]
    public void ANewerTimestampedFileWithoutResultsIsSkipped()
    {
        WriteFile(HarnessLayout, Fixture("D_v040_flan_massive-de.json"));
        WriteFile("__data__models__ckpt-100/config_2024-06-03T02-00-00.json", """{"model": "hf"}""");

        var scored = AssertScored(new ScoreRule.LmEval("acc,none"), "", benchmark: "massive-de");

        // D_v040_flan_massive-de.json: results.massive-de."acc,none" and "acc_stderr,none".
        Assert.Equal((0.07, 0.02564323999762429), (scored.Score, scored.StandardError));
    }

    [Fact]
    public void WithoutAResultsFileTheMessageNamesBothNamings()
    {
        WriteFile("m/samples_arc_easy_2024-06-01T11-00-00.jsonl", "{}\n");
        WriteFile("m/config.json", """{"model": "hf"}""");
        string message = AssertUnparseable(new ScoreRule.LmEval("acc,none"), "");
        Assert.Contains($"no lm-eval results file (results*.json) under {Out}, nor a <name>_<timestamp>.json;", message);
    }

    // ---- lm-eval: values ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("NaN")]
    public void AnInfiniteOrNaNMetricIsNamedInTheMessage(string token)
    {
        // H_v0492_perplexity.json with its word perplexity as Python's json writes float('inf') and float('nan').
        string text = Fixture("H_v0492_perplexity.json");
        string real = "\"word_perplexity,none\": 2.606616650368937,";
        Assert.Contains(real, text);
        WriteFile(HarnessLayout, text.Replace(real, $"\"word_perplexity,none\": {token},"));

        string message = AssertUnparseable(new ScoreRule.LmEval("word_perplexity,none"), "", benchmark: "nl2foam_perplexity_original");

        Assert.Equal($"'word_perplexity,none' of task 'nl2foam_perplexity_original' in {Path.Combine(HarnessLayout.Split('/'))} "
                     + $"is {token}, not a finite number", message);
    }

    // ---- lm-eval: direction ------------------------------------------------------------------------------

    [Fact]
    public void APerplexityIsLowerIsBetterAsTheFileSaysAndItsNAStandardErrorIsNull()
    {
        // H has an empty model_name_sanitized, so the harness wrote it straight into {output_dir}.
        WriteFile("results_2025-12-17T20-28-43.535870.json", Fixture("H_v0492_perplexity.json"));

        var scored = AssertScored(new ScoreRule.LmEval("word_perplexity,none"), "", benchmark: "nl2foam_perplexity_original");

        // H_v0492_perplexity.json: results.nl2foam_perplexity_original."word_perplexity,none", its stderr "N/A",
        // higher_is_better.nl2foam_perplexity_original.word_perplexity false.
        Assert.Equal(2.606616650368937, scored.Score);
        Assert.Null(scored.StandardError);
        Assert.False(scored.HigherIsBetter);
        Assert.Equal("results_2025-12-17T20-28-43.535870.json: results.nl2foam_perplexity_original.\"word_perplexity,none\"",
                     scored.Source);
    }

    [Fact]
    public void AFilteredMetricTakesTheDirectionOfItsName()
    {
        WriteFile(HarnessLayout, Fixture("G_gsm8k_cot_llama.json"));

        var scored = AssertScored(new ScoreRule.LmEval("exact_match,strict-match"), "", benchmark: "gsm8k_cot_llama");

        // G_gsm8k_cot_llama.json: results.gsm8k_cot_llama."exact_match,strict-match" and its stderr;
        // higher_is_better.gsm8k_cot_llama.exact_match true.
        Assert.Equal((0.7725549658832449, 0.01154636331254809), (scored.Score, scored.StandardError));
        Assert.True(scored.HigherIsBetter);
    }

    [Fact]
    public void AGroupFromGroupsTakesTheDirectionOfTheGroup()
    {
        WriteFile("m/results_2024-06-01T11-00-00.json", """
            {
              "results": {"mmlu": {"alias": "mmlu"}},
              "groups": {"mmlu": {"acc,none": 0.47, "acc_stderr,none": 0.004, "alias": "mmlu"}},
              "higher_is_better": {"mmlu": {"acc": true}, "mmlu_formal_logic": {"acc": false}}
            }
            """);
        var scored = AssertScored(new ScoreRule.LmEval("acc,none"), "", benchmark: "mmlu");
        Assert.Equal($"{Path.Combine("m", "results_2024-06-01T11-00-00.json")}: groups.mmlu.\"acc,none\"", scored.Source);
        Assert.True(scored.HigherIsBetter);
    }

    [Fact]
    public void FilesThatDoNotStateADirectionLeaveItNull()
    {
        // A_v03_llama13B_mmlu.json (v0.3) has no higher_is_better at all.
        WriteFile(HarnessLayout, Fixture("A_v03_llama13B_mmlu.json"));
        Assert.Null(AssertScored(new ScoreRule.LmEval("acc"), "", benchmark: "hendrycksTest-abstract_algebra").HigherIsBetter);

        // One that names the task but gives no boolean for the metric.
        WriteFile("m/results_2024-06-01T11-00-00.json", """
            {"results": {"arc_easy": {"brier,none": 0.2}}, "higher_is_better": {"arc_easy": {"acc": true, "brier": null}}}
            """);
        Assert.Null(AssertScored(new ScoreRule.LmEval("brier,none"), "").HigherIsBetter);
    }
}

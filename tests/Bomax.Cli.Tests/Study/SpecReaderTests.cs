using Bomax.Cli.Study;
using Bomax.Engine.Model;
using Bomax.Engine.Selection;

namespace Bomax.Cli.Tests.Study;

public class SpecReaderTests
{
    private static readonly string SpecDirectory = Path.Combine(Path.GetTempPath(), "bomax-spec-tests", "sft");
    private static readonly string SpecPath = Path.Combine(SpecDirectory, "study.yml");

    private const string Example =
        "study: sft-run-42                    # required; names the journal and the report\n" +              // 1
        "checkpoints:\n" +                                                                                   // 2
        "  glob: runs/sft-42/checkpoint-*\n" +                                                               // 3
        "  step: 'checkpoint-(\\d+)'\n" +                                                                   // 4
        "benchmarks:\n" +                                                                                    // 5
        "  - arc_easy\n" +                                                                                   // 6
        "  - { name: mmlu, weight: 2 }\n" +                                                                  // 7
        "  - { name: gsm8k, command: \"python eval_gsm8k.py {checkpoint_path}\" }\n" +                       // 8
        "eval:\n" +                                                                                          // 9
        "  command: lm_eval --model hf --model_args pretrained={checkpoint_path} --tasks {benchmark} --output_path {output_dir}\n" + // 10
        "  shell: bash\n" +                                                                                  // 11
        "  score: { lm-eval: 'acc_norm,none' }\n" +                                                          // 12
        "  timeout: 30m\n" +                                                                                 // 13
        "  retries: 1\n" +                                                                                   // 14
        "  parallel: 2\n" +                                                                                  // 15
        "  workdir: .\n" +                                                                                   // 16
        "  env: { HF_HOME: /data/hf }\n" +                                                                   // 17
        "budget: { max-evals: 8%, max-time: 6h }\n" +                                                        // 18
        "stop: { prob-best: 0.95 }\n" +                                                                      // 19
        "engine: { device: auto, kernel: matern52, task-rank: auto, seed: 0, init: 2, acquisition: row-first }\n" + // 20
        "journal: .bomax/sft-run-42.jsonl\n";                                                                // 21

    /// <summary>A small valid spec of 8 lines; <paramref name="extra"/> lines follow from line 9 on (inside eval: when indented).</summary>
    private static string Minimal(string extra = "") =>
        "study: s1\n" +                                   // 1
        "checkpoints:\n" +                                // 2
        "  list: [ckpt-100, ckpt-200]\n" +                // 3
        "benchmarks:\n" +                                 // 4
        "  - arc_easy\n" +                                // 5
        "  - mmlu\n" +                                    // 6
        "eval:\n" +                                       // 7
        "  command: run {checkpoint} {benchmark}\n" +     // 8
        extra;

    private static StudySpec ReadOk(string yaml)
    {
        var result = SpecReader.Read(yaml, SpecPath);
        if (result is SpecReadResult.Invalid invalid)
            Assert.Fail("expected a valid spec, got:\n" + string.Join("\n", invalid.Errors));
        return Assert.IsType<SpecReadResult.Ok>(result).Spec;
    }

    private static IReadOnlyList<SpecError> ReadInvalid(string yaml)
    {
        var result = SpecReader.Read(yaml, SpecPath);
        return Assert.IsType<SpecReadResult.Invalid>(result).Errors;
    }

    private static SpecError SingleError(string yaml)
    {
        var errors = ReadInvalid(yaml);
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    private static void AssertError(SpecError error, int line, int column, string field, string messagePart)
    {
        Assert.Equal(SpecPath, error.File);
        Assert.Equal((line, column, field), (error.Line, error.Column, error.Field));
        Assert.Contains(messagePart, error.Message);
    }

    // ---- valid specs ---------------------------------------------------------------------------

    [Fact]
    public void ReadsTheExampleSpecIntoRecords()
    {
        var spec = ReadOk(Example);

        Assert.Equal("sft-run-42", spec.Name);
        Assert.Equal(SpecPath, spec.SpecPath);
        Assert.Equal(SpecDirectory, spec.SpecDirectory);

        Assert.Equal("runs/sft-42/checkpoint-*", spec.Checkpoints.Glob);
        Assert.Null(spec.Checkpoints.List);
        Assert.Equal(@"checkpoint-(\d+)", spec.Checkpoints.StepPattern);
        Assert.Equal(new SourcePosition(3, 3), spec.Checkpoints.Position);
        Assert.Equal(new SourcePosition(3, 9), spec.Checkpoints.GlobPosition);
        Assert.Equal(new SourcePosition(4, 9), spec.Checkpoints.StepPosition);

        Assert.Equal(
            new[] { ("arc_easy", 1.0, (string?)null), ("mmlu", 2.0, null), ("gsm8k", 1.0, "python eval_gsm8k.py {checkpoint_path}") },
            spec.Benchmarks.Select(b => (b.Name, b.Weight, b.Command)));
        Assert.Equal(new SourcePosition(7, 5), spec.Benchmarks[1].Position);

        var eval = spec.Eval;
        Assert.Equal("lm_eval --model hf --model_args pretrained={checkpoint_path} --tasks {benchmark} --output_path {output_dir}", eval.Command);
        Assert.Equal("bash", eval.Shell);
        Assert.Equal(new ScoreRule.LmEval("acc_norm,none"), eval.Score);
        Assert.Equal(TimeSpan.FromMinutes(30), eval.Timeout);
        Assert.Equal(1, eval.Retries);
        Assert.Equal(2, eval.Parallel);
        Assert.Equal(SpecDirectory, eval.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["HF_HOME"] = "/data/hf" }, eval.Environment);

        Assert.Null(spec.Budget.MaxEvals);
        Assert.Equal(0.08, spec.Budget.MaxEvalsFraction!.Value, 12);
        Assert.Equal(TimeSpan.FromHours(6), spec.Budget.MaxTime);
        Assert.Equal(0.95, spec.Stop.ProbBest);
        Assert.Equal(new EngineSpec(ComputeDevice.Auto, StepKernel.Matern52, 0, 0, 2, AcquisitionRule.RowFirst), spec.Engine);
        Assert.Equal(Path.Combine(SpecDirectory, ".bomax", "sft-run-42.jsonl"), spec.JournalPath);
    }

    [Fact]
    public void ReadsTheEvaluationTimeBudgetAndTheCostSource()
    {
        var spec = ReadOk(Minimal("budget: { max-evals: 40, max-eval-hours: 1.5 }\nengine: { costs: off }\n"));
        Assert.Equal(1.5, spec.Budget.MaxEvalHours);
        Assert.Equal(40, spec.Budget.MaxEvals);
        Assert.Equal(CostSource.Off, spec.Engine.Costs);

        var plain = ReadOk(Minimal());
        Assert.Null(plain.Budget.MaxEvalHours);
        Assert.Equal(CostSource.Measured, plain.Engine.Costs); // cost-aware unless turned off
    }

    [Fact]
    public void FillsDefaultsForAMinimalSpec()
    {
        var spec = ReadOk(Minimal());

        Assert.Equal("s1", spec.Name);
        Assert.Null(spec.Checkpoints.Glob);
        Assert.Equal(new[] { "ckpt-100", "ckpt-200" }, spec.Checkpoints.List);
        Assert.Equal(new[] { new SourcePosition(3, 10), new SourcePosition(3, 20) }, spec.Checkpoints.ListPositions);
        Assert.Null(spec.Checkpoints.StepPattern);
        Assert.Equal(new[] { "arc_easy", "mmlu" }, spec.Benchmarks.Select(b => b.Name));
        Assert.All(spec.Benchmarks, b => Assert.Equal(1.0, b.Weight));

        Assert.Null(spec.Eval.Shell);
        Assert.IsType<ScoreRule.LastNumber>(spec.Eval.Score);
        Assert.Equal(TimeSpan.FromHours(1), spec.Eval.Timeout);
        Assert.Equal(1, spec.Eval.Retries);
        Assert.Equal(1, spec.Eval.Parallel);
        Assert.Equal(SpecDirectory, spec.Eval.WorkingDirectory);
        Assert.Empty(spec.Eval.Environment);

        Assert.Equal(new BudgetSpec(null, 0.10, null), spec.Budget);
        Assert.Equal(10, spec.Budget.Evaluations(100));
        Assert.Null(spec.Stop.ProbBest);
        Assert.Null(spec.Stop.ExpectedShortfall);
        Assert.Equal(new EngineSpec(ComputeDevice.Auto, StepKernel.Matern32, 0, 0, 2, AcquisitionRule.RowFirst), spec.Engine);
        Assert.Equal(Path.Combine(SpecDirectory, ".bomax", "s1.jsonl"), spec.JournalPath);
    }

    [Theory]
    [InlineData("0.1%", 0.001, true)]
    [InlineData("0.0005", 0.0005, false)]
    [InlineData("2 %", 0.02, true)]
    public void ReadsTheExpectedShortfallStopAsAShareOrInScoreUnits(string text, double value, bool share)
    {
        var spec = ReadOk(Minimal($"stop: {{ prob-best: 0.9, expected-shortfall: {text} }}\n"));

        Assert.Equal(0.9, spec.Stop.ProbBest);
        var limit = spec.Stop.ExpectedShortfall!;
        Assert.Equal(value, limit.Value, 12);
        Assert.Equal(share, limit.IsShare);
        // A pick just inside the limit and one just outside it (a share is shortfall / (estimate + shortfall)).
        var near = new Standing(0, "c", 0.9, 0.8, 1.0, 0.5, 1, value * (share ? 0.9 / (1 - value) : 1) * 0.999);
        var far = near with { ExpectedShortfall = near.ExpectedShortfall * 1.01 / 0.999 };
        Assert.True(limit.Reached(near));
        Assert.False(limit.Reached(far));
    }

    [Fact]
    public void MakesWorkdirAndJournalAbsoluteAgainstTheSpecDirectory()
    {
        var spec = ReadOk(Minimal("  workdir: ../code\njournal: out/j.jsonl\n"));
        Assert.Equal(Path.GetFullPath(Path.Combine(SpecDirectory, "..", "code")), spec.Eval.WorkingDirectory);
        Assert.Equal(Path.Combine(SpecDirectory, "out", "j.jsonl"), spec.JournalPath);
    }

    [Theory]
    [InlineData("last-number", "last")]
    [InlineData("{ json: results.score }", "json:results.score")]
    [InlineData("{ json: '/results/mmlu.high_school/acc,none' }", "json:/results/mmlu.high_school/acc,none")]
    [InlineData("{ regex: 'score=([0-9.]+)' }", "regex:score=([0-9.]+)")]
    [InlineData("{ lm-eval: 'acc,none' }", "lm-eval:acc,none")]
    public void ReadsEachFormOfScoreRule(string yaml, string expected)
    {
        var spec = ReadOk(Minimal($"  score: {yaml}\n"));
        string actual = spec.Eval.Score switch
        {
            ScoreRule.LastNumber => "last",
            ScoreRule.JsonPath j => "json:" + j.Path,
            ScoreRule.RegexScore r => "regex:" + r.Pattern,
            ScoreRule.LmEval l => "lm-eval:" + l.Metric,
            _ => "?",
        };
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("\"results['acc,none']\"", "results['acc,none']")]
    [InlineData("'results[\"mmlu.high_school\"][''acc,none'']'", "results[\"mmlu.high_school\"]['acc,none']")]
    public void ReadsABracketedJsonPathWithoutAWarning(string yaml, string path)
    {
        var spec = ReadOk(Minimal($"  score: {{ json: {yaml} }}\n"));
        Assert.Equal(new ScoreRule.JsonPath(path), spec.Eval.Score);
        Assert.Empty(spec.Warnings);
    }

    [Fact]
    public void WarnsOfADeprecatedDottedJsonPathNamingTheBracketedOne()
    {
        var spec = ReadOk(Minimal("  score: { json: 'results.mmlu.acc,none' }\n")
            .Replace("  - mmlu\n", "  - { name: mmlu, score: { json: '$.x.y,z' } }\n"));

        Assert.Equal(new ScoreRule.JsonPath("results.mmlu.acc,none"), spec.Eval.Score); // still read, as written
        Assert.Equal(2, spec.Warnings.Count);
        AssertError(spec.Warnings[0], 6, 34, "benchmarks[1].score.json", "write x['y,z'] instead");
        AssertError(spec.Warnings[1], 9, 18, "eval.score.json",
            "'results.mmlu.acc,none' is a dotted path with a key that is not a plain name ('acc,none'); such paths are deprecated");
        Assert.Contains("write results.mmlu['acc,none'] instead", spec.Warnings[1].Message);
    }

    [Fact]
    public void RejectsABracketedJsonPathItCannotRead()
    {
        var error = SingleError(Minimal("  score: { json: \"results['acc,none'\" }\n"));
        AssertError(error, 9, 18, "eval.score.json", "the json score path 'results['acc,none'' cannot be read at character 19: expected ']'");
    }

    [Theory]
    [InlineData("40", 40, null, 30, 30)]
    [InlineData("40", 40, null, 1000, 40)]
    [InlineData("30%", null, 0.3, 11, 3)]
    [InlineData("1%", null, 0.01, 20, 1)]
    [InlineData("100%", null, 1.0, 37, 37)]
    public void ReadsMaxEvalsAsCountOrPercentageOfTheGrid(string text, int? count, double? fraction, int cells, int evaluations)
    {
        var budget = ReadOk(Minimal($"budget: {{ max-evals: {text} }}\n")).Budget;
        Assert.Equal(count, budget.MaxEvals);
        Assert.Equal(fraction, budget.MaxEvalsFraction);
        Assert.Equal(evaluations, budget.Evaluations(cells));
    }

    [Fact]
    public void ReadsTaskRankSeedInitAndOtherChoices()
    {
        var engine = ReadOk(Minimal("engine:\n  device: cuda\n  kernel: rbf\n  task-rank: 3\n  seed: 7\n  init: 4\n  acquisition: cell\n")).Engine;
        Assert.Equal(new EngineSpec(ComputeDevice.Cuda, StepKernel.Rbf, 3, 7, 4, AcquisitionRule.CellExpectedImprovement), engine);
    }

    [Fact]
    public void LeavesBashVariablesAndOtherBracesOutOfPlaceholders()
    {
        var spec = ReadOk(Minimal("  env: { N: 4 }\n").Replace(
            "run {checkpoint} {benchmark}", "'echo ${HOME} {x-y} {benchmark} {checkpoint_path} {step} {output_dir}'"));
        Assert.Equal("echo ${HOME} {x-y} {benchmark} {checkpoint_path} {step} {output_dir}", spec.Eval.Command);
        Assert.Equal("4", spec.Eval.Environment["N"]);
    }

    [Fact]
    public void AcceptsACommandWithoutBenchmarkWhenThereIsOneBenchmark()
    {
        var spec = ReadOk(Minimal().Replace("  - mmlu\n", "").Replace("run {checkpoint} {benchmark}", "run {checkpoint}"));
        Assert.Equal("run {checkpoint}", spec.Eval.Command);
    }

    [Fact]
    public void AcceptsACommandWithoutBenchmarkWhenEveryBenchmarkHasItsOwn()
    {
        var spec = ReadOk(Minimal()
            .Replace("  - arc_easy\n  - mmlu\n", "  - { name: a, command: 'a {checkpoint}' }\n  - { name: b, command: 'b {step}' }\n")
            .Replace("run {checkpoint} {benchmark}", "run {checkpoint}"));
        Assert.Equal(new[] { "a {checkpoint}", "b {step}" }, spec.Benchmarks.Select(b => b.Command));
    }

    // ---- unknown keys --------------------------------------------------------------------------

    [Fact]
    public void RejectsUnknownKeyWithSuggestion()
    {
        // A misspelt required key is reported once, as unknown, not also as missing.
        var error = SingleError(Minimal().Replace("benchmarks:", "benchmark:"));
        AssertError(error, 4, 1, "benchmark", "unknown key 'benchmark'; did you mean 'benchmarks'?");
    }

    [Fact]
    public void RejectsMisspeltNestedKeyWithSuggestion()
    {
        var error = SingleError(Minimal("  paralel: 2\n"));
        AssertError(error, 9, 3, "eval.paralel", "did you mean 'parallel'?");
    }

    [Fact]
    public void RejectsUnknownKeyInsideABenchmarkAndAFlowMapping()
    {
        var errors = ReadInvalid(Minimal("engine: { kernell: rbf }\n").Replace("  - mmlu\n", "  - { name: mmlu, wieght: 2 }\n"));
        Assert.Equal(2, errors.Count);
        AssertError(errors[0], 6, 19, "benchmarks[1].wieght", "did you mean 'weight'?");
        AssertError(errors[1], 9, 11, "engine.kernell", "did you mean 'kernel'?");
    }

    [Fact]
    public void ListsTheKnownKeysWhenNoneIsClose()
    {
        var error = SingleError(Minimal("budget: { frobnicate: 3 }\n"));
        AssertError(error, 9, 11, "budget.frobnicate", "known keys here: max-evals, max-time");
    }

    // ---- wrong types and values ----------------------------------------------------------------

    [Theory]
    [InlineData("  parallel: two\n", 9, 13, "eval.parallel", "expected a whole number of evaluations at once (1 or more), found 'two'")]
    [InlineData("  parallel: 0\n", 9, 13, "eval.parallel", "must be at least 1, found 0")]
    [InlineData("  parallel: 1.5\n", 9, 13, "eval.parallel", "found '1.5'")]
    [InlineData("  retries: -1\n", 9, 12, "eval.retries", "must be at least 0, found -1")]
    [InlineData("  timeout: 30min\n", 9, 12, "eval.timeout", "unknown unit 'min'")]
    [InlineData("  timeout: 0s\n", 9, 12, "eval.timeout", "must be longer than 0")]
    [InlineData("  timeout: [30m]\n", 9, 12, "eval.timeout", "expected a duration, found a list")]
    [InlineData("  shell: zsh\n", 9, 10, "eval.shell", "'zsh' is not supported: the only shell is bash")]
    [InlineData("  env: [a, b]\n", 9, 8, "eval.env", "expected a mapping of variable names to values, found a list")]
    [InlineData("  env:\n    HF_HOME:\n", 10, 5, "eval.env.HF_HOME", "has no value")]
    [InlineData("  env:\n    HF_HOME: { a: b }\n", 10, 14, "eval.env.HF_HOME", "expected a string, found a mapping")]
    [InlineData("  workdir: { a: b }\n", 9, 12, "eval.workdir", "expected a directory, found a mapping")]
    [InlineData("  score: lastnumber\n", 9, 10, "eval.score", "did you mean 'last-number'?")]
    [InlineData("  score: { json: a..b }\n", 9, 18, "eval.score.json", "no part may be empty")]
    [InlineData("  score: { json: '/results/a~b' }\n", 9, 18, "eval.score.json", "a JSON Pointer with '~' not followed by 0 or 1 in 'a~b'")]
    [InlineData("  score: { json: a, regex: '(x)' }\n", 9, 21, "eval.score", "give one of lm-eval:, json:, regex:, not json:, regex:")]
    [InlineData("  score: { regex: 'score=[0-9.]+' }\n", 9, 19, "eval.score.regex", "has no capture group")]
    [InlineData("  score: { regex: 'score=([0-9.+' }\n", 9, 19, "eval.score.regex", "is not a valid regular expression")]
    [InlineData("  timeout: 50d\n", 9, 12, "eval.timeout", "'50d' is longer than a timeout can be (at most 49 days)")]
    [InlineData("engine: { threads: 0 }\n", 9, 20, "engine.threads", "must be at least 1, found 0")]
    [InlineData("engine: { threads: all }\n", 9, 20, "engine.threads", "expected a whole number of threads (1 or more), found 'all'")]
    [InlineData("  score-limit: 0\n", 9, 16, "eval.score-limit", "must be a positive, finite number, found '0'")]
    [InlineData("  score-limit: .inf\n", 9, 16, "eval.score-limit", "must be a positive, finite number")]
    [InlineData("budget: { max-evals: 120% }\n", 9, 22, "budget.max-evals", "at most 100%")]
    [InlineData("budget: { max-evals: 0% }\n", 9, 22, "budget.max-evals", "more than 0%")]
    [InlineData("budget: { max-evals: abc }\n", 9, 22, "budget.max-evals", "expected a count of evaluations like 40, "
        + "a percentage of the grid like 10% or a fraction of it like 0.1, found 'abc'")]
    [InlineData("budget: { max-evals: 0 }\n", 9, 22, "budget.max-evals", "must be more than 0, found 0")]
    [InlineData("budget: { max-time: 6hrs }\n", 9, 21, "budget.max-time", "unknown unit 'hrs'")]
    [InlineData("budget: [40]\n", 9, 9, "budget", "expected a mapping with max-evals:, max-time:, max-eval-hours:, found a list")]
    [InlineData("budget: { max-eval-hours: 0 }\n", 9, 27, "budget.max-eval-hours", "must be a positive, finite number, found '0'")]
    [InlineData("budget: { max-eval-hours: -3 }\n", 9, 27, "budget.max-eval-hours", "must be a positive, finite number, found '-3'")]
    [InlineData("budget: { max-eval-hours: 2h }\n", 9, 27, "budget.max-eval-hours",
        "expected hours of evaluation time, a number above 0 like 12 or 0.5, found '2h'")]
    [InlineData("engine: { costs: measure }\n", 9, 18, "engine.costs", "'measure' is not one of measured, off; did you mean 'measured'?")]
    [InlineData("stop: { prob-best: 1.5 }\n", 9, 20, "stop.prob-best", "more than 0 and at most 1, found '1.5'")]
    [InlineData("stop: { prob-best: 0 }\n", 9, 20, "stop.prob-best", "more than 0 and at most 1, found '0'")]
    [InlineData("stop: { prob-best: high }\n", 9, 20, "stop.prob-best", "expected a probability in (0, 1], found 'high'")]
    [InlineData("stop: { expected-shortfall: -0.1% }\n", 9, 29, "stop.expected-shortfall", "must be more than 0% and less than 100%, found '-0.1%'")]
    [InlineData("stop: { expected-shortfall: 100% }\n", 9, 29, "stop.expected-shortfall", "must be more than 0% and less than 100%, found '100%'")]
    [InlineData("stop: { expected-shortfall: 0 }\n", 9, 29, "stop.expected-shortfall", "must be more than 0, found '0'")]
    [InlineData("stop: { expected-shortfall: small }\n", 9, 29, "stop.expected-shortfall", "expected a share of the best average like 0.1% "
        + "or a score difference like 0.0005, found 'small'")]
    [InlineData("engine: { device: gpu }\n", 9, 19, "engine.device", "'gpu' is not one of auto, cpu, cuda; did you mean 'cuda'?")]
    [InlineData("engine: { device: tpu }\n", 9, 19, "engine.device", "'tpu' is not one of auto, cpu, cuda; did you mean 'cpu'?")]
    [InlineData("engine: { kernel: matern3 }\n", 9, 19, "engine.kernel", "did you mean 'matern32'?")]
    [InlineData("engine: { acquisition: rowfirst }\n", 9, 24, "engine.acquisition", "did you mean 'row-first'?")]
    [InlineData("engine: { task-rank: 0 }\n", 9, 22, "engine.task-rank", "must be auto or at least 1, found 0")]
    [InlineData("engine: { task-rank: auot }\n", 9, 22, "engine.task-rank", "did you mean 'auto'?")]
    [InlineData("engine: { seed: -1 }\n", 9, 17, "engine.seed", "must be at least 0, found -1")]
    [InlineData("engine: { init: 0 }\n", 9, 17, "engine.init", "must be at least 1, found 0")]
    [InlineData("journal: [a]\n", 9, 10, "journal", "expected a string, found a list")]
    public void RejectsAWrongTypeOrValue(string extra, int line, int column, string field, string messagePart)
    {
        AssertError(SingleError(Minimal(extra)), line, column, field, messagePart);
    }

    [Theory]
    [InlineData("  - { name: mmlu, weight: 0 }\n", 6, 27, "benchmarks[1].weight", "must be a positive, finite number, found '0'")]
    [InlineData("  - { name: mmlu, weight: -2 }\n", 6, 27, "benchmarks[1].weight", "must be a positive, finite number")]
    [InlineData("  - { name: mmlu, weight: .inf }\n", 6, 27, "benchmarks[1].weight", "must be a positive, finite number, found '.inf'")]
    [InlineData("  - { name: mmlu, weight: heavy }\n", 6, 27, "benchmarks[1].weight", "expected a positive number, found 'heavy'")]
    [InlineData("  - { weight: 2 }\n", 6, 5, "benchmarks[1].name", "missing required key 'name'")]
    [InlineData("  - [mmlu]\n", 6, 5, "benchmarks[1]", "expected a benchmark name or a mapping with name: "
        + "and optional weight:, command:, score:, goal:, found a list")]
    public void RejectsABadBenchmarkEntry(string entry, int line, int column, string field, string messagePart)
    {
        AssertError(SingleError(Minimal().Replace("  - mmlu\n", entry)), line, column, field, messagePart);
    }

    [Fact]
    public void RejectsAMappingWhereTheBenchmarkListIsExpected()
    {
        var error = SingleError(Minimal().Replace("  - arc_easy\n  - mmlu\n", "  arc_easy: 1\n  mmlu: 2\n"));
        AssertError(error, 5, 3, "benchmarks", "expected a list of benchmarks");
        Assert.Contains("found a mapping", error.Message);
    }

    [Fact]
    public void RejectsAnEmptyBenchmarkList()
    {
        var error = SingleError(Minimal().Replace("benchmarks:\n  - arc_easy\n  - mmlu\n", "benchmarks: []\n"));
        AssertError(error, 4, 13, "benchmarks", "the list is empty");
    }

    [Fact]
    public void RejectsAnInvalidStudyName()
    {
        var error = SingleError(Minimal().Replace("study: s1", "study: my study/1"));
        AssertError(error, 1, 8, "study", "'my study/1' is not a valid study name");
    }

    // ---- missing keys --------------------------------------------------------------------------

    [Theory]
    [InlineData("study: s1\n", "study")]
    [InlineData("checkpoints:\n  list: [ckpt-100, ckpt-200]\n", "checkpoints")]
    [InlineData("benchmarks:\n  - arc_easy\n  - mmlu\n", "benchmarks")]
    public void RejectsAMissingRequiredTopLevelKeyAtTheTopMapping(string removed, string key)
    {
        var yaml = "# a study\n" + Minimal().Replace(removed, "");
        // Without benchmarks there is nothing to say about {benchmark}, so one error is expected each time.
        var error = SingleError(yaml);
        AssertError(error, 2, 1, key, $"missing required key '{key}'");
    }

    [Fact]
    public void RejectsAMissingEvalSection()
    {
        var error = SingleError(Minimal().Replace("eval:\n  command: run {checkpoint} {benchmark}\n", ""));
        AssertError(error, 1, 1, "eval", "missing required key 'eval'");
    }

    [Fact]
    public void RejectsAMissingEvalCommandAtTheEvalMapping()
    {
        var error = SingleError(Minimal().Replace("  command: run {checkpoint} {benchmark}\n", "  shell: bash\n  retries: 2\n"));
        AssertError(error, 8, 3, "eval.command", "missing required key 'command'");
    }

    // ---- checkpoints ---------------------------------------------------------------------------

    [Fact]
    public void RejectsBothGlobAndList()
    {
        var error = SingleError(Minimal().Replace("  list: [ckpt-100, ckpt-200]\n", "  glob: runs/*\n  list: [ckpt-100]\n"));
        AssertError(error, 4, 3, "checkpoints", "give either glob: or list:, not both");
    }

    [Fact]
    public void RejectsNeitherGlobNorList()
    {
        var error = SingleError(Minimal().Replace("  list: [ckpt-100, ckpt-200]\n", "  step: 'c-(\\d+)'\n"));
        AssertError(error, 3, 3, "checkpoints", "needs glob:");
    }

    [Fact]
    public void RejectsAnEmptyCheckpointList()
    {
        var error = SingleError(Minimal().Replace("  list: [ckpt-100, ckpt-200]\n", "  list: []\n"));
        AssertError(error, 3, 9, "checkpoints.list", "the list is empty");
    }

    [Fact]
    public void RejectsAStepPatternWithoutCaptureGroup()
    {
        var error = SingleError(Minimal("").Replace("  list: [ckpt-100, ckpt-200]\n", "  list: [ckpt-100, ckpt-200]\n  step: 'ckpt-\\d+'\n"));
        AssertError(error, 4, 9, "checkpoints.step", "has no capture group");
    }

    [Fact]
    public void RejectsCheckpointsGivenAsAList()
    {
        var error = SingleError(Minimal().Replace("checkpoints:\n  list: [ckpt-100, ckpt-200]\n", "checkpoints: [ckpt-100]\n"));
        AssertError(error, 2, 14, "checkpoints", "expected a mapping with glob: (a pattern) or list: (names or paths), found a list");
    }

    // ---- benchmarks and commands ---------------------------------------------------------------

    [Fact]
    public void RejectsADuplicateBenchmarkAtTheSecondNamingTheFirstLine()
    {
        var error = SingleError(Minimal().Replace("  - mmlu\n", "  - mmlu\n  - { name: arc_easy, weight: 2 }\n"));
        AssertError(error, 7, 13, "benchmarks[2]", "duplicate benchmark 'arc_easy' (first at line 5)");
    }

    [Fact]
    public void RejectsAnUnknownPlaceholderWithSuggestion()
    {
        var error = SingleError(Minimal().Replace("run {checkpoint} {benchmark}", "run {checkpont} {benchmark}"));
        AssertError(error, 8, 12, "eval.command", "unknown placeholder '{checkpont}'; did you mean '{checkpoint}'?");
    }

    [Fact]
    public void ListsThePlaceholdersWhenNoneIsClose()
    {
        var error = SingleError(Minimal().Replace("run {checkpoint} {benchmark}", "run {checkpoint} {benchmark} {gpu_count}"));
        AssertError(error, 8, 12, "eval.command",
            "unknown placeholder '{gpu_count}'; the placeholders are {checkpoint}, {checkpoint_path}, {step}, {benchmark}, {output_dir}");
    }

    [Fact]
    public void RequiresBenchmarkPlaceholderWhenBenchmarksShareTheCommand()
    {
        var error = SingleError(Minimal()
            .Replace("  - mmlu\n", "  - mmlu\n  - { name: gsm8k, command: 'g {checkpoint}' }\n")
            .Replace("run {checkpoint} {benchmark}", "run {checkpoint}"));
        AssertError(error, 9, 12, "eval.command", "must contain {benchmark}: 'arc_easy', 'mmlu' have no command of their own");
        Assert.Contains("every benchmark would run the same command", error.Message);
    }

    [Fact]
    public void ValidatesAPerBenchmarkCommandTheSameWay()
    {
        var error = SingleError(Minimal().Replace("  - mmlu\n", "  - { name: mmlu, command: \"m {stepp}\" }\n"));
        AssertError(error, 6, 28, "benchmarks[1].command", "unknown placeholder '{stepp}'; did you mean '{step}'?");
    }

    // ---- the file as a whole -------------------------------------------------------------------

    [Fact]
    public void ReportsInvalidYamlAsOneErrorWithItsPosition()
    {
        var error = SingleError("study: s1\nbenchmarks: [a, b\neval: x\n");
        Assert.Equal(SpecPath, error.File);
        Assert.Equal("", error.Field);
        Assert.StartsWith("invalid YAML: ", error.Message);
        Assert.Equal(3, error.Line);
        Assert.True(error.Column >= 1);
    }

    [Fact]
    public void ReportsAYamlSyntaxErrorAtTheParsersPosition()
    {
        var error = SingleError("study: s1\n  bad: indent\n");
        Assert.Equal((SpecPath, 2, 6, ""), (error.File, error.Line, error.Column, error.Field));
        Assert.StartsWith("invalid YAML: ", error.Message);
        Assert.DoesNotContain("Line:", error.Message); // YamlDotNet's own position prefix is dropped
    }

    [Fact]
    public void ReportsADuplicateKeyAsInvalidYaml()
    {
        var error = SingleError(Minimal("  retries: 1\n  retries: 2\n"));
        Assert.Equal((10, 3), (error.Line, error.Column));
        Assert.Equal("invalid YAML: duplicate key 'retries'", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    [InlineData("~\n")]
    public void RejectsAnEmptySpec(string yaml)
    {
        var error = SingleError(yaml);
        Assert.Equal((1, 1, ""), (error.Line, error.Column, error.Field));
        Assert.Contains("the spec is empty", error.Message);
    }

    [Fact]
    public void RejectsATopLevelThatIsNotAMapping()
    {
        var error = SingleError("\n- study: s1\n");
        AssertError(error, 2, 1, "", "the spec must be a mapping");
        Assert.Contains("found a list", error.Message);
    }

    [Fact]
    public void ReportsEveryErrorInOneFileOrderedByLine()
    {
        var yaml =
            "study: s1\n" +                                     // 1
            "checkpoints:\n" +                                  // 2
            "  glob: runs/*\n" +                                // 3
            "  list: [a-1]\n" +                                 // 4
            "benchmarks:\n" +                                   // 5
            "  - arc\n" +                                       // 6
            "  - { name: arc, weight: 0 }\n" +                  // 7
            "eval:\n" +                                         // 8
            "  command: run {checkpont}\n" +                    // 9
            "  timeout: soon\n" +                               // 10
            "engine: { device: gpu }\n" +                       // 11
            "stop: { prob-best: 2 }\n" +                        // 12
            "budget: { max-evals: 120% }\n";                    // 13
        var errors = ReadInvalid(yaml);
        Assert.Equal(
            new[]
            {
                (4, 3, "checkpoints"),
                (7, 13, "benchmarks[1]"),
                (7, 26, "benchmarks[1].weight"),
                (9, 12, "eval.command"),
                (10, 12, "eval.timeout"),
                (11, 19, "engine.device"),
                (12, 20, "stop.prob-best"),
                (13, 22, "budget.max-evals"),
            },
            errors.Select(e => (e.Line, e.Column, e.Field)));
        Assert.Contains("unknown placeholder '{checkpont}'", errors[3].Message);
    }

    [Fact]
    public void FormatsAnErrorAsFileLineColumnFieldMessageAndOneAboutTheWholeFileWithoutAPosition()
    {
        var error = new SpecError("study.yml", 3, 14, "eval.timeout", "'soon' is not a duration");
        Assert.Equal("study.yml:3:14: eval.timeout: 'soon' is not a duration", error.ToString());
        Assert.Equal("study.yml: spec file not found", new SpecError("study.yml", 0, 0, "", "spec file not found").ToString());
    }

    [Fact]
    public void ReadFileReadsTheSpecAndReportsAMissingFile()
    {
        string directory = Path.Combine(Path.GetTempPath(), "bomax-spec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "study.yml");
            File.WriteAllText(path, Minimal());
            var ok = Assert.IsType<SpecReadResult.Ok>(SpecReader.ReadFile(path));
            Assert.Equal(directory, ok.Spec.SpecDirectory);
            Assert.Equal(Path.Combine(directory, ".bomax", "s1.jsonl"), ok.Spec.JournalPath);

            string missing = Path.Combine(directory, "nope.yml");
            var invalid = Assert.IsType<SpecReadResult.Invalid>(SpecReader.ReadFile(missing));
            Assert.Equal($"{missing}: spec file not found", Assert.Single(invalid.Errors).ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void SuggestsTheClosestKnownNameWithinTwoEdits()
    {
        Assert.Equal("did you mean 'benchmarks'?", DidYouMean.Suggest("benchmark", SpecReader.TopKeys));
        Assert.Equal("did you mean 'parallel'?", DidYouMean.Suggest("paralel", SpecReader.EvalKeys));
        Assert.Equal("did you mean 'retries'?", DidYouMean.Suggest("retires", SpecReader.EvalKeys)); // a transposition counts 1
        Assert.Equal("", DidYouMean.Suggest("frobnicate", SpecReader.TopKeys));
        Assert.Equal(2, DidYouMean.Distance("matern", "matern52"));
        Assert.Equal(1, DidYouMean.Distance("ab", "ba"));
    }

    // ---- per-benchmark score rules, direction, and what is checked before anything runs ---------

    private static string Suite(string benchmarks, string eval = "") =>
        "study: suite\n" +                                                                  // 1
        "checkpoints: { list: [ckpt-100, ckpt-200] }\n" +                                   // 2
        "benchmarks:\n" +                                                                   // 3
        benchmarks +                                                                        // 4 …
        "eval:\n" +
        "  command: lm_eval --tasks {benchmark} --output_path {output_dir}\n" +
        "  score: { lm-eval: 'acc,none' }\n" +
        eval;

    [Fact]
    public void EngineThreadsDefaultToOneAndCanBeRaised()
    {
        Assert.Equal(1, ReadOk(Minimal()).Engine.Threads);
        Assert.Equal(4, ReadOk(Minimal("engine: { threads: 4 }\n")).Engine.Threads);
        var (spec, error) = new StudyOverrides(null, null, 2).ApplyTo(ReadOk(Minimal()));
        Assert.Null(error);
        Assert.Equal(2, spec!.Engine.Threads);
        Assert.Equal("--threads 0 is not a thread count: expected 1 or more", new StudyOverrides(null, null, 0).ApplyTo(ReadOk(Minimal())).Error);
    }

    [Fact]
    public void EachBenchmarkMayHaveItsOwnScoreRuleAndGoal()
    {
        var spec = ReadOk(Suite(
            "  - mmlu\n" +
            "  - { name: gsm8k, score: { lm-eval: 'exact_match,strict-match' } }\n" +
            "  - { name: hellaswag, score: { lm-eval: acc_norm } }\n" +
            "  - { name: wikitext, score: { lm-eval: 'word_perplexity,none' }, goal: minimize }\n" +
            "  - { name: speed, score: last-number, goal: maximize }\n",
            "  score-limit: 1e9\n"));

        Assert.Equal(new ScoreRule.LmEval("acc,none"), spec.Eval.Score);
        Assert.Equal(1e9, spec.Eval.ScoreLimit);
        Assert.Equal(
            [
                null, new ScoreRule.LmEval("exact_match,strict-match"), new ScoreRule.LmEval("acc_norm"),
                new ScoreRule.LmEval("word_perplexity,none"), new ScoreRule.LastNumber(),
            ],
            spec.Benchmarks.Select(b => b.Score));
        Assert.Equal([null, null, null, ScoreGoal.Minimize, ScoreGoal.Maximize], spec.Benchmarks.Select(b => b.Goal));
    }

    [Theory]
    [InlineData("  - { name: wikitext, goal: lower }\n", 4, 29, "benchmarks[0].goal", "'lower' is not one of maximize, minimize")]
    [InlineData("  - { name: wikitext, goal: minimse }\n", 4, 29, "benchmarks[0].goal", "did you mean 'minimize'?")]
    [InlineData("  - { name: mmlu, score: { lm-eval: } }\n", 4, 37, "benchmarks[0].score.lm-eval", "expected an lm-eval metric")]
    [InlineData("  - { name: mmlu, score: acc }\n", 4, 26, "benchmarks[0].score", "'acc' is not a score rule")]
    [InlineData("  - { name: mmlu, scor: { lm-eval: acc } }\n", 4, 19, "benchmarks[0].scor", "did you mean 'score'?")]
    public void ABadScoreRuleOrGoalOfABenchmarkIsNamedWithItsPosition(string benchmarks, int line, int column, string field, string messagePart)
    {
        var error = SingleError(Suite(benchmarks));
        Assert.True((line, column, field) == (error.Line, error.Column, error.Field), error.ToString());
        AssertError(error, line, column, field, messagePart);
    }

    [Fact]
    public void WeightsThatAddUpToMoreThanADoubleHoldsAreRejected()
    {
        var error = SingleError(Suite("  - { name: a, weight: 1e308 }\n  - { name: b, weight: 1e308 }\n  - c\n"));
        AssertError(error, 4, 3, "benchmarks", "the weights add up to more than a number can hold");
    }

    [Theory]
    [InlineData("  command: run {checkpoint} {benchmark} 'unclosed\n", "", 9, 12, "eval.command", "unbalanced quotes in the eval command")]
    [InlineData("  command: \"run {checkpoint} {benchmark} \\\"x\"\n", "  shell: bash\n", 9, 12, "eval.command", "unbalanced quotes")]
    public void AnUnbalancedQuoteInTheCommandIsASpecError(string command, string shell, int line, int column, string field, string messagePart)
    {
        string yaml = Minimal().Replace("  command: run {checkpoint} {benchmark}\n", "") + command + shell;
        var error = SingleError(yaml);
        AssertError(error, line - 1, column, field, messagePart);
    }

    [Fact]
    public void AnUnbalancedQuoteInABenchmarksOwnCommandNamesThatBenchmark()
    {
        var error = SingleError(Suite("  - mmlu\n  - { name: gsm8k, command: \"python eval.py '{checkpoint}\" }\n"));
        AssertError(error, 5, 29, "benchmarks[1].command", "unbalanced quotes");
    }
}

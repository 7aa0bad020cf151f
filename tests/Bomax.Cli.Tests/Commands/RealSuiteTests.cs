using System.Text.Json;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// End-to-end tests of real evaluation suites: the real bomax.dll as a child process, stand-in eval scripts that write
/// genuine lm-evaluation-harness result files (tests/…/Evaluation/Fixtures/lm-eval) where the harness writes them
/// (<c>&lt;output_path&gt;/&lt;model_name_sanitized&gt;/results_&lt;timestamp&gt;.json</c>), and the mistakes real teams make:
/// mixed metrics, lower-is-better metrics, broken commands fixed between runs, names that sanitise alike, absurd scores.
/// Grids are tiny and every budget covers the grid, so the outcome does not depend on the engine's choices.
/// </summary>
public sealed class RealSuiteTests : IDisposable
{
    static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(120);

    readonly string directory = Directory.CreateTempSubdirectory("bomax-suite-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    // ---- set-up ------------------------------------------------------------------------------------------

    static string Fixture(string name) => RepositoryPaths.LmEvalFixture(name);

    string Write(string name, string text, bool executable = false)
    {
        string path = Path.Combine(directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        if (executable && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>
    /// A stand-in for <c>lm_eval --model hf --model_args pretrained=PATH --tasks TASK --output_path DIR</c>: copies
    /// <c>fixtures/TASK.json</c> to <c>DIR/__data__runs__&lt;checkpoint&gt;/results_2025-01-01T10-00-00.000000.json</c>. When
    /// <c>fixtures/TASK.sed</c> exists, it is a sed script applied on the way, with <c>STEP</c> replaced by the checkpoint's step.
    /// </summary>
    string WriteHarness() => Write("lm_eval.sh", """
        #!/bin/bash
        set -eu
        out=""; task=""; model=""
        while [ $# -gt 0 ]; do
          case "$1" in
            --tasks) task=$2; shift 2;;
            --output_path) out=$2; shift 2;;
            --model_args) model=${2#pretrained=}; shift 2;;
            *) shift;;
          esac
        done
        printf '%s|%s\n' "$model" "$task" >> calls.log
        dir="$out/__data__runs__$(basename "$model")"
        mkdir -p "$dir"
        if [ -f "fixtures/$task.sed" ]; then
          sed -e "$(sed "s/STEP/$BOMAX_STEP/g" "fixtures/$task.sed")" "fixtures/$task.json" > "$dir/results_2025-01-01T10-00-00.000000.json"
        else
          cp "fixtures/$task.json" "$dir/results_2025-01-01T10-00-00.000000.json"
        fi
        echo "|Tasks|Version|Filter|n-shot|Metric|Value|"
        """, executable: true);

    void UseFixture(string task, string fixture, string? sed = null)
    {
        Directory.CreateDirectory(Path.Combine(directory, "fixtures"));
        File.Copy(Fixture(fixture), Path.Combine(directory, "fixtures", task + ".json"), overwrite: true);
        if (sed is not null) Write(Path.Combine("fixtures", task + ".sed"), sed);
    }

    string Spec(string checkpoints, string benchmarks, string eval, string budget = "100%", string name = "study.yml") => Write(name, $"""
        study: suite
        checkpoints:
          list: [{checkpoints}]
        benchmarks:
        {benchmarks}
        eval:
        {eval}
        budget: {"{"} max-evals: {budget} {"}"}
        journal: journal.jsonl
        """);

    const string HarnessCommand = "  command: ./lm_eval.sh --model hf --model_args pretrained=runs/{checkpoint} "
        + "--tasks {benchmark} --output_path {output_dir}";

    BomaxResult Bomax(params string[] arguments) => BomaxProcess.Run(directory, ProcessLimit, arguments);

    List<JsonElement> Journal(string type) =>
        File.ReadAllLines(Path.Combine(directory, "journal.jsonl")).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("type").GetString() == type).ToList();

    static double Value(string fixture, string task, string metric) =>
        JsonDocument.Parse(File.ReadAllText(Fixture(fixture))).RootElement.GetProperty("results").GetProperty(task).GetProperty(metric).GetDouble();

    // ---- direction -----------------------------------------------------------------------------------------

    [Fact]
    public void ALowerIsBetterMetricPicksTheLowestValueFromTheResultsOwnDirectionAndTheReportSaysSo()
    {
        // Fixture H (v0.4.9) says higher_is_better: false for word_perplexity; its value is made a parabola in the step,
        // lowest (2.0) at step 300. The spec says nothing about direction.
        const string task = "nl2foam_perplexity_original";
        UseFixture(task, "H_v0492_perplexity.json", """s/"word_perplexity,none": [0-9.]*/"word_perplexity,none": 2.STEP/""");
        WriteHarness();
        var spec = Spec("ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500", $"  - {task}",
            HarnessCommand + "\n  score: { lm-eval: 'word_perplexity,none' }");
        // 2.100 … 2.500: the lowest perplexity is step 100's.

        var result = Bomax("run", spec);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("selected: ckpt-100 (step 100)", result.Stdout);
        Assert.Contains("its results say lower is better, so it is minimized", result.Stderr);
        var evaluations = Journal("evaluation");
        Assert.Equal(5, evaluations.Count);
        Assert.All(evaluations, e => Assert.False(e.GetProperty("higher_is_better").GetBoolean()));
        Assert.Contains(evaluations, e => e.GetProperty("checkpoint").GetString() == "ckpt-100" && e.GetProperty("score").GetDouble() == 2.1);
        string report = File.ReadAllText(Path.Combine(directory, "suite", "report.md"));
        Assert.Contains(@"| nl2foam\_perplexity\_original ↓ lower is better | 1 | 2.1000 | observed |", report);
        Assert.Contains("estimated average -2.1000", result.Stdout);
        Assert.Contains($"(lower is better for {task}: it enters the average with the sign changed", result.Stdout);
        Assert.Contains("enter the weighted average with the sign changed", report);
    }

    [Fact]
    public void GoalMinimizeInTheSpecPicksTheLowestOfAPlainNumber()
    {
        // An error rate, lowest (0.2) at step 300; acc is a second, flat benchmark maximised as usual.
        Write("eval.sh", """
            #!/bin/bash
            if [ "$1" = acc ]; then echo 0.5; exit; fi
            awk -v s="$BOMAX_STEP" 'BEGIN { d = (s - 300) / 100; printf "error rate %.3f\n", 0.2 + 0.05 * d * d }'
            """, executable: true);
        var spec = Spec("ckpt-100, ckpt-200, ckpt-300, ckpt-400", "  - { name: err, goal: minimize }\n  - acc", "  command: ./eval.sh {benchmark}");

        var result = Bomax("run", spec);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("selected: ckpt-300 (step 300)", result.Stdout);
        Assert.Contains("estimated average 0.1500", result.Stdout); // (−0.2 + 0.5) / 2
        string report = File.ReadAllText(Path.Combine(directory, "suite", "report.md"));
        Assert.Contains("| err ↓ lower is better | 1 | 0.2000 | observed |", report);
        Assert.Contains("| acc | 1 | 0.5000 | observed |", report);
    }

    // ---- mixed metrics -------------------------------------------------------------------------------------

    [Fact]
    public void AMixedMetricSuiteScoresEveryPairFromTheHarnessFiles()
    {
        UseFixture("mmlu", "F1_v043_llama31_mmlu.json");
        UseFixture("gsm8k_cot_llama", "G_gsm8k_cot_llama.json");
        UseFixture("arc_challenge", "C2_v03_testdata_arc_challenge.json");
        UseFixture("massive-de", "D_v040_flan_massive-de.json");
        WriteHarness();
        var spec = Spec("ckpt-1, ckpt-2, ckpt-3", """
              - mmlu
              - { name: gsm8k_cot_llama, score: { lm-eval: 'exact_match,strict-match' } }
              - { name: arc_challenge, score: { lm-eval: acc_norm } }
              - massive-de
            """, HarnessCommand + "\n  score: { lm-eval: 'acc,none' }");

        var result = Bomax("run", spec);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(Journal("failure"));
        var evaluations = Journal("evaluation");
        Assert.Equal(12, evaluations.Count);
        var expected = new Dictionary<string, double>
        {
            ["mmlu"] = Value("F1_v043_llama31_mmlu.json", "mmlu", "acc,none"),
            ["gsm8k_cot_llama"] = Value("G_gsm8k_cot_llama.json", "gsm8k_cot_llama", "exact_match,strict-match"),
            ["arc_challenge"] = Value("C2_v03_testdata_arc_challenge.json", "arc_challenge", "acc_norm"),
            ["massive-de"] = Value("D_v040_flan_massive-de.json", "massive-de", "acc,none"),
        };
        foreach (var e in evaluations)
            Assert.Equal(expected[e.GetProperty("benchmark").GetString()!], e.GetProperty("score").GetDouble());
        Assert.Contains("4/4 benchmarks evaluated", result.Stdout);
    }

    // ---- failures that heal --------------------------------------------------------------------------------

    [Fact]
    public void FixingABrokenBenchmarksCommandAndRunningAgainEvaluatesItsFailedPairs()
    {
        Write("eval.sh", "#!/bin/bash\necho \"score $BOMAX_STEP\" | awk '{ print $2 / 1000 }'\n", executable: true);
        string broken = Spec("ckpt-1, ckpt-2, ckpt-3, ckpt-4", "  - a\n  - { name: b, command: './evl.sh {checkpoint}' }",
            "  command: ./eval.sh {benchmark}\n  retries: 0");

        var first = Bomax("run", broken);

        Assert.True(first.ExitCode == 0, first.ToString()); // a alone still names a checkpoint
        Assert.Contains("benchmark b: every evaluation failed so far", first.Stderr);
        var failures = Journal("failure");
        Assert.Equal(2, failures.Count); // quarantined after two: the rest of b's pairs were not tried
        Assert.All(failures, f => Assert.Equal("start-error", f.GetProperty("kind").GetString()));
        Assert.DoesNotContain("checkpoint ckpt-", first.Stderr); // no healthy checkpoint was quarantined

        Spec("ckpt-1, ckpt-2, ckpt-3, ckpt-4", "  - a\n  - { name: b, command: './eval.sh {checkpoint}' }",
            "  command: ./eval.sh {benchmark}\n  retries: 0");
        var second = Bomax("run", broken);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("2 failed pairs no longer count (their benchmark's command or score rule changed) and are tried again", second.Stderr);
        Assert.Equal(4, Journal("evaluation").Count(e => e.GetProperty("benchmark").GetString() == "b"));
        Assert.Contains("8 of 8 pairs evaluated", second.Stdout);
    }

    [Fact]
    public void RetryFailedEvaluatesFailedPairsAgainWithoutAChange()
    {
        // ckpt-2 fails while the file 'broken' exists (a flaky mount, say).
        Write("broken", "");
        Write("eval.sh", "#!/bin/bash\nif [ \"$1\" = ckpt-2 ] && [ -f broken ]; then echo 'mount lost' >&2; exit 1; fi\necho 0.$BOMAX_STEP\n",
            executable: true);
        var spec = Spec("ckpt-1, ckpt-2, ckpt-3", "  - a", "  command: ./eval.sh {checkpoint}\n  retries: 0");

        Assert.Equal(0, Bomax("run", spec).ExitCode);
        Assert.Single(Journal("failure"));
        File.Delete(Path.Combine(directory, "broken"));

        var again = Bomax("run", spec);
        Assert.Contains("0 in this run", again.Stdout); // nothing changed: the failure still counts
        Assert.Equal(2, Journal("evaluation").Count);

        var retried = Bomax("run", spec, "--retry-failed");
        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Contains("1 failed pairs no longer count (--retry-failed)", retried.Stderr);
        Assert.Equal(3, Journal("evaluation").Count);
        Assert.Contains("3 of 3 pairs evaluated", retried.Stdout);
    }

    [Fact]
    public void AScoreThatCannotBeParsedIsReadAgainFromTheKeptOutputNotRerun()
    {
        Write("eval.sh", "#!/bin/bash\necho \"$1\" >> calls.log\necho \"acc=0.$BOMAX_STEP\"\n", executable: true);
        Spec("ckpt-1, ckpt-2", "  - a", "  command: ./eval.sh {checkpoint}\n  retries: 2\n  score: { regex: 'accuracy=([0-9.]+)' }");

        var first = Bomax("run", "study.yml");

        Assert.Equal(3, first.ExitCode); // nothing scored
        Assert.Equal(2, File.ReadAllLines(Path.Combine(directory, "calls.log")).Length); // not re-run despite retries: 2
        Assert.All(Journal("failure"), f => Assert.Equal("score", f.GetProperty("kind").GetString()));

        Spec("ckpt-1, ckpt-2", "  - a", "  command: ./eval.sh {checkpoint}\n  retries: 2\n  score: { regex: 'acc=([0-9.]+)' }");
        var second = Bomax("run", "study.yml");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("read 2 kept output(s) again with the changed score rule instead of re-running: 2 scored", second.Stderr);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(directory, "calls.log")).Length);
        Assert.Equal([0.1, 0.2], Journal("evaluation").Select(e => e.GetProperty("score").GetDouble()).Order());
    }

    // ---- output folders ------------------------------------------------------------------------------------

    [Fact]
    public void BenchmarksWhoseNamesSanitiseAlikeKeepTheirOwnScores()
    {
        // Each evaluation writes its score into its output folder, and the score is read from there.
        Write("eval.sh", """
            #!/bin/bash
            case "$1" in "a b") s=0.1;; a_b) s=0.2;; a/b) s=0.3;; ..) s=0.4;; *) s=0.9;; esac
            if [ -n "$(ls -A "$BOMAX_OUTPUT_DIR")" ]; then echo "output folder not empty" >&2; exit 1; fi
            printf '{"score": %s}\n' "$s" > "$BOMAX_OUTPUT_DIR/result.json"
            """, executable: true);
        var spec = Spec("ckpt-1, ckpt-2", "  - 'a b'\n  - a_b\n  - a/b\n  - '..'", "  command: ./eval.sh {benchmark}\n  score: { json: score }");

        var result = Bomax("run", spec);

        Assert.True(result.ExitCode == 0, result.ToString());
        var scores = Journal("evaluation").GroupBy(e => e.GetProperty("benchmark").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(e => e.GetProperty("score").GetDouble()).Distinct().Single());
        Assert.Equal(new Dictionary<string, double> { ["a b"] = 0.1, ["a_b"] = 0.2, ["a/b"] = 0.3, [".."] = 0.4 }, scores);
        string outputs = Path.Combine(directory, "suite", "outputs");
        Assert.Equal(8, Directory.GetDirectories(outputs, "attempt-1", SearchOption.AllDirectories).Length);
        Assert.All(Directory.GetDirectories(outputs, "*", SearchOption.AllDirectories), d => Assert.StartsWith(outputs, Path.GetFullPath(d)));
    }

    [Fact]
    public void ARunAfterAnotherNeverReadsTheEarlierRunsFiles()
    {
        // The first run writes results; the second (after --fresh) writes nothing: it must fail, not score old files.
        Write("eval.sh", "#!/bin/bash\n[ -f quiet ] || printf '{\"score\": 0.5}\\n' > \"$BOMAX_OUTPUT_DIR/r.json\"\n", executable: true);
        var spec = Spec("ckpt-1", "  - a", "  command: ./eval.sh\n  retries: 0\n  score: { json: score }");
        Assert.Equal(0, Bomax("run", spec).ExitCode);
        Write("quiet", "");

        var second = Bomax("run", spec, "--fresh");

        Assert.Equal(3, second.ExitCode);
        var failure = Assert.Single(Journal("failure"));
        Assert.Contains("no *.json files under", failure.GetProperty("message").GetString());
        Assert.EndsWith("attempt-2", failure.GetProperty("output_dir").GetString());
    }

    // ---- scores that cannot poison a study -------------------------------------------------------------------

    [Fact]
    public void AHugeScoreIsAFailureAndNeitherRecordNorALaterReportTakesIt()
    {
        Write("eval.sh", "#!/bin/bash\nif [ \"$1\" = ckpt-2 ]; then echo 1e308; else echo 0.5$BOMAX_STEP; fi\n", executable: true);
        var spec = Spec("ckpt-1, ckpt-2, ckpt-3", "  - a", "  command: ./eval.sh {checkpoint}\n  retries: 0");

        var run = Bomax("run", spec);

        Assert.True(run.ExitCode == 0, run.ToString());
        var failure = Assert.Single(Journal("failure"));
        Assert.Contains("the score 1e308 is outside ±1e6 (eval.score-limit)", failure.GetProperty("message").GetString());

        var record = Bomax("record", spec, "--checkpoint", "ckpt-2", "--benchmark", "a", "--score", "1e308");
        Assert.Equal(2, record.ExitCode);
        Assert.Contains("--score: the score 1e308 is outside ±1e6", record.Stderr);

        // A journal written by an older bomax may hold one: the report skips it, naming the line.
        string journal = Path.Combine(directory, "journal.jsonl");
        File.AppendAllText(journal,
            """{"type":"evaluation","checkpoint":"ckpt-2","step":2,"benchmark":"a","score":1e308,"stderr":null,"seconds":1,"attempt":1,"time":"2026-01-01T00:00:00+00:00"}"""
            + "\n");
        int line = File.ReadAllLines(journal).Length;
        var report = Bomax("report", spec);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains($"journal.jsonl:{line}: ckpt-2 × a: the score 1e308 is outside ±1e6", report.Stderr);
        Assert.DoesNotContain("Exception", report.Stderr);
        Assert.Contains("selected: ckpt-", report.Stdout);
    }

    [Fact]
    public void APercentageAmongFractionsIsWarnedAboutByName()
    {
        Write("eval.sh", "#!/bin/bash\nif [ \"$1\" = ckpt-5 ]; then echo 55.3; else echo 0.6$BOMAX_STEP; fi\n", executable: true);
        var spec = Spec("ckpt-1, ckpt-2, ckpt-3, ckpt-4, ckpt-5", "  - a", "  command: ./eval.sh {checkpoint}");

        var run = Bomax("run", spec);

        Assert.True(run.ExitCode == 0, run.ToString());
        string report = File.ReadAllText(Path.Combine(directory, "suite", "report.md"));
        Assert.Contains("ckpt-5 × a: score 55.3 is far outside the benchmark's other 4 scores", report);
        Assert.Contains("percentage among fractions", report);
        Assert.Contains("score 55.3 is far outside", Bomax("report", spec).Stderr);
    }
}

using System.Text.RegularExpressions;
using Bomax.Cli.Journal;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// The README's example spec is one that works: it validates, every key of it is in the README's key table, and
/// <c>bomax check</c> on it, with a stand-in <c>lm_eval</c> on PATH that writes genuine harness result files, reads a
/// score for every distinct score rule (the metric each task really reports) and minimises the perplexity.
/// </summary>
public sealed class ReadmeSpecTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-readme-spec-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The first ```yaml block after the README's "### The study spec" heading.</summary>
    static string ExampleSpec()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        int section = readme.IndexOf("### The study spec", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '### The study spec' section");
        var block = Regex.Match(readme[section..], "```yaml\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the study spec section has no yaml block");
        return block.Groups[1].Value;
    }

    [Fact]
    public void TheExampleSpecValidatesWithAMetricPerTask()
    {
        var spec = Assert.IsType<SpecReadResult.Ok>(SpecReader.Read(ExampleSpec(), Path.Combine(directory, "study.yml"))).Spec;

        var rules = spec.Benchmarks.ToDictionary(b => b.Name, b => b.Score ?? spec.Eval.Score);
        Assert.Equal(new ScoreRule.LmEval("acc,none"), rules["mmlu"]);
        Assert.Equal(new ScoreRule.LmEval("acc_norm,none"), rules["hellaswag"]);
        Assert.Equal(new ScoreRule.LmEval("exact_match,strict-match"), rules["gsm8k"]);
        Assert.Equal(new ScoreRule.LmEval("word_perplexity,none"), rules["wikitext"]);
        Assert.Equal(ScoreGoal.Minimize, spec.Benchmarks.Single(b => b.Name == "wikitext").Goal);
        Assert.Equal([Path.Combine(directory, ".bomax", "sft-run-41.jsonl")], spec.Prior.Select(p => p.Path));
    }

    [Fact]
    public void CheckOnTheExampleSpecScoresEveryDistinctRuleFromHarnessFiles()
    {
        File.WriteAllText(Path.Combine(directory, "study.yml"), ExampleSpec());
        foreach (int step in new[] { 100, 200, 300 }) Directory.CreateDirectory(Path.Combine(directory, "runs", "sft-42", $"checkpoint-{step}"));
        // The earlier run its prior: names: a journal of a study of the same recipe.
        foreach (var (step, task, score) in new[] { (100, "mmlu", 0.41), (200, "mmlu", 0.45), (100, "hellaswag", 0.52), (300, "hellaswag", 0.55) })
            JournalFile.Append(Path.Combine(directory, ".bomax", "sft-run-41.jsonl"),
                new EvaluationRecord($"checkpoint-{step}", step, task, score, null, 60, 1) { Time = DateTimeOffset.UnixEpoch });
        string fixtures = Path.GetDirectoryName(RepositoryPaths.LmEvalFixture("README.md"))!;
        // A stand-in lm_eval: each task's genuine results file, renamed to the task asked for, in the harness's layout.
        string bin = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
        string lmEval = Path.Combine(bin, "lm_eval");
        File.WriteAllText(lmEval, $$"""
            #!/bin/bash
            set -eu
            while [ $# -gt 0 ]; do case "$1" in --tasks) task=$2; shift 2;; --output_path) out=$2; shift 2;; *) shift;; esac; done
            case "$task" in
              mmlu) file=F1_v043_llama31_mmlu.json; from=mmlu;;
              hellaswag) file=C2_v03_testdata_arc_challenge.json; from=arc_challenge;;
              gsm8k) file=G_gsm8k_cot_llama.json; from=gsm8k_cot_llama;;
              wikitext) file=H_v0492_perplexity.json; from=nl2foam_perplexity_original;;
            esac
            mkdir -p "$out/__data__runs__model"
            sed "s/\"$from\"/\"$task\"/g" '{{fixtures}}'/"$file" > "$out/__data__runs__model/results_2025-01-01T00-00-00.000000.json"
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(lmEval, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = BomaxProcess.Run(directory, TimeSpan.FromSeconds(90), ["check", "study.yml"],
            environment => environment["PATH"] = bin + ":" + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("4 pair(s) to try", result.Stdout);
        Assert.Equal(4,
            Regex.Matches(result.Stdout, @"  score [0-9.]+.* from __data__runs__model/results_2025-01-01T00-00-00\.000000\.json: results\.").Count);
        Assert.Contains("results.gsm8k.\"exact_match,strict-match\"", result.Stdout);
        Assert.Contains("results.hellaswag.\"acc_norm\"", result.Stdout);
        Assert.Contains("  goal: minimize (goal: in the spec)", result.Stdout);
        Assert.False(File.Exists(Path.Combine(directory, ".bomax", "sft-run-42.jsonl")));
    }
}

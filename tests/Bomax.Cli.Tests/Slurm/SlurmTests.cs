using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Tests.Slurm;

/// <summary>
/// The tests that use the cluster: one cluster for all of them, and run alone (after the parallel tests), since
/// their bounded waits assume the machine's CPUs are theirs and the node's CPUs are shared by their jobs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>
{
    public const string Name = "Slurm cluster";
}

/// <summary>
/// samples/slurm on a real single-node Slurm cluster (tests/slurm/start-cluster.sh): <c>bomax run</c> whose
/// evaluations are <c>srun</c> job steps, a timeout that must leave no step behind, and the
/// <c>sbatch --array</c> workers of eval-array.sbatch. Skipped, saying why, where no cluster can be started.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmTests(SlurmCluster cluster, ITestOutputHelper output)
{
    static readonly string Sample = Path.Combine(SlurmCluster.SourceRoot, "samples", "slurm");
    static readonly string Table = Path.Combine(SlurmCluster.SourceRoot, "samples", "data", "learning-curves-121x71.tsv");

    /// <summary>The sample's own eval command (samples/slurm/study.yml), with a job name of this test's.</summary>
    static string SampleCommand(string jobName)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(Sample, "study.yml"))) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var command = ((YamlScalarNode)((YamlMappingNode)root["eval"])["command"]).Value!;
        Assert.Contains("--job-name=bomax-eval", command);
        Assert.StartsWith("srun ", command);
        return command.Replace("--job-name=bomax-eval", $"--job-name={jobName}");
    }

    /// <summary>A study folder with the sample's stand-in evaluation copied in, reading the sample's table.</summary>
    static string StudyFolder(string name, IEnumerable<string> checkpoints, IEnumerable<string> benchmarks, string eval)
    {
        var folder = Directory.CreateTempSubdirectory($"bomax-slurm-{name}-").FullName;
        File.Copy(Path.Combine(Sample, "eval-standin.sh"), Path.Combine(folder, "eval-standin.sh"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(folder, "eval-standin.sh"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(folder, "study.yml"), $"""
            study: {name}
            checkpoints:
              list: [{string.Join(", ", checkpoints)}]
            benchmarks: [{string.Join(", ", benchmarks)}]
            eval:
            {eval}
            budget: {"{ max-evals: 100% }"}
            engine: {"{ seed: 0 }"}

            """);
        return folder;
    }

    static string Unique(string what) => $"bomax-test-{what}-{Guid.NewGuid().ToString("n")[..8]}";

    static List<JsonObject> Journal(string folder, string study) =>
        File.ReadAllLines(Path.Combine(folder, ".bomax", study + ".jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .ToList();

    static string Text(JsonObject record, string key) => record[key]!.GetValue<string>();

    [SkippableFact]
    public void RunEvaluatesEveryPairAsAnSrunJobStep()
    {
        cluster.SkipUnlessUp();
        string jobName = Unique("run");
        string[] checkpoints = ["checkpoint-100", "checkpoint-1400", "checkpoint-3000", "checkpoint-6100"], benchmarks = ["TASK_1", "TASK_2"];
        var folder = StudyFolder("slurm-run", checkpoints, benchmarks, $"""
              command: {SampleCommand(jobName)}
              score: last-number
              env: {"{"} BOMAX_SAMPLE_TABLE: "{Table}" {"}"}
              timeout: 40s
              retries: 0
              parallel: 2
            """);
        try
        {
            var result = BomaxProcess.Run(folder, TimeSpan.FromSeconds(60), ["run", "study.yml"], cluster.ClusterEnvironment);
            output.WriteLine(result.ToString());
            Assert.True(result.ExitCode == 0, $"{result}\n{cluster.Log("slurmctld")}\n{cluster.Log("slurmd")}");

            var journal = Journal(folder, "slurm-run");
            Assert.DoesNotContain(journal, r => Text(r, "type") == "failure");
            var pairs = journal.Where(r => Text(r, "type") == "evaluation").Select(r => (Text(r, "checkpoint"), Text(r, "benchmark"))).ToList();
            Assert.Equal(checkpoints.SelectMany(c => benchmarks.Select(b => (c, b))).Order(), pairs.Order()); // every pair, once

            // Each evaluation ran inside a Slurm step of its own (the stand-in noted SLURM_JOB_ID.SLURM_STEP_ID in its
            // output folder), and slurmd's log shows it launched exactly those steps.
            var notes = Directory.GetFiles(Path.Combine(folder, ".bomax", "slurm-run", "outputs"), "slurm-step.txt", SearchOption.AllDirectories)
                .Select(f => File.ReadAllText(f).Trim()).ToList();
            Assert.Equal(pairs.Count, notes.Count);
            var steps = notes.Select(n => Regex.Match(n, @"^job (\d+) step (\d+) on bomax-node$")).ToList();
            Assert.All(steps, m => Assert.True(m.Success, string.Join("\n", notes)));
            var stepIds = steps.Select(m => $"{m.Groups[1].Value}.{m.Groups[2].Value}").ToList();
            Assert.Equal(stepIds.Count, stepIds.Distinct().Count());
            var launched = cluster.LaunchedSteps();
            Assert.All(stepIds, id => Assert.True(launched.Contains(id), $"slurmd.log has no 'launch task StepId={id}':\n{cluster.Log("slurmd")}"));
            output.WriteLine($"steps: {string.Join(", ", stepIds)}");
        }
        finally
        {
            cluster.CancelJobs(jobName);
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public void ATimedOutEvaluationLeavesNoStepBehind()
    {
        cluster.SkipUnlessUp();
        string jobName = Unique("timeout");
        var folder = StudyFolder("slurm-timeout", ["checkpoint-100"], ["TASK_1"], $"""
              command: {SampleCommand(jobName)}
              score: last-number
              env: {"{"} BOMAX_SAMPLE_TABLE: "{Table}", BOMAX_SAMPLE_DELAY: "60" {"}"}
              timeout: 3s
              retries: 0
            """);
        try
        {
            var result = BomaxProcess.Run(folder, TimeSpan.FromSeconds(40), ["run", "study.yml"], cluster.ClusterEnvironment);
            output.WriteLine(result.ToString());
            Assert.True(result.ExitCode == 3, result.ToString()); // none succeeded
            var failure = Assert.Single(Journal(folder, "slurm-timeout"), r => Text(r, "type") == "failure");
            Assert.Equal("timeout", Text(failure, "kind"));
            // The step was running when the timeout struck (not still queued), so there was a step to cancel.
            var note = Path.Combine(Text(failure, "output_dir"), "slurm-step.txt");
            Assert.True(File.Exists(note), $"the stand-in never started in a step (no {note}):\n{result}\n{cluster.Log("slurmctld")}");

            // bomax sent SIGTERM to srun's process group: srun cancels its step and releases its job.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            IReadOnlyList<string> left;
            while ((left = cluster.JobsAndSteps(jobName)).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(500);
            Assert.True(left.Count == 0, $"15 s after bomax recorded the timeout, squeue still lists: "
                + $"{string.Join("; ", left)}\n{cluster.Log("slurmctld")}\n{cluster.Log("slurmd")}");
        }
        finally
        {
            cluster.CancelJobs(jobName);
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public void AnArrayOfWorkersEvaluatesTheBudgetAndWritesTheReport()
    {
        cluster.SkipUnlessUp();
        string jobName = Unique("array");
        string[] checkpoints = ["checkpoint-100", "checkpoint-1400", "checkpoint-6100"], benchmarks = ["TASK_1", "TASK_2"];
        // The workers evaluate with eval-array.sbatch's evaluate(); the spec's command is not used by suggest or record.
        var folder = StudyFolder("slurm-array", checkpoints, benchmarks, """
              command: ./eval-standin.sh {checkpoint} {benchmark}
            """);
        try
        {
            string bomax = $"{DotnetHost()} {Path.Combine(AppContext.BaseDirectory, "bomax.dll")}";
            var result = SlurmCluster.Run("sbatch",
                ["--wait", "--array=0-2", $"--job-name={jobName}", Path.Combine(Sample, "eval-array.sbatch"), "study.yml"],
                folder, TimeSpan.FromSeconds(75), environment =>
                {
                    cluster.ClusterEnvironment(environment);
                    environment["BOMAX"] = bomax;
                    environment["BOMAX_EVAL"] = Path.Combine(Sample, "eval-standin.sh");
                    environment["CI"] = "true";
                });
            var logs = Directory.GetFiles(folder, "bomax-array-*.out").Order().ToList();
            string all = string.Join("\n", logs.Select(l => $"--- {Path.GetFileName(l)} ---\n{File.ReadAllText(l)}"));
            output.WriteLine($"{result}\n{all}");
            Assert.True(result.ExitCode == 0, $"{result}\n{all}\n{cluster.Log("slurmctld")}");
            Assert.Equal(3, logs.Count);

            var evaluations = Journal(folder, "slurm-array")
                .Where(r => Text(r, "type") == "evaluation")
                .Select(r => (Text(r, "checkpoint"), Text(r, "benchmark")))
                .ToList();
            // the whole budget, each pair once: suggest leases what it hands out
            Assert.Equal(checkpoints.SelectMany(c => benchmarks.Select(b => (c, b))).Order(), evaluations.Order());
            output.WriteLine($"{evaluations.Count} evaluations journaled for {evaluations.Distinct().Count()} pairs");

            Assert.Single(logs, l => File.ReadAllText(l).Contains("last of 3 tasks: writing the report"));
            var report = Path.Combine(folder, ".bomax", "slurm-array");
            Assert.True(File.Exists(Path.Combine(report, "report.md")) && File.Exists(Path.Combine(report, "report.html")), all);
            Assert.Contains("Selected **checkpoint-1400**", File.ReadAllText(Path.Combine(report, "report.md"))); // the table's best of these three
        }
        finally
        {
            cluster.CancelJobs(jobName);
            Directory.Delete(folder, recursive: true);
        }
    }

    static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
}

/// <summary>The cluster scripts and the sample's scripts pass shellcheck (no cluster needed).</summary>
public sealed class SlurmScriptTests
{
    [Action.ShellcheckFact]
    public void TheSlurmScriptsPassShellcheck()
    {
        string root = SlurmCluster.SourceRoot;
        string[] scripts =
            ["tests/slurm/start-cluster.sh", "tests/slurm/stop-cluster.sh", "samples/slurm/eval-array.sbatch", "samples/slurm/eval-standin.sh"];
        var result = SlurmCluster.Run(Action.ShellcheckFactAttribute.Shellcheck, ["--shell=bash", .. scripts], root, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}

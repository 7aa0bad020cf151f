using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.Action;

/// <summary>action.yml, its scripts, its README and the workflows agree with each other and with bomax.</summary>
public sealed class ActionMetadataTests
{
    static readonly Dictionary<object, object> Action = Yaml.ReadFile(Path.Combine(ActionHarness.ActionDirectory, "action.yml"));
    static readonly string Readme = File.ReadAllText(Path.Combine(ActionHarness.ActionDirectory, "README.md"));

    static IEnumerable<(string Name, Dictionary<object, object> Body)> Entries(string section) =>
        Yaml.Map(Action[section], section).Select(kv => ((string)kv.Key, Yaml.Map(kv.Value, (string)kv.Key)));

    static List<Dictionary<object, object>> Steps() =>
        Yaml.List(Yaml.Map(Action["runs"], "runs")["steps"], "runs.steps").Select(s => Yaml.Map(s, "step")).ToList();

    /// <summary>The README's table row for <paramref name="name"/>: the line that starts with | `name` |.</summary>
    static string? Row(string name) => Readme.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{name}` |", StringComparison.Ordinal));

    [Fact]
    public void EveryInputIsDescribedAndDocumentedWithItsDefault()
    {
        foreach (var (name, body) in Entries("inputs"))
        {
            Assert.False(string.IsNullOrWhiteSpace(Yaml.Text(body, "description")), $"input {name} has no description");
            var required = Yaml.Text(body, "required");
            Assert.True(required is "true" or "false", $"input {name} does not say whether it is required");
            var row = Row(name);
            Assert.True(row is not null, $"action/README.md has no row for input {name}");
            if (required == "true") Assert.Contains("(required)", row);
            else
            {
                var fallback = Yaml.Text(body, "default");
                Assert.True(fallback is not null, $"optional input {name} has no default");
                Assert.Contains($"| `{(fallback.Length == 0 ? "''" : fallback)}` |", row);
            }
        }
    }

    [Fact]
    public void EveryOutputIsDescribedDocumentedAndComesFromAStepThatSetsIt()
    {
        var ids = Steps().Select(s => Yaml.Text(s, "id")).OfType<string>().ToHashSet();
        var written = typeof(ActionsOutputNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetValue(null)!)
            .ToHashSet();
        foreach (var (name, body) in Entries("outputs"))
        {
            Assert.False(string.IsNullOrWhiteSpace(Yaml.Text(body, "description")), $"output {name} has no description");
            Assert.True(Row(name) is not null, $"action/README.md has no row for output {name}");
            var value = Yaml.Text(body, "value") ?? "";
            var match = Regex.Match(value, @"^\$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}$");
            Assert.True(match.Success, $"output {name} is '{value}', not one step output");
            Assert.Contains(match.Groups[1].Value, ids);
            Assert.Equal(name, match.Groups[2].Value);
            Assert.Contains(name, written); // bomax writes it (ActionsOutputNames), so the names agree
        }
        foreach (var name in new[] { "checkpoint", "score", "score-low", "score-high", "prob-best", "expected-shortfall", "held-out-check",
                                     "evaluations", "report-path", "pending-pairs" })
            Assert.Contains(name, Entries("outputs").Select(e => e.Name));
    }

    [Fact]
    public void RunStepsAreBashScriptsThatExistAndParseAndGetInputsOnlyThroughTheirEnvironment()
    {
        foreach (var step in Steps().Where(s => s.ContainsKey("run")))
        {
            var run = Yaml.Text(step, "run")!;
            Assert.Equal("bash", Yaml.Text(step, "shell"));
            Assert.DoesNotContain("${{", run); // expressions go through env:, never into script text
            var script = Regex.Match(run, "^bash \"\\$GITHUB_ACTION_PATH/(scripts/[a-z-]+\\.sh)\"$");
            Assert.True(script.Success, $"step '{Yaml.Text(step, "name")}' runs '{run}', not one script");
            var path = Path.Combine(ActionHarness.ActionDirectory, script.Groups[1].Value);
            Assert.True(File.Exists(path), $"{path} is missing");
            var check = Process.Start(new ProcessStartInfo("bash", ["-n", path]) { RedirectStandardError = true })!;
            var error = check.StandardError.ReadToEnd();
            check.WaitForExit();
            Assert.True(check.ExitCode == 0, $"bash -n {path}: {error}");
        }
    }

    [Fact]
    public void NoWorkflowPutsAnExpressionIntoScriptText()
    {
        var files = Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, "samples", "github"), "*.yml")
            .Concat(Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, ".github", "workflows"), "*.yml"));
        foreach (var file in files)
            foreach (var (id, job) in Yaml.Map(Yaml.ReadFile(file)["jobs"], "jobs"))
                foreach (var step in Yaml.List(Yaml.Map(job, (string)id)["steps"], "steps").Select(s => Yaml.Map(s, "step")))
                    if (Yaml.Text(step, "run") is { } run)
                        Assert.False(run.Contains("${{", StringComparison.Ordinal), $"{file}, job {id}: a run script contains an expression:\n{run}");
    }

    [Fact]
    public void OtherActionsArePinnedToAMajorVersionAndOptionalOnesRunOnlyWhenNeeded()
    {
        var uses = Steps().Where(s => s.ContainsKey("uses")).ToList();
        Assert.All(uses, s => Assert.Matches(@"^actions/[a-z-]+(/[a-z]+)?@v\d+$", Yaml.Text(s, "uses")));
        Assert.Equal("steps.dotnet.outputs.missing == 'true'",
            Yaml.Text(uses.Single(s => Yaml.Text(s, "uses")!.StartsWith("actions/setup-dotnet", StringComparison.Ordinal)), "if"));
        var always = uses.Where(s => Yaml.Text(s, "uses")!.StartsWith("actions/upload-artifact@", StringComparison.Ordinal)
            || Yaml.Text(s, "name") == "Save the journal").ToList();
        Assert.Equal(3, always.Count);
        Assert.All(always, s => Assert.StartsWith("always() && ", Yaml.Text(s, "if")));
    }

    [Fact]
    public void TheTopLevelReadmePointsToTheActionAndTheSamples()
    {
        var readme = File.ReadAllText(Path.Combine(ActionHarness.SourceRoot, "README.md"));
        var section = readme[readme.IndexOf("## GitHub Action\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        Assert.Contains("(action/README.md)", section);
        Assert.Contains("(samples/github)", section);
        foreach (var sample in Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, "samples", "github"), "*.yml"))
            Assert.Contains($"(../samples/github/{Path.GetFileName(sample)})", Readme);
    }
}

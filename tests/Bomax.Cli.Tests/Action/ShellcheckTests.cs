using System.Diagnostics;

namespace Bomax.Cli.Tests.Action;

/// <summary>A test that needs shellcheck (Debian's package, which .ci/run installs); skipped, saying so, where it is absent.</summary>
public sealed class ShellcheckFactAttribute : FactAttribute
{
    public const string Shellcheck = "/usr/bin/shellcheck";

    public ShellcheckFactAttribute()
    {
        if (!File.Exists(Shellcheck)) Skip = $"{Shellcheck} is not installed (apt-get install -y shellcheck): the action's scripts were not checked";
    }
}

/// <summary>The action's scripts, the sample's evaluation script and every workflow's run: script pass shellcheck.</summary>
public sealed class ShellcheckTests
{
    static (int ExitCode, string Output) Shellcheck(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(ShellcheckFactAttribute.Shellcheck)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ActionHarness.SourceRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    [ShellcheckFact]
    public void TheActionsScriptsPassShellcheck()
    {
        var scripts = Directory.GetFiles(Path.Combine(ActionHarness.ActionDirectory, "scripts"), "*.sh")
            .Concat(Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, "samples", "github", "bomax"), "*.sh")).Order().ToList();
        Assert.True(scripts.Count >= 8, string.Join(", ", scripts));
        var (exit, output) = Shellcheck(["--external-sources", .. scripts]);
        Assert.True(exit == 0, output);
    }

    [ShellcheckFact]
    public void EveryWorkflowRunScriptPassesShellcheck()
    {
        var directory = Directory.CreateTempSubdirectory("bomax-shellcheck-").FullName;
        try
        {
            var scripts = new List<string>();
            var files = Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, "samples", "github"), "*.yml")
                .Concat(Directory.GetFiles(Path.Combine(ActionHarness.SourceRoot, ".github", "workflows"), "*.yml"));
            foreach (var file in files)
                foreach (var (id, job) in Yaml.Map(Yaml.ReadFile(file)["jobs"], "jobs"))
                    foreach (var (step, index) in Yaml.List(Yaml.Map(job, (string)id)["steps"], "steps").Select((s, i) => (Yaml.Map(s, "step"), i)))
                        if (Yaml.Text(step, "run") is { } run)
                        {
                            // As the runner runs it: bash -e {0}; named after where it came from, for the message.
                            var script = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(file)}.{id}.step{index + 1}.sh");
                            File.WriteAllText(script, "#!/usr/bin/env bash\nset -eo pipefail\n" + run);
                            scripts.Add(script);
                        }
            Assert.True(scripts.Count >= 6, string.Join(", ", scripts));
            var (exit, output) = Shellcheck(scripts);
            Assert.True(exit == 0, output);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }
}

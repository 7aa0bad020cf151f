using System.Text.Json.Nodes;
using Bomax.Cli.Tests.GitHub;

namespace Bomax.Cli.Tests.Action;

/// <summary>
/// Everything a test of the action needs to run it as a runner would: the repository's <c>action/</c>, a
/// consumer repository to check out, a webhook payload, the fake GitHub API, the cache and artifact stand-ins,
/// and a fresh runner (workspace, RUNNER_TEMP) for each job. The bomax tool is not built here: the tool cache is
/// seeded with the bomax the test project already built (the action's cache-hit path), since a Release publish
/// with LibTorch takes minutes; <see cref="ActionRunTests"/> covers the build path with a stand-in <c>dotnet publish</c>.
/// Dispose stops the server and deletes every folder.
/// </summary>
internal sealed class ActionHarness : IDisposable
{
    public const string Token = "ghs_harness-token-0123456789";

    public string Root { get; } = Directory.CreateTempSubdirectory("bomax-action-").FullName;
    public string Consumer => Path.Combine(Root, "consumer");
    public FakeGitHubServer GitHub { get; } = new();
    public FakeServices Services { get; }
    public StepRunner Steps { get; }
    public string EventName { get; set; } = "pull_request";
    public string EventPath { get; set; }
    public string RunId { get; set; } = "7001";
    public string RunAttempt { get; set; } = "1";
    int runners;

    public static string SourceRoot { get; } = FindSourceRoot();
    public static string ActionDirectory => Path.Combine(SourceRoot, "action");

    /// <summary><c>github.server_url</c>: https://github.com, or a GitHub Enterprise Server's address.</summary>
    public string ServerUrl { get; set; } = "https://github.com";

    public ActionHarness()
    {
        GitHub.AddToken(Token, new FakeGitHubServer.Identity(FakeGitHubServer.ActionsBot, IsBot: true, CanWrite: true)); // GITHUB_TOKEN
        Directory.CreateDirectory(Consumer);
        Services = new FakeServices(Path.Combine(Root, "services")) { PrebuiltTool = AppContext.BaseDirectory.TrimEnd('/') };
        EventPath = Fixture("pull_request.synchronize.json");
        Steps = new StepRunner(ActionDirectory, new Dictionary<string, UsesHandler>
        {
            ["actions/checkout"] = (job, _) =>
            {
                FakeServices.CopyDirectory(Consumer, job.Workspace);
                return new UsesOutcome(true, new Dictionary<string, string>());
            },
            ["actions/setup-dotnet"] = (_, _) => new UsesOutcome(true, new Dictionary<string, string> { ["dotnet-version"] = "10.0.100" },
                "(stand-in: .NET would be installed here)\n"),
            ["actions/cache/restore"] = Services.CacheRestore,
            ["actions/cache/save"] = Services.CacheSave,
            ["actions/upload-artifact"] = Services.Upload,
            ["actions/download-artifact"] = Services.Download,
        });
    }

    static string FindSourceRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bomax.Ci.sln"))) directory = directory.Parent;
        Assert.True(directory is not null, $"no directory above {AppContext.BaseDirectory} contains Bomax.Ci.sln");
        return directory!.FullName;
    }

    /// <summary>A copy of a webhook payload from GitHub/Fixtures, in the harness's folder.</summary>
    public string Fixture(string name)
    {
        var copy = Path.Combine(Root, "events", name);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(Path.Combine(SourceRoot, "tests", "Bomax.Cli.Tests", "GitHub", "Fixtures", name), copy, overwrite: true);
        return copy;
    }

    /// <summary>Copies a folder of the repository (e.g. samples/github/bomax) into the consumer repository.</summary>
    public void CopyIntoConsumer(string relativeSource, string relativeTarget) =>
        FakeServices.CopyDirectory(Path.Combine(SourceRoot, relativeSource), Path.Combine(Consumer, relativeTarget));

    /// <summary>Makes the next runs see <paramref name="eventName"/> with a payload written here.</summary>
    public void UseEvent(string eventName, string payload)
    {
        EventName = eventName;
        EventPath = Path.Combine(Root, "events", eventName + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(EventPath)!);
        File.WriteAllText(EventPath, payload);
    }

    /// <summary>A fresh runner for job <paramref name="jobId"/>: an empty workspace and RUNNER_TEMP, the run's github context.</summary>
    public RunnerJob NewRunner(string jobId)
    {
        var folder = Path.Combine(Root, "runners", $"{++runners}-{jobId}");
        var workspace = Directory.CreateDirectory(Path.Combine(folder, "work", "consumer")).FullName;
        var temp = Directory.CreateDirectory(Path.Combine(folder, "temp")).FullName;
        var github = new JsonObject
        {
            ["repository"] = $"{GitHub.Owner}/{GitHub.Repo}",
            ["repository_owner"] = GitHub.Owner,
            ["event_name"] = EventName,
            ["event_path"] = EventPath,
            ["event"] = JsonNode.Parse(File.ReadAllText(EventPath)),
            ["token"] = Token,
            ["api_url"] = GitHub.ApiUrl,
            ["server_url"] = ServerUrl,
            ["run_id"] = RunId,
            ["run_attempt"] = RunAttempt,
            ["job"] = jobId,
            ["sha"] = "c0ffee254729296a45a3885639ac7fa8e2cf1e0b",
            ["workspace"] = workspace,
        };
        return new RunnerJob { Workspace = workspace, RunnerTemp = temp, Github = github, Secrets = new JsonObject { ["GITHUB_TOKEN"] = Token } };
    }

    /// <summary>Runs the action as one step of a job that checked out the consumer repository first.</summary>
    public (bool Success, Dictionary<string, string> Outputs, RunnerJob Job) RunAction(IReadOnlyDictionary<string, string> with,
        RunnerJob? job = null)
    {
        job ??= NewRunner("study");
        FakeServices.CopyDirectory(Consumer, job.Workspace);
        var (success, outputs) = Steps.RunAction(job, with);
        return (success, outputs, job);
    }

    /// <summary>Runs a workflow file of the repository (path relative to its root) job by job.</summary>
    public Dictionary<string, JobOutcome> RunWorkflow(string relativePath) =>
        new WorkflowRunner(Steps, NewRunner).Run(Path.Combine(SourceRoot, relativePath));

    /// <summary>A small study in the consumer repository: 8 checkpoints × 3 benchmarks, best at step 500.</summary>
    public void WriteStudy(string folder = "bomax", int budget = 12)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Consumer, folder)).FullName;
        var script = Path.Combine(directory, "evaluate.sh");
        File.WriteAllText(script, "#!/usr/bin/env bash\n# score of checkpoint $1 on benchmark $2: best at step 500\nstep=${1##*-}\n"
            + "echo \"score: $(awk -v s=$step -v b=${#2} 'BEGIN { d = (s - 500) / 300; print 0.8 - 0.3 * d * d + b / 1000 }')\"\n");
        MakeExecutable(script);
        File.WriteAllText(Path.Combine(directory, "study.yml"), $$"""
            study: pr-study
            checkpoints:
              list: [ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600, ckpt-700, ckpt-800]
            benchmarks: [a, bb, ccc]
            eval:
              command: ./evaluate.sh {checkpoint} {benchmark}
              parallel: 2
            budget: { max-evals: {{budget}} }
            journal: .bomax/pr-study.jsonl
            """);
    }

    public static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        GitHub.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

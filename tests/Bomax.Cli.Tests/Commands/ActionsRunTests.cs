using Bomax.Cli.Tests.GitHub;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// `bomax run` and `bomax report` as a workflow step would run them: the environment a runner provides,
/// a real pull_request payload, and GITHUB_API_URL pointing at a local fake GitHub driven by real Octokit.
/// </summary>
public sealed class ActionsRunTests : IDisposable
{
    const string Token = "ghs_secret-test-token-123";
    readonly string directory = Directory.CreateTempSubdirectory("bomax-actions-").FullName;
    readonly FakeGitHubServer github = new();

    public ActionsRunTests() => github.AddToken(Token, new FakeGitHubServer.Identity(FakeGitHubServer.ActionsBot, IsBot: true, CanWrite: true));

    public void Dispose()
    {
        github.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    string Setup()
    {
        var script = Path.Combine(directory, "eval.sh");
        File.WriteAllText(script, "#!/usr/bin/env bash\nstep=${BOMAX_STEP}\n"
            + "echo \"score: $(awk -v s=$step -v b=${#2} 'BEGIN { d = (s - 500) / 300; print 0.8 - 0.3 * d * d + b / 1000 }')\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var spec = Path.Combine(directory, "study.yml");
        File.WriteAllText(spec, """
            study: pr-study
            checkpoints:
              list: [ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600, ckpt-700, ckpt-800]
            benchmarks: [a, bb, ccc]
            eval:
              command: ./eval.sh {checkpoint} {benchmark}
              parallel: 2
            budget: { max-evals: 12 }
            journal: journal.jsonl
            """);
        File.WriteAllText(Path.Combine(directory, "event.json"), """{"action": "synchronize", "number": 42, "pull_request": {"number": 42, "state": "open"}}""");
        return spec;
    }

    BomaxResult Bomax(params string[] arguments) => Bomax(actions: true, arguments);

    /// <summary>Runs bomax with a runner's environment when <paramref name="actions"/> is set, else with none of GitHub's variables.</summary>
    BomaxResult Bomax(bool actions, params string[] arguments) => BomaxProcess.Run(directory, TimeSpan.FromMinutes(2), arguments, environment =>
    {
        environment["GITHUB_API_URL"] = github.ApiUrl;
        foreach (var name in new[] { "GITHUB_ACTIONS", "GITHUB_TOKEN", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_NAME",
                                     "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY" })
            environment.Remove(name);
        if (!actions) return;
        environment["GITHUB_ACTIONS"] = "true";
        environment["GITHUB_OUTPUT"] = Path.Combine(directory, "output.txt");
        environment["GITHUB_STEP_SUMMARY"] = Path.Combine(directory, "summary.md");
        environment["GITHUB_EVENT_NAME"] = "pull_request";
        environment["GITHUB_EVENT_PATH"] = Path.Combine(directory, "event.json");
        environment["GITHUB_REPOSITORY"] = $"{github.Owner}/{github.Repo}";
        environment["GITHUB_TOKEN"] = Token;
    });

    static Dictionary<string, string> Outputs(string path) =>
        File.ReadAllLines(path).Where(l => l.Contains('=') && !l.Contains("<<")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void RunPublishesSummaryOutputsAndOneStickyCommentThatAReportWithNothingNewLeavesAlone()
    {
        var spec = Setup();
        var run = Bomax("run", spec);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);

        // Outputs, notice, mask; the token appears only in the mask command.
        var outputs = Outputs(Path.Combine(directory, "output.txt"));
        Assert.Equal("ckpt-500", outputs["checkpoint"]);
        Assert.Equal("12", outputs["evaluations"]);
        Assert.True(double.Parse(outputs["score-low"], System.Globalization.CultureInfo.InvariantCulture)
            <= double.Parse(outputs["score"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("report.md", outputs["report-path"]);
        Assert.True(File.Exists(outputs["report-path"]));
        Assert.Contains("::notice title=Bomax.Ci::pr-study: selected ckpt-500", run.Stdout);
        Assert.Contains($"::add-mask::{Token}", run.Stdout);
        Assert.Contains("::group::bomax run pr-study: rounds", run.Stdout);
        Assert.True(run.Stdout.IndexOf("::endgroup::", StringComparison.Ordinal) < run.Stdout.IndexOf("selected: ", StringComparison.Ordinal),
            "the round log's group closes before the decision");
        Assert.Single(run.Stdout.Split('\n'), line => line.Contains(Token));
        Assert.DoesNotContain(Token, run.Stderr);
        Assert.StartsWith("<!-- bomax:study=pr-study -->", File.ReadAllText(Path.Combine(directory, "summary.md")));

        // One comment, created on PR 42 with the token, carrying the marker; its id and url are outputs.
        var created = Assert.Single(github.Requests, r => r.Method == "POST");
        Assert.Equal($"/repos/{github.Owner}/{github.Repo}/issues/42/comments", created.Path);
        Assert.Equal($"Token {Token}", created.Authorization);
        var comment = Assert.Single(github.Comments);
        Assert.StartsWith("<!-- bomax:study=pr-study -->", comment.Body);
        Assert.Equal(comment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), outputs["comment-id"]);
        Assert.False(string.IsNullOrEmpty(outputs["comment-url"]));

        // `bomax report` with nothing new: same body but for the generation time, so no write request.
        int before = github.Requests.Count;
        var report = Bomax("report", spec);
        Assert.True(report.ExitCode == 0, report.Stdout + report.Stderr);
        Assert.Contains("comment unchanged", report.Stderr);
        Assert.DoesNotContain(github.Requests.Skip(before), r => r.Method is "POST" or "PATCH" or "DELETE");
        Assert.Single(github.Comments);
    }

    [Fact]
    public void OutsideActionsTheCommentGoesToTheRepositoryAndPullRequestGiven()
    {
        var spec = Setup();
        var run = Bomax(actions: false, "run", spec, "--repo", $"{github.Owner}/{github.Repo}", "--pr", "42", "--github-token", Token);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.DoesNotContain("::", run.Stdout); // no workflow commands outside Actions
        Assert.DoesNotContain(Token, run.Stdout + run.Stderr);
        var created = Assert.Single(github.Requests, r => r.Method == "POST");
        Assert.Equal($"/repos/{github.Owner}/{github.Repo}/issues/42/comments", created.Path);
        Assert.StartsWith("<!-- bomax:study=pr-study -->", Assert.Single(github.Comments).Body);
    }

    [Fact]
    public void SpecErrorsBecomeWorkflowErrorAnnotations()
    {
        var spec = Setup();
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("parallel: 2", "paralel: 2"));
        var run = Bomax("run", spec);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"::error file={spec},line=7,col=3,title=bomax spec::eval.paralel: unknown key 'paralel'", run.Stdout);
        Assert.Empty(github.Requests);
    }
}

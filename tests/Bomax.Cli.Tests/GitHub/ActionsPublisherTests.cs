using System.Text.Json.Nodes;
using Bomax.Cli.GitHub;
using Bomax.Cli.Reports;
using Bomax.Cli.Tests.Reports;
using Microsoft.Extensions.Time.Testing;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>
/// Publishing a decision under Actions, in process, against the fake API: whatever goes wrong with the comment is one
/// warning and the outputs are written; the pull request comes from the event, looked up by its head commit for a fork's run.
/// </summary>
public sealed class ActionsPublisherTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-publish-").FullName;
    readonly FakeGitHubServer api = new();
    readonly StringWriter output = new() { NewLine = "\n" };
    readonly StringWriter errors = new() { NewLine = "\n" };

    public void Dispose()
    {
        api.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    string OutputFile => Path.Combine(directory, "output.txt");

    ActionsEnvironment Environment(string eventName, string payload, string? apiUrl = null, string token = FakeGitHubServer.ActionsToken)
    {
        var eventPath = Path.Combine(directory, "event.json");
        File.WriteAllText(eventPath, payload);
        return ActionsEnvironment.From(new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = OutputFile,
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(directory, "summary.md"),
            ["GITHUB_EVENT_NAME"] = eventName,
            ["GITHUB_EVENT_PATH"] = eventPath,
            ["GITHUB_REPOSITORY"] = $"{api.Owner}/{api.Repo}",
            ["GITHUB_API_URL"] = apiUrl ?? api.ApiUrl,
            ["GITHUB_TOKEN"] = token,
        });
    }

    static string PullRequestEvent(int number) =>
        new JsonObject
        {
            ["action"] = "synchronize", ["number"] = number, ["pull_request"] = new JsonObject { ["number"] = number, ["state"] = "open" },
        }.ToJsonString();

    Task Publish(ActionsEnvironment environment, GitHubRetryOptions? retry = null, Publishing? publishing = null,
        Func<StudyReport, StudyReport>? change = null)
    {
        var report = (change ?? (r => r))(ReportFixture.Build());
        var paths = ReportPaths.For(Path.Combine(directory, "journal.jsonl"), report.Study);
        var markdown = paths.Write(report);
        return ActionsPublisher.PublishAsync(environment, publishing ?? new Publishing(StickyMode.Upsert, null), report, markdown, paths, output,
            CancellationToken.None, retry ?? GitHubRetryTests.Recording([]), errors);
    }

    Dictionary<string, string> Outputs() =>
        File.ReadAllLines(OutputFile)
            .Where(l => l.Contains('=') && !l.Contains("<<"))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    void AssertOneWarningAndOutputsWritten(string expected)
    {
        var warning = Assert.Single(output.ToString().Split('\n'), l => l.StartsWith("::warning::", StringComparison.Ordinal));
        Assert.Contains(expected, warning);
        var outputs = Outputs();
        Assert.Equal(ReportFixture.Build().Pick.Name, outputs["checkpoint"]);
        Assert.False(outputs.ContainsKey("comment-id"));
    }

    [Fact]
    public async Task Invalid_json_from_the_api_is_a_warning_and_the_outputs_are_written()
    {
        api.Enqueue("GET", "/repos/octo-org/llm-train/issues/42/comments", 200, null, "{this is not json");

        await Publish(Environment("pull_request", PullRequestEvent(42)));

        AssertOneWarningAndOutputsWritten("could not comment on pull request #42");
    }

    [Fact]
    public async Task An_api_url_that_is_no_url_is_a_warning_and_the_outputs_are_written()
    {
        await Publish(Environment("pull_request", PullRequestEvent(42), apiUrl: "not a url"));

        AssertOneWarningAndOutputsWritten("GITHUB_API_URL 'not a url' is not an http(s) address");
    }

    [Fact]
    public async Task A_pull_request_that_is_not_there_says_404_not_a_permission_problem()
    {
        await Publish(Environment("pull_request", PullRequestEvent(7))); // the fake has #42 only

        AssertOneWarningAndOutputsWritten("GitHub answered 404, no pull request #7 in octo-org/llm-train");
        Assert.DoesNotContain("fork", output.ToString());
    }

    [Fact]
    public async Task A_read_only_token_is_the_fork_permission_warning()
    {
        await Publish(Environment("pull_request", PullRequestEvent(42), token: FakeGitHubServer.ReadOnlyToken));

        AssertOneWarningAndOutputsWritten("the token may not write there");
    }

    [Fact]
    public async Task An_api_that_never_answers_is_a_warning_at_the_deadline()
    {
        var never = new TaskCompletionSource();
        api.Enqueue("GET", "/repos/octo-org/llm-train/issues/42/comments", 200, null, "[]", until: never.Task);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var publish = Publish(Environment("pull_request", PullRequestEvent(42)),
            GitHubRetryTests.Recording([]) with { Total = TimeSpan.FromMinutes(5), Time = clock });
        while (api.Requests.Count == 0) await Task.Delay(10);
        clock.Advance(TimeSpan.FromMinutes(5));
        await publish;

        AssertOneWarningAndOutputsWritten("GitHub did not finish answering within 300 s");
    }

    /// <summary>GitHub's real workflow_run payload, for this fake repository, triggered by <paramref name="triggeredBy"/> with these
    /// pull_requests.</summary>
    string WorkflowRun(string triggeredBy, string headSha, params JsonObject[] pullRequests)
    {
        var payload = JsonNode.Parse(PullRequestEventTests.Fixture("workflow_run.completed.payload.json"))!;
        payload["repository"]!["id"] = api.RepositoryId;
        payload["repository"]!["full_name"] = $"{api.Owner}/{api.Repo}";
        payload["workflow_run"]!["event"] = triggeredBy;
        payload["workflow_run"]!["head_sha"] = headSha;
        payload["workflow_run"]!["pull_requests"] = new JsonArray(pullRequests.Select(p => (JsonNode)p).ToArray());
        return payload.ToJsonString();
    }

    const string ForkSha = "1f2e3d4c5b6a798897a6b5c4d3e2f1a0b9c8d7e6";

    [Fact]
    public async Task A_forks_workflow_run_finds_its_pull_request_by_the_head_commit()
    {
        api.AddPullRequest(new(42, ForkSha, "outside-contributor/llm-train"));
        api.AddPullRequest(new(3, ForkSha, "outside-contributor/llm-train", BaseRepository: "outside-contributor/llm-train")); // the fork's own PR

        await Publish(Environment("workflow_run", WorkflowRun("pull_request", ForkSha)));

        Assert.Contains(api.Requests, r => r.Path == $"/repos/octo-org/llm-train/commits/{ForkSha}/pulls");
        Assert.Equal("/repos/octo-org/llm-train/issues/42/comments", api.Requests.Single(r => r.Method == "POST").Path);
        Assert.Equal(Assert.Single(api.Comments).Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Outputs()["comment-id"]);
    }

    [Fact]
    public async Task A_forks_workflow_run_whose_commit_heads_no_open_pull_request_comments_nowhere()
    {
        api.AddPullRequest(new(42, ForkSha, "outside-contributor/llm-train", State: "closed"));

        await Publish(Environment("workflow_run", WorkflowRun("pull_request", ForkSha)));

        AssertOneWarningAndOutputsWritten("no open pull request of octo-org/llm-train has the commit " + ForkSha);
        Assert.Empty(api.Comments);
    }

    [Fact]
    public async Task GitHubs_example_workflow_run_listing_another_repositorys_pull_request_comments_nowhere()
    {
        var other = new JsonObject
        {
            ["url"] = "https://api.github.com/repos/Codertocat/Hello-World/pulls/2", ["id"] = 279147437, ["number"] = 2,
            ["head"] = new JsonObject
            {
                ["ref"] = "changes", ["sha"] = "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
                ["repo"] = new JsonObject
                {
                    ["id"] = 186853002, ["url"] = "https://api.github.com/repos/Codertocat/Hello-World", ["name"] = "Hello-World",
                },
            },
            ["base"] = new JsonObject
            {
                ["ref"] = "master", ["sha"] = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
                ["repo"] = new JsonObject
                {
                    ["id"] = 186853002, ["url"] = "https://api.github.com/repos/Codertocat/Hello-World", ["name"] = "Hello-World",
                },
            },
        };

        await Publish(Environment("workflow_run", WorkflowRun("repository_dispatch", "3484a3fb816e0859fd6e1cea078d76385ff50625", other)));

        Assert.Empty(api.Requests);
        Assert.True(Outputs().ContainsKey("checkpoint"));
    }

    [Fact]
    public async Task An_at_team_in_a_failure_message_reaches_the_comment_without_mentioning()
    {
        await Publish(Environment("pull_request", PullRequestEvent(42)), change: r => r with
        {
            Failures = [new FailureSummary("ckpt-1", "mmlu", 1, MarkdownMentionTests.Hostile)],
        });

        var body = Assert.Single(api.Comments).Body;
        Assert.Contains("octo-org/ml-team", body); // the failure message is there…
        MarkdownMentionTests.AssertNothingMentionsOrReferences(body); // …and nothing in it can ping or cross-reference
    }
}

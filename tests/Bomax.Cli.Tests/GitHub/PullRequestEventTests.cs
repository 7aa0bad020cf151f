using System.Text.Json.Nodes;
using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>Real webhook payloads (*.payload.json) and trimmed ones, under GitHub/Fixtures.</summary>
public sealed class PullRequestEventTests
{
    internal static string FixturePath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bomax.Ci.sln")))
            directory = directory.Parent;
        Assert.True(directory is not null, $"no directory above {AppContext.BaseDirectory} contains Bomax.Ci.sln");
        return Path.Combine(directory.FullName, "tests", "Bomax.Cli.Tests", "GitHub", "Fixtures", name);
    }

    internal static string Fixture(string name) => File.ReadAllText(FixturePath(name));

    [Theory]
    [InlineData("pull_request", "pull_request.synchronize.json", 42)]
    [InlineData("pull_request_target", "pull_request.synchronize.json", 42)]
    [InlineData("issue_comment", "issue_comment.pull_request.json", 42)]
    [InlineData("workflow_run", "workflow_run.completed.json", 42)]
    public void Finds_the_pull_request(string eventName, string fixture, int number) =>
        Assert.Equal(number, PullRequestEvent.PullRequestNumber(eventName, Fixture(fixture)));

    [Theory]
    [InlineData("issue_comment", "issue_comment.issue.json")] // a comment on a plain issue, not a PR
    [InlineData("workflow_run", "workflow_run.fork.json")] // pull_requests is empty for runs from forks
    [InlineData("push", "push.json")]
    [InlineData("schedule", "push.json")]
    [InlineData("pull_request", "push.json")] // the name says PR but the payload has none
    [InlineData("workflow_dispatch", "pull_request.synchronize.json")] // only the listed events count
    public void Is_null_when_there_is_no_pull_request(string eventName, string fixture) =>
        Assert.Null(PullRequestEvent.PullRequestNumber(eventName, Fixture(fixture)));

    [Theory]
    [InlineData("pull_request", "")]
    [InlineData("pull_request", "not json")]
    [InlineData("pull_request", "[]")]
    [InlineData("pull_request", """{"pull_request": null}""")]
    [InlineData("pull_request", """{"pull_request": {"number": "42"}}""")]
    [InlineData("issue_comment", """{"issue": {"number": 5, "pull_request": null}}""")]
    [InlineData("workflow_run", """{"workflow_run": {"pull_requests": null}}""")]
    public void Is_null_for_malformed_payloads(string eventName, string json) =>
        Assert.Null(PullRequestEvent.PullRequestNumber(eventName, json));

    [Fact]
    public void Reads_the_event_file()
    {
        Assert.Equal(42, PullRequestEvent.FromEventFile("pull_request", FixturePath("pull_request.synchronize.json")).Number);
        Assert.True(PullRequestEvent.FromEventFile("pull_request", FixturePath("missing.json")).IsNone);
        Assert.True(PullRequestEvent.FromEventFile(null, FixturePath("pull_request.synchronize.json")).IsNone);
    }

    [Fact]
    public void GitHubs_real_pull_request_payload_names_its_number() =>
        Assert.Equal(2, PullRequestEvent.PullRequestNumber("pull_request", Fixture("pull_request.opened.payload.json")));

    [Fact]
    public void GitHubs_real_issue_comment_on_a_plain_issue_is_no_pull_request() =>
        Assert.True(PullRequestEvent.Target("issue_comment", Fixture("issue_comment.created.payload.json")).IsNone);

    [Fact]
    public void GitHubs_real_workflow_run_of_a_repository_dispatch_is_about_no_pull_request() =>
        Assert.True(PullRequestEvent.Target("workflow_run", Fixture("workflow_run.completed.payload.json"), "octo-org/octo-repo").IsNone);

    /// <summary>The real workflow_run payload (octo-org/octo-repo, id 300029405), its pull_requests replaced.</summary>
    static string WorkflowRun(string triggeredBy, params JsonObject[] pullRequests)
    {
        var payload = JsonNode.Parse(Fixture("workflow_run.completed.payload.json"))!;
        payload["workflow_run"]!["event"] = triggeredBy;
        payload["workflow_run"]!["pull_requests"] = new JsonArray(pullRequests.Select(p => (JsonNode)p).ToArray());
        return payload.ToJsonString();
    }

    /// <summary>An entry of workflow_run.pull_requests as GitHub writes it: base and head repositories by id, url and name only.</summary>
    static JsonObject Pull(int number, long baseId, string baseFullName) => new()
    {
        ["url"] = $"https://api.github.com/repos/{baseFullName}/pulls/{number}",
        ["id"] = 279147437,
        ["number"] = number,
        ["head"] = new JsonObject
        {
            ["ref"] = "changes", ["sha"] = "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
            ["repo"] = new JsonObject
            {
                ["id"] = baseId, ["url"] = $"https://api.github.com/repos/{baseFullName}", ["name"] = baseFullName.Split('/')[1],
            },
        },
        ["base"] = new JsonObject
        {
            ["ref"] = "master", ["sha"] = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
            ["repo"] = new JsonObject
            {
                ["id"] = baseId, ["url"] = $"https://api.github.com/repos/{baseFullName}", ["name"] = baseFullName.Split('/')[1],
            },
        },
    };

    [Fact]
    public void A_workflow_run_that_lists_only_another_repositorys_pull_request_comments_on_none()
    {
        // GitHub's own completed.with-pull-requests example: the run is octo-org/octo-repo's, its pull_requests[0] is Codertocat/Hello-World#2.
        var payload = WorkflowRun("repository_dispatch", Pull(2, 186853002, "Codertocat/Hello-World"));

        Assert.True(PullRequestEvent.Target("workflow_run", payload, "octo-org/octo-repo").IsNone);
    }

    [Fact]
    public void A_workflow_run_takes_the_pull_request_whose_base_is_this_repository_even_when_it_is_not_first()
    {
        var payload = WorkflowRun("pull_request", Pull(2, 186853002, "Codertocat/Hello-World"), Pull(17, 300029405, "octo-org/octo-repo"));

        Assert.Equal(new PullRequestTarget(17, null), PullRequestEvent.Target("workflow_run", payload, "octo-org/octo-repo"));
    }

    [Fact]
    public void Without_a_repository_id_the_base_is_matched_by_its_api_address()
    {
        var payload = JsonNode.Parse(
            WorkflowRun("pull_request", Pull(2, 186853002, "Codertocat/Hello-World"), Pull(17, 300029405, "octo-org/octo-repo")))!;
        payload["repository"]!.AsObject().Remove("id");
        payload["repository"]!.AsObject().Remove("full_name");

        Assert.Equal(17, PullRequestEvent.PullRequestNumber("workflow_run", payload.ToJsonString(), "octo-org/octo-repo"));
        Assert.Null(PullRequestEvent.PullRequestNumber("workflow_run", payload.ToJsonString(), "someone/else"));
    }

    [Fact]
    public void A_forks_workflow_run_lists_no_pull_request_so_its_head_commit_is_looked_up()
    {
        var target = PullRequestEvent.Target("workflow_run", WorkflowRun("pull_request"), "octo-org/octo-repo");

        Assert.Equal(new PullRequestTarget(null, "3484a3fb816e0859fd6e1cea078d76385ff50625"), target);
    }

    [Fact]
    public void A_workflow_run_of_another_repositorys_pull_request_looks_up_the_head_commit_in_this_one()
    {
        var target = PullRequestEvent.Target("workflow_run", WorkflowRun("pull_request", Pull(2, 186853002, "Codertocat/Hello-World")),
            "octo-org/octo-repo");

        Assert.Equal(new PullRequestTarget(null, "3484a3fb816e0859fd6e1cea078d76385ff50625"), target);
    }
}

using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>Trimmed copies of real webhook payloads, under GitHub/Fixtures.</summary>
public sealed class PullRequestEventTests
{
    static string FixturePath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bomax.Ci.sln")))
            directory = directory.Parent;
        Assert.True(directory is not null, $"no directory above {AppContext.BaseDirectory} contains Bomax.Ci.sln");
        return Path.Combine(directory.FullName, "tests", "Bomax.Cli.Tests", "GitHub", "Fixtures", name);
    }

    static string Fixture(string name) => File.ReadAllText(FixturePath(name));

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
        Assert.Equal(42, PullRequestEvent.FromEventFile("pull_request", FixturePath("pull_request.synchronize.json")));
        Assert.Null(PullRequestEvent.FromEventFile("pull_request", FixturePath("missing.json")));
        Assert.Null(PullRequestEvent.FromEventFile(null, FixturePath("pull_request.synchronize.json")));
    }
}

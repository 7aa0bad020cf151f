using Bomax.Cli.GitHub;
using Bomax.Cli.Reports;
using Microsoft.Extensions.Time.Testing;
using Octokit;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>The comment's HTTP client against an API that misbehaves: redirects and links to another origin, a body too long,
/// an answer that never comes.</summary>
public sealed class HostileApiTests
{
    const string Token = FakeGitHubServer.ActionsToken;
    const string Study = "nightly";
    const string Comments = "/repos/octo-org/llm-train/issues/42/comments";

    static string Report(string text) => MarkdownReport.Marker(Study) + "\n## Bomax.Ci report: nightly\n\n" + text + "\n";

    static Task<CommentOutcome> Upsert(FakeGitHubServer server, string body, GitHubRetryOptions? retry = null, CancellationToken cancel = default) =>
        StickyComment.UpsertAsync(StickyComment.Client(server.ApiUrl, Token), server.Owner, server.Repo, server.Issue, Study, body, StickyMode.Upsert,
            cancel, retry ?? GitHubRetryTests.Recording([]));

    [Theory]
    [InlineData(307)]
    [InlineData(301)]
    [InlineData(308)]
    public async Task A_redirect_to_the_same_host_on_another_port_is_not_followed_and_gets_no_credentials(int status)
    {
        using var api = new FakeGitHubServer();
        using var elsewhere = new FakeGitHubServer();
        api.Enqueue("GET", Comments, status, new Dictionary<string, string> { ["Location"] = $"{elsewhere.Root}{Comments}?per_page=100" });

        var e = await Assert.ThrowsAsync<ApiOriginHandler.CrossOriginException>(() => Upsert(api, Report("x")));

        Assert.Contains("another origin", e.Message);
        Assert.Empty(elsewhere.Requests); // not one request, so no token
        Assert.DoesNotContain(api.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task A_redirect_within_the_api_origin_is_followed_with_the_token()
    {
        using var api = new FakeGitHubServer();
        var mine = api.Seed(FakeGitHubServer.ActionsBot, Report("old"));
        // A renamed repository answers 301 to its /repositories/{id} address, as GitHub does.
        api.Enqueue("GET", Comments, 301,
            new Dictionary<string, string> { ["Location"] = $"{api.ApiUrl}/repositories/{api.RepositoryId}/issues/42/comments?per_page=100" });

        var outcome = await Upsert(api, Report("new"));

        Assert.Equal(("updated", mine), (outcome.Action, outcome.Id));
        Assert.All(api.Requests, r => Assert.Equal("Token " + Token, r.Authorization));
    }

    [Fact]
    public async Task A_next_page_link_to_another_origin_is_refused_before_sending()
    {
        using var api = new FakeGitHubServer();
        using var elsewhere = new FakeGitHubServer();
        api.Enqueue("GET", Comments, 200, new Dictionary<string, string>
        {
            ["Link"] = $"<{elsewhere.Root}/repositories/1/issues/42/comments?per_page=100&page=2>; rel=\"next\"",
        }, "[]");

        await Assert.ThrowsAsync<ApiOriginHandler.CrossOriginException>(() => Upsert(api, Report("x")));

        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Without_a_valid_token_github_answers_401()
    {
        using var api = new FakeGitHubServer();

        var e = await Assert.ThrowsAsync<AuthorizationException>(() =>
            StickyComment.UpsertAsync(StickyComment.Client(api.ApiUrl, "ghs_NotAValidToken000000000000000000000000"), api.Owner, api.Repo, api.Issue,
                Study, Report("x"), StickyMode.Upsert, default));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Empty(api.Comments);
    }

    [Fact]
    public async Task A_body_over_65536_characters_is_cut_to_fit_where_github_would_answer_422()
    {
        using var api = new FakeGitHubServer();
        var huge = Report(string.Join("\n", Enumerable.Repeat(new string('x', 99), 1000)));
        Assert.True(huge.Length > FakeGitHubServer.CommentBodyLimit);

        var outcome = await Upsert(api, huge);

        Assert.Equal("created", outcome.Action);
        var body = Assert.Single(api.Comments).Body;
        Assert.True(body.Length <= FakeGitHubServer.CommentBodyLimit, body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith(MarkdownReport.TruncatedNote + "\n", body);
    }

    [Fact]
    public async Task The_fake_answers_422_to_a_body_over_the_limit()
    {
        using var api = new FakeGitHubServer();
        var client = StickyComment.Client(api.ApiUrl, Token);

        var e = await Assert.ThrowsAsync<ApiValidationException>(() =>
            client.Issue.Comment.Create(api.Owner, api.Repo, api.Issue, new string('x', FakeGitHubServer.CommentBodyLimit + 1)));

        Assert.Contains("Body is too long", e.ApiError.Errors[0].Message);
    }

    [Fact]
    public async Task Rate_limit_headers_count_down_per_token_and_a_spent_limit_is_403()
    {
        using var api = new FakeGitHubServer { RateLimit = 3 };
        var client = StickyComment.Client(api.ApiUrl, Token);
        var other = StickyComment.Client(api.ApiUrl, FakeGitHubServer.UserToken);

        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await client.Issue.Comment.GetAllForIssue(api.Owner, api.Repo, api.Issue);
            remaining.Add(client.GetLastApiInfo().RateLimit.Remaining);
        }
        var spent = await Assert.ThrowsAnyAsync<ApiException>(() => client.Issue.Comment.GetAllForIssue(api.Owner, api.Repo, api.Issue));
        await other.User.Current();

        Assert.Equal([2, 1, 0], remaining);
        Assert.True(GitHubRetry.IsRateLimited(spent));
        Assert.Equal(2, other.GetLastApiInfo().RateLimit.Remaining); // each token has its own
    }

    [Fact]
    public async Task An_api_that_never_answers_gives_up_at_the_deadline_on_the_given_clock()
    {
        using var api = new FakeGitHubServer();
        var never = new TaskCompletionSource();
        api.Enqueue("GET", Comments, 200, null, "[]", until: never.Task);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = GitHubRetryTests.Recording([]) with { Total = TimeSpan.FromMinutes(20), Time = clock };

        var run = GitHubRetry.WithDeadline(options, deadline => Upsert(api, Report("x"), options, deadline), CancellationToken.None);
        while (api.Requests.Count == 0) await Task.Delay(10); // the request is in flight, held by the server
        clock.Advance(TimeSpan.FromMinutes(19));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        var e = await Assert.ThrowsAsync<GitHubTimeoutException>(() => run);

        Assert.Equal("GitHub did not finish answering within 1200 s; gave up", e.Message);
        Assert.Empty(api.Comments);
    }
}

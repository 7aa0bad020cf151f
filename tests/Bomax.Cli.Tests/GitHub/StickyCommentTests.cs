using Bomax.Cli.GitHub;
using Bomax.Cli.Reports;
using Octokit;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>The sticky PR comment through Octokit against a real HTTP server on 127.0.0.1.</summary>
public sealed class StickyCommentTests
{
    const string Token = FakeGitHubServer.UserToken; // bomax-bot, a user
    const string Study = "nightly";
    static readonly CancellationToken None = CancellationToken.None;

    static string Report(string text) => MarkdownReport.Marker(Study) + "\n## Bomax.Ci report: nightly\n\n" + text + "\n";

    static Task<CommentOutcome> Upsert(FakeGitHubServer server, string body, StickyMode mode, string study = Study, GitHubRetryOptions? retry = null,
        string token = Token) =>
        StickyComment.UpsertAsync(StickyComment.Client(server.ApiUrl, token), server.Owner, server.Repo, server.Issue, study, body, mode, None,
            retry);

    const string Comments = "/repos/octo-org/llm-train/issues/42/comments";
    const string NotAccessible = """{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment","status":"403"}""";
    const string Secondary = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}""";

    static List<FakeGitHubServer.Request> Writes(FakeGitHubServer server) =>
        server.Requests.Where(r => r.Method != "GET").ToList();

    /// <summary>250 comments (3 pages of 100): decoys on pages 1 and 2, the study's own comment (by <paramref name="author"/>) on page 3.</summary>
    static long SeedThreePages(FakeGitHubServer server, string author, string previousBody, string otherAuthor)
    {
        long mine = 0;
        for (var i = 1; i <= 250; i++)
        {
            var body = i switch
            {
                10 => MarkdownReport.Marker("nightly-2") + "\n## another study", // another study's marker, same author
                60 => "Quoting it inline is not the marker: " + MarkdownReport.Marker(Study), // not on a line of its own
                150 => MarkdownReport.Marker(Study) + "\n## copied by someone else", // same marker, another author
                230 => previousBody,
                _ => $"LGTM #{i}",
            };
            var login = i switch { 10 or 60 or 230 => author, 150 => otherAuthor, _ => i % 2 == 0 ? "mona" : "hubot" };
            var id = server.Seed(login, body);
            if (i == 230) mine = id;
        }
        return mine;
    }

    [Fact]
    public async Task Creates_the_comment_when_there_is_none()
    {
        using var server = new FakeGitHubServer();
        server.Seed("mona", "Looks good");
        var body = Report("first");

        var outcome = await Upsert(server, body, StickyMode.Upsert);

        Assert.Equal("created", outcome.Action);
        var created = Assert.Single(server.Comments, c => c.Login == "bomax-bot");
        Assert.Equal(body, created.Body);
        Assert.Equal(created.Id, outcome.Id);
        Assert.Equal($"https://github.com/octo-org/llm-train/pull/42#issuecomment-{created.Id}", outcome.Url);
        var post = Assert.Single(Writes(server));
        Assert.Equal(("POST", "/repos/octo-org/llm-train/issues/42/comments"), (post.Method, post.Path));
        Assert.Contains("\"body\"", post.Body);
    }

    [Fact]
    public async Task Puts_the_marker_first_when_the_body_lacks_it()
    {
        using var server = new FakeGitHubServer();

        await Upsert(server, "## no marker here\n", StickyMode.Upsert);

        Assert.StartsWith(MarkdownReport.Marker(Study) + "\n", Assert.Single(server.Comments).Body);
    }

    [Fact]
    public async Task Updates_its_own_comment_found_on_page_3_and_leaves_the_decoys()
    {
        using var server = new FakeGitHubServer();
        var mine = SeedThreePages(server, "bomax-bot", Report("old"), otherAuthor: "mallory");
        var decoys = server.Comments.Where(c => c.Id != mine).ToDictionary(c => c.Id, c => c.Body);
        var body = Report("new");

        var outcome = await Upsert(server, body, StickyMode.Upsert);

        Assert.Equal(new CommentOutcome("updated", mine, $"https://github.com/octo-org/llm-train/pull/42#issuecomment-{mine}"), outcome);
        var pages = server.Requests.Where(r => r.Method == "GET" && r.Path.EndsWith("/issues/42/comments", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, pages.Count);
        Assert.Equal("/repos/octo-org/llm-train/issues/42/comments", pages[0].Path);
        Assert.All(pages.Skip(1), r => Assert.Equal("/repositories/771234567/issues/42/comments", r.Path)); // GitHub's Link form, followed as given
        Assert.All(pages, r => Assert.Contains("per_page=100", r.Query));
        Assert.Contains("page=2", pages[1].Query);
        Assert.Contains("page=3", pages[2].Query);
        var patch = Assert.Single(Writes(server));
        Assert.Equal(("PATCH", $"/repos/octo-org/llm-train/issues/comments/{mine}"), (patch.Method, patch.Path));
        Assert.Equal(body, server.Comments.Single(c => c.Id == mine).Body);
        Assert.All(server.Comments.Where(c => c.Id != mine), c => Assert.Equal(decoys[c.Id], c.Body));
        Assert.Equal(250, server.Comments.Count);
    }

    [Fact]
    public async Task An_unchanged_body_sends_no_write_at_all()
    {
        using var server = new FakeGitHubServer();
        var body = Report("same");
        var mine = SeedThreePages(server, "bomax-bot", body, otherAuthor: "mallory");

        var outcome = await Upsert(server, body, StickyMode.Upsert);

        Assert.Equal("unchanged", outcome.Action);
        Assert.Equal(mine, outcome.Id);
        Assert.Empty(Writes(server));
        Assert.All(server.Requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task Recreate_deletes_the_old_comment_then_posts_a_new_one()
    {
        using var server = new FakeGitHubServer();
        var mine = SeedThreePages(server, "bomax-bot", Report("old"), otherAuthor: "mallory");
        var body = Report("new");

        var outcome = await Upsert(server, body, StickyMode.Recreate);

        Assert.Equal("recreated", outcome.Action);
        var writes = Writes(server);
        Assert.Equal(2, writes.Count);
        Assert.Equal(("DELETE", $"/repos/octo-org/llm-train/issues/comments/{mine}"), (writes[0].Method, writes[0].Path));
        Assert.Equal(("POST", "/repos/octo-org/llm-train/issues/42/comments"), (writes[1].Method, writes[1].Path));
        Assert.DoesNotContain(server.Comments, c => c.Id == mine);
        Assert.Equal(body, server.Comments[^1].Body);
        Assert.Equal(server.Comments[^1].Id, outcome.Id);
        Assert.Equal(250, server.Comments.Count);
    }

    [Fact]
    public async Task Recreate_without_a_previous_comment_creates_one()
    {
        using var server = new FakeGitHubServer();

        var outcome = await Upsert(server, Report("x"), StickyMode.Recreate);

        Assert.Equal("created", outcome.Action);
        Assert.Equal("POST", Assert.Single(Writes(server)).Method);
    }

    [Fact]
    public async Task Off_sends_no_request()
    {
        using var server = new FakeGitHubServer();
        server.Seed("bomax-bot", Report("old"));

        var outcome = await Upsert(server, Report("new"), StickyMode.Off);

        Assert.Equal(new CommentOutcome("skipped", null, null), outcome);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Every_request_carries_the_token()
    {
        using var server = new FakeGitHubServer();
        SeedThreePages(server, "bomax-bot", Report("old"), otherAuthor: "mallory");

        await Upsert(server, Report("new"), StickyMode.Upsert);

        Assert.True(server.Requests.Count >= 5);
        Assert.All(server.Requests, r => Assert.Equal("Token " + Token, r.Authorization)); // Octokit's scheme for Credentials(token)
    }

    [Fact]
    public async Task The_actions_token_takes_the_bots_comment_without_asking_who_it_is_and_never_a_users_copy()
    {
        using var server = new FakeGitHubServer();
        // mallory's copy of the marker comes first
        var mine = SeedThreePages(server, FakeGitHubServer.ActionsBot, Report("old"), otherAuthor: "mallory");
        var body = Report("new");

        var outcome = await Upsert(server, body, StickyMode.Upsert, token: FakeGitHubServer.ActionsToken);

        Assert.Equal("updated", outcome.Action);
        Assert.Equal(mine, outcome.Id);
        Assert.DoesNotContain(server.Requests, r => r.Path == "/user"); // an installation token cannot name its bot: no guess is made
        var patch = Assert.Single(Writes(server));
        Assert.Equal($"/repos/octo-org/llm-train/issues/comments/{mine}", patch.Path);
        Assert.Contains(server.Comments, c => c.Login == "mallory" && c.Body.Contains("copied by someone else", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_third_party_app_token_updates_its_own_comment_on_the_second_run()
    {
        using var server = new FakeGitHubServer();
        server.Seed("mallory", Report("planted by a user")); // a person cannot write as a bot, so this is never taken

        var first = await Upsert(server, Report("first"), StickyMode.Upsert, token: FakeGitHubServer.AppToken);
        var second = await Upsert(server, Report("second"), StickyMode.Upsert, token: FakeGitHubServer.AppToken);

        Assert.Equal("created", first.Action);
        Assert.Equal(("updated", first.Id), (second.Action, second.Id));
        var ours = Assert.Single(server.Comments, c => c.Login == FakeGitHubServer.AppBot);
        Assert.Equal(Report("second"), ours.Body);
        Assert.Equal(Report("planted by a user"), server.Comments.Single(c => c.Login == "mallory").Body);
        Assert.Equal(2, server.Comments.Count);
    }

    [Fact]
    public async Task A_token_that_get_user_refuses_is_taken_as_an_app_and_adopts_only_a_bots_comment()
    {
        using var server = new FakeGitHubServer();
        const string legacy = "0123456789abcdef0123456789abcdef01234567"; // an installation token in the old 40-hex format (GHES)
        server.AddToken(legacy, new FakeGitHubServer.Identity(FakeGitHubServer.ActionsBot, IsBot: true, CanWrite: true));
        server.Seed(FakeGitHubServer.TokenUser, Report("a user's"));
        var bots = server.Seed(FakeGitHubServer.ActionsBot, Report("old"));

        var outcome = await Upsert(server, Report("new"), StickyMode.Upsert, token: legacy);

        Assert.Equal(("updated", bots), (outcome.Action, outcome.Id));
        Assert.Equal(("GET", "/user"), (server.Requests[0].Method, server.Requests[0].Path));
        Assert.Equal(Report("a user's"), server.Comments.Single(c => c.Login == FakeGitHubServer.TokenUser).Body);
    }

    [Fact]
    public async Task A_users_token_adopts_only_that_users_comment_not_a_bots()
    {
        using var server = new FakeGitHubServer();
        var bots = server.Seed(FakeGitHubServer.ActionsBot, Report("the bot's"));

        var outcome = await Upsert(server, Report("mine"), StickyMode.Upsert);

        Assert.Equal("created", outcome.Action);
        Assert.NotEqual(bots, outcome.Id);
        Assert.Equal(Report("the bot's"), server.Comments.Single(c => c.Id == bots).Body);
    }

    [Fact]
    public async Task A_study_whose_name_extends_another_does_not_take_its_comment()
    {
        using var server = new FakeGitHubServer();
        var nightly = server.Seed("bomax-bot", Report("nightly's"));

        var outcome = await Upsert(server, MarkdownReport.Marker("nightly-2") + "\nother", StickyMode.Upsert, study: "nightly-2");

        Assert.Equal("created", outcome.Action);
        Assert.NotEqual(nightly, outcome.Id);
        Assert.Equal(Report("nightly's"), server.Comments.Single(c => c.Id == nightly).Body);
    }

    [Fact]
    public async Task An_enterprise_api_url_sends_requests_under_api_v3()
    {
        using var server = new FakeGitHubServer(pathPrefix: "/api/v3");
        var mine = server.Seed("bomax-bot", Report("old"));

        var outcome = await Upsert(server, Report("new"), StickyMode.Upsert);

        Assert.Equal("updated", outcome.Action);
        Assert.Equal(
            [
                "GET /api/v3/user", "GET /api/v3/repos/octo-org/llm-train/issues/42/comments",
                $"PATCH /api/v3/repos/octo-org/llm-train/issues/comments/{mine}",
            ],
            server.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task An_enterprise_api_url_with_a_trailing_slash_is_the_same()
    {
        using var server = new FakeGitHubServer(pathPrefix: "/api/v3");

        await StickyComment.UpsertAsync(StickyComment.Client(server.ApiUrl + "/", Token), server.Owner, server.Repo, server.Issue, Study, Report("x"),
            StickyMode.Upsert, None);

        Assert.Equal(["/api/v3/user", "/api/v3/repos/octo-org/llm-train/issues/42/comments", "/api/v3/repos/octo-org/llm-train/issues/42/comments"],
            server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task A_root_api_url_sends_requests_to_the_root_paths()
    {
        using var server = new FakeGitHubServer();

        await Upsert(server, Report("x"), StickyMode.Upsert);

        Assert.Equal(["GET /user", "GET /repos/octo-org/llm-train/issues/42/comments", "POST /repos/octo-org/llm-train/issues/42/comments"],
            server.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    /// <summary>Why <see cref="StickyComment.Client"/> does not use this constructor: it rewrites the path of every non-github.com host to
    /// /api/v3/.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/api/v3")]
    [InlineData("/some/path/")]
    public async Task Octokits_own_base_address_constructor_rewrites_the_path_to_api_v3(string path)
    {
        using var server = new FakeGitHubServer();
        var client = new GitHubClient(new ProductHeaderValue("bomax-ci"), new Uri(server.Root + path)) { Credentials = new Credentials(Token) };

        await Assert.ThrowsAsync<NotFoundException>(() => client.User.Current());

        Assert.Equal("/api/v3/user", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task A_cancelled_token_sends_nothing()
    {
        using var server = new FakeGitHubServer();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            StickyComment.UpsertAsync(StickyComment.Client(server.ApiUrl, Token), "octo-org", "llm-train", 42, Study, "x", StickyMode.Upsert,
                cancel.Token));

        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/")]
    [InlineData("https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/")]
    [InlineData("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/")]
    [InlineData("https://api.octocorp.ghe.com", "https://api.octocorp.ghe.com/")]
    public void The_base_address_is_the_api_url_with_one_trailing_slash(string apiUrl, string expected) =>
        Assert.Equal(expected, StickyComment.BaseAddress(apiUrl).ToString());

    [Fact]
    public void The_marker_must_be_a_whole_line()
    {
        var marker = MarkdownReport.Marker(Study);
        Assert.True(StickyComment.HasMarkerLine(marker + "\r\nrest", marker));
        Assert.True(StickyComment.HasMarkerLine("intro\n" + marker, marker));
        Assert.False(StickyComment.HasMarkerLine("see " + marker, marker));
        Assert.False(StickyComment.HasMarkerLine(MarkdownReport.Marker("nightly-2"), marker));
        Assert.False(StickyComment.HasMarkerLine(null, marker));
    }

    [Fact]
    public async Task A_429_with_retry_after_1_waits_a_second_then_posts_again()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 429, new Dictionary<string, string> { ["Retry-After"] = "1" }, """{"message":"Too Many Requests"}""");
        var waits = new List<TimeSpan>();

        var outcome = await Upsert(server, Report("x"), StickyMode.Upsert, retry: GitHubRetryTests.Recording(waits));

        Assert.Equal("created", outcome.Action);
        Assert.Equal([TimeSpan.FromSeconds(1)], waits);
        Assert.Equal(2, Writes(server).Count(r => r.Method == "POST" && r.Path == Comments));
        Assert.Equal(outcome.Id, Assert.Single(server.Comments).Id);
    }

    [Fact]
    public async Task A_secondary_limit_on_get_user_and_on_patch_is_waited_out()
    {
        using var server = new FakeGitHubServer();
        var mine = server.Seed("bomax-bot", Report("old"));
        server.Enqueue("GET", "/user", 403, null, Secondary);
        server.Enqueue("PATCH", "/repos/octo-org/llm-train/issues/comments/", 403, null, Secondary);
        var waits = new List<TimeSpan>();

        var outcome = await Upsert(server, Report("new"), StickyMode.Upsert, retry: GitHubRetryTests.Recording(waits));

        Assert.Equal(new CommentOutcome("updated", mine, $"https://github.com/octo-org/llm-train/pull/42#issuecomment-{mine}"), outcome);
        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)], waits); // each call has its own back-off
        Assert.Equal(2, server.Requests.Count(r => r.Path == "/user"));
        Assert.Equal(2, Writes(server).Count);
        Assert.Equal(Report("new"), Assert.Single(server.Comments).Body);
    }

    [Fact]
    public async Task A_primary_limit_on_the_comment_list_waits_until_the_reset()
    {
        using var server = new FakeGitHubServer();
        var date = DateTimeOffset.UtcNow;
        date = date.AddTicks(-(date.Ticks % TimeSpan.TicksPerSecond));
        server.Enqueue("GET", Comments, 403, new Dictionary<string, string>
        {
            ["Date"] = date.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
            ["X-RateLimit-Remaining"] = "0",
            ["X-RateLimit-Reset"] = date.AddSeconds(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, """{"message":"API rate limit exceeded for installation ID 12345678."}""");
        var waits = new List<TimeSpan>();

        var outcome = await Upsert(server, Report("x"), StickyMode.Upsert, retry: GitHubRetryTests.Recording(waits));

        Assert.Equal("created", outcome.Action);
        Assert.Equal([TimeSpan.FromSeconds(30)], waits);
        Assert.Equal(2, server.Requests.Count(r => r.Method == "GET" && r.Path == Comments));
    }

    [Fact]
    public async Task A_read_only_token_gets_forbidden_on_post_without_a_retry()
    {
        using var server = new FakeGitHubServer();
        var waits = new List<TimeSpan>();

        var outcome = await Upsert(server, Report("x"), StickyMode.Upsert, retry: GitHubRetryTests.Recording(waits),
            token: FakeGitHubServer.ReadOnlyToken);

        Assert.Equal(new CommentOutcome("forbidden", null, null), outcome);
        Assert.Empty(waits);
        Assert.Single(Writes(server));
        Assert.Empty(server.Comments);
    }

    [Fact]
    public async Task A_read_only_token_gets_forbidden_on_patch()
    {
        using var server = new FakeGitHubServer();
        server.Seed("bomax-bot", Report("old"));
        server.Enqueue("PATCH", "/repos/octo-org/llm-train/issues/comments/", 403, null, NotAccessible);
        var waits = new List<TimeSpan>();

        var outcome = await Upsert(server, Report("new"), StickyMode.Upsert, retry: GitHubRetryTests.Recording(waits));

        Assert.Equal("forbidden", outcome.Action);
        Assert.Empty(waits);
        Assert.Equal(Report("old"), Assert.Single(server.Comments).Body);
    }

    [Fact]
    public async Task A_read_only_token_gets_forbidden_on_delete_and_posts_nothing()
    {
        using var server = new FakeGitHubServer();
        server.Seed("bomax-bot", Report("old"));
        server.Enqueue("DELETE", "/repos/octo-org/llm-train/issues/comments/", 403, null, NotAccessible);

        var outcome = await Upsert(server, Report("new"), StickyMode.Recreate, retry: GitHubRetryTests.Recording([]));

        Assert.Equal("forbidden", outcome.Action);
        Assert.Equal("DELETE", Assert.Single(Writes(server)).Method);
        Assert.Single(server.Comments);
    }

    [Fact]
    public async Task A_404_on_the_comment_list_says_not_found_rather_than_forbidden()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("GET", Comments, 404, null,
            """{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/comments#list-issue-comments","status":"404"}""");

        var outcome = await Upsert(server, Report("x"), StickyMode.Upsert, retry: GitHubRetryTests.Recording([]));

        Assert.Equal(new CommentOutcome("not-found", null, null), outcome);
        Assert.Empty(Writes(server));
    }

    [Fact]
    public async Task A_pull_request_that_does_not_exist_is_not_found()
    {
        using var server = new FakeGitHubServer(); // it serves issue 42 only

        var outcome = await StickyComment.UpsertAsync(StickyComment.Client(server.ApiUrl, Token), server.Owner, server.Repo, 7, Study, Report("x"),
            StickyMode.Upsert, None);

        Assert.Equal("not-found", outcome.Action);
        Assert.Empty(Writes(server));
    }

    [Fact]
    public async Task A_500_on_post_is_thrown_without_a_retry()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 500, null, """{"message":"Server Error"}""");
        var waits = new List<TimeSpan>();

        var e = await Assert.ThrowsAnyAsync<ApiException>(() =>
            Upsert(server, Report("x"), StickyMode.Upsert, retry: GitHubRetryTests.Recording(waits)));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Empty(waits);
        Assert.Single(Writes(server));
    }

    [Fact]
    public async Task A_rate_limit_that_outlasts_max_wait_is_thrown_not_forbidden()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 403, new Dictionary<string, string>
        {
            ["X-RateLimit-Remaining"] = "0",
            ["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, """{"message":"API rate limit exceeded for installation ID 12345678."}""");
        var waits = new List<TimeSpan>();

        var e = await Assert.ThrowsAnyAsync<ApiException>(() =>
            Upsert(server, Report("x"), StickyMode.Upsert, retry: GitHubRetryTests.Recording(waits)));

        Assert.True(GitHubRetry.IsRateLimited(e));
        Assert.Empty(waits);
        Assert.Single(Writes(server));
    }
}

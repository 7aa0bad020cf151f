using System.Globalization;
using System.Net;
using Bomax.Cli.GitHub;
using Octokit;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>
/// Waiting out GitHub's rate limits, through real Octokit against a real HTTP server on 127.0.0.1; the waits are
/// recorded by a fake clock on which they pass at once (<see cref="InstantWaits"/>).
/// </summary>
public sealed class GitHubRetryTests
{
    const string Token = FakeGitHubServer.ActionsToken;
    const string Comments = "/repos/octo-org/llm-train/issues/42/comments";
    const string SecondaryBody = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 8C4A:2F1B:1D3E0F:3A2B1C:67C7A1B2.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}""";
    const string PrimaryBody = """{"message":"API rate limit exceeded for installation ID 12345678.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting","status":"403"}""";
    const string NotAccessibleBody = """{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment","status":"403"}""";
    static readonly DateTimeOffset FixedNow = new(2025, 3, 4, 17, 48, 10, TimeSpan.Zero);

    /// <summary>Options on a clock fixed at <see cref="FixedNow"/> on which every retry's wait passes at once and is recorded
    /// (the deadline, longer than any wait allowed, never passes); notices are kept, not printed.</summary>
    internal static GitHubRetryOptions Recording(List<TimeSpan> waits, TimeSpan? maxWait = null, int maxAttempts = 4, List<string>? notices = null)
    {
        var most = maxWait ?? TimeSpan.FromMinutes(15);
        return new(most, maxAttempts, new InstantWaits(FixedNow, waits, most)) { Notice = line => { lock (waits) notices?.Add(line); } };
    }

    /// <summary>A clock fixed at <paramref name="now"/>: a timer due within <paramref name="instant"/> fires at once and its due time
    /// is recorded (a retry's wait); a later one never fires (the deadline).</summary>
    sealed class InstantWaits(DateTimeOffset now, List<TimeSpan> waits, TimeSpan instant) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan || dueTime > instant)
                return System.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            lock (waits) waits.Add(dueTime);
            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    static Task<IssueComment> Post(FakeGitHubServer server, GitHubRetryOptions options) =>
        GitHubRetry.RunAsync(() => StickyComment.Client(server.ApiUrl, Token).Issue.Comment.Create(server.Owner, server.Repo, server.Issue, "hello"),
            options, CancellationToken.None);

    static int Posts(FakeGitHubServer server) => server.Requests.Count(r => r.Method == "POST" && r.Path == Comments);

    static Dictionary<string, string> Headers(params (string Name, string Value)[] headers) => headers.ToDictionary(h => h.Name, h => h.Value);

    static string Epoch(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_429_with_retry_after_waits_that_long_then_succeeds()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 429, Headers(("Retry-After", "1")), """{"message":"Too Many Requests"}""");
        var waits = new List<TimeSpan>();

        var comment = await Post(server, Recording(waits));

        Assert.Equal("hello", comment.Body);
        Assert.Equal([TimeSpan.FromSeconds(1)], waits);
        Assert.Equal(2, Posts(server));
        Assert.Single(server.Comments);
    }

    [Fact]
    public async Task Each_wait_is_announced_before_it_starts()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 403, null, SecondaryBody);
        server.Enqueue("POST", Comments, 429, Headers(("Retry-After", "5")), """{"message":"Too Many Requests"}""");
        var notices = new List<string>();

        await Post(server, Recording([], notices: notices));

        Assert.Equal(
            ["bomax: GitHub rate limit (403); retrying in 60 s (attempt 2 of 4)", "bomax: GitHub rate limit (429); retrying in 5 s (attempt 3 of 4)"],
            notices);
    }

    [Fact]
    public async Task A_primary_limit_waits_until_the_reset_time_counted_from_the_response_date()
    {
        using var server = new FakeGitHubServer();
        var date = DateTimeOffset.UtcNow.AddDays(-3); // far from both clocks: the wait must come from reset − Date
        date = date.AddTicks(-(date.Ticks % TimeSpan.TicksPerSecond));
        server.Enqueue("POST", Comments, 403, Headers(
            ("Date", date.ToString("r", CultureInfo.InvariantCulture)),
            ("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Used", "5000"),
            ("X-RateLimit-Reset", Epoch(date.AddSeconds(30))), ("X-RateLimit-Resource", "core")), PrimaryBody);
        var waits = new List<TimeSpan>();

        await Post(server, Recording(waits));

        Assert.Equal([TimeSpan.FromSeconds(30)], waits);
        Assert.Equal(2, Posts(server));
    }

    [Fact]
    public async Task Remaining_zero_is_a_rate_limit_whatever_the_body_says()
    {
        using var server = new FakeGitHubServer();
        var reset = DateTimeOffset.UtcNow.AddSeconds(45);
        server.Enqueue("POST", Comments, 403, Headers(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", Epoch(reset))),
            """{"message":"Forbidden"}""");
        var waits = new List<TimeSpan>();

        await Post(server, Recording(waits));

        var wait = Assert.Single(waits);
        Assert.InRange(wait.TotalSeconds, 40, 46); // reset − the response's Date (this machine's clock, to the second)
        Assert.Equal(2, Posts(server));
    }

    [Fact]
    public async Task A_secondary_limit_without_headers_backs_off_from_one_minute_doubling()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 403, null, SecondaryBody);
        server.Enqueue("POST", Comments, 403, null, SecondaryBody);
        var waits = new List<TimeSpan>();

        await Post(server, Recording(waits));

        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)], waits);
        Assert.Equal(3, Posts(server));
    }

    [Fact]
    public async Task Retry_after_comes_before_the_reset_time()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 403, Headers(("Retry-After", "7"), ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", Epoch(DateTimeOffset.UtcNow.AddMinutes(10)))), SecondaryBody);
        var waits = new List<TimeSpan>();

        await Post(server, Recording(waits));

        Assert.Equal([TimeSpan.FromSeconds(7)], waits);
    }

    [Fact]
    public async Task Gives_up_after_max_attempts_with_the_last_exception()
    {
        using var server = new FakeGitHubServer();
        for (var i = 0; i < 5; i++) server.Enqueue("POST", Comments, 403, null, SecondaryBody);
        var waits = new List<TimeSpan>();

        var e = await Assert.ThrowsAnyAsync<ApiException>(() => Post(server, Recording(waits)));

        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.True(GitHubRetry.IsRateLimited(e));
        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(240)], waits);
        Assert.Equal(4, Posts(server));
        Assert.Empty(server.Comments);
    }

    [Theory]
    [InlineData("3600", null)] // retry-after beyond MaxWait
    [InlineData(null, 16 * 60)] // reset 16 minutes away
    public async Task A_wait_longer_than_max_wait_gives_up_at_once(string? retryAfter, int? resetInSeconds)
    {
        using var server = new FakeGitHubServer();
        var headers = new Dictionary<string, string>();
        if (retryAfter is not null) headers["Retry-After"] = retryAfter;
        if (resetInSeconds is int s)
        {
            headers["X-RateLimit-Remaining"] = "0";
            headers["X-RateLimit-Reset"] = Epoch(DateTimeOffset.UtcNow.AddSeconds(s));
        }
        server.Enqueue("POST", Comments, retryAfter is null ? 403 : 429, headers,
            retryAfter is null ? PrimaryBody : """{"message":"Too Many Requests"}""");
        var waits = new List<TimeSpan>();

        var e = await Assert.ThrowsAnyAsync<ApiException>(() => Post(server, Recording(waits)));

        Assert.True(GitHubRetry.IsRateLimited(e));
        Assert.Empty(waits);
        Assert.Equal(1, Posts(server));
    }

    [Fact]
    public async Task A_secondary_backoff_past_max_wait_gives_up()
    {
        using var server = new FakeGitHubServer();
        for (var i = 0; i < 3; i++) server.Enqueue("POST", Comments, 403, null, SecondaryBody);
        var waits = new List<TimeSpan>();

        await Assert.ThrowsAnyAsync<ApiException>(() => Post(server, Recording(waits, maxWait: TimeSpan.FromSeconds(90))));

        Assert.Equal([TimeSpan.FromSeconds(60)], waits);
        Assert.Equal(2, Posts(server));
    }

    [Fact]
    public async Task A_plain_403_is_not_retried()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 403, null, NotAccessibleBody);
        var waits = new List<TimeSpan>();

        var e = await Assert.ThrowsAsync<ForbiddenException>(() => Post(server, Recording(waits)));

        Assert.False(GitHubRetry.IsRateLimited(e));
        Assert.True(GitHubRetry.IsForbidden(e));
        Assert.Empty(waits);
        Assert.Equal(1, Posts(server));
    }

    [Fact]
    public async Task A_500_is_not_retried()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 500, null, """{"message":"Server Error"}""");
        var waits = new List<TimeSpan>();

        var e = await Assert.ThrowsAnyAsync<ApiException>(() => Post(server, Recording(waits)));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Empty(waits);
        Assert.Equal(1, Posts(server));
    }

    [Fact]
    public async Task A_cancelled_wait_stops_the_retries()
    {
        using var server = new FakeGitHubServer();
        server.Enqueue("POST", Comments, 429, Headers(("Retry-After", "30")), """{"message":"Too Many Requests"}""");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FixedNow); // the 30 s never pass on it
        var options = Recording([]) with { Time = clock };
        using var cancel = new CancellationTokenSource();

        var post = GitHubRetry.RunAsync(
            () => StickyComment.Client(server.ApiUrl, Token).Issue.Comment.Create(server.Owner, server.Repo, server.Issue, "x"),
            options, cancel.Token);
        while (Posts(server) == 0) await Task.Delay(10);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post);
        Assert.Equal(1, Posts(server));
    }

    sealed record FakeResponse(HttpStatusCode StatusCode, object Body, IReadOnlyDictionary<string, string> Headers) : IResponse
    {
        public ApiInfo ApiInfo => null!;
        public string ContentType => "application/json; charset=utf-8";
    }

    static ApiException Response(int status, string body, params (string Name, string Value)[] headers) =>
        new(new FakeResponse((HttpStatusCode)status, body, Headers(headers)));

    [Fact]
    public void The_reset_time_is_counted_from_the_clock_when_there_is_no_date_header()
    {
        var e = Response(403, PrimaryBody, ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", Epoch(FixedNow.AddSeconds(30))));

        Assert.Equal(TimeSpan.FromSeconds(30), GitHubRetry.WaitFor(e, 1, Recording([])));
    }

    [Fact]
    public void A_reset_time_already_past_waits_nothing()
    {
        var e = Response(403, PrimaryBody, ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", Epoch(FixedNow.AddSeconds(-5))));

        Assert.Equal(TimeSpan.Zero, GitHubRetry.WaitFor(e, 1, Recording([])));
    }

    [Theory]
    [InlineData(429, "{}", null, true)]
    [InlineData(403, SecondaryBody, null, true)]
    [InlineData(403, PrimaryBody, null, true)]
    [InlineData(403, """{"message":"You have triggered an abuse detection mechanism. Please wait a few minutes before you try again."}""", null, true)]
    [InlineData(403, """{"message":"Forbidden"}""", "0", true)]
    [InlineData(403, NotAccessibleBody, "4990", false)]
    [InlineData(403, NotAccessibleBody, null, false)]
    [InlineData(404, """{"message":"Not Found"}""", "0", false)]
    [InlineData(500, """{"message":"rate limit"}""", null, false)]
    public void Classifies_by_status_headers_and_body(int status, string body, string? remaining, bool rateLimited)
    {
        var e = remaining is null ? Response(status, body) : Response(status, body, ("X-RateLimit-Remaining", remaining));

        Assert.Equal(rateLimited, GitHubRetry.IsRateLimited(e));
        Assert.Equal(status == 403 && !rateLimited, GitHubRetry.IsForbidden(e));
    }
}

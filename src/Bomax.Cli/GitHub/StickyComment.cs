using Bomax.Cli.Reports;
using Octokit;
using Octokit.Internal;

namespace Bomax.Cli.GitHub;

/// <summary>How the report comment on a pull request is kept.</summary>
internal enum StickyMode
{
    /// <summary>Edit the previous comment in place (no request when its body is unchanged); create one when there is none.</summary>
    Upsert,
    /// <summary>Delete the previous comment(s) and post a new one, so it shows at the bottom of the conversation.</summary>
    Recreate,
    /// <summary>Post nothing.</summary>
    Off,
}

/// <param name="Action"><c>created</c>, <c>updated</c>, <c>unchanged</c>, <c>recreated</c>, <c>skipped</c>,
/// <c>forbidden</c> (the token may not write the comment, or not read the issue), or <c>not-found</c> (GitHub
/// answered 404: no such pull request in the repository, or a token that cannot see the repository).</param>
/// <param name="Id">The comment's id; null when skipped, forbidden or not found.</param>
/// <param name="Url">The comment's HTML address; null when skipped, forbidden or not found.</param>
internal sealed record CommentOutcome(string Action, long? Id, string? Url);

/// <summary>Whose comments bomax may take as its own: any bot's (an app or Actions token), or one user's (a user's token).</summary>
/// <param name="IsApp">The token is a GitHub App installation token (GITHUB_TOKEN is one): its comments are by a user of type Bot.</param>
/// <param name="UserId">The token's user, when it is a user's token.</param>
/// <param name="Login">That user's login.</param>
internal sealed record CommentAuthor(bool IsApp, long? UserId, string? Login)
{
    public static CommentAuthor App { get; } = new(true, null, null);

    /// <summary>Whether <paramref name="comment"/> was written by this identity. A person can never write as a bot,
    /// so no one can make an app token adopt their comment; a user's token adopts only that user's.</summary>
    public bool Wrote(IssueComment comment) => comment.User is { } user && (IsApp
        ? user.Type == AccountType.Bot
        : UserId is long id && user.Id == id || UserId is null && string.Equals(user.Login, Login, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// One report comment per study on a pull request, found again by its hidden marker
/// (<see cref="MarkdownReport.Marker"/>) on a line of its own, among the comments written by the token's identity
/// (<see cref="AuthorAsync"/>).
/// </summary>
internal static class StickyComment
{
    /// <summary>The longest a request may take before the HTTP client gives up on it (the whole comment has its own deadline,
    /// <see cref="GitHubRetryOptions.Total"/>).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    /// <summary>
    /// A client whose requests go to <paramref name="apiUrl"/><c>/repos/...</c> exactly, whatever the host:
    /// https://api.github.com, a GitHub Enterprise Server's https://HOST/api/v3, a GHE.com
    /// https://api.SUBDOMAIN.ghe.com, or a local test server. (Octokit's <c>GitHubClient(product, Uri)</c>
    /// constructor would replace the path of any host but github.com with <c>/api/v3/</c>; building the
    /// <see cref="Connection"/> directly keeps the address as given.) Its HTTP handler keeps the token to that
    /// origin (<see cref="ApiOriginHandler"/>); the token is registered for <see cref="Redaction"/>.
    /// </summary>
    public static IGitHubClient Client(string apiUrl, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        Redaction.Register(token);
        var baseAddress = BaseAddress(apiUrl);
        var credentials = new InMemoryCredentialStore(new Credentials(token));
        var http = new HttpClientAdapter(() => new ApiOriginHandler(baseAddress));
        var connection = new Connection(new ProductHeaderValue("bomax-ci"), baseAddress, credentials, http, new SimpleJsonSerializer());
        connection.SetRequestTimeout(RequestTimeout);
        return new GitHubClient(connection);
    }

    /// <summary><paramref name="apiUrl"/> with exactly one trailing slash, so relative endpoints resolve beneath it.</summary>
    public static Uri BaseAddress(string apiUrl)
    {
        if (!Uri.TryCreate(apiUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"GITHUB_API_URL '{PlainText.Line(apiUrl)}' is not an http(s) address.", nameof(apiUrl));
        var builder = new UriBuilder(uri) { Query = "", Fragment = "" };
        builder.Path = builder.Path.TrimEnd('/') + "/";
        return builder.Uri;
    }

    /// <summary>
    /// Creates, updates, recreates or leaves the study's comment on issue/PR <paramref name="number"/>. The marker
    /// is put on the body's first line when the body lacks it, and the body is cut to GitHub's 65,536 characters.
    /// All comments of the issue are read (100 a page). The comment taken as the study's is the first with the
    /// marker written by the token's identity (<see cref="AuthorAsync"/>). Every request waits out GitHub's rate
    /// limits (<see cref="GitHubRetry"/>, with <paramref name="retry"/> or <see cref="GitHubRetryOptions.Default"/>).
    /// A token that may not write the comment (a 403 that is no rate limit, as a pull request from a fork gets), or
    /// may not read the issue's comments (403), gives <c>forbidden</c>; a 404 gives <c>not-found</c>.
    /// </summary>
    public static async Task<CommentOutcome> UpsertAsync(
        IGitHubClient client, string owner, string repo, int number, string studyName, string body,
        StickyMode mode, CancellationToken cancel, GitHubRetryOptions? retry = null)
    {
        if (mode == StickyMode.Off) return new CommentOutcome("skipped", null, null);
        cancel.ThrowIfCancellationRequested();
        var options = retry ?? GitHubRetryOptions.Default;
        Task<T> Run<T>(Func<Task<T>> call) => GitHubRetry.RunAsync(call, options, cancel);

        var marker = MarkdownReport.Marker(studyName);
        if (!HasMarkerLine(body, marker)) body = marker + "\n" + body;
        if (body.Length > MarkdownReport.CommentLimit) body = MarkdownReport.Truncate(body, MarkdownReport.CommentLimit);

        IReadOnlyList<IssueComment> comments;
        CommentAuthor author;
        try
        {
            author = await AuthorAsync(client, options, cancel).ConfigureAwait(false);
            comments = await Run(() => client.Issue.Comment
                .GetAllForIssue(owner, repo, number, new ApiOptions { PageSize = 100 })
                .WaitAsync(cancel)).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return NotFound;
        }
        catch (ApiException e) when (GitHubRetry.IsForbidden(e))
        {
            return Forbidden;
        }
        var mine = comments.Where(c => author.Wrote(c) && HasMarkerLine(c.Body, marker)).ToList();

        try
        {
            if (mode == StickyMode.Upsert && mine.Count > 0)
            {
                var previous = mine[0];
                if (Normalize(previous.Body) == Normalize(body))
                    return new CommentOutcome("unchanged", previous.Id, previous.HtmlUrl);
                var updated = await Run(() => client.Issue.Comment.Update(owner, repo, previous.Id, body).WaitAsync(cancel)).ConfigureAwait(false);
                return new CommentOutcome("updated", updated.Id, updated.HtmlUrl);
            }

            if (mode == StickyMode.Recreate)
                foreach (var old in mine)
                    await GitHubRetry.RunAsync(() => client.Issue.Comment.Delete(owner, repo, old.Id).WaitAsync(cancel), options, cancel)
                        .ConfigureAwait(false);

            var created = await Run(() => client.Issue.Comment.Create(owner, repo, number, body).WaitAsync(cancel)).ConfigureAwait(false);
            return new CommentOutcome(mode == StickyMode.Recreate && mine.Count > 0 ? "recreated" : "created", created.Id, created.HtmlUrl);
        }
        catch (NotFoundException)
        {
            return NotFound;
        }
        catch (ApiException e) when (GitHubRetry.IsForbidden(e))
        {
            return Forbidden;
        }
    }

    static readonly CommentOutcome Forbidden = new("forbidden", null, null);
    static readonly CommentOutcome NotFound = new("not-found", null, null);

    /// <summary>True when one line of <paramref name="body"/> is exactly <paramref name="marker"/> (a trailing CR aside).</summary>
    public static bool HasMarkerLine(string? body, string marker) =>
        body is not null && body.Split('\n').Any(line => line.TrimEnd('\r') == marker);

    /// <summary>
    /// Whose comments are the study's. An installation token (<c>ghs_</c>: GITHUB_TOKEN, or a GitHub App's such as
    /// actions/create-github-app-token makes) writes as its app's bot, <c>SLUG[bot]</c>, which the token cannot
    /// name (<c>GET /user</c> is 403 for it), so any bot's comment counts and no request is made. Any other token
    /// asks <c>GET /user</c>: a user (or a bot) it names; a 403 there is an installation token in an older format.
    /// </summary>
    public static async Task<CommentAuthor> AuthorAsync(IGitHubClient client, GitHubRetryOptions retry, CancellationToken cancel)
    {
        if (IsInstallationToken(client.Connection.Credentials?.Password)) return CommentAuthor.App;
        try
        {
            var user = await GitHubRetry.RunAsync(() => client.User.Current().WaitAsync(cancel), retry, cancel).ConfigureAwait(false);
            return user.Type == AccountType.Bot ? CommentAuthor.App : new CommentAuthor(false, user.Id, user.Login);
        }
        catch (ApiException e) when (GitHubRetry.IsForbidden(e))
        {
            return CommentAuthor.App;
        }
    }

    /// <summary>A GitHub App installation token, by GitHub's token prefix <c>ghs_</c>.</summary>
    public static bool IsInstallationToken(string? token) => token is not null && token.StartsWith("ghs_", StringComparison.Ordinal);

    /// <summary>
    /// The open pull requests of <paramref name="owner"/>/<paramref name="repo"/> whose head is commit
    /// <paramref name="sha"/> (<c>GET /repos/{owner}/{repo}/commits/{sha}/pulls</c>), lowest number first: how a
    /// <c>workflow_run</c> from a fork, whose payload lists no pull request, finds its own.
    /// </summary>
    public static async Task<IReadOnlyList<int>> PullRequestsWithHeadAsync(IGitHubClient client, string owner, string repo, string sha,
        GitHubRetryOptions retry, CancellationToken cancel)
    {
        var pulls = await GitHubRetry.RunAsync(() => client.Repository.Commit.PullRequests(owner, repo, sha).WaitAsync(cancel), retry, cancel)
            .ConfigureAwait(false);
        var full = $"{owner}/{repo}";
        return pulls
            .Where(p => p.State.StringValue == "open"
                        && string.Equals(p.Head?.Sha, sha, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(p.Base?.Repository?.FullName, full, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Number).Order().ToList();
    }

    /// <summary>The body as compared: line endings unified, and the report's generation-time line left out, so
    /// a re-run with nothing new makes no request.</summary>
    static string Normalize(string? text) => string.Join("\n", (text ?? "").Replace("\r\n", "\n").Split('\n')
        .Where(line => !line.StartsWith(MarkdownReport.GeneratedPrefix, StringComparison.Ordinal)));
}

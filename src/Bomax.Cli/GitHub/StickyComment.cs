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

/// <param name="Action"><c>created</c>, <c>updated</c>, <c>unchanged</c>, <c>recreated</c>, <c>skipped</c>, or
/// <c>forbidden</c> (the token may not write the comment, or not read the issue).</param>
/// <param name="Id">The comment's id; null when skipped or forbidden.</param>
/// <param name="Url">The comment's HTML address; null when skipped or forbidden.</param>
internal sealed record CommentOutcome(string Action, long? Id, string? Url);

/// <summary>
/// One report comment per study on a pull request, found again by its hidden marker
/// (<see cref="MarkdownReport.Marker"/>) on a line of its own, among the comments written by the token's identity.
/// </summary>
internal static class StickyComment
{
    /// <summary>The author assumed when the token cannot read <c>GET /user</c> (an installation token such as GITHUB_TOKEN).</summary>
    public const string ActionsBotLogin = "github-actions[bot]";

    /// <summary>
    /// A client whose requests go to <paramref name="apiUrl"/><c>/repos/...</c> exactly, whatever the host:
    /// https://api.github.com, a GitHub Enterprise Server's https://HOST/api/v3, a GHE.com
    /// https://api.SUBDOMAIN.ghe.com, or a local test server. (Octokit's <c>GitHubClient(product, Uri)</c>
    /// constructor would replace the path of any host but github.com with <c>/api/v3/</c>; building the
    /// <see cref="Connection"/> directly keeps the address as given.)
    /// </summary>
    public static IGitHubClient Client(string apiUrl, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var baseAddress = BaseAddress(apiUrl);
        var credentials = new InMemoryCredentialStore(new Credentials(token));
        return new GitHubClient(new Connection(new ProductHeaderValue("bomax-ci"), baseAddress, credentials));
    }

    /// <summary><paramref name="apiUrl"/> with exactly one trailing slash, so relative endpoints resolve beneath it.</summary>
    public static Uri BaseAddress(string apiUrl)
    {
        if (!Uri.TryCreate(apiUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"'{apiUrl}' is not an http(s) address.", nameof(apiUrl));
        var builder = new UriBuilder(uri) { Query = "", Fragment = "" };
        builder.Path = builder.Path.TrimEnd('/') + "/";
        return builder.Uri;
    }

    /// <summary>
    /// Creates, updates, recreates or leaves the study's comment on issue/PR <paramref name="number"/>. The marker
    /// is put on the body's first line when the body lacks it. All comments of the issue are read (100 a page).
    /// Every request waits out GitHub's rate limits (<see cref="GitHubRetry"/>, with <paramref name="retry"/> or
    /// <see cref="GitHubRetryOptions.Default"/>). A token that may not write the comment (a 403 that is no rate
    /// limit, as a pull request from a fork gets), or may not read the issue's comments (403 or 404), gives
    /// <c>forbidden</c> rather than an exception.
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

        var author = await AuthorLogin(client, options, cancel).ConfigureAwait(false);
        IReadOnlyList<IssueComment> comments;
        try
        {
            comments = await Run(() => client.Issue.Comment
                .GetAllForIssue(owner, repo, number, new ApiOptions { PageSize = 100 })
                .WaitAsync(cancel)).ConfigureAwait(false);
        }
        catch (ApiException e) when (e is NotFoundException || GitHubRetry.IsForbidden(e))
        {
            return Forbidden;
        }
        var mine = comments
            .Where(c => string.Equals(c.User?.Login, author, StringComparison.OrdinalIgnoreCase) && HasMarkerLine(c.Body, marker))
            .ToList();

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
                    await GitHubRetry.RunAsync(() => client.Issue.Comment.Delete(owner, repo, old.Id).WaitAsync(cancel), options, cancel).ConfigureAwait(false);

            var created = await Run(() => client.Issue.Comment.Create(owner, repo, number, body).WaitAsync(cancel)).ConfigureAwait(false);
            return new CommentOutcome(mode == StickyMode.Recreate && mine.Count > 0 ? "recreated" : "created", created.Id, created.HtmlUrl);
        }
        catch (ApiException e) when (GitHubRetry.IsForbidden(e))
        {
            return Forbidden;
        }
    }

    static readonly CommentOutcome Forbidden = new("forbidden", null, null);

    /// <summary>True when one line of <paramref name="body"/> is exactly <paramref name="marker"/> (a trailing CR aside).</summary>
    public static bool HasMarkerLine(string? body, string marker) =>
        body is not null && body.Split('\n').Any(line => line.TrimEnd('\r') == marker);

    /// <summary>The token's login; <see cref="ActionsBotLogin"/> when <c>GET /user</c> is forbidden (a GitHub App / Actions token).</summary>
    static async Task<string> AuthorLogin(IGitHubClient client, GitHubRetryOptions retry, CancellationToken cancel)
    {
        try
        {
            var user = await GitHubRetry.RunAsync(() => client.User.Current().WaitAsync(cancel), retry, cancel).ConfigureAwait(false);
            return user.Login;
        }
        catch (ApiException e) when (GitHubRetry.IsForbidden(e))
        {
            return ActionsBotLogin;
        }
    }

    /// <summary>The body as compared: line endings unified, and the report's generation-time line left out, so
    /// a re-run with nothing new makes no request.</summary>
    static string Normalize(string? text) => string.Join("\n", (text ?? "").Replace("\r\n", "\n").Split('\n')
        .Where(line => !line.StartsWith(MarkdownReport.GeneratedPrefix, StringComparison.Ordinal)));
}

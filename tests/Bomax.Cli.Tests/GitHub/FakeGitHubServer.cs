using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) that answers the GitHub REST calls bomax makes for one
/// repository's one pull request, as GitHub does, and records every request. Serves under <see cref="PathPrefix"/>
/// (e.g. <c>/api/v3</c> for a GitHub Enterprise layout); anything else is a 404, recorded too. Dispose stops it.
/// <list type="bullet">
/// <item>Every request needs a known token (<c>Authorization: token …</c> or <c>Bearer …</c>), else 401 Bad
/// credentials. Each token has an identity: a user's token (<see cref="UserToken"/>, <c>GET /user</c> names the
/// user), the Actions token (<see cref="ActionsToken"/>, <c>github-actions[bot]</c>) and a third-party app's
/// installation token (<see cref="AppToken"/>, <c>bomax-ci-app[bot]</c>) — for both, <c>GET /user</c> is 403
/// "Resource not accessible by integration" — and a write permission of its own (<see cref="ReadOnlyToken"/> has none:
/// 403 on every write).</item>
/// <item>Comments are listed 30 (or <c>per_page</c>, at most 100) a page; a <c>Link</c> header points to the other
/// pages in GitHub's <c>/repositories/{id}/issues/{n}/comments</c> form, which is served too.</item>
/// <item>A comment body over 65,536 characters is 422 Validation Failed.</item>
/// <item>Each token has its own rate limit (<see cref="RateLimit"/> requests): <c>X-RateLimit-Remaining</c> counts down
/// and <c>X-RateLimit-Used</c> up; at 0 a request is 403 "API rate limit exceeded" until the reset time.</item>
/// <item><c>GET /repos/{owner}/{repo}/pulls/{n}</c> and <c>…/commits/{sha}/pulls</c> answer from <see cref="AddPullRequest"/>.</item>
/// </list>
/// </summary>
internal sealed class FakeGitHubServer : IDisposable
{
    public sealed record Request(string Method, string Path, string Query, string? Authorization, string Body);

    public sealed record Comment(long Id, string Login, string Body);

    /// <summary>Who a token is: <paramref name="Login"/>, a bot or a user, and whether it may write comments.</summary>
    public sealed record Identity(string Login, bool IsBot, bool CanWrite);

    /// <summary>A pull request the server knows, in <paramref name="BaseRepository"/> (owner/name) unless said otherwise.</summary>
    public sealed record PullRequest(int Number, string HeadSha, string HeadRepository, string State = "open", string? BaseRepository = null);

    /// <summary>A response given once, before normal handling, to the next request whose method and path match;
    /// with <paramref name="Until"/>, only once that task has finished (or the server stops).</summary>
    public sealed record Scripted(string Method, string PathPrefix, int Status, IReadOnlyDictionary<string, string> Headers, string Body,
        Task? Until = null);

    /// <summary>A user's personal access token: GET /user answers <c>bomax-bot</c>, a user (a machine account).</summary>
    public const string UserToken = "ghp_UserToken0123456789abcdefABCDEF012345";
    /// <summary>GITHUB_TOKEN: an installation token of the GitHub Actions app, writing as <c>github-actions[bot]</c>.</summary>
    public const string ActionsToken = "ghs_ActionsToken0123456789abcdefABCDEF0123";
    /// <summary>A third-party GitHub App's installation token (as actions/create-github-app-token makes),
    /// writing as <c>bomax-ci-app[bot]</c>.</summary>
    public const string AppToken = "ghs_AppToken0123456789abcdefABCDEF01234567";
    /// <summary>The read-only GITHUB_TOKEN of a pull request from a fork.</summary>
    public const string ReadOnlyToken = "ghs_ReadOnlyToken0123456789abcdefABCDEF01";

    public const string ActionsBot = "github-actions[bot]";
    public const string AppBot = "bomax-ci-app[bot]";
    public const string TokenUser = "bomax-bot";
    public const int CommentBodyLimit = 65536;

    readonly HttpListener listener;
    readonly Task loop;
    readonly CancellationTokenSource stopping = new();
    readonly object gate = new();
    readonly List<Request> requests = [];
    readonly List<Comment> comments = [];
    readonly List<Scripted> scripted = [];
    readonly List<PullRequest> pullRequests = [];
    readonly Dictionary<string, Identity> identities = new(StringComparer.Ordinal)
    {
        [UserToken] = new(TokenUser, false, true),
        [ActionsToken] = new(ActionsBot, true, true),
        [AppToken] = new(AppBot, true, true),
        [ReadOnlyToken] = new(ActionsBot, true, false),
    };
    readonly Dictionary<string, int> used = new(StringComparer.Ordinal);
    long nextId = 900_000_001;

    public FakeGitHubServer(string owner = "octo-org", string repo = "llm-train", int issue = 42, string pathPrefix = "",
        long repositoryId = 771234567)
    {
        (Owner, Repo, Issue, PathPrefix, RepositoryId) = (owner, repo, issue, pathPrefix.TrimEnd('/'), repositoryId);
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                try { listener.Close(); } catch (HttpListenerException) { }
            }
        }
        ResetAt = DateTimeOffset.UtcNow.AddHours(1);
        loop = Task.Run(Serve);
    }

    public string Owner { get; }
    public string Repo { get; }
    public int Issue { get; }
    public string PathPrefix { get; }
    public long RepositoryId { get; }
    public int Port { get; }

    /// <summary>Requests each token may make before its rate limit is spent.</summary>
    public int RateLimit { get; set; } = 5000;

    /// <summary>When the rate limits reset (<c>X-RateLimit-Reset</c>).</summary>
    public DateTimeOffset ResetAt { get; set; }

    /// <summary><c>http://127.0.0.1:PORT</c>, no trailing slash.</summary>
    public string Root => $"http://127.0.0.1:{Port}";

    /// <summary>Root plus <see cref="PathPrefix"/>: what GITHUB_API_URL would be.</summary>
    public string ApiUrl => Root + PathPrefix;

    public IReadOnlyList<Request> Requests
    {
        get { lock (gate) return requests.ToList(); }
    }

    public IReadOnlyList<Comment> Comments
    {
        get { lock (gate) return comments.ToList(); }
    }

    /// <summary>Makes <paramref name="token"/> valid, as <paramref name="identity"/>.</summary>
    public void AddToken(string token, Identity identity)
    {
        lock (gate) identities[token] = identity;
    }

    /// <summary>Adds a pull request that <c>GET …/pulls/{n}</c> and <c>GET …/commits/{sha}/pulls</c> answer with.</summary>
    public void AddPullRequest(PullRequest pull)
    {
        lock (gate) pullRequests.Add(pull);
    }

    /// <summary>Adds a comment as if written earlier (by a bot when the login ends in [bot]); returns its id.</summary>
    public long Seed(string login, string body)
    {
        lock (gate)
        {
            var comment = new Comment(nextId++, login, body);
            comments.Add(comment);
            return comment.Id;
        }
    }

    /// <summary>
    /// Answers the next <paramref name="method"/> request whose path (after <see cref="PathPrefix"/>) starts with
    /// <paramref name="pathPrefix"/> with exactly this status, these headers and this body, once, instead of handling
    /// it (no token check). <c>{authorization}</c> in the body is replaced by the request's Authorization header, as a
    /// hostile or careless API might echo it. Scripted responses are used in the order enqueued.
    /// </summary>
    public void Enqueue(string method, string pathPrefix, int status, IReadOnlyDictionary<string, string>? headers = null, string body = "",
        Task? until = null)
    {
        lock (gate) scripted.Add(new Scripted(method, pathPrefix, status, headers ?? new Dictionary<string, string>(), body, until));
    }

    /// <summary>Scripted responses not yet used.</summary>
    public int PendingScripted
    {
        get { lock (gate) return scripted.Count; }
    }

    public void Dispose()
    {
        stopping.Cancel();
        // The managed HttpListener on Linux looks its endpoint up again to remove the prefix and can fail with
        // "Address already in use" when another test's listener now holds a port on the same address; the server
        // is gone either way, and teardown must not fail the test that used it.
        try { listener.Stop(); } catch (Exception e) when (e is ObjectDisposedException or HttpListenerException) { }
        try { listener.Close(); } catch (HttpListenerException) { }
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await Handle(context);
                }
                catch (Exception e)
                {
                    try { Write(context.Response, 500, new JsonObject { ["message"] = "fake server: " + e.Message }); }
                    catch (Exception) { }
                }
            });
        }
    }

    async Task Handle(HttpListenerContext context)
    {
        var http = context.Request;
        string body;
        using (var reader = new StreamReader(http.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        var path = http.Url!.AbsolutePath;
        var query = http.Url.Query.TrimStart('?');
        var authorization = http.Headers["Authorization"];
        lock (gate) requests.Add(new Request(http.HttpMethod, path, query, authorization, body));

        var response = context.Response;
        if (!path.StartsWith(PathPrefix + "/", StringComparison.Ordinal))
        {
            NotFound(response);
            return;
        }
        var route = path[PathPrefix.Length..];
        Scripted? script;
        lock (gate)
        {
            script = scripted.FirstOrDefault(r => r.Method == http.HttpMethod && route.StartsWith(r.PathPrefix, StringComparison.Ordinal));
            if (script is not null) scripted.Remove(script);
        }
        if (script is not null)
        {
            if (script.Until is { } until)
                try { await until.WaitAsync(stopping.Token); } catch (OperationCanceledException) { return; }
            WriteScripted(response, script with { Body = script.Body.Replace("{authorization}", authorization ?? "", StringComparison.Ordinal) });
            return;
        }

        // Authentication, then the token's rate limit, as GitHub checks them.
        var token = TokenOf(authorization);
        Identity? identity;
        lock (gate) identity = token is not null && identities.TryGetValue(token, out var known) ? known : null;
        if (identity is null)
        {
            Write(response, 401,
                new JsonObject { ["message"] = "Bad credentials", ["documentation_url"] = "https://docs.github.com/rest", ["status"] = "401" });
            return;
        }
        int count;
        bool spent;
        lock (gate)
        {
            if (DateTimeOffset.UtcNow >= ResetAt) { used.Clear(); ResetAt = DateTimeOffset.UtcNow.AddHours(1); }
            count = used.GetValueOrDefault(token!);
            spent = count >= RateLimit;
            if (!spent) used[token!] = ++count;
        }
        response.AddHeader("X-RateLimit-Limit", RateLimit.ToString(CultureInfo.InvariantCulture));
        response.AddHeader("X-RateLimit-Remaining", (RateLimit - count).ToString(CultureInfo.InvariantCulture));
        response.AddHeader("X-RateLimit-Used", count.ToString(CultureInfo.InvariantCulture));
        response.AddHeader("X-RateLimit-Reset", ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        response.AddHeader("X-RateLimit-Resource", "core");
        if (spent)
        {
            Write(response, 403, new JsonObject
            {
                ["message"] = $"API rate limit exceeded for installation ID {RepositoryId}.",
                ["documentation_url"] = "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
                ["status"] = "403",
            });
            return;
        }

        var issueComments = $"/repos/{Owner}/{Repo}/issues/{Issue}/comments";
        var byId = $"/repositories/{RepositoryId}/issues/{Issue}/comments";
        var commentById = $"/repos/{Owner}/{Repo}/issues/comments/";
        var pulls = $"/repos/{Owner}/{Repo}/pulls/";
        var commits = $"/repos/{Owner}/{Repo}/commits/";
        var write = http.HttpMethod is "POST" or "PATCH" or "DELETE";
        if (write && !identity.CanWrite)
        {
            Forbidden(response, "https://docs.github.com/rest/issues/comments");
            return;
        }

        if (http.HttpMethod == "GET" && route == "/user")
        {
            if (identity.IsBot) Forbidden(response, "https://docs.github.com/rest/users/users#get-the-authenticated-user");
            else Write(response, 200, User(identity.Login));
        }
        else if (http.HttpMethod == "GET" && (route == issueComments || route == byId))
            ListComments(response, http.QueryString);
        else if (http.HttpMethod == "POST" && route == issueComments)
        {
            var text = JsonNode.Parse(body)!["body"]!.GetValue<string>();
            if (text.Length > CommentBodyLimit)
            {
                Write(response, 422, new JsonObject
                {
                    ["message"] = "Validation Failed",
                    ["errors"] = new JsonArray(new JsonObject
                    {
                        ["resource"] = "IssueComment", ["code"] = "unprocessable", ["field"] = "data",
                        ["message"] = $"Body is too long (maximum is {CommentBodyLimit} characters)",
                    }),
                    ["documentation_url"] = "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
                    ["status"] = "422",
                });
                return;
            }
            Comment created;
            lock (gate)
            {
                created = new Comment(nextId++, identity.Login, text);
                comments.Add(created);
            }
            response.AddHeader("Location", $"{ApiUrl}{commentById}{created.Id}");
            Write(response, 201, Json(created));
        }
        else if (route.StartsWith(commentById, StringComparison.Ordinal)
                 && long.TryParse(route[commentById.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            lock (gate)
            {
                var index = comments.FindIndex(c => c.Id == id);
                if (index < 0) NotFound(response);
                else if (http.HttpMethod == "PATCH")
                {
                    var text = JsonNode.Parse(body)!["body"]!.GetValue<string>();
                    if (text.Length > CommentBodyLimit)
                        Write(response, 422, new JsonObject { ["message"] = "Validation Failed", ["status"] = "422" });
                    else
                    {
                        comments[index] = comments[index] with { Body = text };
                        Write(response, 200, Json(comments[index]));
                    }
                }
                else if (http.HttpMethod == "DELETE")
                {
                    comments.RemoveAt(index);
                    response.StatusCode = 204;
                    response.Close();
                }
                else if (http.HttpMethod == "GET") Write(response, 200, Json(comments[index]));
                else NotFound(response);
            }
        }
        else if (http.HttpMethod == "GET" && route.StartsWith(pulls, StringComparison.Ordinal)
                 && int.TryParse(route[pulls.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            PullRequest? pull;
            lock (gate) pull = pullRequests.FirstOrDefault(p => p.Number == number && (p.BaseRepository ?? $"{Owner}/{Repo}") == $"{Owner}/{Repo}");
            if (pull is null) NotFound(response);
            else Write(response, 200, Json(pull));
        }
        else if (http.HttpMethod == "GET" && route.StartsWith(commits, StringComparison.Ordinal)
            && route.EndsWith("/pulls", StringComparison.Ordinal))
        {
            var sha = route[commits.Length..^"/pulls".Length];
            List<PullRequest> found;
            lock (gate) found = pullRequests.Where(p => string.Equals(p.HeadSha, sha, StringComparison.OrdinalIgnoreCase)).ToList();
            Write(response, 200, new JsonArray(found.Select(p => (JsonNode)Json(p)).ToArray()));
        }
        else NotFound(response);
    }

    static string? TokenOf(string? authorization)
    {
        if (authorization is null) return null;
        var parts = authorization.Split(' ', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2 && parts[0].ToLowerInvariant() is "token" or "bearer" ? parts[1] : null;
    }

    void ListComments(HttpListenerResponse response, System.Collections.Specialized.NameValueCollection query)
    {
        var perPage = int.TryParse(query["per_page"], CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, 100) : 30;
        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var k) ? Math.Max(k, 1) : 1;
        List<Comment> all;
        lock (gate) all = comments.ToList();
        var last = Math.Max(1, (all.Count + perPage - 1) / perPage);
        // GitHub's own form: the repository by id, whichever address the first page was asked at.
        string Link(int n, string rel) => $"<{ApiUrl}/repositories/{RepositoryId}/issues/{Issue}/comments?per_page={perPage}&page={n}>; "
            + $"rel=\"{rel}\"";
        var links = new List<string>();
        if (page > 1) links.Add(Link(page - 1, "prev"));
        if (page < last) links.Add(Link(page + 1, "next"));
        if (page < last) links.Add(Link(last, "last"));
        if (page > 1) links.Add(Link(1, "first"));
        if (links.Count > 0) response.AddHeader("Link", string.Join(", ", links));
        var array = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(c => (JsonNode)Json(c)).ToArray());
        Write(response, 200, array);
    }

    JsonObject Json(Comment c) => new()
    {
        ["url"] = $"{ApiUrl}/repos/{Owner}/{Repo}/issues/comments/{c.Id}",
        ["html_url"] = $"https://github.com/{Owner}/{Repo}/pull/{Issue}#issuecomment-{c.Id}",
        ["issue_url"] = $"{ApiUrl}/repos/{Owner}/{Repo}/issues/{Issue}",
        ["id"] = c.Id,
        ["node_id"] = "IC_kwDOLkz3ms" + c.Id.ToString(CultureInfo.InvariantCulture),
        ["user"] = User(c.Login),
        ["created_at"] = "2025-03-04T17:48:10Z",
        ["updated_at"] = "2025-03-04T17:48:10Z",
        ["author_association"] = c.Login.EndsWith("[bot]", StringComparison.Ordinal) ? "NONE" : "MEMBER",
        ["body"] = c.Body,
        ["performed_via_github_app"] = null,
    };

    JsonObject Json(PullRequest p)
    {
        var baseRepository = p.BaseRepository ?? $"{Owner}/{Repo}";
        JsonObject Repository(string fullName) => new()
        {
            ["id"] = fullName == $"{Owner}/{Repo}" ? RepositoryId : Stable(fullName),
            ["name"] = fullName.Split('/')[1],
            ["full_name"] = fullName,
            ["url"] = $"{ApiUrl}/repos/{fullName}",
            ["html_url"] = $"https://github.com/{fullName}",
            ["fork"] = fullName != baseRepository,
            ["owner"] = User(fullName.Split('/')[0]),
        };
        return new JsonObject
        {
            ["url"] = $"{ApiUrl}/repos/{baseRepository}/pulls/{p.Number}",
            ["id"] = 2_000_000_000L + p.Number,
            ["html_url"] = $"https://github.com/{baseRepository}/pull/{p.Number}",
            ["number"] = p.Number,
            ["state"] = p.State,
            ["title"] = "Warm-up 0.01",
            ["user"] = User(p.HeadRepository.Split('/')[0]),
            ["head"] = new JsonObject
            {
                ["label"] = p.HeadRepository.Replace('/', ':'), ["ref"] = "patch-1", ["sha"] = p.HeadSha, ["repo"] = Repository(p.HeadRepository),
            },
            ["base"] = new JsonObject
            {
                ["label"] = baseRepository.Split('/')[0] + ":main", ["ref"] = "main", ["sha"] = "9049f1265b7d61be4a8904a9a27120d2064dab3b",
                ["repo"] = Repository(baseRepository),
            },
            ["created_at"] = "2025-03-04T17:00:00Z",
            ["updated_at"] = "2025-03-04T17:48:10Z",
        };
    }

    /// <summary>A user object; a login ending in [bot] is of type Bot (github-actions[bot] with its real id).</summary>
    static JsonObject User(string login)
    {
        var bot = login.EndsWith("[bot]", StringComparison.Ordinal);
        var id = login == ActionsBot ? 41898282 : Stable(login);
        return new JsonObject
        {
            ["login"] = login,
            ["id"] = id,
            ["node_id"] = "MDQ6VXNlcj" + id.ToString(CultureInfo.InvariantCulture),
            ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{id}?v=4",
            ["url"] = $"https://api.github.com/users/{Uri.EscapeDataString(login)}",
            ["html_url"] = $"https://github.com/{Uri.EscapeDataString(login)}",
            ["type"] = bot ? "Bot" : "User",
            ["site_admin"] = false,
        };
    }

    /// <summary>A stable id for a name (string.GetHashCode changes between processes).</summary>
    static long Stable(string name) => 1000 + name.Aggregate(17L, (h, c) => (h * 31 + c) % 9_000_000);

    static void NotFound(HttpListenerResponse response) => Write(response, 404, new JsonObject
    {
        ["message"] = "Not Found",
        ["documentation_url"] = "https://docs.github.com/rest",
        ["status"] = "404",
    });

    static void Forbidden(HttpListenerResponse response, string documentation) => Write(response, 403, new JsonObject
    {
        ["message"] = "Resource not accessible by integration",
        ["documentation_url"] = documentation,
        ["status"] = "403",
    });

    static void WriteScripted(HttpListenerResponse response, Scripted script)
    {
        var bytes = Encoding.UTF8.GetBytes(script.Body);
        response.StatusCode = script.Status;
        response.ContentType = "application/json; charset=utf-8";
        foreach (var (name, value) in script.Headers) response.AddHeader(name, value);
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    static void Write(HttpListenerResponse response, int status, JsonNode json)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.AddHeader("X-GitHub-Media-Type", "github.v3; format=json");
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) that answers the few GitHub REST calls the sticky comment makes,
/// for one repository's one issue, and records every request. Serves under <see cref="PathPrefix"/> (e.g.
/// <c>/api/v3</c> for a GitHub Enterprise layout); anything else is a 404, recorded too. Dispose stops it.
/// </summary>
internal sealed class FakeGitHubServer : IDisposable
{
    public sealed record Request(string Method, string Path, string Query, string? Authorization, string Body);

    public sealed record Comment(long Id, string Login, string Body);

    /// <summary>A response given once, before normal handling, to the next request whose method and path match.</summary>
    public sealed record Scripted(string Method, string PathPrefix, int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    readonly HttpListener listener;
    readonly Task loop;
    readonly object gate = new();
    readonly List<Request> requests = [];
    readonly List<Comment> comments = [];
    readonly List<Scripted> scripted = [];
    long nextId = 900_000_001;

    public FakeGitHubServer(string owner = "octo-org", string repo = "llm-train", int issue = 42, string pathPrefix = "")
    {
        (Owner, Repo, Issue, PathPrefix) = (owner, repo, issue, pathPrefix.TrimEnd('/'));
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
        loop = Task.Run(Serve);
    }

    public string Owner { get; }
    public string Repo { get; }
    public int Issue { get; }
    public string PathPrefix { get; }
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>, no trailing slash.</summary>
    public string Root => $"http://127.0.0.1:{Port}";

    /// <summary>Root plus <see cref="PathPrefix"/>: what GITHUB_API_URL would be.</summary>
    public string ApiUrl => Root + PathPrefix;

    /// <summary>The login <c>GET /user</c> answers; null answers 403 as GitHub does for an installation (App) token.</summary>
    public string? TokenOwnerLogin { get; set; } = "bomax-bot";

    public IReadOnlyList<Request> Requests
    {
        get { lock (gate) return requests.ToList(); }
    }

    public IReadOnlyList<Comment> Comments
    {
        get { lock (gate) return comments.ToList(); }
    }

    /// <summary>Adds a comment as if written earlier; returns its id.</summary>
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
    /// it. Scripted responses are used in the order enqueued.
    /// </summary>
    public void Enqueue(string method, string pathPrefix, int status, IReadOnlyDictionary<string, string>? headers = null, string body = "")
    {
        lock (gate) scripted.Add(new Scripted(method, pathPrefix, status, headers ?? new Dictionary<string, string>(), body));
    }

    /// <summary>Scripted responses not yet used.</summary>
    public int PendingScripted
    {
        get { lock (gate) return scripted.Count; }
    }

    public void Dispose()
    {
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
            try
            {
                Handle(context);
            }
            catch (Exception e)
            {
                Write(context.Response, 500, new JsonObject { ["message"] = "fake server: " + e.Message });
            }
        }
    }

    void Handle(HttpListenerContext context)
    {
        var http = context.Request;
        string body;
        using (var reader = new StreamReader(http.InputStream, Encoding.UTF8)) body = reader.ReadToEnd();
        var path = http.Url!.AbsolutePath;
        var query = http.Url.Query.TrimStart('?');
        lock (gate) requests.Add(new Request(http.HttpMethod, path, query, http.Headers["Authorization"], body));

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
            WriteScripted(response, script);
            return;
        }
        var issueComments = $"/repos/{Owner}/{Repo}/issues/{Issue}/comments";
        var commentById = $"/repos/{Owner}/{Repo}/issues/comments/";

        if (http.HttpMethod == "GET" && route == "/user")
        {
            if (TokenOwnerLogin is null)
                Write(response, 403, new JsonObject
                {
                    ["message"] = "Resource not accessible by integration",
                    ["documentation_url"] = "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                    ["status"] = "403",
                });
            else
                Write(response, 200, User(TokenOwnerLogin));
        }
        else if (http.HttpMethod == "GET" && route == issueComments)
            ListComments(response, http.QueryString, issueComments);
        else if (http.HttpMethod == "POST" && route == issueComments)
        {
            var text = JsonNode.Parse(body)!["body"]!.GetValue<string>();
            Comment created;
            lock (gate)
            {
                created = new Comment(nextId++, TokenOwnerLogin ?? "github-actions[bot]", text);
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
                    comments[index] = comments[index] with { Body = JsonNode.Parse(body)!["body"]!.GetValue<string>() };
                    Write(response, 200, Json(comments[index]));
                }
                else if (http.HttpMethod == "DELETE")
                {
                    comments.RemoveAt(index);
                    response.StatusCode = 204;
                    response.Close();
                }
                else NotFound(response);
            }
        }
        else NotFound(response);
    }

    void ListComments(HttpListenerResponse response, System.Collections.Specialized.NameValueCollection query, string route)
    {
        var perPage = int.TryParse(query["per_page"], CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, 100) : 30;
        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var k) ? Math.Max(k, 1) : 1;
        List<Comment> all;
        lock (gate) all = comments.ToList();
        var last = Math.Max(1, (all.Count + perPage - 1) / perPage);
        string Link(int n, string rel) => $"<{ApiUrl}{route}?per_page={perPage}&page={n}>; rel=\"{rel}\"";
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

    static JsonObject User(string login)
    {
        var bot = login.EndsWith("[bot]", StringComparison.Ordinal);
        var id = bot ? 41898282 : 1000 + Math.Abs(login.GetHashCode() % 100000);
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

    static void NotFound(HttpListenerResponse response) => Write(response, 404, new JsonObject
    {
        ["message"] = "Not Found",
        ["documentation_url"] = "https://docs.github.com/rest",
        ["status"] = "404",
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
        response.AddHeader("X-RateLimit-Limit", "5000");
        response.AddHeader("X-RateLimit-Remaining", "4990");
        response.AddHeader("X-RateLimit-Reset", "1741110000");
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }
}

using System.Text.Json;

namespace Bomax.Cli.GitHub;

/// <summary>Which pull request an event is about: its number, or the head commit to look it up by, or neither.</summary>
/// <param name="Number">The pull request's number, when the payload names one in this repository.</param>
/// <param name="HeadSha">For a <c>workflow_run</c> of a pull request that the payload does not list (a fork's): the
/// commit the run evaluated, whose open pull request <c>GET /repos/{owner}/{repo}/commits/{sha}/pulls</c> finds.</param>
internal sealed record PullRequestTarget(int? Number, string? HeadSha)
{
    public static PullRequestTarget None { get; } = new(null, null);

    public bool IsNone => Number is null && HeadSha is null;
}

/// <summary>Which pull request, if any, the event that started the workflow is about (from GITHUB_EVENT_PATH's payload).</summary>
internal static class PullRequestEvent
{
    /// <summary>
    /// <c>pull_request</c>, <c>pull_request_target</c>: <c>pull_request.number</c>; <c>issue_comment</c>:
    /// <c>issue.number</c> when the issue is a pull request (<c>issue.pull_request</c> present); <c>workflow_run</c>:
    /// the first of <c>workflow_run.pull_requests</c> whose base repository is this one (the payload's
    /// <c>repository</c>, by id, else <paramref name="repository"/> by its API address): GitHub also lists pull
    /// requests of other repositories that share the branch. When none is this repository's and the run was for a
    /// <c>pull_request</c> or <c>pull_request_target</c> event (a fork's run lists none), the run's <c>head_sha</c>
    /// to look the pull request up by. Any other event, or a payload that lacks the fields or is not JSON: none.
    /// </summary>
    /// <param name="repository">owner/name of this repository (GITHUB_REPOSITORY), used when the payload has no repository id.</param>
    public static PullRequestTarget Target(string eventName, string eventJson, string? repository = null)
    {
        try
        {
            using var document = JsonDocument.Parse(eventJson);
            var root = document.RootElement;
            return eventName switch
            {
                "pull_request" or "pull_request_target" => new(Number(Child(root, "pull_request")), null),
                "issue_comment" => new(Child(Child(root, "issue"), "pull_request") is not null ? Number(Child(root, "issue")) : null, null),
                "workflow_run" => WorkflowRun(root, repository),
                _ => PullRequestTarget.None,
            };
        }
        catch (JsonException)
        {
            return PullRequestTarget.None;
        }
    }

    /// <summary>The number <see cref="Target"/> finds in the payload alone (no look-up), or null.</summary>
    public static int? PullRequestNumber(string eventName, string eventJson, string? repository = null) =>
        Target(eventName, eventJson, repository).Number;

    /// <summary>Reads the payload file; none when the event name or path is unset or the file is missing.</summary>
    public static PullRequestTarget FromEventFile(string? eventName, string? eventPath, string? repository = null)
    {
        if (string.IsNullOrEmpty(eventName) || string.IsNullOrEmpty(eventPath) || !File.Exists(eventPath)) return PullRequestTarget.None;
        return Target(eventName, File.ReadAllText(eventPath), repository);
    }

    static PullRequestTarget WorkflowRun(JsonElement root, string? repository)
    {
        if (Child(root, "workflow_run") is not { } run) return PullRequestTarget.None;
        var repositoryId = Child(Child(root, "repository"), "id") is { ValueKind: JsonValueKind.Number } id && id.TryGetInt64(out var value)
            ? value
            : (long?)null;
        var fullName = Child(Child(root, "repository"), "full_name") is { ValueKind: JsonValueKind.String } name ? name.GetString() : repository;
        if (Child(run, "pull_requests") is { ValueKind: JsonValueKind.Array } pulls)
            foreach (var pull in pulls.EnumerateArray())
                if (IsThisRepository(Child(Child(pull, "base"), "repo"), repositoryId, fullName) && Number(pull) is int number)
                    return new(number, null);
        var triggeredBy = Child(run, "event") is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;
        var sha = Child(run, "head_sha") is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
        return triggeredBy is "pull_request" or "pull_request_target" && sha is { Length: 40 } && sha.All(char.IsAsciiHexDigit)
            ? new(null, sha)
            : PullRequestTarget.None;
    }

    /// <summary>By id when both sides have one; else by the repository's API address, …/repos/OWNER/NAME.</summary>
    static bool IsThisRepository(JsonElement? baseRepo, long? repositoryId, string? fullName)
    {
        if (baseRepo is null) return false;
        if (repositoryId is long expected && Child(baseRepo, "id") is { ValueKind: JsonValueKind.Number } id && id.TryGetInt64(out var actual))
            return actual == expected;
        return fullName is { Length: > 0 }
               && Child(baseRepo, "url") is { ValueKind: JsonValueKind.String } url
               && (url.GetString() ?? "").EndsWith("/repos/" + fullName, StringComparison.OrdinalIgnoreCase);
    }

    static JsonElement? Child(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var child) && child.ValueKind is not JsonValueKind.Null
            ? child
            : null;

    static int? Number(JsonElement? element) =>
        Child(element, "number") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var number) && number > 0 ? number : null;
}

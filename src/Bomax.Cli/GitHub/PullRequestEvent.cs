using System.Text.Json;

namespace Bomax.Cli.GitHub;

/// <summary>Which pull request, if any, the event that started the workflow is about (from GITHUB_EVENT_PATH's payload).</summary>
internal static class PullRequestEvent
{
    /// <summary>
    /// <c>pull_request</c>, <c>pull_request_target</c>: <c>pull_request.number</c>; <c>issue_comment</c>:
    /// <c>issue.number</c> when the issue is a pull request (<c>issue.pull_request</c> present); <c>workflow_run</c>:
    /// <c>workflow_run.pull_requests[0].number</c> (empty for runs from forks); any other event, or a payload that
    /// lacks the field or is not JSON: null.
    /// </summary>
    public static int? PullRequestNumber(string eventName, string eventJson)
    {
        try
        {
            using var document = JsonDocument.Parse(eventJson);
            var root = document.RootElement;
            return eventName switch
            {
                "pull_request" or "pull_request_target" => Number(Child(root, "pull_request")),
                "issue_comment" => Child(Child(root, "issue"), "pull_request") is not null ? Number(Child(root, "issue")) : null,
                "workflow_run" => Child(root, "workflow_run") is { } run
                    && Child(run, "pull_requests") is { ValueKind: JsonValueKind.Array } prs && prs.GetArrayLength() > 0
                        ? Number(prs[0])
                        : null,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads the payload file; null when the event name or path is unset or the file is missing.</summary>
    public static int? FromEventFile(string? eventName, string? eventPath)
    {
        if (string.IsNullOrEmpty(eventName) || string.IsNullOrEmpty(eventPath) || !File.Exists(eventPath)) return null;
        return PullRequestNumber(eventName, File.ReadAllText(eventPath));
    }

    static JsonElement? Child(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var child) && child.ValueKind is not JsonValueKind.Null
            ? child
            : null;

    static int? Number(JsonElement? element) =>
        Child(element, "number") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var number) && number > 0 ? number : null;
}

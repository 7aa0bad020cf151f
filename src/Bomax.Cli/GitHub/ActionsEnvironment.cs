using System.Collections;
using System.Globalization;
using System.Text;

namespace Bomax.Cli.GitHub;

/// <summary>
/// What GitHub Actions tells a step through its environment, read once. Built from a dictionary so tests pass
/// their own; <see cref="FromProcess"/> reads the real one. <see cref="ToString"/> never shows the token.
/// </summary>
internal sealed record ActionsEnvironment(
    bool IsActions,
    string? OutputPath,
    string? StepSummaryPath,
    string? EventName,
    string? EventPath,
    string? Repository,
    string ApiUrl,
    string? Token)
{
    public const string DefaultApiUrl = "https://api.github.com";

    /// <param name="environment">Variable name to value; a missing, null or empty value counts as unset.</param>
    /// <param name="tokenOption">The explicit token option (e.g. <c>--github-token</c>); wins over GITHUB_TOKEN when non-empty.</param>
    public static ActionsEnvironment From(IReadOnlyDictionary<string, string?> environment, string? tokenOption = null)
    {
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
        return new ActionsEnvironment(
            IsActions: Get("GITHUB_ACTIONS") == "true",
            OutputPath: Get("GITHUB_OUTPUT"),
            StepSummaryPath: Get("GITHUB_STEP_SUMMARY"),
            EventName: Get("GITHUB_EVENT_NAME"),
            EventPath: Get("GITHUB_EVENT_PATH"),
            Repository: Get("GITHUB_REPOSITORY"),
            ApiUrl: Get("GITHUB_API_URL") ?? DefaultApiUrl,
            Token: string.IsNullOrEmpty(tokenOption) ? Get("GITHUB_TOKEN") : tokenOption);
    }

    /// <summary>Reads the current process's environment.</summary>
    public static ActionsEnvironment FromProcess(string? tokenOption = null)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            variables[(string)entry.Key] = entry.Value as string;
        return From(variables, tokenOption);
    }

    /// <summary>Splits <see cref="Repository"/> ("owner/name"); false when it is unset or malformed.</summary>
    public bool TryGetRepository(out string owner, out string name)
    {
        owner = name = "";
        var parts = Repository?.Split('/');
        if (parts is not { Length: 2 } || parts[0].Length == 0 || parts[1].Length == 0) return false;
        (owner, name) = (parts[0], parts[1]);
        return true;
    }

    /// <summary>Every member but the token, which shows only as set or not.</summary>
    bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"IsActions = {IsActions}, OutputPath = {OutputPath}, StepSummaryPath = {StepSummaryPath}, ");
        builder.Append(CultureInfo.InvariantCulture, $"EventName = {EventName}, EventPath = {EventPath}, Repository = {Repository}, "
            + $"ApiUrl = {ApiUrl}, ");
        builder.Append(Token is null ? "Token = (none)" : "Token = ***");
        return true;
    }
}

using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.GitHub;

public sealed class ActionsEnvironmentTests
{
    static readonly Dictionary<string, string?> Actions = new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_OUTPUT"] = "/home/runner/work/_temp/_runner_file_commands/set_output_1f2e",
        ["GITHUB_STEP_SUMMARY"] = "/home/runner/work/_temp/_runner_file_commands/step_summary_1f2e",
        ["GITHUB_EVENT_NAME"] = "pull_request",
        ["GITHUB_EVENT_PATH"] = "/home/runner/work/_temp/_github_workflow/event.json",
        ["GITHUB_REPOSITORY"] = "octo-org/llm-train",
        ["GITHUB_API_URL"] = "https://ghe.example.com/api/v3",
        ["GITHUB_TOKEN"] = "ghs_fromEnvironment",
    };

    [Fact]
    public void Reads_every_variable()
    {
        var env = ActionsEnvironment.From(Actions);

        Assert.Equal(new ActionsEnvironment(
            true,
            "/home/runner/work/_temp/_runner_file_commands/set_output_1f2e",
            "/home/runner/work/_temp/_runner_file_commands/step_summary_1f2e",
            "pull_request",
            "/home/runner/work/_temp/_github_workflow/event.json",
            "octo-org/llm-train",
            "https://ghe.example.com/api/v3",
            "ghs_fromEnvironment"), env);
        Assert.True(env.TryGetRepository(out var owner, out var name));
        Assert.Equal(("octo-org", "llm-train"), (owner, name));
    }

    [Fact]
    public void Outside_actions_everything_is_unset_and_the_api_is_github_com()
    {
        var env = ActionsEnvironment.From(new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "false", ["GITHUB_API_URL"] = "" });

        Assert.False(env.IsActions);
        Assert.Null(env.OutputPath);
        Assert.Null(env.Token);
        Assert.Equal("https://api.github.com", env.ApiUrl);
        Assert.False(env.TryGetRepository(out _, out _));
    }

    [Theory]
    [InlineData("ghp_explicit", "ghp_explicit")]
    [InlineData(null, "ghs_fromEnvironment")]
    [InlineData("", "ghs_fromEnvironment")]
    public void An_explicit_token_wins_over_GITHUB_TOKEN(string? option, string expected) =>
        Assert.Equal(expected, ActionsEnvironment.From(Actions, option).Token);

    [Fact]
    public void ToString_never_shows_the_token()
    {
        var text = ActionsEnvironment.From(Actions, "ghp_secretValue").ToString();

        Assert.DoesNotContain("ghp_secretValue", text);
        Assert.Contains("Token = ***", text);
        Assert.Contains("octo-org/llm-train", text);
    }

    [Theory]
    [InlineData("octo-org")]
    [InlineData("octo-org/")]
    [InlineData("a/b/c")]
    public void A_malformed_repository_is_not_split(string repository) =>
        Assert.False(ActionsEnvironment.From(new Dictionary<string, string?> { ["GITHUB_REPOSITORY"] = repository }).TryGetRepository(out _, out _));
}

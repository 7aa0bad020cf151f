using System.Text.Json;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>A study evaluated once (12 pairs of 8 checkpoints × 3 benchmarks); each test reports it again in a copy of its folder.</summary>
public sealed class EvaluatedStudy : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("bomax-hostile-study-").FullName;

    public EvaluatedStudy()
    {
        var script = Path.Combine(Directory, "eval.sh");
        File.WriteAllText(script, "#!/usr/bin/env bash\nstep=${BOMAX_STEP}\n"
            + "echo \"score: $(awk -v s=$step -v b=${#2} 'BEGIN { d = (s - 500) / 300; print 0.8 - 0.3 * d * d + b / 1000 }')\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(Directory, "study.yml"), """
            study: pr-study
            checkpoints:
              list: [ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600, ckpt-700, ckpt-800]
            benchmarks: [a, bb, ccc]
            eval:
              command: ./eval.sh {checkpoint} {benchmark}
              parallel: 2
            budget: { max-evals: 12 }
            journal: journal.jsonl
            """);
        var run = BomaxProcess.Run(Directory, TimeSpan.FromMinutes(3), ["run", "study.yml"], e =>
        {
            foreach (var name in e.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal)).ToList()) e.Remove(name);
        });
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// <c>bomax report</c> as a process against a hostile local API (real Octokit): whatever the API answers, and whatever
/// it echoes back, the token is in no output — stdout, stderr, the report files, the step summary, the step outputs —
/// in and out of Actions, the step succeeds, and under Actions the outputs are written.
/// </summary>
public sealed class HostileRunTests : IClassFixture<EvaluatedStudy>, IDisposable
{
    const string Token = "ghs_HostileRunToken0123456789abcdefABCDEF";
    const string Comments = "/repos/octo-org/llm-train/issues/42/comments";
    readonly string directory = Directory.CreateTempSubdirectory("bomax-hostile-").FullName;
    readonly FakeGitHubServer github = new();

    public HostileRunTests(EvaluatedStudy study)
    {
        foreach (var file in Directory.GetFiles(study.Directory)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        github.AddToken(Token, new FakeGitHubServer.Identity(FakeGitHubServer.ActionsBot, IsBot: true, CanWrite: true));
        File.WriteAllText(Path.Combine(directory, "event.json"), """{"action": "synchronize", "number": 42, "pull_request": {"number": 42, "state": "open"}}""");
    }

    public void Dispose()
    {
        github.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    string OutputFile => Path.Combine(directory, "output.txt");
    string SummaryFile => Path.Combine(directory, "summary.md");

    BomaxResult Report(bool actions, string? apiUrl = null, string spec = "study.yml") =>
        BomaxProcess.Run(directory, TimeSpan.FromMinutes(2),
            actions ? ["report", spec] : ["report", spec, "--repo", "octo-org/llm-train", "--pr", "42", "--github-token", Token],
            environment =>
            {
                foreach (var name in environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal)).ToList())
                    environment.Remove(name);
                environment["GITHUB_API_URL"] = apiUrl ?? github.ApiUrl;
                if (!actions) return;
                environment["GITHUB_ACTIONS"] = "true";
                environment["GITHUB_OUTPUT"] = OutputFile;
                environment["GITHUB_STEP_SUMMARY"] = SummaryFile;
                environment["GITHUB_EVENT_NAME"] = "pull_request";
                environment["GITHUB_EVENT_PATH"] = Path.Combine(directory, "event.json");
                environment["GITHUB_REPOSITORY"] = "octo-org/llm-train";
                environment["GITHUB_TOKEN"] = Token;
            });

    static string Json(object value) => JsonSerializer.Serialize(value);

    public static TheoryData<string, string, int, string, bool> Answers()
    {
        var data = new TheoryData<string, string, int, string, bool>();
        foreach (var actions in new[] { true, false })
        {
            data.Add("GET", Comments, 401,
                Json(new { message = "Bad credentials: {authorization}", request = new { headers = new { Authorization = "{authorization}" } } }),
                actions);
            data.Add("POST", Comments, 422, Json(new
            {
                message = "Validation Failed for Authorization: {authorization}",
                errors = new[] { new { resource = "IssueComment", code = "custom", message = "sent with {authorization}" } },
            }), actions);
            data.Add("POST", Comments, 500, Json(new { message = "Internal Server Error while handling Authorization: {authorization}" }), actions);
            data.Add("GET", Comments, 403, Json(new
            {
                message = "API rate limit exceeded for {authorization}.",
                documentation_url = "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
            }), actions);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void The_token_is_in_no_output_when_an_error_body_echoes_it(string method, string path, int status, string body, bool actions)
    {
        var headers = new Dictionary<string, string>();
        if (status == 403)
        {
            headers["X-RateLimit-Remaining"] = "0";
            headers["X-RateLimit-Reset"] =
                DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        github.Enqueue(method, path, status, headers, body);

        var report = Report(actions);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal(0, github.PendingScripted); // the hostile answer was given…
        var warning = $"could not comment on pull request #42: GitHub answered {status}";
        Assert.Contains(warning, actions ? report.Stdout : report.Stderr); // …and said so
        var stdout = report.Stdout.Split('\n').Where(l => l != $"::add-mask::{Token}");
        Assert.DoesNotContain(Token, string.Join("\n", stdout));
        Assert.DoesNotContain(Token, report.Stderr);
        Assert.DoesNotContain("ghs_", report.Stdout.Replace($"::add-mask::{Token}", "", StringComparison.Ordinal) + report.Stderr);
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
            Assert.False(File.ReadAllText(file).Contains(Token, StringComparison.Ordinal), $"{file} holds the token");
        if (actions) Assert.Contains("checkpoint=ckpt-500", File.ReadAllText(OutputFile));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Invalid_json_from_the_api_is_a_warning_exit_0_and_the_outputs_are_written(bool actions)
    {
        github.Enqueue("GET", Comments, 200, null, "[{\"id\": 1, \"body\": ");

        var report = Report(actions);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("could not comment on pull request #42", actions ? report.Stdout : report.Stderr);
        if (actions)
        {
            Assert.Contains("::warning::could not comment on pull request #42", report.Stdout);
            var outputs = File.ReadAllText(OutputFile);
            Assert.Contains("checkpoint=ckpt-500", outputs);
            Assert.Contains("report-path=", outputs);
        }
        Assert.DoesNotContain("Unhandled exception", report.Stderr);
    }

    [Fact]
    public void An_api_url_that_is_no_url_is_a_warning_exit_0_and_the_outputs_are_written()
    {
        var report = Report(actions: true, apiUrl: "not a url");

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("::warning::could not comment on pull request #42: GITHUB_API_URL 'not a url' is not an http(s) address", report.Stdout);
        Assert.Contains("checkpoint=ckpt-500", File.ReadAllText(OutputFile));
    }

    [Fact]
    public void A_redirect_to_another_port_gets_no_credentials_and_the_step_still_succeeds()
    {
        using var elsewhere = new FakeGitHubServer();
        github.Enqueue("GET", Comments, 307, new Dictionary<string, string> { ["Location"] = elsewhere.Root + Comments });

        var report = Report(actions: true);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Empty(elsewhere.Requests);
        Assert.Contains("with a redirect to " + elsewhere.Root + ", another origin; not followed", report.Stdout);
        Assert.Contains("checkpoint=ckpt-500", File.ReadAllText(OutputFile));
    }

    [Fact]
    public void An_app_token_updates_its_own_comment_on_the_second_run()
    {
        github.AddToken(FakeGitHubServer.AppToken, new FakeGitHubServer.Identity(FakeGitHubServer.AppBot, IsBot: true, CanWrite: true));
        github.Seed("mallory", "<!-- bomax:study=pr-study -->\nplanted"); // a user's copy of the marker is never taken

        BomaxResult Run() => BomaxProcess.Run(directory, TimeSpan.FromMinutes(2),
            ["report", "study.yml", "--repo", "octo-org/llm-train", "--pr", "42", "--github-token", FakeGitHubServer.AppToken, "--comment", "upsert"],
            e =>
            {
                foreach (var name in e.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal)).ToList()) e.Remove(name);
                e["GITHUB_API_URL"] = github.ApiUrl;
            });
        var first = Run();
        var record = BomaxProcess.Run(directory, TimeSpan.FromMinutes(1),
            ["record", "study.yml", "--checkpoint", "ckpt-800", "--benchmark", "a", "--score", "0.99", "--replace"]);
        Assert.True(record.ExitCode == 0, record.ToString()); // a new score: the next report differs
        var second = Run();

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Contains("comment created", first.Stderr);
        Assert.Contains("comment updated", second.Stderr);
        Assert.Single(github.Comments, c => c.Login == FakeGitHubServer.AppBot);
        Assert.Equal("<!-- bomax:study=pr-study -->\nplanted", github.Comments.Single(c => c.Login == "mallory").Body);
        Assert.DoesNotContain(github.Requests, r => r.Path == "/user");
    }

    [Fact]
    public void A_checkpoint_named_to_inject_a_workflow_command_yields_none()
    {
        File.WriteAllText(Path.Combine(directory, "hostile.yml"), """
            study: hostile
            checkpoints:
              list: [ckpt-100, ckpt-300, "ckpt-500\n::error::INJECTED \e[31mred\e[0m ##[error]legacy 500", ckpt-700]
            benchmarks: [a, bb]
            eval:
              command: ./eval.sh {checkpoint} {benchmark}
            budget: { max-evals: 8 }
            journal: hostile.jsonl
            """);

        var run = BomaxProcess.Run(directory, TimeSpan.FromMinutes(2), ["run", "hostile.yml"], environment =>
        {
            foreach (var name in environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal)).ToList()) environment.Remove(name);
            environment["GITHUB_ACTIONS"] = "true";
            environment["GITHUB_OUTPUT"] = OutputFile;
        });

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = (run.Stdout + "\n" + run.Stderr).Split('\n').Select(l => l.TrimStart()).ToList();
        Assert.Contains(lines, l => l.StartsWith("selected: ckpt-500::error::INJECTED red", StringComparison.Ordinal)); // one line, escapes gone
        Assert.All(lines.Where(l => l.StartsWith("::", StringComparison.Ordinal)),
            l => Assert.Matches("^::(group|endgroup|notice title=Bomax.Ci)::", l));
        Assert.DoesNotContain(lines, l => l.Contains("##[", StringComparison.Ordinal) && !l.StartsWith("::notice", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', run.Stdout + run.Stderr);
    }
}

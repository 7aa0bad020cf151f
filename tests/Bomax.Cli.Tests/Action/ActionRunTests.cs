using System.Globalization;
using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.Action;

/// <summary>
/// The composite action's steps run in order with bash, as a runner runs them, against the fake GitHub API:
/// what the job would show (outputs, annotations, the sticky comment, the cache and the artifacts).
/// </summary>
public sealed class ActionRunTests : IDisposable
{
    readonly ActionHarness harness = new();

    public void Dispose() => harness.Dispose();

    static Dictionary<string, string> With(params (string Name, string Value)[] inputs) => inputs.ToDictionary(i => i.Name, i => i.Value);

    static string Describe(RunnerJob job) =>
        string.Join("\n", job.Steps.Select(s => $"[{s.Outcome}] {s.Name}")) + "\n--- log ---\n" + job.Log.ToString();

    static StepResult Step(RunnerJob job, string name) => job.Steps.Single(s => s.Name == name);

    [Fact]
    public void RunsTheStudyOnAPullRequestAndCommentsThePick()
    {
        harness.WriteStudy();
        var (success, outputs, job) = harness.RunAction(With(("spec", "bomax/study.yml")));
        Assert.True(success, Describe(job));

        Assert.Equal("ckpt-500", outputs["checkpoint"]);
        Assert.Equal("12", outputs["evaluations"]);
        var score = double.Parse(outputs["score"], CultureInfo.InvariantCulture);
        Assert.InRange(score, double.Parse(outputs["score-low"], CultureInfo.InvariantCulture),
            double.Parse(outputs["score-high"], CultureInfo.InvariantCulture));
        double probBest = double.Parse(outputs["prob-best"], CultureInfo.InvariantCulture);
        Assert.InRange(probBest, 0, 1);
        double shortfall = double.Parse(outputs["expected-shortfall"], CultureInfo.InvariantCulture);
        Assert.InRange(shortfall, 0, 0.1);
        Assert.Equal(probBest < 1, shortfall > 0); // only a sure best is expected to lose nothing
        Assert.Equal("0", outputs["held-out-check"]); // 12 evaluations: too few to check, and a workflow can tell
        Assert.True(File.Exists(outputs["report-path"]), outputs["report-path"]);
        Assert.Equal(Path.Combine(job.Workspace, "bomax", ".bomax", "pr-study.jsonl"), outputs["journal-path"]);
        Assert.Equal("", outputs["pending-pairs"]);

        // .NET was there, and the tool came from the cache: neither set-up nor build ran.
        Assert.Equal("skipped", Step(job, "Set up .NET").Outcome);
        Assert.Equal("skipped", Step(job, "Build the bomax tool").Outcome);
        Assert.Equal("skipped", Step(job, "Save the bomax tool").Outcome);

        // The sticky comment on PR 42 (from the payload), with the token the action passed.
        var comment = Assert.Single(harness.GitHub.Comments);
        Assert.StartsWith("<!-- bomax:study=pr-study -->", comment.Body);
        Assert.Equal(comment.Id.ToString(CultureInfo.InvariantCulture), outputs["comment-id"]);
        Assert.Equal($"Token {ActionHarness.Token}", harness.GitHub.Requests.First(r => r.Method == "POST").Authorization);
        Assert.Contains("::notice title=Bomax.Ci::pr-study: selected ckpt-500", job.Log.ToString());
        Assert.StartsWith("<!-- bomax:study=pr-study -->", job.Summary.ToString());

        // The journal went to the cache and, with the report, to an artifact.
        Assert.Contains(harness.Services.CacheKeys, k => k.StartsWith("bomax-journal-v1-pr-study-", StringComparison.Ordinal)
            && k.EndsWith("-7001-1-study", StringComparison.Ordinal));
        var artifact = harness.Services.ArtifactPath(harness.RunId, "bomax-pr-study");
        Assert.True(File.Exists(Path.Combine(artifact, "pr-study.jsonl")),
            string.Join(", ", Directory.GetFiles(artifact, "*", SearchOption.AllDirectories)));
        Assert.True(File.Exists(Path.Combine(artifact, "pr-study", "report.md")));
        Assert.True(File.Exists(Path.Combine(artifact, "pr-study", "report.html")));
    }

    [Fact]
    public void ARerunResumesFromTheCachedJournalInsteadOfEvaluatingAgain()
    {
        harness.WriteStudy();
        var first = harness.RunAction(With(("spec", "bomax/study.yml")));
        Assert.True(first.Success, Describe(first.Job));

        harness.RunAttempt = "2"; // "Re-run jobs": a fresh runner, the same pull request
        var second = harness.RunAction(With(("spec", "bomax/study.yml")));
        Assert.True(second.Success, Describe(second.Job));
        Assert.Contains("12 of 24 pairs evaluated (50.0%), 0 in this run", second.Job.Log.ToString());
        Assert.Equal(first.Outputs["checkpoint"], second.Outputs["checkpoint"]);
        Assert.Contains(harness.Services.Log, l => l.StartsWith("restore bomax-journal-v1-pr-study-", StringComparison.Ordinal)
            && l.Contains("-7001-1-study", StringComparison.Ordinal));
        Assert.Single(harness.GitHub.Comments); // the same sticky comment, left alone
    }

    [Fact]
    public void OnGitHubEnterpriseServerTheArtifactIsUploadedWithTheVersionItSupports()
    {
        harness.WriteStudy();
        harness.ServerUrl = "https://ghe.example.com";
        var (success, _, job) = harness.RunAction(With(("spec", "bomax/study.yml")));
        Assert.True(success, Describe(job));

        Assert.Equal("skipped", Step(job, "Upload the report and the journal").Outcome); // upload-artifact@v4: not on GHES
        Assert.Equal("success", Step(job, "Upload the report and the journal (GitHub Enterprise Server)").Outcome); // @v3
        Assert.True(File.Exists(Path.Combine(harness.Services.ArtifactPath(harness.RunId, "bomax-pr-study"), "pr-study.jsonl")));
    }

    [Theory]
    [InlineData("https://github.com")]
    [InlineData("https://octocorp.ghe.com")]
    public void OnGitHubComAndGheComTheArtifactUsesUploadArtifactV4(string serverUrl)
    {
        harness.WriteStudy();
        harness.ServerUrl = serverUrl;
        var (success, _, job) = harness.RunAction(With(("spec", "bomax/study.yml"), ("comment", "false")));
        Assert.True(success, Describe(job));

        Assert.Equal("success", Step(job, "Upload the report and the journal").Outcome);
        Assert.Equal("skipped", Step(job, "Upload the report and the journal (GitHub Enterprise Server)").Outcome);
    }

    [Fact]
    public void UploadArtifactFalseUploadsNothing()
    {
        harness.WriteStudy();
        var (success, outputs, job) = harness.RunAction(With(("spec", "bomax/study.yml"), ("upload-artifact", "false"), ("comment", "false")));
        Assert.True(success, Describe(job));

        Assert.Equal("ckpt-500", outputs["checkpoint"]);
        Assert.All(job.Steps.Where(s => s.Name.StartsWith("Upload", StringComparison.Ordinal)), s => Assert.Equal("skipped", s.Outcome));
        Assert.Empty(harness.Services.Artifacts(harness.RunId));
    }

    [Fact]
    public void ABudgetInputOverridesTheSpecAndCommentFalsePostsNothing()
    {
        harness.WriteStudy();
        var (success, outputs, job) = harness.RunAction(With(("spec", "bomax/study.yml"), ("budget", "9"), ("comment", "false"), ("device", "cpu"),
            ("journal-cache", "false")));
        Assert.True(success, Describe(job));
        Assert.Equal("9", outputs["evaluations"]);
        Assert.Empty(harness.GitHub.Requests);
        Assert.Equal("", outputs["comment-id"]);
        Assert.Equal("skipped", Step(job, "Restore the journal").Outcome);
        Assert.Equal("skipped", Step(job, "Save the journal").Outcome);
    }

    [Fact]
    public void BadInputsFailBeforeAnythingIsInstalledWithOneErrorEach()
    {
        harness.WriteStudy();
        var (success, _, job) = harness.RunAction(With(("spec", "bomax/missing.yml"), ("device", "gpu"), ("comment", "yes"), ("budget", "lots"),
            ("mode", "evaluate"), ("upload-artifact", "v4")));
        Assert.False(success);
        var check = Step(job, "Check the inputs");
        Assert.Equal("failure", check.Outcome);
        Assert.Contains("::error title=Bomax.Ci action::input 'device' is 'gpu': use auto, cpu or cuda", check.Log);
        Assert.Contains("::error title=Bomax.Ci action::input 'spec' is 'bomax/missing.yml', which is not a file in working-directory '.'",
            check.Log);
        Assert.Contains("::error title=Bomax.Ci action::input 'comment' is 'yes'", check.Log);
        Assert.Contains("::error title=Bomax.Ci action::input 'budget' is 'lots'", check.Log);
        Assert.Contains("::error title=Bomax.Ci action::input 'mode' is 'evaluate'", check.Log);
        Assert.Contains("::error title=Bomax.Ci action::input 'upload-artifact' is 'v4': use true", check.Log);
        Assert.Equal("success", job.Steps[0].Outcome); // the platform check comes first, and this runner is a supported one
        var after = job.Steps.SkipWhile(s => s.Name != "Check the inputs").Skip(1).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, s => Assert.Equal("skipped", s.Outcome)); // the always() steps see no journal path
        Assert.Empty(harness.GitHub.Requests);
    }

    [Fact]
    public void AnInputValueCannotInjectAWorkflowCommand()
    {
        harness.WriteStudy();
        var (success, _, job) = harness.RunAction(With(("spec", "bomax/study.yml"), ("device", "gpu\n::notice::injected")));
        Assert.False(success);
        Assert.DoesNotContain("\n::notice::injected", job.Log.ToString());
        Assert.Contains("input 'device' is 'gpu%0A::notice::injected'", job.Log.ToString());
    }

    [Fact]
    public void AMissingWorkingDirectoryIsAnInputError()
    {
        harness.WriteStudy();
        var (success, _, job) = harness.RunAction(With(("spec", "study.yml"), ("working-directory", "no/such/dir")));
        Assert.False(success);
        Assert.Contains("::error title=Bomax.Ci action::input 'working-directory' is 'no/such/dir', which is not a directory", job.Log.ToString());
    }

    [Fact]
    public void SuggestModeWritesPendingPairsForAMatrixAndEvaluatesNothing()
    {
        harness.WriteStudy();
        var (success, outputs, job) = harness.RunAction(With(("spec", "study.yml"), ("working-directory", "bomax"), ("mode", "suggest"),
            ("count", "5")));
        Assert.True(success, Describe(job));
        var pending = outputs["pending-pairs"];
        Assert.DoesNotContain(" ", pending);
        var pairs = JsonNode.Parse(pending)!.AsArray();
        Assert.Equal(5, pairs.Count);
        Assert.All(pairs, p => Assert.Equal(["checkpoint", "benchmark", "step", "checkpoint_path"], p!.AsObject().Select(kv => kv.Key)));
        Assert.Equal(5, pairs.Select(p => $"{p!["checkpoint"]}/{p["benchmark"]}").Distinct().Count());
        Assert.False(File.Exists(outputs["journal-path"]));
        Assert.Empty(harness.GitHub.Requests);
        Assert.Equal("skipped", Step(job, "Save the journal").Outcome);
        Assert.Equal("skipped", Step(job, "Upload the report and the journal").Outcome);
    }

    [Fact]
    public void WithoutACachedToolItSetsUpDotnetBuildsTheToolOnceAndCachesIt()
    {
        harness.WriteStudy();
        harness.Services.PrebuiltTool = null;
        // A stand-in dotnet on PATH: it lists an old SDK only, and its `publish` links the bomax the tests built
        // (a Release build with LibTorch takes minutes); everything else goes to the real dotnet.
        var stub = Directory.CreateDirectory(Path.Combine(harness.Root, "stub-dotnet")).FullName;
        var real = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "/usr/bin/env dotnet";
        File.WriteAllText(Path.Combine(stub, "dotnet"), $$"""
            #!/usr/bin/env bash
            case "$1" in
              --list-sdks) echo "8.0.404 [/usr/share/dotnet/sdk]" ;;
              publish)
                echo "dotnet $*" >> "{{stub}}/publish.log"
                while [ $# -gt 0 ]; do [ "$1" = --output ] && out=$2; shift; done
                mkdir -p "$out" && ln -s "{{AppContext.BaseDirectory.TrimEnd('/')}}"/* "$out"/ ;;
              *) exec {{real}} "$@" ;;
            esac
            """);
        ActionHarness.MakeExecutable(Path.Combine(stub, "dotnet"));
        var job = harness.NewRunner("study");
        job.PathEntries.Add(stub);

        var (success, outputs, _) = harness.RunAction(With(("spec", "bomax/study.yml"), ("comment", "false")), job);
        Assert.True(success, Describe(job));
        Assert.Equal("ckpt-500", outputs["checkpoint"]);
        Assert.Equal("success", Step(job, "Set up .NET").Outcome);
        Assert.Equal("success", Step(job, "Build the bomax tool").Outcome);
        Assert.Equal("success", Step(job, "Save the bomax tool").Outcome);
        var publish = Assert.Single(File.ReadAllLines(Path.Combine(stub, "publish.log")));
        Assert.Matches(
            $@"^dotnet publish {System.Text.RegularExpressions.Regex.Escape(ActionHarness.ActionDirectory)}/\.\./src/Bomax\.Cli/Bomax\.Cli\.csproj "
            + $@"--configuration Release --output {System.Text.RegularExpressions.Regex.Escape(job.RunnerTemp)}/bomax-tool-cpu "
            + $@"-p:BomaxTorchBackend=cpu$", publish);
        var toolKey = Assert.Single(harness.Services.CacheKeys, k => k.StartsWith("bomax-tool-", StringComparison.Ordinal));
        Assert.Matches("^bomax-tool-v1-Linux-X64-dotnet10.0.x-cpu-[0-9a-f]{32}$", toolKey);

        // The same job uses the action again (say, a report after the run): nothing is built twice.
        var again = harness.Steps.RunAction(job, With(("spec", "bomax/study.yml"), ("comment", "false"), ("mode", "report")));
        Assert.True(again.Success, Describe(job));
        Assert.Single(File.ReadAllLines(Path.Combine(stub, "publish.log")));
        Assert.Single(harness.Services.CacheKeys, k => k.StartsWith("bomax-tool-", StringComparison.Ordinal));
    }

    [Fact]
    public void ASpecErrorFailsTheJobWithAnAnnotationAtItsLine()
    {
        harness.WriteStudy();
        var spec = Path.Combine(harness.Consumer, "bomax", "study.yml");
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("parallel: 2", "paralel: 2", StringComparison.Ordinal));
        var (success, _, job) = harness.RunAction(With(("spec", "study.yml"), ("working-directory", "bomax")));
        Assert.False(success);
        var paths = Step(job, "Find the study's journal and reports");
        Assert.Equal("failure", paths.Outcome);
        // The path relative to the workspace, as GitHub needs it to annotate the file in the pull request.
        Assert.Contains("::error file=bomax/study.yml,line=7,col=3,title=bomax spec::eval.paralel: unknown key 'paralel'", paths.Log);
        Assert.Equal("skipped", Step(job, "Run the study").Outcome);
        Assert.Equal("skipped", Step(job, "Save the journal").Outcome); // no journal path: nothing to save or upload
        Assert.Empty(harness.GitHub.Requests);
    }

    [Fact]
    public void SuggestingMoreThanAMatrixCanRunIsCappedWithAWarning()
    {
        harness.WriteStudy(budget: 24);
        var (success, outputs, job) = harness.RunAction(With(("spec", "bomax/study.yml"), ("mode", "suggest"), ("count", "300")));
        Assert.True(success, Describe(job));
        Assert.Contains("::warning::--count 300 is more than the 256 jobs GitHub runs from one matrix", job.Log.ToString());
        Assert.InRange(JsonNode.Parse(outputs["pending-pairs"])!.AsArray().Count, 1, 24);
    }
}

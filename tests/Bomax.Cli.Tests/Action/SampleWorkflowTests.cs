using System.Globalization;
using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.Action;

/// <summary>
/// The sample workflows under samples/github, run job by job as GitHub would schedule them (matrix jobs each on
/// a fresh runner, artifacts and the cache between them), with the action they use and the sample study.
/// </summary>
public sealed class SampleWorkflowTests : IDisposable
{
    readonly ActionHarness harness = new();

    public SampleWorkflowTests() => harness.CopyIntoConsumer("samples/github/bomax", "bomax");

    public void Dispose() => harness.Dispose();

    static string Describe(JobOutcome job) =>
        string.Join("\n", job.Runs.Select(r => string.Join("\n", r.Steps.Select(s => $"[{s.Outcome}] {s.Name}")) + "\n--- log ---\n" + r.Log));

    static void Succeeded(Dictionary<string, JobOutcome> jobs, params string[] ids)
    {
        foreach (var id in ids) Assert.True(jobs[id].Result == "success", $"job {id}: {jobs[id].Result}\n{Describe(jobs[id])}");
    }

    /// <summary>The outputs of the step with id <paramref name="id"/> in a job's (only or last) run.</summary>
    static IReadOnlyDictionary<string, string> StepOutputs(JobOutcome job, string id) => job.Runs[^1].Steps.Last(s => s.Id == id).Outputs;

    [Fact]
    public void TheSingleJobStudyCommentsThePickOnThePullRequest()
    {
        var jobs = harness.RunWorkflow("samples/github/study-on-pull-request.yml");
        Succeeded(jobs, "study");
        Assert.Contains("selected ckpt-500 with P(best) ", jobs["study"].Runs[0].Log.ToString());
        Assert.StartsWith("<!-- bomax:study=sample -->", Assert.Single(harness.GitHub.Comments).Body);
    }

    [Fact]
    public void FanOutEvaluatesEachPairInItsOwnJobMergesTheFragmentsAndResumesNextRound()
    {
        harness.UseEvent("workflow_dispatch", """{"ref": "refs/heads/main", "inputs": {}, "repository": {"full_name": "octo-org/llm-train"}}""");
        var seen = new HashSet<string>();
        for (int round = 1; round <= 2; round++)
        {
            harness.RunId = (8000 + round).ToString(CultureInfo.InvariantCulture);
            var jobs = harness.RunWorkflow("samples/github/fan-out.yml");
            Succeeded(jobs, "plan", "evaluate", "report");

            var pairs = JsonNode.Parse(jobs["plan"].Outputs["pending-pairs"])!.AsArray();
            Assert.Equal(6, pairs.Count);
            foreach (var pair in pairs) Assert.True(seen.Add($"{pair!["checkpoint"]}×{pair["benchmark"]}"), $"round {round} suggested {pair} again");
            Assert.Equal(6, jobs["evaluate"].Runs.Count); // one runner per pair
            Assert.Equal(Enumerable.Range(0, 6).Select(i => $"bomax-fragment-{i}").Concat(["bomax-sample"]).Order(),
                harness.Services.Artifacts(harness.RunId));
            var fragment = File.ReadAllLines(Path.Combine(harness.Services.ArtifactPath(harness.RunId, "bomax-fragment-0"), "sample.jsonl"));
            Assert.Single(fragment, l => l.Contains("\"evaluation\"", StringComparison.Ordinal)); // a fragment holds its own pair only

            var report = StepOutputs(jobs["report"], "bomax");
            Assert.Equal((6 * round).ToString(CultureInfo.InvariantCulture), report["evaluations"]);
            if (round == 2) Assert.Equal("ckpt-500", report["checkpoint"]);
        }

        // The budget (12) is spent: the next round plans nothing and runs nothing else.
        harness.RunId = "8003";
        var last = harness.RunWorkflow("samples/github/fan-out.yml");
        Succeeded(last, "plan");
        Assert.Equal("[]", last["plan"].Outputs["pending-pairs"]);
        Assert.Equal("skipped", last["evaluate"].Result);
        Assert.Equal("skipped", last["report"].Result);
        Assert.Empty(harness.GitHub.Requests); // no pull request, no comment
    }

    const string EvaluatedSha = "1f2e3d4c5b6a798897a6b5c4d3e2f1a0b9c8d7e6"; // workflow_run.fork.json's head_sha

    Dictionary<string, JobOutcome> EvaluateThenComment(string headOfPullRequest)
    {
        harness.RunId = "13612399999"; // the id workflow_run.fork.json names
        var evaluate = harness.RunWorkflow("samples/github/fork-safe-evaluate.yml");
        Succeeded(evaluate, "study");
        Assert.Empty(harness.GitHub.Requests); // read-only phase: not one call to the API
        Assert.Equal("42", File.ReadAllText(Path.Combine(harness.Services.ArtifactPath(harness.RunId, "bomax-pr"), "pr-number")).Trim());

        harness.EventName = "workflow_run";
        harness.EventPath = harness.Fixture("workflow_run.fork.json"); // pull_requests is empty for a fork
        harness.RunId = "13612400001";
        harness.GitHub.Enqueue("GET", $"/repos/{harness.GitHub.Owner}/{harness.GitHub.Repo}/pulls/42", 200,
            new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            "{\"number\": 42, \"head\": {\"sha\": \"" + headOfPullRequest + "\"}}");
        return harness.RunWorkflow("samples/github/fork-safe-comment.yml");
    }

    [Fact]
    public void ForkSafeFlowEvaluatesReadOnlyAndCommentsFromTheBaseRepositoryWithoutEvaluating()
    {
        var comment = EvaluateThenComment(EvaluatedSha);
        Succeeded(comment, "comment");
        var log = comment["comment"].Runs[0].Log.ToString();
        Assert.DoesNotContain("round 1:", log); // bomax report only: nothing evaluated in the base repository
        Assert.StartsWith("<!-- bomax:study=sample -->", Assert.Single(harness.GitHub.Comments).Body);
        Assert.Equal($"/repos/{harness.GitHub.Owner}/{harness.GitHub.Repo}/issues/42/comments",
            harness.GitHub.Requests.Single(r => r.Method == "POST").Path);
        Assert.Equal("12", StepOutputs(comment["comment"], "__3")["evaluations"]);
        // the fork's journal is not cached
        Assert.DoesNotContain(harness.Services.CacheKeys, k => k.Contains("-13612400001-", StringComparison.Ordinal));
    }

    [Fact]
    public void ForkSafeCommentRefusesAPullRequestNumberThatDoesNotMatchTheEvaluatedCommit()
    {
        var comment = EvaluateThenComment("0000000000000000000000000000000000000000");
        Assert.Equal("failure", comment["comment"].Result);
        Assert.Contains("::error::pull request #42 is at 0000000000000000000000000000000000000000, not at the evaluated commit",
            comment["comment"].Runs[0].Log.ToString());
        Assert.Empty(harness.GitHub.Comments);
    }
}

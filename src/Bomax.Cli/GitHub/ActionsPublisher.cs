using System.Globalization;
using Bomax.Cli.Reports;

namespace Bomax.Cli.GitHub;

/// <summary>
/// Everything a study does for the workflow when it runs under GitHub Actions: masks the token, appends
/// the report to the step summary, writes the step outputs, names the pick in a notice, and keeps one
/// sticky comment per study on the pull request. A problem with the comment is a warning, never a
/// failed step: the decision is already made and recorded.
/// </summary>
internal static class ActionsPublisher
{
    public static async Task PublishAsync(ActionsEnvironment environment, StudyReport report, string markdown, ReportPaths paths,
        StickyMode mode, TextWriter output, CancellationToken cancel)
    {
        if (!environment.IsActions) return;
        if (environment.Token is { Length: > 0 } token) output.WriteLine(WorkflowCommands.AddMask(token));
        if (environment.StepSummaryPath is { } summary)
            ActionsFiles.AppendStepSummary(summary, MarkdownReport.Truncate(markdown, (int)ActionsFiles.StepSummaryLimitBytes));

        var c = CultureInfo.InvariantCulture;
        var pick = report.Pick;
        var outputs = new List<KeyValuePair<string, string>>
        {
            new(ActionsOutputNames.Checkpoint, pick.Name),
            new(ActionsOutputNames.Score, pick.Estimate.ToString("R", c)),
            new(ActionsOutputNames.ScoreLow, pick.Low.ToString("R", c)),
            new(ActionsOutputNames.ScoreHigh, pick.High.ToString("R", c)),
            new(ActionsOutputNames.ProbBest, pick.ProbabilityBest.ToString("R", c)),
            new(ActionsOutputNames.Evaluations, report.Evaluations.ToString(c)),
            new(ActionsOutputNames.ReportPath, paths.Markdown),
        };
        output.WriteLine(WorkflowCommands.Notice(string.Create(c,
            $"{report.Study}: selected {pick.Name}, estimated average {pick.Estimate:0.0000} ({pick.Low:0.0000}–{pick.High:0.0000}), P(best) {pick.ProbabilityBest:0.00}, {report.Evaluations} of {report.GridCells} pairs evaluated"),
            title: "Bomax.Ci"));

        int? number = PullRequestEvent.FromEventFile(environment.EventName, environment.EventPath);
        if (mode != StickyMode.Off && number is int pr)
        {
            if (environment.Token is not { Length: > 0 } || !environment.TryGetRepository(out var owner, out var repo))
                output.WriteLine(WorkflowCommands.Warning("no pull-request comment: GITHUB_TOKEN (or --github-token) and GITHUB_REPOSITORY are needed"));
            else
            {
                try
                {
                    var client = StickyComment.Client(environment.ApiUrl, environment.Token);
                    var body = MarkdownReport.Truncate(markdown, MarkdownReport.CommentLimit);
                    var comment = await StickyComment.UpsertAsync(client, owner, repo, pr, report.Study, body, mode, cancel);
                    if (comment.Id is long id) outputs.Add(new(ActionsOutputNames.CommentId, id.ToString(c)));
                    if (comment.Url is { } url) outputs.Add(new(ActionsOutputNames.CommentUrl, url));
                    Console.Error.WriteLine($"bomax: pull request #{pr}: comment {comment.Action}");
                }
                catch (Exception e) when (e is Octokit.ApiException or HttpRequestException or TaskCanceledException)
                {
                    output.WriteLine(WorkflowCommands.Warning($"could not comment on pull request #{pr}: {e.Message}"));
                }
            }
        }
        if (environment.OutputPath is { } outputPath) ActionsFiles.AppendOutputs(outputPath, outputs);
    }
}

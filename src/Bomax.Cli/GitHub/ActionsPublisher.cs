using System.Globalization;
using Bomax.Cli.Reports;

namespace Bomax.Cli.GitHub;

/// <summary>Where and how to publish a decision: the sticky-comment mode, and an explicit token, repository and pull request (for any CI).</summary>
internal sealed record Publishing(StickyMode Comment, string? Token, string? Repository = null, int? PullRequest = null);

/// <summary>
/// Everything a study does for the workflow when it runs under GitHub Actions: masks the token, appends
/// the report to the step summary, writes the step outputs, names the pick in a notice, and keeps one
/// sticky comment per study on the pull request (also from any other CI when a repository and pull
/// request are given). A problem with the comment is a warning, never a failed step: the decision is
/// already made and recorded.
/// </summary>
internal static class ActionsPublisher
{
    public static async Task PublishAsync(ActionsEnvironment environment, Publishing publishing, StudyReport report, string markdown, ReportPaths paths,
        TextWriter output, CancellationToken cancel)
    {
        var c = CultureInfo.InvariantCulture;
        var pick = report.Pick;
        var outputs = new List<KeyValuePair<string, string>>();
        if (environment.IsActions)
        {
            if (environment.Token is { Length: > 0 } token) output.WriteLine(WorkflowCommands.AddMask(token));
            if (environment.StepSummaryPath is { } summary)
                ActionsFiles.AppendStepSummary(summary, MarkdownReport.Truncate(markdown, (int)ActionsFiles.StepSummaryLimitBytes));
            outputs.AddRange(new KeyValuePair<string, string>[]
            {
                new(ActionsOutputNames.Checkpoint, pick.Name),
                new(ActionsOutputNames.Score, pick.Estimate.ToString("R", c)),
                new(ActionsOutputNames.ScoreLow, pick.Low.ToString("R", c)),
                new(ActionsOutputNames.ScoreHigh, pick.High.ToString("R", c)),
                new(ActionsOutputNames.ProbBest, pick.ProbabilityBest.ToString("R", c)),
                new(ActionsOutputNames.ExpectedShortfall, pick.ExpectedShortfall.ToString("R", c)),
                new(ActionsOutputNames.Evaluations, report.Evaluations.ToString(c)),
                new(ActionsOutputNames.ReportPath, paths.Markdown),
            });
            output.WriteLine(WorkflowCommands.Notice(string.Create(c,
                $"{report.Study}: selected {pick.Name}, estimated average {pick.Estimate:0.0000} ({pick.Low:0.0000}–{pick.High:0.0000}), P(best) {pick.ProbabilityBest:0.00}, {report.Evaluations} of {report.GridCells} pairs evaluated"),
                title: "Bomax.Ci"));
        }

        int? number = publishing.PullRequest ?? (environment.IsActions ? PullRequestEvent.FromEventFile(environment.EventName, environment.EventPath) : null);
        if (publishing.Comment != StickyMode.Off && number is int pr)
        {
            var where = environment with { Repository = publishing.Repository ?? environment.Repository };
            if (where.Token is not { Length: > 0 } || !where.TryGetRepository(out var owner, out var repo))
                Warn(output, environment, "no pull-request comment: a token (GITHUB_TOKEN or --github-token) and a repository (GITHUB_REPOSITORY or --repo owner/name) are needed");
            else
            {
                try
                {
                    var client = StickyComment.Client(where.ApiUrl, where.Token);
                    var body = MarkdownReport.Truncate(markdown, MarkdownReport.CommentLimit);
                    var comment = await StickyComment.UpsertAsync(client, owner, repo, pr, report.Study, body, publishing.Comment, cancel);
                    if (comment.Action == "forbidden")
                        Warn(output, environment, $"could not comment on pull request #{pr}: the token may not write there (a pull request from a fork gets a read-only token); the report is in the step summary and {paths.Markdown}");
                    else
                    {
                        if (comment.Id is long id) outputs.Add(new(ActionsOutputNames.CommentId, id.ToString(c)));
                        if (comment.Url is { } url) outputs.Add(new(ActionsOutputNames.CommentUrl, url));
                        Console.Error.WriteLine($"bomax: pull request #{pr}: comment {comment.Action}");
                    }
                }
                catch (Exception e) when (e is Octokit.ApiException or HttpRequestException or TaskCanceledException)
                {
                    Warn(output, environment, $"could not comment on pull request #{pr}: {e.Message}");
                }
            }
        }
        if (environment.IsActions && environment.OutputPath is { } outputPath) ActionsFiles.AppendOutputs(outputPath, outputs);
    }

    static void Warn(TextWriter output, ActionsEnvironment environment, string message)
    {
        if (environment.IsActions) output.WriteLine(WorkflowCommands.Warning(message));
        else Console.Error.WriteLine("bomax: warning: " + message);
    }
}

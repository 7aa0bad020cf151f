using System.Globalization;
using Bomax.Cli.Reports;

namespace Bomax.Cli.GitHub;

/// <summary>Where and how to publish a decision: the sticky-comment mode, and an explicit token, repository and pull request (for any CI).</summary>
internal sealed record Publishing(StickyMode Comment, string? Token, string? Repository = null, int? PullRequest = null);

/// <summary>
/// Everything a study does for the workflow when it runs under GitHub Actions: masks the token, appends
/// the report to the step summary, writes the step outputs, names the pick in a notice, and keeps one
/// sticky comment per study on the pull request (also from any other CI when a repository and pull
/// request are given). A problem with the comment, of any kind, is a warning, never a failed step: the decision
/// is already made and recorded, and the outputs are written all the same. Text that leaves here passes
/// <see cref="Redaction"/>; an API's text is made one plain line (<see cref="PlainText"/>) first.
/// </summary>
internal static class ActionsPublisher
{
    /// <param name="retry">Rate-limit waits and the comment's deadline (tests pass a fake clock); default
    /// <see cref="GitHubRetryOptions.Default"/>.</param>
    /// <param name="errors">Where plain messages go (default stderr).</param>
    public static async Task PublishAsync(ActionsEnvironment environment, Publishing publishing, StudyReport report, string markdown,
        ReportPaths paths, TextWriter output, CancellationToken cancel, GitHubRetryOptions? retry = null, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        Redaction.Register(environment.Token);
        markdown = Redaction.Redact(markdown);
        var c = CultureInfo.InvariantCulture;
        var pick = report.Pick;
        var outputs = new List<KeyValuePair<string, string>>();
        try
        {
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
                    new(ActionsOutputNames.HeldOutCheck, report.HeldOutCheck.ToString(c)),
                    new(ActionsOutputNames.Evaluations, report.Evaluations.ToString(c)),
                    new(ActionsOutputNames.ReportPath, paths.Markdown),
                });
                output.WriteLine(WorkflowCommands.Notice(Redaction.Redact(string.Create(c,
                    $"{PlainText.Line(report.Study)}: selected {PlainText.Line(pick.Name)}, estimated average {pick.Estimate:0.0000} "
                        + $"({pick.Low:0.0000}–{pick.High:0.0000}), P(best) {pick.ProbabilityBest:0.00}, "
                        + $"{report.Evaluations} of {report.GridCells} pairs evaluated")),
                    title: "Bomax.Ci"));
            }
            var notices = errors;
            var retries = (retry ?? GitHubRetryOptions.Default) with { Notice = line => notices.WriteLine(Redaction.Redact(line)) };
            await CommentAsync(environment, publishing, report.Study, markdown, paths, outputs, output, errors, retries, cancel)
                .ConfigureAwait(false);
        }
        finally
        {
            if (environment.IsActions && environment.OutputPath is { } outputPath)
                ActionsFiles.AppendOutputs(outputPath, outputs);
        }
    }

    static async Task CommentAsync(ActionsEnvironment environment, Publishing publishing, string study, string markdown, ReportPaths paths,
        List<KeyValuePair<string, string>> outputs, TextWriter output, TextWriter errors, GitHubRetryOptions retry, CancellationToken cancel)
    {
        if (publishing.Comment == StickyMode.Off) return;
        var where = environment with { Repository = publishing.Repository ?? environment.Repository };
        var target = publishing.PullRequest is int given ? new PullRequestTarget(given, null)
            : environment.IsActions ? PullRequestEvent.FromEventFile(environment.EventName, environment.EventPath, where.Repository)
            : PullRequestTarget.None;
        if (target.IsNone) return;
        if (where.Token is not { Length: > 0 } || !where.TryGetRepository(out var owner, out var repo))
        {
            Warn(output, errors, environment, "no pull-request comment: a token (GITHUB_TOKEN or --github-token) "
                + "and a repository (GITHUB_REPOSITORY or --repo owner/name) are needed");
            return;
        }
        var which = target.Number is int known ? $"pull request #{known}" : $"the pull request of commit {target.HeadSha}";
        try
        {
            var (number, comment) = await GitHubRetry.WithDeadline(retry, async deadline =>
            {
                var client = StickyComment.Client(where.ApiUrl, where.Token);
                int? pr = target.Number;
                if (pr is null)
                {
                    // A fork's workflow_run lists no pull request: find the open one in this repository whose head the run evaluated.
                    var found = await StickyComment.PullRequestsWithHeadAsync(client, owner, repo, target.HeadSha!, retry, deadline)
                        .ConfigureAwait(false);
                    if (found.Count == 0) return ((int?)null, (CommentOutcome?)null);
                    pr = found[0];
                }
                var body = MarkdownReport.Truncate(markdown, MarkdownReport.CommentLimit);
                return (pr, await StickyComment.UpsertAsync(client, owner, repo, pr.Value, study, body, publishing.Comment, deadline, retry)
                    .ConfigureAwait(false));
            }, cancel).ConfigureAwait(false);

            if (number is not int pr || comment is null)
                Warn(output, errors, environment, $"no pull-request comment: no open pull request of {owner}/{repo} has the commit {target.HeadSha} "
                    + $"the run evaluated as its head (give --pr N, as the fork-safe sample does from its artifact)");
            else if (comment.Action == "forbidden")
                Warn(output, errors, environment, $"could not comment on pull request #{pr}: "
                    + $"the token may not write there (a pull request from a fork gets a read-only token); "
                    + $"the report is in the step summary and {paths.Markdown}");
            else if (comment.Action == "not-found")
                Warn(output, errors, environment, $"could not comment on pull request #{pr}: GitHub answered 404, "
                    + $"no pull request #{pr} in {owner}/{repo} (or the token cannot see that repository); the report is in {paths.Markdown}");
            else
            {
                if (comment.Id is long id) outputs.Add(new(ActionsOutputNames.CommentId, id.ToString(CultureInfo.InvariantCulture)));
                if (comment.Url is { } url) outputs.Add(new(ActionsOutputNames.CommentUrl, url));
                errors.WriteLine(Redaction.Redact($"bomax: pull request #{pr}: comment {comment.Action}"));
            }
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancel.IsCancellationRequested))
        {
            Warn(output, errors, environment, $"could not comment on {which}: {Describe(e)}; the report is in {paths.Markdown}");
        }
    }

    /// <summary>What went wrong, in one plain line: the status GitHub answered and its message, or the error's own message.</summary>
    internal static string Describe(Exception e)
    {
        var message = PlainText.Line(e.Message);
        if (message.Length > 500) message = message[..500] + "…";
        return e switch
        {
            Octokit.ApiException api when (int)api.StatusCode != 0 =>
                string.Create(CultureInfo.InvariantCulture, $"GitHub answered {(int)api.StatusCode}: {message}"),
            GitHubTimeoutException or ApiOriginHandler.CrossOriginException => message,
            ArgumentException when message.Contains("GITHUB_API_URL", StringComparison.Ordinal) => message,
            HttpRequestException or TaskCanceledException => $"the GitHub API could not be reached: {message}",
            _ => $"{e.GetType().Name}: {message}",
        };
    }

    static void Warn(TextWriter output, TextWriter errors, ActionsEnvironment environment, string message)
    {
        message = Redaction.Redact(PlainText.Line(message));
        if (environment.IsActions) output.WriteLine(WorkflowCommands.Warning(message));
        else errors.WriteLine("bomax: warning: " + message);
    }
}

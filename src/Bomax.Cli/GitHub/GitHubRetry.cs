using System.Globalization;
using System.Net;
using Octokit;
using Polly;
using Polly.Retry;

namespace Bomax.Cli.GitHub;

/// <summary>How <see cref="GitHubRetry"/> waits out a rate limit, and how long talking to GitHub may take in all.</summary>
/// <param name="MaxWait">The longest single wait; a rate limit that asks for more is given up on (the exception rethrown).</param>
/// <param name="MaxAttempts">Attempts in all, the first included.</param>
/// <param name="Time">The one clock: the retries' waits and the deadline run on it, and <c>x-ratelimit-reset</c> is counted from
/// it when the response carries no <c>Date</c> header (a fake one in tests).</param>
internal sealed record GitHubRetryOptions(TimeSpan MaxWait, int MaxAttempts, TimeProvider Time)
{
    /// <summary>15 minutes at most per wait, 4 attempts, real time; 20 minutes for the whole comment.</summary>
    public static GitHubRetryOptions Default { get; } = new(TimeSpan.FromMinutes(15), 4, TimeProvider.System);

    /// <summary>How long everything said to GitHub for one comment may take, waits included (<see cref="GitHubRetry.WithDeadline{T}"/>).</summary>
    public TimeSpan Total { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Told of each wait before it starts, as a line for the log (default: standard error).</summary>
    public Action<string> Notice { get; init; } = line => Console.Error.WriteLine(line);
}

/// <summary>GitHub did not finish answering within <see cref="GitHubRetryOptions.Total"/>.</summary>
internal sealed class GitHubTimeoutException(string message) : TimeoutException(message);

/// <summary>
/// Retries a GitHub REST call that was rate limited, in the order GitHub documents
/// (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately):
/// a <c>retry-after</c> header is waited out; else, when <c>x-ratelimit-remaining</c> is 0, the wait lasts until
/// <c>x-ratelimit-reset</c>; else the wait starts at one minute and doubles. Any other error is not retried. The retries
/// are Polly's (as the evaluations' are), on the options' clock.
/// </summary>
internal static class GitHubRetry
{
    /// <summary>The first wait when a rate-limited response says nothing of when to retry.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMinutes(1);

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, GitHubRetryOptions options, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(options);
        return await Pipeline<T>(options).ExecuteAsync(async token =>
        {
            token.ThrowIfCancellationRequested();
            return await call().ConfigureAwait(false);
        }, cancel).ConfigureAwait(false);
    }

    /// <summary>Retries a rate-limited call (<see cref="IsRateLimited"/>) while attempts are left and GitHub's wait
    /// (<see cref="WaitFor"/>, attempt counted from 1) is at most <see cref="GitHubRetryOptions.MaxWait"/>.</summary>
    static ResiliencePipeline<T> Pipeline<T>(GitHubRetryOptions options)
    {
        bool Retried(Outcome<T> outcome, int attempt) =>
            outcome.Exception is ApiException e && IsRateLimited(e) && WaitFor(e, attempt, options) <= options.MaxWait;
        if (options.MaxAttempts <= 1) return ResiliencePipeline<T>.Empty;
        return new ResiliencePipelineBuilder<T> { TimeProvider = options.Time }
            .AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                ShouldHandle = args => ValueTask.FromResult(Retried(args.Outcome, args.AttemptNumber + 1)),
                DelayGenerator = args =>
                    ValueTask.FromResult<TimeSpan?>(WaitFor((ApiException)args.Outcome.Exception!, args.AttemptNumber + 1, options)),
                OnRetry = args =>
                {
                    options.Notice(string.Create(CultureInfo.InvariantCulture,
                        $"bomax: GitHub rate limit ({(int)((ApiException)args.Outcome.Exception!).StatusCode}); "
                            + $"retrying in {args.RetryDelay.TotalSeconds:0} s (attempt {args.AttemptNumber + 2} of {options.MaxAttempts})"));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a token that is cancelled when <paramref name="cancel"/> is, or when
    /// <see cref="GitHubRetryOptions.Total"/> has passed on <see cref="GitHubRetryOptions.Time"/>; the latter ends
    /// in <see cref="GitHubTimeoutException"/>, which says how long it waited.
    /// </summary>
    public static async Task<T> WithDeadline<T>(GitHubRetryOptions options, Func<CancellationToken, Task<T>> work, CancellationToken cancel)
    {
        using var deadline = new CancellationTokenSource(options.Total, options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, deadline.Token);
        try
        {
            return await work(linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            throw new GitHubTimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"GitHub did not finish answering within {options.Total.TotalSeconds:0} s; gave up"));
        }
    }

    /// <summary>A Task-returning call (no result) retried as <see cref="RunAsync{T}"/> does.</summary>
    public static Task RunAsync(Func<Task> call, GitHubRetryOptions options, CancellationToken cancel) =>
        RunAsync<bool>(async () => { await call().ConfigureAwait(false); return true; }, options, cancel);

    /// <summary>
    /// A rate-limited response: status 429, or 403 whose message or body speaks of a rate limit (primary or secondary,
    /// or the older "abuse detection" wording), or 403 with <c>x-ratelimit-remaining: 0</c>. Judged by status, headers
    /// and body rather than by Octokit's exception type.
    /// </summary>
    public static bool IsRateLimited(Exception exception)
    {
        if (exception is not ApiException e) return false;
        var status = (int)e.StatusCode;
        if (status == 429) return true;
        if (status != (int)HttpStatusCode.Forbidden) return false;
        if (Header(e, "x-ratelimit-remaining") is { } remaining && remaining.Trim() == "0") return true;
        return SpeaksOfRateLimit(e.Message) || SpeaksOfRateLimit(e.ApiError?.Message) || SpeaksOfRateLimit(e.HttpResponse?.Body as string);
    }

    /// <summary>A 403 that is not a rate limit: the token lacks the permission (a fork's read-only token).</summary>
    public static bool IsForbidden(Exception exception) =>
        exception is ApiException { StatusCode: HttpStatusCode.Forbidden } && !IsRateLimited(exception);

    /// <summary>How long to wait before attempt <paramref name="attempt"/> + 1, by GitHub's documented order.</summary>
    public static TimeSpan WaitFor(ApiException e, int attempt, GitHubRetryOptions options)
    {
        if (Header(e, "retry-after") is { } retryAfter)
        {
            var text = retryAfter.Trim();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                return TimeSpan.FromSeconds(seconds);
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return NonNegative(at - Clock(e, options));
        }
        if (Header(e, "x-ratelimit-remaining") is { } remaining && remaining.Trim() == "0"
            && Header(e, "x-ratelimit-reset") is { } reset
            && long.TryParse(reset.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            return NonNegative(DateTimeOffset.FromUnixTimeSeconds(epoch) - Clock(e, options));
        var doublings = Math.Min(attempt - 1, 30);
        return FirstBackoff * Math.Pow(2, doublings);
    }

    /// <summary>The response's <c>Date</c> when it has one (the same clock as <c>x-ratelimit-reset</c>), else
    /// <see cref="GitHubRetryOptions.Time"/>.</summary>
    static DateTimeOffset Clock(ApiException e, GitHubRetryOptions options) =>
        Header(e, "date") is { } date
        && DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : options.Time.GetUtcNow();

    static TimeSpan NonNegative(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;

    static bool SpeaksOfRateLimit(string? text) =>
        text is not null && (text.Contains("rate limit", StringComparison.OrdinalIgnoreCase)
                             || text.Contains("abuse detection", StringComparison.OrdinalIgnoreCase));

    /// <summary>A response header by name, whatever its case.</summary>
    static string? Header(ApiException e, string name)
    {
        var headers = e.HttpResponse?.Headers;
        if (headers is null) return null;
        if (headers.TryGetValue(name, out var value)) return value;
        foreach (var pair in headers)
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                return pair.Value;
        return null;
    }
}

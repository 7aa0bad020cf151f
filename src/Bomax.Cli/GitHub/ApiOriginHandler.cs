using System.Net;

namespace Bomax.Cli.GitHub;

/// <summary>
/// The HTTP handler under bomax's Octokit client. Octokit follows redirects itself and drops the
/// <c>Authorization</c> header only when the host changes, so a redirect to the same host on another port or
/// scheme would carry the token. This handler keeps the token to the API's own origin (scheme, host and port):
/// a request for any other origin is refused before it is sent, and a redirect that points to another origin is
/// not followed (<see cref="CrossOriginException"/>); a redirect within the origin is left to Octokit.
/// </summary>
internal sealed class ApiOriginHandler : DelegatingHandler
{
    readonly Uri origin;

    public ApiOriginHandler(Uri apiBase) : base(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        UseCookies = false,
    })
    {
        origin = new Uri(apiBase.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>A request or redirect that would leave the API's origin.</summary>
    public sealed class CrossOriginException(string message) : HttpRequestException(message);

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { IsAbsoluteUri: true } target || !SameOrigin(target, origin))
        {
            request.Headers.Authorization = null;
            throw new CrossOriginException($"refused to send a request to {Describe(request.RequestUri)}, "
                + $"outside the GitHub API at {origin.GetLeftPart(UriPartial.Authority)}");
        }
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
        {
            var next = location.IsAbsoluteUri ? location : new Uri(target, location);
            if (!SameOrigin(next, origin))
            {
                response.Dispose();
                throw new CrossOriginException($"the GitHub API answered {(int)response.StatusCode} with a redirect to {Describe(next)}, "
                    + $"another origin; not followed, so the token stays with {origin.GetLeftPart(UriPartial.Authority)}");
            }
        }
        return response;
    }

    /// <summary>Scheme, host and port only: a query could carry anything.</summary>
    static string Describe(Uri? uri) => uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) : "a relative address";
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Bomax.Cli.GitHub;

/// <summary>
/// Removes credentials from text before it leaves the process (stdout, stderr, report files, the step summary,
/// step outputs, the comment). The tokens bomax was given are removed wherever they appear; so is whatever
/// follows <c>Authorization</c>, the <c>token</c>/<c>Bearer</c>/<c>Basic</c> schemes, a <c>token</c> query or
/// JSON field, and anything shaped like a GitHub token (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>,
/// <c>ghr_</c>, <c>github_pat_</c>), since a hostile or broken API may echo a credential bomax never saw.
/// </summary>
internal static class Redaction
{
    public const string Mask = "***";

    static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);

    static readonly Regex[] Patterns =
    [
        // Authorization: Token abc / "Authorization":"Bearer abc" / authorization=abc
        new(@"(?<keep>\bauthorization\b[""']?\s*[:=]\s*[""']?)[^\r\n""',;}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // Token abc, Bearer abc, Basic abc: a value with a digit, '_' or '-', 16 characters or more (not a word of prose)
        new(@"(?<keep>\b(?:token|bearer|basic)\s+)(?=[A-Za-z0-9._~+/=-]*[0-9_-])[A-Za-z0-9._~+/-]{16,}=*",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // ?access_token=abc, &token=abc
        new(@"(?<keep>[?&](?:access_token|token)=)[^&\s""'#]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // "token": "abc", "access_token":"abc"
        new(@"(?<keep>""(?:access_token|token)""\s*:\s*"")[^""]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        // GitHub's token formats
        new(@"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})", RegexOptions.CultureInvariant),
    ];

    /// <summary>Remembers <paramref name="secret"/> so that <see cref="Redact"/> removes it; blank or very short values are ignored.</summary>
    public static void Register(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Trim().Length < 6) return;
        Secrets.TryAdd(secret, 0);
        if (secret.Trim() != secret) Secrets.TryAdd(secret.Trim(), 0);
    }

    /// <summary>The text with every registered secret and every credential-looking value replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        foreach (var secret in Secrets.Keys.OrderByDescending(s => s.Length))
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        foreach (var pattern in Patterns)
            text = pattern.Replace(text, m => (m.Groups["keep"].Success ? m.Groups["keep"].Value : "") + Mask);
        return text;
    }
}

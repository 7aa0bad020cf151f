using System.Security.Cryptography;
using System.Text;

namespace Bomax.Cli.Study;

/// <summary>
/// Folder names for evaluation outputs: <c>.bomax/&lt;study&gt;/outputs/&lt;checkpoint&gt;/&lt;benchmark&gt;/attempt-N</c>,
/// each part a readable, sanitised name with a short hash of the exact name beside it, so names that sanitise
/// alike (<c>a b</c>, <c>a_b</c>, <c>a/b</c>) never share a folder, <c>.</c> and <c>..</c> never become path parts,
/// and long names stay under the file system's 255-byte limit.
/// </summary>
internal static class OutputFolders
{
    /// <summary>Characters of the readable part kept at most (the whole part is at most this + 9).</summary>
    public const int ReadableChars = 64;

    /// <summary>A folder name for <paramref name="name"/>: letters, digits, '-', '_' and '.' kept (others become '_',
    /// a leading '.' too), cut to <see cref="ReadableChars"/>, then '-' and 8 hex digits of the name's SHA-256.</summary>
    public static string Part(string name)
    {
        var readable = new StringBuilder(Math.Min(name.Length, ReadableChars));
        foreach (char c in name)
        {
            if (readable.Length == ReadableChars) break;
            bool safe = c < 128 && (char.IsLetterOrDigit(c) || c is '-' or '_' || (c == '.' && readable.Length > 0));
            readable.Append(safe ? c : '_');
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return $"{readable}-{hash}";
    }

    /// <summary>The folder of one (checkpoint, benchmark) pair's attempts under the study's output folder.</summary>
    public static string Pair(string outputs, string checkpoint, string benchmark) =>
        Path.Combine(outputs, Part(checkpoint), Part(benchmark));

    /// <summary>
    /// Creates a new, empty attempt folder under <paramref name="pairFolder"/>: <c>attempt-N</c> with the first N
    /// not used before (earlier attempts, from this run or earlier ones, are kept for inspection).
    /// </summary>
    public static string CreateAttempt(string pairFolder)
    {
        Directory.CreateDirectory(pairFolder);
        for (int n = 1; ; n++)
        {
            string attempt = Path.Combine(pairFolder, $"attempt-{n}");
            if (Directory.Exists(attempt) || File.Exists(attempt)) continue;
            Directory.CreateDirectory(attempt);
            return attempt;
        }
    }
}

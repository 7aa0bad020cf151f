using System.Globalization;
using System.Text.RegularExpressions;

namespace Bomax.Cli.Evaluation;

/// <summary>
/// The JSON files an evaluation left under its output directory, newest first: the <c>json:</c> and <c>lm-eval:</c> rules
/// read the newest that has the score, and "newest" must not depend on a copy's modification times or on the order the
/// file system lists them in.
/// </summary>
internal static class ScoreFiles
{
    /// <summary>
    /// The <c>*.json</c> files under <paramref name="directory"/> (recursively) whose file name
    /// <paramref name="acceptName"/> accepts, in the order of <see cref="OrderNewestFirst"/>.
    /// </summary>
    /// <returns>Full paths, newest first; empty when the directory is missing or cannot be read.</returns>
    public static List<string> NewestFirst(string directory, Func<string, bool> acceptName)
    {
        if (!Directory.Exists(directory))
            return [];
        try
        {
            var files = new DirectoryInfo(directory)
                .EnumerateFiles("*.json", new EnumerationOptions
                {
                    RecurseSubdirectories = true,
                    IgnoreInaccessible = true,
                    MatchCasing = MatchCasing.CaseSensitive,
                    MaxRecursionDepth = 16,
                })
                .Where(file => file.Name.EndsWith(".json", StringComparison.Ordinal) && acceptName(file.Name))
                .Select(file => (file.FullName, file.LastWriteTimeUtc))
                .ToList();
            return OrderNewestFirst(files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Orders output files newest first. A file whose name ends in lm-eval's timestamp
    /// (<c>results_2024-06-03T01-54-41.753933.json</c>, see <see cref="TimestampInName"/>) is dated by that
    /// timestamp, whatever its modification time (a copy or a checkout changes that); these come first, newest
    /// timestamp first. Files without one follow, newest modification time first: the two clocks are not
    /// compared, as the timestamp is the evaluating machine's local time. Ties go to the newer modification
    /// time, then to the greater file name and path (ordinal), so the order never depends on the enumeration.
    /// </summary>
    /// <param name="files">Paths with their last write times (UTC).</param>
    /// <returns>The paths, newest first.</returns>
    public static List<string> OrderNewestFirst(IEnumerable<(string Path, DateTime ModifiedUtc)> files) =>
        files
            .Select(file => (file.Path, file.ModifiedUtc, Stamp: TimestampInName(Path.GetFileName(file.Path))))
            .OrderByDescending(file => file.Stamp.HasValue)
            .ThenByDescending(file => file.Stamp ?? DateTime.MinValue)
            .ThenByDescending(file => file.ModifiedUtc)
            .ThenByDescending(file => Path.GetFileName(file.Path), StringComparer.Ordinal)
            .ThenByDescending(file => file.Path, StringComparer.Ordinal)
            .Select(file => file.Path)
            .ToList();

    // lm-eval's date_id: datetime.now().isoformat() with ':' replaced by '-', after the last '_' of the name.
    private static readonly Regex NameTimestamp = new(
        @"_(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{1,6})?)\.json$",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static readonly string[] TimestampFormats = ["yyyy-MM-dd'T'HH-mm-ss", "yyyy-MM-dd'T'HH-mm-ss.FFFFFF"];

    /// <summary>
    /// The timestamp at the end of a file name as lm-evaluation-harness (0.4.3 on) writes it:
    /// <c>&lt;stem&gt;_%Y-%m-%dT%H-%M-%S.%f.json</c>, the fraction left out when it is zero
    /// (<c>results_2024-06-03T01-54-41.753933.json</c>, <c>eval_2024-06-03T01-54-41.json</c>).
    /// </summary>
    /// <param name="fileName">A file name without directories.</param>
    /// <returns>The time as written (the evaluating machine's local time, kind unspecified); null when the
    /// name has no such timestamp or it is not a real date.</returns>
    public static DateTime? TimestampInName(string fileName)
    {
        var match = NameTimestamp.Match(fileName);
        return match.Success
               && DateTime.TryParseExact(match.Groups[1].Value, TimestampFormats, CultureInfo.InvariantCulture,
                                         DateTimeStyles.None, out var time)
            ? time
            : null;
    }
}

using System.Text;
using System.Text.Json;

namespace Bomax.Cli.Journal;

/// <summary>What a journal holds, and what was skipped while reading it (with the line numbers).</summary>
internal sealed record JournalContents(IReadOnlyList<JournalRecord> Records, IReadOnlyList<string> Warnings)
{
    public static JournalContents Empty { get; } = new(Array.Empty<JournalRecord>(), Array.Empty<string>());
    public IEnumerable<EvaluationRecord> Evaluations => Records.OfType<EvaluationRecord>();
    public IEnumerable<FailureRecord> Failures => Records.OfType<FailureRecord>();
    public HeaderRecord? Header => Records.OfType<HeaderRecord>().LastOrDefault();
}

/// <summary>
/// The append-only journal on disk. Every record is one line, written and flushed to disk (fsync) the
/// moment it is appended, under an exclusive lock on the file so that two processes appending at once
/// never interleave. A line torn by a crash is skipped with a warning when read, and the next append
/// starts on a fresh line, so nothing before it is lost.
/// </summary>
internal static class JournalFile
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    public static string Serialise(JournalRecord record) => JsonSerializer.Serialize(record, Json);

    public static JournalContents Read(string path)
    {
        if (!File.Exists(path)) return JournalContents.Empty;
        string[] lines;
        using (var stream = OpenLocked(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
            lines = reader.ReadToEnd().Split('\n');
        var records = new List<JournalRecord>();
        var warnings = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            JournalRecord? record = null;
            try { record = JsonSerializer.Deserialize<JournalRecord>(line, Json); }
            catch (JsonException) { }
            catch (NotSupportedException) { }
            if (record is null)
            {
                bool last = lines.Skip(i + 1).All(l => l.Trim().Length == 0);
                warnings.Add(last
                    ? $"{path}:{i + 1}: the last line is incomplete (a write cut short by a crash?) and was skipped"
                    : $"{path}:{i + 1}: unreadable line skipped");
                continue;
            }
            records.Add(record with { Line = i + 1 });
        }
        return new JournalContents(records, warnings);
    }

    /// <summary>Appends one record and flushes it to disk before returning.</summary>
    public static void Append(string path, JournalRecord record) => AppendAll(path, new[] { record });

    public static void AppendAll(string path, IEnumerable<JournalRecord> records)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        using var stream = OpenLocked(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var text = new StringBuilder();
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() != '\n') text.Append('\n'); // finish a torn line so this record stands alone
        }
        foreach (var record in records) text.Append(Serialise(record)).Append('\n');
        stream.Seek(0, SeekOrigin.End);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        stream.Write(bytes, 0, bytes.Length);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Writes a whole journal to a new file and renames it into place.</summary>
    public static void WriteNew(string path, IEnumerable<JournalRecord> records)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = Encoding.UTF8.GetBytes(string.Concat(records.Select(r => Serialise(r) + "\n")));
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>
    /// Opens the file, waiting while another process holds it (.NET takes an advisory flock for
    /// FileShare.None on Unix), up to <see cref="LockWait"/>.
    /// </summary>
    static FileStream OpenLocked(string path, FileMode mode, FileAccess access, FileShare share)
    {
        var deadline = DateTime.UtcNow + LockWait;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            try { return new FileStream(path, mode, access, share); }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                Thread.Sleep(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(200, delay.TotalMilliseconds * 2));
            }
        }
    }
}

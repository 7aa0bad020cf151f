using System.Text;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace Bomax.Cli.Journal;

/// <summary>What a journal holds, and what was skipped while reading it (with the line numbers).</summary>
internal sealed record JournalContents(IReadOnlyList<JournalRecord> Records, IReadOnlyList<string> Warnings)
{
    public static JournalContents Empty { get; } = new(Array.Empty<JournalRecord>(), Array.Empty<string>());
    public IEnumerable<EvaluationRecord> Evaluations => Records.OfType<EvaluationRecord>();
    public IEnumerable<FailureRecord> Failures => Records.OfType<FailureRecord>();
    public HeaderRecord? Header => Records.OfType<HeaderRecord>().LastOrDefault();

    /// <summary>The SHA-256 of the bytes these records were read from (lowercase hex; empty for no file): what a decision
    /// made from them is keyed by (<c>DecisionState</c>).</summary>
    public string Sha256 { get; init; } = "";
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
    /// <summary>
    /// How long an open waits for another process's lock before it gives up. Generous on purpose: every bomax holds the lock
    /// only for one read or append, and the kernel drops a lock with the process that held it, so only a process stuck while
    /// holding it can keep it; but readers share the lock, and on a loaded machine with many workers reading in turn a
    /// writer's non-blocking tries can go unanswered for tens of seconds (a 14-process test on 2 busy cores waited past 30 s).
    /// </summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    public static string Serialise(JournalRecord record) => JsonSerializer.Serialize(record, Json);

    /// <param name="time">The clock the wait for a lock runs on (default: real time; a fake one in tests).</param>
    public static JournalContents Read(string path, TimeProvider? time = null)
    {
        if (!File.Exists(path)) return JournalContents.Empty;
        using var stream = OpenLocked(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, time);
        return ReadFrom(stream, path);
    }

    /// <summary>Parses the whole of <paramref name="stream"/> from its start; <paramref name="path"/> names it in warnings.</summary>
    static JournalContents ReadFrom(FileStream stream, string path)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        string[] lines = new UTF8Encoding(false).GetString(bytes.GetBuffer(), 0, (int)bytes.Length).Split('\n');
        string sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)));
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
        return new JournalContents(records, warnings) { Sha256 = sha256 };
    }

    /// <summary>Appends one record and flushes it to disk before returning.</summary>
    public static void Append(string path, JournalRecord record) => AppendAll(path, new[] { record });

    public static void AppendAll(string path, IEnumerable<JournalRecord> records, TimeProvider? time = null)
    {
        using var stream = OpenForAppend(path, time);
        Write(stream, records);
    }

    /// <summary>
    /// Reads the journal and appends what <paramref name="decide"/> makes of it, under one exclusive lock, so that no other
    /// writer can append in between (two workers leasing pairs, a merge into a journal being written). Returns what was appended.
    /// </summary>
    public static IReadOnlyList<JournalRecord> Update(string path, Func<JournalContents, IEnumerable<JournalRecord>> decide,
        TimeProvider? time = null)
    {
        using var stream = OpenForAppend(path, time);
        var records = decide(stream.Length > 0 ? ReadFrom(stream, path) : JournalContents.Empty).ToList();
        if (records.Count == 0) return records;
        Write(stream, records);
        return records;
    }

    /// <summary>The journal opened for reading and appending under its exclusive lock (created, with its folder, if absent).</summary>
    static FileStream OpenForAppend(string path, TimeProvider? time)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        return OpenLocked(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, time);
    }

    static void Write(FileStream stream, IEnumerable<JournalRecord> records)
    {
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

    /// <summary>
    /// Opens the file, waiting while another process holds it (.NET takes an advisory flock for FileShare.None on Unix): Polly
    /// retries the open from 5 ms, doubling to 200 ms between tries, for <see cref="LockWait"/> on <paramref name="time"/>'s clock,
    /// then gives up with an error that says the journal stayed locked.
    /// </summary>
    static FileStream OpenLocked(string path, FileMode mode, FileAccess access, FileShare share, TimeProvider? time)
    {
        var clock = time ?? TimeProvider.System;
        var deadline = clock.GetUtcNow() + LockWait;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args =>
                    ValueTask.FromResult(args.Outcome.Exception is IOException && File.Exists(path) && clock.GetUtcNow() < deadline),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(5),
                MaxDelay = TimeSpan.FromMilliseconds(200),
                UseJitter = false,
            })
            .Build();
        try
        {
            return pipeline.Execute(() => new FileStream(path, mode, access, share));
        }
        catch (IOException e) when (File.Exists(path) && clock.GetUtcNow() >= deadline)
        {
            throw new IOException($"'{path}' stayed locked by another process for {Study.Durations.Human(LockWait.TotalSeconds)} ({e.Message})", e);
        }
    }
}

namespace Bomax.Cli.Journal;

/// <summary>
/// The pairs reserved by workers, read from a journal. A lease holds from its record until its expiry, unless a later
/// evaluation or failure of the pair settles it or its owner releases it; a later lease of the same pair replaces it.
/// Pure: the journal is read and the clock is read at the edge.
/// </summary>
internal static class Leases
{
    /// <summary>The leases in force at <paramref name="now"/>, one per pair (the latest), keyed by (checkpoint, benchmark).</summary>
    public static IReadOnlyDictionary<(string Checkpoint, string Benchmark), LeaseRecord> Active(JournalContents journal, DateTimeOffset now)
    {
        var active = new Dictionary<(string, string), LeaseRecord>();
        foreach (var record in journal.Records)
        {
            switch (record)
            {
                case LeaseRecord lease:
                    active[(lease.Checkpoint, lease.Benchmark)] = lease;
                    break;
                case ReleaseRecord release
                    when active.TryGetValue((release.Checkpoint, release.Benchmark), out var held) && held.Owner == release.Owner:
                    active.Remove((release.Checkpoint, release.Benchmark));
                    break;
                case EvaluationRecord evaluation:
                    active.Remove((evaluation.Checkpoint, evaluation.Benchmark));
                    break;
                case FailureRecord failure:
                    active.Remove((failure.Checkpoint, failure.Benchmark));
                    break;
            }
        }
        foreach (var (pair, lease) in active.ToList())
            if (lease.Expires <= now) active.Remove(pair);
        return active;
    }

    /// <summary>A default owner name for this process: <c>command:user@host:pid</c>.</summary>
    public static string DefaultOwner(string command) =>
        $"{command}:{Environment.UserName}@{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Whether <paramref name="owner"/> names a process of this machine (<c>…@host:pid</c>, as <see cref="DefaultOwner"/> writes)
    /// that no longer runs: its leases were left by a run killed outright and need not wait for their expiry.
    /// </summary>
    public static bool IsDeadLocalOwner(string owner)
    {
        int at = owner.LastIndexOf('@'), colon = owner.LastIndexOf(':');
        if (at < 0 || colon < at) return false;
        if (owner[(at + 1)..colon] != Environment.MachineName) return false;
        if (!int.TryParse(owner[(colon + 1)..], out int pid) || pid <= 0) return false;
        if (pid == Environment.ProcessId) return false;
        if (OperatingSystem.IsLinux()) return !Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Bomax.Cli.GitHub;

/// <summary>One pair to evaluate, as a matrix job sees it.</summary>
internal sealed record PendingPair(string Checkpoint, string CheckpointPath, long Step, string Benchmark)
{
    /// <summary>The pair as <c>bomax suggest --json</c> and the <c>pending-pairs</c> output write it.</summary>
    public JsonObject ToJson() => new()
    {
        ["checkpoint"] = Checkpoint,
        ["benchmark"] = Benchmark,
        ["step"] = Step,
        ["checkpoint_path"] = CheckpointPath,
    };
}

/// <summary>
/// The <c>pending-pairs</c> step output: the suggested pairs as compact JSON (no spaces) that
/// <c>strategy.matrix.pair: ${{ fromJSON(needs.plan.outputs.pending-pairs) }}</c> expands into one job each.
/// </summary>
/// <param name="Json">A JSON array of <c>{"checkpoint","benchmark","step","checkpoint_path"}</c> objects.</param>
/// <param name="Kept">How many pairs it holds.</param>
/// <param name="Warning">Why pairs were left out (over GitHub's limits), or null when none were.</param>
internal sealed record MatrixPairs(string Json, int Kept, string? Warning)
{
    /// <summary>GitHub runs at most 256 jobs from one matrix.</summary>
    public const int MaxJobs = 256;

    /// <summary>A job output may be at most 1 MB; the rest of the job's outputs share it, so stay well under.</summary>
    public const int MaxBytes = 900_000;

    /// <summary>How many pairs to ask the planner for: <paramref name="requested"/>, at most <see cref="MaxJobs"/>.</summary>
    public static (int Count, string? Warning) CapCount(int requested) => requested <= MaxJobs
        ? (requested, null)
        : (MaxJobs, string.Create(CultureInfo.InvariantCulture, $"--count {requested} is more than the {MaxJobs} jobs GitHub runs from one matrix; "
            + $"pending-pairs holds the first {MaxJobs}"));

    /// <summary>
    /// The pairs in order, as many as fit in <paramref name="maxBytes"/> UTF-8 bytes and <paramref name="maxJobs"/> jobs;
    /// a pair that does not fit is left out with every pair after it (the planner ranked them), and said so.
    /// </summary>
    public static MatrixPairs From(IReadOnlyList<PendingPair> pairs, int maxJobs = MaxJobs, int maxBytes = MaxBytes)
    {
        var json = new StringBuilder("[");
        int kept = 0, bytes = 2; // the brackets
        string? warning = null;
        foreach (var pair in pairs)
        {
            if (kept == maxJobs)
            {
                warning = string.Create(CultureInfo.InvariantCulture, $"{pairs.Count} pairs suggested, pending-pairs holds the first {maxJobs}: "
                    + $"GitHub runs at most {maxJobs} jobs from one matrix");
                break;
            }
            var item = Item(pair);
            var separator = kept == 0 ? "" : ",";
            int itemBytes = separator.Length + Encoding.UTF8.GetByteCount(item);
            if (bytes + itemBytes > maxBytes)
            {
                warning = string.Create(CultureInfo.InvariantCulture, $"{pairs.Count} pairs suggested, pending-pairs holds the first {kept}: "
                    + $"more would pass {maxBytes} bytes, within GitHub's 1 MB limit on a job output");
                break;
            }
            json.Append(separator).Append(item);
            bytes += itemBytes;
            kept++;
        }
        return new MatrixPairs(json.Append(']').ToString(), kept, warning);
    }

    static string Item(PendingPair pair) => pair.ToJson().ToJsonString();
}

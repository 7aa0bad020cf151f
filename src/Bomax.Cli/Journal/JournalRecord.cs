using System.Text.Json.Serialization;

namespace Bomax.Cli.Journal;

/// <summary>
/// One line of a study journal (JSON Lines). <c>type</c> says which: a <c>header</c> describing the
/// study, an <c>evaluation</c> with its score, a <c>failure</c> after all attempts failed, a <c>lease</c>
/// reserving a pair for a worker, or a <c>release</c> giving one back.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderRecord), "header")]
[JsonDerivedType(typeof(EvaluationRecord), "evaluation")]
[JsonDerivedType(typeof(FailureRecord), "failure")]
[JsonDerivedType(typeof(LeaseRecord), "lease")]
[JsonDerivedType(typeof(ReleaseRecord), "release")]
internal abstract record JournalRecord
{
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }

    /// <summary>The 1-based line of the journal this record was read from (0 for a record not read from a file).</summary>
    [JsonIgnore] public int Line { get; init; }
}

/// <summary>The study as it was when this header was written: its name, checkpoints and benchmarks.</summary>
internal sealed record HeaderRecord(
    [property: JsonPropertyName("study")] string Study,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("checkpoints")] IReadOnlyList<string> Checkpoints,
    [property: JsonPropertyName("benchmarks")] IReadOnlyList<string> Benchmarks,
    [property: JsonPropertyName("tool")] string Tool) : JournalRecord;

/// <summary>A finished evaluation of one (checkpoint, benchmark) pair.</summary>
internal sealed record EvaluationRecord(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("stderr")] double? StandardError,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("attempt")] int Attempt) : JournalRecord
{
    /// <summary>The metric's own direction as the output stated it (lm-eval's <c>higher_is_better</c>); absent when it did not.</summary>
    [JsonPropertyName("higher_is_better"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? HigherIsBetter { get; init; }
}

/// <summary>A pair whose every attempt failed: the last exit code, a message and the tail of stderr.</summary>
internal sealed record FailureRecord(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("exit_code")] int? ExitCode,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("stderr_tail")] string StderrTail,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("attempts")] int Attempts) : JournalRecord
{
    /// <summary>What failed: <c>start-error</c>, <c>exit</c>, <c>timeout</c> or <c>score</c> (the command succeeded but no
    /// acceptable score could be read). Absent in journals written before it was recorded.</summary>
    [JsonPropertyName("kind"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    /// <summary>What produced the failure: a hash of the benchmark's command, shell, working directory, environment and
    /// timeout (<see cref="Study.FailureFingerprints"/>). A failure counts only while its benchmark's fingerprint is unchanged.</summary>
    [JsonPropertyName("command_fingerprint"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CommandFingerprint { get; init; }

    /// <summary>A hash of the benchmark's score rule and score limit when it failed.</summary>
    [JsonPropertyName("score_fingerprint"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ScoreFingerprint { get; init; }

    /// <summary>The last attempt's output directory, kept with its standard output, so a score can be read again without re-running.</summary>
    [JsonPropertyName("output_dir"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputDirectory { get; init; }
}

/// <summary>The values of a failure record's <c>kind</c>.</summary>
internal static class FailureKinds
{
    public const string StartError = "start-error";
    public const string Exit = "exit";
    public const string Timeout = "timeout";
    /// <summary>The command succeeded but no acceptable score could be read from its output.</summary>
    public const string Score = "score";

    public static string Of(Evaluation.EvaluationFailureKind kind) => kind switch
    {
        Evaluation.EvaluationFailureKind.StartError => StartError,
        Evaluation.EvaluationFailureKind.NonZeroExit => Exit,
        Evaluation.EvaluationFailureKind.TimedOut => Timeout,
        Evaluation.EvaluationFailureKind.Unparseable => Score,
        _ => "cancelled",
    };
}

/// <summary>
/// A pair reserved by <see cref="Owner"/> (a <c>run</c> or a worker fed by <c>suggest</c>) until <see cref="Expires"/>:
/// every planner treats it as pending until an evaluation or failure of the pair settles it, a release gives it
/// back, or it expires.
/// </summary>
internal sealed record LeaseRecord(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires) : JournalRecord;

/// <summary>Gives back <see cref="Owner"/>'s lease of a pair before it expires (a cancelled run, <c>suggest --release</c>).</summary>
internal sealed record ReleaseRecord(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("owner")] string Owner) : JournalRecord;

using System.Text.Json.Serialization;

namespace Bomax.Cli.Journal;

/// <summary>
/// One line of a study journal (JSON Lines). <c>type</c> says which: a <c>header</c> describing the
/// study, an <c>evaluation</c> with its score, or a <c>failure</c> after all attempts failed.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderRecord), "header")]
[JsonDerivedType(typeof(EvaluationRecord), "evaluation")]
[JsonDerivedType(typeof(FailureRecord), "failure")]
internal abstract record JournalRecord
{
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }
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
    [property: JsonPropertyName("attempt")] int Attempt) : JournalRecord;

/// <summary>A pair whose every attempt failed: the last exit code, a message and the tail of stderr.</summary>
internal sealed record FailureRecord(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("benchmark")] string Benchmark,
    [property: JsonPropertyName("exit_code")] int? ExitCode,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("stderr_tail")] string StderrTail,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("attempts")] int Attempts) : JournalRecord;

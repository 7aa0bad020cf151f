using System.Globalization;
using System.Text.Json;

namespace Bomax.Tasks;

/// <summary>
/// The decision of a study as bomax reports it (the <c>result</c> message, and the file that
/// <c>--result</c> writes). Numbers stay the text bomax wrote, ready to be MSBuild properties.
/// </summary>
internal sealed record StudyResult(
    string Study, string Checkpoint, string CheckpointPath, string Step, string Score, string Low, string High, string ProbabilityBest,
    int Evaluations, int NewEvaluations, int GridCells, string End, string Spec, string Journal, string Summary)
{
    /// <summary>How far below the best average the pick is expected to fall ("" from an engine that did not say).</summary>
    public string ExpectedShortfall { get; init; } = "";

    /// <summary>How many evaluations the held-out check predicted ("0": not checked; "" from an engine that did not say).</summary>
    public string HeldOutCheck { get; init; } = "";

    /// <summary>The result in <paramref name="o"/>, or null when it lacks the checkpoint or its numbers.</summary>
    public static StudyResult? From(JsonElement o)
    {
        if (Json.String(o, ResultFields.Checkpoint) is not { Length: > 0 } checkpoint
            || Json.Number(o, ResultFields.Score) is not { } score || Json.Number(o, ResultFields.ProbabilityBest) is not { } probability)
            return null;
        return new StudyResult(Json.String(o, ResultFields.Study) ?? "", checkpoint, Json.String(o, ResultFields.CheckpointPath) ?? checkpoint,
            Json.Number(o, ResultFields.Step) ?? "", score, Json.Number(o, ResultFields.Low) ?? score, Json.Number(o, ResultFields.High) ?? score,
            probability,
            Json.Int(o, ResultFields.Evaluations), Json.Int(o, ResultFields.NewEvaluations), Json.Int(o, ResultFields.GridCells),
            Json.String(o, ResultFields.End) ?? "", Json.String(o, ResultFields.Spec) ?? "", Json.String(o, ResultFields.Journal) ?? "",
            Json.String(o, ResultFields.Summary) ?? "")
        {
            ExpectedShortfall = Json.Number(o, ResultFields.ExpectedShortfall) ?? "",
            HeldOutCheck = Json.Number(o, ResultFields.HeldOutCheck) ?? "",
        };
    }

    /// <summary>Reads a result file; the error says what is wrong with it.</summary>
    public static (StudyResult? Result, string? Error) ReadFile(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return From(document.RootElement) is { } result
                ? (result, null)
                : (null, $"{path} has no {ResultFields.Checkpoint}, {ResultFields.Score} and {ResultFields.ProbabilityBest}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return (null, $"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>One line for the build log: what was picked and how sure the study is.</summary>
    public string Describe() =>
        $"selected {Checkpoint} (step {Step}): estimated average {Round(Score, "0.0000")} "
        + $"(95% interval {Round(Low, "0.0000")} – {Round(High, "0.0000")}), "
        + $"P(best) {Round(ProbabilityBest, "0.00")}; {Evaluations} of {GridCells} pairs evaluated";

    static string Round(string number, string format) =>
        double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString(format, CultureInfo.InvariantCulture)
            : number;
}

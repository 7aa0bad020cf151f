using System.Globalization;
using System.Text.Json;

namespace Bomax.Tasks;

/// <summary>
/// The decision of a study as the engine reports it (the <c>result</c> message, and the file that
/// <c>--result</c> writes). Numbers stay the text the engine wrote, ready to be MSBuild properties.
/// </summary>
internal sealed record StudyResult(
    string Study, string Checkpoint, string CheckpointPath, string Step, string Score, string Low, string High, string ProbabilityBest,
    int Evaluations, int NewEvaluations, int GridCells, string End, string Spec, string Journal, string Summary)
{
    /// <summary>How far below the best average the pick is expected to fall ("" from an engine that did not say).</summary>
    public string ExpectedShortfall { get; init; } = "";

    /// <summary>The result in <paramref name="o"/>, or null when it lacks the checkpoint or its numbers.</summary>
    public static StudyResult? From(JsonElement o)
    {
        if (Json.String(o, "checkpoint") is not { Length: > 0 } checkpoint
            || Json.Number(o, "score") is not { } score || Json.Number(o, "prob_best") is not { } probability)
            return null;
        return new StudyResult(Json.String(o, "study") ?? "", checkpoint, Json.String(o, "checkpoint_path") ?? checkpoint, Json.Number(o, "step") ?? "", score,
            Json.Number(o, "low") ?? score, Json.Number(o, "high") ?? score, probability,
            Json.Int(o, "evaluations"), Json.Int(o, "new_evaluations"), Json.Int(o, "grid_cells"), Json.String(o, "end") ?? "",
            Json.String(o, "spec") ?? "", Json.String(o, "journal") ?? "", Json.String(o, "summary") ?? "")
        {
            ExpectedShortfall = Json.Number(o, "expected_shortfall") ?? "",
        };
    }

    /// <summary>Reads a result file; the error says what is wrong with it.</summary>
    public static (StudyResult? Result, string? Error) ReadFile(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return From(document.RootElement) is { } result ? (result, null) : (null, $"{path} has no checkpoint, score and prob_best");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return (null, $"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>One line for the build log: what was picked and how sure the study is.</summary>
    public string Describe() =>
        $"selected {Checkpoint} (step {Step}): estimated average {Round(Score, "0.0000")} (95% interval {Round(Low, "0.0000")} – {Round(High, "0.0000")}), "
        + $"P(best) {Round(ProbabilityBest, "0.00")}; {Evaluations} of {GridCells} pairs evaluated";

    static string Round(string number, string format) =>
        double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value.ToString(format, CultureInfo.InvariantCulture) : number;
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bomax.Cli.Study;

namespace Bomax.Cli.Reports;

/// <summary>
/// The decision as one JSON object: the <c>result</c> message of <c>--messages json</c> and the file
/// that <c>--result PATH</c> writes. Its fields are a contract with tools that read it without the engine
/// (the MSBuild task reads the file back when a study is up to date): add fields, never rename them.
/// </summary>
internal static class ResultJson
{
    /// <summary>Bumped only when a field changes meaning.</summary>
    public const int Format = 1;

    /// <summary>The <c>end</c> field: why the run stopped.</summary>
    public static string End(RunEnd end) => end switch
    {
        RunEnd.BudgetSpent => "budget-spent",
        RunEnd.Confident => "confident",
        RunEnd.NearBest => "near-best",
        RunEnd.TimeLimit => "time-limit",
        RunEnd.GridExhausted => "grid-exhausted",
        RunEnd.EvaluationsFailing => "evaluations-failing",
        _ => "interrupted",
    };

    /// <param name="checkpointPath">The pick's path as the spec resolved it (absolute when it exists beside the spec).</param>
    public static JsonObject From(StudyReport report, ReportPaths paths, string end, int newEvaluations, string checkpointPath) => new()
    {
        ["type"] = "result",
        ["format"] = Format,
        ["study"] = report.Study,
        ["checkpoint"] = report.Pick.Name,
        ["checkpoint_path"] = checkpointPath,
        ["step"] = report.Pick.Step,
        ["score"] = report.Pick.Estimate,
        ["low"] = report.Pick.Low,
        ["high"] = report.Pick.High,
        ["prob_best"] = report.Pick.ProbabilityBest,
        ["expected_shortfall"] = report.Pick.ExpectedShortfall,
        ["evaluations"] = report.Evaluations,
        ["new_evaluations"] = newEvaluations,
        ["grid_cells"] = report.GridCells,
        ["end"] = end,
        ["spec"] = Path.GetFullPath(report.SpecPath),
        ["journal"] = Path.GetFullPath(report.JournalPath),
        ["summary"] = paths.Markdown,
        ["report_html"] = paths.Html,
    };

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/> whole or not at all (a new file renamed over the old).</summary>
    public static void Write(string path, JsonObject result)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temporary, result.ToJsonString(new JsonSerializerOptions(Output.JsonMessages.Options) { WriteIndented = true }) + "\n", new UTF8Encoding(false));
        File.Move(temporary, full, overwrite: true);
    }
}

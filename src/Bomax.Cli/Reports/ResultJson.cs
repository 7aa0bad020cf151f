using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bomax.Cli.Study;

namespace Bomax.Cli.Reports;

/// <summary>
/// The decision as one JSON object: the <c>result</c> message of <c>--messages json</c> and the file
/// that <c>--result PATH</c> writes. Its fields (<c>src/Protocol/BomaxProtocol.cs</c>) are a contract with tools that read it without the engine
/// (the MSBuild task reads the file back when a study is up to date): add fields, never rename them.
/// </summary>
internal static class ResultJson
{
    /// <summary>The <c>end</c> field: why the run stopped.</summary>
    public static string End(RunEnd end) => end switch
    {
        RunEnd.BudgetSpent or RunEnd.EvaluationTimeSpent => RunEnds.BudgetSpent, // a budget either way: the protocol's ends stay as they are
        RunEnd.Confident => RunEnds.Confident,
        RunEnd.NearBest => RunEnds.NearBest,
        RunEnd.TimeLimit => RunEnds.TimeLimit,
        RunEnd.GridExhausted => RunEnds.GridExhausted,
        RunEnd.EvaluationsFailing => RunEnds.EvaluationsFailing,
        _ => RunEnds.Interrupted,
    };

    /// <param name="checkpointPath">The pick's path as the spec resolved it (absolute when it exists beside the spec).</param>
    public static JsonObject From(StudyReport report, ReportPaths paths, string end, int newEvaluations, string checkpointPath) => new()
    {
        [MessageFields.Type] = MessageTypes.Result,
        [ResultFields.Format] = ResultFields.FormatVersion,
        [ResultFields.Study] = report.Study,
        [ResultFields.Checkpoint] = report.Pick.Name,
        [ResultFields.CheckpointPath] = checkpointPath,
        [ResultFields.Step] = report.Pick.Step,
        [ResultFields.Score] = report.Pick.Estimate,
        [ResultFields.Low] = report.Pick.Low,
        [ResultFields.High] = report.Pick.High,
        [ResultFields.ProbabilityBest] = report.Pick.ProbabilityBest,
        [ResultFields.ExpectedShortfall] = report.Pick.ExpectedShortfall,
        [ResultFields.HeldOutCheck] = report.HeldOutCheck,
        [ResultFields.Evaluations] = report.Evaluations,
        [ResultFields.NewEvaluations] = newEvaluations,
        [ResultFields.GridCells] = report.GridCells,
        [ResultFields.End] = end,
        [ResultFields.Spec] = Path.GetFullPath(report.SpecPath),
        [ResultFields.Journal] = Path.GetFullPath(report.JournalPath),
        [ResultFields.Summary] = paths.Markdown,
        [ResultFields.ReportHtml] = paths.Html,
    };

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/> whole or not at all (a new file renamed over the old).</summary>
    public static void Write(string path, JsonObject result)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temporary, result.ToJsonString(new JsonSerializerOptions(Output.JsonMessages.Options) { WriteIndented = true }) + "\n",
            new UTF8Encoding(false));
        File.Move(temporary, full, overwrite: true);
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bomax.Cli.Study;

namespace Bomax.Cli.Output;

/// <summary>
/// The machine-readable channel of <c>bomax run --messages json</c>: one JSON object per line on
/// <paramref name="writer"/> (stdout), each with a <c>type</c>: <c>progress</c>, <c>info</c>,
/// <c>warning</c> and <c>error</c> carry a <c>message</c>; <c>spec-error</c> carries <c>file</c>,
/// <c>line</c>, <c>column</c>, <c>field</c> and <c>message</c>; <c>result</c> is the decision
/// (see <see cref="Reports.ResultJson"/>). A tool such as the MSBuild task reads these instead of the
/// human text, which then goes to stderr. Thread-safe: evaluations report from several threads.
/// </summary>
internal sealed class JsonMessages(TextWriter writer)
{
    /// <summary>The <c>reason</c> of an <c>error</c> message, one per exit code (see <see cref="ExitCodes"/>).</summary>
    public static class Reasons
    {
        public const string Usage = "usage";
        public const string EvaluationsFailing = "evaluations-failing";
        public const string Interrupted = "interrupted";
    }

    /// <summary>Non-ASCII text (×, –) as it is, not escaped: the lines stay readable in a log.</summary>
    internal static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly object gate = new();

    public void Progress(string message) => Text("progress", message);
    public void Info(string message) => Text("info", message);
    public void Warning(string message) => Text("warning", message);

    public void Error(string reason, string message) =>
        Write(new JsonObject { ["type"] = "error", ["reason"] = reason, ["message"] = message });

    /// <summary>A spec problem, its file made absolute so an IDE or a build log can open it.</summary>
    public void SpecError(SpecError error) => Write(new JsonObject
    {
        ["type"] = "spec-error",
        ["file"] = error.File.Length == 0 ? "" : Path.GetFullPath(error.File),
        ["line"] = error.Line,
        ["column"] = error.Column,
        ["field"] = error.Field,
        ["message"] = error.Message,
    });

    public void Result(JsonObject result) => Write(result);

    void Text(string type, string message) => Write(new JsonObject { ["type"] = type, ["message"] = message });

    void Write(JsonObject message)
    {
        lock (gate)
        {
            writer.WriteLine(message.ToJsonString(Options));
            writer.Flush();
        }
    }
}

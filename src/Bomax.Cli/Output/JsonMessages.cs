using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bomax.Cli.Study;

namespace Bomax.Cli.Output;

/// <summary>
/// The machine-readable channel of <c>bomax run --messages json</c> (its names: <c>src/Protocol/BomaxProtocol.cs</c>): one JSON object per line on
/// <paramref name="writer"/> (stdout), each with a <c>type</c>: <c>progress</c>, <c>info</c>,
/// <c>warning</c> and <c>error</c> carry a <c>message</c>; <c>spec-error</c> carries <c>file</c>,
/// <c>line</c>, <c>column</c>, <c>field</c> and <c>message</c>; <c>result</c> is the decision
/// (see <see cref="Reports.ResultJson"/>). A tool such as the MSBuild task reads these instead of the
/// human text, which then goes to stderr. Thread-safe: evaluations report from several threads.
/// </summary>
internal sealed class JsonMessages(TextWriter writer)
{
    /// <summary>Non-ASCII text (×, –) as it is, not escaped: the lines stay readable in a log.</summary>
    internal static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly object gate = new();

    public void Progress(string message) => Text(MessageTypes.Progress, message);
    public void Info(string message) => Text(MessageTypes.Info, message);
    public void Warning(string message) => Text(MessageTypes.Warning, message);

    /// <param name="reason">One of <see cref="ErrorReasons"/>.</param>
    public void Error(string reason, string message) =>
        Write(new JsonObject { [MessageFields.Type] = MessageTypes.Error, [MessageFields.Reason] = reason, [MessageFields.Message] = message });

    /// <summary>A spec problem, its file made absolute so an IDE or a build log can open it.</summary>
    public void SpecError(SpecError error) => Write(new JsonObject
    {
        [MessageFields.Type] = MessageTypes.SpecError,
        [MessageFields.File] = error.File.Length == 0 ? "" : Path.GetFullPath(error.File),
        [MessageFields.Line] = error.Line,
        [MessageFields.Column] = error.Column,
        [MessageFields.Field] = error.Field,
        [MessageFields.Message] = error.Message,
    });

    public void Result(JsonObject result) => Write(result);

    void Text(string type, string message) => Write(new JsonObject { [MessageFields.Type] = type, [MessageFields.Message] = message });

    void Write(JsonObject message)
    {
        lock (gate)
        {
            writer.WriteLine(message.ToJsonString(Options));
            writer.Flush();
        }
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bomax.Cli.Study;

namespace Bomax.Cli.Output;

/// <summary>
/// The machine-readable channel of <c>bomax run --messages json</c> (its names: <c>src/Protocol/BomaxProtocol.cs</c>): one JSON object per line on
/// <paramref name="writer"/> (stdout), each with a <c>type</c>: <c>progress</c>, <c>info</c>,
/// <c>warning</c> and <c>error</c> carry a <c>message</c> (a usage <c>error</c> also its <c>option</c>,
/// if any); <c>spec-error</c> carries <c>file</c>, <c>line</c> and <c>column</c> (left out for the file as a whole),
/// <c>field</c> and <c>message</c>; <c>result</c> is the decision
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
    /// <param name="option">The command-line option a usage error is about (<c>--budget</c>), left out when none.</param>
    public void Error(string reason, string message, string? option = null)
    {
        var error = new JsonObject { [MessageFields.Type] = MessageTypes.Error, [MessageFields.Reason] = reason };
        if (option is not null) error[MessageFields.Option] = option;
        error[MessageFields.Message] = message;
        Write(error);
    }

    /// <summary>A spec problem, its file made absolute so an IDE or a build log can open it. A problem with the file as a whole
    /// (not found, unreadable) has no line and column: they are left out rather than written as 0, which is no position.</summary>
    public void SpecError(SpecError error)
    {
        var message = new JsonObject
        {
            [MessageFields.Type] = MessageTypes.SpecError,
            [MessageFields.File] = error.File.Length == 0 ? "" : Path.GetFullPath(error.File),
        };
        if (error.Line > 0)
        {
            message[MessageFields.Line] = error.Line;
            message[MessageFields.Column] = error.Column;
        }
        message[MessageFields.Field] = error.Field;
        message[MessageFields.Message] = error.Message;
        Write(message);
    }

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

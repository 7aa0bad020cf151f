using System.Text.Json;

namespace Bomax.Tasks;

/// <summary>
/// One line of <c>bomax run --messages json</c>, parsed. Unknown types are kept as <see cref="Other"/>
/// so a newer engine never breaks an older task; a line that is not JSON is <see cref="Text"/>.
/// </summary>
internal abstract record BomaxMessage
{
    private BomaxMessage() { }

    public sealed record Progress(string Message) : BomaxMessage;
    public sealed record Info(string Message) : BomaxMessage;
    public sealed record Warning(string Message) : BomaxMessage;
    /// <summary>A spec problem at a 1-based line and column of <paramref name="File"/> (0, or absent from the message, when it is
    /// about the file as a whole).</summary>
    public sealed record SpecError(string File, int Line, int Column, string Field, string Message) : BomaxMessage;
    /// <summary>Why the run stopped without a pick: one of <see cref="ErrorReasons"/>; for a usage error about one option,
    /// that option (<c>--budget</c>), else empty.</summary>
    public sealed record Error(string Reason, string Message, string Option = "") : BomaxMessage;
    public sealed record Result(StudyResult Study) : BomaxMessage;
    public sealed record Other(string Type, string Line) : BomaxMessage;
    public sealed record Text(string Line) : BomaxMessage;

    /// <summary>Parses one stdout line of bomax.</summary>
    public static BomaxMessage Parse(string line)
    {
        if (!line.TrimStart().StartsWith('{')) return new Text(line);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new Text(line);
            string type = Json.String(root, MessageFields.Type) ?? "";
            string message = Json.String(root, MessageFields.Message) ?? "";
            return type switch
            {
                MessageTypes.Progress => new Progress(message),
                MessageTypes.Info => new Info(message),
                MessageTypes.Warning => new Warning(message),
                MessageTypes.SpecError => new SpecError(Json.String(root, MessageFields.File) ?? "", Json.Int(root, MessageFields.Line),
                    Json.Int(root, MessageFields.Column), Json.String(root, MessageFields.Field) ?? "", message),
                MessageTypes.Error => new Error(Json.String(root, MessageFields.Reason) ?? "", message,
                    Json.String(root, MessageFields.Option) ?? ""),
                MessageTypes.Result => StudyResult.From(root) is { } result ? new Result(result) : new Other(type, line),
                _ => new Other(type, line),
            };
        }
        catch (JsonException)
        {
            return new Text(line);
        }
    }
}

/// <summary>Reading fields of a JSON object leniently: a missing or mistyped field is null or 0.</summary>
internal static class Json
{
    public static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int Int(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : 0;

    /// <summary>A number exactly as bomax wrote it (no reformatting through double), or null.</summary>
    public static string? Number(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;
}

namespace Bomax.Tasks;

/// <summary>What the task asks of bomax; empty strings mean "as the spec says".</summary>
internal sealed record BomaxRunOptions(string ToolPath, string Spec, string ResultPath, string Budget, string Device, bool Comment, string ReportDirectory);

/// <summary>The argument list of <c>dotnet bomax.dll run</c> for a build: JSON-lines messages and a result file, always.</summary>
internal static class BomaxArguments
{
    public static IReadOnlyList<string> For(BomaxRunOptions options)
    {
        var arguments = new List<string>
        {
            options.ToolPath, "run", options.Spec,
            "--messages", "json",
            "--result", options.ResultPath,
            "--comment", options.Comment ? "upsert" : "off",
        };
        if (options.Budget.Trim() is { Length: > 0 } budget) arguments.AddRange(["--budget", budget]);
        if (options.Device.Trim() is { Length: > 0 } device) arguments.AddRange(["--device", device]);
        if (options.ReportDirectory.Trim() is { Length: > 0 } reports) arguments.AddRange(["--output", reports]);
        return arguments;
    }
}

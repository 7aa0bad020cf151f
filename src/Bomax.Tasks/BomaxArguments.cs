namespace Bomax.Tasks;

/// <summary>What the task asks of bomax; empty strings mean "as the spec says".</summary>
internal sealed record BomaxRunOptions(string ToolPath, string Spec, string ResultPath, string Budget, string Device, bool Comment,
    string ReportDirectory);

/// <summary>The argument list of <c>dotnet bomax.dll run</c> for a build: JSON-lines messages and a result file, always.</summary>
internal static class BomaxArguments
{
    const string BudgetOption = "--budget", DeviceOption = "--device", OutputOption = "--output";

    /// <summary>
    /// The MSBuild property (Bomax.Ci.props) that the task passed as <paramref name="option"/>, or null for an option the build does
    /// not set from one. Bomax reports a bad value by its option; the build names the property the user wrote instead.
    /// </summary>
    public static string? PropertyOf(string option) => option switch
    {
        BudgetOption => "BomaxBudget",
        DeviceOption => "BomaxDevice",
        OutputOption => "BomaxReport",
        _ => null,
    };

    public static IReadOnlyList<string> For(BomaxRunOptions options)
    {
        var arguments = new List<string>
        {
            options.ToolPath, "run", options.Spec,
            "--messages", "json",
            "--result", options.ResultPath,
            "--comment", options.Comment ? "upsert" : "off",
        };
        if (options.Budget.Trim() is { Length: > 0 } budget) arguments.AddRange([BudgetOption, budget]);
        if (options.Device.Trim() is { Length: > 0 } device) arguments.AddRange([DeviceOption, device]);
        if (options.ReportDirectory.Trim() is { Length: > 0 } reports) arguments.AddRange([OutputOption, reports]);
        return arguments;
    }
}

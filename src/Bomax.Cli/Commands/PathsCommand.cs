using System.CommandLine;
using Bomax.Cli.GitHub;
using Bomax.Cli.Output;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Commands;

/// <summary>
/// <c>bomax paths SPEC</c>: where a study keeps its journal and reports, as <c>name=value</c> lines (and, under
/// GitHub Actions, step outputs), so a CI step can cache, merge or upload them before anything is evaluated.
/// </summary>
internal static class PathsCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "The study spec (YAML)." };
        var command = new Command("paths",
            "Print the study's name, journal path and report directory (name=value lines; step outputs under GitHub Actions).")
        {
            spec,
        };
        command.SetAction(parse => Print(Terminal.Of(parse), parse.GetValue(spec)!));
        return command;
    }

    static int Print(Terminal io, string specPath)
    {
        if (StudyCommands.Load(io, specPath) is not { } study) return ExitCodes.UsageError;
        var paths = Of(study.Spec.Name, study.Spec.JournalPath);
        foreach (var (name, value) in paths) io.Out.WriteLine($"{name}={value}");
        var environment = ActionsEnvironment.FromProcess();
        if (environment.IsActions && environment.OutputPath is { } outputPath) ActionsFiles.AppendOutputs(outputPath, paths);
        return ExitCodes.Success;
    }

    /// <summary>The study's paths as output name to value, in a fixed order.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Of(string study, string journalPath) =>
    [
        new(ActionsOutputNames.Study, study),
        new(ActionsOutputNames.JournalPath, Path.GetFullPath(journalPath)),
        new(ActionsOutputNames.ReportDirectory, ReportPaths.For(journalPath, study).Directory),
    ];
}

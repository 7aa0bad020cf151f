using System.CommandLine;
using Bomax.Cli;
using Bomax.Cli.Commands;

var root = new RootCommand("bomax: pick the best checkpoint of a training run while evaluating a few percent of the checkpoint × benchmark grid.")
{
    InitCommand.Create(),
    StudyCommands.Run(),
    StudyCommands.Suggest(),
    StudyCommands.Record(),
    StudyCommands.ReportCommand(),
    CheckCommand.Create(),
    StudyCommands.JournalCommand(),
    PathsCommand.Create(),
    ReplayCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"bomax: {error.Message}");
    Console.Error.WriteLine("Run 'bomax --help' for usage.");
    return ExitCodes.UsageError;
}
return await parsed.InvokeAsync();

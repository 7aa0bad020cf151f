using System.CommandLine;
using Bomax.Cli;
using Bomax.Cli.Commands;
using Bomax.Cli.GitHub;
using Bomax.Cli.Hosting;

// Everything printed passes one guard: credentials removed, and under Actions no line a name or an API's text
// produced can start a workflow command.
OutputGuard.Install();
// LibTorch's growing matrices would fragment glibc's heap over a long study (see NativeAllocator).
NativeAllocator.MapLargeBlocksApart();

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
if (parsed.CommandResult.Command.Options.OfType<Option<string?>>().FirstOrDefault(o => o.Name == "--github-token") is { } tokenOption)
    Redaction.Register(parsed.GetValue(tokenOption));
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"bomax: {error.Message}");
    Console.Error.WriteLine("Run 'bomax --help' for usage.");
    return ExitCodes.UsageError;
}
return await parsed.InvokeAsync();

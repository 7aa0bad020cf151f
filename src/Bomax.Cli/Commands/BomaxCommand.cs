using System.CommandLine;
using Bomax.Cli.GitHub;

namespace Bomax.Cli.Commands;

/// <summary>
/// The <c>bomax</c> command line: every command, parsed and invoked with the writers of a <see cref="Output.Terminal"/> and a
/// clock. The process calls it with the console's and the system's; tests call it in-process with string writers and fake time.
/// </summary>
internal static class BomaxCommand
{
    /// <param name="time">The clock the commands read (leases, record times, a report's date): the system's, or a fake one in tests.</param>
    public static RootCommand Create(TimeProvider time) => new("bomax: pick the best checkpoint of a training run while evaluating a few percent of the checkpoint × benchmark grid.")
    {
        InitCommand.Create(),
        StudyCommands.Run(time),
        StudyCommands.Suggest(time),
        StudyCommands.Record(time),
        StudyCommands.ReportCommand(time),
        CheckCommand.Create(),
        StudyCommands.JournalCommand(),
        PathsCommand.Create(),
        ReplayCommand.Create(),
    };

    /// <summary>Parses <paramref name="args"/> and runs the command: its exit code, or <see cref="ExitCodes.UsageError"/> with every
    /// parse error on <paramref name="io"/>'s error writer.</summary>
    public static async Task<int> InvokeAsync(string[] args, Output.Terminal io, TimeProvider? time = null, CancellationToken cancel = default)
    {
        var parsed = Create(time ?? TimeProvider.System).Parse(args);
        if (parsed.CommandResult.Command.Options.OfType<Option<string?>>().FirstOrDefault(o => o.Name == "--github-token") is { } tokenOption)
            Redaction.Register(parsed.GetValue(tokenOption));
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) io.Error.WriteLine($"bomax: {error.Message}");
            io.Error.WriteLine("Run 'bomax --help' for usage.");
            return ExitCodes.UsageError;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, cancel);
    }
}

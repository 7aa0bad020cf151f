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
    public static RootCommand Create(TimeProvider time) => OptionValues.ReadInWords(new RootCommand(
        "bomax: pick the best checkpoint of a training run while evaluating a few percent of the checkpoint × benchmark grid.")
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
    });

    /// <summary>Parses <paramref name="args"/> and runs the command: its exit code, or <see cref="ExitCodes.UsageError"/> with every
    /// mistake in the command line on <paramref name="io"/>'s error writer (<see cref="UsageErrors"/>), and as <c>error</c> messages
    /// on its output when the line asked for <c>--messages json</c>, so a tool reading those learns which option was wrong.</summary>
    public static async Task<int> InvokeAsync(string[] args, Output.Terminal io, TimeProvider? time = null, CancellationToken cancel = default)
    {
        var parsed = Create(time ?? TimeProvider.System).Parse(args);
        if (parsed.CommandResult.Command.Options.OfType<Option<string?>>().FirstOrDefault(o => o.Name == "--github-token") is { } tokenOption)
            Redaction.Register(parsed.GetValue(tokenOption));
        if (parsed.Errors.Count > 0)
        {
            var json = AsksForJsonMessages(parsed) ? new Output.JsonMessages(io.Out) : null;
            foreach (var error in UsageErrors.Of(parsed))
            {
                io.Error.WriteLine($"bomax: {error.Message}");
                json?.Error(ErrorReasons.Usage, error.Message, error.Option);
            }
            io.Error.WriteLine($"Run '{UsageErrors.CommandPath(parsed.CommandResult)} --help' for usage.");
            return ExitCodes.UsageError;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, cancel);
    }

    /// <summary>Whether the line gave <c>--messages json</c>, read from its tokens (its value may not have been converted).</summary>
    static bool AsksForJsonMessages(ParseResult parsed) =>
        parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--messages") is { } messages
        && parsed.GetResult(messages) is { Tokens: [.., { Value: "json" }] };
}

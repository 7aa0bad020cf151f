using System.CommandLine;
using System.CommandLine.Parsing;
using Bomax.Cli.Study;

namespace Bomax.Cli.Commands;

/// <summary>One mistake on the command line, in words, and the option it is about (null: none), so a tool that set that
/// option from a setting of its own (the MSBuild task's <c>BomaxBudget</c>) can name its setting instead.</summary>
internal sealed record UsageError(string Message, string? Option = null);

/// <summary>
/// System.CommandLine's parse errors as bomax says them. The library reports a mistyped command as "Required command was not
/// provided" plus "Unrecognized command or argument 'rnu'", and a mistyped option's value as a second unrecognized argument.
/// Its own typo corrections (<c>ParseErrorAction.ShowTypoCorrections</c>) write "'rnu' was not matched. Did you mean one of
/// the following?" to standard output, then the whole help, and exit 1: output a script may be reading, and not the usage
/// exit code. So the errors that come from unmatched tokens and missing commands are said again from the parse itself
/// (<see cref="ParseResult.UnmatchedTokens"/>, the command they were given to), with <see cref="DidYouMean"/>'s suggestion;
/// option values arrive already in words (<see cref="OptionValues"/>, <see cref="SettingWords{T}"/>).
/// </summary>
internal static class UsageErrors
{
    /// <summary>What is wrong with the command line <paramref name="parse"/> read, in the order given; empty when nothing is.</summary>
    public static IReadOnlyList<UsageError> Of(ParseResult parse)
    {
        var command = parse.CommandResult;
        var errors = Unmatched(parse.UnmatchedTokens, command).ToList();
        if (IsGroup(command.Command) && parse.UnmatchedTokens.Count == 0)
            errors.Add(new($"no command given{After(command)}: one of {string.Join(", ", Visible(command.Command.Subcommands))}"));
        var fromSymbols = parse.Errors.Where(e => e.SymbolResult is not CommandResult).Select(e => Said(e, command)).ToList();
        // The library's errors about a command are those said again above; should it ever add another, it is kept as it is.
        if (errors.Count == 0) errors.AddRange(parse.Errors.Where(e => e.SymbolResult is CommandResult).Select(e => new UsageError(e.Message)));
        return [.. errors, .. fromSymbols];
    }

    /// <summary>"bomax run": the command the line was read as far as, for "Run 'bomax run --help'".</summary>
    public static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (var at = command; at is not null; at = at.Parent as CommandResult)
            names.Insert(0, at.Parent is null ? "bomax" : at.Command.Name);
        return string.Join(" ", names);
    }

    /// <summary>The tokens no command, option or argument took: unknown options, unknown commands and extra arguments. A word
    /// right after an unknown option is taken as that option's value and not reported again.</summary>
    static IEnumerable<UsageError> Unmatched(IReadOnlyList<string> tokens, CommandResult command)
    {
        bool afterUnknownOption = false;
        foreach (var token in tokens)
        {
            if (IsOptionLike(token))
            {
                string name = token.Split('=', 2)[0];
                yield return new(WithHint($"unknown option '{name}'", name, OptionNames(command)), name);
                afterUnknownOption = !token.Contains('=');
            }
            else if (afterUnknownOption) afterUnknownOption = false;
            else if (IsGroup(command.Command))
                yield return new(WithHint($"unknown command '{token}'{After(command)}", token, CommandNames(command.Command)));
            else yield return new($"unexpected argument '{token}'");
        }
    }

    /// <summary>An error about an option or an argument: a missing value or argument in words, any other as it is.</summary>
    static UsageError Said(ParseError error, CommandResult command) => error.SymbolResult switch
    {
        OptionResult { IdentifierToken: null } option => new($"{option.Option.Name} is required", option.Option.Name),
        OptionResult { Tokens.Count: 0 } option => new($"{option.Option.Name} needs a value", option.Option.Name),
        OptionResult option => new(error.Message, option.Option.Name),
        ArgumentResult { Tokens.Count: 0 } argument => new($"missing <{argument.Argument.Name}>: {CommandPath(command)} <{argument.Argument.Name}>"),
        _ => new(error.Message),
    };

    static string WithHint(string message, string given, IEnumerable<string> known) =>
        DidYouMean.Suggest(given, known) is { Length: > 0 } hint ? $"{message}; {hint}" : message;

    /// <summary>" after 'journal'" for a subcommand, so "unknown command 'mrege' after 'journal'" says where it was looked for.</summary>
    static string After(CommandResult command) => command.Parent is null ? "" : $" after '{command.Command.Name}'";

    /// <summary>A command that only holds commands: given alone, it needs one of them.</summary>
    static bool IsGroup(Command command) => command.Subcommands.Count > 0 && command.Action is null;

    static bool IsOptionLike(string token) => token.Length > 1 && token[0] == '-' && !char.IsAsciiDigit(token[1]) && token[1] != '.';

    static IEnumerable<string> Visible(IEnumerable<Command> commands) => commands.Where(c => !c.Hidden).Select(c => c.Name);

    static IEnumerable<string> CommandNames(Command command) =>
        command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));

    /// <summary>The options the command takes: its own and those its parents pass down (<c>--help</c>).</summary>
    static IEnumerable<string> OptionNames(CommandResult command)
    {
        var options = command.Command.Options.AsEnumerable();
        for (var parent = command.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
            options = options.Concat(parent.Command.Options.Where(o => o.Recursive));
        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name).Where(a => a.StartsWith('-')));
    }
}

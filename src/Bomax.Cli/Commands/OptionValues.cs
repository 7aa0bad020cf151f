using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Bomax.Cli.Study;

namespace Bomax.Cli.Commands;

/// <summary>
/// Option values read with errors in words. System.CommandLine's own conversion says "Cannot parse argument 'abc' for option
/// '--count' as expected type 'System.Int32'", which names a .NET type instead of what to write; its hook for that is a
/// parser of the option's own (<c>CustomParser</c>), whose error becomes the parse error. <see cref="ReadInWords"/> gives
/// one to every whole-number and number option of a command tree, so no option is missed and a new one is covered as it is
/// added; the helpers below make the options whose values have a grammar of their own (durations, budgets, fixed words).
/// </summary>
internal static class OptionValues
{
    /// <summary>Gives every <c>int</c>, <c>int?</c>, <c>double</c> and <c>double?</c> option of <paramref name="command"/> and its
    /// subcommands that has no parser of its own one whose error says, in words, what was expected.</summary>
    public static T ReadInWords<T>(T command) where T : Command
    {
        foreach (var option in command.Options) ReadInWords(option);
        foreach (var subcommand in command.Subcommands) ReadInWords(subcommand);
        return command;
    }

    static void ReadInWords(Option option)
    {
        switch (option)
        {
            case Option<int> { CustomParser: null } whole: whole.CustomParser = result => WholeNumber(result, whole.Name) ?? 0; break;
            case Option<int?> { CustomParser: null } whole: whole.CustomParser = result => WholeNumber(result, whole.Name); break;
            case Option<double> { CustomParser: null } number: number.CustomParser = result => Number(result, number.Name) ?? 0; break;
            case Option<double?> { CustomParser: null } number: number.CustomParser = result => Number(result, number.Name); break;
        }
    }

    static int? WholeNumber(ArgumentResult result, string name) => Read(result, name, WholeNumberProblem,
        text => int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    static double? Number(ArgumentResult result, string name) => Read(result, name, NumberProblem,
        text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>The last token's value, or null with the error "<paramref name="name"/> PROBLEM" added to the parse.</summary>
    static TValue? Read<TValue>(ArgumentResult result, string name, Func<string, string?> problem, Func<string, TValue> value) where TValue : struct
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (problem(text) is { } why)
        {
            result.AddError($"{name} {why}");
            return null;
        }
        return value(text);
    }

    /// <summary>Why <paramref name="text"/> is not a whole number (an <c>int</c>, written plainly), or null when it is one.</summary>
    internal static string? WholeNumberProblem(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) || IsDigits(text.TrimStart('-', '+'))
            ? $"'{text}' is out of range: expected a whole number from {int.MinValue} to {int.MaxValue}"
        : $"'{text}' is not a whole number";

    /// <summary>Why <paramref name="text"/> is not a finite number (0.5, 1e-3), or null when it is one.</summary>
    internal static string? NumberProblem(string text) =>
        !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? $"'{text}' is not a number"
        : !double.IsFinite(value) ? $"'{text}' is not a finite number"
        : null;

    static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    /// <summary>An option holding a duration longer than 0 (<c>90s</c>, <c>10m</c>, <c>1h30m</c>), refused in words at parse time.</summary>
    public static Option<TimeSpan?> PositiveDuration(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (!Durations.TryParse(text, out var value, out string error)) result.AddError($"{name} {error}");
            else if (value <= TimeSpan.Zero) result.AddError($"{name} '{text}' must be longer than 0");
            else return value;
            return null;
        },
    };

    /// <summary>An option holding a budget as the spec's <c>max-evals</c> reads it (<see cref="BudgetSpec.ReadMaxEvals"/>), refused
    /// at parse time, so a bad budget is a usage error even before the spec is read.</summary>
    public static Option<string?> Budget(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (BudgetSpec.ReadMaxEvals(text).Problem is not { } problem) return text;
            result.AddError($"{name} '{text}' is not a budget: {problem}");
            return null;
        },
    };

    /// <summary>Lets <paramref name="option"/> take only one of <paramref name="words"/> (and completes them), refusing any
    /// other with the list and the nearest word; in place of the library's <c>AcceptOnlyFromAmong</c>, whose error is a
    /// tab-indented list without the option's name.</summary>
    public static Option<string> OneOf(this Option<string> option, params string[] words)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0 || words.Contains(result.Tokens[^1].Value)) return;
            string text = result.Tokens[^1].Value;
            string hint = DidYouMean.Suggest(text, words);
            result.AddError($"{option.Name} '{text}' is not one of {string.Join(", ", words)}" + (hint.Length > 0 ? $"; {hint}" : ""));
        });
        option.CompletionSources.Add(words);
        return option;
    }
}

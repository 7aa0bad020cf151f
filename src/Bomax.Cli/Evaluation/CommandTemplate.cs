using System.Text;
using System.Text.RegularExpressions;

namespace Bomax.Cli.Evaluation;

/// <summary>The outcome of turning a command template into something runnable: the value, or why not.</summary>
internal abstract record TemplateResult<T>
{
    private TemplateResult() { }

    public sealed record Ok(T Value) : TemplateResult<T>;
    public sealed record Invalid(string Message) : TemplateResult<T>;
}

/// <summary>
/// The user's eval command, e.g. <c>lm_eval --model hf --model_args pretrained={checkpoint_path}
/// --tasks {benchmark} --output_path {output_dir}</c>, with the placeholders <c>{checkpoint}</c>,
/// <c>{checkpoint_path}</c>, <c>{step}</c>, <c>{benchmark}</c> and <c>{output_dir}</c>.
/// <para>
/// Values never become code: <see cref="ToArguments"/> splits the template into words before it
/// substitutes, so a value lands inside exactly one argument; <see cref="ToBashScript"/> puts no value
/// into the script at all, only quoted references to the <c>BOMAX_*</c> environment variables that the
/// runner sets. Text in braces that is not a known placeholder is left as it is.
/// </para>
/// </summary>
internal static partial class CommandTemplate
{
    public const string Checkpoint = "checkpoint";
    public const string CheckpointPath = "checkpoint_path";
    public const string Step = "step";
    public const string Benchmark = "benchmark";
    public const string OutputDir = "output_dir";

    /// <summary>The placeholders, in the order of the documentation.</summary>
    public static readonly IReadOnlyList<string> Placeholders =
        [Checkpoint, CheckpointPath, Step, Benchmark, OutputDir];

    /// <summary>The environment variable that carries a placeholder's value: <c>BOMAX_CHECKPOINT_PATH</c> etc.</summary>
    public static string EnvironmentVariable(string placeholder) => "BOMAX_" + placeholder.ToUpperInvariant();

    /// <summary>Anything that looks like a placeholder: an identifier in braces, not preceded by '$' (bash's <c>${HOME}</c>
    /// stays as it is, in either mode). The one scanner of templates: the spec check, the argument split and the bash script.</summary>
    [GeneratedRegex(@"(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    /// <summary>The placeholders of a template that are not known (in order, once each) and the known ones it uses.</summary>
    public static (IReadOnlyList<string> Unknown, IReadOnlySet<string> Used) Scan(string template)
    {
        var unknown = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in PlaceholderPattern().Matches(template))
        {
            string name = match.Groups[1].Value;
            if (Placeholders.Contains(name)) used.Add(name);
            else if (!unknown.Contains(name)) unknown.Add(name);
        }
        return (unknown, used);
    }

    /// <summary>
    /// Splits <paramref name="template"/> into argv words the way a POSIX shell would (blanks separate
    /// words; '…' keeps everything literal; "…" keeps everything but a backslash before $ ` " \ or a
    /// newline; an unquoted backslash escapes the next character), then replaces the placeholders inside
    /// each word in one pass, so a value is never split, re-quoted or scanned for further placeholders.
    /// Shell syntax other than quoting (pipes, redirections, $VAR, globs) is not interpreted: use
    /// <c>shell: bash</c> for that.
    /// </summary>
    public static TemplateResult<IReadOnlyList<string>> ToArguments(
        string template, IReadOnlyDictionary<string, string> values)
    {
        var words = SplitWords(template, out string? error);
        if (error is not null)
            return new TemplateResult<IReadOnlyList<string>>.Invalid(error);
        if (words.Count == 0)
            return new TemplateResult<IReadOnlyList<string>>.Invalid("the eval command is empty");

        var arguments = words
            .Select(word => PlaceholderPattern().Replace(word, match =>
                Placeholders.Contains(match.Groups[1].Value) && values.TryGetValue(match.Groups[1].Value, out var value) ? value : match.Value))
            .ToList();
        return new TemplateResult<IReadOnlyList<string>>.Ok(arguments);
    }

    /// <summary>
    /// For <c>shell: bash</c>: the template as a bash script in which every placeholder is replaced by a
    /// quoted reference to its environment variable, quoted to suit where it stands: <c>"${BOMAX_STEP}"</c>
    /// outside quotes, <c>${BOMAX_STEP}</c> inside "…", and <c>'"${BOMAX_STEP}"'</c> inside '…' (the single
    /// quotes are closed around it). Bash expands a variable's value without running it, so no checkpoint
    /// name can execute anything. The quoting is tracked for '…', "…", $'…', backslashes and # comments;
    /// a placeholder inside a nested <c>$( … "…" … )</c> within double quotes may end up unquoted, which
    /// can split the value into words but still never executes it.
    /// </summary>
    public static TemplateResult<string> ToBashScript(string template)
    {
        var script = new StringBuilder(template.Length + 64);
        var state = QuoteState.None;
        int quoteStart = -1;
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (c == '{' && TryMatchPlaceholder(template, i, out string? name, out int length))
            {
                string variable = EnvironmentVariable(name);
                script.Append(state switch
                {
                    QuoteState.None => $"\"${{{variable}}}\"",
                    QuoteState.Double => $"${{{variable}}}",
                    QuoteState.Single => $"'\"${{{variable}}}\"'",
                    _ /* AnsiC */ => $"'\"${{{variable}}}\"$'",
                });
                i += length;
                continue;
            }

            switch (state)
            {
                case QuoteState.None:
                    if (c == '\\' && i + 1 < template.Length)
                    {
                        script.Append(c).Append(template[i + 1]);
                        i += 2;
                        continue;
                    }
                    if (c == '#' && (i == 0 || IsBashWordBreak(template[i - 1])))
                    {
                        // A comment runs to the end of the line; quotes in it ("don't") mean nothing.
                        int end = template.IndexOf('\n', i);
                        if (end < 0) end = template.Length;
                        script.Append(template, i, end - i);
                        i = end;
                        continue;
                    }
                    if (c == '\'')
                    {
                        state = QuoteState.Single;
                        quoteStart = i;
                    }
                    else if (c == '"')
                    {
                        state = QuoteState.Double;
                        quoteStart = i;
                    }
                    else if (c == '$' && i + 1 < template.Length && template[i + 1] == '\'')
                    {
                        script.Append("$'");
                        state = QuoteState.AnsiC;
                        quoteStart = i;
                        i += 2;
                        continue;
                    }
                    break;
                case QuoteState.Single:
                    if (c == '\'') state = QuoteState.None;
                    break;
                case QuoteState.AnsiC:
                    if (c == '\\' && i + 1 < template.Length)
                    {
                        script.Append(c).Append(template[i + 1]);
                        i += 2;
                        continue;
                    }
                    if (c == '\'') state = QuoteState.None;
                    break;
                case QuoteState.Double:
                    if (c == '\\' && i + 1 < template.Length)
                    {
                        script.Append(c).Append(template[i + 1]);
                        i += 2;
                        continue;
                    }
                    if (c == '"') state = QuoteState.None;
                    break;
            }
            script.Append(c);
            i++;
        }

        if (state != QuoteState.None)
            return new TemplateResult<string>.Invalid(UnbalancedMessage(template, state, quoteStart));
        if (string.IsNullOrWhiteSpace(template))
            return new TemplateResult<string>.Invalid("the eval command is empty");
        return new TemplateResult<string>.Ok(script.ToString());
    }

    private enum QuoteState { None, Single, Double, AnsiC }

    private static bool IsBashWordBreak(char c) => char.IsWhiteSpace(c) || c is ';' or '&' or '|' or '(' or ')';

    private static bool TryMatchPlaceholder(string text, int start, out string name, out int length)
    {
        var match = PlaceholderPattern().Match(text, start);
        bool known = match.Success && match.Index == start && Placeholders.Contains(match.Groups[1].Value);
        name = known ? match.Groups[1].Value : "";
        length = known ? match.Length : 0;
        return known;
    }

    private static List<string> SplitWords(string template, out string? error)
    {
        error = null;
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                i++;
            }
            else if (c == '\'')
            {
                int close = template.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    error = UnbalancedMessage(template, QuoteState.Single, i);
                    return words;
                }
                word.Append(template, i + 1, close - i - 1);
                inWord = true;
                i = close + 1;
            }
            else if (c == '"')
            {
                int j = i + 1;
                while (true)
                {
                    if (j >= template.Length)
                    {
                        error = UnbalancedMessage(template, QuoteState.Double, i);
                        return words;
                    }
                    char d = template[j];
                    if (d == '"')
                        break;
                    if (d == '\\' && j + 1 < template.Length && template[j + 1] is '$' or '`' or '"' or '\\' or '\n')
                    {
                        if (template[j + 1] != '\n')
                            word.Append(template[j + 1]);
                        j += 2;
                        continue;
                    }
                    word.Append(d);
                    j++;
                }
                inWord = true;
                i = j + 1;
            }
            else if (c == '\\')
            {
                if (i + 1 < template.Length)
                {
                    // Backslash-newline continues the line; any other escaped character is literal.
                    if (template[i + 1] != '\n')
                    {
                        word.Append(template[i + 1]);
                        inWord = true;
                    }
                    i += 2;
                }
                else
                {
                    word.Append(c);
                    inWord = true;
                    i++;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    private static string UnbalancedMessage(string template, QuoteState state, int position)
    {
        string quote = state switch
        {
            QuoteState.Single => "single quote (')",
            QuoteState.Double => "double quote (\")",
            _ => "$' quote",
        };
        int from = Math.Max(0, position - 20);
        string context = template.Substring(from, Math.Min(template.Length - from, 40)).ReplaceLineEndings(" ");
        return $"unbalanced quotes in the eval command: the {quote} at character {position + 1} is never "
               + $"closed (near \"{context}\")";
    }
}

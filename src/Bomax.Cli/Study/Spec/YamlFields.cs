using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>
/// Reads typed fields out of the YAML of one spec file, recording what is wrong instead of throwing: every reader returns
/// null when the value cannot be used and adds a <see cref="SpecError"/> with the file, the 1-based line and column of
/// the offending key or value, and the field's dotted path. The section readers are written on top of this, so each of
/// them says only what its keys mean; a section is whole when none of its readers returned null.
/// </summary>
internal sealed class YamlFields(string file)
{
    /// <summary>The file named in every error.</summary>
    public string File { get; } = file;

    /// <summary>Every problem recorded so far, in the order found.</summary>
    public List<SpecError> Errors { get; } = [];

    /// <summary>What is accepted but should be written otherwise (a deprecated form), in the order found.</summary>
    public List<SpecError> Warnings { get; } = [];

    public void Error(Mark mark, string field, string message) => Errors.Add(At(mark, field, message));

    public void Error(YamlNode node, string field, string message) => Error(node.Start, field, message);

    public void Warn(YamlNode node, string field, string message) => Warnings.Add(At(node.Start, field, message));

    private SpecError At(Mark mark, string field, string message) =>
        new(File, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), field, message);

    /// <summary>
    /// The known keys of a mapping; each unknown key is reported with the nearest known one ("did you mean …?"), or with
    /// the known keys when none is near. Null when the node is not a mapping: an error too, unless the node is empty and
    /// the mapping is not <paramref name="required"/>. <paramref name="expected"/> says what was expected instead of the
    /// default "a mapping with k1:, k2:".
    /// </summary>
    public YamlSection? Keys(YamlNode node, string field, IReadOnlyList<string> known, bool required, string? expected = null)
    {
        if (node is not YamlMappingNode mapping)
        {
            if (IsNull(node) && !required) return null;
            Error(node, field, $"expected {expected ?? "a mapping with " + OneOf(known.Select(k => k + ":"))}, found {Describe(node)}");
            return null;
        }
        var section = new YamlSection(mapping, field);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: not null } key || IsNull(keyNode))
            {
                Error(keyNode, field, $"keys must be names, found {Describe(keyNode)}");
                continue;
            }
            if (known.Contains(key.Value, StringComparer.Ordinal))
            {
                section.Entries[key.Value] = (key, value);
                continue;
            }
            string? closest = DidYouMean.Closest(key.Value, known);
            if (closest is not null) section.Suggested.Add(closest);
            string hint = closest is not null ? $"did you mean '{closest}'?" : $"known keys here: {OneOf(known)}";
            Error(key, Join(field, key.Value), $"unknown key '{key.Value}'; {hint}");
        }
        return section;
    }

    /// <summary>Reports a required key that is absent, at the mapping that should hold it; not when an unknown key was
    /// already answered with "did you mean '<paramref name="key"/>'?".</summary>
    public void Missing(YamlSection section, string key, string what)
    {
        if (section.Suggested.Contains(key)) return;
        Error(section.Node, section.FieldOf(key), $"missing required key '{key}' ({what})");
    }

    /// <summary>The value of a required key as written (even empty, for the reader to refuse); null, and
    /// <see cref="Missing"/> reported, when the key is absent.</summary>
    public YamlNode? Required(YamlSection section, string key, string what)
    {
        if (section.Entries.TryGetValue(key, out var entry)) return entry.Value;
        Missing(section, key, what);
        return null;
    }

    /// <summary>The text of a scalar; an error for a mapping, a list or an empty value. <paramref name="what"/> names
    /// the value expected in the message: <c>expected a duration, found a list</c>.</summary>
    public string? Text(YamlNode node, string field, string what = "a string")
    {
        if (node is YamlScalarNode scalar && !IsNull(scalar))
        {
            if (!string.IsNullOrWhiteSpace(scalar.Value)) return scalar.Value;
            Error(node, field, $"expected {what}, found an empty string");
            return null;
        }
        Error(node, field, $"expected {what}, found {Describe(node)}");
        return null;
    }

    /// <summary>The text of an optional key; null when it is absent or written without a value (no error), or wrong.</summary>
    public string? OptionalText(YamlSection? section, string key, string what = "a string") =>
        section?.Value(key) is { } node ? Text(node, section.FieldOf(key), what) : null;

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public int? Integer(YamlNode node, string field, int minimum, string what)
    {
        string? text = Text(node, field, what);
        if (text is null) return null;
        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            Error(node, field, $"expected {what}, found '{text}'");
            return null;
        }
        if (value >= minimum) return value;
        Error(node, field, $"must be at least {minimum}, found {value}");
        return null;
    }

    /// <summary>A number, YAML's <c>.inf</c>, <c>-.inf</c> and <c>.nan</c> included (the caller says whether they fit).</summary>
    public double? Number(YamlNode node, string field, string what)
    {
        string? text = Text(node, field, what);
        if (text is null) return null;
        string trimmed = text.Trim();
        if (trimmed is ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF") return double.PositiveInfinity;
        if (trimmed is "-.inf" or "-.Inf" or "-.INF") return double.NegativeInfinity;
        if (trimmed is ".nan" or ".NaN" or ".NAN") return double.NaN;
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        Error(node, field, $"expected {what}, found '{text}'");
        return null;
    }

    /// <summary>A number above 0 and finite (a weight, a limit).</summary>
    public double? PositiveNumber(YamlNode node, string field, string what) =>
        Checked(Number(node, field, what), node, field,
            value => double.IsFinite(value) && value > 0 ? null : $"must be a positive, finite number, found '{Raw(node)}'");

    /// <summary>A duration longer than 0 in <see cref="Durations"/>' grammar (<c>30m</c>, <c>1h30m</c>).</summary>
    public TimeSpan? Duration(YamlNode node, string field)
    {
        string? text = Text(node, field, "a duration");
        if (text is null) return null;
        if (!Durations.TryParse(text, out var value, out string error))
        {
            Error(node, field, error);
            return null;
        }
        if (value > TimeSpan.Zero) return value;
        Error(node, field, $"must be longer than 0, found '{text}'");
        return null;
    }

    /// <summary>One of a setting's words, read into its value; an error naming the words (and the nearest, or the word
    /// meant by a known synonym) otherwise. <paramref name="meaning"/> follows the list of words in that error.</summary>
    public T? Choice<T>(YamlNode node, string field, SettingWords<T> choices, string meaning = "") where T : struct, Enum
    {
        string? text = Text(node, field, $"one of {choices.List}");
        if (text is null) return null;
        if (choices.Read(text) is { } value) return value;
        Error(node, field, choices.Problem(text, meaning));
        return null;
    }

    /// <summary>An optional key's word from <paramref name="choices"/>; <paramref name="fallback"/> when it is absent.</summary>
    public T? Choice<T>(YamlSection section, string key, SettingWords<T> choices, T fallback) where T : struct, Enum =>
        section.Value(key) is { } node ? Choice(node, section.FieldOf(key), choices) : fallback;

    /// <summary>
    /// A command template's placeholders: the known ones it uses (<see cref="Evaluation.CommandTemplate.Placeholders"/>),
    /// and an error per unknown one, with the nearest known one. Null only when it is not text: with an unknown
    /// placeholder the command is still checked further (does it name <c>{benchmark}</c>, does it split into words).
    /// </summary>
    public IReadOnlySet<string>? Template(YamlNode node, string field)
    {
        string? template = Text(node, field, "a command");
        if (template is null) return null;
        var (unknown, used) = Evaluation.CommandTemplate.Scan(template);
        foreach (string name in unknown)
        {
            string? closest = DidYouMean.Closest(name, Evaluation.CommandTemplate.Placeholders);
            string hint = closest is not null
                ? $"did you mean '{{{closest}}}'?"
                : $"the placeholders are {OneOf(Evaluation.CommandTemplate.Placeholders.Select(p => $"{{{p}}}"))}";
            Error(node, field, $"unknown placeholder '{{{name}}}'; {hint}");
        }
        return used;
    }

    /// <summary>The value when <paramref name="problem"/> has nothing to say about it; else null, with the problem
    /// recorded at <paramref name="node"/>. A null value (already reported) stays null.</summary>
    public T? Checked<T>(T? value, YamlNode node, string field, Func<T, string?> problem) where T : struct
    {
        if (value is not { } given || problem(given) is not { } message) return value;
        Error(node, field, message);
        return null;
    }

    /// <summary>The text when <paramref name="problem"/> has nothing to say about it; else null, with the problem recorded.</summary>
    public string? Checked(string? value, YamlNode node, string field, Func<string, string?> problem)
    {
        if (value is null || problem(value) is not { } message) return value;
        Error(node, field, message);
        return null;
    }

    /// <summary>A YAML value in a few words for a message: <c>a mapping</c>, <c>a list</c>, <c>nothing</c>, <c>'text'</c>.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };

    /// <summary>Whether a node is YAML's null: empty, <c>~</c> or <c>null</c>, unquoted.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>A scalar's text as written (for "found '…'" in messages).</summary>
    public static string? Raw(YamlNode? node) => (node as YamlScalarNode)?.Value;

    /// <summary>Where a node starts, 1-based.</summary>
    public static SourcePosition Position(YamlNode node) =>
        new((int)Math.Max(1, node.Start.Line), (int)Math.Max(1, node.Start.Column));

    /// <summary>A key's field under its parent's: <c>eval</c> and <c>timeout</c> make <c>eval.timeout</c>.</summary>
    public static string Join(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    /// <summary>"a, b, c" for a message.</summary>
    public static string OneOf(IEnumerable<string> names) => string.Join(", ", names);
}

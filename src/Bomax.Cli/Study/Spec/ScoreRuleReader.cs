using Bomax.Cli.Evaluation;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>
/// A score rule (<c>eval.score</c>, <c>benchmarks[].score</c>): <c>last-number</c>, or a mapping with one of
/// <c>lm-eval:</c> (a metric), <c>json:</c> (a path, see <see cref="JsonScorePath"/>) and <c>regex:</c> (a pattern with
/// a capture group). Paths and patterns are checked here, so a bad one is a spec error and not a failure of every
/// evaluation; a dotted JSON path in a deprecated form is accepted with a warning naming the form to write instead.
/// </summary>
internal static class ScoreRuleReader
{
    /// <summary>The keys of a score rule's mapping, one of which is given.</summary>
    public static readonly string[] Keys = ["lm-eval", "json", "regex"];

    /// <summary>The value of a score rule written as a plain string.</summary>
    public const string LastNumber = "last-number";

    private const string Forms = "last-number, or a mapping { lm-eval: METRIC }, { json: PATH } or { regex: PATTERN }";

    public static ScoreRule? Read(YamlFields fields, YamlNode node, string field)
    {
        if (node is YamlScalarNode) return Word(fields, node, field);
        var section = fields.Keys(node, field, Keys, required: true, expected: Forms);
        if (section is null) return null;
        var given = section.Entries.Values.OrderBy(e => e.Key.Start.Line).ThenBy(e => e.Key.Start.Column).ToList();
        if (given.Count == 0)
        {
            // Only unknown keys (already reported) or none at all.
            if (section.Node.Children.Count == 0) fields.Error(node, field, $"expected {Forms}, found an empty mapping");
            return null;
        }
        if (given.Count > 1)
        {
            fields.Error(given[1].Key, field, $"give one of lm-eval:, json:, regex:, not {YamlFields.OneOf(given.Select(g => g.Key.Value + ":"))}");
            return null;
        }
        var (key, value) = given[0];
        string ruleField = YamlFields.Join(field, key.Value!);
        return key.Value switch
        {
            "lm-eval" => fields.Text(value, ruleField, "an lm-eval metric such as 'acc_norm,none'") is { } metric
                ? new ScoreRule.LmEval(metric)
                : null,
            "json" => Json(fields, value, ruleField),
            _ => Pattern(fields, value, ruleField),
        };
    }

    /// <summary>A rule written as a word: only <c>last-number</c> is one.</summary>
    private static ScoreRule? Word(YamlFields fields, YamlNode node, string field)
    {
        string? text = fields.Text(node, field, Forms);
        if (text is null) return null;
        if (text == LastNumber) return new ScoreRule.LastNumber();
        string hint = DidYouMean.Suggest(text, [LastNumber, .. Keys]);
        fields.Error(node, field, $"'{text}' is not a score rule: use {Forms}" + (hint.Length > 0 ? $"; {hint}" : ""));
        return null;
    }

    private static ScoreRule? Json(YamlFields fields, YamlNode node, string field)
    {
        string? text = fields.Text(node, field,
            "a path into a JSON document such as 'results.score' or \"results['acc,none']\", or a JSON Pointer such as '/results/score'");
        if (text is null) return null;
        var (path, problem) = JsonScorePath.Parse(text);
        if (path is null)
        {
            fields.Error(node, field, problem!);
            return null;
        }
        if (path.Deprecation is { } deprecation) fields.Warn(node, field, deprecation);
        return new ScoreRule.JsonPath(text);
    }

    private static ScoreRule? Pattern(YamlFields fields, YamlNode node, string field) =>
        fields.Checked(fields.Text(node, field, "a regular expression with one capture group"), node, field,
            pattern => SpecReader.CheckCapturePattern(pattern, out _)) is { } checkedPattern
            ? new ScoreRule.RegexScore(checkedPattern)
            : null;
}

namespace Bomax.Cli.Study.Spec;

/// <summary>The <c>study:</c> key: the study's name, which names its journal, its folder and its report, so it is kept
/// to letters, digits, '.', '_' and '-' (<see cref="SpecReader.StudyName"/>).</summary>
internal static class StudyNameReader
{
    public static string? Read(YamlFields fields, YamlSection top)
    {
        if (fields.Required(top, "study", "the study's name") is not { } node) return null;
        return fields.Checked(fields.Text(node, "study", "the study's name"), node, "study", name =>
            !SpecReader.StudyName().IsMatch(name) ? $"'{name}' is not a valid study name: use letters, digits, '.', '_' and '-' only"
            : name.Trim('.').Length == 0 ? $"'{name}' is not a valid study name: it must not be only dots"
            : null);
    }
}

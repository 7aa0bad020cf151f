using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Study.Spec;

/// <summary>The optional <c>budget:</c> section: <c>max-evals:</c> (a count, or a share of the grid, read by
/// <see cref="BudgetSpec.ReadMaxEvals"/>), <c>max-time:</c> (a duration) and <c>max-eval-hours:</c> (evaluation time summed, in
/// hours); the default budget when it is absent.</summary>
internal static class BudgetReader
{
    public static readonly string[] Keys = ["max-evals", "max-time", "max-eval-hours"];

    public static BudgetSpec? Read(YamlFields fields, YamlSection top)
    {
        if (top.Value("budget") is not { } node) return BudgetSpec.Default;
        if (fields.Keys(node, "budget", Keys, required: false) is not { } section) return null;

        var evalsNode = section.Value("max-evals");
        var evals = evalsNode is null ? (BudgetSpec.Default.MaxEvals, BudgetSpec.Default.MaxEvalsFraction) : MaxEvals(fields, evalsNode);
        var timeNode = section.Value("max-time");
        var maxTime = timeNode is null ? null : fields.Duration(timeNode, "budget.max-time");
        var hoursNode = section.Value("max-eval-hours");
        var hours = hoursNode is null ? null
            : fields.PositiveNumber(hoursNode, "budget.max-eval-hours", "hours of evaluation time, a number above 0 like 12 or 0.5");
        if (evals is null || timeNode is not null && maxTime is null || hoursNode is not null && hours is null) return null;
        return new BudgetSpec(evals.Value.Count, evals.Value.Fraction, maxTime) { MaxEvalHours = hours };
    }

    /// <summary>A count or a fraction of the grid (exactly one set); null when it cannot be read.</summary>
    private static (int? Count, double? Fraction)? MaxEvals(YamlFields fields, YamlNode node)
    {
        string? text = fields.Text(node, "budget.max-evals", BudgetSpec.MaxEvalsForms);
        if (text is null) return null;
        var (count, fraction, problem) = BudgetSpec.ReadMaxEvals(text);
        if (problem is null) return (count, fraction);
        fields.Error(node, "budget.max-evals", problem);
        return null;
    }
}

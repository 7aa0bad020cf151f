namespace Bomax.Cli.Commands;

/// <summary>
/// Parses a list of budgets such as <c>0.02,0.05,0.1</c>, <c>5%</c> or <c>200</c>, each read as the spec's
/// <c>max-evals</c> is (<see cref="Study.BudgetSpec.ReadMaxEvals"/>: one grammar for every command), into ascending,
/// distinct counts of evaluations on a grid of <c>cells</c>.
/// </summary>
internal static class BudgetList
{
    public static (int[]? Budgets, string? Error) Parse(string text, int cells)
    {
        var budgets = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (count, fraction, problem) = Study.BudgetSpec.ReadMaxEvals(part);
            if (problem is not null) return (null, $"budget '{part}': {problem}");
            budgets.Add(new Study.BudgetSpec(count, fraction, null).Evaluations(cells));
        }
        if (budgets.Count == 0) return (null, "no budget given");
        return (budgets.Distinct().Order().ToArray(), null);
    }
}

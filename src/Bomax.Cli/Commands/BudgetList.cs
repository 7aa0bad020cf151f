using System.Globalization;

namespace Bomax.Cli.Commands;

/// <summary>
/// Parses budgets such as <c>0.02,0.05,0.1</c>, <c>5%</c> or <c>200</c>: a number below 1 or with a
/// percent sign is a fraction of the grid; a whole number of at least 1 is a count of evaluations.
/// </summary>
internal static class BudgetList
{
    public static (int[]? Budgets, string? Error) Parse(string text, int cells)
    {
        var budgets = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            bool percent = part.EndsWith('%');
            var number = percent ? part[..^1] : part;
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0)
                return (null, $"budget '{part}' is not a positive number (use fractions like 0.05, percentages like 5%, or counts like 200)");
            double fraction = percent ? value / 100 : value < 1 ? value : double.NaN;
            if (!double.IsNaN(fraction) && fraction > 1)
                return (null, $"budget '{part}' is more than the whole grid");
            if (double.IsNaN(fraction) && value != Math.Floor(value))
                return (null, $"budget '{part}' is neither a fraction below 1 nor a whole number of evaluations");
            budgets.Add(new Study.BudgetSpec(double.IsNaN(fraction) ? (int)value : null, double.IsNaN(fraction) ? null : fraction, null).Evaluations(cells));
        }
        if (budgets.Count == 0) return (null, "no budget given");
        return (budgets.Distinct().Order().ToArray(), null);
    }
}

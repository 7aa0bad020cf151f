using System.Globalization;

namespace Bomax.Cli.Study;

/// <summary>
/// Command-line values that replace the spec's own for one invocation (<c>--budget</c>, <c>--device</c>),
/// so a CI step or a build property can change them without editing the spec.
/// </summary>
internal sealed record StudyOverrides(string? Budget, string? Device)
{
    public static StudyOverrides None { get; } = new(null, null);

    /// <summary>The spec with the overrides applied, or the one error that says which option is wrong.</summary>
    public (StudySpec? Spec, string? Error) ApplyTo(StudySpec spec)
    {
        var budget = spec.Budget;
        if (Budget is { } text)
        {
            if (ParseBudget(text) is not var (count, fraction))
                return (null, $"--budget '{text}' is not a budget: expected a count of evaluations like 40 or a percentage of the grid like 5%");
            budget = budget with { MaxEvals = count > 0 ? count : null, MaxEvalsFraction = fraction };
        }
        var engine = spec.Engine;
        if (Device is { } device)
        {
            if (!SpecReader.Devices.Contains(device))
                return (null, $"--device '{device}' is not a device: expected one of {string.Join(", ", SpecReader.Devices)}");
            engine = engine with { Device = device };
        }
        return (spec with { Budget = budget, Engine = engine }, null);
    }

    /// <summary>A count (<c>40</c>) or a percentage (<c>5%</c>) as (count, null) or (0, fraction); null when neither.</summary>
    static (int Count, double? Fraction)? ParseBudget(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.EndsWith('%'))
            return double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent > 0 && percent <= 100
                ? (0, percent / 100) : null;
        return int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 ? (count, null) : null;
    }
}

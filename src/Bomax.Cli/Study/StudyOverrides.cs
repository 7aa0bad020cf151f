using Bomax.Engine.Model;

namespace Bomax.Cli.Study;

/// <summary>
/// Command-line values that replace the spec's own for one invocation (<c>--budget</c>, <c>--device</c>,
/// <c>--threads</c>), so a CI step or a build property can change them without editing the spec.
/// </summary>
internal sealed record StudyOverrides(string? Budget, ComputeDevice? Device, int? Threads = null)
{
    public static StudyOverrides None { get; } = new(null, null);

    /// <summary>The spec with the overrides applied, or the one error that says which option is wrong.</summary>
    public (StudySpec? Spec, string? Error) ApplyTo(StudySpec spec)
    {
        var budget = spec.Budget;
        if (Budget is { } text)
        {
            var (count, fraction, problem) = BudgetSpec.ReadMaxEvals(text);
            if (problem is not null)
                return (null, $"--budget '{text}' is not a budget: {problem}");
            budget = budget with { MaxEvals = count, MaxEvalsFraction = fraction };
        }
        var engine = spec.Engine;
        if (Device is { } device) engine = engine with { Device = device };
        if (Threads is { } threads)
        {
            if (threads < 1) return (null, $"--threads {threads} is not a thread count: expected 1 or more");
            engine = engine with { Threads = threads };
        }
        return (spec with { Budget = budget, Engine = engine }, null);
    }
}

namespace Bomax.Engine.Acquisition;

/// <summary>
/// What one evaluation of each benchmark costs, in seconds (<see cref="Seconds"/>, one per benchmark in the grid's order, each
/// above 0), for an acquisition that values a cell per expected second instead of per evaluation. Only the ratios matter: a
/// cell's value is divided by its benchmark's cost relative to the cheapest, raised to <see cref="Exponent"/> (in log space,
/// <see cref="LogRelative"/> ≥ 0 is subtracted), so the cheapest benchmark keeps its value as it is and every pruning bound
/// of the cost-blind search still holds. With every cost the same (<see cref="Uniform"/>) or an exponent of 0 the choices are
/// the cost-blind engine's, bit for bit: the acquisition takes its cost-blind path.
/// </summary>
public sealed record BenchmarkCosts
{
    /// <summary>Seconds per evaluation of each benchmark, in the grid's order.</summary>
    public IReadOnlyList<double> Seconds { get; }

    /// <summary>α in value / cost^α: 1 values a cell per second; 0 ignores the costs. Plain value per second over-favours
    /// cheap cells (their value is small but never zero), so a study may lower α as its budget is spent
    /// (<see cref="Cooled"/>), as EI-cool does.</summary>
    public double Exponent { get; init; } = 1;

    readonly double[] logRelative;

    public BenchmarkCosts(IReadOnlyList<double> seconds)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        if (seconds.Count == 0) throw new ArgumentException("no benchmarks", nameof(seconds));
        if (seconds.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new ArgumentException("every benchmark's cost must be a finite number of seconds above 0", nameof(seconds));
        Seconds = seconds.ToArray();
        double cheapest = seconds.Min();
        logRelative = seconds.Select(s => Math.Log(s / cheapest)).ToArray();
    }

    /// <summary>Every benchmark costs the same: the costs change nothing.</summary>
    public bool Uniform => logRelative.All(l => l == 0);

    /// <summary>Whether the costs change any choice: not uniform, and an exponent above 0.</summary>
    public bool Active => Exponent > 0 && !Uniform;

    /// <summary>log(cost_j / cheapest cost) ≥ 0, 0 for the cheapest benchmark.</summary>
    public double LogRelative(int benchmark) => logRelative[benchmark];

    /// <summary>What a cell of <paramref name="benchmark"/> gives up in log value for its cost: α log(cost_j / cheapest) ≥ 0.</summary>
    public double Penalty(int benchmark) => Exponent * logRelative[benchmark];

    /// <summary>The cost of the whole grid: every benchmark's seconds times the checkpoints.</summary>
    public double GridSeconds(int checkpoints) => checkpoints * Seconds.Sum();

    /// <summary>
    /// EI-cool's schedule: the exponent falls from 1 when nothing of the budget past the initial design is spent to 0 when all
    /// of it is (α = (budget − spent) / (budget − spentAtStart), clamped to [0, 1]); late in a study cost matters less, as what
    /// is left could not buy an expensive cell many times over anyway.
    /// </summary>
    public BenchmarkCosts Cooled(double spent, double spentAtStart, double budget) =>
        this with { Exponent = budget > spentAtStart ? Math.Clamp((budget - spent) / (budget - spentAtStart), 0, 1) : 0 };
}

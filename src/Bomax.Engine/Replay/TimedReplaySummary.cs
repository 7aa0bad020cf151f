using Bomax.Engine.Selection;

namespace Bomax.Engine.Replay;

/// <summary>One engine at one time budget over seeds: mean, median and worst regret, how often it found the best, and the
/// seconds and evaluations it spent on average.</summary>
public sealed record SpendSummary(double RegretMean, double RegretMedian, double RegretMax, double BestFoundRate, double SecondsMean,
    double EvaluationsMean)
{
    public static SpendSummary Of(IReadOnlyList<TimedSpend> spends) => new(spends.Average(s => s.Regret),
        ReplaySummary.Median(spends.Select(s => s.Regret)), spends.Max(s => s.Regret), spends.Count(s => s.Regret == 0) / (double)spends.Count,
        spends.Average(s => s.Seconds), spends.Average(s => s.Evaluations));
}

/// <summary>One time budget over seeds: the share of the grid's seconds and the seconds themselves, the cost-aware and the cost-blind
/// engine, and the baselines' regret. <see cref="RegretReduction"/>: how much lower the cost-aware engine's mean regret is than
/// the cost-blind engine's, as a share of the latter (NaN when the cost-blind engine's is 0).</summary>
public sealed record TimeBudgetSummary(double Share, double Seconds, SpendSummary Aware, SpendSummary Blind, RegretSummary Random,
    RegretSummary Subset)
{
    public double RegretReduction => Blind.RegretMean > 0 ? 1 - Aware.RegretMean / Blind.RegretMean : double.NaN;

    /// <summary>With a stop rule (<see cref="TimedReplaySettings.Stop"/>), how each engine's studies ended by it, in seconds; null
    /// without one.</summary>
    public (StopSummary Aware, StopSummary Blind)? Stop { get; init; }
}

/// <summary>A replay against evaluation time summarised: what <c>bomax replay --costs</c> prints. <see cref="Costs"/>: each
/// benchmark's seconds, in the grid's order; <see cref="GridSeconds"/>: the full grid's.</summary>
public sealed record TimedReplaySummary(string Table, int Checkpoints, int Benchmarks, int Seeds, IReadOnlyList<string> BenchmarkNames,
    IReadOnlyList<double> Costs, double GridSeconds, IReadOnlyList<TimeBudgetSummary> Budgets, double WallSeconds)
{
    /// <summary>Every seed's outcomes, in seed order (the first seed's first).</summary>
    public IReadOnlyList<IReadOnlyList<TimedOutcome>> Runs { get; init; } = [];

    /// <summary>The command that made this replay, as typed, when known.</summary>
    public string? Command { get; init; }

    /// <summary>Whether the cost-aware engine cooled its cost exponent as it spent (<see cref="TimedReplaySettings.Cool"/>).</summary>
    public bool Cooled { get; init; }

    /// <summary>The spread in log seconds of each evaluation around its benchmark's cost (<see cref="TimedReplaySettings.CostNoise"/>).</summary>
    public double CostNoise { get; init; }

    public static TimedReplaySummary From(ScoreTable table, TimedReplaySettings settings, IReadOnlyList<IReadOnlyList<TimedOutcome>> seeds,
        double wallSeconds)
    {
        var grid = table.Grid;
        var budgets = seeds[0].Select((b, k) =>
        {
            var outcomes = seeds.Select(s => s[k]).ToList();
            StopSummary Ends(StopRule rule, Func<TimedOutcome, TimedSpend> engine) => StopSummary.Of(rule, b.BudgetSeconds,
                outcomes.Select(o => engine(o)).Select(e => new StopSummary.StudyEnd(e.Regret, e.Gap, e.Stopped, e.Seconds)).ToList());
            return new TimeBudgetSummary(b.Share, b.BudgetSeconds, SpendSummary.Of(outcomes.Select(o => o.Aware).ToList()),
                SpendSummary.Of(outcomes.Select(o => o.Blind).ToList()),
                new RegretSummary(ReplaySummary.Median(outcomes.Select(o => o.RandomRegret)), outcomes.Max(o => o.RandomRegret)),
                new RegretSummary(ReplaySummary.Median(outcomes.Select(o => o.SubsetRegret)), outcomes.Max(o => o.SubsetRegret)))
            {
                Stop = settings.Stop is { } rule ? (Ends(rule, o => o.Aware), Ends(rule, o => o.Blind)) : null,
            };
        }).ToList();
        return new TimedReplaySummary(table.Source, grid.CheckpointCount, grid.BenchmarkCount, seeds.Count,
            grid.Benchmarks.Select(b => b.Name).ToList(), settings.Costs.Seconds, settings.Costs.GridSeconds(grid.CheckpointCount), budgets,
            wallSeconds)
        { Runs = seeds, Cooled = settings.Cool, CostNoise = settings.CostNoise };
    }
}

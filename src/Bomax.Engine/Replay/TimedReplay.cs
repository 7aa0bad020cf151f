using Bomax.Engine.Acquisition;
using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Selection;
using Bomax.Engine.Study;

namespace Bomax.Engine.Replay;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>What a replay against evaluation time measures: budgets as shares of the full grid's seconds (ascending), what each
/// benchmark costs, initial cells per benchmark, the engine's options and the pairs chosen per round. <see cref="Cool"/>: the
/// cost-aware engine lowers its cost exponent as its budget is spent (<see cref="BenchmarkCosts.Cooled"/>). <see cref="CostNoise"/>: the
/// spread, in log seconds, of each evaluation's seconds around its benchmark's cost; above 0 the engines know only the seconds they
/// measured (<see cref="StudySeconds"/>), as a run reading its journal does. <see cref="Stop"/>: each study ends once the rule is
/// reached, as <c>bomax run</c> ends by <c>stop:</c> (the time budget is then the most it may spend).</summary>
public sealed record TimedReplaySettings(IReadOnlyList<double> Shares, BenchmarkCosts Costs, int InitialPerBenchmark, EngineOptions Engine,
    int Batch = 1, bool Cool = false, double CostNoise = 0, StopRule? Stop = null);

/// <summary>One engine's study to one time budget: its pick, the pick's regret and P(best), the seconds and evaluations spent.
/// <see cref="Gap"/>: how far below the true best the pick is, in score units; <see cref="Stopped"/>: whether the stop rule ended the
/// study before the budget did.</summary>
public sealed record TimedSpend(int Pick, double Regret, double ProbabilityBest, double Seconds, int Evaluations)
{
    public double Gap { get; init; }
    public bool Stopped { get; init; }
}

/// <summary>One time budget of one seed: the cost-aware and the cost-blind engine, each to the same evaluation time, and the
/// baselines on the same time: <c>random</c> (the design, then random cells that fit) and <c>subset</c> (whole rows, evenly
/// spaced, as many as fit).</summary>
public sealed record TimedOutcome(double Share, double BudgetSeconds, TimedSpend Aware, TimedSpend Blind, int RandomPick, double RandomRegret,
    int SubsetPick, double SubsetRegret);

/// <summary>
/// Simulated studies on a complete table where each evaluation costs its benchmark's seconds. A budget is a share of the full
/// grid's seconds; a study starts no evaluation it expects to end past it: the initial design takes its cells cheapest benchmark
/// first, as a run does, while they fit, and then the engine may choose only among cells that still fit (the others are excluded,
/// as failed pairs are), and ends when none does. Without cost noise that is never more than the budget; with it, a study expects
/// what it measured, as a run's <c>max-eval-hours</c> ceiling does, and its last evaluation may end a little past the budget.
/// Each budget is a study of its own, once with the costs (the cost-aware engine) and once without (the cost-blind engine,
/// which knows only what is left of the budget). Everything is determined by the seed.
/// </summary>
public static class TimedReplay
{
    /// <summary>Every budget of <paramref name="settings"/> for one seed, both engines.</summary>
    public static IReadOnlyList<TimedOutcome> Run(ScoreTable table, TimedReplaySettings settings, int seed, Action<string>? progress = null)
    {
        var grid = table.Grid;
        if (settings.Costs.Seconds.Count != grid.BenchmarkCount)
            throw new ArgumentException($"{settings.Costs.Seconds.Count} costs for {grid.BenchmarkCount} benchmarks", nameof(settings));
        var rowMeans = table.RowMeans();
        double gridSeconds = settings.Costs.GridSeconds(grid.CheckpointCount);
        var outcomes = new List<TimedOutcome>();
        foreach (double share in settings.Shares.Order())
        {
            double budget = share * gridSeconds;
            var aware = Study(table, settings, seed, budget, share, costAware: true);
            var blind = Study(table, settings, seed, budget, share, costAware: false);
            int random = Random(table, settings, seed, share, budget);
            int rowsThatFit = (int)Math.Clamp(Math.Floor(budget / settings.Costs.Seconds.Sum()), 1, grid.CheckpointCount);
            int subset = Baselines.Subset(table, rowsThatFit * grid.BenchmarkCount, seed);
            outcomes.Add(new TimedOutcome(share, budget, aware, blind, random, Regret.Of(rowMeans, random), subset, Regret.Of(rowMeans, subset)));
            progress?.Invoke($"seed {seed}: {100 * share:0.#}% of the grid's time, regret {100 * aware.Regret:0.000}% with costs "
                + $"({aware.Evaluations} evaluations), {100 * blind.Regret:0.000}% without ({blind.Evaluations})");
        }
        return outcomes;
    }

    /// <summary>The count of evaluations a share of the grid would be: it sizes the initial design as in a run.</summary>
    static int CountOf(Grid grid, double share) => Math.Clamp((int)Math.Round(share * grid.CellCount), 1, grid.CellCount);

    /// <summary>The initial design for this budget, spent on <paramref name="seconds"/> as a run under <c>max-eval-hours</c> spends it:
    /// what is left of it cheapest expected benchmark first (<see cref="InitialDesign.CheapestFirst"/>), while the next cell is expected
    /// to fit.</summary>
    internal static List<Cell> Design(Grid grid, TimedReplaySettings settings, int seed, double share, double budget, StudySeconds seconds)
    {
        var left = InitialDesign.Cells(grid, settings.InitialPerBenchmark, seed, CountOf(grid, share)).ToList();
        var taken = new List<Cell>();
        while (left.Count > 0)
        {
            var expected = seconds.Expected();
            var cell = InitialDesign.CheapestFirst(left, expected)[0];
            if (seconds.Spent + expected[cell.Benchmark] > budget) break; // the cheapest does not fit: nothing left does
            seconds.Evaluate(cell);
            taken.Add(cell);
            left.Remove(cell);
        }
        return taken;
    }

    static TimedSpend Study(ScoreTable table, TimedReplaySettings settings, int seed, double budget, double share, bool costAware)
    {
        var grid = table.Grid;
        var options = settings.Engine with { Seed = seed };
        int count = CountOf(grid, share);
        var seconds = new StudySeconds(grid, settings, seed);
        var observations = Design(grid, settings, seed, share, budget, seconds).Select(table.ObservationOf).ToList();
        double designSpent = seconds.Spent;
        var state = PlannerState.Empty;
        using var cache = new ConditioningCache();
        Selection.Selection? confirmed = null; // the selection of the final decision that confirmed a stop; null: no stop
        while (true)
        {
            // Cells expected not to fit are closed to both engines alike; the study ends when nothing open fits.
            var expected = seconds.Expected();
            var tooDear = Enumerable.Range(0, grid.BenchmarkCount).Where(j => seconds.Spent + expected[j] > budget).ToHashSet();
            var closed = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).Where(c => tooDear.Contains(c.Benchmark)).ToHashSet();
            var observed = observations.Select(o => o.Cell).ToHashSet();
            if (Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).All(c => observed.Contains(c) || closed.Contains(c))) break;
            var known = costAware ? seconds.Known() : null;
            var costs = settings.Cool ? known?.Cooled(seconds.Spent, designSpent, budget) : known;
            using var plan = StudyPlanner.Next(grid, observations, options, settings.InitialPerBenchmark, count, Math.Max(1, settings.Batch), closed,
                state, cache: cache, costs: costs);
            // The round's pick decides, as in a run, confirmed on a final decision (StopReading).
            var reading = settings.Stop is { } rule ? StopReading.Of([rule], plan, grid, observations, options, cache) : null;
            state = reading?.State ?? plan.State;
            if (reading?.Reached is not null)
            {
                confirmed = reading.Selection;
                break;
            }
            int added = 0;
            foreach (var cell in plan.Next)
            {
                if (seconds.Spent + expected[cell.Benchmark] > budget) continue;
                seconds.Evaluate(cell);
                observations.Add(table.ObservationOf(cell));
                added++;
            }
            if (added == 0) break;
        }
        // A stop's pick is the confirming final decision's; otherwise the final decision is made here.
        using var final = confirmed is null ? StudyDecision.Final(grid, observations, options, state, cache) : null;
        var pick = (confirmed ?? final!.Select()).Pick;
        var rowMeans = table.RowMeans();
        return new TimedSpend(pick.Checkpoint, Regret.Of(rowMeans, pick.Checkpoint), pick.ProbabilityBest, seconds.Spent, observations.Count)
        {
            Gap = rowMeans.Max() - rowMeans[pick.Checkpoint],
            Stopped = confirmed is not null,
        };
    }

    /// <summary>The random baseline on time: the design, then cells in a seeded random order, each taken when it is expected to fit.</summary>
    static int Random(ScoreTable table, TimedReplaySettings settings, int seed, double share, double budget)
    {
        var grid = table.Grid;
        var random = new Random(seed ^ 0x5bd1e995);
        var seconds = new StudySeconds(grid, settings, seed);
        var observed = new HashSet<Cell>(Design(grid, settings, seed, share, budget, seconds));
        var remaining = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).Where(c => !observed.Contains(c)).ToArray();
        random.Shuffle(remaining);
        foreach (var cell in remaining)
        {
            if (seconds.Spent + seconds.Expected()[cell.Benchmark] > budget) continue;
            seconds.Evaluate(cell);
            observed.Add(cell);
        }
        return Baselines.PickByFilledMeans(table, observed);
    }
}

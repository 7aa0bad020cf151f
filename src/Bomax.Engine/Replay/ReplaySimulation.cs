using Bomax.Engine.Design;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Selection;
using Bomax.Engine.Study;

namespace Bomax.Engine.Replay;

/// <summary>What one replay measures: budgets in evaluations (ascending), initial cells per benchmark, engine options, and the
/// stop rule the studies end by (each budget then the most a study may spend), if any.</summary>
public sealed record ReplaySettings(IReadOnlyList<int> Budgets, int InitialPerBenchmark, EngineOptions Engine, int Batch = 1,
    StopRule? Stop = null);

/// <summary>The engine's and the baselines' picks at one budget of one seed, and the initial design's cells at that budget.
/// <see cref="ExpectedRegret"/> is the regret the engine expected of its pick: its expected shortfall over the expected best
/// average, E[max_k a_k − a_pick] / E[max_k a_k], to set beside the true <see cref="Regret"/>.
/// <see cref="IntervalCoverage"/>, <see cref="TopIntervalCoverage"/> and <see cref="FewIntervalCoverage"/>: the share of the
/// checkpoints not fully evaluated (all of them; the pick and its runners-up; those evaluated on at most a fifth of their
/// benchmarks, <see cref="Replay.IntervalCoverage.FewEvaluated"/>) whose reported 95 % interval holds the true average (NaN: none).
/// <see cref="Spent"/>: the evaluations the study made, fewer than <see cref="Evaluations"/> when its stop rule ended it
/// (<see cref="Stopped"/>); <see cref="Gap"/>: how far the pick's true average is below the best, in score units.
/// The baselines always spend the whole budget.</summary>
public sealed record BudgetOutcome(int Evaluations, int Pick, double Regret, double ProbabilityBest,
    int RandomPick, double RandomRegret, int SubsetPick, double SubsetRegret, int DesignCells, double ExpectedRegret,
    double IntervalCoverage, double TopIntervalCoverage, int Spent, bool Stopped, double Gap)
{
    public double FewIntervalCoverage { get; init; } = double.NaN;

    /// <summary>The pick's P(best) read in the posterior's tails (<see cref="Selection.Standing.TailProbabilityBest"/>: what
    /// <c>stop.prob-best</c> reads), to measure as <see cref="ProbabilityBest"/> is.</summary>
    public double TailProbabilityBest { get; init; } = double.NaN;
}

/// <summary>One seed's replay: outcomes per budget, the seconds spent per refit and per round, and the
/// native tensors alive after each round (flat when nothing leaks).</summary>
public sealed record SeedOutcome(int Seed, IReadOnlyList<BudgetOutcome> Budgets,
    IReadOnlyList<double> FitSeconds, IReadOnlyList<double> AcquireSeconds, IReadOnlyList<double> RoundSeconds)
{
    public IReadOnlyList<long> LiveTensors { get; init; } = Array.Empty<long>();

    /// <summary>The process's peak resident memory after each round, in bytes, as the probe the replay was given read it
    /// (empty without one).</summary>
    public IReadOnlyList<long> PeakResidentBytes { get; init; } = Array.Empty<long>();
}

/// <summary>
/// A simulated study on a complete table: the engine sees a cell only when it asks for it. Reads the
/// clock it is given (seconds, monotonic) to report costs, and the memory probe it may be given (the process's peak resident
/// bytes) after each round; everything else is determined by the seed.
/// </summary>
public static class ReplaySimulation
{
    /// <summary>Long replays say how far they are at most this often (besides every budget reached).</summary>
    const double ProgressEverySeconds = 10;

    /// <summary>
    /// Replays every budget of <paramref name="settings"/> for one seed. Each budget is a study of its own, and the initial
    /// design depends on the budget (<see cref="InitialDesign.Cells"/>): budgets that share a design share one simulated
    /// study (the larger continue where the smaller stopped); the others start afresh.
    /// </summary>
    public static SeedOutcome Run(ScoreTable table, ReplaySettings settings, int seed, Func<double> clock, Action<string>? progress = null,
        Func<long>? peakResidentBytes = null)
    {
        var studies = settings.Budgets.OrderBy(b => b)
            .GroupBy(b => InitialDesign.Size(table.Grid, settings.InitialPerBenchmark, b))
            .Select(group => RunStudy(table, settings with { Budgets = group.ToList() }, seed, clock, progress, peakResidentBytes))
            .ToList();
        return new SeedOutcome(seed, studies.SelectMany(s => s.Budgets).ToList(), studies.SelectMany(s => s.FitSeconds).ToList(),
            studies.SelectMany(s => s.AcquireSeconds).ToList(), studies.SelectMany(s => s.RoundSeconds).ToList())
        {
            LiveTensors = studies.SelectMany(s => s.LiveTensors).ToList(),
            PeakResidentBytes = studies.SelectMany(s => s.PeakResidentBytes).ToList(),
        };
    }

    static SeedOutcome RunStudy(ScoreTable table, ReplaySettings settings, int seed, Func<double> clock, Action<string>? progress,
        Func<long>? peakResidentBytes)
    {
        var grid = table.Grid;
        var options = settings.Engine with { Seed = seed };
        var rowMeans = table.RowMeans();
        int firstBudget = settings.Budgets.Min();
        var design = InitialDesign.Cells(grid, settings.InitialPerBenchmark, seed, firstBudget);
        // The design is never more than the budget: start with all of it.
        var observations = design.Select(table.ObservationOf).ToList();
        var outcomes = new List<BudgetOutcome>();
        var fitSeconds = new List<double>();
        var roundSeconds = new List<double>();
        var acquireSeconds = new List<double>();
        var liveTensors = new List<long>();
        var peakResident = new List<long>();
        double lastReport = clock();
        var state = PlannerState.Empty;
        using var cache = new ConditioningCache();
        var none = new HashSet<Cell>();
        var pending = new Queue<int>(settings.Budgets.OrderBy(b => b));
        while (pending.Count > 0)
        {
            double roundStart = clock();
            int room = pending.Peek() - observations.Count;
            using var plan = StudyPlanner.Next(grid, observations, options, settings.InitialPerBenchmark, firstBudget,
                Math.Clamp(settings.Batch, 0, Math.Max(0, room)), none, state, clock, cache: cache);
            if (plan.Refitted) fitSeconds.Add(plan.FitSeconds);
            acquireSeconds.Add(plan.AcquireSeconds);
            // With a stop rule the round's pick decides, as in a run, confirmed on a final decision (StopReading); the state then
            // carries the scales and draws it read (the search reads neither, so without a rule nothing else changes).
            var reading = settings.Stop is { } rule ? StopReading.Of([rule], plan, grid, observations, options, cache, withReport: true) : null;
            bool stopNow = reading?.Reached is not null;
            state = reading?.State ?? plan.State;
            var reached = new List<int>();
            while (pending.Count > 0 && plan.Decision is not null && (observations.Count >= pending.Peek() || observations.Count == grid.CellCount))
                reached.Add(pending.Dequeue());
            Record(reached, stopped: false, reading?.Report);
            if (stopNow && pending.Count > 0)
            {
                // The rule ended the study here: every larger budget would have ended here too.
                Record([.. pending], stopped: true, reading?.Report);
                break;
            }
            if (room <= 0) continue; // a budget was reached and recorded: plan again toward the next one
            if (plan.Next.Count == 0) break;
            observations.AddRange(plan.Next.Select(table.ObservationOf));
            roundSeconds.Add(clock() - roundStart);
            liveTensors.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            if (peakResidentBytes is not null) peakResident.Add(peakResidentBytes());
            if (clock() - lastReport >= ProgressEverySeconds)
            {
                lastReport = clock();
                string refit = plan.Refitted ? $" (refit {plan.FitSeconds:0.0}s)" : "";
                progress?.Invoke($"seed {seed}: round {roundSeconds.Count}, {observations.Count}/{settings.Budgets.Max()} evaluations, "
                    + $"last round {roundSeconds[^1]:0.0}s{refit}");
            }
        }
        return new SeedOutcome(seed, outcomes, fitSeconds, acquireSeconds, roundSeconds)
        {
            LiveTensors = liveTensors,
            PeakResidentBytes = peakResident,
        };

        // What a run prints when it ends here: its final decision, from the planner's last fit (made once for the budgets that
        // end at this point), or the one that confirmed a stop here (the same decision: the same observations and state).
        void Record(IReadOnlyList<int> budgets, bool stopped, StopReport? stop)
        {
            if (budgets.Count == 0) return;
            using var final = stop is null ? StudyDecision.Final(grid, observations, options, state, cache) : null;
            var reported = stop?.Rows ?? final!.Rows;
            var selection = stop?.Selection ?? final!.SelectForReport();
            int pick = selection.Pick.Checkpoint;
            foreach (int budget in budgets) Add(budget, reported, selection, pick, stopped);
        }

        void Add(int budget, RowPosterior reported, Selection.Selection selection, int pick, bool stopped)
        {
            int randomPick = Baselines.Random(table, design, budget, seed);
            int subsetPick = Baselines.Subset(table, budget, seed);
            outcomes.Add(new BudgetOutcome(budget, pick, Regret.Of(rowMeans, pick), selection.Pick.ProbabilityBest,
                randomPick, Regret.Of(rowMeans, randomPick), subsetPick, Regret.Of(rowMeans, subsetPick), design.Count,
                selection.Pick.RelativeShortfall,
                IntervalCoverage.Of(reported, rowMeans, Enumerable.Range(0, grid.CheckpointCount)),
                IntervalCoverage.Of(reported, rowMeans, selection.RunnersUp.Prepend(selection.Pick).Select(s => s.Checkpoint)),
                observations.Count, stopped, rowMeans.Max() - rowMeans[pick])
            {
                FewIntervalCoverage = IntervalCoverage.Of(reported, rowMeans, IntervalCoverage.FewEvaluated(reported, grid.BenchmarkCount)),
                TailProbabilityBest = selection.Pick.TailProbabilityBest,
            });
            string ended = stopped ? $", stopped by {settings.Stop} at {observations.Count}" : "";
            progress?.Invoke($"seed {seed}: {budget} evaluations{ended}, pick {selection.Pick.Name} (P(best) {selection.Pick.ProbabilityBest:0.00}), "
                + $"regret {100 * outcomes[^1].Regret:0.000}%");
        }
    }
}

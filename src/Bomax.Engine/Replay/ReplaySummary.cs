using Bomax.Engine.Selection;

namespace Bomax.Engine.Replay;

/// <summary>Regret statistics over seeds: median and worst.</summary>
public sealed record RegretSummary(double RegretMedian, double RegretMax);

/// <summary>One budget summarised over seeds, for the engine and both baselines; the initial design's cells at that budget;
/// the engine's mean regret beside the mean regret it expected of its picks; the mean over seeds of the share of
/// reported 95 % intervals that held the true average (see <see cref="BudgetOutcome.IntervalCoverage"/>; NaN: none to judge).</summary>
public sealed record BudgetSummary(double Fraction, int Evaluations, int DesignCells, double RegretMedian, double RegretMax, double BestFoundRate,
    double ProbBestMedian, RegretSummary Random, RegretSummary Subset, double RegretMean, double ExpectedRegretMean,
    double IntervalCoverageMean, double TopIntervalCoverageMean)
{
    /// <summary>The mean over seeds of <see cref="BudgetOutcome.FewIntervalCoverage"/> (NaN: none to judge).</summary>
    public double FewIntervalCoverageMean { get; init; } = double.NaN;
    /// <summary>How the studies ended by the replay's stop rule did at this budget; null without a rule.</summary>
    public StopSummary? Stop { get; init; }
}

/// <summary>
/// A stop rule at one budget, over seeds: in how many it ended the study before the budget (<see cref="Stopped"/> of
/// <see cref="Seeds"/>), the evaluations spent on average over all seeds and the share of the budget that saved, and of the
/// stopped studies how often the pick was the true best, how often it was within the rule's own limit (for
/// <see cref="StopRule.NearBest"/>: its true shortfall; for <see cref="StopRule.Confident"/>: the true best), and their
/// median and worst regret (NaN when none stopped).
/// </summary>
public sealed record StopSummary(string Rule, int Seeds, int Stopped, double SpentMean, double SavedShare, double RightRate, double WithinRate,
    double RegretMedian, double RegretMax)
{
    public static StopSummary Of(StopRule rule, int budget, IReadOnlyList<BudgetOutcome> outcomes) =>
        Of(rule, budget, outcomes.Select(o => new StudyEnd(o.Regret, o.Gap, o.Stopped, o.Spent)).ToList());

    /// <summary>The same over studies that spent evaluations or seconds (<see cref="StudyEnd.Spent"/>, in <paramref name="budget"/>'s
    /// units).</summary>
    public static StopSummary Of(StopRule rule, double budget, IReadOnlyList<StudyEnd> ends)
    {
        var stopped = ends.Where(o => o.Stopped).ToList();
        bool Within(StudyEnd o) => rule is StopRule.NearBest near ? near.Limit.Holds(o.Regret, o.Gap) : o.Regret == 0;
        double Share(Func<StudyEnd, bool> test) => stopped.Count > 0 ? stopped.Count(test) / (double)stopped.Count : double.NaN;
        double spent = ends.Average(o => o.Spent);
        return new StopSummary(rule.ToString(), ends.Count, stopped.Count, spent, 1 - spent / budget, Share(o => o.Regret == 0), Share(Within),
            stopped.Count > 0 ? ReplaySummary.Median(stopped.Select(o => o.Regret)) : double.NaN,
            stopped.Count > 0 ? stopped.Max(o => o.Regret) : double.NaN);
    }

    /// <summary>How one study ended: its pick's regret (a share of the best average) and gap (score units), whether the rule ended
    /// it, and what it spent.</summary>
    public sealed record StudyEnd(double Regret, double Gap, bool Stopped, double Spent);
}

/// <summary>
/// Calibration of the reported probability of being best: picks reported at or above
/// <see cref="Threshold"/>, their mean reported probability, and how often they were the true best.
/// </summary>
public sealed record Calibration(double Threshold, int Picks, double StatedMean, double RightRate)
{
    /// <summary>Picks stated at or above <paramref name="threshold"/>.</summary>
    public static Calibration Of(double threshold, IEnumerable<BudgetOutcome> outcomes)
    {
        var (picks, stated, right) = Tally(outcomes.Where(o => o.ProbabilityBest >= threshold).ToList());
        return new Calibration(threshold, picks, stated, right);
    }

    /// <summary>How many <paramref name="picks"/>, their mean stated P(best) and the share that were the true best (NaN for none).</summary>
    internal static (int Picks, double StatedMean, double RightRate) Tally(IReadOnlyList<BudgetOutcome> picks) =>
        picks.Count == 0
            ? (0, double.NaN, double.NaN)
            : (picks.Count, picks.Average(o => o.ProbabilityBest), picks.Count(o => o.Regret == 0) / (double)picks.Count);
}

/// <summary>
/// Calibration in a band of the reported probability, <see cref="From"/> ≤ P(best) &lt; <see cref="To"/> (the top band
/// includes 1): the picks stated there, their mean stated probability and how often they were the true best. Honest when
/// the two agree in every band.
/// </summary>
public sealed record CalibrationBand(double From, double To, int Picks, double StatedMean, double RightRate)
{
    /// <summary>The bands the targets are stated in: below 0.2, 0.2–0.5, 0.5–0.9, 0.9 and above.</summary>
    public static IReadOnlyList<(double From, double To)> Edges { get; } = [(0, 0.2), (0.2, 0.5), (0.5, 0.9), (0.9, 1)];

    public static IReadOnlyList<CalibrationBand> Of(IEnumerable<BudgetOutcome> outcomes)
    {
        var all = outcomes.ToList();
        return Edges.Select(e =>
        {
            var (picks, stated, right) = Calibration.Tally(
                all.Where(o => o.ProbabilityBest >= e.From && (o.ProbabilityBest < e.To || e.To == 1)).ToList());
            return new CalibrationBand(e.From, e.To, picks, stated, right);
        }).ToList();
    }
}

/// <summary>A whole replay summarised: what `bomax replay` prints.</summary>
public sealed record ReplaySummary(string Table, int Checkpoints, int Benchmarks, int Seeds, IReadOnlyList<BudgetSummary> Budgets,
    double FitSecondsMedian, double AcquireSecondsMedian, double RoundSecondsMedian, double WallSeconds, IReadOnlyList<Calibration> Calibration)
{
    /// <summary>Every seed's own outcomes, so runs split over processes can be pooled.</summary>
    public IReadOnlyList<SeedOutcome> Runs { get; init; } = Array.Empty<SeedOutcome>();

    /// <summary>The command that made this replay, as typed (what a measurement cites beside its numbers), when known.</summary>
    public string? Command { get; init; }

    /// <summary>The stop rule the studies ended by, if any (<see cref="BudgetSummary.Stop"/> says how they did).</summary>
    public StopRule? Stop { get; init; }

    /// <summary>Calibration in the bands of <see cref="CalibrationBand.Edges"/>, over every seed and budget.</summary>
    public IReadOnlyList<CalibrationBand> CalibrationBands => CalibrationBand.Of(Runs.SelectMany(r => r.Budgets));

    /// <summary>Rounds replayed, over all seeds.</summary>
    public int Rounds => Runs.Sum(r => r.RoundSeconds.Count);

    /// <summary>A round's time on average (refits included, where the median leaves them out) and at most, over all seeds.</summary>
    public (double Mean, double Max) RoundSecondsSpread =>
        Runs.SelectMany(r => r.RoundSeconds).ToList() is { Count: > 0 } all ? (all.Average(), all.Max()) : (double.NaN, double.NaN);

    /// <summary>The longest refit (a cold first fit included), over all seeds.</summary>
    public double FitSecondsMax => Runs.SelectMany(r => r.FitSeconds).DefaultIfEmpty(double.NaN).Max();

    /// <summary>Native tensors alive after the first round and after the last, and the most after any round.</summary>
    public (long AfterFirstRound, long AfterLastRound, long Most)? LiveTensors =>
        Runs.Any(r => r.LiveTensors.Count > 0)
            ? (Runs.First(r => r.LiveTensors.Count > 0).LiveTensors[0], Runs.Last(r => r.LiveTensors.Count > 0).LiveTensors[^1],
                Runs.SelectMany(r => r.LiveTensors).Max())
            : null;

    /// <summary>The process's peak resident memory after rounds 100, 300 and 1000 (counted over the seeds in order) and after
    /// the last round, in bytes: flat when a long study does not grow beyond its observations. Empty without a probe.</summary>
    public IReadOnlyList<(int Round, long Bytes)> PeakResident
    {
        get
        {
            var peaks = Runs.SelectMany(r => r.PeakResidentBytes).ToList();
            if (peaks.Count == 0) return [];
            return new[] { 100, 300, 1000 }.Where(r => r < peaks.Count).Append(peaks.Count).Select(r => (r, peaks[r - 1])).ToList();
        }
    }

    public static ReplaySummary From(ScoreTable table, IReadOnlyList<SeedOutcome> seeds, double wallSeconds, StopRule? stop = null)
    {
        var grid = table.Grid;
        var best = table.RowMeans().Max();
        var budgets = seeds[0].Budgets.Select((b, k) =>
        {
            var outcomes = seeds.Select(s => s.Budgets[k]).ToList();
            return new BudgetSummary(
                (double)b.Evaluations / grid.CellCount, b.Evaluations, b.DesignCells,
                Median(outcomes.Select(o => o.Regret)), outcomes.Max(o => o.Regret),
                outcomes.Count(o => o.Regret == 0) / (double)outcomes.Count,
                Median(outcomes.Select(o => o.ProbabilityBest)),
                new RegretSummary(Median(outcomes.Select(o => o.RandomRegret)), outcomes.Max(o => o.RandomRegret)),
                new RegretSummary(Median(outcomes.Select(o => o.SubsetRegret)), outcomes.Max(o => o.SubsetRegret)),
                outcomes.Average(o => o.Regret), outcomes.Average(o => o.ExpectedRegret),
                MeanOfFinite(outcomes.Select(o => o.IntervalCoverage)), MeanOfFinite(outcomes.Select(o => o.TopIntervalCoverage)))
            {
                Stop = stop is null ? null : StopSummary.Of(stop, b.Evaluations, outcomes),
                FewIntervalCoverageMean = MeanOfFinite(outcomes.Select(o => o.FewIntervalCoverage)),
            };
        }).ToList();
        var all = seeds.SelectMany(s => s.Budgets).ToList();
        var calibration = new[] { 0.5, 0.8, 0.9 }.Select(t => global::Bomax.Engine.Replay.Calibration.Of(t, all)).ToList();
        return new ReplaySummary(table.Source, grid.CheckpointCount, grid.BenchmarkCount, seeds.Count, budgets,
            Median(seeds.SelectMany(s => s.FitSeconds)), Median(seeds.SelectMany(s => s.AcquireSeconds)),
            Median(seeds.SelectMany(s => s.RoundSeconds)), wallSeconds, calibration)
        { Runs = seeds, Stop = stop };
    }

    /// <summary>The mean of the finite values; NaN when there are none.</summary>
    public static double MeanOfFinite(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count > 0 ? finite.Average() : double.NaN;
    }

    /// <summary>The median (the mean of the middle two for an even count; NaN for none), MathNet's.</summary>
    internal static double Median(IEnumerable<double> values) => MathNet.Numerics.Statistics.Statistics.Median(values);
}

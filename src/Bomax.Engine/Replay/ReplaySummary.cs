namespace Bomax.Engine.Replay;

/// <summary>Regret statistics over seeds: median and worst.</summary>
public sealed record RegretSummary(double RegretMedian, double RegretMax);

/// <summary>One budget summarised over seeds, for the engine and both baselines; the initial design's cells at that budget;
/// the engine's mean regret beside the mean regret it expected of its picks; the mean over seeds of the share of
/// reported 95 % intervals that held the true average (see <see cref="BudgetOutcome.IntervalCoverage"/>; NaN: none to judge).</summary>
public sealed record BudgetSummary(double Fraction, int Evaluations, int DesignCells, double RegretMedian, double RegretMax, double BestFoundRate,
    double ProbBestMedian, RegretSummary Random, RegretSummary Subset, double RegretMean, double ExpectedRegretMean,
    double IntervalCoverageMean, double TopIntervalCoverageMean);

/// <summary>
/// Calibration of the reported probability of being best: picks reported at or above
/// <see cref="Threshold"/>, their mean reported probability, and how often they were the true best.
/// </summary>
public sealed record Calibration(double Threshold, int Picks, double StatedMean, double RightRate);

/// <summary>A whole replay summarised: what `bomax replay` prints.</summary>
public sealed record ReplaySummary(string Table, int Checkpoints, int Benchmarks, int Seeds, IReadOnlyList<BudgetSummary> Budgets,
    double FitSecondsMedian, double AcquireSecondsMedian, double RoundSecondsMedian, double WallSeconds, IReadOnlyList<Calibration> Calibration)
{
    /// <summary>Every seed's own outcomes, so runs split over processes can be pooled.</summary>
    public IReadOnlyList<SeedOutcome> Runs { get; init; } = Array.Empty<SeedOutcome>();

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
            ? (Runs.First(r => r.LiveTensors.Count > 0).LiveTensors[0], Runs.Last(r => r.LiveTensors.Count > 0).LiveTensors[^1], Runs.SelectMany(r => r.LiveTensors).Max())
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

    public static ReplaySummary From(ScoreTable table, IReadOnlyList<SeedOutcome> seeds, double wallSeconds)
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
                MeanOfFinite(outcomes.Select(o => o.IntervalCoverage)), MeanOfFinite(outcomes.Select(o => o.TopIntervalCoverage)));
        }).ToList();
        var all = seeds.SelectMany(s => s.Budgets).ToList();
        var calibration = new[] { 0.5, 0.8, 0.9 }.Select(t =>
        {
            var picks = all.Where(o => o.ProbabilityBest >= t).ToList();
            return new Calibration(t, picks.Count, picks.Count > 0 ? picks.Average(o => o.ProbabilityBest) : double.NaN,
                picks.Count > 0 ? picks.Count(o => o.Regret == 0) / (double)picks.Count : double.NaN);
        }).ToList();
        return new ReplaySummary(table.Source, grid.CheckpointCount, grid.BenchmarkCount, seeds.Count, budgets,
            Median(seeds.SelectMany(s => s.FitSeconds)), Median(seeds.SelectMany(s => s.AcquireSeconds)),
            Median(seeds.SelectMany(s => s.RoundSeconds)), wallSeconds, calibration) { Runs = seeds };
    }

    /// <summary>The mean of the finite values; NaN when there are none.</summary>
    public static double MeanOfFinite(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count > 0 ? finite.Average() : double.NaN;
    }

    /// <summary>The median (the mean of the middle two for an even count; NaN for none), MathNet's.</summary>
    static double Median(IEnumerable<double> values) => MathNet.Numerics.Statistics.Statistics.Median(values);
}

using Bomax.Engine.Selection;

namespace Bomax.Cli.Reports;

/// <summary>One checkpoint's standing in a report: estimated average with its 95 % interval, probability of being best,
/// and how far below the best average it is expected to fall (<see cref="Standing.ExpectedShortfall"/>).</summary>
internal sealed record ReportStanding(string Name, long Step, double Estimate, double Low, double High, double ProbabilityBest,
    int BenchmarksEvaluated, int BenchmarkCount, double ExpectedShortfall)
{
    /// <summary>The expected shortfall as a share of the expected best average (<see cref="Standing.RelativeShortfall"/>).</summary>
    public double RelativeShortfall => Standing.ShareOfBest(ExpectedShortfall, Estimate);
}

/// <summary>One benchmark of the selected checkpoint: the observed score where evaluated, else the prediction with its 95 % interval,
/// all as the metric states them (a minimised metric's values are not negated here; <see cref="Goal"/> says which way is better).</summary>
internal sealed record BenchmarkRow(string Name, double Weight, double? Observed, double Predicted, double Low, double High)
{
    public Study.ScoreGoal Goal { get; init; } = Study.ScoreGoal.Maximize;
}

/// <summary>One checkpoint on the average curve (all checkpoints, in step order).</summary>
internal sealed record CurvePoint(string Name, long Step, double Estimate, double Low, double High, int BenchmarksEvaluated, bool IsPick);

/// <summary>One cell of the checkpoint × benchmark map: its estimate (the observed score where evaluated).</summary>
internal sealed record CellEstimate(int Checkpoint, int Benchmark, double Estimate, bool Observed, bool Failed);

/// <summary>A pair whose evaluation failed.</summary>
internal sealed record FailureSummary(string Checkpoint, string Benchmark, int? ExitCode, string Message);

/// <summary>
/// Everything a decision report shows, computed once from the spec and the journal (see
/// <c>ReportBuilder</c>); the Markdown, HTML and GitHub renderings are pure functions of it.
/// Nothing in it depends on the clock except <see cref="GeneratedAt"/>, which only the collapsed
/// details block shows, so a re-run with nothing new renders the same body.
/// </summary>
internal sealed record StudyReport(
    string Study,
    string SpecPath,
    string JournalPath,
    ReportStanding Pick,
    IReadOnlyList<ReportStanding> Top,          // the best 5 as the engine ranks them (estimate less one standard deviation), the pick first
    int Evaluations,
    int GridCells,
    int CheckpointCount,
    int BenchmarkCount,
    double EvaluationSeconds,                   // measured time spent evaluating (sum over evaluations)
    double? FullGridSecondsEstimate,            // estimated time for the whole grid, from measured per-benchmark durations
    IReadOnlyList<BenchmarkRow> PickBenchmarks, // every benchmark of the pick, in spec order
    IReadOnlyList<CurvePoint> Curve,            // every checkpoint, in step order
    IReadOnlyList<string> BenchmarkNames,       // in spec order; CellEstimate.Benchmark indexes it
    IReadOnlyList<CellEstimate> Cells,          // every cell of the grid
    IReadOnlyList<FailureSummary> Failures,
    IReadOnlyList<string> Warnings,             // e.g. benchmarks with fewer than 2 observations
    IReadOnlyList<KeyValuePair<string, string>> EngineSettings,
    string ToolVersion,
    DateTimeOffset GeneratedAt)
{
    /// <summary>Pairs leased to workers (a run, or <c>suggest</c>) and not recorded yet when the report was made.</summary>
    public int PendingPairs { get; init; }

    /// <summary>How many of the <see cref="Evaluations"/> came with a standard error (lm-eval's <c>&lt;metric&gt;_stderr</c>), which the
    /// model reads as that score's noise.</summary>
    public int ScoresWithStandardErrors { get; init; }

    /// <summary>What the earlier runs of <c>prior:</c> contributed; null without them.</summary>
    public PriorReport? Prior { get; init; }

    /// <summary>What the held-out check found for this decision (<see cref="CheckSummary"/>); null: the report does not say.</summary>
    public Bomax.Engine.Posterior.VarianceScales? Check { get; init; }

    /// <summary>How many evaluations the held-out check predicted: 0 when it was not made (or the report does not say). What the
    /// action's <c>held-out-check</c> output and the result's <c>held_out_check</c> carry.</summary>
    public int HeldOutCheck => Check?.HeldBack ?? 0;
}

/// <summary>One earlier run of <c>prior:</c>: its file, its checkpoints and how many of the study's benchmarks it has.</summary>
internal sealed record PriorRunSummary(string Source, int Checkpoints, int MatchedBenchmarks, int Scores);

/// <summary>
/// The earlier runs and how much the pick rests on them: the same decision made without them (<see cref="PickWithout"/> and its
/// P(best)), so a reader sees whether the study's own evaluations name the same checkpoint. <see cref="Weight"/>: the earlier
/// runs' weight in the fit, in runs. <see cref="Check"/>: whether their benchmark covariance held for this study's cells
/// (<see cref="Bomax.Engine.Model.PriorCheck"/>; when it did not, or could not be checked yet, the decision's benchmark covariance
/// is the study's own, on the earlier runs' curve); null when the decision's fit was kept from a state that did not say.
/// </summary>
internal sealed record PriorReport(IReadOnlyList<PriorRunSummary> Runs, double Weight, string PickWithout, long StepWithout,
    double ProbabilityBestWithout, bool SamePick, Bomax.Engine.Model.PriorCheck? Check);

using System.Globalization;
using Bomax.Cli.Journal;
using Bomax.Cli.Output;
using Bomax.Cli.Study;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Selection;
using Bomax.Engine.Study;

namespace Bomax.Cli.Reports;

/// <summary>
/// Builds the decision report from the spec and the journal alone (<see cref="StudyDecision"/>): a fit on every observation,
/// the joint posterior of the checkpoint averages (widened by the held-out check, <see cref="PrequentialCheck"/>),
/// the selection, and every cell's estimate. The same
/// journal always gives the same report (the fit and the Monte Carlo are seeded), whichever command asks.
/// </summary>
internal static class ReportBuilder
{
    const int RowsPerChunk = 256;

    public static StudyReport? Build(StudyContext study, JournalContents journal, DateTimeOffset now) =>
        Build(study, journal, now, PlannerState.Empty, final: true).Report;

    /// <summary>
    /// The report, and the planner state its decision leaves, from <paramref name="start"/>: the state kept beside the journal
    /// (<see cref="DecisionState"/>), refitted only when the schedule says so; or, <paramref name="final"/>, a run's last word
    /// (<see cref="StudyDecision.Final"/>: warm from the run's last fit, cold from <see cref="PlannerState.Empty"/>).
    /// </summary>
    public static (StudyReport? Report, PlannerState? State) Build(StudyContext study, JournalContents journal, DateTimeOffset now,
        PlannerState start, bool final) =>
        NativeCalls.WithoutCollections(() => Compute(study, journal, now, start, final));

    static (StudyReport?, PlannerState?) Compute(StudyContext study, JournalContents journal, DateTimeOffset now, PlannerState start, bool final)
    {
        var state = study.Observe(journal);
        if (state.Observations.Count == 0) return (null, null);
        var grid = study.Grid;
        using var decision = final
            ? StudyDecision.Final(grid, state.Observations, study.Engine, start)
            : StudyDecision.Decide(grid, state.Observations, study.Engine, start);
        var (model, rows, scales, selection) = (decision.Model, decision.Rows, decision.Scales, decision.SelectForReport(runnersUp: 4));
        var fit = decision.State.Fit!;

        ReportStanding Stand(Standing s) => new(s.Name, study.Checkpoints[s.Checkpoint].Step, s.Estimate, s.Low, s.High, s.ProbabilityBest,
            s.BenchmarksEvaluated, grid.BenchmarkCount, s.ExpectedShortfall);
        var top = selection.RunnersUp.Prepend(selection.Pick).Select(Stand).ToList();

        // Every cell's estimate for the map (means only: cheap at any size), and the pick's row with intervals.
        var cells = new List<CellEstimate>(grid.CellCount);
        for (int first = 0; first < grid.CheckpointCount; first += RowsPerChunk)
        {
            var chunk = Enumerable.Range(first, Math.Min(RowsPerChunk, grid.CheckpointCount - first)).ToArray();
            var means = model.CellMeans(chunk);
            for (int k = 0; k < means.Length; k++)
            {
                var cell = new Cell(chunk[k / grid.BenchmarkCount], k % grid.BenchmarkCount);
                bool observed = model.IsObserved(cell);
                cells.Add(new CellEstimate(cell.Checkpoint, cell.Benchmark, means[k], observed, state.Failed.Contains(cell)));
            }
        }
        var pick = model.Cells(new[] { selection.Pick.Checkpoint });
        var pickRow = Enumerable.Range(0, pick.Cells.Length).Select(k =>
        {
            var benchmark = grid.Benchmarks[pick.Cells[k].Benchmark];
            double half = Selection.Z95 * Math.Sqrt(scales.Tails) * pick.StandardDeviation[k]; // an interval reads the tails
            var goal = state.Goals[pick.Cells[k].Benchmark];
            double mean = StudyContext.Orient(pick.Mean[k], goal); // back to the metric's own values
            return new BenchmarkRow(benchmark.Name, benchmark.Weight, pick.Observed[k] ? mean : null, mean, mean - half, mean + half) { Goal = goal };
        }).ToList();
        var curve = Enumerable.Range(0, grid.CheckpointCount).Select(i =>
        {
            double half = Selection.Z95 * rows.StandardDeviation(i);
            return new CurvePoint(grid.Checkpoints[i].Name, grid.Checkpoints[i].Step, rows.Mean[i], rows.Mean[i] - half, rows.Mean[i] + half,
                grid.BenchmarkCount - rows.UnobservedCount[i], i == selection.Pick.Checkpoint);
        }).ToList();

        var evaluations = journal.Evaluations.Where(e => study.CheckpointIndex(e.Checkpoint) >= 0 && study.BenchmarkIndex(e.Benchmark) >= 0).ToList();
        double spent = evaluations.Sum(e => e.Seconds) + journal.Failures.Sum(f => f.Seconds);
        var failures = journal.Failures
            .Where(f => state.Failed.Contains(new Cell(study.CheckpointIndex(f.Checkpoint), study.BenchmarkIndex(f.Benchmark))))
            .GroupBy(f => (f.Checkpoint, f.Benchmark)).Select(g => g.OrderBy(f => f.Time).Last())
            .Select(f => new FailureSummary(f.Checkpoint, f.Benchmark, f.ExitCode, f.Message)).ToList();
        var perBenchmark = state.Observations.GroupBy(o => o.Cell.Benchmark).ToDictionary(g => g.Key, g => g.Count());
        var warnings = state.Warnings
            .Concat(grid.Benchmarks.Select((b, j) => (b, j)).Where(x => perBenchmark.GetValueOrDefault(x.j) < 2)
                .Select(x => $"benchmark {x.b.Name} has {perBenchmark.GetValueOrDefault(x.j)} observation(s): "
                    + $"its scores rest on the other benchmarks"))
            .ToList();
        var values = fit.Hyperparameters.Values(study.Engine);
        var c = CultureInfo.InvariantCulture;
        var settings = new List<KeyValuePair<string, string>>
        {
            new("kernel", EngineWords.Kernels.Word(study.Engine.Kernel)),
            new("task rank", study.Engine.ResolvedTaskRank(grid.BenchmarkCount).ToString(c)),
            new("acquisition", EngineWords.Acquisitions.Word(study.Engine.Acquisition)),
            new("device", EngineWords.Devices.Word(study.Engine.Device)),
            new("seed", study.Engine.Seed.ToString(c)),
            new("initial cells per benchmark", study.Spec.Engine.Init.ToString(c)),
            new("lengthscale (share of the run)", values.Lengthscale.ToString("0.000", c)),
            new("noise variance (standardised)", values.Noise.ToString("0.000", c)),
            new("checkpoint jitter (shared)", values.SharedJitter.ToString("0.0000", c)),
            new("checkpoint jitter in the intervals", IntervalJitter(grid, study.Engine.IntervalJitterScale)),
            new("held-out check: variance scaled", $"× {scales.Ranking.ToString("0.00", c)} for the ranking, "
                + $"× {scales.ProbabilityScale.ToString("0.00", c)} for P(best)"
                + (scales.Student is { IsGaussian: false } t ? $" with Student t tails ({CheckSummary.Freedom(t)} degrees of freedom)" : "")
                + $", × {scales.Tails.ToString("0.00", c)} for the intervals"),
            new("held-out check: benchmarks' correlations for P(best)", scales.Coupling < 1
                ? $"× {CheckSummary.Correlations(scales)} (misses at one checkpoint pulled apart with the fitted ones)"
                : "as fitted"),
            new("fit", $"{fit.Report.Outcome}, fitted at {decision.State.FittedAt.ToString(c)} observations"),
            new("computed on", ComputeEnvironment.Describe()),
        };
        return (new StudyReport(study.Spec.Name, study.Spec.SpecPath, study.Spec.JournalPath, top[0], top, state.Observations.Count, grid.CellCount,
            grid.CheckpointCount, grid.BenchmarkCount, spent, FullGridSeconds(study, evaluations), pickRow, curve,
            grid.Benchmarks.Select(b => b.Name).ToList(), cells, failures, warnings, settings, "bomax " + StudyContext.ToolVersion, now)
        {
            PendingPairs = study.Leased(journal, now).Count,
            ScoresWithStandardErrors = state.Observations.Count(o => o.HasStandardError),
            Check = scales,
            Prior = study.Engine.Earlier is { IsEmpty: false } earlier
                ? WithoutPrior(study, state.Observations, earlier, selection.Pick, fit.Report.Prior)
                : null,
        }, decision.State);
    }

    /// <summary>How a report's intervals read the shared checkpoint jitter (<see cref="StepCrowding"/>): as fitted, or how much wider at
    /// how many checkpoints, those crowded onto one step (a log-spaced start), whose intervals are then wider than their neighbours'.</summary>
    static string IntervalJitter(Grid grid, double scale)
    {
        var factors = StepCrowding.JitterFactors(grid, scale);
        if (factors is null) return scale == 1 ? "as fitted" : "as fitted: no checkpoints crowd onto one step";
        var c = CultureInfo.InvariantCulture;
        var widened = factors.Where(f => f > 1).ToList();
        return $"× {widened.Min().ToString("0.0", c)}–{widened.Max().ToString("0.0", c)} at the {widened.Count.ToString(c)} of "
            + $"{grid.CheckpointCount.ToString(c)} checkpoints crowded onto one step, as fitted elsewhere";
    }

    /// <summary>The earlier runs, and the decision the study's own observations make without them (a cold fit, as a first report
    /// makes): whether they name the same checkpoint is how much the pick rests on the prior; and what the decision's fit found of
    /// their benchmark covariance (<paramref name="check"/>). Even with that set aside the fit's curve is theirs, so the second
    /// decision is made either way.</summary>
    static PriorReport WithoutPrior(StudyContext study, IReadOnlyList<Observation> observations, EarlierRuns earlier, Standing pick,
        PriorCheck? check)
    {
        var runs = earlier.Runs.Select(r => new PriorRunSummary(r.Source, r.Grid.CheckpointCount, r.MatchedBenchmarks, r.Observations.Count))
            .ToList();
        using var alone = StudyDecision.Final(study.Grid, observations, study.Engine with { Earlier = null }, PlannerState.Empty);
        var own = alone.Select(runnersUp: 0).Pick;
        return new PriorReport(runs, EarlierRuns.TotalWeight, own.Name, study.Checkpoints[own.Checkpoint].Step, own.ProbabilityBest,
            own.Checkpoint == pick.Checkpoint, check);
    }

    /// <summary>The whole grid's time from measured durations: each benchmark's mean seconds × checkpoints
    /// (the overall mean for benchmarks never timed).</summary>
    static double? FullGridSeconds(StudyContext study, IReadOnlyList<EvaluationRecord> evaluations)
    {
        var timed = evaluations.Where(e => e.Seconds > 0).ToList();
        if (timed.Count == 0) return null;
        double overall = timed.Average(e => e.Seconds);
        var byBenchmark = timed.GroupBy(e => e.Benchmark).ToDictionary(g => g.Key, g => g.Average(e => e.Seconds));
        return study.Grid.Benchmarks.Sum(b => byBenchmark.GetValueOrDefault(b.Name, overall)) * study.Grid.CheckpointCount;
    }
}

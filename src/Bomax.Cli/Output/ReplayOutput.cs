using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bomax.Engine.Replay;

namespace Bomax.Cli.Output;

/// <summary>Renders a replay summary as the documented JSON object or as a readable table.</summary>
internal static class ReplayOutput
{
    /// <summary>A measured number as JSON: null where it is not finite (NaN: nothing to measure), as every replay output writes it.</summary>
    internal static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>A share as a whole percentage for the text tables, "n/a" where it is not finite (nothing to measure).</summary>
    internal static string Share(double v) => double.IsFinite(v) ? string.Format(CultureInfo.InvariantCulture, "{0:0}%", 100 * v) : "n/a";

    /// <summary>A stop rule's summary at one budget; <paramref name="spentKey"/> names what it spent on average (evaluations or
    /// seconds).</summary>
    internal static JsonObject Stop(StopSummary stop, string spentKey) => new()
    {
        ["rule"] = stop.Rule,
        ["stopped"] = stop.Stopped,
        ["seeds"] = stop.Seeds,
        [spentKey] = stop.SpentMean,
        ["saved_share"] = stop.SavedShare,
        ["right_rate"] = Number(stop.RightRate),
        ["within_rate"] = Number(stop.WithinRate),
        ["regret_median"] = Number(stop.RegretMedian),
        ["regret_max"] = Number(stop.RegretMax),
    };

    /// <summary>What a stop rule did at one budget, in words: "stopped early in …".</summary>
    internal static string StopText(StopSummary stop, string spent)
    {
        var c = CultureInfo.InvariantCulture;
        string how = stop.Stopped == 0 ? "" : string.Format(c,
            "; of those the true best {0:0}%, within the rule {1:0}%, regret median {2:0.000}% / worst {3:0.000}%",
            100 * stop.RightRate, 100 * stop.WithinRate, 100 * stop.RegretMedian, 100 * stop.RegretMax);
        double saved = Math.Round(100 * stop.SavedShare) + 0.0; // + 0.0: a study a few seconds past its budget saved 0 %, not −0 %
        return string.Create(c, $"stopped early in {stop.Stopped} of {stop.Seeds} seeds, {spent} on average ({saved:0}% of ")
            + "the budget saved)" + how;
    }

    /// <param name="peakResidentBytes">The process's peak resident memory, measured at the edge.</param>
    public static string Json(ReplaySummary s, long peakResidentBytes)
    {
        var root = new JsonObject
        {
            ["command"] = s.Command,
            ["table"] = s.Table,
            ["checkpoints"] = s.Checkpoints,
            ["benchmarks"] = s.Benchmarks,
            ["seeds"] = s.Seeds,
            ["budgets"] = new JsonArray(s.Budgets.Select(b => (JsonNode)new JsonObject
            {
                ["fraction"] = b.Fraction,
                ["evaluations"] = b.Evaluations,
                ["design_cells"] = b.DesignCells,
                ["regret_median"] = b.RegretMedian,
                ["regret_max"] = b.RegretMax,
                ["best_found_rate"] = b.BestFoundRate,
                ["prob_best_median"] = b.ProbBestMedian,
                ["regret_mean"] = b.RegretMean,
                ["expected_regret_mean"] = b.ExpectedRegretMean,
                ["interval_coverage"] = Number(b.IntervalCoverageMean),
                ["interval_coverage_top"] = Number(b.TopIntervalCoverageMean),
                ["interval_coverage_few"] = Number(b.FewIntervalCoverageMean),
                ["stop"] = b.Stop is { } stop ? Stop(stop, "evaluations_mean") : null,
                ["baselines"] = new JsonObject
                {
                    ["random"] = new JsonObject { ["regret_median"] = b.Random.RegretMedian, ["regret_max"] = b.Random.RegretMax },
                    ["subset"] = new JsonObject { ["regret_median"] = b.Subset.RegretMedian, ["regret_max"] = b.Subset.RegretMax },
                },
            }).ToArray()),
            ["fit_seconds_median"] = Number(s.FitSecondsMedian),
            ["acquire_seconds_median"] = Number(s.AcquireSecondsMedian),
            ["round_seconds_median"] = Number(s.RoundSecondsMedian),
            ["round_seconds_mean"] = Number(s.RoundSecondsSpread.Mean),
            ["round_seconds_max"] = Number(s.RoundSecondsSpread.Max),
            ["fit_seconds_max"] = Number(s.FitSecondsMax),
            ["wall_seconds"] = s.WallSeconds,
            ["native"] = ComputeEnvironment.Json(),
            ["rounds"] = s.Rounds,
            ["peak_resident_mib"] = Math.Round(peakResidentBytes / 1048576.0, 1),
            ["peak_resident_mib_by_round"] = new JsonObject(s.PeakResident.Select(p =>
                KeyValuePair.Create(p.Round.ToString(CultureInfo.InvariantCulture), (JsonNode?)Math.Round(p.Bytes / 1048576.0, 1)))),
            ["live_tensors"] = s.LiveTensors is { } live
                ? new JsonObject { ["after_first_round"] = live.AfterFirstRound, ["after_last_round"] = live.AfterLastRound, ["most"] = live.Most }
                : null,
            ["runs"] = new JsonArray(s.Runs.Select(r => (JsonNode)new JsonObject
            {
                ["seed"] = r.Seed,
                ["budgets"] = new JsonArray(r.Budgets.Select(b => (JsonNode)new JsonObject
                {
                    ["evaluations"] = b.Evaluations, ["pick"] = b.Pick, ["regret"] = b.Regret, ["prob_best"] = b.ProbabilityBest,
                    ["tail_prob_best"] = Number(b.TailProbabilityBest),
                    ["random_regret"] = b.RandomRegret, ["subset_regret"] = b.SubsetRegret, ["expected_regret"] = b.ExpectedRegret,
                    ["interval_coverage"] = Number(b.IntervalCoverage), ["interval_coverage_top"] = Number(b.TopIntervalCoverage),
                    ["interval_coverage_few"] = Number(b.FewIntervalCoverage),
                    ["spent"] = b.Spent, ["stopped"] = b.Stopped,
                }).ToArray()),
            }).ToArray()),
            ["calibration"] = new JsonArray(s.Calibration.Select(c => (JsonNode)new JsonObject
            {
                ["threshold"] = c.Threshold, ["picks"] = c.Picks, ["stated_mean"] = Number(c.StatedMean), ["right_rate"] = Number(c.RightRate),
            }).ToArray()),
            ["calibration_bands"] = new JsonArray(s.CalibrationBands.Select(c => (JsonNode)new JsonObject
            {
                ["from"] = c.From, ["to"] = c.To, ["picks"] = c.Picks, ["stated_mean"] = Number(c.StatedMean), ["right_rate"] = Number(c.RightRate),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";
    }

    public static string Text(ReplaySummary s, long peakResidentBytes)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{s.Table}: {s.Checkpoints} checkpoints × {s.Benchmarks} benchmarks, {s.Seeds} seeds");
        text.AppendLine("regret of the pick, % of the best average (median / worst over seeds)");
        text.AppendLine(c, $"{"budget",-16} {"design",6} {"bomax",-17} {"best found",10} {"P(best)",8}   {"random",-17} {"subset",-17}");
        foreach (var b in s.Budgets)
        {
            string Pair(double median, double max) => string.Format(c, "{0,6:0.000} / {1,6:0.000}", 100 * median, 100 * max);
            text.AppendLine(c, $"{$"{100 * b.Fraction:0.0}% ({b.Evaluations})",-16} {b.DesignCells,6} {Pair(b.RegretMedian, b.RegretMax),-17} "
                + $"{100 * b.BestFoundRate,9:0}% {b.ProbBestMedian,8:0.00}   {Pair(b.Random.RegretMedian, b.Random.RegretMax),-17} "
                + $"{Pair(b.Subset.RegretMedian, b.Subset.RegretMax),-17}");
        }
        text.AppendLine("regret the engine expected of its pick against the regret it had, mean over seeds: "
            + string.Join("; ", s.Budgets.Select(b => string.Format(c, "{0:0.0}%: {1:0.000} expected, {2:0.000} had",
                100 * b.Fraction, 100 * b.ExpectedRegretMean, 100 * b.RegretMean))));
        text.AppendLine("95% intervals that held the true average, of the checkpoints not fully evaluated "
            + "(all / the pick and runners-up / those evaluated on at most a fifth of their benchmarks): "
            + string.Join("; ", s.Budgets.Select(b => string.Format(c, "{0:0.0}%: {1} / {2} / {3}",
                100 * b.Fraction, Share(b.IntervalCoverageMean), Share(b.TopIntervalCoverageMean), Share(b.FewIntervalCoverageMean)))));
        foreach (var cal in s.Calibration.Where(x => x.Picks > 0))
            text.AppendLine(c, $"picks stated at P(best) ≥ {cal.Threshold:0.0}: {cal.Picks}, stated {cal.StatedMean:0.00} on average, "
                + $"right {100 * cal.RightRate:0}% of the time");
        text.AppendLine("picks by stated P(best), stated on average → right: " + string.Join("; ", s.CalibrationBands.Select(b => b.Picks == 0
            ? string.Format(c, "{0:0.0}–{1:0.0}: none", b.From, b.To)
            : string.Format(c, "{0:0.0}–{1:0.0}: {2} stated {3:0.00} → right {4:0}%", b.From, b.To, b.Picks, b.StatedMean, 100 * b.RightRate))));
        foreach (var b in s.Budgets.Where(b => b.Stop is not null))
        {
            var stop = b.Stop!;
            text.AppendLine(string.Create(c, $"stop {stop.Rule} within {100 * b.Fraction:0.0}% ({b.Evaluations}): ")
                + StopText(stop, string.Format(c, "{0:0} evaluations", stop.SpentMean)));
        }
        text.AppendLine(c, $"seconds: refit median {s.FitSecondsMedian:0.000}, acquisition median {s.AcquireSecondsMedian:0.000}, "
            + $"round median {s.RoundSecondsMedian:0.000}, mean {s.RoundSecondsSpread.Mean:0.000}, longest {s.RoundSecondsSpread.Max:0.000}, "
            + $"wall {s.WallSeconds:0.0}");
        string live = s.LiveTensors is { } l
            ? $"; live tensors after round 1: {l.AfterFirstRound}, after the last: {l.AfterLastRound}, most: {l.Most}"
            : "";
        string byRound = s.PeakResident.Count > 0
            ? " (" + string.Join(", ", s.PeakResident.Select(p => string.Format(c, "{0:0} MiB by round {1}", p.Bytes / 1048576.0, p.Round))) + ")"
            : "";
        text.AppendLine(c, $"memory: peak resident {peakResidentBytes / 1048576.0:0} MiB over {s.Rounds} rounds{byRound}{live}");
        return text.ToString();
    }

    /// <summary><c>replay --thread-gains</c> as one JSON object: the table and, per size and operation, the seconds with one
    /// thread and with more.</summary>
    public static string ThreadGainsJson(string table, IReadOnlyList<ThreadGain> gains) => new JsonObject
    {
        ["table"] = table,
        ["threads"] = gains.Count > 0 ? gains[0].Threads : 0,
        ["operations"] = new JsonArray(gains.Select(g => (JsonNode)new JsonObject
        {
            ["observations"] = g.Observations,
            ["operation"] = g.Operation,
            ["one_thread_ms"] = 1000 * g.OneThreadSeconds,
            ["threads_ms"] = 1000 * g.ThreadsSeconds,
            ["speedup"] = g.Speedup,
        }).ToArray()),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary><c>replay --thread-gains</c> as a table.</summary>
    public static string ThreadGainsText(string table, IReadOnlyList<ThreadGain> gains)
    {
        var c = CultureInfo.InvariantCulture;
        int threads = gains.Count > 0 ? gains[0].Threads : 0;
        var text = new StringBuilder($"{table}: what {threads} threads gain over one (best of a few repeats each)\n");
        text.Append(c, $"{"observations",12}  {"operation",-10}  {"1 thread",10}  {threads + " threads",10}  speedup\n");
        foreach (var g in gains)
            text.Append(c, $"{g.Observations,12}  {g.Operation,-10}  {1000 * g.OneThreadSeconds,7:0.0} ms  "
                + $"{1000 * g.ThreadsSeconds,7:0.0} ms  {g.Speedup:0.00}×\n");
        return text.ToString();
    }
}

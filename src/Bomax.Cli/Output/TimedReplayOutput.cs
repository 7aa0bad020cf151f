using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bomax.Engine.Replay;

namespace Bomax.Cli.Output;

/// <summary>Renders <c>bomax replay --costs</c>: regret against evaluation time, the cost-aware engine beside the cost-blind one,
/// as the documented JSON object or as a readable table.</summary>
internal static class TimedReplayOutput
{
    static JsonObject Spend(SpendSummary s) => new()
    {
        ["regret_mean"] = s.RegretMean,
        ["regret_median"] = s.RegretMedian,
        ["regret_max"] = s.RegretMax,
        ["best_found_rate"] = s.BestFoundRate,
        ["seconds_mean"] = s.SecondsMean,
        ["evaluations_mean"] = s.EvaluationsMean,
    };

    static JsonObject Spend(TimedSpend s) => new()
    {
        ["pick"] = s.Pick, ["regret"] = s.Regret, ["prob_best"] = s.ProbabilityBest, ["seconds"] = s.Seconds, ["evaluations"] = s.Evaluations,
        ["stopped"] = s.Stopped,
    };

    public static string Json(TimedReplaySummary s) => new JsonObject
    {
        ["command"] = s.Command,
        ["table"] = s.Table,
        ["checkpoints"] = s.Checkpoints,
        ["benchmarks"] = s.Benchmarks,
        ["seeds"] = s.Seeds,
        ["costs"] = new JsonObject(s.BenchmarkNames.Select((name, j) => KeyValuePair.Create(name, (JsonNode?)s.Costs[j]))),
        ["grid_seconds"] = s.GridSeconds,
        ["cooled"] = s.Cooled,
        ["cost_noise"] = s.CostNoise,
        ["time_budgets"] = new JsonArray(s.Budgets.Select(b => (JsonNode)new JsonObject
        {
            ["share"] = b.Share,
            ["seconds"] = b.Seconds,
            ["cost_aware"] = Spend(b.Aware),
            ["cost_blind"] = Spend(b.Blind),
            ["regret_reduction"] = ReplayOutput.Number(b.RegretReduction),
            ["stop"] = b.Stop is { } stop
                ? new JsonObject
                {
                    ["cost_aware"] = ReplayOutput.Stop(stop.Aware, "seconds_mean"), ["cost_blind"] = ReplayOutput.Stop(stop.Blind, "seconds_mean"),
                }
                : null,
            ["baselines"] = new JsonObject
            {
                ["random"] = new JsonObject { ["regret_median"] = b.Random.RegretMedian, ["regret_max"] = b.Random.RegretMax },
                ["subset"] = new JsonObject { ["regret_median"] = b.Subset.RegretMedian, ["regret_max"] = b.Subset.RegretMax },
            },
        }).ToArray()),
        ["wall_seconds"] = s.WallSeconds,
        ["native"] = ComputeEnvironment.Json(),
        ["runs"] = new JsonArray(s.Runs.Select(r => (JsonNode)new JsonArray(r.Select(o => (JsonNode)new JsonObject
        {
            ["share"] = o.Share, ["cost_aware"] = Spend(o.Aware), ["cost_blind"] = Spend(o.Blind), ["random_regret"] = o.RandomRegret,
            ["subset_regret"] = o.SubsetRegret,
        }).ToArray())).ToArray()),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";

    public static string Text(TimedReplaySummary s)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{s.Table}: {s.Checkpoints} checkpoints × {s.Benchmarks} benchmarks, {s.Seeds} seeds; the full grid takes "
            + $"{s.GridSeconds:0} s of evaluation");
        text.AppendLine("regret of the pick against evaluation time, % of the best average (mean / median / worst over seeds)");
        text.AppendLine(c, $"{"time budget",-22} {"cost-aware",-26} {"seconds",9} {"cost-blind",-26} {"seconds",9} {"lower",6}   "
            + $"{"random",-17} {"subset",-17}");
        string Three(SpendSummary x) => string.Format(c, "{0,6:0.000} / {1,6:0.000} / {2,6:0.000}", 100 * x.RegretMean, 100 * x.RegretMedian,
            100 * x.RegretMax);
        string Two(RegretSummary x) => string.Format(c, "{0,6:0.000} / {1,6:0.000}", 100 * x.RegretMedian, 100 * x.RegretMax);
        foreach (var b in s.Budgets)
        {
            string lower = ReplayOutput.Share(b.RegretReduction);
            text.AppendLine(c, $"{$"{100 * b.Share:0.0}% ({b.Seconds:0} s)",-22} {Three(b.Aware),-26} {b.Aware.SecondsMean,9:0} "
                + $"{Three(b.Blind),-26} {b.Blind.SecondsMean,9:0} {lower,6}   {Two(b.Random),-17} {Two(b.Subset),-17}");
        }
        foreach (var b in s.Budgets.Where(b => b.Stop is not null))
        {
            var (aware, blind) = b.Stop!.Value;
            foreach (var (engine, stop) in new[] { ("cost-aware", aware), ("cost-blind", blind) })
                text.AppendLine(string.Create(c, $"stop {stop.Rule} within {100 * b.Share:0.0}% of the grid's time, {engine}: ")
                    + ReplayOutput.StopText(stop, string.Format(c, "{0:0} s", stop.SpentMean)));
        }
        text.AppendLine("evaluations on average (cost-aware / cost-blind): " + string.Join("; ", s.Budgets.Select(b =>
            string.Format(c, "{0:0.0}%: {1:0.0} / {2:0.0}", 100 * b.Share, b.Aware.EvaluationsMean, b.Blind.EvaluationsMean))));
        text.AppendLine("lower: how much lower the cost-aware engine's mean regret is than the cost-blind engine's at the same time budget"
            + (s.Cooled ? "; the cost-aware engine cooled its cost exponent as it spent" : "")
            + (s.CostNoise > 0
                ? string.Format(c, "; each evaluation took its cost times e^({0:0.##}·z), and the engines knew only the seconds they measured",
                    s.CostNoise)
                : ""));
        text.AppendLine(c, $"seconds: wall {s.WallSeconds:0.0}");
        return text.ToString();
    }
}

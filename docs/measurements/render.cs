// Renders the measured blocks of docs/measurements.md from the `bomax replay --json` outputs kept beside it, so the
// numbers and the commands that made them cannot drift apart.
//
//   dotnet run docs/measurements/render.cs            rewrite the blocks in place
//   dotnet run docs/measurements/render.cs -- --check exit 1 (and say which block) when a block is not what its JSON says
//
// A block is the text between two comments; everything outside them is written by hand and left alone:
//   <!-- replay docs/measurements/shared/shared-121x71.json -->      one replay: its command, a row per budget, calibration
//   <!-- /replay -->
//   <!-- replay-pool docs/measurements/calibration/*.json -->       several replays: a row per grid and budget, then the
//   <!-- /replay-pool -->                                            calibration bands and interval coverage pooled over all
//   <!-- replay-bands docs/measurements/calibration/*.json docs/measurements/calibration/fresh-large/*.json -->
//   <!-- /replay-bands -->                                           the pooled part alone, over several patterns
// Paths are relative to the repository root; a pattern may end in *.json (pythia-*.json: those whose name starts so); patterns are
// separated by spaces.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

var root = FindRoot(Directory.GetCurrentDirectory());
var documentPath = Path.Combine(root, "docs", "measurements.md");
var document = File.ReadAllText(documentPath);
var block = new Regex(@"(<!-- (replay|replay-pool|replay-bands) ([^>]+?) -->\n)(.*?)(<!-- /\2 -->)", RegexOptions.Singleline);
var stale = new List<string>();
var rendered = block.Replace(document, match =>
{
    string kind = match.Groups[2].Value, pattern = match.Groups[3].Value.Trim();
    var files = pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(one => Expand(root, one)).ToList();
    if (files.Count == 0) throw new FileNotFoundException($"docs/measurements.md: no replay JSON matches '{pattern}'");
    var text = kind switch
    {
        "replay" => Render.One(Load(files[0])),
        "replay-pool" => Render.Pool(files.Select(Load).ToList()),
        _ => Render.Pooled(files.Select(Load).ToList()),
    };
    if (text != match.Groups[4].Value) stale.Add(pattern);
    return match.Groups[1].Value + text + match.Groups[5].Value;
});
if (args.Contains("--check"))
{
    foreach (var pattern in stale) Console.Error.WriteLine($"docs/measurements.md: the block of {pattern} is not what its JSON says; run dotnet run docs/measurements/render.cs");
    return stale.Count == 0 ? 0 : 1;
}
File.WriteAllText(documentPath, rendered);
Console.WriteLine($"docs/measurements.md: {block.Count(document)} blocks, {stale.Count} rewritten");
return 0;

static string FindRoot(string from)
{
    for (var d = new DirectoryInfo(from); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Bomax.Ci.sln"))) return d.FullName;
    throw new DirectoryNotFoundException("run from inside the Bomax.Ci repository");
}

static List<string> Expand(string root, string pattern)
{
    string full = Path.Combine(root, pattern);
    if (!pattern.EndsWith("*.json", StringComparison.Ordinal)) return File.Exists(full) ? [full] : [];
    string directory = Path.GetDirectoryName(full)!;
    return Directory.Exists(directory) ? Directory.GetFiles(directory, Path.GetFileName(full)).Order(StringComparer.Ordinal).ToList() : [];
}

static Replay Load(string path)
{
    var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    string Name() => Path.GetFileNameWithoutExtension(path);
    return new Replay(Name(), json["command"]?.GetValue<string>() ?? "(command not recorded)", json);
}

sealed record Replay(string Name, string Command, JsonObject Json)
{
    public IEnumerable<JsonObject> Budgets => Json["budgets"]!.AsArray().Select(b => b!.AsObject());
    public IEnumerable<JsonObject> Picks => Json["runs"]!.AsArray().SelectMany(r => r!["budgets"]!.AsArray()).Select(b => b!.AsObject());
    public string Size => $"{Json["checkpoints"]} × {Json["benchmarks"]}, {Json["seeds"]} seeds";
}

static class Render
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;
    static readonly (double From, double To)[] Bands = [(0, 0.2), (0.2, 0.5), (0.5, 0.9), (0.9, 1)];

    static double? Number(JsonNode? node) => node is null ? null : node.GetValue<double>();
    static string Percent(double? share, string format = "0") => share is { } v ? (100 * v).ToString(format, C) + " %" : "–";
    static string Regret(double? median, double? worst) =>
        median is { } m && worst is { } w ? string.Format(C, "{0:0.000} / {1:0.000}", 100 * m, 100 * w) : "–";
    static string Budget(JsonObject b) => string.Format(C, "{0:0.#} % ({1})", 100 * b["fraction"]!.GetValue<double>(), b["evaluations"]);
    static string Found(Replay r, JsonObject b) =>
        string.Format(C, "{0:0}/{1}", b["best_found_rate"]!.GetValue<double>() * r.Json["seeds"]!.GetValue<int>(), r.Json["seeds"]);
    static string Intervals(JsonObject b) => $"{Percent(Number(b["interval_coverage"]))} / {Percent(Number(b["interval_coverage_top"]))} / "
        + Percent(Number(b["interval_coverage_few"]));
    static string Baseline(JsonObject b, string name) =>
        Regret(Number(b["baselines"]![name]!["regret_median"]), Number(b["baselines"]![name]!["regret_max"]));

    /// <summary>One replay: its command, a row per budget, its stop rule's outcome and its calibration bands.</summary>
    public static string One(Replay r)
    {
        var text = new StringBuilder();
        text.Append(C, $"`{r.Command}` ({r.Size}; regret % of the best average, median / worst over seeds):\n\n");
        text.Append("| budget | design | bomax | best found | P(best) median | random | subset "
            + "| 95 % intervals held (all / top / few evaluated) |\n");
        text.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var b in r.Budgets)
            text.Append(C, $"| {Budget(b)} | {b["design_cells"]} | {Regret(Number(b["regret_median"]), Number(b["regret_max"]))} | {Found(r, b)} | "
                + $"{Number(b["prob_best_median"]):0.00} | {Baseline(b, "random")} | {Baseline(b, "subset")} | "
                + $"{Intervals(b)} |\n");
        text.Append(Stops([r]));
        text.Append('\n').Append(Calibration(r.Picks.ToList())).Append('\n');
        return text.ToString();
    }

    /// <summary>Several replays: a row per grid and budget, then what they say pooled.</summary>
    public static string Pool(IReadOnlyList<Replay> replays)
    {
        var text = new StringBuilder();
        text.Append("| grid | size | budget | bomax | best found | random | subset | 95 % intervals held (all / top / few evaluated) |\n");
        text.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var r in replays)
            foreach (var b in r.Budgets)
                text.Append(C, $"| {r.Name} | {r.Json["checkpoints"]} × {r.Json["benchmarks"]} | {Budget(b)} | "
                    + $"{Regret(Number(b["regret_median"]), Number(b["regret_max"]))} | {Found(r, b)} | {Baseline(b, "random")} | "
                    + $"{Baseline(b, "subset")} | {Intervals(b)} |\n");
        text.Append(Stops(replays));
        text.Append('\n').Append(Summary(replays));
        text.Append("\nMade by:\n\n```\n");
        foreach (var r in replays) text.Append(r.Command).Append('\n');
        text.Append("```\n");
        return text.ToString();
    }

    /// <summary>Several replays' pooled part alone: the stop rules' outcomes, then the calibration bands and the interval coverage
    /// (left out when every replay ended by a stop rule: its picks are those of the round it stopped in).</summary>
    public static string Pooled(IReadOnlyList<Replay> replays) =>
        replays.All(r => r.Budgets.All(b => b["stop"] is JsonObject))
            ? $"Pooled over {replays.Count} replays:\n" + StopsPooled(replays)
            : $"Pooled over {replays.Count} replays ({replays.Sum(r => r.Picks.Count())} picks):\n" + StopsPooled(replays) + "\n" + Summary(replays);

    /// <summary>The calibration bands pooled (all, then by size), and the interval coverage over the grid-budgets.</summary>
    static string Summary(IReadOnlyList<Replay> replays)
    {
        var text = new StringBuilder();
        var picks = replays.SelectMany(r => r.Picks).ToList();
        var coverage = replays.SelectMany(r => r.Budgets).Select(b => Number(b["interval_coverage"])).OfType<double>().ToList();
        var top = replays.SelectMany(r => r.Budgets).Select(b => Number(b["interval_coverage_top"])).OfType<double>().ToList();
        var few = replays.SelectMany(r => r.Budgets).Select(b => Number(b["interval_coverage_few"])).OfType<double>().ToList();
        text.Append(Calibration(picks));
        text.Append(BySize(replays));
        string fewEvaluated = few.Count == 0 ? "" : $", and {Percent(few.Average())} of the checkpoints evaluated on at most a fifth "
            + $"of their benchmarks ({Percent(few.Min())} to {Percent(few.Max())})";
        text.Append(C, $" The 95 % intervals held the true average of {Percent(coverage.Average())} of the checkpoints not fully "
            + $"evaluated (mean over the {coverage.Count} grid-budgets; {Percent(coverage.Min())} to {Percent(coverage.Max())}), and of "
            + $"{Percent(top.Average())} of the pick and its runners-up{fewEvaluated}.\n");
        return text.ToString();
    }

    /// <summary>The grids of at least this many checkpoints are read apart from the rest: the real runs the issue "honest confidence"
    /// measured were of that size, and their lowest band was cautious where the pooled one is not.</summary>
    const int LargeGrid = 60;

    /// <summary>The pooled bands again, apart for the grids of <see cref="LargeGrid"/> checkpoints or more and the smaller ones, when
    /// the replays hold both.</summary>
    static string BySize(IReadOnlyList<Replay> replays)
    {
        var bySize = replays.ToLookup(r => r.Json["checkpoints"]!.GetValue<int>() >= LargeGrid);
        var large = bySize[true].SelectMany(r => r.Picks).ToList();
        var small = bySize[false].SelectMany(r => r.Picks).ToList();
        if (large.Count == 0 || small.Count == 0) return "";
        return $" On the grids of {LargeGrid} checkpoints or more ({large.Count}): {BandsOf(large)}. On the smaller grids ({small.Count}): "
            + $"{BandsOf(small)}.";
    }

    /// <summary>Picks by their stated P(best), pooled: how many, stated on average, right how often.</summary>
    static string Calibration(IReadOnlyList<JsonObject> picks) => $"Picks by the P(best) stated ({picks.Count}): " + BandsOf(picks) + ".";

    static string BandsOf(IReadOnlyList<JsonObject> picks)
    {
        var parts = Bands.Select(band =>
        {
            var inBand = picks.Where(p => p["prob_best"]!.GetValue<double>() is var q && q >= band.From && (q < band.To || band.To == 1)).ToList();
            string range = string.Format(C, "{0:0.0}–{1:0.0}", band.From, band.To);
            if (inBand.Count == 0) return $"{range}: none";
            double stated = inBand.Average(p => p["prob_best"]!.GetValue<double>());
            int right = inBand.Count(p => p["regret"]!.GetValue<double>() == 0);
            return string.Format(C, "{0}: {1} picks stated {2:0.00} on average, right {3} ({4:0.00})", range, inBand.Count, stated, right,
                (double)right / inBand.Count);
        });
        return string.Join("; ", parts);
    }

    /// <summary>The stop rule's outcome per grid and budget, when the replays ended by one.</summary>
    static string Stops(IReadOnlyList<Replay> replays)
    {
        var rows = replays.SelectMany(r => r.Budgets.Where(b => b["stop"] is JsonObject).Select(b => (r, b, s: b["stop"]!.AsObject()))).ToList();
        if (rows.Count == 0) return "";
        var text = new StringBuilder("\n| grid | budget (the most) | rule | stopped early | evaluations, mean | saved | true best | within the rule "
            + "| regret median / worst (stopped) |\n|---|---|---|---|---|---|---|---|---|\n");
        foreach (var (r, b, s) in rows)
            text.Append(C, $"| {r.Name} | {Budget(b)} | `{s["rule"]}` | {s["stopped"]} of {s["seeds"]} | {Number(s["evaluations_mean"]):0} | "
                + $"{Percent(Number(s["saved_share"]))} | {Percent(Number(s["right_rate"]))} | {Percent(Number(s["within_rate"]))} | "
                + $"{Regret(Number(s["regret_median"]), Number(s["regret_max"]))} |\n");
        return text.Append(StopsPooled(replays)).ToString();
    }

    /// <summary>Each stop rule's outcome pooled over the grid-budgets that ended by it.</summary>
    static string StopsPooled(IReadOnlyList<Replay> replays)
    {
        var rows = replays.SelectMany(r => r.Budgets.Where(b => b["stop"] is JsonObject).Select(b => b["stop"]!.AsObject())).ToList();
        var text = new StringBuilder();
        foreach (var rule in rows.GroupBy(stop => stop["rule"]!.GetValue<string>()))
        {
            int stopped = rule.Sum(x => x["stopped"]!.GetValue<int>());
            if (stopped == 0)
            {
                text.Append(C, $"\n`{rule.Key}`, pooled over {rule.Count()} grid-budgets: none of {rule.Sum(x => x["seeds"]!.GetValue<int>())} "
                    + $"studies stopped early.\n");
                continue;
            }
            double Pooled(string field) => rule.Sum(x => (Number(x[field]) ?? 0) * x["stopped"]!.GetValue<int>()) / Math.Max(1, stopped);
            text.Append(C, $"\n`{rule.Key}`, pooled over {rule.Count()} grid-budgets: {stopped} of {rule.Sum(x => x["seeds"]!.GetValue<int>())} "
                + $"studies stopped early, the true best in {Percent(Pooled("right_rate"))} of them and within the rule in "
                + $"{Percent(Pooled("within_rate"))}; {Percent(rule.Average(x => Number(x["saved_share"]) ?? 0))} of the budget saved on average.\n");
        }
        return text.ToString();
    }
}

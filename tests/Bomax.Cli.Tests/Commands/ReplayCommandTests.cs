using System.Globalization;
using System.Text;
using System.Text.Json;
using Bomax.Cli.Journal;
using Bomax.Engine.Model;

namespace Bomax.Cli.Tests.Commands;

/// <summary>Runs the real <c>bomax</c> executable (the bomax.dll copied next to the tests) as a child process, no shell.</summary>
public sealed class ReplayCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-replay-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    BomaxResult Bomax(params string[] arguments) => BomaxProcess.Run(directory, TimeSpan.FromSeconds(120), arguments);

    string Write(string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>12 checkpoints × 3 benchmarks, rising then falling; returns the path and the plain row means.</summary>
    (string Path, double[] RowMeans) TinyTable()
    {
        var text = new StringBuilder("CHECKPOINT\tarc\thellaswag\tmmlu\n");
        var means = new double[12];
        for (int i = 0; i < 12; i++)
        {
            double t = i / 11.0;
            var scores = new[] { 0.30 + 0.2 * Math.Exp(-Math.Pow((t - 0.6) / 0.3, 2)) + 0.003 * Math.Sin(7 * i),
                                 0.45 + 0.1 * Math.Exp(-Math.Pow((t - 0.55) / 0.3, 2)) + 0.003 * Math.Cos(5 * i),
                                 0.25 + 0.15 * Math.Exp(-Math.Pow((t - 0.65) / 0.3, 2)) };
            scores = scores.Select(s => Math.Round(s, 6)).ToArray();
            means[i] = scores.Average();
            text.Append(CultureInfo.InvariantCulture, $"ckpt-{(i + 1) * 500}\t{scores[0]:R}\t{scores[1]:R}\t{scores[2]:R}\n");
        }
        return (Write("tiny.tsv", text.ToString()), means);
    }

    [Fact]
    public void ARaggedTableExitsWithTwoAndNamesFileLineAndColumn()
    {
        var path = Write("ragged.tsv", "CHECKPOINT\ta\tb\tc\nckpt-100\t0.1\t0.2\t0.3\nckpt-200\t0.1\t0.2\nckpt-300\t0.1\t0.2\t0.3\n");
        var run = Bomax("replay", path, "--seeds", "1");
        Assert.Equal(2, run.ExitCode);
        // Line 3 has 3 fields where 4 are expected: the first missing field is column 4.
        Assert.Contains($"{path}:3:4:", run.Stderr);
        Assert.Contains("ckpt-200", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void ANonNumericScoreExitsWithTwoAndNamesItsColumn()
    {
        var path = Write("words.csv", "CHECKPOINT,a,b\nckpt-1,0.1,0.2\nckpt-2,0.3,oops\nckpt-3,0.1,0.2\n");
        var run = Bomax("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{path}:3:3:", run.Stderr);
        Assert.Contains("'oops'", run.Stderr);
    }

    [Fact]
    public void AMissingTableExitsWithTwo()
    {
        var path = Path.Combine(directory, "nowhere.tsv");
        var run = Bomax("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(path, run.Stderr);
        Assert.Contains("not found", run.Stderr);
    }

    [Fact]
    public void AnUnknownOptionExitsWithTwo()
    {
        var (path, _) = TinyTable();
        var run = Bomax("replay", path, "--frobnicate", "3");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--frobnicate", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void ABadBudgetExitsWithTwo()
    {
        var (path, _) = TinyTable();
        var run = Bomax("replay", path, "--budget", "150%", "--json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("150%", run.Stderr);
        Assert.Contains("more than the whole grid", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void ASyntheticTableIsReplayedAndCanBeSavedAndReplayedAgainFromTheFile()
    {
        string saved = Path.Combine(directory, "synthetic.tsv");
        var run = Bomax("replay", "--synthetic", "14x4", "--synthetic-seed", "7", "--seeds", "1", "--budget", "50%", "--save-table", saved, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Equal("synthetic 14x4 seed 7", document.RootElement.GetProperty("table").GetString());
        Assert.Contains("synthetic 14x4 seed 7: 14 × 4; smallest sensible budget 12 (21.4%)", run.Stderr); // 4 design cells + 2 rows of 4
        Assert.Equal(14, document.RootElement.GetProperty("checkpoints").GetInt32());
        Assert.Equal(4, document.RootElement.GetProperty("benchmarks").GetInt32());

        // The saved table is a table replay reads, and replaying it picks exactly what the synthetic run picked.
        var lines = File.ReadAllLines(saved);
        Assert.Equal(15, lines.Length);
        Assert.Equal("CHECKPOINT\tbench_000\tbench_001\tbench_002\tbench_003", lines[0]);
        var again = Bomax("replay", saved, "--seeds", "1", "--budget", "50%", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        using var replayed = JsonDocument.Parse(again.Stdout);
        static int Pick(JsonDocument d) => d.RootElement.GetProperty("runs")[0].GetProperty("budgets")[0].GetProperty("pick").GetInt32();
        Assert.Equal(Pick(document), Pick(replayed));
    }

    /// <summary>The first decision's expected regret (the stated shortfall of its pick) of a replay run with and without
    /// <paramref name="errors"/>: the same scores read with their noise known are not stated as they were without.</summary>
    (double Plain, double Reported) ExpectedRegretWithAndWithout(string[] replay, params string[] errors)
    {
        var plain = Bomax(replay);
        var reported = Bomax([.. replay, .. errors]);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(reported.ExitCode == 0, reported.ToString());
        using var a = JsonDocument.Parse(plain.Stdout);
        using var b = JsonDocument.Parse(reported.Stdout);
        Assert.EndsWith(string.Join(' ', errors), b.RootElement.GetProperty("command").GetString());
        static double Stated(JsonDocument d) =>
            d.RootElement.GetProperty("runs")[0].GetProperty("budgets")[0].GetProperty("expected_regret").GetDouble();
        return (Stated(a), Stated(b));
    }

    [Fact]
    public void SyntheticScoresCanComeWithStandardErrorsWhichTheEngineReads()
    {
        var (plain, reported) = ExpectedRegretWithAndWithout(
            ["replay", "--synthetic", "30x4", "--synthetic-seed", "3", "--seeds", "1", "--budget", "40%", "--json"], "--synthetic-stderr");
        Assert.NotEqual(plain, reported);

        var (table, _) = TinyTable();
        ExitsWithTwo(Bomax("replay", table, "--synthetic-stderr"), "--synthetic-stderr goes with --synthetic NxM");
    }

    static void ExitsWithTwo(BomaxResult run, string message)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void ATablesScoresCanComeWithStandardErrorsFromAFileOfTheSameShape()
    {
        var (table, _) = TinyTable();
        var errors = new StringBuilder("CHECKPOINT\tmmlu\tarc\thellaswag\n");
        for (int i = 0; i < 12; i++) errors.Append(CultureInfo.InvariantCulture, $"ckpt-{(i + 1) * 500}\t0.02\t0.015\t0.01\n");
        string errorsPath = Write("tiny-stderr.tsv", errors.ToString());
        var (plain, reported) = ExpectedRegretWithAndWithout(
            ["replay", table, "--seeds", "1", "--budget", "30%", "--json"], "--stderr", errorsPath);
        Assert.NotEqual(plain, reported);

        ExitsWithTwo(Bomax("replay", table, "--stderr", Write("bad-stderr.tsv", "CHECKPOINT\tarc\nckpt-500\t0.01\n")), "bad-stderr.tsv:");
        ExitsWithTwo(Bomax("replay", "--synthetic", "10x3", "--stderr", errorsPath), "--stderr FILE goes with a TABLE");
    }

    [Fact]
    public void EarlierRunsAreMatchedByNameAndJoinTheReplaysFits()
    {
        var (table, _) = TinyTable();
        // An earlier run with two of the three benchmarks (and one the study does not have), in another order.
        var earlier = new StringBuilder("CHECKPOINT\tmmlu\tpiqa\tarc\n");
        for (int i = 0; i < 10; i++)
            earlier.Append(CultureInfo.InvariantCulture, $"step-{(i + 1) * 300}\t{0.2 + 0.01 * i:R}\t0.5\t{0.3 + 0.02 * i - 0.002 * i * i:R}\n");
        string prior = Write("earlier.tsv", earlier.ToString());

        var run = Bomax("replay", table, "--prior", prior, "--seeds", "1", "--budget", "25%", "--json");
        var blind = Bomax("replay", table, "--seeds", "1", "--budget", "25%", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"prior {prior}: 10 checkpoints, 2 of 3 benchmarks matched", run.Stderr);
        using var withPrior = JsonDocument.Parse(run.Stdout);
        using var without = JsonDocument.Parse(blind.Stdout);
        Assert.Contains("--prior", withPrior.RootElement.GetProperty("command").GetString());
        // The same study, fitted otherwise: the engine's expected regret of its pick moves.
        static double Expected(JsonDocument d) =>
            d.RootElement.GetProperty("runs")[0].GetProperty("budgets")[0].GetProperty("expected_regret").GetDouble();
        Assert.NotEqual(Expected(without), Expected(withPrior));
    }

    [Fact]
    public void AnEarlierStudysJournalIsAPriorAsItsTableIsWithItsScoresTurnedTheWayItsRecordsSay()
    {
        var (table, _) = TinyTable();
        var scores = Enumerable.Range(0, 10).Select(i => (Step: (i + 1) * 300, Mmlu: 0.2 + 0.01 * i, Arc: 0.3 + 0.02 * i - 0.002 * i * i)).ToList();
        string tsv = Write("earlier.tsv", "CHECKPOINT\tmmlu\tarc\n"
            + string.Concat(scores.Select(s => FormattableString.Invariant($"step-{s.Step}\t{s.Mmlu:R}\t{s.Arc:R}\n"))));
        // The same run as a study's journal, arc recorded as an error rate (1 − accuracy), once saying so and once not.
        string Journal(string name, bool? arcHigherIsBetter) => Write(name, string.Concat(scores.SelectMany(s => new[]
        {
            new EvaluationRecord($"step-{s.Step}", s.Step, "mmlu", s.Mmlu, null, 60, 1),
            new EvaluationRecord($"step-{s.Step}", s.Step, "arc", 1 - s.Arc, null, 60, 1) { HigherIsBetter = arcHigherIsBetter },
        }).Select(r => JournalFile.Serialise(r) + "\n")));

        double Expected(string prior)
        {
            var run = Bomax("replay", table, "--prior", prior, "--seeds", "1", "--budget", "25%", "--json");
            Assert.True(run.ExitCode == 0, run.ToString());
            using var d = JsonDocument.Parse(run.Stdout);
            return d.RootElement.GetProperty("runs")[0].GetProperty("budgets")[0].GetProperty("expected_regret").GetDouble();
        }

        double fromTable = Expected(tsv);
        // turned back: the same run, the same fits (to rounding: −(1 − s) is s − 1 only nearly)
        Assert.InRange(Math.Abs(Expected(Journal("stated.jsonl", false)) - fromTable), 0, 1e-12);
        // read as higher-is-better, arc moves the other way
        Assert.InRange(Math.Abs(Expected(Journal("unstated.jsonl", null)) - fromTable), 1e-6, double.PositiveInfinity);
    }

    [Fact]
    public void AnEarlierRunWithNothingInCommonOrUnreadableExitsWithTwo()
    {
        var (table, _) = TinyTable();
        string unrelated = Write("unrelated.tsv", "CHECKPOINT\tx\ty\nc-1\t0.1\t0.2\nc-2\t0.1\t0.2\nc-3\t0.1\t0.2\n");

        var none = Bomax("replay", table, "--prior", unrelated, "--seeds", "1");
        var missing = Bomax("replay", table, "--prior", Path.Combine(directory, "nowhere.tsv"), "--seeds", "1");

        Assert.Equal(2, none.ExitCode);
        Assert.Contains($"--prior: '{unrelated}' shares no benchmark with the study (its benchmarks: x, y); benchmarks are matched by name",
            none.Stderr);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains($"--prior: '{Path.Combine(directory, "nowhere.tsv")}' does not exist", missing.Stderr);
        Assert.Equal("", none.Stdout + missing.Stdout);
    }

    [Theory]
    [InlineData("--synthetic", "1000", "is not a grid size")]
    [InlineData("--synthetic", "2x5", "is not a grid size")]
    [InlineData("--synthetic", "5000x1000", "is not a grid size")]
    public void ABadSyntheticSizeExitsWithTwo(string option, string value, string message)
    {
        var run = Bomax("replay", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void ATableAndASyntheticSizeTogetherOrNeitherExitWithTwo()
    {
        var (path, _) = TinyTable();
        var both = Bomax("replay", path, "--synthetic", "10x3");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Stderr);
        var neither = Bomax("replay");
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("give a TABLE file or --synthetic NxM", neither.Stderr);
    }

    [Fact]
    public void KernelChoosesTheStepKernelMatern32ByDefault()
    {
        string[] grid = ["replay", "--synthetic", "24x4", "--synthetic-seed", "3", "--seeds", "1", "--budget", "0.25", "--json"];
        static string[] Readings(string json)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetProperty("runs").EnumerateArray()
                .SelectMany(r => r.GetProperty("budgets").EnumerateArray())
                .Select(b => $"{b.GetProperty("pick").GetInt32()} {b.GetProperty("prob_best").GetDouble():R} "
                    + $"{b.GetProperty("expected_regret").GetDouble():R}")
                .ToArray();
        }
        var plain = Bomax(grid);
        var rough = Bomax([.. grid, "--kernel", "matern32"]);
        var smooth = Bomax([.. grid, "--kernel", "matern52"]);
        Assert.True(plain.ExitCode == 0 && rough.ExitCode == 0 && smooth.ExitCode == 0, plain.Stderr + rough.Stderr + smooth.Stderr);
        Assert.Equal(Readings(plain.Stdout), Readings(rough.Stdout));
        Assert.NotEqual(Readings(plain.Stdout), Readings(smooth.Stdout));
        using var smoothDocument = JsonDocument.Parse(smooth.Stdout);
        Assert.Contains("--kernel matern52", smoothDocument.RootElement.GetProperty("command").GetString());

        var bad = Bomax("replay", "--synthetic", "10x3", "--kernel", "matern5");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--kernel 'matern5' is not one of matern32, matern52, rbf; did you mean", bad.Stderr);
    }

    [Theory]
    [InlineData("--no-run-spread")]
    [InlineData("--no-co-movement")]
    public void AnIntervalAblationMovesNoPick(string ablation)
    {
        var (path, _) = TinyTable();
        var spread = Bomax("replay", path, "--seeds", "2", "--budget", "0.5", "--json");
        var fitted = Bomax("replay", path, "--seeds", "2", "--budget", "0.5", "--json", ablation);
        Assert.True(spread.ExitCode == 0 && fitted.ExitCode == 0, spread.Stderr + fitted.Stderr);
        static string[] Picks(string json)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetProperty("runs").EnumerateArray()
                .SelectMany(r => r.GetProperty("budgets").EnumerateArray())
                .Select(b => $"{b.GetProperty("pick").GetInt32()} {b.GetProperty("regret").GetDouble():R} {b.GetProperty("prob_best").GetDouble():R}")
                .ToArray();
        }
        Assert.Equal(Picks(spread.Stdout), Picks(fitted.Stdout));
        using var ablated = JsonDocument.Parse(fitted.Stdout);
        Assert.Contains(ablation, ablated.RootElement.GetProperty("command").GetString());
    }

    [Fact]
    public void TheReadableReplaySaysHowManyIntervalsHeldTheTrueAverageAsTheJsonDoes()
    {
        var (path, _) = TinyTable();
        var json = Bomax("replay", path, "--seeds", "1", "--budget", "0.5", "--json");
        var text = Bomax("replay", path, "--seeds", "1", "--budget", "0.5");
        Assert.True(json.ExitCode == 0 && text.ExitCode == 0, json.Stderr + text.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        var budget = Assert.Single(document.RootElement.GetProperty("budgets").EnumerateArray());
        string Share(string field) => budget.GetProperty(field) is { ValueKind: JsonValueKind.Number } v
            ? string.Format(CultureInfo.InvariantCulture, "{0:0}%", 100 * v.GetDouble()) : "n/a";
        Assert.Contains($"95% intervals that held the true average, of the checkpoints not fully evaluated "
            + "(all / the pick and runners-up / those evaluated on at most a fifth of their benchmarks): "
            + $"50.0%: {Share("interval_coverage")} / {Share("interval_coverage_top")} / {Share("interval_coverage_few")}", text.Stdout);
    }

    /// <summary>The JSON says what its numbers were computed on, as the child's native code read it: the engine's pinned code
    /// paths by default, the user's own wherever they set them (the engine never overrides those).</summary>
    [Fact]
    public void JsonReplaySaysTheCpuAndTheNativeCodePathsItRanOn()
    {
        if (!OperatingSystem.IsLinux()) return; // the CPU's name is read from /proc/cpuinfo
        var (path, _) = TinyTable();
        JsonElement Native(Action<IDictionary<string, string?>> environment)
        {
            var run = BomaxProcess.Run(directory, TimeSpan.FromSeconds(120), ["replay", path, "--seeds", "1", "--budget", "0.5", "--json"],
                environment);
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
            using var document = JsonDocument.Parse(run.Stdout);
            return document.RootElement.GetProperty("native").Clone();
        }

        var pinned = Native(environment =>
        {
            foreach (var name in TorchDevice.NativeVariableNames) environment.Remove(name);
        });
        Assert.False(string.IsNullOrWhiteSpace(pinned.GetProperty("cpu").GetString()));
        foreach (var (name, value) in TorchDevice.NativeSettings) Assert.Equal(value, pinned.GetProperty(name).GetString());

        var users = Native(environment =>
        {
            environment["MKL_CBWR"] = "COMPATIBLE,STRICT";
            environment["ATEN_CPU_CAPABILITY"] = "default";
        });
        Assert.Equal("COMPATIBLE,STRICT", users.GetProperty("MKL_CBWR").GetString());
        Assert.Equal("default", users.GetProperty("ATEN_CPU_CAPABILITY").GetString());
    }

    [Fact]
    public void JsonReplayOfATinyTablePrintsOneObjectWithTheDocumentedFields()
    {
        var (path, means) = TinyTable();
        var run = Bomax("replay", path, "--seeds", "2", "--budget", "0.5", "--json");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");

        // Exactly one JSON object, on one line; progress went to stderr.
        var text = run.Stdout.Trim();
        Assert.DoesNotContain('\n', text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);

        Assert.Equal(path, root.GetProperty("table").GetString());
        Assert.Equal(12, root.GetProperty("checkpoints").GetInt32());
        Assert.Equal(3, root.GetProperty("benchmarks").GetInt32());
        Assert.Equal(2, root.GetProperty("seeds").GetInt32());
        foreach (var name in new[] { "fit_seconds_median", "acquire_seconds_median", "round_seconds_median" })
        {
            var value = root.GetProperty(name);
            Assert.True(value.ValueKind == JsonValueKind.Null || value.GetDouble() >= 0, $"{name}: {value}");
        }
        Assert.True(root.GetProperty("wall_seconds").GetDouble() > 0);
        // The peak resident memory as it stood after the last round (fewer than 100 here): positive, never above the end's peak.
        int rounds = root.GetProperty("rounds").GetInt32();
        var byRound = root.GetProperty("peak_resident_mib_by_round").EnumerateObject().ToList();
        var last = Assert.Single(byRound);
        Assert.Equal(rounds.ToString(System.Globalization.CultureInfo.InvariantCulture), last.Name);
        Assert.InRange(last.Value.GetDouble(), 1, root.GetProperty("peak_resident_mib").GetDouble());

        var budget = Assert.Single(root.GetProperty("budgets").EnumerateArray());
        Assert.Equal(0.5, budget.GetProperty("fraction").GetDouble(), 1e-12);
        Assert.Equal(18, budget.GetProperty("evaluations").GetInt32());
        Assert.Equal(3, budget.GetProperty("design_cells").GetInt32()); // 12 checkpoints: one initial cell per benchmark

        // Regrets are those of real rows of the table: the worst is one row's, the median (2 seeds) the mean of two.
        double best = means.Max();
        var rowRegrets = means.Select(m => (best - m) / best).ToArray();
        void CheckRegrets(JsonElement element, string what)
        {
            double median = element.GetProperty("regret_median").GetDouble(), max = element.GetProperty("regret_max").GetDouble();
            Assert.True(rowRegrets.Any(r => Math.Abs(r - max) < 1e-9), $"{what} regret_max {max} is no row's regret");
            Assert.True(rowRegrets.Any(a => rowRegrets.Any(b => Math.Abs((a + b) / 2 - median) < 1e-9)), $"{what} regret_median {median}");
            Assert.InRange(median, 0.0, max);
        }
        CheckRegrets(budget, "engine");
        var baselines = budget.GetProperty("baselines");
        CheckRegrets(baselines.GetProperty("random"), "random");
        CheckRegrets(baselines.GetProperty("subset"), "subset");

        double found = budget.GetProperty("best_found_rate").GetDouble();
        Assert.Contains(found, new[] { 0.0, 0.5, 1.0 });
        double regretMedian = budget.GetProperty("regret_median").GetDouble(), regretMax = budget.GetProperty("regret_max").GetDouble();
        if (found == 1.0) Assert.Equal((0.0, 0.0), (regretMedian, regretMax));
        else if (found == 0.5) Assert.Equal(regretMax / 2, regretMedian, 1e-12);
        else Assert.True(regretMedian > 0);
        Assert.InRange(budget.GetProperty("prob_best_median").GetDouble(), 0.0, 1.0);

        // Each seed's pick carries the regret the engine expected of it; the budget's means are those of the seeds.
        var seedPicks = root.GetProperty("runs").EnumerateArray().Select(r => Assert.Single(r.GetProperty("budgets").EnumerateArray())).ToList();
        Assert.Equal(2, seedPicks.Count);
        Assert.All(seedPicks, p =>
        {
            double expected = p.GetProperty("expected_regret").GetDouble();
            Assert.InRange(expected, 0.0, 0.5);
            Assert.Equal(p.GetProperty("prob_best").GetDouble() < 1, expected > 0); // only a sure best is expected to lose nothing
            Assert.InRange(p.GetProperty("tail_prob_best").GetDouble(), 0.0, 1.0); // what stop.prob-best reads
        });
        Assert.Equal(seedPicks.Average(p => p.GetProperty("expected_regret").GetDouble()),
            budget.GetProperty("expected_regret_mean").GetDouble(), 12);
        Assert.Equal(seedPicks.Average(p => p.GetProperty("regret").GetDouble()), budget.GetProperty("regret_mean").GetDouble(), 12);
        // The share of 95 % intervals that held the true average: per seed (null when every checkpoint asked about was
        // fully evaluated), and the budget's the mean of the seeds that had one.
        foreach (var field in new[] { "interval_coverage", "interval_coverage_top", "interval_coverage_few" })
        {
            var shares = seedPicks.Select(p => p.GetProperty(field)).Where(v => v.ValueKind == JsonValueKind.Number)
                .Select(v => v.GetDouble()).ToList();
            Assert.All(shares, v => Assert.InRange(v, 0.0, 1.0));
            if (shares.Count == 0) Assert.Equal(JsonValueKind.Null, budget.GetProperty(field).ValueKind);
            else Assert.Equal(shares.Average(), budget.GetProperty(field).GetDouble(), 12);
        }
        Assert.Equal(JsonValueKind.Number, seedPicks[0].GetProperty("interval_coverage").ValueKind); // a partial grid leaves checkpoints to judge

        // Calibration: picks stated at P(best) ≥ threshold, out of 2 seeds × 1 budget.
        var calibration = root.GetProperty("calibration").EnumerateArray().ToList();
        Assert.NotEmpty(calibration);
        foreach (var row in calibration)
        {
            Assert.InRange(row.GetProperty("threshold").GetDouble(), 0.0, 1.0);
            int picks = row.GetProperty("picks").GetInt32();
            Assert.InRange(picks, 0, 2);
            foreach (var name in new[] { "stated_mean", "right_rate" })
                Assert.Equal(picks == 0, row.GetProperty(name).ValueKind == JsonValueKind.Null);
        }
    }

    [Fact]
    public void AStopRuleReplayIsReportedPerBudgetAndPerSeedWithItsCommandAndCalibrationBands()
    {
        var (path, _) = TinyTable();
        var run = Bomax("replay", path, "--seeds", "2", "--budget", "0.5", "--stop", "expected-shortfall=50%", "--json");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement;

        Assert.Equal($"bomax replay {path} --seeds 2 --budget 0.5 --stop expected-shortfall=50% --json", root.GetProperty("command").GetString());
        // A shortfall of half the best average is reached at the first decision: both seeds stop after the design (3 cells).
        var stop = Assert.Single(root.GetProperty("budgets").EnumerateArray()).GetProperty("stop");
        Assert.Equal("expected-shortfall=50%", stop.GetProperty("rule").GetString());
        Assert.Equal((2, 2), (stop.GetProperty("stopped").GetInt32(), stop.GetProperty("seeds").GetInt32()));
        Assert.Equal(3, stop.GetProperty("evaluations_mean").GetDouble());
        Assert.Equal(1 - 3 / 18.0, stop.GetProperty("saved_share").GetDouble(), 12);
        Assert.Equal(1.0, stop.GetProperty("within_rate").GetDouble()); // no pick of this table is half the best below it
        var seeds = root.GetProperty("runs").EnumerateArray().Select(r => Assert.Single(r.GetProperty("budgets").EnumerateArray())).ToList();
        Assert.All(seeds, s => Assert.Equal((3, true), (s.GetProperty("spent").GetInt32(), s.GetProperty("stopped").GetBoolean())));

        var bands = root.GetProperty("calibration_bands").EnumerateArray().ToList();
        Assert.Equal([0.0, 0.2, 0.5, 0.9], bands.Select(b => b.GetProperty("from").GetDouble()));
        Assert.Equal(2, bands.Sum(b => b.GetProperty("picks").GetInt32()));

        var text = Bomax("replay", path, "--seeds", "2", "--budget", "0.5", "--stop", "expected-shortfall=50%");
        Assert.Contains("stop expected-shortfall=50% within 50.0% (18): stopped early in 2 of 2 seeds, "
            + "3 evaluations on average (83% of the budget saved)", text.Stdout);
        Assert.Contains("picks by stated P(best), stated on average → right: 0.0–0.2:", text.Stdout);
    }

    [Theory]
    [InlineData("prob-best=1.2", "--stop 'prob-best=1.2': the probability must be more than 0 and at most 1")]
    [InlineData("expected-shortfall=lots", "--stop 'expected-shortfall=lots': expected a share of the best average like 0.1%")]
    [InlineData("confident", "--stop 'confident' is not a stop rule: expected prob-best=P")]
    public void ABadStopRuleExitsWithTwoAndSaysTheForms(string value, string message)
    {
        var run = Bomax("replay", "--synthetic", "10x3", "--stop", value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("--seeds", "0", "--seeds must be at least 1")]
    [InlineData("--batch", "0", "--batch must be at least 1")]
    [InlineData("--init", "0", "--init must be at least 1")]
    [InlineData("--hyper-draws", "-1", "--hyper-draws must not be negative")]
    [InlineData("--interval-jitter", "0", "--interval-jitter must be a positive number")]
    [InlineData("--interval-jitter", "-2", "--interval-jitter must be a positive number")]
    public void ACountOutOfRangeExitsWithTwoAndNamesItsOption(string option, string value, string message)
    {
        var run = Bomax("replay", "--synthetic", "10x3", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("--thread-gains", "250,lots", "--thread-gains '250,lots' is not a list of observation counts")]
    [InlineData("--threads", "1", "--threads 1 must be at least 2")]
    public void ThreadGainsRefuseWhatTheyCannotMeasure(string option, string value, string message)
    {
        var run = option == "--threads"
            ? Bomax("replay", "--synthetic", "10x3", "--thread-gains", "20", option, value)
            : Bomax("replay", "--synthetic", "10x3", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void ThreadGainsPrintOneJsonObjectWithBothOperationsPerSize()
    {
        var run = Bomax("replay", "--synthetic", "10x3", "--thread-gains", "12,24", "--threads", "2", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(2, json.RootElement.GetProperty("threads").GetInt32());
        var operations = json.RootElement.GetProperty("operations").EnumerateArray().ToList();
        Assert.Equal([(12, "condition"), (12, "likelihood"), (24, "condition"), (24, "likelihood")],
            operations.Select(o => (o.GetProperty("observations").GetInt32(), o.GetProperty("operation").GetString())));
        Assert.All(operations, o => Assert.True(o.GetProperty("one_thread_ms").GetDouble() > 0 && o.GetProperty("speedup").GetDouble() > 0));
    }

    [Fact]
    public void WithCostsBothEnginesAreReplayedToTheSameEvaluationTime()
    {
        var (path, _) = TinyTable();
        var costs = Write("costs.tsv", "# seconds per evaluation\nBENCHMARK\tSECONDS\narc\t60\nhellaswag\t60\nmmlu\t2400\n");
        var run = Bomax("replay", path, "--costs", costs, "--budget", "40%", "--seeds", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement;
        Assert.Equal(2400, root.GetProperty("costs").GetProperty("mmlu").GetDouble());
        Assert.Equal(12 * 2520, root.GetProperty("grid_seconds").GetDouble());
        var budget = Assert.Single(root.GetProperty("time_budgets").EnumerateArray());
        double seconds = budget.GetProperty("seconds").GetDouble();
        Assert.Equal(14.0 / 36 * 12 * 2520, seconds, 6); // 40 % of the cells is 14 of 36: that share of the grid's seconds
        foreach (var engine in new[] { "cost_aware", "cost_blind" })
        {
            var spend = budget.GetProperty(engine);
            Assert.InRange(spend.GetProperty("seconds_mean").GetDouble(), 1, seconds);
            Assert.InRange(spend.GetProperty("regret_mean").GetDouble(), 0, 1);
        }
        Assert.True(budget.TryGetProperty("regret_reduction", out _));
        Assert.True(budget.GetProperty("baselines").GetProperty("random").GetProperty("regret_median").GetDouble() >= 0);

        var text = Bomax("replay", path, "--costs", costs, "--budget", "40%", "--seeds", "1");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("regret of the pick against evaluation time", text.Stdout);
        Assert.Contains("cost-aware", text.Stdout);
        Assert.Contains("cost-blind", text.Stdout);
    }

    [Fact]
    public void WithEqualCostsTheCostAwareEngineIsTheCostBlindOne()
    {
        var (path, _) = TinyTable();
        var costs = Write("equal.csv", "arc,30\nhellaswag,30\nmmlu,30\n");
        var run = Bomax("replay", path, "--costs", costs, "--budget", "40%", "--seeds", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var document = JsonDocument.Parse(run.Stdout);
        var outcome = document.RootElement.GetProperty("runs")[0][0];
        Assert.Equal(outcome.GetProperty("cost_blind").GetRawText(), outcome.GetProperty("cost_aware").GetRawText());
    }

    [Fact]
    public void WithCostNoiseTheEnginesSpendMeasuredSecondsAndTheOutputSaysSo()
    {
        var (document, text) = TimedReplayBothWays("noisy.tsv", "--cost-noise", "0.3", "--budget", "40%");
        using var owned = document;
        Assert.Equal(0.3, document.RootElement.GetProperty("cost_noise").GetDouble());
        double spent = document.RootElement.GetProperty("time_budgets")[0].GetProperty("cost_aware").GetProperty("seconds_mean").GetDouble();
        Assert.NotEqual(0, spent % 60); // noisy seconds, not a sum of 60s and 2400s
        Assert.Contains("the engines knew only the seconds they measured", text);
    }

    /// <summary>A replay of the tiny table with costs (arc and hellaswag 60 s, mmlu 2,400 s, written to <paramref name="costsFile"/>)
    /// and <paramref name="options"/>, on one seed: its JSON and its text, each from a run that exited 0.</summary>
    (JsonDocument Json, string Text) TimedReplayBothWays(string costsFile, params string[] options)
    {
        var (path, _) = TinyTable();
        var costs = Write(costsFile, "arc\t60\nhellaswag\t60\nmmlu\t2400\n");
        string[] arguments = ["replay", path, "--costs", costs, "--seeds", "1", .. options];
        var json = Bomax([.. arguments, "--json"]);
        Assert.True(json.ExitCode == 0, json.Stderr);
        var text = Bomax(arguments);
        Assert.True(text.ExitCode == 0, text.Stderr);
        return (JsonDocument.Parse(json.Stdout), text.Stdout);
    }

    [Fact]
    public void AStopRuleWithCostsSaysWhereEachEngineStoppedInSeconds()
    {
        var (document, text) = TimedReplayBothWays("costs-stop.tsv", "--stop", "prob-best=0.5", "--budget", "60%");
        using var owned = document;
        var budget = document.RootElement.GetProperty("time_budgets")[0];
        var outcome = document.RootElement.GetProperty("runs")[0][0];
        foreach (var engine in new[] { "cost_aware", "cost_blind" })
        {
            var stop = budget.GetProperty("stop").GetProperty(engine);
            Assert.Equal("prob-best=0.5", stop.GetProperty("rule").GetString());
            bool stopped = outcome.GetProperty(engine).GetProperty("stopped").GetBoolean();
            Assert.Equal(stopped ? 1 : 0, stop.GetProperty("stopped").GetInt32());
            Assert.Equal(outcome.GetProperty(engine).GetProperty("seconds").GetDouble(), stop.GetProperty("seconds_mean").GetDouble(), 6);
        }

        Assert.Matches(@"stop prob-best=0\.5 within [0-9.]+% of the grid's time, cost-aware: stopped early in [01] of 1 seeds, [0-9]+ s on average",
            text);
        var (without, _) = TimedReplayBothWays("costs-no-stop.tsv", "--budget", "60%");
        using (without)
            Assert.Equal(JsonValueKind.Null, without.RootElement.GetProperty("time_budgets")[0].GetProperty("stop").ValueKind);
    }

    [Theory]
    [InlineData(false, "0.3", "--cost-noise needs --costs")]
    [InlineData(true, "-0.1", "--cost-noise -0.1 is not a spread in log seconds")]
    [InlineData(true, "4", "--cost-noise 4 is not a spread in log seconds")]
    public void ABadCostNoiseExitsWithTwo(bool withCosts, string noise, string message)
    {
        var (path, _) = TinyTable();
        var costs = Write("costs-for-noise.tsv", "arc\t60\nhellaswag\t60\nmmlu\t2400\n");
        var run = withCosts
            ? Bomax("replay", path, "--costs", costs, "--cost-noise", noise, "--seeds", "1")
            : Bomax("replay", path, "--cost-noise", noise, "--seeds", "1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Theory]
    [InlineData("arc\t60\nhellaswag\t60\n", 0, "no cost for mmlu: every benchmark of the table needs one")]
    [InlineData("arc\t60\nhellaswag\tfast\nmmlu\t60\n", 2, "'fast' is not a cost")]
    [InlineData("arc\t60\nhellaswag\t0\nmmlu\t60\n", 2, "a number above 0")]
    [InlineData("arc\t60\ngsm8k\t60\nmmlu\t60\nhellaswag\t1\n", 2, "benchmark 'gsm8k' is not in the table")]
    [InlineData("arc\t60\narc\t70\n", 2, "benchmark 'arc' has a cost already")]
    [InlineData("arc\t60\t1\n", 1, "expected two fields, BENCHMARK and SECONDS, found 3")]
    public void ABadCostsFileExitsWithTwoAndNamesFileLineAndField(string body, int line, string message)
    {
        var (path, _) = TinyTable();
        var costs = Write("bad-costs.tsv", body);
        var run = Bomax("replay", path, "--costs", costs, "--seeds", "1");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(line > 0 ? $"{costs}:{line}:" : $"{costs}: ", run.Stderr);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void AMissingCostsFileExitsWithTwo()
    {
        var (path, _) = TinyTable();
        var run = Bomax("replay", path, "--costs", Path.Combine(directory, "nowhere.tsv"), "--seeds", "1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("costs file not found", run.Stderr);
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bomax.Cli.Output;
using Bomax.Cli.Study;
using Bomax.Cli.Tables;
using Bomax.Engine.Acquisition;
using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Replay;
using Bomax.Engine.Selection;

namespace Bomax.Cli.Commands;

/// <summary>
/// <c>bomax replay TABLE</c>: simulates studies on a complete score table (a cell is revealed only when
/// the engine asks for it) and reports regret against the true best, side by side with two baselines.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var table = new Argument<string?>("table")
        {
            Description = "Complete score table: tab- or comma-separated, first column CHECKPOINT, one column per benchmark.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var synthetic = new Option<string?>("--synthetic")
        {
            Description = "Instead of a table: replay on synthetic learning curves of this size, NxM (e.g. 1000x200).",
        };
        var syntheticSeed = new Option<int>("--synthetic-seed")
        {
            Description = "Seed of the synthetic table (the run it draws), independent of the replay seeds.",
            DefaultValueFactory = _ => 1,
        };
        var syntheticStandardErrors = new Option<bool>("--synthetic-stderr")
        {
            Description = "With --synthetic: every score comes with its benchmark's noise as a standard error, as lm-eval reports one "
                + "(the engine reads each cell's noise as known).",
        };
        var standardErrors = new Option<string?>("--stderr")
        {
            Description = "With a TABLE: a table of the same checkpoints and benchmarks holding each score's standard error (as lm-eval "
                + "reports one beside each score), read as that cell's known noise.",
        };
        var saveTable = new Option<string?>("--save-table")
        {
            Description = "Also write the table replayed (e.g. the synthetic one) to this TSV file.",
        };
        var budget = new Option<string>("--budget")
        {
            Description = "Budgets: fractions of the grid (0.05), percentages (5%) or counts (200), comma-separated.",
            DefaultValueFactory = _ => "0.02,0.05,0.1",
        };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds (0, 1, …) to replay.", DefaultValueFactory = _ => 10 };
        var firstSeed = new Option<int>("--first-seed")
        {
            Description = "First seed: replays seeds first … first + seeds − 1 (to split a long benchmark across processes).",
            DefaultValueFactory = _ => 0,
        };
        var batch = new Option<int>("--batch")
        {
            Description = "Pairs suggested per round, as eval.parallel does in a study (a batch chosen by the kriging believer).",
            DefaultValueFactory = _ => 1,
        };
        var init = new Option<int>("--init")
        {
            Description = $"Initial cells per benchmark before the model chooses (default {EngineSpec.Default.Init}; "
                + $"{EngineSpec.InitWithPrior} with --prior).",
            DefaultValueFactory = _ => EngineSpec.Default.Init,
        };
        var device = EngineWords.Devices.Option("--device", $"{EngineWords.Devices.List} (default auto: CUDA when present).");
        var kernel = EngineWords.Kernels.Option("--kernel", $"The step kernel, {EngineWords.Kernels.List} (default "
            + $"{EngineWords.Kernels.Word(EngineSpec.Default.Kernel)}, as in a study).");
        var rule = EngineWords.Acquisitions.Option("--acquisition",
            "row-first (the row with the best EI, then its most informative cell; the default), row (EI with what a cell says about "
            + "its row) or cell (BOMAX's EI of the cell alone).");
        var rank = new Option<int>("--task-rank") { Description = "Rank of the task covariance; 0 = automatic.", DefaultValueFactory = _ => 0 };
        var noJitter = new Option<bool>("--no-jitter") { Description = "Leave out the checkpoint-level jitter term (for ablation)." };
        var warp = new Option<bool>("--warp") { Description = "Learn a concave warping of the step axis (off by default; see docs/engine.md)." };
        var noCheck = new Option<bool>("--no-predictive-check")
        {
            Description = "Report P(best) from the fitted posterior, without the held-out check's widening (for ablation).",
        };
        var hyperDraws = new Option<int>("--hyper-draws")
        {
            Description = "P(best), the shortfalls and each study's final intervals are pooled over this many Laplace draws of the "
                + "hyperparameters besides the fit, as in run (0: the fitted posterior's; for ablation).",
            DefaultValueFactory = _ => new EngineOptions().HyperparameterDraws,
        };
        var intervalJitter = new Option<double>("--interval-jitter")
        {
            Description = "Each study's final intervals read the checkpoint jitter shared by every benchmark up to this many times as wide "
                + "where checkpoints crowd onto one step (as in run; evenly spaced ones keep the fitted jitter; 1: the fitted model's "
                + "everywhere, for ablation).",
            DefaultValueFactory = _ => new EngineOptions().IntervalJitterScale,
        };
        var noRunSpread = new Option<bool>("--no-run-spread")
        {
            Description = "Each study's final intervals read the fitted benchmark covariance, not widened by how much further each benchmark's "
                + "scores spread over the run than over its chosen cells (for ablation).",
        };
        var noCoMovement = new Option<bool>("--no-co-movement")
        {
            Description = "Each study's final intervals read the fitted benchmark covariance's signs alone, without pooling in the benchmarks' "
                + "trends moving together (for ablation).",
        };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout." };
        var threads = new Option<int>("--threads")
        {
            Description = "LibTorch's threads while the engine fits (default 1, as in a study).",
            DefaultValueFactory = _ => 1,
        };
        var threadGains = new Option<string?>("--thread-gains")
        {
            Description = "Instead of replaying: measure what --threads (default: every core) gains over one thread for a round's conditioning and a "
                + "fit's likelihood at these numbers of observations, comma-separated (e.g. 250,1000,4000).",
        };
        var stop = new Option<string?>("--stop")
        {
            Description = "End each study by a stop rule, as a spec's stop: does: prob-best=0.95 or expected-shortfall=0.1% "
                + "(each budget is then the most a study may spend); reports where each stopped and how often it was right to.",
        };
        var prior = new Option<string[]>("--prior")
        {
            Description = "A complete score table of an earlier run of the same recipe to learn the hyperparameters from (benchmarks "
                + "matched by name); repeat it for several runs.",
        };
        var costs = new Option<string?>("--costs")
        {
            Description = "What each benchmark costs, a TSV or CSV of BENCHMARK and SECONDS per evaluation: each budget becomes that share of the "
                + "full grid's seconds, and the cost-aware engine and the cost-blind engine are replayed to the same evaluation time.",
        };
        var coolCosts = new Option<bool>("--cool-costs")
        {
            Description = "With --costs: the cost-aware engine weighs cost less as its budget is spent (EI-cool), instead of valuing per second "
                + "throughout (for ablation).",
        };
        var costNoise = new Option<double>("--cost-noise")
        {
            Description = "With --costs: each evaluation takes its benchmark's seconds times e^(S·z), z standard normal (S, e.g. 0.3, the spread "
                + "in log seconds), and the engines know only the seconds they measured, as a run reading its journal does (default 0: the "
                + "costs exactly, known from the start).",
        };
        var command = new Command("replay", "Simulate studies on a complete score table and measure the regret of the pick against two baselines.")
        {
            table, synthetic, syntheticSeed, syntheticStandardErrors, standardErrors, saveTable, budget, seeds, firstSeed, batch, init, device,
            kernel, rule, rank, noJitter, warp, noCheck, json,
            threads, threadGains, stop, prior, costs, coolCosts, costNoise, hyperDraws, intervalJitter,
            noRunSpread, noCoMovement,
        };
        // The table to replay, its standard errors, and where to save a copy (the thread timings save none).
        TableSource Source(ParseResult parse, string? savePath) =>
            new(parse.GetValue(table), parse.GetValue(synthetic), parse.GetValue(syntheticSeed), savePath)
            {
                SyntheticStandardErrors = parse.GetValue(syntheticStandardErrors), StandardErrorPath = parse.GetValue(standardErrors),
            };
        command.SetAction(parse => parse.GetValue(threadGains) is { } sizes
            ? MeasureThreads(Terminal.Of(parse), Source(parse, null), sizes,
                parse.GetResult(threads) is { Implicit: false } ? parse.GetValue(threads) : Environment.ProcessorCount, parse.GetValue(json))
            : Run(Terminal.Of(parse), Source(parse, parse.GetValue(saveTable)),
                parse.GetValue(budget)!, parse.GetValue(seeds), parse.GetValue(firstSeed), parse.GetValue(batch),
                InitialCells(parse.GetResult(init) is { Implicit: false }, parse.GetValue(init), parse.GetValue(prior)),
                parse.GetValue(device) ?? ComputeDevice.Auto, parse.GetValue(kernel) ?? EngineSpec.Default.Kernel,
                parse.GetValue(rule) ?? AcquisitionRule.RowFirst, parse.GetValue(rank),
                parse.GetValue(noJitter), parse.GetValue(warp), parse.GetValue(noCheck), parse.GetValue(json), parse.GetValue(threads),
                parse.GetValue(stop), parse.GetValue(prior) ?? [], CommandLine(parse), parse.GetValue(costs), parse.GetValue(coolCosts),
                parse.GetValue(costNoise), parse.GetValue(hyperDraws), parse.GetValue(intervalJitter), parse.GetValue(noRunSpread),
                parse.GetValue(noCoMovement)));
        return command;
    }

    /// <summary>Initial cells per benchmark: <c>--init</c> as given, else <see cref="EngineSpec.InitWithPrior"/> with <c>--prior</c>, as a spec's
    /// <c>prior:</c> does.</summary>
    static int InitialCells(bool given, int init, string[]? priors) => given || priors is not { Length: > 0 } ? init : EngineSpec.InitWithPrior;

    /// <summary><c>--thread-gains</c>: per operation and size, one thread against <paramref name="threads"/>.</summary>
    static int MeasureThreads(Terminal io, TableSource source, string sizesText, int threads, bool json)
    {
        var (scoreTable, tableError) = source.Load();
        var sizes = sizesText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : -1).ToList();
        string? error = tableError
            ?? (sizes.Count == 0 || sizes.Contains(-1)
                ? $"--thread-gains '{sizesText}' is not a list of observation counts: expected whole numbers above 0, comma-separated, "
                    + "like 250,1000,4000"
                : null)
            ?? (threads < 2
                ? $"--thread-gains compares one thread with more: --threads {threads} must be at least 2 (default: every core, "
                    + $"{Environment.ProcessorCount} here)"
                : null);
        if (error is not null)
        {
            io.Error.WriteLine($"bomax: {error}");
            return ExitCodes.UsageError;
        }
        var clock = Stopwatch.StartNew();
        var gains = ThreadGains.Measure(scoreTable!, sizes, threads, () => clock.Elapsed.TotalSeconds);
        io.Out.Write(json ? ReplayOutput.ThreadGainsJson(scoreTable!.Source, gains) : ReplayOutput.ThreadGainsText(scoreTable!.Source, gains));
        return ExitCodes.Success;
    }

    /// <summary>The command as typed, for the JSON output: the numbers and the command that made them travel together.</summary>
    static string CommandLine(ParseResult parse) => "bomax " + CheckCommand.ShellWords(parse.Tokens.Select(t => t.Value));

    /// <summary>Reads <c>--stop</c>: <c>prob-best=P</c> (0 &lt; P ≤ 1) or <c>expected-shortfall=L</c> (<see cref="ShortfallLimit.Forms"/>).</summary>
    internal static (StopRule? Rule, string? Error) ReadStop(string text)
    {
        const string forms = "expected prob-best=P with 0 < P ≤ 1 (e.g. prob-best=0.95) or expected-shortfall=L with L "
            + ShortfallLimit.Forms;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string name = equals < 0 ? text.Trim() : text[..equals].Trim(), value = equals < 0 ? "" : text[(equals + 1)..].Trim();
        switch (name)
        {
            case "prob-best":
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p > 0 && p <= 1
                    ? (new StopRule.Confident(p), null)
                    : (null, $"--stop '{text}': the probability must be more than 0 and at most 1, like prob-best=0.95");
            case "expected-shortfall":
                var (limit, problem) = ShortfallLimit.Read(value);
                return limit is not null ? (new StopRule.NearBest(limit), null) : (null, $"--stop '{text}': {problem}");
            default:
                return (null, $"--stop '{text}' is not a stop rule: {forms}");
        }
    }

    /// <summary>Reads each <c>--prior</c> file (a score table or a study journal, as a spec's <c>prior:</c>) and aligns it to
    /// <paramref name="study"/>'s benchmarks by name; a file that cannot be read, or that shares no benchmark with the study, is an
    /// error naming it.</summary>
    static (EarlierRuns? Runs, string? Error) ReadPriors(ScoreTable study, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) return (null, null);
        var runs = new List<EarlierRun>();
        foreach (string path in paths)
        {
            var (run, problem) = EarlierRunFiles.Read(path, study.Grid, EarlierRunFiles.StatedGoal);
            if (problem is not null) return (null, $"--prior: {problem}");
            runs.Add(run!);
        }
        return (new EarlierRuns(runs), null);
    }

    /// <summary><c>--costs</c>: each budget a share of the grid's seconds (the share its count is of the grid's cells), the cost-aware
    /// and the cost-blind engine replayed to it on every seed.</summary>
    static int RunTimed(Terminal io, ScoreTable scoreTable, TimedReplaySettings settings, int seeds, int firstSeed, bool json, string? commandLine)
    {
        using var progress = new ProgressDisplay(io.Error);
        progress.Info($"{scoreTable.Source}: {scoreTable.Grid.CheckpointCount} × {scoreTable.Grid.BenchmarkCount}; the full grid takes "
            + $"{Durations.Human(settings.Costs.GridSeconds(scoreTable.Grid.CheckpointCount))} of evaluation");
        var clock = Stopwatch.StartNew();
        var outcomes = new IReadOnlyList<TimedOutcome>[seeds];
        for (int k = 0; k < seeds; k++)
            outcomes[k] = TimedReplay.Run(scoreTable, settings, firstSeed + k,
                message => progress.Report($"[{k + 1}/{seeds}, {clock.Elapsed.TotalSeconds:0}s] {message}"));
        progress.Done();
        var summary = TimedReplaySummary.From(scoreTable, settings, outcomes, clock.Elapsed.TotalSeconds) with { Command = commandLine };
        io.Out.Write(json ? TimedReplayOutput.Json(summary) : TimedReplayOutput.Text(summary));
        return ExitCodes.Success;
    }

    /// <summary>The process's peak resident memory so far (VmHWM), read afresh.</summary>
    static long PeakResidentBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>Where the replayed table comes from: a file, or the synthetic generator; and where to save a copy.</summary>
    sealed record TableSource(string? Path, string? Synthetic, int SyntheticSeed, string? SavePath)
    {
        /// <summary><c>--synthetic-stderr</c>: the synthetic table's scores come with their benchmark's noise as standard errors.</summary>
        public bool SyntheticStandardErrors { get; init; }

        /// <summary><c>--stderr FILE</c>: the TABLE's standard errors, one for each of its scores.</summary>
        public string? StandardErrorPath { get; init; }

        public (ScoreTable? Table, string? Error) Load()
        {
            if (Path is null == Synthetic is null)
                return (null, Path is null ? "give a TABLE file or --synthetic NxM" : "give a TABLE file or --synthetic NxM, not both");
            if (SyntheticStandardErrors && Synthetic is null)
                return (null, "--synthetic-stderr goes with --synthetic NxM: a TABLE's standard errors come from --stderr FILE");
            if (StandardErrorPath is not null && Synthetic is not null)
                return (null, "--stderr FILE goes with a TABLE: a synthetic table's come from --synthetic-stderr");
            if (Synthetic is { } size)
            {
                var parts = size.Split('x', 'X');
                if (parts.Length != 2 || !int.TryParse(parts[0], out int n) || !int.TryParse(parts[1], out int m)
                    || n < 3 || m < 2 || (long)n * m > 2_000_000)
                    return (null, $"--synthetic '{size}' is not a grid size: expected NxM with at least 3 checkpoints, 2 benchmarks and at most "
                        + "2,000,000 cells (e.g. 1000x200)");
                return (SyntheticTable.Generate(n, m, SyntheticSeed, SyntheticStandardErrors), null);
            }
            var (table, error) = ScoreTableReader.ReadFile(Path!) switch
            {
                TableReadResult.Ok ok => (ok.Table, null),
                TableReadResult.Invalid invalid => ((ScoreTable?)null, invalid.Error.ToString()),
                _ => throw new InvalidOperationException(),
            };
            if (table is null || StandardErrorPath is null) return (table, error);
            var (errors, errorsProblem) = StandardErrorTableReader.ReadFile(StandardErrorPath, table);
            return errors is null ? (null, errorsProblem!.ToString()) : (table with { StandardErrors = errors }, null);
        }
    }

    static int Run(Terminal io, TableSource source, string budgetText, int seeds, int firstSeed, int batch, int init, ComputeDevice device,
        StepKernel kernel, AcquisitionRule rule, int rank, bool noJitter, bool warp, bool noCheck, bool json, int threadCount,
        string? stopText = null, IReadOnlyList<string>? priorPaths = null, string? commandLine = null, string? costsPath = null,
        bool coolCosts = false, double costNoise = 0, int? hyperDraws = null, double? intervalJitter = null, bool noRunSpread = false,
        bool noCoMovement = false)
    {
        var (scoreTable, tableError) = source.Load();
        if (scoreTable is null)
        {
            io.Error.WriteLine($"bomax: {tableError}");
            return ExitCodes.UsageError;
        }
        if (source.SavePath is { } save) ScoreTableWriter.WriteFile(save, scoreTable);
        var (budgets, budgetError) = BudgetList.Parse(budgetText, scoreTable.Grid.CellCount);
        var (stopRule, stopError) = stopText is null ? (null, null) : ReadStop(stopText);
        var (earlier, priorError) = ReadPriors(scoreTable, priorPaths ?? []);
        string? error = budgetError
            ?? stopError
            ?? priorError
            ?? (seeds < 1 ? "--seeds must be at least 1" : null)
            ?? (firstSeed < 0 ? "--first-seed must not be negative" : null)
            ?? (threadCount < 1 ? "--threads must be at least 1" : null)
            ?? (batch < 1 ? "--batch must be at least 1" : null)
            ?? (init < 1 ? "--init must be at least 1" : null)
            ?? (hyperDraws < 0 ? "--hyper-draws must not be negative" : null)
            ?? (!(intervalJitter is null || intervalJitter > 0 && double.IsFinite(intervalJitter.Value))
                ? "--interval-jitter must be a positive number, like 6" : null)
            ?? (costsPath is null && coolCosts ? "--cool-costs needs --costs" : null)
            ?? (costsPath is null && costNoise != 0 ? "--cost-noise needs --costs" : null)
            ?? (!(costNoise >= 0 && costNoise <= 3)
                ? $"--cost-noise {costNoise.ToString(CultureInfo.InvariantCulture)} is not a spread in log seconds: expected 0 to 3, like 0.3"
                : null);
        if (error is not null)
        {
            io.Error.WriteLine($"bomax: {error}");
            return ExitCodes.UsageError;
        }
        BenchmarkCosts? benchmarkCosts = null;
        if (costsPath is not null)
        {
            var (read, costError) = CostTableReader.ReadFile(costsPath, scoreTable.Grid);
            if (read is null)
            {
                io.Error.WriteLine($"bomax: {costError}");
                return ExitCodes.UsageError;
            }
            benchmarkCosts = read;
        }
        var options = new EngineOptions
        {
            Device = device,
            Kernel = kernel,
            TaskRank = rank,
            CheckpointJitter = !noJitter,
            InputWarping = warp,
            PredictiveCheck = !noCheck,
            Threads = threadCount,
            Acquisition = rule,
            Earlier = earlier,
            HyperparameterDraws = hyperDraws ?? new EngineOptions().HyperparameterDraws,
            IntervalJitterScale = intervalJitter ?? new EngineOptions().IntervalJitterScale,
            IntervalRunSpread = !noRunSpread,
            IntervalCoMovement = !noCoMovement,
        };
        if (benchmarkCosts is not null)
            return RunTimed(io, scoreTable, new TimedReplaySettings(budgets!.Select(b => (double)b / scoreTable.Grid.CellCount).ToList(),
                benchmarkCosts, init, options, batch, coolCosts, costNoise, stopRule), seeds, firstSeed, json, commandLine);
        var settings = new ReplaySettings(budgets!, init, options, batch, stopRule);
        // Seeds run one after another on this thread. TorchSharp's implicit Scalars can be finalised by a
        // garbage collection that another thread triggers while a native call still reads them, so the
        // engine is never driven from two threads at once; LibTorch parallelises within each operation.
        using var progress = new ProgressDisplay(io.Error);
        int smallest = BudgetAdvice.Smallest(scoreTable.Grid, init);
        progress.Info($"{scoreTable.Source}: {scoreTable.Grid.CheckpointCount} × {scoreTable.Grid.BenchmarkCount}; "
            + $"smallest sensible budget {smallest} ({100.0 * smallest / scoreTable.Grid.CellCount:0.#}%)");
        if (BudgetAdvice.Warning(scoreTable.Grid, init, budgets!.Min()) is { } advice) progress.Warn(advice);
        foreach (var run in earlier?.Runs ?? [])
            progress.Info($"prior {run.Source}: {run.Grid.CheckpointCount} checkpoints, {run.MatchedBenchmarks} of "
                + $"{scoreTable.Grid.BenchmarkCount} benchmarks matched");
        var clock = Stopwatch.StartNew();
        var outcomes = new SeedOutcome[seeds];
        for (int k = 0; k < seeds; k++)
            outcomes[k] = ReplaySimulation.Run(scoreTable, settings, firstSeed + k, () => clock.Elapsed.TotalSeconds,
                message => progress.Report($"[{k + 1}/{seeds}, {clock.Elapsed.TotalSeconds:0}s] {message}"), PeakResidentBytes);
        progress.Done();
        var summary = ReplaySummary.From(scoreTable, outcomes, clock.Elapsed.TotalSeconds, stopRule) with { Command = commandLine };
        long peak = PeakResidentBytes();
        io.Out.Write(json ? ReplayOutput.Json(summary, peak) : ReplayOutput.Text(summary, peak));
        return ExitCodes.Success;
    }
}

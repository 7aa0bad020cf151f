using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Bomax.Cli.GitHub;
using Bomax.Cli.Journal;
using Bomax.Cli.Output;
using Bomax.Cli.Reports;
using Bomax.Cli.Study;
using Bomax.Engine.Design;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using Bomax.Engine.Study;

namespace Bomax.Cli.Commands;

/// <summary>
/// The commands that work on a study spec: <c>run</c> (the main job), <c>suggest</c> and <c>record</c>
/// (to spread evaluations over an existing scheduler), and <c>journal merge</c>.
/// </summary>
internal static class StudyCommands
{
    static Argument<string> SpecArgument() => new("spec") { Description = "The study spec (YAML)." };

    /// <summary>The options that say how a decision is published: the sticky-comment mode, the token, and — outside GitHub Actions — where.</summary>
    sealed record GitHubOptionSet(Option<string> Comment, Option<string?> Token, Option<string?> Repository, Option<int?> PullRequest)
    {
        public IEnumerable<Option> All => new Option[] { Comment, Token, Repository, PullRequest };

        public Publishing From(ParseResult parse) => new(
            parse.GetValue(Comment) switch { "off" => StickyMode.Off, "recreate" => StickyMode.Recreate, _ => StickyMode.Upsert },
            parse.GetValue(Token), parse.GetValue(Repository), parse.GetValue(PullRequest));
    }

    /// <summary>The options that override the spec for one invocation.</summary>
    sealed record OverrideOptionSet(Option<string?>? Budget, Option<ComputeDevice?> Device, Option<int?> Threads)
    {
        public IEnumerable<Option> All => Budget is null ? new Option[] { Device, Threads } : new Option[] { Budget, Device, Threads };

        public StudyOverrides From(ParseResult parse) =>
            new(Budget is null ? null : parse.GetValue(Budget), parse.GetValue(Device), parse.GetValue(Threads));
    }

    static OverrideOptionSet OverrideOptions(bool budget = true)
    {
        var device = EngineWords.Devices.Option("--device", $"Override engine.device: {EngineWords.Devices.List}.");
        var threads = new Option<int?>("--threads")
        {
            Description = "Override engine.threads: LibTorch's threads while the engine fits (default 1).",
        };
        return new(budget ? OptionValues.Budget("--budget", $"Override budget.max-evals: {BudgetSpec.MaxEvalsForms}.") : null, device, threads);
    }

    /// <summary>
    /// Where a run reports besides the terminal: JSON lines on stdout (<c>--messages json</c>, the human
    /// text then goes to stderr), a result file (<c>--result</c>), and the report directory (<c>--output</c>).
    /// </summary>
    sealed record RunChannels(JsonMessages? Messages, string? ResultPath, string? ReportDirectory, Terminal Io)
    {
        public static RunChannels Text(Terminal io, string? reportDirectory = null) => new(null, null, reportDirectory, io);

        /// <summary>The decision and other text for people: stdout, or stderr when stdout carries JSON.</summary>
        public TextWriter Human => Messages is null ? Io.Out : Io.Error;
    }

    static GitHubOptionSet GitHubOptions()
    {
        var comment = new Option<string>("--comment")
        {
            Description = "On a pull request: upsert (one sticky comment per study, edited in place), recreate (delete and post anew) or off.",
            DefaultValueFactory = _ => "upsert",
        };
        comment.OneOf("upsert", "recreate", "off");
        var repository = new Option<string?>("--repo")
        {
            Description = "owner/name of the repository to comment on (default: GITHUB_REPOSITORY); with --pr, comments from any CI.",
        };
        var pr = new Option<int?>("--pr") { Description = "Pull request number to comment on (default: the one in GITHUB_EVENT_PATH)." };
        var token = new Option<string?>("--github-token")
        {
            Description = "Token for the pull-request comment (default: GITHUB_TOKEN). Never printed.",
        };
        return new(comment, token, repository, pr);
    }

    public static Command Run(TimeProvider time)
    {
        var spec = SpecArgument();
        var fresh = new Option<bool>("--fresh")
        {
            Description = "Start over: move the existing journal aside (kept as <journal>.<time>.bak) and evaluate from scratch.",
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Directory for report.md and report.html (default: .bomax/<study>/ beside the journal).",
        };
        var messages = new Option<string>("--messages")
        {
            Description = "text (default), or json: one JSON object per line on stdout (progress, warnings, spec errors, the result) for tools; "
                + "the text goes to stderr.",
            DefaultValueFactory = _ => "text",
        };
        messages.OneOf("text", "json");
        var result = new Option<string?>("--result")
        {
            Description = "Write the decision as a JSON file here (removed at the start, written only when a checkpoint is selected).",
        };
        var retryFailed = new Option<bool>("--retry-failed")
        {
            Description = "Evaluate again the pairs that failed before (their failures no longer count against the budget); "
                + "without it, only failures whose benchmark's command or score rule has changed are tried again.",
        };
        var github = GitHubOptions();
        var overrides = OverrideOptions();
        var command = new Command("run",
            "Run a study: evaluate the pairs the engine picks with your eval command, refit between rounds, and name the best checkpoint.")
        {
            spec, fresh, retryFailed, output, messages, result,
        };
        foreach (var option in overrides.All.Concat(github.All)) command.Options.Add(option);
        command.SetAction((parse, cancel) =>
        {
            var io = Terminal.Of(parse);
            return RunAsync(parse.GetValue(spec)!, overrides.From(parse), parse.GetValue(fresh), parse.GetValue(retryFailed), github.From(parse),
                new RunChannels(parse.GetValue(messages) == "json" ? new JsonMessages(io.Out) : null,
                    parse.GetValue(result), parse.GetValue(output), io),
                time, cancel);
        });
        return command;
    }

    public static Command Suggest(TimeProvider time)
    {
        var spec = SpecArgument();
        var count = new Option<int>("--count") { Description = "How many pairs to suggest.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print a JSON array (usable as a GitHub Actions matrix)." };
        var lease = OptionValues.PositiveDuration("--lease", "How long the suggested pairs stay reserved for this worker "
            + "(default: eval.timeout × (1 + eval.retries) + 10m); until then no other suggest or run hands them out.");
        var owner = new Option<string?>("--owner") { Description = "The name the leases are taken under (default suggest:USER@HOST)." };
        var noLease = new Option<bool>("--no-lease") { Description = "Only show the next pairs: reserve nothing." };
        var release = new Option<bool>("--release")
        {
            Description = "Give back the owner's leases (all, or the pair named by --checkpoint and --benchmark) instead of suggesting.",
        };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "With --release: the checkpoint of the pair to give back." };
        var benchmark = new Option<string?>("--benchmark") { Description = "With --release: the benchmark of the pair to give back." };
        var overrides = OverrideOptions();
        var command = new Command("suggest",
            "Print the next pairs to evaluate and lease them to this worker, for an external scheduler; record results with 'bomax record'.")
        {
            spec, count, json, lease, owner, noLease, release, checkpoint, benchmark,
        };
        foreach (var option in overrides.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            string who = parse.GetValue(owner) ?? $"suggest:{Environment.UserName}@{Environment.MachineName}";
            var io = Terminal.Of(parse);
            return parse.GetValue(release)
                ? ReleasePairs(io, time, parse.GetValue(spec)!, who, parse.GetValue(checkpoint), parse.GetValue(benchmark))
                : SuggestPairs(io, time, parse.GetValue(spec)!, overrides.From(parse), parse.GetValue(count), parse.GetValue(json),
                    parse.GetValue(noLease) ? null : who, parse.GetValue(lease));
        });
        return command;
    }

    public static Command Record(TimeProvider time)
    {
        var spec = SpecArgument();
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint name, as in the grid.", Required = true };
        var benchmark = new Option<string>("--benchmark") { Description = "Benchmark name.", Required = true };
        var score = new Option<string>("--score") { Description = "The score.", Required = true };
        var stderr = new Option<string?>("--stderr") { Description = "Its standard error, if known." };
        var seconds = new Option<double>("--seconds") { Description = "How long the evaluation took.", DefaultValueFactory = _ => 0 };
        var replace = new Option<bool>("--replace")
        {
            Description = "Record a pair that is already recorded: this record supersedes the earlier one (the latest record of a pair wins).",
        };
        var command = new Command("record", "Append one evaluation result to the study's journal (it settles the pair's lease).")
        {
            spec, checkpoint, benchmark, score, stderr, seconds, replace,
        };
        command.SetAction(parse => RecordResult(Terminal.Of(parse), time, parse.GetValue(spec)!, parse.GetValue(checkpoint)!,
            parse.GetValue(benchmark)!, parse.GetValue(score)!, parse.GetValue(stderr), parse.GetValue(seconds), parse.GetValue(replace)));
        return command;
    }

    public static Command JournalCommand()
    {
        var inputs = new Argument<string[]>("journals") { Description = "Journals to merge.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The merged journal: created, or appended to under its lock when it exists (what it already holds is kept).",
            Required = true,
        };
        var force = new Option<bool>("--force") { Description = "Merge journals of different studies or grids anyway." };
        var merge = new Command("merge",
            "Combine journals from parallel jobs into one: each pair's latest evaluation, conflicting scores reported.")
        {
            inputs, output, force,
        };
        merge.SetAction(parse => MergeJournals(Terminal.Of(parse), parse.GetValue(inputs)!, parse.GetValue(output)!, parse.GetValue(force)));
        return new Command("journal", "Work with study journals.") { merge };
    }

    internal static StudyContext? Load(Terminal io, string specPath, StudyOverrides? overrides = null, JsonMessages? messages = null)
    {
        switch (StudyContext.Load(specPath, overrides))
        {
            case StudyLoad.Ok ok: return ok.Study;
            case StudyLoad.BadOption bad:
                io.Error.WriteLine($"bomax: {bad.Message}; nothing was evaluated");
                messages?.Error(ErrorReasons.Usage, $"{bad.Message}; nothing was evaluated");
                return null;
            case StudyLoad.Invalid invalid:
                bool actions = ActionsEnvironment.FromProcess().IsActions && messages is null;
                int annotated = 0;
                foreach (var error in invalid.Errors)
                {
                    io.Error.WriteLine($"bomax: {error}");
                    messages?.SpecError(error);
                    // GitHub shows at most 10 annotations of a kind per step; the rest are in the log.
                    if (actions && annotated++ < WorkflowCommands.AnnotationsPerKind)
                        io.Out.WriteLine(WorkflowCommands.Error($"{error.Field}: {error.Message}", error.File,
                            error.Line > 0 ? error.Line : null, error.Column > 0 ? error.Column : null, title: "bomax spec"));
                }
                io.Error.WriteLine($"bomax: {invalid.Errors.Count} problem(s) in {specPath}; nothing was evaluated");
                return null;
            default: throw new InvalidOperationException();
        }
    }

    static async Task<int> RunAsync(string specPath, StudyOverrides overrides, bool fresh, bool retryFailed, Publishing publishing,
        RunChannels channels, TimeProvider time, CancellationToken cancel)
    {
        if (channels.ResultPath is { } stale && File.Exists(stale)) File.Delete(stale); // a failed run leaves no result behind
        if (Load(channels.Io, specPath, overrides, channels.Messages) is not { } study) return ExitCodes.UsageError;
        using var progress = new ProgressDisplay(channels.Io.Error, channels.Messages, time);
        if (fresh && File.Exists(study.Spec.JournalPath))
        {
            var aside = $"{study.Spec.JournalPath}.{time.GetUtcNow():yyyyMMddTHHmmss}.bak";
            File.Move(study.Spec.JournalPath, aside);
            progress.Info($"--fresh: moved the old journal to {aside}");
        }
        progress.Info($"study {study.Spec.Name}: {study.Grid.CheckpointCount} checkpoints × {study.Grid.BenchmarkCount} benchmarks = "
            + $"{study.Grid.CellCount} pairs; budget {study.Budget} evaluations ({100.0 * study.Budget / study.Grid.CellCount:0.#}%), "
            + (study.Spec.Budget.MaxEvalHours is { } hours ? $"at most {hours:0.###} h of evaluation time, " : "")
            + $"{study.Spec.Eval.Parallel} at a time; smallest sensible budget {Smallest(study)}");
        if (BudgetAdvice.Warning(study.Grid, study.Spec.Engine.Init, study.Budget) is { } advice) progress.Warn(advice);
        if (study.Engine.Earlier is { IsEmpty: false } earlier)
            progress.Info($"prior: {earlier.Runs.Count} earlier run(s) join every fit ("
                + string.Join(", ", earlier.Runs.Select(r => $"{Path.GetFileName(r.Source)}: {r.MatchedBenchmarks} of {study.Grid.BenchmarkCount} "
                    + "benchmarks"))
                + $"); {study.Spec.Engine.Init} initial cell(s) per benchmark; their benchmark covariance is used once this study's "
                + "own evaluations confirm it");

        // Ctrl+C and SIGTERM cancel: running evaluations are killed, the journal keeps every finished one.
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; interrupt.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; interrupt.Cancel(); });

        var runner = new StudyRunner(study, progress, () => time.GetUtcNow(), retryFailed);
        bool actions = ActionsEnvironment.FromProcess().IsActions;
        if (actions) channels.Human.WriteLine(WorkflowCommands.Group($"bomax run {study.Spec.Name}: rounds")); // folds the round log in the job view
        var result = await runner.RunAsync(interrupt.Token);
        progress.Done();
        if (actions) channels.Human.WriteLine(WorkflowCommands.EndGroup());
        return await Report(study, result, publishing, channels, time, cancel);
    }

    /// <summary>The smallest budget that leaves the model room to choose, as a count and a share of the grid.</summary>
    static string Smallest(StudyContext study)
    {
        int smallest = BudgetAdvice.Smallest(study.Grid, study.Spec.Engine.Init);
        return $"{smallest} ({100.0 * smallest / study.Grid.CellCount:0.#}%)";
    }

    static async Task<int> Report(StudyContext study, RunResult result, Publishing publishing, RunChannels channels, TimeProvider time,
        CancellationToken cancel)
    {
        if (result.End == RunEnd.Interrupted)
        {
            var interrupted = $"interrupted; {result.Evaluations} evaluations are in {study.Spec.JournalPath}; run again to resume";
            channels.Io.Error.WriteLine($"bomax: {interrupted}");
            channels.Messages?.Error(ErrorReasons.Interrupted, interrupted);
            return ExitCodes.Interrupted;
        }
        if (result.End == RunEnd.EvaluationsFailing)
        {
            channels.Io.Error.WriteLine($"bomax: {result.Message}");
            channels.Messages?.Error(ErrorReasons.EvaluationsFailing, result.Message!);
            return ExitCodes.EvaluationsFailing;
        }
        string why = result.End switch
        {
            RunEnd.Confident => $"stopped early: P(best) reached {study.Spec.Stop.ProbBest:0.##} in the posterior's tails",
            RunEnd.NearBest => $"stopped early: the pick's expected shortfall reached {study.Spec.Stop.ExpectedShortfall}, and it is "
                + $"within that of the best with probability {Bomax.Engine.Selection.Selection.NearBestProbability:0.##} or more",
            RunEnd.TimeLimit => "stopped at the time limit",
            RunEnd.EvaluationTimeSpent => TimeSpentNote(study, JournalFile.Read(study.Spec.JournalPath)),
            RunEnd.GridExhausted => "every pair that could be evaluated was",
            _ => "budget spent",
        };
        return await Decide(study, $"{result.NewEvaluations} in this run; {why}", publishing, channels, time, cancel, result);
    }

    /// <summary>Why a study spends no more evaluation time: its <c>max-eval-hours</c> are spent, or what is left is less than any
    /// evaluation still open is expected to take.</summary>
    static string TimeSpentNote(StudyContext study, JournalContents journal, EvaluationTimeLeft? left = null)
    {
        left ??= EvaluationTimeLeft.Of(study, journal, [])!;
        return $"evaluation time spent: {Durations.Human(EvaluationTime.Spent(study, journal))} of budget.max-eval-hours "
            + $"{study.Spec.Budget.MaxEvalHours:0.###}"
            + (left.IsSpent ? "" : $"; no evaluation left is expected to fit in the {Durations.Human(left.Seconds)} that remain");
    }

    /// <summary>
    /// Builds the report from the journal, writes report.md and report.html, prints the decision; after a
    /// run (<paramref name="run"/>) also sends it as the <c>result</c> message and writes the result file.
    /// </summary>
    static async Task<int> Decide(StudyContext study, string note, Publishing publishing, RunChannels channels, TimeProvider time,
        CancellationToken cancel, RunResult? run = null)
    {
        var journal = JournalFile.Read(study.Spec.JournalPath);
        // A run that spent its budget ends with a final decision: its last fit (refitted if the schedule says so) conditioned
        // on every observation, with the held-out check made afresh (StudyDecision.Final, what the replay measures at each
        // budget); one stopped by a rule prints the decision that stopped it. The state it keeps beside the journal lets a
        // report of the same journal reuse that fit, so it gives the same decision without refitting (DecisionState); a
        // report of a changed journal starts from it and
        // refits only when the schedule says so.
        string stateFolder = study.StudyFolder;
        string journalHash = journal.Sha256;
        var (start, final) = run is not null
            ? (run.Planner, !run.OnLastDecision)
            : DecisionState.Read(stateFolder)?.StartFor(journalHash, study.Engine, study.Grid.BenchmarkCount) is { } kept
                ? (kept, false)
                : (PlannerState.Empty, true);
        var (built, decided) = ReportBuilder.Build(study, journal, time.GetUtcNow(), start, final);
        if (decided is { Fit: not null }) DecisionState.From(decided, journalHash, study.Engine).Write(stateFolder);
        if (built is not { } report)
        {
            var none = $"no checkpoint can be selected: no evaluation has succeeded yet (see {study.Spec.JournalPath})";
            channels.Io.Error.WriteLine($"bomax: {none}");
            channels.Messages?.Error(ErrorReasons.EvaluationsFailing, none);
            return ExitCodes.EvaluationsFailing;
        }
        var paths = ReportPaths.For(study.Spec.JournalPath, study.Spec.Name, channels.ReportDirectory);
        var markdown = paths.Write(report);
        var pick = report.Pick;
        var c = CultureInfo.InvariantCulture;
        var output = channels.Human;
        output.WriteLine(string.Create(c, $"selected: {PlainText.Line(pick.Name)} (step {pick.Step})"));
        output.WriteLine(string.Create(c, $"  estimated average {pick.Estimate:0.0000} (95% interval {pick.Low:0.0000} – {pick.High:0.0000}), "
            + $"P(best) {pick.ProbabilityBest:0.00}, expected shortfall {pick.ExpectedShortfall:0.0000} ({100 * pick.RelativeShortfall:0.00}%), "
            + $"{pick.BenchmarksEvaluated}/{pick.BenchmarkCount} benchmarks evaluated"));
        if (report.Check is { } check) output.WriteLine("  " + CheckSummary.Plain(check, report.Evaluations));
        var minimised = report.PickBenchmarks.Where(b => b.Goal == ScoreGoal.Minimize).Select(b => b.Name).ToList();
        if (minimised.Count > 0)
            output.WriteLine($"  (lower is better for {string.Join(", ", minimised.Select(PlainText.Line))}: "
                + $"{(minimised.Count == 1 ? "it enters" : "they enter")} the average with the sign changed, so higher is better throughout)");
        foreach (var r in report.Top.Skip(1).Take(3))
            output.WriteLine(string.Create(c, $"  runner-up {PlainText.Line(r.Name)}: {r.Estimate:0.0000} ({r.Low:0.0000} – {r.High:0.0000}), "
                + $"P(best) {r.ProbabilityBest:0.00}"));
        output.WriteLine(string.Create(c, $"  {report.Evaluations} of {report.GridCells} pairs evaluated "
            + $"({100.0 * report.Evaluations / report.GridCells:0.0}%){(note.Length > 0 ? ", " + note : "")}"));
        output.WriteLine($"  journal: {study.Spec.JournalPath}");
        output.WriteLine($"  report: {paths.Markdown} (and report.html)");
        await ActionsPublisher.PublishAsync(ActionsEnvironment.FromProcess(publishing.Token), publishing, report, markdown, paths, output, cancel,
            errors: channels.Io.Error);
        if (run is not null)
        {
            var checkpointPath = study.Checkpoints[study.CheckpointIndex(pick.Name)].Path;
            var result = ResultJson.From(report, paths, ResultJson.End(run.End), run.NewEvaluations, checkpointPath);
            if (channels.ResultPath is { } resultPath) ResultJson.Write(resultPath, result);
            channels.Messages?.Result(result);
        }
        return ExitCodes.Success;
    }

    public static Command ReportCommand(TimeProvider time)
    {
        var spec = SpecArgument();
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Directory for report.md and report.html (default: .bomax/<study>/ beside the journal).",
        };
        var github = GitHubOptions();
        var overrides = OverrideOptions(budget: false);
        var command = new Command("report",
            "Write the decision report (Markdown and HTML) from the journal alone, evaluating nothing; "
            + "under GitHub Actions also the summary, outputs and PR comment.")
        {
            spec, output,
        };
        foreach (var option in overrides.All.Concat(github.All)) command.Options.Add(option);
        command.SetAction(async (parse, cancel) =>
        {
            var io = Terminal.Of(parse);
            if (Load(io, parse.GetValue(spec)!, overrides.From(parse)) is not { } study) return ExitCodes.UsageError;
            foreach (var warning in study.Observe(JournalFile.Read(study.Spec.JournalPath)).Warnings)
                io.Error.WriteLine($"bomax: warning: {warning}");
            return await Decide(study, "", github.From(parse), RunChannels.Text(io, parse.GetValue(output)), time, cancel);
        });
        return command;
    }

    /// <summary>
    /// The next pairs, planned from the decision state kept beside the journal (refitting only when the schedule says so, as
    /// a run's round would), and the state it leaves written back, so workers that call <c>suggest</c> in turn share one fit
    /// instead of each fitting from cold. (Nothing to plan, nothing fitted: the caller does not call this.)
    /// </summary>
    static IReadOnlyList<Cell> Plan(StudyContext study, JournalContents journal, JournalState state, int count, IReadOnlySet<Cell> excluded,
        IReadOnlyList<Cell> leased, EvaluationTimeLeft? timeLeft)
    {
        string journalHash = journal.Sha256;
        var start = DecisionState.Read(study.StudyFolder)?.StartFor(journalHash, study.Engine, study.Grid.BenchmarkCount) ?? PlannerState.Empty;
        using var plan = StudyPlanner.Next(study.Grid, state.Observations, study.Engine, study.Spec.Engine.Init, study.Budget, count, excluded, start,
            pending: leased, costs: EvaluationTime.Costs(study, journal), timeBudgetSeconds: timeLeft?.Expected);
        if (plan.Decision is not null && plan.State.Fit is not null)
            DecisionState.From(plan.State, journalHash, study.Engine).Write(study.StudyFolder);
        return plan.Next;
    }

    static int SuggestPairs(Terminal io, TimeProvider time, string specPath, StudyOverrides overrides, int count, bool json, string? owner,
        TimeSpan? lease)
    {
        if (count < 1) { io.Error.WriteLine("bomax: --count must be at least 1"); return ExitCodes.UsageError; }
        if (Load(io, specPath, overrides) is not { } study) return ExitCodes.UsageError;
        var leaseLength = lease ?? study.LeaseLength;
        var environment = ActionsEnvironment.FromProcess();
        if (environment.IsActions && MatrixPairs.CapCount(count) is (var capped, { } capWarning))
        {
            io.Out.WriteLine(WorkflowCommands.Warning(capWarning));
            count = capped;
        }
        var journal = JournalFile.Read(study.Spec.JournalPath);
        var state = study.Observe(journal);
        foreach (var warning in state.Warnings) io.Error.WriteLine($"bomax: warning: {warning}");
        if (BudgetAdvice.Warning(study.Grid, study.Spec.Engine.Init, study.Budget) is { } advice) io.Error.WriteLine($"bomax: warning: {advice}");
        var leased = study.Leased(journal, time.GetUtcNow());
        var timeLeft = EvaluationTimeLeft.Of(study, journal, leased);
        int left = timeLeft is { IsSpent: true } ? 0 : Math.Max(0, study.Budget - state.Observations.Count - state.Failed.Count - leased.Count);
        var quarantine = Quarantine.From(study.Grid, state.Observations, state.Failed);
        foreach (var warning in quarantine.Warnings(study.Grid)) io.Error.WriteLine($"bomax: warning: {warning}");
        var excluded = quarantine.Excluding(study.Grid, state.Failed);
        var unaffordable = timeLeft?.Unaffordable(study.Grid).ToList() ?? [];
        excluded.UnionWith(unaffordable); // no pair that would end past budget.max-eval-hours
        IReadOnlyList<Cell> next = left == 0 ? [] : Plan(study, journal, state, Math.Min(count, left), excluded, leased, timeLeft);
        next = timeLeft?.Affordable(next) ?? next;
        bool timeSpent = timeLeft is { IsSpent: true } || (next.Count == 0 && unaffordable.Count > 0);
        if (owner is not null && next.Count > 0)
        {
            // Under the journal's lock: pairs another worker leased or recorded since it was read are not handed out twice.
            next = study.Lease(next, owner, leaseLength, () => time.GetUtcNow());
        }
        var pairs = next.Select(cell =>
        {
            var checkpoint = study.Checkpoints[cell.Checkpoint];
            return new PendingPair(checkpoint.Name, checkpoint.Path, checkpoint.Step, study.Grid.Benchmarks[cell.Benchmark].Name);
        }).ToList();
        if (json) io.Out.WriteLine(new JsonArray(pairs.Select(p => (JsonNode?)p.ToJson()).ToArray()).ToJsonString());
        else foreach (var p in pairs) io.Out.WriteLine($"{p.Checkpoint}\t{p.Benchmark}");
        if (pairs.Count == 0)
            io.Error.WriteLine(timeSpent ? $"bomax: {TimeSpentNote(study, journal, timeLeft!)}; nothing to suggest"
                : left == 0 && leased.Count > 0
                ? $"bomax: nothing to suggest: the rest of the budget is leased to workers ({leased.Count} pair(s))"
                : left == 0 ? "bomax: the budget is spent; nothing to suggest"
                : "bomax: every pair is evaluated, failed or leased; nothing to suggest");
        else if (owner is not null)
            io.Error.WriteLine($"bomax: leased {pairs.Count} pair(s) to {owner} for {Durations.Describe(leaseLength)}; "
                + "`bomax record` settles each, `bomax suggest --release` gives them back");
        if (environment.IsActions)
        {
            // The matrix a fan-out workflow expands: within GitHub's job and output limits, said when cut.
            var matrix = MatrixPairs.From(pairs);
            if (matrix.Warning is { } cut) io.Out.WriteLine(WorkflowCommands.Warning(cut));
            if (environment.OutputPath is { } outputPath) ActionsFiles.AppendOutputs(outputPath, [new(ActionsOutputNames.PendingPairs, matrix.Json)]);
        }
        return ExitCodes.Success;
    }

    /// <summary><c>suggest --release</c>: gives back <paramref name="owner"/>'s active leases, all of them or one pair's.</summary>
    static int ReleasePairs(Terminal io, TimeProvider time, string specPath, string owner, string? checkpoint, string? benchmark)
    {
        if ((checkpoint is null) != (benchmark is null))
        {
            io.Error.WriteLine("bomax: --release: give both --checkpoint and --benchmark, or neither");
            return ExitCodes.UsageError;
        }
        if (Load(io, specPath) is not { } study) return ExitCodes.UsageError;
        var released = JournalFile.Update(study.Spec.JournalPath, contents =>
            Leases.Active(contents, time.GetUtcNow()).Values
                .Where(l => l.Owner == owner && (checkpoint is null || (l.Checkpoint == checkpoint && l.Benchmark == benchmark)))
                .Select(l => new ReleaseRecord(l.Checkpoint, l.Benchmark, owner) { Time = time.GetUtcNow() }).ToList());
        io.Error.WriteLine($"bomax: released {released.Count} pair(s) leased to {owner}");
        return ExitCodes.Success;
    }

    static int RecordResult(Terminal io, TimeProvider time, string specPath, string checkpoint, string benchmark, string scoreText,
        string? stderrText, double seconds, bool replace)
    {
        if (Load(io, specPath) is not { } study) return ExitCodes.UsageError;
        int i = study.CheckpointIndex(checkpoint), j = study.BenchmarkIndex(benchmark);
        string? error = i < 0
                ? $"--checkpoint '{checkpoint}' is not a checkpoint of {specPath} "
                    + $"{DidYouMean.Suggest(checkpoint, study.Grid.Checkpoints.Select(c => c.Name))}"
            : j < 0
                ? $"--benchmark '{benchmark}' is not a benchmark of {specPath} "
                    + $"{DidYouMean.Suggest(benchmark, study.Grid.Benchmarks.Select(b => b.Name))}"
            : !double.TryParse(scoreText, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score)
                ? $"--score '{scoreText}' is not a finite number"
            : ScoreChecks.Refusal(score, study.Spec.Eval.ScoreLimit) is { } refusal ? $"--score: {refusal}"
            : stderrText is not null && (!double.TryParse(stderrText, NumberStyles.Float, CultureInfo.InvariantCulture, out var se) || !(se >= 0))
                ? $"--stderr '{stderrText}' is not a non-negative number"
            : null;
        if (error is not null) { io.Error.WriteLine($"bomax: {error.TrimEnd()}"); return ExitCodes.UsageError; }
        var journal = JournalFile.Read(study.Spec.JournalPath);
        var others = study.Observe(journal);
        if (ScoreChecks.OutOfPlace(double.Parse(scoreText, CultureInfo.InvariantCulture), others.RawScores(j), $"{checkpoint} × {benchmark}")
            is { } outOfPlace)
            io.Error.WriteLine($"bomax: warning: {outOfPlace}");
        double? standardError = stderrText is null ? null : double.Parse(stderrText, CultureInfo.InvariantCulture);
        EvaluationRecord? earlier = null;
        // Under the journal's lock: two workers recording one pair at once cannot both pass the check.
        var written = JournalFile.Update(study.Spec.JournalPath, contents =>
        {
            earlier = contents.Evaluations.LastOrDefault(e => e.Checkpoint == checkpoint && e.Benchmark == benchmark);
            if (earlier is not null && !replace) return [];
            var records = new List<JournalRecord>();
            if (study.HeaderIfChanged(contents, time.GetUtcNow()) is { } header) records.Add(header);
            records.Add(new EvaluationRecord(checkpoint, study.Checkpoints[i].Step, benchmark, double.Parse(scoreText, CultureInfo.InvariantCulture),
                standardError, seconds, 1)
            { Time = time.GetUtcNow() });
            return records;
        });
        if (written.Count == 0)
        {
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bomax: {checkpoint} × {benchmark} is already recorded ({study.Spec.JournalPath}:{earlier!.Line}: score {earlier.Score}); "
                + $"nothing was written. Use --replace to record this score instead (the latest record of a pair wins)"));
            return ExitCodes.UsageError;
        }
        io.Error.WriteLine(earlier is null
            ? $"bomax: recorded {checkpoint} × {benchmark} in {study.Spec.JournalPath}"
            : $"bomax: recorded {checkpoint} × {benchmark} in {study.Spec.JournalPath}, replacing line {earlier.Line}");
        return ExitCodes.Success;
    }

    static int MergeJournals(Terminal io, string[] inputs, string output, bool force)
    {
        var missing = inputs.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0) { io.Error.WriteLine($"bomax: no such journal: {string.Join(", ", missing)}"); return ExitCodes.UsageError; }
        if (Directory.Exists(output)) { io.Error.WriteLine($"bomax: -o {output} is a directory, not a journal"); return ExitCodes.UsageError; }
        var journals = inputs.Select(p => JournalFile.Read(p)).ToList();
        foreach (var warning in journals.SelectMany(j => j.Warnings)) io.Error.WriteLine($"bomax: warning: {warning}");
        IReadOnlyList<string> conflicts = [];
        int written = 0;
        string? refusal = null;
        // Into the output under its lock, appending only what it lacks: a worker recording into it meanwhile loses nothing.
        JournalFile.Update(output, existing =>
        {
            var grids = journals.Select((j, k) => (Name: inputs[k], j.Header))
                .Append((Name: output, existing.Header))
                .Where(x => x.Header is not null)
                .ToList();
            var first = grids.FirstOrDefault();
            var other = grids.FirstOrDefault(x => x.Header!.Study != first.Header!.Study
                || !x.Header.Checkpoints.SequenceEqual(first.Header.Checkpoints) || !x.Header.Benchmarks.SequenceEqual(first.Header.Benchmarks));
            if (other.Header is not null && !force)
            {
                refusal = other.Header.Study != first.Header!.Study
                    ? $"{other.Name} is a journal of study '{other.Header.Study}', {first.Name} of '{first.Header.Study}'"
                    : $"{other.Name} and {first.Name} are journals of different grids (their checkpoints or benchmarks differ)";
                return [];
            }
            var merged = JournalMerge.Merge([existing, .. journals], [output, .. inputs]);
            conflicts = merged.Conflicts;
            var records = JournalMerge.Missing(existing, merged.Records);
            written = records.Count;
            return records;
        });
        if (refusal is not null)
        {
            io.Error.WriteLine($"bomax: {refusal}; nothing was merged (--force merges them anyway)");
            return ExitCodes.UsageError;
        }
        foreach (var conflict in conflicts) io.Error.WriteLine($"bomax: warning: conflicting scores: {conflict}");
        var result = JournalFile.Read(output);
        int evaluated = result.Evaluations.Select(e => (e.Checkpoint, e.Benchmark)).Distinct().Count();
        int failedPairs = result.Failures.Select(f => (f.Checkpoint, f.Benchmark))
            .Except(result.Evaluations.Select(e => (e.Checkpoint, e.Benchmark)))
            .Distinct()
            .Count();
        io.Error.WriteLine($"bomax: merged {inputs.Length} journals into {output}: {evaluated} evaluations, {failedPairs} failed pairs "
            + $"({written} records appended)");
        return ExitCodes.Success;
    }
}

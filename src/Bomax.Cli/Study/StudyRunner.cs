using Bomax.Cli.Evaluation;
using Bomax.Cli.Journal;
using Bomax.Cli.Output;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Selection;
using Bomax.Engine.Study;

namespace Bomax.Cli.Study;

/// <summary>How a study run ended.</summary>
internal enum RunEnd
{
    BudgetSpent, EvaluationTimeSpent, Confident, NearBest, TimeLimit, GridExhausted, EvaluationsFailing, Interrupted,
}

/// <summary>The end of a run: why it stopped and what was spent. The decision itself is built from the journal.</summary>
internal sealed record RunResult(RunEnd End, int Evaluations, int NewEvaluations, string? Message)
{
    /// <summary>The planner's last state (its fit), for the decision that follows; empty when the run planned nothing.</summary>
    public PlannerState Planner { get; init; } = PlannerState.Empty;

    /// <summary>The run stopped on the decision of its last round, made on the observations it ends with (a stop rule, the time
    /// limit, nothing left to choose): the decision it prints is that one, so what stopped it and what it says agree. Otherwise
    /// evaluations came in after it, and the run ends with a final decision (<see cref="StudyDecision.Final"/>).</summary>
    public bool OnLastDecision { get; init; }
}

/// <summary>
/// The imperative shell around <see cref="StudyPlanner"/>: read the journal, decide a batch (pure),
/// run the evaluations at once, append each result to the journal the moment it finishes, repeat.
/// Stops at the budget (evaluations, or evaluation time summed over the journal), the time limit, the wanted probability of
/// best, when the grid is used up, when most recent evaluations fail, or when cancelled (running evaluations are killed,
/// nothing half-done is recorded). Each round's choice reads the benchmarks' costs from the journal's measured seconds
/// (<see cref="EvaluationTime.Costs"/>).
/// </summary>
/// <param name="retryFailed">Failures already in the journal do not count (<c>--retry-failed</c>): their pairs are evaluated again.</param>
internal sealed class StudyRunner(StudyContext study, ProgressDisplay progress, Func<DateTimeOffset> now, bool retryFailed = false)
{
    /// <summary>Stop when at least this share of the last evaluations failed (and at least 3 did).</summary>
    const double FailingShare = 0.8;

    /// <summary>This run's name on the leases it takes.</summary>
    readonly string owner = Leases.DefaultOwner("run");

    readonly HashSet<string> warned = [];

    public async Task<RunResult> RunAsync(CancellationToken cancel)
    {
        var spec = study.Spec;
        // The header is decided and written under the journal's lock: two runs started at once would otherwise both read an
        // empty journal and both write one.
        JournalFile.Update(spec.JournalPath, contents => study.HeaderIfChanged(contents, now()) is { } header ? [header] : []);
        var journal = JournalFile.Read(spec.JournalPath);
        foreach (var warning in journal.Warnings) progress.Warn(warning);
        DateTimeOffset? retryUntil = retryFailed ? now() : null;
        var state = study.Observe(journal, retryUntil);
        foreach (var warning in state.Warnings.Skip(journal.Warnings.Count)) progress.Warn(warning);
        warned.UnionWith(state.Warnings);
        if (state.Observations.Count > 0 || state.NotApplicable > 0 || state.Healed > 0)
            progress.Info($"resuming from {spec.JournalPath}: {state.Observations.Count} evaluations apply to this grid"
                + (state.NotApplicable > 0 ? $", {state.NotApplicable} no longer do (kept in the journal)" : "")
                + (state.Failed.Count > 0 ? $", {state.Failed.Count} pairs failed before and are skipped" : "")
                + (state.Healed > 0
                    ? $", {state.Healed} failed pairs no longer count "
                        + $"({(retryFailed ? "--retry-failed" : "their benchmark's command or score rule changed")}) and are tried again"
                    : ""));
        Reread(state.Rereadable);

        int budget = study.Budget;
        int parallel = Math.Max(1, spec.Eval.Parallel);
        var goals = state.Goals;
        var recent = new Queue<bool>();
        var startedAt = now(); // budget.max-time counts on the clock the runner is given (tests pass a fake one)
        TimeSpan Elapsed() => now() - startedAt;
        int started = 0, round = 0;
        var planner = PlannerState.Empty;
        using var conditioning = new ConditioningCache(); // each round extends the last round's factor (between refits)
        Selection? selection = null;
        IReadOnlyList<StopRule> stopRules =
        [
            .. spec.Stop.ProbBest is { } wanted ? [new StopRule.Confident(wanted)] : Array.Empty<StopRule>(),
            .. spec.Stop.ExpectedShortfall is { } enough ? [new StopRule.NearBest(enough)] : Array.Empty<StopRule>(),
        ];
        bool? priorHeld = null; // whether the last checked fit used the earlier runs' benchmark covariance (null: none checked yet)

        while (true)
        {
            // The journal is read again every round: other runs and workers append to it too.
            journal = JournalFile.Read(spec.JournalPath);
            state = study.Observe(journal, retryUntil);
            foreach (var warning in state.Warnings.Skip(journal.Warnings.Count).Where(warned.Add))
                progress.Warn(warning); // the file's own were said at the start
            for (int j = 0; j < goals.Count; j++)
                if (goals[j] != state.Goals[j] && spec.Benchmarks[j].Goal is null)
                    progress.Info($"benchmark {spec.Benchmarks[j].Name}: its results say "
                        + $"{(state.Goals[j] == ScoreGoal.Maximize ? "higher" : "lower")} is better, "
                        + $"so it is {StudyContext.GoalName(state.Goals[j])}d");
            goals = state.Goals;
            var observations = state.Observations;
            var failed = state.Failed;
            var elsewhere = study.Leased(journal, now(), owner);
            // a failed pair cost its attempts too; leased ones are being spent
            int left = budget - observations.Count - failed.Count - elsewhere.Count;
            var quarantine = Quarantine.From(study.Grid, observations, failed);
            foreach (var warning in quarantine.Warnings(study.Grid).Where(warned.Add)) progress.Warn(warning);
            var excluded = quarantine.Excluding(study.Grid, failed);
            var timeLeft = EvaluationTimeLeft.Of(study, journal, elsewhere);
            bool open = Open(observations, excluded, elsewhere) > 0;
            if (timeLeft is not null) excluded.UnionWith(timeLeft.Unaffordable(study.Grid)); // no evaluation that would end past it
            // A spent budget or a used-up grid is known without a fit: end at once (the report fits once, at the end).
            RunEnd? settled = left <= 0 ? RunEnd.BudgetSpent
                : !open ? RunEnd.GridExhausted
                : timeLeft is { IsSpent: true } || Open(observations, excluded, elsewhere) == 0 ? RunEnd.EvaluationTimeSpent
                : null;
            if (settled is { } early)
            {
                if (elsewhere.Count > 0)
                    progress.Info($"{elsewhere.Count} pair(s) are still leased to other workers; "
                        + "`bomax report` includes them once they are recorded");
                return new RunResult(early, observations.Count, started, null) { Planner = planner };
            }
            IReadOnlyList<Cell> next;
            StopReading reading;
            using (var plan = StudyPlanner.Next(study.Grid, observations, study.Engine, spec.Engine.Init, budget,
                Math.Clamp(parallel, 0, Math.Max(0, left)), excluded, planner, pending: elsewhere, cache: conditioning,
                costs: EvaluationTime.Costs(study, journal), timeBudgetSeconds: timeLeft?.Expected))
            {
                // The round's decision: its pick and P(best) are what the stop rules and the status line read, a rule's stop
                // confirmed on a final decision (StopReading). The model is let go before the evaluations run.
                reading = StopReading.Of(stopRules, plan, study.Grid, observations, study.Engine, conditioning);
                if (reading.Selection is { } read) selection = read;
                planner = reading.State;
                if (plan.Decision is { Refitted: true } && planner.Fit?.Report.Prior is { Benchmarks: > 0 } check && check.Holds != priorHeld)
                {
                    priorHeld = check.Holds;
                    progress.Info(PriorCheckNote(check, observations.Count));
                }
                next = timeLeft?.Affordable(plan.Next) ?? plan.Next;
            }
            RunEnd? end = left <= 0 ? RunEnd.BudgetSpent
                : cancel.IsCancellationRequested ? RunEnd.Interrupted
                : spec.Budget.MaxTime is { } limit && Elapsed() >= limit ? RunEnd.TimeLimit
                : reading.Reached is StopRule.Confident ? RunEnd.Confident
                : reading.Reached is StopRule.NearBest ? RunEnd.NearBest
                : next.Count == 0 ? RunEnd.GridExhausted
                : null;
            if (end is { } stop)
            {
                if (elsewhere.Count > 0)
                    progress.Info($"{elsewhere.Count} pair(s) are still leased to other workers; "
                        + "`bomax report` includes them once they are recorded");
                return new RunResult(stop, observations.Count, started, null) { Planner = planner, OnLastDecision = selection is not null };
            }

            var batch = Lease(next);
            if (batch.Count == 0) continue; // another worker took them in the meantime: plan again around its leases
            round++;
            progress.Report(new RunStatus(round, observations.Count + failed.Count, budget, batch.Select(Name).ToList(), elsewhere.Count,
                selection is null ? null : new RunPick(selection.Pick.Name, selection.Pick.ProbabilityBest, selection.Pick.RelativeShortfall,
                    spec.Stop.ProbBest is null ? null : selection.Pick.TailProbabilityBest),
                Elapsed(), started));
            var running = batch.Select(cell => EvaluateAsync(cell, cancel)).ToList();
            started += running.Count;
            var unfinished = new List<Cell>();
            foreach (var (cell, outcome) in await Task.WhenAll(running))
            {
                if (outcome is null) { unfinished.Add(cell); continue; } // cancelled: nothing recorded, the next run evaluates it again
                recent.Enqueue(outcome is AttemptsOutcome.Succeeded);
                while (recent.Count > Math.Max(5, 2 * parallel)) recent.Dequeue();
                if (outcome is AttemptsOutcome.Succeeded s)
                {
                    if (ScoreChecks.OutOfPlace(s.Score.Score, state.RawScores(cell.Benchmark), Name(cell)) is { } outOfPlace
                        && warned.Add(outOfPlace))
                        progress.Warn(outOfPlace);
                }
                else
                {
                    var f = (AttemptsOutcome.Failed)outcome;
                    progress.Warn($"{Name(cell)} failed after {f.Attempts} attempt(s): {f.Message} (output in {f.OutputDirectory})");
                }
            }
            if (unfinished.Count > 0) Release(unfinished);
            if (cancel.IsCancellationRequested)
            {
                int observed = study.Observe(JournalFile.Read(spec.JournalPath), retryUntil).Observations.Count;
                return new RunResult(RunEnd.Interrupted, observed, started, null) { Planner = planner };
            }
            int failures = recent.Count(ok => !ok);
            if (failures >= 3 && failures >= FailingShare * recent.Count)
                return new RunResult(RunEnd.EvaluationsFailing, observations.Count, started,
                    $"{failures} of the last {recent.Count} evaluations failed; stopping instead of spending the budget. "
                        + $"Check eval.command in {spec.SpecPath} (the failures and their stderr are in {spec.JournalPath})")
                { Planner = planner };
        }
    }

    /// <summary>What a run says when a refit starts to use the earlier runs' benchmark covariance, or sets it aside
    /// (<see cref="PriorCheck"/>).</summary>
    internal static string PriorCheckNote(PriorCheck check, int observations) =>
        check.Holds
            ? FormattableString.Invariant($"prior: the earlier runs' benchmark covariance is used from {observations} evaluations: it ")
                + FormattableString.Invariant($"predicts this study's benchmarks {check.Nats:0.0} nats better than independent ones")
            : FormattableString.Invariant($"prior: the earlier runs' benchmark covariance is set aside at {observations} evaluations: ")
                + FormattableString.Invariant($"it predicts this study's benchmarks {-check.Nats:0.0} nats worse than independent ones; ")
                + "fitting it on this study's own evaluations (their curve kept), and checking again at every refit";

    /// <summary>How many cells of the grid are neither observed, excluded nor leased elsewhere.</summary>
    int Open(List<Observation> observations, HashSet<Cell> excluded, IReadOnlyList<Cell> elsewhere)
    {
        var closed = new HashSet<Cell>(excluded);
        closed.UnionWith(observations.Select(o => o.Cell));
        closed.UnionWith(elsewhere);
        return study.Grid.CellCount - closed.Count;
    }

    /// <summary>
    /// Leases the planned cells to this run, under the journal's lock: those another worker leased or recorded since the
    /// journal was read are left out. Returns the cells leased.
    /// </summary>
    IReadOnlyList<Cell> Lease(IReadOnlyList<Cell> cells) => study.Lease(cells, owner, study.LeaseLength, now, self: owner);

    /// <summary>Gives back this run's leases of cells it did not finish (a cancelled run), so others need not wait for them to expire.</summary>
    void Release(IEnumerable<Cell> cells) =>
        JournalFile.AppendAll(study.Spec.JournalPath,
            cells.Select(c => new ReleaseRecord(Pair(c).Checkpoint, Pair(c).Benchmark, owner) { Time = now() }));

    (string Checkpoint, string Benchmark) Pair(Cell cell) =>
        (study.Grid.Checkpoints[cell.Checkpoint].Name, study.Grid.Benchmarks[cell.Benchmark].Name);

    /// <summary>
    /// Failures of the score side whose benchmark's score rule (or limit) changed since: their kept output is read again
    /// with the current rule instead of running the evaluation again; the result is journaled either way.
    /// </summary>
    void Reread(IReadOnlyList<FailureRecord> failures)
    {
        int read = 0;
        foreach (var f in failures)
        {
            var cell = new Cell(study.CheckpointIndex(f.Checkpoint), study.BenchmarkIndex(f.Benchmark));
            var result = EvaluationAttempts.Reread(f.OutputDirectory!, f.Benchmark, study.ScoreRuleOf(cell.Benchmark), study.Spec.Eval.ScoreLimit);
            if (result is Scored scored)
            {
                JournalFile.Append(study.Spec.JournalPath,
                    new EvaluationRecord(f.Checkpoint, f.Step, f.Benchmark, scored.Score, scored.StandardError, f.Seconds, f.Attempts)
                    {
                        Time = now(), HigherIsBetter = scored.HigherIsBetter,
                    });
                read++;
            }
            else
            {
                var fingerprints = study.FingerprintsOf(cell.Benchmark);
                JournalFile.Append(study.Spec.JournalPath, f with
                {
                    Message = ((Unparseable)result).Message,
                    Time = now(),
                    CommandFingerprint = fingerprints.Command,
                    ScoreFingerprint = fingerprints.Score,
                });
                progress.Warn($"{Name(cell)}: its kept output read again with the new score rule: {((Unparseable)result).Message}");
            }
        }
        if (failures.Count > 0)
            progress.Info($"read {failures.Count} kept output(s) again with the changed score rule instead of re-running: {read} scored");
    }

    async Task<(Cell Cell, AttemptsOutcome? Outcome)> EvaluateAsync(Cell cell, CancellationToken cancel)
    {
        var request = study.Request(cell);
        var outcome = await EvaluationAttempts.RunWithRetriesAsync(request, study.ScoreRuleOf(cell.Benchmark), study.Spec.Eval.Retries,
            TimeSpan.FromSeconds(2), cancel, study.Spec.Eval.ScoreLimit);
        if (outcome is AttemptsOutcome.Failed { Kind: EvaluationFailureKind.Cancelled }) return (cell, null);
        var checkpoint = study.Checkpoints[cell.Checkpoint];
        var benchmark = study.Spec.Benchmarks[cell.Benchmark].Name;
        var fingerprints = study.FingerprintsOf(cell.Benchmark);
        JournalRecord record = outcome switch
        {
            AttemptsOutcome.Succeeded s => new EvaluationRecord(checkpoint.Name, checkpoint.Step, benchmark, s.Score.Score, s.Score.StandardError,
                outcome.Seconds, outcome.Attempts)
            {
                Time = now(), HigherIsBetter = s.Score.HigherIsBetter,
            },
            AttemptsOutcome.Failed f => new FailureRecord(checkpoint.Name, checkpoint.Step, benchmark, f.ExitCode, f.Message, f.StderrTail,
                outcome.Seconds, outcome.Attempts)
            {
                Time = now(), Kind = FailureKinds.Of(f.Kind), CommandFingerprint = fingerprints.Command, ScoreFingerprint = fingerprints.Score,
                OutputDirectory = f.OutputDirectory,
            },
            _ => throw new InvalidOperationException("unknown outcome"),
        };
        JournalFile.Append(study.Spec.JournalPath, record); // flushed to disk before the pair counts as done
        return (cell, outcome);
    }

    string Name(Cell cell) => $"{study.Grid.Checkpoints[cell.Checkpoint].Name} × {study.Grid.Benchmarks[cell.Benchmark].Name}";
}

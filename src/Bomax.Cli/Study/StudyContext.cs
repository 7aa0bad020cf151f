using Bomax.Cli.Evaluation;
using Bomax.Cli.Journal;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;

namespace Bomax.Cli.Study;

/// <summary>The outcome of loading a study: its context, or every problem found in the spec.</summary>
internal abstract record StudyLoad
{
    private StudyLoad() { }
    public sealed record Ok(StudyContext Study) : StudyLoad;
    public sealed record Invalid(IReadOnlyList<SpecError> Errors) : StudyLoad;
    public sealed record BadOption(string Message) : StudyLoad;
}

/// <summary>
/// What the journal says about the current grid: observations (oriented: a minimised benchmark's scores with their
/// sign changed), the failed pairs that still count, failures that a changed score rule may read again from their kept
/// output (<see cref="Rereadable"/>), how many failed pairs no longer count (<see cref="Healed"/>), records that no
/// longer apply, each benchmark's direction, and warnings (the journal's own first, then the spec's).
/// </summary>
internal sealed record JournalState(List<Observation> Observations, HashSet<Cell> Failed, int NotApplicable, IReadOnlyList<string> Warnings)
{
    public IReadOnlyList<FailureRecord> Rereadable { get; init; } = [];
    public int Healed { get; init; }
    public IReadOnlyList<ScoreGoal> Goals { get; init; } = [];

    /// <summary>Benchmark <paramref name="benchmark"/>'s observed scores as the metric states them (orientation undone).</summary>
    public List<double> RawScores(int benchmark) =>
        Observations.Where(o => o.Cell.Benchmark == benchmark).Select(o => StudyContext.Orient(o.Score, Goals[benchmark])).ToList();
}

/// <summary>
/// A study ready to run: the spec, its resolved checkpoints, the grid they make with the benchmarks,
/// and the engine options. Everything a command needs besides the journal, read once at the edge.
/// </summary>
internal sealed record StudyContext(StudySpec Spec, IReadOnlyList<ResolvedCheckpoint> Checkpoints, Grid Grid, EngineOptions Engine)
{
    public static StudyLoad Load(string specPath, StudyOverrides? overrides = null)
    {
        var read = SpecReader.ReadFile(specPath);
        if (read is SpecReadResult.Invalid invalid) return new StudyLoad.Invalid(invalid.Errors);
        var (spec, overrideError) = (overrides ?? StudyOverrides.None).ApplyTo(((SpecReadResult.Ok)read).Spec);
        if (spec is null) return new StudyLoad.BadOption(overrideError!);
        var resolved = CheckpointResolver.Resolve(spec);
        if (resolved is ResolveResult.Invalid unresolved) return new StudyLoad.Invalid(unresolved.Errors);
        if (spec.Eval.WorkingDirectoryPosition is { } workdirAt && !Directory.Exists(spec.Eval.WorkingDirectory))
            return new StudyLoad.Invalid([new SpecError(spec.SpecPath, workdirAt.Line, workdirAt.Column, "eval.workdir",
                $"the directory '{spec.Eval.WorkingDirectory}' does not exist")]);
        if (JournalPathProblem(spec.JournalPath, spec.Name) is { } journalProblem)
        {
            var at = spec.JournalPosition ?? spec.Position;
            return new StudyLoad.Invalid([new SpecError(spec.SpecPath, at.Line, at.Column, "journal", journalProblem)]);
        }
        var checkpoints = ((ResolveResult.Ok)resolved).Checkpoints;
        var grid = new Grid(checkpoints.Select(c => new Checkpoint(c.Name, c.Step)), spec.Benchmarks.Select(b => new Benchmark(b.Name, b.Weight)));
        var (earlier, priorErrors) = EarlierRunFiles.Load(spec, grid);
        if (priorErrors.Count > 0) return new StudyLoad.Invalid(priorErrors);
        return new StudyLoad.Ok(new StudyContext(spec, checkpoints, grid, spec.Engine.Options with { Earlier = earlier?.Runs })
        {
            EarlierSeconds = earlier?.Seconds ?? new Dictionary<int, double>(),
        });
    }

    /// <summary>What the benchmarks took in the earlier runs' journals (<c>prior:</c>): median seconds by benchmark index.</summary>
    public IReadOnlyDictionary<int, double> EarlierSeconds { get; init; } = new Dictionary<int, double>();

    public int Budget => Spec.Budget.Evaluations(Grid.CellCount);

    /// <summary>
    /// Why the journal (or the study's output folder beside it) cannot be written, checked before anything is evaluated:
    /// a directory where the journal should be, a link to nothing, a file where a folder on the way should be. Null when fine.
    /// </summary>
    static string? JournalPathProblem(string journal, string study)
    {
        if (Directory.Exists(journal)) return $"'{journal}' is a directory, not a journal file";
        var info = new FileInfo(journal);
        if (info.LinkTarget is { } target && info.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true })
            return $"'{journal}' is a link to '{target}', which does not exist";
        string outputs = Path.Combine(Path.GetDirectoryName(journal)!, study);
        if (File.Exists(outputs)) return $"'{outputs}' is a file; the study's reports and outputs go in a folder of that name beside the journal";
        for (var folder = Path.GetDirectoryName(journal); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (Directory.Exists(folder)) break;
            if (File.Exists(folder)) return $"'{folder}' is a file, so the journal's folder cannot be made there";
        }
        return null;
    }

    public int CheckpointIndex(string name) => IndexOf(Grid.Checkpoints.Select(c => c.Name), name);
    public int BenchmarkIndex(string name) => IndexOf(Grid.Benchmarks.Select(b => b.Name), name);

    static int IndexOf(IEnumerable<string> names, string name)
    {
        int k = 0;
        foreach (var n in names) { if (n == name) return k; k++; }
        return -1;
    }

    /// <summary>
    /// Maps journal records onto the current grid. Records of checkpoints or benchmarks no longer in the spec are kept in
    /// the file but not used; scores that are not finite or beyond the score limit are skipped with a warning naming
    /// their line. A failure counts only when the pair has no evaluation, it was recorded after
    /// <paramref name="ignoreFailuresUntil"/> (<c>--retry-failed</c>), and its benchmark's fingerprints are unchanged
    /// (failures recorded before fingerprints were kept always count). A failure of the score side alone, whose kept
    /// output is still there, is offered for re-reading instead.
    /// </summary>
    public JournalState Observe(JournalContents journal, DateTimeOffset? ignoreFailuresUntil = null)
    {
        var warnings = new List<string>(journal.Warnings);
        warnings.AddRange(Spec.Warnings.Select(w => w.ToString())); // said wherever the journal's are (run, status, report)
        var goals = Goals(journal, warnings);
        var observations = new List<Observation>();
        var seen = new Dictionary<Cell, int>(); // where each cell's observation is: a later record of a pair replaces it
        int notApplicable = 0;
        foreach (var e in journal.Evaluations)
        {
            int i = CheckpointIndex(e.Checkpoint), j = BenchmarkIndex(e.Benchmark);
            if (i < 0 || j < 0) { notApplicable++; continue; }
            if (ScoreChecks.Refusal(e.Score, Spec.Eval.ScoreLimit) is { } refusal)
            {
                warnings.Add($"{Spec.JournalPath}:{e.Line}: {e.Checkpoint} × {e.Benchmark}: {refusal}; the line is skipped");
                continue;
            }
            var cell = new Cell(i, j);
            double? standardError = e.StandardError is { } se && double.IsFinite(se) && se >= 0 && se <= Spec.Eval.ScoreLimit ? se : null;
            var observation = new Observation(cell, Orient(e.Score, goals[j]), standardError);
            if (seen.TryGetValue(cell, out int at)) observations[at] = observation;
            else { seen[cell] = observations.Count; observations.Add(observation); }
        }
        warnings.AddRange(OutOfPlace(observations, goals));
        var failed = new HashSet<Cell>();
        var rereadable = new Dictionary<Cell, FailureRecord>();
        var healed = new HashSet<Cell>();
        var fingerprints = Spec.Benchmarks.Select(b => FailureFingerprints.For(Spec, b)).ToList();
        foreach (var f in journal.Failures)
        {
            int i = CheckpointIndex(f.Checkpoint), j = BenchmarkIndex(f.Benchmark);
            if (i < 0 || j < 0) continue;
            var cell = new Cell(i, j);
            if (seen.ContainsKey(cell)) continue;
            if (ignoreFailuresUntil is { } until && f.Time <= until) { healed.Add(cell); continue; }
            var current = fingerprints[j];
            bool commandSame = f.CommandFingerprint is null || f.CommandFingerprint == current.Command;
            bool scoreSame = f.ScoreFingerprint is null || f.ScoreFingerprint == current.Score;
            if (commandSame && scoreSame) { failed.Add(cell); continue; }
            healed.Add(cell);
            if (commandSame && f.Kind == FailureKinds.Score && f.OutputDirectory is { } kept && Directory.Exists(kept)) rereadable[cell] = f;
            else rereadable.Remove(cell);
        }
        healed.ExceptWith(failed);
        foreach (var cell in failed) rereadable.Remove(cell);
        return new JournalState(observations, failed, notApplicable, warnings)
        {
            Rereadable = rereadable.Values.ToList(),
            Healed = healed.Count,
            Goals = goals,
        };
    }

    /// <summary>Each score far outside its benchmark's other scores (<see cref="ScoreChecks.OutOfPlace"/>), one warning each.</summary>
    IEnumerable<string> OutOfPlace(List<Observation> observations, IReadOnlyList<ScoreGoal> goals)
    {
        foreach (var group in observations.GroupBy(o => o.Cell.Benchmark))
        {
            var raw = group.Select(o => (o.Cell, Score: Orient(o.Score, goals[group.Key]))).ToList();
            if (raw.Count <= ScoreChecks.OthersNeeded) continue;
            foreach (var (cell, score) in raw)
            {
                var others = raw.Where(r => r.Cell != cell).Select(r => r.Score).ToList();
                string pair = $"{Grid.Checkpoints[cell.Checkpoint].Name} × {Grid.Benchmarks[cell.Benchmark].Name}";
                if (ScoreChecks.OutOfPlace(score, others, pair) is { } warning)
                    yield return warning;
            }
        }
    }

    /// <summary>
    /// The cells leased at <paramref name="now"/> to owners other than <paramref name="self"/> (<see cref="Leases"/>), in the
    /// grid; a lease whose owner is a process of this machine that no longer exists (a run killed outright) does not hold.
    /// </summary>
    public IReadOnlyList<Cell> Leased(JournalContents journal, DateTimeOffset now, string? self = null) =>
        Leases.Active(journal, now).Values
            .Where(l => l.Owner != self && !Leases.IsDeadLocalOwner(l.Owner))
            .Select(l => new Cell(CheckpointIndex(l.Checkpoint), BenchmarkIndex(l.Benchmark)))
            .Where(c => c.Checkpoint >= 0 && c.Benchmark >= 0)
            .ToList();

    /// <summary>
    /// Under the journal's lock, leases to <paramref name="owner"/> until <paramref name="length"/> from now those of
    /// <paramref name="cells"/> that nobody else holds (leases of <paramref name="self"/> do not count) and nobody has recorded
    /// since the caller read the journal; a header goes first when the grid changed. Returns the cells leased.
    /// </summary>
    public IReadOnlyList<Cell> Lease(IReadOnlyList<Cell> cells, string owner, TimeSpan length, Func<DateTimeOffset> now, string? self = null)
    {
        (string Checkpoint, string Benchmark) Pair(Cell c) => (Grid.Checkpoints[c.Checkpoint].Name, Grid.Benchmarks[c.Benchmark].Name);
        var written = JournalFile.Update(Spec.JournalPath, contents =>
        {
            var at = now();
            var taken = Leased(contents, at, self).ToHashSet();
            var recorded = contents.Evaluations.Select(e => (e.Checkpoint, e.Benchmark)).ToHashSet();
            var records = new List<JournalRecord>();
            if (HeaderIfChanged(contents, at) is { } header) records.Add(header);
            records.AddRange(cells.Where(c => !taken.Contains(c) && !recorded.Contains(Pair(c)))
                .Select(c => new LeaseRecord(Pair(c).Checkpoint, Pair(c).Benchmark, owner, at + length) { Time = at }));
            return records;
        });
        return written.OfType<LeaseRecord>().Select(l => new Cell(CheckpointIndex(l.Checkpoint), BenchmarkIndex(l.Benchmark))).ToList();
    }

    /// <summary>How long a lease of this study lasts by default: every attempt at its full timeout, and ten minutes for the rest.</summary>
    public TimeSpan LeaseLength => Spec.Eval.Timeout * (1 + Spec.Eval.Retries) + TimeSpan.FromMinutes(10);

    /// <summary>A raw score as the engine sees it: a minimised metric changes sign, so higher is always better.</summary>
    public static double Orient(double raw, ScoreGoal goal) => goal == ScoreGoal.Minimize ? -raw : raw;

    /// <summary>
    /// Each benchmark's direction: the spec's <c>goal:</c>, else what the evaluations' output said (lm-eval's
    /// <c>higher_is_better</c>, the latest record that says), else maximise. Warns when the spec contradicts the output.
    /// </summary>
    IReadOnlyList<ScoreGoal> Goals(JournalContents journal, List<string> warnings)
    {
        var stated = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var e in journal.Evaluations)
            if (e.HigherIsBetter is { } higher) stated[e.Benchmark] = higher;
        var goals = new List<ScoreGoal>(Spec.Benchmarks.Count);
        for (int j = 0; j < Spec.Benchmarks.Count; j++)
        {
            var benchmark = Spec.Benchmarks[j];
            ScoreGoal? fromOutput = stated.TryGetValue(benchmark.Name, out bool h) ? (h ? ScoreGoal.Maximize : ScoreGoal.Minimize) : null;
            if (benchmark.Goal is { } goal && fromOutput is { } output && goal != output)
                warnings.Add(DirectionConflict(j, goal, output));
            goals.Add(benchmark.Goal ?? fromOutput ?? ScoreGoal.Maximize);
        }
        return goals;
    }

    /// <summary>The warning for a <c>goal:</c> that contradicts what the metric's output says of itself.</summary>
    public string DirectionConflict(int benchmark, ScoreGoal spec, ScoreGoal output) =>
        $"benchmarks[{benchmark}] {Spec.Benchmarks[benchmark].Name}: goal: {GoalName(spec)} in {Spec.SpecPath}, but its results say "
        + $"{(output == ScoreGoal.Maximize ? "higher" : "lower")} is better; the spec's goal is used (remove goal: to follow the results)";

    public static string GoalName(ScoreGoal goal) => goal == ScoreGoal.Minimize ? "minimize" : "maximize";

    /// <summary>A header for the journal when it has none or the grid changed since the last one.</summary>
    public HeaderRecord? HeaderIfChanged(JournalContents journal, DateTimeOffset now)
    {
        var names = Grid.Checkpoints.Select(c => c.Name).ToList();
        var benchmarks = Grid.Benchmarks.Select(b => b.Name).ToList();
        var last = journal.Header;
        if (last is not null && last.Study == Spec.Name && last.Checkpoints.SequenceEqual(names) && last.Benchmarks.SequenceEqual(benchmarks))
            return null;
        return new HeaderRecord(Spec.Name, 1, names, benchmarks, "bomax " + ToolVersion) { Time = now };
    }

    public static string ToolVersion => typeof(StudyContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The study's folder of evaluation outputs, beside the journal.</summary>
    public string OutputsFolder => Path.Combine(StudyFolder, "outputs");

    /// <summary>The study's own folder beside the journal (<c>.bomax/&lt;study&gt;/</c>): reports, outputs, the decision state.</summary>
    public string StudyFolder => Path.Combine(Path.GetDirectoryName(Spec.JournalPath)!, Spec.Name);

    /// <summary>The request that evaluates one cell; each attempt gets a fresh folder under the pair's own (<see cref="OutputFolders"/>).</summary>
    public EvaluationRequest Request(Cell cell)
    {
        var checkpoint = Checkpoints[cell.Checkpoint];
        var benchmark = Spec.Benchmarks[cell.Benchmark];
        var outputs = OutputFolders.Pair(OutputsFolder, checkpoint.Name, benchmark.Name);
        return new EvaluationRequest(benchmark.Command ?? Spec.Eval.Command, Spec.Eval.Shell == "bash", checkpoint.Name, checkpoint.Path,
            checkpoint.Step, benchmark.Name, outputs, Spec.Eval.WorkingDirectory, Spec.Eval.Timeout, Spec.Eval.Environment);
    }

    /// <summary>How benchmark <paramref name="benchmark"/>'s score is read: its own <c>score:</c>, else <c>eval.score</c>.</summary>
    public ScoreRule ScoreRuleOf(int benchmark) => Spec.Benchmarks[benchmark].Score ?? Spec.Eval.Score;

    /// <summary>The fingerprints a failure of benchmark <paramref name="benchmark"/> is recorded with.</summary>
    public FailureFingerprints FingerprintsOf(int benchmark) => FailureFingerprints.For(Spec, Spec.Benchmarks[benchmark]);
}

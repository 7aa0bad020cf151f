using Bomax.Cli.Evaluation;
using Bomax.Cli.Journal;
using Bomax.Engine;

namespace Bomax.Cli.Study;

/// <summary>The outcome of loading a study: its context, or every problem found in the spec.</summary>
internal abstract record StudyLoad
{
    private StudyLoad() { }
    public sealed record Ok(StudyContext Study) : StudyLoad;
    public sealed record Invalid(IReadOnlyList<SpecError> Errors) : StudyLoad;
    public sealed record BadOption(string Message) : StudyLoad;
}

/// <summary>What the journal says about the current grid: observations, failed pairs, and records that no longer apply.</summary>
internal sealed record JournalState(List<Observation> Observations, HashSet<Cell> Failed, int NotApplicable, IReadOnlyList<string> Warnings);

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
        var checkpoints = ((ResolveResult.Ok)resolved).Checkpoints;
        var grid = new Grid(checkpoints.Select(c => new Checkpoint(c.Name, c.Step)), spec.Benchmarks.Select(b => new Benchmark(b.Name, b.Weight)));
        var engine = new EngineOptions
        {
            Device = spec.Engine.Device,
            Kernel = spec.Engine.Kernel == "rbf" ? StepKernel.Rbf : StepKernel.Matern52,
            TaskRank = spec.Engine.TaskRank,
            Seed = spec.Engine.Seed,
            Acquisition = spec.Engine.Acquisition switch
            {
                "cell" => AcquisitionRule.CellExpectedImprovement,
                "row" => AcquisitionRule.RowExpectedImprovement,
                _ => AcquisitionRule.RowFirst,
            },
        };
        return new StudyLoad.Ok(new StudyContext(spec, checkpoints, grid, engine));
    }

    public int Budget => Spec.Budget.Evaluations(Grid.CellCount);

    public int CheckpointIndex(string name) => IndexOf(Grid.Checkpoints.Select(c => c.Name), name);
    public int BenchmarkIndex(string name) => IndexOf(Grid.Benchmarks.Select(b => b.Name), name);

    static int IndexOf(IEnumerable<string> names, string name)
    {
        int k = 0;
        foreach (var n in names) { if (n == name) return k; k++; }
        return -1;
    }

    /// <summary>Maps journal records onto the current grid; records of checkpoints or benchmarks no longer in the spec are kept in the file but not used.</summary>
    public JournalState Observe(JournalContents journal)
    {
        var observations = new List<Observation>();
        var seen = new HashSet<Cell>();
        int notApplicable = 0;
        foreach (var e in journal.Evaluations)
        {
            int i = CheckpointIndex(e.Checkpoint), j = BenchmarkIndex(e.Benchmark);
            if (i < 0 || j < 0) { notApplicable++; continue; }
            var cell = new Cell(i, j);
            if (seen.Add(cell)) observations.Add(new Observation(cell, e.Score, e.StandardError));
        }
        var failed = new HashSet<Cell>();
        foreach (var f in journal.Failures)
        {
            int i = CheckpointIndex(f.Checkpoint), j = BenchmarkIndex(f.Benchmark);
            if (i >= 0 && j >= 0 && !seen.Contains(new Cell(i, j))) failed.Add(new Cell(i, j));
        }
        return new JournalState(observations, failed, notApplicable, journal.Warnings);
    }

    /// <summary>A header for the journal when it has none or the grid changed since the last one.</summary>
    public HeaderRecord? HeaderIfChanged(JournalContents journal, DateTimeOffset now)
    {
        var names = Grid.Checkpoints.Select(c => c.Name).ToList();
        var benchmarks = Grid.Benchmarks.Select(b => b.Name).ToList();
        var last = journal.Header;
        if (last is not null && last.Study == Spec.Name && last.Checkpoints.SequenceEqual(names) && last.Benchmarks.SequenceEqual(benchmarks)) return null;
        return new HeaderRecord(Spec.Name, 1, names, benchmarks, "bomax " + ToolVersion) { Time = now };
    }

    public static string ToolVersion => typeof(StudyContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The request that evaluates one cell; the output directory is fresh per pair and kept.</summary>
    public EvaluationRequest Request(Cell cell)
    {
        var checkpoint = Checkpoints[cell.Checkpoint];
        var benchmark = Spec.Benchmarks[cell.Benchmark];
        var outputs = Path.Combine(Path.GetDirectoryName(Spec.JournalPath)!, Spec.Name, "outputs", Safe(checkpoint.Name), Safe(benchmark.Name));
        return new EvaluationRequest(benchmark.Command ?? Spec.Eval.Command, Spec.Eval.Shell == "bash", checkpoint.Name, checkpoint.Path, checkpoint.Step,
            benchmark.Name, outputs, Spec.Eval.WorkingDirectory, Spec.Eval.Timeout, Spec.Eval.Environment);
    }

    public ScoreSource ScoreSource => Spec.Eval.Score switch
    {
        ScoreRule.JsonPath j => new JsonSource(j.Path),
        ScoreRule.RegexScore r => new RegexSource(r.Pattern),
        ScoreRule.LmEval l => new LmEvalSource(l.Metric),
        _ => new LastNumberSource(),
    };

    static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}

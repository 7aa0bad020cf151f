using System.Globalization;
using Bomax.Engine.Model;
using Bomax.Engine.Selection;

namespace Bomax.Cli.Study;

/// <summary>A 1-based line and column in the spec file.</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// A study, as read from <c>study.yml</c> by <see cref="SpecReader"/>: every default filled in, every
/// path made absolute against the spec file's directory.
/// </summary>
/// <param name="Name">The study's name (<c>[A-Za-z0-9._-]+</c>); names the journal and the report.</param>
/// <param name="SpecPath">The spec file as it was given (used in messages).</param>
/// <param name="SpecDirectory">The absolute directory of the spec file; relative paths are taken from it.</param>
/// <param name="JournalPath">The absolute path of the journal.</param>
/// <param name="Position">Where the spec's top-level mapping starts.</param>
internal sealed record StudySpec(
    string Name,
    string SpecPath,
    string SpecDirectory,
    CheckpointSpec Checkpoints,
    IReadOnlyList<BenchmarkSpec> Benchmarks,
    EvalSpec Eval,
    BudgetSpec Budget,
    StopSpec Stop,
    EngineSpec Engine,
    string JournalPath,
    SourcePosition Position)
{
    /// <summary>Where <c>journal:</c> was written, when it was (else problems with the journal's path are reported at the top).</summary>
    public SourcePosition? JournalPosition { get; init; }

    /// <summary>Earlier runs to learn from (<c>prior:</c>), in the order written; none by default.</summary>
    public IReadOnlyList<PriorSpec> Prior { get; init; } = [];

    /// <summary>What the spec writes in a form that is still read but deprecated (a dotted JSON score path that a key
    /// with dots could make mean another thing), each saying what to write instead; ordered by line.</summary>
    public IReadOnlyList<SpecError> Warnings { get; init; } = [];
}

/// <summary>One entry of <c>prior:</c>: an earlier run's journal or score table (absolute), the field it was written as
/// (<c>prior</c> or <c>prior[i]</c>) and where.</summary>
internal sealed record PriorSpec(string Path, string Field, SourcePosition Position);

/// <summary>
/// The <c>checkpoints:</c> section: exactly one of <see cref="Glob"/> and <see cref="List"/>, as written
/// (relative to the spec directory); <see cref="CheckpointResolver"/> turns it into checkpoints.
/// </summary>
/// <param name="StepPattern">A regex whose first capture group is the step, applied to each checkpoint's name.</param>
/// <param name="Position">The <c>checkpoints:</c> mapping.</param>
/// <param name="GlobPosition">The <c>glob:</c> value, when there is one.</param>
/// <param name="ListPositions">Each entry of <c>list:</c>, in order, when there is one.</param>
/// <param name="StepPosition">The <c>step:</c> value, when there is one.</param>
internal sealed record CheckpointSpec(
    string? Glob,
    IReadOnlyList<string>? List,
    string? StepPattern,
    SourcePosition Position,
    SourcePosition? GlobPosition = null,
    IReadOnlyList<SourcePosition>? ListPositions = null,
    SourcePosition? StepPosition = null);

/// <summary>Whether a benchmark's metric is better higher (accuracy) or lower (perplexity, error rate).</summary>
internal enum ScoreGoal { Maximize, Minimize }

/// <summary>
/// A benchmark: its name, its weight in the average, and what it overrides of <c>eval:</c>: its own command,
/// its own score rule, and its direction (<c>goal:</c>; null when the spec does not say, so the metric's own
/// direction from the output, else maximise, applies).
/// </summary>
internal sealed record BenchmarkSpec(string Name, double Weight, string? Command, SourcePosition Position = default)
{
    public ScoreRule? Score { get; init; }
    public ScoreGoal? Goal { get; init; }
}

/// <summary>The <c>eval:</c> section: how one (checkpoint, benchmark) pair is evaluated.</summary>
/// <param name="Command">The command template (placeholders: see <see cref="Evaluation.CommandTemplate.Placeholders"/>).</param>
/// <param name="Shell">"bash" to run the command with <c>bash -c</c>; null to split it into arguments.</param>
/// <param name="WorkingDirectory">Absolute; the spec directory unless <c>workdir:</c> says otherwise.</param>
/// <param name="Environment">Variables added to the command's environment.</param>
/// <param name="Position">The <c>eval:</c> mapping.</param>
internal sealed record EvalSpec(
    string Command,
    string? Shell,
    ScoreRule Score,
    TimeSpan Timeout,
    int Retries,
    int Parallel,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    SourcePosition Position = default)
{
    /// <summary>Scores whose magnitude is above this are recorded as failures, never as observations (<c>eval.score-limit</c>).</summary>
    public double ScoreLimit { get; init; } = DefaultScoreLimit;

    /// <summary>Where <c>workdir:</c> was written, when it was; its existence is checked when the study is loaded.</summary>
    public SourcePosition? WorkingDirectoryPosition { get; init; }

    public const double DefaultScoreLimit = 1e6;

    /// <summary>The longest timeout a timer can hold (2^32 − 2 ms, about 49.7 days).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(1);
    public const int DefaultRetries = 1;
    public const int DefaultParallel = 1;
}

/// <summary>How a score is read from an evaluation's output: what the spec says and what <see cref="Evaluation.ScoreExtractor"/>
/// follows, one type for both. A closed hierarchy.</summary>
internal abstract record ScoreRule
{
    private ScoreRule() { }

    /// <summary>The last number printed on standard output (the default, <c>score: last-number</c>).</summary>
    public sealed record LastNumber : ScoreRule;

    /// <summary>
    /// A path into JSON (<c>score: { json: "results['acc,none']" }</c>; see <see cref="Evaluation.JsonScorePath"/>): bracketed
    /// as in JSONPath and Python (<c>results['mmlu.high_school']['acc,none']</c>), a JSON Pointer (<c>/results/score</c>) or
    /// the older dotted form (<c>results.score</c>, <c>a.b[0].c</c>), kept as written. Followed in standard output as a whole,
    /// else its last line that is a JSON object, else the <c>*.json</c> files under the output directory, newest first (by the
    /// timestamp in the name where there is one, see <see cref="Evaluation.ScoreFiles.OrderNewestFirst"/>).
    /// </summary>
    public sealed record JsonPath(string Path) : ScoreRule;

    /// <summary>The first capture group (or the whole match, with no group) of the first match of a regex on standard output
    /// (<c>score: { regex: '…' }</c>).</summary>
    public sealed record RegexScore(string Pattern) : ScoreRule;

    /// <summary>A metric such as <c>acc_norm,none</c> from lm-evaluation-harness's newest results file under the output directory
    /// (<c>score: { lm-eval: 'acc_norm,none' }</c>; see <see cref="Evaluation.LmEvalResults"/>), for the evaluation's benchmark,
    /// with its standard error and direction where reported.</summary>
    public sealed record LmEval(string Metric) : ScoreRule;
}

/// <summary>
/// The <c>budget:</c> section: at most <see cref="MaxEvals"/> evaluations, or a fraction of the grid
/// (<see cref="MaxEvalsFraction"/>, from a percentage); exactly one of the two is set.
/// </summary>
internal sealed record BudgetSpec(int? MaxEvals, double? MaxEvalsFraction, TimeSpan? MaxTime)
{
    /// <summary><c>max-eval-hours</c>: the most evaluation time, summed over the journal's evaluations of this study (every run
    /// and worker, failures too); the run ends once it is reached. Null: no limit.</summary>
    public double? MaxEvalHours { get; init; }

    public const double DefaultFraction = 0.10;
    public const string MaxEvalsForms = "a count of evaluations like 40, a percentage of the grid like 10% or a fraction of it like 0.1";

    /// <summary>
    /// Reads a budget — the spec's <c>max-evals</c>, <c>run</c>/<c>suggest --budget</c>, each of <c>replay --budget</c>'s
    /// list: one grammar everywhere. A whole number of at least 1 is a count (<c>40</c>, <c>1e2</c>); a number above 0 and
    /// below 1 a fraction of the grid (<c>0.05</c>); a percentage above 0 and at most 100 a fraction too (<c>5%</c>).
    /// Exactly one of Count, Fraction and Problem is set; Problem says what is wrong with the text.
    /// </summary>
    public static (int? Count, double? Fraction, string? Problem) ReadMaxEvals(string text)
    {
        string trimmed = text.Trim();
        bool percent = trimmed.EndsWith('%');
        string number = percent ? trimmed[..^1] : trimmed;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            return (null, null, percent ? $"'{text}' is not a percentage: expected {MaxEvalsForms}" : $"expected {MaxEvalsForms}, found '{text}'");
        if (percent)
            return value <= 0 || value > 100
                ? (null, null, $"'{text}' is not a share of the grid: a percentage must be more than 0% and at most 100% "
                    + $"(more than the whole grid is not a budget)")
                : (null, value / 100, null);
        if (value <= 0) return (null, null, $"must be more than 0, found {trimmed}");
        if (value < 1) return (null, value, null);
        if (value != Math.Floor(value)) return (null, null, $"'{text}' is neither a fraction below 1 nor a whole number of evaluations");
        return ((int)Math.Min(value, int.MaxValue), null, null);
    }

    public static BudgetSpec Default { get; } = new(null, DefaultFraction, null);

    /// <summary>
    /// The number of evaluations for a grid of <paramref name="gridCells"/> cells: the count, or the
    /// fraction of the grid rounded to the nearest whole evaluation (at least 1), never more than the grid.
    /// </summary>
    public int Evaluations(int gridCells)
    {
        if (gridCells <= 0) return 0;
        int count = MaxEvals ?? Math.Max(1, (int)Math.Round((MaxEvalsFraction ?? DefaultFraction) * gridCells));
        return Math.Min(count, gridCells);
    }
}

/// <summary>Where the acquisition's per-benchmark costs come from: the journal's measured seconds, or nowhere (cost-blind).</summary>
internal enum CostSource { Measured, Off }

/// <summary>The <c>stop:</c> section: stop early once the pick is the best with this probability, or once it is
/// expected to fall no further below the best average than <see cref="ExpectedShortfall"/>.</summary>
internal sealed record StopSpec(double? ProbBest, ShortfallLimit? ExpectedShortfall)
{
    public static StopSpec Default { get; } = new(null, null);
}

/// <summary>The <c>engine:</c> section, read into the engine's own types (words: <see cref="EngineWords"/>).</summary>
/// <param name="TaskRank">Rank of the task covariance; 0 means automatic.</param>
/// <param name="Init">Initial cells per benchmark before the model chooses.</param>
internal sealed record EngineSpec(ComputeDevice Device, StepKernel Kernel, int TaskRank, int Seed, int Init, AcquisitionRule Acquisition)
{
    /// <summary>Whether the acquisition values a cell per expected second, each benchmark's cost read from the journal's
    /// measured seconds (<c>engine.costs</c>; <see cref="EvaluationTime.Costs"/>).</summary>
    public CostSource Costs { get; init; } = CostSource.Measured;

    /// <summary>LibTorch's threads while the engine fits (<c>engine.threads</c>; <see cref="EngineOptions.Threads"/>).</summary>
    public int Threads { get; init; } = 1;

    public static EngineSpec Default { get; } = new(ComputeDevice.Auto, StepKernel.Matern32, 0, 0, 2, AcquisitionRule.RowFirst);

    /// <summary>Initial cells per benchmark when the spec names earlier runs (<c>prior:</c>) and does not write <c>engine.init</c>:
    /// what they tell the model lets it choose sooner (see docs/measurements.md, "Learning from earlier runs").</summary>
    public const int InitWithPrior = 1;

    /// <summary>The engine's options for this section.</summary>
    public EngineOptions Options => new()
    {
        Device = Device, Kernel = Kernel, TaskRank = TaskRank, Seed = Seed, Threads = Threads, Acquisition = Acquisition,
    };
}

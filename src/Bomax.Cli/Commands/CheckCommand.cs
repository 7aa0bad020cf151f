using System.CommandLine;
using System.Globalization;
using Bomax.Cli.Evaluation;
using Bomax.Cli.Journal;
using Bomax.Cli.Output;
using Bomax.Cli.Reports;
using Bomax.Cli.Study;
using Bomax.Engine.Grid;

namespace Bomax.Cli.Commands;

/// <summary>
/// <c>bomax check SPEC [--checkpoint C] [--benchmark B]</c>: tries the spec end to end before a long run. It resolves the
/// grid, runs one pair per distinct way of evaluating (command template and score rule), or the one pair asked for,
/// and prints the command line as run, the output folder, the score it read and from where, and warnings (direction,
/// scale). Nothing is journaled; outputs go to <c>.bomax/&lt;study&gt;/check/</c>. Exits 2 on a bad spec or option and 3
/// when an evaluation fails, as <c>run</c> would.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "The study spec (YAML)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "The checkpoint to evaluate (default: the last one)." };
        var benchmark = new Option<string?>("--benchmark")
        {
            Description = "The benchmark to evaluate (default: one per distinct command and score rule).",
        };
        var command = new Command("check",
            "Try the spec: run one pair end to end (or one per distinct score rule) and show the command, the output folder and the score read. "
            + "Nothing is journaled.")
        {
            spec, checkpoint, benchmark,
        };
        command.SetAction((parse, cancel) =>
            RunAsync(parse.GetValue(spec)!, parse.GetValue(checkpoint), parse.GetValue(benchmark), Terminal.Of(parse), cancel));
        return command;
    }

    /// <summary>Runs the check, writing what it did to <paramref name="io"/>'s output and problems to its error.</summary>
    public static async Task<int> RunAsync(string specPath, string? checkpointName, string? benchmarkName, Terminal io, CancellationToken cancel)
    {
        var output = io.Out;
        if (StudyCommands.Load(io, specPath) is not { } study) return ExitCodes.UsageError;
        int i = checkpointName is null ? study.Grid.CheckpointCount - 1 : study.CheckpointIndex(checkpointName);
        int j = benchmarkName is null ? -1 : study.BenchmarkIndex(benchmarkName);
        if (i < 0)
            return Usage(io, $"--checkpoint '{checkpointName}' is not a checkpoint of {specPath} "
                + $"{DidYouMean.Suggest(checkpointName!, study.Grid.Checkpoints.Select(c => c.Name))}");
        if (benchmarkName is not null && j < 0)
            return Usage(io, $"--benchmark '{benchmarkName}' is not a benchmark of {specPath} "
                + $"{DidYouMean.Suggest(benchmarkName, study.Grid.Benchmarks.Select(b => b.Name))}");

        var benchmarks = j >= 0 ? [j] : Representatives(study);
        var journal = study.Observe(JournalFile.Read(study.Spec.JournalPath));
        var scores = new List<(int Benchmark, double Score)>();
        var withoutErrors = new List<string>();
        int failures = 0;
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"check {study.Spec.Name}: {study.Grid.CheckpointCount} checkpoints × {study.Grid.BenchmarkCount} benchmarks; "
            + $"{benchmarks.Count} pair(s) to try, nothing is journaled");
        foreach (var warning in study.Spec.Warnings) Warn(output, warning.ToString()); // deprecated forms the spec still reads
        foreach (int b in benchmarks)
        {
            var cell = new Cell(i, b);
            var checkpoint = study.Checkpoints[i];
            var benchmark = study.Spec.Benchmarks[b];
            var request = study.Request(cell) with
            {
                OutputDirectory = OutputFolders.Pair(Path.Combine(study.StudyFolder, "check"), checkpoint.Name, benchmark.Name),
            };
            output.WriteLine();
            output.WriteLine($"{checkpoint.Name} × {benchmark.Name}");
            var outcome = await EvaluationAttempts.RunWithRetriesAsync(request, study.ScoreRuleOf(b), 0, TimeSpan.Zero, cancel,
                study.Spec.Eval.ScoreLimit);
            output.WriteLine($"  command: {(outcome.CommandLine.Count > 0 ? ShellWords(outcome.CommandLine) : "(not started)")}");
            output.WriteLine($"  output:  {outcome.OutputDirectory}");
            switch (outcome)
            {
                case AttemptsOutcome.Succeeded s:
                    string stderr = s.Score.StandardError is { } se ? string.Create(c, $" ± {se:G4}") : "";
                    output.WriteLine(string.Create(c, $"  score {s.Score.Score:G6}{stderr} from {s.Score.Source} ({outcome.Seconds:0.0} s)"));
                    var goal = benchmark.Goal
                        ?? (s.Score.HigherIsBetter is { } h ? (h ? ScoreGoal.Maximize : ScoreGoal.Minimize) : journal.Goals[b]);
                    string why = benchmark.Goal is not null ? "goal: in the spec"
                        : s.Score.HigherIsBetter is not null ? "the results say so"
                        : "the default";
                    output.WriteLine($"  goal: {StudyContext.GoalName(goal)} ({why})");
                    if (benchmark.Goal is { } specGoal && s.Score.HigherIsBetter is { } higher
                        && (higher ? ScoreGoal.Maximize : ScoreGoal.Minimize) != specGoal)
                        Warn(output, study.DirectionConflict(b, specGoal, higher ? ScoreGoal.Maximize : ScoreGoal.Minimize));
                    if (ScoreChecks.OutOfPlace(s.Score.Score, journal.RawScores(b), $"{checkpoint.Name} × {benchmark.Name}") is { } outOfPlace)
                        Warn(output, outOfPlace);
                    scores.Add((b, s.Score.Score));
                    if (!new Observation(cell, s.Score.Score, s.Score.StandardError).HasStandardError) withoutErrors.Add(benchmark.Name);
                    break;
                case AttemptsOutcome.Failed f:
                    failures++;
                    output.WriteLine(string.Create(c, $"  failed ({FailureKinds.Of(f.Kind)}) after {outcome.Seconds:0.0} s: {f.Message}"));
                    foreach (var line in f.StderrTail.TrimEnd().Split('\n').TakeLast(5).Where(l => l.Trim().Length > 0))
                        output.WriteLine($"  | {line.TrimEnd('\r')}");
                    if (f.Kind == EvaluationFailureKind.Cancelled) return ExitCodes.Interrupted;
                    break;
            }
        }
        if (MixedScales(scores, study) is { } mixed) { output.WriteLine(); Warn(output, mixed); }
        if (withoutErrors.Count > 0) { output.WriteLine(); output.WriteLine($"  note: {WithoutStandardErrors(withoutErrors, scores.Count)}"); }
        output.WriteLine();
        output.WriteLine(failures == 0
            ? $"ok: {scores.Count} pair(s) scored; `bomax run {specPath}` will evaluate the rest this way"
            : $"{failures} of {benchmarks.Count} pair(s) failed; fix the spec and check again");
        return failures == 0 ? ExitCodes.Success : ExitCodes.EvaluationsFailing;
    }

    /// <summary>One benchmark per distinct (command template, score rule), in spec order.</summary>
    static List<int> Representatives(StudyContext study) =>
        Enumerable.Range(0, study.Spec.Benchmarks.Count)
            .GroupBy(b => (study.Spec.Benchmarks[b].Command ?? study.Spec.Eval.Command, study.Spec.Benchmarks[b].Score ?? study.Spec.Eval.Score))
            .Select(g => g.First()).ToList();

    /// <summary>A warning when some benchmarks score as fractions and others as percentages or larger: their weights then mean different
    /// things.</summary>
    static string? MixedScales(List<(int Benchmark, double Score)> scores, StudyContext study)
    {
        var fractions = scores.Where(s => Math.Abs(s.Score) <= 1).Select(s => study.Spec.Benchmarks[s.Benchmark].Name).ToList();
        var larger = scores.Where(s => Math.Abs(s.Score) > 1).Select(s => study.Spec.Benchmarks[s.Benchmark].Name).ToList();
        if (fractions.Count == 0 || larger.Count == 0) return null;
        return $"mixed scales: {string.Join(", ", fractions)} scored within ±1 and {string.Join(", ", larger)} beyond it; "
            + "the average adds them as they are, so set weights that put them on one scale (or score percentages as fractions)";
    }

    /// <summary>What a score without a standard error means for the study (as the report's <see cref="MarkdownReport.NoiseBasis"/> says
    /// after a run): the benchmarks so scored share one noise variance the model fits, and where they are noisy by different amounts
    /// P(best) and the stop rules read too sure (docs/measurements.md#benchmark-noise). Said before a long run, while the score rule
    /// can still change.</summary>
    internal static string WithoutStandardErrors(IReadOnlyList<string> benchmarks, int scored) =>
        benchmarks.Count == scored
            ? MarkdownReport.NoiseBasis(0, scored)!
            : $"{string.Join(", ", benchmarks)} came without a standard error, so the model fits one noise variance for the benchmarks "
                + $"scored so: {MarkdownReport.OneNoiseVarianceRisk}";

    static void Warn(TextWriter output, string warning) => output.WriteLine($"  warning: {warning}");

    static int Usage(Terminal io, string message)
    {
        io.Error.WriteLine($"bomax: {message.TrimEnd()}");
        return ExitCodes.UsageError;
    }

    /// <summary>Words as a POSIX shell would read them back: plain words as they are, others in single quotes.</summary>
    internal static string ShellWords(IEnumerable<string> words) => string.Join(" ", words.Select(w =>
        w.Length > 0 && w.All(ch => char.IsAsciiLetterOrDigit(ch) || "_-./:=,@%+".Contains(ch)) ? w : "'" + w.Replace("'", "'\\''") + "'"));
}

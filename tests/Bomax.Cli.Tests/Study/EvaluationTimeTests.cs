using Bomax.Cli.Journal;
using Bomax.Cli.Output;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

/// <summary>
/// Evaluation time from the journal: what <c>budget.max-eval-hours</c> counts and the costs the acquisition reads. The seconds
/// are the journal's (records written here), never the wall's, so the tests do not depend on the machine's speed or load.
/// </summary>
public sealed class EvaluationTimeTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-eval-time-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    StudyContext Study(string extra) => SixCheckpointStudy.Write(directory, "eval-time", "[a, b, c]", extra);

    /// <summary>Writes evaluations of (checkpoint, benchmark) that took these seconds, as another worker would have.</summary>
    static JournalContents Record(StudyContext study, params (string Checkpoint, string Benchmark, double Seconds)[] evaluations)
    {
        foreach (var (checkpoint, benchmark, seconds) in evaluations)
            JournalFile.Append(study.Spec.JournalPath, new EvaluationRecord(checkpoint, int.Parse(checkpoint[5..]), benchmark, 0.6, null, seconds, 1)
            {
                Time = DateTimeOffset.UnixEpoch,
            });
        return JournalFile.Read(study.Spec.JournalPath);
    }

    [Fact]
    public void SpentSumsTheStudysEvaluationsAndFailuresAndNothingElse()
    {
        var study = Study("");
        Record(study, ("ckpt-100", "a", 100), ("ckpt-200", "b", 50), ("ckpt-900", "a", 1000), ("ckpt-100", "zzz", 1000));
        JournalFile.Append(study.Spec.JournalPath, new FailureRecord("ckpt-300", 300, "c", 1, "boom", "", 25, 2) { Time = DateTimeOffset.UnixEpoch });
        Assert.Equal(175, EvaluationTime.Spent(study, JournalFile.Read(study.Spec.JournalPath)));
    }

    [Fact]
    public void EachBenchmarkCostsTheMedianOfItsEvaluationsAndAnUnmeasuredOneTheMedianOfTheOthers()
    {
        var study = Study("");
        var journal = Record(study, ("ckpt-100", "a", 10), ("ckpt-200", "a", 30), ("ckpt-300", "a", 1000), ("ckpt-100", "b", 600));
        var costs = EvaluationTime.Costs(study, journal)!;
        Assert.Equal(new double[] { 30, 600, 315 }, costs.Seconds); // c: the median of 30 and 600
    }

    [Fact]
    public void SecondsBelowTheFloorCostTheSameSoTinyEvaluationsChooseAsTheCostBlindEngine()
    {
        var study = Study("");
        var journal = Record(study, ("ckpt-100", "a", 0.01), ("ckpt-100", "b", 0.4), ("ckpt-100", "c", 0.9));
        Assert.True(EvaluationTime.Costs(study, journal)!.Uniform);
    }

    [Fact]
    public void NoCostsWhenNothingIsMeasuredOrTheSpecTurnsThemOff()
    {
        Assert.Null(EvaluationTime.Costs(Study(""), JournalContents.Empty));
        var off = Study("engine: { costs: off }");
        Assert.Null(EvaluationTime.Costs(off, Record(off, ("ckpt-100", "a", 10), ("ckpt-100", "b", 600))));
    }

    [Fact]
    public async Task TheRunEndsWhenTheJournalsEvaluationTimeReachesMaxEvalHours()
    {
        var study = Study("budget: { max-evals: 12, max-eval-hours: 1 }");
        Record(study, ("ckpt-100", "a", 1800), ("ckpt-600", "b", 1800)); // an hour, spent by other workers

        var result = await new StudyRunner(study, new ProgressDisplay(TextWriter.Null), () => DateTimeOffset.UnixEpoch)
            .RunAsync(CancellationToken.None);

        Assert.Equal(RunEnd.EvaluationTimeSpent, result.End);
        Assert.Equal(0, result.NewEvaluations);
        Assert.Equal(2, result.Evaluations);
    }

    [Fact]
    public async Task BelowMaxEvalHoursTheRunGoesOnToItsOtherBudget()
    {
        var study = Study("budget: { max-evals: 8, max-eval-hours: 2 }");
        Record(study, ("ckpt-100", "a", 1800), ("ckpt-600", "b", 1800)); // an hour left: far more than this script takes

        var result = await new StudyRunner(study, new ProgressDisplay(TextWriter.Null), () => DateTimeOffset.UnixEpoch)
            .RunAsync(CancellationToken.None);

        Assert.Equal(RunEnd.BudgetSpent, result.End);
        Assert.Equal(8, result.Evaluations);
    }
}

using Bomax.Cli.Output;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

/// <summary>
/// The runner in-process, on a fake clock: <c>budget.max-time</c> counts on the clock it is given, never the wall's, so the
/// time limit is tested without waiting and whatever the machine's load. Real evaluations (a tiny bash script).
/// </summary>
public sealed class StudyRunnerClockTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-runner-clock-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    StudyContext Study(string extra) => SixCheckpointStudy.Write(directory, "clock", "[a, b]", extra);

    [Fact]
    public async Task TheTimeLimitCountsOnTheRunnersClockAndEndsTheRunBeforeTheBudget()
    {
        var study = Study("budget: { max-evals: 12, max-time: 1h }");
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        int reads = 0;
        // Every read of the clock is 10 minutes later: an hour passes within a few rounds, whatever the wall clock does.
        DateTimeOffset Now() { reads++; return time = time.AddMinutes(10); }

        var result = await new StudyRunner(study, new ProgressDisplay(TextWriter.Null), Now).RunAsync(CancellationToken.None);

        Assert.Equal(RunEnd.TimeLimit, result.End);
        Assert.InRange(result.Evaluations, 1, 11); // before the budget of 12
        Assert.True(reads > 6, $"the clock was read {reads} times");
    }

    [Fact]
    public async Task WithoutATimeLimitTheSameClockNeverStopsTheRun()
    {
        var study = Study("budget: { max-evals: 6 }");
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var result = await new StudyRunner(study, new ProgressDisplay(TextWriter.Null), () => time = time.AddDays(1))
            .RunAsync(CancellationToken.None);

        Assert.Equal(RunEnd.BudgetSpent, result.End);
        Assert.Equal(6, result.Evaluations);
    }
}

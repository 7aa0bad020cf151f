using System.Text.Json;
using Bomax.Cli.Commands;
using Bomax.Cli.Journal;
using Bomax.Cli.Output;
using Bomax.Cli.Study;
using Bomax.Engine.Design;
using Bomax.Engine.Grid;

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
    public void EachBenchmarkIsExpectedToTakeTheMedianOfItsEvaluationsAndAnUnmeasuredOneTheMedianOfTheOthers()
    {
        var study = Study("");
        var journal = Record(study, ("ckpt-100", "a", 10), ("ckpt-200", "a", 30), ("ckpt-300", "a", 1000), ("ckpt-100", "b", 600));
        Assert.Equal(new double[] { 30, 600, 315 }, EvaluationTime.Expected(study, journal)!); // c: the median of 30 and 600
        // a's seconds spread so widely (10 s to 1,000 s) that b's 600 s may be the same cost: the acquisition counts them alike.
        Assert.True(EvaluationTime.Costs(study, journal)!.Uniform);
    }

    [Fact]
    public void CostsThatDifferBeyondTheNoiseOfTheirSecondsAreTheAcquisitionsAndNoiseAloneIsNot()
    {
        var study = Study("");
        var noisy = Record(study, ("ckpt-100", "a", 55), ("ckpt-200", "a", 70), ("ckpt-100", "b", 62), ("ckpt-200", "b", 58),
            ("ckpt-100", "c", 66), ("ckpt-200", "c", 50));
        Assert.True(EvaluationTime.Costs(study, noisy)!.Uniform);

        string other = Directory.CreateDirectory(Path.Combine(directory, "dear")).FullName;
        var dearStudy = SixCheckpointStudy.Write(other, "eval-time-dear", "[a, b, c]", "");
        var dear = Record(dearStudy, ("ckpt-100", "a", 55), ("ckpt-200", "a", 70), ("ckpt-100", "b", 62), ("ckpt-200", "b", 58),
            ("ckpt-100", "c", 3300), ("ckpt-200", "c", 2700));
        var costs = EvaluationTime.Costs(dearStudy, dear)!.Seconds;
        Assert.InRange(costs[2] / costs[0], 40, 55); // 50 × dearer, measured twice: kept nearly whole
        // a and b differ only by noise: once c is known to be dearer, their 3 % is kept as measured, which moves a choice next to nothing
        Assert.InRange(costs[0] / costs[1], 1 / 1.1, 1.1);
    }

    [Fact]
    public void BeforeABenchmarkIsMeasuredItCostsWhatItTookInTheEarlierRunsJournalsScaledToThisStudysSpeed()
    {
        // An earlier run of the recipe took 100 s on a, 10 s on b and 40 s on c (and its failures and other benchmarks say nothing).
        string earlier = Path.Combine(directory, "earlier.jsonl");
        foreach (var (checkpoint, benchmark, seconds) in new[]
            {
                ("s-1", "a", 100.0), ("s-2", "a", 100.0), ("s-1", "b", 10.0), ("s-2", "b", 10.0), ("s-3", "b", 30.0), ("s-1", "c", 40.0),
                ("s-1", "other", 5000.0),
            })
            JournalFile.Append(earlier, new EvaluationRecord(checkpoint, 1, benchmark, 0.5, null, seconds, 1) { Time = DateTimeOffset.UnixEpoch });
        JournalFile.Append(earlier, new FailureRecord("s-9", 9, "c", 1, "boom", "", 4000, 1) { Time = DateTimeOffset.UnixEpoch });
        var study = Study("prior: earlier.jsonl");

        Assert.Equal(new double[] { 100, 10, 40 }, EvaluationTime.Expected(study, JournalContents.Empty)); // nothing measured here yet
        // This study's b takes twice the earlier run's: a larger model, every benchmark slower; a and c are expected slower too.
        Assert.Equal(new double[] { 200, 20, 80 }, EvaluationTime.Expected(study, Record(study, ("ckpt-100", "b", 20))));
        // A benchmark measured here costs what it took here; c, still unmeasured, is scaled by the median of a's 1.5 and b's 2.
        Assert.Equal(new double[] { 150, 20, 70 }, EvaluationTime.Expected(study, Record(study, ("ckpt-100", "a", 150))));
    }

    [Fact]
    public void AScoreTableAsPriorSaysNothingOfCosts()
    {
        File.WriteAllText(Path.Combine(directory, "earlier.tsv"),
            "CHECKPOINT\ta\tb\tc\nstep-100\t0.1\t0.2\t0.3\nstep-200\t0.2\t0.3\t0.4\nstep-300\t0.3\t0.4\t0.5\n");
        var study = Study("prior: earlier.tsv");
        Assert.Empty(study.EarlierSeconds);
        Assert.Null(EvaluationTime.Costs(study, JournalContents.Empty));
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

    [Fact]
    public void ExpectedSecondsAreTheMeasuredMediansWithoutTheCostFloor()
    {
        var study = Study("");
        var journal = Record(study, ("ckpt-100", "a", 0.2), ("ckpt-200", "a", 0.4), ("ckpt-300", "a", 0.3), ("ckpt-100", "b", 2));
        Assert.Equal(new[] { 0.3, 2, 1.15 }, EvaluationTime.Expected(study, journal)!);
        Assert.Null(EvaluationTime.Expected(study, JournalContents.Empty));
    }

    [Fact]
    public void WhatIsLeftLeavesOutLeasedPairsAndBuysOnlyTheEvaluationsThatFitInIt()
    {
        var study = Study("budget: { max-evals: 12, max-eval-hours: 1 }");
        var journal = Record(study, ("ckpt-100", "a", 100), ("ckpt-100", "b", 1000), ("ckpt-100", "c", 2000));
        var left = EvaluationTimeLeft.Of(study, journal, [new Cell(1, 0)])!; // a pair of a leased elsewhere: 100 s expected
        Assert.Equal(3600 - 3100 - 100, left.Seconds);
        Assert.False(left.IsSpent);
        // b (1,000 s) and c (2,000 s) no longer fit in the 400 s left: no round chooses their cells
        Assert.Equal([1, 2], left.Unaffordable(study.Grid).Select(cell => cell.Benchmark).Distinct().Order());
        Assert.Equal(2 * study.Grid.CheckpointCount, left.Unaffordable(study.Grid).Count());

        var low = EvaluationTimeLeft.Of(study, Record(study, ("ckpt-200", "b", 1000)), [])!; // 4100 s spent of 3600
        Assert.True(low.IsSpent);

        var tight = new EvaluationTimeLeft(1150, [100, 1000, 2000]);
        Assert.Equal(study.Grid.CheckpointCount, tight.Unaffordable(study.Grid).Count());
        Assert.All(tight.Unaffordable(study.Grid), cell => Assert.Equal(2, cell.Benchmark));
        // planned in the planner's order: b fits, the next b would not, a still does
        Assert.Equal([new Cell(0, 1), new Cell(2, 0)], tight.Affordable([new Cell(0, 1), new Cell(1, 1), new Cell(2, 0)]));
        Assert.Equal([new Cell(1, 2)], new EvaluationTimeLeft(10, null).Affordable([new Cell(1, 2)])); // nothing measured: nothing expected
    }

    [Fact]
    public async Task TheRunStartsNoEvaluationExpectedToEndPastMaxEvalHours()
    {
        var study = Study("budget: { max-evals: 12, max-eval-hours: 0.7 }");
        // 2,100 of 2,520 s spent; b and c are expected to take 1,000 s each, so only a (100 s) still fits
        Record(study, ("ckpt-100", "a", 100), ("ckpt-100", "b", 1000), ("ckpt-100", "c", 1000));

        var result = await new StudyRunner(study, new ProgressDisplay(TextWriter.Null), () => DateTimeOffset.UnixEpoch)
            .RunAsync(CancellationToken.None);

        var added = JournalFile.Read(study.Spec.JournalPath).Evaluations.Skip(3).ToList();
        Assert.Equal(RunEnd.EvaluationTimeSpent, result.End); // a's five other checkpoints, then nothing fits
        Assert.Equal(5, result.NewEvaluations);
        Assert.All(added, e => Assert.Equal("a", e.Benchmark));
    }

    [Fact]
    public async Task UnderMaxEvalHoursTheRestOfTheDesignGoesCheapestBenchmarkFirst()
    {
        // A run whose design began with a benchmark that turned out dear: the rest of the design takes the cheap ones first, so a
        // budget of time that runs out keeps the benchmarks it can afford (with costs off as well: the time budget is time).
        foreach (string costs in new[] { "measured", "off" })
        {
            var study = Study($"budget: {{ max-evals: 12, max-eval-hours: 1 }}\nengine: {{ costs: {costs} }}");
            var design = InitialDesign.Cells(study.Grid, study.Spec.Engine.Init, study.Engine.Seed); // one cell per benchmark here
            string Name(Cell c) => study.Grid.Checkpoints[c.Checkpoint].Name;
            string Benchmark(int j) => study.Grid.Benchmarks[j].Name;
            var free = study.Grid.Checkpoints.Select(c => c.Name).Except(design.Select(Name)).ToList();
            // The design's first benchmark took 1,000 s, its second 10 s; the third is not measured yet (expected: their median).
            Record(study, (free[0], Benchmark(design[0].Benchmark), 1000), (free[1], Benchmark(design[1].Benchmark), 10));

            var timed = await Suggest(study);
            Assert.Equal(new[] { design[1], design[2], design[0] }.Select(c => (Name(c), Benchmark(c.Benchmark))), timed);

            // Without a time budget the design keeps its order.
            File.WriteAllText(study.Spec.SpecPath, File.ReadAllText(study.Spec.SpecPath).Replace(", max-eval-hours: 1", ""));
            Assert.Equal(design.Select(c => (Name(c), Benchmark(c.Benchmark))), await Suggest(study));
            File.Delete(study.Spec.JournalPath);
        }
    }

    static async Task<List<(string, string)>> Suggest(StudyContext study)
    {
        var output = new StringWriter();
        int exit = await BomaxCommand.InvokeAsync(["suggest", study.Spec.SpecPath, "--count", "3", "--json", "--no-lease"],
            new Terminal(output, new StringWriter()), TimeProvider.System);
        Assert.Equal(0, exit);
        return JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray()
            .Select(p => (p.GetProperty("checkpoint").GetString()!, p.GetProperty("benchmark").GetString()!)).ToList();
    }

    [Fact]
    public async Task SuggestHandsOutNoPairThatWouldEndPastMaxEvalHoursAndSaysWhy()
    {
        var study = Study("budget: { max-evals: 12, max-eval-hours: 1 }");
        Record(study, ("ckpt-100", "a", 1000), ("ckpt-100", "b", 1000), ("ckpt-100", "c", 1000)); // 600 s left, 1,000 s each
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await BomaxCommand.InvokeAsync(["suggest", study.Spec.SpecPath, "--count", "3"], new Terminal(output, error),
            TimeProvider.System);

        Assert.Equal(0, exit);
        Assert.Equal("", output.ToString());
        Assert.Contains("evaluation time spent: 50m of budget.max-eval-hours 1; no evaluation left is expected to fit in the "
            + "10m that remain; nothing to suggest", error.ToString());
    }
}

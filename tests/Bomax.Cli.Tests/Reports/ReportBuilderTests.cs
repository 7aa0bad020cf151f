using System.Globalization;
using Bomax.Cli.Journal;
using Bomax.Cli.Reports;
using Bomax.Cli.Study;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Selection;
using Bomax.Engine.Study;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Bomax.Cli.Tests.Reports;

/// <summary>The report of a real journal: its numbers are the engine's, its Markdown parses back into the same decision.</summary>
public sealed class ReportBuilderTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-report-").FullName;
    public void Dispose() => Directory.Delete(directory, recursive: true);

    const string EvenlySpaced = "[ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600, ckpt-700, ckpt-800, ckpt-900, ckpt-1000]";

    StudyContext Study(string extra = "", string checkpoints = EvenlySpaced)
    {
        var spec = Path.Combine(directory, "study.yml");
        File.WriteAllText(spec, $$"""
            study: report-test
            checkpoints:
              list: {{checkpoints}}
            benchmarks: [a, b, { name: c, weight: 2 }, d]
            eval:
              command: ./eval.sh {checkpoint} {benchmark}
            journal: journal.jsonl

            """ + extra);
        var load = StudyContext.Load(spec);
        return Assert.IsType<StudyLoad.Ok>(load).Study;
    }

    static double Score(int checkpoint, int benchmark) =>
        0.7 + 0.05 * benchmark - 0.002 * (checkpoint - 6) * (checkpoint - 6) + 0.001 * ((checkpoint * 7 + benchmark * 3) % 5);

    /// <summary>A journal of <paramref name="evaluations"/> seeded cells; the first <paramref name="withErrors"/> recorded with a standard
    /// error of 0.01, as lm-eval reports one.</summary>
    static JournalContents Journal(StudyContext study, int evaluations = 22, int withErrors = 0)
    {
        var random = new Random(5);
        var cells = Enumerable.Range(0, study.Grid.CellCount).Select(study.Grid.CellAt).OrderBy(_ => random.Next()).Take(evaluations).ToList();
        foreach (var (cell, k) in cells.Select((c, k) => (c, k)))
            JournalFile.Append(study.Spec.JournalPath,
                new EvaluationRecord(study.Grid.Checkpoints[cell.Checkpoint].Name, study.Grid.Checkpoints[cell.Checkpoint].Step,
                    study.Grid.Benchmarks[cell.Benchmark].Name, Score(cell.Checkpoint, cell.Benchmark), k < withErrors ? 0.01 : null, 3.0, 1)
                {
                    Time = DateTimeOffset.UnixEpoch,
                });
        return JournalFile.Read(study.Spec.JournalPath);
    }

    [Fact]
    public void TheDetailsSayWhereTheIntervalsReadTheCheckpointJitterWider()
    {
        string Said(StudyContext study) =>
            ReportBuilder.Build(study, Journal(study), DateTimeOffset.UnixEpoch)!.EngineSettings
                .Single(s => s.Key == "checkpoint jitter in the intervals").Value;

        Assert.Equal("as fitted: no checkpoints crowd onto one step", Said(Study()));
        File.Delete(Path.Combine(directory, "journal.jsonl"));
        // A log-spaced start: steps 1 … 16 lie in the first 0.2 % of a run of 10,000; the five after them are evenly spaced.
        var crowded = Study(checkpoints: "[ckpt-1, ckpt-2, ckpt-4, ckpt-8, ckpt-16, ckpt-2000, ckpt-4000, ckpt-6000, ckpt-8000, ckpt-10000]");
        // Step 16 is crowded a tenth: half the distance from step 8 to step 2,000 is 996 steps, the even gap 1,111.
        Assert.Equal("× 1.5–6.0 at the 5 of 10 checkpoints crowded onto one step, as fitted elsewhere", Said(crowded));
    }

    [Fact]
    public void TheReportIsTheEnginesSelectionAndItsMarkdownParsesBackToIt()
    {
        var study = Study();
        var journal = Journal(study);
        var report = ReportBuilder.Build(study, journal, DateTimeOffset.UnixEpoch)!;

        // The engine, called directly on the same observations, makes the same decision.
        var observations = study.Observe(journal).Observations;
        var fit = HyperparameterFit.Fit(study.Grid, observations, study.Engine);
        using var model = ConditionedModel.Condition(study.Grid, observations, fit, study.Engine);
        var rows = model.Rows().Widened(PrequentialCheck.Scales(study.Grid, observations, fit, study.Engine).Ranking);
        var selection = Selection.From(study.Grid, rows, study.Engine.ProbabilitySamples, study.Engine.Seed);
        Assert.Equal(selection.Pick.Name, report.Pick.Name);
        // Its P(best), estimate and interval are the posteriors pooled over draws of the hyperparameters, as the engine's report
        // selection says.
        using var decision = StudyDecision.Final(study.Grid, observations, study.Engine, PlannerState.Empty);
        var pooled = Selection.Draw(decision.ProbabilityRows, study.Engine.ProbabilitySamples, study.Engine.Seed);
        Assert.Equal(pooled.ProbabilityBest[selection.Pick.Checkpoint], report.Pick.ProbabilityBest, 12);
        var shown = decision.SelectForReport().Pick;
        Assert.Equal(shown.Estimate, report.Pick.Estimate, 12);
        Assert.Equal(shown.Low, report.Pick.Low, 12);
        Assert.Equal(shown.High, report.Pick.High, 12);
        Assert.Equal(22, report.Evaluations);
        Assert.Equal(22 * 3.0 / 22 * 4 * 10, report.FullGridSecondsEstimate!.Value, 9); // 3 s per evaluation × 40 cells

        var markdown = MarkdownReport.Render(report);
        Assert.Contains($"Ranked by {Selection.Ranking}:", markdown);
        // 22 evaluations are too few for the held-out check: the report says its numbers are the model's own.
        Assert.False(report.Check!.Checked);
        Assert.Contains($"**Not yet checked:** the held-out check predicts a study's latest evaluations from those before it and widens "
            + $"the spread P(best) and the intervals read by how far they miss. It starts at {PrequentialCheck.SmallestStudy} evaluations "
            + "(22 so far)", markdown);
        var document = Markdown.Parse(markdown, new MarkdownPipelineBuilder().UseAdvancedExtensions().Build());
        var headline = Text(document.Descendants<HeadingBlock>().First(h => Text(h).Contains("Selected")));
        Assert.Contains(report.Pick.Name, headline);
        var estimates = document.Descendants<ParagraphBlock>().Select(Text).First(t => t.StartsWith("Estimated average", StringComparison.Ordinal));
        Assert.Contains(report.Pick.Estimate.ToString("0.0000", CultureInfo.InvariantCulture), estimates);
        Assert.Contains(report.Pick.ProbabilityBest.ToString("0.00", CultureInfo.InvariantCulture), estimates);

        // The top table lists the best five by the estimate less one standard deviation, the pick first.
        var table = document.Descendants<Table>().First();
        var tableRows = table.Skip(1).Cast<TableRow>().Select(r => r.Cast<TableCell>().Select(Text).ToArray()).ToList();
        Assert.Equal(5, tableRows.Count);
        Assert.Contains(report.Pick.Name, tableRows[0][1]);
        var column = Array.FindIndex(table.Cast<TableRow>().First().Cast<TableCell>().Select(Text).ToArray(), h => h == "Estimate");
        var values = tableRows.Select(r => double.Parse(r[column], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(report.Top.Take(5).Select(s => Math.Round(s.Estimate, 4)), values);
        var cautious = report.Top.Take(5).Select(s => s.Estimate - Selection.Caution * (s.High - s.Low) / (2 * Selection.Z95)).ToList();
        Assert.Equal(cautious.OrderByDescending(v => v), cautious);
        Assert.Equal(new[] { selection.Pick.Name }.Concat(selection.RunnersUp.Take(4).Select(s => s.Name)),
            tableRows.Select(r => r[1].Replace(" (pick)", "")));
    }

    [Fact]
    public void TheReportWidensItsUncertaintyWhenTheLatestScoresFellFarFromWhatTheModelPredicted()
    {
        var study = Study();
        var random = new Random(11);
        var cells = Enumerable.Range(0, study.Grid.CellCount).Select(study.Grid.CellAt).OrderBy(_ => random.Next()).ToList();
        // 40 cells in order: the first 30 follow the smooth curve, the latest 10 scatter ±0.03 around it.
        for (int k = 0; k < cells.Count; k++)
        {
            var cell = cells[k];
            double score = Score(cell.Checkpoint, cell.Benchmark) + (k >= 30 ? (random.Next(2) * 2 - 1) * 0.03 : 0.0);
            JournalFile.Append(study.Spec.JournalPath,
                new EvaluationRecord(study.Grid.Checkpoints[cell.Checkpoint].Name, study.Grid.Checkpoints[cell.Checkpoint].Step,
                    study.Grid.Benchmarks[cell.Benchmark].Name, score, null, 3.0, 1)
                {
                    Time = DateTimeOffset.UnixEpoch,
                });
        }
        var journal = JournalFile.Read(study.Spec.JournalPath);
        var report = ReportBuilder.Build(study, journal, DateTimeOffset.UnixEpoch)!;

        var observations = study.Observe(journal).Observations;
        var fit = HyperparameterFit.Fit(study.Grid, observations, study.Engine);
        var scales = PrequentialCheck.Scales(study.Grid, observations, fit, study.Engine);
        Assert.True(scales.Bulk > 2, $"scales {scales}");
        using var model = ConditionedModel.Condition(study.Grid, observations, fit, study.Engine);
        var plain = Selection.From(study.Grid, model.Rows(), study.Engine.ProbabilitySamples, study.Engine.Seed);
        using var decision = StudyDecision.Final(study.Grid, observations, study.Engine, PlannerState.Empty);
        Assert.Equal(scales, decision.Scales);
        var student = scales.Student! with { Scale = scales.Student!.Scale / scales.CoupledBulk }; // read as the t the check fitted
        var widened = Selection.Draw(decision.ProbabilityRows, study.Engine.ProbabilitySamples, study.Engine.Seed, student: student);
        Assert.Equal(plain.Pick.Name, report.Pick.Name); // the same pick ...
        Assert.Equal(plain.Pick.Estimate, report.Pick.Estimate, 12);
        // ... stated with the posteriors pooled over the hyperparameters, widened for their bulk, the benchmarks coupled as the check
        // found them,
        Assert.Equal(widened.ProbabilityBest[plain.Pick.Checkpoint], report.Pick.ProbabilityBest, 12);
        Assert.Equal(Math.Sqrt(scales.Tails) * (plain.Pick.High - plain.Pick.Low), report.Pick.High - report.Pick.Low, 9); // ... tails
        // The details say by how much, so a reader can tell a wide interval the check asked for from one the cells leave.
        var c = CultureInfo.InvariantCulture;
        string correlations = (scales.Coupling * scales.Coupling).ToString("0.00", c);
        string tails = scales.Student!.IsGaussian ? "" : $" with Student t tails ({scales.Student.Freedom.ToString("0.#", c)} degrees of freedom)";
        Assert.Equal($"× {scales.Ranking.ToString("0.00", c)} for the ranking, × {scales.ProbabilityScale.ToString("0.00", c)} for P(best)"
            + $"{tails}, × {scales.Tails.ToString("0.00", c)} for the intervals",
            report.EngineSettings.Single(s => s.Key == "held-out check: variance scaled").Value);
        Assert.Equal(scales.Coupling < 1 ? $"× {correlations} (misses at one checkpoint pulled apart with the fitted ones)" : "as fitted",
            report.EngineSettings.Single(s => s.Key == "held-out check: benchmarks' correlations for P(best)").Value);
        // And the pick's section says it where every reader sees it: the check held back the latest quarter and widened.
        Assert.Equal(scales, report.Check);
        Assert.Equal(10, report.Check!.HeldBack);
        string coupledWords = (scales.Coupling < 1 ? $", with the benchmarks' correlations times {correlations}" : "")
            + (scales.Student.IsGaussian
                ? ""
                : $" and tails as heavy as a Student t's of {scales.Student.Freedom.ToString("0.#", c)} degrees of freedom");
        Assert.Contains($"**Checked:** the latest 10 evaluations, each predicted from those before it, missed by more than the model "
            + $"stated. P(best) reads its spread widened {Math.Sqrt(scales.ProbabilityScale).ToString("0.00", c)} times{coupledWords}, the 95 % "
            + $"intervals {Math.Sqrt(scales.Tails).ToString("0.00", c)} times.", ReportFixture.OutsideDetails(MarkdownReport.Render(report)));
    }

    /// <summary>A report names what its decision was computed on: the same journal and state give the same decision only where
    /// the CPU's code paths are the same (docs/measurements.md#one-machine).</summary>
    [Fact]
    public void TheReportSaysTheCpuAndTheNativeCodePathsItWasComputedOn()
    {
        var study = Study();
        var report = ReportBuilder.Build(study, Journal(study), DateTimeOffset.UnixEpoch)!;
        string computedOn = report.EngineSettings.Single(s => s.Key == "computed on").Value;
        foreach (var name in TorchDevice.NativeVariableNames)
            if (TorchDevice.NativeVariable(name) is { } value) Assert.Contains($"{name}={value}", computedOn);
        if (OperatingSystem.IsLinux())
        {
            string cpu = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("model name", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
            Assert.StartsWith(cpu + "; ", computedOn);
        }
        if (!OperatingSystem.IsWindows())
            Assert.Contains("MKL_CBWR=", computedOn); // the engine sets it unless the user did: never absent
    }

    [Fact]
    public void TheReportSaysHowMuchOfThePickRestsOnObservationsAndHowMuchOnTheModel()
    {
        var study = Study();
        var report = ReportBuilder.Build(study, Journal(study), DateTimeOffset.UnixEpoch)!;
        // Benchmark weights are 1, 1, 2, 1; the share is the weight of the benchmarks observed at the pick.
        var pick = study.CheckpointIndex(report.Pick.Name);
        var observed = study.Observe(JournalFile.Read(study.Spec.JournalPath)).Observations
            .Where(o => o.Cell.Checkpoint == pick)
            .Select(o => o.Cell.Benchmark)
            .ToHashSet();
        double share = observed.Sum(j => study.Spec.Benchmarks[j].Weight) / study.Spec.Benchmarks.Sum(b => b.Weight);
        Assert.True(share is > 0 and < 1, $"the fixture should leave the pick partly observed (share {share})");
        var markdown = MarkdownReport.Render(report);
        Assert.Contains($"**{(100 * share).ToString("0", CultureInfo.InvariantCulture)} %** of the estimate's weight rests on observed scores",
            markdown);
        Assert.Contains($"**{(100 * (1 - share)).ToString("0", CultureInfo.InvariantCulture)} %** is the model's prediction", markdown);

        var allObserved = report.PickBenchmarks.Select(b => b with { Observed = b.Predicted }).ToList();
        Assert.StartsWith("The estimate rests entirely on observed scores", MarkdownReport.Basis(allObserved));

        // The two parts add up to 100 %: three benchmarks of eight observed are 38 % and 62 % (each rounded alone, 38 % and 63 %).
        BenchmarkRow Row(int j, bool observedHere) => new($"b{j}", 1, observedHere ? 0.5 : null, 0.5, 0.4, 0.6);
        Assert.StartsWith("**38 %** of the estimate's weight rests on observed scores; **62 %** is the model's prediction",
            MarkdownReport.Basis([.. Enumerable.Range(0, 8).Select(j => Row(j, j < 3))]));
        // A sliver either way is not shown as none: 1 of 1,000 observed is 1 % and 99 %, 999 of 1,000 is 99 % and 1 %.
        Assert.StartsWith("**1 %** of", MarkdownReport.Basis([.. Enumerable.Range(0, 1000).Select(j => Row(j, j < 1))]));
        Assert.StartsWith("**99 %** of", MarkdownReport.Basis([.. Enumerable.Range(0, 1000).Select(j => Row(j, j < 999))]));
        Assert.StartsWith("**0 %** of", MarkdownReport.Basis([.. Enumerable.Range(0, 8).Select(j => Row(j, false))]));
    }

    [Fact]
    public void WithEarlierRunsTheReportNamesThemAndThePickTheStudyWouldMakeWithoutThem()
    {
        // An earlier run of the recipe: 12 checkpoints of its own, three of the four benchmarks.
        var table = new System.Text.StringBuilder("CHECKPOINT\ta\tb\td\n");
        for (int i = 0; i < 12; i++)
            table.Append(CultureInfo.InvariantCulture, $"step-{(i + 1) * 80}\t{Score(i, 0) - 0.1:R}\t{Score(i, 1) - 0.1:R}\t{Score(i, 3):R}\n");
        File.WriteAllText(Path.Combine(directory, "earlier.tsv"), table.ToString());
        var plain = Study();
        var journal = Journal(plain);
        var without = ReportBuilder.Build(plain, journal, DateTimeOffset.UnixEpoch)!;

        var study = Study("prior: earlier.tsv\n");
        var report = ReportBuilder.Build(study, journal, DateTimeOffset.UnixEpoch)!;

        Assert.Null(without.Prior);
        var prior = report.Prior!;
        var run = Assert.Single(prior.Runs);
        Assert.Equal((Path.Combine(directory, "earlier.tsv"), 12, 3, 36), (run.Source, run.Checkpoints, run.MatchedBenchmarks, run.Scores));
        // The pick the study's own evaluations make is the report without the prior's pick.
        Assert.Equal(without.Pick.Name, prior.PickWithout);
        Assert.Equal(without.Pick.ProbabilityBest, prior.ProbabilityBestWithout, 1e-12);
        Assert.Equal(report.Pick.Name == without.Pick.Name, prior.SamePick);
        var markdown = MarkdownReport.Render(report);
        Assert.Contains("#### Prior", markdown, StringComparison.Ordinal);
        Assert.Contains("- earlier.tsv: 12 checkpoints, 3 of 4 benchmarks, 36 scores", markdown, StringComparison.Ordinal);
        Assert.Contains(prior.SamePick ? "the pick does not rest on the prior" : "the pick rests on what the earlier runs say", markdown,
            StringComparison.Ordinal);
        // The earlier run's benchmarks move as this study's do: its covariance holds and is used.
        Assert.True(prior.Check is { Holds: true, Benchmarks: 4 }, $"{prior.Check}");
        Assert.Contains($"Their benchmark covariance predicts each of this study's 4 benchmarks evaluated twice or more from the others' "
            + $"evaluations {prior.Check.Nats.ToString("0.0", CultureInfo.InvariantCulture)} nats better", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("#### Prior", MarkdownReport.Render(without), StringComparison.Ordinal);
    }

    [Fact]
    public void EarlierRunsWhoseBenchmarksMoveOtherwiseHaveTheirCovarianceSetAsideAndTheReportSaysSo()
    {
        // The same recipe's curves, but b and d read the wrong way round (an error rate for an accuracy): they fall as a and c rise.
        var table = new System.Text.StringBuilder("CHECKPOINT\ta\tb\tc\td\n");
        for (int i = 0; i < 12; i++)
            table.Append(CultureInfo.InvariantCulture,
                $"step-{(i + 1) * 80}\t{Score(i, 0):R}\t{1 - Score(i, 1):R}\t{Score(i, 2):R}\t{1 - Score(i, 3):R}\n");
        File.WriteAllText(Path.Combine(directory, "inverted.tsv"), table.ToString());
        var plain = Study();
        var journal = Journal(plain, 16); // four cells a benchmark: few enough that the prior's covariance outweighs them in the fit
        var without = ReportBuilder.Build(plain, journal, DateTimeOffset.UnixEpoch)!;

        var report = ReportBuilder.Build(Study("prior: inverted.tsv\n"), journal, DateTimeOffset.UnixEpoch)!;

        var prior = report.Prior!;
        Assert.True(prior.Check is { Holds: false, Benchmarks: 4 }, $"{prior.Check}");
        Assert.Contains("earlier runs' benchmark covariance set aside", report.EngineSettings.Single(s => s.Key == "fit").Value,
            StringComparison.Ordinal);
        // Their curve is still used, so the report still names the pick the study's evaluations make without them.
        Assert.Equal(without.Pick.Name, prior.PickWithout);
        var markdown = MarkdownReport.Render(report);
        Assert.Contains("**This decision set their benchmark covariance aside**: it predicted each of this study's 4 benchmarks "
            + $"evaluated twice or more from the others' evaluations {(-prior.Check.Nats).ToString("0.0", CultureInfo.InvariantCulture)} "
            + "nats worse than independent benchmarks would", markdown, StringComparison.Ordinal);
        Assert.Contains("Without them this study's evaluations", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "No score came with a standard error, so the model fits one noise variance for every benchmark")]
    [InlineData(9, "**9** of 22 scores came with a standard error")]
    [InlineData(22, "Every score came with its standard error")]
    public void TheReportSaysWhetherTheScoresCameWithTheirStandardErrors(int withErrors, string expected)
    {
        var study = Study();
        var report = ReportBuilder.Build(study, Journal(study, withErrors: withErrors), DateTimeOffset.UnixEpoch)!;
        Assert.Equal((withErrors, 22), (report.ScoresWithStandardErrors, report.Evaluations));
        var markdown = MarkdownReport.Render(report);
        Assert.Contains(expected, markdown);
        // One sentence, between what the pick's estimate rests on and the top checkpoints.
        int line = markdown.IndexOf(expected, StringComparison.Ordinal);
        Assert.InRange(line, markdown.IndexOf("of the estimate's weight rests on observed scores", StringComparison.Ordinal),
            markdown.IndexOf("#### Top checkpoints", StringComparison.Ordinal));
        string[] sentences = ["No score came with", "of 22 scores came with", "Every score came with"];
        Assert.Single(sentences, s => markdown.Contains(s, StringComparison.Ordinal));
    }

    [Fact]
    public void A_score_whose_standard_error_is_zero_or_absent_counts_as_without_one()
    {
        Assert.Null(MarkdownReport.NoiseBasis(0, 0));
        Assert.StartsWith("No score came with", MarkdownReport.NoiseBasis(0, 5));
        Assert.StartsWith("**1** of 1,200 scores", MarkdownReport.NoiseBasis(1, 1200));
        Assert.StartsWith("**1,199** of 1,200 scores", MarkdownReport.NoiseBasis(1199, 1200));
        Assert.StartsWith("Every score came with", MarkdownReport.NoiseBasis(1200, 1200));

        var study = Study();
        foreach (var (step, benchmark, error) in new (long, string, double?)[] { (500, "a", 0.0), (600, "b", null), (700, "c", 0.02) })
            JournalFile.Append(study.Spec.JournalPath,
                new EvaluationRecord($"ckpt-{step}", step, benchmark, 0.7, error, 3.0, 1) { Time = DateTimeOffset.UnixEpoch });
        var report = ReportBuilder.Build(study, JournalFile.Read(study.Spec.JournalPath), DateTimeOffset.UnixEpoch)!;
        Assert.Equal((1, 3), (report.ScoresWithStandardErrors, report.Evaluations));
    }

    [Fact]
    public void TheSameJournalGivesTheSameReportBodyWhateverTheTime()
    {
        var study = Study();
        var journal = Journal(study);
        var first = MarkdownReport.Render(ReportBuilder.Build(study, journal, DateTimeOffset.UnixEpoch)!);
        var second = MarkdownReport.Render(ReportBuilder.Build(study, journal, DateTimeOffset.UnixEpoch.AddDays(3))!);
        Assert.NotEqual(first, second);
        static string WithoutTime(string md) =>
            string.Join('\n', md.Split('\n').Where(l => !l.StartsWith(MarkdownReport.GeneratedPrefix, StringComparison.Ordinal)));
        Assert.Equal(WithoutTime(first), WithoutTime(second));
    }

    /// <summary>The plain text of a block: every literal in its inlines, through emphasis and nested blocks.</summary>
    static string Text(MarkdownObject block) => (block switch
    {
        LeafBlock { Inline: { } inline } => string.Concat(inline.Descendants<LiteralInline>().Select(l => l.Content.ToString())),
        ContainerBlock container => string.Concat(container.Select(Text)),
        _ => "",
    }).Trim();
}

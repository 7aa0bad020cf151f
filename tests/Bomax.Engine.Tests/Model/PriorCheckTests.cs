using Bomax.Engine.Model;
using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>A fit with earlier runs checks, on the study's own cells, that their benchmark covariance holds, and fits the study's own
/// on their curve when it does not or cannot be checked yet: which benchmarks move together is taken from earlier runs only once the
/// study's cells confirm it.</summary>
public class PriorCheckTests
{
    static readonly ScoreTable Study = SyntheticTable.Generate(30, 4, seed: 5);

    /// <summary>Three cells a benchmark, spread over the run: few enough that the earlier runs weigh in the fit.</summary>
    static readonly IReadOnlyList<Observation> ThreeABenchmark = Enumerable.Range(0, 4)
        .SelectMany(j => new[] { 2 + 3 * j, 13 + 2 * j, 24 + j }.Select(i => new Cell(i, j)))
        .Select(c => new Observation(c, Study.ScoreOf(c))).ToList();

    /// <summary>The study's own table as an earlier run, with <paramref name="turned"/> benchmarks read the wrong way round.</summary>
    static EarlierRuns EarlierRunOf(params int[] turned)
    {
        var scores = (double[,])Study.Scores.Clone();
        foreach (int j in turned)
            for (int i = 0; i < Study.Grid.CheckpointCount; i++) scores[i, j] = 1 - scores[i, j];
        var table = Study with { Scores = scores };
        return new EarlierRuns([EarlierRun.Align(Study.Grid, table.Grid, table.Observations(), "earlier.tsv")]);
    }

    [Fact]
    public void AnEarlierRunWhoseBenchmarksMoveAsTheStudysHoldsAndIsUsed()
    {
        var options = new EngineOptions { Earlier = EarlierRunOf() };

        var fit = HyperparameterFit.Fit(Study.Grid, ThreeABenchmark, options);

        Assert.True(fit.Report.Prior is { Holds: true, Benchmarks: 4, Nats: > 0 }, $"{fit.Report.Prior}");
        Assert.DoesNotContain("set aside", fit.Report.Outcome, StringComparison.Ordinal);
        Assert.NotEqual(HyperparameterFit.Fit(Study.Grid, ThreeABenchmark, new EngineOptions()).Hyperparameters.Raw, fit.Hyperparameters.Raw);
        // Used, so the study is read in the earlier runs' units, which here are not its own.
        var theirs = Standardisation.From(4, ThreeABenchmark, options.Earlier);
        Assert.NotEqual(Standardisation.From(4, ThreeABenchmark).Scale, theirs.Scale);
        Assert.Equal(theirs.Scale, fit.Standardisation.Scale);
        Assert.Same(options.Earlier, Standardisation.EarlierUnitsOf(fit, options)); // and a decision that keeps the fit reads them too
    }

    [Fact]
    public void AnEarlierRunWithHalfItsBenchmarksTurnedIsSetAsideAndOnlyItsCurveIsKept()
    {
        var earlier = EarlierRunOf(1, 3);
        var options = new EngineOptions { Earlier = earlier };

        var fit = HyperparameterFit.Fit(Study.Grid, ThreeABenchmark, options);

        Assert.True(fit.Report.Prior is { Holds: false, Benchmarks: 4, Nats: < 0 }, $"{fit.Report.Prior}");
        Assert.Contains("earlier runs' benchmark covariance set aside (it predicted the study", fit.Report.Outcome, StringComparison.Ordinal);
        AssertTheirCurveWithTheStudysOwnCovariance(fit, earlier, options);
        Assert.Equal(Standardisation.From(4, ThreeABenchmark).Scale, fit.Standardisation.Scale); // set aside: the study's own units
        Assert.Null(Standardisation.EarlierUnitsOf(fit, options));
    }

    [Fact]
    public void WithOneCellABenchmarkThereIsNothingToCheckAndOnlyTheirCurveIsUsed()
    {
        var observations = Enumerable.Range(0, 4).Select(j => new Cell(5 + 6 * j, j)).Select(c => new Observation(c, Study.ScoreOf(c))).ToList();
        var earlier = EarlierRunOf();
        var options = new EngineOptions { Earlier = earlier };

        var fit = HyperparameterFit.Fit(Study.Grid, observations, options);

        Assert.Equal(PriorCheck.Unchecked, fit.Report.Prior);
        Assert.False(fit.Report.Prior!.Holds);
        Assert.Contains("(no benchmark has two cells to check it on)", fit.Report.Outcome, StringComparison.Ordinal);
        AssertTheirCurveWithTheStudysOwnCovariance(fit, earlier, options);
    }

    /// <summary>The fit's curve (lengthscale, jitters, noise, warping) is the earlier runs' alone, exactly; its benchmark covariance is
    /// not theirs.</summary>
    static void AssertTheirCurveWithTheStudysOwnCovariance(ModelFit fit, EarlierRuns earlier, EngineOptions options)
    {
        var alone = earlier.Alone(4, fit.Hyperparameters.Rank, options);
        int curve = alone.LengthscaleIndex;
        Assert.Equal(alone.Raw[curve..], fit.Hyperparameters.Raw[curve..]);
        Assert.NotEqual(alone.Raw[..curve], fit.Hyperparameters.Raw[..curve]);
    }

    [Fact]
    public void WithoutEarlierRunsThereIsNoCheck() =>
        Assert.Null(HyperparameterFit.Fit(Study.Grid, ThreeABenchmark, new EngineOptions()).Report.Prior);
}

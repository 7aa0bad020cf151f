using Bomax.Engine.Model;
using Bomax.Engine.Replay;
using TorchSharp;

namespace Bomax.Engine.Tests.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>Earlier runs of a recipe: aligned to a study by benchmark name, stacked into one independent-by-run likelihood, and
/// pulling a sparse study's fit toward what they say.</summary>
public class EarlierRunsTests
{
    static Grid GridOf(int checkpoints, params string[] benchmarks) =>
        new(Enumerable.Range(0, checkpoints).Select(i => new Checkpoint($"c{i}", 100 * (i + 1))), benchmarks.Select(b => new Benchmark(b)));

    [Fact]
    public void AnEarlierRunIsAlignedToTheStudysBenchmarksByName()
    {
        var study = GridOf(4, "arc", "mmlu", "hellaswag");
        var earlier = GridOf(6, "mmlu", "piqa", "arc");
        var observations = new[]
        {
            new Observation(new Cell(0, 0), 0.40), new Observation(new Cell(1, 1), 0.70), new Observation(new Cell(5, 2), 0.55),
        };

        var run = EarlierRun.Align(study, earlier, observations, "earlier.tsv");

        Assert.Equal(6, run.Grid.CheckpointCount); // its own checkpoints
        Assert.Equal(study.Benchmarks, run.Grid.Benchmarks); // the study's benchmarks, in the study's order
        Assert.Equal([new Observation(new Cell(0, 1), 0.40), new Observation(new Cell(5, 0), 0.55)], run.Observations); // piqa is left out
        Assert.Equal(2, run.MatchedBenchmarks);
    }

    [Fact]
    public void RunsStackedIntoOneSetHaveTheSumOfTheirLikelihoods()
    {
        var first = SyntheticTable.Generate(7, 3, seed: 1);
        var second = SyntheticTable.Generate(5, 3, seed: 2);
        var options = new EngineOptions();
        var layout = Hyperparameters.Initial(3, 1, options);
        var random = new Random(3);
        var raw = layout.Raw.Select(r => r + 0.4 * (random.NextDouble() - 0.5)).ToArray();
        using var scope = torch.NewDisposeScope();
        TrainingSet Alone(ScoreTable t) => TrainingSet.Build(t.Grid, t.Observations(), Standardisation.From(3, t.Observations()), torch.CPU);
        var stacked = TrainingSet.Stack([(first.Grid, first.Observations()), (second.Grid, second.Observations())], torch.CPU);

        var (together, gradient) = MarginalLikelihood.Evaluate(stacked, layout, raw, options);
        var (one, gradientOne) = MarginalLikelihood.Evaluate(Alone(first), layout, raw, options);
        var (two, gradientTwo) = MarginalLikelihood.Evaluate(Alone(second), layout, raw, options);
        var (prior, gradientPrior) = MarginalLikelihood.Evaluate([(Alone(first), 0.0)], layout, raw, options); // the weak priors alone

        Assert.Equal(one + two - prior, together, 1e-8);
        for (int p = 0; p < raw.Length; p++) Assert.Equal(gradientOne[p] + gradientTwo[p] - gradientPrior[p], gradient[p], 1e-8);
    }

    [Fact]
    public void EarlierRunsPullASparseStudysFitTowardWhatTheySay()
    {
        // A run and a rerun of the same recipe (the same curves, evaluated again with fresh noise), the study seeing one or two
        // cells a benchmark.
        var study = SyntheticTable.Generate(30, 4, seed: 5);
        var noise = new Random(4);
        var rerun = (double[,])study.Scores.Clone();
        for (int i = 0; i < 30; i++)
            for (int j = 0; j < 4; j++) rerun[i, j] += 0.01 * (noise.NextDouble() - 0.5);
        var earlier = study with { Scores = rerun };
        var cells = new[] { new Cell(3, 0), new Cell(11, 1), new Cell(19, 2), new Cell(27, 3), new Cell(7, 1), new Cell(23, 0) };
        var observations = cells.Select(c => new Observation(c, study.ScoreOf(c))).ToList();
        var runs = new EarlierRuns([EarlierRun.Align(study.Grid, earlier.Grid, earlier.Observations(), "earlier")]);
        var options = new EngineOptions();

        var alone = runs.Alone(4, 1, options).Values(options);
        var without = HyperparameterFit.Fit(study.Grid, observations, options).Hyperparameters.Values(options);
        var with = HyperparameterFit.Fit(study.Grid, observations, options with { Earlier = runs }).Hyperparameters.Values(options);

        static double Distance(HyperparameterValues a, HyperparameterValues b) =>
            Math.Abs(Math.Log(a.Lengthscale / b.Lengthscale)) + Math.Abs(Math.Log(a.Noise / b.Noise));
        Assert.True(Distance(with, alone) < Distance(without, alone) / 2,
            $"lengthscale {with.Lengthscale} / {without.Lengthscale} (earlier runs alone {alone.Lengthscale}), "
            + $"noise {with.Noise} / {without.Noise} (alone {alone.Noise})");
    }

    [Fact]
    public void RunsWithNothingInCommonAreDroppedAndChangeNothing()
    {
        var study = SyntheticTable.Generate(12, 3, seed: 6);
        var unrelated = GridOf(5, "x", "y");
        var run = EarlierRun.Align(study.Grid, unrelated, [new Observation(new Cell(0, 0), 0.3), new Observation(new Cell(1, 1), 0.4)], "x.tsv");
        var runs = new EarlierRuns([run]);
        var observations = study.Observations().Where((_, k) => k % 4 == 0).ToList();
        var options = new EngineOptions();

        Assert.True(runs.IsEmpty);
        Assert.Equal(HyperparameterFit.Fit(study.Grid, observations, options).Hyperparameters.Raw,
            HyperparameterFit.Fit(study.Grid, observations, options with { Earlier = runs }).Hyperparameters.Raw);
    }

    [Fact]
    public void TheRunsNameWhatADecisionWasMadeWith()
    {
        var study = SyntheticTable.Generate(8, 2, seed: 7);
        var a = new EarlierRuns([EarlierRun.Align(study.Grid, study.Grid, study.Observations(), "a.tsv")]);
        var b = new EarlierRuns([EarlierRun.Align(study.Grid, study.Grid, study.Observations().Skip(1).ToList(), "a.tsv")]);

        Assert.Contains("a.tsv (16,", a.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(a.ToString(), b.ToString());
        Assert.NotEqual(new EngineOptions { Earlier = a }.ToString(), new EngineOptions { Earlier = b }.ToString());
    }
}

using Bomax.Engine.Model;
using Bomax.Engine.Replay;
using Bomax.Engine.Study;
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
    [Fact]
    public void EachBenchmarksVarianceIsItsVarianceOverAWholeEarlierRunAveragedOverTheRuns()
    {
        var study = GridOf(3, "arc", "mmlu", "gsm8k");
        var one = EarlierRun.Align(study, GridOf(3, "arc", "mmlu"),
            [new Observation(new Cell(0, 0), 0.2), new Observation(new Cell(1, 0), 0.4), new Observation(new Cell(2, 0), 0.6),
             new Observation(new Cell(0, 1), 0.5)], "one.tsv");
        var two = EarlierRun.Align(study, GridOf(2, "arc"), [new Observation(new Cell(0, 0), 0.3), new Observation(new Cell(1, 0), 0.5)],
            "two.tsv");

        var variances = new EarlierRuns([one, two]).Variances(3);

        Assert.Equal((0.04 + 0.02) / 2, variances[0], 12); // sample variances 0.04 and 0.02
        Assert.Equal(0.0, variances[1]); // one score of mmlu: no spread to read
        Assert.Equal(0.0, variances[2]); // gsm8k: in no earlier run
    }

    [Fact]
    public void AStudysScaleIsShrunkTowardTheEarlierRunsSpreadNotTowardItsCrowdedPairs()
    {
        // The study's pairs of cells sit among the leaders (a spread of a few thousandths); the earlier run spans its whole curve.
        var study = GridOf(10, "arc", "mmlu", "gsm8k");
        var observations = new List<Observation>
        {
            new(new Cell(8, 0), 0.610), new(new Cell(9, 0), 0.614), new(new Cell(8, 1), 0.520), new(new Cell(9, 1), 0.523),
            new(new Cell(0, 2), 0.05),
        };
        var curve = Enumerable.Range(0, 10).Select(i => 0.25 + 0.04 * i).ToArray();
        var earlier = new EarlierRuns([EarlierRun.Align(study, GridOf(10, "arc", "mmlu"),
            curve.SelectMany((y, i) => new[] { new Observation(new Cell(i, 0), y), new Observation(new Cell(i, 1), y - 0.1) }).ToList(),
            "earlier.tsv")]);
        double runVariance = curve.Select(y => (y - curve.Average()) * (y - curve.Average())).Sum() / 9;

        var own = Standardisation.From(3, observations);
        var informed = Standardisation.From(3, observations, earlier);

        Assert.True(own.Scale[0] < 0.005, $"own scale {own.Scale[0]}");
        double expected = Math.Sqrt((Math.Pow(0.002, 2) * 2 + 3 * runVariance) / (1 + 3)); // the pair's squares and three runs' worth
        Assert.Equal(expected, informed.Scale[0], 12);
        Assert.Equal(own.Mean, informed.Mean);
        Assert.Equal(own.Scale[2], informed.Scale[2], 12); // gsm8k, which no earlier run has: the pooled spread, as without them
        Assert.Equal(Standardisation.From(3, observations, new EarlierRuns([])).Scale, own.Scale); // no runs: as without them
    }
    [Fact]
    public void AnEarlierRunsSpreadIsLeftOutWhereItIsSmallerThanTheStudysOwnOrOnAnotherScale()
    {
        var study = GridOf(6, "arc", "mmlu");
        var observations = new List<Observation>
        {
            new(new Cell(0, 0), 0.30), new(new Cell(5, 0), 0.60), new(new Cell(0, 1), 0.25), new(new Cell(5, 1), 0.55),
        };
        EarlierRuns RunOf(Func<int, double> arc, Func<int, double> mmlu) => new([EarlierRun.Align(study, GridOf(6, "arc", "mmlu"),
            Enumerable.Range(0, 6).SelectMany(i => new[] { new Observation(new Cell(i, 0), arc(i)), new Observation(new Cell(i, 1), mmlu(i)) })
                .ToList(), "earlier.tsv")]);
        var own = Standardisation.From(2, observations);

        // The study's pairs spread 0.045 (variance) a benchmark.
        // A flat run of another kind (0.000014): the study keeps its own spread.
        var flat = RunOf(i => 0.40 + 0.002 * i, i => 0.45 + 0.002 * i);
        Assert.Equal(own.Scale, Standardisation.From(2, observations, flat).Scale);
        // A run spreading further (0.079): it counts.
        var fraction = RunOf(i => 0.10 + 0.15 * i, i => 0.05 + 0.15 * i);
        Assert.True(Standardisation.From(2, observations, fraction).Scale[0] > 1.1 * own.Scale[0]);
        // The same run's scores in percent, 10,000 times the variance: another scale, left out.
        var percent = RunOf(i => 100 * (0.10 + 0.15 * i), i => 100 * (0.05 + 0.15 * i));
        Assert.Equal(own.Scale, Standardisation.From(2, observations, percent).Scale);
    }

    /// <summary>A run shaped as Pythia's are: eight benchmarks at chance over twelve checkpoints in the first 0.4 % of training
    /// (steps 0, 1, 2, 4 … 512), then rising to a plateau; <paramref name="size"/> scales how far each rises.</summary>
    static (Grid Grid, double[,] Scores) PythiaShaped(double size, int seed)
    {
        long[] steps = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 3000, .. Enumerable.Range(0, 14).Select(k => 13000L + 10000L * k)];
        double[] chance = [0.22, 0.25, 0.0, 0.23, 0.52, 0.20, 0.50, 0.37];
        double[] rise = [0.05, 0.30, 0.45, 0.05, 0.15, 0.60, 0.05, 0.02];
        var grid = new Grid(steps.Select(s => new Checkpoint($"checkpoint-{s}", s)),
            new[] { "arc_challenge", "arc_easy", "lambada", "logiqa", "piqa", "sciq", "winogrande", "wsc" }.Select(b => new Benchmark(b)));
        var noise = new Random(seed);
        var scores = new double[steps.Length, 8];
        for (int i = 0; i < steps.Length; i++)
            for (int j = 0; j < 8; j++)
                scores[i, j] = chance[j] + size * rise[j] * (1 - Math.Exp(-steps[i] / 8000.0)) + 0.006 * (noise.NextDouble() - 0.5);
        return (grid, scores);
    }

    [Fact]
    public void WithEarlierRunsTheSpreadStatedAtTheStartOfARunTheStudyBarelySawIsOfTheOrderOfItsMiss()
    {
        // Eleven cells as a study with a prior made them at 5 % of a Pythia run (one design cell per benchmark, then the search
        // among the leaders): three benchmarks seen once, at chance; the three seen twice, both times at the plateau.
        var (grid, truth) = PythiaShaped(1.0, seed: 1);
        Cell[] cells = [new(3, 1), new(10, 5), new(6, 7), new(25, 6), new(16, 3), new(20, 2), new(25, 2), new(23, 4), new(26, 4), new(18, 0),
            new(26, 0)];
        var observations = cells.Select(c => new Observation(c, truth[c.Checkpoint, c.Benchmark])).ToList();
        var runs = new EarlierRuns(new[] { (0.7, 2), (1.3, 3) }.Select(r =>
        {
            var (earlierGrid, scores) = PythiaShaped(r.Item1, r.Item2);
            var all = Enumerable.Range(0, earlierGrid.CellCount).Select(k => new Cell(k / 8, k % 8))
                .Select(c => new Observation(c, scores[c.Checkpoint, c.Benchmark])).ToList();
            return EarlierRun.Align(grid, earlierGrid, all, $"run-{r.Item1}.tsv");
        }));

        using var decision = StudyDecision.Final(grid, observations, new EngineOptions { Earlier = runs },
            PlannerState.Empty);

        // The start's estimate is off (the study saw three of its cells), and its stated spread must say so: read in the units of the
        // crowded pairs, the same hyperparameters stated ± 0.001 for a miss of 0.1 (z ≈ 100).
        var rows = decision.Rows;
        for (int i = 0; i < 12; i++)
        {
            double average = Enumerable.Range(0, 8).Average(j => truth[i, j]);
            double z = (average - rows.Mean[i]) / rows.StandardDeviation(i);
            Assert.True(Math.Abs(z) < 4, $"checkpoint {i}: true average {average:0.000}, estimate {rows.Mean[i]:0.000} ± "
                + $"{1.96 * rows.StandardDeviation(i):0.000} (z = {z:0.0})");
        }
    }
}

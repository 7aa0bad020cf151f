using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>A study loop's cache extends the last factor (and K⁻¹) by the new observations, and a model conditioned through it is
/// the model conditioned from scratch; anything that is not the same fit on a longer history factorises from scratch.</summary>
public class ConditioningCacheTests
{
    static readonly Grid Grid = new(
        Enumerable.Range(0, 12).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 100}", (i + 1) * 100)),
        Enumerable.Range(0, 5).Select(j => new Benchmark($"task{j}", 1.0 + 0.25 * j)));

    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu };

    /// <summary>Distinct cells in a seeded order, some with a reported standard error (known noise on the diagonal).</summary>
    static List<Observation> History(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Grid.CellCount).OrderBy(_ => random.Next()).Take(40).Select(Grid.CellAt)
            .Select((c, k) => new Observation(c, 0.6 + 0.1 * Math.Sin(c.Checkpoint / 3.0 + c.Benchmark) + 0.02 * random.NextDouble(),
                k % 3 == 0 ? 0.01 : null))
            .ToList();
    }

    static ModelFit FitOn(IReadOnlyList<Observation> observations) => HyperparameterFit.Fit(Grid, observations, Options, iterations: 5);

    static void AssertSameModel(ConditionedModel expected, ConditionedModel actual)
    {
        var (e, a) = (expected.Rows(), actual.Rows());
        for (int i = 0; i < Grid.CheckpointCount; i++)
        {
            Assert.Equal(e.Mean[i], a.Mean[i], 1e-9);
            for (int k = 0; k < Grid.CheckpointCount; k++) Assert.Equal(e.Covariance[i, k], a.Covariance[i, k], 1e-10);
        }
        int[] rows = [3, 0, 11, 7];
        foreach (bool throughInverse in new[] { true, false })
        {
            expected.ThroughInverse = actual.ThroughInverse = throughInverse;
            var (ec, ac) = (expected.Cells(rows), actual.Cells(rows));
            for (int k = 0; k < ec.Cells.Length; k++)
            {
                Assert.Equal(ec.Mean[k], ac.Mean[k], 1e-9);
                Assert.Equal(ec.StandardDeviation[k], ac.StandardDeviation[k], 1e-8);
                Assert.Equal(ec.RowCovariance[k], ac.RowCovariance[k], 1e-9);
            }
        }
    }

    [Fact]
    public void ExtendingTheLastFactorAndInverseGivesTheModelConditionedFromScratch()
    {
        var history = History(1);
        var fit = FitOn(history.Take(20).ToList());
        using var cache = new ConditioningCache(extendFrom: 0); // these histories are small
        using (var first = ConditionedModel.Condition(Grid, history.Take(20).ToList(), fit, Options, cache))
        {
            first.ThroughInverse = true;
            first.Cells([2]); // forms K⁻¹, which the cache keeps
        }
        // Two rounds: 20 → 27 (with K⁻¹ carried) → 40.
        using var middle = ConditionedModel.Condition(Grid, history.Take(27).ToList(), fit, Options, cache);
        using var extended = ConditionedModel.Condition(Grid, history, fit, Options, cache);
        using var fromScratch = ConditionedModel.Condition(Grid, history, fit, Options);

        Assert.Equal((1, 2), (cache.FromScratch, cache.Extended));
        AssertSameModel(fromScratch, extended);
        // The middle model's factor was replaced in the cache while it lived: it still reads its own.
        using var middleFromScratch = ConditionedModel.Condition(Grid, history.Take(27).ToList(), fit, Options);
        AssertSameModel(middleFromScratch, middle);
    }

    [Fact]
    public void AnotherFitOrAnotherHistoryFactorisesFromScratch()
    {
        var history = History(2);
        var fit = FitOn(history.Take(20).ToList());
        using var cache = new ConditioningCache(extendFrom: 0); // these histories are small
        ConditionedModel.Condition(Grid, history.Take(20).ToList(), fit, Options, cache).Dispose();

        var reordered = history.Take(20).Reverse().Concat(history.Skip(20)).ToList();
        using (var model = ConditionedModel.Condition(Grid, reordered, fit, Options, cache))
        using (var expected = ConditionedModel.Condition(Grid, reordered, fit, Options))
            AssertSameModel(expected, model);
        Assert.Equal((2, 0), (cache.FromScratch, cache.Extended));

        var refitted = FitOn(history.Take(30).ToList());
        ConditionedModel.Condition(Grid, history, refitted, Options, cache).Dispose();
        Assert.Equal((3, 0), (cache.FromScratch, cache.Extended));

        // Another scale changes every known noise: not the same factor either.
        var rescaled = refitted with
        {
            Standardisation = refitted.Standardisation with { Scale = refitted.Standardisation.Scale.Select(x => 2 * x).ToArray() },
        };
        ConditionedModel.Condition(Grid, history, rescaled, Options, cache).Dispose();
        Assert.Equal((4, 0), (cache.FromScratch, cache.Extended));

        ConditionedModel.Condition(Grid, history, rescaled, Options, cache).Dispose(); // nothing new: the same factor
        Assert.Equal((4, 1), (cache.FromScratch, cache.Extended));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BetweenRefitsADecisionExtendsTheFactorUnlessStandardErrorsMoveWithTheScales(bool standardErrors)
    {
        var history = History(3).Select(o => standardErrors ? o : o with { StandardError = null }).ToList();
        var options = Options with { FirstFitIterations = 10 };
        using var cache = new ConditioningCache(extendFrom: 0); // these histories are small
        using var first = StudyDecision.Decide(Grid, history.Take(30).ToList(), options, PlannerState.Empty, cache);
        var state = first.State with { FittedAt = 31 }; // as if fitted later: so few observations refit every round
        Assert.False(RefitSchedule.IsDue(31, 31));

        using var next = StudyDecision.Decide(Grid, history.Take(31).ToList(), options, state, cache);

        Assert.False(next.Refitted);
        var fresh = Standardisation.From(Grid.BenchmarkCount, history.Take(31).ToList()); // standardised afresh, as before
        Assert.Equal(fresh.Mean, next.Model.Fit.Standardisation.Mean);
        Assert.Equal(fresh.Scale, next.Model.Fit.Standardisation.Scale);
        // Without standard errors the training covariance does not see the scales: the factor is extended. With them, the
        // new scales move the known noise of earlier observations: factorised from scratch.
        Assert.Equal(standardErrors ? (2, 0) : (1, 1), (cache.FromScratch, cache.Extended));
        using var expected = ConditionedModel.Condition(Grid, history.Take(31).ToList(), next.Model.Fit, options);
        AssertSameModel(expected, next.Model);
    }

    [Fact]
    public void BelowTheSizeWhereItPaysTheFactorIsMadeFromScratch()
    {
        var history = History(4).Select(o => o with { StandardError = null }).ToList();
        var fit = FitOn(history.Take(20).ToList());
        using var cache = new ConditioningCache(extendFrom: 25);
        ConditionedModel.Condition(Grid, history.Take(20).ToList(), fit, Options, cache).Dispose();
        ConditionedModel.Condition(Grid, history.Take(30).ToList(), fit, Options, cache).Dispose(); // 20 cached: below 25
        ConditionedModel.Condition(Grid, history.Take(40).ToList(), fit, Options, cache).Dispose(); // 30 cached: extended
        Assert.Equal((2, 1), (cache.FromScratch, cache.Extended));
    }
}

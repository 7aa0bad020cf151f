using Bomax.Engine.Acquisition;
using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using TorchSharp;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid
using Bomax.Engine.Selection; // inside the namespace, or Selection would mean the namespace Bomax.Engine.Selection

/// <summary>A long study must not accumulate native tensors: every round's tensors are disposed.</summary>
public class TensorLifetimeTests
{
    [Fact]
    public void RoundsOfFitConditionAcquireAndSelectLeaveNoLiveTensors()
    {
        var random = new Random(7);
        var grid = new Grid(
            Enumerable.Range(0, 20).Select(i => new Checkpoint($"checkpoint-{(i + 1) * 10}", (i + 1) * 10)),
            Enumerable.Range(0, 5).Select(j => new Benchmark($"task{j}")));
        double Score(Cell c) => 0.5 + 0.1 * Math.Sin(c.Checkpoint / 4.0) + 0.05 * c.Benchmark + 0.01 * random.NextDouble();
        var observations = InitialDesign.Cells(grid, 2, 0).Select(c => new Observation(c, Score(c))).ToList();
        var options = new EngineOptions { Device = ComputeDevice.Cpu, RefitIterations = 3, FirstFitIterations = 5, ProbabilitySamples = 256 };
        ModelFit? fit = null;
        var live = new List<long>();
        for (int round = 0; round < 24; round++)
        {
            fit = HyperparameterFit.Fit(grid, observations, options, fit?.Hyperparameters);
            using (var model = ConditionedModel.Condition(grid, observations, fit, options))
            {
                var rows = model.Rows();
                var suggestion = AverageImprovement.Best(model, rows.Marginals(), options.Acquisition, observations.Select(o => o.Cell).ToHashSet());
                Selection.From(grid, rows, options.ProbabilitySamples, round);
                Assert.NotNull(suggestion);
                observations.Add(new Observation(suggestion!.Cell, Score(suggestion.Cell)));
            }
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        // After warm-up the number of live tensors on this thread stays exactly flat.
        Assert.All(live.Skip(4), count => Assert.Equal(live[4], count));
        Assert.True(live[^1] < 50, $"{live[^1]} tensors still alive after the rounds");
    }
}

using Bomax.Engine.Model;
using TorchSharp;

namespace Bomax.Engine.Tests.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>The fit's objective and the gradient it hands the optimiser agree: central differences of the value match the gradient.</summary>
public class ObjectiveGradientTests
{
    [Theory]
    [InlineData(0, false, StepKernel.Matern52)]
    [InlineData(1, false, StepKernel.Matern52)]
    [InlineData(1, true, StepKernel.Matern52)]
    [InlineData(0, false, StepKernel.Matern32)]
    [InlineData(1, true, StepKernel.Matern32)]
    [InlineData(2, false, StepKernel.Rbf)]
    public void GradientMatchesCentralDifferences(int seed, bool warping, StepKernel kernel)
    {
        var grid = new Grid(Enumerable.Range(0, 9).Select(i => new Checkpoint($"c{i}", 100 * (i + 1))).ToList(),
            Enumerable.Range(0, 4).Select(j => new Benchmark($"b{j}", 1.0)).ToList());
        var random = new Random(seed);
        var observations = Enumerable.Range(0, grid.CellCount).Select(grid.CellAt).Where(_ => random.NextDouble() < 0.6)
            .Select(c => new Observation(c, 0.5 + 0.05 * Math.Sin(c.Checkpoint * 0.7 + c.Benchmark) + 0.01 * random.NextDouble())).ToList();
        var options = new EngineOptions { InputWarping = warping, Kernel = kernel };
        var layout = Hyperparameters.Initial(grid.BenchmarkCount, 1, options);
        var raw = layout.Raw.Select(r => r + 0.3 * (random.NextDouble() - 0.5)).ToArray();
        using var scope = torch.NewDisposeScope();
        var data = TrainingSet.Build(grid, observations, Standardisation.From(grid.BenchmarkCount, observations), torch.CPU);
        var (_, gradient) = MarginalLikelihood.Evaluate(data, layout, raw, options);
        const double h = 1e-6;
        for (int p = 0; p < raw.Length; p++)
        {
            var up = (double[])raw.Clone(); up[p] += h;
            var down = (double[])raw.Clone(); down[p] -= h;
            double numeric = (MarginalLikelihood.Evaluate(data, layout, up, options).Value
                - MarginalLikelihood.Evaluate(data, layout, down, options).Value) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[p]) <= 1e-5 + 1e-4 * Math.Abs(numeric), $"parameter {p}: numeric {numeric}, "
                + $"analytic {gradient[p]}");
        }
    }
}

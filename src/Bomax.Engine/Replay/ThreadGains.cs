using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Replay;

/// <summary>What one operation of the engine took at one size, with one thread and with more: the best of a few repeats each.</summary>
/// <param name="Observations">The observations conditioned on (and fitted to: the likelihood sees them all).</param>
/// <param name="Operation">"condition" (one round's factorisation of the training covariance) or "likelihood" (one evaluation of
/// the fit's objective with its gradient).</param>
public sealed record ThreadGain(int Observations, string Operation, double OneThreadSeconds, int Threads, double ThreadsSeconds)
{
    /// <summary>How many times faster the operation ran with <see cref="Threads"/> than with one.</summary>
    public double Speedup => OneThreadSeconds / ThreadsSeconds;
}

/// <summary>
/// Measures what more LibTorch threads gain for the engine's two costly operations at each size, on a table's cells (a seeded
/// random share of the grid, the neutral hyperparameters): the measurement behind the default of one thread (docs/measurements.md, "The
/// engine's threads"). Reads the clock it is given; run it on the machine in the state you want to know about (idle, or beside
/// the evaluations).
/// </summary>
public static class ThreadGains
{
    public static IReadOnlyList<ThreadGain> Measure(ScoreTable table, IReadOnlyList<int> sizes, int threads, Func<double> clock, int seed = 0)
    {
        var grid = table.Grid;
        var options = new EngineOptions { Device = ComputeDevice.Cpu };
        var gains = new List<ThreadGain>();
        foreach (int size in sizes.Where(s => s > 0).Select(s => Math.Min(s, grid.CellCount)).Distinct())
        {
            var random = new Random(seed);
            var observations = Enumerable.Range(0, grid.CellCount).OrderBy(_ => random.Next()).Take(size)
                .Select(k => table.ObservationOf(grid.CellAt(k))).ToList();
            var fit = new ModelFit(Hyperparameters.Initial(grid.BenchmarkCount, options.ResolvedTaskRank(grid.BenchmarkCount), options),
                Standardisation.From(grid.BenchmarkCount, observations), new FitReport(double.NaN, double.NaN, 0, false, "neutral"));
            int repeats = size <= 1000 ? 5 : 2;
            double Seconds(int t, Action<EngineOptions> operation)
            {
                var withThreads = options with { Threads = t }; // conditioning sets the options' threads itself
                TorchDevice.UseThreads(t);
                double best = double.PositiveInfinity;
                for (int r = 0; r < repeats; r++)
                {
                    double start = clock();
                    NativeCalls.WithoutCollections(() => { operation(withThreads); return 0; });
                    best = Math.Min(best, clock() - start);
                }
                return best;
            }
            void Condition(EngineOptions o) { using var model = ConditionedModel.Condition(grid, observations, fit, o); }
            void Likelihood(EngineOptions o)
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                var data = TrainingSet.Build(grid, observations, fit.Standardisation, TorchDevice.Cpu);
                MarginalLikelihood.Evaluate(data, fit.Hyperparameters, fit.Hyperparameters.Raw, o);
            }
            gains.Add(new ThreadGain(size, "condition", Seconds(1, Condition), threads, Seconds(threads, Condition)));
            gains.Add(new ThreadGain(size, "likelihood", Seconds(1, Likelihood), threads, Seconds(threads, Likelihood)));
        }
        TorchDevice.UseThreads(1);
        return gains;
    }
}

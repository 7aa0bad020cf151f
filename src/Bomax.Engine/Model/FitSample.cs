using Bomax.Engine.Grid;

namespace Bomax.Engine.Model;

/// <summary>
/// The observations a hyperparameter fit sees. One marginal likelihood with its gradient costs O(n³) time and O(n²)
/// memory (one thread: about 0.3 s at 1,200 observations, 1.3 s at 2,000, 10 s at 4,000), while the MAP estimate of
/// the hyperparameters is already sharp from a couple of thousand observations. Above
/// <see cref="EngineOptions.FitObservationLimit"/> the fit therefore uses a seeded random subset of that size, drawn
/// within each benchmark in proportion to its observations and at least two of each (a benchmark's level is unknown,
/// so its scores inform its hyperparameters only through differences). The limit holds whatever the number of
/// benchmarks: when two cells of every benchmark would already exceed it (2,000 benchmarks), the sample keeps whole
/// benchmarks in a seeded order up to the limit and leaves the others out of this fit (<see cref="Sample.LeftOut"/>);
/// the fit does not move their hyperparameters, and the next refit, with another seed, sees another share. Without
/// that a fit's size grew with twice the benchmarks: 4,000 observations at 2,000 benchmarks, 10 s an evaluation.
/// Conditioning and the posterior always use every observation.
/// </summary>
public static class FitSample
{
    /// <summary>The observations a fit sees, and the benchmarks that have observations but none among them.</summary>
    public sealed record Sample(IReadOnlyList<Observation> Observations, IReadOnlySet<int> LeftOut);

    static readonly IReadOnlySet<int> None = new HashSet<int>();

    public static Sample Of(IReadOnlyList<Observation> observations, int limit, int seed)
    {
        if (limit <= 0 || observations.Count <= limit) return new Sample(observations, None);
        var random = new Random(seed);
        double share = (double)limit / observations.Count;
        var chosen = new List<List<Observation>>();
        foreach (var benchmark in observations.GroupBy(o => o.Cell.Benchmark).OrderBy(g => g.Key))
        {
            var cells = benchmark.ToList();
            // Round the expected count stochastically so the total stays close to the limit, and keep at least 2.
            double expected = cells.Count * share;
            int take = Math.Min(cells.Count, Math.Max(2, (int)expected + (random.NextDouble() < expected - Math.Floor(expected) ? 1 : 0)));
            chosen.Add(cells.OrderBy(_ => random.Next()).Take(take).ToList());
        }
        if (chosen.Sum(c => c.Count) <= limit) return new Sample(chosen.SelectMany(c => c).ToList(), None);

        // Too many benchmarks for two cells each: whole benchmarks, in a seeded order, while they fit.
        var sample = new List<Observation>(limit);
        var leftOut = new HashSet<int>();
        foreach (var cells in chosen.OrderBy(_ => random.Next()))
        {
            if (sample.Count + cells.Count <= limit) sample.AddRange(cells);
            else leftOut.Add(cells[0].Cell.Benchmark);
        }
        return new Sample(sample, leftOut);
    }
}

namespace Bomax.Engine;

/// <summary>
/// The observations a hyperparameter fit sees. Hyperparameters are a few hundred global numbers, and
/// their MAP estimate is already sharp from a couple of thousand observations, while one marginal
/// likelihood with its gradient costs O(n³) time and O(n²) memory (at 4000 observations about 4 s and
/// several GiB on 2 cores, at 2000 about 0.3 s). Above <see cref="EngineOptions.FitObservationLimit"/>
/// the fit therefore uses a seeded random subset of that size, drawn within each benchmark in proportion
/// to its observations so every benchmark keeps its share. Conditioning and the posterior always use
/// every observation.
/// </summary>
public static class FitSample
{
    public static IReadOnlyList<Observation> Of(IReadOnlyList<Observation> observations, int limit, int seed)
    {
        if (limit <= 0 || observations.Count <= limit) return observations;
        var random = new Random(seed);
        double share = (double)limit / observations.Count;
        var sample = new List<Observation>(limit);
        foreach (var benchmark in observations.GroupBy(o => o.Cell.Benchmark).OrderBy(g => g.Key))
        {
            var cells = benchmark.ToList();
            // Round the expected count stochastically so the total stays close to the limit, and keep at least 2.
            double expected = cells.Count * share;
            int take = Math.Min(cells.Count, Math.Max(2, (int)expected + (random.NextDouble() < expected - Math.Floor(expected) ? 1 : 0)));
            sample.AddRange(cells.OrderBy(_ => random.Next()).Take(take));
        }
        return sample;
    }
}

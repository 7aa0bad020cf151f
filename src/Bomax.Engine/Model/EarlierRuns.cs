namespace Bomax.Engine.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// One earlier run's scores, aligned to a study's benchmarks: <see cref="Grid"/> has the earlier run's checkpoints and the
/// study's benchmarks (in the study's order), and <see cref="Observations"/> are the earlier run's scores of the benchmarks the
/// two share, by name. <see cref="Source"/> names where they came from (a file) for reports.
/// </summary>
public sealed record EarlierRun(Grid Grid, IReadOnlyList<Observation> Observations, string Source)
{
    /// <summary>The study's benchmarks this run has scores for.</summary>
    public int MatchedBenchmarks => Observations.Select(o => o.Cell.Benchmark).Distinct().Count();

    /// <summary>
    /// The earlier run <paramref name="earlier"/> (its grid and observations) aligned to <paramref name="study"/>'s benchmarks by
    /// name (ordinal): its scores of benchmarks the study does not have are left out, and the study's benchmarks it does not have
    /// get none. Its checkpoints keep their own steps: each run's steps are normalised over its own length, so runs of different
    /// lengths meet at the same share of training.
    /// </summary>
    public static EarlierRun Align(Grid study, Grid earlier, IReadOnlyList<Observation> observations, string source)
    {
        var index = study.Benchmarks.Select((b, j) => (b.Name, j)).ToDictionary(p => p.Name, p => p.j, StringComparer.Ordinal);
        var aligned = new Grid(earlier.Checkpoints, study.Benchmarks);
        var kept = observations
            .Where(o => index.ContainsKey(earlier.Benchmarks[o.Cell.Benchmark].Name))
            .Select(o => o with { Cell = new Cell(o.Cell.Checkpoint, index[earlier.Benchmarks[o.Cell.Benchmark].Name]) })
            .ToList();
        return new EarlierRun(aligned, kept, source);
    }
}

/// <summary>
/// What earlier runs of the same recipe say about a study's hyperparameters: their likelihood joins the study's own in every
/// fit (<see cref="HyperparameterFit"/>), each run weighted by <see cref="Weight"/>, and the fit starts from the hyperparameters
/// the earlier runs give alone. The runs share the study's kernel — benchmark covariance, lengthscale, noise, jitter — but not
/// their levels or curves: each is standardised on its own and has its own checkpoints. So a family's task covariance and
/// noise carry over while each run finds its own best checkpoint, and a run unlike this one is outweighed as the study's own
/// cells accumulate. Runs with no benchmark in common with the study are dropped.
/// </summary>
public sealed class EarlierRuns
{
    /// <summary>The weight of all earlier runs together in a fit, in runs: the family counts as one run however many it has.</summary>
    public const double TotalWeight = 1.0;

    /// <summary>At most this many observations of all earlier runs together inform a fit, shared equally among the runs (a seeded
    /// subset of each above its share; see <see cref="FitSample"/>): each costs a study's fit as much as one of its own.</summary>
    public const int ObservationLimit = 200;

    readonly Dictionary<int, Hyperparameters> alone = new();
    readonly Lock gate = new();
    double[]? variances;

    public EarlierRuns(IEnumerable<EarlierRun> runs) => Runs = runs.Where(r => r.Observations.Count > 0).ToList();

    public IReadOnlyList<EarlierRun> Runs { get; }

    public bool IsEmpty => Runs.Count == 0;

    /// <summary>Each run's weight in a fit: <see cref="TotalWeight"/> shared equally.</summary>
    public double Weight => IsEmpty ? 0.0 : TotalWeight / Runs.Count;

    /// <summary>The earlier runs' observations a fit sees, each run sampled to its share of <see cref="ObservationLimit"/> with a fixed
    /// seed.</summary>
    public IReadOnlyList<IReadOnlyList<Observation>> Samples() =>
        Runs.Select((r, k) => FitSample.Of(r.Observations, ObservationLimit / Runs.Count, k).Observations).ToList();

    /// <summary>The runs by source, with their observation counts and score sums: what keys a decision made with them (a study's
    /// saved state is reused only with the same earlier runs).</summary>
    public override string ToString() => "EarlierRuns { " + string.Join(", ", Runs.Select(r =>
        FormattableString.Invariant($"{r.Source} ({r.Observations.Count}, {r.Observations.Sum(o => o.Score):R})"))) + " }";

    /// <summary>Each of the study's <paramref name="benchmarks"/>' score variance over a whole earlier run, averaged over the runs
    /// with two scores of it or more (0 where none has): what a study's scale of that benchmark is shrunk toward
    /// (<see cref="Standardisation"/>), so that the study's standardised units are the ones these runs' hyperparameters were
    /// fitted in. Computed once.</summary>
    public IReadOnlyList<double> Variances(int benchmarks)
    {
        lock (gate)
        {
            if (variances is { } known && known.Length == benchmarks) return known;
            var sum = new double[benchmarks];
            var count = new int[benchmarks];
            foreach (var scores in Runs.SelectMany(r => r.Observations.GroupBy(o => o.Cell.Benchmark, o => o.Score)))
            {
                var values = scores.ToArray();
                if (values.Length < 2) continue;
                double mean = values.Average();
                sum[scores.Key] += values.Sum(y => (y - mean) * (y - mean)) / (values.Length - 1);
                count[scores.Key]++;
            }
            return variances = sum.Select((total, j) => count[j] > 0 ? total / count[j] : 0.0).ToArray();
        }
    }

    /// <summary>The hyperparameters of rank <paramref name="rank"/> the earlier runs give on their own (fitted once, then kept): where a
    /// study's first fit starts.</summary>
    public Hyperparameters Alone(int benchmarks, int rank, EngineOptions options)
    {
        lock (gate)
        {
            if (alone.TryGetValue(rank, out var known)) return known;
            var fitted = HyperparameterFit.FitEarlierRuns(this, benchmarks, rank, options);
            alone[rank] = fitted;
            return fitted;
        }
    }
}

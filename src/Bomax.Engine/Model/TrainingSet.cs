using static TorchSharp.torch;

namespace Bomax.Engine.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The observations as tensors on one device (float64): checkpoint index <c>n</c>, benchmark index
/// <c>n</c>, standardised scores <c>n</c>, known noise variance <c>n</c> (from reported standard errors),
/// same-checkpoint and same-benchmark masks <c>n x n</c>, and the normalised steps of all checkpoints <c>N</c>.
/// Owned by the caller's dispose scope.
/// </summary>
internal sealed record TrainingSet(Tensor Checkpoint, Tensor Benchmark, Tensor Scores, Tensor KnownNoise,
    Tensor SameCheckpoint, Tensor SameBenchmark, Tensor Steps, Device Device)
{
    public int Count => (int)Scores.shape[0];

    /// <summary>For observations of several independent runs stacked into one set (<see cref="Stack"/>): 1 where two observations
    /// are of the same run, <c>n x n</c>; null for one run.</summary>
    public Tensor? SameRun { get; init; }

    /// <summary>
    /// Independent runs as one set whose covariance is block-diagonal by run (<see cref="SameRun"/>): each run's checkpoints are
    /// its own (indices offset run by run, <see cref="Steps"/> each run's own normalised steps) and each run's scores are
    /// standardised on their own. Its marginal likelihood is the sum of the runs', for one kernel and one factorisation instead
    /// of one per run.
    /// </summary>
    public static TrainingSet Stack(IReadOnlyList<(Grid Grid, IReadOnlyList<Observation> Observations)> runs, Device device)
    {
        var checkpoints = new List<long>();
        var benchmarks = new List<long>();
        var scores = new List<double>();
        var known = new List<double>();
        var run = new List<long>();
        var steps = new List<double>();
        for (int r = 0; r < runs.Count; r++)
        {
            var (grid, observations) = runs[r];
            var standardisation = Standardisation.From(grid.BenchmarkCount, observations);
            long offset = steps.Count;
            checkpoints.AddRange(observations.Select(o => offset + o.Cell.Checkpoint));
            benchmarks.AddRange(observations.Select(o => (long)o.Cell.Benchmark));
            scores.AddRange(observations.Select(standardisation.Apply));
            known.AddRange(observations.Select(o => KnownNoiseOf(o, standardisation)));
            run.AddRange(observations.Select(_ => (long)r));
            steps.AddRange(grid.NormalisedSteps());
        }
        var c = tensor(checkpoints.ToArray(), dtype: int64, device: device);
        var t = tensor(benchmarks.ToArray(), dtype: int64, device: device);
        var k = tensor(run.ToArray(), dtype: int64, device: device);
        return new TrainingSet(c, t,
            tensor(scores.ToArray(), dtype: float64, device: device),
            tensor(known.ToArray(), dtype: float64, device: device),
            c.unsqueeze(1).eq(c.unsqueeze(0)).to(float64),
            t.unsqueeze(1).eq(t.unsqueeze(0)).to(float64) * k.unsqueeze(1).eq(k.unsqueeze(0)).to(float64),
            tensor(steps.ToArray(), dtype: float64, device: device),
            device)
        {
            SameRun = k.unsqueeze(1).eq(k.unsqueeze(0)).to(float64),
        };
    }

    public static TrainingSet Build(Grid grid, IReadOnlyList<Observation> observations, Standardisation standardisation, Device device)
    {
        var checkpoints = observations.Select(o => (long)o.Cell.Checkpoint).ToArray();
        var benchmarks = observations.Select(o => (long)o.Cell.Benchmark).ToArray();
        var scores = observations.Select(standardisation.Apply).ToArray();
        var known = observations.Select(o => KnownNoiseOf(o, standardisation)).ToArray();
        var c = tensor(checkpoints, dtype: int64, device: device);
        var t = tensor(benchmarks, dtype: int64, device: device);
        return new TrainingSet(c, t,
            tensor(scores, dtype: float64, device: device),
            tensor(known, dtype: float64, device: device),
            c.unsqueeze(1).eq(c.unsqueeze(0)).to(float64),
            t.unsqueeze(1).eq(t.unsqueeze(0)).to(float64),
            tensor(grid.NormalisedSteps(), dtype: float64, device: device),
            device);
    }

    /// <summary>The noise variance an observation's reported standard error gives, in standardised units (0 without one).</summary>
    public static double KnownNoiseOf(Observation o, Standardisation standardisation) =>
        o.HasStandardError ? Math.Pow(o.StandardError!.Value / standardisation.Scale[o.Cell.Benchmark], 2) : 0.0;
}

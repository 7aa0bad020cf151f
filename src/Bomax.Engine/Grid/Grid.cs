using System.Collections.Immutable;

namespace Bomax.Engine.Grid;

/// <summary>A training checkpoint: its name (as the user knows it) and its training step.</summary>
public sealed record Checkpoint(string Name, long Step);

/// <summary>A benchmark and its weight in the average (any positive number; weights are normalised).</summary>
public sealed record Benchmark(string Name, double Weight = 1.0);

/// <summary>One (checkpoint, benchmark) pair, by index into the grid.</summary>
public readonly record struct Cell(int Checkpoint, int Benchmark);

/// <summary>
/// The checkpoints (ordered by step) × benchmarks grid a study searches. The score of a checkpoint is
/// the weighted average of its benchmark scores with <see cref="Weights"/>, which sum to 1.
/// </summary>
public sealed record Grid
{
    public ImmutableArray<Checkpoint> Checkpoints { get; }
    public ImmutableArray<Benchmark> Benchmarks { get; }
    /// <summary>Normalised benchmark weights, length M, summing to 1.</summary>
    public ImmutableArray<double> Weights { get; }

    public Grid(IEnumerable<Checkpoint> checkpoints, IEnumerable<Benchmark> benchmarks)
    {
        Checkpoints = checkpoints.OrderBy(c => c.Step).ToImmutableArray();
        Benchmarks = benchmarks.ToImmutableArray();
        if (Checkpoints.Length < 1) throw new ArgumentException("a grid needs at least one checkpoint");
        if (Benchmarks.Length < 1) throw new ArgumentException("a grid needs at least one benchmark");
        if (Benchmarks.Any(b => !(b.Weight > 0) || double.IsInfinity(b.Weight)))
            throw new ArgumentException("benchmark weights must be positive and finite");
        double total = Benchmarks.Sum(b => b.Weight);
        Weights = Benchmarks.Select(b => b.Weight / total).ToImmutableArray();
    }

    public int CheckpointCount => Checkpoints.Length;
    public int BenchmarkCount => Benchmarks.Length;
    public int CellCount => Checkpoints.Length * Benchmarks.Length;

    /// <summary>Row-major index of a cell: checkpoint * M + benchmark.</summary>
    public int IndexOf(Cell cell) => cell.Checkpoint * Benchmarks.Length + cell.Benchmark;
    public Cell CellAt(int index) => new(index / Benchmarks.Length, index % Benchmarks.Length);

    /// <summary>Training steps mapped to [0, 1] (all 0 for a single checkpoint), length N.</summary>
    public double[] NormalisedSteps()
    {
        long first = Checkpoints[0].Step, last = Checkpoints[^1].Step;
        double span = Math.Max(1, last - first);
        return Checkpoints.Select(c => (c.Step - first) / span).ToArray();
    }
}

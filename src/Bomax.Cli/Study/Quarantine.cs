using Bomax.Engine;

namespace Bomax.Cli.Study;

/// <summary>
/// Benchmarks and checkpoints whose every evaluation has failed, on at least
/// <see cref="FailuresBeforeQuarantine"/> different pairs: a broken benchmark command or a corrupt
/// checkpoint. The model finds their cells the most uncertain of all and would keep choosing them, so
/// their remaining cells are left out of planning until one of their evaluations succeeds (a later run,
/// after the fix, tries them again because the journal's failures are per pair).
/// </summary>
internal sealed record Quarantine(IReadOnlyList<int> Benchmarks, IReadOnlyList<int> Checkpoints)
{
    public const int FailuresBeforeQuarantine = 2;

    public static Quarantine From(Grid grid, IReadOnlyList<Observation> observations, IReadOnlySet<Cell> failed)
    {
        var benchmarkSucceeded = new bool[grid.BenchmarkCount];
        var checkpointSucceeded = new bool[grid.CheckpointCount];
        foreach (var o in observations) { benchmarkSucceeded[o.Cell.Benchmark] = true; checkpointSucceeded[o.Cell.Checkpoint] = true; }
        var benchmarkFailures = new int[grid.BenchmarkCount];
        var checkpointFailures = new int[grid.CheckpointCount];
        foreach (var cell in failed) { benchmarkFailures[cell.Benchmark]++; checkpointFailures[cell.Checkpoint]++; }
        return new Quarantine(
            Enumerable.Range(0, grid.BenchmarkCount).Where(j => !benchmarkSucceeded[j] && benchmarkFailures[j] >= FailuresBeforeQuarantine).ToList(),
            Enumerable.Range(0, grid.CheckpointCount).Where(i => !checkpointSucceeded[i] && checkpointFailures[i] >= FailuresBeforeQuarantine).ToList());
    }

    /// <summary>The failed pairs plus every cell of a quarantined benchmark or checkpoint: what planning must skip.</summary>
    public HashSet<Cell> Excluding(Grid grid, IReadOnlySet<Cell> failed)
    {
        var excluded = new HashSet<Cell>(failed);
        foreach (int j in Benchmarks) for (int i = 0; i < grid.CheckpointCount; i++) excluded.Add(new Cell(i, j));
        foreach (int i in Checkpoints) for (int j = 0; j < grid.BenchmarkCount; j++) excluded.Add(new Cell(i, j));
        return excluded;
    }

    /// <summary>One warning per quarantined benchmark or checkpoint.</summary>
    public IEnumerable<string> Warnings(Grid grid)
    {
        foreach (int j in Benchmarks)
            yield return $"benchmark {grid.Benchmarks[j].Name}: every evaluation failed so far; its other pairs are skipped in this run (fix its command and run again)";
        foreach (int i in Checkpoints)
            yield return $"checkpoint {grid.Checkpoints[i].Name}: every evaluation failed so far; its other pairs are skipped in this run (check the checkpoint and run again)";
    }
}

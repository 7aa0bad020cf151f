using Bomax.Engine.Grid;

namespace Bomax.Cli.Study;

/// <summary>
/// Benchmarks and checkpoints whose every evaluation has failed, on at least
/// <see cref="FailuresBeforeQuarantine"/> different pairs: a broken benchmark command or a corrupt
/// checkpoint. The model finds their cells the most uncertain of all and would keep choosing them, so
/// their remaining cells are left out of planning until one of their evaluations succeeds (a later run,
/// after the fix, tries them again: failures recorded before a change of the benchmark's command or score
/// rule no longer count). A failure counts towards only one of the two: failures on a quarantined benchmark
/// do not make its checkpoints suspect, so a broken benchmark never quarantines healthy checkpoints.
/// </summary>
internal sealed record Quarantine(IReadOnlyList<int> Benchmarks, IReadOnlyList<int> Checkpoints)
{
    public const int FailuresBeforeQuarantine = 2;

    public static Quarantine From(Grid grid, IReadOnlyList<Observation> observations, IReadOnlySet<Cell> failed)
    {
        var benchmarkSucceeded = new bool[grid.BenchmarkCount];
        var checkpointSucceeded = new bool[grid.CheckpointCount];
        foreach (var o in observations) { benchmarkSucceeded[o.Cell.Benchmark] = true; checkpointSucceeded[o.Cell.Checkpoint] = true; }

        // Benchmarks first (a broken command is the common cause), then checkpoints from the failures the broken
        // benchmarks do not explain, then the benchmarks again without the failures those checkpoints explain.
        var benchmarks = Suspects(grid.BenchmarkCount, benchmarkSucceeded, failed, c => c.Benchmark, _ => true);
        var checkpoints = Suspects(grid.CheckpointCount, checkpointSucceeded, failed, c => c.Checkpoint, c => !benchmarks.Contains(c.Benchmark));
        benchmarks = Suspects(grid.BenchmarkCount, benchmarkSucceeded, failed, c => c.Benchmark, c => !checkpoints.Contains(c.Checkpoint));
        return new Quarantine(benchmarks.Order().ToList(), checkpoints.Order().ToList());
    }

    /// <summary>The indices (by <paramref name="index"/>) with no success and at least <see cref="FailuresBeforeQuarantine"/>
    /// failed pairs among those <paramref name="counts"/> admits.</summary>
    static HashSet<int> Suspects(int count, bool[] succeeded, IReadOnlySet<Cell> failed, Func<Cell, int> index, Func<Cell, bool> counts)
    {
        var failures = new int[count];
        foreach (var cell in failed) if (counts(cell)) failures[index(cell)]++;
        return Enumerable.Range(0, count).Where(k => !succeeded[k] && failures[k] >= FailuresBeforeQuarantine).ToHashSet();
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
            yield return $"benchmark {grid.Benchmarks[j].Name}: every evaluation failed so far; "
                + $"its other pairs are skipped in this run (fix its command and run again)";
        foreach (int i in Checkpoints)
            yield return $"checkpoint {grid.Checkpoints[i].Name}: every evaluation failed so far; "
                + $"its other pairs are skipped in this run (check the checkpoint and run again)";
    }
}

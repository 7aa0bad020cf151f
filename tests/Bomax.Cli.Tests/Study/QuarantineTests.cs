using Bomax.Cli.Study;
using Bomax.Engine.Grid;

namespace Bomax.Cli.Tests.Study;

public class QuarantineTests
{
    static readonly Grid Grid = new(
        Enumerable.Range(0, 5).Select(i => new Checkpoint($"ckpt-{i}", i)),
        new[] { new Benchmark("a"), new Benchmark("b"), new Benchmark("c") });

    [Fact]
    public void ABenchmarkOrCheckpointThatOnlyEverFailedTwiceIsSkippedUntilOneOfItsEvaluationsSucceeds()
    {
        var observations = new List<Observation> { new(new Cell(0, 0), 0.5), new(new Cell(1, 1), 0.6) };
        var failed = new HashSet<Cell> { new(0, 2), new(2, 2), new(3, 0), new(3, 1), new(4, 0) };

        var quarantine = Quarantine.From(Grid, observations, failed);

        Assert.Equal([2], quarantine.Benchmarks);  // c: two failures, no success
        Assert.Equal([3], quarantine.Checkpoints); // ckpt-3: two failures, no success; ckpt-4 failed once only
        var excluded = quarantine.Excluding(Grid, failed);
        Assert.Superset(failed, excluded);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Contains(new Cell(i, 2), excluded));
        Assert.All(Enumerable.Range(0, 3), j => Assert.Contains(new Cell(3, j), excluded));
        Assert.DoesNotContain(new Cell(4, 1), excluded);
        Assert.Equal(2, quarantine.Warnings(Grid).Count());
        Assert.Contains(quarantine.Warnings(Grid), w => w.StartsWith("benchmark c: every evaluation failed so far"));

        // One success lifts it: the benchmark works after all, its failures were the pairs' own.
        var lifted = Quarantine.From(Grid, [.. observations, new(new Cell(1, 2), 0.4)], failed);
        Assert.Empty(lifted.Benchmarks);
    }

    [Fact]
    public void FailuresOfABrokenBenchmarkDoNotQuarantineTheHealthyCheckpointsTheyFellOn()
    {
        // Benchmark c is broken (every pair failed). ckpt-3 and ckpt-4 each failed on c and once more elsewhere:
        // counting c's failures against them would quarantine two healthy checkpoints.
        var observations = new List<Observation> { new(new Cell(0, 0), 0.5), new(new Cell(1, 1), 0.6) };
        var failed = new HashSet<Cell> { new(2, 2), new(3, 2), new(4, 2), new(3, 0), new(4, 1) };

        var quarantine = Quarantine.From(Grid, observations, failed);

        Assert.Equal([2], quarantine.Benchmarks);
        Assert.Empty(quarantine.Checkpoints); // ckpt-3 and ckpt-4 have one failure each that c does not explain

        // A checkpoint that also fails on two healthy benchmarks is still quarantined.
        var corrupt = Quarantine.From(Grid, observations, new HashSet<Cell>([.. failed, new(2, 0), new(2, 1)]));
        Assert.Equal([2], corrupt.Benchmarks);
        Assert.Equal([2], corrupt.Checkpoints);
    }
}

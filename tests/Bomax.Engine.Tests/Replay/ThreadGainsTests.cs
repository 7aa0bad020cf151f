using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Replay;

public class ThreadGainsTests
{
    [Fact]
    public void EachSizeWithinTheGridIsMeasuredOnceForBothOperationsAndTheThreadsAreLeftAtOne()
    {
        var table = SyntheticTable.Generate(10, 4, 3);
        double now = 0;
        var calls = new List<double>();
        // A fake clock: every reading is 1 s after the last, so each timed stretch reads two ticks apart.
        var gains = ThreadGains.Measure(table, [30, 30, 5000, 0], threads: 2, () => { calls.Add(now); return now += 1; });

        Assert.Equal([(30, "condition"), (30, "likelihood"), (40, "condition"), (40, "likelihood")],
            gains.Select(g => (g.Observations, g.Operation)));
        Assert.All(gains, g => { Assert.Equal(2, g.Threads); Assert.Equal(1.0, g.OneThreadSeconds); Assert.Equal(1.0, g.Speedup); });
        // 5 repeats of each of 2 thread counts × 2 operations × 2 sizes, two readings each.
        Assert.Equal(5 * 2 * 2 * 2 * 2, calls.Count);
        Assert.Equal(1, TorchSharp.torch.get_num_threads());
    }
}

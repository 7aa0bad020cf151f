using Bomax.Engine.Posterior;

namespace Bomax.Engine.Tests.Posterior;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

public class StepCrowdingTests
{
    static Grid Steps(params long[] steps) =>
        new(steps.Select(s => new Checkpoint($"checkpoint-{s}", s)), [new Benchmark("arc")]);

    [Fact]
    public void EvenlySpacedCheckpointsAreNotCrowdedAndKeepTheFittedJitter()
    {
        var grid = TestGrids.EveryHundredSteps(12, 1);
        Assert.All(StepCrowding.Of(grid), c => Assert.Equal(0.0, c, 12));
        Assert.Null(StepCrowding.JitterFactors(grid, 6));
    }

    [Fact]
    public void PythiasLogSpacedStartIsCrowdedAndItsEvenlySpacedRestIsNot()
    {
        // Pythia's 27 checkpoints: steps 0, 1, 2, 4, …, 512, 1000 and 3000, then every 10,000 to 143,000.
        var steps = new long[] { 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 3000 }
            .Concat(Enumerable.Range(0, 14).Select(k => 13_000L + 10_000L * k)).ToArray();
        var crowding = StepCrowding.Of(Steps(steps));
        var factors = StepCrowding.JitterFactors(Steps(steps), 6)!;

        Assert.All(crowding.Take(11), c => Assert.True(c > 0.9, $"{c}"));       // steps 0 … 512: all within 0.4 % of the run
        Assert.InRange(crowding[11], 0.7, 0.8);                                // step 1000: half-gaps of 488 and 2000 steps
        Assert.All(crowding.Skip(12), c => Assert.Equal(0.0, c));               // 3000 on: gaps as wide as even spacing, or wider
        Assert.All(factors.Take(11), f => Assert.InRange(f, 5.5, 6.0));
        Assert.All(factors.Skip(12), f => Assert.Equal(1.0, f));
    }

    [Fact]
    public void CrowdingGrowsAsNeighboursCloseInAndCheckpointsOnOneStepAreFullyCrowded()
    {
        // Five checkpoints over 400 steps: evenly spaced every 100; the middle one's neighbours moved in.
        Assert.Equal([0, 0, 0.5, 0, 0], StepCrowding.Of(Steps(0, 150, 200, 250, 400)).Select(c => Math.Round(c, 12)));
        Assert.Equal(1.0, StepCrowding.Of(Steps(0, 200, 200, 200, 400))[2]);
        Assert.Equal([1, 3.5, 6, 1, 1], StepCrowding.JitterFactors(Steps(0, 100, 100, 100, 400), 6)!);
    }

    [Fact]
    public void TwoCheckpointsOrOneAreNeverCrowded()
    {
        Assert.Equal([0.0, 0.0], StepCrowding.Of(Steps(0, 1)));
        Assert.Equal([0.0], StepCrowding.Of(Steps(7)));
    }
}

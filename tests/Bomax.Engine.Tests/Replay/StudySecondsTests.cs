using Bomax.Engine.Acquisition;
using Bomax.Engine.Grid;
using Bomax.Engine.Model;
using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Replay;

/// <summary>A simulated study's evaluation time: exact costs known from the start, or noisy seconds known only once measured.</summary>
public class StudySecondsTests
{
    static readonly Grid.Grid Grid = new(Enumerable.Range(0, 400).Select(i => new Checkpoint($"c{i}", i)),
        [new Benchmark("cheap"), new Benchmark("dear")]);

    static TimedReplaySettings Settings(double noise) =>
        new([0.1], new BenchmarkCosts([10, 500]), 2, new EngineOptions(), CostNoise: noise);

    [Fact]
    public void WithoutNoiseEveryEvaluationTakesItsCostAndTheCostsAreKnownFromTheStart()
    {
        var seconds = new StudySeconds(Grid, Settings(0), seed: 3);
        Assert.Equal([10.0, 500.0], seconds.Expected());
        Assert.Equal([10.0, 500.0], seconds.Known()!.Seconds);
        seconds.Evaluate(new Cell(0, 1));
        seconds.Evaluate(new Cell(5, 0));
        Assert.Equal(510, seconds.Spent);
    }

    [Fact]
    public void WithNoiseTheSameCellTakesTheSameSecondsInEveryStudyOfTheSeedAndTheirMedianIsTheCost()
    {
        var one = new StudySeconds(Grid, Settings(0.5), seed: 3);
        var other = new StudySeconds(Grid, Settings(0.5), seed: 3);
        var taken = Enumerable.Range(0, 400).Select(i => one.Taken(new Cell(i, 1))).ToList();
        Assert.Equal(taken, Enumerable.Range(0, 400).Select(i => other.Taken(new Cell(i, 1))));
        Assert.NotEqual(taken, Enumerable.Range(0, 400).Select(i => new StudySeconds(Grid, Settings(0.5), seed: 4).Taken(new Cell(i, 1))));
        Assert.InRange(ExpectedSeconds.Median(taken), 500 * Math.Exp(-0.1), 500 * Math.Exp(0.1)); // sd of the median: about 0.031 in log
        var logs = taken.Select(s => Math.Log(s / 500)).ToList();
        double spread = Math.Sqrt(logs.Sum(l => l * l) / logs.Count);
        Assert.InRange(spread, 0.45, 0.55);
    }

    [Fact]
    public void WithNoiseTheStudyKnowsOnlyWhatItMeasured()
    {
        var seconds = new StudySeconds(Grid, Settings(0.3), seed: 1);
        Assert.Equal([0.0, 0.0], seconds.Expected()); // nothing measured: nothing is expected not to fit
        Assert.Null(seconds.Known());                 // and the cost-aware engine chooses cost-blind, as a run does
        var first = new Cell(2, 1);
        seconds.Evaluate(first);
        Assert.Equal([seconds.Taken(first), seconds.Taken(first)], seconds.Expected()); // the other benchmark: the median of the measured
        var cheap = new[] { new Cell(0, 0), new Cell(1, 0), new Cell(2, 0) };
        foreach (var cell in cheap) seconds.Evaluate(cell);
        Assert.Equal(ExpectedSeconds.Median(cheap.Select(seconds.Taken).ToList()), seconds.Expected()[0], 12);
        var known = seconds.Known()!.Seconds;
        Assert.InRange(known[1] / known[0], 20, 120); // 50 × apart, measured with noise: the engine values them as far apart
        Assert.Equal(seconds.Taken(first) + cheap.Sum(seconds.Taken), seconds.Spent, 9);
    }
}

using Bomax.Engine.Design;
using Bomax.Engine.Model;
using Bomax.Engine.Study;

namespace Bomax.Engine.Tests.Study;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>The planner fills every batch it is asked for, from the design first, then from the model.</summary>
public class StudyPlannerTests
{
    static readonly Grid Grid = new(
        Enumerable.Range(0, 8).Select(i => new Checkpoint($"ckpt-{(i + 1) * 100}", (i + 1) * 100)),
        new[] { new Benchmark("arc"), new Benchmark("gsm8k"), new Benchmark("mmlu") });

    static double Score(Cell c) => 0.8 - 0.3 * Math.Pow((c.Checkpoint - 4) / 3.0, 2) + 0.01 * c.Benchmark;

    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu, FirstFitIterations = 10, RefitIterations = 5 };

    [Fact]
    public void AFreshBatchLargerThanTheDesignStartsWithTheDesignAndSpreadsFurther()
    {
        var design = InitialDesign.Cells(Grid, 2, Options.Seed);
        Assert.Equal(3, design.Count); // 8 checkpoints: one initial cell per benchmark

        using var plan = StudyPlanner.Next(Grid, [], Options, 2, null, 5, new HashSet<Cell>(), PlannerState.Empty);

        Assert.Equal(5, plan.Next.Count);
        Assert.Equal(5, plan.Next.Distinct().Count());
        Assert.Equal(design, plan.Next.Take(3));
        Assert.Null(plan.Decision); // nothing observed: no model yet
    }

    [Fact]
    public void ABatchLargerThanWhatIsLeftOfTheDesignIsFilledByTheModel()
    {
        var design = InitialDesign.Cells(Grid, 2, Options.Seed);
        var observations = design.Take(2).Select(c => new Observation(c, Score(c))).ToList();
        var excluded = new HashSet<Cell> { new(0, 0) };

        using var plan = StudyPlanner.Next(Grid, observations, Options, 2, null, 4, excluded, PlannerState.Empty);

        Assert.Equal(4, plan.Next.Count);
        Assert.Equal(design[2], plan.Next[0]); // the rest of the design first
        Assert.Equal(4, plan.Next.Distinct().Count());
        Assert.DoesNotContain(plan.Next, c => observations.Any(o => o.Cell == c) || excluded.Contains(c));
        Assert.NotNull(plan.Decision); // the model chose the other three
    }

    [Fact]
    public void WithABudgetTheModelChoosesAfterHalfOfIt()
    {
        var design = InitialDesign.Cells(Grid, 2, Options.Seed); // 3 cells
        var observations = design.Take(2).Select(c => new Observation(c, Score(c))).ToList();

        using var unbounded = StudyPlanner.Next(Grid, observations, Options, 2, null, 1, new HashSet<Cell>(), PlannerState.Empty);
        Assert.Equal(new[] { design[2] }, unbounded.Next); // the rest of the whole design
        Assert.Null(unbounded.Decision);

        using var bounded = StudyPlanner.Next(Grid, observations, Options, 2, 4, 1, new HashSet<Cell>(), PlannerState.Empty);
        Assert.Single(bounded.Next);
        Assert.NotNull(bounded.Decision); // 4 evaluations: the design is cut to 2, the model chooses the third
    }

    [Fact]
    public void UnderATimeBudgetWhatIsLeftOfTheDesignGoesCheapestBenchmarkFirstEachBenchmarksCellsTogether()
    {
        // 16 checkpoints: two initial cells per benchmark, benchmark by benchmark in the design's seeded order.
        var grid = new Grid(Enumerable.Range(0, 16).Select(i => new Checkpoint($"ckpt-{(i + 1) * 100}", (i + 1) * 100)), Grid.Benchmarks);
        var design = InitialDesign.Cells(grid, 2, Options.Seed);
        Assert.Equal(6, design.Count);
        var order = design.Select(c => c.Benchmark).Distinct().ToArray(); // the design's benchmarks, first to last
        var first = design.Take(1).Select(c => new Observation(c, Score(c))).ToList(); // one cell of the first benchmark evaluated

        // The first benchmark turned out dearest, the last cheapest: the last's cells, then the middle's, then the first's other.
        var seconds = new double[3];
        (seconds[order[0]], seconds[order[1]], seconds[order[2]]) = (600, 60, 6);
        using var timed = StudyPlanner.Next(grid, first, Options, 2, null, 5, new HashSet<Cell>(), PlannerState.Empty, timeBudgetSeconds: seconds);
        Assert.Equal(design.Skip(4).Concat(design.Skip(2).Take(2)).Append(design[1]), timed.Next);
        Assert.Null(timed.Decision); // still the design: no model

        // Without a time budget, or with every benchmark expected to take as long, the design's own order.
        using var untimed = StudyPlanner.Next(grid, first, Options, 2, null, 5, new HashSet<Cell>(), PlannerState.Empty);
        Assert.Equal(design.Skip(1), untimed.Next);
        using var even = StudyPlanner.Next(grid, first, Options, 2, null, 5, new HashSet<Cell>(), PlannerState.Empty,
            timeBudgetSeconds: [30, 30, 30]);
        Assert.Equal(design.Skip(1), even.Next);
        Assert.Throws<ArgumentException>(() =>
            StudyPlanner.Next(grid, first, Options, 2, null, 5, new HashSet<Cell>(), PlannerState.Empty, timeBudgetSeconds: [1, 2]));
    }

    [Fact]
    public void ACountOfZeroAsksOnlyForThePosteriorEvenWithDesignCellsLeft()
    {
        var design = InitialDesign.Cells(Grid, 2, Options.Seed);
        var observations = design.Take(2).Select(c => new Observation(c, Score(c))).ToList();

        using var plan = StudyPlanner.Next(Grid, observations, Options, 2, null, 0, new HashSet<Cell>(), PlannerState.Empty);

        Assert.Empty(plan.Next); // a spent budget suggests nothing, not the rest of the design
        Assert.NotNull(plan.Decision);
    }

    [Fact]
    public void CellsPendingElsewhereAreNeverChosenAndAreBelievedLikeTheBatchsOwn()
    {
        var design = InitialDesign.Cells(Grid, 2, Options.Seed);
        var observations = design.Select(c => new Observation(c, Score(c))).ToList();
        using var fresh = StudyPlanner.Next(Grid, observations, Options, 2, null, 3, new HashSet<Cell>(), PlannerState.Empty);

        // Another worker holds the first cell this planner would choose: the next two are the ones the batch would
        // have chosen after it, since believing a pending cell is what the batch does with its own.
        using var elsewhere = StudyPlanner.Next(Grid, observations, Options, 2, null, 2, new HashSet<Cell>(), PlannerState.Empty,
            pending: [fresh.Next[0]]);

        Assert.Equal(fresh.Next.Skip(1), elsewhere.Next);

        // Before any model, pending cells of the design are skipped too.
        using var start = StudyPlanner.Next(Grid, [], Options, 2, null, 2, new HashSet<Cell>(), PlannerState.Empty, pending: [design[0]]);
        Assert.DoesNotContain(design[0], start.Next);
        Assert.Equal(design[1], start.Next[0]);
    }
}

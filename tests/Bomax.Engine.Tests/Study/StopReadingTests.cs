using Bomax.Engine.Model;
using Bomax.Engine.Selection;
using Bomax.Engine.Study;

namespace Bomax.Engine.Tests.Study;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>A round's stop is read on the round's decision first and confirmed on a final decision at the same evaluations: the
/// study ends only where the final decision reaches the rule too (<c>stop.prob-best</c> also in the posterior of a report's
/// intervals), and goes on (or ends) with the final decision's state.</summary>
public class StopReadingTests
{
    static readonly Grid Grid = TestGrids.TenByThree;

    static readonly EngineOptions Options = new() { Device = ComputeDevice.Cpu, FirstFitIterations = 15, RefitIterations = 5 };

    /// <summary>A flat top: no checkpoint is sure to be the best.</summary>
    static List<Observation> Observations(int count) => TestGrids.PeakedScores(count, curvature: 0.01);

    /// <summary>A rule reached only by a pick whose P(best) in the tails is exactly <paramref name="TailProbability"/>: it tells the
    /// round's reading from the final decision's.</summary>
    sealed record ReachedAt(double TailProbability) : StopRule
    {
        public override bool Reached(Standing pick) => pick.TailProbabilityBest == TailProbability;
    }

    /// <summary>Evaluations when the draws were made, and at the round that reads them moved (<see cref="KeptDraws"/>): about half
    /// the grid, so that the checkpoints at the top are not all fully evaluated.</summary>
    const int Drawn = 14, Round = 18;

    /// <summary>A round whose draws were drawn at <see cref="Drawn"/> evaluations and moved since.</summary>
    static Plan RoundAt(List<Observation> observations) => RoundAt(Grid, Observations(Drawn), observations);

    /// <summary>A round on <paramref name="grid"/> at <paramref name="observations"/> whose draws were drawn at
    /// <paramref name="earlier"/> and moved since.</summary>
    static Plan RoundAt(Grid grid, List<Observation> earlier, List<Observation> observations)
    {
        using var drawn = StudyDecision.Final(grid, earlier, Options, PlannerState.Empty);
        _ = drawn.Select();
        return new Plan([], StudyDecision.Decide(grid, observations, Options, drawn.State), drawn.State);
    }

    static Engine.Selection.Selection FinalSelection(List<Observation> observations, PlannerState state)
    {
        using var final = StudyDecision.Final(Grid, observations, Options, state);
        return final.Select();
    }

    [Fact]
    public void ARuleTheRoundReachesEndsTheStudyOnTheFinalDecisionWhenThatReachesItToo()
    {
        var observations = Observations(Round);
        using var round = RoundAt(observations);

        var reading = StopReading.Of([new StopRule.Confident(0.0001)], round, Grid, observations, Options);

        Assert.Equal(Drawn, round.State.Draws!.Observations); // the round read the draws of fewer evaluations, moved
        Assert.Equal(new StopRule.Confident(0.0001), reading.Reached);
        Assert.Equal(Round, reading.State.Draws!.Observations); // the stop read draws made afresh
        var final = FinalSelection(observations, round.State);
        Assert.Equal(final.Pick, reading.Selection!.Pick);
        Assert.Equal(final.ProbabilityBest, reading.Selection.ProbabilityBest);
        // What the study ends on is what a decision from its state repeats (a stopped run's report).
        using var again = StudyDecision.Decide(Grid, observations, Options, reading.State);
        Assert.False(again.Refitted);
        Assert.Equal(final.Pick, again.Select().Pick);
        Assert.Null(reading.Report); // not asked for

        // Asked for, the stop carries its report: what a final decision from the study's state shows, which a replay then
        // records without making that decision again.
        var reported = StopReading.Of([new StopRule.Confident(0.0001)], round, Grid, observations, Options, withReport: true).Report!;
        using var recorded = StudyDecision.Final(Grid, observations, Options, reading.State);
        Assert.Equal(recorded.Rows.Mean, reported.Rows.Mean);
        Assert.Equal(recorded.Rows.Covariance, reported.Rows.Covariance);
        var shown = recorded.SelectForReport();
        Assert.Equal(shown.Pick, reported.Selection.Pick);
        Assert.Equal(shown.RunnersUp, reported.Selection.RunnersUp);
        Assert.Equal(shown.ProbabilityBest, reported.Selection.ProbabilityBest);
        // A study that goes on carries none.
        Assert.Null(StopReading.Of([new StopRule.Confident(1.5)], round, Grid, observations, Options, withReport: true).Report);
    }

    [Fact]
    public void ARuleTheRoundReachesAndTheFinalDecisionDoesNotLetTheStudyGoOnFromTheFinalDecision()
    {
        var observations = Observations(Round);
        using var round = RoundAt(observations);
        double roundReading = round.Decision!.Select().Pick.TailProbabilityBest;
        double finalReading = FinalSelection(observations, round.State).Pick.TailProbabilityBest;
        Assert.NotEqual(roundReading, finalReading); // moved draws and draws made afresh read the pick differently

        var reading = StopReading.Of([new ReachedAt(roundReading)], round, Grid, observations, Options);

        Assert.Null(reading.Reached);
        Assert.Equal(finalReading, reading.Selection!.Pick.TailProbabilityBest);
        Assert.Equal(Round, reading.State.Draws!.Observations); // the next rounds move the fresh draws
    }

    /// <summary>Ten checkpoints at steps doubling from 1 to 512, as a run's first saved checkpoints often are: where steps crowd, a
    /// report's intervals read the shared checkpoint jitter wider than the fit (<see cref="Bomax.Engine.Posterior.StepCrowding"/>).</summary>
    static readonly Grid Doubling = new(Enumerable.Range(0, 10).Select(i => new Checkpoint($"ckpt-{1 << i}", 1 << i)), Grid.Benchmarks);

    [Fact]
    public void AProbBestStopTheIntervalsPosteriorDoesNotReachLetsTheStudyGoOn()
    {
        const double curvature = 0.05;
        var observations = TestGrids.PeakedScores(Round, curvature);
        using var round = RoundAt(Doubling, TestGrids.PeakedScores(Drawn, curvature), observations);
        double roundReading = round.Decision!.Select().Pick.TailProbabilityBest;
        using var final = StudyDecision.Final(Doubling, observations, Options, round.State);
        var pick = final.Select().Pick;
        double inIntervals = final.ProbabilityBestInIntervals(pick.Checkpoint);
        double inTails = Math.Min(roundReading, pick.TailProbabilityBest);
        Assert.True(inIntervals < inTails, $"{inIntervals} in the intervals' posterior against {inTails} in the tails");

        var between = StopReading.Of([new StopRule.Confident((inIntervals + inTails) / 2)], round, Doubling, observations, Options);
        var reached = StopReading.Of([new StopRule.Confident(inIntervals)], round, Doubling, observations, Options);

        Assert.Null(between.Reached); // the round's tails and the final decision's reach it; the intervals' posterior does not
        Assert.Equal(Round, between.State.Draws!.Observations); // the study goes on from the final decision's state
        Assert.Equal(pick, between.Selection!.Pick);
        Assert.Equal(new StopRule.Confident(inIntervals), reached.Reached);
    }

    [Fact]
    public void ARuleTheRoundDoesNotReachCostsNoFinalDecision()
    {
        var observations = Observations(Round);
        using var round = RoundAt(observations);

        var reading = StopReading.Of([new StopRule.Confident(1.5)], round, Grid, observations, Options);

        Assert.Null(reading.Reached);
        Assert.Same(round.State.Draws, reading.State.Draws); // the round's own: drawn at 24, no final decision made
        Assert.Equal(round.Decision!.Select().ProbabilityBest, reading.Selection!.ProbabilityBest);
        Assert.Equal(new StopReading(null, PlannerState.Empty, null),
            StopReading.Of([new StopRule.Confident(0.0001)], new Plan([], null, PlannerState.Empty), Grid, [], Options));
    }
}

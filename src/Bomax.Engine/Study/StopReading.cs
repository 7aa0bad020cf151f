using Bomax.Engine.Model;
using Bomax.Engine.Posterior;

namespace Bomax.Engine.Study;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid
using Bomax.Engine.Selection; // inside the namespace, or Selection would mean the namespace Bomax.Engine.Selection

/// <summary>
/// Whether a round ends its study under the stop rules, and the state and selection the study goes on with (or ends on).
/// A stop is the study's last word, so it is read as a final decision is (<see cref="StudyDecision.Final"/>: the held-out
/// check made afresh on every observation, the hyperparameters' draws drawn afresh around this fit). A round's decision
/// reads the check of the last refit and draws moved from a fit of up to half as many observations (<see cref="KeptDraws"/>),
/// and the two readings part: of the 32 studies `stop.prob-best=0.95` ended on a round's reading in the replays
/// (docs/measurements.md), the final decision at the same evaluations put the pick's P(best) below 0.95 in 17. So the round's
/// reading is the cheap first look, and only a round that reaches a rule pays for the final decision, which reads the rule as
/// <see cref="StopRule.Confirmed"/> does (<c>stop.prob-best</c> also in the posterior of a report's intervals). Either way the
/// study goes on from (or the report repeats) the final decision's state: its draws and check are the fresher.
/// </summary>
public sealed record StopReading(StopRule? Reached, PlannerState State, Selection? Selection)
{
    /// <summary>What a report of the stop shows, read from the final decision that confirmed it (<see cref="Decision.Rows"/> and
    /// <see cref="Decision.SelectForReport"/>): set only when a rule ended the study and <c>withReport</c> asked for it, so that a
    /// replay records its stop without making the same final decision again.</summary>
    public StopReport? Report { get; init; }

    /// <summary>The reading of the round planned as <paramref name="plan"/> under <paramref name="rules"/> (the first reached ends
    /// the study); none before the first fit. With <paramref name="withReport"/>, a stop carries its <see cref="Report"/>.</summary>
    public static StopReading Of(IReadOnlyList<StopRule> rules, Plan plan, Grid grid, IReadOnlyList<Observation> observations,
        EngineOptions options, ConditioningCache? cache = null, bool withReport = false)
    {
        if (plan.Decision is not { } round) return new(null, plan.State, null);
        var selection = round.Select(); // read before the state, which then carries the scales and draws it needed
        if (!rules.Any(rule => rule.Reached(selection.Pick))) return new(null, plan.State, selection);
        using var final = StudyDecision.Final(grid, observations, options, plan.State, cache);
        var confirmed = final.Select();
        int pick = confirmed.Pick.Checkpoint;
        var reached = rules.FirstOrDefault(rule => rule.Confirmed(confirmed.Pick, () => final.ProbabilityBestInIntervals(pick)));
        return new(reached, final.State, confirmed)
        {
            Report = reached is not null && withReport ? new StopReport(final.Rows, final.SelectForReport()) : null,
        };
    }
}

/// <summary>A stop's report: the posterior of the averages a report's intervals are read from, and the selection a report shows.</summary>
public sealed record StopReport(RowPosterior Rows, Selection Selection);

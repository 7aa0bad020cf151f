using Bomax.Cli.Study;

namespace Bomax.Cli.Output;

/// <summary>The current pick as the status shows it: its name, P(best) and expected shortfall relative to its average, and, in a
/// study that stops by <c>stop.prob-best</c>, P(best) read in the posterior's tails (what the rule reads: it may stay below the
/// threshold after P(best) has passed it).</summary>
internal sealed record RunPick(string Name, double ProbabilityBest, double RelativeShortfall, double? TailProbabilityBest = null)
{
    /// <summary>" in the tails 0.93" beside P(best), where the study stops by it and it says something else.</summary>
    public string Tails(string separator) =>
        TailProbabilityBest is { } tails && Math.Round(tails, 2) != Math.Round(ProbabilityBest, 2) ? $"{separator}in the tails {tails:0.00}" : "";
}

/// <summary>
/// Where a run stands after a round was planned: what the progress display draws (a bar on a terminal, one line in a log, a
/// <c>progress</c> message for tools). <see cref="Elapsed"/> is as of the report; the display moves it on between reports.
/// </summary>
/// <param name="Done">Evaluations spent (recorded or failed) of <see cref="Budget"/>.</param>
/// <param name="Running">The pairs this run is evaluating now, as "checkpoint × benchmark".</param>
/// <param name="Elsewhere">Pairs leased to other workers of the same study.</param>
/// <param name="Pick">The round's decision; null while the initial design runs.</param>
/// <param name="Started">Evaluations this run has started: the time per evaluation so far is what the estimate of what is left uses.</param>
internal sealed record RunStatus(int Round, int Done, int Budget, IReadOnlyList<string> Running, int Elsewhere, RunPick? Pick, TimeSpan Elapsed,
    int Started)
{
    /// <summary>The time the evaluations left would take at this run's pace so far; null before there is a pace to go by.</summary>
    public TimeSpan? Remaining(TimeSpan elapsed) =>
        Started > 0 && elapsed.TotalSeconds > 1 && Done < Budget
            ? TimeSpan.FromSeconds(Math.Round(elapsed.TotalSeconds / Started * (Budget - Done)))
            : null;

    /// <summary>The status as one line: what logs and <c>--messages json</c> progress messages carry.</summary>
    public string Line()
    {
        var pick = Pick is null ? "initial design" : $"pick {Pick.Name} (P(best) {Pick.ProbabilityBest:0.00}{Pick.Tails(", ")})";
        string eta = Remaining(Elapsed) is { } left ? (left.TotalSeconds < 1 ? ", ETA <1s" : $", ETA {Durations.Human(left.TotalSeconds)}") : "";
        string others = Elsewhere > 0 ? $" (+{Elsewhere} leased elsewhere)" : "";
        return $"round {Round}: {Done}/{Budget} evaluations, running {Running.Count}{others}, {pick}{eta}";
    }
}

using System.Globalization;

namespace Bomax.Engine.Selection;

/// <summary>
/// A study's early stop, read each round from the round's pick: once it is the best with a stated probability even in the
/// posterior's tails (<see cref="Confident"/>, <c>stop.prob-best</c>), or once it is expected to fall no further below the best average than a
/// limit, and to be within it with probability <see cref="Selection.NearBestProbability"/> (<see cref="NearBest"/>,
/// <c>stop.expected-shortfall</c>: a shortfall expected within the limit still leaves it often beyond, when it is a small chance
/// of a large miss). A round that reaches a rule is confirmed on a final decision (<see cref="Study.StopReading"/>,
/// <see cref="Confirmed"/>). <c>bomax run</c> ends there; <c>bomax replay --stop</c> replays studies that end there and says how
/// often they were right to.
/// </summary>
public abstract record StopRule
{
    /// <summary>Whether a round whose pick is <paramref name="pick"/> ends the study: the round's reading.</summary>
    public abstract bool Reached(Standing pick);

    /// <summary>Whether a final decision whose pick is <paramref name="pick"/> confirms the stop: <see cref="Reached"/>, and whatever
    /// else the rule reads that a round cannot afford (<paramref name="probabilityBestInIntervals"/>: the pick's P(best) in the
    /// posterior a report's intervals are read from, computed only when asked for).</summary>
    public virtual bool Confirmed(Standing pick, Func<double> probabilityBestInIntervals) => Reached(pick);

    /// <summary>Stop once the pick's P(best), read in the posterior's tails (<see cref="Standing.TailProbabilityBest"/>), is at least
    /// <paramref name="ProbabilityBest"/>, and is so too in the posterior a report's 95 % intervals are read from (at the
    /// confirmation). That posterior is the engine's widest: pooled over the hyperparameters' draws at the fitted coupling of the
    /// benchmarks, with the shared jitter of crowded steps, each benchmark's spread over the run and the benchmarks' co-movement,
    /// widened to the tails' scale. The one P(best) reads couples the benchmarks as the held-out check found them and may be
    /// narrowed by it, and a stop read there alone named a checkpoint that was not the best in 4 of 46 stops (20 seeds of 26
    /// replays, 0.02–0.08 % below it): each time the true best was a checkpoint evaluated on at most 5 of its benchmarks and read
    /// several of its standard deviations too low, and the intervals' posterior put the pick's P(best) at 0.50–0.90. Confirmed
    /// there too, 29 of the 46 still stopped, 28 on the true best (docs/measurements.md#stop-in-intervals).</summary>
    public sealed record Confident(double ProbabilityBest) : StopRule
    {
        public override bool Reached(Standing pick) => pick.TailProbabilityBest >= ProbabilityBest;
        public override bool Confirmed(Standing pick, Func<double> probabilityBestInIntervals) =>
            Reached(pick) && probabilityBestInIntervals() >= ProbabilityBest;
        public override string ToString() => "prob-best=" + ProbabilityBest.ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>Stop once the pick's expected shortfall is within <paramref name="Limit"/>, and the pick is within it with probability
    /// <see cref="Selection.NearBestProbability"/>.</summary>
    public sealed record NearBest(ShortfallLimit Limit) : StopRule
    {
        public override bool Reached(Standing pick) => Limit.Reached(pick);
        public override string ToString() => "expected-shortfall=" + Limit;
    }
}

/// <summary><c>stop.expected-shortfall</c>: in score units (<c>0.0005</c>), or as a share of the best average (<c>0.1%</c>).</summary>
public sealed record ShortfallLimit(double Value, bool IsShare)
{
    public const string Forms = "a share of the best average like 0.1% or a score difference like 0.0005";

    /// <summary>Reads a <c>stop.expected-shortfall</c> value: a percentage above 0 and below 100 (<c>0.1%</c>) or a score
    /// difference above 0 (<c>0.0005</c>). Exactly one of Limit and Problem is set.</summary>
    public static (ShortfallLimit? Limit, string? Problem) Read(string text)
    {
        string trimmed = text.Trim();
        bool share = trimmed.EndsWith('%');
        if (!double.TryParse(share ? trimmed[..^1] : trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
            return (null, $"expected {Forms}, found '{text}'");
        if (!(value > 0) || (share && value >= 100))
            return (null, $"must be more than 0{(share ? "% and less than 100%" : "")}, found '{text}'");
        return (new ShortfallLimit(share ? value / 100 : value, share), null);
    }

    /// <summary>Whether <paramref name="pick"/>'s expected shortfall (as a share of the best average, or in score units) is within
    /// the limit, and the pick is within it with probability <see cref="Selection.NearBestProbability"/>.</summary>
    public bool Reached(Standing pick) =>
        (IsShare ? pick.RelativeShortfall : pick.ExpectedShortfall) <= Value
        && (IsShare ? pick.RelativeLikelyShortfall : pick.LikelyShortfall) <= Value;

    /// <summary>Whether a pick that fell <paramref name="regret"/> (a share of the best average) and <paramref name="gap"/> (score
    /// units) below the true best is within the limit: what a replay checks a stop by.</summary>
    public bool Holds(double regret, double gap) => (IsShare ? regret : gap) <= Value;

    public override string ToString() => IsShare
        ? (100 * Value).ToString("0.###", CultureInfo.InvariantCulture) + "%"
        : Value.ToString("0.######", CultureInfo.InvariantCulture);
}

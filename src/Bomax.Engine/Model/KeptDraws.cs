namespace Bomax.Engine.Model;

/// <summary>
/// Laplace draws of the hyperparameters (<see cref="HyperparameterDraws"/>) kept from one decision to the next: the draws, the fit they
/// were drawn around and how many observations that fit saw. A study's rounds read P(best) at every round (its progress and stop
/// rules), and a fresh Hessian costs one gradient per hyperparameter (11 s of one core on the 121 × 71 table at 430 observations),
/// so the rounds move the kept draws with the fit until the study has <see cref="Growth"/> times the observations: each draw's offset
/// from the fit it was drawn around, shrunk by √(observations then / observations now), is added to the fit now. The Laplace
/// covariance is the inverse of the curvature, which grows with the observations, so its spread shrinks so as the study grows. A
/// study's final decision always draws afresh.
/// </summary>
public sealed record KeptDraws(Hyperparameters Around, IReadOnlyList<Hyperparameters> Draws, int Observations)
{
    /// <summary>Kept draws serve until the study has this many times the observations they were drawn at.</summary>
    public const double Growth = 2;

    /// <summary>Whether the draws still serve a decision of <paramref name="observations"/> with hyperparameters of <paramref name="fit"/>'s
    /// shape.</summary>
    public bool Serve(int observations, Hyperparameters fit) =>
        observations >= Observations && observations < Observations * Growth
        && fit.Benchmarks == Around.Benchmarks && fit.Rank == Around.Rank;

    /// <summary>The draws moved to <paramref name="fit"/> at <paramref name="observations"/>: each draw's offset from
    /// <see cref="Around"/> times √(<see cref="Observations"/> / observations), added to the fit.</summary>
    public IReadOnlyList<Hyperparameters> MovedTo(Hyperparameters fit, int observations)
    {
        if (observations == Observations && fit.Raw.AsSpan().SequenceEqual(Around.Raw)) return Draws; // as drawn, to the last bit
        double shrink = Math.Sqrt((double)Observations / observations);
        return Draws.Select(d => fit with { Raw = d.Raw.Select((x, k) => fit.Raw[k] + shrink * (x - Around.Raw[k])).ToArray() }).ToList();
    }
}

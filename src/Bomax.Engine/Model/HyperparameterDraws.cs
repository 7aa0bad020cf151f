using MathNet.Numerics.LinearAlgebra;
using TorchSharp;

namespace Bomax.Engine.Model;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// Seeded draws of the hyperparameters from the Laplace approximation of their posterior around a fit: N(θ̂, H⁻¹), H the
/// Hessian of the fit's objective (negative log marginal likelihood plus the weak priors) in the raw parameters, by forward
/// differences of its analytic gradient (symmetrised). A study that has seen two cells of each benchmark knows the benchmark
/// covariance only roughly; conditioning on each draw and pooling the posteriors carries that into a report's intervals
/// (<see cref="Study.Decision.Rows"/>; P(best) and the ranking keep the fitted posterior). Parameters the fit does not move
/// (benchmarks its sample left out; terms the options turn off, whose gradient is zero) stay where they are; directions the
/// objective does not curve upward in are given the curvature <see cref="SmallestCurvature"/>. The Hessian costs
/// one evaluation of the gradient per hyperparameter (central differences cost two and agreed within 0.02 % of the largest
/// entry on Pythia and 61 × 36 grids), each O(n³) in the observations it reads. So a study with more than
/// <see cref="LargestSample"/> observations has it read from a seeded sample of that many (drawn per benchmark as a fit's is,
/// <see cref="FitSample"/>), its likelihood weighted by observations / sample: the information grows with the observations, so
/// the curvature of all of them is about that many times the sample's. A study with more than <see cref="LargestLayout"/>
/// hyperparameters gets no draws (11 s of one core for 148 hyperparameters at 430 observations; 2,000 benchmarks would take
/// hours).
/// </summary>
public static class HyperparameterDraws
{
    public const double SmallestCurvature = 1.0;
    public const int LargestLayout = 400;
    public const int LargestSample = 600;
    const double Step = 1e-4;

    public static IReadOnlyList<Hyperparameters> Of(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options,
        int count) => Of(grid, observations, fit, options, count, LargestSample);

    /// <summary>As <see cref="Of(Grid, IReadOnlyList{Observation}, ModelFit, EngineOptions, int)"/>, with the curvature read from at most
    /// <paramref name="largestSample"/> observations (tests use a small one).</summary>
    internal static IReadOnlyList<Hyperparameters> Of(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options,
        int count, int largestSample) => NativeCalls.WithoutCollections(() => Compute(grid, observations, fit, options, count, largestSample));

    static IReadOnlyList<Hyperparameters> Compute(Grid grid, IReadOnlyList<Observation> observations, ModelFit fit, EngineOptions options,
        int count, int largestSample)
    {
        if (count <= 0 || observations.Count == 0) return [];
        using var scope = torch.NewDisposeScope();
        var layout = fit.Hyperparameters;
        if (layout.Raw.Length > LargestLayout) return [];
        // The curvature of a larger study's likelihood is read from a seeded sample of it, scaled to all its observations.
        var sample = FitSample.Of(observations, largestSample, options.Seed + observations.Count);
        double weight = (double)observations.Count / sample.Observations.Count;
        var sets = new List<(TrainingSet, double)>
        {
            (TrainingSet.Build(grid, sample.Observations, fit.Standardisation, TorchDevice.Resolve(options.Device)), weight),
        };
        var frozen = HyperparameterFit.Frozen(layout, sample.LeftOut).ToHashSet();
        int p = layout.Raw.Length;
        double[] Gradient(double[] raw) => MarginalLikelihood.Evaluate(sets, layout, raw, options).Gradient;
        var hessian = new double[p, p];
        var atFit = Gradient(layout.Raw);
        for (int i = 0; i < p; i++)
        {
            if (frozen.Contains(i)) continue;
            var up = (double[])layout.Raw.Clone();
            up[i] += Step;
            var gUp = Gradient(up);
            for (int k = 0; k < p; k++) hessian[i, k] = (gUp[k] - atFit[k]) / Step;
        }
        var free = Enumerable.Range(0, p).Where(i => !frozen.Contains(i) && Math.Abs(hessian[i, i]) > 1e-9).ToArray();
        if (free.Length == 0) return [];
        var h = Matrix<double>.Build.Dense(free.Length, free.Length, (a, b) => 0.5 * (hessian[free[a], free[b]] + hessian[free[b], free[a]]));
        var evd = h.Evd(Symmetricity.Symmetric);
        var spread = evd.EigenValues.Select(l => 1 / Math.Sqrt(Math.Max(l.Real, SmallestCurvature))).ToArray();
        var random = new Random(options.Seed ^ 0x2545f491);
        var draws = new List<Hyperparameters>(count);
        for (int s = 0; s < count; s++)
        {
            var z = Vector<double>.Build.Dense(free.Length, k => spread[k] * StandardNormal.Draw(random));
            var delta = evd.EigenVectors * z;
            var raw = (double[])layout.Raw.Clone();
            for (int a = 0; a < free.Length; a++) raw[free[a]] += delta[a];
            draws.Add(layout with { Raw = raw });
        }
        return draws;
    }
}
